"""The report's measurements as a DICOM Structured Report (TID 1500 Measurement Report).

Why: the numbers of the report are worth more when the next reader's viewer can draw them again on
the image they were made on, and compare them at the follow-up. DICOM's answer is the TID 1500
« Imaging Measurement Report »: one TID 1410 planar ROI group per measurement, its outline as
SCOORD on the source image (frame included), its values coded (SNOMED CT quantity, UCUM unit).
Built with highdicom, stored as a Comprehensive SR (the 2D coordinates need no 3D SR, and it is
what PACS and the reference platform take).

The values are those of the report (already rounded as the report prints them), so the SR and the
CDA can never disagree. Measurements that cannot be drawn on a source image (made on a reformatted
plane) are left out of the SR, each with a French reason for the radiologist; they stay in the report.

Qt-free; the caller hands the study's header datasets (the evidence: patient and study modules are
copied from them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import highdicom as hd
import numpy as np
from highdicom.sr import CodedConcept
from pydicom.dataset import Dataset
from pydicom.sr.codedict import codes
from pydicom.valuerep import DA, TM

from reporting.model import (
    ImageReference,
    Measurement,
    MeasurementKind,
    Professional,
    Shape,
    Source,
)

COMPREHENSIVE_SR = "1.2.840.10008.5.1.4.1.1.88.33"
SR_SERIES_NUMBER = 9902
MANUFACTURER = "Poste de téléradiologie"
IMAGING_PROCEDURE = CodedConcept("363679005", "SCT", "Imaging procedure")
UNITS = {
    "mm": CodedConcept("mm", "UCUM", "millimeter"),
    "deg": CodedConcept("deg", "UCUM", "degree"),
    "mm2": CodedConcept("mm2", "UCUM", "square millimeter"),
    "[hnsf'U]": CodedConcept("[hnsf'U]", "UCUM", "Hounsfield unit"),
    "1": CodedConcept("1", "UCUM", "no units"),
}
# ROI statistics: the pixel values (attenuation in HU on CT), derived as the mean, SD... (CID 7464)
_STATISTICS = {
    MeasurementKind.MEAN,
    MeasurementKind.STANDARD_DEVIATION,
    MeasurementKind.MINIMUM,
    MeasurementKind.MAXIMUM,
}
_TYPE2 = (
    "PatientName",
    "PatientID",
    "PatientBirthDate",
    "PatientSex",
    "StudyDate",
    "StudyTime",
    "ReferringPhysicianName",
    "StudyID",
    "AccessionNumber",
)


class MeasurementReportError(ValueError):
    """No measurement of the report can be written as an SR (none on a source image of the study)."""


@dataclass(frozen=True, slots=True)
class MeasurementDocument:
    dataset: Dataset
    sop_instance_uid: str
    series_uid: str
    study_uid: str
    left_out: tuple[str, ...] = ()  # French: the measurements not in the SR, and why
    modality: str = ""  # of the measured images

    def reference(self) -> ImageReference:
        """The SR as an entry of the CDA's catalogue of DICOM objects, under the modality of the
        images it measures (the CI-SIS acquisition modalities have no SR)."""
        return ImageReference(
            self.study_uid,
            self.series_uid,
            self.sop_instance_uid,
            COMPREHENSIVE_SR,
            self.modality,
            Source.USER,
            "Mesures (rapport de mesures DICOM SR)",
        )


def outline(measurement: Measurement) -> tuple[hd.sr.GraphicTypeValues, np.ndarray]:
    """The SCOORD of a measurement: graphic type and (column, row) points as DICOM draws them.

    Lines and angles are open polylines (an angle's vertex is its middle point; a Cobb angle's four
    points are its two lines); a rectangle and a freehand outline are closed polylines (first point
    repeated); an ellipse drawn in its bounding box becomes the four end points of its axes, the major
    axis first, as the ELLIPSE graphic type requires."""
    points = np.asarray(measurement.points, dtype=np.float64)
    shape = measurement.shape
    if shape is Shape.ELLIPSE:
        (x0, y0), (x1, y1) = points[0], points[1]
        cx, cy, ax, ay = (x0 + x1) / 2, (y0 + y1) / 2, abs(x1 - x0) / 2, abs(y1 - y0) / 2
        horizontal = [[cx - ax, cy], [cx + ax, cy]]
        vertical = [[cx, cy - ay], [cx, cy + ay]]
        axes = horizontal + vertical if ax >= ay else vertical + horizontal
        return hd.sr.GraphicTypeValues.ELLIPSE, np.asarray(axes, dtype=np.float64)
    if shape is Shape.RECTANGLE:
        (x0, y0), (x1, y1) = points[0], points[1]
        corners = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
        return hd.sr.GraphicTypeValues.POLYLINE, np.asarray(corners, dtype=np.float64)
    if shape is Shape.POLYGON:
        return hd.sr.GraphicTypeValues.POLYLINE, np.vstack([points, points[:1]])
    return hd.sr.GraphicTypeValues.POLYLINE, points


def _why_left_out(measurement: Measurement) -> str:
    if not (measurement.instance_uid and measurement.sop_class_uid):
        return "mesurée sur une reconstruction, sans image source"
    if measurement.shape is None or len(measurement.points) < 2:
        return "contour inconnu"
    return ""


def _values(measurement: Measurement, modality: str) -> tuple[list[hd.sr.Measurement], str]:
    """The SR values of a measurement, and a French note when its pixel statistics are left out:
    they are named by what the pixels are (attenuation on CT, MR signal on MR), and on other images
    that name is not known here."""
    pixel_name = {"CT": codes.DCM.AttenuationCoefficient, "MR": codes.DCM.MRSignalIntensity}.get(modality)
    found, note = [], ""
    for value in measurement.values:
        unit = UNITS.get(value.unit)
        if unit is None:
            raise MeasurementReportError(f"unit {value.unit!r} has no UCUM concept")
        if value.kind in _STATISTICS:
            if pixel_name is None:
                where = f"{measurement.label} ({measurement.location})"
                note = f"{where} : statistiques des pixels hors SR (modalité {modality})"
                continue
            derivation = CodedConcept(value.kind.code.code, "SCT", value.kind.meaning)
            found.append(
                hd.sr.Measurement(name=pixel_name, value=float(value.value), unit=unit, derivation=derivation)
            )
        else:
            name = CodedConcept(value.kind.code.code, "SCT", value.kind.meaning)
            found.append(hd.sr.Measurement(name=name, value=float(value.value), unit=unit))
    return found, note


def _with_type2(ds: Dataset) -> Dataset:
    """A copy of a header with the patient and study attributes the SR copies present (type 2)."""
    copy = Dataset()
    copy.update(ds)
    for keyword in _TYPE2:
        if keyword not in copy:
            setattr(copy, keyword, "")
    return copy


def build_measurement_report(
    measurements: Sequence[Measurement],
    evidence: Sequence[Dataset],
    author: Professional,
    *,
    organisation: str = "",
    when: datetime | None = None,
    sop_instance_uid: str | None = None,
    series_uid: str | None = None,
) -> MeasurementDocument:
    """The TID 1500 SR of the measurements made on images among ``evidence`` (their headers).

    A measurement whose image is not among the evidence, or of another study, is refused: an SR
    pointing to an image the archive does not hold would mislead the next reader."""
    by_uid = {str(ds.get("SOPInstanceUID", "")): ds for ds in evidence}
    groups: list[hd.sr.PlanarROIMeasurementsAndQualitativeEvaluations] = []
    chosen: list[Dataset] = []
    left_out: list[str] = []
    studies: set[str] = set()
    for index, measurement in enumerate(measurements, start=1):
        reason = _why_left_out(measurement)
        if reason:
            left_out.append(f"{measurement.label} ({measurement.location}) : {reason}")
            continue
        source = by_uid.get(measurement.instance_uid)
        if source is None:
            raise MeasurementReportError(f"measured image {measurement.instance_uid} not among the study's")
        studies.add(str(source.get("StudyInstanceUID", "")))
        if all(str(c.SOPInstanceUID) != measurement.instance_uid for c in chosen):
            chosen.append(_with_type2(source))
        graphic_type, points = outline(measurement)
        region = hd.sr.ImageRegion(
            graphic_type=graphic_type,
            graphic_data=points,
            source_image=hd.sr.SourceImageForRegion(
                measurement.sop_class_uid,
                measurement.instance_uid,
                [measurement.frame] if measurement.frame is not None else None,
            ),
        )
        values, note = _values(measurement, str(source.get("Modality", "")))
        if note:
            left_out.append(note)
        groups.append(
            hd.sr.PlanarROIMeasurementsAndQualitativeEvaluations(
                tracking_identifier=hd.sr.TrackingIdentifier(
                    uid=hd.UID(), identifier=f"Mesure {index} : {measurement.label}"
                ),
                referenced_region=region,
                measurements=values,
            )
        )
    if not groups:
        raise MeasurementReportError("no measurement made on a source image")
    if len(studies) != 1:
        raise MeasurementReportError(f"measurements on {len(studies)} studies")
    name = f"{author.family}^{author.given}" if author.given else author.family
    observer = hd.sr.ObserverContext(
        observer_type=codes.DCM.Person,
        observer_identifying_attributes=hd.sr.PersonObserverIdentifyingAttributes(name=name),
    )
    content = hd.sr.MeasurementReport(
        observation_context=hd.sr.ObservationContext(observer_person_context=observer),
        procedure_reported=IMAGING_PROCEDURE,
        imaging_measurements=groups,
    )
    sop_uid = sop_instance_uid or hd.UID()
    series = series_uid or hd.UID()
    document = hd.sr.ComprehensiveSR(
        evidence=chosen,
        content=content[0],
        series_instance_uid=series,
        series_number=SR_SERIES_NUMBER,
        sop_instance_uid=sop_uid,
        instance_number=1,
        manufacturer=MANUFACTURER,
        is_complete=True,
        is_final=True,
        is_verified=True,
        verifying_observer_name=name,
        verifying_organization=organisation or "Téléradiologie",
    )
    moment = when or datetime.now()
    document.ContentDate = DA(moment.strftime("%Y%m%d"))
    document.ContentTime = TM(moment.strftime("%H%M%S"))
    document.SeriesDescription = "Mesures"
    modality = str(chosen[0].get("Modality", "") or "")
    return MeasurementDocument(
        document, str(sop_uid), str(series), next(iter(studies)), tuple(left_out), modality
    )
