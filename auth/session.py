"""The radiologist's session: strong login, idle lock, unlock, expiry and logout, without Qt.

The rules (HAS/ANS guidance for remote access to health data, and the platform's own):

- A session starts only after the platform accepted the password *and* the one-time code (OTP).
- After ``idle_timeout`` (15 min) without activity it locks: the screen must hide every patient datum.
  Exactly: 14:59 after the last activity the session is still open, at 15:00 it is locked.
- It unlocks with the password alone. The platform checks it when reachable; when it is not, a local
  check is allowed only within ``offline_unlock_window`` (12 h) of the last two-factor login, so a
  stolen laptop cut off from the network cannot be reopened forever with a guessed password.
- ``strong_auth_lifetime`` (12 h) after the last two-factor login the session expires: only a new
  two-factor login (of the same user, to resume; of another, after ending this one) reopens it.
- ``max_unlock_failures`` wrong passwords in a row end the session.
- Logout and expiry wipe the secrets the session holds (the offline unlock check).

The platform is reached through the :class:`PlatformVerifier` protocol, which the workstation
implements with its platform client. The GUI subscribes to :class:`SessionEvent` (a minimal observer)
and drives the clock with :meth:`Session.tick` (a timer) and :meth:`Session.record_activity` (input).
Each event carries the new state; patient data may stay on screen only while it is
``SessionState.ACTIVE``.

Time comes from an injectable clock (seconds). The default one advances by the larger of the
monotonic (boot-time where available) and wall-clock steps: setting the system clock back cannot
extend a session, and a suspended laptop still locks on resume.

Restarting without the platform (offline resume, :meth:`Session.resume_offline`) takes two factors,
as every opening of a session does (charter §8.2 « authentification forte »; HAS: « au moins deux
dispositifs d'authentification »): the password, checked against the scrypt hash kept in the OS
keyring at the last two-factor login, and one of the **offline restart codes** (:class:`OfflineCodes`)
that the platform issued to this user after a two-factor login and that the workstation showed once.
Why these codes and not the alternatives: the TOTP secret is not on the workstation, and a 6-digit
code cannot be verified offline safely (20 bits: whoever holds the laptop's keyring would try the
million codes of a step in seconds); a device-bound key in the keyring is not a second factor against
the threat that matters (the stolen laptop *is* the device). A restart code is 12 random digits
(40 bits) issued by the platform only after it checked both factors, kept by the radiologist off the
workstation (paper, phone), stored on the workstation only as scrypt hashes (about 10^12 × 50 ms to
find one by brute force), valid once, and usable only within the 12 hours that follow the last
two-factor login. Unlocking a session that is still running (idle lock) stays the password alone: it
re-checks the holder of a session opened with two factors, it opens none.

Across a restart of the workstation (offline resume, :meth:`Session.resume_offline`) the 12-hour
limit cannot be stretched by setting the clock back either (issue 22): the credential records the
boot and the boot-time clock (``CLOCK_BOOTTIME``, suspend included) of the strong login, so on the
same boot the age is measured on that clock; after a reboot it is measured on the wall clock, but
never below the latest wall time this workstation has seen (:class:`WallHighWater`, kept in a file).

Threading: the methods may be called from a worker thread (``unlock`` and ``login`` wait on the
network without holding the session's lock); listeners are called on the calling thread, outside
the lock.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Protocol

from auth.errors import AuthError
from resources.events import Listeners
from resources.translations import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

Clock = Callable[[], float]


class ElapsedClock:
    """Seconds that never go back and count suspend time; see the module docstring."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._monotonic = self._read_monotonic()
        self._wall = time.time()
        self._value = 0.0

    @staticmethod
    def _read_monotonic() -> float:
        boottime = getattr(time, "CLOCK_BOOTTIME", None)  # Linux: includes suspend
        return time.clock_gettime(boottime) if boottime is not None else time.monotonic()

    def __call__(self) -> float:
        with self._lock:
            monotonic, wall = self._read_monotonic(), time.time()
            self._value += max(monotonic - self._monotonic, wall - self._wall, 0.0)
            self._monotonic, self._wall = monotonic, wall
            return self._value


BootClock = Callable[[], tuple[str, float]]


def boot_clock() -> tuple[str, float]:
    """(this boot's identifier, seconds since boot including suspend); ('', 0.0) where unknown."""
    boottime = getattr(time, "CLOCK_BOOTTIME", None)
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as fh:
            boot_id = fh.read().strip()
    except OSError:
        return "", 0.0
    if boottime is None:
        return "", 0.0
    return boot_id, time.clock_gettime(boottime)


