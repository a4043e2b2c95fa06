"""Receiving one HL7 v2 message: parse, understand, record, acknowledge.

Every message is stored (raw bytes, MSH-10, type, time, the ACK sent), accepted or not, in the same
transaction as its effect on the order; the ACK leaves only after that commit. A message already
received is answered with the ACK it got the first time and is not stored again: an identical
message, or one whose MSH-10 was accepted before from the same sender (MSH-3 and MSH-4) through
the same account. A control id from another sender, or from another account, is a new message,
never an AA for someone else's. A control id that was rejected may be reused for a corrected
message, which the guide's AR/AE semantics invite.

Authorization (docs/ARCHITECTURE.md, "Roles and scopes"): a message received over HTTPS carries
its account's role and scope (:class:`Submitter`); a site sends flux 1, 2 and 4 under its own
MSH-3/MSH-4 and for its own orders, a radiologist sends flux 3 and reports for the orders of the
sites it is assigned to. Anything else raises :class:`Forbidden` before anything is stored.
Messages from the orders/ folder are the platform's own intake and are not restricted.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .ack import AckCode, HL7Error, Rejection, build_ack
from .clock import Clock, iso
from .flows import (
    Acceptance,
    Cancellation,
    Complement,
    Event,
    NewOrder,
    Refusal,
    Report,
    check_supported,
    extract,
)
from .hl7msg import EMPTY_ENVELOPE, Envelope, decode, normalise, parse, read_envelope
from .store import Store
from .workflow import Workflow

log = logging.getLogger(__name__)


SITE_EVENTS = (NewOrder, Cancellation, Complement)
RADIOLOGIST_EVENTS = (Acceptance, Refusal, Report)


@dataclass(frozen=True, slots=True)
class Submitter:
    """Who sent a message over HTTPS: account, role ("site", "radiologist", "admin") and scope."""

    login: str
    role: str
    senders: frozenset[str]


class Forbidden(Exception):
    """The account may not send this message: nothing was stored; the API answers 403."""

    def __init__(self, code: str, message: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.message = message
        self.detail = detail


def _check_role(submitter: Submitter, envelope: Envelope, event: Event | None) -> None:
    """What can be decided from the message alone: the role may send this flow, under this sender."""
    if submitter.role == "site":
        if event is not None and not isinstance(event, SITE_EVENTS):
            raise Forbidden(
                "message_not_allowed",
                "Un compte de structure d'imagerie n'envoie que des demandes, annulations et compléments"
                " (flux 1, 2 et 4).",
                f"site account sent {type(event).__name__}",
            )
        named = event is not None or envelope.sending_application or envelope.sending_facility
        if named and envelope.sender not in submitter.senders:
            raise Forbidden(
                "sender_not_allowed",
                "Ce compte n'est pas autorisé à émettre sous cette application et cette structure"
                " (MSH-3/MSH-4).",
                "site account sent under a sender outside its scope",
            )
    elif submitter.role == "radiologist":
        if event is not None and not isinstance(event, RADIOLOGIST_EVENTS):
            raise Forbidden(
                "message_not_allowed",
                "Un compte de radiologue n'envoie que des réponses aux demandes (flux 3) et des comptes"
                " rendus.",
                f"radiologist account sent {type(event).__name__}",
            )
    else:
        raise Forbidden(
            "message_not_allowed",
            "Ce compte ne peut pas envoyer de messages HL7.",
            f"{submitter.role} account sent a message",
        )


def _check_order(submitter: Submitter, envelope: Envelope, order_sender: str) -> None:
    """The order acted on belongs to the submitter's scope (its own sender for a site)."""
    allowed = (
        order_sender == envelope.sender if submitter.role == "site" else order_sender in submitter.senders
    )
    if not allowed:
        raise Forbidden(
            "order_not_allowed",
            "Cette demande d'examen ne relève pas des structures attribuées à ce compte.",
            "message for an order outside the account's scope",
        )


@dataclass(frozen=True, slots=True)
class Receipt:
    ack: str
    code: AckCode
    duplicate: bool
    order_id: str | None


@dataclass(frozen=True, slots=True)
class _Understood:
    """Everything worked out before touching the store (parsing a large CDA takes a while)."""

    envelope: Envelope
    text: str | None
    event: Event | None
    rejection: Rejection | None


