"""Opening the outbox at start-up: integrity check, loss detection, recovery from the second copies.

Issue 22 showed that a damaged outbox file opens without a word: truncated to 0 bytes, or its WAL
deleted, cut or altered, SQLite sees an empty or shorter queue whose ``integrity_check`` is "ok";
with flipped bytes it may fail the check, or even fail to decode a row later. :func:`open_outbox`
therefore compares the queue with an independent record before anything is delivered:

- the **second copies** (:mod:`workstation.outbox.spool`): every message announced to the user and
  not yet settled has one; a copy whose row is missing (or altered: each row carries a digest) is a
  loss, and the row is rebuilt from it under its original seq;
- the **high-water mark** of the copies (the highest seq ever announced): a queue whose own
  sequence is below it has lost rows, delivered ones included (the local history).

When ``PRAGMA integrity_check`` fails, the file cannot be opened, or a loss is found, the files
(database, WAL, shared memory) are **set aside, never deleted**, in ``outbox-damaged-<time>/`` beside
them; a new queue is built from what can still be read in the old one (rows whose digest holds) and
from the copies. The :class:`RecoveryReport` says what happened, in English for the log and in
French for the user; the application records it in the audit journal and shows it at start-up, and
``python -m workstation.outbox check|recover`` does the same for support.

Also settled here: a row left *held* by a crash during signing is released when its copy exists (the
unit had completed) and dropped otherwise (the user was never told it was queued); a pending row
without a copy (written before copies existed, or under a lost key) gets one; the copy of a settled
message is removed.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from resources.translations import QT_TRANSLATE_NOOP
from workstation.outbox.spool import Spool, SpoolEntry, SpoolError, name_id
from workstation.outbox.store import (
    ItemState,
    MessageKind,
    OutboxBusy,
    OutboxError,
    OutboxStorageError,
    OutboxStore,
    RestoredMessage,
    row_digest,
)

log = logging.getLogger(__name__)

ASIDE_PREFIX = "outbox-damaged-"


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class RecoveryReport:
    """What the start-up check found and did (MSH-10s only: no patient datum)."""

    path: Path
    damage: str = ""  # English: why the file was set aside ('' when it was not)
    set_aside: Path | None = None  # where the damaged files were moved
    recovered: list[str] = field(default_factory=list)  # missing rows rebuilt from their copies
    repaired: list[str] = field(default_factory=list)  # rows altered on disk, rebuilt from their copies
    salvaged: int = 0  # rows read back from the damaged file
    unrecoverable: list[str] = field(default_factory=list)  # damaged, no copy: kept aside, not sent
    history_lost: int = 0  # settled rows known to have existed, gone from the rebuilt queue
    unreadable_copies: list[str] = field(default_factory=list)  # copies set aside (no row to rebuild)
    released: int = 0  # held rows whose unit had completed
    interrupted: list[str] = field(default_factory=list)  # held rows of an unfinished unit, dropped
    copies_written: int = 0  # pending rows that had no (readable) copy
    copies_removed: int = 0  # copies of settled messages

    @property
    def alarm(self) -> bool:
        """Something was lost or damaged (even if all of it was recovered): never silent."""
        return bool(
            self.damage or self.recovered or self.repaired or self.unrecoverable or self.history_lost
            or self.unreadable_copies
        )

    @property
    def user_message(self) -> str:
        """French, marked for the interface language; '' when there is nothing to say."""
        parts: list[str] = []
        if self.set_aside is not None:
            parts.append(
                QT_TRANSLATE_NOOP(
                    "Outbox",
                    "La file d'envoi locale était endommagée : le fichier a été mis de côté (sans rien "
                    "effacer) dans {folder} et la file a été reconstruite.",
                ).format(folder=self.set_aside.name)
            )
        if self.recovered or self.repaired:
            parts.append(
                QT_TRANSLATE_NOOP(
                    "Outbox",
                    "{count} message(s) signé(s) manquant(s) ou altéré(s) ont été récupérés depuis la copie "
                    "de secours chiffrée et seront envoyés normalement.",
                ).format(count=len(self.recovered) + len(self.repaired))
            )
        if self.unrecoverable or self.unreadable_copies:
            parts.append(
                QT_TRANSLATE_NOOP(
                    "Outbox",
                    "{count} message(s) n'ont pas pu être récupérés : ils sont conservés pour le support "
                    "et ne seront pas envoyés. Prévenez le support sans attendre.",
                ).format(count=len(self.unrecoverable) + len(self.unreadable_copies))
            )
        if self.history_lost:
            parts.append(
                QT_TRANSLATE_NOOP(
                    "Outbox",
                    "L'historique local de {count} envoi(s) déjà acquitté(s) par la plateforme est perdu "
                    "(ces messages ont bien été reçus).",
                ).format(count=self.history_lost)
            )
        if self.interrupted:
            parts.append(
                QT_TRANSLATE_NOOP(
                    "Outbox",
                    "{count} signature(s) interrompue(s) par l'arrêt du poste n'ont pas abouti : rien n'a "
                    "été envoyé pour elles ; signez à nouveau le compte rendu concerné.",
                ).format(count=len(self.interrupted))
            )
        return " ".join(parts)

    def summary(self) -> str:
        """English, one line, for the log and the audit journal."""
        return (
            f"outbox {self.path.name}: damage={self.damage or 'none'}"
            f" set_aside={self.set_aside.name if self.set_aside else '-'}"
            f" recovered={len(self.recovered)} repaired={len(self.repaired)} salvaged={self.salvaged}"
            f" unrecoverable={len(self.unrecoverable)} unreadable_copies={len(self.unreadable_copies)}"
            f" history_lost={self.history_lost} released={self.released}"
            f" interrupted={len(self.interrupted)} copies_written={self.copies_written}"
            f" copies_removed={self.copies_removed}"
        )

    def to_json(self) -> dict[str, object]:
        return {
            "at": _utc_now().isoformat(),
            "damage": self.damage,
            "set_aside": str(self.set_aside) if self.set_aside else None,
            "recovered": self.recovered,
            "repaired": self.repaired,
            "salvaged": self.salvaged,
            "unrecoverable": self.unrecoverable,
            "unreadable_copies": self.unreadable_copies,
            "history_lost": self.history_lost,
            "released": self.released,
            "interrupted": self.interrupted,
            "copies_written": self.copies_written,
            "copies_removed": self.copies_removed,
        }


def _files(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("", "-wal", "-shm")]


def set_aside(path: Path, now: datetime | None = None, prefix: str = ASIDE_PREFIX) -> Path:
    """Move the database and its WAL and shared memory into a new ``<prefix><time>/`` folder beside it."""
    stamp = (now or _utc_now()).strftime("%Y%m%dT%H%M%S%fZ")
    folder = path.with_name(f"{prefix}{stamp}")
    folder.mkdir(mode=0o700)
    for source in _files(path):
        if source.exists():
            os.replace(source, folder / source.name)
    log.error("damaged database files set aside in %s", folder)
    return folder


def database_damage(path: Path) -> str:
    """Why the SQLite database at ``path`` is damaged ('' when absent, empty or intact): the start-up
    check of the workstation's other local databases (the study cache's index). Opened read-only."""
    if not path.exists() or path.stat().st_size == 0:
        return ""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = "; ".join(str(r[0]) for r in conn.execute("PRAGMA integrity_check"))
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return f"unreadable: {exc}"
    return "" if result == "ok" else f"integrity_check: {result[:300]}"


def _salvage(folder: Path, name: str) -> list[dict[str, object]]:
    """Every row of a set-aside database that can still be read and still matches its digest."""
    source = folder / name
    if not source.exists() or source.stat().st_size == 0:
        return []
    rows: list[dict[str, object]] = []
    try:  # read-only, on the set-aside copy: nothing written next to the evidence but SQLite's -shm
        conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        log.warning("outbox salvage: %s unreadable: %s", source, exc)
        return []
    try:
        conn.row_factory = sqlite3.Row
        try:
            seqs = [r[0] for r in conn.execute("SELECT seq FROM messages ORDER BY seq")]
        except sqlite3.Error as exc:
            log.warning("outbox salvage: no row list in %s: %s", source, exc)
            return []
        for seq in seqs:
            try:
                row = conn.execute("SELECT * FROM messages WHERE seq = ?", (seq,)).fetchone()
            except sqlite3.Error:
                continue
            if row is None:
                continue
            data = dict(row)
            if data.get("held", 0) != 0:
                continue
            digest = data.get("digest") or row_digest(data["control_id"], data["kind"], data["payload"])
            if digest != row_digest(data["control_id"], data["kind"], data["payload"]):
                continue
            try:
                ItemState(data["state"])
                MessageKind(data["kind"])
            except ValueError:
                continue
            data["digest"] = digest
            rows.append(data)
    finally:
        conn.close()
    return rows


def _record_of(store: OutboxStore, control_id: str) -> RestoredMessage | None:
    item = store.get(control_id, with_payload=True)
    if item is None:
        return None
    return RestoredMessage(
        item.control_id,
        item.message_type,
        item.kind,
        item.payload,
        item.queued_at,
        item.order_id,
        item.study_uid,
        item.patient_id,
        item.sender,
    )


def _open_checked(path: Path) -> tuple[OutboxStore | None, str]:
    try:
        store = OutboxStore(path)
    except OutboxBusy:
        raise
    except OutboxError as exc:
        return None, f"cannot open: {exc}"
    try:
        result = store.integrity_check()
        if result != "ok":
            store.close()
            return None, f"integrity_check: {result[:300]}"
        store.identities()  # every row's identity readable
    except OutboxStorageError as exc:
        store.close()
        return None, f"unreadable: {exc}"
    return store, ""


def open_outbox(
    path: Path,
    spool: Spool | None,
    *,
    now: Callable[[], datetime] = _utc_now,
    recorded: Callable[[str], bool] | None = None,
) -> tuple[OutboxStore, RecoveryReport]:
    """The outbox store, checked and reconciled with its copies (see the module docstring).

    ``recorded(msh10)``: does the audit journal hold the "report signed" record of a report whose
    signing was cut by a crash after its copy was written? Then the unit had completed but for the
    release, and the report is released; otherwise it is dropped (never announced). Without it, a
    held row with its copy is released.

    Raises :class:`OutboxBusy` when another process holds it, :class:`OutboxError` when a new queue
    cannot even be created (the disk refuses it).
    """
    report = RecoveryReport(path)
    store, damage = _open_checked(path)
    entries = spool.entries() if spool is not None else []
    top = spool.top() if spool is not None else 0
    if store is not None and spool is not None:
        rows = store.identities()
        known = {(seq, name_id(cid)) for seq, (cid, _, _) in rows.items()}
        missing = [e for e in entries if (e.seq, e.name_id) not in known]
        last = store.last_seq()
        if missing or last < top:
            damage = f"loss: {len(missing)} announced message(s) missing, queue at seq {last} < {top}"
            store.close()
            store = None
    if store is None:
        report.damage = damage
        log.error("outbox %s: %s", path, damage)
        if any(f.exists() for f in _files(path)):
            report.set_aside = set_aside(path, now())
        store = OutboxStore(path)
        if report.set_aside is not None:
            salvaged = _salvage(report.set_aside, path.name)
            store.import_rows(salvaged)
            report.salvaged = len(salvaged)
    try:
        _reconcile(store, spool, entries, top, report, recorded)
    except BaseException:
        store.close()
        raise
    if report.alarm:
        log.error("outbox start-up check: %s", report.summary())
    elif report.released or report.interrupted or report.copies_written:
        log.info("outbox start-up check: %s", report.summary())
    return store, report


def _reconcile(
    store: OutboxStore,
    spool: Spool | None,
    entries: list[SpoolEntry],
    top: int,
    report: RecoveryReport,
    recorded: Callable[[str], bool] | None,
) -> None:
    problems = {p.seq: p for p in store.verify()}
    for problem in problems.values():
        log.error("outbox row %d (%s) damaged: %s", problem.seq, problem.control_id, problem.reason)
    rows = store.identities()
    copied: set[int] = set()  # seqs with a readable copy
    for entry in entries:
        row = rows.get(entry.seq)
        matches = row is not None and name_id(row[0]) == entry.name_id
        if matches and row is not None and row[1] in (ItemState.DELIVERED, ItemState.DISMISSED):
            assert spool is not None
            spool.remove(entry.seq, row[0])
            report.copies_removed += 1
            continue
        try:
            record = spool.read(entry) if spool is not None and spool.can_read else None
        except SpoolError as exc:
            log.error("outbox: %s", exc)
            record = None
        if record is None:
            if matches and entry.seq not in problems:
                continue  # the row is intact: its copy is written again below (e.g. the key changed)
            report.unreadable_copies.append(entry.name_id)
            if spool is not None and spool.can_read:
                spool.set_aside(entry, spool.directory / "unreadable")
            continue
        copied.add(entry.seq)
        if matches and entry.seq not in problems:
            if row is not None and row[2] == 1:
                needs_record = record.kind in (MessageKind.REPORT, MessageKind.ADDENDUM)
                if recorded is None or not needs_record or recorded(record.control_id):
                    store.release(entry.seq)  # the unit had completed: copy and record exist
                    report.released += 1
                else:
                    assert spool is not None
                    spool.discard(entry.seq, record.control_id)  # dropped with its row below
            continue
        store.restore(entry.seq, record)
        (report.repaired if matches else report.recovered).append(record.control_id)
    rows = store.identities()
    for seq, (control_id, state, held) in sorted(rows.items()):
        rebuilt = control_id in report.recovered or control_id in report.repaired
        if seq in problems and not rebuilt and held != 2:
            if state in (ItemState.PENDING, ItemState.REJECTED):
                store.set_aside_row(seq, problems[seq].reason)
                report.unrecoverable.append(control_id)
            continue
        if held == 1:
            store.discard_held(seq)  # a unit cut before its copy: never announced
            report.interrupted.append(control_id)
            continue
        if state == ItemState.PENDING and held == 0 and spool is not None and spool.can_read and (
            seq not in copied
        ):
            record = _record_of(store, control_id)
            if record is not None:
                spool.write(seq, record)
                report.copies_written += 1
    if spool is not None:
        known = store.last_seq()
        seqs = set(store.identities())
        if top > known or report.set_aside is not None:  # seqs at or below the mark the queue forgot
            mark = spool.highwater()
            report.history_lost = max(0, mark - len([s for s in seqs if s <= mark]))
        store.raise_sequence(max(top, known))


def append_log(log_path: Path, report: RecoveryReport) -> None:
    """One JSON line per start-up that found something (support's history; MSH-10s only)."""
    try:
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, (json.dumps(report.to_json()) + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        log.error("outbox: cannot write %s: %s", log_path, exc)




@dataclass
class FileCheck:
    """What a read-only check of the outbox's files finds (no key needed, nothing changed)."""

    path: Path
    integrity: str = "ok"  # SQLite's integrity_check, or why the file cannot be read
    pending: int = 0
    missing: list[str] = field(default_factory=list)  # copies (announced messages) without a row
    queue_position: int = 0
    copies_top: int = 0
    set_aside: list[Path] = field(default_factory=list)  # folders of damaged files kept for support

    @property
    def damaged(self) -> bool:
        return self.integrity != "ok" or bool(self.missing) or self.queue_position < self.copies_top

    def lines(self) -> list[str]:
        """French, for support (the CLI and the self-test's detail)."""
        out = [f"File d'envoi : {self.path}"]
        out.append(f"  intégrité SQLite : {self.integrity}")
        out.append(f"  messages en attente : {self.pending}")
        out.append(
            f"  copies de secours : position {self.copies_top}, file à la position {self.queue_position}"
        )
        if self.missing:
            out.append(
                f"  PERTE : {len(self.missing)} message(s) annoncé(s) absent(s) de la file "
                f"({', '.join(self.missing[:10])}{' ...' if len(self.missing) > 10 else ''})"
            )
        elif self.queue_position < self.copies_top:
            out.append("  PERTE : la file a oublié des messages (historique incomplet)")
        for folder in self.set_aside:
            out.append(f"  fichier endommagé conservé : {folder}")
        verdict = "à réparer : python -m workstation.outbox recover" if self.damaged else "rien à signaler"
        out.append(f"  → {verdict}")
        return out


def check_files(path: Path, spool_dir: Path) -> FileCheck:
    """Read-only: integrity, and the copies' names against the rows (works while the workstation runs)."""
    result = FileCheck(path, set_aside=sorted(path.parent.glob(f"{ASIDE_PREFIX}*")))
    spool = Spool(spool_dir, None) if spool_dir.exists() else None
    entries = spool.entries() if spool is not None else []
    result.copies_top = spool.top() if spool is not None else 0
    if not path.exists():
        result.integrity = "absent" if entries else "ok"
        result.missing = [e.name_id for e in entries]
        return result
    rows: set[tuple[int, str]] = set()
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        result.integrity = f"illisible ({exc})"
        result.missing = [e.name_id for e in entries]
        return result
    try:
        result.integrity = "; ".join(str(r[0]) for r in conn.execute("PRAGMA integrity_check"))[:300]
        rows = {
            (seq, name_id(cid)) for seq, cid in conn.execute("SELECT seq, control_id FROM messages")
        }
        result.pending = conn.execute(
            "SELECT COUNT(*) FROM messages WHERE state = 'pending' AND held = 0"
        ).fetchone()[0]
        sequence = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'messages'").fetchone()
        top = conn.execute("SELECT MAX(seq) FROM messages").fetchone()[0]
        result.queue_position = max(sequence[0] if sequence else 0, top or 0)
    except sqlite3.Error as exc:
        result.integrity = f"illisible ({exc})"
    finally:
        conn.close()
    result.missing = [e.name_id for e in entries if (e.seq, e.name_id) not in rows]
    return result
