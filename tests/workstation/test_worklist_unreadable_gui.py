"""The real main window, refreshed on a worklist of 20 orders of which 3 cannot be read: 17 normal rows
and 3 « Demande illisible » rows naming the message, its sender and the segment-field at fault; each
unreadable order is written once to the audit journal. The orders are read in the refresh's worker
thread, not on the UI thread. Screenshot: test-artifacts/worklist-demandes-illisibles.png."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from auth.keystore import KeyStore, VolatileKeyring
from tests.platform_fixtures import RunningPlatform, private_copy
from viewer.loader import StudyLoader
from workstation.app import Workstation
from workstation.orders import OrderStatus, Priority
from workstation.platform.client import RawMessage, WorklistEntry
from workstation.qt import theme
from workstation.qt.main_window import MainWindow
from workstation.qt.worklist_model import PATIENT, REGION, SITE
from workstation.settings import Settings

T0 = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def signed_in(
    demo_data: Path, tmp_path: Path, platform_factory: Callable[[Path], RunningPlatform]
) -> Iterator[Workstation]:
    platform = platform_factory(private_copy(demo_data, tmp_path / "platform"))
    settings = Settings(
        platform_url=platform.base_url, ca_file=platform.ca_path, cache_dir=tmp_path / "cache"
    )
    ws = Workstation(
        settings,
        keystore=KeyStore(VolatileKeyring()),
        data_dir=tmp_path / "ws",
        journal_path=tmp_path / "audit.jsonl",
    )
    account = platform.account
    ws.login(account["login"], account["password"], platform.fresh_otp())
    yield ws
    ws.close()
    platform.stop()


def _twenty_orders(demo_data: Path) -> list[WorklistEntry]:
    requests = [p.read_bytes().decode("utf-8") for p in sorted((demo_data / "orders").glob("*_ORM_O01.hl7"))]
    requests = [t for t in requests if "TRANSMISSION_DEMANDE" in t]
    assert requests
    entries = []
    for n in range(20):
        text = requests[n % len(requests)]
        order_id = f"OPN9{n:02d}"
        text = text.replace("|OPN", f"|{order_id}-", 2)  # ORC-2 and OBR-2: distinct orders
        if n == 4:  # a birth date that is no date: the identity cannot be trusted
            lines = text.split("\r")
            pid = next(i for i, line in enumerate(lines) if line.startswith("PID|"))
            fields = lines[pid].split("|")
            fields[7] = "19791399"
            lines[pid] = "|".join(fields)
            text = "\r".join(lines)
        elif n == 9:  # no placer order number
            lines = text.split("\r")
            orc = next(i for i, line in enumerate(lines) if line.startswith("ORC|"))
            fields = lines[orc].split("|")
            fields[2] = ""
            lines[orc] = "|".join(fields)
            text = "\r".join(lines)
        elif n == 15:  # a raw line break inside a value: the rest of the segment is no segment
            text = text.replace("\rOBR|", "\rOB\nR|", 1)
        message = RawMessage("ORM^O01", f"C{n}", T0, text)
        entries.append(
            WorklistEntry(
                order_id,
                OrderStatus.A_VALIDER,
                Priority.URGENT if n % 5 == 0 else Priority.ROUTINE,
                T0 - timedelta(minutes=3 * n),
                None,
                None,
                (message,),
                (),
            )
        )
    return entries


def test_three_unreadable_orders_among_twenty(
    qtbot, signed_in: Workstation, demo_data: Path, artifacts_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = signed_in
    entries = _twenty_orders(demo_data)
    threads: list[str] = []

    def fetch() -> list[WorklistEntry]:
        threads.append(threading.current_thread().name)
        return [replace(e) for e in entries]

    monkeypatch.setattr(ws, "fetch_worklist", fetch)
    theme.apply(QApplication.instance())
    window = MainWindow(ws, StudyLoader(workers=0))
    qtbot.addWidget(window)
    window.resize(1600, 900)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.model.rowCount() == 20, timeout=15000)
    assert threads and threads[0] != threading.main_thread().name  # read in the worker

    rows = [window.model.row_at(i) for i in range(20)]
    unreadable = [r for r in rows if r.order is None]
    assert len(unreadable) == 3 and sum(r.order is not None for r in rows) == 17
    shown = {
        window.model.index(i, PATIENT).data(): (
            window.model.index(i, REGION).data(),
            window.model.index(i, SITE).data(),
        )
        for i in range(20)
        if rows[i].order is None
    }
    assert list(shown) == ["Demande illisible"]  # the three rows say it in the patient column
    where = sorted(window.model.index(i, REGION).data() for i in range(20) if rows[i].order is None)
    assert [w.split(", ")[0] for w in where] == ["ORC-2", "PID-7", "segment 5"]
    for i in range(20):  # each names the message's own control id (MSH-10), whichever site sent it
        if rows[i].order is None:
            control_id = rows[i].entry.messages[0].hl7.split("\r")[0].split("|")[9]
            assert f", message {control_id}" in window.model.index(i, REGION).data()
    assert all(window.model.index(i, SITE).data() for i in range(20) if rows[i].order is None)  # MSH-3/4
    normal = {window.model.index(i, PATIENT).data() for i in range(20) if rows[i].order is not None}
    assert "Demande illisible" not in normal and all(normal)

    bad_row = next(i for i in range(20) if rows[i].order is None)
    window.table.selectRow(bad_row)
    qtbot.waitUntil(lambda: "illisible" in window.detail.toPlainText().lower(), timeout=5000)
    window.grab().save(str(artifacts_dir / "worklist-demandes-illisibles.png"))

    window.refresh()  # a second refresh: nothing new is read, nothing audited twice
    qtbot.waitUntil(lambda: len(threads) == 2 and not window._refreshing, timeout=15000)
    records = [json.loads(line) for line in ws.journal_path.read_text("utf-8").splitlines()]
    failed_reads = [
        r
        for r in records
        if r["body"]["record"].get("kind") == "order_viewed" and r["body"]["record"].get("outcome") == 4
    ]
    assert len(failed_reads) == 3, [r["body"]["record"] for r in records][-5:]
    window.close()
