"""How big a point is on this screen: text and image overlays at their physical size.

Qt sizes fonts from the screen's *logical* DPI, which X11 and Windows without scaling report as 96
whatever the panel: a 10-point label is 13 px on a 27-inch 4K screen (163 DPI) as on a 15-inch
laptop, i.e. about half its intended size. When the system scales (150 %, 200 %: a device pixel
ratio above 1) the logical DPI is honest again. :func:`physical_scale` is the factor that brings a
point back to 1/72 inch: the physical DPI over the DPI Qt already assumes (logical x device pixel
ratio), clamped, and 1 when the screen does not report a believable size (projectors, VNC, some
virtual machines report 0 mm or absurd values).

The user's zooms (interface, image overlays) multiply it. Workstation settings decide whether the
physical sizing is on (:func:`configure`); the viewer reads :func:`overlay_scale` when it paints.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QGuiApplication, QScreen

MIN_SCALE, MAX_SCALE = 1.0, 3.0  # never smaller than Qt's own sizing; 3x covers 8K on 32 inches
BELIEVABLE_DPI = (60.0, 400.0)


@dataclass(slots=True)
class _Config:
    physical: bool = True
    interface_zoom: float = 1.0
    overlay_zoom: float = 1.0


_CONFIG = _Config()


def configure(physical: bool = True, interface_zoom: float = 1.0, overlay_zoom: float = 1.0) -> None:
    """Set once at start-up from the workstation's settings (zooms as factors, 1.0 = 100 %)."""
    _CONFIG.physical = physical
    _CONFIG.interface_zoom = min(3.0, max(0.5, interface_zoom))
    _CONFIG.overlay_zoom = min(3.0, max(0.5, overlay_zoom))


def physical_scale(screen: QScreen | None) -> float:
    """Factor from Qt's sizing to physical points on ``screen`` (1.0 when unknown or switched off)."""
    if screen is None or not _CONFIG.physical:
        return 1.0
    size = screen.physicalSize()
    geometry = screen.geometry()
    if size.width() <= 0 or geometry.width() <= 0:
        return 1.0
    ratio = screen.devicePixelRatio() or 1.0
    dpi = geometry.width() * ratio / (size.width() / 25.4)  # device pixels per inch
    if not BELIEVABLE_DPI[0] <= dpi <= BELIEVABLE_DPI[1]:
        return 1.0
    assumed = screen.logicalDotsPerInchX() * ratio
    return min(MAX_SCALE, max(MIN_SCALE, dpi / assumed if assumed > 0 else 1.0))


def interface_scale(screen: QScreen | None = None) -> float:
    """Scale of the interface's text on ``screen`` (the primary screen by default)."""
    if screen is None:
        app = QGuiApplication.instance()
        screen = app.primaryScreen() if app is not None else None  # type: ignore[union-attr]
    return physical_scale(screen) * _CONFIG.interface_zoom


def overlay_scale(screen: QScreen | None) -> float:
    """Scale of the texts and marks painted over the images on ``screen``."""
    return physical_scale(screen) * _CONFIG.overlay_zoom
