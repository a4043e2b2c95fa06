"""The login dialog with a scripted login function: focus, validation, French errors, no UI freeze.

The same dialog against the real platform over HTTPS is exercised in
tests/workstation/test_gui_login_worklist.py.
"""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from auth.errors import AuthError
from auth.qt.login_dialog import UNEXPECTED_ERROR, LoginDialog
from auth.session import LoginRejected, PlatformUnreachable
from tests.teleplatform.conftest import start_live  # noqa: F401  (fixture)

pytestmark = pytest.mark.gui


def _fill(qtbot, dialog: LoginDialog, login="dr.martin", password="secret", otp="123456") -> None:
    qtbot.keyClicks(dialog.login_edit, login)
    qtbot.keyClicks(dialog.password_edit, password)
    qtbot.keyClicks(dialog.otp_edit, otp)


def test_button_waits_for_all_fields_and_six_digits(qtbot) -> None:
    dialog = LoginDialog(lambda *a: None)
    qtbot.addWidget(dialog)
    assert not dialog.login_button.isEnabled()
    _fill(qtbot, dialog, otp="12a34")  # the letter is refused by the validator
    assert dialog.otp_edit.text() == "1234"
    assert not dialog.login_button.isEnabled()
    qtbot.keyClicks(dialog.otp_edit, "56")
    assert dialog.otp_edit.text() == "123456"
    assert dialog.login_button.isEnabled()
    qtbot.keyClicks(dialog.otp_edit, "789")  # neither an app code nor an offline restart code
    assert not dialog.login_button.isEnabled()
    qtbot.keyClicks(dialog.otp_edit, "0123456")  # 12 digits at most: an offline restart code
    assert dialog.otp_edit.text() == "123456789012"
    assert dialog.login_button.isEnabled()


@pytest.mark.parametrize(
    ("error", "shown", "password_kept"),
    [
        (
            LoginRejected("bad_otp", "bad otp", "Code à usage unique incorrect."),
            "Code à usage unique incorrect.",
            True,
        ),
        (
            LoginRejected("bad_credentials", "bad pw", "Identifiant ou mot de passe incorrect."),
            "Identifiant ou mot de passe incorrect.",
            False,
        ),
        (
            PlatformUnreachable("timeout", "La plateforme est injoignable."),
            "La plateforme est injoignable.",
            True,
        ),
        (RuntimeError("boom"), UNEXPECTED_ERROR, True),
    ],
)
def test_failure_shows_the_french_message_and_clears_the_code(qtbot, error, shown, password_kept) -> None:
    calls: list[tuple[str, str, str]] = []

    def login(*args: str) -> None:
        calls.append(args)
        raise error

    dialog = LoginDialog(login)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(qtbot, dialog)
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=3000)
    assert calls == [("dr.martin", "secret", "123456")]
    assert dialog.error_label.text() == shown
    assert dialog.otp_edit.text() == ""
    assert (dialog.password_edit.text() == "secret") is password_kept
    assert dialog.login_edit.isEnabled() and not dialog.progress.isVisible()
    assert dialog.result() == 0 and dialog.isVisible()


def test_success_accepts_with_the_returned_value_and_the_ui_stays_live_meanwhile(qtbot) -> None:
    release = threading.Event()

    def slow_login(login: str, password: str, otp: str) -> str:
        assert release.wait(5)
        return f"identity of {login}"

    dialog = LoginDialog(slow_login, platform_label="https://127.0.0.1:8443")
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(qtbot, dialog)
    qtbot.keyClick(dialog.otp_edit, Qt.Key.Key_Return)  # Enter submits through the default button
    # While the platform "answers", the event loop runs: the fields are disabled, progress shown.
    qtbot.waitUntil(lambda: dialog.progress.isVisible(), timeout=2000)
    assert not dialog.login_edit.isEnabled() and not dialog.login_button.isEnabled()
    assert dialog.login_button.text() == "Connexion…"
    release.set()
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=3000)
    assert dialog.result_value == "identity of dr.martin"
    assert dialog.result() == 1
    assert dialog.password_edit.text() == "" and dialog.otp_edit.text() == ""


def test_auth_error_base_is_enough_for_a_message(qtbot) -> None:
    def login(*args: str) -> None:
        raise AuthError("account locked", "Compte verrouillé pendant 15 minutes.")

    dialog = LoginDialog(login)
    qtbot.addWidget(dialog)
    _fill(qtbot, dialog)
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.error_label.text() != "", timeout=3000)
    assert dialog.error_label.text() == "Compte verrouillé pendant 15 minutes."


