"""The viewer's MPR layout: three reformatted planes with a crosshair, oblique turns, slabs, and the 3D
view in the fourth cell. The geometry (crosshair lines, moving along a normal, oblique planes) is
Qt-free in :mod:`viewer.mpr`; this only wires it to the views (split from :mod:`viewer.qt.viewer_widget`).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QStackedWidget,
    QWidget,
)

from viewer.mpr import NotAVolume, ReformatSeries, crosshair_lines, oblique_stacks, onto_plane
from viewer.qt import texts
from viewer.qt.viewer_loading import StudyLoading
from viewer.qt.viewport import Viewport
from viewer.series import Series
from viewer.tools import Tool

log = logging.getLogger(__name__)


class MprViews(StudyLoading):
    """Entering and leaving MPR, the crosshair and the 3D view; the viewer widget derives from it."""

    pages: QStackedWidget
    _mpr_page: QWidget
    _fourth: QStackedWidget
    mpr_info: QLabel
    volume_view: Any
    _mpr_series: Series | None
    _mpr_stacks: list[ReformatSeries]
    _mpr_straight: list[ReformatSeries]
    _crosshair: np.ndarray | None
    _moving_crosshair: bool
    _calibration: np.ndarray | None

    def toggle_mpr(self) -> None:
        if self.pages.currentWidget() is self._mpr_page:
            self._leave_mpr()
        else:
            self.enter_mpr()

    def enter_mpr(self, series: Series | None = None) -> bool:
        """Axial, coronal and sagittal reformats of the active viewport's series, with a crosshair."""
        source = series or self._active.series
        if isinstance(source, ReformatSeries):
            source = source.source
        if source is None:
            self._show_mpr_refusal(QCoreApplication.translate("ViewerWidget", "Aucune série affichée."))
            return False
        if not source.complete:
            self._show_mpr_refusal(
                QCoreApplication.translate(
                    "ViewerWidget", "La série est encore en cours de chargement : MPR disponible à la fin."
                )
            )
            return False
        # a tilted or unevenly spaced stack is rebuilt first (a second or two for hundreds of slices)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            stacks = ReformatSeries.three(source)
        except NotAVolume as exc:
            log.info("no MPR: %s", exc)
            self._show_mpr_refusal(
                QCoreApplication.translate("ViewerWidget", "Reconstruction impossible : {reason}.").format(
                    reason=texts.reason_text(exc.message_fr)
                )
            )
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self._mpr_series, self._mpr_stacks, self._mpr_straight = source, stacks, list(stacks)
        window = self._active.view.state.window if self._active.view is not None else None
        for viewport, stack in zip(self.mpr_viewports, stacks, strict=True):
            view = self._slice_view(stack)
            if window is not None:
                view.apply_window(window)
            viewport.title = texts.plane_title(stack.name)
            viewport.set_view(view, self._banner)
        notes = [texts.warning_text(w.message) for w in source.warnings]
        grid = stacks[0].data.grid
        if grid.direct:
            how = QCoreApplication.translate(
                "ViewerWidget", "Volume MPR/3D : coupes d'origine, grille régulière de {step} mm."
            ).format(step=texts.number(grid.step_mm, 2))
        else:
            how = QCoreApplication.translate(
                "ViewerWidget",
                "Volume MPR/3D reconstruit d'après la position de chaque coupe : {marks} "
                "(grille {rows} x {columns} x {planes}).",
            ).format(
                marks=", ".join(texts.warning_text(m) for m in stacks[0].marks()),
                rows=grid.shape[1],
                columns=grid.shape[2],
                planes=grid.shape[0],
            )
        self.mpr_info.setText("\n\n".join([texts.series_label(source), how, *notes]))
        self.pages.setCurrentWidget(self._mpr_page)
        self._apply_slab()
        self.set_crosshair(stacks[0].grid.centre())
        if self.oblique_angle.value() != 0.0:
            self._apply_oblique()
        for viewport in self.mpr_viewports:  # navigation first: a click places the crosshair
            viewport.tool = Tool.CROSSHAIR
        self._set_active(self.mpr_viewports[0])
        self.mpr_action.setChecked(True)
        return True

    def _show_mpr_refusal(self, text: str) -> None:
        self._warnings = [w for w in self._warnings if not w.startswith("MPR")]
        self._warnings.append(
            QCoreApplication.translate("ViewerWidget", "MPR : {message}").format(message=text)
        )
        self._update_messages()
        self.mpr_action.setChecked(False)

    def _leave_mpr(self) -> None:
        if not hasattr(self, "pages") or self.pages.currentWidget() is not self._mpr_page:
            if hasattr(self, "mpr_action"):
                self.mpr_action.setChecked(False)
            return
        self.pages.setCurrentWidget(self._grid_page)
        self._mpr_series, self._mpr_stacks, self._crosshair = None, [], None
        self._mpr_straight = []
        for viewport in self.mpr_viewports:
            viewport.crosshair_lines = []
        if self.volume_view is not None:
            self.volume_view.clear()
            self._fourth.setCurrentWidget(self.mpr_info)
            self.volume_action.setChecked(False)
        for viewport in self.mpr_viewports:
            viewport.set_view(None)
            viewport.crosshair = None
        self.mpr_action.setChecked(False)
        self._set_active(self.viewports[0])

    def toggle_3d(self) -> None:
        if self._fourth.currentWidget() is not self.mpr_info and self.volume_view is not None:
            self._fourth.setCurrentWidget(self.mpr_info)
            self.volume_view.clear()
            self.volume_action.setChecked(False)
        else:
            self.show_3d()

    def show_3d(self) -> bool:
        """Volume rendering of the MPR series (entering MPR first) in the fourth view."""
        if self.pages.currentWidget() is not self._mpr_page and not self.enter_mpr():
            self.volume_action.setChecked(False)
            return False
        if self.volume_view is None:
            from viewer.qt.volume3d import VolumeView

            self.volume_view = VolumeView(self._fourth)
            self.volume_view.set_calibration(self._calibration)
            self._fourth.addWidget(self.volume_view)
        self._fourth.setCurrentWidget(self.volume_view)
        assert self._mpr_series is not None
        shown = bool(self.volume_view.set_series(self._mpr_series))
        if shown:
            self.volume_view.render()
        self.volume_action.setChecked(shown)
        return shown

    def set_crosshair(self, point: np.ndarray) -> None:
        """Move the MPR crosshair to a patient point: every plane goes through it."""
        self._crosshair = np.asarray(point, dtype=np.float64)
        self._moving_crosshair = True
        try:
            for viewport, stack in zip(self.mpr_viewports, self._mpr_stacks, strict=False):
                viewport.crosshair = self._crosshair
                if viewport.view is not None:
                    viewport.view.set_index(stack.index_of(self._crosshair))
        finally:
            self._moving_crosshair = False
        self._update_crosshair_lines()

    def _update_crosshair_lines(self) -> None:
        ports = [v for v in self.mpr_viewports if v.view is not None]
        views = [
            (v.view.series.plane(v.view.state.index), v.view.series.shape[1:3])
            for v in ports
            if v.view is not None
        ]
        for viewport, lines in zip(ports, crosshair_lines(views), strict=True):
            viewport.crosshair_lines = lines
            viewport.update()

    def _mpr_index_changed(self, source: Viewport) -> None:
        """Scrolling one MPR view moves the crosshair along its normal: the others keep their plane."""
        if self._moving_crosshair or self._crosshair is None or source.view is None:
            return
        self._crosshair = onto_plane(self._crosshair, source.view.series.plane(source.view.state.index))
        for viewport in self.mpr_viewports:
            viewport.crosshair = self._crosshair
        self._update_crosshair_lines()

    def _apply_oblique(self) -> None:
        """Turn the coronal and sagittal planes about the axial normal through the crosshair."""
        if self.pages.currentWidget() is not self._mpr_page or self._mpr_series is None:
            return
        stacks = oblique_stacks(
            self._mpr_series, self._mpr_straight, float(self.oblique_angle.value()), texts.oblique_name
        )
        self._mpr_stacks = stacks
        for viewport, stack in zip(self.mpr_viewports[1:], stacks[1:], strict=True):
            window = viewport.view.state.window if viewport.view is not None else None
            view = self._slice_view(stack)
            if window is not None:
                view.apply_window(window)
            viewport.title = texts.plane_title(stack.name)
            viewport.set_view(view, self._banner)
        self._apply_slab()
        if self._crosshair is not None:
            self.set_crosshair(self._crosshair)

    def _apply_slab(self) -> None:
        mode = self.slab_mode.currentData()
        for viewport, stack in zip(self.mpr_viewports, self._mpr_stacks, strict=False):
            stack.set_slab(mode, self.slab_thickness.value())
            viewport.update()
