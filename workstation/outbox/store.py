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
mode 0600 (its WAL, shared-memory and lock files too, in a 0700 folder); the disk itself is expected
to be encrypted (charter: workstation hardening).

A row may be *held* (``held = 1``): committed but not yet deliverable, while the rest of its unit
(audit record, second copy in :mod:`workstation.outbox.spool`) is being made durable; the delivery
never sees it until :meth:`OutboxStore.release`. ``held = 2`` is a row found damaged at start-up
with no intact copy to repair it from: kept for support, never sent. Each row carries ``digest``
(SHA-256 of its MSH-10, kind and payload) so a row altered on disk is recognised
(:meth:`OutboxStore.verify`).

SQLite failures are never shown raw: every write or read failure becomes an
:class:`OutboxStorageError` (``disk_full`` when the disk or the database is full) with a French message.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import filelock

from resources.translations import QT_TRANSLATE_NOOP
from workstation.sqlite import immediate_transaction

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2

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
    settled_at    TEXT,
    held          INTEGER NOT NULL DEFAULT 0,
    digest        TEXT NOT NULL DEFAULT ''
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


class OutboxStorageError(OutboxError):
    """SQLite (or the disk under it) failed; ``disk_full`` when space ran out (SQLITE_FULL, ENOSPC)."""

    def __init__(self, detail: str, user_message: str, disk_full: bool = False) -> None:
        super().__init__(detail, user_message)
        self.disk_full = disk_full


DISK_FULL_MESSAGE = QT_TRANSLATE_NOOP(
    "Outbox",
    "Le disque du poste est plein : l'enregistrement a échoué. Libérez de l'espace disque "
    "(ou prévenez le support) ; rien de ce qui était déjà en file n'est perdu.",
)
STORAGE_MESSAGE = QT_TRANSLATE_NOOP(
    "Outbox",
    "La file d'envoi locale n'a pas pu être lue ou écrite : nouvel essai automatique. "
    "Si le message persiste, prévenez le support (n'effacez rien).",
)


def is_disk_full(exc: BaseException | None) -> bool:
    """Does ``exc`` (or what caused it) mean that the disk or the database is full?"""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OutboxStorageError) and exc.disk_full:
            return True
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(exc, sqlite3.Error):
            code = getattr(exc, "sqlite_errorcode", None)
            if code == sqlite3.SQLITE_FULL or "disk is full" in str(exc):
                return True
        exc = exc.__cause__ or exc.__context__
    return False


def storage_error(exc: BaseException, what: str) -> OutboxStorageError:
    """The OutboxStorageError for a SQLite or OS failure during ``what`` (English detail)."""
    full = is_disk_full(exc)
    return OutboxStorageError(
        f"outbox: {what} failed: {type(exc).__name__}: {exc}",
        DISK_FULL_MESSAGE if full else STORAGE_MESSAGE,
        disk_full=full,
    )


