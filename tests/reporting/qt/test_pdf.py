"""The site's PDF, laid out by Qt offscreen (the ``qapp`` fixture provides the application)."""

from __future__ import annotations

import re
from pathlib import Path

from reporting.model import Narrative
from reporting.qt.pdf import write_pdf
from tests.reporting.factories import make_signed


def pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", path.read_bytes()))


def test_pdf_of_a_report_and_of_a_long_one(qapp, tmp_path: Path) -> None:
    short = write_pdf(make_signed(), tmp_path / "cr.pdf")
    assert short.read_bytes().startswith(b"%PDF-")
    assert 1 <= pages(short) <= 3
    long_text = "Ligne avec é, œ, ’ et 🩻, assez longue pour remplir les pages du compte rendu.\n\n" * 2000
    long = write_pdf(make_signed(results=Narrative(long_text)), tmp_path / "long.pdf")
    assert pages(long) > 20
