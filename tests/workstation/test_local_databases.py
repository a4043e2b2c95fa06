"""Issue 22 at the workstation's start-up: every local database is checked before use.

A damaged outbox is set aside, rebuilt from its copies, told to the user and recorded in the audit
journal as a security alert; a damaged study-cache index is set aside with its files (never deleted)
and the cache starts empty, told to the user.
"""

from __future__ import annotations

from pathlib import Path

from auth.keystore import KeyStore, VolatileKeyring
from resources.translations import qt as language
from tests.workstation.outbox_faults import report
from workstation.app import Workstation
from workstation.audit import read_entries
from workstation.audit.model import EventKind as AuditKind
from workstation.outbox import MessageKind
from workstation.settings import Settings


def _workstation(tmp_path: Path, ca_file: Path, keystore: KeyStore) -> Workstation:
    settings = Settings(platform_url="https://127.0.0.1:9", ca_file=ca_file, cache_dir=tmp_path / "cache")
    return Workstation(settings, keystore=keystore, data_dir=tmp_path, journal_path=tmp_path / "audit.jsonl")


def test_emptied_outbox_is_rebuilt_told_and_audited(tmp_path: Path, ca_file: Path) -> None:
    keystore = KeyStore(VolatileKeyring())
    first = _workstation(tmp_path, ca_file, keystore)
    for n in range(2):
        first.outbox.enqueue(report(n), MessageKind.REPORT)
    first.close()
    (tmp_path / "outbox.sqlite").write_bytes(b"")
    ws = _workstation(tmp_path, ca_file, keystore)
    try:
        assert [i.control_id for i in ws.outbox.store.items()] == [f"{n:020X}" for n in range(2)]
        texts = " ".join(language.text(n.text) for n in ws.notices)
        assert "file d'envoi locale était endommagée" in texts
        records = [e.record for e in read_entries(tmp_path / "audit.jsonl")]
        alerts = [r for r in records if r.kind is AuditKind.OUTBOX_LOSS]
        assert len(alerts) == 1 and "recovered=2" in alerts[0].description
        assert (tmp_path / "outbox-recovery.jsonl").exists()
    finally:
        ws.close()


def test_damaged_cache_index_is_set_aside_and_the_cache_starts_empty(tmp_path: Path, ca_file: Path) -> None:
    keystore = KeyStore(VolatileKeyring())
    first = _workstation(tmp_path, ca_file, keystore)
    first.close()
    index = tmp_path / "cache" / "index.sqlite"
    data = bytearray(index.read_bytes())
    data[200:4096] = b"\xff" * (4096 - 200)  # the schema page overwritten
    index.write_bytes(bytes(data))
    ws = _workstation(tmp_path, ca_file, keystore)
    try:
        kept = sorted((tmp_path / "cache").glob("index-damaged-*"))
        assert len(kept) == 1 and (kept[0] / "index.sqlite").read_bytes() == bytes(data)
        assert ws.cache.studies() == []
        texts = " ".join(language.text(n.text) for n in ws.notices)
        assert "index du cache local des examens était endommagé" in texts
    finally:
        ws.close()