def row_digest(control_id: str, kind: str, payload: str) -> str:
    """What a row must still hash to: its MSH-10, its kind and its bytes (see :meth:`OutboxStore.verify`)."""
    return hashlib.sha256(f"{control_id}\0{kind}\0{payload}".encode()).hexdigest()


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
    held: int = 0  # 1: its unit is being made durable (not deliverable); 2: damaged, set aside


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row that failed :meth:`OutboxStore.verify`: unreadable, or no longer matching its digest."""

    seq: int
    control_id: str  # may itself be damaged (or '' when unreadable)
    state: str
    reason: str  # English


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
    """The SQLite outbox. Thread-safe (one connection behind a lock); one process at a time.

    Opening does not check the file's integrity (a check reads the whole file): the application opens
    it through :func:`workstation.outbox.recovery.open_outbox`, which does, sets a damaged file aside
    and rebuilds the queue from the second copies.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = path
        self._lock = threading.RLock()
        self._lock_file: filelock.BaseFileLock | None = self._take_process_lock(path)
        try:
            if not path.exists():  # created private, before SQLite creates it with the umask's mode
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
            self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA busy_timeout=10000")
            self._conn.executescript("BEGIN IMMEDIATE;" + _SCHEMA.split("CREATE INDEX")[0] + "COMMIT;")
            self._migrate()
            self._conn.executescript(
                "CREATE INDEX IF NOT EXISTS messages_state ON messages(state, seq);"
                "CREATE INDEX IF NOT EXISTS messages_study ON messages(study_uid, state);"
            )
            restrict_modes(path)
        except sqlite3.DatabaseError as exc:
            self._close_quietly()
            raise OutboxError(
                f"outbox {path} unusable: {exc}",
                DISK_FULL_MESSAGE
                if is_disk_full(exc)
                else QT_TRANSLATE_NOOP(
                    "Outbox", "La file d'envoi locale est illisible : n'effacez rien et contactez le support."
                ),
            ) from exc
        except BaseException:
            self._close_quietly()
            raise

    def _close_quietly(self) -> None:
        conn = getattr(self, "_conn", None)
        if conn is not None:
            with suppress(sqlite3.Error):
                conn.close()
        self._release_process_lock()

    def _migrate(self) -> None:
        with immediate_transaction(self._conn, self._lock) as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                return
            version = int(row["value"])
            if version == 1:  # issue 22: held units and per-row digests
                columns = {r["name"] for r in conn.execute("PRAGMA table_info(messages)")}
                if "held" not in columns:
                    conn.execute("ALTER TABLE messages ADD COLUMN held INTEGER NOT NULL DEFAULT 0")
                if "digest" not in columns:
                    conn.execute("ALTER TABLE messages ADD COLUMN digest TEXT NOT NULL DEFAULT ''")
                for r in conn.execute("SELECT seq, control_id, kind, payload FROM messages").fetchall():
                    conn.execute(
                        "UPDATE messages SET digest = ? WHERE seq = ?",
                        (row_digest(r["control_id"], r["kind"], r["payload"]), r["seq"]),
                    )
                conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))
                log.info("outbox %s migrated from schema 1 to %d", self.path, SCHEMA_VERSION)
            elif version != SCHEMA_VERSION:
                raise OutboxError(
                    f"outbox schema version {version} in {self.path}, expected {SCHEMA_VERSION}",
                    QT_TRANSLATE_NOOP(
                        "Outbox",
                        "La file d'envoi a été créée par une autre version du poste : contactez le support.",
                    ),
                )

    @staticmethod
    def _take_process_lock(path: Path) -> filelock.BaseFileLock:
        """One process per outbox on every OS (filelock: ``flock`` on POSIX, ``msvcrt.locking`` on
        Windows), released by the OS if the process dies: two windows sending the same queue would
        deliver a message twice."""
        lock = filelock.FileLock(f"{path}.lock", mode=0o600)
        try:
            lock.acquire(timeout=0)
        except filelock.Timeout as exc:
            raise OutboxBusy(
                f"outbox {path} is held by another process",
                QT_TRANSLATE_NOOP(
                    "Outbox",
                    "La file d'envoi est déjà utilisée par une autre fenêtre du poste : fermez-la d'abord.",
                ),
            ) from exc
        return lock

    def _release_process_lock(self) -> None:
        lock: filelock.BaseFileLock | None = getattr(self, "_lock_file", None)
        if lock is not None:
            lock.release()
            self._lock_file = None

    @contextmanager
    def _transaction(self, what: str) -> Iterator[sqlite3.Connection]:
        """A write transaction; any SQLite failure becomes an :class:`OutboxStorageError` (rolled back)."""
        try:
            with immediate_transaction(self._conn, self._lock) as conn:
                yield conn
        except sqlite3.Error as exc:
            log.error("outbox: %s failed: %s", what, exc)
            raise storage_error(exc, what) from exc

    @contextmanager
    def _reading(self, what: str) -> Iterator[sqlite3.Connection]:
        """A read under the lock; SQLite failures (a damaged page, undecodable text) become storage errors."""
        try:
            with self._lock:
                yield self._conn
        except sqlite3.Error as exc:
            log.error("outbox: %s failed: %s", what, exc)
            raise storage_error(exc, what) from exc

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
            held=row["held"],
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
        held: bool = False,
    ) -> tuple[OutboxItem, bool]:
        """Commit ``message`` (durably, before returning); (item, False) if it was already there.

        ``held``: the row is committed but not deliverable until :meth:`release` (the caller makes
        the rest of its unit durable first). A held row of the same MSH-10 — a signing that failed
        half-way and is now retried — takes the new content: it was never sent nor announced.
        """
        control_id, message_type = read_header(message)
        digest = row_digest(control_id, kind.value, message)
        with self._transaction("queueing a message") as conn:
            existing = conn.execute("SELECT * FROM messages WHERE control_id = ?", (control_id,)).fetchone()
            if existing is not None and existing["held"] == 1:
                conn.execute(
                    "UPDATE messages SET message_type = ?, kind = ?, payload = ?, order_id = ?,"
                    " study_uid = ?, patient_id = ?, user_login = ?, user_rpps = ?, queued_at = ?,"
                    " digest = ?, held = ? WHERE seq = ?",
                    (
                        message_type,
                        kind.value,
                        message,
                        order_id,
                        study_uid,
                        patient_id,
                        sender.login,
                        sender.rpps,
                        _iso(now),
                        digest,
                        1 if held else 0,
                        existing["seq"],
                    ),
                )
                row = conn.execute("SELECT * FROM messages WHERE seq = ?", (existing["seq"],)).fetchone()
                return self._item(row), True
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
                " patient_id, user_login, user_rpps, state, queued_at, held, digest)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
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
                    1 if held else 0,
                    digest,
                ),
            )
            row = conn.execute("SELECT * FROM messages WHERE seq = ?", (cursor.lastrowid,)).fetchone()
        return self._item(row), True

    def release(self, seq: int) -> OutboxItem:
        """The held row's unit is durable: the delivery may send it from now on."""
        with self._transaction("releasing a queued message") as conn:
            conn.execute("UPDATE messages SET held = 0 WHERE seq = ? AND held = 1", (seq,))
            return self._item(conn.execute("SELECT * FROM messages WHERE seq = ?", (seq,)).fetchone())

    def discard_held(self, seq: int) -> bool:
        """Remove a held row whose unit failed (never sent, never announced); True when removed."""
        with self._transaction("withdrawing an unfinished message") as conn:
            return conn.execute("DELETE FROM messages WHERE seq = ? AND held = 1", (seq,)).rowcount > 0

    def set_aside_row(self, seq: int, reason: str) -> None:
        """A damaged row with no intact copy: kept for support (held = 2), never delivered."""
        with self._transaction("setting a damaged message aside") as conn:
            conn.execute("UPDATE messages SET held = 2, last_error = ? WHERE seq = ?", (reason, seq))

    def restore(self, seq: int, record: RestoredMessage) -> None:
        """Put a message back under its original ``seq`` (rebuilt from its second copy), pending.

        A row already under that seq or that MSH-10 (damaged) is replaced.
        """
        digest = row_digest(record.control_id, record.kind.value, record.payload)
        with self._transaction("restoring a message") as conn:
            conn.execute("DELETE FROM messages WHERE seq = ? OR control_id = ?", (seq, record.control_id))
            conn.execute(
                "INSERT INTO messages (seq, control_id, message_type, kind, payload, order_id, study_uid,"
                " patient_id, user_login, user_rpps, state, queued_at, held, digest, last_error)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, 0, ?, ?)",
                (
                    seq,
                    record.control_id,
                    record.message_type,
                    record.kind.value,
                    record.payload,
                    record.order_id,
                    record.study_uid,
                    record.patient_id,
                    record.sender.login,
                    record.sender.rpps,
                    _iso(record.queued_at),
                    digest,
                    "restored from the second copy",
                ),
            )

    def import_rows(self, rows: list[dict[str, object]]) -> int:
        """Rows read back from a set-aside database, under their own seqs (those taken are skipped)."""
        columns = [
            "seq", "control_id", "message_type", "kind", "payload", "order_id", "study_uid", "patient_id",
            "user_login", "user_rpps", "state", "queued_at", "attempts", "last_error", "ack_code",
            "ack_reason", "ack_location", "settled_at", "digest",
        ]
        added = 0
        with self._transaction("importing salvaged rows") as conn:
            for row in rows:
                values = [row.get(c, "" if c != "settled_at" else None) for c in columns]
                cursor = conn.execute(
                    f"INSERT OR IGNORE INTO messages ({', '.join(columns)})"
                    f" VALUES ({', '.join('?' for _ in columns)})",
                    values,
                )
                added += cursor.rowcount
        return added

    def raise_sequence(self, floor: int) -> None:
        """The next seq will be above ``floor`` (seqs already used before a loss are never reused)."""
        with self._transaction("raising the queue's sequence") as conn:
            current = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'messages'").fetchone()
            if current is None:
                conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('messages', ?)", (floor,))
            elif current["seq"] < floor:
                conn.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'messages'", (floor,))

    def record_failure(self, seq: int, error: str) -> OutboxItem:
        """One more failed attempt (transport error, HTTP 5xx, AR): the message stays pending."""
        with self._transaction("recording a failed attempt") as conn:
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
        with self._transaction("recording an acknowledgement") as conn:
            conn.execute(
                "UPDATE messages SET state = ?, attempts = attempts + 1, ack_code = ?, ack_reason = ?,"
                " ack_location = ?, settled_at = ?, last_error = '' WHERE seq = ? AND state = 'pending'",
                (state.value, code, reason, location, _iso(now), seq),
            )
            return self._item(conn.execute("SELECT * FROM messages WHERE seq = ?", (seq,)).fetchone())

    def dismiss(self, control_id: str, now: datetime) -> OutboxItem:
        """The radiologist has dealt with a refused message (corrected and queued anew, or abandoned)."""
        with self._transaction("dismissing a refused message") as conn:
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
        """The oldest deliverable pending message, payload included: the next one to deliver."""
        with self._reading("reading the next message") as conn:
            row = conn.execute(
                "SELECT * FROM messages WHERE state = 'pending' AND held = 0 ORDER BY seq LIMIT 1"
            ).fetchone()
            return None if row is None else self._item(row, with_payload=True)

    def get(self, control_id: str, with_payload: bool = False) -> OutboxItem | None:
        with self._reading("reading a message") as conn:
            row = conn.execute("SELECT * FROM messages WHERE control_id = ?", (control_id,)).fetchone()
            return None if row is None else self._item(row, with_payload)

    def items(self, state: ItemState | None = None) -> list[OutboxItem]:
        """Every message (or those in ``state``), in queue order, without payloads."""
        with self._reading("listing messages") as conn:
            if state is None:
                rows = conn.execute("SELECT * FROM messages ORDER BY seq").fetchall()
            else:
                rows = conn.execute(
                    "SELECT * FROM messages WHERE state = ? ORDER BY seq", (state.value,)
                ).fetchall()
            return [self._item(r) for r in rows]

    def identities(self) -> dict[int, tuple[str, str, int]]:
        """seq -> (MSH-10, state, held) of every row: what the start-up reconciliation compares."""
        with self._reading("listing the queue") as conn:
            return {
                r["seq"]: (r["control_id"], r["state"], r["held"])
                for r in conn.execute("SELECT seq, control_id, state, held FROM messages")
            }

    def last_seq(self) -> int:
        """The highest seq ever given (AUTOINCREMENT never reuses one): the queue's position now."""
        with self._reading("reading the queue's position") as conn:
            row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'messages'").fetchone()
            top = conn.execute("SELECT MAX(seq) FROM messages").fetchone()[0]
            return max(row["seq"] if row else 0, top or 0)

    def queued_after(self, seq: int, upto: int | None = None) -> list[OutboxItem]:
        """Messages committed after position ``seq`` (up to ``upto``), in queue order: what an incident
        queued, by the queue's own order rather than by wall-clock times a clock change would skew."""
        with self._reading("listing messages") as conn:
            rows = conn.execute(
                "SELECT * FROM messages WHERE seq > ? AND seq <= ? AND held = 0 ORDER BY seq",
                (seq, upto if upto is not None else 2**62),
            ).fetchall()
            return [self._item(r) for r in rows]

    def queued_between(self, start: datetime, end: datetime) -> list[OutboxItem]:
        """Messages committed within [start, end] by their wall-clock time (history views only:
        incidents use :meth:`queued_after`, immune to clock changes)."""
        with self._reading("listing messages") as conn:
            rows = conn.execute(
                "SELECT * FROM messages WHERE queued_at >= ? AND queued_at <= ? AND held = 0 ORDER BY seq",
                (_iso(start), _iso(end)),
            ).fetchall()
            return [self._item(r) for r in rows]

    def counts(self) -> Counts:
        with self._reading("counting messages") as conn:
            rows = conn.execute(
                "SELECT state, COUNT(*) AS n FROM messages WHERE held = 0 GROUP BY state"
            ).fetchall()
        by_state = {r["state"]: r["n"] for r in rows}
        return Counts(*(by_state.get(s.value, 0) for s in ItemState))

    def has_open(self, study_uid: str) -> bool:
        """Is anything of this study pending, or refused and not yet dealt with? (cache eviction guard)"""
        with self._reading("reading the queue") as conn:
            row = conn.execute(
                "SELECT 1 FROM messages WHERE study_uid = ? AND state IN ('pending', 'rejected') LIMIT 1",
                (study_uid,),
            ).fetchone()
        return row is not None

    def integrity_check(self) -> str:
        """SQLite's own check: 'ok' for an intact database."""
        with self._reading("checking the database") as conn:
            return "; ".join(str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall())

    def verify(self) -> list[RowProblem]:
        """Rows that cannot be read or no longer match their digest (altered on disk).

        Each row is read on its own, so one undecodable row does not hide the others.
        """
        problems: list[RowProblem] = []
        with self._reading("listing the queue") as conn:
            seqs = [r[0] for r in conn.execute("SELECT seq FROM messages ORDER BY seq")]
        for seq in seqs:
            try:
                with self._lock:
                    row = self._conn.execute("SELECT * FROM messages WHERE seq = ?", (seq,)).fetchone()
                if row is not None:
                    self._item(row, with_payload=True)  # every column must still parse
            except (sqlite3.Error, ValueError, TypeError) as exc:
                damaged_id = _readable_id(self._conn, self._lock, seq)
                problems.append(RowProblem(seq, damaged_id, "", f"unreadable: {exc}"))
                continue
            if row is None or row["held"] == 2:
                continue
            if row["digest"] != row_digest(row["control_id"], row["kind"], row["payload"]):
                problems.append(RowProblem(seq, row["control_id"], row["state"], "digest mismatch"))
                continue
            try:
                header = read_header(row["payload"])[0]
                ItemState(row["state"])
                MessageKind(row["kind"])
            except (OutboxError, ValueError) as exc:
                problems.append(RowProblem(seq, row["control_id"], row["state"], f"unusable: {exc}"))
                continue
            if header != row["control_id"]:
                reason = "MSH-10 differs from its row"
                problems.append(RowProblem(seq, row["control_id"], row["state"], reason))
        return problems

    def close(self) -> None:
        with self._lock:
            self._conn.close()
            self._release_process_lock()


