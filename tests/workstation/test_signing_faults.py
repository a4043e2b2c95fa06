"""Issue 22 on the real signing path: a full disk while queueing, then while writing the audit journal,
then a successful signature of the same draft, against a fresh reference platform over HTTPS.

The radiologist is told each time that nothing was signed (French, the disk named, never a raw
``OperationalError``), nothing leaves the workstation meanwhile, and the signature that succeeds
reuses the very MSH-10 the failed ones had: the platform holds one report for the order.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from auth.keystore import KeyStore, VolatileKeyring
from reporting.checks import sign
from reporting.model import Narrative, Source
from teleplatform.demo import cases
from tests.platform_fixtures import RunningPlatform, private_copy
from workstation.app import Workstation
from workstation.audit import read_entries
from workstation.audit.model import EventKind as AuditKind
from workstation.reading import ReadingError, open_case, report_control_id, sign_and_queue
from workstation.settings import Settings
from workstation.worklist import build_rows


@pytest.fixture(scope="module")
def signing_platform(
    demo_data: Path,
    tmp_path_factory: pytest.TempPathFactory,
    platform_factory: Callable[[Path], RunningPlatform],
) -> RunningPlatform:
    return platform_factory(private_copy(demo_data, tmp_path_factory.mktemp("signing") / "data"))


@pytest.fixture
def ws(signing_platform: RunningPlatform, tmp_path: Path) -> Iterator[Workstation]:
    settings = Settings(
        platform_url=signing_platform.base_url, ca_file=signing_platform.ca_path, cache_dir=tmp_path / "cache"
    )
    workstation = Workstation(settings, keystore=KeyStore(VolatileKeyring()), data_dir=tmp_path)
    account = signing_platform.account
    workstation.login(account["login"], account["password"], signing_platform.fresh_otp())
    workstation.start_delivery()
    yield workstation
    workstation.close()


class FullOnInsert:
    """The outbox's connection answering SQLITE_FULL to the INSERT of a new row (the disk is full)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.startswith("INSERT INTO messages"):
            raise sqlite3.OperationalError("database or disk is full")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def test_full_disk_twice_then_signed_once_with_the_same_msh10(
    ws: Workstation, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = cases.CT_TAP_CASE.placer_order_number
    row = next(r for r in build_rows(ws.fetch_worklist()) if r.order_id == order)
    case = open_case(ws, row)
    try:
        report = replace(
            case.draft.report,
            technique=Narrative("Acquisition hélicoïdale avec injection.", Source.USER),
            results=Narrative("Foie, rate, pancréas sans anomalie.", Source.USER),
            conclusion=Narrative("Pas d'anomalie aiguë décelée.", Source.USER),
        )
        expected = report_control_id(sign(report, case.opened_at))

        connection = ws.outbox.store._conn
        ws.outbox.store._conn = FullOnInsert(connection)  # type: ignore[assignment]
        with pytest.raises(ReadingError) as queueing:
            sign_and_queue(ws, case, report)
        ws.outbox.store._conn = connection
        assert "disque du poste est plein" in queueing.value.user_message
        assert "n'a PAS été signé" in queueing.value.user_message
        assert "OperationalError" not in queueing.value.user_message

        journal_write = ws.audit.report_signed

        def on_full_disk(*args: object, **kwargs: object) -> object:
            def enospc(*_: object) -> int:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            with monkeypatch.context() as full:
                full.setattr(os, "write", enospc)
                return journal_write(*args, **kwargs)

        monkeypatch.setattr(ws.audit, "report_signed", on_full_disk)
        with pytest.raises(ReadingError) as journal:
            sign_and_queue(ws, case, report)
        monkeypatch.undo()
        assert "disque du poste est plein" in journal.value.user_message
        assert ws.outbox.store.get(expected) is None, "nothing half-signed stays queued"
        assert ws.outbox.store.counts().pending == 0

        item = sign_and_queue(ws, case, report)  # the radiologist signs again, same draft
        assert item.control_id == expected
        deadline = time.monotonic() + 20
        while ws.outbox.store.get(expected).state.value != "delivered":  # type: ignore[union-attr]
            assert time.monotonic() < deadline
            time.sleep(0.2)
    finally:
        case.close()
    entry = next(r for r in build_rows(ws.fetch_worklist()) if r.order_id == row.order_id).entry
    reports = [m for m in entry.messages if m.type.startswith(("ORU", "MDM"))]
    assert [m.control_id for m in reports] == [expected], "one report at the platform, under one MSH-10"
    signed = [
        e for e in read_entries(ws.journal_path) if e.record.kind is AuditKind.REPORT_SIGNED
    ]
    assert len(signed) == 1
