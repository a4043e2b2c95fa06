"""Every way a call to the platform can fail, as one exception hierarchy.

The GUI catches :class:`PlatformError` and shows ``user_message`` (French); the log gets ``str(exc)``
(English, precise). Subclasses tell the caller what to do: ask the user again (AuthError), stop and
warn about a possible interception (TlsError), retry later (UnreachableError, ServerError), or report
a bug (ProtocolError). Messages never contain tokens or patient data.
"""

from __future__ import annotations

import ssl
from enum import Enum

import requests

from resources.translations import QT_TRANSLATE_NOOP


class PlatformError(Exception):
    def __init__(self, detail: str, user_message: str) -> None:
        super().__init__(detail)
        self.user_message = user_message


class AuthFailure(Enum):
    """Why the platform refused us, from its error codes (docs/ARCHITECTURE.md)."""

    BAD_CREDENTIALS = "bad_credentials"
    BAD_OTP = "bad_otp"
    OTP_REPLAYED = "otp_replayed"
    LOCKED = "locked"
    SESSION_EXPIRED = "session_expired"  # any other 401: token expired or revoked
    FORBIDDEN = "forbidden"

    @property
    def user_message(self) -> str:
        return {
            AuthFailure.BAD_CREDENTIALS: QT_TRANSLATE_NOOP(
                "Platform", "Identifiant ou mot de passe incorrect."
            ),
            AuthFailure.BAD_OTP: QT_TRANSLATE_NOOP("Platform", "Code de vérification incorrect."),
            AuthFailure.OTP_REPLAYED: QT_TRANSLATE_NOOP(
                "Platform", "Ce code de vérification a déjà servi : attendez le suivant."
            ),
            AuthFailure.LOCKED: QT_TRANSLATE_NOOP(
                "Platform",
                "Compte temporairement verrouillé après plusieurs échecs : réessayez dans 15 minutes.",
            ),
            AuthFailure.SESSION_EXPIRED: QT_TRANSLATE_NOOP(
                "Platform", "Votre session a expiré : reconnectez-vous."
            ),
            AuthFailure.FORBIDDEN: QT_TRANSLATE_NOOP(
                "Platform", "Votre compte n'a pas accès à cette fonction de la plateforme."
            ),
        }[self]


class AuthError(PlatformError):
    def __init__(self, failure: AuthFailure, detail: str) -> None:
        super().__init__(detail, failure.user_message)
        self.failure = failure


class TlsFailure(Enum):
    UNTRUSTED = "untrusted"
    EXPIRED = "expired"
    WRONG_HOST = "wrong_host"
    OTHER = "other"

    @property
    def user_message(self) -> str:
        problem = {
            TlsFailure.UNTRUSTED: QT_TRANSLATE_NOOP(
                "Platform", "Le certificat de la plateforme n'est pas reconnu."
            ),
            TlsFailure.EXPIRED: QT_TRANSLATE_NOOP("Platform", "Le certificat de la plateforme a expiré."),
            TlsFailure.WRONG_HOST: QT_TRANSLATE_NOOP(
                "Platform", "Le certificat présenté n'est pas celui de la plateforme attendue."
            ),
            TlsFailure.OTHER: QT_TRANSLATE_NOOP(
                "Platform", "La connexion sécurisée avec la plateforme a échoué."
            ),
        }[self]
        return QT_TRANSLATE_NOOP(
            "Platform",
            "{problem} Connexion interrompue pour protéger les données : prévenez votre administrateur.",
        ).format(problem=problem)


class TlsError(PlatformError):
    def __init__(self, failure: TlsFailure, detail: str) -> None:
        super().__init__(detail, failure.user_message)
        self.failure = failure

    @property
    def certificate(self) -> bool:
        """The peer's certificate failed verification (untrusted, expired, another host): a security
        alert. A handshake that failed otherwise (protocol or cipher refused) is not one."""
        return self.failure is not TlsFailure.OTHER


class UnreachableError(PlatformError):
    """No answer: network down, connection refused, name unknown."""


class PlatformTimeout(UnreachableError):
    """The platform did not answer within the client's timeout."""


class ServerError(PlatformError):
    """The platform answered with an error of its own (HTTP 5xx, or a 4xx it explains)."""

    def __init__(self, detail: str, user_message: str, status: int, code: str = "") -> None:
        super().__init__(detail, user_message)
        self.status = status
        self.code = code


class ProtocolError(PlatformError):
    """The answer does not follow the contract (bad JSON, wrong ACK...): a bug on one side."""


class NotFoundError(ServerError):
    """The platform does not have what was asked (an unknown study, say)."""


class RetrieveCancelled(PlatformError):
    """The user cancelled a download; the instances already written are complete and kept."""


