"""The platform as an OpenID Connect provider: the stand-in for Pro Santé Connect in the demo and tests.

Pro Santé Connect (the ANS identity provider of French health professionals) is an OpenID Connect
provider; a native application signs in with the authorization code flow, PKCE and its system
browser, receiving the code on a loopback redirect (RFC 6749, RFC 7636, RFC 8252; never an
embedded web view). This module plays that provider so the workstation's side (``auth.oidc``) is
exercised for real:

- ``GET /.well-known/openid-configuration`` and ``GET /oidc/jwks`` (public);
- ``GET /oidc/authorize`` validates the request and shows a French sign-in page (identifier,
  password, one-time code: the platform's own two factors stand in for e-CPS); ``POST`` checks them
  (same rules as the API: single-use code, lock-out) and redirects the browser to the loopback
  ``redirect_uri`` with ``code``, ``state`` and ``iss`` (RFC 9207);
- ``POST /oidc/token`` exchanges the code (single use, 60 s, bound to the redirect URI and the PKCE
  challenge, S256 only) for the platform's ordinary token pair plus an ID token (JWT ES256, signed
  with a key created in ``state/oidc/`` on first start, published in the JWKS).

Request errors follow RFC 6749 §4.1.2.1: an unknown client or a redirect URI that is not a loopback
IP literal with path ``/callback`` is shown on the page and never redirected to; other errors go
back to the client on its redirect URI. The issuer is ``https://`` + the Host the client used
(the reference platform only ever listens on loopback).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import logging
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from .auth import AuthError, AuthService, User
from .clock import Clock, iso, parse_iso
from .store import Store
from .web import HttpError, Request, Response, json_response

log = logging.getLogger(__name__)

CLIENT_ID = "teleradiologie-poste"
"""The workstation: a public native client (RFC 8252 §8.4: no secret), loopback redirects only."""
REDIRECT_PATH = "/callback"
CODE_TTL = timedelta(seconds=60)
ID_TOKEN_TTL = timedelta(minutes=5)
ALGORITHM = "ES256"
_VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")  # RFC 7636 §4.1
_CHALLENGE = re.compile(r"^[A-Za-z0-9\-_]{43}$")  # BASE64URL(SHA-256), no padding


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def s256(verifier: str) -> str:
    """RFC 7636 §4.2: code_challenge = BASE64URL(SHA256(ASCII(code_verifier)))."""
    return _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()  # whatever a client sends: no 500


def valid_redirect_uri(uri: str) -> bool:
    """RFC 8252 §7.3 and §8.3: ``http`` to a loopback IP literal, any port, our path, nothing else."""
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:
        return False
    return (
        parts.scheme == "http"
        and parts.hostname in ("127.0.0.1", "::1")
        and port is not None
        and parts.path == REDIRECT_PATH
        and not parts.query
        and not parts.fragment
        and not parts.username
    )


def _form(request: Request) -> dict[str, str]:
    media = (request.header("content-type") or "").split(";")[0].strip().lower()
    if media != "application/x-www-form-urlencoded":
        raise HttpError(
            415, "unsupported_media_type", "Formulaire attendu (application/x-www-form-urlencoded)."
        )
    try:
        parsed = parse_qs(request.body.decode("ascii"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError as exc:
        raise HttpError(400, "bad_request", "Formulaire illisible.") from exc
    return {key: values[0] for key, values in parsed.items() if len(values) == 1}


def _query(request: Request) -> dict[str, str]:
    return {key: values[0] for key, values in request.query.items() if len(values) == 1}


@dataclass(frozen=True, slots=True)
class _AuthorizationRequest:
    redirect_uri: str
    state: str
    nonce: str
    code_challenge: str

    HIDDEN = ("response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge")


class _PageError(Exception):
    """Shown on the page itself: the redirect URI cannot be trusted (RFC 6749 §4.1.2.1)."""


class _ClientError(Exception):
    """Sent back to the client on its redirect URI: ``error`` per RFC 6749 §4.1.2.1."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(error)
        self.error = error
        self.description = description


