"""Where the workstation keeps its files on each OS (platformdirs), never a hard-coded Unix layout.

Linux: ``$XDG_CONFIG_HOME/teleradiologie`` (settings, personal dictionary), ``$XDG_CACHE_HOME/
teleradiologie`` (the study cache: may be cleared), ``$XDG_DATA_HOME/teleradiologie`` (audit journal,
outbox: data, never a cache), each defaulting to ``~/.config``, ``~/.cache`` and ``~/.local/share``
as the XDG specification says; the XDG variables keep working (the tests give each run a throw-away
profile through them). Windows: under ``%LOCALAPPDATA%\\teleradiologie``; macOS: under
``~/Library/Application Support`` and ``~/Library/Caches``. The Windows and macOS installers
(packaging/README.md) rely on this.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_DIR_NAME = "teleradiologie"


def config_dir() -> Path:
    """Settings and what the user teaches the application (the personal dictionary)."""
    return platformdirs.user_config_path(APP_DIR_NAME, appauthor=False)


def cache_dir() -> Path:
    """The encrypted study cache: may be emptied without losing anything that matters."""
    return platformdirs.user_cache_path(APP_DIR_NAME, appauthor=False)


def data_dir() -> Path:
    """The audit journal, the outbox and the workstation's state: data, kept."""
    return platformdirs.user_data_path(APP_DIR_NAME, appauthor=False)
