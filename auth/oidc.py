"""Signing in through an OpenID Connect provider (Pro Santé Connect), the way a native app must.

RFC 8252 (OAuth 2.0 for native apps) and the ANS rules for Pro Santé Connect ask for exactly this:

- the **authorization code** flow with **PKCE** (RFC 7636, S256): the code alone is useless to
  whoever intercepts it;
- the user's **system browser**, never an embedded web view: the workstation never sees the
  credentials typed on the provider's page (e-CPS, CPS card), and the user sees the real address;
- a **loopback redirect**: the workstation listens on ``http://127.0.0.1:<ephemeral port>/callback``
  for the single redirect that carries the code (RFC 8252 §7.3), and checks ``state`` (CSRF) and
  ``iss`` (RFC 9207, mix-up) before using it;
- the **ID token** (a JWT) is checked against the provider's published keys: signature (ES256 or
  RS256 only, never ``none``), issuer, audience, expiry, and the ``nonce`` this sign-in chose.

Every HTTPS request verifies the provider against the configured CA file only (``trust_env`` off,
so REQUESTS_CA_BUNDLE cannot replace it). The reference platform plays the provider in the demo and
the tests (``teleplatform/oidc.py``). :meth:`auth.session.Session.login_external` opens a session
from :meth:`OidcSignIn.run`; with no password on the workstation, unlocking offline is then
impossible (a full sign-in is needed), which is the safe side.
"""

from __future__ import annotations

import base64
import hashlib
import html
import logging
import secrets
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import requests

from auth.secret import Secret
from auth.session import Identity, LoginRejected, PlatformUnreachable
from resources.translations import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

CALLBACK_PATH = "/callback"
ALGORITHMS = ["ES256", "RS256"]


class OidcRefused(LoginRejected):
    """The provider refused the sign-in, or what it answered cannot be trusted (``code`` says which)."""


def _refused(code: str, detail: str, message: str) -> OidcRefused:
    return OidcRefused(code, detail, message)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True, slots=True)
class Pkce:
    """RFC 7636: a fresh random verifier (64 bytes of entropy, 86 characters) and its S256 challenge."""

    verifier: str = field(repr=False)
    challenge: str

    @classmethod
    def new(cls) -> Pkce:
        verifier = secrets.token_urlsafe(64)
        return cls(verifier, _b64url(hashlib.sha256(verifier.encode("ascii")).digest()))


