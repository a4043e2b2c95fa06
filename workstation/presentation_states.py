"""The radiologist's annotations saved as a Grayscale Softcopy Presentation State (GSPS).

Why: the lengths and regions drawn while reading are evidence for the report's numbers; stored as a
GSPS with the study (one per series), any DICOM viewer of the site shows them on the right images,
with the window they were read in. Built with highdicom from the viewer's measurements (image
points, the image they were drawn on) and the study's headers; the viewer reads them back through
:mod:`viewer.presentation` (the round trip is tested).

Only measurements drawn on acquired images are saved: a measurement on a reformatted plane has no
SOP instance to point to (it stays in the report's text).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import highdicom as hd
import numpy as np
from pydicom.dataset import Dataset
from pydicom.uid import generate_uid

from reporting.key_objects import MANUFACTURER, complete_header
from reporting.model import ImageReference, Source
from viewer.measure import MeasureKind, Measurement
from viewer.windowing import WindowLevel

GSPS_SERIES_NUMBER = 9902
LAYER = "MESURES"


@dataclass(frozen=True, slots=True)
class AnnotationState:
    dataset: Dataset
    sop_instance_uid: str
    series_uid: str
    study_uid: str
    annotated_series: str

    def reference(self, modality: str) -> ImageReference:
        return ImageReference(self.study_uid, self.series_uid, self.sop_instance_uid,
                              "1.2.840.10008.5.1.4.1.1.11.1", modality, Source.USER,
                              "Annotations du radiologue (état de présentation)")


def _pixel(points: Sequence[tuple[float, float]]) -> np.ndarray:
    """Viewer image points (pixel centres on integers) to GSPS PIXEL units (corner at 0, 0)."""
    return np.asarray([(c + 0.5, r + 0.5) for c, r in points], dtype=np.float64)


def graphic_objects(measurement: Measurement) -> list[hd.pr.GraphicObject]:
    points = list(measurement.points_px)
    polyline = hd.pr.GraphicTypeValues.POLYLINE
    units = hd.pr.AnnotationUnitsValues.PIXEL
    kind = measurement.kind
    if kind is MeasureKind.COBB and len(points) >= 4:
        return [hd.pr.GraphicObject(polyline, _pixel(points[:2]), units),
                hd.pr.GraphicObject(polyline, _pixel(points[2:4]), units)]
    if kind is MeasureKind.RECTANGLE and len(points) >= 2:
        (xa, ya), (xb, yb) = points[:2]
        corners = [(xa, ya), (xb, ya), (xb, yb), (xa, yb), (xa, ya)]
        return [hd.pr.GraphicObject(polyline, _pixel(corners), units)]
    if kind is MeasureKind.ELLIPSE and len(points) >= 2:
        (xa, ya), (xb, yb) = points[:2]
        cx, cy = (xa + xb) / 2, (ya + yb) / 2
        ends = [(min(xa, xb), cy), (max(xa, xb), cy), (cx, min(ya, yb)), (cx, max(ya, yb))]
        if abs(xb - xa) < abs(yb - ya):  # the major axis first (PS3.3 C.10.5.2)
            ends = ends[2:] + ends[:2]
        return [hd.pr.GraphicObject(hd.pr.GraphicTypeValues.ELLIPSE, _pixel(ends), units)]
    if kind is MeasureKind.FREEHAND and len(points) >= 3:
        return [hd.pr.GraphicObject(polyline, _pixel([*points, points[0]]), units)]
    if len(points) >= 2:
        return [hd.pr.GraphicObject(polyline, _pixel(points), units)]
    return []


def build_annotation_states(measurements: Sequence[Measurement], evidence: Sequence[Dataset],
                            author: str, seed: str, windows: dict[str, WindowLevel] | None = None
                            ) -> list[AnnotationState]:
    """One GSPS per annotated series: each measurement's shape and its label on its image, the window
    it was read in when given (``windows`` per SOP Instance UID). UIDs derive from ``seed`` (the
    report version), so signing again stores the same objects."""
    by_uid = {str(ds.get("SOPInstanceUID", "")): ds for ds in evidence}
    per_series: dict[str, list[tuple[Measurement, Dataset]]] = {}
    for measurement in measurements:
        uid = measurement.sop_instance_uid
        ds = by_uid.get(uid or "")
        if ds is None:
            continue  # a reformatted plane, or an image not of this study
        per_series.setdefault(str(ds.SeriesInstanceUID), []).append((measurement, ds))
    layer = hd.pr.GraphicLayer(layer_name=LAYER, order=1, description="Mesures du radiologue")
    states = []
    for series_uid, items in sorted(per_series.items()):
        images: dict[str, Dataset] = {}
        for _, ds in items:
            images.setdefault(str(ds.SOPInstanceUID), complete_header(ds))
        annotations = []
        for uid, image in images.items():
            mine = [m for m, ds in items if str(ds.SOPInstanceUID) == uid]
            objects = [g for m in mine for g in graphic_objects(m)]
            texts = [hd.pr.TextObject(m.short_text().replace("\n", " ; "), hd.pr.AnnotationUnitsValues.PIXEL,
                                      anchor_point=tuple(_pixel(m.points_px[-1:])[0]))
                     for m in mine if m.points_px]
            annotations.append(hd.pr.GraphicAnnotation(referenced_images=[image], graphic_layer=layer,
                                                       graphic_objects=objects or None,
                                                       text_objects=texts or None))
        voi = []
        for uid, image in images.items():
            window = (windows or {}).get(uid)
            if window is not None and window.width >= 1:
                voi.append(hd.pr.SoftcopyVOILUTTransformation(
                    window_center=float(window.center), window_width=float(window.width),
                    referenced_images=hd.ReferencedImageSequence([image])))
        sop_uid = generate_uid(entropy_srcs=["gsps-instance", seed, series_uid])
        series = generate_uid(entropy_srcs=["gsps-series", seed])
        gsps = hd.pr.GrayscaleSoftcopyPresentationState(
            referenced_images=list(images.values()), series_instance_uid=series,
            series_number=GSPS_SERIES_NUMBER, sop_instance_uid=sop_uid, instance_number=1,
            manufacturer=MANUFACTURER, manufacturer_model_name="Poste de lecture",
            software_versions="1", device_serial_number="poste", content_label="MESURES",
            content_description="Mesures du radiologue", graphic_layers=[layer],
            graphic_annotations=annotations, voi_lut_transformations=voi or None,
            content_creator_name=author,
        )
        gsps.SpecificCharacterSet = "ISO_IR 192"  # UTF-8: accents of the labels and the author's name
        first = next(iter(images.values()))
        # General Series Laterality (2C): the images' side for a paired organ, empty when unknown
        gsps.Laterality = str(first.get("Laterality", "") or first.get("ImageLaterality", "") or "")
        gsps.SeriesDescription = "Annotations du radiologue"
        states.append(AnnotationState(gsps, str(sop_uid), str(series), str(gsps.StudyInstanceUID),
                                      series_uid))
    return states