class WallHighWater:
    """The latest wall-clock time this workstation has seen, kept in a small file (not secret).

    Moving the clock back cannot move this back: the offline limit counts from the later of the two.
    Written at most every ``every`` seconds of wall time (a GUI timer calls :meth:`note` often).
    """

    def __init__(self, path: Path, every: float = 300.0) -> None:
        self.path = path
        self._every = every
        self._value: datetime | None = None
        self._lock = threading.Lock()
        try:
            self._value = datetime.fromisoformat(path.read_text("ascii").strip())
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as exc:
            log.warning("wall-clock high water %s unreadable: %s", path, exc)

    def value(self) -> datetime | None:
        return self._value

    def note(self, moment: datetime, force: bool = False) -> None:
        """``moment`` was seen (the wall clock, or the platform's time): raise the mark if later."""
        with self._lock:
            current = self._value
            if current is not None and moment <= current:
                return
            self._value = moment
            if not force and current is not None and (moment - current).total_seconds() < self._every:
                return
            partial = self.path.with_name(f".{self.path.name}.part")
            try:
                fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                try:
                    os.write(fd, moment.astimezone(UTC).isoformat().encode("ascii"))
                    os.fsync(fd)
                finally:
                    os.close(fd)
                os.replace(partial, self.path)
            except OSError as exc:
                log.warning("wall-clock high water %s not saved: %s", self.path, exc)


@dataclass(frozen=True, slots=True)
class Identity:
    """The authenticated professional, as the platform describes them."""

    login: str
    rpps: str
    family: str
    given: str
    title: str = ""


class PlatformUnreachable(AuthError):
    """The platform could not be asked (network down, TLS failure, timeout, server error)."""


class LoginRejected(AuthError):
    """The platform refused the credentials; ``code`` is its error code (bad_credentials, bad_otp...)."""

    def __init__(self, code: str, detail: str, user_message: str) -> None:
        super().__init__(detail, user_message)
        self.code = code


class PlatformVerifier(Protocol):
    """What the session needs from the platform; the workstation adapts its client to it."""

    def authenticate(self, login: str, password: str, otp: str) -> Identity:
        """Two-factor login. Raises :class:`LoginRejected` or :class:`PlatformUnreachable`."""
        ...

    def verify_password(self, login: str, password: str) -> bool:
        """Is this the user's password? Raises :class:`PlatformUnreachable` when it cannot tell."""
        ...


class SessionError(AuthError):
    """Base of the errors the session raises for the GUI to show."""


class UnlockRejected(SessionError):
    """Wrong password at unlock; the session stays locked (``attempts_left`` more tries)."""

    def __init__(self, detail: str, user_message: str, attempts_left: int) -> None:
        super().__init__(detail, user_message)
        self.attempts_left = attempts_left


class FullLoginRequired(SessionError):
    """Unlocking with the password alone is no longer allowed: a two-factor login is needed."""


class SessionStateError(SessionError):
    """An operation that the current state does not allow (a programming error of the caller)."""


class SessionState(Enum):
    LOGGED_OUT = "logged_out"
    ACTIVE = "active"
    LOCKED = "locked"
    EXPIRED = "expired"  # the strong authentication is too old: two-factor login again


class SessionEventKind(Enum):
    LOGGED_IN = "logged_in"
    LOGIN_FAILED = "login_failed"
    LOCKED = "locked"
    UNLOCKED = "unlocked"
    UNLOCK_FAILED = "unlock_failed"
    EXPIRED = "expired"
    LOGGED_OUT = "logged_out"


class Reason(Enum):
    IDLE_TIMEOUT = "idle_timeout"
    USER_REQUEST = "user_request"
    USER_SWITCH = "user_switch"
    STRONG_AUTH_EXPIRED = "strong_auth_expired"
    TOO_MANY_UNLOCK_FAILURES = "too_many_unlock_failures"
    PASSWORD_CHECKED_ONLINE = "password_checked_online"
    PASSWORD_CHECKED_OFFLINE = "password_checked_offline"
    REJECTED = "rejected"
    PLATFORM_UNREACHABLE = "platform_unreachable"
    OFFLINE_WINDOW_EXPIRED = "offline_window_expired"
    OFFLINE_CODE_CHECKED = "offline_code_checked"  # offline restart: password and a restart code


