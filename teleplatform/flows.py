"""What a message means: the flows of the ANS teleradiology guide and the CDA-in-HL7v2 reports.

Each supported message becomes one typed event; anything the platform cannot act on becomes a
Rejection with the reason the sender will read in its ACK (AR: not a message type or structure the
platform handles; AE: a handled message whose content is wrong). Whether the event fits the
order's current state is decided later, in workflow.py.

Flows (imaging site -> platform): 1 ORM^O01 ORC-1=NW new order, 2 ORM^O01 ORC-1=CA cancellation,
4 OMI^O23 ORC-1=SR post-exam complement (IPC-1 accession number, IPC-3 Study Instance UID).
Flows (workstation -> platform): 3 ORU^R01 ORC-1=OK (protocol in an OBX PROTOCOLE_IMAGERIE) or
ORC-1=OC (refusal, reason in ORC-16); report ORU^R01 ORC-1=NW / MDM^T02 with OBX-11=F, replacement
ORU^R01 ORC-1=RO / MDM^T10 with OBX-11=C, the CDA in OBX-5 (ED, Base64).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from hl7apy.core import Element, Message, Segment

from .ack import AckCode, HL7Error, Rejection
from .cda import CdaDocument, CdaError, InstanceIdentifier, decode_cda
from .hl7msg import Envelope, component, field, first_segment, repetitions, segments, text_of, unescape

SUPPORTED_EVENTS: dict[str, tuple[str, ...]] = {
    "ORM": ("O01",),
    "OMI": ("O23",),
    "ORU": ("R01",),
    "MDM": ("T02", "T10"),
}
PROTOCOL_CODE = "PROTOCOLE_IMAGERIE"
REFUSAL_NOTE = "MOTIF_REFUS"  # NTE-4 of the workstation's free-text justification (docs/ARCHITECTURE.md)
_UID = re.compile(r"^[0-9]+(\.[0-9]+)*$")


class Priority(StrEnum):
    URGENT = "urgent"
    ROUTINE = "routine"


@dataclass(frozen=True, slots=True)
class NewOrder:
    order_id: str
    priority: Priority
    patient_ids: tuple[str, ...] = ()
    """PID-3 identifiers (CX-1 of each repetition): which archived studies are this patient's priors."""


@dataclass(frozen=True, slots=True)
class Cancellation:
    order_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class Acceptance:
    order_id: str
    protocols: int


@dataclass(frozen=True, slots=True)
class Refusal:
    order_id: str
    reason: str
    justification: str


@dataclass(frozen=True, slots=True)
class Complement:
    order_id: str
    accession_number: str
    study_instance_uid: str
    qualified_identity: bool = False
    """PID carries an INS (PID-3, CX-5 INS or an INS OID) with PID-32 QUAL: after the report, this
    flux 4 is the site's qualified identity for a patient first sent on a provisional one (issue 23)."""
    patient_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    """A report (CDA) for an order. The order is named by ORC-2/OBR-2 when the message has it,
    otherwise found from the CDA (inFulfillmentOf order id, accession number, study UID)."""

    placer_order_number: str
    document: CdaDocument
    replacement: bool
    replaces: InstanceIdentifier | None


Event = NewOrder | Cancellation | Acceptance | Refusal | Complement | Report


def _ae(error: HL7Error, reason: str, detail: str, location: str = "") -> Rejection:
    return Rejection(AckCode.AE, error, reason, detail, location)


def _code(value: str) -> str:
    """A received code quoted in a French reason: only harmless characters, bounded length."""
    return "".join(ch for ch in value if ch.isalnum() or ch in "-_.")[:20] or "vide"


def check_supported(envelope: Envelope) -> None:
    if not envelope.control_id:
        raise Rejection(
            AckCode.AR,
            HL7Error.REQUIRED_FIELD_MISSING,
            "Identifiant du message (MSH-10) absent.",
            "MSH-10 empty",
            "MSH^1^10",
        )
    events = SUPPORTED_EVENTS.get(envelope.message_code)
    if events is None:
        raise Rejection(
            AckCode.AR,
            HL7Error.UNSUPPORTED_MESSAGE_TYPE,
            f"Type de message non pris en charge par la plateforme ({_code(envelope.message_code)}).",
            f"unsupported message type {envelope.message_code!r}",
            "MSH^1^9",
        )
    if envelope.trigger_event not in events:
        raise Rejection(
            AckCode.AR,
            HL7Error.UNSUPPORTED_EVENT,
            f"Événement non pris en charge pour {envelope.message_code} ({_code(envelope.trigger_event)}).",
            f"unsupported event {envelope.message_type!r}",
            "MSH^1^9",
        )


def extract(message: Message, envelope: Envelope) -> Event:
    code = envelope.message_code
    if code == "ORM":
        return _order_message(message)
    if code == "OMI":
        return _complement(message)
    if code == "MDM":
        return _mdm_report(message, replacement=envelope.trigger_event == "T10")
    return _oru(message)


