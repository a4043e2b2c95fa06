"""The audit shipper against the real reference platform (in process, real HTTPS, manual clock).

What is checked: records reach the platform byte for byte and only once; the head it acknowledges
is recorded and becomes the anchor: a journal truncated or rewritten after shipping is refused, even
when the local acknowledgement file is lost or rolled back; failures leave records pending.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import trustme

from auth.keystore import KeyStore, VolatileKeyring
from auth.session import Identity
from tests.teleplatform.builders import write_data_dir
from tests.teleplatform.conftest import Live, ManualClock, start_live  # noqa: F401  (fixture)
from workstation.audit import (
    AuditJournal,
    AuditSource,
    AuditTrail,
    ChainHead,
    JournalTampered,
    MemoryStateStore,
    ProblemKind,
    verify_file,
)
from workstation.audit.custody import open_journal, set_aside_and_restart
from workstation.audit.shipping import (
    AckStore,
    AuditShipper,
    PlatformAuditTransport,
    ShippingError,
    chain_id,
)
from workstation.platform import PlatformClient
from workstation.platform.client import UserInfo

K0 = bytes.fromhex("a7" * 32)
USER = Identity("dr.durand", "10007654321", "DURAND", "Paul", "Dr")


def client(base_url: str, ca: Path, tokens: dict | None = None, timeout: float = 10.0) -> PlatformClient:
    """The workstation's one platform client, holding the tokens of a login (none: logged out)."""
    platform = PlatformClient(base_url, ca, timeout)
    if tokens is not None:
        adopt(platform, tokens)
    return platform


def adopt(platform: PlatformClient, tokens: dict) -> None:
    user = tokens["user"]
    platform.use_tokens(
        tokens["access_token"],
        tokens["refresh_token"],
        tokens["expires_in"],
        UserInfo(user["login"], user["rpps"], user["family"], user["given"], user["title"]),
    )


class Workstation:
    """A journal, its trail, and a shipper talking to one live platform."""

    def __init__(self, live: Live, path: Path, batch: int = 7) -> None:
        self.live = live
        self.path = path
        self.tokens = live.login()
        self.journal = AuditJournal(path, MemoryStateStore(), K0)
        moments = (datetime(2026, 1, 6, 14, 0, tzinfo=UTC) + timedelta(seconds=i) for i in range(10**6))
        self.trail = AuditTrail(
            self.journal, AuditSource("poste-7"), "poste-7.local", now=lambda: next(moments)
        )
        self.client = client(live.base_url, live.ca_path, self.tokens)
        self.transport = PlatformAuditTransport(self.client)
        self.shipper = AuditShipper(path, self.transport, batch=batch)

    @property
    def token(self) -> str:
        auth = self.client.auth
        assert auth is not None
        return auth.access_token

    def record(self, count: int) -> ChainHead:
        head = None
        for i in range(count):
            head = self.trail.order_viewed(USER, f"CMD-{i:04d}", "1840512345678^^^&1.2.250.1.213.1.4.10&ISO")
        assert head is not None
        return head

    def platform_head(self) -> ChainHead:
        answer = self.live.session.get(
            self.live.url(f"/api/v1/audit/chains/{chain_id(self.path)}"),
            headers={"Authorization": f"Bearer {self.token}"},
        )
        assert answer.status_code == 200, answer.text
        head = answer.json()["head"]
        return ChainHead(head["index"], bytes.fromhex(head["mac"]))

    def stored_lines(self) -> list[str]:
        with self.live.platform.store.reading() as conn:
            rows = conn.execute("SELECT line FROM audit_records ORDER BY idx").fetchall()
        return [row["line"] for row in rows]

    def cut_to(self, records: int) -> None:
        """Truncate the file to its first ``records`` lines (what an intruder would do)."""
        self.journal.close()
        lines = self.path.read_bytes().splitlines(keepends=True)
        self.path.write_bytes(b"".join(lines[:records]))


@pytest.fixture
def station(tmp_path: Path, start_live: Callable[..., Live]) -> Workstation:  # noqa: F811
    live = start_live(write_data_dir(tmp_path / "data"))
    return Workstation(live, tmp_path / "ws" / "journal.jsonl")


def test_ships_in_batches_byte_for_byte_and_records_the_head(station: Workstation) -> None:
    head = station.record(30)
    assert station.shipper.pending() == 30
    report = station.shipper.ship()
    assert (report.sent, report.head) == (30, head)
    assert station.stored_lines() == station.path.read_text(encoding="ascii").splitlines()
    assert station.platform_head() == head
    assert station.shipper.acknowledged() == head
    assert station.shipper.pending() == 0
    assert json.loads(AckStore(station.path).path.read_text())["index"] == 29
    # Nothing new: nothing sent. New records: only those.
    assert station.shipper.ship().sent == 0
    newer = station.record(3)
    assert station.shipper.ship() == type(report)(3, newer)
    assert len(station.stored_lines()) == 33
    # The platform's head is the anchor a full verification uses.
    assert verify_file(station.path, K0, station.platform_head()).ok


