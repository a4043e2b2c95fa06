"""« Demander des images complémentaires… » from the reading page (model: workstation.complementary).

The reason, the series or sequences wanted (one per line) and free text; « Envoyer au site » stays
disabled until the request is complete. The platform call runs in a worker thread that holds a relay,
never the dialog (a widget is never destroyed off the GUI thread).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from resources.translations.qt import text as _interface_text
from workstation.app import Workstation
from workstation.complementary import (
    ComplementaryReason,
    ComplementaryRequest,
    ask_complementary_images,
    wanted_series,
)
from workstation.worklist import WorklistRow

log = logging.getLogger(__name__)


class _Relay(QObject):
    succeeded = Signal(str)
    failed = Signal(object)


def _work(call: Callable[[], str], relay: _Relay) -> None:
    try:
        request_id = call()
    except Exception as exc:  # shown in the dialog, never a crash
        try:
            relay.failed.emit(exc)
        except RuntimeError:
            log.info("complementary request failed after its dialog was closed: %s", exc)
        return
    try:
        relay.succeeded.emit(request_id)
    except RuntimeError:
        log.info("complementary request %s sent after its dialog was closed", request_id)


class ComplementaryDialog(QDialog):
    """Modal; ``request_id`` holds the platform's id once the site was asked."""

    def __init__(self, send: Callable[[ComplementaryRequest], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("complementaryDialog")
        self.setWindowTitle(self.tr("Demander des images complémentaires"))
        self._send = send
        self.request_id = ""
        self.reason = QComboBox()
        self.reason.setObjectName("complementaryReason")
        for reason in ComplementaryReason:
            self.reason.addItem(_interface_text(reason.label), reason)
        self.series = QPlainTextEdit()
        self.series.setObjectName("complementarySeries")
        self.series.setPlaceholderText(
            self.tr("Une série ou séquence par ligne (ex. : temps portal, T2 axial)")
        )
        self.text = QPlainTextEdit()
        self.text.setObjectName("complementaryText")
        self.text.setPlaceholderText(self.tr("Précisions pour le manipulateur (obligatoires pour « Autre »)"))
        self.problem = QLabel()
        self.problem.setObjectName("complementaryProblem")
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("&Motif"), self.reason)
        form.addRow(self.tr("&Séries souhaitées"), self.series)
        form.addRow(self.tr("&Précisions"), self.text)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send_button = self.buttons.addButton(
            self.tr("&Envoyer au site"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.send_button.setObjectName("sendComplementary")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        note = QLabel(
            self.tr(
                "La demande est transmise au site par la plateforme, inscrite dans l'historique de la "
                "demande et au journal d'audit ; le dossier attend ensuite les nouvelles séries."
            )
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self._relay = _Relay(self)
        self._relay.succeeded.connect(self._sent)
        self._relay.failed.connect(self._failed)
        for signal in (self.series.textChanged, self.text.textChanged, self.reason.currentIndexChanged):
            signal.connect(self._update)
        self._update()

    def request(self) -> ComplementaryRequest:
        reason = self.reason.currentData()
        return ComplementaryRequest(reason, wanted_series(self.series.toPlainText()), self.text.toPlainText())

    def _update(self) -> None:
        problems = self.request().problems()
        self.send_button.setEnabled(not problems)
        self.problem.setText(_interface_text(problems[0]) if problems else "")

    def submit(self) -> None:
        request = self.request()
        if request.problems():
            return
        self.send_button.setEnabled(False)
        send, relay = self._send, self._relay
        threading.Thread(
            target=_work, args=(lambda: send(request), relay), name="complementary", daemon=True
        ).start()

    def _sent(self, request_id: str) -> None:
        self.request_id = request_id
        self.accept()

    def _failed(self, exc: object) -> None:
        message = getattr(exc, "user_message", None)
        log.warning("complementary images not requested: %s", exc)
        self.problem.setText(
            _interface_text(message)
            if isinstance(message, str) and message
            else self.tr("La demande n'a pas pu être envoyée (le détail est dans le journal).")
        )
        self.send_button.setEnabled(True)


def ask(ws: Workstation, row: WorklistRow, parent: QWidget | None = None) -> str:
    """Open the dialog for the case's order; the platform's request id, or '' when cancelled."""
    dialog = ComplementaryDialog(lambda request: ask_complementary_images(ws, row, request), parent)
    dialog.exec()
    return dialog.request_id
