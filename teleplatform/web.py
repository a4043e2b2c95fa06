"""Transport-independent HTTP pieces: requests, responses, errors and the route table.

The route table is data (method, path template, handler) so the OpenAPI file can be checked against
it, and handlers stay plain functions testable without sockets.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from email.message import Message as _MimeHeader
from typing import Any
from urllib.parse import parse_qs


class HttpError(Exception):
    """An error answer: status, API error code and the French sentence shown to the user."""

    def __init__(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    params: Mapping[str, str] = field(default_factory=dict)
    user: Any = None
    session_id: str | None = None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> dict[str, Any]:
        media, _ = media_type(self.header("content-type") or "")
        if media != "application/json":
            raise HttpError(415, "unsupported_media_type", "Le corps de la requête doit être du JSON.")
        if _too_deep(self.body):
            raise HttpError(400, "bad_request", "JSON trop profondément imbriqué.")
        try:
            data = json.loads(self.body or b"null")
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise HttpError(400, "bad_request", "Le corps de la requête n'est pas un JSON valide.") from exc
        except RecursionError as exc:  # a nesting the quick count above missed: still the client's
            raise HttpError(400, "bad_request", "JSON trop profondément imbriqué.") from exc
        if not isinstance(data, dict):
            raise HttpError(400, "bad_request", "Le corps de la requête doit être un objet JSON.")
        return data


MAX_JSON_DEPTH = 64


def _too_deep(body: bytes) -> bool:
    """More than MAX_JSON_DEPTH nested arrays/objects, counted without parsing (so a 100,000-deep
    body never reaches the recursive decoder). Brackets inside strings are counted too, which can
    only over-count: the API's bodies are flat, a false alarm needs 64 opening brackets in a row."""
    if len(body) <= MAX_JSON_DEPTH:
        return False
    depth = 0
    for byte in body:
        if byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return True
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return False


@dataclass(frozen=True, slots=True)
class Response:
    """A complete body, or a stream of chunks sent with chunked transfer encoding."""

    status: int
    content_type: str | None = None
    body: bytes = b""
    stream: Iterable[bytes] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


def json_response(data: Any, status: int = 200, content_type: str = "application/json") -> Response:
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return Response(status, f"{content_type}; charset=utf-8", body)


def error_response(error: HttpError) -> Response:
    response = json_response({"error": error.code, "message": error.message}, error.status)
    return Response(response.status, response.content_type, response.body, headers=error.headers)


def media_type(value: str) -> tuple[str, dict[str, str]]:
    """'multipart/related; type="application/dicom"' -> ('multipart/related', {'type': ...})."""
    header = _MimeHeader()
    header["content-type"] = value
    params = {k.lower(): v for k, v in header.get_params(failobj=[])[1:]}
    media = value.split(";", 1)[0].strip().lower()
    return media, params


def accept_items(request: Request) -> Iterator[tuple[str, dict[str, str]]]:
    """The media ranges of the Accept header, in order; '*/*' when there is none."""
    value = request.header("accept") or "*/*"
    for item in value.split(","):
        if item.strip():
            yield media_type(item.strip())


Handler = Callable[[Request], Response]


KIB = 1024
MIB = 1024 * KIB


@dataclass(frozen=True, slots=True)
class Route:
    """One endpoint: who may call it (the roles; none for a public endpoint) and the largest body
    it reads (checked from Content-Length before the body is read, after authentication)."""

    method: str
    template: str
    handler: Handler
    roles: frozenset[str] = frozenset()
    max_body: int = 64 * KIB

    @property
    def authenticated(self) -> bool:
        return bool(self.roles)

    @property
    def pattern(self) -> re.Pattern[str]:
        regex = re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(self.template))
        return re.compile(f"^{regex}$")


class Router:
    def __init__(self, routes: Iterable[Route]) -> None:
        self.routes = tuple(routes)
        self._compiled = [(route, route.pattern) for route in self.routes]

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        allowed = []
        for route, pattern in self._compiled:
            found = pattern.match(path)
            if found is None:
                continue
            if route.method == method:
                return route, found.groupdict()
            allowed.append(route.method)
        if allowed:
            raise HttpError(
                405,
                "method_not_allowed",
                "Méthode non autorisée pour cette adresse.",
                {"Allow": ", ".join(sorted(set(allowed)))},
            )
        raise HttpError(404, "not_found", "Adresse inconnue sur la plateforme.")


def parse_query(query: str) -> dict[str, list[str]]:
    return parse_qs(query, keep_blank_values=True, max_num_fields=200)


def printable(value: object, limit: int = 300) -> str:
    """A value fit for one log line: control characters (CR, LF...) escaped, length bounded, so
    nothing received can forge or split a line of the server's log."""
    text = str(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
