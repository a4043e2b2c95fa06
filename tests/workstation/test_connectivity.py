"""Connectivity: degraded mode on a failed request or a failed heartbeat, recovery, incidents.

Unit tests drive the monitor with a scripted health probe and clock; the end-to-end tests run the
heartbeat thread against the reference platform through the fault relay of test_outbox_platform.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reporting.model import Source
from tests.platform_fixtures import RunningPlatform
from tests.teleplatform.builders import cda, report_oru
from tests.workstation.test_outbox_platform import FaultProxy, fresh_orders, stored
from workstation.audit import AuditJournal, AuditSource, AuditTrail, MemoryStateStore, read_entries
from workstation.connectivity import ConnectivityMonitor, LinkState, LinkStatus
from workstation.hl7 import Ack, AckCode
from workstation.outbox import Backoff, MessageKind, Outbox, OutboxStore
from workstation.platform import (
    AuthError,
    AuthFailure,
    PlatformClient,
    ProtocolError,
    ServerError,
    TlsError,
    TlsFailure,
    UnreachableError,
)

T0 = datetime(2026, 11, 23, 7, 40, tzinfo=UTC)  # 08:40 in Paris


class Clock:
    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> datetime:
        return self.t


def down() -> UnreachableError:
    return UnreachableError("submit: cannot connect", "La plateforme est injoignable.")


def test_a_failed_request_switches_to_degraded_at_once() -> None:
    clock = Clock()
    monitor = ConnectivityMonitor(lambda: True, now=clock)
    seen: list[LinkStatus] = []
    monitor.subscribe(seen.append)
    assert not monitor.report_failure(ProtocolError("bad json", "illisible"))  # a bug, not an outage
    assert not monitor.report_failure(AuthError(AuthFailure.SESSION_EXPIRED, "401"))
    assert not monitor.report_failure(ServerError("HTTP 404", "introuvable", 404))
    assert monitor.status.online and seen == []
    clock.t += timedelta(minutes=1)
    assert monitor.report_failure(down())
    assert not monitor.report_failure(down())  # already degraded: one notification
    assert [(s.state, s.since) for s in seen] == [(LinkState.DEGRADED, T0 + timedelta(minutes=1))]
    assert monitor.status.banner(3) == (
        "Mode dégradé depuis le 23/11/2026 à 08:41 : plateforme injoignable (réseau ou plateforme arrêtée)."
        " Vous pouvez lire les examens en cache et rédiger, signer ou refuser : tout est conservé sur ce"
        " poste. 3 messages en attente d'envoi, transmis automatiquement au retour de la plateforme."
    )
    assert monitor.status.banner(0).endswith("Aucun message en attente d'envoi.")


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (ServerError("HTTP 503", "indisponible", 503), "la plateforme est en erreur (503)."),
        (TlsError(TlsFailure.UNTRUSTED, "certificate rejected"), "certificat refusé"),
    ],
)
def test_server_errors_and_tls_failures_are_losses(error: Exception, words: str) -> None:
    monitor = ConnectivityMonitor(lambda: True)
    assert monitor.report_failure(error)
    assert words in monitor.status.user_reason


def test_heartbeat_check_and_recovery_close_the_incident(tmp_path: Path) -> None:
    clock = Clock()
    answers = iter([False, True])
    monitor = ConnectivityMonitor(lambda: next(answers), now=clock)
    sent: list[str] = []

    def platform(message: str) -> Ack:
        sent.append(message.split("|")[9])
        return Ack(AckCode.AA, message.split("|")[9])

    outbox = Outbox(OutboxStore(tmp_path / "o.sqlite"), platform, now=clock)
    monitor.attach(outbox)
    assert monitor.check().state is LinkState.DEGRADED  # health says not ok
    clock.t += timedelta(minutes=2)
    item = outbox.enqueue(
        report_oru("ORD1", "A" * 20, cda("1.2.3", "ORD1")).decode(), MessageKind.REPORT, order_id="ORD1"
    )
    clock.t += timedelta(minutes=10)
    assert monitor.check().state is LinkState.ONLINE
    (incident,) = monitor.incidents
    assert (incident.started_at, incident.ended_at) == (T0, T0 + timedelta(minutes=12))
    assert [q.control_id for q in incident.queued] == [item.control_id]
    assert incident.description == (
        "Poste de téléradiologie en mode dégradé du 23/11/2026 à 08:40 au 23/11/2026 à 08:52 (12 min) :"
        " plateforme injoignable (réseau ou plateforme arrêtée) ; 1 message mis en file d'attente sur le"
        " poste puis transmis."
    )
    assert incident.as_report_incident().source is Source.COMPUTED
    window = monitor.incidents_between(T0 + timedelta(minutes=5), T0 + timedelta(minutes=30))
    assert window == [incident]
    assert monitor.incidents_between(T0 + timedelta(minutes=13), T0 + timedelta(minutes=30)) == []
    # recovery woke the outbox: its next attempt is not held back by an earlier backoff
    assert outbox.deliver_once().value == "delivered" and sent == [item.control_id]
    outbox.close()


def test_incidents_survive_a_restart_and_an_open_one_goes_on(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "state" / "incidents.json"
    first = ConnectivityMonitor(lambda: True, now=clock, incidents_file=path)
    first.report_failure(down())
    clock.t += timedelta(minutes=5)
    first.report_success()
    clock.t += timedelta(minutes=5)
    first.report_failure(ServerError("HTTP 502", "passerelle", 502))  # the workstation stops here
    clock.t += timedelta(hours=1)
    restarted = ConnectivityMonitor(lambda: True, now=clock, incidents_file=path)
    assert restarted.status.state is LinkState.DEGRADED
    assert restarted.status.since == T0 + timedelta(minutes=10)  # still the same incident
    assert restarted.incidents == first.incidents
    restarted.check()
    closed = restarted.incidents[-1]
    assert closed.ended_at == T0 + timedelta(minutes=70) and len(restarted.incidents) == 2
    assert ConnectivityMonitor(lambda: True, incidents_file=path).incidents == restarted.incidents
    path.write_text("{not json")
    broken = ConnectivityMonitor(lambda: True, incidents_file=path)  # unreadable: start afresh, no crash
    assert broken.incidents == [] and broken.status.online


def test_a_tls_failure_is_audited_once_per_degraded_period(tmp_path: Path) -> None:
    journal_path = tmp_path / "audit.jsonl"
    journal = AuditJournal(journal_path, MemoryStateStore(), bytes(32))
    trail = AuditTrail(journal, AuditSource("poste-1"), "poste-1.local")

    def health() -> bool:
        raise TlsError(TlsFailure.UNTRUSTED, "health: certificate rejected (20: unable to get issuer)")

    monitor = ConnectivityMonitor(health, trail=trail, platform_url="https://plateforme:8443")
    for _ in range(3):
        assert monitor.check().state is LinkState.DEGRADED
    journal.close()
    (record,) = [e.record.to_json() for e in read_entries(journal_path)]
    assert record["kind"] == "tls_failure" and record["objects"][0]["id"] == "https://plateforme:8443"
    assert "certificate rejected" in record["description"]
    assert "certificat refusé" in monitor.status.user_reason


def test_outbox_failures_feed_the_monitor(tmp_path: Path) -> None:
    monitor = ConnectivityMonitor(lambda: True)
    failing = iter([down()])

    def platform(message: str) -> Ack:
        error = next(failing, None)
        if error:
            raise error
        return Ack(AckCode.AA, message.split("|")[9])

    outbox = Outbox(OutboxStore(tmp_path / "o.sqlite"), platform, rng=random.Random(1))
    monitor.attach(outbox)
    outbox.enqueue(report_oru("ORD1", "B" * 20, cda("1.2.3", "ORD1")).decode(), MessageKind.REPORT)
    outbox.deliver_once()
    assert monitor.status.state is LinkState.DEGRADED
    outbox.wake()
    outbox.deliver_once()  # an ACK came back: online again
    assert monitor.status.online and monitor.incidents[0].ended_at is not None
    outbox.close()


@pytest.fixture
def relay(platform: RunningPlatform) -> Iterator[FaultProxy]:
    proxy = FaultProxy(int(platform.base_url.rsplit(":", 1)[1]))
    yield proxy
    proxy.down()


def test_platform_lost_and_back_with_the_heartbeat(
    platform: RunningPlatform, relay: FaultProxy, tmp_path: Path
) -> None:
    """Real HTTPS: loss seen by the heartbeat within a second, a report queued offline, drained on return."""
    direct = PlatformClient(platform.base_url, platform.ca_path)
    tokens = platform.login()
    direct._accept_tokens(tokens, "test")
    client = PlatformClient(relay.url, platform.ca_path, timeout=2)
    client._accept_tokens(tokens, "test")
    (order,) = fresh_orders(platform, 1)
    outbox = Outbox(OutboxStore(tmp_path / "o.sqlite"), client.submit, backoff=Backoff(30.0, 60.0))
    monitor = ConnectivityMonitor(client.health, interval=0.2, degraded_interval=0.2)
    monitor.attach(outbox)
    changes: list[tuple[LinkState, float]] = []
    monitor.subscribe(lambda s: changes.append((s.state, time.monotonic())))
    monitor.start()
    outbox.start()
    try:
        relay.down()
        lost_at = time.monotonic()
        _wait(lambda: not monitor.status.online, 5)
        detection = changes[0][1] - lost_at
        message = report_oru(order, "C0FFEE" + "0" * 14, cda("1.2.250.1.999.3.1", order)).decode()
        outbox.enqueue(message, MessageKind.REPORT, order_id=order)
        time.sleep(0.5)
        assert outbox.store.counts().pending == 1 and stored(platform, "C0FFEE" + "0" * 14) == []
        relay.up()
        back_at = time.monotonic()
        _wait(lambda: outbox.store.counts().delivered == 1, 10)
        drained = time.monotonic() - back_at
    finally:
        monitor.stop()
        outbox.close()
    assert [s for s, _ in changes] == [LinkState.DEGRADED, LinkState.ONLINE]
    assert detection < 1.0
    assert drained < 2.0  # the 30 s backoff of the failed attempts was cut short by the recovery
    assert stored(platform, "C0FFEE" + "0" * 14) == [("AA", order)]
    (incident,) = monitor.incidents
    assert [q.control_id for q in incident.queued] == ["C0FFEE" + "0" * 14]
    assert incident.queued[0].kind is MessageKind.REPORT and incident.queued[0].order_id == order
    print(f"\nloss detected in {detection * 1000:.0f} ms, queue drained {drained * 1000:.0f} ms after return")


def _wait(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