def _orc(message: Message) -> Segment:
    orc = first_segment(message, "ORC")
    if orc is None:
        raise _ae(HL7Error.SEGMENT_SEQUENCE, "Segment ORC manquant.", "no ORC segment")
    return orc


def _placer_order_number(message: Message, orc: Segment | None) -> str:
    obr = first_segment(message, "OBR")
    return component(field(orc, 2), 1) or component(field(obr, 2), 1)


def _required_order_id(message: Message, orc: Segment) -> str:
    order_id = _placer_order_number(message, orc)
    if not order_id:
        raise _ae(
            HL7Error.REQUIRED_FIELD_MISSING,
            "Numéro de la demande (ORC-2) absent.",
            "ORC-2.1 and OBR-2.1 empty",
            "ORC^1^2",
        )
    return order_id


def _reason(message: Message, orc: Segment) -> str:
    """ORC-16 (CE): the text in CE-2, or the code in CE-1 when there is no text."""
    reason_field = field(orc, 16)
    return unescape(message, component(reason_field, 2) or component(reason_field, 1)).strip()


def _order_message(message: Message) -> Event:
    orc = _orc(message)
    control = component(field(orc, 1), 1)
    order_id = _required_order_id(message, orc)
    if control == "NW":
        pid = first_segment(message, "PID")
        patient_ids = tuple(dict.fromkeys(v for r in repetitions(pid, 3) if (v := component(r, 1))))
        return NewOrder(order_id, _priority(message, orc), patient_ids)
    if control == "CA":
        return Cancellation(order_id, _reason(message, orc))
    raise _ae(
        HL7Error.TABLE_VALUE_NOT_FOUND,
        f"Valeur de ORC-1 non prise en charge pour ORM^O01 ({_code(control)}) : NW ou CA attendu.",
        f"ORM ORC-1 {control!r}",
        "ORC^1^1",
    )


def _priority(message: Message, orc: Segment) -> Priority:
    obr = first_segment(message, "OBR")
    tq1 = first_segment(message, "TQ1")
    values = (component(field(orc, 7), 6), component(field(obr, 27), 6), component(field(tq1, 9), 1))
    return Priority.URGENT if "S" in values else Priority.ROUTINE


def _complement(message: Message) -> Complement:
    orc = _orc(message)
    control = component(field(orc, 1), 1)
    if control != "SR":
        raise _ae(
            HL7Error.TABLE_VALUE_NOT_FOUND,
            f"Valeur de ORC-1 non prise en charge pour OMI^O23 ({_code(control)}) : SR attendu.",
            f"OMI ORC-1 {control!r}",
            "ORC^1^1",
        )
    order_id = _required_order_id(message, orc)
    ipc = first_segment(message, "IPC")
    if ipc is None:
        raise _ae(
            HL7Error.SEGMENT_SEQUENCE,
            "Segment IPC manquant : numéro d'accession et UID d'étude requis.",
            "no IPC segment",
        )
    accession = component(field(ipc, 1), 1)
    study_uid = component(field(ipc, 3), 1)
    if not accession:
        raise _ae(
            HL7Error.REQUIRED_FIELD_MISSING, "Numéro d'accession (IPC-1) absent.", "IPC-1.1 empty", "IPC^1^1"
        )
    if not study_uid:
        raise _ae(
            HL7Error.REQUIRED_FIELD_MISSING, "UID de l'étude (IPC-3) absent.", "IPC-3.1 empty", "IPC^1^3"
        )
    if len(study_uid) > 64 or not _UID.match(study_uid):
        raise _ae(HL7Error.DATA_TYPE, "UID de l'étude (IPC-3) invalide.", "IPC-3.1 is not a UID", "IPC^1^3")
    pid = first_segment(message, "PID")
    ids = repetitions(pid, 3)
    has_ins = any(
        component(r, 1) and (component(r, 5) in _INS_TYPES or _authority_oid(r) in _INS_OIDS) for r in ids
    )
    qualified = has_ins and any(text_of(r).split("^")[0] == "QUAL" for r in repetitions(pid, 32))
    patient_ids = tuple(dict.fromkeys(v for r in ids if (v := component(r, 1))))
    return Complement(order_id, accession, study_uid, qualified, patient_ids)


_INS_TYPES = ("INS", "INS-NIR", "INS-NIA")
_INS_OIDS = ("1.2.250.1.213.1.4.8", "1.2.250.1.213.1.4.9", "1.2.250.1.213.1.4.10", "1.2.250.1.213.1.4.11")


def _authority_oid(identifier: Element) -> str:
    """CX-4.2, the assigning authority's OID (the INS kinds are told by it)."""
    parts = component(identifier, 4).split("&")
    return parts[1] if len(parts) > 1 else ""


