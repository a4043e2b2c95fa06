"""The dose of mammography, PET, a CT dose screen and a radiograph above its reference level, through
the whole report: CDA exposure section (coded entries, narrative, French numbers), PDF/HTML, the
editor's NRD warning, and the ANS validator (../shared/tools/validate-cda, one run: ~10 s)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from lxml import etree
from pydicom.dataset import Dataset

from reporting import terminology
from reporting.cda import build_cda
from reporting.checks import above_reference_levels, check
from reporting.dose import dose_from_datasets
from reporting.html import report_html
from reporting.model import LOINC, Act, Code, Report, Source
from tests.cda_validation import assert_valid_cda
from tests.dose_files import read_dose
from tests.reporting.factories import make_draft, make_signed
from tests.reporting.test_dose_templates import OPENREM, mammography_rdsr, nm_rdsr

NS = {"h": "urn:hl7-org:v3"}


def act(modality: str, loinc: str, label: str, region: str) -> Act:
    return Act(
        terminology.modality(modality),
        Source.COMPLEMENT_HL7,
        loinc=Code(loinc, LOINC, label, "LOINC"),
        region=terminology.region(region),
        localisation=terminology.localisation(region),
    )


MAMMOGRAPHY = act("MG", "36626-0", "MG sein bilatéral ; incidences", "76752008")
PET = act("PT", "44139-4", "TEP corps entier avec radionucléide IV", "38266002")
CT_TAP = act("CT", "24727-0", "CT thorax abdomen et pelvis", "63337009")
CHEST_PA = act("DX", "24648-8", "RX thorax ; incidence postéroantérieure verticale", "67734004")


def mammography_report(**extra: object) -> Report:
    dose = dose_from_datasets([("mg.dcm", mammography_rdsr())])
    return make_draft(acts=(MAMMOGRAPHY,), dose=dose, products=(), **extra)


def exposure(report: Report) -> etree._Element:
    root = etree.fromstring(build_cda(report))
    [section] = root.xpath("//h:section[h:code/@code='73569-6']", namespaces=NS)
    return section


def entries(section: etree._Element) -> list[tuple[str, str, str]]:
    return [
        (
            obs.xpath("h:code/@code", namespaces=NS)[0],
            obs.xpath("h:value/@value", namespaces=NS)[0],
            obs.xpath("h:value/@unit", namespaces=NS)[0],
        )
        for obs in section.xpath(
            "h:entry/h:observation[h:templateId/@root='1.2.250.1.213.1.1.3.154']", namespaces=NS
        )
    ]


def test_mammography_report_is_no_longer_dose_missing() -> None:
    draft = mammography_report()
    assert not [i for i in check(draft) if i.field == "dose"]
    section = exposure(make_signed(acts=(MAMMOGRAPHY,), dose=draft.dose, products=()))
    text = "".join(section.itertext())
    assert ("111637", "2.61", "mGy") in entries(section) and ("111637", "1.01", "mGy") in entries(section)
    assert ("111636", "5.6", "mGy") in entries(section)
    assert "DGM (dose glandulaire moyenne) – ROUTINE (CC sein gauche)" in text
    assert "DGM cumulée – sein droit" in text and "1,01 mGy" in text  # 1.005: half-up, French comma
    assert "Épaisseur du sein comprimé – ROUTINE (MLO sein gauche)" in text and "55 mm" in text
    assert "Aucune valeur de dose" not in text


def test_pet_activity_is_an_entry_and_a_radiopharmaceutical_administration() -> None:
    dose = dose_from_datasets([("nm.dcm", nm_rdsr())])
    section = exposure(make_signed(acts=(PET,), dose=dose, products=()))
    assert ("113507", "245.5", "MBq") in entries(section)
    [administration] = section.xpath(
        "h:entry/h:substanceAdministration[h:templateId/@root='1.2.250.1.213.1.1.3.173']", namespaces=NS
    )
    assert administration.xpath("h:doseQuantity/@value", namespaces=NS) == ["245.5"]
    assert administration.xpath(".//h:manufacturedMaterial/h:name/text()", namespaces=NS) == [
        "Fluorodeoxyglucose F^18^"
    ]
    assert "Activité administrée – Fluorodeoxyglucose F^18^, 05/01/2026 14:30" in "".join(section.itertext())


def test_dose_screen_values_to_check_reach_the_cda_and_the_pdf(shared_dir: Path) -> None:
    dose = read_dose([shared_dir / OPENREM / "CT-SC-Philips_Brilliance16P.dcm"])
    report = make_signed(acts=(CT_TAP,), dose=dose)
    text = "".join(exposure(report).itertext())
    assert "PDL – PRE KIDNEYS" in text and "196 mGy·cm" in text
    assert "à vérifier" in text
    assert "IDSV (CTDIvol) – PRE KIDNEYS" in text and "7,2 mGy" in text
    html = report_html(report)
    assert "657,9 mGy·cm" in html and "à vérifier" in html


def test_radiograph_above_its_reference_level_is_flagged_not_blocking() -> None:
    # a PA chest radiograph of 0.031 Gy·cm² = 3.1 dGy·cm² = 310 mGy·cm², above the 200 mGy·cm² NRD
    image = Dataset()
    image.Modality, image.SOPInstanceUID, image.StudyInstanceUID = "DX", "1.2.7.1", "1.2.7"
    image.ViewPosition = "PA"
    image.ImageAndFluoroscopyAreaDoseProduct = "3.1"
    dose = dose_from_datasets([("rx.dcm", image)])
    report = make_draft(acts=(CHEST_PA,), dose=dose, products=())
    [exceeded] = above_reference_levels(report)
    assert exceeded.value == Decimal(310) and exceeded.level.nrd == Decimal(200)
    assert (
        "PDS 310 mGy·cm² au-dessus du niveau de référence diagnostique « Thorax de face" in exceeded.message
    )
    assert not [i for i in check(report) if i.field == "dose"]  # informs, never blocks the signature
    below = make_draft(acts=(CHEST_PA,), dose=dose_from_datasets([("rx.dcm", _with_dap(image, "1.9"))]))
    assert above_reference_levels(below) == []
    assert above_reference_levels(make_draft(dose=dose)) == []  # a CT head act: no matching level


def _with_dap(image: Dataset, dap: str) -> Dataset:
    copy = image.copy()
    copy.ImageAndFluoroscopyAreaDoseProduct = dap
    return copy


def test_dose_reports_are_valid_cda(shared_dir: Path, tmp_path: Path) -> None:
    screen = read_dose([shared_dir / OPENREM / "CT-SC-Philips_Brilliance16P.dcm"])
    fluoro = read_dose([shared_dir / OPENREM / "RF-RDSR-Siemens-Zee.dcm"])
    documents = {
        "mammographie": make_signed(acts=(MAMMOGRAPHY,), dose=mammography_report().dose, products=()),
        "tep": make_signed(acts=(PET,), dose=dose_from_datasets([("nm.dcm", nm_rdsr())]), products=()),
        "ecran-de-dose": make_signed(acts=(CT_TAP,), dose=screen),
        "scopie": make_signed(
            acts=(act("RF", "24648-8", "RX thorax ; incidence postéroantérieure verticale", "67734004"),),
            dose=fluoro,
            products=(),
        ),
    }
    files = []
    for name, report in documents.items():
        path = tmp_path / f"{name}.xml"
        path.write_bytes(build_cda(report))
        files.append(path)
    assert {f.stem for f in files} == set(documents)
    assert_valid_cda(shared_dir, *files)
