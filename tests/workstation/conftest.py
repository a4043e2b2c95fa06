"""Fixtures of the workstation tests: throw-away HTTPS servers and a real Orthanc.

The HTTPS servers are real TLS endpoints on 127.0.0.1 with trustme certificates, so the client's
certificate checks are exercised for real; what they answer is scripted per test. Orthanc is the
Debian package, started on free ports with a fresh storage directory and killed at the end.
"""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
import trustme

ORTHANC = Path("/usr/sbin/Orthanc")
DICOMWEB_PLUGIN = Path("/usr/share/orthanc/plugins/libOrthancDicomWeb.so")


@dataclass
class Reply:
    status: int = 200
    body: bytes | dict | list = b""
    content_type: str = "application/json"
    delay: float = 0.0

    def payload(self) -> bytes:
        return json.dumps(self.body).encode() if isinstance(self.body, (dict, list)) else self.body


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Route = tuple | Callable[[Received], tuple]


@dataclass
class ScriptedServer:
    """An HTTPS server answering from ``routes``: "METHOD /path" -> the arguments of a
    :class:`Reply` as a tuple (status, body[, content type[, delay]]), or a callable returning one."""

    url: str
    routes: dict[str, Route] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)


def _serve(cert: trustme.LeafCert, server: ScriptedServer) -> tuple[ThreadingHTTPServer, threading.Thread]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = Received(self.command, self.path, dict(self.headers), self.rfile.read(length))
            server.received.append(request)
            route = server.routes.get(f"{self.command} {self.path}", (404, {"error": "not_found"}))
            reply = Reply(*(route(request) if callable(route) else route))
            time.sleep(reply.delay)
            payload = reply.payload()
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    return httpd, thread


@pytest.fixture(scope="session")
def tls_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def ca_file(tls_ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    tls_ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
def https_server(tls_ca: trustme.CA) -> Iterator[Callable[..., ScriptedServer]]:
    """Factory: ``https_server()`` for a certificate of our CA for 127.0.0.1, or pass ``cert=``."""
    running: list[ThreadingHTTPServer] = []

    def start(cert: trustme.LeafCert | None = None) -> ScriptedServer:
        server = ScriptedServer("")
        httpd, _ = _serve(cert or tls_ca.issue_cert("127.0.0.1"), server)
        running.append(httpd)
        server.url = f"https://127.0.0.1:{httpd.server_address[1]}"
        return server

    yield start
    for httpd in running:
        httpd.shutdown()
        httpd.server_close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class OrthancServer:
    rest: str  # http://127.0.0.1:port
    dicomweb: str  # rest + /dicom-web


@pytest.fixture(scope="session")
def orthanc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OrthancServer]:
    """A real Orthanc with the DICOMweb plugin, plain HTTP on loopback (remote access refused)."""
    if not ORTHANC.is_file() or not DICOMWEB_PLUGIN.exists():
        pytest.skip(f"Orthanc or its DICOMweb plugin is not installed ({ORTHANC}, {DICOMWEB_PLUGIN})")
    work = tmp_path_factory.mktemp("orthanc")
    http_port, dicom_port = _free_port(), _free_port()
    config = {
        "Name": "tests-workstation",
        "StorageDirectory": str(work / "storage"),
        "IndexDirectory": str(work / "storage"),
        "HttpPort": http_port,
        "DicomPort": dicom_port,
        "RemoteAccessAllowed": False,
        "AuthenticationEnabled": False,
        "Plugins": [str(DICOMWEB_PLUGIN)],
        "DicomWeb": {"Enable": True, "Root": "/dicom-web/", "Host": f"127.0.0.1:{http_port}"},
    }
    (work / "orthanc.json").write_text(json.dumps(config))
    log = (work / "orthanc.log").open("wb")
    process = subprocess.Popen(
        [str(ORTHANC), str(work / "orthanc.json")], stdout=log, stderr=subprocess.STDOUT
    )
    rest = f"http://127.0.0.1:{http_port}"
    local = requests.Session()
    local.trust_env = False  # no proxy from the environment for a loopback server
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if local.get(f"{rest}/system", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Orthanc did not start; see {work / 'orthanc.log'}")
            time.sleep(0.1)
        yield OrthancServer(rest, f"{rest}/dicom-web")
    finally:
        process.kill()
        process.wait(timeout=10)
        log.close()
        shutil.rmtree(work / "storage", ignore_errors=True)
