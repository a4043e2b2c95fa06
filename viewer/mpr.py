"""Multiplanar reformats of a loaded series, without a float copy of the volume.

A reformatted plane is computed from the int16 volume as it is: the slab of voxels it needs is a
strided view, reduced (MIP / MinIP / mean) over the slab only, then interpolated linearly along the
slice axis (the only axis whose spacing differs from the in-plane one) to give square pixels. The
memory touched per plane is the plane, never the series: the issue's "memory blowing up on MPR of
large series" is avoided by construction. One exception, by choice: while a MIP / MinIP slab across
the columns (sagittal for an axial acquisition) is shown, a column-first copy of the volume
(:class:`ColumnLayout`, built in the background) makes each plane one contiguous pass instead of a
row-by-row reduction 20-50x slower; it is dropped when the slab is.

Planes follow the display conventions of radiology whatever the acquisition: axial seen from the
feet (patient's left on the right of the screen, anterior up), coronal seen from the front (left on
the right, head up), sagittal seen from the patient's left (anterior on the left, head up).

:class:`ReformatSeries` presents one plane orientation as a stack that :class:`~viewer.slice_view.SliceView`,
the viewport and the measurements use exactly like an acquired series; :func:`oblique_plane`
samples any plane (trilinear), for oblique reformats.

Gantry tilt, uneven spacing, gaps: planes are cut from the series' :class:`~viewer.volume.RegularVolume`,
built from every slice's ImagePositionPatient (the acquired array itself when it is already a regular
grid, a tilt-corrected and resampled copy otherwise), never from the first and last slice alone; each
derived view says so (:meth:`ReformatSeries.marks`).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

import numpy as np

from resources.translations import QT_TRANSLATE_NOOP
from viewer.geometry import plane_name
from viewer.headers import PixelSpacing, SpacingSource, VoiLut, Window
from viewer.measure import Where
from viewer.plane import PlaneGeometry, intersection_segment
from viewer.series import Series
from viewer.volume import NotAVolume, RegularVolume, grid_of, marks, regular_volume

log = logging.getLogger(__name__)

__all__ = ["ColumnLayout", "NotAVolume", "ObliqueSeries", "ReformatSeries", "SlabMode", "VolumeGrid",
           "oblique_plane", "plane_axes", "reformat", "rotated_about"]

# Display conventions: (right, down) patient directions of each plane (LPS).
_CONVENTIONS = {
    "axiale": ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0)),
    "coronale": ((1.0, 0.0, 0.0), (0.0, 0.0, -1.0)),
    "sagittale": ((0.0, 1.0, 0.0), (0.0, 0.0, -1.0)),
}
ORIENTATIONS = ("axiale", "coronale", "sagittale")


class SlabMode(Enum):
    THIN = QT_TRANSLATE_NOOP("SlabMode", "coupe fine")
    MIP = "MIP"
    MINIP = "MinIP"
    MEAN = QT_TRANSLATE_NOOP("SlabMode", "moyenne")


@dataclass(frozen=True, slots=True)
class _Axis:
    volume_axis: int  # 0 = k (slices), 1 = i (rows), 2 = j (columns)
    sign: int  # +1: output index grows with the voxel index
    step: float  # voxels per output pixel
    count: int  # output pixels along this axis


class VolumeGrid:
    """The volume's voxel grid in the patient: (k, i, j) indices to LPS millimetres."""

    def __init__(self, index_to_patient: np.ndarray, shape: Sequence[int]) -> None:
        """``index_to_patient``: 4x4 from (j, i, k, 1) as :meth:`Geometry.index_to_patient` gives it."""
        matrix = np.asarray(index_to_patient, dtype=np.float64)
        # columns reordered to the volume's (k, i, j) axis order
        self.axes = np.stack([matrix[:3, 2], matrix[:3, 1], matrix[:3, 0]], axis=1)  # 3x3
        self.origin = matrix[:3, 3].copy()
        self.shape = tuple(int(n) for n in shape[:3])
        self.spacing_mm = np.linalg.norm(self.axes, axis=0)  # mm per voxel step along k, i, j
        self._inverse = np.linalg.inv(self.axes)

    @classmethod
    def of(cls, series: Series) -> VolumeGrid:
        """The grid of the series' regular volume (:func:`viewer.volume.grid_of`): patient mm, always."""
        grid = grid_of(series)
        return cls(grid.index_to_patient(), grid.shape)

    def to_patient(self, voxel: Sequence[float] | np.ndarray) -> np.ndarray:
        return self.origin + self.axes @ np.asarray(voxel, dtype=np.float64)

    def to_voxel(self, point: Sequence[float] | np.ndarray) -> np.ndarray:
        return self._inverse @ (np.asarray(point, dtype=np.float64) - self.origin)

    def centre(self) -> np.ndarray:
        return self.to_patient((np.asarray(self.shape) - 1) / 2.0)