class OidcProvider:
    def __init__(self, store: Store, clock: Clock, auth: AuthService, key_dir: Path) -> None:
        self._store = store
        self._clock = clock
        self._auth = auth
        self._key = self._load_or_create_key(key_dir / "signing-key.pem")
        public = self._key.public_key()
        jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(public))
        thumbprint = {k: jwk[k] for k in ("crv", "kty", "x", "y")}  # RFC 7638: required members, sorted
        canonical = json.dumps(thumbprint, sort_keys=True, separators=(",", ":")).encode()
        self._kid = _b64url(hashlib.sha256(canonical).digest())
        self._jwk = {**jwk, "kid": self._kid, "use": "sig", "alg": ALGORITHM}

    @staticmethod
    def _load_or_create_key(path: Path) -> ec.EllipticCurvePrivateKey:
        if path.is_file():
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(key, ec.EllipticCurvePrivateKey):
                raise ValueError(f"{path}: not an EC private key")
            return key
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as stream:
            stream.write(pem)
        log.info("created the OpenID Connect signing key in %s", path.parent)
        return key

    # --- discovery -----------------------------------------------------------------------------

    @staticmethod
    def issuer(request: Request) -> str:
        host = request.header("host") or ""
        if not re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+", host):
            raise HttpError(400, "bad_request", "En-tête Host invalide.")
        return f"https://{host}"

    def configuration(self, request: Request) -> Response:
        issuer = self.issuer(request)
        return json_response(
            {
                "issuer": issuer,
                "authorization_endpoint": f"{issuer}/oidc/authorize",
                "token_endpoint": f"{issuer}/oidc/token",
                "jwks_uri": f"{issuer}/oidc/jwks",
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": [ALGORITHM],
                "scopes_supported": ["openid", "profile"],
                "token_endpoint_auth_methods_supported": ["none"],
                "code_challenge_methods_supported": ["S256"],
                "claims_supported": ["sub", "preferred_username", "family_name", "given_name", "nonce"],
                "authorization_response_iss_parameter_supported": True,
            }
        )

    def jwks(self, _request: Request) -> Response:
        return json_response({"keys": [self._jwk]})

    # --- authorization endpoint ----------------------------------------------------------------

    def _validate(self, params: dict[str, str]) -> _AuthorizationRequest:
        if params.get("client_id") != CLIENT_ID:
            raise _PageError("Application cliente inconnue.")
        redirect_uri = params.get("redirect_uri", "")
        if not valid_redirect_uri(redirect_uri):
            raise _PageError(
                "Adresse de retour refusée : seule une adresse de bouclage locale "
                f"(http://127.0.0.1:PORT{REDIRECT_PATH}) est acceptée pour le poste."
            )
        request = _AuthorizationRequest(
            redirect_uri, params.get("state", ""), params.get("nonce", ""), params.get("code_challenge", "")
        )
        if params.get("response_type") != "code":
            raise _ClientError(
                "unsupported_response_type", "Seul le flux « code d'autorisation » est accepté."
            )
        if "openid" not in params.get("scope", "").split():
            raise _ClientError("invalid_scope", "La portée « openid » est requise.")
        if params.get("code_challenge_method") != "S256" or not _CHALLENGE.match(request.code_challenge):
            raise _ClientError("invalid_request", "PKCE obligatoire, méthode S256 (RFC 7636).")
        if not request.state or not request.nonce:
            raise _ClientError("invalid_request", "Les paramètres state et nonce sont requis.")
        return request

    def _redirect(self, uri: str, issuer: str, **values: str) -> Response:
        location = f"{uri}?{urlencode({**values, 'iss': issuer})}"
        return Response(302, "text/plain; charset=utf-8", b"", headers={"Location": location})

    def authorization_page(self, request: Request) -> Response:
        params = _query(request)
        try:
            self._validate(params)
        except _PageError as exc:
            return _page(400, "Demande de connexion invalide", str(exc))
        except _ClientError as exc:
            state = params.get("state", "")
            values = {"error": exc.error, "error_description": exc.description}
            return self._redirect(
                params["redirect_uri"], self.issuer(request), **values, **({"state": state} if state else {})
            )
        return _sign_in_page(200, params, "")

    def authorize(self, request: Request) -> Response:
        form = _form(request)
        try:
            valid = self._validate(form)
        except _PageError as exc:
            return _page(400, "Demande de connexion invalide", str(exc))
        except _ClientError as exc:
            return self._redirect(
                form["redirect_uri"], self.issuer(request), error=exc.error, state=form.get("state", "")
            )
        try:
            user = self._auth.check_factors(
                form.get("login", ""), form.get("password", ""), form.get("otp", "")
            )
        except AuthError as exc:
            return _sign_in_page(exc.status, form, exc.message)
        code = secrets.token_urlsafe(32)
        now = self._clock.now()
        with self._store.transaction() as conn:
            conn.execute("DELETE FROM oidc_codes WHERE expires_at < ?", (iso(now - timedelta(days=1)),))
            conn.execute(
                "INSERT INTO oidc_codes (code_hash, client_id, redirect_uri, code_challenge, nonce, login,"
                " auth_time, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    _hash(code),
                    CLIENT_ID,
                    valid.redirect_uri,
                    valid.code_challenge,
                    valid.nonce,
                    user.login,
                    iso(now),
                    iso(now + CODE_TTL),
                ),
            )
        log.info("authorization code issued to %s for account %s", CLIENT_ID, user.login)
        return self._redirect(valid.redirect_uri, self.issuer(request), code=code, state=valid.state)

    # --- token endpoint --------------------------------------------------------------------------

    def token(self, request: Request) -> Response:
        form = _form(request)
        if form.get("grant_type") != "authorization_code":
            return _token_error("unsupported_grant_type", "Seul le type authorization_code est accepté.")
        if form.get("client_id") != CLIENT_ID:
            return _token_error("invalid_client", "Application cliente inconnue.", 401)
        verifier = form.get("code_verifier", "")
        if not _VERIFIER.match(verifier):
            return _token_error("invalid_request", "code_verifier absent ou mal formé (RFC 7636).")
        now = self._clock.now()
        session_id = secrets.token_hex(16)
        with self._store.transaction() as conn:
            row = conn.execute(
                "SELECT * FROM oidc_codes WHERE code_hash = ?", (_hash(form.get("code", "")),)
            ).fetchone()
            if row is not None and row["session_id"] is not None:
                # RFC 6749 §4.1.2: a code used twice means it leaked; revoke what it gave.
                conn.execute("UPDATE tokens SET revoked = 1 WHERE session_id = ?", (row["session_id"],))
                log.warning("authorization code presented twice: its session is revoked")
                row = None
            elif row is not None:
                conn.execute(
                    "UPDATE oidc_codes SET session_id = ? WHERE code_hash = ?", (session_id, row["code_hash"])
                )
            user_row = (
                conn.execute("SELECT * FROM users WHERE login = ?", (row["login"],)).fetchone()
                if row
                else None
            )
        if row is None or user_row is None or parse_iso(row["expires_at"]) <= now:
            return _token_error("invalid_grant", "Code d'autorisation inconnu, expiré ou déjà utilisé.")
        if row["redirect_uri"] != form.get("redirect_uri") or row["client_id"] != form["client_id"]:
            return _token_error("invalid_grant", "Le code a été délivré pour une autre adresse de retour.")
        if not secrets.compare_digest(s256(verifier), row["code_challenge"]):
            return _token_error("invalid_grant", "Preuve PKCE incorrecte (code_verifier).")
        user = User(
            user_row["login"], user_row["rpps"], user_row["family"], user_row["given"], user_row["title"]
        )
        pair = self._auth.open_session(user, session_id)
        body = pair.as_json()
        body["id_token"] = self._id_token(
            self.issuer(request), user, row["nonce"], parse_iso(row["auth_time"]), now
        )
        log.info("authorization code exchanged for account %s", user.login)
        return json_response(body)

    def _id_token(self, issuer: str, user: User, nonce: str, auth_time: datetime, now: datetime) -> str:
        claims: dict[str, Any] = {
            "iss": issuer,
            "sub": f"8{user.rpps}" if user.rpps else user.login,  # PS_IdNat, as Pro Santé Connect names them
            "aud": CLIENT_ID,
            "iat": int(now.timestamp()),
            "exp": int((now + ID_TOKEN_TTL).timestamp()),
            "auth_time": int(auth_time.timestamp()),
            "nonce": nonce,
            "amr": ["pwd", "otp"],
            "preferred_username": user.login,
            "family_name": user.family,
            "given_name": user.given,
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM, headers={"kid": self._kid})


