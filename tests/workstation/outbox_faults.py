"""Shared by the outbox fault tests (issue 22): an in-process reference platform, report messages, and
the faults themselves (damaged files, a full disk by injection).

The platform is the reference platform's own intake (``teleplatform.intake``: parsing, workflow,
de-duplication on MSH-10, its SQLite store) called in-process instead of over HTTPS, so hundreds of
deliveries take seconds; what it stored is read from its database. The HTTPS path is covered by
test_outbox_platform.py and test_outbox_kill.py.
"""

from __future__ import annotations

import errno
import os
import random
import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from teleplatform.clock import SystemClock
from teleplatform.intake import Intake
from teleplatform.store import Store
from tests.teleplatform.builders import cda, new_order, report_oru
from workstation.hl7 import Ack
from workstation.hl7.ack import parse_ack
from workstation.outbox import Backoff, Outbox
from workstation.outbox.recovery import RecoveryReport, open_outbox
from workstation.outbox.spool import Spool

KEY = bytes(range(32))


def cid(n: int) -> str:
    return f"{n:020X}"


def order_of(n: int) -> str:
    return f"F{n:05d}"


def report(n: int) -> str:
    """Report ``n``: the first report of its own order (the platform accepts one per order)."""
    order = order_of(n)
    return report_oru(order, cid(n), cda(f"1.2.250.1.999.22.{n}", order)).decode()


class InProcessPlatform:
    """The reference platform's intake in this process; ``down`` makes ``submit`` fail like a lost link."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.store = Store(folder / "platform.sqlite")
        self.intake = Intake(self.store, SystemClock())
        self.path = folder / "platform.sqlite"
        self.down = False
        self.lose_answer: Callable[[], bool] = lambda: False
        self.sent = 0

    def add_orders(self, numbers: range) -> None:
        for n in numbers:
            receipt = self.intake.receive(new_order(order_of(n), f"O{n:019d}"), "site")
            assert receipt.code.value == "AA", receipt.ack

    def submit(self, message: str) -> Ack:
        from workstation.platform import UnreachableError

        self.sent += 1
        if self.down:
            raise UnreachableError("in-process platform down", "La plateforme est injoignable.")
        receipt = self.intake.receive(message.encode("utf-8"), "workstation")
        if self.lose_answer():  # stored, but the answer never comes back
            raise UnreachableError("answer lost", "La plateforme est injoignable.")
        return parse_ack(receipt.ack)

    def stored_reports(self) -> Counter[str]:
        """Control ids of the reports the platform stored and accepted (AA), with how many times."""
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            rows = conn.execute(
                "SELECT control_id FROM messages WHERE message_type LIKE 'ORU%' AND ack_code = 'AA'"
            ).fetchall()
        finally:
            conn.close()
        return Counter(r[0] for r in rows)


class FakePlatform:
    """The platform's de-duplication alone (for the many-seed tests where the real intake's ~80 ms of
    HL7 parsing per message would dominate): a resent MSH-10 gets its original ACK and is not stored
    again; ``stored`` counts what each order received, so a report stored under two MSH-10s shows."""

    def __init__(self) -> None:
        self.by_control_id: dict[str, str] = {}  # MSH-10 -> order
        self.down = False
        self.lose_answer: Callable[[], bool] = lambda: False
        self.sent = 0

    def submit(self, message: str) -> Ack:
        from workstation.hl7 import AckCode
        from workstation.platform import UnreachableError

        self.sent += 1
        if self.down:
            raise UnreachableError("fake platform down", "La plateforme est injoignable.")
        control_id = message.split("|", 10)[9]
        order = message.split("\rORC|", 1)[1].split("|")[1].split("^")[0]
        self.by_control_id.setdefault(control_id, order)
        if self.lose_answer():
            raise UnreachableError("answer lost", "La plateforme est injoignable.")
        return Ack(AckCode.AA, control_id)

    def stored_reports(self) -> Counter[str]:
        """MSH-10 -> 1 for each message stored; an order stored twice under two MSH-10s counts 2."""
        per_order = Counter(self.by_control_id.values())
        return Counter({cid: per_order[order] for cid, order in self.by_control_id.items()})

    def copy(self) -> FakePlatform:
        twin = FakePlatform()
        twin.by_control_id = dict(self.by_control_id)
        return twin


def open_queue(
    folder: Path, platform: InProcessPlatform | FakePlatform, key: bytes = KEY
) -> tuple[Outbox, RecoveryReport]:
    spool = Spool(folder / "outbox-spool", key)
    store, found = open_outbox(folder / "outbox.sqlite", spool)
    outbox = Outbox(store, platform.submit, backoff=Backoff(base=0.001, cap=0.002), spool=spool)
    return outbox, found


def drain(outbox: Outbox, limit: int = 100_000) -> None:
    """Deliver until nothing is pending (the backoff of these tests is a millisecond)."""
    for _ in range(limit):
        if outbox.store.head() is None:
            return
        outbox.deliver_once()
    raise AssertionError("the outbox did not drain")


def disk_full(*_: object, **__: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def sqlite_full(*_: object, **__: object) -> None:
    raise sqlite3.OperationalError("database or disk is full")


# --- damage to the files -------------------------------------------------------------------------


def truncate(folder: Path, rng: random.Random) -> str:
    (folder / "outbox.sqlite").write_bytes(b"")
    (folder / "outbox.sqlite-wal").unlink(missing_ok=True)
    (folder / "outbox.sqlite-shm").unlink(missing_ok=True)
    return "truncate to 0"


def delete_wal(folder: Path, rng: random.Random) -> str:
    (folder / "outbox.sqlite-wal").unlink(missing_ok=True)
    (folder / "outbox.sqlite-shm").unlink(missing_ok=True)
    return "WAL deleted"


def cut_wal(folder: Path, rng: random.Random) -> str:
    wal = folder / "outbox.sqlite-wal"
    if wal.exists():
        data = wal.read_bytes()
        wal.write_bytes(data[: len(data) // 2])
    return "WAL cut in half"


def flip_bytes(folder: Path, rng: random.Random, count: int = 8) -> str:
    """``count`` random bytes of the database (or of its WAL when it has frames) inverted."""
    wal = folder / "outbox.sqlite-wal"
    in_wal = wal.exists() and wal.stat().st_size > 32 and rng.random() < 0.5
    target = wal if in_wal else folder / "outbox.sqlite"
    data = bytearray(target.read_bytes())
    if not data:
        return "nothing to flip"
    for _ in range(count):
        i = rng.randrange(len(data))
        data[i] ^= 0xFF
    target.write_bytes(bytes(data))
    return f"{count} bytes flipped in {target.name}"


DAMAGE = (truncate, delete_wal, cut_wal, flip_bytes)


def crash_image(source: Path, target: Path) -> None:
    """The files as a power cut would leave them (database, WAL, copies), taken while the queue is open:
    closing it would checkpoint the WAL into the database first."""
    import shutil

    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name in ("outbox.sqlite", "outbox.sqlite-wal"):
        if (source / name).exists():
            shutil.copy2(source / name, target / name)
    if (source / "outbox-spool").exists():
        shutil.copytree(source / "outbox-spool", target / "outbox-spool")
