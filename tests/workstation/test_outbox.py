"""The outbox without a network: durability, ordering, ACK handling, backoff, listeners, audit.

The sender is a scripted function returning the Acks (or raising the PlatformErrors) the platform
client would; the clock is a counter the test moves, so backoff is checked to the millisecond.
Against the real platform: test_outbox_platform.py; SIGKILL trials: test_outbox_kill.py.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.teleplatform.builders import cda, report_oru
from workstation.audit import AuditJournal, AuditSource, AuditTrail, MemoryStateStore, read_entries
from workstation.hl7 import Ack, AckCode
from workstation.outbox import (
    Backoff,
    DeliveryOutcome,
    EventKind,
    ItemState,
    MessageKind,
    Outbox,
    OutboxBusy,
    OutboxError,
    OutboxEvent,
    OutboxStore,
    Sender,
    TrailOutboxAuditor,
)
from workstation.platform import ServerError, UnreachableError


def report(n: int) -> str:
    order = f"ORD{n:04d}"
    return report_oru(order, f"{n:020X}", cda(f"1.2.250.1.999.{n}", order)).decode()


def cid(n: int) -> str:
    return f"{n:020X}"


class Script:
    """The platform as the outbox sees it: a queue of answers, and what was sent."""

    def __init__(self) -> None:
        self.answers: list[Callable[[str], Ack]] = []
        self.sent: list[str] = []

    def __call__(self, message: str) -> Ack:
        control_id = message.split("|")[9]
        self.sent.append(control_id)
        if not self.answers:
            return Ack(AckCode.AA, control_id)
        return self.answers.pop(0)(control_id)

    def then(self, code: AckCode, reason: str = "", location: str = "") -> Script:
        self.answers.append(lambda c: Ack(code, c, reason, location))
        return self

    def then_raise(self, exc: Exception) -> Script:
        def fail(_c: str) -> Ack:
            raise exc

        self.answers.append(fail)
        return self


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def store(tmp_path: Path) -> Iterator[OutboxStore]:
    s = OutboxStore(tmp_path / "outbox.sqlite")
    yield s
    s.close()


def make(store: OutboxStore, script: Script, clock: Clock | None = None, **kw: object) -> Outbox:
    return Outbox(
        store,
        script,
        clock=clock or Clock(),
        rng=random.Random(7),
        backoff=Backoff(base=1.0, cap=60.0),
        **kw,  # type: ignore[arg-type]
    )


def test_enqueue_is_durable_and_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite"
    store = OutboxStore(path)
    outbox = make(store, Script())
    first = outbox.enqueue(report(1), MessageKind.REPORT, order_id="ORD0001", study_uid="1.2.3")
    again = outbox.enqueue(report(1), MessageKind.REPORT, order_id="ORD0001", study_uid="1.2.3")
    assert (first.seq, again.seq) == (1, 1)
    assert first.control_id == cid(1) and first.message_type == "ORU^R01^ORU_R01"
    store.close()
    # committed before enqueue returned: a fresh connection (another process) reads it
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        rows = raw.execute("SELECT control_id, state, payload FROM messages").fetchall()
    assert rows == [(cid(1), "pending", report(1))]
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_same_control_id_for_another_message_is_refused(store: OutboxStore) -> None:
    outbox = make(store, Script())
    outbox.enqueue(report(1), MessageKind.REPORT)
    forged = report(2).replace(cid(2), cid(1))
    with pytest.raises(OutboxError) as refused:
        outbox.enqueue(forged, MessageKind.REPORT)
    assert "réutilise l'identifiant" in refused.value.user_message
    for broken in ("bonjour", "MSH|^~\\&|A|B|C|D|2026||ORU^R01|  |P|2.5", "MSH|^~\\&|A|B"):
        with pytest.raises(OutboxError) as not_hl7:
            outbox.enqueue(broken, MessageKind.REPORT)
        assert "format HL7" in not_hl7.value.user_message
    assert store.counts().pending == 1


def test_one_process_per_outbox(tmp_path: Path) -> None:
    first = OutboxStore(tmp_path / "o.sqlite")
    with pytest.raises(OutboxBusy) as busy:
        OutboxStore(tmp_path / "o.sqlite")
    assert "déjà utilisée" in busy.value.user_message
    first.close()
    OutboxStore(tmp_path / "o.sqlite").close()  # released on close (and by the kernel on a kill)


def test_delivered_in_order_and_kept_with_the_ack(store: OutboxStore) -> None:
    script = Script()
    outbox = make(store, script)
    for n in (3, 1, 2):
        outbox.enqueue(report(n), MessageKind.REPORT)
    outcomes = [outbox.deliver_once() for _ in range(4)]
    assert outcomes == [DeliveryOutcome.DELIVERED] * 3 + [DeliveryOutcome.IDLE]
    assert script.sent == [cid(3), cid(1), cid(2)]  # queue order, not control-id order
    delivered = store.items(ItemState.DELIVERED)
    assert [(i.control_id, i.ack_code, i.attempts) for i in delivered] == [
        (cid(3), "AA", 1),
        (cid(1), "AA", 1),
        (cid(2), "AA", 1),
    ]
    assert all(i.settled_at is not None for i in delivered)
    assert store.counts().delivered == 3 and store.counts().pending == 0


def test_ae_is_set_aside_with_its_reason_and_the_next_goes_on(store: OutboxStore) -> None:
    reason = "Demande d'examen inconnue de la plateforme (ORD0001)."
    script = Script().then(AckCode.AE, reason, "ORC-1")
    events: list[OutboxEvent] = []
    outbox = make(store, script)
    outbox.subscribe(events.append)
    outbox.enqueue(report(1), MessageKind.REPORT, study_uid="1.2.3")
    outbox.enqueue(report(2), MessageKind.REPORT, study_uid="1.2.4")
    assert outbox.deliver_once() is DeliveryOutcome.REJECTED
    assert outbox.deliver_once() is DeliveryOutcome.DELIVERED
    rejected = store.items(ItemState.REJECTED)
    assert [(r.control_id, r.ack_code, r.ack_reason, r.ack_location) for r in rejected] == [
        (cid(1), "AE", reason, "ORC-1")
    ]
    alert = next(e for e in events if e.kind is EventKind.REJECTED)
    assert alert.item is not None and alert.item.control_id == cid(1)
    assert alert.user_message.startswith("Compte rendu refusé par la plateforme : Message refusé")
    assert reason in alert.user_message
    assert [e.kind for e in events if e.kind is not EventKind.COUNTS] == [
        EventKind.QUEUED,
        EventKind.QUEUED,
        EventKind.REJECTED,
        EventKind.DELIVERED,
    ]
    assert events[-1].kind is EventKind.COUNTS and events[-1].counts.rejected == 1
    # a refused report keeps its study in the cache until the radiologist has dealt with it
    assert store.has_open("1.2.3") and not store.has_open("1.2.4")
    store.dismiss(cid(1), datetime.now(UTC))
    assert not store.has_open("1.2.3") and store.counts().dismissed == 1


def test_ar_and_transport_errors_retry_with_backoff_and_block_the_queue(store: OutboxStore) -> None:
    clock = Clock()
    script = (
        Script()
        .then(AckCode.AR, "Message illisible")
        .then_raise(UnreachableError("submit: cannot connect", "La plateforme est injoignable."))
        .then_raise(ServerError("submit: HTTP 500", "Erreur 500", 500))
    )
    events: list[OutboxEvent] = []
    outbox = make(store, script, clock)
    outbox.subscribe(events.append)
    outbox.enqueue(report(1), MessageKind.REPORT)
    outbox.enqueue(report(2), MessageKind.REFUSAL)
    expected_rng = random.Random(7)
    delays = []
    for failures in (1, 2, 3):
        assert outbox.deliver_once() is DeliveryOutcome.FAILED
        retry = [e for e in events if e.kind is EventKind.RETRYING][-1]
        ceiling = min(60.0, 2.0 ** (failures - 1))
        assert retry.retry_in == pytest.approx(expected_rng.uniform(ceiling / 2, ceiling))
        delays.append(retry.retry_in)
        # still backing off: nothing is sent
        clock.t += retry.retry_in - 0.001
        assert outbox.deliver_once() is DeliveryOutcome.WAITING
        clock.t += 0.002
    assert delays[0] < 1.0 <= delays[1] < 2.0 <= delays[2] <= 4.0
    assert [type(e.error).__name__ for e in events if e.kind is EventKind.RETRYING] == [
        "AckError",
        "UnreachableError",
        "ServerError",
    ]
    assert outbox.deliver_once() is DeliveryOutcome.DELIVERED
    assert outbox.deliver_once() is DeliveryOutcome.DELIVERED
    assert script.sent == [cid(1)] * 4 + [cid(2)]  # message 2 waited behind message 1
    first = store.get(cid(1))
    assert first is not None and first.attempts == 4 and first.state is ItemState.DELIVERED


def test_backoff_is_capped_and_wake_retries_at_once(store: OutboxStore) -> None:
    rng = random.Random(1)
    backoff = Backoff(base=1.0, cap=30.0)
    assert all(15.0 <= backoff.delay(n, rng) <= 30.0 for n in range(6, 40))
    clock = Clock()
    script = Script().then_raise(UnreachableError("down", "injoignable"))
    outbox = make(store, script, clock)
    outbox.enqueue(report(1), MessageKind.REPORT)
    assert outbox.deliver_once() is DeliveryOutcome.FAILED
    assert outbox.deliver_once() is DeliveryOutcome.WAITING
    outbox.wake()  # the connectivity monitor saw the platform come back
    assert outbox.deliver_once() is DeliveryOutcome.DELIVERED


def test_a_failing_listener_does_not_stop_delivery(store: OutboxStore) -> None:
    outbox = make(store, Script())
    seen: list[EventKind] = []

    def broken(_e: OutboxEvent) -> None:
        raise RuntimeError("GUI bug")

    outbox.subscribe(broken)
    outbox.subscribe(lambda e: seen.append(e.kind))
    outbox.enqueue(report(1), MessageKind.REPORT)
    assert outbox.deliver_once() is DeliveryOutcome.DELIVERED
    assert EventKind.DELIVERED in seen


def test_the_thread_delivers_and_a_restart_resumes(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite"
    store = OutboxStore(path)
    script = Script()
    outbox = Outbox(store, script)
    outbox.enqueue(report(1), MessageKind.REPORT)  # queued while stopped (platform unknown yet)
    outbox.close()
    store = OutboxStore(path)
    done = []
    outbox = Outbox(store, script)
    outbox.subscribe(lambda e: done.append(e) if e.kind is EventKind.DELIVERED else None)
    outbox.start()
    outbox.enqueue(report(2), MessageKind.REPORT)
    deadline = datetime.now(UTC) + timedelta(seconds=10)
    while len(done) < 2 and datetime.now(UTC) < deadline:
        outbox._wake.wait(0.01)
    outbox.close()
    assert script.sent == [cid(1), cid(2)]


def test_queued_between_tells_what_an_incident_queued(store: OutboxStore) -> None:
    moments = iter(datetime(2026, 11, 23, 8, m, tzinfo=UTC) for m in range(0, 60, 10))
    outbox = Outbox(store, Script(), now=lambda: next(moments))
    for n in range(1, 5):
        outbox.enqueue(report(n), MessageKind.REPORT)  # at 8:00, 8:10, 8:20, 8:30
    start, end = datetime(2026, 11, 23, 8, 5, tzinfo=UTC), datetime(2026, 11, 23, 8, 20, tzinfo=UTC)
    assert [i.control_id for i in store.queued_between(start, end)] == [cid(2), cid(3)]


def test_sends_are_audited_with_msh10_and_no_name(tmp_path: Path, store: OutboxStore) -> None:
    journal_path = tmp_path / "audit.jsonl"
    journal = AuditJournal(journal_path, MemoryStateStore(), bytes(range(32)))
    trail = AuditTrail(journal, AuditSource("poste-1"), "poste-1.local")
    script = Script().then(AckCode.AA).then(AckCode.AE, "Refus : motif absent", "ORC-16")
    outbox = make(store, script, auditor=TrailOutboxAuditor(trail, "https://plateforme"))
    patient = "279035121518989^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS"
    who = Sender("dr.durand", "10101010101")
    outbox.enqueue(report(1), MessageKind.REPORT, order_id="ORD0001", patient_id=patient, sender=who)
    outbox.enqueue(report(2), MessageKind.REFUSAL, order_id="ORD0002", patient_id=patient, sender=who)
    outbox.enqueue(report(3), MessageKind.PROTOCOL, order_id="ORD0003", patient_id=patient, sender=who)
    for _ in range(3):
        outbox.deliver_once()
    journal.close()
    records = [e.record for e in read_entries(journal_path)]
    assert [(r.kind.value, r.outcome.value) for r in records] == [("report_sent", 0), ("refusal_sent", 4)]
    first = records[0].to_json()
    assert first["participants"][0]["user_id"] == "dr.durand"
    patient_object = first["objects"][0]
    assert patient_object["id"] == patient
    assert ["MSH-10", cid(1)] in [list(d) for d in patient_object["details"]]
    assert "PAT-TROIS" not in journal_path.read_text()
    assert "ORC-16" in records[1].description


def test_no_patient_data_in_the_log(store: OutboxStore, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    script = Script().then_raise(UnreachableError("down", "injoignable")).then(AckCode.AE, "Refus", "ORC-1")
    outbox = make(store, script)
    message = report(1).replace("PAT-TROIS^DOMINIQUE", "ZORGLUB^SENTINELLE")
    assert "ZORGLUB" in message
    outbox.enqueue(message, MessageKind.REPORT, patient_id="279035121518989^^^&1.2.250.1.213.1.4.10&ISO")
    outbox.deliver_once()
    outbox.wake()
    outbox.deliver_once()
    assert store.counts().rejected == 1 and len(caplog.records) >= 3
    assert "ZORGLUB" not in caplog.text and "279035121518989" not in caplog.text
