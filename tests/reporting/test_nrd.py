"""Diagnostic reference levels (reporting.nrd): the shipped table and its sources, and the comparison
of every kind of dose value (radiograph per incidence, CT per acquisition, mammography per view,
nuclear medicine per administration) with the level of the exam's code.

Only the adult radiography table (annexe 2, tableau 2.1) could be read in a citable copy of the
arrêté of 23 May 2019, so it is the only one shipped. The CT, mammography and nuclear medicine
comparisons are therefore tested with tables written here, whose rows say plainly that they are
test levels and not the decision's: the code path is the one the shipped table takes.
"""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources

import pytest

from reporting import nrd
from reporting.dose import dose_from_datasets
from reporting.nrd import ReferenceTableError, above_reference_levels, parse_reference_table, reference_table
from tests.reporting.factories import make_draft
from tests.reporting.test_dose_cda import CT_TAP, PET, mammography_report
from tests.reporting.test_dose_templates import nm_rdsr

# Tableau 2.1 as printed in annexe 2 (https://legal.tricoteuses.fr/articles/JORFARTI000038529210):
# act -> (NRD, VGD) in mGy.cm2, read again from the text to guard the shipped file against edits.
TABLE_2_1 = {
    "Thorax de face (postéro-antérieur)": ("200", "150"),
    "Thorax de profil": ("550", "400"),
    "Abdomen sans préparation": ("3400", "2300"),
    "Bassin de face (antéro-postérieur)": ("3800", "2750"),
    "Hanche": ("1350", "950"),
    "Rachis cervical": ("400", "250"),
    "Rachis dorsal de face": ("1000", "750"),
    "Rachis dorsal de profil": ("1150", "900"),
    "Rachis lombaire de face": ("2700", "1950"),
    "Rachis lombaire de profil": ("3900", "2650"),
    "Orthopantomographie": ("150", "100"),
}

TEST_SOURCE = {
    "table": "table de test (pas un niveau de la décision)",
    "article": "aucun",
    "url": "https://example.invalid/",
}


def levels_table(*rows: dict) -> nrd.ReferenceTable:
    """A table in the shipped format, with test levels only."""
    return parse_reference_table(json.dumps({"source": "test", "date": "2000-01-01", "levels": list(rows)}))


def row(quantity: str, unit: str, per: str, level: str, codes: list[str], modalities: list[str]) -> dict:
    return {
        "id": f"test-{quantity}",
        "label": f"Niveau de test {quantity}",
        "quantity": quantity,
        "unit": unit,
        "per": per,
        "nrd": level,
        "modalities": modalities,
        "loinc": codes,
        "ccam": [],
        "source": TEST_SOURCE,
    }


def test_every_shipped_row_names_its_source_and_is_the_official_value() -> None:
    table = reference_table()
    assert "arrêté du 23 mai 2019" in table.text.lower() and "2019-DC-0667" in table.text
    assert table.date == "2019-05-23"
    assert table.levels, "the shipped table is empty"
    for level in table.levels:
        assert level.table and level.article and level.url.startswith("https://"), level.id
        assert level.source.startswith(level.table)
    shipped = {level.label: (str(level.nrd), str(level.vgd)) for level in table.levels}
    assert shipped == TABLE_2_1
    for level in table.levels:  # the annexe 2 rows come from its article
        assert (level.article, level.table) == ("JORFARTI000038529210", "annexe 2, tableau 2.1")
    raw = json.loads((resources.files("resources.dose") / nrd.SHIPPED_TABLE).read_text("utf-8"))
    assert all(r["source"]["url"] for r in raw["levels"])


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"source": {"table": "2.1", "article": "", "url": "https://x"}}, "does not name"),
        ({"source": {"table": "2.1", "article": "A", "url": "http://x"}}, "does not name"),
        ({"quantity": "Kerma"}, "is not a level"),
        ({"unit": "Gy"}, "is not a level"),
        ({"per": "examen"}, "is not a level"),  # a CT level is per acquisition
        ({"nrd": "-3"}, "positive"),
        ({"nrd": "beaucoup"}, "malformed"),
    ],
)
def test_a_row_without_source_or_with_a_foreign_quantity_is_refused(change: dict, why: str) -> None:
    bad = row("IDSV", "mGy", "acquisition", "40", ["24727-0"], ["CT"]) | change
    with pytest.raises(ReferenceTableError, match=why):
        levels_table(bad)
    del bad["source"]
    with pytest.raises(ReferenceTableError):
        levels_table(bad)


