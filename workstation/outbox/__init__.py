"""The durable outbox: every outgoing HL7 message is committed locally first, then delivered in order.

Use (the composition root, e.g. the main window's controller)::

    store = OutboxStore(data_dir / "outbox.sqlite")          # WAL + synchronous=FULL, one process
    outbox = Outbox(store, client.submit, auditor=TrailOutboxAuditor(trail, client.base_url))
    outbox.subscribe(on_event)                               # plain callable, called on any thread
    outbox.start()                                           # background delivery thread
    outbox.enqueue(message.er7, MessageKind.REPORT, order_id=..., study_uid=..., patient_id=...,
                   sender=Sender(user.login, user.rpps))     # returns once on disk
    ...
    outbox.close()                                           # stop the thread, close the database

Events (:class:`OutboxEvent`): ``QUEUED``, ``DELIVERED`` (ACK AA), ``REJECTED`` (ACK AE: show
``event.user_message`` to the radiologist, the item keeps the platform's reason), ``RETRYING`` (AR
or transport failure, with ``retry_in`` and the error — the connectivity monitor takes it; an
``AuthError`` there means the session expired: ask the user to log in again, then ``wake()``),
``STALLED`` (a local failure: the ACK could not be recorded, a row could not be read; French
``user_message`` for a banner, retried with the same backoff, :attr:`Outbox.problem` until it works
again), and ``COUNTS`` after each change (``pending``/``delivered``/``rejected``/``dismissed`` for a
status bar).

Queries for the GUI and the cache: ``store.items(state)``, ``store.counts()``,
``store.has_open(study_uid)`` (nothing of the study pending or refused: it may be evicted),
``store.queued_between(start, end)`` (what a degraded-mode incident queued), ``store.dismiss(msh10)``
once a refused message has been dealt with. ``outbox.wake()`` retries at once (link back).

Guarantees: nothing acknowledged by :meth:`Outbox.enqueue` is lost across crashes or SIGKILL;
delivery is at-least-once and the platform de-duplicates on MSH-10, so each message takes effect once
(tests/workstation/test_outbox_kill.py: 20 kills while 1,000 reports are queued).

Against damaged files and full disks (issue 22): the application opens the store through
:func:`workstation.outbox.recovery.open_outbox` with a :class:`workstation.outbox.spool.Spool`, the
encrypted second copy of every message until its ACK; a damaged or emptied file is set aside and the
queue rebuilt, and the user is told. ``enqueue`` is one unit with the caller's audit record
(``record=``), :class:`QueueingFailed` otherwise; a local failure during delivery is a ``STALLED``
event and :attr:`Outbox.problem`. Support: ``python -m workstation.outbox check|recover``
(tests/workstation/test_outbox_recovery.py, test_outbox_faults.py, test_outbox_campaign.py).
"""

from workstation.outbox.auditing import TrailOutboxAuditor
from workstation.outbox.delivery import (
    AckError,
    Backoff,
    DeliveryOutcome,
    EventKind,
    Listener,
    Outbox,
    OutboxAuditor,
    OutboxEvent,
    QueueingFailed,
)
from workstation.outbox.store import (
    Counts,
    ItemState,
    MessageKind,
    OutboxBusy,
    OutboxError,
    OutboxItem,
    OutboxStorageError,
    OutboxStore,
    Sender,
    is_disk_full,
    read_header,
)

__all__ = [
    "AckError",
    "Backoff",
    "Counts",
    "DeliveryOutcome",
    "EventKind",
    "ItemState",
    "Listener",
    "MessageKind",
    "Outbox",
    "OutboxAuditor",
    "OutboxBusy",
    "OutboxError",
    "OutboxEvent",
    "OutboxItem",
    "OutboxStorageError",
    "OutboxStore",
    "QueueingFailed",
    "Sender",
    "TrailOutboxAuditor",
    "is_disk_full",
    "read_header",
]
