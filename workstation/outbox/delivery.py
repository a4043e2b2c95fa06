"""Delivering the outbox: in order, one message at a time, from a background thread.

The head of the queue (the oldest pending message) is sent; the platform's ACK decides:

- AA: delivered; the row is kept with the ACK as history.
- AE: the platform refuses the content; resending the same bytes cannot help, so the message is
  set aside (``rejected``) with the platform's French reason and listeners are told at once — the
  radiologist must be alerted. Delivery goes on with the next message.
- AR, a transport error (platform down, timeout, TLS), an HTTP 5xx, an unusable answer: the
  message stays at the head and is retried after an exponential backoff with jitter. Later
  messages wait behind it: the platform must see a refusal before a corrected answer, a report
  before its addendum.

A send that reached the platform but whose answer was lost is simply sent again: the platform
answers a known MSH-10 with its original ACK and does not store it twice (at-least-once delivery,
exactly-once effect).

Listeners are plain callables taking an :class:`OutboxEvent`; they run on the thread that caused
the event (the GUI marshals to its own thread). A listener that raises is logged and ignored.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol

from resources.translations import QT_TRANSLATE_NOOP
from workstation.hl7 import Ack, AckCode
from workstation.outbox.store import (
    Counts,
    ItemState,
    MessageKind,
    OutboxItem,
    OutboxStore,
    Sender,
)
from workstation.platform.errors import AuthError, PlatformError, TlsError

log = logging.getLogger(__name__)


class EventKind(StrEnum):
    QUEUED = "queued"
    DELIVERED = "delivered"
    REJECTED = "rejected"  # AE: alert the radiologist (``item.ack_reason`` says why, in French)
    RETRYING = "retrying"  # AR or transport failure; ``retry_in`` seconds until the next attempt
    COUNTS = "counts"  # after every change: ``counts`` is the new total per state


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    kind: EventKind
    counts: Counts
    item: OutboxItem | None = None
    error: BaseException | None = None  # on RETRYING: what failed (a PlatformError, or an AR Ack's text)
    retry_in: float | None = None
    user_message: str = ""  # French, ready to show (marked: language.text() gives the interface language)


Listener = Callable[[OutboxEvent], None]
SendFn = Callable[[str], Ack]


class OutboxAuditor(Protocol):
    """Records a message's fate in the audit journal (see :class:`TrailOutboxAuditor`)."""

    def message_settled(self, item: OutboxItem) -> None: ...


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with "full jitter": a random delay in [base·2^(n-1)/2, min(cap, base·2^(n-1))].

    The lower half-bound keeps a minimum spacing between attempts; the randomness keeps many
    workstations from hammering a platform that comes back at the same instant.
    """

    base: float = 1.0
    cap: float = 300.0

    def delay(self, failures: int, rng: random.Random) -> float:
        ceiling = min(self.cap, self.base * 2 ** max(0, failures - 1))
        return rng.uniform(ceiling / 2, ceiling)


class DeliveryOutcome(StrEnum):
    IDLE = "idle"  # nothing pending
    WAITING = "waiting"  # backing off after a failure
    DELIVERED = "delivered"
    REJECTED = "rejected"
    FAILED = "failed"


class AckError(PlatformError):
    """The platform answered AR: the message could not be processed now (to retry)."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Outbox:
    """The outbox: :meth:`enqueue` commits, the delivery thread (:meth:`start`) sends in order.

    ``send`` is :meth:`workstation.platform.PlatformClient.submit` in the application. ``clock`` is
    monotonic seconds (backoff), ``now`` the wall clock (timestamps), ``rng`` the jitter source:
    all injectable so tests drive :meth:`deliver_once` deterministically without the thread.
    """

    def __init__(
        self,
        store: OutboxStore,
        send: SendFn,
        *,
        backoff: Backoff | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = _utc_now,
        rng: random.Random | None = None,
        auditor: OutboxAuditor | None = None,
    ) -> None:
        self.store = store
        self._send = send
        self._backoff = backoff or Backoff()
        self._clock = clock
        self._now = now
        self._rng = rng or random.Random()
        self._auditor = auditor
        self._listeners: list[Listener] = []
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._deliver_lock = threading.Lock()
        self._failures = 0  # consecutive failures of the current head
        self._not_before = 0.0

    # --- listeners ---

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` on every event; returns the function that unsubscribes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _emit(self, kind: EventKind, **kwargs: object) -> None:
        counts = self.store.counts()
        events = [OutboxEvent(kind, counts, **kwargs)]  # type: ignore[arg-type]
        events.append(OutboxEvent(EventKind.COUNTS, counts))
        for event in events:
            for listener in list(self._listeners):
                try:
                    listener(event)
                except Exception:
                    log.exception("outbox listener failed on %s", event.kind)

    # --- queueing ---

    def enqueue(
        self,
        message: str,
        kind: MessageKind,
        *,
        order_id: str = "",
        study_uid: str = "",
        patient_id: str = "",
        sender: Sender | None = None,
    ) -> OutboxItem:
        """Commit ``message`` durably, then wake the delivery thread. Returns once it is on disk.

        Adding the very same message again returns the existing item (no second copy).
        Raises :class:`~workstation.outbox.store.OutboxError` for a message without MSH-10 or an
        MSH-10 already used by another message.
        """
        item, created = self.store.add(
            message,
            kind,
            self._now(),
            order_id=order_id,
            study_uid=study_uid,
            patient_id=patient_id,
            sender=sender or Sender(),
        )
        if created:
            log.info("outbox: queued %s %s (seq %d)", item.kind.value, item.control_id, item.seq)
            self._emit(EventKind.QUEUED, item=item)
        self._wake.set()
        return item

    # --- delivery ---

    def wake(self, reset_backoff: bool = True) -> None:
        """Try again now (the link is back): the connectivity monitor calls this on recovery."""
        if reset_backoff:
            self._not_before = 0.0
        self._wake.set()

    def deliver_once(self) -> DeliveryOutcome:
        """One attempt on the head of the queue, unless it is still backing off."""
        with self._deliver_lock:
            head = self.store.head()
            if head is None:
                self._failures = 0
                return DeliveryOutcome.IDLE
            if self._clock() < self._not_before:
                return DeliveryOutcome.WAITING
            try:
                ack = self._send(head.payload)
                if ack.control_id != head.control_id:  # the platform client checks it too
                    raise AckError(
                        f"ACK for {ack.control_id!r} while sending {head.control_id}",
                        QT_TRANSLATE_NOOP(
                            "Outbox", "La plateforme a acquitté un autre message que celui envoyé."
                        ),
                    )
                if ack.code is AckCode.AR:
                    raise AckError(f"AR for {head.control_id}: {ack.reason}", ack.user_message)
            except Exception as exc:
                return self._failed(head, exc)
            self._failures = 0
            self._not_before = 0.0
            state = ItemState.DELIVERED if ack.code is AckCode.AA else ItemState.REJECTED
            item = self.store.settle(
                head.seq, state, self._now(), ack.code.value, ack.reason, ack.error_location
            )
        if state is ItemState.DELIVERED:
            log.info("outbox: %s %s delivered (AA)", item.kind.value, item.control_id)
            self._audit(item)
            self._emit(EventKind.DELIVERED, item=item)
            return DeliveryOutcome.DELIVERED
        log.warning("outbox: %s %s refused (AE) at %s", item.kind.value, item.control_id, item.ack_location)
        self._audit(item)
        self._emit(
            EventKind.REJECTED,
            item=item,
            user_message=QT_TRANSLATE_NOOP(
                "Outbox", "{message} refusé par la plateforme : {reason}. Corrigez-le puis renvoyez-le."
            ).format(message=item.kind.label, reason=ack.user_message),
        )
        return DeliveryOutcome.REJECTED

    def _failed(self, head: OutboxItem, exc: Exception) -> DeliveryOutcome:
        self._failures += 1
        delay = self._backoff.delay(self._failures, self._rng)
        self._not_before = self._clock() + delay
        if isinstance(exc, PlatformError):
            detail, user_message = str(exc), exc.user_message
            if isinstance(exc, TlsError | AuthError):
                log.warning("outbox: %s not sent: %s", head.control_id, exc)
        else:
            log.exception("outbox: unexpected failure sending %s", head.control_id)
            detail = f"{type(exc).__name__}: {exc}"
            user_message = QT_TRANSLATE_NOOP(
                "Outbox", "Envoi impossible pour le moment (erreur interne) : nouvel essai automatique."
            )
        item = self.store.record_failure(head.seq, detail)
        log.info("outbox: %s not delivered (%s), retry in %.1f s", head.control_id, detail, delay)
        self._emit(EventKind.RETRYING, item=item, error=exc, retry_in=delay, user_message=user_message)
        return DeliveryOutcome.FAILED

    def _audit(self, item: OutboxItem) -> None:
        if self._auditor is None:
            return
        try:
            self._auditor.message_settled(item)
        except Exception:  # the message is settled; a journal problem is reported by the journal's owner
            log.exception("outbox: audit of %s failed", item.control_id)

    # --- the thread ---

    def start(self) -> None:
        """Start the delivery thread (idempotent)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="outbox-delivery", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the current attempt; pending messages stay committed for the next start."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                outcome = self.deliver_once()
            except Exception:  # a broken database: keep the thread, log, try later
                log.exception("outbox: delivery loop error")
                outcome = DeliveryOutcome.FAILED
                self._not_before = self._clock() + self._backoff.cap
            if outcome in (DeliveryOutcome.DELIVERED, DeliveryOutcome.REJECTED):
                continue
            timeout = None if outcome is DeliveryOutcome.IDLE else max(0.0, self._not_before - self._clock())
            self._wake.wait(timeout)
            self._wake.clear()

    def close(self) -> None:
        self.stop()
        self.store.close()
