"""HL7 v2 wrapper of the CDA, per the ANS guide "Transmission de document(s) CDA en HL7v2" (2.1).

A first version travels as ORU^R01 (v2.5) or MDM^T02 (v2.6) with OBX-11 = F; a new version
(correction or addendum, same set id) as MDM^T10 with ORC-1 = RO, OBX-11 = C and the replaced
document in TXA-13. The CDA is base64 in OBX-5 (ED: ^TEXT^XML^Base64^data). The PRT segment
(sender) is pre-adopted from v2.9, which hl7apy only knows from v2.7 on: it is built and parsed
with the 2.8.2 definitions, everything else with the message's own version.

Every segment is built and parsed by hl7apy (tolerant validation); values are escaped by its
datatypes. Segment separators ``\\r``, ``\\n`` and ``\\r\\n`` are accepted on input, ``\\r`` written.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from hl7apy.base_datatypes import FT, ID, IS, ST, TX
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.core import Segment
from hl7apy.exceptions import HL7apyException
from hl7apy.parser import parse_segment

from reporting.model import RPPS_ROOT, STRUCTURE_ROOT, Professional, Report, ReportStatus

TOLERANT = VALIDATION_LEVEL.TOLERANT
PARIS = ZoneInfo("Europe/Paris")
PRT_VERSION = "2.8.2"
PROFILE = ("2.1", "CISIS_CDA_HL7_V2")
DOCUMENT_TYPE = ("18748-4", "CR d'imagerie médicale", "LN")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
TEXT_DATATYPES = {"ST": ST, "ID": ID, "IS": IS, "FT": FT, "TX": TX}
INS_NAMESPACES = {"1.2.250.1.213.1.4.9": "ASIP-SANTE-INS-NIA"}  # every other INS root is an INS-NIR


class MessageKind(StrEnum):
    ORU_R01 = "ORU^R01^ORU_R01"
    MDM_T02 = "MDM^T02^MDM_T02"
    MDM_T10 = "MDM^T10^MDM_T02"


class Hl7Error(ValueError):
    """A message that cannot be built or read; the text is English, for the log."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    application: str
    facility: str


@dataclass(frozen=True, slots=True)
class Routing:
    """Who sends to whom (MSH-3..6); the imaging site is the receiver of a report."""

    sender: Endpoint = Endpoint("TLR-POSTE", "TLR-PLATEFORME")
    receiver: Endpoint = Endpoint("RIS", "STRUCTURE-IMAGERIE")
    processing_id: str = "P"


@dataclass(frozen=True, slots=True)
class Hl7Message:
    er7: str
    control_id: str
    kind: MessageKind


def new_control_id() -> str:
    """A fresh MSH-10: 20 random hex digits (fits the 20 characters of v2.5, 80 bits of entropy).

    A message that is resent must keep its control id: the receiver de-duplicates on it.
    """
    return secrets.token_hex(10).upper()


def wrap(
    report: Report,
    cda: bytes,
    routing: Routing | None = None,
    *,
    control_id: str | None = None,
    now: datetime | None = None,
    first_version_as_mdm: bool = False,
) -> Hl7Message:
    """The message carrying this signed report's CDA (ORU^R01, MDM^T02 or, for a new version, MDM^T10)."""
    if report.status is not ReportStatus.SIGNED:
        raise Hl7Error("only a signed report is sent")
    if report.patient is None:
        raise Hl7Error("a report message needs a patient")
    routing = routing or Routing()
    control_id = control_id or new_control_id()
    now = now or datetime.now(PARIS)
    if report.version > 1:
        kind = MessageKind.MDM_T10
    else:
        kind = MessageKind.MDM_T02 if first_version_as_mdm else MessageKind.ORU_R01
    version = "2.5" if kind is MessageKind.ORU_R01 else "2.6"
    b = _Builder(report, version)
    segments = [b.msh(routing, kind, control_id, now)]
    if kind is not MessageKind.ORU_R01:
        segments.append(b.evn(now))
    segments += [b.pid(), b.pv1()]
    segments.append(b.orc("RO" if kind is MessageKind.MDM_T10 else "NW"))
    segments.append(b.obr())
    if kind is not MessageKind.ORU_R01:
        segments.append(b.txa())
    segments.append(
        b.obx(cda, "C" if kind is MessageKind.MDM_T10 else "F", mdm=kind is not MessageKind.ORU_R01)
    )
    author = report.participants.author
    if author is not None:
        segments.append(b.prt_sender(author))
    return Hl7Message("\r".join(segment.to_er7() for segment in segments) + "\r", control_id, kind)


