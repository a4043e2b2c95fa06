"""Where the pixels of one displayed image are in the patient: the bridge between a 2D view and millimetres.

An acquired slice and a reformatted (MPR) plane are both a grid of pixels on a plane of the patient
coordinate system (LPS, mm). Measurements, orientation letters, the scale bar and synchronised
scrolling all go through :class:`PlaneGeometry`, so a distance drawn on a coronal reformat or on an
image with rectangular pixels is computed in millimetres exactly like one on an axial slice.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from resources.translations import QT_TRANSLATE_NOOP

# Patient axes (DICOM LPS: +x towards the patient's left, +y posterior, +z head) and the French letter
# of each direction: D droite, G gauche, A antérieur, P postérieur, H haut (tête), B bas (pieds).
_LETTERS = ((QT_TRANSLATE_NOOP("Orientation", "D"), QT_TRANSLATE_NOOP("Orientation", "G")),
            (QT_TRANSLATE_NOOP("Orientation", "A"), QT_TRANSLATE_NOOP("Orientation", "P")),
            (QT_TRANSLATE_NOOP("Orientation", "B"), QT_TRANSLATE_NOOP("Orientation", "H")))
# A patient axis contributes its letter when it weighs at least this much in the direction (oblique).
_LETTER_WEIGHT = 0.25


@dataclass(frozen=True, slots=True)
class PlaneGeometry:
    """Pixel (column c, row r) of the image sits at ``origin + c * column_mm * row_direction +
    r * row_mm * column_direction`` (DICOM's convention: PixelSpacing is (between rows, between columns)).

    ``spatial`` is False for images without a patient position (radiographs): the millimetres are then
    measured in the image plane and the origin is arbitrary.
    """

    origin: tuple[float, float, float]
    row_direction: tuple[float, float, float]  # direction of increasing column index
    column_direction: tuple[float, float, float]  # direction of increasing row index
    row_mm: float
    column_mm: float
    spatial: bool = True

    @property
    def normal(self) -> np.ndarray:
        return np.cross(self.row_direction, self.column_direction)

    def to_patient(self, points: Sequence[Sequence[float]] | np.ndarray) -> np.ndarray:
        """(N, 2) image points (column, row) to (N, 3) patient mm."""
        pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        return (np.asarray(self.origin)
                + pts[:, :1] * self.column_mm * np.asarray(self.row_direction)
                + pts[:, 1:2] * self.row_mm * np.asarray(self.column_direction))

    def to_image(self, points: Sequence[Sequence[float]] | np.ndarray) -> np.ndarray:
        """(N, 3) patient mm to (N, 2) image points (column, row) of their projection on the plane."""
        delta = np.asarray(points, dtype=np.float64).reshape(-1, 3) - np.asarray(self.origin)
        return np.stack([delta @ np.asarray(self.row_direction) / self.column_mm,
                         delta @ np.asarray(self.column_direction) / self.row_mm], axis=1)

    def distance_to(self, point: Sequence[float] | np.ndarray) -> float:
        """Signed distance (mm) of a patient point from the plane, along the normal."""
        return float(np.dot(np.subtract(point, self.origin), self.normal))


def orientation_letters(direction: Sequence[float]) -> str:
    """The French letters of a patient direction, strongest first ("G", "HP" for an oblique)."""
    vector = np.asarray(direction, dtype=np.float64)
    norm = float(np.linalg.norm(vector))
    if norm == 0.0:
        return ""
    vector = vector / norm
    letters = []
    for axis in np.argsort(-np.abs(vector)):
        if abs(vector[axis]) >= _LETTER_WEIGHT:
            letters.append(_LETTERS[axis][1 if vector[axis] > 0 else 0])
    return "".join(letters)


def intersection_segment(plane: PlaneGeometry, size: tuple[int, int], other: PlaneGeometry,
                         other_size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray] | None:
    """Where the image ``other`` (rows, columns) cuts the plane of ``plane``: the two ends (patient mm) of
    the segment, clipped to ``other``'s rectangle — a reference line. None when the planes are parallel or
    do not meet within the image."""
    normal = plane.normal
    if abs(float(np.dot(normal, other.normal))) > 0.999:
        return None
    rows, columns = other_size
    corners = other.to_patient([(-0.5, -0.5), (columns - 0.5, -0.5), (columns - 0.5, rows - 0.5),
                                (-0.5, rows - 0.5)])
    distances = (corners - np.asarray(plane.origin)) @ normal
    ends = []
    for k in range(4):
        a, b = corners[k], corners[(k + 1) % 4]
        da, db = distances[k], distances[(k + 1) % 4]
        if da == 0.0:
            ends.append(a)
        if (da < 0.0 < db) or (db < 0.0 < da):
            ends.append(a + (b - a) * (da / (da - db)))
    if len(ends) < 2:
        return None
    return ends[0], ends[1]
