"""Issue 23's demo cases: the unknown emergency patient on a provisional identity (no INS anywhere,
PID-32 PROV, images keyed by the site's IPP) and the radiograph on the platform before its flux 4
(its image names the order in the Request Attributes Sequence; no OMI^O23 in orders/)."""

from __future__ import annotations

from pathlib import Path

import pydicom

from hl7v2.order import parse_order
from teleplatform.demo import cases

UNKNOWN, ACQUIRING = cases.UNKNOWN_EMERGENCY_CASE, cases.ACQUIRING_CASE


def _images(demo_data: Path, case: cases.Case) -> list[pydicom.Dataset]:
    files = sorted(p for p in (demo_data / "dicom" / case.slug).rglob("*") if p.is_file())
    return [pydicom.dcmread(f, stop_before_pixels=True) for f in files]


def _messages(demo_data: Path, case: cases.Case) -> list[str]:
    files = sorted((demo_data / "orders").glob(f"*_{case.slug}_*.hl7"))
    return [p.read_bytes().decode("utf-8") for p in files]


def test_the_unknown_emergency_patient_has_no_ins_anywhere(demo_data: Path) -> None:
    messages = _messages(demo_data, UNKNOWN)
    assert len(messages) == 2  # request and flux 4: the images are there to read
    order = parse_order(messages)
    assert order.patient.ins is None and order.priority.value == "urgent"
    assert all("INS-NIR" not in m and m.split("\r")[1].endswith("|PROV") for m in messages)
    (image,) = _images(demo_data, UNKNOWN)
    assert image.PatientID == UNKNOWN.patient.ipp and "OtherPatientIDsSequence" not in image
    assert image.IssuerOfPatientIDQualifiersSequence[0].IdentifierTypeCode == "PI"


def test_the_radiograph_before_its_flux_4_names_its_order(demo_data: Path) -> None:
    messages = _messages(demo_data, ACQUIRING)
    assert [m.split("\r")[0].split("|")[8] for m in messages] == ["ORM^O01^ORM_O01"]  # no flux 4 yet
    (image,) = _images(demo_data, ACQUIRING)
    request = image.RequestAttributesSequence[0]
    assert request.PlacerOrderNumberImagingServiceRequest == ACQUIRING.placer_order_number
    assert image.StudyInstanceUID == ACQUIRING.study_instance_uid
