"""3D volume rendering of a series with VTK, embedded in Qt.

The CPU ray caster (vtkFixedPointVolumeRayCastMapper) is used, not the GPU mapper: on the software
OpenGL of these machines (llvmpipe) it is several times faster (STACK-NOTES: 7.5-14 fps against 1-2 on a
256³ volume). The series' int16 volume is handed to VTK without a copy; the transfer functions of the
presets, written in HU, are converted to stored values with the series' rescale. The volume is placed in
the patient by the index-to-patient matrix, so the camera presets (anterior view, head up) are true.
"""
from __future__ import annotations

import logging

import numpy as np
import vtkmodules.qt

vtkmodules.qt.PyQtImpl = "PySide6"  # before QVTKRenderWindowInteractor is imported

import vtkmodules.vtkInteractionStyle  # noqa: E402  (trackball camera style)
import vtkmodules.vtkRenderingOpenGL2  # noqa: E402  (the OpenGL render window)
import vtkmodules.vtkRenderingVolumeOpenGL2  # noqa: E402  (volume mapper factories)
from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget  # noqa: E402
from vtkmodules.qt.QVTKRenderWindowInteractor import QVTKRenderWindowInteractor  # noqa: E402
from vtkmodules.util import numpy_support  # noqa: E402
from vtkmodules.vtkCommonDataModel import vtkImageData, vtkPiecewiseFunction  # noqa: E402
from vtkmodules.vtkCommonMath import vtkMatrix4x4  # noqa: E402
from vtkmodules.vtkInteractionStyle import vtkInteractorStyleTrackballCamera  # noqa: E402
from vtkmodules.vtkRenderingCore import (  # noqa: E402
    vtkColorTransferFunction,
    vtkRenderer,
    vtkVolume,
    vtkVolumeProperty,
    vtkWindowToImageFilter,
)
from vtkmodules.vtkRenderingVolume import vtkFixedPointVolumeRayCastMapper  # noqa: E402

from viewer.presets import VOLUME_PRESETS, VolumePreset  # noqa: E402
from viewer.series import Series  # noqa: E402

log = logging.getLogger(__name__)


