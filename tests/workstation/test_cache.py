"""The encrypted study cache on real DICOM files: round trip, tampering, sentinel name, eviction, audit.

Prefetch through DICOMweb against the reference platform: test_cache_prefetch.py.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring.backends.fail
import numpy as np
import pydicom
import pytest

from auth.keystore import InsecureKeyringError, KeyStore, VolatileKeyring
from auth.session import Identity
from tests.teleplatform.builders import new_order, write_ct_series
from workstation.audit import AuditJournal, AuditSource, AuditTrail, MemoryStateStore, read_entries
from workstation.cache import CacheIntegrityError, CacheMiss, StudyCache, TrailCacheAuditor
from workstation.cache.crypto import IntegrityError, instance_ad, open_sealed

SENTINEL_NAME = "ZORGLUB^SENTINELLE"
SENTINEL_ID = "SENTINELLE-IPP-4242"
MASTER = bytes(range(32))
ORDER = (new_order("ORD-1", "CTRL-1").decode().replace("PAT-TROIS^DOMINIQUE", SENTINEL_NAME),)


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, str, str]] = []

    def study_read(self, study_uid: str, patient_id: str) -> None:
        self.events.append(("read", study_uid, patient_id))

    def study_evicted(self, study_uid: str, patient_id: str, reason: str) -> None:
        self.events.append(("evicted", study_uid, patient_id))


class Clock:
    def __init__(self) -> None:
        self.t = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.t


def series(directory: Path, seed: int, count: int = 3) -> list[pydicom.Dataset]:
    """Real files with the sentinel patient, read back as datasets."""
    datasets = []
    for path in write_ct_series(directory, count=count, seed=seed):
        ds = pydicom.dcmread(path)
        ds.PatientName = SENTINEL_NAME
        ds.PatientID = SENTINEL_ID
        ds.save_as(path, enforce_file_format=True)
        datasets.append(pydicom.dcmread(path))
    return datasets


def raw(ds: pydicom.Dataset) -> bytes:
    return Path(ds.filename).read_bytes()


@pytest.fixture
def runtime(tmp_path: Path) -> Path:
    path = tmp_path / "runtime"
    path.mkdir()
    return path


@pytest.fixture
def cached(
    tmp_path: Path, runtime: Path
) -> Iterator[tuple[StudyCache, list[pydicom.Dataset], Recorder, Clock]]:
    recorder, clock = Recorder(), Clock()
    cache = StudyCache(tmp_path / "cache", MASTER, auditor=recorder, runtime_dir=runtime, now=clock)
    datasets = series(tmp_path / "src", seed=1)
    put(cache, datasets)
    yield cache, datasets, recorder, clock
    cache.close()


def put(cache: StudyCache, datasets: list[pydicom.Dataset]) -> None:
    study = datasets[0].StudyInstanceUID
    cache.begin_study(study, patient_id=SENTINEL_ID, order_id="ORD-1", priority="urgent", order_hl7=ORDER)
    for ds in datasets:
        assert cache.put_instance(study, ds.SeriesInstanceUID, ds.SOPInstanceUID, raw(ds))
    cache.finish_study(study)


def read_back(cache: StudyCache, study: str, sop: str) -> bytes:
    """One instance as the viewer gets it: the study decrypted into its private folder."""
    with cache.open_study(study) as opened:
        return next(p for p in opened.paths if p.stem == sop).read_bytes()


def files_of(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file()]


def test_round_trip_to_memory_and_to_a_private_directory(cached, runtime: Path) -> None:
    cache, datasets, recorder, _ = cached
    study = datasets[0].StudyInstanceUID
    assert not cache.put_instance(study, datasets[0].SeriesInstanceUID, datasets[0].SOPInstanceUID, b"x")
    (info,) = cache.studies()
    assert (info.study_uid, info.complete, info.instances, info.order_id) == (study, True, 3, "ORD-1")
    assert info.order_hl7 == ORDER and SENTINEL_NAME in ORDER[0]  # the order, for offline reporting
    assert read_back(cache, study, datasets[1].SOPInstanceUID) == raw(datasets[1])
    with cache.open_study(study) as opened:
        assert oct(opened.directory.stat().st_mode & 0o777) == "0o700"
        assert sorted(p.relative_to(opened.directory).as_posix() for p in opened.paths) == sorted(
            f"{d.SeriesInstanceUID}/{d.SOPInstanceUID}.dcm" for d in datasets
        )
        for ds in datasets:
            back = pydicom.dcmread(opened.directory / ds.SeriesInstanceUID / f"{ds.SOPInstanceUID}.dcm")
            assert np.array_equal(back.pixel_array, ds.pixel_array)
    assert not opened.directory.exists() and files_of(runtime) == []
    assert recorder.events == [("read", study, SENTINEL_ID)] * 2


def test_sentinel_name_and_uids_are_nowhere_in_the_cache_folder(
    cached, tmp_path: Path, runtime: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    cache, datasets, _, _ = cached
    study = datasets[0].StudyInstanceUID
    cache.open_study(study).close()
    cache.mark_reported(study, datetime.now(UTC))
    secrets_in_clear = [SENTINEL_NAME, "ZORGLUB", "SENTINELLE", study, datasets[0].SOPInstanceUID]
    assert all(SENTINEL_NAME.encode() in raw(d) and study.encode() in raw(d) for d in datasets)  # in clear
    cache_files = files_of(tmp_path / "cache")
    assert {p.name for p in cache_files} >= {"index.sqlite"} and len(cache_files) >= 4
    for path in cache_files:
        content = path.read_bytes().upper()
        for text in secrets_in_clear:
            for encoding in ("utf-8", "utf-16-le"):
                assert text.upper().encode(encoding) not in content, f"{text} found in {path.name}"
        assert study not in path.as_posix()
    assert files_of(runtime) == []
    cache.evict(study, "test")
    assert "ZORGLUB" not in caplog.text and SENTINEL_ID not in caplog.text and caplog.records  # logs too


def test_any_flipped_bit_is_detected(cached, tmp_path: Path) -> None:
    cache, datasets, _, _ = cached
    study = datasets[0].StudyInstanceUID
    target = next(p for p in files_of(tmp_path / "cache" / "objects"))
    original = target.read_bytes()
    sop_uids = [d.SOPInstanceUID for d in datasets]
    rng = random.Random(5)
    positions = sorted({0, 4, 5, 16, 17, len(original) - 1, *rng.sample(range(len(original)), 150)})
    for position in positions:
        flipped = bytearray(original)
        flipped[position] ^= 1 << rng.randrange(8)
        target.write_bytes(bytes(flipped))
        with pytest.raises(CacheIntegrityError) as caught:
            cache.open_study(study)  # whichever instance this file is
        assert "modifiée ou déplacée" in caught.value.user_message
    target.write_bytes(original)
    assert [read_back(cache, study, s) for s in sop_uids] == [raw(d) for d in datasets]
    target.write_bytes(original[:-1])  # truncated
    with pytest.raises(CacheIntegrityError):
        cache.open_study(study)


def test_a_file_moved_to_another_study_or_swapped_is_detected(cached, tmp_path: Path, runtime: Path) -> None:
    cache, datasets_a, _, _ = cached
    objects = tmp_path / "cache" / "objects"
    (folder_a,) = objects.iterdir()
    datasets_b = series(tmp_path / "src-b", seed=2)
    put(cache, datasets_b)
    folder_b = next(f for f in objects.iterdir() if f != folder_a)
    victim = sorted(folder_b.iterdir())[0]
    intruder = sorted(folder_a.iterdir())[0]
    shutil.copyfile(intruder, victim)  # a file of study A put in place of one of study B
    with pytest.raises(CacheIntegrityError):
        cache.open_study(datasets_b[0].StudyInstanceUID)
    assert files_of(runtime) == []  # the partial decryption was removed
    first, second = sorted(folder_a.iterdir())[:2]  # two files of A exchanged
    a, b = first.read_bytes(), second.read_bytes()
    first.write_bytes(b)
    second.write_bytes(a)
    with pytest.raises(CacheIntegrityError):
        cache.open_study(datasets_a[0].StudyInstanceUID)


def test_eviction_destroys_the_key_and_waits_for_the_outbox(cached, tmp_path: Path) -> None:
    cache, datasets, recorder, clock = cached
    study = datasets[0].StudyInstanceUID
    index = tmp_path / "cache" / "index.sqlite"
    with sqlite3.connect(index) as conn:
        (wrapped, ref) = conn.execute("SELECT wrapped_key, ref FROM studies").fetchone()
    ciphertexts = [p.read_bytes() for p in files_of(tmp_path / "cache" / "objects")]
    ads = [instance_ad(study, d.SOPInstanceUID) for d in datasets]

    def opens(key: bytes, blob: bytes) -> bool:
        for ad in ads:
            try:
                open_sealed(key, blob, ad)
                return True
            except IntegrityError:
                pass
        return False

    study_key = cache._keys.unwrap(bytes(wrapped), ref)
    assert all(opens(study_key, blob) for blob in ciphertexts)  # the check below can succeed
    cache.mark_reported(study, clock.t)
    clock.t += timedelta(days=6, hours=23)
    assert cache.evict_expired(lambda uid: False) == []  # not 7 days yet
    clock.t += timedelta(hours=2)
    assert cache.evict_expired(lambda uid: uid == study) == []  # something still pending in the outbox
    assert cache.evict_expired(lambda uid: False) == [study]
    assert recorder.events[-1] == ("evicted", study, SENTINEL_ID)
    with pytest.raises(CacheMiss) as missing:
        cache.open_study(study)
    assert "hors connexion" in missing.value.user_message
    assert files_of(tmp_path / "cache" / "objects") == []
    for path in files_of(tmp_path / "cache"):  # index, WAL, SHM: the wrapped key is gone everywhere
        assert bytes(wrapped) not in path.read_bytes(), path.name
    # what an attacker kept (the sealed files) opens under no key the cache still has
    put(cache, series(tmp_path / "src-c", seed=3))
    with sqlite3.connect(index) as conn:
        (other_wrapped, other_ref) = conn.execute("SELECT wrapped_key, ref FROM studies").fetchone()
    other_key = cache._keys.unwrap(bytes(other_wrapped), other_ref)
    assert not any(opens(key, blob) for blob in ciphertexts for key in (other_key, MASTER))
    with pytest.raises(IntegrityError):
        cache._keys.unwrap(bytes(other_wrapped), ref)  # another study's wrapped key under the old ref


def test_another_master_key_empties_the_cache(tmp_path: Path, runtime: Path) -> None:
    cache = StudyCache(tmp_path / "cache", MASTER, runtime_dir=runtime)
    put(cache, series(tmp_path / "src", seed=1))
    cache.close()
    reopened = StudyCache(tmp_path / "cache", bytes(32), runtime_dir=runtime)
    assert reopened.studies() == [] and files_of(tmp_path / "cache" / "objects") == []
    assert "trousseau réinitialisé" in reopened.reset_notice
    reopened.close()


def test_decrypted_studies_of_a_dead_process_are_removed(tmp_path: Path, runtime: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    leftover = runtime / f"tlr-cache-{int(dead.stdout)}-abc"
    (leftover / "1.2.3").mkdir(parents=True)
    (leftover / "1.2.3" / "4.dcm").write_bytes(b"clear DICOM")
    mine = runtime / f"tlr-cache-{os.getpid()}-def"
    mine.mkdir()
    StudyCache(tmp_path / "cache", MASTER, runtime_dir=runtime).close()
    assert not leftover.exists() and mine.exists()


def test_master_key_from_the_os_keyring_only(tmp_path: Path, runtime: Path) -> None:
    with pytest.raises(InsecureKeyringError):
        StudyCache.open(tmp_path / "c1", KeyStore(keyring.backends.fail.Keyring()), runtime_dir=runtime)
    store = KeyStore(VolatileKeyring())
    cache = StudyCache.open(tmp_path / "c2", store, runtime_dir=runtime)
    put(cache, series(tmp_path / "src", seed=4))
    cache.close()
    again = StudyCache.open(tmp_path / "c2", store, runtime_dir=runtime)  # same key from the keyring
    assert len(again.studies()) == 1 and again.reset_notice == ""
    again.close()


def test_reads_and_evictions_reach_the_audit_journal(tmp_path: Path, runtime: Path) -> None:
    journal_path = tmp_path / "audit.jsonl"
    journal = AuditJournal(journal_path, MemoryStateStore(), bytes(32))
    trail = AuditTrail(journal, AuditSource("poste-1"), "poste-1.local")
    user = Identity("dr.durand", "10101010101", "DURAND", "Alice")
    cache = StudyCache(
        tmp_path / "cache", MASTER, runtime_dir=runtime, auditor=TrailCacheAuditor(trail, lambda: user)
    )
    datasets = series(tmp_path / "src", seed=1)
    put(cache, datasets)
    study = datasets[0].StudyInstanceUID
    cache.open_study(study).close()
    cache.evict(study, "test")
    cache.close()
    journal.close()
    records = [e.record.to_json() for e in read_entries(journal_path)]
    assert [r["kind"] for r in records] == ["study_accessed", "study_deleted"]
    read, evicted = records
    assert read["participants"][0]["user_id"] == "dr.durand"
    assert [o["id"] for o in read["objects"]] == [SENTINEL_ID, study]
    assert ["origin", "cache"] in [list(d) for d in read["objects"][1]["details"]]
    assert evicted["description"] == "cache eviction, study key destroyed: test"
    assert SENTINEL_NAME.split("^")[0] not in journal_path.read_text()


def test_files_left_by_a_crash_before_their_index_row_are_removed(tmp_path: Path, runtime: Path) -> None:
    cache = StudyCache(tmp_path / "cache", MASTER, runtime_dir=runtime)
    datasets = series(tmp_path / "src", seed=1)
    put(cache, datasets)
    cache.close()
    objects = tmp_path / "cache" / "objects"
    (folder,) = objects.iterdir()
    (folder / ".deadbeef.part").write_bytes(b"half")
    (folder / "deadbeef.bin").write_bytes(b"sealed but never indexed")
    (objects / "0123abcd").mkdir()
    reopened = StudyCache(tmp_path / "cache", MASTER, runtime_dir=runtime)
    assert not (folder / ".deadbeef.part").exists() and not (folder / "deadbeef.bin").exists()
    assert list(objects.iterdir()) == [folder] and len(list(folder.iterdir())) == 3
    with reopened.open_study(datasets[0].StudyInstanceUID) as opened:
        assert len(opened.paths) == 3
    reopened.close()


def test_a_damaged_index_entry_hides_nothing_else(tmp_path: Path, runtime: Path) -> None:
    cache = StudyCache(tmp_path / "cache", MASTER, runtime_dir=runtime)
    first, second = series(tmp_path / "a", seed=1), series(tmp_path / "b", seed=2)
    put(cache, first)
    put(cache, second)
    cache.mark_reported(first[0].StudyInstanceUID, datetime(2026, 1, 1, tzinfo=UTC))
    cache.mark_reported(second[0].StudyInstanceUID, datetime(2026, 1, 1, tzinfo=UTC))
    with sqlite3.connect(tmp_path / "cache" / "index.sqlite") as conn:  # someone edits one entry
        (ref, blob) = conn.execute("SELECT ref, metadata FROM studies ORDER BY rowid LIMIT 1").fetchone()
        conn.execute("UPDATE studies SET metadata = ? WHERE ref = ?", (bytes(blob[:-1]) + b"\0", ref))
    assert [s.study_uid for s in cache.studies()] == [second[0].StudyInstanceUID]
    assert cache.evict_expired(lambda uid: False) == [second[0].StudyInstanceUID]
    # its images are still authenticated one by one: they can be read, the damaged entry is kept
    assert read_back(cache, first[0].StudyInstanceUID, first[0].SOPInstanceUID) == raw(first[0])
    with pytest.raises(CacheIntegrityError) as damaged:
        cache.get(first[0].StudyInstanceUID)
    assert "index du cache a été altéré" in damaged.value.user_message
    cache.close()
