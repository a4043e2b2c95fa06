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
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from viewer.bindings import KEYS, Command, Drag, mouse_drag
from viewer.headers import SpacingSource
from viewer.measure import MeasureKind, Measurement, measure
from viewer.plane import PlaneGeometry, orientation_letters
from viewer.presets import PresetKind, preset_for_key
from viewer.qt import display_scale, texts
from viewer.qt.bindings import binding_of_event
from viewer.slice_view import SliceView, ViewState
from viewer.tools import Tool

log = logging.getLogger(__name__)

MIME_SERIES = "application/x-teleradiologie-series"
HANDLE_PX = 7.0  # a click this close to a measurement point grabs it
CINE_FPS = 10
BANNER_POINTS, BANNER_MIN_POINTS = 10.5, 9.0  # the identity: never smaller than legible, then wrapped
MAGNIFIER_FACTOR, MAGNIFIER_RADIUS = 2.0, 110.0


@dataclass(eq=False)
class Drawn:
    """A measurement as drawn on one slice of this viewport (mutable while it is edited)."""

    kind: MeasureKind
    index: int
    points: list[tuple[float, float]]  # image (column, row)
    measurement: Measurement | None = None


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


YELLOW, CYAN, RED, GREEN, WHITE = (QColor(255, 220, 60), QColor(80, 220, 255), QColor(255, 80, 80),
                                   QColor(90, 230, 120), QColor(235, 235, 235))
ORANGE = QColor(255, 170, 40)
_VIEW_KEYS = tuple(b for b in KEYS if b.command.per_view)