def test_a_lost_acknowledgement_file_resumes_from_the_platform_head(station: Workstation) -> None:
    station.record(10)
    station.shipper.ship()
    AckStore(station.path).path.unlink()
    head = station.record(2)
    report = station.shipper.ship()
    assert (report.sent, report.head) == (2, head)  # the 10 records were not sent again
    assert len(station.stored_lines()) == 12


def test_truncation_after_shipping_is_detected_against_the_acknowledged_head(station: Workstation) -> None:
    station.record(20)
    station.shipper.ship()
    station.cut_to(15)
    with pytest.raises(JournalTampered) as caught:
        station.shipper.ship()
    assert "envoi" in caught.value.user_message
    with pytest.raises(JournalTampered):
        station.shipper.check_against_platform()
    result = verify_file(station.path, K0, station.platform_head())
    assert result.problem is not None and result.problem.kind is ProblemKind.MISSING_RECORDS
    assert result.problem.index == 15


def test_truncation_with_the_local_acknowledgement_rolled_back_is_caught_by_the_platform(
    station: Workstation,
) -> None:
    station.record(20)
    station.shipper.ship()
    # The intruder cuts the journal to 10 records, rolls the acknowledgement back to match, and
    # the workstation (re-opened from k0) goes on writing: record 10 now differs from the shipped one.
    station.cut_to(10)
    AckStore(station.path).save(chain_id(station.path) or "", ChainHead(9, _mac_of(station.path, 9)))
    station.journal = AuditJournal(station.path, MemoryStateStore.recover(station.path, K0))
    station.trail = AuditTrail(station.journal, AuditSource("poste-7"), "poste-7.local")
    station.record(3)
    with pytest.raises(JournalTampered):
        station.shipper.ship()
    assert len(station.stored_lines()) == 20  # the platform kept what it had


def test_a_rewritten_shipped_record_is_detected(station: Workstation, tmp_path: Path) -> None:
    station.record(12)
    station.shipper.ship()
    station.journal.close()
    # Someone holding k0 re-seals the whole chain with record 11 changed: a valid chain, another MAC.
    lines = station.path.read_bytes().splitlines(keepends=True)
    forged_path = tmp_path / "forged.jsonl"
    with AuditJournal(forged_path, MemoryStateStore(), K0) as forger:
        for index, line in enumerate(lines):
            record = json.loads(line)["body"]["record"]
            if index == 11:
                record["objects"][1]["id"] = "CMD-9999"
            forger.append(_record(record))
    os.replace(forged_path, station.path)
    assert verify_file(station.path, K0).ok  # the seal alone cannot tell
    with pytest.raises(JournalTampered):
        station.shipper.check_against_platform()
    with pytest.raises(JournalTampered):
        station.shipper.ship()


def test_failures_leave_records_pending(station: Workstation, tmp_path: Path) -> None:
    station.record(5)
    live = station.live
    logged_out = AuditShipper(station.path, PlatformAuditTransport(client(live.base_url, live.ca_path)))
    with pytest.raises(ShippingError) as not_logged:
        logged_out.ship()
    assert "connexion" in not_logged.value.user_message and not not_logged.value.tls
    forged = {**station.tokens, "access_token": "expired-or-forged", "refresh_token": "forged-too"}
    with pytest.raises(ShippingError) as refused:  # the 401 is retried after a refresh, which fails
        AuditShipper(station.path, PlatformAuditTransport(client(live.base_url, live.ca_path, forged))).ship()
    assert "connexion" in refused.value.user_message and not refused.value.tls
    other_ca = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other_ca))
    wrong_ca = AuditShipper(
        station.path, PlatformAuditTransport(client(live.base_url, other_ca, station.tokens))
    )
    with pytest.raises(ShippingError) as tls:
        wrong_ca.ship()
    assert tls.value.tls and "certificat" in tls.value.user_message
    unreachable = AuditShipper(
        station.path,
        PlatformAuditTransport(client("https://127.0.0.1:9", live.ca_path, station.tokens, timeout=2)),
    )
    with pytest.raises(ShippingError) as down:
        unreachable.ship()
    assert "injoignable" in down.value.user_message
    assert station.shipper.pending() == 5
    assert station.shipper.ship().sent == 5


def test_a_record_being_written_is_not_shipped(station: Workstation) -> None:
    head = station.record(4)
    station.journal.close()
    with open(station.path, "ab") as stream:
        stream.write(b'{"body":{"index":4,"pr')  # the writer is in the middle of its write
    report = station.shipper.ship()
    assert (report.sent, report.head) == (4, head)


