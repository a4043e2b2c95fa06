"""The two-factor login dialog: identifier, password and the 6-digit one-time code (or, when the
platform is unreachable, a 12-digit offline restart code: see :mod:`auth.session`).

The dialog knows nothing of the platform: it is given the function that logs in (in the
workstation, :meth:`auth.session.Session.login` over the platform client) and shows whatever that
function's error says (``user_message``: French, in the interface language when the code that
raised it made the sentence with ``resources.translations.QT_TRANSLATE_NOOP``). The call runs in
a worker thread because it waits on the network (up to the client's timeout): a frozen login
window at 3 a.m. looks like a crashed workstation.

Another way in, Pro Santé Connect: given ``external_sign_in`` (in the workstation,
:class:`workstation.provider.ProviderSignIn`, over :mod:`auth.oidc`), the dialog shows a second
button that runs it the same way: the provider's page opens in the system browser, the dialog waits
(and can be quit) until the sign-in comes back. With ``external_available`` (does the platform
advertise a provider?), the button appears only once that question, asked in a worker thread,
says yes: the form is usable at once, and a platform without a provider shows no dead button.
"""
from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from auth.session import OFFLINE_CODE_DIGITS
from resources.translations.qt import text as _interface_text

log = logging.getLogger(__name__)

LoginFunction = Callable[[str, str, str], Any]
ExternalSignIn = Callable[[], Any]

OTP_LENGTH = 6
# Platform error codes after which the one-time code alone must be typed again.
_OTP_CODES = frozenset({"bad_otp", "otp_replayed", "bad_offline_code", "no_offline_code"})
#: Shown (translated) when the login function fails with an error that has no ``user_message``.
UNEXPECTED_ERROR = QT_TRANSLATE_NOOP(
    "LoginDialog",
    "La connexion a échoué à cause d'une erreur inattendue. Réessayez ; si cela persiste, "
    "contactez le support (le détail est dans le journal).",
)


class _Relay(QObject):
    """Carries the worker thread's outcome back to the GUI thread (queued connection)."""

    succeeded = Signal(object)
    failed = Signal(object)
    offered = Signal(bool)


# The worker threads below hold the relay (a child of the dialog), never the dialog itself: a thread
# that held the last reference to the dialog would destroy a widget outside the GUI thread when it
# ends (seen as a segmentation fault once a test had returned while its login thread was finishing).


def _work(call: Callable[[], Any], relay: _Relay) -> None:
    try:
        value = call()
    except Exception as exc:  # shown to the user by the dialog, never a crash
        outcome, payload = relay.failed, exc
    else:
        outcome, payload = relay.succeeded, value
    try:
        outcome.emit(payload)
    except RuntimeError:  # the dialog was destroyed while the platform was answering
        log.info("login finished after its dialog was closed")


def _probe(available: Callable[[], bool], relay: _Relay) -> None:
    try:
        offered = bool(available())
    except Exception:  # a probe that fails offers nothing; the password login stays
        log.exception("identity provider probe failed")
        offered = False
    with contextlib.suppress(RuntimeError):  # the dialog is gone already
        relay.offered.emit(offered)


