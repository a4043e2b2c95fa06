"""The self-test's Qt probe: Qt's platform plugin and screens (the diagnostics dialog reads the same
description from the running application, on its GUI thread)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QGuiApplication


def describe_qt(app: Any) -> dict[str, Any]:
    """Qt's platform plugin and screens, from a running QGuiApplication (GUI thread only)."""
    from PySide6 import QtCore
    from PySide6 import __version__ as pyside_version

    screens = []
    for screen in app.screens():
        geometry = screen.geometry()
        screens.append(
            {
                "name": screen.name(),
                "model": screen.model(),
                "width": geometry.width(),
                "height": geometry.height(),
                "device_pixel_ratio": round(screen.devicePixelRatio(), 2),
                "dpi": round(screen.physicalDotsPerInch()),
                "depth": screen.depth(),
                "refresh_hz": round(screen.refreshRate()),
                "primary": screen == app.primaryScreen(),
            }
        )
    return {
        "platform": app.platformName(),
        "qt": QtCore.qVersion(),
        "pyside": pyside_version,
        "screens": screens,
    }


def qt_probe() -> dict[str, Any]:
    """The self-test's child process: start Qt's GUI layer and describe it."""
    app = QGuiApplication.instance() or QGuiApplication(["teleradiologie-autotest"])
    return describe_qt(app)
