"""The outbox's durable store: one SQLite file, WAL with synchronous=FULL, one row per outgoing message.

A message is committed here before anything tries to send it, so what the radiologist signed
survives a crash, a kill or a power loss (WAL+FULL keeps every committed transaction; WAL+NORMAL
may drop the last ones, see shared/STACK-NOTES.md). Rows are never deleted: a delivered message is
kept with its ACK as the history of what left the workstation, a refused one (AE) with its reason.

MSH-10 identifies a message. Adding the same message twice is a no-op (a caller that crashed
between committing and learning it did may safely add again); adding a *different* message under
an MSH-10 already used is refused, because the platform de-duplicates on MSH-10 and would silently
drop the second one.

One process at a time: the store takes an exclusive advisory lock on ``<file>.lock`` (released by
the kernel when the process dies, even by SIGKILL), so two workstations never deliver one outbox.

The messages are kept in clear (they carry the patient's identity in PID): a keyring failure must
never make a signed report undeliverable. The file lives in the user's private data directory with
mode 0600; the disk itself is expected to be encrypted (charter: workstation hardening).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from resources.translations import QT_TRANSLATE_NOOP
from workstation.sqlite import immediate_transaction

try:
    import fcntl
except ImportError:  # Windows: no advisory lock
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    control_id    TEXT NOT NULL UNIQUE,
    message_type  TEXT NOT NULL,
    kind          TEXT NOT NULL,
    payload       TEXT NOT NULL,
    order_id      TEXT NOT NULL DEFAULT '',
    study_uid     TEXT NOT NULL DEFAULT '',
    patient_id    TEXT NOT NULL DEFAULT '',
    user_login    TEXT NOT NULL DEFAULT '',
    user_rpps     TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'rejected', 'dismissed')),
    queued_at     TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    ack_code      TEXT NOT NULL DEFAULT '',
    ack_reason    TEXT NOT NULL DEFAULT '',
    ack_location  TEXT NOT NULL DEFAULT '',
    settled_at    TEXT
);
CREATE INDEX IF NOT EXISTS messages_state ON messages(state, seq);
CREATE INDEX IF NOT EXISTS messages_study ON messages(study_uid, state);
"""


class MessageKind(StrEnum):
    """What an outgoing message is; decides how it is audited and how the GUI names it."""

    PROTOCOL = "protocol"  # flux 3 acceptance with the imaging protocol
    REFUSAL = "refusal"  # flux 3 refusal
    REPORT = "report"  # first version of a signed report
    ADDENDUM = "addendum"  # a new version (correction, addendum) of a report
    AUDIT_HEAD = "audit_head"  # the audit journal's chain head
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            MessageKind.PROTOCOL: QT_TRANSLATE_NOOP("Outbox", "Protocole d'imagerie"),
            MessageKind.REFUSAL: QT_TRANSLATE_NOOP("Outbox", "Refus de la demande"),
            MessageKind.REPORT: QT_TRANSLATE_NOOP("Outbox", "Compte rendu"),
            MessageKind.ADDENDUM: QT_TRANSLATE_NOOP("Outbox", "Nouvelle version du compte rendu"),
            MessageKind.AUDIT_HEAD: QT_TRANSLATE_NOOP("Outbox", "Tête de chaîne du journal d'audit"),
            MessageKind.OTHER: QT_TRANSLATE_NOOP("Outbox", "Message"),
        }[self]


class ItemState(StrEnum):
    PENDING = "pending"  # committed, not yet acknowledged AA or AE
    DELIVERED = "delivered"  # ACK AA received
    REJECTED = "rejected"  # ACK AE: set aside, the radiologist must correct and send again
    DISMISSED = "dismissed"  # a rejected message the radiologist has dealt with (kept as history)


class OutboxError(Exception):
    """The outbox refused an operation; ``user_message`` is French, ``str()`` the English detail."""

    def __init__(self, detail: str, user_message: str) -> None:
        super().__init__(detail)
        self.user_message = user_message


class OutboxBusy(OutboxError):
    """Another process holds this outbox."""


@dataclass(frozen=True, slots=True)
class Sender:
    """Who signed or sent the message, for the audit record (no name: login and RPPS only)."""

    login: str = ""
    rpps: str = ""


@dataclass(frozen=True, slots=True)
class OutboxItem:
    seq: int
    control_id: str  # MSH-10
    message_type: str  # MSH-9, e.g. ORU^R01^ORU_R01
    kind: MessageKind
    state: ItemState
    queued_at: datetime
    attempts: int
    order_id: str = ""
    study_uid: str = ""
    patient_id: str = field(default="", repr=False)
    sender: Sender = Sender()
    last_error: str = ""  # English, for the log and the details view
    ack_code: str = ""
    ack_reason: str = ""  # French, from the platform (MSA-3 / ERR)
    ack_location: str = ""
    settled_at: datetime | None = None
    payload: str = field(default="", repr=False)


