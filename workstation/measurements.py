"""A measurement of the viewer handed to the report as a record, and the report's measurements
stored as a DICOM SR with the report.

The viewer measures in patient millimetres (:mod:`viewer.measure`); the report keeps a
:class:`reporting.model.Measurement`: the quantity coded, the value rounded once as the report
prints it, the image (study, series, SOP instance and class, frame) from the study's headers, the
outline in DICOM image coordinates. This module is the only place that knows both records (the
workstation composes viewer and reporting, which never import each other).

A measurement the viewer made without a pixel spacing (its "mm" are pixels) is not a number to put
in a structured record: it goes to the report as its sentence only, which says so.

The SR goes the way of the key images' KOS: stored into the study by STOW-RS before the report is
signed, then cited in the CDA's catalogue of DICOM objects; when it cannot be stored, the report is
signed all the same (its measurements are in its text and entries) and the radiologist is told.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from pydicom.dataset import Dataset
from pydicom.uid import generate_uid

from reporting import measurements as words
from reporting.model import (
    ImageReference,
    MeasuredValue,
    Measurement,
    MeasurementKind,
    Report,
    Shape,
    Source,
)
from reporting.sr import (
    COMPREHENSIVE_SR,
    MeasurementDocument,
    MeasurementReportError,
    build_measurement_report,
)
from resources.translations import QT_TRANSLATE_NOOP
from viewer import measure as viewer_measure
from viewer.measure import MeasureKind
from workstation.app import Workstation
from workstation.platform import PlatformError
from workstation.reading import ReadingCase, author_of, complete_study

log = logging.getLogger(__name__)

# viewer kind -> (label of the report, quantity, outline, UCUM unit of the main value)
_KINDS = {
    MeasureKind.LENGTH: ("Longueur", MeasurementKind.LENGTH, Shape.LINE, "mm"),
    MeasureKind.ANGLE: ("Angle", MeasurementKind.ANGLE, Shape.ANGLE, "deg"),
    MeasureKind.COBB: ("Angle de Cobb", MeasurementKind.COBB_ANGLE, Shape.COBB, "deg"),
    MeasureKind.ELLIPSE: ("ROI ellipse", MeasurementKind.AREA, Shape.ELLIPSE, "mm2"),
    MeasureKind.RECTANGLE: ("ROI rectangle", MeasurementKind.AREA, Shape.RECTANGLE, "mm2"),
    MeasureKind.FREEHAND: ("ROI main levée", MeasurementKind.AREA, Shape.POLYGON, "mm2"),
}
# the viewer's unit of ROI pixel values (French, Modality LUT output) -> UCUM
_PIXEL_UNITS = {"UH": "[hnsf'U]", "(valeur)": "1"}


def headers_by_instance(items: Iterable[tuple[str, Dataset | None]]) -> dict[str, Dataset]:
    """The study's headers by SOP Instance UID (what a measurement's image is looked up in)."""
    return {str(ds.get("SOPInstanceUID", "")): ds for _, ds in items if ds is not None}


def report_measurement(
    measurement: viewer_measure.Measurement, headers: dict[str, Dataset]
) -> Measurement | None:
    """The report's record of a viewer measurement; None when it has no millimetres to give
    (uncalibrated image) or a statistic the report cannot name (unknown pixel unit)."""
    if not measurement.calibrated:
        return None
    label, kind, shape, unit = _KINDS[measurement.kind]
    value = words.rounded(measurement.value, kind)
    if value is None:
        return None
    statistics: list[MeasuredValue] = []
    if measurement.stats is not None:
        pixel_unit = _PIXEL_UNITS.get(measurement.value_unit)
        if pixel_unit is None:
            log.warning("ROI pixel unit %r unknown: statistics not recorded", measurement.value_unit)
            return None
        stats = measurement.stats
        for stat_kind, number in (
            (MeasurementKind.MEAN, stats.mean),
            (MeasurementKind.STANDARD_DEVIATION, stats.sd),
            (MeasurementKind.MINIMUM, stats.minimum),
            (MeasurementKind.MAXIMUM, stats.maximum),
        ):
            stat = words.rounded(number, stat_kind)
            if stat is not None:  # an empty ROI has its area only
                statistics.append(MeasuredValue(stat_kind, stat, pixel_unit))
    where = measurement.where
    header = headers.get(where.sop_instance_uid or "")
    if header is None:  # a reformatted plane: the series' first header gives the study
        header = next(
            (h for h in headers.values() if str(h.get("SeriesInstanceUID", "")) == where.series_instance_uid),
            None,
        )
    frames = int(header.get("NumberOfFrames", 1) or 1) if header is not None else 1
    frame = where.image_number if where.sop_instance_uid and frames > 1 else None
    return Measurement(
        label=label,
        value=value,
        unit=unit,
        source=Source.USER,
        series_uid=where.series_instance_uid,
        instance_uid=where.sop_instance_uid or "",
        kind=kind,
        study_uid=str(header.get("StudyInstanceUID", "")) if header is not None else "",
        sop_class_uid=str(header.get("SOPClassUID", ""))
        if header is not None and where.sop_instance_uid
        else "",
        frame=frame,
        shape=shape,
        # the viewer puts pixel centres on integers; DICOM SCOORD puts the first pixel's centre at 0.5
        points=tuple((c + 0.5, r + 0.5) for c, r in measurement.points_px) if where.sop_instance_uid else (),
        location=where.text_fr(),
        statistics=tuple(statistics),
    )


def measurement_report_for(
    ws: Workstation, case: ReadingCase, report: Report, when: datetime | None = None
) -> MeasurementDocument:
    """The SR of the report's measurements, with UIDs stable for this report version and values
    (signing again after a failure stores the same object)."""
    seed = [report.document_id, *(words.measurement_text(m) for m in report.measurements)]
    evidence = [ds for _, ds in case.scan.items if ds is not None]
    author = author_of(ws)
    site = report.participants.custodian
    # the SR's verifying organisation: the radiologist's own (settings), else the imaging site
    organisation = author.organization.name if author.organization else (site.name if site else "")
    return build_measurement_report(
        report.measurements,
        evidence,
        author,
        organisation=organisation,
        when=when,
        sop_instance_uid=generate_uid(entropy_srcs=["sr-instance", *seed]),
        series_uid=generate_uid(entropy_srcs=["sr-series", *seed]),
    )


def store_measurement_report(ws: Workstation, document: MeasurementDocument) -> str:
    """STOW-RS the SR into its study; "" when stored (or already held), else the French reason."""
    try:
        ws.client.dicomweb.store_instances([document.dataset], document.study_uid)
    except PlatformError as exc:
        try:
            found = ws.client.dicomweb.client.search_for_instances(
                document.study_uid,
                search_filters={"SOPInstanceUID": document.sop_instance_uid, "SOPClassUID": COMPREHENSIVE_SR},
            )
            if found:
                log.info("measurement SR %s already stored", document.sop_instance_uid)
                return ""
        except Exception:  # the check is a courtesy: the store failure is what the user hears
            log.debug("measurement SR lookup failed", exc_info=True)
        log.warning("measurement SR %s not stored: %s", document.sop_instance_uid, exc)
        return QT_TRANSLATE_NOOP(
            "Measurements",
            "Rapport de mesures DICOM non enregistré sur la plateforme ({reason}) : les mesures restent "
            "dans le compte rendu.",
        ).format(reason=getattr(exc, "user_message", "") or str(exc))
    log.info("measurement SR %s stored into study %s", document.sop_instance_uid, document.study_uid)
    return ""


def with_measurement_report(
    ws: Workstation, case: ReadingCase, report: Report, now: datetime | None = None
) -> tuple[Report, str]:
    """Store the SR of the report's measurements (when it has any) and cite it in the report's
    catalogue; the report unchanged and the French reason when it could not be stored."""
    if not report.measurements:
        return report, ""
    complete_study(case)  # a streamed study: the SR cites instances of all its images
    try:
        document = measurement_report_for(ws, case, report, now)
    except MeasurementReportError as exc:
        log.error("measurement SR not built: %s", exc)
        return report, QT_TRANSLATE_NOOP(
            "Measurements",
            "Rapport de mesures DICOM non créé : aucune mesure faite sur une image de l'examen.",
        )
    for reason in document.left_out:
        log.info("measurement left out of the SR: %s", reason)
    problem = store_measurement_report(ws, document)
    if problem:
        return report, problem
    return replace(report, images=_cited(report.images, document)), ""


def _cited(images: Sequence[ImageReference], document: MeasurementDocument) -> tuple[ImageReference, ...]:
    held = {i.instance_uid for i in images}
    reference = document.reference()
    return (*images, reference) if reference.instance_uid not in held else tuple(images)
