"""The platform's durable store: one SQLite file in WAL mode with synchronous=FULL.

Everything the platform is told (messages, the ACK it answered, the orders they build, accounts,
tokens, the image index, the workstations' audit records) lives here, so a restart or a crash loses
nothing that was acknowledged: an ACK is only sent after the transaction that recorded the message
has committed, and WAL with synchronous=FULL keeps committed transactions across a power loss
(measured in STACK-NOTES.md).

The schema is owned here; each service (auth, intake, DICOM index, expertise) writes its own SQL
against it. Tables added without changing an existing one (the téléexpertise tables) are created by
the schema script at every open, so they need no version change.
One connection shared by the server's threads, serialised by a lock: the platform's load is a few
users, and a single writer avoids SQLITE_BUSY handling entirely.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    login            TEXT PRIMARY KEY,
    password_hash    TEXT NOT NULL,
    totp_secret      TEXT NOT NULL,
    rpps             TEXT NOT NULL,
    family           TEXT NOT NULL,
    given            TEXT NOT NULL,
    title            TEXT NOT NULL,
    failed_attempts  INTEGER NOT NULL DEFAULT 0,
    locked_until     TEXT,
    last_otp_step    INTEGER NOT NULL DEFAULT -1,
    role             TEXT NOT NULL DEFAULT 'radiologist',
    disabled         INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS user_scopes (
    login   TEXT NOT NULL REFERENCES users(login),
    sender  TEXT NOT NULL,
    PRIMARY KEY (login, sender)
);
CREATE TABLE IF NOT EXISTS access_refusals (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    login   TEXT NOT NULL,
    role    TEXT NOT NULL,
    method  TEXT NOT NULL,
    path    TEXT NOT NULL,
    code    TEXT NOT NULL,
    detail  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    token_hash  TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    login       TEXT NOT NULL REFERENCES users(login),
    session_id  TEXT NOT NULL,
    issued_at   TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    revoked     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS tokens_session ON tokens(session_id);
CREATE TABLE IF NOT EXISTS messages (
    id            INTEGER PRIMARY KEY,
    received_at   TEXT NOT NULL,
    source        TEXT NOT NULL,
    sender        TEXT NOT NULL,
    control_id    TEXT NOT NULL,
    message_type  TEXT NOT NULL,
    raw           BLOB NOT NULL,
    raw_sha256    TEXT NOT NULL,
    text          TEXT,
    ack           TEXT NOT NULL,
    ack_code      TEXT NOT NULL,
    order_id      TEXT,
    account       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS messages_key ON messages(sender, control_id);
CREATE INDEX IF NOT EXISTS messages_sha ON messages(raw_sha256);
CREATE INDEX IF NOT EXISTS messages_order ON messages(order_id);
CREATE TABLE IF NOT EXISTS orders (
    order_id            TEXT PRIMARY KEY,
    status              TEXT NOT NULL,
    priority            TEXT NOT NULL,
    received_at         TEXT NOT NULL,
    accession_number    TEXT,
    study_instance_uid  TEXT,
    seq                 INTEGER NOT NULL,
    sender              TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS order_patients (
    order_id    TEXT NOT NULL REFERENCES orders(order_id),
    patient_id  TEXT NOT NULL,
    PRIMARY KEY (order_id, patient_id)
);
CREATE INDEX IF NOT EXISTS order_patients_patient ON order_patients(patient_id);

CREATE TABLE IF NOT EXISTS order_history (
    id          INTEGER PRIMARY KEY,
    order_id    TEXT NOT NULL REFERENCES orders(order_id),
    at          TEXT NOT NULL,
    event       TEXT NOT NULL,
    detail      TEXT NOT NULL,
    message_id  INTEGER REFERENCES messages(id)
);
CREATE INDEX IF NOT EXISTS order_history_order ON order_history(order_id);
CREATE TABLE IF NOT EXISTS documents (
    id                   INTEGER PRIMARY KEY,
    order_id             TEXT NOT NULL REFERENCES orders(order_id),
    message_id           INTEGER NOT NULL REFERENCES messages(id),
    document_root        TEXT NOT NULL,
    document_extension   TEXT NOT NULL,
    replaces_root        TEXT,
    replaces_extension   TEXT,
    received_at          TEXT NOT NULL,
    cda                  BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_order ON documents(order_id);
CREATE TABLE IF NOT EXISTS instances (
    sop_instance_uid  TEXT PRIMARY KEY,
    study_uid         TEXT NOT NULL,
    series_uid        TEXT NOT NULL,
    sop_class_uid     TEXT NOT NULL,
    path              TEXT NOT NULL UNIQUE,
    size              INTEGER NOT NULL,
    mtime_ns          INTEGER NOT NULL,
    transfer_syntax   TEXT NOT NULL,
    pixel_offset      INTEGER,
    patient_id        TEXT NOT NULL,
    patient_name      TEXT NOT NULL,
    accession_number  TEXT NOT NULL,
    modality          TEXT NOT NULL,
    study_date        TEXT NOT NULL,
    series_number     INTEGER,
    instance_number   INTEGER,
    attrs_json        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS instances_study ON instances(study_uid);
CREATE INDEX IF NOT EXISTS instances_series ON instances(series_uid);
CREATE TABLE IF NOT EXISTS audit_chains (
    chain              TEXT PRIMARY KEY,
    source             TEXT NOT NULL,
    head_index         INTEGER NOT NULL,
    head_mac           TEXT NOT NULL,
    first_received_at  TEXT NOT NULL,
    last_received_at   TEXT NOT NULL,
    owner              TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS audit_records (
    chain          TEXT NOT NULL REFERENCES audit_chains(chain),
    idx            INTEGER NOT NULL,
    mac            TEXT NOT NULL,
    line           TEXT NOT NULL,
    received_at    TEXT NOT NULL,
    received_from  TEXT NOT NULL,
    PRIMARY KEY (chain, idx)
);
CREATE TABLE IF NOT EXISTS audit_keys (
    chain           TEXT PRIMARY KEY REFERENCES audit_chains(chain),
    initial_key     TEXT NOT NULL,
    next_key        TEXT NOT NULL,
    verified_index  INTEGER NOT NULL,
    escrowed_at     TEXT NOT NULL,
    escrowed_by     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS expert_groups (
    login      TEXT NOT NULL REFERENCES users(login),
    specialty  TEXT NOT NULL,
    PRIMARY KEY (login, specialty)
);
CREATE TABLE IF NOT EXISTS expertise_requests (
    request_id   TEXT PRIMARY KEY,
    order_id     TEXT NOT NULL REFERENCES orders(order_id),
    requester    TEXT NOT NULL REFERENCES users(login),
    expert       TEXT,
    specialty    TEXT,
    urgency      TEXT NOT NULL,
    question     TEXT NOT NULL,
    clinical     TEXT NOT NULL,
    consent_json TEXT NOT NULL,
    status       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    answered_at  TEXT,
    answered_by  TEXT,
    reason_code  TEXT,
    reason       TEXT,
    document_id  TEXT,
    cda          BLOB,
    control_id   TEXT,
    ack          TEXT
);
CREATE INDEX IF NOT EXISTS expertise_requests_order ON expertise_requests(order_id);
CREATE TABLE IF NOT EXISTS expertise_studies (
    request_id  TEXT NOT NULL REFERENCES expertise_requests(request_id),
    study_uid   TEXT NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (request_id, study_uid)
);
CREATE INDEX IF NOT EXISTS expertise_studies_study ON expertise_studies(study_uid);
CREATE TABLE IF NOT EXISTS expertise_events (
    id           INTEGER PRIMARY KEY,
    request_id   TEXT NOT NULL REFERENCES expertise_requests(request_id),
    at           TEXT NOT NULL,
    login        TEXT NOT NULL,
    event        TEXT NOT NULL,
    detail       TEXT NOT NULL,
    detail_json  TEXT
);
CREATE TABLE IF NOT EXISTS complementary_requests (
    request_id   TEXT PRIMARY KEY,
    order_id     TEXT NOT NULL REFERENCES orders(order_id),
    requested_at TEXT NOT NULL,
    login        TEXT NOT NULL,
    requester    TEXT NOT NULL,
    reason_code  TEXT NOT NULL,
    series_json  TEXT NOT NULL,
    text         TEXT NOT NULL,
    received_at  TEXT
);
CREATE INDEX IF NOT EXISTS complementary_requests_order ON complementary_requests(order_id);
CREATE TABLE IF NOT EXISTS oidc_codes (
    code_hash       TEXT PRIMARY KEY,
    client_id       TEXT NOT NULL,
    redirect_uri    TEXT NOT NULL,
    code_challenge  TEXT NOT NULL,
    nonce           TEXT NOT NULL,
    login           TEXT NOT NULL REFERENCES users(login),
    auth_time       TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    session_id      TEXT
);
"""


