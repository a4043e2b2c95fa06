"""The audit journal's writer: durability, reopening after crashes, custody of its keys."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring
import pytest

from auth.keystore import KeyStore, SecretName, VolatileKeyring
from auth.session import Identity
from workstation.audit import (
    AuditJournal,
    AuditSource,
    AuditTrail,
    ChainHead,
    JournalBusy,
    JournalError,
    JournalStateLost,
    JournalTampered,
    MemoryStateStore,
    ProblemKind,
    StudyOrigin,
    read_entries,
    verify_file,
)
from workstation.audit.custody import open_journal, set_aside_and_restart, verification_material
from workstation.audit.journal import WriterState, evolve
from workstation.audit.model import EventKind

K0 = bytes(range(32))
USER = Identity("dr.martin", "10001234567", "MARTIN", "Claire", "Dr")
PATIENT = "1234567890123^^^&1.2.250.1.213.1.4.8&ISO"


def _ticking_clock() -> Iterator[datetime]:
    t = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    while True:
        yield t
        t += timedelta(seconds=7)


def trail_for(journal: AuditJournal) -> AuditTrail:
    ticks = _ticking_clock()
    return AuditTrail(journal, AuditSource("poste-1", "groupe-tlr"), "poste-1.local", lambda: next(ticks))


def write_studies(journal: AuditJournal, count: int) -> ChainHead:
    trail = trail_for(journal)
    head = None
    for i in range(count):
        head = trail.study_accessed(USER, f"1.2.250.9.{i}", PATIENT, StudyOrigin.CACHE)
    assert head is not None
    return head


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "audit" / "journal.jsonl"


def test_append_verify_reopen(path: Path) -> None:
    with AuditJournal(path, store := MemoryStateStore(), K0) as journal:
        assert journal.head is None
        head = write_studies(journal, 5)
        assert head.index == 4 and journal.head == head
    with AuditJournal(path, store) as journal:  # reopened from the saved state
        assert journal.head == head
        write_studies(journal, 2)
    result = verify_file(path, K0)
    assert result.ok and result.records == 7 and result.head is not None and result.head.index == 6
    assert [e.record.kind for e in read_entries(path)] == [EventKind.STUDY_ACCESSED] * 7


def test_reopen_from_the_initial_key_alone(path: Path) -> None:
    with AuditJournal(path, MemoryStateStore(), K0) as journal:
        head = write_studies(journal, 3)
    with AuditJournal(path, MemoryStateStore.recover(path, K0)) as journal:
        assert journal.head == head
        write_studies(journal, 1)
    assert verify_file(path, K0).records == 4


def test_file_and_directory_are_private(path: Path) -> None:
    with AuditJournal(path, MemoryStateStore(), K0) as journal:
        write_studies(journal, 1)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    path.chmod(0o644)
    store = MemoryStateStore.recover(path, K0)
    with AuditJournal(path, store):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_second_writer_is_refused(path: Path) -> None:
    with AuditJournal(path, MemoryStateStore(), K0):
        with pytest.raises(JournalBusy) as caught:
            AuditJournal(path, MemoryStateStore(), K0)
        assert "autre instance" in caught.value.user_message


def test_writer_state_never_holds_a_past_key(path: Path) -> None:
    store = MemoryStateStore()
    with AuditJournal(path, store, K0) as journal:
        write_studies(journal, 3)
    state = store.load()
    assert state is not None and state.next_index == 3
    expected = bytearray(K0)
    for _ in range(3):
        expected = evolve(expected)
    assert bytes(state.key) == bytes(expected) and bytes(state.key) != K0


def test_current_key_cannot_rewrite_the_past(path: Path) -> None:
    """Forward security: with the writer's current key an attacker re-seals an old record in vain."""
    store = MemoryStateStore()
    with AuditJournal(path, store, K0) as journal:
        write_studies(journal, 4)
    stolen = store.load()
    assert stolen is not None
    lines = path.read_bytes().splitlines(keepends=True)
    # re-seal record 1 with different content, using the stolen (current) key and the right chain link
    forged_store = MemoryStateStore(WriterState(1, bytes.fromhex(lines[0][-67:-3].decode()), stolen.key))
    forged_path = path.with_name("forged.jsonl")
    forged_path.write_bytes(lines[0])
    with AuditJournal(forged_path, forged_store) as forger:
        write_studies(forger, 1)
    forged_line = forged_path.read_bytes().splitlines(keepends=True)[1]
    path.write_bytes(lines[0] + forged_line + b"".join(lines[2:]))
    result = verify_file(path, K0)
    assert result.problem is not None and result.problem.index == 1
    assert result.problem.kind is ProblemKind.BAD_MAC


def test_torn_last_line_is_cut_on_reopening(path: Path) -> None:
    store = MemoryStateStore()
    with AuditJournal(path, store, K0) as journal:
        write_studies(journal, 3)
        valid_size = path.stat().st_size
    with open(path, "ab") as stream:  # a crash in the middle of writing record 3
        stream.write(b'{"body":{"index":3,"prev":"ab')
    assert verify_file(path, K0).problem.kind is ProblemKind.TORN
    with AuditJournal(path, store) as journal:
        assert journal.recovered_torn_tail and path.stat().st_size == valid_size
        write_studies(journal, 1)
    assert verify_file(path, K0).records == 4


