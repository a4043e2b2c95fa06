"""The voxels MPR and 3D are computed on: the acquired volume when it already is a regular grid of the
patient, else a copy resampled onto the :class:`~viewer.geometry.RegularGrid` of its slices.

A CT acquired with a gantry tilt has its slices sheared along the table; a stack whose spacing changes
(4 mm, then 7 mm) or that misses a slice is not one voxel grid. Spreading such slices evenly from the
first to the last one, as a plain affine does, puts anatomy up to centimetres away from where it is.
Here every slice is placed where its ImagePositionPatient says: shifted in its own plane onto a common
grid (the tilt correction of dcm2niix, linear along the rows), and the planes are interpolated linearly
along the normal at the grid's step. The acquired slices themselves are never changed: the axial views
of the original series keep showing them as they are.

The copy is made once per series, on demand (entering MPR or 3D), plane by plane in float32 of one
plane; a regular untilted stack costs nothing (the acquired array is used as it is).
"""
from __future__ import annotations

import math
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np

from resources.translations import QT_TRANSLATE_NOOP, joined
from viewer.geometry import RegularGrid, decimal_text
from viewer.series import Series


class NotAVolume(ValueError):
    """The series cannot be reformatted; ``message_fr`` says why to the user."""

    def __init__(self, detail: str, message_fr: str) -> None:
        super().__init__(detail)
        self.message_fr = message_fr


@dataclass(frozen=True, slots=True)
class RegularVolume:
    """A series' voxels on its regular grid: ``volume[k, i, j]`` sits at ``grid.index_to_patient()``
    applied to (j, i, k, 1). ``volume`` is the series' own array when ``grid.direct``."""

    series: Series
    grid: RegularGrid
    volume: np.ndarray

    @property
    def rebuilt(self) -> bool:
        return not self.grid.direct


_LOCK = threading.Lock()


def grid_of(series: Series) -> RegularGrid:
    """The series' regular grid, or :class:`NotAVolume` with the reason in French."""
    geometry = series.geometry
    if geometry is None or series.is_colour or series.shape[0] < 2:
        raise NotAVolume("a reformat needs a greyscale stack of several slices with a patient geometry",
                         QT_TRANSLATE_NOOP("NotAVolume",
                                           "il faut une pile de plusieurs coupes en niveaux de gris avec "
                                           "une position et une orientation dans le patient"))
    if geometry.volume is None:
        reason = geometry.volume_refusal or QT_TRANSLATE_NOOP("NotAVolume", "géométrie inutilisable")
        raise NotAVolume(f"no regular grid: {reason}", reason)
    return geometry.volume


def regular_volume(series: Series) -> RegularVolume:
    """The series' :class:`RegularVolume`, built once (kept on the series while it lives)."""
    grid = grid_of(series)
    with _LOCK:
        cached: RegularVolume | None = getattr(series, "_regular_volume", None)
        if cached is None or cached.volume.shape[0] != grid.shape[0]:
            data = series.volume if grid.direct else resample(series.volume, grid, _fill(series))
            cached = RegularVolume(series, grid, data)
            series._regular_volume = cached  # type: ignore[attr-defined]
        return cached


def _fill(series: Series) -> float:
    """Outside the acquired slices: the lowest stored value (air, black), not zero, as dcm2niix does."""
    found = series.stored_range()
    return float(found[0]) if found is not None else 0.0


def resample(volume: np.ndarray, grid: RegularGrid, fill: float, threads: int = 2) -> np.ndarray:
    """The acquired stack (sorted along the normal) on ``grid``, in the volume's dtype.

    Plane ``m`` lies ``m * step`` along the normal: it is the linear blend of the two acquired slices
    around it, each shifted by its fractional row and column offset (bilinear) onto the grid. The planes
    are shared between ``threads`` (numpy releases the GIL on whole planes): ~2 s for 400 tilted
    512² slices on these machines with one thread."""
    planes, rows, columns = grid.shape
    out = np.empty((planes, rows, columns), dtype=volume.dtype)
    bounds = np.linspace(0, planes, max(1, min(threads, planes)) + 1).astype(int)
    if len(bounds) == 2:
        _resample_planes(volume, grid, fill, out, 0, planes)
        return out
    with ThreadPoolExecutor(len(bounds) - 1, thread_name_prefix="resample") as pool:
        for done in [pool.submit(_resample_planes, volume, grid, fill, out, int(a), int(b))
                     for a, b in pairwise(bounds)]:
            done.result()
    return out


