"""The 3D view in Qt: a :class:`viewer.volume_render.VolumeScene` in a QVTKRenderWindowInteractor, with a
preset selector. Trackball rotation and zoom come from VTK's interactor; pixels are read back with
vtkWindowToImageFilter (``QWidget.grab()`` of a VTK widget returns garbage, STACK-NOTES).
"""
from __future__ import annotations

import logging

import numpy as np
import vtkmodules.qt

vtkmodules.qt.PyQtImpl = "PySide6"  # before QVTKRenderWindowInteractor is imported

import vtkmodules.vtkInteractionStyle  # noqa: E402  (trackball camera style)
from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget  # noqa: E402
from vtkmodules.qt.QVTKRenderWindowInteractor import QVTKRenderWindowInteractor  # noqa: E402
from vtkmodules.vtkInteractionStyle import vtkInteractorStyleTrackballCamera  # noqa: E402

from viewer.presets import VOLUME_PRESETS, VolumePreset  # noqa: E402
from viewer.qt import texts  # noqa: E402
from viewer.series import Series  # noqa: E402
from viewer.volume import marks  # noqa: E402
from viewer.volume_render import NotRenderable, VolumeScene, read_pixels  # noqa: E402

log = logging.getLogger(__name__)


class VolumeView(QWidget):
    """A 3D view of one series with a preset selector; ``render_pixels()`` reads back what is shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.presets = QComboBox(self)
        self.presets.setToolTip(self.tr("Préréglage du rendu volumique"))
        for preset in VOLUME_PRESETS:
            self.presets.addItem(texts.volume_preset_name(preset))
        self.presets.currentIndexChanged.connect(lambda k: self.set_preset(VOLUME_PRESETS[k]))
        self.status = QLabel(self)
        self.vtk_widget = QVTKRenderWindowInteractor(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.presets)
        layout.addWidget(self.vtk_widget, 1)
        layout.addWidget(self.status)
        self.scene = VolumeScene()
        self.renderer = self.scene.renderer
        self.window = self.vtk_widget.GetRenderWindow()
        self.window.AddRenderer(self.renderer)
        self.vtk_widget.SetInteractorStyle(vtkInteractorStyleTrackballCamera())
        VolumeScene.configure_interactor(self.vtk_widget)  # fluid while turning, full quality on release
        self._started = False
        self._calibration: np.ndarray | None = None  # the screen's GSDF table (viewer.gsdf), None: identity

    @property
    def series(self) -> Series | None:
        return self.scene.series

    def set_series(self, series: Series) -> bool:
        """Render ``series``; False (with a status saying why) when it is not a greyscale 3D stack."""
        try:
            self.scene.set_series(series)
        except NotRenderable as exc:
            log.info("no 3D rendering: %s", exc)
            self.status.setText(self.tr("Rendu 3D impossible : {reason}.").format(
                reason=texts.reason_text(exc.message_fr)))
            return False
        self._calibrate_colours()
        self._show_status(series, self.scene.preset)
        return True

    def set_calibration(self, calibration: np.ndarray | None) -> None:
        """The screen's GSDF table, as the 2D views have it (``ViewerWidget.set_calibration``)."""
        self._calibration = calibration
        if self.series is not None:
            self.set_preset(self.scene.preset, render=self._started)

    def _calibrate_colours(self) -> None:
        """Pass the preset's colours through the calibration table, as the 2D views pass their grey
        levels: exact for the grey of a MIP and for every node of the transfer function; the
        blending between nodes and the shading stay linear in driving level (VTK composites there)."""
        table = self._calibration
        if table is None or self.scene.volume is None:
            return
        colours = self.scene.volume.GetProperty().GetRGBTransferFunction()
        top = len(table) - 1
        node = [0.0] * 6
        for index in range(colours.GetSize()):
            colours.GetNodeValue(index, node)
            for channel in (1, 2, 3):
                level = round(min(1.0, max(0.0, node[channel])) * top)
                node[channel] = float(table[level]) / top
            colours.SetNodeValue(index, node)

    def set_preset(self, preset: VolumePreset, render: bool = True) -> None:
        self.scene.set_preset(preset)
        self._calibrate_colours()
        if self.series is not None:
            self._show_status(self.series, preset)
            if render:
                self.render()

    def _show_status(self, series: Series, preset: VolumePreset) -> None:
        text = f"{texts.series_label(series)} — {texts.volume_preset_name(preset)}"
        data = self.scene.data
        if data is not None and data.rebuilt:  # a derived view says how its volume was made
            text += " — " + " — ".join(texts.warning_text(mark) for mark in marks(data.grid))
        self.status.setText(text)

    def anterior_view(self) -> None:
        self.scene.anterior_view()

    def render(self) -> None:
        if not self._started:
            self.vtk_widget.Initialize()
            self._started = True
        self.window.Render()

    def render_pixels(self) -> np.ndarray:
        """What the 3D view shows, (height, width, 3) uint8, top row first."""
        self.render()
        return read_pixels(self.window)

    def clear(self) -> None:
        self.scene.clear()
        self.status.setText("")

    def shutdown(self) -> None:
        """Release the render window (close before Finalize, or pytest-qt crashes afterwards)."""
        self.scene.clear()
        self.vtk_widget.close()
        self.vtk_widget.Finalize()
