"""A series being loaded: fixed description, a preallocated volume filled in the background.

The volume holds stored values in the smallest integer type that fits (int16 for CT), never a float
copy of the whole series: rescale and windowing are applied per displayed slice. Readers on other
threads ask :meth:`Series.is_loaded` or wait on a slice; the loader marks a slice only once its
pixels are fully written.
"""
from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import replace

import numpy as np

from resources.translations import QT_TRANSLATE_NOOP
from viewer.codecs import Lossy
from viewer.geometry import Geometry, SeriesPlan, SeriesWarning, Slice, WarningKind, plan_series
from viewer.headers import FrameInfo, ImageFile, PatientIdentity, PixelSpacing, VoiLut, Window
from viewer.measure import Where
from viewer.plane import PlaneGeometry

PENDING, LOADED, FAILED = 0, 1, 2


class Series:
    def __init__(self, plan: SeriesPlan) -> None:
        self.plan = plan
        # zeros, not empty: pages stay untouched until written (same memory), and a slice that failed
        # to decode shows as uniform background rather than stale memory
        self.volume = np.zeros(plan.shape, dtype=plan.dtype)
        self._state = np.full(len(plan.slices), PENDING, dtype=np.int8)
        self._changed = threading.Condition()
        self._extra_warnings: list[SeriesWarning] = []
        self._decoders: dict[str, set[str]] = {}  # file path -> what read its pixels (for inspect)
        self._rescued: set[int] = set()  # slices the last-resort decoder read
        first = plan.slices[0]
        self._slopes = np.array([s.frame.rescale_slope for s in plan.slices])
        self._intercepts = np.array([s.frame.rescale_intercept for s in plan.slices])
        self.spacing: PixelSpacing = first.frame.spacing

    @classmethod
    def preview(cls, image: ImageFile, frame: FrameInfo, pixels: np.ndarray) -> Series:
        """A one-slice, already loaded series of the loader's preview image: something to show while
        the headers of a large study are still being read."""
        single = replace(image, frames=(frame,))
        series = cls(plan_series([single])[0])
        if pixels.shape != series.volume.shape[1:]:
            raise ValueError(f"preview pixels {pixels.shape} do not fit {series.volume.shape[1:]}")
        series.volume[0] = pixels
        series._settle([0], LOADED)
        return series

    # --- description -------------------------------------------------------------------------------
    @property
    def series_instance_uid(self) -> str:
        return self.plan.series_instance_uid

    @property
    def study_instance_uid(self) -> str:
        return self.plan.first.study_instance_uid

    @property
    def modality(self) -> str:
        return self.plan.first.modality

    @property
    def number(self) -> int | None:
        return self.plan.first.series_number

    @property
    def description(self) -> str:
        return self.plan.first.series_description

    @property
    def label(self) -> str:
        """Short French label for lists: number, description, part when the UID was split."""
        head = f"Série {self.number}" if self.number is not None else "Série"
        text = f"{head} — {self.description}" if self.description else head
        return f"{text} ({self.plan.part}/{self.plan.parts})" if self.plan.parts > 1 else text

    @property
    def patient(self) -> PatientIdentity:
        """Who the headers of the series' first image say it is of."""
        return self.plan.first.patient

    @property
    def frame_of_reference_uid(self) -> str:
        return self.plan.first.frame_of_reference_uid

    @property
    def study_date(self) -> str:
        """Study date as dd/mm/yyyy when the header's DA is well formed, else as written."""
        raw = self.plan.first.study_date
        if len(raw) == 8 and raw.isdigit():
            return f"{raw[6:8]}/{raw[4:6]}/{raw[0:4]}"
        return raw

    @property
    def geometry(self) -> Geometry | None:
        return self.plan.geometry

    @property
    def stack_key(self) -> str:
        """The series UID, and the part of a series split in several stacks (``plan.part``)."""
        uid = self.series_instance_uid or f"sans-uid-{id(self)}"
        return f"{uid}#{self.plan.part}" if self.plan.parts > 1 else uid

    @property
    def version(self) -> int:
        return 0  # an acquired slice renders the same once loaded (``is_loaded`` marks the change)

    def marks(self) -> list[str]:
        return []  # the acquired voxels as they are

    def plane(self, index: int) -> PlaneGeometry:
        """Where the pixels of one slice are (image-plane millimetres for a projection image)."""
        geometry = self.plan.geometry
        if geometry is None:
            return PlaneGeometry((0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0),
                                 self.spacing.row_mm, self.spacing.column_mm, spatial=False)
        return PlaneGeometry(geometry.positions[index], geometry.row_direction, geometry.column_direction,
                             geometry.row_mm, geometry.column_mm)

    def where(self, index: int) -> Where:
        """The image a measurement on this slice refers to."""
        return Where(self.series_instance_uid, self.number, self.instance_uid(index),
                     self.image_number(index))

    def instance_uid(self, index: int) -> str:
        return self.plan.slices[index].file.sop_instance_uid

    def image_number(self, index: int) -> int:
        """The number a radiologist quotes: Instance Number (frame number for multi-frame), else rank."""
        slice_ = self.plan.slices[index]
        if slice_.file.source.number_of_frames > 1:
            return slice_.frame.index + 1
        number = slice_.file.instance_number
        return number if number is not None else index + 1

    def slice_thickness(self, index: int) -> float | None:
        return self.plan.slices[index].frame.slice_thickness

    def position_along_normal(self, index: int) -> float | None:
        """The slice's place along its normal (mm), what scanners print as the slice location."""
        geometry = self.plan.geometry
        if geometry is None:
            return None
        return float(np.dot(geometry.positions[index], geometry.normal))

    @property
    def slices(self) -> tuple[Slice, ...]:
        return self.plan.slices

    @property
    def shape(self) -> tuple[int, ...]:
        return self.volume.shape

    @property
    def is_colour(self) -> bool:
        return self.volume.ndim == 4

    @property
    def photometric(self) -> str:
        return "RGB" if self.is_colour else self.plan.first.fmt.photometric

    @property
    def transfer_syntaxes(self) -> tuple[str, ...]:
        return tuple(sorted({s.file.source.transfer_syntax for s in self.plan.slices}))

    @property
    def lossy(self) -> bool:
        return any(s.file.lossy.state is not Lossy.NO for s in self.plan.slices)

    @property
    def warnings(self) -> tuple[SeriesWarning, ...]:
        return self.plan.warnings + tuple(self._extra_warnings)

    def rescale(self, index: int) -> tuple[float, float]:
        """(slope, intercept) of the Modality LUT of one slice; they may vary along the series."""
        return float(self._slopes[index]), float(self._intercepts[index])

    def windows(self, index: int) -> tuple[Window, ...]:
        return self.plan.slices[index].frame.windows

    def voi_function(self, index: int) -> str:
        return self.plan.slices[index].frame.voi_function

    def voi_luts(self, index: int) -> tuple[VoiLut, ...]:
        return self.plan.slices[index].file.voi_luts

    def inverted_by_header(self, index: int) -> bool:
        """MONOCHROME1, or an INVERSE presentation LUT shape: minimum stored value shows white."""
        file = self.plan.slices[index].file
        return (file.fmt.photometric == "MONOCHROME1") != (file.presentation_lut_shape == "INVERSE")

    # --- loading state -----------------------------------------------------------------------------
    def is_loaded(self, index: int) -> bool:
        return bool(self._state[index] == LOADED)

    def is_failed(self, index: int) -> bool:
        return bool(self._state[index] == FAILED)

    @property
    def loaded_count(self) -> int:
        return int(np.count_nonzero(self._state == LOADED))

    @property
    def failed_indices(self) -> tuple[int, ...]:
        return tuple(int(i) for i in np.flatnonzero(self._state == FAILED))

    @property
    def complete(self) -> bool:
        """Every slice either loaded or failed: nothing more will arrive."""
        return bool(np.all(self._state != PENDING))

    def wait(self, index: int | None = None, timeout: float | None = None) -> bool:
        """Block until one slice (or, with None, every slice) is settled; True if it happened."""
        def settled() -> bool:
            return self.complete if index is None else bool(self._state[index] != PENDING)

        with self._changed:
            return self._changed.wait_for(settled, timeout)

    def _settle(self, indices: Iterable[int], state: int) -> None:
        with self._changed:
            for index in indices:
                self._state[index] = state
            self._changed.notify_all()

    def _note_decoder(self, path: str, decoder: str) -> None:
        self._decoders.setdefault(path, set()).add(decoder)

    @property
    def decoders(self) -> dict[str, str]:
        """Which decoder read each file's pixels (a last-resort one is named when it had to step in)."""
        return {path: " + ".join(sorted(names)) for path, names in self._decoders.items()}

    def _add_warning(self, warning: SeriesWarning) -> None:
        self._extra_warnings.append(warning)

    # --- values ------------------------------------------------------------------------------------
    def stored_range(self) -> tuple[int, int] | None:
        """Min and max stored value over the loaded slices, None before any slice is loaded."""
        loaded = np.flatnonzero(self._state == LOADED)
        if not len(loaded):
            return None
        if len(loaded) == len(self._state):
            return int(self.volume.min()), int(self.volume.max())
        lows = [int(self.volume[k].min()) for k in loaded]
        highs = [int(self.volume[k].max()) for k in loaded]
        return min(lows), max(highs)

    def rescaled_range(self) -> tuple[float, float] | None:
        """Min and max after the Modality LUT (HU for CT), per slice when the rescale varies."""
        loaded = np.flatnonzero(self._state == LOADED)
        if not len(loaded) or self.is_colour:
            return None
        slopes, intercepts = self._slopes[loaded], self._intercepts[loaded]
        if np.all(slopes == slopes[0]) and np.all(intercepts == intercepts[0]):
            low, high = self.stored_range()  # type: ignore[misc]
            ends = (low * slopes[0] + intercepts[0], high * slopes[0] + intercepts[0])
            return float(min(ends)), float(max(ends))
        values = []
        for k, slope, intercept in zip(loaded, slopes, intercepts, strict=True):
            values.append(float(self.volume[k].min()) * slope + intercept)
            values.append(float(self.volume[k].max()) * slope + intercept)
        return min(values), max(values)

    def rescaled_slice(self, index: int) -> np.ndarray:
        """One slice in Modality LUT units as float32 (for measurements); one slice, never the series."""
        slope, intercept = self.rescale(index)
        out = self.volume[index].astype(np.float32)
        if slope != 1.0:
            out *= np.float32(slope)
        if intercept != 0.0:
            out += np.float32(intercept)
        return out

    def _note_rescued(self, index: int) -> None:
        self._rescued.add(index)

    def _note_failures(self) -> None:
        if self._rescued:  # gdcm reads damaged data without complaint: the reader must look twice
            rescued = sorted(self._rescued)
            self._add_warning(SeriesWarning(
                WarningKind.DECODE_FAILED,
                QT_TRANSLATE_NOOP("SeriesWarning", "{count} coupe(s) lue(s) par le décodeur de secours "
                                  "(python-gdcm) après l'échec du décodeur habituel : données peut-être "
                                  "endommagées, vérifier leur aspect : {slices}.")
                .format(count=len(rescued), slices=", ".join(str(k + 1) for k in rescued[:10])
                        + ("..." if len(rescued) > 10 else "")),
            ))
        failed = self.failed_indices
        if failed:
            self._add_warning(SeriesWarning(
                WarningKind.DECODE_FAILED,
                QT_TRANSLATE_NOOP("SeriesWarning", "{count} coupe(s) sur {total} n'ont pas pu être décodées "
                                  "(affichées vides) : {slices}.")
                .format(count=len(failed), total=len(self._state),
                        slices=", ".join(str(k + 1) for k in failed[:10]) + ("..." if len(failed) > 10
                                                                                else "")),
            ))