def _resample_planes(volume: np.ndarray, grid: RegularGrid, fill: float, out: np.ndarray, first: int,
                     stop: int) -> None:
    """Planes ``first`` to ``stop`` (excluded) of :func:`resample`, written into ``out``."""
    _, rows, columns = grid.shape
    offsets = np.asarray(grid.offsets_mm)
    cache: dict[int, np.ndarray] = {}

    def placed(k: int) -> np.ndarray:
        if k not in cache:
            if len(cache) >= 2:  # planes advance monotonically: two slices are enough
                cache.pop(min(cache))
            cache[k] = _place(volume[k], grid.row_shifts[k], grid.column_shifts[k], rows, columns, fill)
        return cache[k]

    info = np.iinfo(volume.dtype) if volume.dtype.kind in "iu" else None
    for m in range(first, stop):
        where = m * grid.step_mm
        upper = int(np.clip(np.searchsorted(offsets, where - 1e-6), 1, len(offsets) - 1))
        lower = upper - 1
        gap = offsets[upper] - offsets[lower]
        weight = float(np.clip((where - offsets[lower]) / gap, 0.0, 1.0))
        if weight < 1e-6:
            plane = placed(lower)
        elif weight > 1 - 1e-6:
            plane = placed(upper)
        else:
            plane = placed(lower) * np.float32(1 - weight) + placed(upper) * np.float32(weight)
        if info is not None:
            out[m] = np.clip(np.rint(plane), info.min, info.max)
        else:
            out[m] = plane


def _place(image: np.ndarray, row_shift: float, column_shift: float, rows: int, columns: int,
           fill: float) -> np.ndarray:
    """``image`` moved by (row_shift, column_shift) pixels on a (rows, columns) canvas, bilinear, float32.

    Output pixel (r, c) samples the image at (r - row_shift, c - column_shift); beyond the image, ``fill``.
    """
    whole_row, whole_column = math.floor(row_shift), math.floor(column_shift)
    fr, fc = np.float32(row_shift - whole_row), np.float32(column_shift - whole_column)
    canvas = np.full((rows + 1, columns + 1), fill, dtype=np.float32)
    height = min(image.shape[0], rows - whole_row)
    width = min(image.shape[1], columns - whole_column)
    canvas[1 + whole_row:1 + whole_row + height, 1 + whole_column:1 + whole_column + width] = \
        image[:height, :width]
    if fr < 1e-6 and fc < 1e-6:
        return canvas[1:, 1:]
    # canvas[r + 1, c + 1] is the image at (r - whole_row, c - whole_column): step back by the fraction
    here, up = canvas[1:, :], canvas[:-1, :]
    blend = here * (1 - fr) + up * fr if fr >= 1e-6 else here
    return blend[:, 1:] * (1 - fc) + blend[:, :-1] * fc if fc >= 1e-6 else blend[:, 1:]


def mm(value: float, decimals: int = 2) -> str:
    return decimal_text(value, decimals)


def marks(grid: RegularGrid) -> list[str]:
    """What every view derived from the grid must say about it (« rééchantillonné au pas de 2,62 mm »,
    « corrigé de l'inclinaison de 18,5° »); empty when the acquired voxels are used as they are."""
    found: list[str] = []
    if grid.resampled:
        found.append(QT_TRANSLATE_NOOP("VolumeMark", "rééchantillonné au pas de {step} mm")
                     .format(step=mm(grid.step_mm)))
    if grid.shifted:
        if grid.tilt_degrees > 0.1:
            found.append(QT_TRANSLATE_NOOP("VolumeMark", "corrigé de l'inclinaison de {angle}°")
                         .format(angle=mm(grid.tilt_degrees, 1)))
        else:
            found.append(QT_TRANSLATE_NOOP("VolumeMark", "coupes recalées dans leur plan"))
    return found


def mark_text(grid: RegularGrid) -> str:
    """:func:`marks` as one line (empty for a direct grid)."""
    return joined(marks(grid), " — ")


def volume_summary(series: Series) -> dict[str, Any]:
    """Whether MPR and 3D are available for a series and how, JSON-ready (``python -m viewer.inspect``)."""
    try:
        grid = grid_of(series)
    except NotAVolume as refused:
        return {"available": False, "reason": str(refused.message_fr)}
    how = "direct" if grid.direct else "resampled" if grid.resampled else "tilt_corrected"
    return {
        "available": True,
        "how": how,
        "shape": list(grid.shape),
        "step_mm": round(grid.step_mm, 4),
        "pixel_mm": [round(grid.row_mm, 4), round(grid.column_mm, 4)],
        "resampled": grid.resampled,
        "tilt_corrected": grid.shifted,
        "tilt_degrees": round(grid.tilt_degrees, 2),
        "origin_mm": [round(v, 3) for v in grid.origin],
        "axes": [list(grid.row_direction), list(grid.column_direction), list(grid.normal)],
        "note": str(mark_text(grid)),
    }
