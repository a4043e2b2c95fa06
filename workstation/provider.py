"""Pro Santé Connect (e-CPS) for this workstation: the platform's OpenID provider, when it has one.

:mod:`auth.oidc` does the sign-in itself (system browser, loopback redirect, PKCE, ID token checks);
this module ties it to the workstation: the provider is the platform (its issuer is the platform's
address, checked against the same CA file), the tokens the code exchange returns become the
platform client's own (refreshed on 401 and revoked at logout like those of a password login),
and the session opens through :meth:`auth.session.Session.login_external`, so the audit journal
records the login like any other.

Whether to offer the button at all is the platform's call: it advertises a provider by answering
``/.well-known/openid-configuration`` (docs/ARCHITECTURE.md); a platform without one (404), or one
that cannot be reached, gets no button rather than a button that always fails.
"""

from __future__ import annotations

import logging
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import certifi

from auth.oidc import OidcRefused, OidcSignIn
from auth.session import Identity, PlatformUnreachable
from workstation.platform.client import UserInfo

if TYPE_CHECKING:
    from workstation.app import Workstation

log = logging.getLogger(__name__)

#: The client identifier this workstation is registered under at the provider (a wire value the
#: reference platform's ``teleplatform.oidc.CLIENT_ID`` repeats: the two programs share no code).
CLIENT_ID = "teleradiologie-poste"
#: How long the user has to finish signing in in the browser before the dialog gives up.
BROWSER_WAIT_SECONDS = 300.0


class ProviderSignIn:
    """The login dialog's second way in; blocking calls, run from the dialog's worker threads."""

    def __init__(
        self,
        workstation: Workstation,
        open_browser: Callable[[str], bool] = webbrowser.open,
        wait: float = BROWSER_WAIT_SECONDS,
    ) -> None:
        self._workstation = workstation
        self._open_browser = open_browser
        self._wait = wait

    def _sign_in(self) -> OidcSignIn:
        settings = self._workstation.settings
        return OidcSignIn(
            settings.base_url,
            CLIENT_ID,
            settings.ca_file or Path(certifi.where()),
            open_browser=self._open_browser,
            timeout=settings.request_timeout_seconds,
        )

    def advertised(self) -> bool:
        """Does the platform offer an OpenID provider? (one discovery request; False when not, or
        when it cannot be asked now: the password login stays, and says why if the platform is down)"""
        try:
            self._sign_in().discover()
        except (OidcRefused, PlatformUnreachable) as exc:
            log.info("no OpenID provider offered by the platform: %s", exc)
            return False
        return True

    def __call__(self) -> Identity:
        """Sign in through the browser and open the session; raises what the session's login raises
        (``LoginRejected``, ``PlatformUnreachable``), each with its French ``user_message``."""
        client = self._workstation.client

        def authenticate() -> Identity:
            result = self._sign_in().run(wait=self._wait)
            identity = result.identity
            with result.access_token as access, result.refresh_token as refresh:
                client.use_tokens(
                    access.text(),
                    refresh.text(),
                    result.expires_in,
                    UserInfo(identity.login, identity.rpps, identity.family, identity.given, identity.title),
                )
            return identity

        return self._workstation.session.login_external(authenticate)
