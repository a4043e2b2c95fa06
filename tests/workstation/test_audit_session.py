"""A scripted reading session, Qt-free, against the real reference platform, and what it leaves behind.

The script is what the application does, with the real pieces: the auth session over the platform
client (password + TOTP checked by the platform), the worklist, the order parsed from the relayed
HL7, the study fetched over DICOMweb (straight, or prefetched into the encrypted study cache and
opened from it), a flux 3 refusal built and answered AA, logout; the audit
trail subscribed to the session as the composition root does, the journal's keys in a keyring, the
journal shipped to the platform at the end.

1. The journal holds exactly the expected events, in order, with the right participants and
   objects; it verifies from k0 against the head the platform acknowledged.
2. With a sentinel patient name in the order and the images, the logs (every logger, DEBUG, into a
   file), the temporary directory, the encrypted cache folder and the RAM folder a cached study is
   opened in never contain it, nor the INS, IPP or birth date; the journal, which keeps identifiers
   only, does not contain the name either.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pydicom
import pytest

from auth.keystore import KeyStore, VolatileKeyring
from auth.session import LoginRejected, Session
from teleplatform.demo.cases import CT_HEAD_CASE, Case, Flow, ScheduledMessage
from teleplatform.demo.orders import render
from tests.teleplatform.builders import ACCOUNT, otp_at, write_ct_series, write_data_dir
from tests.teleplatform.conftest import Live, start_live  # noqa: F401  (fixture)
from workstation.audit import (
    AuditShipper,
    AuditSource,
    AuditTrail,
    ChainHead,
    EventKind,
    PlatformAuditTransport,
    StudyOrigin,
    read_entries,
    verify_file,
)
from workstation.audit.custody import open_journal, verification_material
from workstation.audit.model import ObjectKind, Outcome
from workstation.cache import Prefetcher, PrefetchRequest, StudyCache, TrailCacheAuditor
from workstation.hl7 import AckCode, RefusalReason, build_refusal, parse
from workstation.platform.client import PlatformClient
from workstation.platform.verifier import SessionVerifier

SENTINEL_FAMILY = "QZXWSENTINELLE"
SENTINEL_GIVEN = "OCTAVIEQZXW"
EXPECTED = [
    EventKind.LOGIN_FAILURE,
    EventKind.LOGIN,
    EventKind.WORKLIST_QUERY,
    EventKind.ORDER_VIEWED,
    EventKind.STUDY_ACCESSED,
    EventKind.REFUSAL_SENT,
    EventKind.LOGOUT,
]


class SessionClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Script:
    journal_path: Path
    keystore: KeyStore
    live: Live
    order_id: str
    ins: str
    study_uid: str
    refusal_control_id: str
    acknowledged_index: int
    cache: Path


def _case(sentinel: bool):
    patient = CT_HEAD_CASE.patient
    if sentinel:
        patient = replace(
            patient,
            birth_name=SENTINEL_FAMILY,
            used_name=SENTINEL_FAMILY,
            birth_given_names=(SENTINEL_GIVEN, "MARCEL"),
            used_given_name=SENTINEL_GIVEN,
        )
    return replace(CT_HEAD_CASE, patient=patient)


def _images(folder: Path, case: Case, sentinel: bool) -> None:
    for path in write_ct_series(
        folder, count=4, patient_id=case.patient.ins, study_uid=case.study_instance_uid
    ):
        if sentinel:  # the images name the patient too, as a real modality would
            dataset = pydicom.dcmread(path)
            dataset.PatientName = f"{SENTINEL_FAMILY}^{SENTINEL_GIVEN}"
            dataset.save_as(path, enforce_file_format=True)


def run_session(root: Path, start: Callable[..., Live], sentinel: bool, via_cache: bool) -> Script:
    """The scripted session; ``root`` holds the platform data, the workstation's data and cache.

    ``via_cache``: the study is prefetched into the encrypted study cache and opened from it (its
    auditor writes the access), instead of being fetched straight into a folder.
    """
    case = _case(sentinel)
    order_hl7 = render(ScheduledMessage(case.requested_at, case, Flow.REQUEST))
    data = write_data_dir(root / "platform", {"0001_order.hl7": order_hl7})
    _images(data / "dicom" / "ct", case, sentinel)
    live = start(data)

    keystore = KeyStore(VolatileKeyring())
    journal_path = root / "data" / "teleradiologie" / "audit" / "journal.jsonl"
    journal = open_journal(keystore, journal_path)
    trail = AuditTrail(journal, AuditSource("poste-test", "tlr-demo"), "poste-test.local")
    client = PlatformClient(live.base_url, live.ca_path, timeout=10)
    session = Session(SessionVerifier(client), clock=SessionClock())
    session.subscribe(trail.on_session_event)
    shipper = AuditShipper(journal_path, PlatformAuditTransport(client))
    cache = root / "cache" / "teleradiologie"

    with pytest.raises(LoginRejected):
        session.login(ACCOUNT["login"], ACCOUNT["password"], otp_at(live.clock.now(), 5))
    identity = session.login(ACCOUNT["login"], ACCOUNT["password"], otp_at(live.clock.now()))

    entries = client.worklist()
    trail.worklist_query(identity, live.base_url)
    (entry,) = entries
    order = entry.order()
    assert order.patient.birth_name == case.patient.birth_name  # the sentinel did flow through
    ins = f"{order.patient.ins.matricule}^^^&{order.patient.ins.oid}&ISO"
    trail.order_viewed(identity, entry.order_id, ins)

    if via_cache:
        (root / "run").mkdir(mode=0o700)  # stands for /dev/shm, so that the test can search it
        study_cache = StudyCache.open(
            cache,
            keystore,
            auditor=TrailCacheAuditor(trail, lambda: session.identity),
            runtime_dir=root / "run",
        )
        request = PrefetchRequest(
            case.study_instance_uid, entry.received_at, order_id=entry.order_id, patient_id=ins
        )
        fetched = Prefetcher(study_cache, client.dicomweb, size_cap=2**30).run_once([request])
        assert fetched.instances == 4 and fetched.error is None
        with study_cache.open_study(case.study_instance_uid) as opened:  # audited by the cache
            names = {str(pydicom.dcmread(path).PatientName) for path in opened.paths}
        study_cache.close()
    else:
        files = client.retrieve_study(case.study_instance_uid, cache / "studies" / case.study_instance_uid)
        names = {str(pydicom.dcmread(path).PatientName) for path in files}
        trail.study_accessed(identity, case.study_instance_uid, ins, StudyOrigin.PLATFORM, live.base_url)
    assert len(names) == 1 and (SENTINEL_FAMILY in names.pop()) == sentinel

    refusal = build_refusal(
        parse(entry.messages[0].hl7),
        client.auth.user.practitioner,
        RefusalReason.EXAMEN_RECENT.coded,
        "Scanner cérébral fait il y a 2 h.\nAucun élément nouveau.",
    )
    ack = client.submit(refusal)
    assert ack.code is AckCode.AA
    control_id = parse(refusal).control_id
    trail.refusal_sent(identity, entry.order_id, ins, control_id, live.base_url)

    session.logout()
    report = shipper.ship()  # at logout the journal goes to the platform, then the tokens are revoked
    client.logout()
    journal.close()
    assert report.head is not None
    return Script(
        journal_path,
        keystore,
        live,
        entry.order_id,
        ins,
        case.study_instance_uid,
        control_id,
        report.head.index,
        cache,
    )


@pytest.mark.parametrize("via_cache", [False, True], ids=["from-platform", "from-encrypted-cache"])
def test_a_scripted_session_produces_exactly_the_expected_events(
    tmp_path: Path,
    start_live: Callable[..., Live],  # noqa: F811
    via_cache: bool,
) -> None:
    done = run_session(tmp_path, start_live, sentinel=False, via_cache=via_cache)
    records = [entry.record for entry in read_entries(done.journal_path)]
    assert [r.kind for r in records] == EXPECTED

    failure, _login, query, viewed, accessed, refused, logout = records
    assert failure.outcome is Outcome.MINOR_FAILURE and failure.description == "bad_otp"
    assert failure.participants[0].user_id == ACCOUNT["login"]
    for record in records[1:]:
        user = record.participants[0]
        assert (user.user_id, user.alt_user_id, user.is_requestor) == (
            ACCOUNT["login"],
            ACCOUNT["rpps"],
            True,
        )
        assert record.source.source_id == "poste-test"
    assert query.participants[1].user_id == done.live.base_url
    assert [(o.kind, o.id) for o in viewed.objects] == [
        (ObjectKind.PATIENT, done.ins),
        (ObjectKind.ORDER, done.order_id),
    ]
    assert [(o.kind, o.id) for o in accessed.objects] == [
        (ObjectKind.PATIENT, done.ins),
        (ObjectKind.STUDY, done.study_uid),
    ]
    assert accessed.objects[1].details == (("origin", "cache" if via_cache else "platform"),)
    assert refused.objects[0].details == (("MSH-10", done.refusal_control_id),)
    assert refused.objects[1].id == done.order_id and refused.outcome is Outcome.SUCCESS
    assert logout.description == "user_request"
    assert [r.at for r in records] == sorted(r.at for r in records)

    # Shipped: the platform acknowledged the whole chain, and the journal verifies against that head.
    assert done.acknowledged_index == len(EXPECTED) - 1
    key, _ = verification_material(done.keystore, done.journal_path)
    assert key is not None
    with done.live.platform.store.reading() as conn:
        head = conn.execute("SELECT head_index, head_mac FROM audit_chains").fetchone()
    result = verify_file(
        done.journal_path, key, ChainHead(head["head_index"], bytes.fromhex(head["head_mac"]))
    )
    assert result.ok and result.records == len(EXPECTED)


@pytest.fixture
def everything_logged(tmp_path: Path) -> Iterator[Path]:
    """Every logger at DEBUG into one file, as a support engineer would set it."""
    path = tmp_path / "logs" / "workstation.log"
    path.parent.mkdir()
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
        handler.close()


def _files_containing(folder: Path, needles: tuple[bytes, ...]) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes().upper()
            found += [f"{path}: {needle.decode()}" for needle in needles if needle in data]
    return found


def test_a_sentinel_patient_name_reaches_no_log_temp_or_cache_file(
    tmp_path: Path,
    start_live: Callable[..., Live],  # noqa: F811
    everything_logged: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))

    done = run_session(tmp_path, start_live, sentinel=True, via_cache=True)

    needles = (SENTINEL_FAMILY.encode(), SENTINEL_GIVEN.encode())
    log_text = everything_logged.read_bytes()
    assert len(log_text) > 1000, "the session logged next to nothing: the check would prove nothing"
    assert b"login accepted" in log_text or b"logged in as" in log_text
    # Logs and temporary files hold no identity trait either (INS, IPP, birth date), only UIDs.
    patient = CT_HEAD_CASE.patient
    traits = (patient.ins.encode(), patient.ipp.encode(), patient.birth_date.strftime("%Y%m%d").encode())
    assert _files_containing(everything_logged.parent, needles + traits) == []
    assert _files_containing(temp, needles + traits) == []
    # The images carry the sentinel too; the encrypted cache holds them, yet no file of the cache
    # (objects, index), nor of the RAM folder the study was opened in, shows it or the INS.
    assert sum(1 for _ in done.cache.rglob("*.bin")) == 4, (
        "the study was not cached: the check proves nothing"
    )
    assert _files_containing(tmp_path / "cache", needles + traits) == []
    assert _files_containing(tmp_path / "run", needles + traits) == []
    assert _files_containing(done.journal_path.parent, needles) == []  # identifiers only, even there
    # ... while the platform, which received the order, does hold the name: the sentinel was real.
    assert _files_containing(tmp_path / "platform" / "orders", needles) != []
    assert _files_containing(tmp_path / "platform" / "dicom", needles) != []
    assert tempfile.gettempdir() == str(temp)