class Intake:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def receive(
        self, raw: bytes, source: str, charset: str | None = None, submitter: Submitter | None = None
    ) -> Receipt:
        """Record and acknowledge one message; raises Forbidden (nothing stored) when the
        submitter's role or scope does not allow it."""
        understood = self._understand(raw, charset)
        envelope, rejection = understood.envelope, understood.rejection
        account = submitter.login if submitter else ""
        if submitter is not None:
            _check_role(submitter, envelope, understood.event)
        digest = hashlib.sha256(raw).hexdigest()
        with self._store.transaction() as conn:
            previous = self._previous(conn, envelope, digest, account)
            if previous is not None:
                log.info(
                    "duplicate %s %s from %s: original ACK %s resent",
                    envelope.message_type or "?",
                    envelope.control_id or "-",
                    source,
                    previous["ack_code"],
                )
                return Receipt(previous["ack"], AckCode(previous["ack_code"]), True, previous["order_id"])
            now = self._clock.now()
            if submitter is not None and understood.event is not None:
                target = Workflow(conn, 0, now).target_order(understood.event)
                if target is not None:
                    row = conn.execute("SELECT sender FROM orders WHERE order_id = ?", (target,)).fetchone()
                    _check_order(submitter, envelope, row["sender"])
            cursor = conn.execute(
                "INSERT INTO messages (received_at, source, sender, control_id, message_type, raw,"
                " raw_sha256, text, ack, ack_code, account) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', '', ?)",
                (
                    iso(now),
                    source,
                    envelope.sender,
                    envelope.control_id,
                    envelope.message_type,
                    raw,
                    digest,
                    understood.text,
                    account,
                ),
            )
            message_id = int(cursor.lastrowid or 0)
            order_id = None
            if rejection is None and understood.event is not None:
                conn.execute("SAVEPOINT apply")
                try:
                    order_id = Workflow(conn, message_id, now, envelope.sender).apply(understood.event)
                    conn.execute("RELEASE apply")
                except Rejection as exc:
                    conn.execute("ROLLBACK TO apply")
                    conn.execute("RELEASE apply")
                    rejection = exc
            code = AckCode.AA if rejection is None else rejection.code
            ack = build_ack(envelope, code, rejection, now)
            conn.execute(
                "UPDATE messages SET ack = ?, ack_code = ?, order_id = ? WHERE id = ?",
                (ack, code.value, order_id, message_id),
            )
        if rejection is None:
            log.info(
                "message %s %s from %s accepted (AA)", envelope.message_type, envelope.control_id, source
            )
        else:
            log.warning(
                "message %s %s from %s refused (%s %d): %s",
                envelope.message_type or "?",
                envelope.control_id or "-",
                source,
                code.value,
                rejection.error.value,
                rejection.detail,
            )
        return Receipt(ack, code, False, order_id)

    @staticmethod
    def _previous(
        conn: sqlite3.Connection, envelope: Envelope, digest: str, account: str
    ) -> sqlite3.Row | None:
        """The first reception of this message by the same account: identical bytes, or the same
        MSH-3/MSH-4 + MSH-10 accepted before (HL7's key; the account too, so that one account can
        never make another's message a "duplicate")."""
        same_bytes = conn.execute(
            "SELECT ack, ack_code, order_id FROM messages WHERE raw_sha256 = ? AND account = ?"
            " ORDER BY id LIMIT 1",
            (digest, account),
        ).fetchone()
        if same_bytes is not None or not envelope.control_id:
            return same_bytes
        return conn.execute(
            "SELECT ack, ack_code, order_id FROM messages WHERE sender = ? AND control_id = ?"
            " AND account = ? AND ack_code = 'AA' ORDER BY id LIMIT 1",
            (envelope.sender, envelope.control_id, account),
        ).fetchone()

    @staticmethod
    def _understand(raw: bytes, charset: str | None) -> _Understood:
        envelope, text = EMPTY_ENVELOPE, None
        try:
            if not raw.strip():
                raise Rejection(AckCode.AR, HL7Error.SEGMENT_SEQUENCE, "Message vide.", "empty body")
            text = decode(raw, charset)
            normalised = normalise(text)
            envelope = read_envelope(normalised)
            check_supported(envelope)
            message = parse(normalised, envelope)
            return _Understood(envelope, text, extract(message, envelope), None)
        except Rejection as exc:
            return _Understood(envelope, text, None, exc)
        except Exception as exc:  # a parser bug must become an AR, never a crash or a lost message
            log.exception("unexpected error while reading a message")
            return _Understood(
                envelope,
                text,
                None,
                Rejection(
                    AckCode.AR,
                    HL7Error.OTHER,
                    "Message illisible par la plateforme.",
                    f"unexpected {type(exc).__name__}: {exc}",
                ),
            )


def ingest_orders(intake: Intake, directory: Path) -> dict[AckCode, int]:
    """The sites' messages waiting in DIR/orders, in file-name order, exactly as if received."""
    counts = dict.fromkeys(AckCode, 0)
    if not directory.is_dir():
        log.warning("no orders directory at %s", directory)
        return counts
    duplicates = 0
    for path in sorted(
        p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in (".hl7", ".er7")
    ):
        try:
            raw = path.read_bytes()
        except OSError as exc:
            log.error("cannot read order file %s: %s", path.name, exc)
            continue
        receipt = intake.receive(raw, source=f"orders/{path.name}")
        if receipt.duplicate:
            duplicates += 1
        else:
            counts[receipt.code] += 1
    log.info(
        "orders directory: %d accepted, %d refused (AE), %d rejected (AR), %d already received",
        counts[AckCode.AA],
        counts[AckCode.AE],
        counts[AckCode.AR],
        duplicates,
    )
    return counts
