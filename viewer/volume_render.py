"""3D volume rendering of a series with VTK, without Qt: the scene (volume, transfer functions, camera).

The CPU ray caster (vtkFixedPointVolumeRayCastMapper) is used, not the GPU mapper: on the software
OpenGL of these machines (llvmpipe) it is several times faster (STACK-NOTES: 7.5-14 fps against 1-2 on a
256³ volume). The series' int16 volume is handed to VTK without a copy; the transfer functions of the
presets, written in HU, are converted to stored values with the series' rescale. The volume is the series'
:class:`~viewer.volume.RegularVolume` (every slice where its ImagePositionPatient says: a gantry tilt
corrected, uneven spacing resampled), placed in the patient by its grid's orthogonal index-to-patient
matrix, so the camera presets (anterior view, head up) and the millimetres are true.

While the mouse turns the volume, VTK's level of detail keeps it fluid: the mapper adjusts its image
sample distance (rays every 2-4 pixels) to the render window's desired update rate, which the
interactor raises to :data:`INTERACTIVE_UPDATE_RATE` while interacting and drops back to
:data:`STILL_UPDATE_RATE` on release, when it renders once more at full quality. On the 140-slice CT
at 400² that is ~25 fps while turning and a full-quality frame ~0.15 s after release (bench viewer),
against ~7 fps at full quality throughout.

:class:`viewer.qt.volume3d.VolumeView` shows a scene in Qt; the bench renders one off screen.
"""
from __future__ import annotations

import numpy as np
import vtkmodules.vtkRenderingOpenGL2  # the OpenGL render window (registers the factory)
import vtkmodules.vtkRenderingVolumeOpenGL2  # noqa: F401  (volume mapper factories)
from vtkmodules.util import numpy_support
from vtkmodules.vtkCommonDataModel import vtkImageData, vtkPiecewiseFunction
from vtkmodules.vtkCommonMath import vtkMatrix4x4
from vtkmodules.vtkRenderingCore import (
    vtkColorTransferFunction,
    vtkRenderer,
    vtkRenderWindow,
    vtkVolume,
    vtkVolumeProperty,
    vtkWindowToImageFilter,
)
from vtkmodules.vtkRenderingVolume import vtkFixedPointVolumeRayCastMapper

from resources.translations import QT_TRANSLATE_NOOP
from viewer.presets import VOLUME_PRESETS, VolumePreset
from viewer.series import Series
from viewer.volume import NotAVolume, RegularVolume, regular_volume

INTERACTIVE_UPDATE_RATE = 25.0
"""Frames per second the ray caster aims at while the view is turned (VTK adapts the image sample
distance to it, from the previous frame's time): above the 15 fps a rotation needs to look fluid,
with room for a loaded machine."""
STILL_UPDATE_RATE = 0.0001
"""VTK's default still rate: no time budget, every pixel cast (full quality)."""
MAX_INTERACTIVE_IMAGE_SAMPLE_DISTANCE = 4.0
"""At most one ray every 4 pixels while moving (VTK's default 10 makes an unreadable mosaic)."""


class NotRenderable(ValueError):
    """The series cannot be rendered in 3D; ``message_fr`` says why."""

    def __init__(self, detail: str, message_fr: str) -> None:
        super().__init__(detail)
        self.message_fr = message_fr


