"""Worklist sorting (on values, not on the French text shown), the exam's name, and the next case
after a signature; without Qt, on the demo orders."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.orders import OrderStatus, Priority
from workstation.platform.client import RawMessage, WorklistEntry
from workstation.worklist import (
    LocalStatus,
    SortColumn,
    WorklistRow,
    age_label,
    build_rows,
    next_case,
    sorted_rows,
    waiting_label,
)

T0 = datetime(2026, 11, 14, 22, 0, tzinfo=UTC)


def _entry(
    order_id: str, texts: list[str], status: OrderStatus, priority: Priority, minutes: int
) -> WorklistEntry:
    messages = tuple(RawMessage("ORM^O01", f"C{i}", T0, t) for i, t in enumerate(texts))
    received = T0 - timedelta(minutes=minutes)
    return WorklistEntry(order_id, status, priority, received, None, None, messages, ())


@pytest.fixture(scope="module")
def orders(demo_data: Path) -> dict[str, list[str]]:
    """The messages of each demo case, request first, then its complement (flux 4) if any."""
    found: dict[str, list[str]] = {}
    for path in sorted((demo_data / "orders").glob("*.hl7")):
        if "annulation" in path.stem:
            continue
        found.setdefault(path.stem.split("_")[1], []).append(path.read_text(encoding="utf-8"))
    return found


def test_exam_column_is_the_act_label_then_the_requested_modality(orders: dict[str, list[str]]) -> None:
    rows = {
        r.order_id: r
        for r in build_rows(
            [
                _entry("tap", orders["tdm-tap"], OrderStatus.IMAGES_DISPONIBLES, Priority.URGENT, 5),
                _entry("tap-request", orders["tdm-tap"][:1], OrderStatus.A_VALIDER, Priority.URGENT, 5),
                _entry("head", orders["ct-tete"], OrderStatus.IMAGES_DISPONIBLES, Priority.URGENT, 5),
            ]
        )
    }
    assert rows["tap"].exam == "CT cage thoracique, abdomen et pelvis avec contraste IV"
    assert rows["tap"].act is not None and rows["tap"].act.code == "72254-6"
    assert rows["head"].exam == "CT tête sans contraste"
    assert rows["tap-request"].act is None and rows["tap-request"].exam == "Scanner/TDM"  # not yet performed
    unreadable = build_rows([_entry("bad", ["MSH|^~\\&|X"], OrderStatus.A_VALIDER, Priority.ROUTINE, 1)])[0]
    assert unreadable.exam == "" and unreadable.act is None


def test_waiting_sorts_on_time_not_on_the_french_text(orders: dict[str, list[str]]) -> None:
    chest = orders["rx-thorax"][:1]
    waits = {"a": 45, "b": 125, "c": 3 * 24 * 60, "d": 9}  # « 45 min », « 2 h 05 », « 3 j », « 9 min »
    rows = build_rows(
        [_entry(k, chest, OrderStatus.A_VALIDER, Priority.ROUTINE, m) for k, m in waits.items()]
    )
    texts = {r.order_id: waiting_label(r.entry.received_at, T0) for r in rows}
    assert texts == {"a": "45 min", "b": "2 h 05", "c": "3 j", "d": "9 min"}
    assert sorted(texts, key=texts.__getitem__) != ["d", "a", "b", "c"]  # what a text sort would get wrong
    assert [r.order_id for r in sorted_rows(rows, SortColumn.WAITING)] == ["d", "a", "b", "c"]
    longest_first = sorted_rows(rows, SortColumn.WAITING, descending=True)
    assert [r.order_id for r in longest_first] == ["c", "b", "a", "d"]


def test_priority_sorts_urgent_first_and_keeps_the_waiting_order(orders: dict[str, list[str]]) -> None:
    chest = orders["rx-thorax"][:1]
    rows = build_rows(
        [
            _entry("r-old", chest, OrderStatus.A_VALIDER, Priority.ROUTINE, 90),
            _entry("u-new", chest, OrderStatus.A_VALIDER, Priority.URGENT, 5),
            _entry("r-new", chest, OrderStatus.A_VALIDER, Priority.ROUTINE, 10),
            _entry("u-old", chest, OrderStatus.A_VALIDER, Priority.URGENT, 60),
        ]
    )
    def ids(column: SortColumn | None, descending: bool = False) -> list[str]:
        return [r.order_id for r in sorted_rows(rows, column, descending)]

    assert ids(SortColumn.PRIORITY) == ["u-old", "u-new", "r-old", "r-new"]
    assert ids(SortColumn.PRIORITY, True) == ["r-old", "r-new", "u-old", "u-new"]
    assert [r.order_id for r in sorted_rows(rows, None)] == ["u-old", "u-new", "r-old", "r-new"]


def test_age_sorts_on_the_birth_date(orders: dict[str, list[str]]) -> None:
    rows = build_rows(
        [_entry(k, v[:1], OrderStatus.A_VALIDER, Priority.ROUTINE, 1) for k, v in orders.items()]
    )
    ordered = sorted_rows(rows, SortColumn.SEX_AGE)
    births = [r.order.patient.birth_date for r in ordered if r.order is not None]
    assert births == sorted(births, reverse=True)  # youngest first
    assert len(set(births)) > 1


def test_status_sorts_in_the_workflow_order(orders: dict[str, list[str]]) -> None:
    chest = orders["rx-thorax"][:1]
    rows = build_rows(
        [
            _entry("sent", chest, OrderStatus.CR_TRANSMIS, Priority.ROUTINE, 1),
            _entry("new", chest, OrderStatus.A_VALIDER, Priority.ROUTINE, 2),
            _entry("images", chest, OrderStatus.IMAGES_DISPONIBLES, Priority.ROUTINE, 3),
            _entry("reading", chest, OrderStatus.IMAGES_DISPONIBLES, Priority.ROUTINE, 4),
        ],
        {"reading": LocalStatus.EN_LECTURE},
    )
    order = [r.order_id for r in sorted_rows(rows, SortColumn.STATUS)]
    assert order.index("new") < order.index("images") < order.index("reading") < order.index("sent")


def test_names_sort_without_accents_or_case(orders: dict[str, list[str]]) -> None:
    rows = build_rows(
        [_entry(k, v[:1], OrderStatus.A_VALIDER, Priority.ROUTINE, 1) for k, v in orders.items()]
    )
    from workstation.worklist import fold

    names = [fold(r.patient) for r in sorted_rows(rows, SortColumn.PATIENT)]
    assert names == sorted(names)


def test_unreadable_rows_sort_last_both_ways(orders: dict[str, list[str]]) -> None:
    rows = build_rows(
        [
            _entry("bad", ["MSH|^~\\&|X"], OrderStatus.A_VALIDER, Priority.URGENT, 100),
            _entry("ok", orders["ct-tete"], OrderStatus.A_VALIDER, Priority.ROUTINE, 1),
            _entry("ok2", orders["tdm-tap"], OrderStatus.A_VALIDER, Priority.ROUTINE, 1),
        ]
    )
    for column in (SortColumn.EXAM, SortColumn.SEX_AGE, SortColumn.REGION, SortColumn.SITE):
        for descending in (False, True):
            assert sorted_rows(rows, column, descending)[-1].order_id == "bad", column


def _rows(spec: list[tuple[str, bool, OrderStatus, LocalStatus | None]], text: str) -> list[WorklistRow]:
    entries = [
        replace(
            _entry(oid, [text], status, Priority.URGENT if urgent else Priority.ROUTINE, 100 - n),
            study_instance_uid=None if status is OrderStatus.A_VALIDER else f"1.2.3.{n}",
        )
        for n, (oid, urgent, status, _) in enumerate(spec)
    ]
    return build_rows(entries, {oid: local for oid, _, _, local in spec if local is not None})


def test_next_case_same_priority_first_then_any(orders: dict[str, list[str]]) -> None:
    img, A, T = OrderStatus.IMAGES_DISPONIBLES, OrderStatus.A_VALIDER, OrderStatus.CR_TRANSMIS
    rows = _rows(
        [
            ("u1", True, img, None),
            ("u2", True, img, LocalStatus.CR_SIGNE),  # signed here, not acknowledged yet: not next
            ("u3", True, A, None),
            ("r1", False, img, None),
            ("r2", False, img, None),
            ("t1", False, T, None),  # finished: never next
        ],
        orders["ct-tete"][0],
    )
    assert [r.order_id for r in rows] == ["u1", "u2", "u3", "r1", "r2", "t1"]
    assert next_case(rows, "u1", urgent=True).order_id == "u3"  # type: ignore[union-attr]
    assert next_case(rows, "u3", urgent=True).order_id == "u1"  # from the top again
    assert next_case(rows, "r1", urgent=False).order_id == "r2"
    assert next_case(rows, "r2", urgent=False).order_id == "r1"
    only = [r for r in rows if r.order_id in ("u1", "r1", "t1")]
    assert next_case(only, "u1", urgent=True).order_id == "r1"  # no other urgent: the next at all
    assert next_case([r for r in rows if r.order_id in ("u1", "t1")], "u1", urgent=True) is None
    assert next_case(rows, "gone", urgent=False).order_id == "r1"  # the signed row left the list
    waiting_for_images = replace(rows[3], entry=replace(rows[3].entry, study_instance_uid=None))
    assert next_case([rows[0], waiting_for_images, rows[4]], "u1", urgent=False).order_id == "r2"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 5000), st.booleans(), st.dates(date(1920, 1, 1), date(2026, 1, 1))),
             min_size=0, max_size=12),
    st.sampled_from(list(SortColumn)),
    st.booleans(),
)
def test_sorting_is_a_permutation_and_waiting_is_monotonic(
    items: list[tuple[int, bool, date]], column: SortColumn, descending: bool
) -> None:
    entries = [
        _entry(f"o{n}", [], OrderStatus.A_VALIDER, Priority.URGENT if u else Priority.ROUTINE, m)
        for n, (m, u, _) in enumerate(items)
    ]
    rows = build_rows(entries)
    result = sorted_rows(rows, column, descending)
    assert sorted(r.order_id for r in result) == sorted(r.order_id for r in rows)
    if column is SortColumn.WAITING:
        stamps = [r.entry.received_at for r in result]
        assert stamps == sorted(stamps, reverse=not descending)
    if column is SortColumn.PRIORITY:
        flags = [r.urgent for r in result]
        assert flags == sorted(flags, reverse=not descending)


def test_age_label_still_matches_the_sort_meaning() -> None:
    on = date(2026, 11, 14)
    assert age_label(date(2025, 1, 1), on) == "22 mois" and age_label(date(2020, 1, 1), on) == "6 ans"
