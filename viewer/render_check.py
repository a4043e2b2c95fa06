"""VTK's offscreen rendering, checked by its pixels: the self-test runs :func:`render_probe` in a child
process (a machine without usable OpenGL aborts the process that tries) and asserts what it read back;
a black image is a failure, never "no exception"."""

from __future__ import annotations

from typing import Any

RENDER_SIZE = 64
BACKGROUND = (0, 0, 255)
FOREGROUND = (255, 0, 0)


def render_probe() -> dict[str, Any]:
    """Render a red square on blue offscreen, read the pixels back, describe the OpenGL in use."""
    import vtkmodules.vtkRenderingOpenGL2  # noqa: F401  (registers the OpenGL render window)
    from vtkmodules.util.numpy_support import vtk_to_numpy
    from vtkmodules.vtkCommonCore import vtkVersion
    from vtkmodules.vtkFiltersSources import vtkPlaneSource
    from vtkmodules.vtkRenderingCore import (
        vtkActor,
        vtkPolyDataMapper,
        vtkRenderer,
        vtkRenderWindow,
        vtkWindowToImageFilter,
    )

    plane = vtkPlaneSource()  # unit square centred on the origin
    mapper = vtkPolyDataMapper()
    mapper.SetInputConnection(plane.GetOutputPort())
    actor = vtkActor()
    actor.SetMapper(mapper)
    prop = actor.GetProperty()
    prop.SetColor(*(c / 255 for c in FOREGROUND))
    prop.SetAmbient(1.0)
    prop.SetDiffuse(0.0)
    prop.SetSpecular(0.0)
    renderer = vtkRenderer()
    renderer.SetBackground(*(c / 255 for c in BACKGROUND))
    renderer.AddActor(actor)
    camera = renderer.GetActiveCamera()
    camera.ParallelProjectionOn()
    camera.SetPosition(0, 0, 5)
    camera.SetFocalPoint(0, 0, 0)
    camera.SetViewUp(0, 1, 0)
    camera.SetParallelScale(1.0)  # view 2 units high: the square covers the middle half
    renderer.ResetCameraClippingRange()
    window = vtkRenderWindow()
    window.SetOffScreenRendering(1)
    window.SetSize(RENDER_SIZE, RENDER_SIZE)
    window.AddRenderer(renderer)
    window.Render()
    grab = vtkWindowToImageFilter()
    grab.SetInput(window)
    grab.ReadFrontBufferOff()
    grab.Update()
    image = grab.GetOutput()
    width, height, _ = image.GetDimensions()
    scalars = image.GetPointData().GetScalars()
    pixels = vtk_to_numpy(scalars).reshape(height, width, scalars.GetNumberOfComponents())
    capabilities = window.ReportCapabilities() or ""
    gl = {}
    for line in capabilities.splitlines():
        key, _, value = line.partition(":")
        if key.strip().startswith("OpenGL") and key.strip().endswith("string"):
            gl[key.strip()[len("OpenGL "):-len(" string")]] = value.strip()
    result = {
        "vtk": vtkVersion.GetVTKVersion(),
        "window_class": window.GetClassName(),
        "size": [width, height],
        "centre": [int(v) for v in pixels[height // 2, width // 2, :3]],
        "corner": [int(v) for v in pixels[2, 2, :3]],
        "foreground_pixels": int((abs(pixels[..., :3].astype(int) - FOREGROUND).max(axis=2) <= 2).sum()),
        "gl_vendor": gl.get("vendor", ""),
        "gl_renderer": gl.get("renderer", ""),
        "gl_version": gl.get("version", ""),
    }
    window.Finalize()
    return result

