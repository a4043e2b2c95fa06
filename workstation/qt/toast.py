"""A toast: a short message in a corner of the window that goes away by itself.

Why not a message box: after a signature the radiologist goes on to the next case at once; a box
would take the focus (and the Enter meant for the worklist) and ask for a click that says nothing.
The toast takes neither focus nor input (it lets clicks through), stays a few seconds, can change
its text while shown (« en attente d'accusé de réception » becomes « envoyé » when the platform
acknowledges), and is read by screen readers through its accessible name.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from workstation.qt import theme

_LEVEL_COLOURS = {"ok": "ok", "info": "accent", "warning": "warning"}


class Toast(QLabel):
    """A non-blocking notice over the bottom-right corner of ``parent`` (kept there on resize)."""

    def __init__(self, parent: QWidget, duration_ms: int = 6000) -> None:
        super().__init__(parent)
        self.setObjectName("toast")
        self.setWordWrap(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setMinimumWidth(320)
        self.setMaximumWidth(460)
        self.setMargin(12)
        self.duration_ms = duration_ms
        self.key = ""  # what the shown text is about (a report's MSH-10), for later updates
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        parent.installEventFilter(self)
        self.hide()

    def show_message(self, text: str, level: str = "info", key: str = "") -> None:
        """Show ``text`` for the toast's duration (from now), replacing what it showed."""
        colour = getattr(theme.COLOURS, _LEVEL_COLOURS.get(level, "text"))
        self.setStyleSheet(
            f"QLabel#toast {{ background: {theme.COLOURS.panel}; color: {theme.COLOURS.text};"
            f" border: 1px solid {colour}; border-left: 6px solid {colour}; border-radius: 6px;"
            f" font-size: {theme.points(11)}pt; }}"
        )
        self.key = key
        self.setText(text)
        self.setAccessibleName(text)
        self.adjustSize()
        self._place()
        self.show()
        self.raise_()
        self._timer.start(self.duration_ms)

    def update_message(self, key: str, text: str, level: str = "info") -> bool:
        """Replace the text if the toast still shows the message about ``key``; False otherwise."""
        if not self.isVisible() or not key or key != self.key:
            return False
        self.show_message(text, level, key)
        return True

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        margin = 24
        bottom = parent.height() - margin
        status = getattr(parent, "statusBar", None)
        if callable(status) and status() is not None and status().isVisible():
            bottom -= status().height()
        self.move(max(margin, parent.width() - self.width() - margin), max(margin, bottom - self.height()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False