class VolumeScene:
    """A renderer holding one series as a volume, with a preset and an anterior camera."""

    def __init__(self) -> None:
        self.renderer = vtkRenderer()
        self.renderer.SetBackground(0.0, 0.0, 0.0)
        self.series: Series | None = None
        self.data: RegularVolume | None = None  # the voxels shown, on the series' regular grid
        self.preset: VolumePreset = VOLUME_PRESETS[0]
        self._image: vtkImageData | None = None
        self._array: object = None  # the VTK array wrapping the volume: kept with the numpy volume
        self.volume: vtkVolume | None = None
        self._property = vtkVolumeProperty()
        self._property.SetInterpolationTypeToLinear()
        self._property.SetAmbient(0.3)
        self._property.SetDiffuse(0.7)
        self._property.SetSpecular(0.2)

    def set_series(self, series: Series) -> None:
        geometry = series.geometry
        if geometry is None or series.is_colour or series.shape[0] < 2 or not series.complete:
            raise NotRenderable("not a complete greyscale stack with a geometry",
                                QT_TRANSLATE_NOOP("NotRenderable",
                                                  "il faut une pile complète de coupes en niveaux de gris"))
        try:
            data = regular_volume(series)
        except NotAVolume as refused:
            raise NotRenderable(str(refused), refused.message_fr) from refused
        matrix = data.grid.index_to_patient()  # (j, i, k, 1) -> patient, orthogonal
        spacing = np.linalg.norm(matrix[:3, :3], axis=0)
        volume = data.volume
        image = vtkImageData()
        image.SetDimensions(volume.shape[2], volume.shape[1], volume.shape[0])
        image.SetSpacing(*spacing)
        array = numpy_support.numpy_to_vtk(volume.reshape(-1), deep=False)
        image.GetPointData().SetScalars(array)
        placement = vtkMatrix4x4()  # from the image's (spaced) axes to the patient
        for row in range(3):
            for column in range(3):
                placement.SetElement(row, column, matrix[row, column] / spacing[column])
            placement.SetElement(row, 3, matrix[row, 3])
        mapper = vtkFixedPointVolumeRayCastMapper()
        mapper.SetInputData(image)
        mapper.SetAutoAdjustSampleDistances(True)
        mapper.SetMaximumImageSampleDistance(MAX_INTERACTIVE_IMAGE_SAMPLE_DISTANCE)
        actor = vtkVolume()
        actor.SetMapper(mapper)
        actor.SetProperty(self._property)
        actor.SetUserMatrix(placement)
        self.clear()
        self.series, self._image, self._array, self.volume = series, image, array, actor
        self.data = data
        self.renderer.AddVolume(actor)
        self.set_preset(self.preset)
        self.anterior_view()

    def clear(self) -> None:
        """Forget the series (VTK and this object release their references to its volume)."""
        if self.volume is not None:
            self.renderer.RemoveVolume(self.volume)
        self.volume, self._image, self._array, self.series = None, None, None, None
        self.data = None

    def set_preset(self, preset: VolumePreset) -> None:
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

    @staticmethod
    def configure_interactor(interactor: object) -> None:
        """The update rates a render window interactor hands the window while the user interacts and
        when they stop (VTK's interactor styles switch between them and render once more on release)."""
        interactor.SetDesiredUpdateRate(INTERACTIVE_UPDATE_RATE)  # type: ignore[attr-defined]
        interactor.SetStillUpdateRate(STILL_UPDATE_RATE)  # type: ignore[attr-defined]

    @staticmethod
    def start_interaction(window: vtkRenderWindow) -> None:
        """What the interactor does when a drag starts (for code that renders without one)."""
        window.SetDesiredUpdateRate(INTERACTIVE_UPDATE_RATE)

    @staticmethod
    def end_interaction(window: vtkRenderWindow) -> None:
        """What the interactor does on release, before its full-quality render."""
        window.SetDesiredUpdateRate(STILL_UPDATE_RATE)

    def anterior_view(self) -> None:
        """Seen from the front, head up, parallel projection framing the whole volume."""
        if self.volume is None:
            return
        bounds = self.volume.GetBounds()
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


def read_pixels(window: vtkRenderWindow) -> np.ndarray:
    """What a render window shows, (height, width, 3) uint8, top row first (vtkWindowToImageFilter)."""
    grab = vtkWindowToImageFilter()
    grab.SetInput(window)
    grab.ReadFrontBufferOff()
    grab.Update()
    output = grab.GetOutput()
    width, height, _ = output.GetDimensions()
    pixels = numpy_support.vtk_to_numpy(output.GetPointData().GetScalars())
    return pixels.reshape(height, width, -1)[::-1, :, :3].copy()
