"""Issue 22's bounded fault campaign: 200 reports, random faults, 0 lost and 0 duplicated, figures printed.

Each report is signed as the reading screen does it (one unit: queued row, "report signed" record in a
real audit journal, encrypted second copy) and delivered to the reference platform's own intake
(in-process: parsing, workflow, de-duplication on MSH-10, its SQLite store). Faults, drawn at random:

- a full disk while queueing (SQLite answers SQLITE_FULL to the INSERT), while writing the second copy
  or the journal (ENOSPC): the user must be told that nothing was signed, and is then assumed to sign
  the same draft again: the same MSH-10 must come back;
- a full disk while recording an ACK (SQLITE_FULL on the UPDATE), the link down, the answer lost after
  the platform stored the message;
- a crash every ~20 reports, its files then truncated to 0, the WAL deleted or cut, 8 bytes flipped, or
  left as they are; the workstation starts again from them (:func:`open_outbox`).

At the end: every report the user was told was signed is stored at the platform exactly once (its
MSH-10 once, its order once), the journal holds exactly one "report signed" record for it, and no
message is pending. Runs in about a minute here (the intake parses each message with hl7apy).
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from auth.session import Identity
from tests.workstation.outbox_faults import (
    DAMAGE,
    InProcessPlatform,
    cid,
    crash_image,
    disk_full,
    open_queue,
    order_of,
    report,
)
from workstation.audit import AuditJournal, AuditSource, AuditTrail, MemoryStateStore, read_entries
from workstation.audit.model import EventKind as AuditKind
from workstation.outbox import DeliveryOutcome, MessageKind, QueueingFailed, Sender
from workstation.outbox.spool import write_durably

REPORTS = 200
SEED = 22
USER = Identity("dr.campagne", "10001234567", "CAMPAGNE", "Anne")


class FaultyConnection:
    """The store's SQLite connection, answering SQLITE_FULL to the statements ``full`` names."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.full: set[str] = set()

    def execute(self, sql: str, *args: Any) -> Any:
        if any(sql.startswith(prefix) for prefix in self.full):
            raise sqlite3.OperationalError("database or disk is full")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


INSERT = "INSERT INTO messages"
SETTLE = "UPDATE messages SET state"


@contextmanager
def enospc_on_write() -> Iterator[None]:
    original = os.write
    os.write = disk_full  # type: ignore[assignment]
    try:
        yield
    finally:
        os.write = original


