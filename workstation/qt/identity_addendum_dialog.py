"""« Identité qualifiée reçue : addendum à signer »: the radiologist reads both identities and the
addendum, then signs it (issue 23, item 5; the model is :mod:`workstation.identity_update`).

Opened from the worklist (Enter, double click or « Ouvrir ») on a case whose site sent the qualified
identity after the report signed on a provisional one. The signature is confirmed as a report's is
(:mod:`auth.signing`): the password when the session's signature window asks for it, otherwise the
« Signer l'addendum » button alone; the signing runs in a worker.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from workstation.identity_update import AddendumPreview


class IdentityAddendumDialog(QDialog):
    """Accepted with ``password()`` ('' when the signature window is still open)."""

    def __init__(self, preview: AddendumPreview, needs_password: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("identityAddendumDialog")
        self.setWindowTitle(self.tr("Identité qualifiée reçue : addendum à signer"))
        self.setMinimumWidth(760)
        explanation = QLabel(
            self.tr(
                "Le site a transmis l'identité qualifiée du patient dont le compte rendu a été signé sur une "
                "identité provisoire. Vérifiez qu'il s'agit bien du même patient : la signature envoie une "
                "nouvelle version du compte rendu, sur l'identité qualifiée, avec l'addendum ci-dessous "
                "(le contenu médical est inchangé)."
            )
        )
        explanation.setWordWrap(True)
        provisional = QLabel(preview.provisional)
        provisional.setObjectName("provisionalIdentity")
        qualified = QLabel(preview.qualified)
        qualified.setObjectName("qualifiedIdentity")
        for label in (provisional, qualified):
            label.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Identité provisoire"), provisional)
        form.addRow(self.tr("Identité qualifiée"), qualified)
        self.text = QPlainTextEdit(preview.text)
        self.text.setObjectName("addendumText")
        self.text.setReadOnly(True)  # written by the workstation from the two identities, in French
        self.text.setMinimumHeight(120)
        form.addRow(self.tr("Addendum"), self.text)
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("addendumPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        if needs_password:
            form.addRow(self.tr("&Mot de passe"), self.password_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_button = self.buttons.addButton(
            self.tr("Signer l'addendum"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.sign_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._needs_password = needs_password
        self.password_edit.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.sign_button.setEnabled(not self._needs_password or bool(self.password_edit.text()))

    def password(self) -> str:
        return self.password_edit.text() if self._needs_password else ""
