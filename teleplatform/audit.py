"""Workstation audit journals shipped to the platform: stored as received, acknowledged by their head.

A workstation keeps a local append-only journal whose records are chained: line ``i`` is
``{"body":{"index":i,"prev":<MAC of i-1>,"record":{...},"v":1},"mac":"<HMAC, 64 hex>"}`` and the
chain is named by the MAC of its record 0. It ships the records it has not yet seen acknowledged;
the platform keeps each line byte for byte and answers the *chain head* it now holds, ``(index,
MAC)`` of its last record. That head, kept here out of the workstation's reach, is what reveals a
journal cut short or rewritten afterwards: the workstation's journal must still contain the
acknowledged record, with the same MAC.

What the platform checks without the journal's key: every line is a well-formed record, indexes
follow each other, each ``prev`` is the MAC of the record before it (record 0's is 64 zeros and its
MAC names the chain). It cannot check the MACs themselves (they need the workstation's initial
key): an auditor holding that key verifies an exported chain with ``python -m workstation.audit
verify``. A record resent with the MAC already stored is a duplicate (delivery is at least once);
a different MAC at an index already stored, or a link that does not match, is a conflict: the
journal changed after it was shipped, which the workstation must raise as a security alert.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from .clock import Clock, iso
from .store import Store

log = logging.getLogger(__name__)

MAX_RECORDS = 1000
"""Records per request: a batch is one transaction, and a long backlog goes in several."""

MAX_LINE = 64 * 1024
GENESIS = "0" * 64
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class AuditRefused(Exception):
    """A batch refused: HTTP status, API error code, French message, and the head held (if any)."""

    def __init__(self, status: int, code: str, message: str, head: tuple[int, str] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.head = head


@dataclass(frozen=True, slots=True)
class Receipt:
    chain: str
    head: tuple[int, str]  # (index, MAC hex) of the last record held for the chain
    stored: int  # new records stored by this batch
    duplicates: int  # records already held with the same MAC

    def as_json(self) -> dict[str, Any]:
        return {
            "chain": self.chain,
            "head": {"index": self.head[0], "mac": self.head[1]},
            "stored": self.stored,
            "duplicates": self.duplicates,
        }


@dataclass(frozen=True, slots=True)
class _Line:
    index: int
    prev: str
    mac: str
    source: str
    text: str


def _bad(position: int, why: str) -> AuditRefused:
    return AuditRefused(
        400, "bad_record", f"Enregistrement d'audit n° {position + 1} du lot illisible : {why}."
    )


def _parse(position: int, text: Any) -> _Line:
    """One sealed line, checked for shape only (the MAC needs the workstation's key)."""
    if not isinstance(text, str) or not text or len(text) > MAX_LINE or "\n" in text or "\r" in text:
        raise _bad(position, "une ligne JSON non vide est attendue")
    try:
        parsed = json.loads(text)
        body, mac = parsed["body"], parsed["mac"]
        index, prev, record = body["index"], body["prev"], body["record"]
        source = record["source"]["id"]
    except (ValueError, TypeError, KeyError) as exc:
        raise _bad(position, f"structure inattendue ({type(exc).__name__})") from exc
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise _bad(position, "index invalide")
    if not (isinstance(mac, str) and _HEX64.match(mac) and isinstance(prev, str) and _HEX64.match(prev)):
        raise _bad(position, "sceau ou lien invalide (64 chiffres hexadécimaux attendus)")
    if not isinstance(source, str) or not source:
        raise _bad(position, "source d'audit absente")
    return _Line(index, prev, mac, source, text)


def _conflict(head: tuple[int, str] | None, why: str) -> AuditRefused:
    return AuditRefused(
        409,
        "chain_conflict",
        "Le journal d'audit du poste ne correspond plus à ce que la plateforme a déjà reçu "
        f"({why}) : alerte de sécurité.",
        head,
    )


class AuditService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def receive(self, chain: Any, lines: Any, login: str) -> Receipt:
        """Store a batch of sealed lines of ``chain``; all of it or nothing (one transaction)."""
        if not isinstance(chain, str) or not _HEX64.match(chain):
            raise AuditRefused(
                400, "bad_request", "Identifiant de chaîne invalide (64 chiffres hexadécimaux attendus)."
            )
        if not isinstance(lines, list) or not lines:
            raise AuditRefused(400, "bad_request", "Le lot ne contient aucun enregistrement.")
        if len(lines) > MAX_RECORDS:
            raise AuditRefused(
                413, "batch_too_large", f"Au plus {MAX_RECORDS} enregistrements d'audit par envoi."
            )
        parsed = [_parse(position, text) for position, text in enumerate(lines)]
        for position, (before, after) in enumerate(itertools.pairwise(parsed), start=1):
            if after.index != before.index + 1:
                raise _bad(position, "les index du lot ne se suivent pas")
        now = iso(self._clock.now())
        stored = duplicates = 0
        with self._store.transaction() as conn:
            row = conn.execute(
                "SELECT head_index, head_mac FROM audit_chains WHERE chain = ?", (chain,)
            ).fetchone()
            head = (row["head_index"], row["head_mac"]) if row else None
            for line in parsed:
                if head is not None and line.index <= head[0]:
                    held = conn.execute(
                        "SELECT mac FROM audit_records WHERE chain = ? AND idx = ?", (chain, line.index)
                    ).fetchone()
                    if held is None or held["mac"] != line.mac:
                        raise _conflict(head, f"enregistrement {line.index} différent")
                    duplicates += 1
                    continue
                expected = head[0] + 1 if head else 0
                if line.index != expected:
                    raise AuditRefused(
                        409,
                        "chain_gap",
                        f"Enregistrements d'audit manquants : la plateforme attend le n° {expected}, "
                        f"reçu le n° {line.index}.",
                        head,
                    )
                if line.prev != (head[1] if head else GENESIS):
                    raise _conflict(head, f"lien de l'enregistrement {line.index} rompu")
                if line.index == 0:
                    if line.mac != chain:
                        raise _conflict(None, "l'enregistrement 0 ne porte pas le sceau qui nomme la chaîne")
                    conn.execute(
                        "INSERT INTO audit_chains (chain, source, head_index, head_mac, first_received_at,"
                        " last_received_at) VALUES (?, ?, 0, ?, ?, ?)",
                        (chain, line.source, line.mac, now, now),
                    )
                conn.execute(
                    "INSERT INTO audit_records (chain, idx, mac, line, received_at, received_from)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (chain, line.index, line.mac, line.text, now, login),
                )
                head = (line.index, line.mac)
                stored += 1
            assert head is not None  # a non-empty batch either stored, matched or raised
            if stored:
                conn.execute(
                    "UPDATE audit_chains SET head_index = ?, head_mac = ?, last_received_at = ?"
                    " WHERE chain = ?",
                    (head[0], head[1], now, chain),
                )
        log.info(
            "audit chain %s…: %d record(s) stored, %d duplicate(s), head %d",
            chain[:12],
            stored,
            duplicates,
            head[0],
        )
        return Receipt(chain, head, stored, duplicates)

    def chain(self, chain: str) -> dict[str, Any]:
        """What the platform holds of a chain: its head (the anchor) and when it was received."""
        with self._store.reading() as conn:
            row = conn.execute("SELECT * FROM audit_chains WHERE chain = ?", (chain,)).fetchone()
        if row is None:
            raise AuditRefused(404, "unknown_chain", "Aucun journal d'audit reçu sous cet identifiant.")
        return {
            "chain": chain,
            "source": row["source"],
            "head": {"index": row["head_index"], "mac": row["head_mac"]},
            "first_received_at": row["first_received_at"],
            "last_received_at": row["last_received_at"],
        }
