"""The encrypted study cache: files sealed per study, an index without patient data in clear.

Layout of the cache directory (mode 0700)::

    index.sqlite            studies and instances: random references, HMAC tags of the UIDs,
                            wrapped study keys, metadata sealed under each study key
    objects/<ref>/<ref>.bin one sealed DICOM file each; names are random, never a UID or a name

Reading offline: :meth:`StudyCache.open_study` decrypts a whole study into a private directory
(mode 0700) on a RAM-backed file system (``/dev/shm``, else ``$XDG_RUNTIME_DIR``) laid out like a
DICOMweb download (``<SeriesUID>/<SOPInstanceUID>.dcm``) for the viewer's loader, and removes it on
close; directories left by a process that died are removed when the next cache opens. Every read is
audited.

Eviction (:meth:`StudyCache.evict_expired`): a study whose report was acknowledged more than
``retention`` ago (7 days) and that has nothing pending in the outbox loses its wrapped key — the
row is deleted with SQLite ``secure_delete`` and the WAL truncated — then its files. Audited.

The master key comes from the OS keyring (:meth:`StudyCache.open`); a plain-text keyring is refused
by ``auth.keystore``. If the index was written under another master key (keyring entry lost, or a
volatile keyring at the previous run) nothing in it can be read: it is emptied and
``reset_notice`` tells the user why the cache is empty.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from auth.keystore import KeyStore, SecretName
from auth.secret import Secret
from resources.translations import QT_TRANSLATE_NOOP
from workstation.cache.crypto import (
    CacheKeys,
    IntegrityError,
    instance_ad,
    metadata_ad,
    new_study_key,
    open_sealed,
    seal,
)
from workstation.private_files import private_database, private_folder
from workstation.sqlite import immediate_transaction

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
RETENTION = timedelta(days=7)
TEMP_PREFIX = "tlr-cache-"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS studies (
    ref          TEXT PRIMARY KEY,
    tag          BLOB NOT NULL UNIQUE,
    wrapped_key  BLOB NOT NULL,
    metadata     BLOB NOT NULL,
    priority     TEXT NOT NULL,
    cached_at    TEXT NOT NULL,
    complete     INTEGER NOT NULL DEFAULT 0,
    reported_at  TEXT
);
CREATE TABLE IF NOT EXISTS instances (
    study_ref  TEXT NOT NULL REFERENCES studies(ref),
    tag        BLOB NOT NULL,
    file       TEXT NOT NULL UNIQUE,
    metadata   BLOB NOT NULL,
    size       INTEGER NOT NULL,
    PRIMARY KEY (study_ref, tag)
);
"""


class CacheError(Exception):
    """``user_message`` is French, ``str()`` the English detail (no patient data in either)."""

    def __init__(self, detail: str, user_message: str) -> None:
        super().__init__(detail)
        self.user_message = user_message


class CacheMiss(CacheError):
    """The study or instance is not in the cache (never fetched, or evicted)."""


class CacheIntegrityError(CacheError):
    """A cached file failed authentication: altered, truncated, or moved from another study."""


class CacheAuditor(Protocol):
    def study_read(self, study_uid: str, patient_id: str) -> None: ...

    def study_evicted(self, study_uid: str, patient_id: str, reason: str) -> None: ...


@dataclass(frozen=True, slots=True)
class CachedStudy:
    study_uid: str
    priority: str
    cached_at: datetime
    complete: bool
    instances: int
    size: int
    reported_at: datetime | None = None
    order_id: str = ""
    accession_number: str = ""
    patient_id: str = field(default="", repr=False)
    order_hl7: tuple[str, ...] = field(default=(), repr=False)  # for workstation.orders.parse_order


@dataclass(frozen=True, slots=True)
class CachedInstance:
    series_uid: str
    sop_uid: str
    file: str
    size: int


