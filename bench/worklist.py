"""Worklist refresh: 500 orders of which 50 are new, UI-thread time and time in all, against today's path.

Target (issue 14): a refresh of a 500-order worklist with 50 orders new since the last refresh costs
< 100 ms of UI-thread time and < 1 s in all; an ordinary order (one flux 1 request) reads in < 2 ms.

New path, timed as the main window runs it: in the worker, the platform's JSON answer decoded into
entries and :class:`workstation.worklist.OrderReader` reading the orders (only the 50 new ones are
parsed, the others are kept by content from the previous refresh); on the UI thread,
:func:`build_rows`, :func:`filter_rows` and the table model's reset with the view laid out and painted
(offscreen Qt).

Named peer, "hl7apy every order on the UI thread" (the path before issue 14): every message of every
order parsed by hl7apy's tolerant parser (``parse_message(..., find_groups=False)``, what
``workstation.hl7.message`` did and 95 % of its cost) at each refresh, on the UI thread, then the same
rows and table. The orders are the demo night's messages (teleplatform.demo) made distinct per order
(order number, control ids, names).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bench._targets import Targets

UI_TARGET_S = 0.100
TOTAL_TARGET_S = 1.0
ORDER_TARGET_S = 0.002


def _orders(count: int) -> list[dict[str, object]]:
    """The platform's worklist answer (``GET /api/v1/worklist``) for ``count`` distinct orders."""
    from teleplatform.demo import cases
    from teleplatform.demo.orders import render

    by_case: dict[str, list[tuple[str, str]]] = {}
    for planned in cases.MESSAGES:
        if planned.case.cancellation is None:
            by_case.setdefault(planned.case.slug, []).append(
                (planned.flow.name, render(planned).decode("utf-8"))
            )
    templates = list(by_case.values())
    prefixes = sorted({case.site.control_prefix for case in cases.ALL_CASES})
    start = datetime(2026, 11, 14, 21, 0, tzinfo=UTC)
    orders = []
    for n in range(count):
        messages = []
        for kind, text in templates[n % len(templates)]:
            unique = text
            for prefix in prefixes:  # order numbers (ORC-2, OBR-2) and control ids (MSH-10) start so
                unique = unique.replace(f"|{prefix}-", f"|B{n:05d}-{prefix}-")
            messages.append(
                {
                    "type": "OMI^O23" if "OMI^O23" in unique[:200] else "ORM^O01",
                    "control_id": f"B{n:05d}-{kind}",
                    "received_at": (start + timedelta(minutes=n)).isoformat(),
                    "hl7": unique,
                }
            )
        orders.append(
            {
                "order_id": f"B{n:05d}",
                "status": "a_valider" if n % 3 else "images_disponibles",
                "priority": "urgent" if n % 7 == 0 else "routine",
                "received_at": (start + timedelta(minutes=n)).isoformat(),
                "study_instance_uid": None,
                "accession_number": None,
                "messages": messages,
                "history": [],
            }
        )
    return orders


def _entries(answer: bytes) -> list[object]:
    from workstation.platform.client import _entry  # the client's own decoding of the answer

    return [_entry(item) for item in json.loads(answer)["orders"]]


def _hl7apy_orders(entries: list[object]) -> None:
    from hl7apy.consts import VALIDATION_LEVEL
    from hl7apy.parser import parse_message

    for entry in entries:
        for message in entry.messages:  # type: ignore[attr-defined]
            text = message.hl7.replace("\r\n", "\r").replace("\n", "\r").strip("\r")
            parse_message(text, validation_level=VALIDATION_LEVEL.TOLERANT, find_groups=False)


