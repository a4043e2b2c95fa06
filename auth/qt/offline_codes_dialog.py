"""« Codes de reprise hors ligne… »: ask the platform for offline restart codes and show them once.

Why they exist (the second factor of a restart without the platform) is in :mod:`auth.session`. The
dialog is given the function that asks the platform and keeps the codes' hashes (in the workstation,
:meth:`workstation.app.Workstation.issue_offline_codes`); it runs it in a worker thread (a network
call) and shows the codes grouped by four digits, to be written down away from the workstation. They
are not kept anywhere once the dialog is closed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from resources.translations.qt import text as _interface_text

log = logging.getLogger(__name__)

IssueFunction = Callable[[], list[str]]


def grouped(code: str) -> str:
    """« 1234 5678 9012 »: how a code is printed (typed back without the spaces)."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


class _Relay(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


def _work(call: IssueFunction, relay: _Relay) -> None:
    """Holds the relay, never the dialog (a worker must not destroy a widget off the GUI thread)."""
    try:
        value: object = call()
        signal = relay.succeeded
    except Exception as exc:  # shown in the dialog, never a crash
        value, signal = exc, relay.failed
    try:
        signal.emit(value)
    except RuntimeError:
        log.info("offline codes arrived after their dialog was closed")


class OfflineCodesDialog(QDialog):
    def __init__(self, issue: IssueFunction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("offlineCodesDialog")
        self.setWindowTitle(self.tr("Codes de reprise hors ligne"))
        self.setMinimumWidth(560)
        self._issue = issue
        self._relay = _Relay(self)
        self._relay.succeeded.connect(self._on_codes)
        self._relay.failed.connect(self._on_failure)
        explanation = QLabel(
            self.tr(
                "Si le poste doit être relancé pendant une panne de la plateforme, la session ne "
                "s'ouvre qu'avec votre mot de passe ET un de ces codes, saisi dans le champ du code à "
                "usage unique, dans les 12 heures qui suivent votre dernière connexion à deux facteurs. "
                "Chaque code sert une fois. Notez-les hors du poste (papier, téléphone) : ils ne "
                "seront plus affichés. Obtenir de nouveaux codes annule les précédents sur ce poste."
            )
        )
        explanation.setWordWrap(True)
        self.codes_label = QLabel()
        self.codes_label.setObjectName("offlineCodes")
        self.codes_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(font.pointSize() + 4)
        self.codes_label.setFont(font)
        self.codes_label.hide()
        self.error_label = QLabel()
        self.error_label.setObjectName("offlineCodesError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.issue_button = QPushButton(self.tr("&Obtenir des codes"))
        self.issue_button.setObjectName("issueOfflineCodes")
        self.issue_button.clicked.connect(self.issue_codes)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (explanation, self.issue_button, self.codes_label, self.error_label, buttons):
            layout.addWidget(widget)
        self.codes: list[str] = []

    def issue_codes(self) -> None:
        self.issue_button.setEnabled(False)
        self.error_label.hide()
        relay, issue = self._relay, self._issue
        worker = threading.Thread(target=_work, args=(issue, relay), name="offline-codes", daemon=True)
        worker.start()

    def _on_codes(self, codes: object) -> None:
        self.codes = list(codes) if isinstance(codes, list) else []
        self.codes_label.setText("\n".join(grouped(c) for c in self.codes))
        self.codes_label.show()
        self.issue_button.setEnabled(True)
        self.adjustSize()

    def _on_failure(self, exc: object) -> None:
        message = getattr(exc, "user_message", None)
        log.warning("offline codes not issued: %s", exc)
        self.error_label.setText(
            _interface_text(message)
            if isinstance(message, str) and message
            else self.tr(
                "Les codes n'ont pas pu être obtenus de la plateforme (le détail est dans le journal)."
            )
        )
        self.error_label.show()
        self.issue_button.setEnabled(True)
        self.adjustSize()

    def done(self, result: int) -> None:
        """The codes leave the screen with the dialog."""
        self.codes = []
        self.codes_label.clear()
        super().done(result)
