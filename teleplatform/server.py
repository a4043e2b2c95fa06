"""HTTPS transport: the standard library's threading HTTP server, TLS per connection.

The TLS handshake runs in the connection's own thread (not in the accept loop), so a slow or
hostile client cannot stall the others. HTTP/1.1 with keep-alive; large answers are streamed with
chunked transfer encoding. Only the path (never the query string, which may carry a PatientID) is
logged.
"""

from __future__ import annotations

import logging
import socket
import ssl
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from .api import Platform
from .web import HttpError, Request, Response, Router, error_response, parse_query

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024 * 1024
IDLE_TIMEOUT = 120


class PlatformServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, platform: Platform, context: ssl.SSLContext) -> None:
        self.platform = platform
        self.router = Router(platform.routes())
        self.ssl_context = context
        super().__init__(("127.0.0.1", port), _Handler)

    def finish_request(self, request: socket.socket, client_address: tuple[str, int]) -> None:  # type: ignore[override]
        request.settimeout(IDLE_TIMEOUT)
        # Answers are written as headers then body: without NODELAY, Nagle and delayed ACKs add ~40 ms.
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            log.info("TLS handshake failed with a client: %s", exc)
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            tls.close()

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "teleplatform"
    sys_version = ""
    server: PlatformServer

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def _dispatch(self) -> None:
        path = unquote(urlsplit(self.path).path)
        status = 500
        try:
            body = self._read_body()  # first, so an early error still leaves the connection usable
            route, params = self.server.router.match(self.command, path)
            request = Request(
                method=self.command,
                path=path,
                query=parse_query(urlsplit(self.path).query),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
                params=params,
            )
            if route.authenticated:
                request = self.server.platform.authenticate(request)
            response = route.handler(request)
        except HttpError as exc:
            response = error_response(exc)
        except Exception:
            log.error("internal error on %s %s\n%s", self.command, path, traceback.format_exc())
            response = error_response(HttpError(500, "internal_error", "Erreur interne de la plateforme."))
        try:
            status = response.status
            self._send(response)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, TimeoutError) as exc:
            log.info("client went away during %s %s: %s", self.command, path, type(exc).__name__)
            self.close_connection = True
        except Exception:
            # Headers are gone already: the only honest thing left is to drop the connection.
            log.error("error while sending %s %s\n%s", self.command, path, traceback.format_exc())
            self.close_connection = True
        log.info("%s %s -> %d", self.command, path, status)

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self.close_connection = True
            raise HttpError(
                411, "length_required", "Envoi fragmenté non pris en charge : indiquez Content-Length."
            )
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError as exc:
            raise HttpError(400, "bad_request", "En-tête Content-Length invalide.") from exc
        if length < 0 or length > MAX_BODY:
            self.close_connection = True
            raise HttpError(413, "payload_too_large", "Message trop volumineux pour la plateforme.")
        return self.rfile.read(length) if length else b""

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-store")
        if response.stream is None:
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if response.body:
                self.wfile.write(response.body)
            return
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for chunk in response.stream:
            if chunk:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")
