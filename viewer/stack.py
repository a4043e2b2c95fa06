"""What a 2D view needs of the stack it shows: :class:`DisplayableStack` (Qt-free).

An acquired :class:`viewer.series.Series` and the MPR planes of :mod:`viewer.mpr` (axial, coronal,
sagittal and oblique reformats) are both shown by the same :class:`viewer.slice_view.SliceView` and
viewport. This protocol is their common contract, so the view asks a stack what it is instead of
probing it with ``getattr`` (issue 18); mypy checks that both kinds fulfil it.
"""
from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np

from viewer.geometry import Geometry
from viewer.headers import PixelSpacing, VoiLut, Window
from viewer.measure import Where
from viewer.plane import PlaneGeometry


@runtime_checkable
class DisplayableStack(Protocol):
    """A stack of 2D images placed in the patient: what is drawn, measured and annotated."""

    @property
    def shape(self) -> tuple[int, ...]:
        """(slices, rows, columns[, samples])."""

    @property
    def volume(self) -> Any:
        """The stored values, indexable by slice (``volume[k]`` is one 2D array)."""

    @property
    def spacing(self) -> PixelSpacing: ...

    @property
    def version(self) -> int:
        """Changes when the same slice index would render differently (an MPR slab)."""

    @property
    def stack_key(self) -> str:
        """Stable identity of the stack within the study (series UID, plus the plane of a reformat):
        what measurements are filed under, so they never depend on a Python object's address."""

    @property
    def is_colour(self) -> bool: ...

    @property
    def modality(self) -> str: ...

    @property
    def lossy(self) -> bool: ...

    @property
    def study_date(self) -> str: ...

    @property
    def series_instance_uid(self) -> str: ...

    @property
    def frame_of_reference_uid(self) -> str: ...

    @property
    def number(self) -> int | None: ...

    @property
    def label(self) -> str: ...

    @property
    def geometry(self) -> Geometry | None:
        """Per-slice positions of an acquired stack; None for a reformat (its planes come from
        :meth:`plane`)."""

    def is_loaded(self, index: int) -> bool: ...

    def is_failed(self, index: int) -> bool: ...

    def rescale(self, index: int) -> tuple[float, float]: ...

    def windows(self, index: int) -> tuple[Window, ...]: ...

    def voi_function(self, index: int) -> str: ...

    def voi_luts(self, index: int) -> tuple[VoiLut, ...]: ...

    def inverted_by_header(self, index: int) -> bool: ...

    def rescaled_range(self) -> tuple[float, float] | None: ...

    def rescaled_slice(self, index: int) -> np.ndarray: ...

    def plane(self, index: int) -> PlaneGeometry: ...

    def where(self, index: int) -> Where: ...

    def slice_thickness(self, index: int) -> float | None: ...

    def position_along_normal(self, index: int) -> float | None: ...

    def marks(self) -> list[str]:
        """What the view must say about how the stack was made (« rééchantillonné… »), else []."""