class VolumeView(QWidget):
    """A 3D view of one series with a preset selector; ``render_pixels()`` reads back what is shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.presets = QComboBox(self)
        self.presets.setToolTip("Préréglage du rendu volumique")
        for preset in VOLUME_PRESETS:
            self.presets.addItem(preset.name)
        self.presets.currentIndexChanged.connect(lambda k: self.set_preset(VOLUME_PRESETS[k]))
        self.status = QLabel(self)
        self.vtk_widget = QVTKRenderWindowInteractor(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.presets)
        layout.addWidget(self.vtk_widget, 1)
        layout.addWidget(self.status)
        self.renderer = vtkRenderer()
        self.renderer.SetBackground(0.0, 0.0, 0.0)
        self.window = self.vtk_widget.GetRenderWindow()
        self.window.AddRenderer(self.renderer)
        self.vtk_widget.SetInteractorStyle(vtkInteractorStyleTrackballCamera())
        self.series: Series | None = None
        self.preset: VolumePreset = VOLUME_PRESETS[0]
        self._image: vtkImageData | None = None
        self._array: object = None  # the VTK array wrapping the volume: kept with the numpy volume
        self._volume: vtkVolume | None = None
        self._property = vtkVolumeProperty()
        self._property.SetInterpolationTypeToLinear()
        self._property.SetAmbient(0.3)
        self._property.SetDiffuse(0.7)
        self._property.SetSpecular(0.2)
        self._started = False

    # --- content -----------------------------------------------------------------------------------
    def set_series(self, series: Series) -> bool:
        """Render ``series``; False (with a French status) when it is not a greyscale 3D stack."""
        geometry = series.geometry
        if geometry is None or series.is_colour or series.shape[0] < 2 or not series.complete:
            self.status.setText("Rendu 3D impossible : il faut une pile complète de coupes en niveaux "
                                "de gris.")
            return False
        self.series = series
        volume = series.volume
        image = vtkImageData()
        image.SetDimensions(volume.shape[2], volume.shape[1], volume.shape[0])
        matrix = geometry.index_to_patient()  # (j, i, k, 1) -> patient
        spacing = np.linalg.norm(matrix[:3, :3], axis=0)
        image.SetSpacing(*spacing)
        self._array = numpy_support.numpy_to_vtk(volume.reshape(-1), deep=False)
        image.GetPointData().SetScalars(self._array)
        self._image = image
        placement = vtkMatrix4x4()  # from the image's (spaced) axes to the patient
        for row in range(3):
            for column in range(3):
                placement.SetElement(row, column, matrix[row, column] / spacing[column])
            placement.SetElement(row, 3, matrix[row, 3])
        mapper = vtkFixedPointVolumeRayCastMapper()
        mapper.SetInputData(image)
        mapper.SetAutoAdjustSampleDistances(True)
        actor = vtkVolume()
        actor.SetMapper(mapper)
        actor.SetProperty(self._property)
        actor.SetUserMatrix(placement)
        if self._volume is not None:
            self.renderer.RemoveVolume(self._volume)
        self._volume = actor
        self.renderer.AddVolume(actor)
        self.set_preset(self.preset, render=False)
        self.anterior_view()
        self.status.setText(f"{series.label} — {self.preset.name}")
        return True

    def set_preset(self, preset: VolumePreset, render: bool = True) -> None:
        self.preset = preset
        if self.series is None:
            return
        slope, intercept = self.series.rescale(self.series.shape[0] // 2)
        slope = slope or 1.0

        def stored(value: float) -> float:
            return (value - intercept) / slope

        opacity = vtkPiecewiseFunction()
        for value, alpha in preset.opacity:
            opacity.AddPoint(stored(value), alpha)
        colour = vtkColorTransferFunction()
        for value, r, g, b in preset.colour:
            colour.AddRGBPoint(stored(value), r, g, b)
        self._property.SetScalarOpacity(opacity)
        self._property.SetColor(colour)
        self._property.SetShade(preset.shade)
        self.status.setText(f"{self.series.label} — {preset.name}")
        if render:
            self.render()

    def anterior_view(self) -> None:
        """Seen from the front, head up, parallel projection framing the whole volume."""
        if self._volume is None:
            return
        bounds = self._volume.GetBounds()
        centre = np.array([(bounds[0] + bounds[1]) / 2, (bounds[2] + bounds[3]) / 2,
                           (bounds[4] + bounds[5]) / 2])
        extent = max(bounds[1] - bounds[0], bounds[5] - bounds[4], 1.0)
        camera = self.renderer.GetActiveCamera()
        camera.ParallelProjectionOn()
        camera.SetFocalPoint(*centre)
        camera.SetPosition(*(centre + np.array([0.0, -4.0 * extent, 0.0])))  # anterior is -y (LPS)
        camera.SetViewUp(0.0, 0.0, 1.0)
        camera.SetParallelScale(0.55 * extent)
        self.renderer.ResetCameraClippingRange()

    # --- drawing -----------------------------------------------------------------------------------
    def render(self) -> None:
        if not self._started:
            self.vtk_widget.Initialize()
            self._started = True
        self.window.Render()

    def render_pixels(self) -> np.ndarray:
        """What the 3D view shows, (height, width, 3) uint8, top row first (vtkWindowToImageFilter)."""
        self.render()
        grab = vtkWindowToImageFilter()
        grab.SetInput(self.window)
        grab.ReadFrontBufferOff()
        grab.Update()
        output = grab.GetOutput()
        width, height, _ = output.GetDimensions()
        pixels = numpy_support.vtk_to_numpy(output.GetPointData().GetScalars())
        return pixels.reshape(height, width, -1)[::-1, :, :3].copy()

    def clear(self) -> None:
        """Forget the series (its volume is released by VTK and by us)."""
        if self._volume is not None:
            self.renderer.RemoveVolume(self._volume)
        self._volume, self._image, self._array, self.series = None, None, None, None
        self.status.setText("")

    def shutdown(self) -> None:
        """Release the render window (close before Finalize, or pytest-qt crashes afterwards)."""
        if self._volume is not None:
            self.renderer.RemoveVolume(self._volume)
        self.vtk_widget.close()
        self.vtk_widget.Finalize()