@dataclass(frozen=True, slots=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    sends_iss: bool = False
    """authorization_response_iss_parameter_supported (RFC 9207 §3): the provider promises an
    ``iss`` on every redirect, so a redirect without one did not come from it."""


@dataclass(frozen=True, slots=True)
class OidcResult:
    """What a successful sign-in gives: who, the platform tokens (wipe them at logout), the claims."""

    identity: Identity
    access_token: Secret
    refresh_token: Secret
    expires_in: int
    claims: dict[str, Any] = field(repr=False)


class LoopbackRedirect:
    """A one-shot HTTP listener on 127.0.0.1 (ephemeral port) for the provider's redirect.

    Only ``GET /callback`` counts; anything else gets 404 and is ignored. The browser is shown a
    French page saying the window can be closed. Use as a context manager.
    """

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._received: dict[str, str] | None = None
        self._event = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path != CALLBACK_PATH or owner._event.is_set():
                    self.send_error(404)
                    return
                params = {k: v[0] for k, v in parse_qs(parts.query).items() if len(v) == 1}
                ok = "code" in params and "error" not in params
                title = "Connexion réussie" if ok else "Connexion refusée"
                text = (
                    "Vous pouvez fermer cette fenêtre et revenir au poste de lecture."
                    if ok
                    else "La connexion n'a pas abouti : revenez au poste de lecture pour le détail."
                )
                body = (
                    f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title>'
                    f"</head><body><h1>{title}</h1><p>{html.escape(text)}</p></body></html>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)
                owner._received = params
                owner._event.set()

            def log_message(self, format: str, *args: object) -> None:
                # The request line carries the authorization code: never log it.
                log.debug("loopback redirect: %s request", self.command)

        self._server = HTTPServer((host, 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )

    @property
    def redirect_uri(self) -> str:
        host, port = self._server.server_address[:2]
        host = host.decode("ascii") if isinstance(host, bytes) else host  # always text for AF_INET
        return f"http://{host}:{port}{CALLBACK_PATH}"

    def __enter__(self) -> LoopbackRedirect:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def wait(self, timeout: float) -> dict[str, str]:
        if not self._event.wait(timeout):
            raise _refused(
                "timeout",
                f"no redirect on {CALLBACK_PATH} within {timeout:.0f} s",
                QT_TRANSLATE_NOOP(
                    "Auth", "La connexion par le navigateur n'a pas abouti à temps : recommencez."
                ),
            )
        assert self._received is not None
        return self._received


class OidcSignIn:
    """One sign-in: discovery, browser, loopback redirect, code exchange, ID token checks."""

    def __init__(
        self,
        issuer: str,
        client_id: str,
        ca_file: Path,
        open_browser: Callable[[str], bool] = webbrowser.open,
        timeout: float = 10.0,
        scope: str = "openid profile",
    ) -> None:
        if not issuer.startswith("https://"):
            raise ValueError(f"an OpenID Connect issuer is an https URL, not {issuer!r}")
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self._ca = str(ca_file)
        self._open_browser = open_browser
        self._timeout = timeout
        self._scope = scope
        self._http = requests.Session()
        self._http.trust_env = False
        self._http.headers["User-Agent"] = "teleradiologie-workstation"

    def run(self, wait: float = 300.0) -> OidcResult:
        """The whole sign-in; raises :class:`OidcRefused` or :class:`PlatformUnreachable`."""
        metadata = self.discover()
        pkce, state, nonce = Pkce.new(), secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with LoopbackRedirect() as loopback:
            query = {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": loopback.redirect_uri,
                "scope": self._scope,
                "state": state,
                "nonce": nonce,
                "code_challenge": pkce.challenge,
                "code_challenge_method": "S256",
            }
            url = f"{metadata.authorization_endpoint}?{urlencode(query)}"
            log.info("OpenID Connect: opening the system browser on %s", metadata.authorization_endpoint)
            if not self._open_browser(url):
                raise _refused(
                    "no_browser",
                    "webbrowser.open returned False",
                    QT_TRANSLATE_NOOP(
                        "Auth",
                        "Le navigateur du système n'a pas pu être ouvert : la connexion Pro Santé Connect "
                        "en a besoin.",
                    ),
                )
            params = loopback.wait(wait)
            redirect_uri = loopback.redirect_uri
        code = self._check_redirect(params, state, metadata)
        tokens = self._exchange(metadata, code, redirect_uri, pkce)
        claims = self._check_id_token(metadata, tokens.get("id_token"), nonce)
        return self._result(tokens, claims)

    # --- steps ---------------------------------------------------------------------------------

    def discover(self) -> ProviderMetadata:
        body = self._json("GET", f"{self.issuer}/.well-known/openid-configuration", "discovery")
        try:
            metadata = ProviderMetadata(
                str(body["issuer"]),
                str(body["authorization_endpoint"]),
                str(body["token_endpoint"]),
                str(body["jwks_uri"]),
                body.get("authorization_response_iss_parameter_supported") is True,
            )
        except KeyError as exc:
            raise self._untrusted(f"discovery document lacks {exc}") from exc
        if metadata.issuer != self.issuer:  # OpenID Connect Discovery §4.3
            raise self._untrusted(f"discovery issuer {metadata.issuer!r} is not {self.issuer!r}")
        if "S256" not in body.get("code_challenge_methods_supported", []):
            raise self._untrusted("provider does not support PKCE S256")
        for url in (metadata.authorization_endpoint, metadata.token_endpoint, metadata.jwks_uri):
            if not url.startswith("https://"):
                raise self._untrusted(f"endpoint {url!r} is not https")
        return metadata

    def _check_redirect(self, params: dict[str, str], state: str, metadata: ProviderMetadata) -> str:
        if not secrets.compare_digest(params.get("state", ""), state):
            raise self._untrusted("redirect with a state that is not ours (CSRF?)")
        if "iss" in params and params["iss"] != metadata.issuer:  # RFC 9207
            raise self._untrusted(f"redirect from issuer {params['iss']!r}")
        if "iss" not in params and metadata.sends_iss:  # RFC 9207 §2.4: a mix-up attempt
            raise self._untrusted("redirect without iss from a provider that always sends it")
        if "error" in params:
            raise _refused(
                params["error"],
                f"provider answered {params['error']}: {params.get('error_description', '')}",
                _PROVIDER_REFUSED_BECAUSE.format(reason=params["error"]),
            )
        code = params.get("code", "")
        if not code:
            raise self._untrusted("redirect without a code")
        return code

    def _exchange(
        self, metadata: ProviderMetadata, code: str, redirect_uri: str, pkce: Pkce
    ) -> dict[str, Any]:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": self.client_id,
            "code_verifier": pkce.verifier,
        }
        return self._json("POST", metadata.token_endpoint, "token", data=form)

    def _check_id_token(self, metadata: ProviderMetadata, id_token: Any, nonce: str) -> dict[str, Any]:
        if not isinstance(id_token, str):
            raise self._untrusted("token answer without an id_token")
        keys = jwt.PyJWKSet.from_dict(self._json("GET", metadata.jwks_uri, "jwks"))
        try:
            kid = jwt.get_unverified_header(id_token).get("kid")
            key = next((k for k in keys.keys if k.key_id == kid), None) if kid else None
            if key is None:
                raise self._untrusted(f"id_token signed with unknown key {kid!r}")
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key,
                algorithms=ALGORITHMS,
                audience=self.client_id,
                issuer=metadata.issuer,
                options={"require": ["iss", "sub", "aud", "exp", "iat", "nonce"]},
                leeway=60,
            )
        except jwt.PyJWTError as exc:
            raise self._untrusted(f"id_token rejected: {type(exc).__name__}: {exc}") from exc
        if not secrets.compare_digest(str(claims["nonce"]), nonce):
            raise self._untrusted("id_token nonce is not this sign-in's (replay?)")
        return claims

    @staticmethod
    def _result(tokens: dict[str, Any], claims: dict[str, Any]) -> OidcResult:
        found = tokens.get("user")
        user: dict[str, Any] = found if isinstance(found, dict) else {}
        subject = str(claims["sub"])
        rpps = str(user.get("rpps") or (subject[1:] if subject.startswith("8") else ""))
        identity = Identity(
            login=str(claims.get("preferred_username") or user.get("login") or subject),
            rpps=rpps,
            family=str(claims.get("family_name") or user.get("family") or ""),
            given=str(claims.get("given_name") or user.get("given") or ""),
            title=str(user.get("title") or ""),
        )
        try:
            return OidcResult(
                identity,
                Secret.from_text(str(tokens["access_token"])),
                Secret.from_text(str(tokens["refresh_token"])),
                int(tokens.get("expires_in", 0)),
                claims,
            )
        except KeyError as exc:
            raise OidcRefused("untrusted", f"token answer lacks {exc}", _UNTRUSTED) from exc

    # --- HTTP ------------------------------------------------------------------------------------

    def _json(self, method: str, url: str, what: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self._http.request(
                method, url, timeout=self._timeout, verify=self._ca, allow_redirects=False, **kwargs
            )
        except requests.exceptions.SSLError as exc:
            raise PlatformUnreachable(
                f"OpenID Connect {what}: TLS failure: {exc}",
                QT_TRANSLATE_NOOP(
                    "Auth", "Connexion sécurisée au fournisseur d'identité refusée (certificat non reconnu)."
                ),
            ) from exc
        except requests.RequestException as exc:
            raise PlatformUnreachable(
                f"OpenID Connect {what}: {type(exc).__name__}: {exc}",
                QT_TRANSLATE_NOOP("Auth", "Le fournisseur d'identité est injoignable : réessayez plus tard."),
            ) from exc
        if response.is_redirect:  # never followed: the password-less code and PKCE verifier stay here
            raise self._untrusted(
                f"OpenID Connect {what}: HTTP {response.status_code} redirect to"
                f" {response.headers.get('Location', '')!r:.200} refused"
            )
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 500:
            raise PlatformUnreachable(
                f"OpenID Connect {what}: HTTP {response.status_code}",
                QT_TRANSLATE_NOOP(
                    "Auth", "Le fournisseur d'identité est indisponible : réessayez plus tard."
                ),
            )
        if response.status_code != 200 or not isinstance(body, dict):
            error = body.get("error", "") if isinstance(body, dict) else ""
            description = body.get("error_description", "") if isinstance(body, dict) else ""
            raise _refused(
                str(error or "http_error"),
                f"OpenID Connect {what}: HTTP {response.status_code} {error} {description}".strip(),
                _PROVIDER_REFUSED_BECAUSE.format(reason=description) if description else _PROVIDER_REFUSED,
            )
        return body

    @staticmethod
    def _untrusted(detail: str) -> OidcRefused:
        log.warning("OpenID Connect: %s", detail)
        return OidcRefused("untrusted", detail, _UNTRUSTED)


_UNTRUSTED = QT_TRANSLATE_NOOP(
    "Auth",
    "La réponse du fournisseur d'identité n'est pas digne de confiance : connexion refusée. "
    "Si cela se reproduit, prévenez le support (possible tentative d'usurpation).",
)
_PROVIDER_REFUSED = QT_TRANSLATE_NOOP("Auth", "Le fournisseur d'identité a refusé la connexion.")
_PROVIDER_REFUSED_BECAUSE = QT_TRANSLATE_NOOP(
    "Auth", "Le fournisseur d'identité a refusé la connexion ({reason})."
)
