"""Every event kind, recorded through the trail, exports as a DICOM audit message of the right shape."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from auth.session import Identity, LoginRejected, PlatformUnreachable, Session
from workstation.audit import (
    AuditJournal,
    AuditSource,
    AuditTrail,
    MemoryStateStore,
    StudyOrigin,
    read_entries,
)
from workstation.audit.dicom_xml import audit_message, to_xml
from workstation.audit.model import SAFETY_DECISIONS, AuditRecord, EventKind, Media

# The structure of the DICOM audit message schema (PS3.15 A.5.1, RELAX NG compact in the standard),
# transcribed to RELAX NG XML syntax for lxml: element order, required attributes, enumerations.
SCHEMA = etree.RelaxNG(
    etree.fromstring(
        b"""\
<grammar xmlns="http://relaxng.org/ns/structure/1.0"
         datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes">
  <start>
    <element name="AuditMessage">
      <ref name="EventIdentification"/>
      <oneOrMore><ref name="ActiveParticipant"/></oneOrMore>
      <ref name="AuditSourceIdentification"/>
      <zeroOrMore><ref name="ParticipantObjectIdentification"/></zeroOrMore>
    </element>
  </start>
  <define name="CodedValueType">
    <attribute name="csd-code"><data type="token"/></attribute>
    <attribute name="codeSystemName"><data type="token"/></attribute>
    <optional><attribute name="displayName"><data type="token"/></attribute></optional>
    <attribute name="originalText"><data type="token"/></attribute>
  </define>
  <define name="EventIdentification">
    <element name="EventIdentification">
      <element name="EventID"><ref name="CodedValueType"/></element>
      <zeroOrMore><element name="EventTypeCode"><ref name="CodedValueType"/></element></zeroOrMore>
      <optional><element name="EventOutcomeDescription"><text/></element></optional>
      <optional><attribute name="EventActionCode">
        <choice><value>C</value><value>R</value><value>U</value><value>D</value><value>E</value></choice>
      </attribute></optional>
      <attribute name="EventDateTime"><data type="dateTime"/></attribute>
      <attribute name="EventOutcomeIndicator">
        <choice><value>0</value><value>4</value><value>8</value><value>12</value></choice>
      </attribute>
    </element>
  </define>
  <define name="ActiveParticipant">
    <element name="ActiveParticipant">
      <zeroOrMore><element name="RoleIDCode"><ref name="CodedValueType"/></element></zeroOrMore>
      <optional><element name="MediaIdentifier">
        <element name="MediaType"><ref name="CodedValueType"/></element>
      </element></optional>
      <attribute name="UserID"><data type="string"/></attribute>
      <optional><attribute name="AlternativeUserID"><data type="string"/></attribute></optional>
      <optional><attribute name="UserName"><data type="string"/></attribute></optional>
      <attribute name="UserIsRequestor"><data type="boolean"/></attribute>
      <optional><attribute name="NetworkAccessPointID"><data type="string"/></attribute></optional>
      <optional><attribute name="NetworkAccessPointTypeCode">
        <choice><value>1</value><value>2</value><value>3</value><value>4</value><value>5</value></choice>
      </attribute></optional>
    </element>
  </define>
  <define name="AuditSourceIdentification">
    <element name="AuditSourceIdentification">
      <zeroOrMore><element name="AuditSourceTypeCode"><ref name="CodedValueType"/></element></zeroOrMore>
      <optional><attribute name="AuditEnterpriseSiteID"><data type="string"/></attribute></optional>
      <attribute name="AuditSourceID"><data type="string"/></attribute>
    </element>
  </define>
  <define name="ParticipantObjectIdentification">
    <element name="ParticipantObjectIdentification">
      <element name="ParticipantObjectIDTypeCode"><ref name="CodedValueType"/></element>
      <optional><choice>
        <element name="ParticipantObjectName"><data type="string"/></element>
        <element name="ParticipantObjectQuery"><data type="base64Binary"/></element>
      </choice></optional>
      <zeroOrMore><element name="ParticipantObjectDetail">
        <attribute name="type"><data type="token"/></attribute>
        <attribute name="value"><data type="base64Binary"/></attribute>
      </element></zeroOrMore>
      <attribute name="ParticipantObjectID"><data type="string"/></attribute>
      <optional><attribute name="ParticipantObjectTypeCode">
        <choice><value>1</value><value>2</value><value>3</value><value>4</value></choice>
      </attribute></optional>
      <optional><attribute name="ParticipantObjectTypeCodeRole"><data type="token"/></attribute></optional>
    </element>
  </define>
