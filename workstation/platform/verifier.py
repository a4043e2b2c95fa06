"""The platform client seen by the auth package's session (``auth.session.PlatformVerifier``).

The session only needs "log in" and "is this the password?", with two outcomes it acts on: a
refusal (LoginRejected: ask again) or no answer (PlatformUnreachable: the offline unlock rules
apply). This adapter maps the client's errors onto them, French messages included.
"""

from __future__ import annotations

from auth.session import Identity, LoginRejected, PlatformUnreachable
from workstation.platform.client import PlatformClient
from workstation.platform.errors import AuthError, AuthFailure, PlatformError


class SessionVerifier:
    def __init__(self, client: PlatformClient) -> None:
        self._client = client

    def authenticate(self, login: str, password: str, otp: str) -> Identity:
        try:
            user = self._client.login(login, password, otp).user
        except AuthError as exc:
            raise LoginRejected(exc.failure.value, str(exc), exc.user_message) from exc
        except PlatformError as exc:
            raise PlatformUnreachable(str(exc), exc.user_message) from exc
        return Identity(user.login, user.rpps, user.family, user.given, user.title)

    def verify_password(self, login: str, password: str) -> bool:
        auth = self._client.auth
        if auth is None or auth.user.login != login:
            raise PlatformUnreachable(
                "verify-password: no platform session for this user",
                "La plateforme ne peut pas vérifier le mot de passe sans session ouverte.",
            )
        try:
            return self._client.verify_password(password)
        except AuthError as exc:
            if exc.failure is AuthFailure.LOCKED:
                raise LoginRejected(exc.failure.value, str(exc), exc.user_message) from exc
            raise PlatformUnreachable(str(exc), exc.user_message) from exc
        except PlatformError as exc:
            raise PlatformUnreachable(str(exc), exc.user_message) from exc