class FlakyStore(MemoryStateStore):
    """A keyring that fails to save after the first ``ok`` saves."""

    def __init__(self, ok: int) -> None:
        super().__init__()
        self.ok = ok

    def save(self, state: WriterState) -> None:
        if self.ok <= 0:
            raise OSError("keyring went away")
        self.ok -= 1
        super().save(state)


def test_records_sealed_after_the_saved_state_are_adopted(path: Path) -> None:
    store = FlakyStore(ok=3)  # the initial state + two appends are saved, then saving fails
    with AuditJournal(path, store, K0) as journal:
        write_studies(journal, 2)
        with pytest.raises(OSError):
            write_studies(journal, 1)
        with pytest.raises(OSError):  # the record is durable and the in-memory chain moved on
            write_studies(journal, 1)
        head = journal.head
    assert head is not None and head.index == 3
    store.ok = 10
    with AuditJournal(path, store) as journal:
        assert journal.head == head
        write_studies(journal, 1)
    assert verify_file(path, K0).records == 5


def test_a_failed_write_leaves_no_partial_record(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = MemoryStateStore()
    with AuditJournal(path, store, K0) as journal:
        head = write_studies(journal, 2)
        size = path.stat().st_size
        real_write = os.write

        def half_then_full(fd: int, data: bytes) -> int:
            real_write(fd, data[: len(data) // 2])
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "write", half_then_full)
        with pytest.raises(JournalError) as caught:
            write_studies(journal, 1)
        assert "disque plein" in caught.value.user_message
        monkeypatch.setattr(os, "write", real_write)
        assert path.stat().st_size == size and journal.head == head
        write_studies(journal, 1)
    assert verify_file(path, K0).records == 3


def test_missing_records_are_refused_on_reopening(path: Path) -> None:
    store = MemoryStateStore()
    with AuditJournal(path, store, K0) as journal:
        write_studies(journal, 4)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:3]))
    with pytest.raises(JournalTampered) as caught:
        AuditJournal(path, store)
    assert "3 complete records" in str(caught.value) and "supprimés" in caught.value.user_message


def test_forged_records_beyond_the_state_are_refused(path: Path) -> None:
    store = MemoryStateStore()
    with AuditJournal(path, store, K0) as journal:
        write_studies(journal, 2)
    with AuditJournal(path.with_name("other.jsonl"), MemoryStateStore(), bytes(32)) as other:
        write_studies(other, 3)
    other_lines = path.with_name("other.jsonl").read_bytes().splitlines(keepends=True)
    with open(path, "ab") as stream:
        stream.write(other_lines[2])
    with pytest.raises(JournalTampered):
        AuditJournal(path, store)


def test_records_without_state_cannot_be_continued(path: Path) -> None:
    with AuditJournal(path, MemoryStateStore(), K0) as journal:
        write_studies(journal, 1)
    with pytest.raises(JournalStateLost):
        AuditJournal(path, MemoryStateStore(), K0)


def test_read_entries_after_an_acknowledged_head(path: Path) -> None:
    with AuditJournal(path, MemoryStateStore(), K0) as journal:
        write_studies(journal, 3)
        acknowledged = journal.head
        write_studies(journal, 2)
    assert acknowledged is not None
    assert [e.index for e in read_entries(path, acknowledged)] == [3, 4]
    with pytest.raises(JournalTampered):
        list(read_entries(path, ChainHead(2, bytes(32))))
    with pytest.raises(JournalTampered):
        list(read_entries(path, ChainHead(9, acknowledged.mac)))
    assert ChainHead.from_text(acknowledged.to_text()) == acknowledged


@pytest.fixture
def keystore() -> Iterator[KeyStore]:
    previous = keyring.get_keyring()
    keyring.set_keyring(VolatileKeyring())
    try:
        yield KeyStore()
    finally:
        keyring.set_keyring(previous)


def test_keyring_custody(path: Path, keystore: KeyStore) -> None:
    with open_journal(keystore, path) as journal:
        write_studies(journal, 3)
    with open_journal(keystore, path) as journal:
        head = write_studies(journal, 2)
    key, expected = verification_material(keystore, path)
    assert key is not None and expected == head
    assert key == keystore.load(SecretName.AUDIT_JOURNAL_KEY)
    assert verify_file(path, key, expected).ok
    # the writer state in the keyring reveals records cut off the end
    path.write_bytes(b"".join(path.read_bytes().splitlines(keepends=True)[:4]))
    result = verify_file(path, key, expected)
    assert result.problem is not None and result.problem.kind is ProblemKind.MISSING_RECORDS
    assert result.problem.index == 4


def test_set_aside_and_restart(path: Path, keystore: KeyStore) -> None:
    with open_journal(keystore, path) as journal:
        write_studies(journal, 3)
    old_key, _ = verification_material(keystore, path)
    path.write_bytes(b"".join(path.read_bytes().splitlines(keepends=True)[:2]))
    with pytest.raises(JournalTampered) as caught:
        open_journal(keystore, path)
    journal, aside = set_aside_and_restart(keystore, path)
    with journal:
        trail_for(journal).chain_broken(aside, str(caught.value))
    assert aside.exists() and aside.name.endswith(".set-aside.jsonl")
    aside_key, aside_head = verification_material(keystore, aside)
    assert aside_key == old_key and aside_head is None
    assert verify_file(aside, aside_key).records == 2
    new_key, new_head = verification_material(keystore, path)
    assert new_key is not None and new_key != old_key and new_head is not None and new_head.index == 0
    assert [e.record.kind for e in read_entries(path)] == [EventKind.CHAIN_BROKEN]
