"""The append-only audit journal: one JSON line per record, each sealed by a forward-secure HMAC chain.

Line ``i`` is ``{"body":B,"mac":M}`` where ``B`` is the canonical JSON of
``{"index": i, "prev": mac(i-1), "record": ..., "v": 1}`` and ``M = HMAC-SHA256(k_i, "record" || B)``.
The key evolves at every record, ``k_{i+1} = HMAC-SHA256(k_i, "evolve")``, and the writer overwrites
``k_i`` as soon as it has sealed record ``i``. Whoever steals the writer's current key ``k_n`` can
append records but cannot recompute any MAC before ``n`` (that needs ``k_0..k_{n-1}``, which no
longer exist on the workstation); the verifier, holding ``k_0``, derives every key again.

What the chain proves: a change to any byte of a sealed record, and the deletion, reordering or
duplication of records, are detected and located at the first bad index. Cutting records off the end
is detected only against a chain head recorded elsewhere (the writer state in the keyring, or the
platform's acknowledgement of what it received): see ``expected_head`` in :func:`verify_lines`.

Crash safety: a record is written with one ``write`` then ``fsync`` before the writer state advances.
On reopening, a torn last line (never acknowledged) is cut off, and a complete record beyond the
saved state (the crash came between ``fsync`` and saving the state) is checked and adopted.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from hashlib import sha256
from pathlib import Path
from typing import Any, Protocol

import filelock

from auth.secret import Secret
from workstation import paths
from workstation.audit.model import AuditRecord
from workstation.private_files import private_folder

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
KEY_SIZE = 32
GENESIS_MAC = bytes(32)
_EVOLVE = b"evolve"
_RECORD = b"record"

Key = Secret | bytes | bytearray


class JournalError(Exception):
    """The journal cannot be used; ``user_message`` is French, ``str()`` the English detail."""

    def __init__(self, detail: str, user_message: str) -> None:
        super().__init__(detail)
        self.user_message = user_message


class JournalTampered(JournalError):
    """The file does not match the writer's saved state: records were removed, added or altered."""


class JournalStateLost(JournalError):
    """The journal has records but the writer state (current key) is gone: the chain cannot continue."""


