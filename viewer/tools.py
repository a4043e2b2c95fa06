"""The left-button tools of a 2D view, one enum for every tool (Qt-free).

The measuring tools are not a second list beside :class:`viewer.measure.MeasureKind`: their value
*is* the kind of measurement they draw, so adding a kind of measurement cannot leave a tool behind
(``tests/viewer/test_bindings.py`` checks that every kind has its tool).
"""
from __future__ import annotations

from enum import Enum

from viewer.measure import MeasureKind


class Tool(Enum):
    SCROLL = "defilement"
    WINDOW = "fenetrage"
    ZOOM = "zoom"
    PAN = "deplacement"
    CROSSHAIR = "reticule"
    MAGNIFIER = "loupe"
    LENGTH = MeasureKind.LENGTH
    ANGLE = MeasureKind.ANGLE
    COBB = MeasureKind.COBB
    ELLIPSE = MeasureKind.ELLIPSE
    RECTANGLE = MeasureKind.RECTANGLE
    FREEHAND = MeasureKind.FREEHAND

    @property
    def measure_kind(self) -> MeasureKind | None:
        """The measurement this tool draws, None for a navigation tool."""
        return self.value if isinstance(self.value, MeasureKind) else None
