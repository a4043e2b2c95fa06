"""Every kind of tampering with a 10,000-record journal is found, at the right index.

The journal is built once per module with records of every kind. Mutations are applied to its bytes
in memory and checked with ``verify_lines`` (the same code as ``verify_file``).
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from auth.session import Identity
from workstation.audit import (
    AuditJournal,
    AuditSource,
    ChainHead,
    MemoryStateStore,
    ProblemKind,
    verify_lines,
)
from workstation.audit.journal import Verification
from workstation.audit.model import (
    AccessPointType,
    AuditRecord,
    EventKind,
    Media,
    ObjectKind,
    Outcome,
    Participant,
    ParticipantObject,
    Role,
)

RECORDS = 10_000
K0 = bytes.fromhex("5a" * 32)
SOURCE = AuditSource("poste-1", "groupe-tlr")
USER = Identity("dr.martin", "10001234567", "MARTIN", "Claire", "Dr")


def _records(count: int) -> Iterator[AuditRecord]:
    """Varied records: every event kind, patients, studies, orders, MSH-10s, non-ASCII text."""
    kinds = list(EventKind)
    start = datetime(2025, 1, 6, 7, 30, tzinfo=UTC)
    user = Participant(USER.login, True, USER.rpps, "poste-1.local", AccessPointType.MACHINE_NAME)
    platform = Participant("https://plateforme.local:8443", False, role=Role.DESTINATION, media=Media.URI)
    for i in range(count):
        kind = kinds[i % len(kinds)]
        objects = (
            ParticipantObject(
                ObjectKind.PATIENT,
                f"{2_000_000_000_000 + i}^^^&1.2.250.1.213.1.4.8&ISO",
                (("MSH-10", f"MSG{i:06d}"),),
            ),
            ParticipantObject(ObjectKind.STUDY, f"1.2.250.1.59.{i}.{i * 7 % 13}"),
            ParticipantObject(ObjectKind.ORDER, f"CMD-{i:05d}"),
        )
        yield AuditRecord(
            kind,
            start + timedelta(seconds=37 * i),
            Outcome.SUCCESS if i % 11 else Outcome.MINOR_FAILURE,
            SOURCE,
            (user, platform),
            objects,
            "vérification refusée" if i % 97 == 0 else "",
        )


@dataclass(frozen=True)
class Journal:
    lines: list[bytes]
    head: ChainHead

    @property
    def data(self) -> bytes:
        return b"".join(self.lines)

    def offsets(self) -> list[int]:
        out, position = [], 0
        for line in self.lines:
            out.append(position)
            position += len(line)
        return out


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Journal:
    path = tmp_path_factory.mktemp("audit") / "journal.jsonl"
    with AuditJournal(path, MemoryStateStore(), K0) as writer:
        head = writer.append_many(list(_records(RECORDS)))
    return Journal(path.read_bytes().splitlines(keepends=True), head)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Journal:
    path = tmp_path_factory.mktemp("audit") / "small.jsonl"
    with AuditJournal(path, MemoryStateStore(), K0) as writer:
        head = writer.append_many(list(_records(30)))
    return Journal(path.read_bytes().splitlines(keepends=True), head)


def check(data: bytes | list[bytes], head: ChainHead | None = None) -> Verification:
    raw = b"".join(data) if isinstance(data, list) else data
    return verify_lines(io.BytesIO(raw), K0, head)


def assert_bad_at(result: Verification, index: int, *kinds: ProblemKind) -> None:
    assert result.problem is not None, f"tampering at record {index} went unnoticed"
    assert result.problem.index == index, result.problem
    if kinds:
        assert result.problem.kind in kinds, result.problem
    assert result.records == index


def test_intact_journal_verifies(journal: Journal) -> None:
    result = check(journal.data, journal.head)
    assert result.ok and result.records == RECORDS and result.head == journal.head


def _flip(data: bytes, position: int, new: int) -> bytes:
    return data[:position] + bytes([new]) + data[position + 1 :]


def _replacements(old: int) -> list[int]:
    """Different kinds of byte change: neighbour value, case flip, end of line, space."""
    return sorted({old ^ 0x01, old ^ 0x20, 0x0A, 0x20} - {old})


def test_any_byte_change_in_a_large_journal(journal: Journal) -> None:
    data, offsets = journal.data, journal.offsets()
    rng = random.Random(20250106)
    last_start = offsets[-1]
    positions = sorted(rng.sample(range(len(data)), 24))
    # the last record: its first byte, its index, its chain link, its MAC, its end of line
    last = journal.lines[-1]
    positions += [
        last_start,
        last_start + last.index(b'"index"') + 9,
        last_start + last.index(b'"prev"') + 9,
        last_start + len(last) - 5,
        len(data) - 1,
    ]
    for position in positions:
        index = max(i for i, start in enumerate(offsets) if start <= position)
        for new in _replacements(data[position])[:2]:
            assert_bad_at(check(_flip(data, position, new)), index)


def test_every_byte_of_first_middle_and_last_records(small: Journal) -> None:
    data, offsets = small.data, small.offsets()
    for index in (0, 15, len(small.lines) - 1):
        start = offsets[index]
        for position in range(start, start + len(small.lines[index])):
            for new in _replacements(data[position]):
                assert_bad_at(check(_flip(data, position, new)), index)


@pytest.mark.parametrize("index", [0, 1, 4_321, RECORDS - 2])
def test_deleted_record(journal: Journal, index: int) -> None:
    lines = journal.lines[:index] + journal.lines[index + 1 :]
    assert_bad_at(check(lines), index, ProblemKind.OUT_OF_PLACE)


def test_deleted_last_record_needs_the_head(journal: Journal) -> None:
    """Without a head from elsewhere a shorter chain is a valid chain: the limit the head removes."""
    lines = journal.lines[:-1]
    assert check(lines).ok
    assert_bad_at(check(lines, journal.head), RECORDS - 1, ProblemKind.MISSING_RECORDS)


@pytest.mark.parametrize(("first", "second"), [(0, 1), (17, 18), (250, 7_000), (RECORDS - 2, RECORDS - 1)])
def test_reordered_records(journal: Journal, first: int, second: int) -> None:
    lines = list(journal.lines)
    lines[first], lines[second] = lines[second], lines[first]
    assert_bad_at(check(lines), first, ProblemKind.OUT_OF_PLACE)


def test_moved_record(journal: Journal) -> None:
    lines = list(journal.lines)
    moved = lines.pop(9_000)
    lines.insert(3_000, moved)
    assert_bad_at(check(lines), 3_000, ProblemKind.OUT_OF_PLACE)


@pytest.mark.parametrize("index", [0, 5_000, RECORDS - 1])
def test_duplicated_record(journal: Journal, index: int) -> None:
    lines = [*journal.lines[: index + 1], journal.lines[index], *journal.lines[index + 1 :]]
    assert_bad_at(check(lines), index + 1, ProblemKind.OUT_OF_PLACE)


@pytest.mark.parametrize("index", [0, 6_543, RECORDS - 1])
def test_truncated_inside_a_record(journal: Journal, index: int) -> None:
    offsets = journal.offsets()
    for cut in (1, len(journal.lines[index]) // 2, len(journal.lines[index]) - 1):
        assert_bad_at(check(journal.data[: offsets[index] + cut]), index, ProblemKind.TORN)


@pytest.mark.parametrize("index", [0, 8_000, RECORDS - 1])
def test_truncated_at_a_record_boundary(journal: Journal, index: int) -> None:
    assert_bad_at(check(journal.lines[:index], journal.head), index, ProblemKind.MISSING_RECORDS)


def test_a_head_from_another_history_is_noticed(journal: Journal) -> None:
    other = ChainHead(journal.head.index - 10, bytes(32))
    assert_bad_at(check(journal.data, other), other.index, ProblemKind.HEAD_MISMATCH)


def test_wrong_key_fails_at_the_first_record(journal: Journal) -> None:
    result = verify_lines(io.BytesIO(journal.data), bytes(32))
    assert_bad_at(result, 0, ProblemKind.BAD_MAC)


def test_inserted_blank_line(small: Journal) -> None:
    lines = [*small.lines[:10], b"\n", *small.lines[10:]]
    assert_bad_at(check(lines), 10, ProblemKind.UNREADABLE)
