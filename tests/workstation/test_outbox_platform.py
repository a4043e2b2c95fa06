"""Fault tests of the outbox against the reference platform over real HTTPS.

A TCP relay (:class:`FaultProxy`) sits between the workstation and the platform; TLS goes through
it untouched, so the certificate checks are the real ones. It can refuse connections (platform
down), cut a request before it reaches the platform (down during a send), or swallow the platform's
answer after the platform has stored the message (the resend must be de-duplicated). What the
platform stored is read from its own database. HTTP 500 and AR-then-AA sequences come from a
scripted HTTPS server, since the reference platform answers neither on demand.
"""

from __future__ import annotations

import random
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from teleplatform.relay import FaultProxy
from tests.platform_fixtures import DEMO_SITE_SENDER, RunningPlatform
from tests.teleplatform.builders import cda, new_order, report_oru, write_data_dir
from tests.workstation.conftest import ScriptedServer
from workstation.outbox import (
    Backoff,
    DeliveryOutcome,
    EventKind,
    ItemState,
    MessageKind,
    Outbox,
    OutboxStore,
)
from workstation.platform import PlatformClient


@pytest.fixture
def proxy(platform: RunningPlatform) -> Iterator[FaultProxy]:
    relay = FaultProxy(int(platform.base_url.rsplit(":", 1)[1]))
    yield relay
    relay.down()


@pytest.fixture(scope="module")
def tokens(platform: RunningPlatform) -> dict:
    """One login for the module: TOTP codes are single-use, a login per test would wait for codes."""
    return platform.login()


@pytest.fixture
def client(platform: RunningPlatform, proxy: FaultProxy, tokens: dict) -> PlatformClient:
    relayed = PlatformClient(proxy.url, platform.ca_path, timeout=5)
    relayed._accept_tokens(tokens, "test")  # the module's session, through the relay
    return relayed


@pytest.fixture
def outbox(tmp_path: Path, client: PlatformClient) -> Iterator[Outbox]:
    box = Outbox(
        OutboxStore(tmp_path / "outbox.sqlite"),
        client.submit,
        backoff=Backoff(base=0.01, cap=0.01),
        rng=random.Random(3),
    )
    yield box
    box.close()


def fresh_orders(platform: RunningPlatform, count: int) -> list[str]:
    """Orders created on the shared platform for this test only (flux 1 sent by a demo site's RIS
    account under its own MSH-3/MSH-4: a radiologist's account may not send site messages)."""
    orders = [f"F{uuid.uuid4().hex[:10].upper()}" for _ in range(count)]
    for order in orders:
        raw = new_order(order, uuid.uuid4().hex[:20].upper(), sender=DEMO_SITE_SENDER)
        assert platform.submit_as_site(raw) == "AA"
    return orders


def a_report(order: str) -> tuple[str, str]:
    control_id = uuid.uuid4().hex[:20].upper()
    document = cda(f"1.2.250.1.999.2.{uuid.uuid4().int}", order)
    return report_oru(order, control_id, document).decode(), control_id


def stored(platform: RunningPlatform, control_id: str) -> list[tuple[str, str]]:
    database = platform.data_dir / "state" / "platform.sqlite"
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        return conn.execute(
            "SELECT ack_code, order_id FROM messages WHERE control_id = ?", (control_id,)
        ).fetchall()


def settle(outbox: Outbox) -> DeliveryOutcome:
    outbox.wake()
    return outbox.deliver_once()


def test_platform_down_before_and_after_a_send(
    platform: RunningPlatform, proxy: FaultProxy, client: PlatformClient, outbox: Outbox
) -> None:
    first, second = fresh_orders(platform, 2)
    message, control_id = a_report(first)
    proxy.down()
    retries = []
    outbox.subscribe(lambda e: retries.append(e) if e.kind is EventKind.RETRYING else None)
    outbox.enqueue(message, MessageKind.REPORT, order_id=first)
    assert settle(outbox) is DeliveryOutcome.FAILED
    assert retries[-1].user_message == "La plateforme est injoignable : vérifiez la connexion réseau."
    assert stored(platform, control_id) == []
    proxy.up()
    assert settle(outbox) is DeliveryOutcome.DELIVERED
    assert stored(platform, control_id) == [("AA", first)]
    # down again right after: the next report waits, then goes
    message2, control_id2 = a_report(second)
    proxy.down()
    outbox.enqueue(message2, MessageKind.REPORT, order_id=second)
    assert settle(outbox) is DeliveryOutcome.FAILED
    proxy.up()
    assert settle(outbox) is DeliveryOutcome.DELIVERED
    assert stored(platform, control_id2) == [("AA", second)]


def test_platform_lost_during_a_send(
    platform: RunningPlatform, proxy: FaultProxy, client: PlatformClient, outbox: Outbox
) -> None:
    (order,) = fresh_orders(platform, 1)
    message, control_id = a_report(order)
    outbox.enqueue(message, MessageKind.REPORT, order_id=order)
    proxy.mode = "cut_request"
    assert settle(outbox) is DeliveryOutcome.FAILED
    assert stored(platform, control_id) == []
    proxy.mode = "pass"
    assert settle(outbox) is DeliveryOutcome.DELIVERED
    assert stored(platform, control_id) == [("AA", order)]


