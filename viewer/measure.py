"""Measurements as model objects: computed in patient millimetres, handed to the report as they are.

Every point is kept twice: in image pixels of the plane it was drawn on (to draw and edit it) and in
patient mm through the plane's :class:`~viewer.plane.PlaneGeometry`. Lengths and angles are computed
from the millimetre points, so rectangular pixels and reformatted planes need no special case.

ROI statistics use the pixels whose centre lies inside the drawn shape, in Modality LUT units (HU for
CT), in float64 so that the SD of a large ROI does not drift; the area is the drawn shape's exact area
in mm² (the pixel count is kept beside it). Only the ROI's bounding box is ever copied.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from viewer.plane import PlaneGeometry

Point = tuple[float, float]


class MeasureKind(Enum):
    LENGTH = "longueur"
    ANGLE = "angle"
    COBB = "cobb"
    ELLIPSE = "ellipse"
    RECTANGLE = "rectangle"
    FREEHAND = "main_levee"

    @property
    def points_needed(self) -> int | None:
        """Points that complete the shape (None: any number, at least 3)."""
        return {MeasureKind.LENGTH: 2, MeasureKind.ANGLE: 3, MeasureKind.COBB: 4,
                MeasureKind.ELLIPSE: 2, MeasureKind.RECTANGLE: 2, MeasureKind.FREEHAND: None}[self]

    @property
    def is_roi(self) -> bool:
        return self in (MeasureKind.ELLIPSE, MeasureKind.RECTANGLE, MeasureKind.FREEHAND)


_TITLES = {MeasureKind.LENGTH: "Longueur", MeasureKind.ANGLE: "Angle", MeasureKind.COBB: "Angle de Cobb",
           MeasureKind.ELLIPSE: "ROI ellipse", MeasureKind.RECTANGLE: "ROI rectangle",
           MeasureKind.FREEHAND: "ROI main levée"}


@dataclass(frozen=True, slots=True)
class RoiStats:
    mean: float
    sd: float  # population SD of the pixels (ddof 0), as Weasis and OsiriX report it
    minimum: float
    maximum: float
    area_mm2: float
    pixels: int


@dataclass(frozen=True, slots=True)
class Where:
    """Which image a measurement was made on, in the words of the report."""

    series_instance_uid: str
    series_number: int | None
    sop_instance_uid: str | None  # None on a reformatted plane
    image_number: int | None
    plane: str | None = None  # "reconstruction coronale" on an MPR plane

    def text_fr(self) -> str:
        series = f"série {self.series_number}" if self.series_number is not None else "série"
        if self.plane:
            return f"{series}, {self.plane}"
        return f"{series}, image {self.image_number}" if self.image_number is not None else series


@dataclass(frozen=True, slots=True)
class Measurement:
    kind: MeasureKind
    value: float  # mm for a length, degrees for an angle, mm² for a ROI
    unit: str  # "mm", "°", "mm²"
    where: Where
    points_px: tuple[Point, ...]  # (column, row) on the plane it was drawn on
    points_mm: tuple[tuple[float, float, float], ...]  # patient coordinates (LPS, mm)
    stats: RoiStats | None = None
    value_unit: str = "UH"  # unit of the ROI statistics
    slice_index: int = 0
    calibrated: bool = True  # False: pixel spacing unknown, the "mm" are pixels
    extra: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def series_instance_uid(self) -> str:
        return self.where.series_instance_uid

    @property
    def sop_instance_uid(self) -> str | None:
        return self.where.sop_instance_uid

    def short_text(self) -> str:
        """The label drawn beside the shape."""
        if self.stats is None:
            return f"{_num(self.value)} {self.unit if self.calibrated else 'px'}"
        s, u = self.stats, self.value_unit
        return (f"Moy. {_num(s.mean)} {u}  ÉT {_num(s.sd)}\n"
                f"Min {_num(s.minimum, 0)}  Max {_num(s.maximum, 0)}\n"
                f"Surf. {_num(s.area_mm2, 1)} {'mm²' if self.calibrated else 'px²'}")

    def text_fr(self) -> str:
        """One sentence for the report, e.g. « Longueur : 23,4 mm (série 3, image 45) »."""
        where = self.where.text_fr()
        title = _TITLES[self.kind]
        if self.stats is None:
            unit = self.unit if self.calibrated else "pixels (espacement inconnu)"
            sep = "" if unit == "°" else " "
            return f"{title} : {_num(self.value)}{sep}{unit} ({where})"
        s, u = self.stats, self.value_unit
        area_unit = "mm²" if self.calibrated else "pixels²"
        return (f"{title} : moyenne {_num(s.mean)} {u}, écart-type {_num(s.sd)} {u}, "
                f"min {_num(s.minimum)} {u}, max {_num(s.maximum)} {u}, "
                f"surface {_num(s.area_mm2)} {area_unit} ({where})")


def _num(value: float, decimals: int = 1) -> str:
    return f"{value:.{decimals}f}".replace(".", ",").replace("-", "−")


# --- geometry --------------------------------------------------------------------------------------------
def length_mm(points_mm: np.ndarray) -> float:
    return float(np.linalg.norm(points_mm[1] - points_mm[0]))


def angle_degrees(points_mm: np.ndarray) -> float:
    """Angle at the middle point (0-180°)."""
    a, b = points_mm[0] - points_mm[1], points_mm[2] - points_mm[1]
    return _between(a, b)


def cobb_degrees(points_mm: np.ndarray) -> float:
    """Angle between the line (p0, p1) and the line (p2, p3), 0-90° (the acute one, as Cobb is read)."""
    angle = _between(points_mm[1] - points_mm[0], points_mm[3] - points_mm[2])
    return min(angle, 180.0 - angle)


def _between(a: np.ndarray, b: np.ndarray) -> float:
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    if na == 0.0 or nb == 0.0:
        return 0.0
    return math.degrees(math.acos(float(np.clip(np.dot(a, b) / (na * nb), -1.0, 1.0))))


def roi_mask(kind: MeasureKind, points_px: Sequence[Point], shape: tuple[int, int]
             ) -> tuple[tuple[slice, slice], np.ndarray]:
    """(bounding-box slices, boolean mask within it) of the pixels whose centre is inside the shape."""
    pts = np.asarray(points_px, dtype=np.float64)
    rows, columns = shape
    c0, r0 = max(math.floor(pts[:, 0].min()), 0), max(math.floor(pts[:, 1].min()), 0)
    c1 = min(math.ceil(pts[:, 0].max()) + 1, columns)
    r1 = min(math.ceil(pts[:, 1].max()) + 1, rows)
    box = (slice(r0, max(r1, r0)), slice(c0, max(c1, c0)))
    rr, cc = np.mgrid[r0:max(r1, r0), c0:max(c1, c0)]
    if kind is MeasureKind.RECTANGLE:
        (xa, ya), (xb, yb) = pts[0], pts[1]
        mask = ((cc >= min(xa, xb)) & (cc <= max(xa, xb)) & (rr >= min(ya, yb)) & (rr <= max(ya, yb)))
    elif kind is MeasureKind.ELLIPSE:
        (xa, ya), (xb, yb) = pts[0], pts[1]
        cx, cy, ax, ay = (xa + xb) / 2, (ya + yb) / 2, abs(xb - xa) / 2, abs(yb - ya) / 2
        if ax == 0 or ay == 0:
            mask = np.zeros(rr.shape, dtype=bool)
        else:
            mask = ((cc - cx) / ax) ** 2 + ((rr - cy) / ay) ** 2 <= 1.0
    else:
        mask = _inside_polygon(pts, cc, rr)
    return box, mask


def _inside_polygon(polygon: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Even-odd rule, vectorised over the pixels and looped over the edges (a freehand outline has a
    few hundred at most): no plotting or geometry library needed for one test."""
    inside = np.zeros(x.shape, dtype=bool)
    xs, ys = polygon[:, 0], polygon[:, 1]
    for k in range(len(polygon)):
        x0, y0, x1, y1 = xs[k - 1], ys[k - 1], xs[k], ys[k]
        if y0 == y1:
            continue
        crosses = (y0 > y) != (y1 > y)
        x_cross = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
        inside ^= crosses & (x < x_cross)
    return inside


