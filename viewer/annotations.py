"""The measurements drawn on a study, outside any widget (Qt-free).

Each measurement is filed under its stack's :attr:`~viewer.stack.DisplayableStack.stack_key` (the
series UID, plus the plane of a reformat), not under a Python object's address: the same series
shown in two views carries the same measurements in both, and a key never outlives its study by
accident (``clear`` when the study closes, so none reappears on another patient).

The viewport only draws :class:`Drawn` shapes and turns the mouse into points; what exists, where,
and its computed :class:`~viewer.measure.Measurement` live here and are testable without a display.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from resources.events import Listeners
from resources.translations import QT_TRANSLATE_NOOP
from viewer.headers import SpacingSource
from viewer.measure import MeasureKind, Measurement, measure
from viewer.stack import DisplayableStack

log = logging.getLogger(__name__)


@dataclass(eq=False)
class Drawn:
    """A measurement as drawn on one slice of a stack (mutable while its points are edited)."""

    kind: MeasureKind
    index: int
    points: list[tuple[float, float]]  # image (column, row)
    measurement: Measurement | None = None


def compute(stack: DisplayableStack, drawn: Drawn) -> Measurement | None:
    """What ``drawn`` measures on ``stack``; None when it cannot be measured truthfully (an ROI on a
    colour image or on a slice not loaded yet) or the computation failed (logged)."""
    values = None
    if drawn.kind.is_roi:
        if stack.is_colour or not stack.is_loaded(drawn.index):
            return None
        values = stack.rescaled_slice(drawn.index)
    # the model keeps the French unit (the report is French); the label drawn translates it
    if stack.modality == "CT":
        unit = QT_TRANSLATE_NOOP("Unit", "UH")
    else:
        unit = QT_TRANSLATE_NOOP("Unit", "(valeur)")
    calibrated = stack.spacing.source is not SpacingSource.NONE
    try:
        return measure(drawn.kind, drawn.points, stack.plane(drawn.index), stack.where(drawn.index),
                       values=values, value_unit=unit, slice_index=drawn.index, calibrated=calibrated)
    except Exception:
        log.exception("measurement failed")
        return None


class Change(Enum):
    ADDED = "added"
    CHANGED = "changed"
    REMOVED = "removed"
    CLEARED = "cleared"


@dataclass(frozen=True, slots=True)
class StoreEvent:
    change: Change
    stack_key: str
    drawn: Drawn | None


class MeasurementStore:
    """The drawn measurements of one study, by stack; listeners hear every change (the views repaint)."""

    def __init__(self) -> None:
        self._by_stack: dict[str, list[Drawn]] = {}
        self._listeners: Listeners[StoreEvent] = Listeners("measurements")

    def subscribe(self, listener: Callable[[StoreEvent], object]) -> Callable[[], None]:
        return self._listeners.subscribe(listener)

    def on(self, stack: DisplayableStack) -> list[Drawn]:
        """The measurements of ``stack``, oldest first (a copy)."""
        return list(self._by_stack.get(stack.stack_key, ()))

    def on_slice(self, stack: DisplayableStack, index: int) -> list[Drawn]:
        return [d for d in self._by_stack.get(stack.stack_key, ()) if d.index == index]

    def all(self) -> list[Drawn]:
        return [d for drawn in self._by_stack.values() for d in drawn]

    def measurements(self) -> list[Measurement]:
        """Every computed measurement of the study, in the order drawn per stack (for the report)."""
        return [d.measurement for d in self.all() if d.measurement is not None]

    def add(self, stack: DisplayableStack, drawn: Drawn) -> None:
        if drawn.measurement is None:
            raise ValueError("only a computed measurement is kept")
        self._by_stack.setdefault(stack.stack_key, []).append(drawn)
        self._listeners.emit(StoreEvent(Change.ADDED, stack.stack_key, drawn))

    def update(self, stack: DisplayableStack, drawn: Drawn, measurement: Measurement) -> Measurement | None:
        """``drawn`` was edited and measures ``measurement`` now; returns the previous one."""
        previous, drawn.measurement = drawn.measurement, measurement
        self._listeners.emit(StoreEvent(Change.CHANGED, stack.stack_key, drawn))
        return previous

    def remove(self, stack: DisplayableStack, drawn: Drawn) -> bool:
        found = self._by_stack.get(stack.stack_key, [])
        if drawn not in found:
            return False
        found.remove(drawn)
        if not found:
            del self._by_stack[stack.stack_key]
        self._listeners.emit(StoreEvent(Change.REMOVED, stack.stack_key, drawn))
        return True

    def clear(self) -> None:
        self._by_stack.clear()
        self._listeners.emit(StoreEvent(Change.CLEARED, "", None))
