"""The workstation's side of the platform's HTTP API (docs/ARCHITECTURE.md).

HTTPS only, verified against the platform's CA file and nothing else: the session ignores the
environment (``trust_env = False``), because requests would otherwise let REQUESTS_CA_BUNDLE
replace the CA we were told to trust — and a user's shell may well export it.

Threads: a client may be shared. Every HTTP exchange holds the client's lock (requests.Session is
not documented thread-safe); a study download takes it per instance, so a heartbeat or a worklist
refresh from another thread waits at most one instance. Tokens live in the client and are never
logged (their dataclass fields are hidden from repr).
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import requests

from workstation.hl7 import Ack, HL7ParseError, Practitioner, parse, parse_ack
from workstation.orders import Order, OrderStatus, Priority, parse_order
from workstation.platform.dicomweb import DicomWeb, Progress, call, no_redirects, redirect_refused
from workstation.platform.errors import (
    AuthError,
    AuthFailure,
    PlatformError,
    ProtocolError,
    ServerError,
    UnreachableError,
    from_response,
)

log = logging.getLogger(__name__)

T = TypeVar("T")
HL7_CONTENT_TYPE = "application/hl7-v2; charset=utf-8"
API = "/api/v1"
# 401 codes that are the user's answer being wrong, not our token being stale
_USER_REFUSALS = {"bad_credentials", "bad_otp", "otp_replayed"}


@dataclass(frozen=True, slots=True)
class UserInfo:
    login: str
    rpps: str
    family: str
    given: str
    title: str

    @property
    def practitioner(self) -> Practitioner:
        """The user as the flux 3 answers name him (ORC-12)."""
        return Practitioner.from_rpps(self.rpps, self.family, self.given, self.title)


@dataclass(frozen=True, slots=True)
class AuthSession:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: datetime  # UTC, computed from expires_in when the tokens were received
    user: UserInfo


@dataclass(frozen=True, slots=True)
class RawMessage:
    type: str
    control_id: str
    received_at: datetime
    hl7: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    at: datetime
    event: str
    detail: str


@dataclass(frozen=True, slots=True)
class WorklistEntry:
    """One Order of the worklist, as the platform sent it; :meth:`order` reads its messages."""

    order_id: str
    status: OrderStatus
    priority: Priority
    received_at: datetime
    study_instance_uid: str | None
    accession_number: str | None
    messages: tuple[RawMessage, ...] = field(repr=False)
    history: tuple[HistoryEvent, ...] = field(repr=False)
    # Issue 23, item 1: the study being acquired before the site's flux 4 (the platform announces it
    # when its images name the order in (0040,2016)); ``acquiring`` once a case is opened on it.
    study_in_progress: str | None = None
    acquiring: bool = False
    awaiting_images: bool = False  # complementary images asked of the site, not yet received

    def order(self) -> Order:
        """The order built from the relayed HL7 (raises HL7ParseError for unusable messages)."""
        return parse_order(m.hl7 for m in self.messages)


def _when(value: Any, key: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise ProtocolError(f"worklist: {key} is not ISO-8601", _BAD_ANSWER) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_BAD_ANSWER = "La plateforme a envoyé une réponse illisible."


def _in_progress(value: Any) -> str | None:
    """The announced study's UID when it is one (anything else is ignored, never guessed)."""
    uid = value.get("study_instance_uid") if isinstance(value, Mapping) else None
    if isinstance(uid, str) and 0 < len(uid) <= 64 and all(c.isdigit() or c == "." for c in uid):
        return uid
    return None


