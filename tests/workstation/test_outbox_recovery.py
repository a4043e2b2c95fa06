"""Issue 22: a damaged outbox file is detected at start-up and every signed report is recovered.

Each case builds a queue of reports (some delivered, the rest pending), takes the files as a crash
would leave them, damages them (truncated to 0, WAL deleted, cut or altered, bytes flipped with 20
seeds), starts again through :func:`open_outbox` and delivers to the reference platform's intake: every
report the user was told was queued is stored exactly once, and any loss was reported, never silent.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.workstation.outbox_faults import (
    DAMAGE,
    FakePlatform,
    InProcessPlatform,
    cid,
    crash_image,
    cut_wal,
    delete_wal,
    drain,
    flip_bytes,
    open_queue,
    report,
    truncate,
)
from workstation.outbox import ItemState, MessageKind
from workstation.outbox.recovery import ASIDE_PREFIX, open_outbox
from workstation.outbox.spool import Spool

TOTAL, DELIVERED = 30, 10


def _queue_then_crash(tmp_path: Path, platform: InProcessPlatform | FakePlatform) -> Path:
    """30 reports queued, the first 10 delivered; the files as a crash leaves them, in ``crashed/``
    (16 rows checkpointed into the database file, the rest in the WAL)."""
    if isinstance(platform, InProcessPlatform):
        platform.add_orders(range(TOTAL))
    outbox, found = open_queue(tmp_path / "live", platform)
    assert not found.alarm
    for n in range(TOTAL):
        outbox.enqueue(report(n), MessageKind.REPORT, order_id=f"F{n:05d}")
        if n < DELIVERED:
            drain(outbox)
        if n == DELIVERED + 5:  # the first rows in the database file itself, the others in the WAL
            outbox.store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    crashed = tmp_path / "crashed"
    crash_image(tmp_path / "live", crashed)
    outbox.close()
    return crashed


@pytest.fixture(scope="module")
def real_image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once: the reference platform's intake with 30 orders and 10 reports, and the crash image."""
    root = tmp_path_factory.mktemp("image")
    platform = InProcessPlatform(root / "platform")
    _queue_then_crash(root, platform)
    platform.store.close()
    return root


@pytest.fixture
def from_image(real_image: Path, tmp_path: Path) -> Callable[[], tuple[Path, InProcessPlatform]]:
    def make() -> tuple[Path, InProcessPlatform]:
        shutil.copytree(real_image / "platform", tmp_path / "platform")
        shutil.copytree(real_image / "crashed", tmp_path / "crashed")
        return tmp_path / "crashed", InProcessPlatform(tmp_path / "platform")

    return make


@pytest.fixture(scope="module")
def fake_image(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, FakePlatform]:
    root = tmp_path_factory.mktemp("fake-image")
    platform = FakePlatform()
    _queue_then_crash(root, platform)
    return root / "crashed", platform


def _restart_and_deliver(folder: Path, platform: InProcessPlatform | FakePlatform) -> tuple[object, object]:
    outbox, found = open_queue(folder, platform)
    drain(outbox)
    counts = outbox.store.counts()
    outbox.close()
    return found, counts


def _exactly_once(platform: InProcessPlatform | FakePlatform) -> None:
    stored = platform.stored_reports()
    assert sorted(stored) == [cid(n) for n in range(TOTAL)], "a report the user was told is queued is missing"
    assert set(stored.values()) == {1}, "a report was stored twice"


@pytest.mark.parametrize("damage", [truncate, delete_wal, cut_wal], ids=lambda d: d.__name__)
def test_damaged_file_loss_is_detected_and_every_report_recovered(
    from_image: Callable[[], tuple[Path, InProcessPlatform]], damage: object
) -> None:
    crashed, platform = from_image()
    damage(crashed, random.Random(0))  # type: ignore[operator]
    found, counts = _restart_and_deliver(crashed, platform)
    assert found.alarm, "a loss must never be silent"  # type: ignore[attr-defined]
    assert found.user_message  # type: ignore[attr-defined]
    assert found.recovered or found.repaired  # type: ignore[attr-defined]
    _exactly_once(platform)
    assert counts.pending == 0  # type: ignore[attr-defined]
    aside = [p for p in crashed.iterdir() if p.name.startswith(ASIDE_PREFIX)]
    assert len(aside) == 1, "the damaged file is set aside, never deleted"


def test_truncated_file_recovers_exactly_the_pending_reports(
    from_image: Callable[[], tuple[Path, InProcessPlatform]]
) -> None:
    crashed, platform = from_image()
    platform.add_orders(range(TOTAL, TOTAL + 1))
    truncate(crashed, random.Random(0))
    outbox, found = open_queue(crashed, platform)
    try:
        assert sorted(found.recovered) == [cid(n) for n in range(DELIVERED, TOTAL)]
        assert found.history_lost == DELIVERED  # the delivered ones' history is gone, and said so
        assert "récupérés depuis la copie de secours" in found.user_message
        pending = outbox.store.items(ItemState.PENDING)
        assert [i.seq for i in pending] == list(range(DELIVERED + 1, TOTAL + 1))  # original order
        new = outbox.enqueue(report(TOTAL), MessageKind.REPORT)
        assert new.seq == TOTAL + 1, "a seq used before the loss is never given again"
    finally:
        outbox.close()