</grammar>
"""
    )
)

USER = Identity("dr.martin", "10001234567", "MARTIN", "Claire", "Dr")
PATIENT = "1234567890123^^^&1.2.250.1.213.1.4.8&ISO"
PLATFORM = "https://plateforme.local:8443"
STUDY = "1.2.250.1.59.1.2.3"


@pytest.fixture
def journal(tmp_path: Path) -> AuditJournal:
    journal = AuditJournal(tmp_path / "journal.jsonl", MemoryStateStore(), bytes(32))
    yield journal
    journal.close()


@pytest.fixture
def trail(journal: AuditJournal) -> AuditTrail:
    return AuditTrail(
        journal,
        AuditSource("poste-1", "groupe-tlr"),
        "poste-1.local",
        lambda: datetime(2025, 3, 1, 8, 0, tzinfo=UTC),
    )


def record_everything(trail: AuditTrail, tmp_path: Path) -> None:
    trail.login(USER)
    trail.login_failed("dr.martin", "bad_otp")
    trail.lock(USER, "idle_timeout")
    trail.unlock(USER, "password_checked_offline")
    trail.worklist_query(USER, PLATFORM, "status=a_valider")
    trail.study_query(USER, "dicom://PACS@pacs.local:104", "C-FIND STUDY PatientID", PATIENT)
    trail.order_viewed(USER, "CMD-00042", PATIENT)
    trail.study_accessed(USER, STUDY, PATIENT, StudyOrigin.CACHE)
    trail.study_by_application(EventKind.STUDY_DELETED, STUDY, PATIENT, StudyOrigin.CACHE, "cache eviction")
    trail.export(USER, STUDY, PATIENT, Media.USB, "/media/usb0")
    trail.report_signed(USER, "CMD-00042", PATIENT, STUDY, "1.2.250.1.999.1")
    trail.report_sent(USER, "CMD-00042", PATIENT, "MSG000123", PLATFORM)
    trail.refusal_sent(USER, "CMD-00043", PATIENT, "MSG000124", PLATFORM)
    trail.tls_failure(PLATFORM, "CERTIFICATE_VERIFY_FAILED: self-signed certificate")
    trail.chain_broken(tmp_path / "journal.jsonl", "record 17: BAD_MAC")
    trail.outbox_loss(tmp_path / "outbox.sqlite", "recovered=3 history_lost=1")
    for kind in (
        EventKind.EXPERTISE_REQUESTED,
        EventKind.EXPERTISE_ANSWERED,
        EventKind.EXPERTISE_ANSWER_READ,
        EventKind.EXPERTISE_URGENT_COMMUNICATION,
    ):
        trail.expertise(kind, USER, "EXP-0A1B2C3D4E5F", "CMD-00042", PATIENT, PLATFORM, report_id="1.2.3")
    for kind in sorted(SAFETY_DECISIONS, key=lambda k: k.value):  # issue 23
        trail.safety_decision(kind, USER, "CMD-00042", PATIENT, (("MSH-10", "MSG000125"),), kind.value)
    trail.logout(USER, "user_request")


def test_every_kind_exports_valid_xml(trail: AuditTrail, journal: AuditJournal, tmp_path: Path) -> None:
    record_everything(trail, tmp_path)
    records = [e.record for e in read_entries(journal.path)]
    assert {r.kind for r in records} == set(EventKind)
    for record in records:
        document = etree.fromstring(to_xml(record))
        assert SCHEMA.validate(document), (record.kind, SCHEMA.error_log.last_error)


def _record(journal: AuditJournal, kind: EventKind) -> AuditRecord:
    return next(e.record for e in read_entries(journal.path) if e.record.kind is kind)


def test_report_sent_message(trail: AuditTrail, journal: AuditJournal, tmp_path: Path) -> None:
    record_everything(trail, tmp_path)
    xml = audit_message(_record(journal, EventKind.REPORT_SENT))
    event = xml.find("EventIdentification")
    assert event.get("EventActionCode") == "R" and event.get("EventOutcomeIndicator") == "0"
    assert event.get("EventDateTime") == "2025-03-01T08:00:00.000+00:00"
    assert event.find("EventID").get("csd-code") == "110106"
    assert event.find("EventTypeCode").attrib == {
        "csd-code": "REPORT_SENT",
        "codeSystemName": "99TLR",
        "originalText": "Report sent to the platform",
    }
    user, platform = xml.findall("ActiveParticipant")
    assert user.get("UserID") == "dr.martin" and user.get("AlternativeUserID") == "10001234567"
    assert user.get("UserIsRequestor") == "true" and user.get("NetworkAccessPointID") == "poste-1.local"
    assert (
        platform.get("UserIsRequestor") == "false" and platform.find("RoleIDCode").get("csd-code") == "110152"
    )
    source = xml.find("AuditSourceIdentification")
    assert source.get("AuditSourceID") == "poste-1" and source.get("AuditEnterpriseSiteID") == "groupe-tlr"
    patient, order = xml.findall("ParticipantObjectIdentification")
    assert patient.get("ParticipantObjectID") == PATIENT and patient.get("ParticipantObjectTypeCode") == "1"
    assert patient.find("ParticipantObjectIDTypeCode").get("csd-code") == "2"
    detail = patient.find("ParticipantObjectDetail")
    assert detail.get("type") == "MSH-10" and base64.b64decode(detail.get("value")) == b"MSG000123"
    assert order.get("ParticipantObjectID") == "CMD-00042"


def test_study_from_cache_and_login_failure(trail: AuditTrail, journal: AuditJournal, tmp_path: Path) -> None:
    record_everything(trail, tmp_path)
    study = audit_message(_record(journal, EventKind.STUDY_ACCESSED))
    assert study.find("EventIdentification/EventID").get("csd-code") == "110103"
    uid = study.findall("ParticipantObjectIdentification")[1]
    assert uid.find("ParticipantObjectIDTypeCode").get("csd-code") == "110180"
    assert base64.b64decode(uid.find("ParticipantObjectDetail").get("value")) == b"cache"
    failure = audit_message(_record(journal, EventKind.LOGIN_FAILURE))
    assert failure.find("EventIdentification").get("EventOutcomeIndicator") == "4"
    assert failure.find("EventIdentification/EventTypeCode").get("csd-code") == "110122"
    assert failure.find("EventIdentification/EventOutcomeDescription").text == "bad_otp"
    export = audit_message(_record(journal, EventKind.EXPORT))
    assert export.find("ActiveParticipant/MediaIdentifier/MediaType") is not None
    tls = audit_message(_record(journal, EventKind.TLS_FAILURE))
    assert tls.find("EventIdentification/EventTypeCode").get("csd-code") == "110126"


def test_records_survive_the_json_round_trip(
    trail: AuditTrail, journal: AuditJournal, tmp_path: Path
) -> None:
    record_everything(trail, tmp_path)
    for entry in read_entries(journal.path):
        assert AuditRecord.from_json(entry.record.to_json()) == entry.record


class Platform:
    def __init__(self) -> None:
        self.reachable = True

    def authenticate(self, login: str, password: str, otp: str) -> Identity:
        if otp != "123456":
            raise LoginRejected("bad_otp", "401 bad_otp", "Code incorrect.")
        return USER

    def verify_password(self, login: str, password: str) -> bool:
        if not self.reachable:
            raise PlatformUnreachable("timeout", "Plateforme injoignable.")
        return password == "mdp"


def test_session_events_become_audit_records(trail: AuditTrail, journal: AuditJournal) -> None:
    now = [0.0]
    platform = Platform()
    session = Session(platform, clock=lambda: now[0])
    session.subscribe(trail.on_session_event)
    with pytest.raises(LoginRejected):
        session.login("dr.martin", "mdp", "000000")
    session.login("dr.martin", "mdp", "123456")
    now[0] += 15 * 60
    session.tick()
    platform.reachable = False
    with pytest.raises(Exception, match="wrong password"):
        session.unlock("faux")
    session.unlock("mdp")
    session.logout()
    kinds = [
        (e.record.kind, e.record.outcome.value, e.record.description) for e in read_entries(journal.path)
    ]
    assert kinds == [
        (EventKind.LOGIN_FAILURE, 4, "bad_otp"),
        (EventKind.LOGIN, 0, ""),
        (EventKind.LOCK, 0, "idle_timeout"),
        (EventKind.UNLOCK, 4, "rejected password_checked_offline"),
        (EventKind.UNLOCK, 0, "password_checked_offline"),
        (EventKind.LOGOUT, 0, "user_request"),
    ]
    assert all(
        e.record.participants[0].alt_user_id == "10001234567" for e in list(read_entries(journal.path))[1:]
    )