def default_runtime_dir() -> tuple[Path, bool]:
    """(where decrypted studies go, whether that place is RAM-backed)."""
    for candidate in (Path("/dev/shm"), Path(os.environ.get("XDG_RUNTIME_DIR") or "/nonexistent")):
        if candidate.is_dir() and os.access(candidate, os.W_OK | os.X_OK):
            return candidate, True
    return Path(tempfile.gettempdir()), False


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class OpenedStudy:
    """A study decrypted into a private directory; :meth:`close` (or ``with``) removes every file."""

    def __init__(self, directory: Path, paths: list[Path], on_close: Callable[[OpenedStudy], None]) -> None:
        self.directory = directory
        self.paths = paths
        self._on_close = on_close
        self.closed = False

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        shutil.rmtree(self.directory, ignore_errors=True)
        self._on_close(self)

    def __enter__(self) -> OpenedStudy:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class StudyCache:
    """Thread-safe (the prefetch thread writes while the GUI reads); one process per directory."""

    def __init__(
        self,
        directory: Path,
        master_key: Secret | bytes,
        *,
        auditor: CacheAuditor | None = None,
        runtime_dir: Path | None = None,
        retention: timedelta = RETENTION,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.directory = directory
        self.reset_notice = ""
        self._auditor = auditor
        self._retention = retention
        self._now = now
        self._lock = threading.RLock()
        self._keys = CacheKeys(master_key.view() if isinstance(master_key, Secret) else master_key)
        self._opened: list[OpenedStudy] = []
        if runtime_dir is None:
            runtime_dir, in_ram = default_runtime_dir()
            if not in_ram:
                log.warning("no RAM-backed runtime dir: decrypted studies go to %s until closed", runtime_dir)
        self._runtime = runtime_dir
        private_folder(directory)  # start-up check: a loosened cache folder is tightened, with a warning
        self._objects = directory / "objects"
        private_folder(self._objects)
        index = directory / "index.sqlite"
        try:
            private_database(index)
            self._conn = sqlite3.connect(index, isolation_level=None, check_same_thread=False)
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA journal_mode=WAL")
            # A cache: a commit lost to a power cut means a re-download, never data loss; the key
            # destruction of an eviction is made durable by its WAL checkpoint.
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA secure_delete=ON")  # a deleted wrapped key is overwritten
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.executescript("BEGIN IMMEDIATE;" + _SCHEMA + "COMMIT;")
        except sqlite3.DatabaseError as exc:
            raise CacheError(
                f"cache index {index} unusable: {exc}",
                QT_TRANSLATE_NOOP(
                    "Cache",
                    "Le cache local des examens est illisible : les examens seront lus depuis la plateforme."
                    " Prévenez le support.",
                ),
            ) from exc
        self._check_key()
        self._sweep_runtime()
        self._sweep_orphans()

    @property
    def runtime_dir(self) -> Path:
        """Where decrypted copies go (RAM-backed when the system has one)."""
        return self._runtime

    @classmethod
    def open(cls, directory: Path, keystore: KeyStore, **kwargs: object) -> StudyCache:
        """The cache under the master key kept in the OS keyring (created on first use)."""
        master = keystore.load_or_create_key(SecretName.CACHE_KEY)
        try:
            return cls(directory, master, **kwargs)  # type: ignore[arg-type]
        finally:
            master.wipe()

    # --- plumbing ---

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return immediate_transaction(self._conn, self._lock)

    def _check_key(self) -> None:
        check = self._keys.check_value()
        with self._transaction() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'key_check'").fetchone()
            if row is not None and bytes(row["value"]) == check:
                return
            had_content = conn.execute("SELECT COUNT(*) FROM studies").fetchone()[0]
            conn.execute("DELETE FROM instances")
            conn.execute("DELETE FROM studies")
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('key_check', ?)", (check,))
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        for child in self._objects.iterdir():
            shutil.rmtree(child, ignore_errors=True)
        if row is not None:
            log.warning("cache index written under another master key: %d studies dropped", had_content)
            self.reset_notice = QT_TRANSLATE_NOOP(
                "Cache",
                "La clé du cache local a changé (trousseau réinitialisé) : les examens en cache ne "
                "pouvaient plus être lus et ont été effacés. Ils seront retéléchargés.",
            )

    def _sweep_runtime(self) -> None:
        """Remove decrypted studies left by processes that died without closing them."""
        for child in self._runtime.glob(f"{TEMP_PREFIX}*"):
            try:
                pid = int(child.name[len(TEMP_PREFIX) :].split("-", 1)[0])
            except ValueError:
                continue
            if pid != os.getpid() and not _pid_alive(pid) and child.stat().st_uid == os.getuid():
                shutil.rmtree(child, ignore_errors=True)
                log.info("removed a decrypted study left by dead process %d", pid)

    def _sweep_orphans(self) -> None:
        """Files without an index row (a crash between writing a file and committing its row)."""
        with self._lock:
            refs = {r[0] for r in self._conn.execute("SELECT ref FROM studies")}
            files = {(r[0], r[1]) for r in self._conn.execute("SELECT study_ref, file FROM instances")}
        for folder in self._objects.iterdir():
            if folder.name not in refs:
                shutil.rmtree(folder, ignore_errors=True)
                continue
            for path in folder.iterdir():
                if (folder.name, path.stem) not in files:
                    path.unlink(missing_ok=True)

    def _study_row(self, study_uid: str) -> sqlite3.Row | None:
        with self._lock:
            return self._conn.execute(
                "SELECT * FROM studies WHERE tag = ?", (self._keys.tag("study", study_uid),)
            ).fetchone()

    def _require(self, study_uid: str) -> sqlite3.Row:
        row = self._study_row(study_uid)
        if row is None:
            raise CacheMiss(
                "study not in cache",
                QT_TRANSLATE_NOOP(
                    "Cache", "Cet examen n'est pas disponible hors connexion (absent du cache)."
                ),
            )
        return row

    def _study_key(self, row: sqlite3.Row) -> bytes:
        try:
            return self._keys.unwrap(bytes(row["wrapped_key"]), row["ref"])
        except IntegrityError as exc:
            raise CacheIntegrityError(
                f"cache study {row['ref']}: {exc}",
                QT_TRANSLATE_NOOP(
                    "Cache", "La clé d'un examen du cache a été altérée : l'examen doit être retéléchargé."
                ),
            ) from exc

    def _metadata(self, key: bytes, blob: bytes, ref: str, what: str) -> dict[str, Any]:
        try:
            return dict(json.loads(open_sealed(key, bytes(blob), metadata_ad(ref, what))))
        except IntegrityError as exc:
            raise CacheIntegrityError(
                f"cache study {ref}: metadata {what} does not authenticate",
                QT_TRANSLATE_NOOP(
                    "Cache", "L'index du cache a été altéré : l'examen doit être retéléchargé."
                ),
            ) from exc

    def _info(self, row: sqlite3.Row) -> CachedStudy:
        meta = self._metadata(self._study_key(row), row["metadata"], row["ref"], "study")
        with self._lock:
            count, size = self._conn.execute(
                "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM instances WHERE study_ref = ?", (row["ref"],)
            ).fetchone()
        return CachedStudy(
            study_uid=meta["study_uid"],
            priority=row["priority"],
            cached_at=datetime.fromisoformat(row["cached_at"]),
            complete=bool(row["complete"]),
            instances=count,
            size=size,
            reported_at=datetime.fromisoformat(row["reported_at"]) if row["reported_at"] else None,
            order_id=meta.get("order_id", ""),
            order_hl7=tuple(meta.get("order_hl7", ())),
            accession_number=meta.get("accession_number", ""),
            patient_id=meta.get("patient_id", ""),
        )

    # --- writing ---

    def begin_study(
        self,
        study_uid: str,
        *,
        patient_id: str = "",
        order_id: str = "",
        accession_number: str = "",
        priority: str = "routine",
        order_hl7: Sequence[str] = (),
    ) -> None:
        """Create the study's entry and key (no-op when it exists: a resumed prefetch keeps its key).

        ``order_hl7``: the order's HL7 messages as the worklist relayed them, sealed with the study so
        the order (patient, indication) can be shown and reported on offline.
        """
        tag = self._keys.tag("study", study_uid)
        with self._transaction() as conn:
            if conn.execute("SELECT 1 FROM studies WHERE tag = ?", (tag,)).fetchone():
                return
            ref = secrets.token_hex(16)
            key = new_study_key()
            meta = {
                "study_uid": study_uid,
                "patient_id": patient_id,
                "order_id": order_id,
                "accession_number": accession_number,
                "order_hl7": list(order_hl7),
            }
            conn.execute(
                "INSERT INTO studies (ref, tag, wrapped_key, metadata, priority, cached_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    ref,
                    tag,
                    self._keys.wrap(key, ref),
                    seal(key, json.dumps(meta).encode(), metadata_ad(ref, "study")),
                    priority,
                    self._now().isoformat(),
                ),
            )
        (self._objects / ref).mkdir(exist_ok=True, mode=0o700)

    def put_instance(self, study_uid: str, series_uid: str, sop_uid: str, data: bytes) -> bool:
        """Seal and store one DICOM file; False when it was already cached."""
        row = self._require(study_uid)
        ref, tag = row["ref"], self._keys.tag("instance", sop_uid)
        with self._lock:
            if self._conn.execute(
                "SELECT 1 FROM instances WHERE study_ref = ? AND tag = ?", (ref, tag)
            ).fetchone():
                return False
        key = self._study_key(row)
        name = secrets.token_hex(16)
        target = self._objects / ref / f"{name}.bin"
        partial = target.with_name(f".{name}.part")
        target.parent.mkdir(exist_ok=True, mode=0o700)
        try:
            with open(partial, "wb") as fh:
                fh.write(seal(key, data, instance_ad(study_uid, sop_uid)))
            os.replace(partial, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
        meta = json.dumps({"series_uid": series_uid, "sop_uid": sop_uid}).encode()
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO instances (study_ref, tag, file, metadata, size) VALUES (?, ?, ?, ?, ?)",
                (ref, tag, name, seal(key, meta, metadata_ad(ref, name)), target.stat().st_size),
            )
        return True

    def finish_study(self, study_uid: str) -> None:
        with self._transaction() as conn:
            conn.execute(
                "UPDATE studies SET complete = 1 WHERE tag = ?", (self._keys.tag("study", study_uid),)
            )

    def mark_reported(self, study_uid: str, acknowledged_at: datetime) -> None:
        """The study's report got its ACK AA: the retention period starts."""
        with self._transaction() as conn:
            conn.execute(
                "UPDATE studies SET reported_at = ? WHERE tag = ?",
                (acknowledged_at.astimezone(UTC).isoformat(), self._keys.tag("study", study_uid)),
            )

    # --- reading ---

    def get(self, study_uid: str) -> CachedStudy | None:
        row = self._study_row(study_uid)
        return None if row is None else self._info(row)

    def studies(self) -> list[CachedStudy]:
        """Every cached study (urgent first, then oldest), for the offline worklist."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM studies ORDER BY priority = 'urgent' DESC, cached_at"
            ).fetchall()
        found = []
        for row in rows:
            try:
                found.append(self._info(row))
            except CacheIntegrityError as exc:  # one damaged entry must not hide the others
                log.error("cache: study %s left out of the list: %s", row["ref"], exc)
        return found

    def total_size(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COALESCE(SUM(size), 0) FROM instances").fetchone()[0])

    def instances(self, study_uid: str) -> list[CachedInstance]:
        row = self._require(study_uid)
        key = self._study_key(row)
        with self._lock:
            rows = self._conn.execute(
                "SELECT file, metadata, size FROM instances WHERE study_ref = ?", (row["ref"],)
            ).fetchall()
        found = []
        for r in rows:
            meta = self._metadata(key, r["metadata"], row["ref"], r["file"])
            found.append(CachedInstance(meta["series_uid"], meta["sop_uid"], r["file"], r["size"]))
        return sorted(found, key=lambda i: (i.series_uid, i.sop_uid))

    def _decrypt(self, row: sqlite3.Row, key: bytes, study_uid: str, instance: CachedInstance) -> bytes:
        path = self._objects / row["ref"] / f"{instance.file}.bin"
        try:
            blob = path.read_bytes()
        except OSError as exc:
            raise CacheIntegrityError(
                f"cache file of study {row['ref']} unreadable: {type(exc).__name__}",
                QT_TRANSLATE_NOOP(
                    "Cache", "Une image de l'examen manque dans le cache : l'examen doit être retéléchargé."
                ),
            ) from exc
        try:
            return open_sealed(key, blob, instance_ad(study_uid, instance.sop_uid))
        except IntegrityError as exc:
            log.error("cache file %s/%s failed authentication: %s", row["ref"], instance.file, exc)
            raise CacheIntegrityError(
                f"cache file {row['ref']}/{instance.file}: {exc}",
                QT_TRANSLATE_NOOP(
                    "Cache",
                    "Une image de l'examen en cache a été modifiée ou déplacée depuis son téléchargement : "
                    "elle n'est pas affichée. Retéléchargez l'examen depuis la plateforme.",
                ),
            ) from exc

    def open_study(self, study_uid: str) -> OpenedStudy:
        """Decrypt the study into a private directory for the viewer; close it when the viewer does."""
        row = self._require(study_uid)
        key = self._study_key(row)
        directory = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=self._runtime))
        paths: list[Path] = []
        opened = OpenedStudy(directory, paths, self._forget)
        try:
            for instance in self.instances(study_uid):
                data = self._decrypt(row, key, study_uid, instance)
                target = directory / instance.series_uid / f"{instance.sop_uid}.dcm"
                target.parent.mkdir(exist_ok=True, mode=0o700)
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                paths.append(target)
        except BaseException:
            opened.close()
            raise
        with self._lock:
            self._opened.append(opened)
        self._audit_read(row, key, study_uid)
        return opened

    def _forget(self, opened: OpenedStudy) -> None:
        with self._lock, contextlib.suppress(ValueError):
            self._opened.remove(opened)

    def _audit_read(self, row: sqlite3.Row, key: bytes, study_uid: str) -> None:
        if self._auditor is not None:
            meta = self._metadata(key, row["metadata"], row["ref"], "study")
            self._auditor.study_read(study_uid, meta.get("patient_id", ""))

    # --- eviction ---

    def evict(self, study_uid: str, reason: str) -> bool:
        """Destroy the study's key, then its files. ``reason`` is English, for the audit record."""
        row = self._study_row(study_uid)
        if row is None:
            return False
        try:
            patient_id = self._info(row).patient_id
        except CacheError:
            patient_id = ""
        with self._transaction() as conn:
            conn.execute("DELETE FROM instances WHERE study_ref = ?", (row["ref"],))
            conn.execute("DELETE FROM studies WHERE ref = ?", (row["ref"],))
        with self._lock:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # no old page keeps the wrapped key
        shutil.rmtree(self._objects / row["ref"], ignore_errors=True)
        log.info("cache: study %s evicted (%s)", row["ref"], reason)
        if self._auditor is not None:
            self._auditor.study_evicted(study_uid, patient_id, reason)
        return True

    def evict_expired(self, is_open: Callable[[str], bool]) -> list[str]:
        """Evict every study reported (ACK) more than ``retention`` ago with nothing open in the outbox.

        ``is_open(study_uid)`` is ``OutboxStore.has_open``: a pending or refused message of the study
        keeps it, whatever its age. Returns the evicted Study Instance UIDs.
        """
        limit = (self._now() - self._retention).astimezone(UTC)
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM studies WHERE reported_at IS NOT NULL AND reported_at <= ?",
                (limit.isoformat(),),
            ).fetchall()
        evicted = []
        for row in rows:
            try:
                study_uid = self._info(row).study_uid
            except CacheIntegrityError as exc:  # cannot tell which study: keep it, say so
                log.error("cache: study %s not considered for eviction: %s", row["ref"], exc)
                continue
            if is_open(study_uid):
                continue
            if self.evict(
                study_uid, f"retention: report acknowledged more than {self._retention.days} days ago"
            ):
                evicted.append(study_uid)
        return evicted

    def integrity_check(self) -> str:
        with self._lock:
            return str(self._conn.execute("PRAGMA integrity_check").fetchone()[0])

    def close(self) -> None:
        for opened in list(self._opened):
            opened.close()
        with self._lock:
            self._conn.close()
