"""Structured measurements (issue 16, item 4) on real images written by others (../shared/data):
the viewer's measurement becomes the report's record (value as printed, image, frame, outline in
DICOM image coordinates); the signed CDA carries it as FR-DICOM-Quantite entries citing the
measured image and passes the ANS tools; the TID 1500 SR passes dciodvfy (dicom3tools) and reads
back with highdicom with the same numbers and outline."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import highdicom as hd
import numpy as np
import pydicom
import pytest
from lxml import etree
from pydicom.dataset import Dataset

from reporting.cda import build_cda
from reporting.measurements import measurement_text
from reporting.model import TECHNOLOGIST, MeasurementKind, Professional, Shape, Source
from reporting.sr import COMPREHENSIVE_SR, MeasurementReportError, build_measurement_report
from tests.cda_validation import assert_valid_cda
from tests.reporting.factories import RADIOLOGIST_THOMAS, make_signed
from viewer.measure import MeasureKind, Where, measure
from viewer.plane import PlaneGeometry
from workstation.measurements import headers_by_instance, report_measurement

NS = {"h": "urn:hl7-org:v3"}
CT_SERIES = Path("dicom/neurolabusc_dcm_qa_ct/ct_philips_ingenuity_S2020_1mm")
ENHANCED_CT = Path(
    "dicom/cornerstonejs_cornerstoneWADOImageLoader/CT0012.fragmented_no_bot_jpeg_baseline.51.dcm"
)


def _plane(ds: Dataset) -> PlaneGeometry:
    orientation = [float(v) for v in ds.ImageOrientationPatient]
    rows_mm, columns_mm = (float(v) for v in ds.PixelSpacing)
    return PlaneGeometry(
        tuple(float(v) for v in ds.ImagePositionPatient),
        tuple(orientation[:3]),
        tuple(orientation[3:]),
        rows_mm,
        columns_mm,
    )


@pytest.fixture(scope="module")
def ct(shared_dir: Path) -> Dataset:
    return pydicom.dcmread(shared_dir / "data" / CT_SERIES / "I10")


def _where(ds: Dataset) -> Where:
    return Where(ds.SeriesInstanceUID, int(ds.SeriesNumber), ds.SOPInstanceUID, int(ds.InstanceNumber))


def _length_and_roi(ds: Dataset) -> tuple:
    plane = _plane(ds)
    hu = ds.pixel_array.astype(np.float64) * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
    length = measure(MeasureKind.LENGTH, [(100, 200), (300, 200)], plane, _where(ds))
    roi = measure(
        MeasureKind.ELLIPSE, [(220, 220), (290, 260)], plane, _where(ds), values=hu, value_unit="UH"
    )
    return length, roi, hu


def test_the_viewer_measurement_becomes_a_record_with_its_image(ct: Dataset) -> None:
    length, roi, hu = _length_and_roi(ct)
    headers = headers_by_instance([("I10", ct)])
    record = report_measurement(length, headers)
    spacing = float(ct.PixelSpacing[1])
    assert record.kind is MeasurementKind.LENGTH and record.unit == "mm" and record.shape is Shape.LINE
    assert record.value == Decimal(f"{200 * spacing:.1f}")  # 90.234375 mm: half-up to 0.1 mm
    assert (record.study_uid, record.series_uid, record.instance_uid, record.sop_class_uid) == (
        ct.StudyInstanceUID,
        ct.SeriesInstanceUID,
        ct.SOPInstanceUID,
        "1.2.840.10008.5.1.4.1.1.2",
    )
    assert record.frame is None  # single-frame instance
    assert record.points == ((100.5, 200.5), (300.5, 200.5))  # DICOM: first pixel's centre at 0.5
    assert (
        measurement_text(record) == f"Longueur : 90,2 mm (série {ct.SeriesNumber}, image {ct.InstanceNumber})"
    )
    area = report_measurement(roi, headers)
    assert area.kind is MeasurementKind.AREA and area.shape is Shape.ELLIPSE and area.unit == "mm2"
    assert [v.kind for v in area.statistics] == [
        MeasurementKind.MEAN,
        MeasurementKind.STANDARD_DEVIATION,
        MeasurementKind.MINIMUM,
        MeasurementKind.MAXIMUM,
    ]
    assert {v.unit for v in area.statistics} == {"[hnsf'U]"}
    # the mean of the pixels whose centre is inside the ellipse, recomputed here from the pixel data
    rows, columns = np.mgrid[0 : hu.shape[0], 0 : hu.shape[1]]
    inside = ((columns - 255) / 35) ** 2 + ((rows - 240) / 20) ** 2 <= 1
    assert area.statistics[0].value == Decimal(f"{hu[inside].mean():.1f}")
    assert measurement_text(area).startswith("ROI ellipse : surface ")
    assert " UH, écart-type " in measurement_text(area)
    uncalibrated = replace(length, calibrated=False)
    assert report_measurement(uncalibrated, headers) is None  # pixels are no millimetres: text only


def test_the_signed_cda_carries_the_measurements_as_entries_and_validates(
    ct: Dataset, shared_dir: Path, tmp_path: Path
) -> None:
    length, roi, _ = _length_and_roi(ct)
    headers = headers_by_instance([("I10", ct)])
    records = (report_measurement(length, headers), report_measurement(roi, headers))
    technologist = Professional(
        "810001234567", "LEMAIRE", "Sophie", Source.COMPLEMENT_HL7, profession=TECHNOLOGIST
    )
    base = make_signed()
    report = replace(
        base,
        measurements=records,
        participants=replace(base.participants, technologist=technologist, author=RADIOLOGIST_THOMAS),
    )
    cda = build_cda(report)
    root = etree.fromstring(cda)
    [results] = root.xpath("//h:section[h:code/@code='59776-5']", namespaces=NS)
    entries = results.xpath("h:entry/h:observation", namespaces=NS)
    assert len(entries) == 1 + 5  # the length; the ROI's area, mean, SD, min, max
    codes = [e.xpath("h:code/@code", namespaces=NS)[0] for e in entries]
    assert codes == ["410668003", "42798000", "373098007", "386136009", "255605001", "56851009"]
    values = [
        (e.xpath("h:value/@value", namespaces=NS)[0], e.xpath("h:value/@unit", namespaces=NS)[0])
        for e in entries
    ]
    assert values[0] == ("90.2", "mm") and values[1][1] == "mm2" and values[2][1] == "[hnsf'U]"
    for entry in entries:
        assert entry.xpath(
            "h:entryRelationship[@typeCode='REFR']/h:observation/h:id/@root", namespaces=NS
        ) == [ct.SOPInstanceUID]
        [ref] = entry.xpath("h:text/h:reference/@value", namespaces=NS)
        assert root.xpath(f"//*[@ID='{ref[1:]}']", namespaces=NS)  # the narrative row it stands for
    table = " ".join(results.xpath("h:text//text()", namespaces=NS))
    assert "90,2 mm" in table and "(100,5 ; 200,5)" in table
    # a technologist with a national identifier is a header participant (performer)
    assert root.xpath(
        "/h:ClinicalDocument/h:participant[@typeCode='PRF']/h:associatedEntity/h:id/@extension", namespaces=NS
    ) == ["810001234567"]
    path = tmp_path / "measured.xml"
    path.write_bytes(cda)
    _validate([path], shared_dir)


def _validate(files: list[Path], shared_dir: Path) -> None:
    assert_valid_cda(shared_dir, *files)


def _dciodvfy(path: Path) -> list[str]:
    tool = shutil.which("dciodvfy")
    if tool is None:
        pytest.skip("dciodvfy (dicom3tools) is not installed: apt-get install dicom3tools")
    run = subprocess.run([tool, str(path)], capture_output=True, text=True, timeout=60, check=False)
    return [line for line in (run.stdout + run.stderr).splitlines() if line.startswith("Error")]


def test_the_sr_validates_and_reads_back(ct: Dataset, tmp_path: Path) -> None:
    length, roi, _ = _length_and_roi(ct)
    headers = headers_by_instance([("I10", ct)])
    records = (report_measurement(length, headers), report_measurement(roi, headers))
    document = build_measurement_report(records, [ct], RADIOLOGIST_THOMAS, organisation="Structure-Y")
    assert document.dataset.SOPClassUID == COMPREHENSIVE_SR and document.study_uid == ct.StudyInstanceUID
    path = tmp_path / "sr.dcm"
    document.dataset.save_as(path, enforce_file_format=True)
    assert _dciodvfy(path) == []
    back = hd.sr.ComprehensiveSR.from_dataset(pydicom.dcmread(path))
    groups = back.content.get_planar_roi_measurement_groups()
    assert len(groups) == 2
    line, ellipse = groups
    assert line.reference_type == hd.sr.CodedConcept("111030", "DCM", "Image Region")
    region = line.roi
    assert region.graphic_type is hd.sr.GraphicTypeValues.POLYLINE
    assert np.allclose(region.value, [[100.5, 200.5], [300.5, 200.5]])
    assert region.ContentSequence[0].ReferencedSOPSequence[0].ReferencedSOPInstanceUID == ct.SOPInstanceUID
    [value] = line.get_measurements()
    assert (value.name.value, float(value.value), value.unit.value) == ("410668003", 90.2, "mm")
    assert ellipse.roi.graphic_type is hd.sr.GraphicTypeValues.ELLIPSE
    # major axis first: 70 px wide, 40 px high
    assert np.allclose(ellipse.roi.value, [[220.5, 240.5], [290.5, 240.5], [255.5, 220.5], [255.5, 260.5]])
    found = {
        (m.name.value, m.derivation.value if m.derivation else None): float(m.value)
        for m in ellipse.get_measurements()
    }
    stats = {v.kind.code.code: float(v.value) for v in records[1].statistics}
    assert found[("112031", "373098007")] == stats["373098007"]  # attenuation coefficient, mean
    assert found[("42798000", None)] == float(records[1].value)


def test_a_frame_of_an_enhanced_ct_is_cited_in_the_sr_and_the_cda(shared_dir: Path, tmp_path: Path) -> None:
    ds = pydicom.dcmread(shared_dir / "data" / ENHANCED_CT)
    frame_plane = ds.PerFrameFunctionalGroupsSequence[1].PlanePositionSequence[0]
    shared = ds.SharedFunctionalGroupsSequence[0]
    orientation = [float(v) for v in shared.PlaneOrientationSequence[0].ImageOrientationPatient]
    spacing = [float(v) for v in shared.PixelMeasuresSequence[0].PixelSpacing]
    plane = PlaneGeometry(
        tuple(float(v) for v in frame_plane.ImagePositionPatient),
        tuple(orientation[:3]),
        tuple(orientation[3:]),
        spacing[0],
        spacing[1],
    )
    where = Where(ds.SeriesInstanceUID, int(ds.SeriesNumber), ds.SOPInstanceUID, 2)  # the viewer: frame 2
    record = report_measurement(
        measure(MeasureKind.LENGTH, [(10, 10), (40, 50)], plane, where), headers_by_instance([("mf", ds)])
    )
    assert record.frame == 2 and record.value == Decimal(f"{50 * spacing[0]:.1f}")
    document = build_measurement_report([record], [ds], RADIOLOGIST_THOMAS)
    path = tmp_path / "sr.dcm"
    document.dataset.save_as(path, enforce_file_format=True)
    assert _dciodvfy(path) == []
    [group] = hd.sr.ComprehensiveSR.from_dataset(
        pydicom.dcmread(path)
    ).content.get_planar_roi_measurement_groups()
    assert int(group.roi.ContentSequence[0].ReferencedSOPSequence[0].ReferencedFrameNumber) == 2
    report = replace(make_signed(), measurements=(record,))
    root = etree.fromstring(build_cda(report))
    frames = root.xpath(
        "//h:observation[@classCode='ROIBND']/h:entryRelationship/h:observation/h:value/h:low/@value",
        namespaces=NS,
    )
    assert frames == ["2"]
    cda = tmp_path / "frame.xml"
    cda.write_bytes(build_cda(report))
    _validate([cda], shared_dir)


def test_an_sr_is_refused_for_an_image_outside_the_study(ct: Dataset) -> None:
    length, _, _ = _length_and_roi(ct)
    record = report_measurement(length, headers_by_instance([("I10", ct)]))
    with pytest.raises(MeasurementReportError):
        build_measurement_report([replace(record, instance_uid="1.2.3.4")], [ct], RADIOLOGIST_THOMAS)
    on_a_plane = replace(record, instance_uid="", sop_class_uid="", points=())
    with pytest.raises(MeasurementReportError):  # nothing left to draw on a source image
        build_measurement_report([on_a_plane], [ct], RADIOLOGIST_THOMAS)
    document = build_measurement_report([record, on_a_plane], [ct], RADIOLOGIST_THOMAS)
    assert len(document.left_out) == 1 and "reconstruction" in document.left_out[0]