def _timed(step: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = step()
    return time.perf_counter() - started, result


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench worklist", description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--new", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3, help="refreshes timed (median kept)")
    parser.add_argument("--peer-orders", type=int, default=50, help="orders the hl7apy peer parses (scaled)")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtWidgets import QApplication, QTableView

    from hl7v2.order import parse_order
    from workstation.qt.worklist_model import WorklistModel
    from workstation.worklist import OrderReader, ReadOrder, build_rows, filter_rows

    app = QApplication.instance() or QApplication([])
    model = WorklistModel()
    view = QTableView()
    view.setModel(model)
    view.resize(1200, 800)
    view.show()

    def show(rows: list[object]) -> None:
        model.set_rows(filter_rows(rows))  # type: ignore[arg-type]
        app.processEvents()  # layout and paint, as the event loop would after the slot

    everything = _orders(args.orders + args.new * (args.repeat + 1))
    ui_new, total_new = [], []
    reader = OrderReader()
    for r in range(args.repeat + 1):  # the first refresh only warms up (the list shown before)
        # the list as the previous refresh saw it, then as it is now: the oldest `new` gone, `new` added
        before = everything[r * args.new : r * args.new + args.orders]
        now = everything[(r + 1) * args.new : (r + 1) * args.new + args.orders]
        if r == 0:
            show(build_rows(reader.read(_entries(json.dumps({"orders": before}).encode()))))
        answer = json.dumps({"orders": now}).encode()
        worker_s, read = _timed(lambda a=answer: reader.read(_entries(a)))
        ui_s, _ = _timed(lambda rd=read: show(build_rows(rd)))  # type: ignore[misc]
        assert all(isinstance(x, ReadOrder) and x.order is not None for x in read)  # type: ignore[union-attr]
        if r:
            ui_new.append(ui_s)
            total_new.append(worker_s + ui_s)

    # the peer, on a sample of the same list (hl7apy takes ~50-100 ms an order here), scaled to the list
    sample = min(args.peer_orders, args.orders)
    answer = json.dumps({"orders": everything[-args.orders :]}).encode()
    decode_s, entries = _timed(lambda: _entries(answer))
    parse_s, _ = _timed(lambda: _hl7apy_orders(entries[:sample]))  # type: ignore[index]
    parse_s *= args.orders / sample
    rows_s, _ = _timed(lambda: show(build_rows(entries)))  # type: ignore[arg-type]
    ui_peer, total_peer = [parse_s + rows_s], [decode_s + parse_s + rows_s]

    requests = [m["hl7"] for o in everything[: args.orders] for m in o["messages"] if m["type"] == "ORM^O01"]  # type: ignore[index]
    per_order = []
    for text in requests:
        started = time.perf_counter()
        parse_order([text])
        per_order.append(time.perf_counter() - started)
    big = requests[0] + "\r".join(["NTE|1||x"] * 5_004)
    refused_s, _ = _timed(lambda: _refused(parse_order, big))

    ui, total, ui_old, total_old = (statistics.median(x) for x in (ui_new, total_new, ui_peer, total_peer))
    order_s = statistics.median(per_order)
    print(f"worklist refresh, {args.orders} orders of which {args.new} new (median of {args.repeat}):")
    print(f"  (peer: hl7apy timed on {sample} of the {args.orders} orders, scaled to {args.orders})")
    for label, ui_s, all_s in (
        ("shared reader + cache (worker)", ui, total),
        ("hl7apy every order (UI thread)", ui_old, total_old),
    ):
        print(f"  {label} : UI thread {ui_s * 1000:8.1f} ms, in all {all_s * 1000:8.1f} ms")
    print(f"  {'ratio (peer / new)':30} : UI thread {ui_old / ui:8.1f} x, in all {total_old / total:8.1f} x")
    print(f"  one flux 1 order read          : {order_s * 1000:.3f} ms (median of {len(per_order)})")
    print(f"  5,005-segment order            : refused unread in {refused_s * 1000:.2f} ms")
    view.close()
    targets = Targets("worklist")
    targets.at_most("rafraîchissement, fil de l'interface", ui * 1000, UI_TARGET_S * 1000, "ms")
    targets.at_most("rafraîchissement, en tout", total * 1000, TOTAL_TARGET_S * 1000, "ms")
    targets.at_most("lecture d'une demande (flux 1)", order_s * 1000, ORDER_TARGET_S * 1000, "ms")
    return targets.status()


def _refused(parse: Callable[[list[str]], object], text: str) -> None:
    from hl7v2.message import HL7ParseError

    try:
        parse([text])
    except HL7ParseError:
        return
    raise AssertionError("a 5,005-segment order was not refused")
