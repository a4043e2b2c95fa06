"""The workstation's folders come from platformdirs, and on Linux the XDG variables still decide.

tests/conftest.py points XDG_CONFIG_HOME, XDG_CACHE_HOME and XDG_DATA_HOME at a throw-away profile:
everything the application writes by default must land there, never in the developer's home.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from workstation import paths
from workstation.audit.journal import default_journal_path
from workstation.settings import Settings, default_settings_file

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG variables are Linux's")


@linux
def test_the_xdg_variables_decide_on_linux(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CONFIG", "CACHE", "DATA"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    assert default_settings_file() == tmp_path / "config" / "teleradiologie" / "settings.json"
    assert Settings().cache_dir == tmp_path / "cache" / "teleradiologie"
    dictionary = tmp_path / "config" / "teleradiologie" / "dictionnaire-personnel.txt"
    assert Settings().personal_dictionary == dictionary
    assert default_journal_path() == tmp_path / "data" / "teleradiologie" / "audit" / "journal.jsonl"


@linux
def test_without_them_the_xdg_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("CONFIG", "CACHE", "DATA"):
        monkeypatch.delenv(f"XDG_{name}_HOME", raising=False)
    assert paths.config_dir() == tmp_path / ".config" / "teleradiologie"
    assert paths.cache_dir() == tmp_path / ".cache" / "teleradiologie"
    assert paths.data_dir() == tmp_path / ".local" / "share" / "teleradiologie"


def test_the_test_profile_is_a_throw_away_one() -> None:
    """Whatever the OS, the defaults stay out of the real home during the tests (conftest's profile)."""
    home = Path.home()
    for folder in (paths.config_dir(), paths.cache_dir(), paths.data_dir()):
        assert folder.name == "teleradiologie"
        if sys.platform.startswith("linux"):
            assert not folder.is_relative_to(home / ".config") and not folder.is_relative_to(home / ".cache")


_OTHER_WRITER = """
import sys
from workstation.audit.journal import AuditJournal, JournalBusy, MemoryStateStore
try:
    AuditJournal(sys.argv[1], MemoryStateStore(), bytes(32)).close()
except JournalBusy as exc:
    print(exc.user_message)
    sys.exit(3)
"""


def test_the_journal_lock_holds_across_processes_and_goes_with_its_writer(tmp_path: Path) -> None:
    """filelock on every OS (flock here): another workstation process is refused while the writer
    lives, and may write once it has closed, the lock file left behind being harmless."""
    import subprocess

    from workstation.audit.journal import AuditJournal, MemoryStateStore

    path = tmp_path / "audit" / "journal.jsonl"
    root = Path(__file__).resolve().parents[2]

    def other() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", _OTHER_WRITER, str(path)],
            cwd=root, capture_output=True, text=True, timeout=60,
        )

    with AuditJournal(path, MemoryStateStore(), bytes(32)):
        refused = other()
        assert refused.returncode == 3, refused.stderr
        assert "autre instance du poste" in refused.stdout
    assert (path.parent / "journal.jsonl.lock").exists()
    path.unlink()  # a new journal for the other process (no writer state to carry over here)
    allowed = other()
    assert allowed.returncode == 0, allowed.stderr
