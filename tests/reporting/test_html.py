from __future__ import annotations

from reporting.html import report_html
from reporting.model import DoseReport, Narrative
from tests.reporting.factories import make_draft, make_signed


def test_html_has_the_whole_report_escaped() -> None:
    html = report_html(make_signed(results=Narrative("<script>alert(1)</script> & **gras** 😀")))
    for expected in (
        "PAT-TROIS",
        "279035121518989",
        "OPN101",
        "ACN101",
        "Indication",
        "Technique",
        "Résultats",
        "Synthèse / Conclusion",
        "857,76 mGy·cm",
        "RDSR DICOM",
        "XENETIX 350",
        "Extravasation",
        "téléradiologie par le Dr Thomas ERIC",
        "Signé électroniquement le 06/01/2026 à 19:30",
        "<b>gras</b> 😀",
        "&lt;script&gt;",
    ):
        assert expected in html, expected
    assert "<script>" not in html


def test_draft_and_missing_dose_are_visible() -> None:
    html = report_html(make_draft(dose=DoseReport(), dose_missing_reason="RDSR absent"))
    assert "BROUILLON" in html and "Document non signé" in html and "RDSR absent" in html
