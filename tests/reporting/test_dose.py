"""Dose read from real vendor objects (OpenREM test files) against data/dicom/MANIFEST.md, and from
objects broken on purpose."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pydicom
import pytest
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence
from pydicom.tag import Tag

from reporting.dose import dose_from_datasets
from reporting.model import Source
from tests.dose_files import read_dose

NUMERIC_VALUE = 0x0040A30A
OPENREM = "data/dicom/openrem_test_files_via_ckswilliams_modOpenREM"

# (file, events with a CTDIvol, total DLP mGy·cm, first CTDIvol mGy, first DLP) from MANIFEST.md.
CT_RDSR = [
    ("CT-RDSR-Siemens-Continued-1.dcm", 2, "60.17", "0.14", "5.05"),
    ("CT-RDSR-Siemens-Continued-2.dcm", 2, "56.44", "0.14", "4.62"),
    ("CT-RDSR-Siemens-Multi-1.dcm", 1, "7.46", "0.15", "7.46"),
    ("CT-RDSR-Siemens-Multi-2.dcm", 2, "77.27", "0.15", "7.46"),
    ("CT-RDSR-Siemens-Multi-3.dcm", 3, "236.09", "0.15", "7.46"),
    ("CT-RDSR-Siemens_Flash-QA-DS.dcm", 9, "1590", "15.45", "29.67"),
    ("CT-RDSR-Siemens_Flash-TAP-SS.dcm", 4, "724.52", "0.14", "11.51"),
    ("CT-RDSR-ToshibaPixelMed.dcm", 2, "349.7", "25.4", "208.5"),
    ("CT-RDSR-Toshiba_DoseCheck.dcm", 2, "502.4", "5.3", "251.2"),
    ("CT-RDSR-Toshiba_MultiValSD.dcm", 1, "136.9", "3.2", "136.9"),
]
# (file, DAP dGy·cm², fluoroscopy time s or None): RDSR values are Gy·m² × 10⁵.
PROJECTION = [
    ("DX-Im-Carestream_DR7500-1.dcm", "11.013", None, Source.DICOM_HEADER),
    ("DX-Im-Carestream_DR7500-2.dcm", "10.157", None, Source.DICOM_HEADER),
    ("DX-Im-Carestream_DRX.dcm", "0.633", None, Source.DICOM_HEADER),
    ("DX-Im-GE_XR220-1.dcm", "0.41", None, Source.DICOM_HEADER),
    ("DX-Im-GE_XR220-2.dcm", "0.82", None, Source.DICOM_HEADER),
    ("DX-Im-GE_XR220-3.dcm", "2.05", None, Source.DICOM_HEADER),
    ("DX-RDSR-Carestream_DRXEvolution.dcm", "0.581", None, Source.RDSR),
    ("Dual-RDSR-DX.dcm", "0.239", "0", Source.RDSR),
    ("RF-RDSR-Siemens-Zee.dcm", "1.6", "28", Source.RDSR),
]


def close(value: Decimal, expected: str, tolerance: str = "0.0005") -> bool:
    return abs(value - Decimal(expected)) <= Decimal(tolerance)


@pytest.mark.parametrize(("name", "events", "total", "first_ctdi", "first_dlp"), CT_RDSR)
def test_ct_rdsr_totals_equal_the_rdsr(
    shared_dir: Path, name: str, events: int, total: str, first_ctdi: str, first_dlp: str
) -> None:
    dose = read_dose([shared_dir / OPENREM / name])
    assert dose.total_dlp_mgy_cm is not None
    assert dose.total_dlp_mgy_cm.value == Decimal(total)
    assert dose.total_dlp_mgy_cm.source is Source.RDSR
    with_ctdi = [a for a in dose.acquisitions if a.ctdi_vol_mgy is not None]
    assert len(with_ctdi) == events
    assert with_ctdi[0].ctdi_vol_mgy == Decimal(first_ctdi)
    assert with_ctdi[0].dlp_mgy_cm == Decimal(first_dlp)
    assert all(a.source is Source.RDSR for a in dose.acquisitions)
    assert dose.equipment is not None and dose.equipment.manufacturer and dose.equipment.model
    assert dose.warnings == ()


@pytest.mark.parametrize(("name", "dap", "fluoro", "source"), PROJECTION)
def test_projection_dap_in_dgy_cm2(
    shared_dir: Path, name: str, dap: str, fluoro: str | None, source: Source
) -> None:
    dose = read_dose([shared_dir / OPENREM / name])
    assert dose.total_dap_dgy_cm2 is not None
    assert close(dose.total_dap_dgy_cm2.value, dap)
    assert dose.total_dap_dgy_cm2.source is source
    if fluoro is None:
        assert dose.fluoroscopy_time_s is None
    else:
        assert dose.fluoroscopy_time_s is not None and dose.fluoroscopy_time_s.value == Decimal(fluoro)
    assert dose.total_dlp_mgy_cm is None and dose.acquisitions == ()


def test_cumulative_rdsrs_of_one_study_are_not_added_up(shared_dir: Path) -> None:
    """Siemens writes Multi-1, -2, -3 as growing versions of one study's RDSR: the latest covers all."""
    folder = shared_dir / OPENREM
    dose = read_dose([folder / f"CT-RDSR-Siemens-Multi-{n}.dcm" for n in (1, 2, 3)])
    assert dose.total_dlp_mgy_cm is not None and dose.total_dlp_mgy_cm.value == Decimal("236.09")
    assert len(dose.acquisitions) == 3


