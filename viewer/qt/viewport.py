"""One 2D viewport: paints :meth:`SliceView.image` with QPainter and forwards mouse and keys to the model.

2D goes through numpy -> QImage -> QPainter, not VTK: ~1 ms per 512² frame on these machines
(STACK-NOTES), and the pixels on screen are exactly the model's. The rendered slice is cached, so
panning, zooming, the HU probe and the measurement overlays repaint without recomputing it.

Mouse and keys come from the one table of :mod:`viewer.bindings` (left button = the current tool,
right = window/level, middle = pan, wheel = slices, Ctrl+wheel = zoom; arrows, presets 0-9, I, R,
H, V, F, N, Space...). Inside the composite viewer the keys arrive as its shortcuts, which call
:meth:`Viewport.run` on the active view; a lone viewport maps its own key presses the same way.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QKeyEvent,
    QMouseEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from viewer.annotations import Change, Drawn, MeasurementStore, StoreEvent, compute
from viewer.bindings import KEYS, Command, Drag, mouse_drag
from viewer.measure import MeasureKind, Measurement
from viewer.presets import PresetKind, preset_for_key
from viewer.qt import texts
from viewer.qt.bindings import binding_of_event
from viewer.qt.viewport_paint import CINE_FPS, ViewportPainting
from viewer.slice_view import SliceView, ViewState
from viewer.stack import DisplayableStack
from viewer.tools import Tool

log = logging.getLogger(__name__)

MIME_SERIES = "application/x-teleradiologie-series"
HANDLE_PX = 7.0  # a click this close to a measurement point grabs it


@dataclass
class _Drag:
    mode: str  # "window", "pan", "zoom", "scroll", "edit", "draw", "crosshair"
    start: QPointF
    last: QPointF
    anchor: tuple[float, float] = (0.0, 0.0)
    target: Drawn | None = None
    point: int = 0
    accumulated: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


_VIEW_KEYS = tuple(b for b in KEYS if b.command.per_view)


class Viewport(ViewportPainting, QWidget):
    """A 2D view of one series (or one reformatted plane set): image, annotations, tools."""

    measurementAdded = Signal(object)  # Measurement
    measurementChanged = Signal(object, object)  # (previous, new)
    measurementRemoved = Signal(object)
    indexChanged = Signal(int)
    activated = Signal()
    crosshairMoved = Signal(object)  # np.ndarray (3,) patient mm
    seriesDropped = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._init_painting()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(120, 120)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.view: SliceView | None = None
        self.tool = Tool.SCROLL
        self._store = MeasurementStore()  # the viewer gives its views one shared store (set_store)
        self._unsubscribe = self._store.subscribe(self._store_changed)
        self._drawing: Drawn | None = None
        self._fixed = 0
        self._selected: Drawn | None = None
        self._drag: _Drag | None = None
        self._probe = ""
        self._auto_fit = True
        self._window_touched = False
        self._cine = QTimer(self)
        self._cine.timeout.connect(self._cine_step)
        self._last_index = -1

    # --- model -------------------------------------------------------------------------------------
    def set_view(self, view: SliceView | None, banner: str | None = None) -> None:
        self.stop_cine()
        self.view = view
        if banner is not None:
            self.banner = banner
        self._drawing, self._selected, self._drag = None, None, None
        self._cache_key, self._cache = None, None
        self._auto_fit, self._window_touched = True, False
        self._probe = ""
        if view is not None:
            self._last_index = view.state.index
            view.subscribe(lambda state, view=view: self._state_changed(view, state))
            self._fit_if_auto()
        self.update()

    @property
    def series(self) -> DisplayableStack | None:
        return self.view.series if self.view is not None else None

    @property
    def store(self) -> MeasurementStore:
        return self._store

    def set_store(self, store: MeasurementStore) -> None:
        """Draw the measurements of ``store`` (the viewer's, shared by all its views)."""
        self._unsubscribe()
        self._store = store
        self._unsubscribe = store.subscribe(self._store_changed)
        self._selected = None
        self.update()

    def _store_changed(self, event: StoreEvent) -> None:
        gone = event.change is Change.REMOVED and event.drawn is self._selected
        if event.change is Change.CLEARED or gone:
            self._selected = None
        if event.change is Change.CLEARED:
            self._drawing = None
        self.update()

    def drawn(self) -> list[Drawn]:
        series = self.series
        return self._store.on(series) if series is not None else []

    def invalidate(self) -> None:
        """Render the slice again (the model changed in a way its state does not show)."""
        self._cache_key = None
        self.update()

    def measurements(self) -> list[Measurement]:
        return [d.measurement for d in self.drawn() if d.measurement is not None]

    def _state_changed(self, view: SliceView, state: ViewState) -> None:
        if view is not self.view:  # a view this viewport showed before (models have no unsubscribe)
            return
        if self._last_index != state.index:
            self._last_index = state.index
            self.indexChanged.emit(state.index)
        self.update()

    def slices_arrived(self, indices: tuple[int, ...]) -> None:
        """The loader filled these slices of our series: redraw if we show one, adopt a real window."""
        view = self.view
        if view is None:
            return
        shown = view.state.index in indices
        if shown and not self._window_touched and not view.series.windows(view.state.index):
            # no header window: one spanning the values loaded so far, taken when the shown slice arrives
            # (not at every event: the range scans every loaded slice)
            view.use_preset(0)
        if view.state.index in indices:
            self._cache_key = None
            self.update()

    # --- rendering ---------------------------------------------------------------------------------
    def _fit_if_auto(self) -> None:
        if self.view is not None and self._auto_fit and self.width() > 0:
            self.view.fit(self._size())

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._fit_if_auto()
        super().resizeEvent(event)

    # --- measurements ------------------------------------------------------------------------------
    def _compute(self, drawn: Drawn) -> Measurement | None:
        assert self.view is not None
        return compute(self.view.series, drawn)

    def _finish_drawing(self) -> None:
        drawn, self._drawing = self._drawing, None
        if drawn is None:
            return
        drawn.measurement = self._compute(drawn)
        if drawn.measurement is None:
            self.update()
            return
        assert self.series is not None
        self._store.add(self.series, drawn)
        self._selected = drawn
        self.measurementAdded.emit(drawn.measurement)
        self.update()

    def add_measurement(self, kind: MeasureKind, points: list[tuple[float, float]],
                        index: int | None = None) -> Measurement | None:
        """Programmatic drawing (image coordinates), the same path as the mouse: scripts and tests."""
        if self.view is None:
            return None
        self._drawing = Drawn(kind, self.view.state.index if index is None else index, list(points))
        self._finish_drawing()
        drawn = self.drawn()
        return drawn[-1].measurement if drawn else None

    def delete_selected(self) -> None:
        selected = self._selected
        if selected is None:
            return
        series = self.series
        if series is not None and self._store.remove(series, selected):
            self.measurementRemoved.emit(selected.measurement)
        self._selected = None
        self.update()

    def _hit(self, pos: QPointF) -> tuple[Drawn, int] | None:
        view = self.view
        if view is None:
            return None
        best: tuple[float, Drawn, int] | None = None
        for drawn in self._store.on_slice(view.series, view.state.index):
            for k, p in enumerate(drawn.points):
                q = self._display(p)
                distance = math.hypot(q.x() - pos.x(), q.y() - pos.y())
                if distance <= HANDLE_PX and (best is None or distance < best[0]):
                    best = (distance, drawn, k)
        return (best[1], best[2]) if best else None

    # --- cine --------------------------------------------------------------------------------------
    def toggle_cine(self) -> None:
        if self._cine.isActive():
            self.stop_cine()
        elif self.view is not None and self.view.series.shape[0] > 1:
            self._cine.start(int(1000 / CINE_FPS))
        self.update()

    def stop_cine(self) -> None:
        self._cine.stop()

    def _cine_step(self) -> None:
        view = self.view
        if view is None:
            self._cine.stop()
            return
        view.set_index((view.state.index + 1) % view.series.shape[0])

    # --- window presets ----------------------------------------------------------------------------
    def apply_preset_key(self, key: str) -> bool:
        view = self.view
        choice = preset_for_key(key)
        if view is None or choice is None or view.series.is_colour:
            return False
        if choice.kind is PresetKind.AUTO:
            view.auto_window()
        elif choice.kind is PresetKind.HEADER:
            view.use_preset(choice.header_index)
        else:
            if view.series.modality != "CT":
                return False  # HU presets mean nothing on other modalities
            assert choice.ct is not None
            view.apply_window(choice.ct.window)
        self._window_touched = True
        return True

    # --- events ------------------------------------------------------------------------------------
    def _image_point(self, pos: QPointF) -> tuple[float, float]:
        assert self.view is not None
        return self.view.display_to_image(pos.x(), pos.y(), self._size())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.activated.emit()
        self.setFocus()
        view = self.view
        if view is None:
            return
        pos = event.position()
        button = event.button()
        names = {Qt.MouseButton.LeftButton: "left", Qt.MouseButton.RightButton: "right",
                 Qt.MouseButton.MiddleButton: "middle"}
        drag = mouse_drag(names.get(button, ""))
        if drag is None:
            return
        if drag is not Drag.TOOL:
            self._drag = _Drag(drag.value, pos, pos)
            return
        kind = self.tool.measure_kind
        if self._drawing is None:
            hit = self._hit(pos)
            if hit is not None:
                self._selected = hit[0]
                self._drag = _Drag("edit", pos, pos, target=hit[0], point=hit[1])
                self.update()
                return
        if kind is not None:
            point = self._image_point(pos)
            if self._drawing is None:
                self._drawing = Drawn(kind, view.state.index, [point] if kind is MeasureKind.FREEHAND
                                      else [point, point])
                self._fixed = 1
            elif kind is not MeasureKind.FREEHAND:
                self._drawing.points[-1] = point
                self._fix_live()
            self._drag = _Drag("draw", pos, pos)
            self.update()
            return
        if self.tool is Tool.CROSSHAIR:
            self._drag = _Drag("crosshair", pos, pos)
            self._move_crosshair(pos)
            return
        if self.tool is Tool.MAGNIFIER:
            self._drag = _Drag("magnify", pos, pos)
            self._magnifier = pos
            self.update()
            return
        mode = {Tool.SCROLL: "scroll", Tool.WINDOW: "window", Tool.ZOOM: "zoom", Tool.PAN: "pan"}[self.tool]
        w, h = self._size()
        self._drag = _Drag(mode, pos, pos, anchor=(pos.x() - w / 2, pos.y() - h / 2))

    def _fix_live(self) -> None:
        drawing = self._drawing
        assert drawing is not None
        self._fixed += 1
        if self._fixed >= (drawing.kind.points_needed or 0):
            self._finish_drawing()
        else:
            drawing.points.append(drawing.points[-1])

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        view = self.view
        if view is None:
            return
        pos = event.position()
        self._update_probe(pos)
        drag = self._drag
        if self._drawing is not None and (drag is None or drag.mode == "draw"):
            point = self._image_point(pos)
            if self._drawing.kind is MeasureKind.FREEHAND:
                if drag is not None:
                    last = self._display(self._drawing.points[-1])
                    if math.hypot(last.x() - pos.x(), last.y() - pos.y()) >= 3:
                        self._drawing.points.append(point)
            else:
                self._drawing.points[-1] = point
            self.update()
            return
        if drag is None:
            self.update()  # the probe text
            return
        dx, dy = pos.x() - drag.last.x(), pos.y() - drag.last.y()
        drag.last = pos
        if drag.mode == "window":
            view.drag_window(dx, dy)
            self._window_touched = True
        elif drag.mode == "pan":
            view.pan_by(dx, dy)
            self._auto_fit = False
        elif drag.mode == "zoom":
            view.zoom_by(math.exp(-dy / 150.0), drag.anchor)
            self._auto_fit = False
        elif drag.mode == "scroll":
            drag.accumulated += dy
            steps = int(drag.accumulated / 4)
            if steps:
                drag.accumulated -= steps * 4
                view.scroll(steps)
        elif drag.mode == "edit" and drag.target is not None:
            drag.target.points[drag.point] = self._image_point(pos)
            self.update()
        elif drag.mode == "crosshair":
            self._move_crosshair(pos)
        elif drag.mode == "magnify":
            self._magnifier = pos
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        drag, self._drag = self._drag, None
        if drag is None:
            return
        if drag.mode == "magnify":
            self._magnifier = None
            self.update()
            return
        if drag.mode == "edit" and drag.target is not None:
            measurement = self._compute(drag.target)
            if measurement is not None and self.series is not None:
                previous = self._store.update(self.series, drag.target, measurement)
                self.measurementChanged.emit(previous, measurement)
            self.update()
        elif drag.mode == "draw" and self._drawing is not None:
            drawing = self._drawing
            if drawing.kind is MeasureKind.FREEHAND:
                if len(drawing.points) >= 3:
                    self._finish_drawing()
                else:
                    self._drawing = None
                self.update()
                return
            pos = event.position()
            previous = self._display(drawing.points[-2])
            if math.hypot(previous.x() - pos.x(), previous.y() - pos.y()) > 3:
                drawing.points[-1] = self._image_point(pos)
                self._fix_live()
            self.update()

    def _move_crosshair(self, pos: QPointF) -> None:
        view = self.view
        assert view is not None
        column, row = self._image_point(pos)
        point = view.series.plane(view.state.index).to_patient([(column, row)])[0]
        self.crosshairMoved.emit(point)

    def _update_probe(self, pos: QPointF) -> None:
        view = self.view
        assert view is not None
        series, index = view.series, view.state.index
        column, row = self._image_point(pos)
        c, r = math.floor(column + 0.5), math.floor(row + 0.5)
        rows, columns = series.shape[1:3]
        if not (0 <= r < rows and 0 <= c < columns) or not series.is_loaded(index):
            self._probe = ""
            return
        stored = series.volume[index][r, c]
        if series.is_colour:
            self._probe = self.tr("({column}, {row}) : RVB {rgb}").format(
                column=c, row=r, rgb=tuple(int(v) for v in stored))
            return
        slope, intercept = series.rescale(index)
        value = float(stored) * slope + intercept
        unit = f" {texts.unit_text('UH')}" if series.modality == "CT" else ""
        self._probe = self.tr("({column}, {row}) : {value}").format(
            column=c, row=r, value=texts.number(value, 0 if slope == 1 else 1) + unit)

    def leaveEvent(self, event: object) -> None:
        self._probe = ""
        self.update()

    def wheelEvent(self, event: QWheelEvent) -> None:
        view = self.view
        if view is None:
            return
        notches = event.angleDelta().y() / 120.0
        control = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if mouse_drag("wheel", control) is Drag.ZOOM:
            pos = event.position()
            view.zoom_by(1.15 ** notches, (pos.x() - self.width() / 2, pos.y() - self.height() / 2))
            self._auto_fit = False
        else:
            step = int(math.copysign(max(1, round(abs(notches))), notches)) if notches else 0
            view.scroll(-step)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        binding = binding_of_event(event, _VIEW_KEYS)
        if binding is None or not self.run(binding.command, binding.argument):
            return super().keyPressEvent(event)
        event.accept()

    def run(self, command: Command, argument: str = "") -> bool:
        """Do a per-view command of :mod:`viewer.bindings`; False when it does not apply here."""
        view = self.view
        if view is None:
            return False
        count = view.series.shape[0]
        page = max(1, count // 10)
        steps = {Command.PREVIOUS_SLICE: -1, Command.NEXT_SLICE: 1, Command.PAGE_BACK: -page,
                 Command.PAGE_FORWARD: page}
        simple = {Command.INVERT: view.toggle_invert, Command.FLIP_HORIZONTAL: view.flip_horizontal,
                  Command.FLIP_VERTICAL: view.flip_vertical, Command.FIT: self.fit,
                  Command.CINE: self.toggle_cine, Command.DELETE_MEASUREMENT: self.delete_selected,
                  Command.CANCEL_DRAWING: self.cancel_drawing,
                  Command.ROTATE_CLOCKWISE: lambda: view.rotate(clockwise=True),
                  Command.ROTATE_ANTICLOCKWISE: lambda: view.rotate(clockwise=False),
                  Command.FIRST_SLICE: lambda: view.set_index(0),
                  Command.LAST_SLICE: lambda: view.set_index(count - 1)}
        if command in steps:
            view.scroll(steps[command])
        elif command in simple:
            simple[command]()
        elif command is Command.ONE_TO_ONE:
            view.one_to_one()
            self._auto_fit = False
        elif command is Command.PRESET:
            return self.apply_preset_key(argument)
        else:
            return False
        return True

    def cancel_drawing(self) -> None:
        self._drawing = None
        self.update()

    def fit(self) -> None:
        self._auto_fit = True
        self._fit_if_auto()

    # --- drag and drop of a series thumbnail -------------------------------------------------------
    def dragEnterEvent(self, event: Any) -> None:
        if event.mimeData().hasFormat(MIME_SERIES):
            event.acceptProposedAction()

    def dropEvent(self, event: Any) -> None:
        data = event.mimeData().data(MIME_SERIES)
        try:
            number = int(bytes(data).decode("ascii"))
        except ValueError:
            return
        event.acceptProposedAction()
        self.activated.emit()
        self.seriesDropped.emit(number)

