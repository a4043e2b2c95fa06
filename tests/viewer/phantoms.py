"""Geometric phantoms written as real CT DICOM files: a sphere and three rods of known size at known places,
scanned as a gantry-tilted, unevenly spaced, gapped or reversed stack.

The phantom is defined in millimetres of the patient (LPS) and each pixel of each slice is the phantom
sampled where that pixel truly is (its slice's ImagePositionPatient and ImageOrientationPatient), with a
2 mm soft edge so that interpolation has something smooth to work on. The objects sit along the axes
of the acquisition (the rows, the columns and the normal of the tilted plane), so that every rod lies
whole in one MPR plane and its length can be read there as a radiologist would.

Everything a test needs to check a length against the truth is in :class:`Phantom` (patient mm).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pydicom.uid import generate_uid

from tests.viewer.factories import make_slice

BACKGROUND_HU, SPHERE_HU, ROD_HU = 0.0, 1000.0, 800.0
INTERCEPT = -1024.0
EDGE_MM = 2.0


@dataclass(frozen=True)
class Rod:
    """A cylinder from ``start`` to ``end`` (patient mm) of ``radius`` mm."""

    start: np.ndarray
    end: np.ndarray
    radius: float

    @property
    def length(self) -> float:
        return float(np.linalg.norm(self.end - self.start))


@dataclass(frozen=True)
class Phantom:
    """Where the objects truly are (patient mm) and how the stack was acquired."""

    row: np.ndarray  # ImageOrientationPatient, rows
    column: np.ndarray  # ImageOrientationPatient, columns
    centre: np.ndarray
    sphere_centre: np.ndarray
    sphere_radius: float
    rods: dict[str, Rod]  # "normal", "row", "column": the acquisition axis each rod runs along
    positions: list[np.ndarray] = field(default_factory=list)  # ImagePositionPatient of every slice
    pixel_mm: float = 1.0
    size: int = 80

    @property
    def normal(self) -> np.ndarray:
        return np.cross(self.row, self.column)

    @property
    def largest_gap(self) -> float:
        along = sorted(float(np.dot(p, self.normal)) for p in self.positions)
        return float(np.max(np.diff(along)))

    def values(self, points: np.ndarray) -> np.ndarray:
        """HU of the phantom at (..., 3) patient points, soft-edged over EDGE_MM."""
        hu = np.full(points.shape[:-1], BACKGROUND_HU)
        distance = np.linalg.norm(points - self.sphere_centre, axis=-1) - self.sphere_radius
        hu = np.maximum(hu, SPHERE_HU * _inside(distance))
        for rod in self.rods.values():
            axis = (rod.end - rod.start) / rod.length
            along = (points - rod.start) @ axis
            radial = np.linalg.norm(points - rod.start - along[..., None] * axis, axis=-1)
            outside = np.maximum(radial - rod.radius, np.maximum(-along, along - rod.length))
            hu = np.maximum(hu, ROD_HU * _inside(outside))
        return hu


def _inside(distance: np.ndarray) -> np.ndarray:
    return np.clip(0.5 - distance / EDGE_MM, 0.0, 1.0)


def tilted_axes(tilt_degrees: float, reversed_normal: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of a head CT tilted by the gantry: the columns leave the horizontal by the tilt,
    as GE writes it (1 0 0 / 0 cos -sin). ``reversed_normal``: rows towards the patient's right, so the
    normal points to the feet and the slices are stored the other way round."""
    t = math.radians(tilt_degrees)
    row = np.array([-1.0 if reversed_normal else 1.0, 0.0, 0.0])
    column = np.array([0.0, math.cos(t), -math.sin(t)])
    return row, column


