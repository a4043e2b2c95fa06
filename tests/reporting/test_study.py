from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydicom.dataset import Dataset

from reporting.model import Source
from reporting.study import StudyScan, check_identity, scan_headers, scan_study
from tests.reporting.factories import PARIS, make_draft

NOW = datetime(2026, 1, 6, 19, 0, tzinfo=PARIS)


def scan_of(*patients: tuple[str, str, str]) -> StudyScan:
    items = []
    for index, (name, birth, sex) in enumerate(patients):
        ds = Dataset()
        ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID = "1.2", "1.2.3", f"1.2.3.{index}"
        ds.SOPClassUID, ds.Modality, ds.InstanceNumber = "1.2.840.10008.5.1.4.1.1.2", "CT", index + 1
        ds.PatientName, ds.PatientBirthDate, ds.PatientSex = name, birth, sex
        ds.AcquisitionDate, ds.AcquisitionTime = "20260106", "184418.123"
        items.append((f"{index}.dcm", ds))
    return scan_headers(tuple(items))


def test_identity_matches_when_every_image_agrees() -> None:
    patient = make_draft().patient
    check = check_identity(
        patient,
        scan_of(("PAT-TROIS^DOMINIQUE", "19790328", "F"), ("pat-trois^Dominique", "19790328", "F")),
        NOW,
    )
    assert check.verified and check.source is Source.DICOM_HEADER


def test_identity_mismatches_are_named() -> None:
    patient = make_draft().patient
    check = check_identity(
        patient, scan_of(("PAT-TROIS^DOMINIQUE", "19790328", "F"), ("DUPONT^JEAN", "", "M")), NOW
    )
    assert not check.verified
    assert check.detail == (
        "nom différent dans les images; date de naissance différente dans les images; "
        "sexe différent dans les images"
    )
    assert not check_identity(patient, scan_of(("", "19790328", "F")), NOW).verified
    assert check_identity(patient, scan_of(), NOW).detail == "aucune image lue"


def test_scan_keeps_the_first_instance_of_each_series_and_the_acquisition_time() -> None:
    scan = scan_of(("A", "", ""), ("A", "", ""))
    [image] = scan.images
    assert image.instance_uid == "1.2.3.0" and image.modality == "CT"
    assert scan.acquired_at == datetime(2026, 1, 6, 18, 44, 18, tzinfo=PARIS)


def test_scan_of_a_real_series(shared_dir: Path) -> None:
    scan = scan_study([shared_dir / "data/dicom/neurolabusc_dcm_qa_ct/ct_philips_ingenuity_S2020_1mm"])
    assert len(scan.study_uids) == 1 and scan.modalities == ("CT",)
    assert len(scan.images) == 1 and len(scan.items) == 141  # 140 slices + the DIRFILE, which is skipped