def _token_error(error: str, description: str, status: int = 400) -> Response:
    """RFC 6749 §5.2, plus the platform's usual French ``message``."""
    body = {"error": error, "error_description": description, "message": description}
    return json_response(body, status)


_STYLE = (
    "body{font-family:sans-serif;background:#1d2229;color:#e8e8e8;display:flex;justify-content:center}"
    "main{margin-top:8vh;width:24em}label{display:block;margin-top:1em}input{width:100%;padding:.4em}"
    "button{margin-top:1.5em;padding:.5em 2em}.erreur{color:#ff8a80}"
)


def _page(status: int, title: str, message: str, content: str = "") -> Response:
    body = (
        f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{_STYLE}</style></head><body><main><h1>{html.escape(title)}</h1>"
        + (f'<p class="erreur" role="alert">{html.escape(message)}</p>' if message else "")
        + content
        + "</main></body></html>"
    )
    return Response(status, "text/html; charset=utf-8", body.encode("utf-8"), headers=_PAGE_HEADERS)


_PAGE_HEADERS = {
    # The sign-in page takes a password and a code: no script, no framing (clickjacking), the form
    # posts back here only, and the address (with its state and PKCE challenge) is never a referrer.
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none';"
        " base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _sign_in_page(status: int, params: dict[str, str], message: str) -> Response:
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(params.get(name, ""))}">'
        for name in (*_AuthorizationRequest.HIDDEN, "code_challenge_method")
    )
    login = html.escape(params.get("login", ""))
    form = (
        "<p>Plateforme de téléradiologie — connexion du poste de lecture (démonstration de "
        "Pro Santé Connect).</p>"
        f'<form method="post" action="/oidc/authorize">{hidden}'
        f'<label>Identifiant<input name="login" value="{login}" autocomplete="username" required></label>'
        '<label>Mot de passe<input name="password" type="password" autocomplete="current-password" required>'
        "</label>"
        '<label>Code à usage unique<input name="otp" inputmode="numeric" autocomplete="one-time-code" '
        'pattern="[0-9]{6}" required></label>'
        '<button type="submit">Se connecter</button></form>'
    )
    return _page(status, "Connexion", message, form)
