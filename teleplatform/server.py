"""HTTPS transport: the standard library's threading HTTP server, TLS per connection.

The TLS handshake runs in the connection's own thread (not in the accept loop), so a slow or
hostile client cannot stall the others. HTTP/1.1 with keep-alive; large answers are streamed with
chunked transfer encoding. Only the path (never the query string, which may carry a PatientID) is
logged, with its control characters escaped (a %0a in a URL must not write a forged log line).

Limits (docs/ARCHITECTURE.md, "Limits"): at most MAX_CONNECTIONS connections at once (the next
ones are closed at once, before any TLS work), a TLS handshake within HANDSHAKE_TIMEOUT, an idle
connection closed after IDLE_TIMEOUT; a request is matched, its Content-Length checked against
the endpoint's own cap and its token and role checked BEFORE its body is read, so an
unauthenticated or oversized body is never kept in memory (one up to DRAIN_LIMIT is read in chunks and
discarded, so that the client, still sending, receives the answer; a larger one closes the connection).
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import traceback
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from .api import Platform
from .web import HttpError, Request, Response, Router, error_response, parse_query, printable

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024 * 1024  # the largest of the per-endpoint caps (web.Route.max_body)
IDLE_TIMEOUT = 30
HANDSHAKE_TIMEOUT = 10
MAX_CONNECTIONS = 64
DRAIN_LIMIT = 8 * 1024 * 1024  # a refused body up to this size is read and discarded, not kept


class PlatformServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        port: int,
        platform: Platform,
        context: ssl.SSLContext,
        max_connections: int = MAX_CONNECTIONS,
        idle_timeout: float = IDLE_TIMEOUT,
    ) -> None:
        self.platform = platform
        self.router = Router(platform.routes())
        self.ssl_context = context
        self.idle_timeout = idle_timeout
        self._slots = threading.BoundedSemaphore(max_connections)
        super().__init__(("127.0.0.1", port), _Handler)

    def process_request(self, request: socket.socket, client_address: tuple[str, int]) -> None:  # type: ignore[override]
        """One thread per connection, but never more than max_connections of them."""
        if not self._slots.acquire(blocking=False):
            log.warning("connection limit reached: a new connection is closed")
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: socket.socket, client_address: tuple[str, int]) -> None:  # type: ignore[override]
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def finish_request(self, request: socket.socket, client_address: tuple[str, int]) -> None:  # type: ignore[override]
        request.settimeout(HANDSHAKE_TIMEOUT)
        # Answers are written as headers then body: without NODELAY, Nagle and delayed ACKs add ~40 ms.
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            log.info("TLS handshake failed with a client: %s", printable(exc))
            return
        tls.settimeout(self.idle_timeout)
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
        log.debug("%s %s", self.address_string(), printable(format % args))

    def _dispatch(self) -> None:
        path = unquote(urlsplit(self.path).path)
        shown = printable(path, 200)
        status = 500
        body_pending = self._declares_body()
        try:
            route, params = self.server.router.match(self.command, path)
            try:
                query = parse_query(urlsplit(self.path).query)
            except ValueError as exc:
                raise HttpError(400, "bad_request", "Trop de paramètres dans l'adresse.") from exc
            request = Request(
                method=self.command,
                path=path,
                query=query,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=b"",
                params=params,
            )
            if route.authenticated:  # from the headers alone: an anonymous body is never read
                request = self.server.platform.authenticate(request)
                self.server.platform.authorize(request, route)
            length = self._content_length(route.max_body)
            body = self.rfile.read(length) if length else b""
            body_pending = False
            if len(body) != length:
                raise HttpError(400, "bad_request", "Corps de la requête incomplet.")
            response = route.handler(replace(request, body=body))
        except HttpError as exc:
            response = error_response(exc)
        except Exception:
            log.error("internal error on %s %s\n%s", self.command, shown, traceback.format_exc())
            response = error_response(HttpError(500, "internal_error", "Erreur interne de la plateforme."))
        if body_pending and not self._drain():
            # Refused before its body was read: the rest of the stream is that body, not a request.
            self.close_connection = True
        try:
            status = response.status
            self._send(response)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, TimeoutError) as exc:
            log.info("client went away during %s %s: %s", self.command, shown, type(exc).__name__)
            self.close_connection = True
        except Exception:
            # Headers are gone already: the only honest thing left is to drop the connection.
            log.error("error while sending %s %s\n%s", self.command, shown, traceback.format_exc())
            self.close_connection = True
        log.info("%s %s -> %d", self.command, shown, status)

    def _drain(self) -> bool:
        """Read and discard the body of a request refused before reading it, when it is small
        enough (DRAIN_LIMIT, in chunks: no memory kept). Closing on unread bytes makes the kernel
        reset the connection, and a client still sending (a report whose token just expired) would
        lose the 401 that tells it to refresh; a larger body is not worth reading: we close."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return False
        try:
            left = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return False
        if not 0 <= left <= DRAIN_LIMIT:
            return False
        try:
            while left > 0:
                chunk = self.rfile.read(min(left, 64 * 1024))
                if not chunk:
                    return False
                left -= len(chunk)
        except (OSError, ssl.SSLError):
            return False
        return True

    def _declares_body(self) -> bool:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return True
        return (self.headers.get("Content-Length") or "0").strip() not in ("", "0")

    def _content_length(self, cap: int) -> int:
        """The body's length from the headers, within this endpoint's cap (nothing read yet)."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            raise HttpError(
                411, "length_required", "Envoi fragmenté non pris en charge : indiquez Content-Length."
            )
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError as exc:
            raise HttpError(400, "bad_request", "En-tête Content-Length invalide.") from exc
        if length < 0:
            raise HttpError(400, "bad_request", "En-tête Content-Length invalide.")
        if length > min(cap, MAX_BODY):
            raise HttpError(
                413,
                "payload_too_large",
                f"Corps de la requête trop volumineux pour cette adresse (au plus {cap // 1024} Kio).",
            )
        return length

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-store")
        if self.close_connection:  # e.g. a body refused unread: the client must not reuse the socket
            self.send_header("Connection", "close")
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