class LoginDialog(QDialog):
    """Modal login; ``result_value`` holds what the login function returned once accepted."""

    def __init__(
        self,
        login_function: LoginFunction,
        *,
        platform_label: str = "",
        parent: QWidget | None = None,
        external_sign_in: ExternalSignIn | None = None,
        external_label: str | None = None,  # default: « Se connecter avec Pro Santé Connect »
        external_available: Callable[[], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self._login_function = login_function
        self._external_sign_in = external_sign_in
        self._busy = False
        self._abandoned = False
        self.result_value: Any = None
        self._relay = _Relay(self)
        self._relay.succeeded.connect(self._on_success)
        self._relay.failed.connect(self._on_failure)
        self._relay.offered.connect(self._on_offered)

        self.setObjectName("loginDialog")
        self.setWindowTitle(self.tr("Connexion — Poste de téléradiologie"))
        self.setModal(True)
        self.setMinimumWidth(460)

        title = QLabel(self.tr("Poste de lecture de téléradiologie"))
        title.setObjectName("loginTitle")
        subtitle = QLabel(
            self.tr("Plateforme : {platform}").format(platform=platform_label)
            if platform_label
            else self.tr("Authentification à deux facteurs")
        )
        subtitle.setObjectName("loginSubtitle")
        subtitle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.login_edit = QLineEdit()
        self.login_edit.setObjectName("loginEdit")
        self.login_edit.setPlaceholderText(self.tr("Votre identifiant"))
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("passwordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("Votre mot de passe"))
        self.otp_edit = QLineEdit()
        self.otp_edit.setObjectName("otpEdit")
        # Six digits of the authenticator app, or, to restart while the platform is unreachable, one
        # of the 12-digit offline restart codes (auth.session: the second factor of an offline restart).
        self.otp_edit.setMaxLength(OFFLINE_CODE_DIGITS)
        self.otp_edit.setValidator(
            QRegularExpressionValidator(QRegularExpression(rf"\d{{0,{OFFLINE_CODE_DIGITS}}}"), self.otp_edit)
        )
        self.otp_edit.setToolTip(
            self.tr(
                "Plateforme injoignable : saisissez ici un de vos codes de reprise hors ligne "
                "(12 chiffres, chacun valable une fois)."
            )
        )
        self.otp_edit.setPlaceholderText(
            self.tr("{count} chiffres de votre application").format(count=OTP_LENGTH)
        )
        self.otp_edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(self.tr("&Identifiant"), self.login_edit)
        form.addRow(self.tr("&Mot de passe"), self.password_edit)
        form.addRow(self.tr("&Code à usage unique"), self.otp_edit)

        self.error_label = QLabel()
        self.error_label.setObjectName("loginError")
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName(self.tr("Erreur de connexion"))
        self.error_label.hide()

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # indeterminate: we cannot know how long the platform takes
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(4)
        self.progress.hide()

        self.buttons = QDialogButtonBox()
        self.login_button = self.buttons.addButton(
            self.tr("Se connecter"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.login_button.setObjectName("loginButton")
        self.login_button.setDefault(True)
        self.quit_button = self.buttons.addButton(self.tr("Quitter"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)

        self.external_button: QPushButton | None = None
        self._external_separator: QLabel | None = None
        self.external_hint = QLabel(
            self.tr("La page de connexion s'ouvre dans votre navigateur ; revenez ici une fois connecté.")
        )
        self.external_hint.setObjectName("externalHint")
        self.external_hint.setWordWrap(True)
        self.external_hint.hide()
        if external_sign_in is not None:
            separator = self._external_separator = QLabel(self.tr("ou"))
            separator.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.external_button = QPushButton(
                external_label or self.tr("Se connecter avec Pro Santé Connect")
            )
            self.external_button.setObjectName("externalSignInButton")
            self.external_button.setAutoDefault(False)
            self.external_button.clicked.connect(self.sign_in_externally)
            layout.addWidget(separator)
            layout.addWidget(self.external_button)
            layout.addWidget(self.external_hint)
            if external_available is not None:  # shown once the provider answers, never blocking the form
                separator.hide()
                self.external_button.hide()
                threading.Thread(
                    target=_probe, args=(external_available, self._relay), name="login-provider", daemon=True
                ).start()

        for edit in (self.login_edit, self.password_edit, self.otp_edit):
            edit.textChanged.connect(self._update_button)
        self._update_button()
        self.login_edit.setFocus()

    # --- state ------------------------------------------------------------------------------

    def _ready(self) -> bool:
        return (
            bool(self.login_edit.text().strip())
            and bool(self.password_edit.text())
            and len(self.otp_edit.text()) in (OTP_LENGTH, OFFLINE_CODE_DIGITS)
        )

    def _update_button(self) -> None:
        self.login_button.setEnabled(self._ready() and not self._busy)

    def _set_busy(self, busy: bool, external: bool = False) -> None:
        self._busy = busy
        for edit in (self.login_edit, self.password_edit, self.otp_edit):
            edit.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.login_button.setText(self.tr("Connexion…") if busy and not external else self.tr("Se connecter"))
        if self.external_button is not None:
            self.external_button.setEnabled(not busy)
        self.external_hint.setVisible(busy and external)
        self._update_button()

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    # --- actions ----------------------------------------------------------------------------

    def submit(self) -> None:
        """Start the login in a worker thread (ignored while one is running or a field is missing)."""
        if self._busy or not self._ready():
            return
        login = self.login_edit.text().strip()
        password = self.password_edit.text()
        otp = self.otp_edit.text()
        login_function = self._login_function  # not ``self``: see _work
        self._start(lambda: login_function(login, password, otp), external=False)

    def sign_in_externally(self) -> None:
        """Run the identity provider's sign-in (browser) in a worker thread."""
        if self._busy or self._external_sign_in is None:
            return
        self._start(self._external_sign_in, external=True)

    def _start(self, call: Callable[[], Any], external: bool) -> None:
        self.error_label.hide()
        self._abandoned = False
        self._set_busy(True, external)
        threading.Thread(target=_work, args=(call, self._relay), name="login", daemon=True).start()

    def _on_offered(self, offered: bool) -> None:
        if offered and self.external_button is not None and self._external_separator is not None:
            self._external_separator.show()
            self.external_button.show()

    def _on_success(self, value: object) -> None:
        self._set_busy(False)
        if self._abandoned:
            log.info("login succeeded after the user quit the dialog: ignored")
            return
        self.result_value = value
        self.password_edit.clear()
        self.otp_edit.clear()
        self.accept()

    def _on_failure(self, exc: object) -> None:
        self._set_busy(False)
        if self._abandoned:
            return
        message = getattr(exc, "user_message", None)
        if isinstance(message, str) and message:
            log.warning("login failed: %s", exc)
            message = _interface_text(message)
        else:
            log.error("login failed unexpectedly", exc_info=exc if isinstance(exc, BaseException) else None)
            message = QCoreApplication.translate("LoginDialog", UNEXPECTED_ERROR)
        self.show_error(message)
        # A one-time code is never valid twice: always retype it. A wrong password is retyped too.
        self.otp_edit.clear()
        if getattr(exc, "code", None) in _OTP_CODES:
            self.otp_edit.setFocus()
        elif getattr(exc, "code", None) == "bad_credentials":
            self.password_edit.clear()
            self.password_edit.setFocus()
        else:
            self.otp_edit.setFocus()

    def reject(self) -> None:
        """Quitting stays possible while the platform is slow to answer; a late answer is ignored."""
        self._abandoned = self._busy
        super().reject()


