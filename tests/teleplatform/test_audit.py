"""POST /api/v1/audit and GET /api/v1/audit/chains/{chain}: real sealed journal lines over real HTTPS.

The lines come from the workstation's own journal writer, so the platform is tested against the
format it will actually receive.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from teleplatform.export import export
from workstation.audit import AuditJournal, AuditRecord, AuditSource, EventKind, MemoryStateStore, Outcome
from workstation.audit.journal import verify_file
from workstation.audit.model import AccessPointType, Participant

from .builders import ACCOUNT, write_data_dir
from .conftest import Live

K0 = bytes.fromhex("3c" * 32)


def _journal_lines(path: Path, count: int, key: bytes = K0) -> list[str]:
    user = Participant("dr.martin", True, "10001234567", "poste-1", AccessPointType.MACHINE_NAME)
    start = datetime(2026, 1, 6, 14, 0, tzinfo=UTC)
    records = [
        AuditRecord(
            EventKind.WORKLIST_QUERY,
            start + timedelta(seconds=i),
            Outcome.SUCCESS,
            AuditSource("poste-1"),
            (user,),
            description="requête « à valider » refusée ü" if i % 3 == 0 else "",  # escaped in the line
        )
        for i in range(count)
    ]
    with AuditJournal(path, MemoryStateStore(), key) as journal:
        journal.append_many(records)
    return path.read_text(encoding="ascii").splitlines()


def _mac(line: str) -> str:
    return json.loads(line)["mac"]


def _post(live: Live, chain: str, lines: list[str]):
    return live.session.post(live.url("/api/v1/audit"), json={"chain": chain, "records": lines})


@pytest.fixture
def lines(tmp_path: Path) -> list[str]:
    return _journal_lines(tmp_path / "journal.jsonl", 30)


def test_batches_are_stored_and_acknowledged_by_their_head(live: Live, lines: list[str]) -> None:
    live.authorize()
    chain = _mac(lines[0])
    first = _post(live, chain, lines[:10])
    assert first.status_code == 200, first.text
    assert first.json() == {
        "chain": chain,
        "head": {"index": 9, "mac": _mac(lines[9])},
        "stored": 10,
        "duplicates": 0,
    }
    second = _post(live, chain, lines[10:])
    assert second.json()["head"] == {"index": 29, "mac": _mac(lines[29])}
    held = live.session.get(live.url(f"/api/v1/audit/chains/{chain}"))
    assert held.status_code == 200
    assert held.json()["head"] == {"index": 29, "mac": _mac(lines[29])}
    assert held.json()["source"] == "poste-1"
    with sqlite3.connect(live.root / "state" / "platform.sqlite") as conn:
        stored = [
            row[0]
            for row in conn.execute("SELECT line FROM audit_records WHERE chain = ? ORDER BY idx", (chain,))
        ]
        who = {row[0] for row in conn.execute("SELECT received_from FROM audit_records")}
    assert stored == lines  # byte for byte
    assert who == {ACCOUNT["login"]}  # who shipped it, from the bearer


def test_a_resent_batch_is_counted_as_duplicates(live: Live, lines: list[str]) -> None:
    live.authorize()
    chain = _mac(lines[0])
    _post(live, chain, lines[:20])
    again = _post(live, chain, lines[10:25])  # overlaps: 10 known, 5 new
    assert again.status_code == 200
    assert (again.json()["stored"], again.json()["duplicates"]) == (5, 10)
    assert again.json()["head"]["index"] == 24
    older = _post(live, chain, lines[:5])  # entirely known: the answer names the head held
    assert older.json()["head"] == {"index": 24, "mac": _mac(lines[24])}


def test_a_rewritten_record_is_a_conflict_naming_the_head_held(
    live: Live, lines: list[str], tmp_path: Path
) -> None:
    live.authorize()
    chain = _mac(lines[0])
    _post(live, chain, lines[:20])
    # The same chain rewritten from record 10 on (by someone holding the keys): other MACs.
    rewritten = _journal_lines(tmp_path / "other.jsonl", 12, key=K0)
    rewritten = [json.loads(line) for line in rewritten]
    rewritten[10]["mac"] = "ee" * 32
    forged = [*lines[:10], json.dumps(rewritten[10], separators=(",", ":"))]
    conflict = _post(live, chain, forged)
    assert conflict.status_code == 409
    assert conflict.json()["error"] == "chain_conflict"
    assert "alerte de sécurité" in conflict.json()["message"]
    assert conflict.headers["X-Audit-Head"] == f"19:{_mac(lines[19])}"
    assert live.session.get(live.url(f"/api/v1/audit/chains/{chain}")).json()["head"]["index"] == 19


def test_a_broken_link_and_a_gap_are_refused(live: Live, lines: list[str]) -> None:
    live.authorize()
    chain = _mac(lines[0])
    _post(live, chain, lines[:10])
    gap = _post(live, chain, lines[12:15])
    assert (gap.status_code, gap.json()["error"]) == (409, "chain_gap")
    assert "n° 10" in gap.json()["message"]
    assert gap.headers["X-Audit-Head"] == f"9:{_mac(lines[9])}"
    body = json.loads(lines[10])
    body["body"]["prev"] = "ab" * 32
    broken = _post(live, chain, [json.dumps(body, separators=(",", ":"))])
    assert (broken.status_code, broken.json()["error"]) == (409, "chain_conflict")
    assert _post(live, chain, lines[10:11]).status_code == 200  # nothing half-stored before


def test_a_new_chain_must_start_at_zero_with_its_name(live: Live, lines: list[str]) -> None:
    live.authorize()
    assert _post(live, _mac(lines[0]), lines[3:6]).json()["error"] == "chain_gap"
    assert _post(live, "cd" * 32, lines[:3]).json()["error"] == "chain_conflict"
    unknown = live.session.get(live.url(f"/api/v1/audit/chains/{'cd' * 32}"))
    assert (unknown.status_code, unknown.json()["error"]) == (404, "unknown_chain")


@pytest.mark.parametrize(
    ("records", "status", "code"),
    [
        ([], 400, "bad_request"),
        ("not a list", 400, "bad_request"),
        (["{not json"], 400, "bad_record"),
        (['{"body":{"index":-1,"prev":"00","record":{}},"mac":"00"}'], 400, "bad_record"),
        (["line\nwith a break"], 400, "bad_record"),
    ],
)
def test_malformed_batches(live: Live, lines: list[str], records: object, status: int, code: str) -> None:
    live.authorize()
    answer = live.session.post(live.url("/api/v1/audit"), json={"chain": _mac(lines[0]), "records": records})
    assert (answer.status_code, answer.json()["error"]) == (status, code)
    assert answer.json()["message"]


def test_indexes_must_follow_each_other_inside_a_batch(live: Live, lines: list[str]) -> None:
    live.authorize()
    answer = _post(live, _mac(lines[0]), [lines[0], lines[2]])
    assert (answer.status_code, answer.json()["error"]) == (400, "bad_record")
    assert "n° 2" in answer.json()["message"]


def test_batch_size_limit_and_bad_chain_name(live: Live, tmp_path: Path) -> None:
    live.authorize()
    many = _journal_lines(tmp_path / "big.jsonl", 1001)
    too_many = _post(live, _mac(many[0]), many)
    assert (too_many.status_code, too_many.json()["error"]) == (413, "batch_too_large")
    assert _post(live, _mac(many[0]), many[:1000]).json()["head"]["index"] == 999
    assert _post(live, "not-hex", many[:1]).json()["error"] == "bad_request"


def test_audit_needs_a_bearer(live: Live, lines: list[str]) -> None:
    answer = _post(live, _mac(lines[0]), lines[:1])
    assert (answer.status_code, answer.json()["error"]) == (401, "unauthorized")
    assert live.session.get(live.url(f"/api/v1/audit/chains/{_mac(lines[0])}")).status_code == 401


def test_acknowledged_records_survive_a_restart_and_export_as_a_verifiable_journal(
    tmp_path: Path, lines: list[str], start_live: Callable[..., Live]
) -> None:
    root = write_data_dir(tmp_path / "data")
    first = start_live(root)
    first.authorize()
    chain = _mac(lines[0])
    assert _post(first, chain, lines).status_code == 200
    first.platform.close()  # the server thread stops with the fixture; the store is reopened below
    second = start_live(root)
    second.clock.advance(minutes=1)
    second.authorize()
    assert second.session.get(second.url(f"/api/v1/audit/chains/{chain}")).json()["head"]["index"] == 29
    report = export(root / "state" / "platform.sqlite", tmp_path / "out")
    assert report.audit_chains == 1
    exported = tmp_path / "out" / "audit" / f"poste-1_{chain}.jsonl"
    assert exported.read_text(encoding="ascii").splitlines() == lines
    result = verify_file(exported, K0)
    assert result.ok and result.records == 30


def _key_hex(key: bytes = K0) -> dict[str, str]:
    return {"key": key.hex()}


def test_the_initial_key_is_checked_against_every_record_then_every_new_mac(
    live: Live, tmp_path: Path
) -> None:
    live.authorize()
    lines = _journal_lines(tmp_path / "journal.jsonl", 35)
    chain = _mac(lines[0])
    key_url = live.url(f"/api/v1/audit/chains/{chain}/key")
    assert live.session.put(key_url, json=_key_hex()).json()["error"] == "unknown_chain"
    _post(live, chain, lines[:30])
    wrong = live.session.put(key_url, json=_key_hex(bytes(32)))
    assert (wrong.status_code, wrong.json()["error"]) == (409, "key_mismatch")
    assert live.session.get(live.url(f"/api/v1/audit/chains/{chain}")).json()["key_escrowed"] is False
    kept = live.session.put(key_url, json=_key_hex())
    assert kept.status_code == 200 and kept.json() == {"chain": chain, "verified": 30}
    assert live.session.get(live.url(f"/api/v1/audit/chains/{chain}")).json()["key_escrowed"] is True
    assert live.session.put(key_url, json=_key_hex()).status_code == 200  # idempotent
    assert live.session.put(key_url, json=_key_hex(bytes(32))).json()["error"] == "key_mismatch"
    # From now on a record whose link is right but whose seal is not is refused.
    forged = json.loads(lines[30])
    forged["mac"] = "ee" * 32
    refused = _post(live, chain, [json.dumps(forged, separators=(",", ":"))])
    assert (refused.status_code, refused.json()["error"]) == (409, "chain_conflict")
    assert "sceau" in refused.json()["message"]
    accepted = _post(live, chain, lines[30:])
    assert accepted.status_code == 200 and accepted.json()["head"]["index"] == 34
    report = export(live.root / "state" / "platform.sqlite", tmp_path / "out")
    assert report.audit_chains == 1
    key_file = tmp_path / "out" / "audit" / f"poste-1_{chain}.k0"
    assert key_file.read_text().strip() == K0.hex() and key_file.stat().st_mode & 0o777 == 0o600


def test_a_line_not_in_canonical_form_is_refused(live: Live, lines: list[str]) -> None:
    live.authorize()
    spaced = json.dumps(json.loads(lines[0]))  # same content, spaces after separators
    answer = _post(live, _mac(lines[0]), [spaced])
    assert (answer.status_code, answer.json()["error"]) == (400, "bad_record")
    assert "canonique" in answer.json()["message"]