def test_set_aside_moves_the_acknowledgement_with_the_journal(tmp_path: Path) -> None:
    keystore = KeyStore(VolatileKeyring())
    path = tmp_path / "audit" / "journal.jsonl"
    journal = open_journal(keystore, path)
    trail = AuditTrail(journal, AuditSource("poste-7"), "poste-7.local")
    trail.login(USER)
    AckStore(path).save(chain_id(path) or "", journal.head or ChainHead(0, bytes(32)))
    journal.close()
    new_journal, aside = set_aside_and_restart(keystore, path)
    new_journal.close()
    assert not AckStore(path).path.exists()
    assert aside.with_name(aside.name + ".ack.json").exists()


def _mac_of(path: Path, index: int) -> bytes:
    return bytes.fromhex(json.loads(path.read_bytes().splitlines()[index])["mac"])


def _record(data: dict):
    from workstation.audit.model import AuditRecord

    return AuditRecord.from_json(data)


def test_an_expired_access_token_is_refreshed_like_any_platform_call(station: Workstation) -> None:
    """The journal goes through the platform client: a 401 for a stale access token is retried once
    with refreshed tokens. The fixture's platform runs on a manual clock."""
    assert isinstance(station.live.clock, ManualClock)
    before = station.token
    station.live.clock.advance(hours=5)  # the access token (15 min) has expired, the refresh one (10 h) not
    station.record(1)
    assert station.shipper.ship().sent == 1
    assert station.token != before
    station.live.clock.advance(hours=11)  # both expired: a new login is needed, records stay pending
    station.record(1)
    with pytest.raises(ShippingError) as expired:
        station.shipper.ship()
    assert "connexion" in expired.value.user_message and station.shipper.pending() == 1
    assert station.client.auth is None  # the refused refresh forgot the tokens
    adopt(station.client, station.live.login())  # the next login
    assert station.shipper.ship().sent == 1


def test_the_initial_key_goes_to_the_platform_and_the_past_cannot_be_resealed(
    tmp_path: Path,
    start_live: Callable[..., Live],  # noqa: F811
) -> None:
    from auth.keystore import SecretName
    from workstation.audit.custody import KeyringStateStore
    from workstation.audit.journal import _seal

    live = start_live(write_data_dir(tmp_path / "data"))
    tokens = live.login()
    keystore = KeyStore(VolatileKeyring())
    path = tmp_path / "ws" / "journal.jsonl"
    journal = open_journal(keystore, path)
    trail = AuditTrail(journal, AuditSource("poste-7"), "poste-7.local")
    shipper = AuditShipper(path, PlatformAuditTransport(client(live.base_url, live.ca_path, tokens)))
    with keystore.load(SecretName.AUDIT_JOURNAL_KEY) as initial:  # (a Secret wipes itself when dropped)
        k0 = bytes(initial.view())

    assert shipper.escrow_initial_key(keystore) is False  # nothing shipped yet: the platform has no chain
    for _ in range(5):
        trail.login(USER)
    shipper.ship()
    assert shipper.escrow_initial_key(keystore) is True
    assert keystore.load(SecretName.AUDIT_JOURNAL_KEY) is None
    assert shipper.escrow_initial_key(keystore) is False  # done once
    head = None
    for i in range(4):
        head = trail.order_viewed(USER, f"CMD-{i}", "1840512345678^^^&1.2.250.1.213.1.4.10&ISO")
    assert shipper.ship().head == head  # the platform now checks every MAC, and they verify

    # Records 9..11, not shipped yet. An intruder reads the whole keyring: the writer state (k_12)
    # and no k0 any more. Rewriting record 10 means re-sealing 10 and 11 with a key they have.
    for i in range(3):
        trail.order_viewed(USER, f"CMD-X{i}", "1840512345678^^^&1.2.250.1.213.1.4.10&ISO")
    journal.close()
    state = KeyringStateStore(keystore).load()
    assert state is not None and state.next_index == 12
    lines = path.read_bytes().splitlines(keepends=True)
    records = [json.loads(line)["body"]["record"] for line in lines]
    records[10]["objects"][1]["id"] = "CMD-FALSIFIEE"
    prev = bytes.fromhex(json.loads(lines[9])["mac"])
    forged = lines[:10]
    for index in (10, 11):
        line, prev = _seal(index, prev, _record(records[index]), bytearray(state.key))
        forged.append(line)
    path.write_bytes(b"".join(forged))
    with pytest.raises(JournalTampered):
        shipper.ship()
    # With k0 (the auditor's copy, from the platform's export) the file shows where it was altered.
    result = verify_file(path, k0)
    assert result.problem is not None and result.problem.index == 10
