"""The report as a PDF for the imaging site, laid out by Qt from ``reporting.html``.

Works without a display: when no Qt application exists one is created on the ``offscreen``
platform (unless QT_QPA_PLATFORM says otherwise), so the headless renderer can write PDFs too.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from reporting.html import report_html
from reporting.model import Report

_app: QGuiApplication | None = None


def _ensure_application() -> None:
    global _app
    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _app = QGuiApplication([])


def a4_writer(path: Path, title: str) -> QPdfWriter:
    """The workstation's one PDF page set-up (A4 portrait, 15 mm margins, 300 dpi), for the report and
    every other French document it prints (the quality indicators)."""
    _ensure_application()
    writer = QPdfWriter(str(path))
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setResolution(300)
    writer.setTitle(title)
    writer.setCreator("Poste de téléradiologie")
    return writer


def write_pdf(report: Report, path: Path) -> Path:
    """Write the report's PDF (A4, 15 mm margins) and return its path."""
    writer = a4_writer(path, report.title)
    document = QTextDocument()
    document.setHtml(report_html(report))
    document.print_(writer)  # paginates on the writer's page, scaling from screen to printer DPI
    return path
