"""A scripted reading session, Qt-free, against the real reference platform, and what it leaves behind.

The script is what the application does, with the real pieces: the auth session over the platform
client (password + TOTP checked by the platform), the worklist, the order parsed from the relayed
HL7, the study fetched over DICOMweb, a flux 3 refusal built and answered AA, logout; the audit
trail subscribed to the session as the composition root does, the journal's keys in a keyring, the
journal shipped to the platform at the end.

1. The journal holds exactly the expected events, in order, with the right participants and
   objects; it verifies from k0 against the head the platform acknowledged.
2. With a sentinel patient name in the order, the logs (every logger, DEBUG, into a file), the
   temporary directory and the cache folder never contain it; nor does the journal, which keeps
   identifiers only.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from auth.keystore import KeyStore, VolatileKeyring
from auth.session import LoginRejected, Session
from teleplatform.demo.cases import CT_HEAD_CASE, Flow, ScheduledMessage
from teleplatform.demo.orders import render
from tests.teleplatform.builders import ACCOUNT, otp_at, write_ct_series, write_data_dir
from tests.teleplatform.conftest import Live, start_live  # noqa: F401  (fixture)
from workstation.audit import (
    AuditShipper,
    AuditSource,
    AuditTrail,
    ChainHead,
    EventKind,
    HttpAuditTransport,
    StudyOrigin,
    read_entries,
    verify_file,
)
from workstation.audit.custody import open_journal, verification_material
from workstation.audit.model import ObjectKind, Outcome
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


def run_session(root: Path, start: Callable[..., Live], sentinel: bool) -> Script:
    """The scripted session; ``root`` holds the platform data, the workstation's data and cache."""
    case = _case(sentinel)
    order_hl7 = render(ScheduledMessage(case.requested_at, case, Flow.REQUEST))
    data = write_data_dir(root / "platform", {"0001_order.hl7": order_hl7})
    write_ct_series(
        data / "dicom" / "ct", count=4, patient_id=case.patient.ins, study_uid=case.study_instance_uid
    )
    live = start(data)

    keystore = KeyStore(VolatileKeyring())
    journal_path = root / "data" / "teleradiologie" / "audit" / "journal.jsonl"
    journal = open_journal(keystore, journal_path)
    trail = AuditTrail(journal, AuditSource("poste-test", "tlr-demo"), "poste-test.local")
    client = PlatformClient(live.base_url, live.ca_path, timeout=10)
    session = Session(SessionVerifier(client), clock=SessionClock())
    session.subscribe(trail.on_session_event)
    shipper = AuditShipper(
        journal_path,
        HttpAuditTransport(
            live.base_url, live.ca_path, lambda: client.auth.access_token if client.auth else None
        ),
    )
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

    files = client.retrieve_study(case.study_instance_uid, cache / "studies" / case.study_instance_uid)
    assert len(files) == 4
    trail.study_accessed(identity, case.study_instance_uid, ins, StudyOrigin.PLATFORM, live.base_url)

    request = parse(entry.messages[0].hl7)
    refusal = build_refusal(
        request,
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


def test_a_scripted_session_produces_exactly_the_expected_events(
    tmp_path: Path,
    start_live: Callable[..., Live],  # noqa: F811
) -> None:
    done = run_session(tmp_path, start_live, sentinel=False)
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
    assert accessed.objects[1].details == (("origin", "platform"),)
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

    done = run_session(tmp_path, start_live, sentinel=True)

    needles = (SENTINEL_FAMILY.encode(), SENTINEL_GIVEN.encode())
    log_text = everything_logged.read_bytes()
    assert len(log_text) > 1000, "the session logged next to nothing: the check would prove nothing"
    assert b"login accepted" in log_text or b"logged in as" in log_text
    # Logs and temporary files hold no identity trait either (INS, IPP, birth date), only UIDs.
    patient = CT_HEAD_CASE.patient
    traits = (patient.ins.encode(), patient.ipp.encode(), patient.birth_date.strftime("%Y%m%d").encode())
    assert _files_containing(everything_logged.parent, needles + traits) == []
    assert _files_containing(temp, needles + traits) == []
    # The cache holds the study's DICOM files (PatientID = INS, the images' own PatientName, not the
    # order's): the order's name must not be copied there.
    assert list(done.cache.rglob("*.dcm")), "the study was not cached: the cache check would prove nothing"
    assert _files_containing(tmp_path / "cache", needles) == []
    assert _files_containing(done.journal_path.parent, needles) == []  # identifiers only, even there
    # ... while the platform, which received the order, does hold the name: the sentinel was real.
    assert _files_containing(tmp_path / "platform" / "orders", needles) != []
    assert tempfile.gettempdir() == str(temp)