def read_segments(message: str) -> list[Segment]:
    """Parse any HL7 v2 message leniently into its segments (PRT included, whatever the version)."""
    lines = [line for line in re.split(r"\r\n|\r|\n", message) if line.strip()]
    if not lines or not lines[0].startswith("MSH"):
        raise Hl7Error("not an HL7 v2 message (no MSH segment first)")
    try:
        msh = parse_segment(lines[0], version="2.5", validation_level=TOLERANT)
        version = msh.msh_12.vid_1.to_er7() or "2.5"
    except HL7apyException as exc:
        raise Hl7Error(f"unreadable MSH segment: {exc}") from exc
    encoding = _encoding_chars(lines[0])
    segments = [msh]
    for line in lines[1:]:
        segments.append(_parse_segment(line, version, encoding))
    return segments


def extract_cda(message: str) -> bytes:
    """The CDA document of a report message (the first OBX whose value is a base64 ED)."""
    for segment in read_segments(message):
        if segment.name != "OBX" or segment.obx_2.to_er7() != "ED":
            continue
        components = {c.name.split("_")[-1]: c.to_er7() for c in segment.obx_5.children}
        if components.get("3", "").upper() == "XML" and components.get("4", "").lower() == "base64":
            try:
                return base64.b64decode(components.get("5", ""), validate=True)
            except binascii.Error as exc:
                raise Hl7Error(f"OBX-5 is not valid base64: {exc}") from exc
    raise Hl7Error("no OBX segment carries a base64 XML document")


def _encoding_chars(msh_line: str) -> dict[str, str]:
    # MSH-1 and MSH-2 define the delimiters themselves: they are read positionally, by definition.
    field, component, repetition, escape, sub = (
        msh_line[3],
        msh_line[4],
        msh_line[5],
        msh_line[6],
        msh_line[7],
    )
    return {
        "FIELD": field,
        "COMPONENT": component,
        "REPETITION": repetition,
        "ESCAPE": escape,
        "SUBCOMPONENT": sub,
        "GROUP": "\r",
        "SEGMENT": "\r",
    }


def _parse_segment(line: str, version: str, encoding: dict[str, str]) -> Segment:
    try:
        return parse_segment(line, version=version, encoding_chars=encoding, validation_level=TOLERANT)
    except HL7apyException:
        pass
    try:  # segments pre-adopted from later versions (PRT from 2.9 in a 2.5 message)
        return parse_segment(line, version=PRT_VERSION, encoding_chars=encoding, validation_level=TOLERANT)
    except HL7apyException as exc:
        raise Hl7Error(f"unreadable segment {line[:3]!r}: {exc}") from exc


