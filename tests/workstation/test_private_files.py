"""Files holding secrets or patient data are 0600 in 0700 folders (issue 15): the audit journal's
folder (it was 0755), the study cache and its index, the settings; a loosened one is set back at
start-up with a warning."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from workstation.audit import AuditJournal, MemoryStateStore
from workstation.cache import StudyCache
from workstation.private_files import private_database, write_private
from workstation.settings import APP_DIR_NAME, Settings, load_settings

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_loosened_audit_folder_is_tightened_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "audit"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)  # what the application's start-up used to leave (umask 022)
    with (
        caplog.at_level(logging.WARNING),
        AuditJournal(folder / "journal.jsonl", MemoryStateStore(), bytes(32)),
    ):
        pass
    assert _mode(folder) == 0o700 and _mode(folder / "journal.jsonl") == 0o600
    assert any("was open to other users (mode 755)" in r.getMessage() for r in caplog.records)


def test_the_cache_folder_and_its_index_are_private(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    cache = StudyCache(tmp_path / "cache", bytes(range(32)), runtime_dir=runtime)
    cache.close()
    index = tmp_path / "cache" / "index.sqlite"
    assert _mode(tmp_path / "cache") == 0o700 and _mode(index) == 0o600
    os.chmod(tmp_path / "cache", 0o755)
    os.chmod(index, 0o644)
    with caplog.at_level(logging.WARNING):
        StudyCache(tmp_path / "cache", bytes(range(32)), runtime_dir=runtime).close()
    assert _mode(tmp_path / "cache") == 0o700 and _mode(index) == 0o600
    for suffix in ("-wal", "-shm"):
        companion = index.with_name("index.sqlite" + suffix)
        assert not companion.exists() or _mode(companion) == 0o600
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert "mode 755" in warned and "mode 644" in warned


def test_settings_are_written_private_and_a_loosened_file_is_tightened(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    target = tmp_path / APP_DIR_NAME / "settings.json"
    Settings().save(target)
    assert _mode(target) == 0o600 and _mode(target.parent) == 0o700
    os.chmod(target, 0o644)
    os.chmod(target.parent, 0o755)
    with caplog.at_level(logging.WARNING):
        load_settings(target)
    assert _mode(target) == 0o600 and _mode(target.parent) == 0o700


def test_helpers_create_private_files_from_the_first_byte(tmp_path: Path) -> None:
    write_private(tmp_path / "a" / "secret.json", b"{}")
    assert _mode(tmp_path / "a") == 0o700 and _mode(tmp_path / "a" / "secret.json") == 0o600
    private_database(tmp_path / "b" / "db.sqlite")
    assert _mode(tmp_path / "b" / "db.sqlite") == 0o600