@dataclass(frozen=True, slots=True)
class Counts:
    pending: int = 0
    delivered: int = 0
    rejected: int = 0
    dismissed: int = 0


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def read_header(message: str) -> tuple[str, str]:
    """(MSH-10, MSH-9) of a message; OutboxError when it has no MSH with a control id.

    Only the MSH framing is read (HL7 v2.5 §2.5.4: the character after "MSH" is the field separator,
    so MSH-n is the n-th piece): the builders (hl7apy) already produced and validated the message,
    the outbox only needs its identity, and an hl7apy parse of even the MSH alone costs ~5 ms, which
    would dominate the time to commit a report.
    """
    first = message.replace("\r\n", "\r").replace("\n", "\r").split("\r", 1)[0]
    if not first.startswith("MSH") or len(first) < 8 or first[3].isalnum():
        raise _not_hl7()
    fields = first.split(first[3])
    control_id = fields[9].strip() if len(fields) > 9 else ""
    message_type = fields[8].strip() if len(fields) > 8 else ""
    if not control_id or not message_type:
        raise _not_hl7()
    return control_id, message_type


def _not_hl7() -> OutboxError:
    return OutboxError(
        "outbox: not an HL7 v2 message with an MSH-9 and MSH-10",
        QT_TRANSLATE_NOOP(
            "Outbox", "Message impossible à mettre en file d'envoi : il n'est pas au format HL7 attendu."
        ),
    )