def test_answer_lost_after_the_platform_stored_it_is_deduplicated(
    platform: RunningPlatform, proxy: FaultProxy, client: PlatformClient, outbox: Outbox
) -> None:
    (order,) = fresh_orders(platform, 1)
    message, control_id = a_report(order)
    outbox.enqueue(message, MessageKind.REPORT, order_id=order)
    assert client.health()  # a TLS connection through the relay already open: only answers are dropped
    proxy.mode = "drop_answer"
    assert settle(outbox) is DeliveryOutcome.FAILED
    assert proxy.dropped_answers >= 1
    assert stored(platform, control_id) == [("AA", order)]  # stored, but we never heard it
    proxy.mode = "pass"
    assert settle(outbox) is DeliveryOutcome.DELIVERED
    assert stored(platform, control_id) == [("AA", order)]  # the resend was not stored again
    item = outbox.store.get(control_id)
    assert item is not None and (item.state, item.ack_code, item.attempts) == (ItemState.DELIVERED, "AA", 2)
    assert f"duplicate ORU^R01 {control_id}" in platform.log_path.read_text(errors="replace")


def test_ae_from_the_platform_is_set_aside_and_alerts(
    platform: RunningPlatform, client: PlatformClient, outbox: Outbox
) -> None:
    (order,) = fresh_orders(platform, 1)
    unknown, unknown_id = a_report("INCONNUE-" + uuid.uuid4().hex[:6])
    good, good_id = a_report(order)
    alerts = []
    outbox.subscribe(lambda e: alerts.append(e) if e.kind is EventKind.REJECTED else None)
    outbox.enqueue(unknown, MessageKind.REPORT)
    outbox.enqueue(good, MessageKind.REPORT, order_id=order)
    assert settle(outbox) is DeliveryOutcome.REJECTED
    assert settle(outbox) is DeliveryOutcome.DELIVERED
    refused = outbox.store.get(unknown_id)
    assert refused is not None and refused.state is ItemState.REJECTED and refused.ack_code == "AE"
    assert "Demande d'examen inconnue de la plateforme" in refused.ack_reason
    assert "Demande d'examen inconnue" in alerts[0].user_message
    assert stored(platform, good_id) == [("AA", order)]


def test_ar_from_the_platform_is_retried_and_holds_the_queue(
    platform: RunningPlatform, client: PlatformClient, outbox: Outbox
) -> None:
    (order,) = fresh_orders(platform, 1)
    unsupported_id = uuid.uuid4().hex[:20].upper()
    unsupported = (
        f"MSH|^~\\&|TLR-POSTE|TLR|RIS|CHU|20260106134418||ORU^R30^ORU_R30|{unsupported_id}|P|2.5.1\rPID|||1"
    )
    good, good_id = a_report(order)
    outbox.enqueue(unsupported, MessageKind.OTHER)
    outbox.enqueue(good, MessageKind.REPORT, order_id=order)
    assert [settle(outbox) for _ in range(3)] == [DeliveryOutcome.FAILED] * 3
    item = outbox.store.get(unsupported_id)
    assert item is not None and item.state is ItemState.PENDING and item.attempts == 3
    assert item.last_error.startswith(f"AR for {unsupported_id}")
    assert stored(platform, good_id) == []  # held behind the head


def _ack(control_id: str, code: str) -> bytes:
    return (
        f"MSH|^~\\&|PLAT|PLAT|TLR-POSTE|TLR|20260106134418||ACK^R01^ACK|A{control_id[:19]}|P|2.5\r"
        f"MSA|{code}|{control_id}|{'Base occupée' if code != 'AA' else ''}"
    ).encode()


def test_http_500_then_ar_then_aa(tmp_path: Path, https_server, ca_file: Path) -> None:
    server: ScriptedServer = https_server()
    answers = iter(["500", "AR", "AA"])

    def answer(request) -> tuple:
        control_id = request.body.decode().split("|")[9]
        code = next(answers)
        if code == "500":
            return (500, {"error": "internal", "message": "Erreur interne."})
        return (200, _ack(control_id, code), "application/hl7-v2; charset=utf-8")

    server.routes["POST /api/v1/messages"] = answer
    scripted = PlatformClient(server.url, ca_file, timeout=5)
    box = Outbox(OutboxStore(tmp_path / "o.sqlite"), scripted.submit, backoff=Backoff(0.01, 0.01))
    errors = []
    box.subscribe(lambda e: errors.append(type(e.error).__name__) if e.kind is EventKind.RETRYING else None)
    message, control_id = a_report("ORD1")
    box.enqueue(message, MessageKind.REPORT)
    outcomes = [settle(box) for _ in range(3)]
    assert outcomes == [DeliveryOutcome.FAILED, DeliveryOutcome.FAILED, DeliveryOutcome.DELIVERED]
    assert errors == ["ServerError", "AckError"]
    assert [r.body.decode().split("|")[9] for r in server.received] == [control_id] * 3
    box.close()


def test_platform_process_stopped_and_restarted(
    tmp_path: Path, platform_factory: Callable[[Path], RunningPlatform]
) -> None:
    """The real thing: the platform process goes away (SIGKILL) and comes back on its own data."""
    data = write_data_dir(tmp_path / "data", {"1.hl7": new_order("RESTART-1", "ORDRESTART1")})
    first = platform_factory(data)
    relay = FaultProxy(int(first.base_url.rsplit(":", 1)[1]))
    try:
        client = PlatformClient(relay.url, first.ca_path, timeout=5)
        client._accept_tokens(first.login(), "test")
        box = Outbox(OutboxStore(tmp_path / "o.sqlite"), client.submit, backoff=Backoff(0.01, 0.01))
        message, control_id = a_report("RESTART-1")
        first.process.kill()
        first.process.wait(10)
        box.enqueue(message, MessageKind.REPORT, order_id="RESTART-1")
        assert settle(box) is DeliveryOutcome.FAILED
        second = platform_factory(data)  # same data directory, same CA, tokens kept in its database
        relay.target = ("127.0.0.1", int(second.base_url.rsplit(":", 1)[1]))
        assert settle(box) is DeliveryOutcome.DELIVERED
        assert stored(second, control_id) == [("AA", "RESTART-1")]
        box.close()
    finally:
        relay.down()
