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
MAC names the chain). A record resent with the MAC already stored is a duplicate (delivery is at
least once); a different MAC at an index already stored, or a link that does not match, is a
conflict: the journal changed after it was shipped, which the workstation must raise as a security
alert.

Key escrow (``PUT /api/v1/audit/chains/{chain}/key``): the workstation hands the chain's initial
key ``k_0`` to the platform once the chain exists here, then deletes it from its keyring. The
platform checks that the key seals every record it holds, keeps it (for auditors: ``export``
writes it beside the chain) and from then on checks the MAC of every record it receives, evolving
the key as the writer does: ``k_{i+1} = HMAC-SHA256(k_i, "evolve")``, ``mac_i = HMAC-SHA256(k_i,
"record" || canonical body)``. After that, whoever reads the workstation's keyring holds only the
writer's current key: records sealed before cannot be re-sealed, shipped or not.
"""

from __future__ import annotations

import hashlib
import hmac
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
    body: bytes  # the canonical body the MAC covers


def _canonical(obj: Any) -> bytes:
    """The journal's canonical JSON (wire format): sorted keys, no spaces, ASCII only."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode(
        "ascii"
    )


def _seal(key: bytes, body: bytes) -> str:
    return hmac.digest(key, b"record" + body, hashlib.sha256).hex()


def _evolve(key: bytes) -> bytes:
    return hmac.digest(key, b"evolve", hashlib.sha256)


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
    try:
        body_bytes = _canonical(body)
    except ValueError as exc:
        raise _bad(position, "contenu non canonique") from exc
    if text != '{"body":' + body_bytes.decode("ascii") + ',"mac":"' + mac + '"}':
        raise _bad(position, "ligne qui n'est pas sous forme canonique")
    return _Line(index, prev, mac, source, text, body_bytes)


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
                "SELECT head_index, head_mac, owner FROM audit_chains WHERE chain = ?", (chain,)
            ).fetchone()
            head = (row["head_index"], row["head_mac"]) if row else None
            escrow = conn.execute("SELECT next_key FROM audit_keys WHERE chain = ?", (chain,)).fetchone()
            next_key = bytes.fromhex(escrow["next_key"]) if escrow else None
            if row is not None and escrow is None and row["owner"] != login:
                # Before its key is escrowed nothing here can tell a forged record from a real one:
                # only the account that opened the chain writes to it. Afterwards every record's
                # seal is checked, so another user of the same workstation may ship its records.
                raise _not_yours(chain)
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
                if next_key is not None:
                    if not hmac.compare_digest(_seal(next_key, line.body), line.mac):
                        raise _conflict(head, f"sceau de l'enregistrement {line.index} invalide")
                    next_key = _evolve(next_key)
                if line.index == 0:
                    if line.mac != chain:
                        raise _conflict(None, "l'enregistrement 0 ne porte pas le sceau qui nomme la chaîne")
                    conn.execute(
                        "INSERT INTO audit_chains (chain, source, head_index, head_mac, first_received_at,"
                        " last_received_at, owner) VALUES (?, ?, 0, ?, ?, ?, ?)",
                        (chain, line.source, line.mac, now, now, login),
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
                if next_key is not None:
                    conn.execute(
                        "UPDATE audit_keys SET next_key = ?, verified_index = ? WHERE chain = ?",
                        (next_key.hex(), head[0], chain),
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
        """What the platform holds of a chain: its head (the anchor), when, and whether its key is here."""
        with self._store.reading() as conn:
            row = conn.execute(
                "SELECT c.*, k.verified_index FROM audit_chains c LEFT JOIN audit_keys k USING (chain)"
                " WHERE chain = ?",
                (chain,),
            ).fetchone()
        if row is None:
            raise _unknown_chain()
        return {
            "chain": chain,
            "source": row["source"],
            "head": {"index": row["head_index"], "mac": row["head_mac"]},
            "first_received_at": row["first_received_at"],
            "last_received_at": row["last_received_at"],
            "key_escrowed": row["verified_index"] is not None,
        }

    def escrow(self, chain: str, key_hex: Any, login: str) -> dict[str, Any]:
        """Keep the chain's initial key after checking that it seals every record held."""
        if not isinstance(key_hex, str) or not _HEX64.match(key_hex):
            raise AuditRefused(400, "bad_request", "Clé attendue : 64 chiffres hexadécimaux.")
        with self._store.transaction() as conn:
            row = conn.execute(
                "SELECT head_index, owner FROM audit_chains WHERE chain = ?", (chain,)
            ).fetchone()
            if row is None:
                raise _unknown_chain()
            if row["owner"] != login:
                raise _not_yours(chain)
            held = conn.execute("SELECT initial_key FROM audit_keys WHERE chain = ?", (chain,)).fetchone()
            if held is not None:
                if not hmac.compare_digest(held["initial_key"], key_hex):
                    raise _key_mismatch("another key is already escrowed for this chain")
                return {"chain": chain, "verified": row["head_index"] + 1}
            key = bytes.fromhex(key_hex)
            lines = conn.execute("SELECT idx, line FROM audit_records WHERE chain = ? ORDER BY idx", (chain,))
            count = 0
            for record in lines:
                body = _canonical(json.loads(record["line"])["body"])
                if not hmac.compare_digest(_seal(key, body), json.loads(record["line"])["mac"]):
                    raise _key_mismatch(f"record {record['idx']} is not sealed by this key")
                key = _evolve(key)
                count += 1
            conn.execute(
                "INSERT INTO audit_keys (chain, initial_key, next_key, verified_index, escrowed_at,"
                " escrowed_by) VALUES (?, ?, ?, ?, ?, ?)",
                (chain, key_hex, key.hex(), row["head_index"], iso(self._clock.now()), login),
            )
        log.info("audit chain %s…: initial key escrowed, %d record(s) verified", chain[:12], count)
        return {"chain": chain, "verified": count}


def _not_yours(chain: str) -> AuditRefused:
    log.warning("audit chain %s…: write refused, the chain belongs to another account", chain[:12])
    return AuditRefused(
        403,
        "chain_not_yours",
        "Ce journal d'audit a été ouvert par un autre compte : cet envoi est refusé (alerte de sécurité).",
    )


def _unknown_chain() -> AuditRefused:
    return AuditRefused(404, "unknown_chain", "Aucun journal d'audit reçu sous cet identifiant.")


def _key_mismatch(detail: str) -> AuditRefused:
    log.warning("audit key escrow refused: %s", detail)
    return AuditRefused(
        409,
        "key_mismatch",
        "Cette clé ne scelle pas le journal d'audit reçu : elle n'est pas conservée (alerte de sécurité).",
    )