class OutboxStore:
    """The SQLite outbox. Thread-safe (one connection behind a lock); one process at a time."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = path
        self._lock = threading.RLock()
        self._lock_file = self._take_process_lock(path)
        try:
            existed = path.exists()
            self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            if not existed:
                os.chmod(path, 0o600)
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA busy_timeout=10000")
            self._conn.executescript("BEGIN IMMEDIATE;" + _SCHEMA + "COMMIT;")
            with self._transaction() as conn:
                row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
                if row is None:
                    conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                elif int(row["value"]) != SCHEMA_VERSION:
                    raise OutboxError(
                        f"outbox schema version {row['value']} in {path}, expected {SCHEMA_VERSION}",
                        QT_TRANSLATE_NOOP(
                            "Outbox",
                            "La file d'envoi a été créée par une autre version du poste : "
                            "contactez le support.",
                        ),
                    )
        except sqlite3.DatabaseError as exc:
            self._release_process_lock()
            raise OutboxError(
                f"outbox {path} unusable: {exc}",
                QT_TRANSLATE_NOOP(
                    "Outbox", "La file d'envoi locale est illisible : n'effacez rien et contactez le support."
                ),
            ) from exc
        except BaseException:
            self._release_process_lock()
            raise

    @staticmethod
    def _take_process_lock(path: Path) -> int | None:
        if fcntl is None:
            return None
        fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            raise OutboxBusy(
                f"outbox {path} is held by another process",
                QT_TRANSLATE_NOOP(
                    "Outbox",
                    "La file d'envoi est déjà utilisée par une autre fenêtre du poste : fermez-la d'abord.",
                ),
            ) from exc
        return fd

    def _release_process_lock(self) -> None:
        if self._lock_file is not None:
            os.close(self._lock_file)  # closing the descriptor releases the flock
            self._lock_file = None

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return immediate_transaction(self._conn, self._lock)

    @staticmethod
    def _item(row: sqlite3.Row, with_payload: bool = False) -> OutboxItem:
        return OutboxItem(
            seq=row["seq"],
            control_id=row["control_id"],
            message_type=row["message_type"],
            kind=MessageKind(row["kind"]),
            state=ItemState(row["state"]),
            queued_at=datetime.fromisoformat(row["queued_at"]),
            attempts=row["attempts"],
            order_id=row["order_id"],
            study_uid=row["study_uid"],
            patient_id=row["patient_id"],
            sender=Sender(row["user_login"], row["user_rpps"]),
            last_error=row["last_error"],
            ack_code=row["ack_code"],
            ack_reason=row["ack_reason"],
            ack_location=row["ack_location"],
            settled_at=_when(row["settled_at"]),
            payload=row["payload"] if with_payload else "",
        )

    # --- writing ---

    def add(
        self,
        message: str,
        kind: MessageKind,
        now: datetime,
        *,
        order_id: str = "",
        study_uid: str = "",
        patient_id: str = "",
        sender: Sender = Sender(),
    ) -> tuple[OutboxItem, bool]:
        """Commit ``message`` (durably, before returning); (item, False) if it was already there."""
        control_id, message_type = read_header(message)
        with self._transaction() as conn:
            existing = conn.execute("SELECT * FROM messages WHERE control_id = ?", (control_id,)).fetchone()
            if existing is not None:
                if existing["payload"] != message:
                    raise OutboxError(
                        f"outbox: MSH-10 {control_id} already used by message seq {existing['seq']}",
                        QT_TRANSLATE_NOOP(
                            "Outbox",
                            "Ce message réutilise l'identifiant d'un message déjà en file : il serait ignoré "
                            "par la plateforme. Il n'a pas été mis en file ; contactez le support.",
                        ),
                    )
                return self._item(existing), False
            cursor = conn.execute(
                "INSERT INTO messages (control_id, message_type, kind, payload, order_id, study_uid,"
                " patient_id, user_login, user_rpps, state, queued_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
                (
                    control_id,
                    message_type,
                    kind.value,
                    message,
                    order_id,
                    study_uid,
                    patient_id,
                    sender.login,
                    sender.rpps,
                    _iso(now),
                ),
            )
            row = conn.execute("SELECT * FROM messages WHERE seq = ?", (cursor.lastrowid,)).fetchone()
        return self._item(row), True

    def record_failure(self, seq: int, error: str) -> OutboxItem:
        """One more failed attempt (transport error, HTTP 5xx, AR): the message stays pending."""
        with self._transaction() as conn:
            conn.execute(
                "UPDATE messages SET attempts = attempts + 1, last_error = ?"
                " WHERE seq = ? AND state = 'pending'",
                (error, seq),
            )
            return self._item(conn.execute("SELECT * FROM messages WHERE seq = ?", (seq,)).fetchone())

    def settle(
        self, seq: int, state: ItemState, now: datetime, code: str, reason: str, location: str
    ) -> OutboxItem:
        """The ACK came: delivered (AA) or set aside (AE), with the ACK's content."""
        if state not in (ItemState.DELIVERED, ItemState.REJECTED):
            raise ValueError(f"cannot settle a message as {state}")
        with self._transaction() as conn:
            conn.execute(
                "UPDATE messages SET state = ?, attempts = attempts + 1, ack_code = ?, ack_reason = ?,"
                " ack_location = ?, settled_at = ?, last_error = '' WHERE seq = ? AND state = 'pending'",
                (state.value, code, reason, location, _iso(now), seq),
            )
            return self._item(conn.execute("SELECT * FROM messages WHERE seq = ?", (seq,)).fetchone())

    def dismiss(self, control_id: str, now: datetime) -> OutboxItem:
        """The radiologist has dealt with a refused message (corrected and queued anew, or abandoned)."""
        with self._transaction() as conn:
            row = conn.execute("SELECT * FROM messages WHERE control_id = ?", (control_id,)).fetchone()
            if row is None or row["state"] != ItemState.REJECTED.value:
                raise OutboxError(
                    f"outbox: {control_id} is not a rejected message",
                    QT_TRANSLATE_NOOP("Outbox", "Seul un message refusé par la plateforme peut être classé."),
                )
            conn.execute(
                "UPDATE messages SET state = 'dismissed', settled_at = ? WHERE seq = ?",
                (_iso(now), row["seq"]),
            )
            return self._item(conn.execute("SELECT * FROM messages WHERE seq = ?", (row["seq"],)).fetchone())

    # --- reading ---

    def head(self) -> OutboxItem | None:
        """The oldest pending message, payload included: the next one to deliver."""
        with self._lock:
            row = self._conn.execute(
                "SELECT * FROM messages WHERE state = 'pending' ORDER BY seq LIMIT 1"
            ).fetchone()
        return None if row is None else self._item(row, with_payload=True)

    def get(self, control_id: str, with_payload: bool = False) -> OutboxItem | None:
        with self._lock:
            row = self._conn.execute("SELECT * FROM messages WHERE control_id = ?", (control_id,)).fetchone()
        return None if row is None else self._item(row, with_payload)

    def items(self, state: ItemState | None = None) -> list[OutboxItem]:
        """Every message (or those in ``state``), in queue order, without payloads."""
        with self._lock:
            if state is None:
                rows = self._conn.execute("SELECT * FROM messages ORDER BY seq").fetchall()
            else:
                rows = self._conn.execute(
                    "SELECT * FROM messages WHERE state = ? ORDER BY seq", (state.value,)
                ).fetchall()
        return [self._item(r) for r in rows]

    def queued_between(self, start: datetime, end: datetime) -> list[OutboxItem]:
        """Messages committed within [start, end] (what a degraded-mode incident queued)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM messages WHERE queued_at >= ? AND queued_at <= ? ORDER BY seq",
                (_iso(start), _iso(end)),
            ).fetchall()
        return [self._item(r) for r in rows]

    def counts(self) -> Counts:
        with self._lock:
            rows = self._conn.execute("SELECT state, COUNT(*) AS n FROM messages GROUP BY state").fetchall()
        by_state = {r["state"]: r["n"] for r in rows}
        return Counts(*(by_state.get(s.value, 0) for s in ItemState))

    def has_open(self, study_uid: str) -> bool:
        """Is anything of this study pending, or refused and not yet dealt with? (cache eviction guard)"""
        with self._lock:
            row = self._conn.execute(
                "SELECT 1 FROM messages WHERE study_uid = ? AND state IN ('pending', 'rejected') LIMIT 1",
                (study_uid,),
            ).fetchone()
        return row is not None

    def integrity_check(self) -> str:
        """SQLite's own check: 'ok' for an intact database."""
        with self._lock:
            return str(self._conn.execute("PRAGMA integrity_check").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()
            self._release_process_lock()
