"""Resource limits of the reference platform, over real HTTPS: answers in 4xx, fast, with bounded
memory (the server runs as its own process so that its peak RSS can be read from /proc), capped and
timed-out connections, one log line per event, private files, certificates valid since yesterday."""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
import ssl
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pydicom
import pytest
import requests
from cryptography import x509

from teleplatform.api import Platform
from teleplatform.server import PlatformServer
from teleplatform.tls import _make_ca, _make_server_cert, ensure_tls, server_context
from tests.platform_fixtures import RunningPlatform

from .builders import ACCOUNT, SITE_ACCOUNT, new_order, write_ct_series, write_data_dir

MIB = 1024 * 1024
QUICK = 3.0  # seconds: a refusal must not wait for a body, a parse or a decode


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def _raw_tls(running: RunningPlatform) -> ssl.SSLSocket:
    context = ssl.create_default_context(cafile=str(running.ca_path))
    port = int(running.base_url.rsplit(":", 1)[1])
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    return context.wrap_socket(raw, server_hostname="127.0.0.1")


def _status_line(conn: ssl.SSLSocket) -> int:
    head = b""
    while b"\r\n" not in head:
        chunk = conn.recv(4096)
        if not chunk:
            break
        head += chunk
    return int(head.split(b" ", 2)[1])


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, platform_factory: Callable[[Path], RunningPlatform]
) -> Iterator[tuple[RunningPlatform, dict[str, str]]]:
    root = write_data_dir(tmp_path_factory.mktemp("limits") / "data", {"1.hl7": new_order("L-1", "L01")})
    files = write_ct_series(root / "dicom" / "ct", count=2, patient_id="279035121518989", seed=3)
    running = platform_factory(root)
    first = pydicom.dcmread(files[0])
    uids = {"study": first.StudyInstanceUID, "series": first.SeriesInstanceUID, "sop": first.SOPInstanceUID}
    yield running, uids


