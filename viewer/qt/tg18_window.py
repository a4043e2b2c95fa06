"""The AAPM TG18 patterns full screen on one screen, through that screen's GSDF calibration.

One pattern pixel per device pixel (drawn in device pixels, whatever the system's scaling), so the
one-pixel line pairs of TG18-QC are real one-pixel lines. Keys: → / Espace / Page suivante for the
next pattern, ← / Page précédente for the previous one, Échap to close; the pattern's name is in the
window title and, until a key is pressed, in small grey text in a corner (H hides or shows it).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QKeyEvent, QPainter, QPaintEvent, QScreen
from PySide6.QtWidgets import QWidget

from viewer.tg18 import NAMES, make_pattern


class Tg18Window(QWidget):
    """Full screen on ``screen``; ``calibration`` is that screen's table (None: uncalibrated)."""

    def __init__(
        self,
        screen: QScreen,
        calibration: np.ndarray | None,
        first: str = "TG18-QC",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("tg18Window")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setCursor(Qt.CursorShape.BlankCursor)
        self.calibration = calibration
        self.index = NAMES.index(first) if first in NAMES else 0
        self.caption_visible = True
        self._image: QImage | None = None
        self._pixels: np.ndarray | None = None
        self.setScreen(screen)
        self.setGeometry(screen.geometry())

    def open(self) -> None:
        """Show full screen on the chosen screen (the window manager keeps it there)."""
        self.showFullScreen()

    @property
    def pattern_name(self) -> str:
        return NAMES[self.index]

    def device_size(self) -> tuple[int, int]:
        ratio = self.devicePixelRatioF()
        return max(512, round(self.width() * ratio)), max(512, round(self.height() * ratio))

    def driving_levels(self) -> np.ndarray:
        """What is sent to the screen: the pattern's P-values through the calibration table."""
        width, height = self.device_size()
        if self._pixels is None or self._pixels.shape != (height, width):
            pattern = make_pattern(self.pattern_name, width, height).pixels
            if self.calibration is not None:
                pattern = np.ascontiguousarray(self.calibration[pattern].astype(np.uint8))
            self._pixels = pattern
            image = QImage(pattern.data, width, height, pattern.strides[0], QImage.Format.Format_Grayscale8)
            image.setDevicePixelRatio(self.devicePixelRatioF())
            self._image = image
        return self._pixels

    def _show(self, index: int) -> None:
        self.index = index % len(NAMES)
        self._pixels, self._image = None, None
        calibrated = (
            self.tr("écran calibré (GSDF)") if self.calibration is not None else self.tr("écran non calibré")
        )
        self.setWindowTitle(f"{self.pattern_name} — {calibrated}")
        self.update()

    def showEvent(self, event: object) -> None:
        self._show(self.index)
        super().showEvent(event)  # type: ignore[arg-type]

    def paintEvent(self, event: QPaintEvent) -> None:
        self.driving_levels()
        painter = QPainter(self)
        try:
            if self._image is not None:
                painter.drawImage(0, 0, self._image)
            if self.caption_visible:
                painter.setPen(QColor(110, 110, 110))
                text = self.tr("{pattern} — {state} — ← → changer, H masquer, Échap fermer").format(
                    pattern=self.pattern_name,
                    state=self.tr("calibré GSDF") if self.calibration is not None else self.tr("non calibré"),
                )
                painter.drawText(QRect(8, self.height() - 28, self.width() - 16, 24), 0, text)
        finally:
            painter.end()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.close()
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Space, Qt.Key.Key_PageDown):
            self._show(self.index + 1)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_PageUp, Qt.Key.Key_Backspace):
            self._show(self.index - 1)
        elif key == Qt.Key.Key_H:
            self.caption_visible = not self.caption_visible
            self.update()
        else:
            super().keyPressEvent(event)
