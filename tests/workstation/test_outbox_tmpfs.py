"""Issue 22 on a really full disk: the outbox on a 1 MiB tmpfs (mounted only where this is allowed).

The other tests inject the full disk (SQLITE_FULL from SQLite, ENOSPC from Python's writes); this one
fills a real file system, so SQLite, the WAL, the second copies and the kernel decide. Mounting needs
privileges: without them the test is skipped with the reason (it ran here as root; CI may not be).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.workstation.outbox_faults import FakePlatform, cid, open_queue, report
from workstation.outbox import DeliveryOutcome, EventKind, MessageKind, OutboxEvent, QueueingFailed


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir(mode=0o700)
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; the full disk is injected in test_outbox_faults.py")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}); the full disk is injected elsewhere")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path) -> Path:
    """Take every free byte of the file system."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 512)
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


def test_a_real_full_disk_while_queueing_and_recording_acks(small_disk: Path) -> None:
    platform = FakePlatform()
    outbox, _ = open_queue(small_disk / "ws", platform)
    events: list[OutboxEvent] = []
    outbox.subscribe(events.append)
    try:
        outbox.enqueue(report(0), MessageKind.REPORT)
        filler = _fill(small_disk)
        failures, causes = 0, set()
        for n in range(1, 40):  # the disk is full: each signing must fail whole, and say why
            try:
                outbox.enqueue(report(n), MessageKind.REPORT)
            except QueueingFailed as exc:
                failures += 1
                causes.add(type(exc.__cause__).__name__)
                assert exc.disk_full and "disque du poste est plein" in exc.user_message
                assert outbox.store.get(cid(n)) is None
        assert failures >= 30
        outcome = outbox.deliver_once()  # the platform answers, the ACK may not fit
        refused = f"{failures} of 39 signings refused ({', '.join(sorted(causes))})"
        print(f"\nreal full disk: {refused}; ACK: {outcome}")
        if outcome is DeliveryOutcome.FAILED:
            stalled = [e for e in events if e.kind is EventKind.STALLED]
            assert stalled and "Disque du poste plein" in stalled[-1].user_message
        filler.unlink()  # space freed
        retried = outbox.enqueue(report(1), MessageKind.REPORT)
        assert retried.control_id == cid(1)
        for _ in range(10):
            outbox._not_before = 0.0
            if outbox.deliver_once() is DeliveryOutcome.IDLE:
                break
        assert sorted(platform.by_control_id) == [cid(0), cid(1)]
        assert outbox.problem is None
    finally:
        outbox.close()
    outbox, found = open_queue(small_disk / "ws", FakePlatform())
    try:
        assert not found.alarm, found.summary()
    finally:
        outbox.close()
