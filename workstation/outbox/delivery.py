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

A local failure — the ACK cannot be recorded (disk full), the next row cannot be read (a damaged
page) — never stalls the queue silently: it is a ``STALLED`` event with a French message (banner,
diagnostics), :attr:`Outbox.problem` holds it until the next success, and the attempt is retried
with the normal backoff (an ACK not recorded means the message is sent again: the platform answers
with its original ACK). Queueing a message proves there is room again and retries at once.

Queueing is one unit (:meth:`Outbox.enqueue`): the row is committed *held* (not deliverable), the
encrypted second copy (:mod:`workstation.outbox.spool`) is written, the caller's own record (the
audit journal's "report signed") is written, and only then is the row released and the caller told
it is queued. If any step fails, the row and its copy are withdrawn and :class:`QueueingFailed`
says that nothing was queued; a retry with the same MSH-10 takes the same row again.

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

from resources.events import Listeners
from resources.translations import QT_TRANSLATE_NOOP
from workstation.hl7 import Ack, AckCode
from workstation.outbox.spool import Spool
from workstation.outbox.store import (
    Counts,
    ItemState,
    MessageKind,
    OutboxError,
    OutboxItem,
    OutboxStorageError,
    OutboxStore,
    RestoredMessage,
    Sender,
    is_disk_full,
)
from workstation.platform.errors import AuthError, PlatformError, TlsError

log = logging.getLogger(__name__)


class EventKind(StrEnum):
    QUEUED = "queued"
    DELIVERED = "delivered"
    REJECTED = "rejected"  # AE: alert the radiologist (``item.ack_reason`` says why, in French)
    RETRYING = "retrying"  # AR or transport failure; ``retry_in`` seconds until the next attempt
    STALLED = "stalled"  # a local failure (disk full, damaged row): shown, retried after ``retry_in``
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


class QueueingFailed(OutboxError):
    """Nothing was queued: the unit (row, caller's record, second copy) could not all be made durable.

    ``disk_full`` when space ran out; ``reason`` is the French message of what failed (``__cause__``).
    """

    def __init__(self, detail: str, user_message: str, disk_full: bool, reason: str = "") -> None:
        super().__init__(detail, user_message)
        self.disk_full = disk_full
        self.reason = reason


