"""The display side of a viewport: the slice, the identity banner, corner texts, orientation letters,
scale bar, crosshair, reference lines, measurements and magnifier, painted with QPainter.

Split from :mod:`viewer.qt.viewport` (which keeps the model, mouse and keys) so that each file
holds one concern. Painting reads the viewport's state and never changes the model.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
)

from viewer.annotations import Drawn, MeasurementStore
from viewer.headers import SpacingSource
from viewer.measure import MeasureKind
from viewer.plane import PlaneGeometry, orientation_letters
from viewer.qt import display_scale, texts
from viewer.slice_view import SliceView

log = logging.getLogger(__name__)

CINE_FPS = 10
BANNER_POINTS, BANNER_MIN_POINTS = 10.5, 9.0  # the identity: never smaller than legible, then wrapped
MAGNIFIER_FACTOR, MAGNIFIER_RADIUS = 2.0, 110.0
YELLOW, CYAN, RED, GREEN, WHITE = (
    QColor(255, 220, 60),
    QColor(80, 220, 255),
    QColor(255, 80, 80),
    QColor(90, 230, 120),
    QColor(235, 235, 235),
)
ORANGE = QColor(255, 170, 40)


class ViewportPainting:
    """Paints what :class:`viewer.qt.viewport.Viewport` shows (a mixin of that QWidget: ``self`` is
    the viewport); the state it reads is set there, and it never changes the model."""

    view: SliceView | None
    _probe: str
    _cine: QTimer
    _drawing: Drawn | None
    _selected: Drawn | None
    _store: MeasurementStore

    def _init_painting(self) -> None:
        self.banner = ""
        self.title = ""  # e.g. "Axiale" in the MPR layout
        self.active = False
        self.crosshair: np.ndarray | None = None  # patient mm, drawn when set
        self.crosshair_lines: list[tuple[np.ndarray, np.ndarray]] = []  # the other MPR planes (patient mm)
        self.reference_lines: list[tuple[np.ndarray, np.ndarray]] = []  # other views' planes (patient mm)
        # extra layers painted over the image (study link, key image mark, presentation state): callables
        # (painter, viewport) owned by other modules, so this widget stays free of their models
        self.overlays: list[Any] = []
        self._magnifier: QPointF | None = None  # cursor position while the magnifier is held
        self._cache_key: tuple[object, ...] | None = None
        self._cache: tuple[np.ndarray, QImage] | None = None
        self.last_paint_ms = 0.0
        self._banner_bottom = 22.0  # where the banner ended at the last paint (overlays go below it)
        self._banner_points = BANNER_POINTS
        self._top_text_bottom = 22.0
        self._bottom_text_lines = 3

    def _size(self) -> tuple[int, int]:
        return self.width(), self.height()

    def _image(self) -> QImage | None:
        view = self.view
        assert view is not None
        state = view.state
        loaded = view.series.is_loaded(state.index)
        key = (
            id(view.series),
            state.index,
            state.window,
            state.use_voi_lut,
            state.invert,
            state.rotation,
            state.flipped,
            loaded,
            view.series.version,
        )
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
                self._text_centre(painter, QCoreApplication.translate("Viewport", "Glissez une série ici"))
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
            failed = view.series.is_failed(view.state.index)
            self._text_centre(
                painter,
                QCoreApplication.translate("Viewport", "image illisible")
                if failed
                else QCoreApplication.translate("Viewport", "chargement…"),
                RED if failed else WHITE,
            )
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
        target = QRectF(
            centre.x() + (left - centre.x()) * factor,
            centre.y() + (top - centre.y()) * factor,
            width * factor,
            height * factor,
        )
        clip = QPainterPath()
        clip.addEllipse(centre, MAGNIFIER_RADIUS, MAGNIFIER_RADIUS)
        painter.save()
        painter.setClipPath(clip)
        painter.fillRect(
            QRectF(
                centre.x() - MAGNIFIER_RADIUS,
                centre.y() - MAGNIFIER_RADIUS,
                2 * MAGNIFIER_RADIUS,
                2 * MAGNIFIER_RADIUS,
            ),
            Qt.GlobalColor.black,
        )
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

    def _shadowed(
        self, painter: QPainter, rect: QRectF, flags: Qt.AlignmentFlag, text: str, colour: QColor = WHITE
    ) -> None:
        painter.setPen(QColor(0, 0, 0))
        painter.drawText(rect.translated(1, 1), int(flags), text)
        painter.setPen(colour)
        painter.drawText(rect, int(flags), text)

    def _text_centre(self, painter: QPainter, text: str, colour: QColor = WHITE) -> None:
        self._font(painter, size=12)
        self._shadowed(painter, QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, text, colour)

    def banner_lines(self) -> list[str]:
        """The identity line (and the study date) painted top left."""
        lines = [self.banner or QCoreApplication.translate("Viewport", "Patient non identifié")]
        series = self.series
        if series is not None and series.study_date:
            lines.append(
                QCoreApplication.translate("Viewport", "Examen du {date}").format(date=series.study_date)
            )
        return lines

    def corner_texts(self) -> dict[str, list[str]]:
        """The lines painted in the corners of the image ("top_right", "bottom_left", "bottom_right";
        "lossy" for the red warning), in the interface language; empty without a view."""
        view = self.view
        if view is None:
            return {}
        series, state = view.series, view.state
        top_right = [t for t in (self.title, texts.series_label(series)) if t]
        top_right.append(
            QCoreApplication.translate("Viewport", "Image {number}/{count}").format(
                number=state.index + 1, count=series.shape[0]
            )
        )
        position = series.position_along_normal(state.index)
        thickness = series.slice_thickness(state.index)
        place = []
        if position is not None:
            place.append(
                QCoreApplication.translate("Viewport", "Pos. {position} mm").format(
                    position=texts.number(position)
                )
            )
        if thickness:
            place.append(
                QCoreApplication.translate("Viewport", "Ép. {thickness} mm").format(
                    thickness=texts.number(thickness)
                )
            )
        if place:
            top_right.append(" — ".join(place))
        # a reformat of a rebuilt volume says so on every view: « rééchantillonné au pas de 2,62 mm »
        derived = [texts.warning_text(mark) for mark in series.marks()]
        bottom_left = []
        if not series.is_colour:
            if state.use_voi_lut:
                window = QCoreApplication.translate("Viewport", "Fenêtre LUT VOI")
            else:
                window = QCoreApplication.translate("Viewport", "Fenêtre C {centre} / L {width}").format(
                    centre=texts.number(state.window.center, 0), width=texts.number(state.window.width, 0)
                )
            bottom_left.append(
                window + (QCoreApplication.translate("Viewport", " — inversé") if state.invert else "")
            )
        bottom_left.append(
            QCoreApplication.translate("Viewport", "Zoom {percent} %").format(
                percent=f"{state.zoom * 100:.0f}"
            )
        )
        if self._cine.isActive():
            bottom_left.append(
                QCoreApplication.translate("Viewport", "Ciné {rate} im/s").format(rate=CINE_FPS)
            )
        lossy = (
            [QCoreApplication.translate("Viewport", "Image compressée avec perte")] if series.lossy else []
        )
        return {
            "top_right": top_right,
            "bottom_left": bottom_left,
            "bottom_right": [self._probe] if self._probe else [],
            "lossy": lossy,
            "derived": [" — ".join(derived)] if derived else [],
        }

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
        self._shadowed(
            painter,
            QRectF(6, y, w - 12, step * len(top_right)),
            right | Qt.AlignmentFlag.AlignTop,
            "\n".join(top_right),
        )
        y += step * len(top_right)
        if corners["derived"]:  # under the plane's lines, in the colour of the warnings
            self._font(painter, bold=True, size=9)
            self._shadowed(
                painter,
                QRectF(6, y, w - 12, step),
                right | Qt.AlignmentFlag.AlignTop,
                corners["derived"][0],
                ORANGE,
            )
            y += step
            self._font(painter)
        self._top_text_bottom = y
        bottom_left = corners["bottom_left"][:1] if small else corners["bottom_left"]
        self._shadowed(
            painter,
            QRectF(6, h - 4 - step * (len(bottom_left) + 1), w - 12, step * (len(bottom_left) + 1)),
            Qt.AlignmentFlag.AlignLeft | bottom,
            "\n".join(bottom_left),
        )
        self._shadowed(
            painter,
            QRectF(6, h - 4 - step * 3, w - 12, step * 2),
            right | bottom,
            "\n".join(corners["bottom_right"]),
        )
        self._bottom_text_lines = len(bottom_left) + 1
        if corners["lossy"]:
            self._font(painter, bold=True)
            self._shadowed(
                painter, QRectF(6, h - 4 - step, w - 12, step), right | bottom, corners["lossy"][0], RED
            )

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
            direction = column * plane.column_mm * np.asarray(
                plane.row_direction
            ) + row * plane.row_mm * np.asarray(plane.column_direction)
            return texts.orientation_text(orientation_letters(direction))

        return {
            "right": letters(1, 0),
            "left": letters(-1, 0),
            "top": letters(0, -1),
            "bottom": letters(0, 1),
        }

    def _paint_orientation(self, painter: QPainter) -> None:
        marks = self.orientation_marks()
        if not marks:
            return
        self._font(painter, bold=True, size=12)
        step = painter.fontMetrics().height()
        box = 3 * step  # room for two letters (« HP »)
        w, h = self.width(), self.height()
        centre = Qt.AlignmentFlag.AlignCenter
        self._shadowed(
            painter, QRectF(w - box - 6, h / 2 - step / 2, box, step), centre, marks["right"], CYAN
        )
        self._shadowed(painter, QRectF(6, h / 2 - step / 2, box, step), centre, marks["left"], CYAN)
        top = max(self._banner_bottom, self._top_text_bottom)  # under the texts of the top corners
        self._shadowed(painter, QRectF(w / 2 - box / 2, top, box, step), centre, marks["top"], CYAN)
        self._font(painter)
        above = (self._bottom_text_lines + 0.5) * painter.fontMetrics().height() + 4
        self._shadowed(
            painter, QRectF(w / 2 - box / 2, h - above - step, box, step), centre, marks["bottom"], CYAN
        )

    def mm_per_display_pixel(self) -> float | None:
        """Millimetres per screen pixel along the horizontal, None without calibration."""
        view = self.view
        if view is None:
            return None
        series = view.series
        if series.spacing.source is SpacingSource.NONE:
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
        self._shadowed(
            painter,
            QRectF(x0, y - 4 - line, max(length_px, 4.0 * line), line),
            Qt.AlignmentFlag.AlignCenter,
            text,
        )

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
        shapes = self._store.on_slice(view.series, view.state.index)
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