def plane_axes(grid: VolumeGrid, fixed: int) -> tuple[str, _Axis, _Axis]:
    """Name of the plane normal to volume axis ``fixed`` and its (right, down) output axes."""
    normal = grid.axes[:, fixed]
    others = [a for a in range(3) if a != fixed]
    u, v = (grid.axes[:, a] / grid.spacing_mm[a] for a in others)
    name = plane_name((*u, *v)) if abs(float(np.dot(np.cross(u, v), normal))) > 0 else "oblique"
    right, down = _CONVENTIONS.get(name, (tuple(u), tuple(v)))
    # which in-plane volume axis runs closest to the conventional "right"
    scores = [abs(float(np.dot(grid.axes[:, a], right))) / grid.spacing_mm[a] for a in others]
    right_axis = others[int(np.argmax(scores))]
    down_axis = others[1 - int(np.argmax(scores))]
    # square pixels: in-plane axes keep their sampling, the slice axis is resampled to the finest one
    finest = min(grid.spacing_mm[a] for a in others if a != 0) if 0 in others else None

    def axis(volume_axis: int, wanted: Sequence[float]) -> _Axis:
        sign = 1 if float(np.dot(grid.axes[:, volume_axis], wanted)) >= 0 else -1
        size = grid.shape[volume_axis]
        if volume_axis == 0 and finest is not None:
            step = finest / grid.spacing_mm[0]
            count = int(np.floor((size - 1) / step + 1e-9)) + 1
        else:
            step, count = 1.0, size
        return _Axis(volume_axis, sign, step, count)

    return name, axis(right_axis, right), axis(down_axis, down)


class _PlaneStack:
    """``volume[index]`` of a :class:`ReformatSeries`: computes (and caches) one plane on demand."""

    def __init__(self, owner: ReformatSeries) -> None:
        self.owner = owner
        self._cache: dict[tuple[object, ...], np.ndarray] = {}

    @property
    def dtype(self) -> np.dtype:
        return self.owner.data.volume.dtype

    @property
    def shape(self) -> tuple[int, ...]:
        return self.owner.shape

    def __getitem__(self, index: int) -> np.ndarray:
        key = (int(index), self.owner.slab, self.owner.version)
        plane = self._cache.get(key)
        if plane is None:
            plane = self.owner.compute(int(index))
            if len(self._cache) >= 3:  # the current plane and its neighbours
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = plane
        return plane