class JournalBusy(JournalError):
    """Another process holds the journal open for writing."""


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The last sealed record: what the platform acknowledges and what truncation is checked against."""

    index: int
    mac: bytes

    def to_text(self) -> str:
        return f"{self.index}:{self.mac.hex()}"

    @classmethod
    def from_text(cls, text: str) -> ChainHead:
        index, _, mac = text.strip().partition(":")
        try:
            head = cls(int(index), bytes.fromhex(mac))
        except ValueError as exc:
            raise ValueError(f"a chain head is INDEX:MAC_HEX, not {text!r}") from exc
        if head.index < 0 or len(head.mac) != 32:
            raise ValueError(f"a chain head is INDEX:MAC_HEX with a 64-digit MAC, not {text!r}")
        return head


def _key_bytes(key: Key) -> bytes | bytearray | memoryview:
    return key.view() if isinstance(key, Secret) else key


def evolve(key: bytes | bytearray | memoryview) -> bytearray:
    return bytearray(hmac.digest(key, _EVOLVE, sha256))


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode(
        "ascii"
    )


def _line(body_bytes: bytes, mac_hex: str) -> bytes:
    return b'{"body":' + body_bytes + b',"mac":"' + mac_hex.encode("ascii") + b'"}\n'


def _seal(index: int, prev: bytes, record: AuditRecord, key: bytearray) -> tuple[bytes, bytes]:
    body = _canonical({"index": index, "prev": prev.hex(), "record": record.to_json(), "v": FORMAT_VERSION})
    mac = hmac.digest(key, _RECORD + body, sha256)
    return _line(body, mac.hex()), mac


# --- verification ----------------------------------------------------------------------------------


class ProblemKind(Enum):
    UNREADABLE = "unreadable"
    NOT_CANONICAL = "not_canonical"
    OUT_OF_PLACE = "out_of_place"
    BROKEN_LINK = "broken_link"
    BAD_MAC = "bad_mac"
    TORN = "torn"
    MISSING_RECORDS = "missing_records"
    HEAD_MISMATCH = "head_mismatch"

    @property
    def description(self) -> str:
        """French, for the person checking the journal."""
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    ProblemKind.UNREADABLE: "ligne illisible (modifiée ou insérée)",
    ProblemKind.NOT_CANONICAL: "mise en forme modifiée (octet changé hors du contenu signé)",
    ProblemKind.OUT_OF_PLACE: "enregistrement hors de sa place (supprimé avant, déplacé ou dupliqué)",
    ProblemKind.BROKEN_LINK: "lien avec l'enregistrement précédent rompu",
    ProblemKind.BAD_MAC: "sceau (HMAC) invalide : contenu modifié, ou clé différente",
    ProblemKind.TORN: "dernier enregistrement incomplet (fichier tronqué)",
    ProblemKind.MISSING_RECORDS: "enregistrements manquants en fin de journal (fichier tronqué)",
    ProblemKind.HEAD_MISMATCH: "l'enregistrement accusé par la tête de chaîne a changé",
}


@dataclass(frozen=True, slots=True)
class Problem:
    index: int
    kind: ProblemKind
    detail: str  # English

    def describe(self) -> str:
        return f"enregistrement {self.index} : {self.kind.description} ({self.detail})"


@dataclass(frozen=True, slots=True)
class Verification:
    """``records`` sealed records were found valid before ``problem`` (or in total when ``ok``)."""

    records: int
    head: ChainHead | None
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _check_line(raw: bytes, index: int, prev_hex: str, key: bytearray) -> tuple[bytes | None, Problem | None]:
    """The MAC of line ``index`` when it is valid, else the problem found."""
    if not raw.endswith(b"\n"):
        return None, Problem(index, ProblemKind.TORN, f"{len(raw)} bytes without an end of line")
    raw = raw[:-1]
    try:
        parsed = json.loads(raw)
        body, mac_hex = parsed["body"], parsed["mac"]
        if not isinstance(body, dict) or not isinstance(mac_hex, str):
            raise TypeError("body must be an object and mac a string")
        body_bytes = _canonical(body)
        if _line(body_bytes, mac_hex)[:-1] != raw:
            return None, Problem(index, ProblemKind.NOT_CANONICAL, "the line is not in canonical form")
        found = body["index"]
    except (ValueError, TypeError, KeyError, UnicodeError) as exc:
        return None, Problem(index, ProblemKind.UNREADABLE, f"{type(exc).__name__}: {exc}")
    if found != index:
        return None, Problem(index, ProblemKind.OUT_OF_PLACE, f"expected index {index}, found {found!r}")
    if body.get("prev") != prev_hex:
        return None, Problem(index, ProblemKind.BROKEN_LINK, "prev is not the MAC of the previous record")
    mac = hmac.digest(key, _RECORD + body_bytes, sha256)
    if not hmac.compare_digest(mac.hex(), mac_hex):
        return None, Problem(index, ProblemKind.BAD_MAC, "HMAC mismatch")
    return mac, None


def verify_lines(
    lines: Iterable[bytes], initial_key: Key, expected_head: ChainHead | None = None
) -> Verification:
    """Check a journal given as its lines (each with its ``\\n``), stopping at the first problem.

    ``expected_head``: a head known from elsewhere (writer state, platform acknowledgement); the
    journal must reach it with the same MAC, which is how cutting records off the end is detected.
    """
    key = bytearray(_key_bytes(initial_key))
    prev = GENESIS_MAC
    count = 0
    problem: Problem | None = None
    for raw in lines:
        mac, problem = _check_line(raw, count, prev.hex(), key)
        if mac is None:
            break
        if expected_head is not None and count == expected_head.index and mac != expected_head.mac:
            problem = Problem(count, ProblemKind.HEAD_MISMATCH, "MAC differs from the acknowledged head")
            break
        prev = mac
        next_key = evolve(key)
        key[:] = bytes(len(key))
        key = next_key
        count += 1
    key[:] = bytes(len(key))
    if problem is None and expected_head is not None and count <= expected_head.index:
        problem = Problem(
            count,
            ProblemKind.MISSING_RECORDS,
            f"{count} records, the head acknowledges {expected_head.index + 1}",
        )
    head = ChainHead(count - 1, prev) if count else None
    return Verification(count, head, problem)


def verify_file(path: Path, initial_key: Key, expected_head: ChainHead | None = None) -> Verification:
    with open(path, "rb") as stream:
        return verify_lines(stream, initial_key, expected_head)


# --- reading (for export and shipping) ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JournalEntry:
    index: int
    mac: bytes
    record: AuditRecord
    line: bytes  # the sealed line as stored, for a verifier holding k_0 (the platform)


def read_entries(path: Path, after: ChainHead | None = None) -> Iterator[JournalEntry]:
    """The records after ``after`` (all when None), unverified: verify first when it matters.

    Raises :class:`JournalTampered` when the record at ``after.index`` is gone or no longer has the
    acknowledged MAC (the journal changed since it was shipped). A last line without its end of
    line is a record being written (or torn by a crash): it is not read.
    """
    reached = after is None
    with open(path, "rb") as stream:
        for index, raw in enumerate(stream):
            if not raw.endswith(b"\n"):
                break
            if after is not None and index < after.index:
                continue
            try:
                parsed = json.loads(raw)
                mac = bytes.fromhex(parsed["mac"])
                record = AuditRecord.from_json(parsed["body"]["record"])
            except (ValueError, KeyError, TypeError) as exc:
                raise JournalTampered(
                    f"record {index} is unreadable: {type(exc).__name__}: {exc}",
                    f"Le journal d'audit est altéré (enregistrement {index} illisible).",
                ) from exc
            if after is not None and index == after.index:
                if mac != after.mac:
                    raise _changed_since(after)
                reached = True
                continue
            yield JournalEntry(index, mac, record, raw)
    if not reached:
        assert after is not None
        raise _changed_since(after)


def _changed_since(head: ChainHead) -> JournalTampered:
    return JournalTampered(
        f"record {head.index} does not match the acknowledged head",
        "Le journal d'audit a changé depuis son dernier envoi à la plateforme.",
    )


# --- writing -------------------------------------------------------------------------------------------


class WriterState:
    """Where the chain stands: the next index, the last MAC and the current key (secret)."""

    __slots__ = ("key", "next_index", "prev_mac")

    def __init__(self, next_index: int, prev_mac: bytes, key: bytes | bytearray | memoryview) -> None:
        self.next_index = next_index
        self.prev_mac = bytes(prev_mac)
        self.key = bytearray(key)

    @property
    def head(self) -> ChainHead | None:
        return ChainHead(self.next_index - 1, self.prev_mac) if self.next_index else None

    def copy(self) -> WriterState:
        return WriterState(self.next_index, self.prev_mac, self.key)

    def wipe(self) -> None:
        self.key[:] = bytes(len(self.key))

    def __repr__(self) -> str:
        return f"WriterState(next_index={self.next_index}, key=<hidden>)"


class WriterStateStore(Protocol):
    """Keeps the writer state between runs (the keyring in production, see ``custody``)."""

    def load(self) -> WriterState | None: ...

    def save(self, state: WriterState) -> None: ...


class MemoryStateStore:
    """Writer state in memory: tests, tools, and a journal reopened from its initial key."""

    def __init__(self, state: WriterState | None = None) -> None:
        self._state = state

    def load(self) -> WriterState | None:
        return self._state.copy() if self._state else None

    def save(self, state: WriterState) -> None:
        if self._state is not None:
            self._state.wipe()
        self._state = state.copy()

    @classmethod
    def recover(cls, path: Path, initial_key: Key) -> MemoryStateStore:
        """The state a writer would have after the last valid record of ``path`` (checked from ``k_0``)."""
        result = verify_file(path, initial_key) if path.exists() else Verification(0, None, None)
        if not result.ok:
            assert result.problem is not None
            if result.problem.kind is not ProblemKind.TORN:
                raise JournalTampered(
                    f"cannot recover the writer state: {result.problem.detail} at {result.problem.index}",
                    f"Le journal d'audit est altéré : {result.problem.describe()}.",
                )
        key = bytearray(_key_bytes(initial_key))
        for _ in range(result.records):
            next_key = evolve(key)
            key[:] = bytes(len(key))
            key = next_key
        prev = result.head.mac if result.head else GENESIS_MAC
        store = cls(WriterState(result.records, prev, key))
        key[:] = bytes(len(key))
        return store


def default_journal_path() -> Path:
    """``audit/journal.jsonl`` in the data folder (:func:`workstation.paths.data_dir`; on Linux
    ``$XDG_DATA_HOME/teleradiologie``): data, never a cache that may be cleared."""
    return paths.data_dir() / "audit" / "journal.jsonl"


class AuditJournal:
    """The writer. One per journal file and process; ``append`` is durable when it returns."""

    def __init__(self, path: Path, state_store: WriterStateStore, initial_key: Key | None = None) -> None:
        self.path = Path(path)
        self.recovered_torn_tail = False
        self._store = state_store
        private_folder(self.path.parent)  # 0700, an existing looser folder tightened with a warning
        flags = (
            os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
        )
        self._fd = os.open(self.path, flags, 0o600)
        self._file_lock: filelock.BaseFileLock | None = None
        try:
            self._restrict_permissions()
            self._lock()
            self._state = self._open_state(initial_key)
        except BaseException:
            os.close(self._fd)
            if self._file_lock is not None:
                self._file_lock.release()
            raise

    # -- opening --

    def _restrict_permissions(self) -> None:
        if os.name != "posix":
            return
        mode = os.fstat(self._fd).st_mode & 0o777
        if mode & 0o077:
            log.warning("audit journal %s had mode %o: reset to 600", self.path, mode)
            os.fchmod(self._fd, 0o600)

    def _lock(self) -> None:
        """One writer per journal on every OS: an exclusive lock on ``<journal>.lock`` (filelock:
        ``flock`` on POSIX, ``msvcrt.locking`` on Windows), held until :meth:`close`, released by
        the OS if the process dies."""
        lock = filelock.FileLock(self.path.with_name(self.path.name + ".lock"), mode=0o600)
        try:
            lock.acquire(timeout=0)
        except filelock.Timeout as exc:
            raise JournalBusy(
                f"audit journal {self.path} is locked by another process",
                "Le journal d'audit est déjà ouvert par une autre instance du poste : fermez-la.",
            ) from exc
        self._file_lock = lock

    def _open_state(self, initial_key: Key | None) -> WriterState:
        size = os.fstat(self._fd).st_size
        state = self._store.load()
        if state is None:
            if size:
                raise JournalStateLost(
                    f"audit journal {self.path} has {size} bytes but no writer state",
                    "L'état du journal d'audit a disparu du trousseau : le journal ne peut plus être "
                    "prolongé. Il doit être mis de côté et un nouveau journal commencé.",
                )
            if initial_key is None:
                raise ValueError("a new journal needs its initial key")
            state = WriterState(0, GENESIS_MAC, _key_bytes(initial_key))
            self._store.save(state)
            return state
        return self._reconcile(state, size)

    def _reconcile(self, state: WriterState, size: int) -> WriterState:
        """Match the file against the saved state; adopt records sealed after it, cut a torn tail.

        Records beyond the saved state verify from the saved key (a crash, or a keyring that failed,
        between ``fsync`` and saving the state); forging them would take that very key.
        """
        expected, index, complete_end = state.next_index, 0, 0
        with open(self.path, "rb") as stream:
            for raw in stream:
                if not raw.endswith(b"\n"):
                    break  # a torn last line: cut below if it was never acknowledged
                if index >= state.next_index:
                    mac, problem = _check_line(raw, index, state.prev_mac.hex(), state.key)
                    if mac is None:
                        assert problem is not None
                        raise self._tampered(f"record {index} beyond the saved state: {problem.detail}")
                    state = self._advanced(state, mac)
                index += 1
                complete_end += len(raw)
        if index < expected:
            raise self._tampered(f"{index} complete records, the writer state expects {expected}")
        if index > expected:
            log.warning("audit journal: adopting %d record(s) sealed after the saved state", index - expected)
            self._store.save(state)
        if size > complete_end:
            log.warning(
                "audit journal: cutting %d bytes of a torn record (never acknowledged)", size - complete_end
            )
            os.ftruncate(self._fd, complete_end)
            os.fsync(self._fd)
            self.recovered_torn_tail = True
        return state

    @staticmethod
    def _advanced(state: WriterState, mac: bytes) -> WriterState:
        """The state after sealing one record with ``mac``; the old key is overwritten."""
        next_key = evolve(state.key)
        advanced = WriterState(state.next_index + 1, mac, next_key)
        next_key[:] = bytes(len(next_key))
        state.wipe()
        return advanced

    def _tampered(self, detail: str) -> JournalTampered:
        return JournalTampered(
            f"audit journal {self.path}: {detail}",
            "Le journal d'audit ne correspond plus à son état enregistré : des enregistrements ont été "
            "supprimés ou modifiés. Une alerte de sécurité est nécessaire.",
        )

    # -- writing --

    @property
    def head(self) -> ChainHead | None:
        return self._state.head

    def append(self, record: AuditRecord) -> ChainHead:
        return self.append_many([record])

    def append_many(self, records: Sequence[AuditRecord]) -> ChainHead:
        """Seal and write ``records`` with a single ``fsync`` (they become durable together)."""
        if self._fd < 0:
            raise ValueError("the audit journal is closed")
        if not records:
            raise ValueError("nothing to append")
        state = self._state.copy()
        lines: list[bytes] = []
        for record in records:
            line, mac = _seal(state.next_index, state.prev_mac, record, state.key)
            lines.append(line)
            state = self._advanced(state, mac)
        data = b"".join(lines)
        start = os.fstat(self._fd).st_size
        try:
            written = 0
            while written < len(data):
                written += os.write(self._fd, data[written:])
            os.fsync(self._fd)
        except OSError as exc:
            state.wipe()
            self._undo_partial_write(start)
            raise JournalError(
                f"cannot write the audit journal {self.path}: {exc}",
                "Le journal d'audit ne peut pas être écrit (disque plein ou protégé ?) : l'action "
                "n'a pas pu être tracée.",
            ) from exc
        # Durable from here on: the in-memory state advances even if saving it fails (the next
        # opening adopts the records from the older saved state).
        self._state.wipe()
        self._state = state
        self._store.save(state.copy())
        head = state.head
        assert head is not None
        return head

    def _undo_partial_write(self, start: int) -> None:
        try:
            os.ftruncate(self._fd, start)
        except OSError:
            log.exception("audit journal: could not cut a partial write; the next opening will")

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
            if self._file_lock is not None:
                self._file_lock.release()
            self._state.wipe()

    def __enter__(self) -> AuditJournal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
