"""Pro Santé Connect (e-CPS) from the workstation's own login dialog, end to end.

The reference platform plays the OpenID provider; the system browser is the test's driver
(tests/auth/oidc_browser.py: the provider's page fetched, filled, posted, the redirect followed to
the workstation's loopback listener). Everything else is the application's: the dialog
`workstation.qt.sign_in.login_dialog` that `python -m workstation` opens, the discovery that decides
whether the button is shown, the session opened through the provider, the platform client using
the provider's tokens for the worklist, and the logout revoking them.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from auth.keystore import KeyStore, VolatileKeyring
from auth.session import SessionState
from tests.auth.oidc_browser import Browser, _steps
from tests.teleplatform.builders import ACCOUNT, new_order, write_data_dir
from tests.teleplatform.conftest import Live, ManualClock, start_live  # noqa: F401  (fixture)
from workstation.app import Workstation
from workstation.audit import Outcome
from workstation.audit.journal import read_entries
from workstation.audit.model import EventKind as AuditEventKind
from workstation.qt.main_window import MainWindow
from workstation.qt.sign_in import login_dialog
from workstation.settings import Settings


@pytest.fixture
def live(tmp_path: Path, start_live: Callable[..., Live]) -> Live:  # noqa: F811
    """The platform on real time (the ID token's exp and iat are checked against this clock), with
    one order for the radiologist's worklist."""
    data = write_data_dir(tmp_path / "data", {"0001.hl7": new_order("CMD-PSC-1", "MSG-PSC-1")})
    return start_live(data, ManualClock(datetime.now(UTC)))


def _workstation(tmp_path: Path, base_url: str, ca_path: Path) -> Workstation:
    settings = Settings(platform_url=base_url, ca_file=ca_path, cache_dir=tmp_path / "cache")
    return Workstation(
        settings,
        keystore=KeyStore(VolatileKeyring()),
        data_dir=tmp_path / "ws",
        journal_path=tmp_path / "ws" / "audit.jsonl",
    )


@pytest.fixture
def workstation(live: Live, tmp_path: Path) -> Iterator[Workstation]:
    ws = _workstation(tmp_path, live.base_url, live.ca_path)
    yield ws
    ws.close()


def test_pro_sante_connect_from_the_login_dialog_to_the_worklist(
    qtbot, live: Live, workstation: Workstation, artifacts_dir: Path
) -> None:
    browser = Browser(live, _steps(live))
    opened = threading.Event()
    proceed = threading.Event()

    def system_browser(url: str) -> bool:
        opened.set()
        assert proceed.wait(10)  # the user types in the browser meanwhile
        return browser.open(url)

    dialog = login_dialog(workstation, open_browser=system_browser, browser_wait=20)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    button = dialog.external_button
    assert button is not None
    qtbot.waitUntil(button.isVisible, timeout=10000)  # the platform advertised its provider
    assert button.text() == "Se connecter avec Pro Santé Connect"
    dialog.grab().save(str(artifacts_dir / "workstation-login-psc.png"))

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(opened.is_set, timeout=10000)
    qtbot.waitUntil(dialog.external_hint.isVisible, timeout=2000)
    assert not button.isEnabled() and not dialog.password_edit.isEnabled()
    proceed.set()
    with qtbot.waitSignal(dialog.accepted, timeout=20000):
        pass
    assert browser.pages == [(200, "")]  # one page, no error shown on it

    identity = dialog.result_value
    assert (identity.login, identity.rpps, identity.family) == (ACCOUNT["login"], ACCOUNT["rpps"], "DURAND")
    assert workstation.session.state is SessionState.ACTIVE
    auth = workstation.client.auth
    assert auth is not None and auth.user.login == ACCOUNT["login"]
    token = auth.access_token

    # The provider's tokens are the client's own: the worklist comes with them.
    window = MainWindow(workstation)
    qtbot.addWidget(window)
    window.resize(1400, 800)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=15000)
    window.grab().save(str(artifacts_dir / "workstation-after-psc.png"))

    # The journal records the login like a password login's.
    logins = [
        e.record for e in read_entries(workstation.journal_path) if e.record.kind is AuditEventKind.LOGIN
    ]
    assert len(logins) == 1 and logins[0].outcome is Outcome.SUCCESS
    assert any(p.user_id == ACCOUNT["login"] for p in logins[0].participants)

    # Logout revokes the provider's tokens on the platform.
    window.close()
    workstation.logout()
    assert workstation.client.auth is None
    refused = live.session.get(live.url("/api/v1/worklist"), headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401


def test_a_refused_sign_in_is_said_in_french_and_the_password_form_stays(
    qtbot, live: Live, workstation: Workstation
) -> None:
    browser = Browser(live, _steps(live), password="pas-le-bon")

    def wrong_then_give_up(url: str) -> bool:
        browser.open(url)  # the provider's page says the password is wrong; the user closes it
        return True

    dialog = login_dialog(workstation, open_browser=wrong_then_give_up, browser_wait=1)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.external_button is not None
    qtbot.waitUntil(dialog.external_button.isVisible, timeout=10000)
    dialog.sign_in_externally()
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=15000)
    assert dialog.error_label.text() == "La connexion par le navigateur n'a pas abouti à temps : recommencez."
    assert browser.pages == [(200, ""), (401, "Identifiant ou mot de passe incorrect.")]  # said on the page
    assert dialog.external_button.isEnabled() and dialog.login_edit.isEnabled()
    assert workstation.session.state is not SessionState.ACTIVE and workstation.client.auth is None


def test_no_button_when_the_platform_offers_no_provider(qtbot, tmp_path: Path, live: Live) -> None:
    """A platform that cannot be asked (here: nothing listens) shows the password form only."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ws = _workstation(tmp_path, f"https://127.0.0.1:{port}", live.ca_path)
    try:
        asked = threading.Event()
        dialog = login_dialog(ws, "dr.durand")
        dialog._relay.offered.connect(lambda _offered: asked.set())
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(asked.is_set, timeout=15000)
        assert dialog.external_button is not None and not dialog.external_button.isVisible()
        assert dialog.login_edit.text() == "dr.durand" and dialog.password_edit.hasFocus()
    finally:
        ws.close()
