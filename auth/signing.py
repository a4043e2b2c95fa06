"""How a report's signature is confirmed: the password, re-asked at most every 15 minutes of one
unlocked session, and otherwise a one-key confirmation naming the patient and the exam. Qt-free.

Why this and not the alternatives (issue 17, item 4):

- What the texts ask. The G4 charter (§ « aspects techniques ») and the HAS guide ask for *strong
  authentication* of the radiologist — « au moins deux dispositifs d'authentification » — to *access*
  the platform and its data, and for exhaustive traceability; neither asks for a second factor at
  each act. The workstation's two-factor login (password + TOTP, or Pro Santé Connect) is that
  strong authentication, valid 12 hours, and its session locks after 15 minutes without input.
  Signing re-checks that the person at the keyboard is still the one who logged in: a *re*-
  authentication of an authenticated session, which the audit journal records with the report.
- Why not the TOTP code at each signature: the phone at hand for every report on a night shift,
  and the platform refuses a code used twice in its 30-second step (``otp_replayed``), so two short
  reports signed within 30 seconds would fail; nor can the workstation check a code offline (the
  secret is not on it), so degraded mode could not sign at all.
- Why not a PIN: a new secret to enrol, reset and keep (on the workstation, where a 4–6 digit PIN
  is brute-forced in seconds from its hash, or on the platform, which degraded mode cannot reach),
  weaker than the password it would replace.
- Why the password every 15 minutes, counted from the last time it was typed *to sign*: 15 minutes
  is the idle lock's delay, the exposure the same rules already accept for an unattended unlocked
  screen; an unattended workstation locks within that time anyway, and this bounds the time in
  which someone else could sign on a session left open *while in use* to 15 minutes after the
  radiologist last proved the password. The window is fixed (a quick confirmation never extends
  it) and closes at once when the session locks, expires, ends or changes hands; a password typed
  at login or at unlock does not open it (signing is an act apart, and the first report after a
  lock asks again). Inside the window the confirmation still names the patient and the exam and
  needs a deliberate key (Enter on « Signer »): a signature is never a side effect of another key.
- The password itself is checked as before (:meth:`auth.session.Session.confirm_password`: by the
  platform, or offline within 12 hours of the two-factor login), so a wrong password opens nothing.

Time comes from an injectable clock (seconds); the default never goes back (monotonic).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from enum import Enum

from auth.session import Reason, Session, SessionEvent, SessionEventKind, SessionState

Clock = Callable[[], float]

SIGNATURE_WINDOW = 15 * 60.0  # seconds: the password is re-asked at most this often


class Confirmation(Enum):
    """How a signature was confirmed (for the log and the tests)."""

    PASSWORD_ONLINE = "password_online"
    PASSWORD_OFFLINE = "password_offline"
    WITHIN_WINDOW = "within_window"  # the password was typed to sign less than the window ago


# a lock, the end of the session, or a new one (whoever opened it): the password is asked again
_CLOSING = frozenset(
    {
        SessionEventKind.LOCKED,
        SessionEventKind.EXPIRED,
        SessionEventKind.LOGGED_OUT,
        SessionEventKind.LOGGED_IN,
    }
)


class SignatureConfirmation:
    """The signature window of one session: :meth:`needs_password` says which confirmation to ask,
    :meth:`confirm` checks it. Thread-safe (the password check runs in a worker thread)."""

    def __init__(
        self, session: Session, window: float = SIGNATURE_WINDOW, clock: Clock | None = None
    ) -> None:
        if window < 0:
            raise ValueError("the signature window cannot be negative")
        self.session = session
        self.window = window
        self.clock: Clock = clock or time.monotonic
        self._lock = threading.Lock()
        self._proven_at: float | None = None
        self._login = ""
        self._epoch = 0  # bumped by every forget(): a check that straddles a lock opens nothing
        self._unsubscribe = session.subscribe(self._on_session_event)

    def close(self) -> None:
        """Stop following the session (the window's owner goes away)."""
        self._unsubscribe()
        self.forget()

    def forget(self) -> None:
        """Close the window: the next signature asks for the password."""
        with self._lock:
            self._proven_at = None
            self._login = ""
            self._epoch += 1

    def _on_session_event(self, event: SessionEvent) -> None:
        if event.kind in _CLOSING:
            self.forget()

    def remaining(self) -> float:
        """Seconds left before the password is asked again (0: it is asked now)."""
        identity = self.session.identity
        with self._lock:
            if (
                self._proven_at is None
                or self.session.state is not SessionState.ACTIVE
                or identity is None
                or identity.login != self._login
            ):
                return 0.0
            return max(0.0, self._proven_at + self.window - self.clock())

    def needs_password(self) -> bool:
        return self.remaining() <= 0.0

    def confirm(self, password: str | None) -> Confirmation:
        """Confirm a signature: with the password (always accepted as the confirmation, and it opens
        the window), or without it (``None``) only inside the window.

        Raises what :meth:`Session.confirm_password` raises (``UnlockRejected`` for a wrong password,
        ``FullLoginRequired``, ``SessionStateError``), and :class:`PasswordRequired` when ``None`` is
        given outside the window (it closed between the question and the answer).
        """
        if password is None:
            if self.needs_password():
                raise PasswordRequired()
            return Confirmation.WITHIN_WINDOW
        with self._lock:
            epoch = self._epoch
        how = self.session.confirm_password(password)
        identity = self.session.identity
        with self._lock:
            if epoch == self._epoch and identity is not None:
                self._proven_at = self.clock()
                self._login = identity.login
        if how is Reason.PASSWORD_CHECKED_OFFLINE:
            return Confirmation.PASSWORD_OFFLINE
        return Confirmation.PASSWORD_ONLINE


class PasswordRequired(Exception):
    """The quick confirmation came after the window closed: ask for the password."""
