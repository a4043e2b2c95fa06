"""Flux 3 of the ANS teleradiology guide: the radiologist's answer to an order (ORU^R01).

ORC-1 = OK accepts the order and carries the imaging protocol (OBX PROTOCOLE_IMAGERIE, ED, base64
text), possibly with a changed modality or act; ORC-1 = OC refuses it with a coded reason in ORC-16.
The guide gives ORC-16 no value set and no place for a free-text justification, so the reason codes
below are a local code system and the justification travels in an NTE after OBR (one line per
NTE-3 repetition), both documented in docs/ARCHITECTURE.md.

The patient (PID, PV1) and the order number (ORC-2) are copied from the request so the answer can
never name another patient than the order did.
"""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from enum import StrEnum

from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.core import Group, Message, Segment
from hl7apy.parser import parse_segment

from hl7v2.actors import Organization, Practitioner, components
from hl7v2.message import Coded, Hl7Message, HL7ParseError
from hl7v2.message import Segment as ReadSegment
from hl7v2.order import (
    MISSING_ELEMENT_ACCEPTED,
    PHYSICIAN_AT_INJECTION,
    RADIOPROTECTION_CONFIRMED,
    REFUSAL_NOTE,
)
from resources.translations import QT_TRANSLATE_NOOP

VERSION = "2.5.1"
PROFILE = ("1.0", "CISIS_TLR_HL7_V2")  # MSH-21 of every message of the guide
OBSERVATION_SYSTEM = "TLR_OBSERVATION"
REFUSAL_SYSTEM = "TLR_MOTIF_REFUS"
# Local observations of the acceptance (issue 23, docs/ARCHITECTURE.md): the guide has no place for
# who justified the exposure, what was confirmed and which missing element was knowingly accepted.
# HL7 table 0396 reserves "99zzz" names for local code systems; the guide's TLR_OBSERVATION table is
# not extended under its own name.
LOCAL_SYSTEM = "99TLR"
_YES = ("Y", "Oui", "HL70136")


class RefusalReason(StrEnum):
    """Why a radiologist refuses an order (ORC-16, local code system TLR_MOTIF_REFUS)."""

    INFORMATIONS_INSUFFISANTES = "INFORMATIONS_INSUFFISANTES"
    INDICATION_NON_JUSTIFIEE = "INDICATION_NON_JUSTIFIEE"
    EXAMEN_NON_ADAPTE = "EXAMEN_NON_ADAPTE"
    IMAGES_INSUFFISANTES = "IMAGES_INSUFFISANTES"
    HORS_PERIMETRE = "HORS_PERIMETRE"
    CONTRE_INDICATION = "CONTRE_INDICATION"
    EXAMEN_RECENT = "EXAMEN_RECENT"
    AUTRE = "AUTRE"

    @property
    def label(self) -> str:
        return {
            RefusalReason.INFORMATIONS_INSUFFISANTES: QT_TRANSLATE_NOOP(
                "Flux3", "Informations cliniques insuffisantes"
            ),
            RefusalReason.INDICATION_NON_JUSTIFIEE: QT_TRANSLATE_NOOP("Flux3", "Indication non justifiée"),
            RefusalReason.EXAMEN_NON_ADAPTE: QT_TRANSLATE_NOOP(
                "Flux3", "Examen non adapté ou alternative non irradiante"
            ),
            RefusalReason.IMAGES_INSUFFISANTES: QT_TRANSLATE_NOOP("Flux3", "Images de qualité insuffisante"),
            RefusalReason.HORS_PERIMETRE: QT_TRANSLATE_NOOP(
                "Flux3", "Hors du périmètre convenu avec le site"
            ),
            RefusalReason.CONTRE_INDICATION: QT_TRANSLATE_NOOP("Flux3", "Contre-indication à l'examen"),
            RefusalReason.EXAMEN_RECENT: QT_TRANSLATE_NOOP("Flux3", "Examen récent déjà disponible"),
            RefusalReason.AUTRE: QT_TRANSLATE_NOOP("Flux3", "Autre motif"),
        }[self]

    @property
    def coded(self) -> Coded:
        return Coded(self.value, self.label, REFUSAL_SYSTEM)


