"""Linked scrolling between two stacks, possibly of two studies (today's exam and a prior).

Why a model of its own: comparing with a prior is the heart of follow-up reading, and a link that
lands on the wrong level is worse than no link. So the rule is the one OHIF and Weasis follow:

* same Frame of Reference: the two stacks share patient coordinates; the target shows the slice
  nearest to the source slice's position along the source's normal;
* different Frames of Reference (a prior is almost always another acquisition): patient
  coordinates of the two studies cannot be compared directly. The radiologist brings both views
  onto the same landmark, then links: the difference of positions at that moment is kept as an
  offset (mm, along the normal) and applied from then on;
* stacks that are not parallel (an axial and a sagittal) are never linked by position.

Positions are read from every slice's ImagePositionPatient (``Geometry.positions``), never from a
first slice and a spacing, so a stack with a gap or uneven spacing lands right too. When the wanted
position lies outside the target stack (further than half a slice from its nearest slice), the
result says so: the viewport then shows that the prior does not cover this level.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from resources.translations import QT_TRANSLATE_NOOP
from viewer.geometry import Geometry
from viewer.mpr import ReformatSeries
from viewer.plane import intersection_segment
from viewer.stack import DisplayableStack

PARALLEL = 0.95
"""Cosine between the normals above which two stacks are considered parallel (about 18°)."""


class Stack(Protocol):
    """What a link needs of a series (``viewer.series.Series`` is one)."""

    @property
    def geometry(self) -> Geometry | None: ...

    @property
    def frame_of_reference_uid(self) -> str: ...

    def slice_thickness(self, index: int) -> float | None: ...


class NotLinkable(Exception):
    """These two stacks cannot be linked by position; ``message_fr`` says why (for the user)."""

    def __init__(self, detail: str, message_fr: str) -> None:
        super().__init__(detail)
        self.message_fr = message_fr


@dataclass(frozen=True, slots=True)
class Landing:
    """Where a linked target goes: its slice index, and how far (mm) that slice is from the wanted
    position; ``covered`` is False when the target stack does not reach that position."""

    index: int
    distance_mm: float
    covered: bool


def _axis(stack: Stack) -> tuple[np.ndarray, np.ndarray, float]:
    geometry = stack.geometry
    if geometry is None or not geometry.positions:
        raise NotLinkable("stack without patient positions",
                          QT_TRANSLATE_NOOP("Linking", "série sans position dans le patient"))
    normal = np.asarray(geometry.normal, dtype=np.float64)
    return normal, np.asarray(geometry.positions, dtype=np.float64), float(geometry.slice_spacing or 0.0)


def same_frame(a: Stack, b: Stack) -> bool:
    frame = a.frame_of_reference_uid
    return bool(frame) and frame == b.frame_of_reference_uid


def check_parallel(source: Stack, target: Stack) -> None:
    """Raise :class:`NotLinkable` unless both stacks have positions and parallel planes."""
    n_source, _, _ = _axis(source)
    n_target, _, _ = _axis(target)
    if abs(float(np.dot(n_source, n_target))) < PARALLEL:
        raise NotLinkable("stacks not parallel",
                          QT_TRANSLATE_NOOP("Linking", "plans de coupe différents (non parallèles)"))


def position(stack: Stack, index: int, normal: np.ndarray) -> float:
    """The slice's place along ``normal`` (mm, in the stack's own patient coordinates)."""
    _, positions, _ = _axis(stack)
    return float(positions[index] @ normal)


def half_slice(stack: Stack, index: int) -> float:
    """Half the larger of the slice thickness and the spacing: what 'the same level' tolerates."""
    _, _, spacing = _axis(stack)
    thickness = stack.slice_thickness(index) or 0.0
    return max(spacing, thickness) / 2.0


@dataclass(frozen=True, slots=True)
class StackLink:
    """A link from a source stack to a target stack: target point = source point + offset.

    ``offset`` (patient mm, a vector along the normal of the stacks) is zero for a shared Frame of
    Reference, else the one measured by :meth:`aligned`. Patient axes keep their meaning across
    Frames of Reference (only the origin differs, which the offset absorbs), so the same offset
    serves whichever way the normals of the two stacks point.
    """

    offset: tuple[float, float, float] = (0.0, 0.0, 0.0)
    by_frame: bool = True  # True: shared Frame of Reference; False: offset set by the radiologist

    @classmethod
    def between(cls, source: Stack, target: Stack) -> StackLink:
        """The link of two stacks of the same Frame of Reference; different frames need an offset."""
        check_parallel(source, target)
        if not same_frame(source, target):
            raise NotLinkable("different frames of reference: an offset is needed",
                              QT_TRANSLATE_NOOP("Linking", "repères différents : alignez un repère "
                                                           "anatomique puis liez"))
        return cls((0.0, 0.0, 0.0), True)

    @classmethod
    def aligned(cls, source: Stack, source_index: int, target: Stack, target_index: int) -> StackLink:
        """The radiologist shows the same landmark on both: link with the offset between them. With a
        shared Frame of Reference the offset is still measured (a patient who moved between series)."""
        check_parallel(source, target)
        normal, _, _ = _axis(source)
        along = position(target, target_index, normal) - position(source, source_index, normal)
        vector = along * normal
        return cls((float(vector[0]), float(vector[1]), float(vector[2])), False)

    def offset_along(self, normal: np.ndarray | tuple[float, float, float]) -> float:
        """The offset measured along a normal (mm): what the viewport shows."""
        return float(np.dot(self.offset, normal))

    def land(self, source: Stack, source_index: int, target: Stack) -> Landing:
        """The target slice at the source slice's position (plus the offset)."""
        normal, positions_source, _ = _axis(source)
        _, positions, _ = _axis(target)
        wanted = float((positions_source[source_index] + np.asarray(self.offset)) @ normal)
        places = positions @ normal
        index = int(np.argmin(np.abs(places - wanted)))
        distance = float(abs(places[index] - wanted))
        return Landing(index, distance, distance <= half_slice(target, index) + 1e-6)

    def reversed(self) -> StackLink:
        """The same link seen from the target (scrolling the prior moves today's exam)."""
        return StackLink((-self.offset[0], -self.offset[1], -self.offset[2]), self.by_frame)


