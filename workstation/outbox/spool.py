"""The outbox's second copy: every signed report and refusal, encrypted, until the platform acknowledges it.

The outbox's SQLite file is the queue; this folder is what rebuilds it when that file is damaged,
emptied or deleted (issue 22: a WAL lost or cut, a file truncated to 0, flipped bytes). One file per
message, written *before* the user is told the message is queued, removed once the platform's ACK is
recorded (AA) or the radiologist has dealt with a refusal (AE, then "classer")::

    outbox-spool/                       mode 0700
      000000000042-<MSH-10>.tlro        MAGIC || nonce || AES-256-GCM(key, message as JSON, AD)
      highwater                         the highest seq whose copy was removed after its ACK (not secret)

The sealing is the study cache's (:mod:`workstation.cache.crypto`: AES-256-GCM through
``cryptography``), under a key derived by HKDF from the cache's master key in the OS keyring with
its own label; the associated data is the file's name, so a copy renamed or swapped with another
does not open. A file is written to a temporary name, ``fsync``-ed, renamed and the folder
``fsync``-ed: it exists whole or not at all.

The names alone (seq and MSH-10, neither a patient datum) let :mod:`workstation.outbox.recovery`
detect a loss without the key (``python -m workstation.outbox check``); rebuilding needs the key.
``highwater`` is the anchor for the history: the queue's file must know every seq up to
``max(highwater, highest seq in the folder)``, or rows were lost (even delivered ones).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from auth.keystore import KeyStore, SecretName
from workstation.cache.crypto import IntegrityError, derive_key, open_sealed, seal
from workstation.outbox.store import MessageKind, RestoredMessage, Sender

log = logging.getLogger(__name__)

MAGIC = b"TLRO\x01"
SUFFIX = ".tlro"
_INFO = b"teleradiologie outbox: second copy v1"
_NAME = re.compile(r"^(\d{12})-([A-Za-z0-9_.-]{1,64})\.tlro$")
_SAFE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class SpoolError(Exception):
    """A second copy cannot be written or read (``str()`` is English; no patient data)."""


@dataclass(frozen=True, slots=True)
class SpoolEntry:
    seq: int
    name_id: str  # the MSH-10, or "h" + a hash of it when it is not a safe file name
    path: Path


def name_id(control_id: str) -> str:
    """What a copy's file name says of its MSH-10."""
    if _SAFE.match(control_id):
        return control_id
    return "h" + hashlib.sha256(control_id.encode()).hexdigest()[:40]


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_durably(path: Path, data: bytes) -> None:
    """``data`` at ``path`` whole or not at all: temporary file, fsync, rename, fsync of the folder."""
    partial = path.with_name(f".{path.name}.part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(partial, path)
        _fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise


class Spool:
    """The folder of second copies. Not thread-safe by itself: the outbox calls it under its own locks."""

    def __init__(self, directory: Path, key: bytes | None) -> None:
        """``key`` None: the names can be listed and compared (check), nothing can be written or read."""
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.name == "posix" and directory.stat().st_mode & 0o077:
            os.chmod(directory, 0o700)
        self.directory = directory
        self._key = key
        self._highwater: int | None = None
        self.write_file: Callable[[Path, bytes], None] = write_durably  # tests inject a full disk here
        if key is not None:  # the writer's opening (a read-only check changes nothing)
            for leftover in directory.glob(".*.part"):  # a write cut by a crash: never announced
                leftover.unlink(missing_ok=True)

    @classmethod
    def open(cls, directory: Path, keystore: KeyStore) -> Spool:
        """The spool under the key derived from the cache's master key in the OS keyring."""
        master = keystore.load_or_create_key(SecretName.CACHE_KEY)
        try:
            return cls(directory, derive_key(master.view(), _INFO))
        finally:
            master.wipe()

    @property
    def can_read(self) -> bool:
        return self._key is not None

    @staticmethod
    def _ad(stem: str) -> bytes:
        return b"outbox-copy\0" + stem.encode("ascii")

    def path_for(self, seq: int, control_id: str) -> Path:
        return self.directory / f"{seq:012d}-{name_id(control_id)}{SUFFIX}"

    def write(self, seq: int, record: RestoredMessage) -> Path:
        """Seal and write the copy of message ``seq`` (raises OSError, e.g. ENOSPC, or SpoolError)."""
        if self._key is None:
            raise SpoolError("outbox spool opened without its key: cannot write")
        path = self.path_for(seq, record.control_id)
        body = json.dumps(
            {
                "seq": seq,
                "control_id": record.control_id,
                "message_type": record.message_type,
                "kind": record.kind.value,
                "payload": record.payload,
                "queued_at": record.queued_at.isoformat(),
                "order_id": record.order_id,
                "study_uid": record.study_uid,
                "patient_id": record.patient_id,
                "user_login": record.sender.login,
                "user_rpps": record.sender.rpps,
            },
            ensure_ascii=False,
        ).encode("utf-8")
        self.write_file(path, seal(self._key, body, self._ad(path.stem), MAGIC))
        return path

    def entries(self) -> list[SpoolEntry]:
        """Every copy, by seq (files that are not copies are ignored and logged)."""
        found = []
        for path in self.directory.iterdir():
            if path.name == "highwater" or path.name.startswith("."):
                continue
            match = _NAME.match(path.name)
            if match is None:
                log.warning("outbox spool: unexpected file %s ignored", path.name)
                continue
            found.append(SpoolEntry(int(match.group(1)), match.group(2), path))
        return sorted(found, key=lambda e: e.seq)

    def read(self, entry: SpoolEntry) -> RestoredMessage:
        """The message a copy holds; SpoolError when it does not authenticate or is not one."""
        if self._key is None:
            raise SpoolError("outbox spool opened without its key: cannot read")
        try:
            body = open_sealed(self._key, entry.path.read_bytes(), self._ad(entry.path.stem), MAGIC)
            data = json.loads(body)
            record = RestoredMessage(
                control_id=str(data["control_id"]),
                message_type=str(data["message_type"]),
                kind=MessageKind(data["kind"]),
                payload=str(data["payload"]),
                queued_at=datetime.fromisoformat(data["queued_at"]),
                order_id=str(data["order_id"]),
                study_uid=str(data["study_uid"]),
                patient_id=str(data["patient_id"]),
                sender=Sender(str(data["user_login"]), str(data["user_rpps"])),
            )
        except (OSError, IntegrityError, ValueError, KeyError, TypeError) as exc:
            detail = f"outbox copy {entry.path.name} unreadable: {type(exc).__name__}: {exc}"
            raise SpoolError(detail) from exc
        if int(data.get("seq", -1)) != entry.seq or name_id(record.control_id) != entry.name_id:
            raise SpoolError(f"outbox copy {entry.path.name} does not hold the message its name says")
        return record

    def highwater(self) -> int:
        """The highest seq whose copy was removed after its ACK (0 when none or unreadable)."""
        if self._highwater is None:
            try:
                self._highwater = int((self.directory / "highwater").read_text("ascii").strip() or 0)
            except FileNotFoundError:
                self._highwater = 0
            except (OSError, ValueError) as exc:
                log.error("outbox spool: highwater unreadable (%s): taken as 0", exc)
                self._highwater = 0
        return self._highwater

    def top(self) -> int:
        """Every seq up to this one existed: max(highwater, highest seq of a copy)."""
        entries = self.entries()
        return max(self.highwater(), entries[-1].seq if entries else 0)

    def remove(self, seq: int, control_id: str) -> None:
        """The message is settled: raise the high-water mark to ``seq`` first, then drop the copy."""
        path = self.path_for(seq, control_id)
        if seq > self.highwater():
            write_durably(self.directory / "highwater", str(seq).encode("ascii"))
            self._highwater = seq
        path.unlink(missing_ok=True)

    def discard(self, seq: int, control_id: str) -> None:
        """Drop the copy of a message that was never announced (its signing failed): no high-water."""
        self.path_for(seq, control_id).unlink(missing_ok=True)

    def set_aside(self, entry: SpoolEntry, folder: Path) -> Path:
        """Move an unreadable copy out of the way, never deleting it (support may still open it)."""
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = folder / entry.path.name
        os.replace(entry.path, target)
        return target
