"""The reading screens in Qt: which screen is which, its GSDF calibration, where the window opens.

:class:`Displays` ties :mod:`workstation.calibration` (Qt-free) to the screens Qt sees: the key a
screen's calibration is kept under, the table of the screen a viewer is on (re-applied when its window
moves to another screen), and the TG18 patterns on a chosen screen. :func:`preferred_screen` picks the
screen the main window opens on: the one chosen last time when it is still connected, else the
largest (the diagnostic screen is the big one; a laptop's own panel is the small one).
"""

from __future__ import annotations

import contextlib
import logging
from datetime import date
from pathlib import Path

import numpy as np
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

from viewer.qt.tg18_window import Tg18Window
from viewer.qt.viewer_widget import ViewerWidget
from workstation.calibration import CalibrationStore, Readings, ScreenStatus, now_date, screen_key

log = logging.getLogger(__name__)


def key_of(screen: QScreen) -> str:
    """The name the screen's calibration is kept under (the monitor when the system says which)."""
    return screen_key(screen.name(), screen.manufacturer(), screen.model(), screen.serialNumber())


def preferred_screen(saved_name: str = "") -> QScreen | None:
    """The screen named ``saved_name`` when connected, else the one with the most pixels."""
    screens = QGuiApplication.screens()
    if not screens:
        return None
    for screen in screens:
        if saved_name and screen.name() == saved_name:
            return screen
    return max(
        screens, key=lambda s: s.geometry().width() * s.geometry().height() * s.devicePixelRatio() ** 2
    )


class Displays:
    """The calibrations of this workstation's screens, applied to the viewers on them."""

    def __init__(self, store_path: Path, max_age_days: int = 180) -> None:
        self.store = CalibrationStore.load(store_path)
        self.max_age_days = max_age_days
        self._viewers: list[ViewerWidget] = []
        self.patterns: Tg18Window | None = None
        self._applied: dict[int, tuple[str, int]] = {}  # viewer -> (screen key, store version) applied
        self._version = 0

    def lut(self, screen: QScreen | None) -> np.ndarray | None:
        return self.store.lut_for(key_of(screen)) if screen is not None else None

    def status(self, screen: QScreen, today: date | None = None) -> ScreenStatus:
        return self.store.status(key_of(screen), today or now_date(), self.max_age_days)

    def calibrate(self, screen: QScreen, readings: Readings) -> None:
        """Keep the readings for ``screen`` (CalibrationError when refused) and apply them at once."""
        self.store.set(key_of(screen), readings)
        self._version += 1
        log.info("display calibration loaded for screen %s from %s", key_of(screen), readings.source)
        self.refresh()

    def forget(self, screen: QScreen) -> None:
        self.store.remove(key_of(screen))
        self._version += 1
        self.refresh()

    def follow(self, viewer: ViewerWidget) -> None:
        """Apply the calibration of the screen ``viewer`` is on, now and whenever it changes screen."""
        if viewer not in self._viewers:
            self._viewers.append(viewer)
            viewer.destroyed.connect(lambda *_: self._forget_viewer(viewer))
        self._apply(viewer)

    def _forget_viewer(self, viewer: ViewerWidget) -> None:
        if viewer in self._viewers:
            self._viewers.remove(viewer)
        self._applied.pop(id(viewer), None)

    def _apply(self, viewer: ViewerWidget) -> None:
        try:
            screen = viewer.screen()
        except RuntimeError:  # deleted on the C++ side meanwhile
            self._forget_viewer(viewer)
            return
        key = key_of(screen) if screen is not None else ""
        if self._applied.get(id(viewer)) != (key, self._version):  # set_calibration repaints
            viewer.set_calibration(self.store.lut_for(key) if key else None)
            self._applied[id(viewer)] = (key, self._version)
        handle = viewer.window().windowHandle()
        if handle is not None and not getattr(handle, "_tlr_follows_screen", False):
            handle._tlr_follows_screen = True  # type: ignore[attr-defined]
            handle.screenChanged.connect(lambda *_: self.refresh())

    def refresh(self) -> None:
        """Re-apply every followed viewer's table (after a calibration, or a move to another screen)."""
        for viewer in list(self._viewers):
            self._apply(viewer)

    def show_patterns(self, screen: QScreen | None, first: str = "TG18-QC") -> Tg18Window:
        """The TG18 patterns full screen on ``screen``, through its own calibration."""
        target = screen or QGuiApplication.primaryScreen()
        if self.patterns is not None:
            with contextlib.suppress(RuntimeError):
                self.patterns.close()
        window = Tg18Window(target, self.lut(target), first)
        window.destroyed.connect(lambda *_: setattr(self, "patterns", None))
        window.open()
        self.patterns = window
        return window


def place_on_screen(window: QWidget, screen: QScreen | None) -> None:
    """Open ``window`` maximised on ``screen``: its geometry first (the window manager maximises on
    the screen the window is on), then maximised."""
    if screen is not None:
        window.setScreen(screen)
        available = screen.availableGeometry()
        window.setGeometry(available)
    window.showMaximized()
