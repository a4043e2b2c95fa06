"""The workstation never follows a redirect from the platform (issue 15): a server holding a
certificate from the configured CA answered 307 to plain http and received the login JSON and an
HL7 body in clear. Here a real HTTPS server answers every request with a redirect, and a plain-http
listener at the redirect's target counts what reaches it: nothing may."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import trustme

from workstation.audit.shipping import PlatformAuditTransport, ShippingError
from workstation.platform import PlatformClient, ProtocolError
from workstation.platform.client import UserInfo


@dataclass
class Redirecting:
    url: str
    target: str
    status: int = 307
    seen: list[str] = field(default_factory=list)
    plain_connections: list[bytes] = field(default_factory=list)


@pytest.fixture
def redirecting(tls_ca: trustme.CA) -> Iterator[Redirecting]:
    trap = socket.socket()
    trap.bind(("127.0.0.1", 0))
    trap.listen(8)
    trap.settimeout(0.2)
    stop = threading.Event()
    state = Redirecting("", f"http://127.0.0.1:{trap.getsockname()[1]}")

    def catch() -> None:  # the plain-http target: anything arriving here went out in clear
        while not stop.is_set():
            try:
                conn, _ = trap.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(1)
            try:
                state.plain_connections.append(conn.recv(65536))
            except OSError:
                state.plain_connections.append(b"")
            conn.close()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            state.seen.append(f"{self.command} {self.path}")
            self.send_response(state.status)
            self.send_header("Location", state.target + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = do_PUT = _answer

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_ca.issue_cert("127.0.0.1").configure_cert(context)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threads = [
        threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True),
        threading.Thread(target=catch, daemon=True),
    ]
    for thread in threads:
        thread.start()
    state.url = f"https://127.0.0.1:{httpd.server_address[1]}"
    yield state
    stop.set()
    httpd.shutdown()
    httpd.server_close()
    trap.close()


TOKENS = {
    "access_token": "a",
    "refresh_token": "r",
    "expires_in": 900,
    "user": {"login": "dr.martin", "rpps": "10001234567", "family": "MARTIN", "given": "Jean", "title": "Dr"},
}


def test_a_307_to_http_on_login_is_refused_and_nothing_goes_out_in_clear(
    redirecting: Redirecting, ca_file: Path
) -> None:
    client = PlatformClient(redirecting.url, ca_file)
    with pytest.raises(ProtocolError) as refused:
        client.login("dr.martin", "mot de passe", "123456")
    assert "non chiffrée (http)" in refused.value.user_message and "refusée" in refused.value.user_message
    assert "redirect to 'http://" in str(refused.value)
    assert redirecting.seen == ["POST /api/v1/auth/login"]  # asked once, never re-sent anywhere
    assert redirecting.plain_connections == []


def test_hl7_worklist_and_images_are_never_redirected(redirecting: Redirecting, ca_file: Path) -> None:
    client = PlatformClient(redirecting.url, ca_file)
    client._accept_tokens(TOKENS, "test")
    with pytest.raises(ProtocolError, match="redirect"):
        client.submit("MSH|^~\\&|A|B|C|D|20260101||ORU^R01^ORU_R01|CTRL-1|P|2.5.1\rPID|||1")
    with pytest.raises(ProtocolError, match="redirect"):
        client.worklist()
    with pytest.raises(ProtocolError) as images:  # through dicomweb-client's own GET
        client.dicomweb.search_studies()
    assert "non chiffrée" in images.value.user_message
    assert len(redirecting.seen) == 3 and redirecting.plain_connections == []


def test_even_a_redirect_to_the_same_https_origin_is_refused(redirecting: Redirecting, ca_file: Path) -> None:
    redirecting.target = redirecting.url + "/ailleurs"
    redirecting.status = 302
    client = PlatformClient(redirecting.url, ca_file)
    with pytest.raises(ProtocolError) as refused:
        client.login("dr.martin", "mot de passe", "123456")
    assert "ne suit jamais de redirection" in refused.value.user_message
    assert redirecting.seen == ["POST /api/v1/auth/login"]


def test_the_audit_journal_is_not_shipped_through_a_redirect(redirecting: Redirecting, ca_file: Path) -> None:
    client = PlatformClient(redirecting.url, ca_file)
    client.use_tokens("token", "refresh", 900, UserInfo("dr.martin", "", "", "", ""))
    transport = PlatformAuditTransport(client)
    with pytest.raises(ShippingError):
        transport.send("0" * 64, [b'{"body":{},"mac":"00"}'])
    assert redirecting.seen == ["POST /api/v1/audit"] and redirecting.plain_connections == []