def _entry(item: Mapping[str, Any]) -> WorklistEntry:
    try:
        return WorklistEntry(
            order_id=str(item["order_id"]),
            status=OrderStatus(item["status"]),
            priority=Priority(item["priority"]),
            received_at=_when(item["received_at"], "received_at"),
            study_instance_uid=item.get("study_instance_uid") or None,
            accession_number=item.get("accession_number") or None,
            messages=tuple(
                RawMessage(
                    str(m["type"]), str(m["control_id"]), _when(m["received_at"], "received_at"), m["hl7"]
                )
                for m in item["messages"]
            ),
            history=tuple(
                HistoryEvent(_when(h["at"], "at"), str(h["event"]), str(h.get("detail") or ""))
                for h in item.get("history") or ()
            ),
            study_in_progress=_in_progress(item.get("study_in_progress")),
            awaiting_images=item.get("awaiting_images") is True,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ProtocolError(f"worklist: malformed order ({type(exc).__name__}: {exc})", _BAD_ANSWER) from exc


class PlatformClient:
    def __init__(self, base_url: str, ca_file: Path | None, timeout: float = 10.0) -> None:
        """``ca_file``: the platform's certificate authority (PEM); None for a platform whose
        certificate a public authority signed (requests' bundle, never the environment's)."""
        parts = urlsplit(base_url)
        if parts.scheme != "https" or not parts.hostname:
            raise ValueError(f"the platform URL must be https://host[:port]: {base_url!r}")
        try:
            ssl.create_default_context(cafile=str(ca_file) if ca_file is not None else None)
        except (OSError, ssl.SSLError) as exc:  # FileNotFoundError is an OSError
            raise PlatformError(
                f"CA file unusable: {ca_file} ({type(exc).__name__})",
                "Certificat d'autorité de la plateforme introuvable ou illisible : vérifiez les réglages.",
            ) from exc
        self.base_url = base_url.rstrip("/")
        self._ca: str | bool = str(ca_file) if ca_file is not None else True
        self._timeout = timeout
        self._lock = threading.RLock()
        self._session = requests.Session()
        self._session.trust_env = False  # REQUESTS_CA_BUNDLE must not replace our CA (STACK-NOTES)
        self._session.verify = self._ca
        no_redirects(self._session)  # a 3xx is refused, never followed (see _exchange)
        self._session.headers["User-Agent"] = "teleradiologie-workstation"
        self._auth: AuthSession | None = None
        self._dicomweb: DicomWeb | None = None

    # --- plumbing ---------------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        what: str,
        *,
        authenticated: bool = True,
        expected: Collection[int] = (),
        **kwargs: Any,
    ) -> requests.Response:
        """One exchange; HTTP errors become PlatformError, except the ``expected`` statuses, which
        the caller reads. A 401 for a stale access token is retried once, after refreshing the token
        (unless another thread already did)."""
        if not authenticated:
            kwargs["headers"] = {**kwargs.get("headers", {}), "Authorization": None}
        token = self._auth.access_token if self._auth else None
        response = self._exchange(method, path, what, **kwargs)
        if (
            authenticated
            and response.status_code == 401
            and token is not None
            and self._error_code(response) not in _USER_REFUSALS
        ):
            with self._lock:
                if self._auth is not None and self._auth.access_token == token:
                    log.info("%s: access token refused, refreshing it", what)
                    self.refresh()
            response = self._exchange(method, path, what, **kwargs)
        if response.status_code >= 400 and response.status_code not in expected:
            raise from_response(response, what)
        return response

    def _exchange(self, method: str, path: str, what: str, **kwargs: Any) -> requests.Response:
        """One request, redirects never followed: a 3xx (to http://, to another host, or even to
        the same origin) is refused with a French reason before anything else is sent."""
        response = call(
            lambda: self._session.request(
                method,
                self.base_url + path,
                timeout=self._timeout,
                verify=self._ca,
                allow_redirects=False,
                **kwargs,
            ),
            what,
            self._lock,
        )
        if 300 <= response.status_code < 400:
            raise redirect_refused(response, what)
        return response

    @staticmethod
    def _error_code(response: requests.Response) -> str:
        try:
            body = response.json()
        except ValueError:
            return ""
        return str(body.get("error", "")) if isinstance(body, dict) else ""

    @staticmethod
    def _json(response: requests.Response, what: str) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError as exc:
            raise ProtocolError(f"{what}: answer is not JSON", _BAD_ANSWER) from exc
        if not isinstance(body, dict):
            raise ProtocolError(f"{what}: answer is not a JSON object", _BAD_ANSWER)
        return body

    def _guarded(self, fn: Callable[[], T], what: str) -> T:
        """For DICOMweb: refresh a stale token once, as :meth:`_send` does."""
        try:
            return call(fn, what, self._lock)
        except AuthError as exc:
            if exc.failure is not AuthFailure.SESSION_EXPIRED or self._auth is None:
                raise
            self.refresh()
            return call(fn, what, self._lock)

    def _accept_tokens(self, body: dict[str, Any], what: str) -> AuthSession:
        try:
            user = body["user"]
            session = AuthSession(
                access_token=str(body["access_token"]),
                refresh_token=str(body["refresh_token"]),
                expires_at=datetime.now(UTC) + timedelta(seconds=float(body["expires_in"])),
                user=UserInfo(
                    str(user["login"]),
                    str(user.get("rpps") or ""),
                    str(user.get("family") or ""),
                    str(user.get("given") or ""),
                    str(user.get("title") or ""),
                ),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ProtocolError(
                f"{what}: malformed token answer ({type(exc).__name__})", _BAD_ANSWER
            ) from exc
        with self._lock:
            self._auth = session
            self._session.headers["Authorization"] = f"Bearer {session.access_token}"
        return session

    def _forget_tokens(self) -> None:
        with self._lock:
            self._auth = None
            self._session.headers.pop("Authorization", None)

    # --- API --------------------------------------------------------------------------------------

    @property
    def auth(self) -> AuthSession | None:
        return self._auth

    def health(self) -> bool:
        """Is the platform up? False when it cannot be reached or says it is not ok.

        A certificate problem is not an outage: TlsError is raised so the user sees it.
        """
        try:
            response = self._send("GET", f"{API}/health", "health", authenticated=False)
            return self._json(response, "health").get("status") == "ok"
        except (UnreachableError, ProtocolError, ServerError) as exc:
            log.info("health: %s", exc)
            return False

    def login(self, login: str, password: str, otp: str) -> AuthSession:
        response = self._send(
            "POST",
            f"{API}/auth/login",
            "login",
            json={"login": login, "password": password, "otp": otp},
            authenticated=False,
        )
        session = self._accept_tokens(self._json(response, "login"), "login")
        log.info("logged in as %s", session.user.login)
        return session

    def use_tokens(
        self, access_token: str, refresh_token: str, expires_in: float, user: UserInfo
    ) -> AuthSession:
        """Adopt the platform tokens obtained elsewhere (the OpenID Connect code exchange of
        :mod:`workstation.provider`): from then on the client refreshes and revokes them as its own."""
        body = {
            "access_token": access_token,
            "refresh_token": refresh_token,
            "expires_in": expires_in,
            "user": {"login": user.login, "rpps": user.rpps, "family": user.family,
                     "given": user.given, "title": user.title},
        }
        session = self._accept_tokens(body, "provider sign-in")
        log.info("signed in through the identity provider as %s", session.user.login)
        return session

    def refresh(self) -> AuthSession:
        """New tokens from the refresh token; AuthError(SESSION_EXPIRED) when it is refused."""
        with self._lock:  # two threads must not spend the same refresh token
            current = self._auth
            if current is None:
                raise AuthError(AuthFailure.SESSION_EXPIRED, "refresh: not logged in")
            try:
                response = self._send(
                    "POST",
                    f"{API}/auth/refresh",
                    "refresh",
                    json={"refresh_token": current.refresh_token},
                    authenticated=False,
                )
            except AuthError as exc:
                self._forget_tokens()
                raise AuthError(AuthFailure.SESSION_EXPIRED, str(exc)) from exc
            return self._accept_tokens(self._json(response, "refresh"), "refresh")

    def logout(self) -> None:
        """Revoke our tokens on the platform. They are forgotten here even if that call fails,
        and the failure is raised for the caller to tell the user."""
        if self._auth is None:
            return
        try:
            self._send("POST", f"{API}/auth/logout", "logout")
        finally:
            self._forget_tokens()

    def verify_password(self, password: str) -> bool:
        """Unlock after the idle lock: is this the logged-in user's password?"""
        try:
            response = self._send(
                "POST", f"{API}/auth/verify-password", "verify-password", json={"password": password}
            )
        except AuthError as exc:
            if exc.failure is AuthFailure.BAD_CREDENTIALS:
                return False
            raise
        return self._json(response, "verify-password").get("valid") is True

    def offline_codes(self) -> list[str]:
        """Offline restart codes issued by the platform to the logged-in user (auth.session.OfflineCodes)."""
        response = self._send("POST", f"{API}/auth/offline-codes", "offline-codes", json={})
        body = self._json(response, "offline-codes")
        codes = body.get("codes")
        if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
            raise ProtocolError("offline-codes: no codes list", _BAD_ANSWER)
        return [str(c) for c in codes]

    def request_complementary_images(self, order_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Ask the site for complementary images on an order (workstation.complementary)."""
        path = f"{API}/orders/{quote(order_id, safe='')}/complementary-images"
        return self._json(self._send("POST", path, "complementary images", json=body), "complementary images")

    def worklist(self) -> list[WorklistEntry]:
        body = self._json(self._send("GET", f"{API}/worklist", "worklist"), "worklist")
        orders = body.get("orders")
        if not isinstance(orders, list):
            raise ProtocolError("worklist: no orders list", _BAD_ANSWER)
        return [_entry(item) for item in orders]

    def submit(self, message: str) -> Ack:
        """Send one HL7 message; the ACK must acknowledge that very message (MSA-2 = our MSH-10).

        AE/AR come back as an Ack for the caller (the outbox) to act on, not as an exception.
        """
        control_id = parse(message).control_id
        response = self._send(
            "POST",
            f"{API}/messages",
            f"submit {control_id}",
            data=message.encode("utf-8"),
            headers={"Content-Type": HL7_CONTENT_TYPE},
        )
        if not response.headers.get("Content-Type", "").startswith("application/hl7-v2"):
            raise ProtocolError(f"submit {control_id}: answer is not application/hl7-v2", _BAD_ANSWER)
        try:
            ack = parse_ack(response.content.decode("utf-8"))
        except (UnicodeDecodeError, HL7ParseError) as exc:
            raise ProtocolError(f"submit {control_id}: unusable ACK ({exc})", _BAD_ANSWER) from exc
        if ack.control_id != control_id:
            raise ProtocolError(
                f"submit {control_id}: ACK acknowledges {ack.control_id!r} instead",
                "La plateforme a acquitté un autre message que celui envoyé.",
            )
        log.info("submit %s: %s %s", control_id, ack.code, ack.error_location)
        return ack

    def call(
        self, method: str, path: str, what: str, *, expected: Collection[int] = (), **kwargs: Any
    ) -> requests.Response:
        """An authenticated API call (``path`` under /api/v1) whose answer the caller reads itself
        (the audit shipper: a 409 carries the platform's chain head): token refreshed on 401,
        redirects refused, errors raised as PlatformError except the ``expected`` statuses."""
        if self._auth is None:
            raise AuthError(AuthFailure.SESSION_EXPIRED, f"{what}: not logged in")
        return self._send(method, f"{API}{path}", what, expected=expected, **kwargs)

    # --- téléexpertise (workstation.expertise parses the answers) ----------------------------------

    def expertise_experts(self) -> dict[str, Any]:
        return self._json(self._send("GET", f"{API}/expertise/experts", "expertise experts"), "experts")

    def expertise_requests(self) -> list[dict[str, Any]]:
        body = self._json(self._send("GET", f"{API}/expertise", "expertise list"), "expertise list")
        requests_ = body.get("requests")
        if not isinstance(requests_, list):
            raise ProtocolError("expertise list: no requests list", _BAD_ANSWER)
        return requests_

    def ask_expertise(self, body: dict[str, Any]) -> dict[str, Any]:
        response = self._send("POST", f"{API}/expertise", "expertise request", json=body)
        return self._json(response, "expertise request")

    def expertise_impossible(self, request_id: str, code: str, reason: str) -> dict[str, Any]:
        response = self._send(
            "POST",
            f"{API}/expertise/{quote(request_id, safe='')}/impossible",
            "expertise impossible",
            json={"reason_code": code, "reason": reason},
        )
        return self._json(response, "expertise impossible")

    def expertise_communication(self, request_id: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self._send(
            "POST",
            f"{API}/expertise/{quote(request_id, safe='')}/communications",
            "expertise communication",
            json=body,
        )
        return self._json(response, "expertise communication")

    @property
    def dicomweb(self) -> DicomWeb:
        """QIDO/WADO on the platform's /dicom-web, sharing this client's session, token and lock."""
        if self._dicomweb is None:
            self._dicomweb = DicomWeb(
                f"{self.base_url}/dicom-web",
                self._session,
                timeout=self._timeout,
                lock=self._lock,
                guard=self._guarded,
            )
        return self._dicomweb

    def retrieve_study(
        self,
        study_uid: str,
        dest_dir: Path,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> list[Path]:
        """See :meth:`DicomWeb.retrieve_study`."""
        return self.dicomweb.retrieve_study(study_uid, dest_dir, progress, cancel)
