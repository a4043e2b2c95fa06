"""Audit records in the shape of the DICOM audit message (PS3.15 A.5, IHE ATNA, after RFC 3881).

A record says who (active participants: the user, by login and RPPS, with the workstation's network
access point), did what (EventID, EventActionCode, EventTypeCode, outcome), when (UTC), from which
audit source, to which objects (patient, study, order, HL7 message control id). The journal stores
records as JSON; :mod:`workstation.audit.dicom_xml` writes the DICOM XML form for shipping.

Codes come from DICOM (CID 400-403, "DCM") and RFC 3881 where one fits. Where none does (session
lock/unlock, report signed/sent, refusal sent, order number, broken audit chain) a local code of the
"99TLR" scheme is used and listed in :data:`LOCAL_CODES`: ATNA allows local event type codes, and
inventing a DCM code would be worse than an honest local one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import Any


@dataclass(frozen=True, slots=True)
class Code:
    """A coded value: ``csd-code``, ``codeSystemName`` and ``originalText`` in the DICOM schema."""

    code: str
    scheme: str
    meaning: str


LOCAL_SCHEME = "99TLR"


def _dcm(code: str, meaning: str) -> Code:
    return Code(code, "DCM", meaning)


def _rfc(code: str, meaning: str) -> Code:
    return Code(code, "RFC-3881", meaning)


def _local(code: str, meaning: str) -> Code:
    return Code(code, LOCAL_SCHEME, meaning)


class Action(Enum):
    """EventActionCode."""

    CREATE = "C"
    READ = "R"
    UPDATE = "U"
    DELETE = "D"
    EXECUTE = "E"


class Outcome(Enum):
    """EventOutcomeIndicator."""

    SUCCESS = 0
    MINOR_FAILURE = 4
    SERIOUS_FAILURE = 8
    MAJOR_FAILURE = 12


class EventKind(Enum):
    """What the workstation audits (GitHub issue 5)."""

    LOGIN = "login"
    LOGIN_FAILURE = "login_failure"
    LOGOUT = "logout"
    LOCK = "lock"
    UNLOCK = "unlock"
    WORKLIST_QUERY = "worklist_query"
    STUDY_QUERY = "study_query"  # issue 19: a PACS searched over DIMSE (C-FIND)
    ORDER_VIEWED = "order_viewed"
    STUDY_ACCESSED = "study_accessed"
    STUDY_DELETED = "study_deleted"
    EXPORT = "export"
    REPORT_SIGNED = "report_signed"
    REPORT_SENT = "report_sent"
    REFUSAL_SENT = "refusal_sent"
    TLS_FAILURE = "tls_failure"
    CHAIN_BROKEN = "chain_broken"
    OUTBOX_LOSS = "outbox_loss"  # issue 22: the outbox's file was found damaged or short at start-up
    EXPERTISE_REQUESTED = "expertise_requested"  # issue 20: an expert's opinion asked on a case
    EXPERTISE_ANSWERED = "expertise_answered"  # the expert's signed report, or why it is impossible
    EXPERTISE_ANSWER_READ = "expertise_answer_read"  # the requester opened the expert's answer
    EXPERTISE_URGENT_COMMUNICATION = "expertise_urgent_communication"  # urgent result given at once
    # issue 23: every safety decision of the radiologist (charter §5, « traçabilité exhaustive »)
    ORDER_ACCEPTED = "order_accepted"  # the request accepted with a protocol (flux 3 OK queued)
    ORDER_REFUSED = "order_refused"  # the request refused with a coded reason (flux 3 OC queued)
    RADIOPROTECTION_CONFIRMED = "radioprotection_confirmed"  # exposure justified despite a risk
    CONTRAST_CONFIRMED = "contrast_confirmed"  # contrast risks reviewed, a physician at the injection
    IDENTITY_OVERRIDE = "identity_override"  # an identity mismatch lifted on the site's word
    URGENT_COMMUNICATION = "urgent_communication"  # an urgent result phoned to the requester
    COMPLEMENTARY_IMAGES_REQUESTED = "complementary_images_requested"  # more images asked of the site
    PROVISIONAL_IDENTITY_SIGNED = "provisional_identity_signed"  # a report signed on an unqualified identity
    QUALIFIED_IDENTITY_LINKED = "qualified_identity_linked"  # « identité qualifiée rattachée » (addendum)


USER_AUTHENTICATION = _dcm("110114", "User Authentication")
_LOGIN = _dcm("110122", "Login")
_EXPORT = _dcm("110106", "Export")
SECURITY_ALERT = _dcm("110113", "Security Alert")

LOCAL_CODES: dict[str, Code] = {
    c.code: c
    for c in (
        _local("SESSION_LOCK", "Session locked"),
        _local("SESSION_UNLOCK", "Session unlocked"),
        _local("REPORT_SIGNED", "Report signed"),
        _local("REPORT_SENT", "Report sent to the platform"),
        _local("REFUSAL_SENT", "Order refusal sent to the platform"),
        _local("AUDIT_CHAIN_BROKEN", "Audit journal integrity failure"),
        _local("OUTBOX_LOSS", "Outbox damaged or incomplete at start-up"),
        _local("ORDER", "Placer order number (ORC-2)"),
        _local("EXPERTISE_REQUEST", "Teleexpertise request sent"),
        _local("EXPERTISE_ANSWER", "Teleexpertise answer sent"),
        _local("EXPERTISE_ANSWER_READ", "Teleexpertise answer read"),
        _local("URGENT_COMMUNICATION", "Urgent result communicated synchronously"),
        _local("ORDER_ACCEPTED", "Order accepted with an imaging protocol"),
        _local("ORDER_REFUSED", "Order refused with a reason"),
        _local("RADIOPROTECTION_CONFIRMED", "Exposure justification confirmed (radioprotection)"),
        _local("CONTRAST_CONFIRMED", "Contrast safety reviewed and physician presence confirmed"),
        _local("IDENTITY_OVERRIDE", "Identity mismatch lifted after the site's confirmation"),
        _local("COMPLEMENTARY_IMAGES", "Complementary images requested from the site"),
        _local("PROVISIONAL_IDENTITY", "Report signed on an unqualified or provisional identity"),
        _local("QUALIFIED_IDENTITY", "Qualified identity linked to a report signed on a provisional one"),
    )
}

_ORDER_RECORD = _dcm("110109", "Order Record")
_PROCEDURE_RECORD = _dcm("110111", "Procedure Record")

# EventKind -> (EventID, EventActionCode, EventTypeCode or None)
EVENT_CODES: dict[EventKind, tuple[Code, Action, Code | None]] = {
    EventKind.LOGIN: (USER_AUTHENTICATION, Action.EXECUTE, _LOGIN),
    EventKind.LOGIN_FAILURE: (USER_AUTHENTICATION, Action.EXECUTE, _LOGIN),
    EventKind.LOGOUT: (USER_AUTHENTICATION, Action.EXECUTE, _dcm("110123", "Logout")),
    EventKind.LOCK: (USER_AUTHENTICATION, Action.EXECUTE, LOCAL_CODES["SESSION_LOCK"]),
    EventKind.UNLOCK: (USER_AUTHENTICATION, Action.EXECUTE, LOCAL_CODES["SESSION_UNLOCK"]),
    EventKind.WORKLIST_QUERY: (_dcm("110112", "Query"), Action.EXECUTE, None),
    EventKind.STUDY_QUERY: (_dcm("110112", "Query"), Action.EXECUTE, None),
    EventKind.ORDER_VIEWED: (_dcm("110109", "Order Record"), Action.READ, None),
    EventKind.STUDY_ACCESSED: (_dcm("110103", "DICOM Instances Accessed"), Action.READ, None),
    EventKind.STUDY_DELETED: (_dcm("110105", "DICOM Study Deleted"), Action.DELETE, None),
    EventKind.EXPORT: (_EXPORT, Action.READ, None),
    EventKind.REPORT_SIGNED: (
        _dcm("110111", "Procedure Record"),
        Action.CREATE,
        LOCAL_CODES["REPORT_SIGNED"],
    ),
    EventKind.REPORT_SENT: (_EXPORT, Action.READ, LOCAL_CODES["REPORT_SENT"]),
    EventKind.REFUSAL_SENT: (_EXPORT, Action.READ, LOCAL_CODES["REFUSAL_SENT"]),
    EventKind.TLS_FAILURE: (SECURITY_ALERT, Action.EXECUTE, _dcm("110126", "Node Authentication")),
    EventKind.CHAIN_BROKEN: (SECURITY_ALERT, Action.EXECUTE, LOCAL_CODES["AUDIT_CHAIN_BROKEN"]),
    EventKind.OUTBOX_LOSS: (SECURITY_ALERT, Action.EXECUTE, LOCAL_CODES["OUTBOX_LOSS"]),
    EventKind.EXPERTISE_REQUESTED: (
        _dcm("110109", "Order Record"),
        Action.CREATE,
        LOCAL_CODES["EXPERTISE_REQUEST"],
    ),
    EventKind.EXPERTISE_ANSWERED: (
        _dcm("110111", "Procedure Record"),
        Action.CREATE,
        LOCAL_CODES["EXPERTISE_ANSWER"],
    ),
    EventKind.EXPERTISE_ANSWER_READ: (
        _dcm("110111", "Procedure Record"),
        Action.READ,
        LOCAL_CODES["EXPERTISE_ANSWER_READ"],
    ),
    EventKind.EXPERTISE_URGENT_COMMUNICATION: (
        _dcm("110111", "Procedure Record"),
        Action.EXECUTE,
        LOCAL_CODES["URGENT_COMMUNICATION"],
    ),
    EventKind.ORDER_ACCEPTED: (_ORDER_RECORD, Action.UPDATE, LOCAL_CODES["ORDER_ACCEPTED"]),
    EventKind.ORDER_REFUSED: (_ORDER_RECORD, Action.UPDATE, LOCAL_CODES["ORDER_REFUSED"]),
    EventKind.RADIOPROTECTION_CONFIRMED: (
        _ORDER_RECORD,
        Action.EXECUTE,
        LOCAL_CODES["RADIOPROTECTION_CONFIRMED"],
    ),
    EventKind.CONTRAST_CONFIRMED: (_ORDER_RECORD, Action.EXECUTE, LOCAL_CODES["CONTRAST_CONFIRMED"]),
    EventKind.IDENTITY_OVERRIDE: (_PROCEDURE_RECORD, Action.UPDATE, LOCAL_CODES["IDENTITY_OVERRIDE"]),
    EventKind.URGENT_COMMUNICATION: (
        _PROCEDURE_RECORD,
        Action.EXECUTE,
        LOCAL_CODES["URGENT_COMMUNICATION"],
    ),
    EventKind.COMPLEMENTARY_IMAGES_REQUESTED: (
        _ORDER_RECORD,
        Action.UPDATE,
        LOCAL_CODES["COMPLEMENTARY_IMAGES"],
    ),
    EventKind.PROVISIONAL_IDENTITY_SIGNED: (
        _PROCEDURE_RECORD,
        Action.CREATE,
        LOCAL_CODES["PROVISIONAL_IDENTITY"],
    ),
    EventKind.QUALIFIED_IDENTITY_LINKED: (
        _PROCEDURE_RECORD,
        Action.UPDATE,
        LOCAL_CODES["QUALIFIED_IDENTITY"],
    ),
}

SAFETY_DECISIONS = frozenset(
    {
        EventKind.ORDER_ACCEPTED,
        EventKind.ORDER_REFUSED,
        EventKind.RADIOPROTECTION_CONFIRMED,
        EventKind.CONTRAST_CONFIRMED,
        EventKind.IDENTITY_OVERRIDE,
        EventKind.URGENT_COMMUNICATION,
        EventKind.COMPLEMENTARY_IMAGES_REQUESTED,
        EventKind.PROVISIONAL_IDENTITY_SIGNED,
        EventKind.QUALIFIED_IDENTITY_LINKED,
    }
)
"""The radiologist's safety decisions (issue 23): each one a record naming the user, the order and
the patient, with its details (MSH-10, codes) and an English description without patient data."""


class AccessPointType(Enum):
    """NetworkAccessPointTypeCode."""

    MACHINE_NAME = "1"
    IP_ADDRESS = "2"
    URI = "5"


class Role(Enum):
    """RoleIDCode of an active participant (CID 402)."""

    APPLICATION = _dcm("110150", "Application")
    DESTINATION = _dcm("110152", "Destination Role ID")
    SOURCE = _dcm("110153", "Source Role ID")
    DESTINATION_MEDIA = _dcm("110154", "Destination Media")


class Media(Enum):
    """MediaType of an export destination (CID 405)."""

    USB = _dcm("110030", "USB Disk Emulation")
    EMAIL = _dcm("110031", "Email")
    CD = _dcm("110032", "CD")
    DVD = _dcm("110033", "DVD")
    URI = _dcm("110037", "URI")


class ObjectKind(Enum):
    """What a participant object is; fixes its type code, role and ID type (see :data:`OBJECT_CODES`)."""

    PATIENT = "patient"
    STUDY = "study"
    ORDER = "order"
    REPORT = "report"
    QUERY = "query"
    NODE = "node"
    AUDIT_JOURNAL = "audit_journal"


# ObjectKind -> (ParticipantObjectTypeCode, ParticipantObjectTypeCodeRole, ParticipantObjectIDTypeCode)
OBJECT_CODES: dict[ObjectKind, tuple[str, str, Code]] = {
    ObjectKind.PATIENT: ("1", "1", _rfc("2", "Patient Number")),
    ObjectKind.STUDY: ("2", "3", _dcm("110180", "Study Instance UID")),
    ObjectKind.ORDER: ("2", "20", LOCAL_CODES["ORDER"]),
    ObjectKind.REPORT: ("2", "3", _rfc("9", "Report Number")),
    ObjectKind.QUERY: ("2", "24", _rfc("10", "Search Criteria")),
    ObjectKind.NODE: ("2", "13", _dcm("110182", "Node ID")),
    ObjectKind.AUDIT_JOURNAL: ("2", "13", _rfc("12", "URI")),
}


@dataclass(frozen=True, slots=True)
class Participant:
    """An active participant: the user (requestor) or the other end (platform, media, cache)."""

    user_id: str
    is_requestor: bool
    alt_user_id: str = ""  # the RPPS number of a professional
    access_point: str = ""
    access_point_type: AccessPointType | None = None
    role: Role | None = None
    media: Media | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"user_id": self.user_id, "requestor": self.is_requestor}
        if self.alt_user_id:
            data["alt_user_id"] = self.alt_user_id
        if self.access_point:
            data["access_point"] = self.access_point
        if self.access_point_type:
            data["access_point_type"] = self.access_point_type.value
        if self.role:
            data["role"] = self.role.name
        if self.media:
            data["media"] = self.media.name
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Participant:
        point_type = data.get("access_point_type")
        return cls(
            user_id=data["user_id"],
            is_requestor=data["requestor"],
            alt_user_id=data.get("alt_user_id", ""),
            access_point=data.get("access_point", ""),
            access_point_type=AccessPointType(point_type) if point_type else None,
            role=Role[data["role"]] if "role" in data else None,
            media=Media[data["media"]] if "media" in data else None,
        )


@dataclass(frozen=True, slots=True)
class ParticipantObject:
    """A patient, study, order... the event touched. Never a patient name: identifiers only."""

    kind: ObjectKind
    id: str
    details: tuple[tuple[str, str], ...] = ()  # ParticipantObjectDetail (type, value), e.g. ("MSH-10", id)
    query: str = ""  # ParticipantObjectQuery, for QUERY objects

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind.value, "id": self.id}
        if self.details:
            data["details"] = [[k, v] for k, v in self.details]
        if self.query:
            data["query"] = self.query
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ParticipantObject:
        return cls(
            kind=ObjectKind(data["kind"]),
            id=data["id"],
            details=tuple((k, v) for k, v in data.get("details", ())),
            query=data.get("query", ""),
        )


@dataclass(frozen=True, slots=True)
class AuditSource:
    """AuditSourceIdentification: this workstation (AuditSourceTypeCode 1, end-user display device)."""

    source_id: str
    site_id: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"id": self.source_id, "site": self.site_id} if self.site_id else {"id": self.source_id}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AuditSource:
        return cls(data["id"], data.get("site", ""))


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One audited event; ``description`` (EventOutcomeDescription) is English, without patient data."""

    kind: EventKind
    at: datetime
    outcome: Outcome
    source: AuditSource
    participants: tuple[Participant, ...]
    objects: tuple[ParticipantObject, ...] = field(default=())
    description: str = ""

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("audit times must be timezone-aware (UTC)")
        if not self.participants:
            raise ValueError("an audit record needs at least one active participant")

    @property
    def event_id(self) -> Code:
        return EVENT_CODES[self.kind][0]

    @property
    def action(self) -> Action:
        return EVENT_CODES[self.kind][1]

    @property
    def event_type(self) -> Code | None:
        return EVENT_CODES[self.kind][2]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind.value,
            "at": self.at.astimezone(UTC).isoformat(timespec="milliseconds"),
            "outcome": self.outcome.value,
            "source": self.source.to_json(),
            "participants": [p.to_json() for p in self.participants],
        }
        if self.objects:
            data["objects"] = [o.to_json() for o in self.objects]
        if self.description:
            data["description"] = self.description
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AuditRecord:
        return cls(
            kind=EventKind(data["kind"]),
            at=datetime.fromisoformat(data["at"]),
            outcome=Outcome(data["outcome"]),
            source=AuditSource.from_json(data["source"]),
            participants=tuple(Participant.from_json(p) for p in data["participants"]),
            objects=tuple(ParticipantObject.from_json(o) for o in data.get("objects", ())),
            description=data.get("description", ""),
        )
