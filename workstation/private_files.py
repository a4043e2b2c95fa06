"""Files that hold secrets or patient data: 0600, in folders that are 0700 (issue 15).

The audit journal (patient identifiers), the encrypted study cache and its index, and the settings
are the user's alone. New ones are created private from their first byte; existing ones are
checked at start-up: a folder or file someone loosened (a copy, a restore from a backup, an
administrator's chmod, a folder made earlier with the default umask) is set back, with a warning
in the log, because an unreadable journal would be worse than a tightened one. POSIX only: on
Windows, the user's profile folders carry the ACLs.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

FOLDER_MODE = 0o700
FILE_MODE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def private_folder(folder: Path) -> None:
    """Create ``folder`` (and missing parents) 0700, or tighten an existing one with a warning."""
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    if os.name != "posix":
        return
    mode = stat.S_IMODE(folder.stat().st_mode)
    if mode & 0o077:
        log.warning("folder %s was open to other users (mode %o): set to %o", folder, mode, FOLDER_MODE)
        folder.chmod(FOLDER_MODE)


def private_file(path: Path) -> None:
    """Tighten an existing file to 0600 with a warning; nothing for a missing one."""
    if os.name != "posix":
        return
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if mode & 0o077:
        log.warning("file %s was open to other users (mode %o): set to %o", path, mode, FILE_MODE)
        path.chmod(FILE_MODE)


def private_database(path: Path) -> None:
    """A SQLite database and its WAL, shared-memory and journal files: existing ones checked, a
    missing database created empty 0600 first (SQLite gives its companions the database's mode)."""
    private_folder(path.parent)
    for companion in (path, *(path.with_name(path.name + suffix) for suffix in SQLITE_COMPANIONS)):
        private_file(companion)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))


def write_private(path: Path, data: bytes) -> None:
    """Replace ``path`` atomically with ``data``, the new file 0600 from its creation."""
    private_folder(path.parent)
    partial = path.with_name(path.name + ".tmp")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    if os.name == "posix":
        os.chmod(partial, FILE_MODE)  # an older .tmp left by a crash may have had another mode
    os.replace(partial, path)
