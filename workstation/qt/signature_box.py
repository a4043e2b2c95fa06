"""The quick signature confirmation inside the signature window (auth.signing), one for every
signed document (report, expert opinion): « Signer » is the default button, so Enter signs; Escape
does not. Opened window-modal and answered asynchronously, so nothing else waits on it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget


def open_signature_box(
    parent: QWidget, title: str, question: str, remaining: float, on_sign: Callable[[], None]
) -> QMessageBox:
    """Show the confirmation (``title`` and ``question`` already translated by the caller) and call
    ``on_sign`` when « Signer » is chosen; returns the box, which deletes itself once answered."""
    box = QMessageBox(parent)
    box.setObjectName("signatureConfirmation")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(question)
    until = datetime.now() + timedelta(seconds=remaining)
    box.setInformativeText(
        QCoreApplication.translate(
            "SignatureBox",
            "Mot de passe déjà confirmé pour signer : il sera redemandé à partir de {time}, "
            "et après tout verrouillage de la session.",
        ).format(time=f"{until:%H:%M}")
    )
    sign_text = QCoreApplication.translate("SignatureBox", "Signer")
    cancel_text = QCoreApplication.translate("SignatureBox", "Annuler")
    sign = box.addButton(sign_text, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(cancel_text, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(sign)
    box.setEscapeButton(cancel)

    def answered() -> None:
        box.deleteLater()
        if box.clickedButton() is sign:
            on_sign()

    box.finished.connect(lambda _code: answered())
    box.open()
    return box
