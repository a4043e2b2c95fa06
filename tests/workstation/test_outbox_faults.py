"""Issue 22: a full disk while queueing, while recording an ACK and between the commit and the audit
record; a crash in the middle of a unit. The user is told the truth, nothing is queued half-way, and a
retry never produces a second MSH-10 (the platform, the reference one's intake, stores each report once).

The full disk is real SQLite (``PRAGMA max_page_count``: SQLITE_FULL, "database or disk is full", as
on a full file system) where SQLite writes, and an injected ENOSPC where Python writes (the second copy,
the audit journal): mounting a small tmpfs needs privileges CI does not have.
"""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.workstation.outbox_faults import (
    KEY,
    InProcessPlatform,
    cid,
    disk_full,
    drain,
    open_queue,
    report,
)
from workstation.audit import AuditJournal, AuditSource, AuditTrail, MemoryStateStore, read_entries
from workstation.audit.model import EventKind as AuditKind
from workstation.outbox import (
    Backoff,
    DeliveryOutcome,
    EventKind,
    ItemState,
    MessageKind,
    Outbox,
    OutboxEvent,
    OutboxStorageError,
    QueueingFailed,
    Sender,
)
from workstation.outbox.spool import Spool


@pytest.fixture
def platform(tmp_path: Path) -> InProcessPlatform:
    box = InProcessPlatform(tmp_path / "platform")
    box.add_orders(range(4))
    return box


@pytest.fixture
def outbox(tmp_path: Path, platform: InProcessPlatform) -> Outbox:
    box, _ = open_queue(tmp_path / "ws", platform)
    yield box
    box.close()


def _fill_database(outbox: Outbox) -> None:
    """The database may not grow by a single page any more: SQLite answers SQLITE_FULL."""
    conn = outbox.store._conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute(f"PRAGMA max_page_count = {pages}")


def _free_space(outbox: Outbox) -> None:
    outbox.store._conn.execute("PRAGMA max_page_count = 1073741823")


def _copies(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "ws" / "outbox-spool").glob("*.tlro"))


def test_disk_full_while_queueing_says_so_and_queues_nothing(
    outbox: Outbox, platform: InProcessPlatform, tmp_path: Path
) -> None:
    for n in range(3):  # fill the table's pages so the next row needs a new one
        outbox.enqueue(report(n), MessageKind.REPORT)
    drain(outbox)
    _fill_database(outbox)
    big = report(3).replace("ORC|", "NTE|1||" + "x" * 20_000 + "\rORC|", 1)
    with pytest.raises(QueueingFailed) as failed:
        outbox.enqueue(big, MessageKind.REPORT)
    assert failed.value.disk_full
    assert "disque du poste est plein" in failed.value.user_message
    assert "OperationalError" not in failed.value.user_message
    assert outbox.store.get(cid(3)) is None and _copies(tmp_path) == []
    _free_space(outbox)
    item = outbox.enqueue(big, MessageKind.REPORT)  # the retry: same message, same MSH-10
    assert item.control_id == cid(3)
    drain(outbox)
    assert platform.stored_reports()[cid(3)] == 1


def test_disk_full_writing_the_second_copy_withdraws_the_row(
    outbox: Outbox, platform: InProcessPlatform, tmp_path: Path
) -> None:
    assert outbox.spool is not None
    outbox.spool.write_file = disk_full
    with pytest.raises(QueueingFailed) as failed:
        outbox.enqueue(report(0), MessageKind.REPORT)
    assert failed.value.disk_full
    assert outbox.store.get(cid(0)) is None, "a unit that failed leaves no row"
    assert outbox.deliver_once() is DeliveryOutcome.IDLE
    from workstation.outbox.spool import write_durably

    outbox.spool.write_file = write_durably
    outbox.enqueue(report(0), MessageKind.REPORT)
    drain(outbox)
    assert platform.stored_reports() == {cid(0): 1}