def test_ct_is_compared_per_acquisition_on_ctdivol_and_dlp() -> None:
    # make_draft: a CT act 24727-0, a topogram (0.15 mGy, 7.46 mGy·cm) and "Crâne injecté"
    # (45.2 mGy, 850.3 mGy·cm), total DLP 857.76 mGy·cm
    report = make_draft()
    above = levels_table(row("IDSV", "mGy", "acquisition", "40", ["24727-0"], ["CT"]))
    [exceeded] = above_reference_levels(report, above)
    assert (exceeded.value, exceeded.where) == (Decimal("45.2"), "Crâne injecté")
    assert exceeded.message.startswith("IDSV 45,2 mGy (Crâne injecté) au-dessus du niveau de référence")
    assert "(40 mGy, arrêté du 23 mai 2019)" in exceeded.message
    assert (
        above_reference_levels(
            report, levels_table(row("IDSV", "mGy", "acquisition", "45.3", ["24727-0"], ["CT"]))
        )
        == []
    )
    # DLP: the acquisition, not the examination's total, is what a CT level is set for
    dlp = levels_table(row("PDL", "mGy.cm", "acquisition", "855", ["24727-0"], ["CT"]))
    assert above_reference_levels(report, dlp) == []  # 850.3 per helix, although 857.76 in all
    [exceeded] = above_reference_levels(
        report, levels_table(row("PDL", "mGy.cm", "acquisition", "850", ["24727-0"], ["CT"]))
    )
    assert exceeded.message.startswith("PDL 850,3 mGy·cm (Crâne injecté)")
    # another exam's code, or the right code on another modality: no comparison
    assert (
        above_reference_levels(
            report, levels_table(row("IDSV", "mGy", "acquisition", "1", [CT_TAP.loinc.code + "x"], ["CT"]))
        )
        == []
    )
    assert (
        above_reference_levels(
            report, levels_table(row("IDSV", "mGy", "acquisition", "1", ["24727-0"], ["DX"]))
        )
        == []
    )


def test_mammography_is_compared_per_view_never_on_the_accumulated_dose() -> None:
    # views: 1.25 and 1.36 mGy (left), 0.5 and 0.505 mGy (right); accumulated 2.61 and 1.005
    report = mammography_report()
    code = report.acts[0].loinc.code
    exceeded = above_reference_levels(
        report, levels_table(row("DMG", "mGy", "incidence", "1.3", [code], ["MG"]))
    )
    assert [(e.value, e.where) for e in exceeded] == [(Decimal("1.36"), "ROUTINE (MLO sein gauche)")]
    assert exceeded[0].message.startswith("DMG 1,36 mGy (ROUTINE (MLO sein gauche))")
    assert "(1,3 mGy, arrêté" in exceeded[0].message  # the level's decimals are kept
    # 2.61 accumulated on the left breast is above 1.4, but the level is per view
    assert (
        above_reference_levels(report, levels_table(row("DMG", "mGy", "incidence", "1.4", [code], ["MG"])))
        == []
    )


def test_nuclear_medicine_is_compared_on_the_administered_activity() -> None:
    report = make_draft(acts=(PET,), dose=dose_from_datasets([("nm.dcm", nm_rdsr())]), products=())
    code = PET.loinc.code
    [exceeded] = above_reference_levels(
        report, levels_table(row("Activité", "MBq", "administration", "200", [code], ["PT", "NM"]))
    )
    assert exceeded.value == Decimal("245.5") and exceeded.where.startswith("Fluorodeoxyglucose")
    assert exceeded.message.startswith("Activité 245,5 MBq (Fluorodeoxyglucose")
    below = levels_table(row("Activité", "MBq", "administration", "250", [code], ["PT", "NM"]))
    assert above_reference_levels(report, below) == []


def test_the_shipped_table_compares_a_radiograph_and_nothing_else() -> None:
    # with the shipped table, a CT, a mammography or a PET is compared with nothing (their tables
    # are not shipped), whatever its values
    assert above_reference_levels(make_draft()) == []
    assert above_reference_levels(mammography_report()) == []
    pet = make_draft(acts=(PET,), dose=dose_from_datasets([("nm.dcm", nm_rdsr())]), products=())
    assert above_reference_levels(pet) == []
