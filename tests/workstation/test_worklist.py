"""The worklist rows and the order text, without Qt, on the demo orders."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from workstation.order_view import order_html, phone_fr
from workstation.orders import OrderStatus, Priority
from workstation.platform.client import RawMessage, WorklistEntry
from workstation.worklist import LocalStatus, Scope, age_label, build_rows, filter_rows, waiting_label

T0 = datetime(2026, 11, 14, 22, 0, tzinfo=UTC)


def _entry(
    order_id: str, texts: list[str], status: OrderStatus, priority: Priority, minutes: int
) -> WorklistEntry:
    messages = tuple(RawMessage("ORM^O01", f"C{i}", T0, t) for i, t in enumerate(texts))
    return WorklistEntry(
        order_id, status, priority, T0 + timedelta(minutes=minutes), None, None, messages, ()
    )


@pytest.fixture(scope="module")
def requests_by_case(demo_data: Path) -> dict[str, str]:
    found = {}
    for path in sorted((demo_data / "orders").glob("*_ORM_O01.hl7")):
        found.setdefault(path.stem.split("_")[1], path.read_text(encoding="utf-8"))
    return found


def test_to_do_first_urgent_first_then_longest_waiting(requests_by_case: dict[str, str]) -> None:
    head, chest = requests_by_case["ct-tete"], requests_by_case["rx-thorax"]
    entries = [
        _entry("done", [chest], OrderStatus.CR_TRANSMIS, Priority.URGENT, 0),
        _entry("late-routine", [chest], OrderStatus.A_VALIDER, Priority.ROUTINE, 1),
        _entry("new-urgent", [head], OrderStatus.A_VALIDER, Priority.URGENT, 30),
        _entry("old-urgent", [head], OrderStatus.IMAGES_DISPONIBLES, Priority.URGENT, 5),
    ]
    rows = build_rows(entries, {"new-urgent": LocalStatus.EN_LECTURE})
    assert [r.order_id for r in rows] == ["old-urgent", "new-urgent", "late-routine", "done"]
    assert rows[1].status_label == "En lecture" and rows[3].status_label == "Compte rendu transmis"
    assert [r.order_id for r in filter_rows(rows)] == ["old-urgent", "new-urgent", "late-routine"]
    assert [r.order_id for r in filter_rows(rows, Scope.TERMINES)] == ["done"]
    assert [r.order_id for r in filter_rows(rows, Scope.TOUS, urgent_only=True)] == [
        "old-urgent",
        "new-urgent",
        "done",
    ]
    assert rows[0].modality == "CT"
    assert rows[2].modality in ("DX", "CR", "RX")  # never a bare CISIS code


def test_search_ignores_case_and_accents(requests_by_case: dict[str, str]) -> None:
    rows = build_rows(
        [
            _entry(str(i), [t], OrderStatus.A_VALIDER, Priority.ROUTINE, i)
            for i, t in enumerate(requests_by_case.values())
        ]
    )
    some = rows[0]
    name = some.order.patient.birth_name
    assert [r.order_id for r in filter_rows(rows, text=name.lower())] == [some.order_id]
    assert filter_rows(rows, text="zzz-personne") == []
    # accents: the site names carry them ("Centre hospitalier de Val-de-Cher")
    assert filter_rows(rows, text="HOSPITALIER val") != []


def test_an_unreadable_order_stays_listed_with_the_reason() -> None:
    rows = build_rows([_entry("broken", ["MSH|^~\\&|X\rPID|"], OrderStatus.A_VALIDER, Priority.URGENT, 0)])
    assert len(rows) == 1 and rows[0].order is None
    assert rows[0].patient == "Demande illisible" and "HL7" in rows[0].problem
    html = order_html(rows[0].entry, None, rows[0].problem)
    assert "illisible" in html and "MSH-9" in html


def test_the_order_text_escapes_what_the_site_wrote(requests_by_case: dict[str, str]) -> None:
    text = requests_by_case["ct-tete"]
    hostile = "<script>alert(1)</script> & <b>gras</b>"
    lines = text.replace("\n", "\r").split("\r")
    obr = next(i for i, line in enumerate(lines) if line.startswith("OBR|"))
    fields = lines[obr].split("|")
    fields[13] = hostile.replace("&", "\\T\\")
    lines[obr] = "|".join(fields)
    rows = build_rows([_entry("x", ["\r".join(lines)], OrderStatus.A_VALIDER, Priority.URGENT, 0)])
    html = order_html(rows[0].entry, rows[0].order)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html
    assert "Contexte clinique" in html and "URGENT" in html


def test_labels() -> None:
    assert age_label(date(1944, 3, 12), date(2026, 11, 14)) == "82 ans"
    assert age_label(date(2025, 6, 20), date(2026, 11, 14)) == "16 mois"
    assert age_label(date(2026, 11, 1), date(2026, 11, 14)) == "13 j"
    assert age_label(None, date(2026, 11, 14)) == ""
    assert waiting_label(T0, T0 + timedelta(minutes=7)) == "7 min"
    assert waiting_label(T0, T0 + timedelta(minutes=75)) == "1 h 15"
    assert waiting_label(T0, T0 + timedelta(days=3)) == "3 j"
    assert phone_fr("+33261910142") == "02 61 91 01 42"
    assert phone_fr("poste 42") == "poste 42"


def test_each_message_is_read_once_across_refreshes(demo_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A refresh parses only the messages it has not seen: an order that gains its complement has
    only the complement parsed; an unreadable order is reported to the hook once."""
    import workstation.worklist as worklist

    orders = demo_data / "orders"
    slug = "ct-tete"
    request = next(orders.glob(f"*_{slug}_ORM_O01.hl7")).read_bytes().decode()
    complement = next(orders.glob(f"*_{slug}_OMI_O23.hl7")).read_bytes().decode()
    parsed: list[str] = []

    def counting(text: str) -> object:
        parsed.append(text[:3])
        return worklist_parse(text)

    worklist_parse = worklist.parse
    monkeypatch.setattr(worklist, "parse", counting)
    reported: list[str] = []
    reader = worklist.OrderReader(lambda entry, bad: reported.append(f"{entry.order_id} {bad.location}"))
    broken = _entry("broken", ["MSH|^~\\&|X\rPID|"], OrderStatus.A_VALIDER, Priority.URGENT, 0)
    first = reader.read([_entry("a", [request], OrderStatus.A_VALIDER, Priority.URGENT, 0), broken])
    assert len(parsed) == 2 and first[0].order is not None and first[1].unreadable is not None
    second = reader.read(
        [_entry("a", [request, complement], OrderStatus.A_VALIDER, Priority.URGENT, 0), broken]
    )
    assert len(parsed) == 3  # the complement only
    assert second[0].order is not None and second[0].order.complement is not None
    assert reported == ["broken MSH-9"]
    rows = build_rows(second)
    assert rows[1].unreadable is not None and "envoyé par" in rows[1].problem