# OpenSSL X509_V_ERR_* codes (ssl.SSLCertVerificationError.verify_code)
_EXPIRED = {9, 10}  # not yet valid, expired
_WRONG_HOST = {62, 64}  # hostname mismatch, IP address mismatch


def _cert_error(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    """requests wraps the ssl error two or three levels deep; dig it out."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return current
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None), *current.args]
        stack += [e for e in linked if isinstance(e, BaseException)]
    return None


# A handshake cut by the network or the peer going away, not refused: what OpenSSL and Python say then.
_CUT_TYPES = (ssl.SSLEOFError, ssl.SSLZeroReturnError, ConnectionError, TimeoutError)
_CUT_TEXTS = (
    "eof occurred", "unexpected_eof", "unexpected eof", "timed out", "connection reset", "broken pipe",
)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: dict[int, BaseException] = {}
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen[id(current)] = current
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None), *current.args]
        stack += [e for e in linked if isinstance(e, BaseException)]
    return list(seen.values())


def handshake_cut(exc: BaseException) -> bool:
    """Was this TLS failure a connection cut or a timeout during the handshake (issue 22: a flapping
    link), rather than a refusal? Then it is a network failure, not a certificate alarm."""
    if _cert_error(exc) is not None:
        return False
    for link in _chain(exc):
        if isinstance(link, _CUT_TYPES):
            return True
        if isinstance(link, ssl.SSLError | OSError) and any(t in str(link).lower() for t in _CUT_TEXTS):
            return True
    return False


def translate(exc: requests.RequestException, what: str) -> PlatformError:
    """The PlatformError for a requests failure during ``what`` (English, for the log)."""
    if isinstance(exc, requests.exceptions.SSLError):
        cert = _cert_error(exc)
        if cert is None and handshake_cut(exc):
            unreachable = QT_TRANSLATE_NOOP(
                "Platform", "La plateforme est injoignable : vérifiez la connexion réseau."
            )
            detail = f"{what}: TLS handshake cut ({type(exc).__name__}: {str(exc)[:200]})"
            return UnreachableError(detail, unreachable)
        if cert is None:
            return TlsError(TlsFailure.OTHER, f"{what}: TLS handshake failed ({type(exc).__name__})")
        code = cert.verify_code
        failure = (
            TlsFailure.EXPIRED
            if code in _EXPIRED
            else TlsFailure.WRONG_HOST
            if code in _WRONG_HOST
            else TlsFailure.UNTRUSTED
        )
        return TlsError(failure, f"{what}: certificate rejected ({code}: {cert.verify_message})")
    if isinstance(exc, requests.exceptions.Timeout):
        return PlatformTimeout(
            f"{what}: timed out",
            QT_TRANSLATE_NOOP(
                "Platform", "La plateforme ne répond pas (délai dépassé) : réessayez dans un instant."
            ),
        )
    if isinstance(exc, requests.exceptions.ConnectionError):
        return UnreachableError(
            f"{what}: cannot connect ({type(exc).__name__})",
            QT_TRANSLATE_NOOP("Platform", "La plateforme est injoignable : vérifiez la connexion réseau."),
        )
    return ProtocolError(
        f"{what}: {type(exc).__name__}",
        QT_TRANSLATE_NOOP("Platform", "Échange avec la plateforme impossible."),
    )


def _error_body(response: requests.Response) -> tuple[str, str]:
    """The contract's {"error": code, "message": French sentence}, or ('', '') when absent."""
    try:
        body = response.json()
    except ValueError:
        return "", ""
    if not isinstance(body, dict):
        return "", ""
    return str(body.get("error") or ""), str(body.get("message") or "")


def from_response(response: requests.Response, what: str) -> PlatformError:
    """The PlatformError for an HTTP error answer of the platform."""
    status = response.status_code
    code, message = _error_body(response)
    detail = f"{what}: HTTP {status}" + (f" {code}" if code else "")
    if status in (401, 423):
        known = {f.value: f for f in AuthFailure}
        failure = AuthFailure.LOCKED if status == 423 else known.get(code, AuthFailure.SESSION_EXPIRED)
        return AuthError(failure, detail)
    if status == 403:
        return AuthError(AuthFailure.FORBIDDEN, detail)
    if status == 404:
        missing = QT_TRANSLATE_NOOP("Platform", "Élément introuvable sur la plateforme.")
        return NotFoundError(detail, message or missing, status, code)
    if status >= 500:
        failed = QT_TRANSLATE_NOOP(
            "Platform", "La plateforme a rencontré une erreur ({status}) : réessayez plus tard."
        )
        return ServerError(detail, failed.format(status=status), status, code)
    refused = QT_TRANSLATE_NOOP("Platform", "Requête refusée par la plateforme ({status}).")
    return ProtocolError(detail, message or refused.format(status=status))