def test_external_sign_in_button_end_to_end(qtbot, tmp_path, start_live, artifacts_dir) -> None:  # noqa: F811
    """Pro Santé Connect's button: the provider's page 'opens in the browser' (played by the test
    against the reference platform), the dialog waits with its hint, then accepts the identity."""
    from auth.oidc import OidcSignIn
    from auth.session import Session
    from teleplatform.oidc import CLIENT_ID
    from tests.auth.oidc_browser import Browser, _steps, start_provider

    live = start_provider(tmp_path, start_live)
    browser = Browser(live, _steps(live))
    opened = threading.Event()
    proceed = threading.Event()

    def system_browser(url: str) -> bool:
        opened.set()
        assert proceed.wait(10)  # the user is typing in the browser meanwhile
        return browser.open(url)

    session = Session(verifier=None, clock=lambda: 0.0)  # type: ignore[arg-type]  # no password login here
    sign_in = OidcSignIn(live.base_url, CLIENT_ID, live.ca_path, open_browser=system_browser)
    dialog = LoginDialog(
        lambda *a: None,
        platform_label=live.base_url,
        external_sign_in=lambda: session.login_external(lambda: sign_in.run(wait=15).identity),
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.external_button is not None and dialog.external_button.text() == (
        "Se connecter avec Pro Santé Connect"
    )
    qtbot.mouseClick(dialog.external_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(opened.is_set, timeout=5000)
    qtbot.waitUntil(dialog.external_hint.isVisible, timeout=2000)
    assert not dialog.external_button.isEnabled() and not dialog.login_edit.isEnabled()
    dialog.grab().save(str(artifacts_dir / "login_dialog_psc_waiting.png"))
    proceed.set()
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=15000)
    assert dialog.result_value.login == "dr.durand" and dialog.result() == 1
    assert session.identity is not None and session.identity.login == "dr.durand"


def test_external_sign_in_failure_is_shown_in_french(qtbot) -> None:
    def refused() -> None:
        raise LoginRejected(
            "access_denied", "provider said no", "Le fournisseur d'identité a refusé la connexion."
        )

    dialog = LoginDialog(lambda *a: None, external_sign_in=refused)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.sign_in_externally()
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=3000)
    assert dialog.error_label.text() == "Le fournisseur d'identité a refusé la connexion."
    assert dialog.external_button is not None and dialog.external_button.isEnabled()
    assert not dialog.external_hint.isVisible() and dialog.result() == 0


def test_without_an_external_provider_there_is_no_button(qtbot) -> None:
    dialog = LoginDialog(lambda *a: None)
    qtbot.addWidget(dialog)
    assert dialog.external_button is None


def test_the_dialog_in_english_with_its_error(qtbot, artifacts_dir) -> None:
    """Every word of the dialog in English, the fields, the code, the wait and the errors included;
    « Pro Santé Connect » is a name, not French to translate."""
    from resources.translations import QT_TRANSLATE_NOOP
    from tests.i18n import french_leftovers, interface_language

    release = threading.Event()
    errors: list[Exception] = [
        RuntimeError("boom"),
        LoginRejected("bad_credentials", "bad pw",
                      QT_TRANSLATE_NOOP("Session", "Identifiant ou mot de passe incorrect.")),
    ]

    def login(*args: str) -> None:
        assert release.wait(5)
        raise errors.pop(0)

    with interface_language("en"):
        dialog = LoginDialog(login, platform_label="https://pacs.example.org",
                             external_sign_in=lambda: None)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        # the password step: identifier and password typed, the one-time code still to come
        qtbot.keyClicks(dialog.login_edit, "dr.martin")
        qtbot.keyClicks(dialog.password_edit, "secret")
        assert french_leftovers(dialog, allow=["Pro Santé Connect"]) == []
        assert dialog.windowTitle() == "Sign in — Teleradiology workstation"
        assert dialog.otp_edit.placeholderText() == "6 digits from your authenticator app"
        assert dialog.login_button.text() == "Sign in" and not dialog.login_button.isEnabled()
        assert dialog.external_button is not None
        assert dialog.external_button.text() == "Sign in with Pro Santé Connect"
        dialog.grab().save(str(artifacts_dir / "login-en.png"))
        # the code step: six digits, then the platform thinks
        qtbot.keyClicks(dialog.otp_edit, "123456")
        qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(dialog.progress.isVisible, timeout=2000)
        assert dialog.login_button.text() == "Signing in…"
        assert french_leftovers(dialog, allow=["Pro Santé Connect"]) == []
        release.set()
        # an unexpected failure: the dialog's own message
        qtbot.waitUntil(dialog.error_label.isVisible, timeout=3000)
        assert dialog.error_label.text().startswith("Sign-in failed because of an unexpected error.")
        assert french_leftovers(dialog, allow=["Pro Santé Connect"]) == []
        # a refusal marked where it is raised: said in English too
        qtbot.keyClicks(dialog.otp_edit, "654321")
        dialog.submit()
        qtbot.waitUntil(lambda: dialog.error_label.text() == "Incorrect username or password.", timeout=3000)
        assert french_leftovers(dialog, allow=["Pro Santé Connect"]) == []
        dialog.grab().save(str(artifacts_dir / "login-en-error.png"))


def test_a_login_thread_never_holds_the_dialog(qtbot) -> None:
    """The dialog can die on the GUI thread while its login is still waiting on the platform: the
    worker thread holds only the relay, so it never ends up deleting a widget off the GUI thread
    (CI saw a segmentation fault when a login thread outlived its test)."""
    import gc
    import weakref

    release = threading.Event()
    finished = threading.Event()

    def login(*args: str) -> None:
        try:
            assert release.wait(5)
        finally:
            finished.set()

    def probe() -> bool:
        assert release.wait(5)
        return True

    dialog = LoginDialog(login, external_sign_in=lambda: None, external_available=probe)
    _fill(qtbot, dialog)
    dialog.submit()
    assert dialog.progress.isVisibleTo(dialog)  # the login thread is waiting on the platform
    alive = weakref.ref(dialog)
    del dialog
    gc.collect()
    assert alive() is None  # freed here, on the GUI thread, while both threads still wait
    release.set()
    assert finished.wait(5)
    qtbot.wait(50)  # the late answers go nowhere, quietly