def test_dose_screen_without_rdsr(shared_dir: Path) -> None:
    dose = read_dose([shared_dir / OPENREM / "CT-SC-Philips_Brilliance16P.dcm"])
    assert dose.total_dlp_mgy_cm is not None and dose.total_dlp_mgy_cm.value == Decimal("1102.4")
    assert dose.total_dlp_mgy_cm.source is Source.DICOM_HEADER
    assert [a.label for a in dose.acquisitions][1:] == ["PRE KIDNEYS", "30S KIDNEYS", "100S C/A/P"]
    assert any("commentaire libre" in w for w in dose.warnings)


def test_ct_images_without_rdsr_give_ctdivol_per_series(shared_dir: Path) -> None:
    series = shared_dir / "data/dicom/neurolabusc_dcm_qa_ct/ct_philips_ingenuity_S2020_1mm"
    dose = read_dose([series])  # 140 slices and the vendor's non-image DIRFILE
    assert len(dose.acquisitions) == 1
    acquisition = dose.acquisitions[0]
    assert acquisition.source is Source.DICOM_HEADER and acquisition.ctdi_vol_mgy is not None
    assert acquisition.dlp_mgy_cm is None and dose.total_dlp_mgy_cm is None
    assert any("PDL total non disponible" in w for w in dose.warnings)
    assert dose.equipment is not None and dose.equipment.manufacturer == "Philips"


@pytest.mark.filterwarnings("ignore::UserWarning")  # pydicom's own complaints about these files
def test_malformed_files_never_crash(shared_dir: Path) -> None:
    malformed = sorted((shared_dir / "data/dicom/malformed").rglob("*.dcm"))
    assert len(malformed) >= 20
    for path in malformed:
        dose = read_dose([path])
        assert dose.total_dlp_mgy_cm is None and dose.total_dap_dgy_cm2 is None, path.name
    garbage = read_dose([Path(__file__)])  # not DICOM at all: skipped
    assert garbage.is_empty and garbage.warnings == ()


# -- RDSRs broken on purpose ----------------------------------------------------------------------


def _code(value: str, meaning: str = "") -> Sequence:
    item = Dataset()
    item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning = value, "DCM", meaning or value
    return Sequence([item])


