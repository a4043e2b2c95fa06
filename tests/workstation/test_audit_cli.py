"""``python -m workstation.audit``: verify (exit 0 intact, 1 altered, 2 cannot check) and export-xml."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from lxml import etree

from auth.keystore import KeyStore, VolatileKeyring
from auth.session import Identity
from workstation.audit import AuditJournal, AuditSource, AuditTrail, MemoryStateStore, StudyOrigin
from workstation.audit.__main__ import main
from workstation.audit.custody import open_journal

ROOT = Path(__file__).resolve().parents[2]
K0 = bytes.fromhex("c3" * 32)
USER = Identity("dr.martin", "10001234567", "MARTIN", "Claire", "Dr")


def fill(journal: AuditJournal, count: int) -> None:
    trail = AuditTrail(journal, AuditSource("poste-1"), "poste-1", lambda: datetime(2025, 3, 1, tzinfo=UTC))
    for i in range(count):
        trail.study_accessed(USER, f"1.2.3.{i}", f"P{i}", StudyOrigin.PLATFORM)


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    path = tmp_path / "journal.jsonl"
    with AuditJournal(path, MemoryStateStore(), K0) as journal:
        fill(journal, 12)
    return path


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "k0.hex"
    path.write_text(K0.hex() + "\n", encoding="ascii")
    return path


def test_intact_journal(journal_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(journal_path), "--key-file", str(key_file)]) == 0
    out = capsys.readouterr().out
    assert "INTÈGRE" in out and "12 enregistrement(s)" in out


def test_altered_journal_names_the_first_bad_record(
    journal_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = journal_path.read_bytes().splitlines(keepends=True)
    lines[7] = lines[7].replace(b"1.2.3.7", b"1.2.3.8")
    journal_path.write_bytes(b"".join(lines))
    assert main(["verify", str(journal_path), "--key-file", str(key_file)]) == 1
    out = capsys.readouterr().out
    assert "ALTÉRÉ" in out and "enregistrement 7 :" in out and "sceau (HMAC) invalide" in out
    assert "7 enregistrement(s) intègre(s)" in out


def test_truncation_against_a_given_head(
    journal_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = journal_path.read_bytes().splitlines(keepends=True)
    head = f"11:{lines[-1][-67:-3].decode()}"
    assert main(["verify", str(journal_path), "--key-file", str(key_file), "--head", head]) == 0
    journal_path.write_bytes(b"".join(lines[:9]))
    assert main(["verify", str(journal_path), "--key-file", str(key_file), "--head", head]) == 1
    assert "enregistrement 9 : enregistrements manquants" in capsys.readouterr().out


def test_cannot_check(journal_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad_key = tmp_path / "bad.hex"
    bad_key.write_text("abcd", encoding="ascii")
    assert main(["verify", str(journal_path), "--key-file", str(bad_key)]) == 2
    assert "32 octets" in capsys.readouterr().err
    assert main(["verify", str(tmp_path / "absent.jsonl"), "--key-file", str(bad_key)]) == 2
    assert "introuvable" in capsys.readouterr().err


@pytest.fixture
def keystore() -> Iterator[KeyStore]:
    previous = keyring.get_keyring()
    keyring.set_keyring(VolatileKeyring())
    try:
        yield KeyStore()
    finally:
        keyring.set_keyring(previous)


def test_key_and_head_from_the_keyring(
    tmp_path: Path, keystore: KeyStore, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "keyring-journal.jsonl"
    with open_journal(keystore, path) as journal:
        fill(journal, 5)
    assert main(["verify", str(path), "--key-from-keyring"]) == 0
    assert "fin du journal vérifiée" in capsys.readouterr().out
    path.write_bytes(b"".join(path.read_bytes().splitlines(keepends=True)[:4]))
    assert main(["verify", str(path), "--key-from-keyring"]) == 1
    assert "enregistrement 4 : enregistrements manquants" in capsys.readouterr().out


def test_no_secure_keyring(journal_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        assert main(["verify", str(journal_path), "--key-from-keyring"]) == 2
    finally:
        keyring.set_keyring(previous)
    assert "trousseau" in capsys.readouterr().err


def test_export_xml(journal_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "xml"
    lines = journal_path.read_bytes().splitlines(keepends=True)
    after = f"9:{lines[9][-67:-3].decode()}"
    assert main(["export-xml", str(journal_path), "--out", str(out), "--after", after]) == 0
    files = sorted(out.iterdir())
    assert [f.name for f in files] == ["00000010.xml", "00000011.xml"]
    assert all(f.stat().st_mode & 0o077 == 0 for f in files)
    message = etree.parse(str(files[0])).getroot()
    assert message.tag == "AuditMessage"
    assert message.find("ParticipantObjectIdentification").get("ParticipantObjectID") == "P10"


def test_module_entry_point(journal_path: Path, key_file: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "workstation.audit", "verify", str(journal_path), "--key-file", str(key_file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    journal_path.write_bytes(journal_path.read_bytes()[:-10])
    run = subprocess.run(
        [sys.executable, "-m", "workstation.audit", "verify", str(journal_path), "--key-file", str(key_file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1 and "enregistrement 11" in run.stdout