def new_control_id() -> str:
    """A fresh MSH-10: 20 hex digits of a random UUID.

    MSH-10 is an ST of at most 20 characters in v2.5.1; 80 random bits keep collisions out of
    reach while the platform de-duplicates on this id.
    """
    return uuid.uuid4().hex[:20].upper()


def hl7_timestamp(moment: datetime) -> str:
    """TS with its UTC offset (YYYYMMDDHHMMSS+ZZZZ): a time without offset is ambiguous."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.strftime("%Y%m%d%H%M%S%z")


def _header(request: Hl7Message, control_id: str, now: datetime) -> Message:
    """MSH answering the request: sender and receiver swapped, the guide's version and profile."""
    req = request.msh
    msg = Message("ORU_R01", version=VERSION, validation_level=VALIDATION_LEVEL.TOLERANT)
    msh = msg.msh
    msh.msh_3 = components(req.get(5, 1), req.get(5, 2), req.get(5, 3))
    msh.msh_4 = components(req.get(6, 1), req.get(6, 2), req.get(6, 3))
    msh.msh_5 = components(req.get(3, 1), req.get(3, 2), req.get(3, 3))
    msh.msh_6 = components(req.get(4, 1), req.get(4, 2), req.get(4, 3))
    msh.msh_7 = hl7_timestamp(now)
    msh.msh_9 = "ORU^R01^ORU_R01"
    msh.msh_10 = components(control_id)
    msh.msh_11 = components(req.get(11) or "P")
    msh.msh_12 = VERSION
    msh.msh_17 = "FRA"
    msh.msh_18 = "UNICODE UTF-8"
    msh.msh_21 = components(*PROFILE)
    return msg


def _answer(
    request: Hl7Message,
    decision: str,
    radiologist: Practitioner,
    platform: Organization | None,
    now: datetime | None,
    control_id: str | None,
) -> tuple[Message, Group, Segment]:
    """The common part of both answers: MSH, copied PID/PV1, ORC and OBR. Returns the message,
    its ORDER_OBSERVATION group and the ORC for the caller to complete."""
    orc_in = request.one("ORC", "ORC (demande)")
    if request.message_type != "ORM^O01" or orc_in.get(1) != "NW":
        raise HL7ParseError(
            "ORC",
            1,
            "the request is not a flux 1 order (ORM^O01, ORC-1 NW)",
            "ce message n'est pas une demande",
        )
    orc_in.require(2, what="placer order number", quoi="numéro de la demande")
    msg = _header(request, control_id or new_control_id(), now or datetime.now().astimezone())

    result = msg.add_group("ORU_R01_PATIENT_RESULT")
    patient = result.add_group("ORU_R01_PATIENT")
    patient.add(_copy(request.one("PID", "PID (patient)")))
    if (pv1 := request.first("PV1")) is not None:
        patient.add_group("ORU_R01_VISIT").add(_copy(pv1))

    order = result.add_group("ORU_R01_ORDER_OBSERVATION")
    placer = components(orc_in.get(2, 1), orc_in.get(2, 2), orc_in.get(2, 3), orc_in.get(2, 4))
    orc = order.add_segment("ORC")
    orc.orc_1 = decision
    orc.orc_2 = placer
    orc.orc_12 = radiologist.xcn()
    orc.orc_17 = components("PLATEFORME_TLR", "", "TLR_TYPE_ORGANISATION")
    if platform is not None:
        orc.orc_21 = platform.xon()
    obr = order.add_segment("OBR")
    obr.obr_2 = placer
    obr.obr_4 = components(
        "REPONSE_DEMANDE", "Réponse à une demande d’examen d'imagerie", "TLR_OBR_PROCEDURE"
    )
    obr.obr_16 = radiologist.xcn()
    return msg, order, orc


def _copy(segment: ReadSegment) -> Segment:
    return parse_segment(segment.to_er7(), VERSION, None, VALIDATION_LEVEL.TOLERANT)