def linked_zoom(source_zoom: float, source_pixel_mm: float, target_pixel_mm: float) -> float:
    """The target's zoom that shows as many millimetres per screen pixel as the source."""
    if source_pixel_mm <= 0 or target_pixel_mm <= 0:
        return source_zoom
    return source_zoom * target_pixel_mm / source_pixel_mm


# --- within one study: synchronised scrolling and reference lines ----------------------------------
def synchronised_index(source: DisplayableStack, source_index: int, target: DisplayableStack) -> int | None:
    """The slice of ``target`` nearest to the centre of the source's slice, for synchronised scrolling
    of the series of one study: acquired stacks (not reformats) of one Frame of Reference whose planes
    are parallel. None when they do not scroll together (crossing planes, another frame, a
    projection image, a target without per-slice positions)."""
    if isinstance(source, ReformatSeries) or isinstance(target, ReformatSeries):
        return None
    frame = source.frame_of_reference_uid
    geometry = target.geometry
    if not frame or frame != target.frame_of_reference_uid or geometry is None:
        return None
    plane = source.plane(source_index)
    if not plane.spatial:
        return None
    rows, columns = source.shape[1:3]
    centre = plane.to_patient([((columns - 1) / 2, (rows - 1) / 2)])[0]
    normal = np.asarray(geometry.normal, dtype=np.float64)
    if abs(float(np.dot(normal, plane.normal))) < PARALLEL:
        return None
    places = np.asarray(geometry.positions, dtype=np.float64) @ normal
    return int(np.argmin(np.abs(places - float(np.dot(centre, normal)))))


def reference_segment(shown: DisplayableStack, shown_index: int, other: DisplayableStack,
                      other_index: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The reference line drawn on ``shown``'s slice: where ``other``'s slice cuts it (patient mm), for
    two acquired stacks of one Frame of Reference; None otherwise (parallel planes included)."""
    frame = shown.frame_of_reference_uid
    if not frame or frame != other.frame_of_reference_uid or shown.geometry is None or other.geometry is None:
        return None
    return intersection_segment(shown.plane(shown_index), _size(shown), other.plane(other_index),
                                _size(other))


def _size(stack: DisplayableStack) -> tuple[int, int]:
    rows, columns = stack.shape[1:3]
    return int(rows), int(columns)
