"""Presentation states on a viewer's viewports: window, rotation/flip and annotations of a GSPS.

The records are :mod:`viewer.presentation`'s. When an image that a presentation state references is
shown, its window and spatial transformation are applied once (the radiologist may change them
afterwards), and its annotations are painted for as long as the state is on. A corner line names the
state, and says when part of it could not be shown.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPolygonF

from viewer.mpr import ReformatSeries
from viewer.presentation import Graphic, PresentationState
from viewer.qt.viewer_widget import ViewerWidget
from viewer.qt.viewport import Viewport

GSPS_COLOUR = QColor(255, 230, 80)


def _image_ref(viewport: Viewport) -> tuple[str, int | None, tuple[int, int]] | None:
    view = viewport.view
    series = viewport.series
    if view is None or series is None or isinstance(series, ReformatSeries) or not hasattr(series, "slices"):
        return None
    slice_ = series.slices[view.state.index]
    frame = slice_.frame.index + 1 if slice_.file.source.number_of_frames > 1 else None
    return slice_.file.sop_instance_uid, frame, (int(series.shape[1]), int(series.shape[2]))


class PresentationLayer(QObject):
    """The presentation states of the study a viewer shows."""

    def __init__(self, viewer: ViewerWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.viewer = viewer
        self.states: list[PresentationState] = []
        self.enabled = True
        self._applied: set[tuple[int, str, str]] = set()  # (view id, state uid, sop uid)
        for viewport in viewer.viewports:
            viewport.overlays.append(self._paint)

    def set_states(self, states: Sequence[PresentationState]) -> None:
        self.states = list(states)
        self._applied.clear()
        self.refresh()

    def clear(self) -> None:
        self.set_states([])

    def refresh(self) -> None:
        for viewport in self.viewer.visible_viewports():
            viewport.update()

    def state_for(self, viewport: Viewport) -> PresentationState | None:
        ref = _image_ref(viewport)
        if ref is None or not self.enabled:
            return None
        sop, frame, _ = ref
        return next((s for s in self.states if s.references(sop, frame)), None)

    def _apply_once(self, viewport: Viewport, state: PresentationState, sop: str, frame: int | None,
                    shape: tuple[int, int]) -> None:
        view = viewport.view
        assert view is not None
        key = (id(view), state.sop_instance_uid, sop)
        if key in self._applied:
            return
        self._applied.add(key)
        shown = state.for_image(sop, frame, shape)
        if shown.window is not None and not view.series.is_colour:
            view.apply_window(shown.window)
            viewport._window_touched = True  # the state's window stays when more slices arrive
        for _ in range(4):
            if view.state.rotation % 4 == shown.rotation % 4:
                break
            view.rotate()
        if view.state.flipped != shown.flipped:
            view.flip_horizontal()

    def _paint(self, painter: QPainter, viewport: Viewport) -> None:
        state = self.state_for(viewport)
        if state is None:
            return
        ref = _image_ref(viewport)
        assert ref is not None and viewport.view is not None
        sop, frame, shape = ref
        self._apply_once(viewport, state, sop, frame, shape)
        shown = state.for_image(sop, frame, shape)
        view = viewport.view
        size = (viewport.width(), viewport.height())

        def at(point: tuple[float, float]) -> QPointF:
            x, y = view.image_to_display(point[0], point[1], size)
            return QPointF(x, y)

        painter.save()
        painter.setPen(QPen(GSPS_COLOUR, 2))
        for graphic in shown.graphics:
            self._graphic(painter, graphic, at)
        font = QFont(painter.font())
        font.setPointSize(11)
        font.setBold(True)
        painter.setFont(font)
        for text in shown.texts:
            where = at(text.box[0]) if text.box else at(text.anchor)  # type: ignore[arg-type]
            if text.box is None and text.anchor is not None:
                where = where + QPointF(8, -8)
            if text.anchor is not None and text.box is not None:
                painter.drawLine(at(text.anchor), where)
            painter.setPen(QColor(0, 0, 0))
            painter.drawText(where + QPointF(1, 1), text.text)
            painter.setPen(GSPS_COLOUR)
            painter.drawText(where, text.text)
        label = state.label or state.description or self.tr("état de présentation")
        line = self.tr("GSPS : {label}").format(label=label)
        if state.skipped or not shown.whole_image:
            line += self.tr(" (en partie non affiché)")
        small = QFont(painter.font())
        small.setPointSize(9)
        painter.setFont(small)
        rect = QRectF(0, viewport.height() - 136, viewport.width(), 16)
        painter.setPen(GSPS_COLOUR)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignHCenter), line)
        painter.restore()

    @staticmethod
    def _graphic(painter: QPainter, graphic: Graphic, at) -> None:  # type: ignore[no-untyped-def]
        points = graphic.points
        if graphic.kind in ("POLYLINE", "INTERPOLATED"):
            polygon = QPolygonF([at(p) for p in points])
            if graphic.filled:
                painter.drawPolygon(polygon)
            else:
                painter.drawPolyline(polygon)
        elif graphic.kind == "POINT":
            for p in points:
                centre = at(p)
                painter.drawLine(centre + QPointF(-5, 0), centre + QPointF(5, 0))
                painter.drawLine(centre + QPointF(0, -5), centre + QPointF(0, 5))
        elif graphic.kind == "CIRCLE" and len(points) >= 2:
            (cx, cy), (px, py) = points[0], points[1]
            radius = math.hypot(px - cx, py - cy)
            ring = [(cx + radius * math.cos(t), cy + radius * math.sin(t))
                    for t in (2 * math.pi * k / 64 for k in range(65))]
            painter.drawPolyline(QPolygonF([at(p) for p in ring]))
        elif graphic.kind == "ELLIPSE" and len(points) >= 4:
            (ax, ay), (bx, by), (cx2, cy2), (dx, dy) = points[:4]
            centre = ((ax + bx) / 2, (ay + by) / 2)
            major = ((bx - ax) / 2, (by - ay) / 2)
            minor = ((dx - cx2) / 2, (dy - cy2) / 2)
            ring = [(centre[0] + major[0] * math.cos(t) + minor[0] * math.sin(t),
                     centre[1] + major[1] * math.cos(t) + minor[1] * math.sin(t))
                    for t in (2 * math.pi * k / 64 for k in range(65))]
            painter.drawPolyline(QPolygonF([at(p) for p in ring]))

    def detach(self) -> None:
        for viewport in self.viewer.viewports:
            if self._paint in viewport.overlays:
                viewport.overlays.remove(self._paint)
