"""The worklist's column widths (issue 17): computed from what the columns hold, the spare room to
the exam label, long texts on two lines rather than cut, and no horizontal scroll bar on the
reading-room screen. Real rows of the demo's wording (long coded regions and act labels)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from workstation.orders import OrderStatus, Priority
from workstation.platform.client import RawMessage, WorklistEntry
from workstation.qt import theme
from workstation.qt.worklist_model import (
    COLUMNS,
    EXAM,
    PATIENT,
    REGION,
    SHRINK_STEPS,
    SITE,
    WorklistModel,
    WorklistTable,
    fit_widths,
)
from workstation.worklist import WorklistRow, build_rows

T0 = datetime(2026, 11, 14, 22, 0, tzinfo=UTC)

NATURAL = [103, 103, 205, 125, 82, 424, 489, 255, 157]  # measured on the demo's worklist
COMPACT = [87, 62, 205, 86, 44, 424, 489, 255, 157]


def test_everything_fits_and_the_exam_takes_the_spare_room() -> None:
    widths = fit_widths(NATURAL, COMPACT, 2100)
    assert sum(widths) == 2100
    assert [w - n for w, n in zip(widths, NATURAL, strict=True)] == [
        2100 - sum(NATURAL) if c == EXAM else 0 for c in range(len(COLUMNS))
    ]


def test_the_region_gives_way_first_then_the_site_and_the_patient_last() -> None:
    widths = fit_widths(NATURAL, COMPACT, 1345)  # the 1920 px window's table
    assert sum(widths) == 1345
    assert widths[REGION] == 165 and widths[SITE] == 150
    assert widths[PATIENT] == NATURAL[PATIENT]  # a name is not wrapped while the exam can give
    assert widths[EXAM] >= 200


@given(
    st.lists(st.integers(30, 600), min_size=len(COLUMNS), max_size=len(COLUMNS)),
    st.integers(0, 3000),
)
def test_widths_stay_between_their_floor_and_their_text(natural: list[int], available: int) -> None:
    compact = [min(n, 60) for n in natural]
    widths = fit_widths(natural, compact, available)
    floor = list(natural)
    for column, step in SHRINK_STEPS:
        floor[column] = min(floor[column], max(44, compact[column]) if step is None else step)
    for c, w in enumerate(widths):
        assert floor[c] <= w
        assert w <= natural[c] or (c == EXAM and sum(natural) < available)
    # it fits whenever the floors fit; otherwise every column is at its floor (the table scrolls)
    if sum(floor) <= available:
        assert sum(widths) == max(available, 0) or sum(widths) <= available
        assert sum(widths) == available
    else:
        assert widths == floor


def _entry(order_id: str, texts: list[str], priority: Priority, minutes: int) -> WorklistEntry:
    messages = tuple(RawMessage("ORM^O01", f"C{i}", T0, t) for i, t in enumerate(texts))
    received = T0 - timedelta(minutes=minutes)
    status = OrderStatus.IMAGES_DISPONIBLES
    return WorklistEntry(order_id, status, priority, received, None, None, messages, ())


@pytest.fixture(scope="module")
def demo_rows(demo_data: Path) -> list[WorklistRow]:
    """Every demo order (the longest act labels and coded regions of the demo)."""
    by_case: dict[str, list[str]] = {}
    for path in sorted((demo_data / "orders").glob("*.hl7")):
        if "annulation" not in path.stem:  # a request, then its complement (flux 4) if any
            by_case.setdefault(path.stem.split("_")[1], []).append(path.read_text(encoding="utf-8"))
    entries = [_entry(case, texts, Priority.URGENT, n) for n, (case, texts) in enumerate(by_case.items())]
    return build_rows(entries)


@pytest.mark.parametrize("width", [1345, 950])  # the table in a 1920 px window, and in a 1366 px one
def test_no_horizontal_scroll_bar_and_long_texts_on_two_lines(qtbot, demo_rows, width: int) -> None:  # type: ignore[no-untyped-def]
    theme.apply(QApplication.instance())  # the reading room's fonts and paddings
    model = WorklistModel()
    table = WorklistTable()
    table.setModel(model)
    table.verticalHeader().setDefaultSectionSize(34)
    qtbot.addWidget(table)
    model.set_rows(demo_rows, T0)
    table.resize(width, 600)
    table.show()
    qtbot.waitExposed(table)
    qtbot.waitUntil(lambda: table.viewport().width() > 0)
    header = table.horizontalHeader()
    qtbot.wait(200)
    sizes = [header.sectionSize(c) for c in range(len(COLUMNS))]
    assert sum(sizes) == table.viewport().width(), (sizes, table.viewport().width(), table.natural_widths())
    assert not table.horizontalScrollBar().isVisible()
    assert table.horizontalScrollBar().maximum() == 0
    natural, _ = table.natural_widths()
    tap = next(r for r in range(model.rowCount()) if "abdomen et pelvis" in model.index(r, EXAM).data())
    assert model.index(tap, EXAM).data(Qt.ItemDataRole.ToolTipRole).startswith(model.index(tap, EXAM).data())
    if width >= 1345:
        assert header.sectionSize(PATIENT) == natural[PATIENT]  # names on one line at 1920 px
        assert header.sectionSize(EXAM) >= 200
    # a long act label wraps: its row is two lines tall, a short one keeps the default height
    if header.sectionSize(EXAM) < natural[EXAM]:
        assert table.rowHeight(tap) > 34
    line = table.fontMetrics().lineSpacing()
    short = [r for r in range(model.rowCount()) if table.sizeHintForRow(r) <= line + 12]
    assert all(table.rowHeight(r) == 34 for r in short)
    # wider: everything on one line, the exam label takes the spare room
    table.resize(sum(natural) + 400, 600)
    qtbot.waitUntil(lambda: header.sectionSize(EXAM) > natural[EXAM])
    assert [header.sectionSize(c) for c in range(len(COLUMNS)) if c != EXAM] == [
        n for c, n in enumerate(natural) if c != EXAM
    ]
    assert all(table.rowHeight(r) == 34 for r in range(model.rowCount()))
