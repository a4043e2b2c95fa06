"""The technologist of the report from DICOM Operators' Name (0008,1070), on files written by
others (../shared/data/dicom): the site's HL7 complement names no technologist, so the images are
the only source. A value that names nobody ("----") gives no technologist rather than a wrong one."""

from __future__ import annotations

from pathlib import Path

import pytest

from reporting.draft import _technologist
from reporting.model import Source
from reporting.study import scan_study

DICOM = Path("data") / "dicom"


@pytest.mark.parametrize(
    ("files", "family", "given"),
    [
        (
            ["cornerstonejs_cornerstoneWADOImageLoader/CT0012.fragmented_no_bot_jpeg_baseline.51.dcm"],
            "Jones",
            "Molly",
        ),
        (["pydicom_pydicom-data/eCT_Supplemental.dcm"], "Jones", "Molly"),
        # a dose report alone (no image) still says who ran the acquisition
        (
            ["openrem_test_files_via_ckswilliams_modOpenREM/DX-RDSR-Carestream_DRXEvolution.dcm"],
            "Clark",
            "Laurence",
        ),
        # one component only: kept as written (the family name), no given name invented
        (["openrem_test_files_via_ckswilliams_modOpenREM/DX-Im-Carestream_DR7500-1.dcm"], "PHYSICS", ""),
    ],
)
def test_technologist_from_operators_name(
    shared_dir: Path, files: list[str], family: str, given: str
) -> None:
    scan = scan_study([shared_dir / DICOM / f for f in files])
    technologist = _technologist(scan)
    assert technologist is not None
    assert (technologist.family, technologist.given, technologist.idnat) == (family, given, "")
    assert technologist.source is Source.DICOM_HEADER
    assert technologist.profession is not None and technologist.profession.code == "G15_98"


def test_several_files_name_the_first_operator_once(shared_dir: Path) -> None:
    folder = shared_dir / DICOM / "openrem_test_files_via_ckswilliams_modOpenREM"
    scan = scan_study([folder / "DX-Im-Carestream_DR7500-1.dcm", folder / "DX-Im-Carestream_DR7500-2.dcm"])
    assert scan.operators == ("PHYSICS",)


def test_a_name_without_letters_or_no_operator_gives_no_technologist(shared_dir: Path) -> None:
    padded = shared_dir / DICOM / "malformed" / "pydicom_wheel_test_files" / "MR_small_padded.dcm"
    scan = scan_study([padded])
    assert scan.operators == ("----",)  # what the file carries
    assert _technologist(scan) is None
    assert _technologist(scan_study([])) is None and _technologist(None) is None