@dataclass(frozen=True, slots=True)
class SessionEvent:
    """One transition or failed attempt. ``detail`` is English, for logs (a platform error code)."""

    kind: SessionEventKind
    state: SessionState
    login: str
    identity: Identity | None
    at: float
    reason: Reason | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    idle_timeout: float = 15 * 60.0
    strong_auth_lifetime: float = 12 * 3600.0
    offline_unlock_window: float = 12 * 3600.0
    max_unlock_failures: int = 5

    def __post_init__(self) -> None:
        if min(self.idle_timeout, self.strong_auth_lifetime, self.offline_unlock_window) <= 0:
            raise ValueError("session durations must be positive")
        if self.offline_unlock_window > self.strong_auth_lifetime:
            raise ValueError("the offline unlock window cannot outlast the strong authentication")
        if self.max_unlock_failures < 1:
            raise ValueError("max_unlock_failures must be at least 1")


class _OfflineVerifier:
    """An scrypt hash of the password, in memory only, for unlocking while the platform is unreachable.

    Kept for the session and wiped with it. A memory dump would expose it to an offline guessing
    attack, slowed by scrypt (about 16 MiB and tens of milliseconds per guess).
    """

    _N, _R, _P = 2**14, 8, 1

    def __init__(self, password: str) -> None:
        self._salt = bytearray(os.urandom(16))
        self._hash = bytearray(self._derive(password))

    def _derive(self, password: str) -> bytes:
        return hashlib.scrypt(
            password.encode("utf-8"), salt=bytes(self._salt), n=self._N, r=self._R, p=self._P
        )

    def matches(self, password: str) -> bool:
        return hmac.compare_digest(self._derive(password), self._hash)

    def export(self) -> tuple[bytes, bytes]:
        """(salt, hash) for :class:`OfflineCredential` (kept in the OS keyring, never in a file)."""
        return bytes(self._salt), bytes(self._hash)

    @classmethod
    def restore(cls, salt: bytes, digest: bytes) -> _OfflineVerifier:
        verifier = cls.__new__(cls)
        verifier._salt = bytearray(salt)
        verifier._hash = bytearray(digest)
        return verifier

    def wipe(self) -> None:
        self._salt[:] = bytes(len(self._salt))
        self._hash[:] = bytes(len(self._hash))