def _add_observation(
    order: Group,
    code: str,
    label: str,
    value_type: str,
    value: str,
    *,
    system: str = OBSERVATION_SYSTEM,
    at: datetime | None = None,
    observer: Practitioner | None = None,
) -> None:
    """One OBX; ``at`` (OBX-14) and ``observer`` (OBX-16) say when and by whom it was attested."""
    set_id = len(order.children.get("ORU_R01_OBSERVATION") or []) + 1
    obx = order.add_group("ORU_R01_OBSERVATION").add_segment("OBX")
    obx.obx_1 = str(set_id)
    obx.obx_2 = value_type
    obx.obx_3 = components(code, label, system)
    obx.obx_5 = value
    obx.obx_11 = "F"
    if at is not None:
        obx.obx_14 = hl7_timestamp(at)
    if observer is not None:
        obx.obx_16 = observer.xcn()


def build_acceptance(
    request: Hl7Message,
    radiologist: Practitioner,
    protocol: str,
    *,
    modality: Coded | None = None,
    act: Coded | None = None,
    platform: Organization | None = None,
    now: datetime | None = None,
    control_id: str | None = None,
    radioprotection_confirmed: bool = False,
    missing_accepted: tuple[Coded, ...] = (),
    physician_at_injection: bool = False,
) -> str:
    """ORU^R01 accepting the order (ORC-1 OK) with its protocol, as text in base64 (ED).

    ``modality`` and ``act`` are sent only when the radiologist changes what was requested. The
    acceptance is attributed: ORC-9 is its time, and each attestation (radioprotection confirmed,
    a missing justification element knowingly accepted, a physician present at the injection) is a
    local OBX (99TLR) whose OBX-14 is that time and OBX-16 the accepting radiologist.
    """
    if not protocol.strip():
        raise ValueError("an accepted order needs a protocol")
    moment = now or datetime.now().astimezone()
    msg, order, orc = _answer(request, "OK", radiologist, platform, moment, control_id)
    orc.orc_9 = hl7_timestamp(moment)
    data = base64.b64encode(protocol.encode("utf-8")).decode("ascii")
    _add_observation(
        order,
        "PROTOCOLE_IMAGERIE",
        "Protocole d'imagerie médicale",
        "ED",
        components("", "TEXT", "", "Base64", data),
    )
    if modality:
        _add_observation(
            order,
            "MODALITE_IMAGERIE",
            "Modalité d’imagerie utilisée ou prévue pour réaliser l’examen",
            "CE",
            components(modality.code, modality.label, modality.system or "DCM"),
        )
    if act:
        _add_observation(
            order,
            "CODE_ACTE_IMAGERIE",
            "Code de l'acte d'imagerie réalisée",
            "CE",
            components(act.code, act.label, act.system or "LN"),
        )

    def attest(code: str, label: str, value: str) -> None:
        _add_observation(
            order, code, label, "CE", value, system=LOCAL_SYSTEM, at=moment, observer=radiologist
        )

    if radioprotection_confirmed:
        attest(
            RADIOPROTECTION_CONFIRMED,
            "Justification de l'exposition confirmée par le radiologue",
            components(*_YES),
        )
    for element in missing_accepted:
        attest(
            MISSING_ELEMENT_ACCEPTED,
            "Élément de justification manquant, accepté par le radiologue",
            components(element.code, element.label, element.system or LOCAL_SYSTEM),
        )
    if physician_at_injection:
        attest(
            PHYSICIAN_AT_INJECTION, "Présence d'un médecin lors de l'injection confirmée", components(*_YES)
        )
    return msg.to_er7()


def build_refusal(
    request: Hl7Message,
    radiologist: Practitioner,
    reason: Coded,
    justification: str,
    *,
    platform: Organization | None = None,
    now: datetime | None = None,
    control_id: str | None = None,
) -> str:
    """ORU^R01 refusing the order (ORC-1 OC): coded reason in ORC-16, justification in an NTE."""
    lines = [line.strip() for line in justification.strip().splitlines()]
    if not any(lines):
        raise ValueError("a refusal needs a justification for the requesting physician")
    msg, order, orc = _answer(request, "OC", radiologist, platform, now, control_id)
    orc.orc_16 = components(reason.code, reason.label, reason.system or REFUSAL_SYSTEM)
    nte = order.add_segment("NTE")
    nte.nte_1 = "1"
    nte.nte_3 = components(lines[0])
    for line in lines[1:]:
        nte.add_field("NTE_3").value = components(line)
    nte.nte_4 = components(REFUSAL_NOTE, "", "HL70364")
    return msg.to_er7()