@pytest.mark.parametrize("seed", range(20))
def test_flipped_bytes_never_lose_or_duplicate_a_report(
    fake_image: tuple[Path, FakePlatform], tmp_path: Path, seed: int
) -> None:
    crashed = tmp_path / "crashed"
    shutil.copytree(fake_image[0], crashed)
    platform = fake_image[1].copy()
    before = {p.name: p.read_bytes() for p in crashed.iterdir() if p.is_file()}
    what = flip_bytes(crashed, random.Random(seed))
    found, _ = _restart_and_deliver(crashed, platform)
    _exactly_once(platform)
    changed_pending = found.recovered or found.repaired or found.damage  # type: ignore[attr-defined]
    print(f"seed {seed}: {what}; {found.summary()}")  # type: ignore[attr-defined]
    assert before  # the image existed
    if found.set_aside is not None:  # type: ignore[attr-defined]
        assert any(p.name.startswith(ASIDE_PREFIX) for p in crashed.iterdir())
    assert changed_pending or not found.alarm  # type: ignore[attr-defined]


def test_clean_restart_says_nothing_and_keeps_the_queue(tmp_path: Path) -> None:
    platform = InProcessPlatform(tmp_path / "platform")
    platform.add_orders(range(5))
    outbox, _ = open_queue(tmp_path, platform)
    for n in range(5):
        outbox.enqueue(report(n), MessageKind.REPORT)
    outbox.close()
    outbox, found = open_queue(tmp_path, platform)
    try:
        assert not found.alarm and found.user_message == ""
        assert outbox.store.counts().pending == 5
        drain(outbox)
        assert not list((tmp_path / "outbox-spool").glob("*.tlro")), "copies are removed after the ACK"
        assert (tmp_path / "outbox-spool" / "highwater").read_text() == "5"
    finally:
        outbox.close()


def test_copies_are_encrypted_and_private(tmp_path: Path) -> None:
    platform = InProcessPlatform(tmp_path / "platform")
    outbox, _ = open_queue(tmp_path, platform)
    try:
        outbox.enqueue(report(1), MessageKind.REPORT)
        copies = list((tmp_path / "outbox-spool").glob("*.tlro"))
        assert len(copies) == 1
        blob = copies[0].read_bytes()
        assert b"MSH" not in blob and b"ClinicalDocument" not in blob
        assert copies[0].stat().st_mode & 0o777 == 0o600
        assert (tmp_path / "outbox-spool").stat().st_mode & 0o777 == 0o700
        for name in ("outbox.sqlite", "outbox.sqlite-wal", "outbox.sqlite-shm", "outbox.sqlite.lock"):
            assert (tmp_path / name).stat().st_mode & 0o777 == 0o600, name
    finally:
        outbox.close()


def test_an_unreadable_copy_under_a_lost_key_is_rewritten_from_an_intact_queue(tmp_path: Path) -> None:
    platform = InProcessPlatform(tmp_path / "platform")
    platform.add_orders(range(3))
    outbox, _ = open_queue(tmp_path, platform)
    for n in range(3):
        outbox.enqueue(report(n), MessageKind.REPORT)
    outbox.close()
    outbox, found = open_queue(tmp_path, platform, key=bytes(32))  # e.g. a volatile keyring's new key
    try:
        assert not found.alarm and found.copies_written == 3
        spool = Spool(tmp_path / "outbox-spool", bytes(32))
        assert [spool.read(e).control_id for e in spool.entries()] == [cid(n) for n in range(3)]
    finally:
        outbox.close()


def test_an_altered_row_is_repaired_from_its_copy(tmp_path: Path) -> None:
    import sqlite3

    platform = InProcessPlatform(tmp_path / "platform")
    platform.add_orders(range(2))
    outbox, _ = open_queue(tmp_path, platform)
    for n in range(2):
        outbox.enqueue(report(n), MessageKind.REPORT)
    outbox.close()
    conn = sqlite3.connect(tmp_path / "outbox.sqlite")
    conn.execute("UPDATE messages SET payload = replace(payload, 'F00001', 'F00009') WHERE seq = 2")
    conn.commit()
    conn.close()
    found, _ = _restart_and_deliver(tmp_path, platform)
    assert found.repaired == [cid(1)] and found.alarm  # type: ignore[attr-defined]
    assert sorted(platform.stored_reports()) == [cid(0), cid(1)]


def test_every_damage_kind_is_listed() -> None:
    assert {d.__name__ for d in DAMAGE} == {"truncate", "delete_wal", "cut_wal", "flip_bytes"}


def test_a_file_that_is_not_a_database_is_set_aside(tmp_path: Path) -> None:
    (tmp_path / "outbox.sqlite").write_bytes(b"not a database at all" * 100)
    spool = Spool(tmp_path / "outbox-spool", bytes(32))
    store, found = open_outbox(tmp_path / "outbox.sqlite", spool)
    try:
        assert found.set_aside is not None and found.alarm
        assert (found.set_aside / "outbox.sqlite").read_bytes().startswith(b"not a database")
        assert "mis de côté" in found.user_message
        assert store.counts().pending == 0
    finally:
        store.close()
