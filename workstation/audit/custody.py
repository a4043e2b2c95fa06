"""Who keeps the journal's keys: the OS keyring, through :mod:`auth.keystore`.

Two entries: the initial key ``k_0`` (the verifier's key, ``AUDIT_JOURNAL_KEY``) and the writer state
(next index, last MAC, current key ``k_n``; ``AUDIT_WRITER_STATE``), saved after every append. The
writer state also serves as the expected chain head, so verifying with the keyring detects records
cut off the end of the file.

``k_0`` does not stay: once the platform holds the chain, ``AuditShipper.escrow_initial_key``
hands it over and deletes it here, so the keyring then holds only the writer's current key and
nobody on the workstation can re-seal an earlier record. Until then (a journal never shipped), an
attacker who can read the keyring could re-seal the past. See README.md.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path

from auth.keystore import KeyStore, SecretName
from auth.secret import Secret
from workstation.audit.journal import AuditJournal, ChainHead, WriterState, default_journal_path

log = logging.getLogger(__name__)


class KeyringStateStore:
    """The writer state as one keyring entry (JSON; its hex key text is a copy we cannot wipe)."""

    def __init__(self, keystore: KeyStore) -> None:
        self._keystore = keystore

    def load(self) -> WriterState | None:
        stored = self._keystore.load(SecretName.AUDIT_WRITER_STATE)
        if stored is None:
            return None
        with stored:
            data = json.loads(bytes(stored.view()))
        return WriterState(data["next_index"], bytes.fromhex(data["prev"]), bytes.fromhex(data["key"]))

    def save(self, state: WriterState) -> None:
        payload = json.dumps(
            {"next_index": state.next_index, "prev": state.prev_mac.hex(), "key": state.key.hex()}
        ).encode("ascii")
        with Secret(payload) as secret:
            self._keystore.store(SecretName.AUDIT_WRITER_STATE, secret)


def open_journal(keystore: KeyStore, path: Path | None = None) -> AuditJournal:
    """The workstation's journal, its keys in the keyring (a new chain and ``k_0`` on first use).

    Raises ``JournalTampered`` / ``JournalStateLost``: record a security alert and call
    :func:`set_aside_and_restart`.
    """
    path = path or default_journal_path()
    store = KeyringStateStore(keystore)
    if store.load() is not None:
        return AuditJournal(path, store)
    with keystore.load_or_create_key(SecretName.AUDIT_JOURNAL_KEY) as initial_key:
        return AuditJournal(path, store, initial_key)


def verification_material(keystore: KeyStore, path: Path) -> tuple[Secret | None, ChainHead | None]:
    """``k_0`` for ``path`` and, for the current journal, the head its writer reached.

    A journal set aside keeps its ``k_0`` under its own file name; the current one under none.
    """
    set_aside = keystore.load(SecretName.AUDIT_JOURNAL_KEY, scope=path.name)
    if set_aside is not None:
        return set_aside, None
    state = KeyringStateStore(keystore).load()
    head = state.head if state else None
    if state:
        state.wipe()
    return keystore.load(SecretName.AUDIT_JOURNAL_KEY), head


def set_aside_and_restart(keystore: KeyStore, path: Path | None = None) -> tuple[AuditJournal, Path]:
    """Keep a journal that failed its checks as evidence and start a new chain beside it.

    The old file is renamed ``<name>.<UTC time>.set-aside.jsonl`` and its ``k_0`` re-filed under that
    name, so it can still be verified (``python -m workstation.audit verify FILE --key-from-keyring``).
    The caller then records ``AuditTrail.chain_broken`` in the new journal, naming the old file.
    """
    path = path or default_journal_path()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.stem}.{stamp}.set-aside{path.suffix}")
    if path.exists():
        os.replace(path, aside)
    acknowledged = path.with_name(path.name + ".ack.json")  # shipping.AckStore's file goes with it
    if acknowledged.exists():
        os.replace(acknowledged, aside.with_name(aside.name + ".ack.json"))
    old_key = keystore.load(SecretName.AUDIT_JOURNAL_KEY)
    if old_key is not None:
        with old_key:
            keystore.store(SecretName.AUDIT_JOURNAL_KEY, old_key, scope=aside.name)
    keystore.delete(SecretName.AUDIT_JOURNAL_KEY)
    keystore.delete(SecretName.AUDIT_WRITER_STATE)
    log.warning("audit journal %s set aside as %s; a new chain starts", path, aside.name)
    return open_journal(keystore, path), aside