def _readable_id(conn: sqlite3.Connection, lock: threading.RLock, seq: int) -> str:
    """The MSH-10 of a damaged row when that column at least can be read, else ''."""
    try:
        with lock:
            row = conn.execute("SELECT control_id FROM messages WHERE seq = ?", (seq,)).fetchone()
        return str(row[0]) if row else ""
    except sqlite3.Error:
        return ""


@dataclass(frozen=True, slots=True)
class RestoredMessage:
    """A message as its second copy keeps it (see :mod:`workstation.outbox.spool`)."""

    control_id: str
    message_type: str
    kind: MessageKind
    payload: str = field(repr=False)
    queued_at: datetime
    order_id: str = ""
    study_uid: str = ""
    patient_id: str = field(default="", repr=False)
    sender: Sender = Sender()


def restrict_modes(path: Path) -> None:
    """The outbox's files are private: 0600 for the database, its WAL, shared memory and lock, 0700
    for the folder (SQLite creates the WAL with the process's umask)."""
    if os.name != "posix":
        return
    try:
        os.chmod(path.parent, 0o700)
    except OSError as exc:
        log.warning("outbox: cannot restrict %s: %s", path.parent, exc)
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm", f"{path.name}.lock"):
        target = path.with_name(name)
        try:
            if target.exists() and target.stat().st_mode & 0o077:
                os.chmod(target, 0o600)
        except OSError as exc:
            log.warning("outbox: cannot restrict %s: %s", target, exc)
