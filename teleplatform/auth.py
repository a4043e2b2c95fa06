"""Accounts, two-factor login and bearer tokens.

Login needs the password AND a TOTP code (RFC 6238, 30 s steps, one step of tolerance either way),
both checked in the same request so a wrong code cannot be told apart from a wrong password by
timing the two steps. A code is accepted once per user: the step it belongs to must be later than
the last step accepted, which also refuses older codes still inside the tolerance window.
Five failures in a row lock the account for 15 minutes.

Tokens are opaque random strings; only their SHA-256 is stored, so a copy of the database does not
hand out sessions. The access token lives 15 minutes, the refresh token a working day; refreshing
rotates both, and presenting an already rotated refresh token revokes the whole session (it can
only mean the token was copied).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import pyotp

from .clock import Clock, iso, parse_iso
from .store import Store

log = logging.getLogger(__name__)

ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(hours=10)
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
TOTP_STEP = 30
TOTP_WINDOW = 1

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


class Role(StrEnum):
    """What an account may do (docs/ARCHITECTURE.md, "Roles and scopes").

    radiologist: sees and answers the orders of the senders (sites) it is assigned to, reads their
    studies (and the same patients' priors), sends flux 3 and reports for them, ships its audit journal.
    site: sends flux 1, 2 and 4 for its own senders (MSH-3/MSH-4) only, and sees its own orders.
    admin: reads everything (worklist, studies, audit chains) for export and supervision; sends nothing.
    """

    RADIOLOGIST = "radiologist"
    SITE = "site"
    ADMIN = "admin"


def sender_key(application: str, facility: str) -> str:
    """A sender as the store keeps it: MSH-3 and MSH-4 (first components) joined by '@'."""
    return f"{application}@{facility}"


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    expected = base64.b64decode(digest)
    actual = hashlib.scrypt(
        password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
    )
    return hmac.compare_digest(actual, expected)


@dataclass(frozen=True, slots=True)
class TotpParameters:
    """RFC 6238 parameters. The defaults (HMAC-SHA1, 6 digits, 30 s) are what authenticator apps use;
    the others exist so the RFC 6238 Appendix B vectors (8 digits, SHA-256/512) run through this code.

    A TOTP code is the RFC 4226 HOTP value of the counter ``T = floor(unix time / step)``.
    """

    digest: str = "sha1"
    digits: int = 6
    step: int = TOTP_STEP
    window: int = TOTP_WINDOW  # steps of tolerance either way (clock drift, typing time)

    def __post_init__(self) -> None:
        if self.digest not in ("sha1", "sha256", "sha512"):
            raise ValueError(f"RFC 6238 allows HMAC-SHA1, -SHA256 or -SHA512, not {self.digest!r}")
        if not 6 <= self.digits <= 8 or self.step <= 0 or self.window < 0:
            raise ValueError("TOTP codes have 6 to 8 digits, a positive step and a non-negative window")

    def hotp(self, secret: str, counter: int) -> str:
        """RFC 4226 HOTP of ``counter`` for a base32 ``secret``."""
        return pyotp.HOTP(secret, digits=self.digits, digest=getattr(hashlib, self.digest)).at(counter)

    def counter(self, moment: datetime) -> int:
        return int(moment.timestamp()) // self.step

    def matching_step(self, secret: str, otp: str, now: datetime) -> int | None:
        """The step, within the window around ``now``, whose code is ``otp`` (None when none is)."""
        otp = otp.strip()
        if len(otp) != self.digits or not otp.isdigit():
            return None
        current = self.counter(now)
        for step in range(current - self.window, current + self.window + 1):
            if hmac.compare_digest(self.hotp(secret, step), otp):
                return step
        return None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_dummy_hash: str | None = None
_dummy_lock = threading.Lock()


def _dummy_password_hash() -> str:
    """A hash with the same scrypt parameters as the real ones, so that an unknown login costs the
    same one scrypt as a known login with a wrong password (computed once, on first use)."""
    global _dummy_hash
    with _dummy_lock:
        if _dummy_hash is None:
            _dummy_hash = hash_password(secrets.token_hex(16))
        return _dummy_hash


@dataclass(frozen=True, slots=True)
class User:
    login: str
    rpps: str
    family: str
    given: str
    title: str
    role: Role = Role.RADIOLOGIST
    senders: frozenset[str] = field(default_factory=frozenset)
    """radiologist: the senders whose orders it reads; site: the senders it may send as."""
    specialties: frozenset[str] = field(default_factory=frozenset)
    """radiologist: the expert groups (téléexpertise specialties) it belongs to."""

    def as_json(self) -> dict[str, str]:
        return {
            "login": self.login,
            "rpps": self.rpps,
            "family": self.family,
            "given": self.given,
            "title": self.title,
            "role": self.role.value,
        }


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    user: User

    def as_json(self) -> dict[str, object]:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_in": self.expires_in,
            "token_type": "Bearer",
            "user": self.user.as_json(),
        }


@dataclass(frozen=True, slots=True)
class SeedAccount:
    login: str
    password: str
    totp_secret: str
    rpps: str
    family: str
    given: str
    title: str
    role: Role = Role.RADIOLOGIST
    senders: frozenset[str] = frozenset()
    specialties: frozenset[str] = frozenset()


_SEED_TEXT_FIELDS = ("login", "password", "totp_secret", "rpps", "family", "given", "title")


def _senders(value: Any, where: str) -> set[str]:
    """["APP^FACILITY", ...]: MSH-3 and MSH-4 of the senders, first components."""
    if value is None:
        return set()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.count("^") == 1 for v in value):
        raise ValueError(f'{where}: expected a list of "MSH-3^MSH-4" strings')
    return {sender_key(*v.split("^")) for v in value}


def load_groups(path: Path) -> dict[str, set[str]]:
    """seed/groups.json (optional): {"group name": ["APP^FACILITY", ...]} — the sites of a group."""
    if not path.is_file():
        return {}
    entries = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(entries, dict):
        raise ValueError(f"{path}: expected a JSON object of groups")
    return {str(name): _senders(sites, f"{path}: group {name!r}") for name, sites in entries.items()}


class AuthError(Exception):
    """A refused authentication: HTTP status, API error code and the French sentence for the user."""

    def __init__(self, status: int, code: str, message: str, retry_after: int | None = None) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after


def _bad_credentials() -> AuthError:
    return AuthError(401, "bad_credentials", "Identifiant ou mot de passe incorrect.")


_DUMMY_TOTP_SECRET = "JBSWY3DPEHPK3PXP" * 2  # only ever compared against, for equal work


def _usable(row: sqlite3.Row, now: datetime) -> bool:
    """A token of a disabled or (still) locked account no longer opens anything."""
    if row["disabled"]:
        return False
    return not (row["locked_until"] and parse_iso(row["locked_until"]) > now)


def _disabled() -> AuthError:
    return AuthError(
        403, "account_disabled", "Compte désactivé : contactez l'administrateur de la plateforme."
    )


def _invalid_token() -> AuthError:
    return AuthError(401, "invalid_token", "Session invalide ou expirée : veuillez vous reconnecter.")


def load_seed(path: Path, groups: dict[str, set[str]] | None = None) -> list[SeedAccount]:
    """Read seed/accounts.json; a malformed file is an error for the operator, not a silent skip.

    Each account has a ``role`` (radiologist when absent); a site lists the senders it sends as in
    ``senders``; a radiologist lists the sites it reads for in ``sites`` and/or ``groups`` (named in
    seed/groups.json), and the téléexpertise specialties it answers for in ``expertise``. An account
    with no scope sees and sends nothing.
    """
    groups = groups if groups is not None else load_groups(path.with_name("groups.json"))
    entries = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a JSON list of accounts")
    accounts = []
    for index, entry in enumerate(entries):
        where = f"{path}: account #{index}"
        try:
            texts = {name: str(entry[name]) for name in _SEED_TEXT_FIELDS}
            role = Role(entry.get("role", Role.RADIOLOGIST.value))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"{where} lacks field {exc}") from exc
        except ValueError as exc:
            raise ValueError(f"{where}: unknown role {entry.get('role')!r}") from exc
        if role is Role.SITE:
            senders = _senders(entry.get("senders"), where)
        else:
            senders = _senders(entry.get("sites"), where)
            for group in entry.get("groups") or ():
                if group not in groups:
                    raise ValueError(f"{where}: unknown group {group!r} (seed/groups.json)")
                senders |= groups[group]
        if role is Role.ADMIN:
            senders = set()
        specialties = entry.get("expertise") or []
        if not isinstance(specialties, list) or not all(isinstance(s, str) and s for s in specialties):
            raise ValueError(f"{where}: 'expertise' must be a list of specialty names")
        if specialties and role is not Role.RADIOLOGIST:
            raise ValueError(f"{where}: only a radiologist belongs to expert groups ('expertise')")
        accounts.append(
            SeedAccount(**texts, role=role, senders=frozenset(senders), specialties=frozenset(specialties))
        )
        pyotp.TOTP(accounts[-1].totp_secret).now()  # rejects a secret that is not base32 now
    return accounts


def seed_accounts(store: Store, path: Path) -> int:
    """Create the seeded accounts that do not exist yet. Existing accounts keep their password and
    TOTP state; their role and scope are taken from the seed at every start (the seed is where an
    operator assigns sites), and a role change revokes their live tokens."""
    if not path.is_file():
        log.warning("no seed accounts file at %s", path)
        return 0
    created = 0
    for account in load_seed(path):
        with store.transaction() as conn:
            row = conn.execute("SELECT role FROM users WHERE login = ?", (account.login,)).fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO users (login, password_hash, totp_secret, rpps, family, given, title, role)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        account.login,
                        hash_password(account.password),
                        account.totp_secret,
                        account.rpps,
                        account.family,
                        account.given,
                        account.title,
                        account.role.value,
                    ),
                )
                created += 1
            elif row["role"] != account.role.value:
                conn.execute("UPDATE users SET role = ? WHERE login = ?", (account.role.value, account.login))
                conn.execute("UPDATE tokens SET revoked = 1 WHERE login = ?", (account.login,))
                log.warning(
                    "account %s: role changed to %s, live tokens revoked", account.login, account.role
                )
            conn.execute("DELETE FROM user_scopes WHERE login = ?", (account.login,))
            conn.executemany(
                "INSERT INTO user_scopes (login, sender) VALUES (?, ?)",
                [(account.login, sender) for sender in sorted(account.senders)],
            )
            conn.execute("DELETE FROM expert_groups WHERE login = ?", (account.login,))
            conn.executemany(
                "INSERT INTO expert_groups (login, specialty) VALUES (?, ?)",
                [(account.login, specialty) for specialty in sorted(account.specialties)],
            )
    log.info("seeded %d new account(s)", created)
    return created


def _user(conn: sqlite3.Connection, row: sqlite3.Row) -> User:
    senders = frozenset(
        r["sender"] for r in conn.execute("SELECT sender FROM user_scopes WHERE login = ?", (row["login"],))
    )
    specialties = frozenset(
        r["specialty"]
        for r in conn.execute("SELECT specialty FROM expert_groups WHERE login = ?", (row["login"],))
    )
    return User(
        row["login"],
        row["rpps"],
        row["family"],
        row["given"],
        row["title"],
        Role(row["role"]),
        senders,
        specialties,
    )


def _revoke_all(conn: sqlite3.Connection, login: str) -> int:
    """Every live token of the account, access and refresh: a locked or disabled account's
    sessions end at once, not when their tokens expire."""
    return conn.execute("UPDATE tokens SET revoked = 1 WHERE login = ? AND revoked = 0", (login,)).rowcount


class AuthService:
    def __init__(self, store: Store, clock: Clock, totp: TotpParameters | None = None) -> None:
        self._store = store
        self._clock = clock
        self._totp = totp or TotpParameters()

    def login(self, login: str, password: str, otp: str) -> TokenPair:
        """Both factors checked, then a new session's tokens (the API's login)."""
        user = self.check_factors(login, password, otp)
        return self.open_session(user)

    def open_session(self, user: User, session_id: str | None = None) -> TokenPair:
        """Tokens of a new session for a user whose factors were just checked (login, OIDC code);
        ``logout(session_id)`` revokes them."""
        with self._store.transaction() as conn:
            return self._issue(conn, user, session_id or secrets.token_hex(16), self._clock.now())

    def check_factors(self, login: str, password: str, otp: str) -> User:
        """Password AND one-time code, with the replay rule and the lock-out; the user, or AuthError.

        Shared by the API's login and the OpenID Connect authorization page (teleplatform.oidc).
        """
        now = self._clock.now()
        with self._store.transaction() as conn:
            row = conn.execute("SELECT * FROM users WHERE login = ?", (login,)).fetchone()
            if row is None:
                # Same answer and the same work as a wrong password (one scrypt with the same
                # parameters, one TOTP check, one counted failure): the login is not revealed.
                verify_password(password, _dummy_password_hash())
                self._totp.matching_step(_DUMMY_TOTP_SECRET, otp, now)
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('unknown_login_failures', '1') ON CONFLICT(key)"
                    " DO UPDATE SET value = CAST(value AS INTEGER) + 1"
                )
                log.info("login refused: unknown account")
                error: AuthError | None = _bad_credentials()
            else:
                if row["disabled"]:
                    verify_password(password, _dummy_password_hash())
                    raise _disabled()
                if row["locked_until"] and parse_iso(row["locked_until"]) > now:
                    raise self._locked(parse_iso(row["locked_until"]), now)
                error, step = self._check_factors(row, password, otp, now)
                if error is None:
                    conn.execute(
                        "UPDATE users SET failed_attempts = 0, locked_until = NULL, last_otp_step = ?"
                        " WHERE login = ?",
                        (step, login),
                    )
                    log.info("login accepted for account %s", login)
                    return _user(conn, row)
                error = self._record_failure(conn, row, error, now)
        assert error is not None
        raise error

    def verify_password(self, login: str, password: str) -> None:
        """Unlock after the workstation's idle lock: the password alone, inside a live session.
        Failures count toward the same lock-out as logins; raises AuthError when refused."""
        now = self._clock.now()
        with self._store.transaction() as conn:
            row = conn.execute("SELECT * FROM users WHERE login = ?", (login,)).fetchone()
            if row is None:
                raise _bad_credentials()
            if row["disabled"]:
                raise _disabled()
            if row["locked_until"] and parse_iso(row["locked_until"]) > now:
                raise self._locked(parse_iso(row["locked_until"]), now)
            if verify_password(password, row["password_hash"]):
                conn.execute("UPDATE users SET failed_attempts = 0 WHERE login = ?", (login,))
                return
            error = self._record_failure(conn, row, _bad_credentials(), now)
        raise error

    def refresh(self, refresh_token: str) -> TokenPair:
        now = self._clock.now()
        with self._store.transaction() as conn:
            row = conn.execute(
                "SELECT t.*, u.rpps, u.family, u.given, u.title, u.role, u.disabled, u.locked_until"
                " FROM tokens t JOIN users u USING (login) WHERE t.token_hash = ? AND t.kind = 'refresh'",
                (_token_hash(refresh_token),),
            ).fetchone()
            if row is None:
                raise _invalid_token()
            conn.execute("UPDATE tokens SET revoked = 1 WHERE session_id = ?", (row["session_id"],))
            if not row["revoked"] and parse_iso(row["expires_at"]) > now and _usable(row, now):
                return self._issue(conn, _user(conn, row), row["session_id"], now)
            if row["revoked"]:
                log.warning("rotated refresh token presented again: session revoked")
        # Outside the transaction, so the revocation above is committed before the refusal.
        raise _invalid_token()

    def authenticate(self, access_token: str) -> tuple[User, str]:
        """The user behind a bearer token and its session id, or AuthError."""
        now = self._clock.now()
        with self._store.reading() as conn:
            row = conn.execute(
                "SELECT t.*, u.rpps, u.family, u.given, u.title, u.role, u.disabled, u.locked_until"
                " FROM tokens t JOIN users u USING (login) WHERE t.token_hash = ? AND t.kind = 'access'",
                (_token_hash(access_token),),
            ).fetchone()
            if row is None or row["revoked"] or not _usable(row, now):
                raise _invalid_token()
            if parse_iso(row["expires_at"]) <= now:
                raise AuthError(401, "token_expired", "Votre session a expiré : veuillez la renouveler.")
            return _user(conn, row), row["session_id"]

    def disable(self, login: str, disabled: bool = True) -> int:
        """Disable (or enable again) an account; disabling revokes its live tokens at once.
        Returns the number of tokens revoked; KeyError for an unknown account."""
        with self._store.transaction() as conn:
            changed = conn.execute(
                "UPDATE users SET disabled = ? WHERE login = ?", (int(disabled), login)
            ).rowcount
            if not changed:
                raise KeyError(login)
            revoked = _revoke_all(conn, login) if disabled else 0
        log.warning(
            "account %s %s, %d live token(s) revoked", login, "disabled" if disabled else "enabled", revoked
        )
        return revoked

    def logout(self, session_id: str) -> None:
        with self._store.transaction() as conn:
            conn.execute("UPDATE tokens SET revoked = 1 WHERE session_id = ?", (session_id,))

    # -- internals ---------------------------------------------------------------------------

    def _record_failure(
        self, conn: sqlite3.Connection, row: sqlite3.Row, error: AuthError, now: datetime
    ) -> AuthError:
        """Count one failure; the fifth locks the account and is answered as a lock-out."""
        login = row["login"]
        failures = row["failed_attempts"] + 1
        if failures >= MAX_FAILURES:
            until = now + LOCKOUT
            conn.execute(
                "UPDATE users SET failed_attempts = 0, locked_until = ? WHERE login = ?", (iso(until), login)
            )
            revoked = _revoke_all(conn, login)
            log.warning(
                "account %s locked after %d failures, %d live token(s) revoked", login, failures, revoked
            )
            return self._locked(until, now)
        conn.execute("UPDATE users SET failed_attempts = ? WHERE login = ?", (failures, login))
        log.info(
            "authentication refused for account %s: %s (%d/%d)", login, error.code, failures, MAX_FAILURES
        )
        return error

    def _check_factors(
        self, row: sqlite3.Row, password: str, otp: str, now: datetime
    ) -> tuple[AuthError | None, int | None]:
        """Both factors are always evaluated, whatever the first one gave."""
        password_ok = verify_password(password, row["password_hash"])
        step = self._totp.matching_step(row["totp_secret"], otp, now)
        if not password_ok:
            return _bad_credentials(), None
        if step is None:
            return AuthError(401, "bad_otp", "Code de vérification incorrect."), None
        if step <= row["last_otp_step"]:
            return AuthError(
                401, "otp_replayed", "Ce code de vérification a déjà été utilisé : attendez le suivant."
            ), None
        return None, step

    @staticmethod
    def _locked(until: datetime, now: datetime) -> AuthError:
        seconds = max(1, int((until - now).total_seconds()))
        minutes = (seconds + 59) // 60
        return AuthError(
            423,
            "locked",
            f"Compte verrouillé après {MAX_FAILURES} échecs de connexion : "
            f"réessayez dans {minutes} minute(s).",
            retry_after=seconds,
        )

    def _issue(self, conn: sqlite3.Connection, user: User, session_id: str, now: datetime) -> TokenPair:
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        for token, kind, ttl in ((access, "access", ACCESS_TTL), (refresh, "refresh", REFRESH_TTL)):
            conn.execute(
                "INSERT INTO tokens (token_hash, kind, login, session_id, issued_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (_token_hash(token), kind, user.login, session_id, iso(now), iso(now + ttl)),
            )
        conn.execute("DELETE FROM tokens WHERE expires_at < ?", (iso(now - REFRESH_TTL),))
        return TokenPair(access, refresh, int(ACCESS_TTL.total_seconds()), user)