def test_disk_full_between_the_commit_and_the_journal(
    outbox: Outbox, platform: InProcessPlatform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = AuditJournal(tmp_path / "journal.jsonl", MemoryStateStore(), bytes(32))
    trail = AuditTrail(journal, AuditSource("poste"))
    from auth.session import Identity

    user = Identity("dr.test", "10001234567", "TEST", "Anne")

    def record(item: object) -> None:
        trail.report_signed(user, "F00000", "", "", cid(0))

    with monkeypatch.context() as full:
        full.setattr(os, "write", disk_full)  # the journal's write hits ENOSPC
        with pytest.raises(QueueingFailed) as failed:
            outbox.enqueue(report(0), MessageKind.REPORT, record=record)
    assert failed.value.disk_full
    assert outbox.store.get(cid(0)) is None and _copies(tmp_path) == []
    assert outbox.deliver_once() is DeliveryOutcome.IDLE, "nothing half-signed may leave"
    assert list(read_entries(journal.path)) == []
    outbox.enqueue(report(0), MessageKind.REPORT, record=record)  # retried: same MSH-10
    drain(outbox)
    assert platform.stored_reports() == {cid(0): 1}
    signed = [e for e in read_entries(journal.path) if e.record.kind is AuditKind.REPORT_SIGNED]
    assert len(signed) == 1
    journal.close()


def test_disk_full_recording_the_ack_is_shown_and_retried_with_the_normal_backoff(
    tmp_path: Path, platform: InProcessPlatform
) -> None:
    spool = Spool(tmp_path / "ws" / "outbox-spool", KEY)
    from workstation.outbox.recovery import open_outbox

    store, _ = open_outbox(tmp_path / "ws" / "outbox.sqlite", spool)
    now = [0.0]
    outbox = Outbox(
        store, platform.submit, backoff=Backoff(base=1.0, cap=300.0), clock=lambda: now[0],
        rng=random.Random(1), spool=spool,
    )
    events: list[OutboxEvent] = []
    outbox.subscribe(events.append)
    outbox.enqueue(report(0), MessageKind.REPORT)
    settle, failures = store.settle, [3]

    def settle_on_full_disk(*args: object, **kwargs: object) -> object:
        if failures[0]:
            failures[0] -= 1
            raise OutboxStorageError("outbox: recording an acknowledgement failed: database or disk is full",
                                     "", disk_full=True)
        return settle(*args, **kwargs)

    store.settle = settle_on_full_disk  # type: ignore[method-assign]
    for attempt in range(1, 4):
        assert outbox.deliver_once() is DeliveryOutcome.FAILED
        stalled = [e for e in events if e.kind is EventKind.STALLED]
        assert len(stalled) == attempt
        assert "Disque du poste plein" in stalled[-1].user_message
        assert outbox.problem is not None
        assert stalled[-1].retry_in is not None and stalled[-1].retry_in <= 2 ** (attempt - 1)  # not 300 s
        now[0] += stalled[-1].retry_in
    assert outbox.deliver_once() is DeliveryOutcome.DELIVERED
    assert outbox.problem is None
    assert platform.sent == 4 and platform.stored_reports() == {cid(0): 1}  # sent 4 times, stored once
    assert _copies(tmp_path) == []
    outbox.close()


def test_queueing_wakes_a_stalled_delivery_at_once(tmp_path: Path, platform: InProcessPlatform) -> None:
    spool = Spool(tmp_path / "ws" / "outbox-spool", KEY)
    from workstation.outbox.recovery import open_outbox

    store, _ = open_outbox(tmp_path / "ws" / "outbox.sqlite", spool)
    now = [0.0]
    outbox = Outbox(store, platform.submit, backoff=Backoff(base=60.0, cap=300.0), clock=lambda: now[0],
                    spool=spool)
    outbox.enqueue(report(0), MessageKind.REPORT)
    head, broken = store.head, [True]

    def unreadable() -> object:
        if broken[0]:
            raise OutboxStorageError("outbox: reading the next message failed: Could not decode to UTF-8", "")
        return head()

    store.head = unreadable  # type: ignore[method-assign]
    assert outbox.deliver_once() is DeliveryOutcome.FAILED
    assert outbox.problem is not None and outbox.problem.kind is EventKind.STALLED
    broken[0] = False
    assert outbox.deliver_once() is DeliveryOutcome.WAITING  # backing off (30 to 60 s)
    outbox.enqueue(report(1), MessageKind.REPORT)  # the disk took a new row: try now
    assert outbox.deliver_once() is DeliveryOutcome.DELIVERED
    assert outbox.problem is None
    outbox.close()


def test_a_unit_cut_by_a_crash_is_dropped_or_completed_at_the_next_start(
    tmp_path: Path, platform: InProcessPlatform
) -> None:
    outbox, _ = open_queue(tmp_path / "ws", platform)
    outbox.store.add(report(0), MessageKind.REPORT, _now(), held=True)  # crash before its copy
    second, _ = outbox.store.add(report(1), MessageKind.REPORT, _now(), held=True)  # crash after its copy
    assert outbox.spool is not None
    from workstation.outbox.store import RestoredMessage

    outbox.spool.write(second.seq, RestoredMessage(cid(1), "ORU^R01^ORU_R01", MessageKind.REPORT, report(1),
                                                   _now(), sender=Sender("dr.test")))
    assert outbox.deliver_once() is DeliveryOutcome.IDLE  # held rows are never delivered
    outbox.close()
    outbox, found = open_queue(tmp_path / "ws", platform)
    try:
        assert found.interrupted == [cid(0)] and found.released == 1
        assert "signature(s) interrompue(s)" in found.user_message
        assert not found.alarm  # nothing announced was lost
        drain(outbox)
        assert platform.stored_reports() == {cid(1): 1}
        assert [i.control_id for i in outbox.store.items(ItemState.DELIVERED)] == [cid(1)]
    finally:
        outbox.close()


def test_a_signing_cut_between_its_copy_and_its_journal_record_is_dropped(
    tmp_path: Path, platform: InProcessPlatform
) -> None:
    from workstation.outbox.recovery import open_outbox
    from workstation.outbox.store import RestoredMessage

    outbox, _ = open_queue(tmp_path / "ws", platform)
    for n in (0, 1):  # both cut after their copy; only report 1's "report signed" record was written
        item, _ = outbox.store.add(report(n), MessageKind.REPORT, _now(), held=True)
        assert outbox.spool is not None
        outbox.spool.write(item.seq, RestoredMessage(cid(n), "ORU^R01^ORU_R01", MessageKind.REPORT, report(n),
                                                     _now()))
    outbox.close()
    spool = Spool(tmp_path / "ws" / "outbox-spool", KEY)
    store, found = open_outbox(tmp_path / "ws" / "outbox.sqlite", spool, recorded=lambda c: c == cid(1))
    try:
        assert found.interrupted == [cid(0)] and found.released == 1
        assert [e.name_id for e in spool.entries()] == [cid(1)]
        assert [i.control_id for i in store.items()] == [cid(1)]
    finally:
        store.close()


def _now() -> datetime:
    return datetime.now(UTC)
