"""The link between two viewers (today's exam and a prior): scrolling, and optionally window and zoom.

The geometry is :mod:`viewer.linking`'s; this module only listens to the viewports of both viewers,
moves the other side and paints the state of the link on every viewport (a radiologist must always
see whether the prior follows, and by which rule). Different Frames of Reference are linked only
after the radiologist has shown the same landmark on both sides (:meth:`StudyLink.link` measures the
offset then); until then the viewports say so.
"""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter

from viewer.linking import NotLinkable, StackLink, check_parallel, linked_zoom, same_frame
from viewer.qt import texts
from viewer.qt.viewer_widget import ViewerWidget
from viewer.qt.viewport import Viewport
from viewer.stack import DisplayableStack

log = logging.getLogger(__name__)

LINK_COLOUR = QColor(120, 200, 255)
WARN_COLOUR = QColor(255, 170, 60)


def _stack(viewport: Viewport) -> DisplayableStack | None:
    series = viewport.series
    if series is None or series.geometry is None:  # a reformat has no acquisition positions
        return None
    return series


class StudyLink(QObject):
    """Links the visible viewports of ``current`` with those of ``prior`` (stacks that are parallel)."""

    changed = Signal()

    def __init__(self, current: ViewerWidget, prior: ViewerWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.current, self.prior = current, prior
        self.enabled = False
        self.link_window = False
        self.link_zoom = False
        self.message = ""  # French: why the last link attempt failed
        # offset vectors per (current frame, prior frame); a shared frame needs none
        self._offsets: dict[tuple[str, str], tuple[float, float, float]] = {}
        self._syncing = False
        self._subscribed: set[int] = set()
        self._landings: dict[int, tuple[bool, float]] = {}  # viewport id -> (covered, distance mm)
        for viewer, side in ((current, True), (prior, False)):
            for viewport in viewer.viewports:
                viewport.indexChanged.connect(lambda _i, v=viewport, s=side: self._scrolled(v, s))
                viewport.overlays.append(self._paint)
        self._repaint()

    # --- state -------------------------------------------------------------------------------------
    def _ports(self, viewer: ViewerWidget) -> list[Viewport]:
        return [v for v in viewer.visible_viewports() if _stack(v) is not None]

    def _link_for(self, source: Any, target: Any, source_is_current: bool) -> StackLink | None:
        try:
            check_parallel(source, target)
        except NotLinkable:
            return None
        if same_frame(source, target):
            return StackLink()
        current, prior = (source, target) if source_is_current else (target, source)
        offset = self._offsets.get((current.frame_of_reference_uid, prior.frame_of_reference_uid))
        if offset is None:
            return None
        link = StackLink(offset, False)
        return link if source_is_current else link.reversed()

    def pending(self) -> bool:
        """Shown stacks of different frames of reference that have no offset yet."""
        for mine in self._ports(self.current):
            for theirs in self._ports(self.prior):
                try:
                    check_parallel(mine.series, theirs.series)
                except NotLinkable:
                    continue
                if self._link_for(mine.series, theirs.series, True) is None:
                    return True
        return False

    def link(self) -> bool:
        """Link now. Pairs of different frames take the offset between the slices shown at this moment
        (the radiologist has aligned a landmark): the active viewport of today's exam against the first
        parallel viewport of the prior. False (with :attr:`message`) when nothing can be linked."""
        self.message = ""
        currents, priors = self._ports(self.current), self._ports(self.prior)
        if not currents or not priors:
            self.message = self.tr("Aucune série en coupes à lier des deux côtés.")
            self.changed.emit()
            return False
        active = self.current.active_viewport
        first = active if active in currents else currents[0]
        linked = False
        reasons: list[str] = []
        for theirs in priors:
            for mine in [first, *[c for c in currents if c is not first]]:
                try:
                    check_parallel(mine.series, theirs.series)
                except NotLinkable as exc:
                    reasons.append(texts.reason_text(exc.message_fr))
                    continue
                if not same_frame(mine.series, theirs.series):
                    key = (mine.series.frame_of_reference_uid, theirs.series.frame_of_reference_uid)
                    if key not in self._offsets:
                        assert mine.view is not None and theirs.view is not None
                        aligned = StackLink.aligned(mine.series, mine.view.state.index,
                                                    theirs.series, theirs.view.state.index)
                        self._offsets[key] = aligned.offset
                        log.info("study link: offset %.1f mm between frames of reference",
                                 aligned.offset_along(mine.series.geometry.normal))
                linked = True
                break
        if not linked:
            self.message = self.tr("Liaison impossible : {reason}.").format(
                reason=reasons[0] if reasons else self.tr("séries non comparables"))
            self.enabled = False
        else:
            self.enabled = True
            self._follow(first, True)
        self.changed.emit()
        self._repaint()
        return linked

    def unlink(self, forget_offsets: bool = False) -> None:
        self.enabled = False
        self._landings.clear()
        if forget_offsets:
            self._offsets.clear()
        self.changed.emit()
        self._repaint()

    def realign(self) -> bool:
        """Forget the offsets and link again on the slices shown now (a new landmark)."""
        self._offsets.clear()
        return self.link()

    def offset_mm(self) -> float | None:
        """The offset of the first linked pair along today's normal (None: same frame or not linked)."""
        for mine in self._ports(self.current):
            for theirs in self._ports(self.prior):
                if same_frame(mine.series, theirs.series):
                    continue
                link = self._link_for(mine.series, theirs.series, True)
                if link is not None:
                    return link.offset_along(mine.series.geometry.normal)
        return None

    # --- following -----------------------------------------------------------------------------------
    def _scrolled(self, viewport: Viewport, from_current: bool) -> None:
        if not self.enabled or self._syncing or viewport.view is None:
            return
        viewer = self.current if from_current else self.prior
        if viewport not in viewer.visible_viewports():
            return
        self._follow(viewport, from_current)

    def _follow(self, source: Viewport, from_current: bool) -> None:
        series = _stack(source)
        if series is None or source.view is None:
            return
        others = self._ports(self.prior if from_current else self.current)
        self._syncing = True
        try:
            for target in others:
                link = self._link_for(series, target.series, from_current)
                if link is None or target.view is None:
                    continue
                landing = link.land(series, source.view.state.index, target.series)
                target.view.set_index(landing.index)
                self._landings[id(target)] = (landing.covered, landing.distance_mm)
                self._landings[id(source)] = (True, 0.0)
                target.update()
        finally:
            self._syncing = False

    def _state_changed(self, viewport: Viewport, view: Any, from_current: bool, state: Any) -> None:
        """Window and zoom follow when asked (the index has its own signal)."""
        if not self.enabled or self._syncing or viewport.view is not view:
            return
        if not (self.link_window or self.link_zoom):
            return
        targets = self._ports(self.prior if from_current else self.current)
        self._syncing = True
        try:
            for target in targets:
                other = target.view
                if other is None or other is view:
                    continue
                if self._link_for(view.series, target.series, from_current) is None:
                    continue
                if (self.link_window and not view.series.is_colour and not other.series.is_colour
                        and view.series.modality == other.series.modality
                        and other.state.window != state.window):
                    other.apply_window(state.window)
                if self.link_zoom:
                    wanted = linked_zoom(state.zoom, view.series.spacing.column_mm,
                                         other.series.spacing.column_mm)
                    if abs(wanted - other.state.zoom) > 1e-3 * wanted:
                        other.zoom_by(wanted / other.state.zoom)
        finally:
            self._syncing = False

    def _subscribe(self, viewport: Viewport) -> None:
        view = viewport.view
        if view is None or id(view) in self._subscribed:
            return
        self._subscribed.add(id(view))
        from_current = viewport in self.current.viewports
        view.subscribe(lambda state, v=viewport, w=view, s=from_current: self._state_changed(v, w, s, state))

    def _repaint(self) -> None:
        for viewer in (self.current, self.prior):
            for viewport in viewer.visible_viewports():
                viewport.update()

    # --- painting ------------------------------------------------------------------------------------
    def label(self, viewport: Viewport) -> tuple[str, QColor] | None:
        """What the viewport says of the link (None: nothing to say)."""
        if _stack(viewport) is None:
            return None
        self._subscribe(viewport)
        mine = viewport in self.current.viewports
        others = self._ports(self.prior if mine else self.current)
        if not others:
            return None
        if not self.enabled:
            if self.pending():
                return (self.tr("Repères différents : alignez un repère puis liez (Shift+L)"), WARN_COLOUR)
            return None
        covered, distance = self._landings.get(id(viewport), (True, 0.0))
        if not covered:
            return (self.tr("⇆ Hors de la zone couverte ({distance} mm de la coupe la plus proche)").format(
                distance=texts.number(distance, 1)), WARN_COLOUR)
        offset = self.offset_mm()
        if offset is not None and abs(offset) < 0.05:
            offset = 0.0  # never "-0,0 mm"
        side = self.tr("l'antérieur") if mine else self.tr("l'examen du jour")
        if offset is None:
            text = self.tr("⇆ Lié à {side} (même repère)").format(side=side)
        else:
            text = self.tr("⇆ Lié à {side} (décalage {offset} mm)").format(
                side=side, offset=texts.number(round(offset if mine else -offset, 1) + 0.0, 1))
        options = ((self.tr("fenêtre"), self.link_window), (self.tr("zoom"), self.link_zoom))
        extras = [word for word, on in options if on]
        if extras:
            text += " + " + ", ".join(extras)
        return text, LINK_COLOUR

    def _paint(self, painter: QPainter, viewport: Viewport) -> None:
        found = self.label(viewport)
        if found is None:
            return
        text, colour = found
        painter.save()
        font = QFont(painter.font())
        font.setPointSize(10)
        font.setBold(True)
        painter.setFont(font)
        # above the P letter and the scale, wrapped on two lines in a narrow viewport (never cut)
        rect = QRectF(8, viewport.height() - 118, viewport.width() - 16, 36)
        flags = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom | Qt.TextFlag.TextWordWrap)
        painter.setPen(QColor(0, 0, 0))
        painter.drawText(rect.translated(QPointF(1, 1)), flags, text)
        painter.setPen(colour)
        painter.drawText(rect, flags, text)
        painter.restore()

    def detach(self) -> None:
        """Stop painting on the viewports (the prior viewer is going away)."""
        self.enabled = False
        for viewer in (self.current, self.prior):
            for viewport in viewer.viewports:
                if self._paint in viewport.overlays:
                    viewport.overlays.remove(self._paint)

