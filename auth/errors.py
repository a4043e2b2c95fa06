"""The one error base of the auth package.

Every failure a radiologist can meet here (wrong password, platform down, keyring refused) must be
shown to them in French and logged in English with the technical detail, so each error carries both:
``str(exc)`` is the English detail for the log, ``user_message`` the French sentence for the screen.
"""

from __future__ import annotations


class AuthError(Exception):
    """Base of the auth package's errors: English detail in ``str()``, French in ``user_message``."""

    def __init__(self, detail: str, user_message: str) -> None:
        super().__init__(detail)
        self.user_message = user_message
