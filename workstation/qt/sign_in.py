"""The login dialog as the workstation opens it: password + one-time code, and Pro Santé Connect
(e-CPS) when the platform advertises an OpenID provider (:mod:`workstation.provider`)."""

from __future__ import annotations

import webbrowser
from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from auth.qt.login_dialog import LoginDialog
from workstation.app import Workstation
from workstation.provider import BROWSER_WAIT_SECONDS, ProviderSignIn


def login_dialog(
    workstation: Workstation,
    login: str = "",
    *,
    open_browser: Callable[[str], bool] = webbrowser.open,
    browser_wait: float = BROWSER_WAIT_SECONDS,
    parent: QWidget | None = None,
) -> LoginDialog:
    """The dialog, its identifier pre-filled with ``login``; ``open_browser`` is the system browser
    (a test drives its own)."""
    provider = ProviderSignIn(workstation, open_browser, browser_wait)
    dialog = LoginDialog(
        workstation.login,
        platform_label=workstation.settings.base_url,
        parent=parent,
        external_sign_in=provider,
        external_available=provider.advertised,
    )
    dialog.login_edit.setText(login)
    if login:
        dialog.password_edit.setFocus()
    return dialog