def make_phantom(tilt_degrees: float, reversed_normal: bool = False, centre_z: float = 40.0) -> Phantom:
    """The objects placed along the acquisition's axes around (0, 0, ``centre_z``)."""
    row, column = tilted_axes(tilt_degrees, reversed_normal)
    normal = np.cross(row, column)
    centre = np.array([0.0, 0.0, centre_z])

    def at(a: float, b: float, e: float) -> np.ndarray:
        return centre + a * row + b * column + e * normal

    rods = {
        "normal": Rod(at(-14.0, 8.0, -18.3), at(-14.0, 8.0, 19.6), 2.5),  # 37.9 mm along the normal
        "row": Rod(at(-21.7, -20.0, -6.0), at(24.2, -20.0, -6.0), 2.5),  # 45.9 mm along the rows
        "column": Rod(at(25.0, -19.4, 10.0), at(25.0, 16.3, 10.0), 2.5),  # 35.7 mm along the columns
    }
    return Phantom(row, column, centre, at(8.0, -6.0, 3.0), 7.0, rods)


def write_phantom(folder: Path, phantom: Phantom, table_z: Sequence[float], *, reverse_files: bool = False,
                  tilt_tag: float | None = None, series_number: int = 5) -> list[Path]:
    """One file per table position (mm along z, the bed's axis, as a tilted CT moves): the slice plane is
    the phantom's tilted plane through (0, 0, z). Instance numbers follow ``table_z``'s order (reversed
    with ``reverse_files``); file names are shuffled."""
    folder.mkdir(parents=True, exist_ok=True)
    size, pixel = phantom.size, phantom.pixel_mm
    half = (size - 1) / 2 * pixel
    series_uid, study_uid = generate_uid(), generate_uid()
    i, j = np.mgrid[0:size, 0:size].astype(np.float64)
    rng = np.random.default_rng(11)
    names = rng.permutation(len(table_z))
    paths = []
    order = list(range(len(table_z)))
    if reverse_files:
        order.reverse()
    for rank, k in enumerate(order):
        # the slice through the point (0, 0, z) of the table's axis, in the tilted plane
        position = np.array([0.0, 0.0, float(table_z[k])]) - half * phantom.row - half * phantom.column
        phantom.positions.append(position)
        points = (position + (j * pixel)[..., None] * phantom.row + (i * pixel)[..., None] * phantom.column)
        stored = np.rint(phantom.values(points) - INTERCEPT).astype(np.uint16)
        extra: dict[str, object] = {"SeriesNumber": series_number, "SliceThickness": "2"}
        if tilt_tag is not None:
            extra["GantryDetectorTilt"] = f"{tilt_tag:g}"
        ds = make_slice(position=position, orientation=(*phantom.row, *phantom.column), pixels=stored,
                        series_uid=series_uid, study_uid=study_uid, instance=rank + 1,
                        spacing=(pixel, pixel), intercept=INTERCEPT, extra=extra)
        path = folder / f"CT{int(names[k]):04d}.dcm"
        ds.save_as(path, enforce_file_format=True)
        paths.append(path)
    return paths


def regular_table(phantom: Phantom, step: float, skip: Sequence[int] = ()) -> list[float]:
    """Table positions every ``step`` mm covering the phantom (the tilt lengthens the run), minus ``skip``."""
    tilt = math.acos(abs(float(phantom.normal[2])))
    reach = 26.0 / math.cos(tilt) + 2 * step
    count = int(2 * reach / step) + 1
    z0 = float(phantom.centre[2]) - reach
    return [z0 + k * step for k in range(count) if k not in skip]


def uneven_table(phantom: Phantom) -> list[float]:
    """2 mm, one 1.1 mm step, then 3.5 mm: the spacing changes as on the GE head CT of dcm_qa_ct."""
    tilt = math.acos(abs(float(phantom.normal[2])))
    reach = 26.0 / math.cos(tilt) + 4.0
    z = [float(phantom.centre[2]) - reach]
    while z[-1] < phantom.centre[2] - 2.0:
        z.append(z[-1] + 2.0)
    z.append(z[-1] + 1.1)
    while z[-1] < phantom.centre[2] + reach:
        z.append(z[-1] + 3.5)
    return z