@dataclass(frozen=True, slots=True)
class OfflineCredential:
    """What lets a restarted workstation reopen a session while the platform is unreachable: who
    logged in with two factors, when (wall clock, UTC), and the scrypt hash of their password.

    The workstation keeps it in the OS keyring; :meth:`Session.resume_offline` accepts it only within
    ``offline_unlock_window`` of that login, and the 12-hour limit still counts from it.
    """

    identity: Identity
    strong_auth_at: datetime
    salt: bytes = field(repr=False)
    digest: bytes = field(repr=False)
    boot_id: str = ""  # the boot of the strong login ('' unknown: the wall clock alone measures the age)
    boot_elapsed: float | None = None  # CLOCK_BOOTTIME at the strong login

    def to_json(self) -> str:
        return json.dumps(
            {
                "boot_id": self.boot_id,
                "boot_elapsed": self.boot_elapsed,
                "identity": [
                    self.identity.login,
                    self.identity.rpps,
                    self.identity.family,
                    self.identity.given,
                    self.identity.title,
                ],
                "at": self.strong_auth_at.isoformat(),
                "salt": self.salt.hex(),
                "hash": self.digest.hex(),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> OfflineCredential:
        data = json.loads(text)
        return cls(
            Identity(*data["identity"]),
            datetime.fromisoformat(data["at"]),
            bytes.fromhex(data["salt"]),
            bytes.fromhex(data["hash"]),
            str(data.get("boot_id") or ""),
            data.get("boot_elapsed"),
        )


OFFLINE_CODE_DIGITS = 12
OFFLINE_CODE_COUNT = 5


def normalise_offline_code(text: str) -> str:
    """The digits of a restart code as typed (spaces and dashes of its printed groups removed)."""
    return "".join(ch for ch in text if ch not in " -\u00a0")


def is_offline_code(text: str) -> bool:
    code = normalise_offline_code(text)
    return len(code) == OFFLINE_CODE_DIGITS and code.isascii() and code.isdigit()


@dataclass(frozen=True, slots=True)
class OfflineCodes:
    """The scrypt hashes of the offline restart codes the platform issued (see the module docstring).

    Kept in the OS keyring apart from :class:`OfflineCredential` (a new two-factor login refreshes the
    credential, not the codes the radiologist has written down). A code matches once:
    :meth:`consume` returns the codes left, which the caller stores back before opening the session.
    """

    login: str
    salt: bytes = field(repr=False)
    digests: tuple[bytes, ...] = field(repr=False)
    issued_at: datetime | None = None

    _N, _R, _P = 2**14, 8, 1

    @classmethod
    def _derive(cls, salt: bytes, code: str) -> bytes:
        return hashlib.scrypt(code.encode("ascii"), salt=salt, n=cls._N, r=cls._R, p=cls._P)

    @classmethod
    def from_codes(cls, login: str, codes: list[str], issued_at: datetime | None = None) -> OfflineCodes:
        """Hash the codes the platform just issued (the plain codes are shown once, never stored)."""
        clean = [normalise_offline_code(c) for c in codes]
        if not clean or not all(is_offline_code(c) for c in clean):
            raise ValueError(f"offline codes must be {OFFLINE_CODE_DIGITS} digits")
        salt = os.urandom(16)
        return cls(login, salt, tuple(cls._derive(salt, c) for c in clean), issued_at)

    def consume(self, code: str) -> OfflineCodes | None:
        """The codes left once ``code`` is used, or None when it is not one of them."""
        if not is_offline_code(code):
            return None
        digest = self._derive(self.salt, normalise_offline_code(code))
        for index, held in enumerate(self.digests):
            if hmac.compare_digest(digest, held):
                return OfflineCodes(
                    self.login, self.salt, self.digests[:index] + self.digests[index + 1 :], self.issued_at
                )
        return None

    def to_json(self) -> str:
        return json.dumps(
            {
                "login": self.login,
                "salt": self.salt.hex(),
                "hashes": [d.hex() for d in self.digests],
                "issued_at": self.issued_at.isoformat() if self.issued_at else None,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> OfflineCodes:
        data = json.loads(text)
        issued = data.get("issued_at")
        return cls(
            str(data["login"]),
            bytes.fromhex(data["salt"]),
            tuple(bytes.fromhex(h) for h in data["hashes"]),
            datetime.fromisoformat(issued) if issued else None,
        )


class OfflineCodeRequired(LoginRejected):
    """Offline restart: the password was right but no valid restart code was given (or none is held)."""


Listener = Callable[[SessionEvent], None]


class Session:
    """The session state machine; see the module docstring for the rules."""

    def __init__(
        self,
        verifier: PlatformVerifier,
        policy: SessionPolicy | None = None,
        clock: Clock | None = None,
        wall: Callable[[], datetime] | None = None,
        boot: BootClock | None = None,
    ) -> None:
        """``boot``: (boot id, boot-time seconds) for the offline limit across restarts (see the module
        docstring); :func:`boot_clock` by default, ('', 0.0) in tests that do not need it."""
        self._boot = boot or boot_clock
        self._strong_auth_boot: tuple[str, float] = ("", 0.0)
        self._high_water: WallHighWater | None = None
        self._verifier = verifier
        self._policy = policy or SessionPolicy()
        self._clock = clock or ElapsedClock()
        self._lock = threading.RLock()
        self._listeners: Listeners[SessionEvent] = Listeners("session")
        self._state = SessionState.LOGGED_OUT
        self._identity: Identity | None = None
        self._strong_auth_at = 0.0
        self._last_activity = 0.0
        self._unlock_failures = 0
        self._offline: _OfflineVerifier | None = None
        self._generation = 0  # bumped whenever the session's owner changes or ends
        self._wall = wall or (lambda: datetime.now(UTC))
        self._strong_auth_wall: datetime | None = None

    # --- observation -------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every event; returns the function that unsubscribes it. A listener
        that raises is logged and the others still hear the event (the screen lock must)."""
        return self._listeners.subscribe(listener)

    @property
    def policy(self) -> SessionPolicy:
        return self._policy

    @property
    def state(self) -> SessionState:
        """The state as of the last evaluation; call :meth:`tick` to bring it up to date."""
        return self._state

    @property
    def identity(self) -> Identity | None:
        return self._identity

    # --- driving -----------------------------------------------------------------------------

    def tick(self) -> SessionState:
        """Apply the idle and expiry deadlines now (a GUI timer calls this every second or so)."""
        with self._lock:
            events = self._evaluate(self._clock())
            state = self._state
        self._dispatch(events)
        if self._high_water is not None:
            self._high_water.note(self._wall())
        return state

    def use_wall_high_water(self, high_water: WallHighWater) -> None:
        """Keep the latest wall time seen, so an offline resume after a reboot cannot count from a
        clock set back (the workstation gives a file in its data folder)."""
        self._high_water = high_water
        high_water.note(self._wall(), force=True)

    def _offline_age(self, credential: OfflineCredential) -> float:
        """Seconds since the credential's strong login, never shortened by a clock set back."""
        wall = self._wall()
        floor = self._high_water.value() if self._high_water is not None else None
        age = ((max(wall, floor) if floor is not None else wall) - credential.strong_auth_at).total_seconds()
        boot_id, elapsed = self._boot()
        if credential.boot_id and credential.boot_id == boot_id and credential.boot_elapsed is not None:
            age = max(age, elapsed - credential.boot_elapsed)  # same boot: the boot-time clock is exact
        return age

    def record_activity(self) -> None:
        """User input: postpones the idle lock, unless it is already due (then it locks first)."""
        with self._lock:
            now = self._clock()
            events = self._evaluate(now)
            if self._state is SessionState.ACTIVE:
                self._last_activity = now
        self._dispatch(events)

    def lock(self) -> None:
        """Lock at the user's request (leaving the desk)."""
        with self._lock:
            now = self._clock()
            events = self._evaluate(now)
            if self._state is SessionState.ACTIVE:
                self._state = SessionState.LOCKED
                events.append(self._event(SessionEventKind.LOCKED, now, Reason.USER_REQUEST))
        self._dispatch(events)

    # --- authentication ----------------------------------------------------------------------

    def login(self, login: str, password: str, otp: str) -> Identity:
        """Two-factor login through the platform, from the logged-out, locked or expired states.

        Raises :class:`LoginRejected` or :class:`PlatformUnreachable` (after a LOGIN_FAILED event).
        """
        return self._login(login, lambda: self._verifier.authenticate(login, password, otp), password)

    def login_external(self, sign_in: Callable[[], Identity], login_hint: str = "") -> Identity:
        """Open the session through an external identity provider (``auth.oidc``: Pro Santé Connect).

        ``sign_in`` runs the provider's flow and returns who signed in (raising
        :class:`LoginRejected` or :class:`PlatformUnreachable`); ``login_hint`` names the attempt in
        a LOGIN_FAILED event. The provider's sign-in counts as the strong authentication (the
        12-hour clock starts again). No password reaches the workstation, so there is no offline
        unlock: while the platform is unreachable, only a new sign-in reopens a locked session.
        """
        return self._login(login_hint, sign_in, None)

    def _login(self, login: str, authenticate: Callable[[], Identity], password: str | None) -> Identity:
        with self._lock:
            events = self._evaluate(self._clock())
            active = self._state is SessionState.ACTIVE
        self._dispatch(events)
        if active:
            raise SessionStateError(
                "login() while a session is active",
                QT_TRANSLATE_NOOP("Session", "Une session est déjà ouverte sur ce poste."),
            )

        try:
            identity = authenticate()
        except (LoginRejected, PlatformUnreachable) as exc:
            with self._lock:
                now = self._clock()
                events = self._evaluate(now)
                reason = Reason.REJECTED if isinstance(exc, LoginRejected) else Reason.PLATFORM_UNREACHABLE
                detail = exc.code if isinstance(exc, LoginRejected) else str(exc)
                events.append(self._event(SessionEventKind.LOGIN_FAILED, now, reason, detail, login=login))
            self._dispatch(events)
            raise

        with self._lock:
            now = self._clock()
            events = self._evaluate(now)
            if self._state is SessionState.ACTIVE:  # another login won the race while we waited
                conflict = True
            else:
                conflict = False
                events.extend(self._open(now, identity, password))
        self._dispatch(events)
        if conflict:
            raise SessionStateError(
                "another login completed while the platform was checking this one",
                QT_TRANSLATE_NOOP("Session", "Une session a été ouverte entre-temps sur ce poste."),
            )
        return identity

    def _open(self, now: float, identity: Identity, password: str | None) -> list[SessionEvent]:
        events: list[SessionEvent] = []
        if self._identity is not None and self._identity.login != identity.login:
            events.extend(self._end(now, SessionEventKind.LOGGED_OUT, Reason.USER_SWITCH))
        if self._offline is not None:
            self._offline.wipe()
        self._offline = _OfflineVerifier(password) if password is not None else None
        self._identity = identity
        self._state = SessionState.ACTIVE
        self._strong_auth_at = self._last_activity = now
        self._strong_auth_wall = self._wall()
        self._strong_auth_boot = self._boot()
        self._unlock_failures = 0
        self._generation += 1
        events.append(self._event(SessionEventKind.LOGGED_IN, now))
        return events

    def offline_credential(self) -> OfflineCredential | None:
        """The credential of the current password login, to keep for a restart without the platform."""
        with self._lock:
            if self._identity is None or self._offline is None or self._strong_auth_wall is None:
                return None
            salt, digest = self._offline.export()
            boot_id, elapsed = self._strong_auth_boot
            return OfflineCredential(
                self._identity, self._strong_auth_wall, salt, digest, boot_id, elapsed if boot_id else None
            )

    def resume_offline(
        self,
        credential: OfflineCredential,
        login: str,
        password: str,
        code: str,
        codes: OfflineCodes | None,
        store_codes: Callable[[OfflineCodes], None],
    ) -> Identity:
        """Open the session without the platform (restart in degraded mode) on two factors: the
        password and one offline restart code (see the module docstring), within the offline window
        of the last two-factor login recorded in ``credential``.

        ``store_codes`` receives the codes left once ``code`` matched, before the session opens (a
        code is spent even if the caller crashes next). Raises :class:`LoginRejected` (wrong login or
        password), :class:`OfflineCodeRequired` (no code held, or not one of them) or
        :class:`FullLoginRequired` (too old).
        """
        age = self._offline_age(credential)
        if credential.identity.login != login:
            raise LoginRejected(
                "bad_credentials",
                "offline resume for another login",
                QT_TRANSLATE_NOOP(
                    "Session",
                    "Hors ligne, seul le dernier utilisateur connecté sur ce poste peut reprendre sa "
                    "session.",
                ),
            )
        if not 0 <= age < self._policy.offline_unlock_window:
            raise FullLoginRequired(
                f"offline resume {age:.0f} s after the strong login",
                QT_TRANSLATE_NOOP(
                    "Session",
                    "La plateforme est injoignable et votre dernière authentification forte est trop "
                    "ancienne (plus de 12 heures) : reconnectez-vous quand la plateforme sera joignable.",
                ),
            )
        verifier = _OfflineVerifier.restore(credential.salt, credential.digest)
        if not verifier.matches(password):
            verifier.wipe()
            with self._lock:
                now = self._clock()
                event = self._event(
                    SessionEventKind.LOGIN_FAILED, now, Reason.REJECTED, "offline password", login=login
                )
            self._dispatch([event])
            raise LoginRejected(
                "bad_credentials",
                "wrong password offline",
                QT_TRANSLATE_NOOP("Session", "Identifiant ou mot de passe incorrect."),
            )
        left = codes.consume(code) if codes is not None and codes.login == login else None
        if left is None:
            verifier.wipe()
            with self._lock:
                now = self._clock()
                event = self._event(
                    SessionEventKind.LOGIN_FAILED,
                    now,
                    Reason.REJECTED,
                    "offline restart code missing" if codes is None else "offline restart code rejected",
                    login=login,
                )
            self._dispatch([event])
            raise OfflineCodeRequired(
                "no_offline_code" if codes is None or codes.login != login else "bad_offline_code",
                "offline resume without a valid offline restart code",
                QT_TRANSLATE_NOOP(
                    "Session",
                    "La plateforme est injoignable et vous n'avez pas préparé de codes de reprise hors "
                    "ligne sur ce poste : la session ne peut pas être ouverte sans second facteur. "
                    "Reconnectez-vous quand la plateforme sera joignable.",
                )
                if codes is None or codes.login != login
                else QT_TRANSLATE_NOOP(
                    "Session",
                    "La plateforme est injoignable : saisissez dans le champ du code un de vos codes "
                    "de reprise hors ligne (12 chiffres, chacun valable une fois), pas le code de "
                    "votre application.",
                ),
            )
        store_codes(left)
        with self._lock:
            now = self._clock()
            events = self._evaluate(now)
            if self._state is SessionState.ACTIVE:
                raise SessionStateError(
                    "resume while active",
                    QT_TRANSLATE_NOOP("Session", "Une session est déjà ouverte sur ce poste."),
                )
            if self._offline is not None:
                self._offline.wipe()
            self._offline = verifier
            self._identity = credential.identity
            self._state = SessionState.ACTIVE
            self._strong_auth_at = now - age  # the 12-hour limit still counts from the real login
            self._strong_auth_wall = credential.strong_auth_at
            self._strong_auth_boot = (
                (credential.boot_id, credential.boot_elapsed)
                if credential.boot_id and credential.boot_elapsed is not None
                else ("", 0.0)
            )
            self._last_activity = now
            self._unlock_failures = 0
            self._generation += 1
            events.append(self._event(SessionEventKind.LOGGED_IN, now, Reason.OFFLINE_CODE_CHECKED))
        self._dispatch(events)
        return credential.identity

    def unlock(self, password: str) -> Reason:
        """Unlock with the password; returns how it was checked (online or offline).

        Raises :class:`UnlockRejected` (wrong password, still locked), :class:`FullLoginRequired`
        (expired, offline window passed, or too many failures: the session then ends).
        """
        with self._lock:
            events = self._evaluate(self._clock())
            state, identity, generation = self._state, self._identity, self._generation
        self._dispatch(events)
        if state is SessionState.EXPIRED:
            raise FullLoginRequired(
                "strong authentication expired",
                QT_TRANSLATE_NOOP(
                    "Session",
                    "Votre dernière authentification forte date de plus de {hours} heures : reconnectez-vous "
                    "avec votre mot de passe et votre code à usage unique.",
                ).format(hours=f"{self._policy.strong_auth_lifetime / 3600:g}"),
            )
        if state is not SessionState.LOCKED or identity is None:
            raise SessionStateError(
                f"unlock() in state {state.value}",
                QT_TRANSLATE_NOOP("Session", "La session n'est pas verrouillée."),
            )

        try:
            online: bool | None = self._verifier.verify_password(identity.login, password)
        except PlatformUnreachable as exc:
            log.info("platform unreachable at unlock (%s): trying the offline check", exc)
            online = None

        with self._lock:
            now = self._clock()
            events = self._evaluate(now)
            failure: SessionError | None = None
            how = Reason.REJECTED
            if self._generation != generation or self._state is not SessionState.LOCKED:
                failure = FullLoginRequired(
                    "session changed while the password was being checked",
                    QT_TRANSLATE_NOOP(
                        "Session", "La session a changé pendant la vérification : reconnectez-vous."
                    ),
                )
            elif online is None and self._offline is None:
                events.append(self._event(SessionEventKind.UNLOCK_FAILED, now, Reason.PLATFORM_UNREACHABLE))
                failure = FullLoginRequired(
                    "platform unreachable and no offline verifier (external sign-in)",
                    QT_TRANSLATE_NOOP(
                        "Session",
                        "La plateforme est injoignable et la session a été ouverte par un fournisseur "
                        "d'identité : le mot de passe ne peut pas être vérifié sur le poste. "
                        "Reconnectez-vous quand la plateforme sera joignable.",
                    ),
                )
            elif online is None and now - self._strong_auth_at >= self._policy.offline_unlock_window:
                events.append(self._event(SessionEventKind.UNLOCK_FAILED, now, Reason.OFFLINE_WINDOW_EXPIRED))
                failure = FullLoginRequired(
                    "platform unreachable and the offline unlock window has passed",
                    QT_TRANSLATE_NOOP(
                        "Session",
                        "La plateforme est injoignable et votre dernière authentification forte est trop "
                        "ancienne pour déverrouiller hors ligne : reconnectez-vous quand la plateforme "
                        "sera joignable.",
                    ),
                )
            else:
                if online is None:
                    assert self._offline is not None  # checked just above
                    accepted, how = self._offline.matches(password), Reason.PASSWORD_CHECKED_OFFLINE
                else:
                    accepted, how = online, Reason.PASSWORD_CHECKED_ONLINE
                if accepted:
                    if online and self._offline is not None and not self._offline.matches(password):
                        # The password was changed on the platform: the offline check follows it.
                        self._offline.wipe()
                        self._offline = _OfflineVerifier(password)
                    self._state = SessionState.ACTIVE
                    self._last_activity = now
                    self._unlock_failures = 0
                    events.append(self._event(SessionEventKind.UNLOCKED, now, how))
                else:
                    self._unlock_failures += 1
                    left = self._policy.max_unlock_failures - self._unlock_failures
                    events.append(
                        self._event(SessionEventKind.UNLOCK_FAILED, now, Reason.REJECTED, how.value)
                    )
                    if left <= 0:
                        events += self._end(now, SessionEventKind.LOGGED_OUT, Reason.TOO_MANY_UNLOCK_FAILURES)
                        failure = FullLoginRequired(
                            "too many wrong passwords at unlock: session ended",
                            QT_TRANSLATE_NOOP(
                                "Session",
                                "Trop de mots de passe erronés : la session est fermée. Reconnectez-vous "
                                "avec votre mot de passe et votre code à usage unique.",
                            ),
                        )
                    else:
                        if left > 1:
                            wrong = QT_TRANSLATE_NOOP(
                                "Session", "Mot de passe incorrect. Il vous reste {remaining} essais."
                            )
                        else:
                            wrong = QT_TRANSLATE_NOOP(
                                "Session", "Mot de passe incorrect. Il vous reste {remaining} essai."
                            )
                        failure = UnlockRejected(
                            f"wrong password at unlock ({how.value})", wrong.format(remaining=left), left
                        )
        self._dispatch(events)
        if failure is not None:
            raise failure
        return how

    def confirm_password(self, password: str) -> Reason:
        """Re-authentication of an act (signing a report): the password of the active session's user,
        checked by the platform, or offline within the offline window when the platform is unreachable.

        Returns how it was checked; raises :class:`UnlockRejected` (wrong password, nothing changes:
        the session stays active) or :class:`FullLoginRequired` (offline and the window has passed).
        """
        with self._lock:
            identity, state = self._identity, self._state
        if state is not SessionState.ACTIVE or identity is None:
            raise SessionStateError(
                f"confirm_password() in state {state.value}",
                QT_TRANSLATE_NOOP("Session", "Aucune session active."),
            )
        try:
            accepted = self._verifier.verify_password(identity.login, password)
            how = Reason.PASSWORD_CHECKED_ONLINE
        except PlatformUnreachable:
            with self._lock:
                if self._clock() - self._strong_auth_at >= self._policy.offline_unlock_window:
                    raise FullLoginRequired(
                        "platform unreachable and the offline window has passed",
                        QT_TRANSLATE_NOOP(
                            "Session",
                            "La plateforme est injoignable et votre dernière authentification forte est trop "
                            "ancienne pour signer hors ligne.",
                        ),
                    ) from None
                accepted = self._offline is not None and self._offline.matches(password)
            how = Reason.PASSWORD_CHECKED_OFFLINE
        if not accepted:
            raise UnlockRejected(
                f"wrong password at confirmation ({how.value})",
                QT_TRANSLATE_NOOP("Session", "Mot de passe incorrect."),
                0,
            )
        return how

    def logout(self) -> None:
        """End the session at the user's request and wipe what it held (idempotent)."""
        with self._lock:
            now = self._clock()
            events = (
                []
                if self._state is SessionState.LOGGED_OUT
                else self._end(now, SessionEventKind.LOGGED_OUT, Reason.USER_REQUEST)
            )
        self._dispatch(events)

    # --- internals (called with the lock held) -----------------------------------------------

    def _evaluate(self, now: float) -> list[SessionEvent]:
        """Apply the deadlines: expiry first (it supersedes the idle lock), then the idle lock."""
        opened = self._state in (SessionState.ACTIVE, SessionState.LOCKED)
        if opened and now - self._strong_auth_at >= self._policy.strong_auth_lifetime:
            self._wipe()
            self._state = SessionState.EXPIRED
            self._generation += 1
            return [self._event(SessionEventKind.EXPIRED, now, Reason.STRONG_AUTH_EXPIRED)]
        if self._state is SessionState.ACTIVE and now - self._last_activity >= self._policy.idle_timeout:
            self._state = SessionState.LOCKED
            return [self._event(SessionEventKind.LOCKED, now, Reason.IDLE_TIMEOUT)]
        return []

    def _end(self, now: float, kind: SessionEventKind, reason: Reason) -> list[SessionEvent]:
        self._wipe()
        self._state = SessionState.LOGGED_OUT
        event = self._event(kind, now, reason)
        self._identity = None
        self._generation += 1
        return [event]

    def _wipe(self) -> None:
        if self._offline is not None:
            self._offline.wipe()
            self._offline = None
        self._unlock_failures = 0

    def _event(
        self,
        kind: SessionEventKind,
        now: float,
        reason: Reason | None = None,
        detail: str = "",
        login: str | None = None,
    ) -> SessionEvent:
        identity = self._identity if login is None else None
        who = login if login is not None else (identity.login if identity else "")
        return SessionEvent(kind, self._state, who, identity, now, reason, detail)

    def _dispatch(self, events: list[SessionEvent]) -> None:
        for event in events:
            log.info("session %s (%s)", event.kind.value, event.reason.value if event.reason else "-")
            self._listeners.emit(event)
