"""Issue 22: a flapping link is an outage, never a TLS alert; a clock jump keeps an incident's count.

The flapping link is a TCP relay in front of a real HTTPS server (our test CA) that, connection by
connection, relays, closes during the TLS handshake (the peer's FIN: Python says SSLEOFError), resets
it, or stalls until the client's timeout. A certificate that really fails verification must still be
an alert (last test).
"""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import trustme

from tests.workstation.conftest import ScriptedServer
from tests.workstation.outbox_faults import FakePlatform, open_queue, report
from workstation.audit import AuditJournal, AuditSource, AuditTrail, MemoryStateStore, read_entries
from workstation.audit.model import EventKind as AuditKind
from workstation.connectivity import ConnectivityMonitor
from workstation.outbox import MessageKind
from workstation.platform import PlatformClient, TlsError, UnreachableError


class FlappingRelay:
    """127.0.0.1:port -> target, with a fault chosen per connection from ``modes`` (cycled)."""

    def __init__(self, target_port: int, modes: list[str]) -> None:
        self._target = target_port
        self._modes = itertools.cycle(modes)
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client, next(self._modes)), daemon=True).start()

    def _handle(self, client: socket.socket, mode: str) -> None:
        try:
            if mode == "fin":  # read the ClientHello, then hang up cleanly: EOF in the handshake
                client.settimeout(0.3)
                with contextlib.suppress(OSError):
                    client.recv(65536)
                client.shutdown(socket.SHUT_RDWR)
            elif mode == "reset":
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            elif mode == "stall":
                time.sleep(1.5)
            else:
                upstream = socket.create_connection(("127.0.0.1", self._target))
                pumps = [
                    threading.Thread(target=_pump, args=(client, upstream), daemon=True),
                    threading.Thread(target=_pump, args=(upstream, client), daemon=True),
                ]
                for pump in pumps:
                    pump.start()
                for pump in pumps:
                    pump.join(5)
                upstream.close()
        finally:
            client.close()

    def close(self) -> None:
        self._stop = True
        self._server.close()


def _pump(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)


@pytest.fixture
def trail(tmp_path: Path) -> Iterator[AuditTrail]:
    journal = AuditJournal(tmp_path / "journal.jsonl", MemoryStateStore(), bytes(32))
    yield AuditTrail(journal, AuditSource("poste"))
    journal.close()


def _kinds(tmp_path: Path) -> list[AuditKind]:
    return [e.record.kind for e in read_entries(tmp_path / "journal.jsonl")]


def test_a_flapping_link_is_an_outage_never_a_tls_alert(
    https_server: Callable[..., ScriptedServer], ca_file: Path, trail: AuditTrail, tmp_path: Path
) -> None:
    server = https_server()
    server.routes["GET /api/v1/health"] = (200, {"status": "ok", "time": "2026-01-06T12:00:00Z"})
    modes = ["ok", "fin", "ok", "reset", "fin", "stall", "ok"]
    relay = FlappingRelay(int(server.url.rsplit(":", 1)[1]), modes)
    try:
        client = PlatformClient(f"https://127.0.0.1:{relay.port}", ca_file, timeout=0.8)
        monitor = ConnectivityMonitor(client.health, trail=trail, platform_url="https://plateforme")
        states = []
        for _ in range(21):  # three turns of the cycle
            states.append(monitor.check().online)
        # the handshake cuts, taken one by one, are network failures
        for _ in range(7):
            try:
                client.login("a", "b", "123456")
            except UnreachableError:
                pass
            except TlsError as exc:  # pragma: no cover - the bug this test guards against
                pytest.fail(f"a cut handshake was classified as a certificate problem: {exc}")
            except Exception:
                pass
    finally:
        relay.close()
    assert AuditKind.TLS_FAILURE not in _kinds(tmp_path), "a flapping link raised a TLS alert"
    assert states.count(False) >= 6 and states.count(True) >= 3  # it did flap
    assert monitor.incidents and all(i.reason.startswith("unreachable") for i in monitor.incidents)
    assert all("certificat" not in i.user_reason for i in monitor.incidents)


def test_a_certificate_failure_is_still_an_alert(
    https_server: Callable[..., ScriptedServer], ca_file: Path, trail: AuditTrail, tmp_path: Path
) -> None:
    server = https_server(trustme.CA().issue_cert("127.0.0.1"))  # signed by another CA
    monitor = ConnectivityMonitor(PlatformClient(server.url, ca_file, timeout=2).health, trail=trail)
    assert not monitor.check().online
    assert "certificat refusé" in monitor.status.user_reason
    assert _kinds(tmp_path) == [AuditKind.TLS_FAILURE]


def test_a_clock_jumped_back_two_hours_keeps_the_incident_count(tmp_path: Path) -> None:
    wall = [datetime(2026, 1, 6, 22, 0, tzinfo=UTC)]
    elapsed = [0.0]
    platform = FakePlatform()
    outbox, _ = open_queue(tmp_path, platform)
    outbox._now = lambda: wall[0]  # the outbox stamps its rows with the same (jumping) wall clock
    monitor = ConnectivityMonitor(lambda: True, now=lambda: wall[0], monotonic=lambda: elapsed[0])
    monitor.attach(outbox)
    try:
        outbox.enqueue(report(999), MessageKind.REPORT)  # before the incident: not counted
        monitor.report_failure(UnreachableError("down", "injoignable"))
        for n in range(200):
            if n == 100:
                wall[0] -= timedelta(hours=2)  # the clock is set back two hours mid-incident
            wall[0] += timedelta(seconds=30)
            elapsed[0] += 30
            outbox.enqueue(report(n), MessageKind.REPORT)
        assert monitor.report_success()
        incident = monitor.incidents[-1]
        assert len(incident.queued) == 200
        assert incident.duration == 200 * 30
        assert "(100 min)" in incident.description  # not "1 min" from the wall clock's negative span
        assert "200 messages mis en file" in incident.description
        reloaded = ConnectivityMonitor(lambda: True, incidents_file=None)
        assert reloaded.incidents == []
    finally:
        outbox.close()


def test_an_incident_during_a_reading_reaches_the_report_despite_a_clock_set_back() -> None:
    from dataclasses import dataclass
    from types import SimpleNamespace

    from workstation.reading import with_link_incidents

    @dataclass(frozen=True)
    class Draft:  # what with_link_incidents reads and replaces of a report
        incidents: tuple = ()

    wall = [datetime(2026, 1, 6, 22, 0, tzinfo=UTC)]
    monitor = ConnectivityMonitor(lambda: True, now=lambda: wall[0])
    monitor.report_failure(UnreachableError("down", "injoignable"))  # an earlier incident, over
    monitor.report_success()
    opened = wall[0] + timedelta(minutes=1)
    case = SimpleNamespace(opened_at=opened, incidents_before=1)
    wall[0] = opened + timedelta(minutes=5)
    monitor.report_failure(UnreachableError("down", "injoignable"))
    wall[0] -= timedelta(hours=2)  # set back during the incident
    monitor.report_success()
    signed_at = wall[0]  # before the reading began, by the wall clock
    assert monitor.incidents_between(opened, signed_at) == []
    report = with_link_incidents(SimpleNamespace(connectivity=monitor), case, Draft(), signed_at)
    assert len(report.incidents) == 1 and "mode dégradé" in report.incidents[0].description
