"""The indicators screen on the 1,000 generated orders: filters, charts, CSV and the French PDF.

Screenshots (test-artifacts/indicateurs-ecran.png, indicateurs-pdf-page-N.png) are for a human to
look at; the assertions read the figures back from the exported files, the PDF through pdfium (an
independent reader), and from the chart pixels (the bars are drawn, not blank images).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pypdfium2
import pytest
from PySide6.QtCore import QDate
from PySide6.QtGui import QImage

from tests.workstation.test_indicators import SITES, _entry, _journal, _plan
from workstation.indicators import Delay, Group, Rate, facts_of, incidents_of, journal_incidents
from workstation.qt.indicators_dialog import IndicatorsDialog, show_indicators
from workstation.worklist import OrderReader, build_rows

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def rows():
    return build_rows([_entry(p) for p in _plan()], reader=OrderReader())


@pytest.fixture
def dialog(qtbot, rows):
    d = IndicatorsDialog(facts_of(rows), incidents_of(_journal()))
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


def _pdf_text(path: Path) -> tuple[str, list[pypdfium2.PdfPage]]:
    pdf = pypdfium2.PdfDocument(str(path))
    pages = [pdf[i] for i in range(len(pdf))]
    return "\n".join(p.get_textpage().get_text_range() for p in pages), pages


def _coloured_pixels(image: QImage) -> int:
    """Pixels of the bar colours (neither white, grey nor black text): a chart with bars has many."""
    count = 0
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            c = image.pixelColor(x, y)
            if max(c.red(), c.green(), c.blue()) - min(c.red(), c.green(), c.blue()) > 60:
                count += 1
    return count


def test_screen_shows_every_chart_and_filters_by_period_site_and_radiologist(
    qtbot, dialog: IndicatorsDialog, artifacts_dir: Path
) -> None:
    assert dialog.indicators.received == 1000
    for name, label in dialog.chart_labels.items():
        image = label.pixmap().toImage()
        assert image.width() >= 600, name
        if name != "incidents":  # incidents are drawn in grey
            assert _coloured_pixels(image) > 200, name
    assert "1 h 41" in dialog.tables.text() and "Téléexpertise demandée → avis rendu" in dialog.tables.text()
    dialog.grab().save(str(artifacts_dir / "indicateurs-ecran.png"))

    dialog.site.setCurrentIndex(dialog.site.findData(SITES[1]))
    dialog.radiologist.setCurrentIndex(dialog.radiologist.findData("Dr Paul DURAND"))
    assert dialog.indicators.selection.site == SITES[1]
    assert dialog.indicators.selection.radiologist == "Dr Paul DURAND"
    filtered = dialog.indicators.received
    assert 0 < filtered < 1000
    # the period in French days: 5 to 9 January 2026 inclusive = the first 5 x 24 orders at most
    dialog.start.setDate(QDate(2026, 1, 5))
    dialog.end.setDate(QDate(2026, 1, 9))
    sel = dialog.indicators.selection
    assert sel.start is not None and sel.end is not None and sel.end - sel.start == timedelta(days=5)
    assert dialog.indicators.received < filtered
    dialog.grab().save(str(artifacts_dir / "indicateurs-ecran-filtre.png"))

    dialog.end.setDate(QDate(2026, 1, 1))  # before the start: said, and nothing exported
    assert "précède" in dialog.message.text()
    assert not dialog.pdf_button.isEnabled() and not dialog.csv_button.isEnabled()


def test_csv_and_french_pdf_exports(
    qtbot, dialog: IndicatorsDialog, tmp_path: Path, artifacts_dir: Path
) -> None:
    ind = dialog.indicators
    csv_path = dialog.export_csv(tmp_path / "indicateurs.csv")
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM for spreadsheets
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    refusals = next(r for r in rows if r[1] == "taux de refus (%)")
    assert refusals[3:] == ["15", "150", "1000"]

    pdf_path = dialog.export_pdf(tmp_path / "indicateurs.pdf")
    text, pages = _pdf_text(pdf_path)
    flat = " ".join(text.split())
    assert "Indicateurs de qualité de la téléradiologie" in flat
    assert ind.refusals == Rate(150, 1000) and "150 / 1000 (15 %)" in flat
    assert ind.delays[(Delay.REPONSE, Group.URGENT)].median == 100.5 and "1 h 41" in flat
    assert "Communications urgentes et leur délai" in flat and "Téléexpertise demandée → avis rendu" in flat
    assert "Échec de connexion sécurisée (TLS)" in flat
    for index, page in enumerate(pages, start=1):
        bitmap = page.render(scale=1.5)
        bitmap.to_pil().save(artifacts_dir / f"indicateurs-pdf-page-{index}.png")
    first = QImage(str(artifacts_dir / "indicateurs-pdf-page-1.png"))
    assert _coloured_pixels(first) > 500  # the charts are in the PDF, not only the tables


def test_menu_action_opens_the_screen_with_the_journal_incidents(qtbot, rows, tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    lines = [
        json.dumps({"body": {"index": i, "prev": "", "record": r.to_json(), "v": 1}, "mac": "00" * 32})
        for i, r in enumerate(_journal())
    ]
    journal.write_text("\n".join(lines) + "\n", encoding="utf-8")
    incidents, note = journal_incidents(journal)
    assert note == "" and len(incidents) == 13
    dialog = show_indicators(rows, journal, None)
    qtbot.addWidget(dialog)
    assert sum(dialog.indicators.incidents.values()) == 13

    journal.write_text("not a journal\n", encoding="utf-8")
    incidents, note = journal_incidents(journal)
    assert incidents == [] and "n'a pas pu être lu" in note
    dialog = show_indicators(rows, journal, None)
    qtbot.addWidget(dialog)
    assert "pas pu être lu : les incidents ne sont pas comptés" in dialog.tables.text()
    assert journal_incidents(tmp_path / "absent.jsonl") == ([], "")


def test_an_empty_worklist_shows_no_figure(qtbot) -> None:
    d = IndicatorsDialog([])
    qtbot.addWidget(d)
    assert d.indicators.received == 0
    assert "—" in d.tables.text()