def _ts(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(PARIS)
    return moment.strftime("%Y%m%d%H%M%S")


class _Builder:
    def __init__(self, report: Report, version: str) -> None:
        self.r = report
        self.version = version

    def _segment(self, name: str, version: str | None = None) -> Segment:
        return Segment(name, version=version or self.version, validation_level=TOLERANT)

    @staticmethod
    def _set(element: object, path: str, value: str) -> None:
        """Assign a value at a path like ``pid_3.4.2`` (a field, then component and subcomponent numbers).

        Numbers are resolved against each element's datatype, so one path serves v2.5 (CE) and v2.6
        (CWE); a path may start with a number when ``element`` is itself a field. hl7apy's text
        datatypes escape the HL7 delimiters of the value.
        """
        if not value:
            return
        first, *rest = path.split(".")
        parent = element
        name = f"{parent.datatype}_{first}".lower() if first.isdigit() else first  # type: ignore[attr-defined]
        for part in rest:
            parent = getattr(parent, name)
            name = f"{parent.datatype}_{part}".lower()
        datatype = TEXT_DATATYPES.get(getattr(parent, name).datatype)
        value = _CONTROL.sub(" ", value)  # a line break would end the segment: never pass one through
        setattr(parent, name, datatype(value) if datatype else value)

    def msh(self, routing: Routing, kind: MessageKind, control_id: str, now: datetime) -> Segment:
        msh = self._segment("MSH")
        msh.msh_1 = "|"
        msh.msh_2 = "^~\\&"
        self._set(msh, "msh_3.1", routing.sender.application)
        self._set(msh, "msh_4.1", routing.sender.facility)
        self._set(msh, "msh_5.1", routing.receiver.application)
        self._set(msh, "msh_6.1", routing.receiver.facility)
        msh.msh_7 = _ts(now)
        msh.msh_9 = kind.value
        self._set(msh, "msh_10", control_id)
        msh.msh_11 = routing.processing_id
        msh.msh_12 = self.version
        msh.msh_17 = "FRA"
        msh.msh_18 = "UNICODE UTF-8"
        msh.msh_21 = "^".join(PROFILE)
        return msh

    def evn(self, now: datetime) -> Segment:
        evn = self._segment("EVN")
        evn.evn_2 = _ts(now)
        return evn

    def pid(self) -> Segment:
        patient = self.r.patient
        assert patient is not None
        pid = self._segment("PID")
        identifiers = [patient.ins] if patient.ins is not None else []
        for index, ident in enumerate([*identifiers, *patient.other_ids]):
            field = pid.pid_3 if index == 0 else pid.add_field("PID_3")
            is_ins = ident is patient.ins
            self._set(field, "1", ident.extension)
            namespace = INS_NAMESPACES.get(ident.root, "ASIP-SANTE-INS-NIR") if is_ins else ""
            self._set(field, "4.1", namespace)
            self._set(field, "4.2", ident.root)
            self._set(field, "4.3", "ISO")
            self._set(field, "5", "INS" if is_ins else "PI")
        name = pid.pid_5
        self._set(name, "1.1", patient.birth_family)
        self._set(name, "2", patient.first_given)
        self._set(name, "3", patient.birth_given_names)
        self._set(name, "7", "L")
        if patient.birth_date is not None:
            pid.pid_7 = patient.birth_date.strftime("%Y%m%d")
        pid.pid_8 = patient.sex.value
        if patient.birth_place_cog:
            address = pid.pid_11
            self._set(address, "7", "BDL")
            self._set(address, "9", patient.birth_place_cog)
        self._set(pid, "pid_32", patient.identity_status)
        return pid

    def pv1(self) -> Segment:
        pv1 = self._segment("PV1")
        pv1.pv1_1 = "1"
        self._set(pv1, "pv1_2", self.r.order.encounter_class or "O")
        visit = self.r.order.visit
        if visit is not None:
            self._set(pv1, "pv1_19.1", visit.value)
            self._set(pv1, "pv1_19.4.1", visit.authority)
            self._set(pv1, "pv1_19.4.2", visit.authority_id)
            self._set(pv1, "pv1_19.4.3", visit.authority_id_type)
            self._set(pv1, "pv1_19.5", "VN")
        return pv1

    def _placer(self, field: object) -> None:
        placer = self.r.order.placer_order
        if placer is not None:
            self._set(field, "1", placer.value.extension)
            self._set(field, "3", placer.value.root)
            self._set(field, "4", "ISO")

    def orc(self, control: str) -> Segment:
        orc = self._segment("ORC")
        orc.orc_1 = control
        self._placer(orc.orc_2)
        return orc

    def obr(self) -> Segment:
        obr = self._segment("OBR")
        obr.obr_1 = "1"
        self._placer(obr.obr_2)
        self._document_type(obr.obr_4)
        return obr

    def _document_type(self, field: object) -> None:
        code, label, system = DOCUMENT_TYPE
        for path, value in (("1", code), ("2", label), ("3", system)):
            self._set(field, path, value)

    def txa(self) -> Segment:
        txa = self._segment("TXA")
        txa.txa_1 = "1"
        txa.txa_2 = DOCUMENT_TYPE[0]
        txa.txa_3 = "TEXT"
        if self.r.signature_time is not None:
            txa.txa_4 = _ts(self.r.signature_time)
        self._set(txa, "txa_12.1", self.r.document_id)
        if self.r.parent_document_id:
            self._set(txa, "txa_13.1", self.r.parent_document_id)
        txa.txa_17 = "AU"
        return txa

    def obx(self, cda: bytes, status: str, mdm: bool) -> Segment:
        obx = self._segment("OBX")
        obx.obx_1 = "1"
        obx.obx_2 = "ED"
        field = obx.obx_3
        code, label, system = DOCUMENT_TYPE
        for path, value in (("1", code), ("2", label), ("3", system)):
            self._set(field, path, value)
        # ED components: source application, type (TEXT for ORU, text for MDM), subtype, encoding, data.
        # Base64 never contains an HL7 delimiter, so the value is safe as one field.
        obx.obx_5 = f"^{'text' if mdm else 'TEXT'}^XML^Base64^{base64.b64encode(cda).decode('ascii')}"
        obx.obx_11 = status
        return obx

    def prt_sender(self, author: Professional) -> Segment:
        prt = self._segment("PRT", PRT_VERSION)
        prt.prt_2 = "UC"
        self._set(prt, "prt_4.1", "SB")
        self._set(prt, "prt_4.2", "Send by")
        self._set(prt, "prt_4.3", "participation")
        person = prt.prt_5
        self._set(person, "1", author.idnat)
        self._set(person, "2.1", author.family)
        self._set(person, "3", author.given)
        self._set(person, "9.1", "ASIP-SANTE-PS")
        self._set(person, "9.2", RPPS_ROOT)
        self._set(person, "9.3", "ISO")
        self._set(person, "10", "D")
        self._set(person, "13", "IDNPS")
        org = author.organization
        if org is not None:
            field = prt.prt_8
            self._set(field, "1", org.name)
            if org.id is not None:
                self._set(field, "6.1", "ASIP-SANTE-ST")
                self._set(field, "6.2", org.id.root or STRUCTURE_ROOT)
                self._set(field, "6.3", "ISO")
                self._set(field, "7", org.id_type or "FINEG")
                self._set(field, "10", org.id.extension)
        return prt