_V2_COLUMNS = (
    ("users", "role", "TEXT NOT NULL DEFAULT 'radiologist'"),
    ("users", "disabled", "INTEGER NOT NULL DEFAULT 0"),
    ("messages", "account", "TEXT NOT NULL DEFAULT ''"),
    ("orders", "sender", "TEXT NOT NULL DEFAULT ''"),
    ("audit_chains", "owner", "TEXT NOT NULL DEFAULT ''"),
)


def _migrate_1_to_2(conn: sqlite3.Connection) -> None:
    """Version 2 adds roles and scopes: each order remembers the sender (MSH-3@MSH-4) of the message
    that created it, each message the account that sent it, each audit chain the account that
    opened it. Orders of a version-1 store get the sender of their first stored message."""
    for table, column, declaration in _V2_COLUMNS:
        names = {row["name"] for row in conn.execute(f"PRAGMA table_info({table})")}
        if column not in names:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
    conn.execute(
        "UPDATE orders SET sender = COALESCE((SELECT m.sender FROM messages m WHERE m.order_id ="
        " orders.order_id AND m.ack_code = 'AA' ORDER BY m.id LIMIT 1), '') WHERE sender = ''"
    )
    conn.execute(
        "UPDATE audit_chains SET owner = COALESCE((SELECT r.received_from FROM audit_records r WHERE"
        " r.chain = audit_chains.chain AND r.idx = 0), '') WHERE owner = ''"
    )
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))
    log.info("store migrated from schema version 1 to %d", SCHEMA_VERSION)