def test_hostile_requests_get_4xx_fast_with_bounded_memory(served) -> None:
    running, uids = served
    token = running.login()["access_token"]
    pid = running.process.pid
    session = running.session()
    session.headers["Authorization"] = f"Bearer {token}"
    base = running.base_url
    instance = f"/dicom-web/studies/{uids['study']}/series/{uids['series']}/instances/{uids['sop']}"
    assert session.get(f"{base}{instance}/frames/1", timeout=30).status_code == 200  # warm: pydicom loaded
    idle_kib = _status_kib(pid, "VmRSS")
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS, so the peak below is ours

    def timed(call: Callable[[], requests.Response]) -> requests.Response:
        started = time.monotonic()
        response = call()
        assert time.monotonic() - started < QUICK, response.request.url
        return response

    # 400 repeats of one frame number (the 6 GiB request of the review)
    repeated = ",".join(["1"] * 400)
    answer = timed(lambda: session.get(f"{base}{instance}/frames/{repeated}", timeout=30))
    assert (answer.status_code, answer.json()["error"]) == (400, "bad_request")
    many = ",".join(str(n) for n in range(1, 200))
    assert timed(lambda: session.get(f"{base}{instance}/frames/{many}", timeout=30)).status_code == 400
    # QIDO paging far beyond any integer SQLite takes
    for params in ({"limit": str(10**30)}, {"offset": str(10**30)}, {"limit": "-1"}, {"limit": "abc"}):
        answer = timed(
            lambda params=params: session.get(f"{base}/dicom-web/studies", params=params, timeout=30)
        )
        assert answer.status_code == 400 and "Paramètre" in answer.json()["message"], params
    # a 100,000-segment HL7 message: refused before parsing
    segments = b"\r".join([new_order("L-2", "L02"), *[b"NTE|1||ligne de commentaire"] * 100_000])
    answer = timed(
        lambda: session.post(
            f"{base}/api/v1/messages",
            data=segments,
            headers={"Content-Type": "application/hl7-v2; charset=utf-8"},
            timeout=30,
        )
    )
    assert (answer.status_code, answer.json()["error"]) == (413, "too_many_segments")
    # deep JSON: on a public endpoint (inside its 64 KiB cap) and an authenticated one
    answer = timed(
        lambda: requests.post(
            f"{base}/api/v1/auth/login",
            data=b"[" * 60_000,
            headers={"Content-Type": "application/json"},
            verify=str(running.ca_path),
            timeout=30,
        )
    )
    assert answer.status_code == 400 and "imbriqué" in answer.json()["message"]
    answer = timed(
        lambda: session.post(
            f"{base}/api/v1/audit",
            data=b"[" * 100_000 + b"]" * 100_000,
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
    )
    assert answer.status_code == 400 and "imbriqué" in answer.json()["message"]
    # six unauthenticated 60 MiB bodies at once: 401 from the headers alone, the body never read
    declared = 60 * MIB

    def unauthenticated(results: list[int]) -> None:
        with _raw_tls(running) as conn:
            conn.sendall(
                b"POST /api/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/hl7-v2\r\nContent-Length: %d\r\n\r\n" % declared
            )
            results.append(_status_line(conn))  # answered from the headers: not one body byte sent

    results: list[int] = []
    started = time.monotonic()
    workers = [threading.Thread(target=unauthenticated, args=(results,)) for _ in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert results == [401] * 6 and time.monotonic() - started < QUICK
    # an authenticated body over the endpoint's cap: 413 before it is read
    with _raw_tls(running) as conn:
        conn.sendall(
            b"POST /api/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
            b"Content-Type: application/hl7-v2\r\nContent-Length: %d\r\n\r\n" % (token.encode(), 40 * MIB)
        )
        assert _status_line(conn) == 413

    peak_kib = _status_kib(pid, "VmHWM")
    print(f"server RSS idle {idle_kib / 1024:.1f} MiB, peak during the attacks {peak_kib / 1024:.1f} MiB")
    assert (peak_kib - idle_kib) * 1024 < 100 * MIB
    assert session.get(f"{base}/api/v1/health", timeout=5).status_code == 200


def test_a_line_feed_in_the_url_cannot_forge_a_log_line(served) -> None:
    running, _uids = served
    with running.session() as session:
        answer = session.get(f"{running.base_url}/api/v1/x%0aFORGED%20teleplatform%20line%0d", timeout=10)
        assert answer.status_code == 404
    time.sleep(0.2)
    lines = running.log_path.read_text(errors="replace").splitlines()
    assert not any(line.startswith("FORGED") for line in lines)
    assert any("x\\x0aFORGED teleplatform line\\x0d" in line for line in lines)


def test_a_disabled_account_from_the_command_line_loses_its_live_token(served) -> None:
    running, _uids = served
    token = running.login(SITE_ACCOUNT["login"])["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    with running.session() as session:
        assert (
            session.get(f"{running.base_url}/api/v1/worklist", headers=headers, timeout=10).status_code == 200
        )
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "teleplatform",
                "disable",
                "--data",
                str(running.data_dir),
                SITE_ACCOUNT["login"],
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0 and "désactivé" in result.stdout, result.stderr
        assert (
            session.get(f"{running.base_url}/api/v1/worklist", headers=headers, timeout=10).status_code == 401
        )


@pytest.fixture
def small_server(tmp_path: Path) -> Iterator[tuple[PlatformServer, Path]]:
    root = write_data_dir(tmp_path / "data")
    tls = ensure_tls(root / "state" / "tls", datetime.now(UTC))
    platform = Platform.open(root)
    server = PlatformServer(0, platform, server_context(tls), max_connections=4, idle_timeout=1.0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server, tls.ca_cert
    server.shutdown()
    thread.join(5)
    server.server_close()
    platform.close()


def test_connections_are_capped_and_idle_ones_closed(small_server) -> None:
    server, ca = small_server
    idle = [socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(4)]
    time.sleep(0.2)
    extra = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    assert extra.recv(1) == b""  # closed at once: no thread, no TLS work for it
    extra.close()
    for conn in idle:
        conn.close()
    time.sleep(0.3)
    context = ssl.create_default_context(cafile=str(ca))
    with context.wrap_socket(
        socket.create_connection(("127.0.0.1", server.port), timeout=5), server_hostname="127.0.0.1"
    ) as conn:
        conn.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert _status_line(conn) == 200
        time.sleep(1.5)  # keep-alive, but idle longer than the server's timeout
        conn.settimeout(5)
        try:
            while conn.recv(4096):
                pass
            closed = True
        except (ConnectionResetError, ssl.SSLError):
            closed = True
        except TimeoutError:
            closed = False
        assert closed


def test_platform_files_are_private_and_a_loosened_one_is_tightened(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = write_data_dir(tmp_path / "data")
    platform = Platform.open(root)
    platform.close()
    state = root / "state"
    database = state / "platform.sqlite"
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    platform = Platform.open(root)
    wal = database.with_name("platform.sqlite-wal")
    assert wal.exists() and stat.S_IMODE(wal.stat().st_mode) == 0o600
    platform.close()
    os.chmod(state, 0o755)
    os.chmod(database, 0o644)
    with caplog.at_level(logging.WARNING, logger="teleplatform.store"):
        Platform.open(root).close()
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert "platform.sqlite was readable by others (mode 644)" in warned and "mode 755" in warned


def test_certificates_start_a_day_in_the_past_and_older_ones_are_reissued(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    files = ensure_tls(tmp_path / "tls", now)
    for path in (files.ca_cert, files.server_cert):
        cert = x509.load_pem_x509_certificate(path.read_bytes())
        assert cert.not_valid_before_utc <= now - timedelta(days=1)
    # certificates made by the earlier version (5 minutes back) are remade at the next start
    old = tmp_path / "old"
    old.mkdir()
    old_files = type(files).in_dir(old)
    import teleplatform.tls as tls

    margin = tls.NOT_BEFORE_MARGIN  # what the earlier version used: 5 minutes
    tls.NOT_BEFORE_MARGIN = timedelta(minutes=5)
    try:
        _make_ca(old_files, now)
        _make_server_cert(old_files, now)
    finally:
        tls.NOT_BEFORE_MARGIN = margin
    ensure_tls(old, now)
    cert = x509.load_pem_x509_certificate(old_files.server_cert.read_bytes())
    assert cert.not_valid_before_utc <= now - timedelta(days=1)


def test_a_version_1_store_is_migrated_and_its_orders_keep_their_sender(tmp_path: Path) -> None:
    """A data directory from before roles (schema 1) opens: each order gets the sender of its first
    accepted message, each audit chain the account that sent its record 0."""
    root = write_data_dir(tmp_path / "data", {"1.hl7": new_order("V1-1", "V101")})
    Platform.open(root).close()
    database = root / "state" / "platform.sqlite"
    with sqlite3.connect(database) as conn:  # back to what version 1 had
        conn.execute("DROP INDEX orders_sender")
        for table, column in (
            ("orders", "sender"),
            ("users", "role"),
            ("users", "disabled"),
            ("messages", "account"),
        ):
            conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        conn.execute("ALTER TABLE audit_chains DROP COLUMN owner")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    platform = Platform.open(root)
    try:
        with platform.store.reading() as conn:
            assert conn.execute("SELECT sender FROM orders WHERE order_id = 'V1-1'").fetchone()[0] == (
                "StructureApp@StructureFacility"
            )
            assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "2"
            assert conn.execute("SELECT role FROM users WHERE login = ?", (ACCOUNT["login"],)).fetchone()[
                0
            ] == ("radiologist")
    finally:
        platform.close()