def test_campaign_200_reports_random_faults_nothing_lost_nothing_duplicated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], artifacts_dir: Path
) -> None:
    started = time.monotonic()
    rng = random.Random(SEED)
    platform = InProcessPlatform(tmp_path / "platform")
    platform.add_orders(range(REPORTS))
    journal = AuditJournal(tmp_path / "journal.jsonl", MemoryStateStore(), bytes(32))
    trail = AuditTrail(journal, AuditSource("poste-campagne"))
    faults: Counter[str] = Counter()
    told_not_signed: Counter[str] = Counter()
    run = 0
    folder = tmp_path / f"run{run}"
    outbox, _ = open_queue(folder, platform)
    conn = FaultyConnection(outbox.store._conn)
    outbox.store._conn = conn  # type: ignore[assignment]
    announced: set[str] = set()
    found_at_restart: list[Any] = []

    def sign(n: int) -> bool:
        """One signing attempt of report ``n`` with perhaps a full disk; True when told it is queued."""
        journal_full = False
        fault = rng.choices(["none", "insert", "copy", "journal"], [70, 10, 10, 10])[0]
        if fault == "insert":
            conn.full.add(INSERT)
        elif fault == "copy":
            assert outbox.spool is not None
            outbox.spool.write_file = disk_full
        elif fault == "journal":
            journal_full = True

        def record(_: object) -> None:
            if journal_full:
                with enospc_on_write():
                    trail.report_signed(USER, order_of(n), "", "", cid(n))
            else:
                trail.report_signed(USER, order_of(n), "", "", cid(n))

        try:
            outbox.enqueue(report(n), MessageKind.REPORT, order_id=order_of(n), sender=Sender(USER.login),
                           record=record)
        except QueueingFailed as exc:
            assert fault != "none", exc
            assert exc.disk_full and "disque du poste est plein" in exc.user_message
            faults[f"disk full while {'queueing' if fault == 'insert' else 'writing the ' + fault}"] += 1
            told_not_signed[cid(n)] += 1
            return False
        finally:
            conn.full.discard(INSERT)
            if outbox.spool is not None:
                outbox.spool.write_file = write_durably
        assert fault == "none", f"{fault}: the user was told it is queued"
        return True

    def deliver_some() -> None:
        for _ in range(rng.randint(0, 3)):
            fault = rng.choices(["none", "down", "lost", "ack"], [70, 10, 10, 10])[0]
            platform.down = fault == "down"
            platform.lose_answer = (lambda: True) if fault == "lost" else (lambda: False)
            if fault == "ack":
                conn.full.add(SETTLE)
            outbox._not_before = 0.0  # the backoff's wait is the campaign's own pace
            outcome = outbox.deliver_once()
            conn.full.discard(SETTLE)
            platform.down, platform.lose_answer = False, (lambda: False)
            if fault != "none" and outcome is DeliveryOutcome.FAILED:
                names = {"down": "link down", "lost": "answer lost", "ack": "disk full recording the ACK"}
                faults[names[fault]] += 1
                if fault == "ack":
                    assert outbox.problem is not None and outbox.problem.user_message

    n = 0
    while n < REPORTS:
        if sign(n):
            announced.add(cid(n))
            n += 1
        deliver_some()
        if n and n % 20 == 0 and rng.random() < 0.8 and len(found_at_restart) < n // 20:
            run += 1
            image = tmp_path / f"run{run}"
            crash_image(folder, image)
            outbox.store._conn = conn._conn  # type: ignore[assignment]
            outbox.close()
            damage = rng.choice([*DAMAGE, None])
            what = damage(image, rng) if damage is not None else "clean crash"
            faults[f"crash, then {what.split(' in ')[0]}"] += 1
            folder = image
            outbox, found = open_queue(folder, platform)
            found_at_restart.append((what, found))
            conn = FaultyConnection(outbox.store._conn)
            outbox.store._conn = conn  # type: ignore[assignment]
    outbox._not_before = 0.0
    for _ in range(10 * REPORTS):
        if outbox.deliver_once() is DeliveryOutcome.IDLE:
            break
        outbox._not_before = 0.0
    counts = outbox.store.counts()
    outbox.store._conn = conn._conn  # type: ignore[assignment]
    outbox.close()
    trail.close()

    stored = platform.stored_reports()
    lost = sorted(announced - set(stored))
    duplicated = sorted(c for c, k in stored.items() if k > 1)
    unexpected = sorted(set(stored) - announced)
    signed_records = Counter(
        e.record.objects[-1].id
        for e in read_entries(journal.path)
        if e.record.kind is AuditKind.REPORT_SIGNED
    )
    recovered = sum(len(f.recovered) + len(f.repaired) for _, f in found_at_restart)
    alarms = sum(1 for _, f in found_at_restart if f.alarm)
    lines = [
        f"campaign (seed {SEED}): {REPORTS} reports signed, {len(announced)} announced, "
        f"{len(lost)} lost, {len(duplicated)} duplicated, {len(unexpected)} stored unannounced; "
        f"{sum(told_not_signed.values())} signing attempts told 'not signed', retried with the same MSH-10; "
        f"{len(found_at_restart)} restarts, {alarms} loss alarms, {recovered} recovered from the copies; "
        f"{platform.sent} sends for {len(stored)} stored; pending at the end {counts.pending}; "
        f"{time.monotonic() - started:.1f} s"
    ]
    lines += [f"  fault {kind}: {count}" for kind, count in sorted(faults.items())]
    lines += [f"  restart after {what}: {found.summary()}" for what, found in found_at_restart]
    (artifacts_dir / "outbox-campaign.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with capsys.disabled():  # the figures belong in the CI log, passed or not
        print("\n" + "\n".join(lines[: 1 + len(faults)]))
    assert not lost, f"lost: {lost[:10]}"
    assert not duplicated and not unexpected
    assert len(stored) == REPORTS and counts.pending == 0
    assert all(signed_records[c] == 1 for c in announced), "one 'report signed' record per report"
    assert sum(faults.values()) >= 40 and len(found_at_restart) >= 5  # the campaign did hit faults