def private_folder(folder: Path) -> None:
    """A folder holding secrets or patient data: created 0700; a looser one is tightened, with a warning."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    mode = stat.S_IMODE(folder.stat().st_mode)
    if mode & 0o077:
        log.warning("folder %s was readable by others (mode %o): set to 0700", folder, mode)
        folder.chmod(0o700)


def check_private_file(path: Path) -> None:
    """An existing file holding secrets or patient data must be 0600; a looser one is tightened, with
    a warning (the platform keeps TOTP secrets and every HL7 message in its database)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if mode & 0o077:
        log.warning("file %s was readable by others (mode %o): set to 0600", path, mode)
        path.chmod(0o600)


class StoreError(Exception):
    """The store cannot be opened (wrong schema version, unreadable file)."""


class Store:
    def __init__(self, path: Path) -> None:
        private_folder(path.parent)
        for existing in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
            check_private_file(existing)
        if not path.exists():
            # Created 0600 before SQLite opens it: SQLite gives the WAL and shared-memory files the
            # database's own mode, so they are private from their first byte too.
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        self.path = path
        self._lock = threading.RLock()
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE below), never implicit.
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.execute("PRAGMA busy_timeout=10000")
        # executescript commits any open transaction first, so the schema is its own script.
        self._conn.executescript("BEGIN IMMEDIATE;" + _SCHEMA + "COMMIT;")
        with self.transaction() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            elif int(row["value"]) == 1:
                _migrate_1_to_2(conn)
            elif int(row["value"]) != SCHEMA_VERSION:
                raise StoreError(f"schema version {row['value']} in {path}, expected {SCHEMA_VERSION}")
            # After the migration: a version-1 table has no sender column before it.
            conn.execute("CREATE INDEX IF NOT EXISTS orders_sender ON orders(sender)")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work; committed (and synced) when the block exits normally."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A consistent read (one transaction, so a reader never sees half of a write)."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                self._conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._conn.close()