class ReformatSeries:
    """One orientation of MPR planes of a series, usable wherever a :class:`Series` is displayed."""

    def __init__(self, source: Series, fixed_axis: int) -> None:
        self.source = source
        self.data: RegularVolume = regular_volume(source)
        self.grid = VolumeGrid(self.data.grid.index_to_patient(), self.data.grid.shape)
        self.fixed = fixed_axis
        self.name, self.right, self.down = plane_axes(self.grid, fixed_axis)
        self.slab: tuple[SlabMode, float] = (SlabMode.THIN, 0.0)
        self.version = 0
        self.volume = _PlaneStack(self)
        self._columns: ColumnLayout | None = None  # while a slab across columns is shown
        mm_right = self.grid.spacing_mm[self.right.volume_axis] * self.right.step
        mm_down = self.grid.spacing_mm[self.down.volume_axis] * self.down.step
        self.spacing = PixelSpacing(mm_down, mm_right, SpacingSource.PATIENT,
                                    "Reconstruction : distances mesurées dans le plan du patient.")
        middle = source.shape[0] // 2
        self._rescale = source.rescale(middle)
        self._reference_slice = middle

    @classmethod
    def orientation(cls, source: Series, name: str) -> ReformatSeries:
        """The stack of ``name`` planes ("axiale", "coronale", "sagittale") of the series."""
        for fixed in range(3):
            candidate = cls(source, fixed)
            if candidate.name == name:
                return candidate
        raise NotAVolume(f"no {name} plane in this stack",
                         QT_TRANSLATE_NOOP("NotAVolume", "pas de plan {plane} dans cette pile")
                         .format(plane=name))

    @classmethod
    def three(cls, source: Series) -> list[ReformatSeries]:
        """Axial, coronal and sagittal stacks; for an oblique acquisition, the three planes of its voxel
        grid (acquired plane first), named by their dominant orientation."""
        stacks = [cls(source, fixed) for fixed in range(3)]
        by_name = {stack.name: stack for stack in stacks}
        if all(name in by_name for name in ORIENTATIONS):
            return [by_name[name] for name in ORIENTATIONS]
        return stacks

    # --- what SliceView and the viewport ask of a series ------------------------------------------
    @property
    def shape(self) -> tuple[int, int, int]:
        return (self.grid.shape[self.fixed], self.down.count, self.right.count)

    @property
    def is_colour(self) -> bool:
        return False

    def is_loaded(self, index: int) -> bool:
        return self.source.complete

    def is_failed(self, index: int) -> bool:
        return False

    def rescale(self, index: int) -> tuple[float, float]:
        return self._rescale

    def windows(self, index: int) -> tuple[Window, ...]:
        return self.source.windows(self._reference_slice)

    def voi_function(self, index: int) -> str:
        return self.source.voi_function(self._reference_slice)

    def voi_luts(self, index: int) -> tuple[VoiLut, ...]:
        return ()

    def inverted_by_header(self, index: int) -> bool:
        return self.source.inverted_by_header(self._reference_slice)

    def rescaled_range(self) -> tuple[float, float] | None:
        return self.source.rescaled_range()

    def rescaled_slice(self, index: int) -> np.ndarray:
        slope, intercept = self._rescale
        return self.volume[index].astype(np.float32) * np.float32(slope) + np.float32(intercept)

    @property
    def modality(self) -> str:
        return self.source.modality

    @property
    def lossy(self) -> bool:
        return self.source.lossy

    @property
    def study_date(self) -> str:
        return self.source.study_date

    @property
    def series_instance_uid(self) -> str:
        return self.source.series_instance_uid

    @property
    def frame_of_reference_uid(self) -> str:
        return self.source.frame_of_reference_uid

    @property
    def geometry(self) -> None:
        """No per-slice acquisition positions: a reformat's planes come from :meth:`plane`."""
        return None

    @property
    def stack_key(self) -> str:
        """The source's key and the plane's name (an oblique plane's name carries its angle)."""
        return f"{self.source.stack_key}/{self.name}"

    @property
    def number(self) -> int | None:
        return self.source.number

    @property
    def label(self) -> str:
        mode, thickness = self.slab
        slab = f" — {mode.value} {thickness:g} mm".replace(".", ",") if mode is not SlabMode.THIN else ""
        return f"{self.source.label} — MPR {self.name}{slab}"

    def where(self, index: int) -> Where:
        return Where(self.series_instance_uid, self.number, None, None,
                     f"reconstruction {self.name}, coupe {index + 1}")

    def slice_thickness(self, index: int) -> float | None:
        """The thickness of the plane shown: the slab's, else for planes parallel to the acquired slices
        the nominal thickness of the nearest slice (never less than the grid's step), else the pixel."""
        mode, thickness = self.slab
        if mode is not SlabMode.THIN:
            return thickness
        step = float(self.grid.spacing_mm[self.fixed])
        if self.fixed != 0:
            return step
        nearest = int(np.argmin(np.abs(np.asarray(self.data.grid.offsets_mm) - index * step)))
        nominal = self.source.slice_thickness(nearest)
        return max(step, nominal) if nominal else step

    def marks(self) -> list[str]:
        """« rééchantillonné au pas de 2,62 mm », « corrigé de l'inclinaison de 18,5° »: what the view
        must show about its grid (empty when the acquired voxels are used as they are)."""
        return marks(self.data.grid)

    def position_along_normal(self, index: int) -> float | None:
        plane = self.plane(index)
        return float(np.dot(plane.origin, plane.normal))

    # --- geometry ----------------------------------------------------------------------------------
    def _voxel_frame(self, index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Voxel coordinates (k, i, j) of pixel (0, 0) of plane ``index`` and of one step right / down."""
        base = np.zeros(3)
        base[self.fixed] = index
        right, down = np.zeros(3), np.zeros(3)
        for axis, vector in ((self.right, right), (self.down, down)):
            vector[axis.volume_axis] = axis.sign * axis.step
            if axis.sign < 0:
                base[axis.volume_axis] = (axis.count - 1) * axis.step
        return base, right, down

    def plane(self, index: int) -> PlaneGeometry:
        base, right, down = self._voxel_frame(index)
        step_right, step_down = self.grid.axes @ right, self.grid.axes @ down
        column_mm, row_mm = float(np.linalg.norm(step_right)), float(np.linalg.norm(step_down))
        return PlaneGeometry(tuple(self.grid.to_patient(base)), tuple(step_right / column_mm),
                             tuple(step_down / row_mm), row_mm, column_mm)

    def index_of(self, point: Sequence[float] | np.ndarray) -> int:
        """The plane nearest to a patient point (crosshair navigation)."""
        voxel = self.grid.to_voxel(point)
        return int(np.clip(round(float(voxel[self.fixed])), 0, self.shape[0] - 1))

    # --- slab and sampling -------------------------------------------------------------------------
    def set_slab(self, mode: SlabMode, thickness_mm: float = 0.0) -> None:
        self.slab = (mode, max(float(thickness_mm), 0.0) if mode is not SlabMode.THIN else 0.0)
        self.version += 1
        # slabs across the volume's columns read a column-first copy, made while they are shown only
        wanted = self.fixed == 2 and mode in _REDUCERS and self.slab[1] > 0
        if wanted and getattr(self, "_columns", None) is None:
            self._columns = ColumnLayout(self.data.volume)
        elif not wanted:
            self._columns = None

    def compute(self, index: int) -> np.ndarray:
        layout: ColumnLayout | None = getattr(self, "_columns", None)
        return reformat(self.data.volume, self.fixed, index, self.right, self.down,
                        self.slab[0], self.slab[1] / float(self.grid.spacing_mm[self.fixed]),
                        layout.ready() if layout is not None else None)


class ObliqueSeries(ReformatSeries):
    """Parallel planes of any orientation through the volume (trilinear, through vtkImageReslice), as a
    stack: ``right`` and ``down`` are the screen directions in the patient (LPS), the planes step along
    their normal by the finest voxel spacing and cover the whole volume."""

    def __init__(self, source: Series, right: Sequence[float] | np.ndarray,
                 down: Sequence[float] | np.ndarray, name: str) -> None:
        self.source = source
        self.data = regular_volume(source)
        self.grid = VolumeGrid(self.data.grid.index_to_patient(), self.data.grid.shape)
        self.fixed = -1
        self.name = name
        u = np.asarray(right, dtype=np.float64)
        u /= np.linalg.norm(u)
        v = np.asarray(down, dtype=np.float64)
        v -= u * float(np.dot(u, v))
        v /= np.linalg.norm(v)
        self.u, self.v, self.n = u, v, np.cross(u, v)
        self.pixel_mm = float(self.grid.spacing_mm.min())
        corners = np.array([self.grid.to_patient((k, i, j))
                            for k in (0, self.grid.shape[0] - 1) for i in (0, self.grid.shape[1] - 1)
                            for j in (0, self.grid.shape[2] - 1)])
        low = np.array([(corners @ axis).min() for axis in (u, v, self.n)])
        high = np.array([(corners @ axis).max() for axis in (u, v, self.n)])
        self._counts = tuple(int(np.floor((high[a] - low[a]) / self.pixel_mm + 1e-9)) + 1 for a in range(3))
        self._base = low[0] * u + low[1] * v + low[2] * self.n  # pixel (0, 0) of plane 0
        self.slab = (SlabMode.THIN, 0.0)
        self.version = 0
        self.volume = _PlaneStack(self)
        self.spacing = PixelSpacing(self.pixel_mm, self.pixel_mm, SpacingSource.PATIENT,
                                    "Reconstruction oblique : distances mesurées dans le plan du patient.")
        middle = source.shape[0] // 2
        self._rescale = source.rescale(middle)
        self._reference_slice = middle
        self._fill = float(self.grid_minimum())

    def grid_minimum(self) -> float:
        """Outside the volume: the lowest stored value of the series (air, black), not zero."""
        found = self.source.stored_range()
        return float(found[0]) if found is not None else 0.0

    @property
    def shape(self) -> tuple[int, int, int]:
        return (self._counts[2], self._counts[1], self._counts[0])

    def slice_thickness(self, index: int) -> float | None:
        mode, thickness = self.slab
        return thickness if mode is not SlabMode.THIN else self.pixel_mm

    def plane(self, index: int) -> PlaneGeometry:
        origin = self._base + index * self.pixel_mm * self.n
        return PlaneGeometry(tuple(origin), tuple(self.u), tuple(self.v), self.pixel_mm, self.pixel_mm)

    def index_of(self, point: Sequence[float] | np.ndarray) -> int:
        offset = float(np.dot(np.asarray(point, dtype=np.float64) - self._base, self.n)) / self.pixel_mm
        return int(np.clip(round(offset), 0, self.shape[0] - 1))

    def compute(self, index: int) -> np.ndarray:
        origin = self._base + index * self.pixel_mm * self.n
        inverse = self.grid._inverse
        v0 = self.grid.to_voxel(origin)
        mode, thickness = self.slab
        planes = max(round(thickness / self.pixel_mm), 1) if mode is not SlabMode.THIN else 1
        plane = _reslice_vtk(self.data.volume, v0, inverse @ (self.u * self.pixel_mm),
                             inverse @ (self.v * self.pixel_mm), self.shape[1:], self._fill, (mode, planes),
                             inverse @ (self.n * self.pixel_mm))
        return np.rint(plane).astype(self.data.volume.dtype)


def rotated_about(vector: Sequence[float] | np.ndarray, axis: Sequence[float] | np.ndarray,
                  degrees: float) -> np.ndarray:
    """``vector`` turned by ``degrees`` about ``axis`` (Rodrigues), for oblique planes."""
    k = np.asarray(axis, dtype=np.float64)
    k /= np.linalg.norm(k)
    v = np.asarray(vector, dtype=np.float64)
    angle = np.radians(degrees)
    return (v * np.cos(angle) + np.cross(k, v) * np.sin(angle)
            + k * float(np.dot(k, v)) * (1 - np.cos(angle)))


_REDUCERS = {SlabMode.MIP: np.maximum, SlabMode.MINIP: np.minimum}
_LAYOUT_COLUMNS = 16  # columns copied at a time while a column layout is built (a few MB)


class ColumnLayout:
    """A copy of a volume with its column axis first, ``columns[j, k, i] == volume[k, i, j]``, built in a
    background thread: a slab across columns (a sagittal MIP) is then whole contiguous planes.

    Why: in the acquired layout a sagittal slab is a few voxels per row along the contiguous axis, which
    numpy reduces row by row (~10-25 ms for 10 mm of a 512x512x500 CT here); from this copy the same
    MIP is one pass over contiguous memory (~0.5 ms, bench viewer). It costs a second copy of the volume
    while a sagittal slab is shown, so :class:`ReformatSeries` makes it only then and drops it after."""

    def __init__(self, volume: np.ndarray) -> None:
        self._volume = volume
        self._done = threading.Event()
        self._columns: np.ndarray | None = None
        self.failed: str | None = None
        threading.Thread(target=self._build, name="mpr-column-layout", daemon=True).start()

    def _build(self) -> None:
        volume = self._volume
        try:
            columns = np.empty((volume.shape[2], volume.shape[0], volume.shape[1]), dtype=volume.dtype)
            for j in range(0, volume.shape[2], _LAYOUT_COLUMNS):  # numpy copies without the GIL
                columns[j:j + _LAYOUT_COLUMNS] = volume[:, :, j:j + _LAYOUT_COLUMNS].transpose(2, 0, 1)
            self._columns = columns
        except MemoryError as exc:  # not enough memory for the copy: the slabs stay on the slow path
            self.failed = f"no memory for a column layout of {volume.nbytes} bytes: {exc}"
            log.warning("%s", self.failed)
        finally:
            self._volume = None  # type: ignore[assignment]
            self._done.set()

    def ready(self) -> np.ndarray | None:
        """The column-first copy once complete, else None (the caller reads the volume as it is)."""
        return self._columns if self._done.is_set() else None

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout) and self._columns is not None


def _sheet(volume: np.ndarray, fixed: int, index: int, mode: SlabMode, slab_voxels: float,
           columns: np.ndarray | None = None) -> np.ndarray:
    """The 2D array of the plane before resampling (remaining axes in volume order), slab reduced;
    ``columns``: the volume's :class:`ColumnLayout` copy, for slabs across columns."""
    count = volume.shape[fixed]
    if mode is SlabMode.THIN or slab_voxels <= 1.0:
        return np.take(volume, index, axis=fixed)  # a strided view for axes 0 and 1
    slices = max(round(slab_voxels), 1)  # an even count reaches one slice further towards the start
    low = max(index - slices // 2, 0)
    high = min(index - slices // 2 + slices - 1, count - 1)
    span = [slice(None)] * 3
    span[fixed] = slice(low, high + 1)
    if fixed == 2 and columns is not None and mode in _REDUCERS:  # exact: same values, same order
        return _REDUCERS[mode].reduce(columns[low:high + 1], axis=0)
    block = volume[tuple(span)]  # a view of the slab only
    if mode in _REDUCERS:
        return _REDUCERS[mode].reduce(block, axis=fixed)
    return block.mean(axis=fixed, dtype=np.float32)


def reformat(volume: np.ndarray, fixed: int, index: int, right: _Axis, down: _Axis,
             mode: SlabMode = SlabMode.THIN, slab_voxels: float = 0.0,
             columns: np.ndarray | None = None) -> np.ndarray:
    """One orthogonal plane: rows along ``down``, columns along ``right``, in the volume's dtype.
    ``columns``: :meth:`ColumnLayout.ready` of the volume, when there is one (faster sagittal slabs)."""
    sheet = _sheet(volume, fixed, index, mode, slab_voxels, columns)
    axes = [a for a in range(3) if a != fixed]  # volume axes of the sheet's two dimensions
    for position, axis in enumerate(axes):
        spec = right if right.volume_axis == axis else down
        if spec.step != 1.0:
            sheet = _resample(sheet, position, spec.step, spec.count)
    if axes[0] == right.volume_axis:  # sheet is (right, down): rows must run down
        sheet = sheet.T
    if down.sign < 0:
        sheet = sheet[::-1]
    if right.sign < 0:
        sheet = sheet[:, ::-1]
    if sheet.dtype == volume.dtype:
        return np.ascontiguousarray(sheet)
    np.rint(sheet, out=sheet)  # interpolated values: a float32 array of this plane only, rounded in place
    out = np.empty(sheet.shape, dtype=volume.dtype)
    np.copyto(out, sheet, casting="unsafe")  # turned, flipped and narrowed in one pass
    return out


def _resample(sheet: np.ndarray, axis: int, step: float, count: int) -> np.ndarray:
    """Linear interpolation along one axis of a 2D array, float32 of the output size only."""
    positions = np.arange(count, dtype=np.float64) * step
    lower = np.minimum(np.floor(positions).astype(np.intp), sheet.shape[axis] - 1)
    upper = np.minimum(lower + 1, sheet.shape[axis] - 1)
    weight = (positions - lower).astype(np.float32)
    shape = [1, 1]
    shape[axis] = count
    a = np.take(sheet, lower, axis=axis)
    out_shape = list(sheet.shape)
    out_shape[axis] = count
    out = np.empty(out_shape, dtype=np.float32)  # the only float array: one plane
    np.subtract(np.take(sheet, upper, axis=axis), a, out=out, dtype=np.float32)
    out *= weight.reshape(shape)
    out += a
    return out


def oblique_plane(volume: np.ndarray, grid: VolumeGrid, centre: Sequence[float], right: Sequence[float],
                  down: Sequence[float], size: tuple[int, int], pixel_mm: float,
                  outside: float | None = None, engine: str = "vtk") -> tuple[np.ndarray, PlaneGeometry]:
    """Any plane through ``centre`` (patient mm) with the given right / down directions, trilinear.

    Returns the plane (float32, ``outside`` or the volume minimum beyond the volume) and its geometry.
    ``engine``: "vtk" (vtkImageReslice on the volume without a copy, multithreaded: ~3x faster here)
    or "numpy" (the reference, row blocks of a few MB)."""
    right_v = np.asarray(right, dtype=np.float64)
    right_v /= np.linalg.norm(right_v)
    down_v = np.asarray(down, dtype=np.float64)
    down_v -= right_v * float(np.dot(down_v, right_v))  # orthogonal in-plane axes
    down_v /= np.linalg.norm(down_v)
    rows, columns = size
    origin = (np.asarray(centre, dtype=np.float64) - right_v * pixel_mm * (columns - 1) / 2
              - down_v * pixel_mm * (rows - 1) / 2)
    v0 = grid.to_voxel(origin)
    vc = grid._inverse @ (right_v * pixel_mm)
    vr = grid._inverse @ (down_v * pixel_mm)
    fill = float(volume.min()) if outside is None else outside
    geometry = PlaneGeometry(tuple(origin), tuple(right_v), tuple(down_v), pixel_mm, pixel_mm)
    if engine == "vtk":
        return _reslice_vtk(volume, v0, vc, vr, size, fill), geometry
    out = np.empty((rows, columns), dtype=np.float32)
    shape = np.asarray(volume.shape[:3])
    flat = volume.reshape(-1)
    strides = np.array([shape[1] * shape[2], shape[2], 1], dtype=np.int64)
    cols = np.arange(columns, dtype=np.float32)
    block = max(1, 65536 // columns)
    for r0 in range(0, rows, block):
        rr = np.arange(r0, min(r0 + block, rows), dtype=np.float32)[:, None]
        coords = [np.float32(v0[a]) + cols[None, :] * np.float32(vc[a]) + rr * np.float32(vr[a])
                  for a in range(3)]
        base = [np.floor(c) for c in coords]
        frac = [c - b for c, b in zip(coords, base, strict=True)]
        idx = [b.astype(np.int64) for b in base]
        valid = np.ones(coords[0].shape, dtype=bool)
        for a in range(3):
            valid &= (coords[a] >= 0) & (coords[a] <= shape[a] - 1)
        acc = np.zeros(coords[0].shape, dtype=np.float32)
        for dk in (0, 1):
            wk = frac[0] if dk else 1 - frac[0]
            k = np.clip(idx[0] + dk, 0, shape[0] - 1) * strides[0]
            for di in (0, 1):
                wi = wk * (frac[1] if di else 1 - frac[1])
                ki = k + np.clip(idx[1] + di, 0, shape[1] - 1) * strides[1]
                for dj in (0, 1):
                    w = wi * (frac[2] if dj else 1 - frac[2])
                    acc += w * flat[ki + np.clip(idx[2] + dj, 0, shape[2] - 1)]
        acc[~valid] = fill
        out[r0:r0 + len(rr)] = acc
    return out, geometry


def _reslice_vtk(volume: np.ndarray, v0: np.ndarray, vc: np.ndarray, vr: np.ndarray, size: tuple[int, int],
                 fill: float, slab: tuple[SlabMode, int] = (SlabMode.THIN, 1),
                 vn: np.ndarray | None = None) -> np.ndarray:
    """vtkImageReslice in voxel units: output pixel (c, r) samples voxel ``v0 + c vc + r vr`` (k, i, j).

    ``slab``: (mode, number of planes) reduced by VTK itself, ``vn`` (voxel units) apart."""
    from vtkmodules.util import numpy_support
    from vtkmodules.vtkCommonDataModel import vtkImageData
    from vtkmodules.vtkCommonMath import vtkMatrix4x4
    from vtkmodules.vtkImagingCore import vtkImageReslice

    image = vtkImageData()
    image.SetDimensions(volume.shape[2], volume.shape[1], volume.shape[0])  # x = j, y = i, z = k
    scalars = numpy_support.numpy_to_vtk(volume.reshape(-1), deep=False)  # no copy
    image.GetPointData().SetScalars(scalars)
    axes = vtkMatrix4x4()
    for row, axis in enumerate((2, 1, 0)):  # VTK x, y, z rows from the voxel (k, i, j) components
        axes.SetElement(row, 0, float(vc[axis]))
        axes.SetElement(row, 1, float(vr[axis]))
        axes.SetElement(row, 3, float(v0[axis]))
    if vn is not None:
        normal = np.array([vn[2], vn[1], vn[0]], dtype=np.float64)
    else:
        normal = np.cross([vc[2], vc[1], vc[0]], [vr[2], vr[1], vr[0]])
        normal /= np.linalg.norm(normal)
    for row in range(3):
        axes.SetElement(row, 2, float(normal[row]))
    reslice = vtkImageReslice()
    reslice.SetInputData(image)
    reslice.SetResliceAxes(axes)
    reslice.SetInterpolationModeToLinear()
    reslice.SetOutputScalarType(10)  # VTK_FLOAT: the interpolated values, unrounded
    reslice.SetOutputDimensionality(2)
    reslice.SetOutputOrigin(0.0, 0.0, 0.0)
    reslice.SetOutputSpacing(1.0, 1.0, 1.0)
    reslice.SetOutputExtent(0, size[1] - 1, 0, size[0] - 1, 0, 0)
    reslice.SetBackgroundLevel(fill)
    mode, planes = slab
    if mode is not SlabMode.THIN and planes > 1:
        {SlabMode.MIP: reslice.SetSlabModeToMax, SlabMode.MINIP: reslice.SetSlabModeToMin,
         SlabMode.MEAN: reslice.SetSlabModeToMean}[mode]()
        reslice.SetSlabNumberOfSlices(int(planes))
    reslice.Update()
    out = numpy_support.vtk_to_numpy(reslice.GetOutput().GetPointData().GetScalars())
    assert scalars is not None  # the wrapped volume stays referenced until VTK is done with it
    # VTK_FLOAT already: no copy (the array keeps VTK's output buffer alive through its base)
    return out.reshape(size)


# --- the MPR views together: crosshair and oblique planes -------------------------------------------
def crosshair_lines(views: Sequence[tuple[PlaneGeometry, tuple[int, int]]]
                    ) -> list[list[tuple[np.ndarray, np.ndarray]]]:
    """For each MPR view (its plane and its (rows, columns)), where the planes of the other views cut
    it (patient mm): the crosshair drawn as lines, oblique planes included."""
    lines: list[list[tuple[np.ndarray, np.ndarray]]] = []
    for k, (plane, size) in enumerate(views):
        mine = []
        for j, (other, other_size) in enumerate(views):
            if j == k:
                continue
            segment = intersection_segment(plane, size, other, other_size)
            if segment is not None:
                mine.append(segment)
        lines.append(mine)
    return lines


def onto_plane(point: Sequence[float] | np.ndarray, plane: PlaneGeometry) -> np.ndarray:
    """``point`` moved along ``plane``'s normal into it: scrolling one MPR view moves the crosshair
    that way only, so the other views keep their planes."""
    point = np.asarray(point, dtype=np.float64)
    return point - plane.distance_to(point) * plane.normal


def oblique_stacks(source: Series, straight: Sequence[ReformatSeries], degrees: float,
                   name: Callable[[str, float], str]) -> list[ReformatSeries]:
    """The MPR stacks with every plane but the first (the axial) turned by ``degrees`` about the first
    plane's normal; ``name(plane, degrees)`` names a turned plane (it ends up in the report)."""
    stacks: list[ReformatSeries] = [straight[0]]
    axis = straight[0].plane(0).normal
    for stack in straight[1:]:
        if degrees == 0.0:
            stacks.append(stack)
            continue
        plane = stack.plane(0)
        stacks.append(ObliqueSeries(source, rotated_about(plane.row_direction, axis, degrees),
                                    rotated_about(plane.column_direction, axis, degrees),
                                    name(stack.name, degrees)))
    return stacks
