"""Export of what the platform received, for inspection outside it.

messages/NNNNNN_<type>_<MSH-10>_<ack>.hl7 holds each received message byte for byte, accepted or
not; documents/NNNNNN_<order>_<document id>.xml each CDA decoded from an accepted report message;
audit/<source>_<chain>.jsonl each workstation audit chain received, its lines as the workstation
sealed them, and <source>_<chain>.k0 its initial key when the workstation escrowed it
(``python -m workstation.audit verify FILE.jsonl --key-file FILE.k0`` checks the chain).
The store is only read, so this runs beside a live server.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ExportReport:
    messages: int
    documents: int
    audit_chains: int = 0


def _safe(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]+", "-", value).strip("-")[:80] or "x"


def export(database: Path, out: Path) -> ExportReport:
    if not database.is_file():
        raise FileNotFoundError(database)
    (out / "messages").mkdir(parents=True, exist_ok=True)
    (out / "documents").mkdir(parents=True, exist_ok=True)
    (out / "audit").mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(database)
    conn.row_factory = sqlite3.Row
    try:
        messages = documents = 0
        for row in conn.execute(
            "SELECT id, message_type, control_id, ack_code, raw FROM messages ORDER BY id"
        ):
            kind, control_id = _safe(row["message_type"]), _safe(row["control_id"])
            name = f"{row['id']:06d}_{kind}_{control_id}_{row['ack_code']}.hl7"
            (out / "messages" / name).write_bytes(row["raw"])
            messages += 1
        for row in conn.execute(
            "SELECT id, order_id, document_root, document_extension, cda FROM documents ORDER BY id"
        ):
            doc_id = _safe(f"{row['document_root']}_{row['document_extension']}")
            (out / "documents" / f"{row['id']:06d}_{_safe(row['order_id'])}_{doc_id}.xml").write_bytes(
                row["cda"]
            )
            documents += 1
        chains = 0
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        has_audit, has_keys = "audit_chains" in tables, "audit_keys" in tables
        query = "SELECT chain, source FROM audit_chains ORDER BY first_received_at, chain"
        for chain in conn.execute(query) if has_audit else ():
            lines = conn.execute(
                "SELECT line FROM audit_records WHERE chain = ? ORDER BY idx", (chain["chain"],)
            )
            data = "".join(row["line"] + "\n" for row in lines).encode("utf-8")
            name = f"{_safe(chain['source'])}_{chain['chain']}"
            (out / "audit" / f"{name}.jsonl").write_bytes(data)
            key_query = "SELECT initial_key FROM audit_keys WHERE chain = ?"
            key = conn.execute(key_query, (chain["chain"],)).fetchone() if has_keys else None
            if key is not None:  # the auditor's k0, for `verify --key-file`: readable by the owner only
                fd = os.open(out / "audit" / f"{name}.k0", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "w", encoding="ascii") as stream:
                    stream.write(key["initial_key"] + "\n")
            chains += 1
    finally:
        conn.close()
    return ExportReport(messages, documents, chains)
