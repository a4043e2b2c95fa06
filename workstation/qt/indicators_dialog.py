"""The quality indicators screen: filters (period, site, radiologist), charts, tables, CSV and PDF export.

Figures come from :mod:`workstation.indicators` (the worklist's orders and this workstation's audit
journal) and charts from :mod:`workstation.indicator_report`; this module only lays them out and
writes the files. The PDF is laid out by Qt from the report's HTML, as the reports' PDF is
(``reporting/qt/pdf.py``), with the same chart images as the screen.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QUrl
from PySide6.QtGui import QImage, QPixmap, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from reporting.qt.pdf import a4_writer
from workstation.indicator_report import CHARTS, charts_png, report_html, summary_tables
from workstation.indicators import (
    Incident,
    Indicators,
    OrderFacts,
    Selection,
    compute,
    facts_of,
    journal_incidents,
    to_csv,
)

log = logging.getLogger(__name__)
PARIS = ZoneInfo("Europe/Paris")


def write_pdf(html: str, charts: dict[str, bytes], path: Path) -> Path:
    """The report as an A4 PDF; ``charts`` are the PNG images the HTML names ``chart:<name>``."""
    writer = a4_writer(path, "Indicateurs de qualité de la téléradiologie")
    document = QTextDocument()
    for name, data in charts.items():
        document.addResource(
            QTextDocument.ResourceType.ImageResource, QUrl(f"chart:{name}"), QImage.fromData(data)
        )
    document.setHtml(html)
    document.print_(writer)
    return path


class IndicatorsDialog(QDialog):
    """Filters on top, then the charts and the tables; recomputed at each change of a filter.

    ``facts`` are the worklist's orders, ``incidents`` those of the audit journal; when the journal
    could not be read ``incidents_note`` says why (French) and no incident count is shown.
    """

    def __init__(
        self,
        facts: Sequence[OrderFacts],
        incidents: Iterable[Incident] = (),
        incidents_note: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("indicateurs")
        self.setWindowTitle(self.tr("Indicateurs de qualité"))
        self._facts = list(facts)
        self._incidents = list(incidents)
        self._incidents_note = incidents_note
        self.indicators: Indicators = compute(self._facts, self._incidents)
        self._charts: dict[str, bytes] = {}

        first = (
            min((f.received_at for f in self._facts), default=datetime.now(PARIS)).astimezone(PARIS).date()
        )
        last = max((f.received_at for f in self._facts), default=datetime.now(PARIS)).astimezone(PARIS).date()
        self.start = QDateEdit(QDate(first.year, first.month, first.day))
        self.end = QDateEdit(QDate(last.year, last.month, last.day))
        for edit, name in ((self.start, "debut"), (self.end, "fin")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.dateChanged.connect(self.refresh)
        self.site = QComboBox()
        self.site.setObjectName("site")
        self.site.addItem(self.tr("Tous les sites"), "")
        for site in sorted({f.site for f in self._facts}):
            self.site.addItem(site, site)
        self.radiologist = QComboBox()
        self.radiologist.setObjectName("radiologue")
        self.radiologist.addItem(self.tr("Tous les radiologues"), "")
        for name in sorted({f.radiologist for f in self._facts if f.radiologist}):
            self.radiologist.addItem(name, name)
        self.site.currentIndexChanged.connect(self.refresh)
        self.radiologist.currentIndexChanged.connect(self.refresh)

        filters = QHBoxLayout()
        for label, widget in (
            (self.tr("Du"), self.start),
            (self.tr("au"), self.end),
            (self.tr("Site"), self.site),
            (self.tr("Radiologue"), self.radiologist),
        ):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addStretch(1)
        self.csv_button = QPushButton(self.tr("Exporter en CSV…"))
        self.csv_button.setObjectName("export-csv")
        self.csv_button.clicked.connect(self._ask_csv)
        self.pdf_button = QPushButton(self.tr("Exporter en PDF…"))
        self.pdf_button.setObjectName("export-pdf")
        self.pdf_button.clicked.connect(self._ask_pdf)
        filters.addWidget(self.csv_button)
        filters.addWidget(self.pdf_button)

        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.chart_labels: dict[str, QLabel] = {}
        grid = QGridLayout()
        for index, name in enumerate(CHARTS):
            label = QLabel()
            label.setObjectName(f"graphique-{name}")
            label.setMinimumSize(640, 340)
            self.chart_labels[name] = label
            grid.addWidget(label, index // 2, index % 2)
        self.tables = QLabel()
        self.tables.setObjectName("tableaux")
        self.tables.setWordWrap(True)
        content = QWidget()
        body = QVBoxLayout(content)
        body.addLayout(grid)
        body.addWidget(self.tables)
        body.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.message)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        self.resize(1400, 950)
        self.refresh()

    def selection(self) -> Selection | None:
        """The filters as a selection (days in French local time, end day included); None when the
        period ends before it starts."""
        start = datetime.combine(self.start.date().toPython(), time(0), PARIS)
        end = datetime.combine(self.end.date().toPython(), time(0), PARIS) + timedelta(days=1)
        if end <= start:
            return None
        return Selection(start, end, self.site.currentData() or "", self.radiologist.currentData() or "")

    def refresh(self) -> None:
        selection = self.selection()
        if selection is None:
            self.message.setText(self.tr("La fin de la période précède son début : corrigez les dates."))
            self.csv_button.setEnabled(False)
            self.pdf_button.setEnabled(False)
            return
        self.indicators = compute(self._facts, self._incidents, selection)
        self._charts = charts_png(self.indicators)
        for name, data in self._charts.items():
            self.chart_labels[name].setPixmap(QPixmap.fromImage(QImage.fromData(data)))
        self.tables.setText(summary_tables(self.indicators, self._incidents_note))
        self.message.setText(
            self.tr("{count} demandes dans la sélection, sur {total} de la liste de travail.").format(
                count=self.indicators.received, total=len(self._facts)
            )
        )
        self.csv_button.setEnabled(True)
        self.pdf_button.setEnabled(True)

    def sources(self) -> str:
        return self.tr(
            "liste de travail de la plateforme ({total} demandes) et journal d'audit de ce poste"
        ).format(total=len(self._facts))

    def export_csv(self, path: Path) -> Path:
        # BOM: spreadsheets then read the file as UTF-8 (accents of the French labels)
        path.write_text(to_csv(self.indicators), encoding="utf-8-sig", newline="")
        return path

    def export_pdf(self, path: Path) -> Path:
        charts = charts_png(self.indicators, dpi=200)
        html = report_html(
            self.indicators,
            {name: f"chart:{name}" for name in charts},
            datetime.now(PARIS),
            self.sources(),
            self._incidents_note,
        )
        return write_pdf(html, charts, path)

    def _ask_csv(self) -> None:
        self._ask(
            self.tr("Exporter les indicateurs en CSV"), "indicateurs.csv", "CSV (*.csv)", self.export_csv
        )

    def _ask_pdf(self) -> None:
        self._ask(self.tr("Exporter le rapport PDF"), "indicateurs.pdf", "PDF (*.pdf)", self.export_pdf)

    def _ask(self, title: str, default: str, kind: str, write) -> None:  # type: ignore[no-untyped-def]
        name, _ = QFileDialog.getSaveFileName(self, title, str(Path.home() / default), kind)
        if not name:
            return
        try:
            write(Path(name))
        except OSError as exc:
            log.error("indicators export to a file failed: %s", exc.strerror)
            QMessageBox.warning(
                self,
                title,
                self.tr("Le fichier n'a pas pu être écrit ({reason}).").format(reason=exc.strerror or exc),
            )
            return
        self.message.setText(self.tr("Fichier enregistré : {path}").format(path=name))


def show_indicators(
    rows: Iterable[object], journal_path: Path, parent: QWidget | None = None
) -> IndicatorsDialog:
    """Open the screen on the worklist's rows as last fetched and this workstation's audit journal."""
    incidents, note = journal_incidents(journal_path)
    dialog = IndicatorsDialog(facts_of(rows), incidents, note, parent)  # type: ignore[arg-type]
    dialog.open()
    return dialog