class Viewport(QWidget):
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
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(120, 120)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.view: SliceView | None = None
        self.banner = ""
        self.title = ""  # e.g. "Axiale" in the MPR layout
        self.tool = Tool.SCROLL
        self.active = False
        self.crosshair: np.ndarray | None = None  # patient mm, drawn when set
        self.crosshair_lines: list[tuple[np.ndarray, np.ndarray]] = []  # the other MPR planes (patient mm)
        self.reference_lines: list[tuple[np.ndarray, np.ndarray]] = []  # other views' planes (patient mm)
        # extra layers painted over the image (study link, key image mark, presentation state): callables
        # (painter, viewport) owned by other modules, so this widget stays free of their models
        self.overlays: list[Any] = []
        self._drawn: dict[int, list[Drawn]] = {}  # per series object id
        self._drawing: Drawn | None = None
        self._fixed = 0
        self._selected: Drawn | None = None
        self._drag: _Drag | None = None
        self._probe = ""
        self._magnifier: QPointF | None = None  # cursor position while the magnifier is held
        self._cache_key: tuple[object, ...] | None = None
        self._cache: tuple[np.ndarray, QImage] | None = None
        self._auto_fit = True
        self._window_touched = False
        self._cine = QTimer(self)
        self._cine.timeout.connect(self._cine_step)
        self.last_paint_ms = 0.0
        self._banner_bottom = 22.0  # where the banner ended at the last paint (overlays go below it)
        self._banner_points = BANNER_POINTS
        self._top_text_bottom = 22.0
        self._bottom_text_lines = 3
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
    def series(self) -> Any:
        return self.view.series if self.view is not None else None

    def drawn(self) -> list[Drawn]:
        return self._drawn.get(id(self.series), []) if self.view is not None else []

    def all_drawn(self) -> list[Drawn]:
        """The measurements drawn on every series this viewport showed."""
        return [d for drawn in self._drawn.values() for d in drawn]

    def forget_measurements(self) -> None:
        """Drop every drawn measurement (the study is closed: none may reappear on another patient)."""
        self._drawn.clear()
        self._drawing = self._selected = None
        self.update()

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
    def _size(self) -> tuple[int, int]:
        return self.width(), self.height()

    def _fit_if_auto(self) -> None:
        if self.view is not None and self._auto_fit and self.width() > 0:
            self.view.fit(self._size())

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._fit_if_auto()
        super().resizeEvent(event)

    def _image(self) -> QImage | None:
        view = self.view
        assert view is not None
        state = view.state
        loaded = view.series.is_loaded(state.index)
        key = (id(view.series), state.index, state.window, state.use_voi_lut, state.invert, state.rotation,
               state.flipped, loaded, getattr(view.series, "version", 0))
        if key != self._cache_key:
            pixels = view.display_image()  # grey as RGB32: drawn without a conversion by Qt
            if pixels is None:
                self._cache = None
            else:
                h, w = pixels.shape[:2]
                if pixels.dtype == np.uint32:
                    image = QImage(pixels.data, w, h, pixels.strides[0], QImage.Format.Format_RGB32)
                elif pixels.ndim == 3:
                    image = QImage(pixels.data, w, h, pixels.strides[0], QImage.Format.Format_RGB888)
                else:
                    image = QImage(pixels.data, w, h, pixels.strides[0], QImage.Format.Format_Grayscale8)
                self._cache = (pixels, image)  # the array must outlive the QImage that wraps it
            self._cache_key = key
        return self._cache[1] if self._cache is not None else None

    def paintEvent(self, event: QPaintEvent) -> None:
        start = time.perf_counter()
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), Qt.GlobalColor.black)
            if self.view is None:
                self._text_centre(painter, self.tr("Glissez une série ici"))
            else:
                self._paint_view(painter)
            self._paint_banner(painter)
            if self.active:
                painter.setPen(QPen(QColor(255, 160, 0), 2))
                painter.drawRect(self.rect().adjusted(1, 1, -1, -1))
        except Exception:  # a drawing bug must not take the reading session down
            log.exception("viewport paint failed")
        finally:
            painter.end()
        self.last_paint_ms = (time.perf_counter() - start) * 1000

    def _paint_view(self, painter: QPainter) -> None:
        view = self.view
        assert view is not None
        image = self._image()
        if image is None:
            failed = getattr(view.series, "is_failed", lambda _: False)(view.state.index)
            self._text_centre(painter, self.tr("image illisible") if failed else self.tr("chargement…"),
                              RED if failed else WHITE)
        else:
            left, top, width, height = view.display_rect(self._size())
            painter.drawImage(QRectF(left, top, width, height), image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self._paint_crosshair(painter)
        self._paint_reference_lines(painter)
        self._paint_measurements(painter)
        for overlay in list(self.overlays):
            overlay(painter, self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self._paint_corners(painter)
        self._paint_orientation(painter)
        self._paint_scale(painter)
        if image is not None and self._magnifier is not None:
            self._paint_magnifier(painter, image)

    def _paint_magnifier(self, painter: QPainter, image: QImage) -> None:
        """A disc showing the image MAGNIFIER_FACTOR times larger around the cursor, pixels exact."""
        assert self.view is not None and self._magnifier is not None
        centre = self._magnifier
        left, top, width, height = self.view.display_rect(self._size())
        factor = MAGNIFIER_FACTOR
        target = QRectF(centre.x() + (left - centre.x()) * factor, centre.y() + (top - centre.y()) * factor,
                        width * factor, height * factor)
        clip = QPainterPath()
        clip.addEllipse(centre, MAGNIFIER_RADIUS, MAGNIFIER_RADIUS)
        painter.save()
        painter.setClipPath(clip)
        painter.fillRect(QRectF(centre.x() - MAGNIFIER_RADIUS, centre.y() - MAGNIFIER_RADIUS,
                                2 * MAGNIFIER_RADIUS, 2 * MAGNIFIER_RADIUS), Qt.GlobalColor.black)
        painter.drawImage(target, image)
        painter.restore()
        painter.setPen(QPen(YELLOW, 1.5))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.drawEllipse(centre, MAGNIFIER_RADIUS, MAGNIFIER_RADIUS)

    # --- overlays ----------------------------------------------------------------------------------
    def overlay_scale(self) -> float:
        """Physical size of the overlays on this viewport's screen, times the user's overlay zoom."""
        return display_scale.overlay_scale(self.screen())

    def _font(self, painter: QPainter, bold: bool = False, size: float = 10) -> None:
        font = QFont(self.font())
        font.setPointSizeF(size * self.overlay_scale())
        font.setBold(bold)
        painter.setFont(font)

    def _shadowed(self, painter: QPainter, rect: QRectF, flags: Qt.AlignmentFlag, text: str,
                  colour: QColor = WHITE) -> None:
        painter.setPen(QColor(0, 0, 0))
        painter.drawText(rect.translated(1, 1), int(flags), text)
        painter.setPen(colour)
        painter.drawText(rect, int(flags), text)

    def _text_centre(self, painter: QPainter, text: str, colour: QColor = WHITE) -> None:
        self._font(painter, size=12)
        self._shadowed(painter, QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, text, colour)

    def banner_lines(self) -> list[str]:
        """The identity line (and the study date) painted top left."""
        lines = [self.banner or self.tr("Patient non identifié")]
        series = self.series
        if series is not None and getattr(series, "study_date", ""):
            lines.append(self.tr("Examen du {date}").format(date=series.study_date))
        return lines

    def corner_texts(self) -> dict[str, list[str]]:
        """The lines painted in the corners of the image ("top_right", "bottom_left", "bottom_right";
        "lossy" for the red warning), in the interface language; empty without a view."""
        view = self.view
        if view is None:
            return {}
        series, state = view.series, view.state
        top_right = [t for t in (self.title, texts.series_label(series)) if t]
        top_right.append(self.tr("Image {number}/{count}").format(number=state.index + 1,
                                                                  count=series.shape[0]))
        position = getattr(series, "position_along_normal", lambda _: None)(state.index)
        thickness = getattr(series, "slice_thickness", lambda _: None)(state.index)
        place = []
        if position is not None:
            place.append(self.tr("Pos. {position} mm").format(position=texts.number(position)))
        if thickness:
            place.append(self.tr("Ép. {thickness} mm").format(thickness=texts.number(thickness)))
        if place:
            top_right.append(" — ".join(place))
        # a reformat of a rebuilt volume says so on every view: « rééchantillonné au pas de 2,62 mm »
        marks = getattr(series, "marks", None)
        derived = [texts.warning_text(mark) for mark in marks()] if callable(marks) else []
        bottom_left = []
        if not series.is_colour:
            if state.use_voi_lut:
                window = self.tr("Fenêtre LUT VOI")
            else:
                window = self.tr("Fenêtre C {centre} / L {width}").format(
                    centre=texts.number(state.window.center, 0), width=texts.number(state.window.width, 0))
            bottom_left.append(window + (self.tr(" — inversé") if state.invert else ""))
        bottom_left.append(self.tr("Zoom {percent} %").format(percent=f"{state.zoom * 100:.0f}"))
        if self._cine.isActive():
            bottom_left.append(self.tr("Ciné {rate} im/s").format(rate=CINE_FPS))
        lossy = [self.tr("Image compressée avec perte")] if getattr(series, "lossy", False) else []
        return {"top_right": top_right, "bottom_left": bottom_left,
                "bottom_right": [self._probe] if self._probe else [], "lossy": lossy,
                "derived": [" — ".join(derived)] if derived else []}

    def banner_layout(self, painter: QPainter) -> tuple[list[str], list[str]]:
        """The identity lines and the other banner lines as painted at this width: the identity whole
        (wrapped at its « — » separators, at BANNER_MIN_POINTS at the smallest), the rest (exam label,
        study date) elided first. The banner's first line is the identity; a second line in it (after
        a line break) is the exam label, e.g. the prior's."""
        lines = self.banner_lines()
        identity, *rest = lines[0].split("\n")
        rest += lines[1:]
        width = max(40.0, self.width() - 12.0)
        size = BANNER_POINTS
        self._font(painter, bold=True, size=size)
        while size > BANNER_MIN_POINTS and painter.fontMetrics().horizontalAdvance(identity) > width:
            size -= 0.5  # a little smaller first, then wrapped: never cut
            self._font(painter, bold=True, size=size)
        fits = painter.fontMetrics().horizontalAdvance
        wrapped: list[str] = []
        for part in identity.split(" — "):
            candidate = f"{wrapped[-1]} — {part}" if wrapped else part
            if wrapped and fits(candidate) <= width:
                wrapped[-1] = candidate
                continue
            line = ""
            for word in part.split(" "):  # a part wider than the view (a narrow MPR cell): by words
                if line and fits(f"{line} {word}") > width:
                    wrapped.append(line)
                    line = word
                else:
                    line = f"{line} {word}" if line else word
            wrapped.append(line)
        self._banner_points = size
        self._font(painter)
        metrics = painter.fontMetrics()
        others = [metrics.elidedText(line, Qt.TextElideMode.ElideRight, int(width)) for line in rest]
        return wrapped, others

    def _banner_height(self, painter: QPainter) -> float:
        """Where the banner ends at this width (the overlays of the top corners go below it)."""
        identity, others = self.banner_layout(painter)
        self._font(painter, bold=True, size=self._banner_points)
        height = 4.0 + len(identity) * painter.fontMetrics().height()
        self._font(painter)
        self._banner_bottom = height + len(others) * painter.fontMetrics().height()
        return self._banner_bottom

    def _paint_banner(self, painter: QPainter) -> None:
        """Patient identity, always, whatever is (or is not yet) displayed."""
        identity, others = self.banner_layout(painter)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        self._font(painter, bold=True, size=self._banner_points)
        step = painter.fontMetrics().height()
        y = 4.0
        for line in identity:
            self._shadowed(painter, QRectF(6, y, self.width() - 12, step), flags, line, YELLOW)
            y += step
        self._font(painter)
        step = painter.fontMetrics().height()
        for line in others:
            self._shadowed(painter, QRectF(6, y, self.width() - 12, step), flags, line)
            y += step
        self._banner_bottom = y

    def _paint_corners(self, painter: QPainter) -> None:
        corners = self.corner_texts()
        self._font(painter)
        step = painter.fontMetrics().height()
        w, h = self.width(), self.height()
        right = Qt.AlignmentFlag.AlignRight
        bottom = Qt.AlignmentFlag.AlignBottom
        # below the patient's identity, which keeps the whole width so that it is never hidden; a
        # small view (an MPR cell on a laptop) keeps the first line of each corner off the anatomy
        small = h < 16 * step
        top_right = corners["top_right"][:2] if small else corners["top_right"]
        y = self._banner_height(painter)  # this paint's banner: the corners are drawn before it
        self._font(painter)
        self._shadowed(painter, QRectF(6, y, w - 12, step * len(top_right)),
                       right | Qt.AlignmentFlag.AlignTop, "\n".join(top_right))
        y += step * len(top_right)
        if corners["derived"]:  # under the plane's lines, in the colour of the warnings
            self._font(painter, bold=True, size=9)
            self._shadowed(painter, QRectF(6, y, w - 12, step), right | Qt.AlignmentFlag.AlignTop,
                           corners["derived"][0], ORANGE)
            y += step
            self._font(painter)
        self._top_text_bottom = y
        bottom_left = corners["bottom_left"][:1] if small else corners["bottom_left"]
        self._shadowed(painter, QRectF(6, h - 4 - step * (len(bottom_left) + 1), w - 12,
                                       step * (len(bottom_left) + 1)),
                       Qt.AlignmentFlag.AlignLeft | bottom, "\n".join(bottom_left))
        self._shadowed(painter, QRectF(6, h - 4 - step * 3, w - 12, step * 2), right | bottom,
                       "\n".join(corners["bottom_right"]))
        self._bottom_text_lines = len(bottom_left) + 1
        if corners["lossy"]:
            self._font(painter, bold=True)
            self._shadowed(painter, QRectF(6, h - 4 - step, w - 12, step), right | bottom,
                           corners["lossy"][0], RED)

    def orientation_marks(self) -> dict[str, str]:
        """The patient directions at the "right", "left", "top" and "bottom" edges of the image, in the
        interface language (« G », « HP »); empty without a view or for a projection image."""
        view = self.view
        if view is None:
            return {}
        plane = view.series.plane(view.state.index)
        if not plane.spatial:
            return {}

        def letters(dx: float, dy: float) -> str:
            column, row = view.screen_direction(dx, dy)
            direction = (column * plane.column_mm * np.asarray(plane.row_direction)
                         + row * plane.row_mm * np.asarray(plane.column_direction))
            return texts.orientation_text(orientation_letters(direction))

        return {"right": letters(1, 0), "left": letters(-1, 0), "top": letters(0, -1),
                "bottom": letters(0, 1)}

    def _paint_orientation(self, painter: QPainter) -> None:
        marks = self.orientation_marks()
        if not marks:
            return
        self._font(painter, bold=True, size=12)
        step = painter.fontMetrics().height()
        box = 3 * step  # room for two letters (« HP »)
        w, h = self.width(), self.height()
        centre = Qt.AlignmentFlag.AlignCenter
        self._shadowed(painter, QRectF(w - box - 6, h / 2 - step / 2, box, step), centre, marks["right"],
                       CYAN)
        self._shadowed(painter, QRectF(6, h / 2 - step / 2, box, step), centre, marks["left"], CYAN)
        top = max(self._banner_bottom, self._top_text_bottom)  # under the texts of the top corners
        self._shadowed(painter, QRectF(w / 2 - box / 2, top, box, step), centre, marks["top"], CYAN)
        self._font(painter)
        above = (self._bottom_text_lines + 0.5) * painter.fontMetrics().height() + 4
        self._shadowed(painter, QRectF(w / 2 - box / 2, h - above - step, box, step), centre, marks["bottom"],
                       CYAN)

    def mm_per_display_pixel(self) -> float | None:
        """Millimetres per screen pixel along the horizontal, None without calibration."""
        view = self.view
        if view is None:
            return None
        series = view.series
        if getattr(series.spacing, "source", None) is SpacingSource.NONE:
            return None
        finest = min(series.spacing.row_mm, series.spacing.column_mm)
        return finest / view.state.zoom

    def _paint_scale(self, painter: QPainter) -> None:
        mm_per_px = self.mm_per_display_pixel()
        if mm_per_px is None or mm_per_px <= 0:
            return
        target = min(self.width() / 4, self.width() / 2 - 40) * mm_per_px
        exponent = 10 ** math.floor(math.log10(target))
        length_mm = max(m * exponent for m in (1, 2, 5) if m * exponent <= target)
        length_px = length_mm / mm_per_px
        self._font(painter, size=9)
        line = painter.fontMetrics().height()
        # above the window and zoom lines, clear of the letters
        x0, y = 8.0, self.height() - 6.0 - line * (self._bottom_text_lines + 0.5)
        painter.setPen(QPen(WHITE, 2))
        painter.drawLine(QPointF(x0, y), QPointF(x0 + length_px, y))
        for x in (x0, x0 + length_px):
            painter.drawLine(QPointF(x, y - 5), QPointF(x, y + 1))
        text = f"{length_mm:g} mm" if length_mm < 10 else f"{length_mm / 10:g} cm"
        self._shadowed(painter, QRectF(x0, y - 4 - line, max(length_px, 4.0 * line), line),
                       Qt.AlignmentFlag.AlignCenter, text)

    def _paint_crosshair(self, painter: QPainter) -> None:
        view = self.view
        if self.crosshair is None or view is None:
            return
        plane = view.series.plane(view.state.index)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # crisp one-pixel lines
        colour = QColor(GREEN)
        colour.setAlpha(200)  # the anatomy under the line stays visible
        painter.setPen(QPen(colour, 1))
        try:
            self._paint_crosshair_lines(painter, plane)
        finally:
            painter.restore()

    def _paint_crosshair_lines(self, painter: QPainter, plane: PlaneGeometry) -> None:
        view = self.view
        assert view is not None and self.crosshair is not None
        if self.crosshair_lines:  # where the other MPR planes cut this one (oblique ones included)
            for a, b in self.crosshair_lines:
                (ca, ra), (cb, rb) = plane.to_image([a, b])
                painter.drawLine(self._display((ca, ra)), self._display((cb, rb)))
            return
        column, row = plane.to_image(self.crosshair[None, :])[0]
        x, y = view.image_to_display(column, row, self._size())
        painter.drawLine(QPointF(0, y), QPointF(self.width(), y))
        painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))

    def _paint_reference_lines(self, painter: QPainter) -> None:
        view = self.view
        if not self.reference_lines or view is None:
            return
        plane = view.series.plane(view.state.index)
        painter.setPen(QPen(CYAN, 1))
        for a, b in self.reference_lines:
            (ca, ra), (cb, rb) = plane.to_image([a, b])
            painter.drawLine(self._display((ca, ra)), self._display((cb, rb)))

    def _display(self, point: tuple[float, float]) -> QPointF:
        assert self.view is not None
        x, y = self.view.image_to_display(point[0], point[1], self._size())
        return QPointF(x, y)

    def _paint_measurements(self, painter: QPainter) -> None:
        view = self.view
        assert view is not None
        shapes = [d for d in self.drawn() if d.index == view.state.index]
        if self._drawing is not None:
            shapes.append(self._drawing)
        for drawn in shapes:
            colour = CYAN if drawn is self._selected else YELLOW
            if drawn is self._drawing:
                colour = GREEN
            painter.setPen(QPen(colour, 1.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            pts = [self._display(p) for p in drawn.points]
            self._paint_shape(painter, drawn.kind, pts)
            for p in pts:
                painter.drawEllipse(p, 2.5, 2.5)
            if drawn.measurement is not None and pts:
                self._font(painter, size=9)
                label = 18.0 * painter.fontMetrics().averageCharWidth()
                anchor = max(pts, key=lambda q: q.x())
                rect = QRectF(anchor.x() + 6, anchor.y() - 8, label, 6.0 * painter.fontMetrics().height())
                flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
                if rect.right() > self.width():  # no room on the right: label left of the shape
                    start = min(pts, key=lambda q: q.x())
                    rect = QRectF(start.x() - label - 6, start.y() - 8, label, rect.height())
                    flags = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
                self._shadowed(painter, rect, flags, texts.measurement_label(drawn.measurement), colour)

    def _paint_shape(self, painter: QPainter, kind: MeasureKind, pts: list[QPointF]) -> None:
        if len(pts) < 2:
            return
        if kind is MeasureKind.LENGTH or (kind is MeasureKind.ANGLE):
            painter.drawPolyline(QPolygonF(pts))
        elif kind is MeasureKind.COBB:
            painter.drawLine(pts[0], pts[1])
            if len(pts) >= 4:
                painter.drawLine(pts[2], pts[3])
        elif kind in (MeasureKind.ELLIPSE, MeasureKind.RECTANGLE):
            # the two corners are image points; with quarter turns the box stays axis-aligned on screen
            rect = QRectF(pts[0], pts[1]).normalized()
            if kind is MeasureKind.ELLIPSE:
                painter.drawEllipse(rect)
            else:
                painter.drawRect(rect)
        else:
            painter.drawPolygon(QPolygonF(pts))

    # --- measurements ------------------------------------------------------------------------------
    def _compute(self, drawn: Drawn) -> Measurement | None:
        view = self.view
        assert view is not None
        series = view.series
        values = None
        if drawn.kind.is_roi:
            if series.is_colour or not series.is_loaded(drawn.index):
                return None
            values = series.rescaled_slice(drawn.index)
        # the model keeps the French unit (the report is French); the label drawn translates it
        if series.modality == "CT":
            unit = QT_TRANSLATE_NOOP("Unit", "UH")
        else:
            unit = QT_TRANSLATE_NOOP("Unit", "(valeur)")
        calibrated = getattr(series.spacing, "source", None) is not SpacingSource.NONE
        try:
            return measure(drawn.kind, drawn.points, series.plane(drawn.index), series.where(drawn.index),
                           values=values, value_unit=unit, slice_index=drawn.index, calibrated=calibrated)
        except Exception:
            log.exception("measurement failed")
            return None

    def _finish_drawing(self) -> None:
        drawn, self._drawing = self._drawing, None
        if drawn is None:
            return
        drawn.measurement = self._compute(drawn)
        if drawn.measurement is None:
            self.update()
            return
        self._drawn.setdefault(id(self.series), []).append(drawn)
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
        drawn = self.drawn()
        if selected in drawn:
            drawn.remove(selected)
            self.measurementRemoved.emit(selected.measurement)
        self._selected = None
        self.update()

    def _hit(self, pos: QPointF) -> tuple[Drawn, int] | None:
        view = self.view
        if view is None:
            return None
        best: tuple[float, Drawn, int] | None = None
        for drawn in self.drawn():
            if drawn.index != view.state.index:
                continue
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
            if measurement is not None:
                previous, drag.target.measurement = drag.target.measurement, measurement
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