def _oru(message: Message) -> Event:
    orc = _orc(message)
    control = component(field(orc, 1), 1)
    if control == "OK":
        order_id = _required_order_id(message, orc)
        protocols = [
            obx
            for obx in segments(message, "OBX")
            if component(field(obx, 3), 1) == PROTOCOL_CODE and text_of(field(obx, 5))
        ]
        if not protocols:
            raise _ae(
                HL7Error.REQUIRED_FIELD_MISSING,
                "Validation sans protocole d'imagerie : un OBX PROTOCOLE_IMAGERIE est requis.",
                "ORC-1=OK without a PROTOCOLE_IMAGERIE OBX",
                "OBX",
            )
        return Acceptance(order_id, len(protocols))
    if control == "OC":
        order_id = _required_order_id(message, orc)
        reason = _reason(message, orc)
        if not reason:
            raise _ae(
                HL7Error.REQUIRED_FIELD_MISSING,
                "Refus sans motif : le motif du refus (ORC-16) est requis par la plateforme.",
                "ORC-1=OC with empty ORC-16",
                "ORC^1^16",
            )
        justification = " / ".join(
            unescape(message, text_of(line))
            for nte in segments(message, "NTE")
            if component(field(nte, 4), 1) == REFUSAL_NOTE
            for line in repetitions(nte, 3)
            if text_of(line)
        )
        return Refusal(order_id, reason, justification)
    if control in ("NW", "RO"):
        return _report(message, orc, replacement=control == "RO", parent=None)
    if control == "CA":
        raise _ae(
            HL7Error.APPLICATION_ERROR,
            "La suppression d'un compte rendu n'est pas prise en charge par la plateforme.",
            "ORU ORC-1=CA (document deletion) unsupported",
            "ORC^1^1",
        )
    raise _ae(
        HL7Error.TABLE_VALUE_NOT_FOUND,
        f"Valeur de ORC-1 non prise en charge pour ORU^R01 ({_code(control)}) : OK, OC, NW ou RO attendu.",
        f"ORU ORC-1 {control!r}",
        "ORC^1^1",
    )


def _mdm_report(message: Message, replacement: bool) -> Report:
    txa = first_segment(message, "TXA")
    if txa is None:
        raise _ae(HL7Error.SEGMENT_SEQUENCE, "Segment TXA manquant.", "MDM without TXA")
    orc = first_segment(message, "ORC")
    control = component(field(orc, 1), 1)
    expected = "RO" if replacement else "NW"
    if control and control != expected:
        raise _ae(
            HL7Error.APPLICATION_ERROR,
            f"ORC-1 ({_code(control)}) incohérent avec l'événement MDM : {expected} attendu.",
            f"MDM ORC-1 {control!r} vs replacement={replacement}",
            "ORC^1^1",
        )
    parent = None
    if replacement:
        parent_field = field(txa, 13)
        ext_or_oid, root = component(parent_field, 1), component(parent_field, 3)
        if not ext_or_oid:
            raise _ae(
                HL7Error.REQUIRED_FIELD_MISSING,
                "Remplacement sans identifiant du document remplacé (TXA-13).",
                "TXA-13 empty",
                "TXA^1^13",
            )
        parent = InstanceIdentifier(root, ext_or_oid) if root else InstanceIdentifier(ext_or_oid)
    return _report(message, orc, replacement, parent)


def _report(
    message: Message, orc: Segment | None, replacement: bool, parent: InstanceIdentifier | None
) -> Report:
    obx = next((s for s in segments(message, "OBX") if component(field(s, 2), 1) == "ED"), None)
    if obx is None:
        raise _ae(
            HL7Error.REQUIRED_FIELD_MISSING,
            "Document CDA absent : un OBX de type ED est requis.",
            "no ED OBX",
            "OBX^1^2",
        )
    status = component(field(obx, 11), 1)
    expected = "C" if replacement else "F"
    if status != expected:
        raise _ae(
            HL7Error.APPLICATION_ERROR,
            f"Statut du document (OBX-11 = {_code(status)}) incohérent avec la demande : {expected} attendu.",
            f"OBX-11 {status!r}, replacement={replacement}",
            "OBX^1^11",
        )
    value = field(obx, 5)
    subtype, encoding, data = component(value, 3), component(value, 4), component(value, 5)
    if subtype.upper() != "XML" or encoding.lower() != "base64":
        raise _ae(
            HL7Error.DATA_TYPE,
            "OBX-5 doit porter un document XML encodé en Base64 (OBX-5.3 = XML, OBX-5.4 = Base64).",
            f"OBX-5 subtype {subtype!r} encoding {encoding!r}",
            "OBX^1^5",
        )
    try:
        document = decode_cda(data)
    except CdaError as exc:
        raise _ae(HL7Error.DATA_TYPE, exc.reason, exc.detail, "OBX^1^5") from exc
    if replacement and parent is None and document.parent_document_ids:
        parent = document.parent_document_ids[0]
    return Report(_placer_order_number(message, orc), document, replacement, parent)
