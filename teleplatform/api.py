"""The platform as an application: its services opened on a data directory, and its HTTP routes.

Each route names the roles that may call it (docs/ARCHITECTURE.md, "Roles and scopes"); what an
account sees inside an endpoint is narrowed further by its scope (the senders it is assigned to).
Every refusal is a 403 with the French JSON error, and is traced: a warning in the log and a row
in ``access_refusals``.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

from .audit import AuditRefused, AuditService
from .auth import AuthError, AuthService, Role, User, seed_accounts
from .clock import Clock, SystemClock, iso
from .dicom_index import ScanReport, scan
from .dicomweb import DicomWeb
from .expertise import ExpertiseError, ExpertiseService, is_expertise_report
from .intake import Forbidden, Intake, Submitter, ingest_orders
from .oidc import OidcProvider
from .paths import DataDir
from .store import Store
from .stow import StowRefused, StowService
from .web import MIB, HttpError, Request, Response, Route, json_response, media_type, printable
from .workflow import RequestRefused, request_complementary_images, worklist

log = logging.getLogger(__name__)

HL7_MEDIA_TYPE = "application/hl7-v2"
MAX_SEGMENTS = 2000
"""Segments in one HL7 message: a report is a few dozen; parsing cost grows with the count."""

OFFLINE_CODE_COUNT = 5
"""Offline restart codes issued at once (each valid once on the workstation)."""

RADIOLOGIST = frozenset({Role.RADIOLOGIST.value})
ANY_ROLE = frozenset(r.value for r in Role)
READERS = frozenset({Role.RADIOLOGIST.value, Role.ADMIN.value})
SENDERS = frozenset({Role.RADIOLOGIST.value, Role.SITE.value})
VIEWERS = ANY_ROLE


def _auth_http_error(error: AuthError) -> HttpError:
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after else {}
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="teleplatform"'
    return HttpError(error.status, error.code, error.message, headers)


def _audit_http_error(error: AuditRefused) -> HttpError:
    """The head the platform holds travels in a header: the error body keeps its two fields."""
    headers = {"X-Audit-Head": f"{error.head[0]}:{error.head[1]}"} if error.head else {}
    return HttpError(error.status, error.code, error.message, headers)


def _string_fields(request: Request, *names: str) -> list[str]:
    body = request.json()
    values = [body.get(name) for name in names]
    if not all(isinstance(v, str) and v for v in values):
        raise HttpError(400, "bad_request", f"Champs requis : {', '.join(names)}.")
    return [str(v) for v in values]


@dataclass(frozen=True, slots=True)
class Platform:
    data: DataDir
    clock: Clock
    store: Store
    auth: AuthService
    intake: Intake
    dicomweb: DicomWeb
    dicom_report: ScanReport
    audit: AuditService
    oidc: OidcProvider
    expertise: ExpertiseService

    @classmethod
    def open(cls, root: Path, clock: Clock | None = None) -> Platform:
        """Open the store and bring it up to date with seed/, orders/ and dicom/ (start-up)."""
        clock = clock or SystemClock()
        data = DataDir(root)
        store = Store(data.database)
        seed_accounts(store, data.seed_accounts)
        intake = Intake(store, clock)
        ingest_orders(intake, data.orders)
        report = scan(store, data.dicom)
        auth = AuthService(store, clock)
        return cls(
            data,
            clock,
            store,
            auth,
            intake,
            DicomWeb(store, data.dicom),
            report,
            AuditService(store, clock),
            OidcProvider(store, clock, auth, data.state / "oidc"),
            ExpertiseService(store, clock),
        )

    def close(self) -> None:
        self.store.close()

    # -- authentication ---------------------------------------------------------------------

    def authenticate(self, request: Request) -> Request:
        scheme, _, token = (request.header("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HttpError(
                401,
                "unauthorized",
                "Authentification requise.",
                {"WWW-Authenticate": 'Bearer realm="teleplatform"'},
            )
        try:
            user, session_id = self.auth.authenticate(token.strip())
        except AuthError as exc:
            raise _auth_http_error(exc) from exc
        return replace(request, user=user, session_id=session_id)

    def authorize(self, request: Request, route: Route) -> None:
        """The route's roles: anyone else gets the traced 403."""
        if request.user.role.value not in route.roles:
            raise self.forbid(
                request,
                "role_not_allowed",
                "Votre compte n'a pas accès à cette fonction de la plateforme.",
                f"role {request.user.role.value} not in {sorted(route.roles)}",
            )

    def forbid(self, request: Request, code: str, message: str, detail: str) -> HttpError:
        """Trace a refusal (log and store) and return the 403 to raise."""
        user: User = request.user
        log.warning(
            "access refused to account %s (%s) on %s %s: %s",
            printable(user.login),
            user.role.value,
            request.method,
            printable(request.path, 200),
            printable(detail),
        )
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO access_refusals (at, login, role, method, path, code, detail)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    iso(self.clock.now()),
                    user.login,
                    user.role.value,
                    request.method,
                    request.path[:500],
                    code,
                    detail[:500],
                ),
            )
        return HttpError(403, code, message)

    @staticmethod
    def scope(request: Request) -> frozenset[str] | None:
        """The senders whose orders the caller sees; None for every order (admin)."""
        user: User = request.user
        return None if user.role is Role.ADMIN else user.senders

    # -- handlers ---------------------------------------------------------------------------

    def health(self, _request: Request) -> Response:
        return json_response({"status": "ok", "time": iso(self.clock.now())})

    def login(self, request: Request) -> Response:
        login, password, otp = _string_fields(request, "login", "password", "otp")
        try:
            return json_response(self.auth.login(login, password, otp).as_json())
        except AuthError as exc:
            raise _auth_http_error(exc) from exc

    def refresh(self, request: Request) -> Response:
        (token,) = _string_fields(request, "refresh_token")
        try:
            return json_response(self.auth.refresh(token).as_json())
        except AuthError as exc:
            raise _auth_http_error(exc) from exc

    def verify_password(self, request: Request) -> Response:
        (password,) = _string_fields(request, "password")
        try:
            self.auth.verify_password(request.user.login, password)
        except AuthError as exc:
            raise _auth_http_error(exc) from exc
        return json_response({"valid": True})

    def offline_codes(self, request: Request) -> Response:
        """Offline restart codes for the caller's workstation (the workstation's auth.session explains
        the design): issued only to a live session, which only a two-factor login (or the identity
        provider's) opens; 12 random digits each, never stored here, their issue logged."""
        user: User = request.user
        codes = ["".join(secrets.choice("0123456789") for _ in range(12)) for _ in range(OFFLINE_CODE_COUNT)]
        log.info("offline restart codes issued to account %s (%d codes)", printable(user.login), len(codes))
        return json_response({"codes": codes, "issued_at": iso(self.clock.now())})

    def logout(self, request: Request) -> Response:
        if request.session_id is not None:
            self.auth.logout(request.session_id)
        return Response(204)

    def worklist(self, request: Request) -> Response:
        with self.store.reading() as conn:
            return json_response({"orders": worklist(conn, self.scope(request), self.data.dicom)})

    def complementary_images(self, request: Request) -> Response:
        """A radiologist asks the site for complementary images (teleplatform.workflow); a 403 is
        traced like every refusal."""
        user: User = request.user
        requester = " ".join(x for x in (user.title, user.given, user.family) if x) or user.login
        try:
            with self.store.transaction() as conn:
                order, payload, now = request.params["order"], request.json(), self.clock.now()
                body = request_complementary_images(
                    conn, order, payload, user.login, requester, user.senders, now
                )
        except RequestRefused as exc:
            if exc.status == 403:
                raise self.forbid(request, exc.code, exc.message, exc.detail) from exc
            raise HttpError(exc.status, exc.code, exc.message) from exc
        return json_response(body, status=201)

    def messages(self, request: Request) -> Response:
        media, params = media_type(request.header("content-type") or "")
        if media != HL7_MEDIA_TYPE:
            raise HttpError(
                415,
                "unsupported_media_type",
                "Le message doit être envoyé en application/hl7-v2; charset=utf-8.",
            )
        segments = request.body.count(b"\r") + request.body.count(b"\n") + 1
        if segments > MAX_SEGMENTS:
            # Counted on the bytes (CR, LF or CRLF between segments can only over-count), before
            # any parsing: a 100,000-segment message would cost minutes of CPU.
            raise HttpError(
                413,
                "too_many_segments",
                f"Message HL7 trop long : au plus {MAX_SEGMENTS} segments par message.",
            )
        user: User = request.user
        if is_expertise_report(request.body):  # the expert's signed report: not an order's flow
            try:
                answered = self.expertise.receive_report(request.body, params.get("charset"), user)
            except ExpertiseError as exc:
                raise self._expertise_error(request, exc) from exc
            return Response(
                200,
                f"{HL7_MEDIA_TYPE}; charset=utf-8",
                answered.ack.encode("utf-8"),
                headers={"X-HL7-Ack-Code": answered.code.value},
            )
        try:
            receipt = self.intake.receive(
                request.body,
                source=f"https:{user.login}",
                charset=params.get("charset"),
                submitter=Submitter(user.login, user.role.value, user.senders),
            )
        except Forbidden as exc:
            raise self.forbid(request, exc.code, exc.message, exc.detail) from exc
        return Response(
            200,
            f"{HL7_MEDIA_TYPE}; charset=utf-8",
            receipt.ack.encode("utf-8"),
            headers={"X-HL7-Ack-Code": receipt.code.value},
        )

    def receive_audit(self, request: Request) -> Response:
        body = request.json()
        try:
            receipt = self.audit.receive(body.get("chain"), body.get("records"), request.user.login)
        except AuditRefused as exc:
            if exc.status == 403:
                raise self.forbid(
                    request, exc.code, exc.message, "audit chain opened by another account"
                ) from exc
            raise _audit_http_error(exc) from exc
        return json_response(receipt.as_json())

    def audit_chain(self, request: Request) -> Response:
        try:
            return json_response(self.audit.chain(request.params["chain"]))
        except AuditRefused as exc:
            raise _audit_http_error(exc) from exc

    def escrow_audit_key(self, request: Request) -> Response:
        try:
            body = self.audit.escrow(request.params["chain"], request.json().get("key"), request.user.login)
        except AuditRefused as exc:
            if exc.status == 403:
                raise self.forbid(
                    request, exc.code, exc.message, "key for a chain of another account"
                ) from exc
            raise _audit_http_error(exc) from exc
        return json_response(body)

    # -- téléexpertise (teleplatform.expertise) -------------------------------------------------

    def _expertise_error(self, request: Request, error: ExpertiseError) -> HttpError:
        """A 403 is traced like every refusal; 400/404/409 are answered as they are."""
        if error.status == 403:
            return self.forbid(request, error.code, error.message, error.detail)
        return HttpError(error.status, error.code, error.message)

    def expertise_experts(self, request: Request) -> Response:
        return json_response(self.expertise.experts(request.user))

    def expertise_list(self, request: Request) -> Response:
        return json_response({"requests": self.expertise.list(request.user)})

    def expertise_create(self, request: Request) -> Response:
        try:
            return json_response(self.expertise.create(request.json(), request.user), status=201)
        except ExpertiseError as exc:
            raise self._expertise_error(request, exc) from exc

    def expertise_get(self, request: Request) -> Response:
        try:
            return json_response(self.expertise.get(request.params["request"], request.user))
        except ExpertiseError as exc:
            raise self._expertise_error(request, exc) from exc

    def expertise_impossible(self, request: Request) -> Response:
        try:
            body = self.expertise.impossible(request.params["request"], request.json(), request.user)
        except ExpertiseError as exc:
            raise self._expertise_error(request, exc) from exc
        return json_response(body)

    def expertise_communication(self, request: Request) -> Response:
        try:
            body = self.expertise.communication(request.params["request"], request.json(), request.user)
        except ExpertiseError as exc:
            raise self._expertise_error(request, exc) from exc
        return json_response(body)

    def stow(self, request: Request) -> Response:
        """STOW-RS into a study of the caller's orders (teleplatform.stow); a refusal is traced."""
        try:
            return StowService(self.store, self.data.dicom).store(request)
        except StowRefused as exc:
            raise self.forbid(request, exc.code, exc.message, exc.detail) from exc

    def routes(self) -> list[Route]:
        web = self.dicomweb
        study = "/dicom-web/studies/{study}"
        series = f"{study}/series/{{series}}"
        instance = f"{series}/instances/{{instance}}"
        return [
            Route("GET", "/api/v1/health", self.health),
            Route("POST", "/api/v1/auth/login", self.login),
            Route("POST", "/api/v1/auth/refresh", self.refresh),
            Route("POST", "/api/v1/auth/logout", self.logout, ANY_ROLE),
            Route("POST", "/api/v1/auth/verify-password", self.verify_password, ANY_ROLE),
            Route("POST", "/api/v1/auth/offline-codes", self.offline_codes, RADIOLOGIST),
            Route("GET", "/.well-known/openid-configuration", self.oidc.configuration),
            Route("GET", "/oidc/jwks", self.oidc.jwks),
            Route("GET", "/oidc/authorize", self.oidc.authorization_page),
            Route("POST", "/oidc/authorize", self.oidc.authorize),
            Route("POST", "/oidc/token", self.oidc.token),
            Route("GET", "/api/v1/worklist", self.worklist, VIEWERS),
            Route(
                "POST", "/api/v1/orders/{order}/complementary-images", self.complementary_images, RADIOLOGIST
            ),
            Route("POST", "/api/v1/messages", self.messages, SENDERS, max_body=32 * MIB),
            Route("POST", "/api/v1/audit", self.receive_audit, RADIOLOGIST, max_body=16 * MIB),
            Route("GET", "/api/v1/audit/chains/{chain}", self.audit_chain, READERS),
            Route("PUT", "/api/v1/audit/chains/{chain}/key", self.escrow_audit_key, RADIOLOGIST),
            Route("GET", "/api/v1/expertise/experts", self.expertise_experts, RADIOLOGIST),
            Route("GET", "/api/v1/expertise", self.expertise_list, READERS),
            Route("POST", "/api/v1/expertise", self.expertise_create, RADIOLOGIST),
            Route("GET", "/api/v1/expertise/{request}", self.expertise_get, READERS),
            Route("POST", "/api/v1/expertise/{request}/impossible", self.expertise_impossible, RADIOLOGIST),
            Route(
                "POST",
                "/api/v1/expertise/{request}/communications",
                self.expertise_communication,
                RADIOLOGIST,
            ),
            Route("GET", "/dicom-web/studies", web.search_studies, READERS),
            Route("GET", "/dicom-web/series", web.search_series, READERS),
            Route("GET", "/dicom-web/instances", web.search_instances, READERS),
            Route("POST", "/dicom-web/studies", self.stow, RADIOLOGIST, max_body=32 * MIB),
            Route("POST", study, self.stow, RADIOLOGIST, max_body=32 * MIB),
            Route("GET", study, web.retrieve, READERS),
            Route("GET", f"{study}/metadata", web.metadata, READERS),
            Route("GET", f"{study}/series", web.search_series, READERS),
            Route("GET", f"{study}/instances", web.search_instances, READERS),
            Route("GET", series, web.retrieve, READERS),
            Route("GET", f"{series}/metadata", web.metadata, READERS),
            Route("GET", f"{series}/instances", web.search_instances, READERS),
            Route("GET", instance, web.retrieve, READERS),
            Route("GET", f"{instance}/metadata", web.metadata, READERS),
            Route("GET", f"{instance}/frames/{{frames}}", web.frames, READERS),
        ]