def shape_area_px(kind: MeasureKind, points_px: Sequence[Point]) -> float:
    """Exact area of the drawn shape in square pixels (pixel axes are orthogonal: ×column_mm×row_mm)."""
    pts = np.asarray(points_px, dtype=np.float64)
    if kind in (MeasureKind.RECTANGLE, MeasureKind.ELLIPSE):
        w, h = abs(pts[1, 0] - pts[0, 0]), abs(pts[1, 1] - pts[0, 1])
        return w * h if kind is MeasureKind.RECTANGLE else math.pi * w * h / 4.0
    x, y = pts[:, 0], pts[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def roi_stats(kind: MeasureKind, points_px: Sequence[Point], values: np.ndarray,
              plane: PlaneGeometry) -> RoiStats:
    """Statistics of ``values`` (one slice in Modality LUT units) inside the shape."""
    box, mask = roi_mask(kind, points_px, values.shape[:2])
    inside = np.asarray(values[box], dtype=np.float64)[mask]
    area = shape_area_px(kind, points_px) * plane.row_mm * plane.column_mm
    if inside.size == 0:
        return RoiStats(math.nan, math.nan, math.nan, math.nan, area, 0)
    return RoiStats(float(inside.mean()), float(inside.std()), float(inside.min()), float(inside.max()),
                    area, int(inside.size))


def measure(kind: MeasureKind, points_px: Sequence[Point], plane: PlaneGeometry, where: Where, *,
            values: np.ndarray | None = None, value_unit: str = "UH", slice_index: int = 0,
            calibrated: bool = True) -> Measurement:
    """Build the measurement of a completed shape; ``values`` (Modality LUT units) is needed for a ROI."""
    points = tuple((float(c), float(r)) for c, r in points_px)
    mm = plane.to_patient(points)
    stats = None
    if kind is MeasureKind.LENGTH:
        value, unit = length_mm(mm), "mm"
    elif kind is MeasureKind.ANGLE:
        value, unit = angle_degrees(mm), "°"
    elif kind is MeasureKind.COBB:
        value, unit = cobb_degrees(mm), "°"
    else:
        if values is None:
            raise ValueError("a ROI needs the pixel values of its slice")
        stats = roi_stats(kind, points, values, plane)
        value, unit = stats.area_mm2, "mm²"
    patient = tuple((float(p[0]), float(p[1]), float(p[2])) for p in mm)
    return Measurement(kind, value, unit, where, points, patient,
                       stats, value_unit, slice_index, calibrated)