NOT_QUEUED_DISK_FULL = QT_TRANSLATE_NOOP(
    "Outbox",
    "Le disque du poste est plein : rien n'a été mis en file d'envoi. Libérez de l'espace disque "
    "(ou prévenez le support) puis recommencez.",
)
NOT_QUEUED = QT_TRANSLATE_NOOP(
    "Outbox", "L'enregistrement sur le poste a échoué : rien n'a été mis en file d'envoi ({reason})."
)
ACK_NOT_RECORDED_DISK_FULL = QT_TRANSLATE_NOOP(
    "Outbox",
    "Disque du poste plein : l'accusé de réception de la plateforme n'a pas pu être enregistré. "
    "Les envois sont suspendus et reprendront seuls dès que de l'espace sera libéré ; rien n'est perdu.",
)
STALLED_STORAGE = QT_TRANSLATE_NOOP(
    "Outbox",
    "La file d'envoi locale n'a pas pu être lue ou mise à jour : les envois sont suspendus et "
    "réessayés automatiquement. Si le message persiste, prévenez le support (n'effacez rien).",
)


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
        spool: Spool | None = None,
    ) -> None:
        """``spool``: the encrypted second copies (the application always gives one; None only in
        tests of the queue alone)."""
        self.store = store
        self.spool = spool
        self._send = send
        self._backoff = backoff or Backoff()
        self._clock = clock
        self._now = now
        self._rng = rng or random.Random()
        self._auditor = auditor
        self._listeners: Listeners[OutboxEvent] = Listeners("outbox")
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._deliver_lock = threading.Lock()
        self._failures = 0  # consecutive failures of the current head
        self._not_before = 0.0
        self._problem: OutboxEvent | None = None  # the local failure stalling delivery, if any
        self._counts = Counts()

    # --- listeners ---

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` on every event; returns the function that unsubscribes it."""
        return self._listeners.subscribe(listener)

    @property
    def problem(self) -> OutboxEvent | None:
        """The STALLED event of the local failure holding delivery back, None once it works again."""
        return self._problem

    def _emit(self, kind: EventKind, **kwargs: object) -> None:
        try:
            counts = self._counts = self.store.counts()
        except OutboxStorageError as exc:  # the event still goes out, with the last counts known
            log.warning("outbox: counts unavailable: %s", exc)
            counts = self._counts
        events = [OutboxEvent(kind, counts, **kwargs)]  # type: ignore[arg-type]
        events.append(OutboxEvent(EventKind.COUNTS, counts))
        for event in events:
            self._listeners.emit(event)

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
        record: Callable[[OutboxItem], object] | None = None,
    ) -> OutboxItem:
        """Queue ``message`` as one durable unit, then wake the delivery thread.

        ``record`` (e.g. the audit journal's "report signed") is written after the row is committed
        held and its second copy written, just before the row is released; when anything fails,
        nothing stays queued (a crash before the release is settled at the next start) and
        :class:`QueueingFailed` says so (disk full has its own message). Adding the very same message
        again returns the existing item (no second copy, ``record`` not called again). Raises
        :class:`~workstation.outbox.store.OutboxError` for a message without MSH-10 or an MSH-10
        already used by another message.
        """
        sender = sender or Sender()
        now = self._now()
        try:
            item, created = self.store.add(
                message,
                kind,
                now,
                order_id=order_id,
                study_uid=study_uid,
                patient_id=patient_id,
                sender=sender,
                held=True,
            )
        except OutboxStorageError as exc:
            raise self._not_queued(exc) from exc
        if not created:
            self.wake(reset_backoff=self._problem is not None)
            return item
        try:
            if self.spool is not None:
                self.spool.write(
                    item.seq,
                    RestoredMessage(
                        item.control_id,
                        item.message_type,
                        kind,
                        message,
                        item.queued_at,
                        order_id,
                        study_uid,
                        patient_id,
                        sender,
                    ),
                )
            if record is not None:  # last: a failed unit leaves no record behind (its write is undone)
                record(item)
            item = self.store.release(item.seq)
        except Exception as exc:
            self._withdraw(item)
            raise self._not_queued(exc) from exc
        log.info("outbox: queued %s %s (seq %d)", item.kind.value, item.control_id, item.seq)
        self._emit(EventKind.QUEUED, item=item)
        self.wake(reset_backoff=self._problem is not None)  # room on the disk again: retry at once
        return item

    def _withdraw(self, item: OutboxItem) -> None:
        """Undo a unit that failed half-way: its copy, then its held row (never sent, never announced).
        A row that cannot be removed (disk still full) stays held: never delivered, taken again by a
        retry with the same MSH-10, dropped at the next start."""
        if self.spool is not None:
            try:
                self.spool.discard(item.seq, item.control_id)
            except OSError as exc:
                log.error("outbox: copy of unfinished %s not removed: %s", item.control_id, exc)
        try:
            self.store.discard_held(item.seq)
        except OutboxStorageError as exc:
            log.error("outbox: unfinished %s stays held (not deliverable): %s", item.control_id, exc)

    @staticmethod
    def _not_queued(exc: BaseException) -> QueueingFailed:
        full = is_disk_full(exc)
        log.error("outbox: message not queued: %s: %s", type(exc).__name__, exc)
        reason = getattr(exc, "user_message", "") or type(exc).__name__
        if full:
            return QueueingFailed(f"not queued, disk full: {exc}", NOT_QUEUED_DISK_FULL, True, reason)
        detail = f"not queued: {type(exc).__name__}: {exc}"
        return QueueingFailed(detail, NOT_QUEUED.format(reason=reason), False, reason)

    def dismiss(self, control_id: str) -> OutboxItem:
        """The radiologist has dealt with a refused message: it leaves the queue and its second copy."""
        item = self.store.dismiss(control_id, self._now())
        self._drop_copy(item)
        self._emit(EventKind.COUNTS)
        return item

    def _drop_copy(self, item: OutboxItem) -> None:
        if self.spool is None:
            return
        try:
            self.spool.remove(item.seq, item.control_id)
        except OSError as exc:  # removed at the next start, when the queue says it is settled
            log.warning("outbox: copy of settled %s not removed yet: %s", item.control_id, exc)

    # --- delivery ---

    def wake(self, reset_backoff: bool = True) -> None:
        """Try again now (the link is back): the connectivity monitor calls this on recovery."""
        if reset_backoff:
            self._not_before = 0.0
        self._wake.set()

    def deliver_once(self) -> DeliveryOutcome:
        """One attempt on the head of the queue, unless it is still backing off."""
        with self._deliver_lock:
            try:
                head = self.store.head()
            except OutboxStorageError as exc:
                if self._clock() < self._not_before:
                    return DeliveryOutcome.WAITING
                return self._stalled(None, exc)
            if head is None:
                self._failures = 0
                self._cleared()
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
            state = ItemState.DELIVERED if ack.code is AckCode.AA else ItemState.REJECTED
            try:
                item = self.store.settle(
                    head.seq, state, self._now(), ack.code.value, ack.reason, ack.error_location
                )
            except OutboxStorageError as exc:  # sent and acknowledged, not recorded: sent again later
                return self._stalled(head, exc)
            self._failures = 0
            self._not_before = 0.0
            self._cleared()
        if state is ItemState.DELIVERED:
            log.info("outbox: %s %s delivered (AA)", item.kind.value, item.control_id)
            self._audit(item)
            self._drop_copy(item)  # after the audit record: it costs an fsync of the high-water mark
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
        try:
            item = self.store.record_failure(head.seq, detail)
        except OutboxStorageError as failure:
            log.error("outbox: failed attempt on %s not recorded: %s", head.control_id, failure)
            item = head
        log.info("outbox: %s not delivered (%s), retry in %.1f s", head.control_id, detail, delay)
        self._emit(EventKind.RETRYING, item=item, error=exc, retry_in=delay, user_message=user_message)
        return DeliveryOutcome.FAILED

    def _stalled(self, head: OutboxItem | None, exc: OutboxStorageError) -> DeliveryOutcome:
        """A local failure: shown (STALLED, :attr:`problem`), retried with the normal backoff."""
        self._failures += 1
        delay = self._backoff.delay(self._failures, self._rng)
        self._not_before = self._clock() + delay
        message = ACK_NOT_RECORDED_DISK_FULL if exc.disk_full else STALLED_STORAGE
        what = head.control_id if head is not None else "the next message"
        log.error("outbox: delivery stalled on %s (%s), retry in %.1f s", what, exc, delay)
        event = OutboxEvent(
            EventKind.STALLED, self._counts, item=head, error=exc, retry_in=delay, user_message=message
        )
        self._problem = event
        self._emit(EventKind.STALLED, item=head, error=exc, retry_in=delay, user_message=message)
        return DeliveryOutcome.FAILED

    def _cleared(self) -> None:
        if self._problem is not None:
            log.info("outbox: local storage works again, delivery resumes")
            self._problem = None
            self._emit(EventKind.COUNTS)

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
            except Exception as exc:  # unforeseen: keep the thread, show it, retry with the normal backoff
                log.exception("outbox: delivery loop error")
                outcome = self._stalled(None, OutboxStorageError(f"delivery loop: {exc}", STALLED_STORAGE))
            if outcome in (DeliveryOutcome.DELIVERED, DeliveryOutcome.REJECTED):
                continue
            timeout = None if outcome is DeliveryOutcome.IDLE else max(0.0, self._not_before - self._clock())
            self._wake.wait(timeout)
            self._wake.clear()

    def close(self) -> None:
        self.stop()
        self.store.close()