def _num(concept: str, value: str, unit: str) -> Dataset:
    item = Dataset()
    item.ValueType = "NUM"
    item.ConceptNameCodeSequence = _code(concept)
    measured = Dataset()
    raw = value.encode("ascii")  # kept raw, as read from a file: converted (or not) on access
    measured[NUMERIC_VALUE] = RawDataElement(Tag(NUMERIC_VALUE), "DS", len(raw), raw, 0, False, True)
    measured.MeasurementUnitsCodeSequence = _code(unit)
    item.MeasuredValueSequence = Sequence([measured])
    return item


def _container(concept: str, *children: Dataset) -> Dataset:
    item = Dataset()
    item.ValueType = "CONTAINER"
    item.ConceptNameCodeSequence = _code(concept)
    item.ContentSequence = Sequence(list(children))
    return item


def _rdsr(*content: Dataset) -> Dataset:
    ds = Dataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.88.67"
    ds.SOPInstanceUID = "1.2.3.4"
    ds.StudyInstanceUID = "1.2.3"
    ds.Manufacturer = "ACME"
    ds.ConceptNameCodeSequence = _code("113701")
    ds.ContentSequence = Sequence(list(content))
    return ds


def test_rdsr_with_unexpected_structure_returns_what_it_can() -> None:
    good = _container(
        "113819", _container("113829", _num("113830", "12.5", "mGy"), _num("113838", "400", "mGy.cm"))
    )
    no_value = _container("113819", _container("113829", _num("113830", "x", "mGy")))
    no_measure = _container("113819", _container("113829", _num("113838", "10", "mGy.cm")))
    del no_measure.ContentSequence[0].ContentSequence[0].MeasuredValueSequence
    odd_unit = _container("113811", _num("113813", "999", "furlong"))
    dose = dose_from_datasets([("rdsr.dcm", _rdsr(good, no_value, no_measure, odd_unit))])
    assert [a.ctdi_vol_mgy for a in dose.acquisitions] == [Decimal("12.5"), None, None]
    # no usable accumulated total: the sum of the acquisitions, said to be computed
    assert dose.total_dlp_mgy_cm is not None and dose.total_dlp_mgy_cm.value == Decimal(400)
    assert dose.total_dlp_mgy_cm.source is Source.COMPUTED
    joined = " ".join(dose.warnings)
    assert "CTDIvol illisible" in joined
    assert "PDL sans valeur mesurée" in joined
    assert "unité inconnue (furlong)" in joined
    assert "somme des acquisitions" in joined


def test_empty_or_hostile_rdsrs_give_warnings_not_exceptions() -> None:
    empty = _rdsr()
    del empty.ContentSequence
    broken = _rdsr(_container("113819"), _container("113811"))
    broken.ContentSequence[0].ConceptNameCodeSequence = Sequence()  # a content item without a concept
    del broken.ContentSequence[1].ValueType
    deep = _container("113829", _num("113830", "1", "mGy"))
    for _ in range(40):
        deep = _container("999999", deep)
    dose = dose_from_datasets(
        [("empty.dcm", empty), ("broken.dcm", broken), ("deep.dcm", _rdsr(deep)), ("unreadable.dcm", None)]
    )
    assert dose.is_empty
    assert any("empty.dcm" in w for w in dose.warnings)
    assert any("unreadable.dcm" in w and "illisible" in w for w in dose.warnings)


def test_rdsr_dap_units_are_converted(shared_dir: Path) -> None:
    ds = pydicom.dcmread(shared_dir / OPENREM / "RF-RDSR-Siemens-Zee.dcm")
    milli = copy.deepcopy(ds)
    for item in milli.ContentSequence:
        for child in item.get("ContentSequence", []):
            if child.ConceptNameCodeSequence[0].CodeValue == "113722":
                child.MeasuredValueSequence[0].NumericValue = "16"
                child.MeasuredValueSequence[0].MeasurementUnitsCodeSequence[0].CodeValue = "mGy.m2"
    dose = dose_from_datasets([("rf.dcm", milli)])
    assert dose.total_dap_dgy_cm2 is not None and dose.total_dap_dgy_cm2.value == Decimal(1600)
