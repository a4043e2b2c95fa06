"""What an unattended screen shows: no patient datum, only who holds the session and a password field.

The session (auth.session) decides when to lock and whether a password unlocks; this widget only
asks. The check runs off the GUI thread because it may wait on the platform.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget


class LockScreen(QWidget):
    unlockRequested = Signal(str)
    switchUserRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        panel = QWidget()
        panel.setObjectName("lockPanel")
        panel.setMinimumWidth(480)
        self.title = QLabel(self.tr("Session verrouillée"))
        self.title.setObjectName("loginTitle")
        self.reason = QLabel()
        self.reason.setObjectName("loginSubtitle")
        self.who = QLabel()
        self.password = QLineEdit()
        self.password.setObjectName("unlockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("Votre mot de passe pour reprendre"))
        self.error = QLabel()
        self.error.setObjectName("loginError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.unlock_button = QPushButton(self.tr("Déverrouiller"))
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setDefault(True)
        self.switch_button = QPushButton(self.tr("Changer d'utilisateur"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.switch_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)

        inner = QVBoxLayout(panel)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(12)
        inner.addWidget(self.title)
        inner.addWidget(self.reason)
        inner.addWidget(self.who)
        inner.addWidget(self.password)
        inner.addWidget(self.error)
        inner.addLayout(buttons)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(panel, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

        self.unlock_button.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)
        self.switch_button.clicked.connect(self.switchUserRequested)

    def prepare(self, who: str, reason: str) -> None:
        self.reason.setText(reason)
        who = self.tr("Session de {who}.").format(who=who) if who else self.tr("Reconnectez-vous.")
        self.who.setText(who)
        self.password.clear()
        self.error.hide()
        self.set_busy(False)
        self.password.setFocus()

    def set_busy(self, busy: bool) -> None:
        self.unlock_button.setEnabled(not busy)
        self.password.setEnabled(not busy)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.set_busy(False)
        self.password.selectAll()
        self.password.setFocus()

    def _submit(self) -> None:
        if self.password.text():
            self.set_busy(True)
            self.unlockRequested.emit(self.password.text())
