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
        try:
            data = json.loads(self.body or b"null")
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise HttpError(400, "bad_request", "Le corps de la requête n'est pas un JSON valide.") from exc
        if not isinstance(data, dict):
            raise HttpError(400, "bad_request", "Le corps de la requête doit être un objet JSON.")
        return data


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


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    template: str
    handler: Handler
    authenticated: bool = True

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
    return parse_qs(query, keep_blank_values=True)
