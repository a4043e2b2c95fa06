"""An imaging order as the radiologist reads it, built from the sites' HL7 messages: the one order
record of the workstation (worklist, order view, justification dialog) and of the report, which takes
it as data (``reporting.order.site_messages``).

The platform relays the messages of an order as the site sent them: the request (flux 1, ORM^O01
NW), perhaps its cancellation (flux 2, ORM^O01 CA), the post-exam complement (flux 4, OMI^O23), and
the answer already given (flux 3, ORU^R01). :func:`parse_order` folds them into one immutable
:class:`Order`. It is strict where a mistake would put the wrong patient or the wrong exam in front
of the radiologist (order number, patient identity across messages) and tolerant elsewhere: what
the guide requires but the site left out is listed in ``Order.warnings`` for the radiologist to see.

Total: :func:`parse_order` raises :class:`~hl7v2.message.HL7ParseError` and nothing else, whatever
the bytes; a defect of this reader on some input is reported as such an error (``internal``) rather
than as a crash that would empty the worklist.

Qt-free: the Qt worklist only displays these objects.
"""

from __future__ import annotations

import base64
import logging
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hl7v2.actors import Organization, Practitioner
from hl7v2.message import Coded, Hl7Message, HL7ParseError, Segment, header, parse
from resources.translations import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

# LOINC codes of the flux 1 observations
HISTORY = "11322-5"
HEIGHT = "8302-2"
WEIGHT = "29463-7"
PREGNANCY = "82810-3"
REFUSAL_NOTE = "MOTIF_REFUS"  # NTE-4 of the flux 3 refusal's justification (docs/ARCHITECTURE.md)
# local (99TLR) OBX of a flux 3 acceptance, written by workstation.hl7.flux3 (docs/ARCHITECTURE.md)
RADIOPROTECTION_CONFIRMED = "RADIOPROTECTION_CONFIRMEE"
MISSING_ELEMENT_ACCEPTED = "ELEMENT_JUSTIFICATION_MANQUANT"
PHYSICIAN_AT_INJECTION = "PRESENCE_MEDECIN_INJECTION"
# contrast risks in the flux 1 (the guide has none; local convention, docs/ARCHITECTURE.md): renal
# function as LOINC lab results, the rest as local 99TLR observations
RENAL_FUNCTION = {
    "14682-9": "Créatininémie",
    "2160-0": "Créatininémie",
    "62238-1": "DFG estimé (CKD-EPI)",
    "98979-8": "DFG estimé (CKD-EPI 2021)",
    "33914-3": "DFG estimé (MDRD)",
}
ALLERGIES = "ALLERGIES"
METFORMIN = "METFORMINE"
CONTRAST_REACTION = "REACTION_PRODUIT_CONTRASTE"
# site -> radiologist (local convention, docs/ARCHITECTURE.md): consent or force majeure in the flux 1,
# technical incidents and adverse effects of the act in the flux 4
CONSENT = "CONSENTEMENT"
FORCE_MAJEURE = "FORCE_MAJEURE"
SITE_INCIDENT = "INCIDENT_ACTE"
ADVERSE_EFFECT = "EFFET_INDESIRABLE"

# --- closed vocabularies --------------------------------------------------------------------------


class Priority(StrEnum):
    """ORC-7.6 / OBR-27.6: S (stat) is urgent, anything else routine (docs/ARCHITECTURE.md)."""

    URGENT = "urgent"
    ROUTINE = "routine"

    @property
    def label(self) -> str:
        return {
            Priority.URGENT: QT_TRANSLATE_NOOP("Orders", "Urgent"),
            Priority.ROUTINE: QT_TRANSLATE_NOOP("Orders", "Programmé"),
        }[self]


class OrderStatus(StrEnum):
    """Where the order stands on the platform (worklist ``status``)."""

    A_VALIDER = "a_valider"
    PROTOCOLE_ENVOYE = "protocole_envoye"
    IMAGES_DISPONIBLES = "images_disponibles"
    CR_TRANSMIS = "cr_transmis"
    REFUSE = "refuse"
    ANNULE = "annule"

    @property
    def label(self) -> str:
        return {
            OrderStatus.A_VALIDER: QT_TRANSLATE_NOOP("Orders", "À valider"),
            OrderStatus.PROTOCOLE_ENVOYE: QT_TRANSLATE_NOOP("Orders", "Protocole envoyé"),
            OrderStatus.IMAGES_DISPONIBLES: QT_TRANSLATE_NOOP("Orders", "Images disponibles"),
            OrderStatus.CR_TRANSMIS: QT_TRANSLATE_NOOP("Orders", "Compte rendu transmis"),
            OrderStatus.REFUSE: QT_TRANSLATE_NOOP("Orders", "Refusée"),
            OrderStatus.ANNULE: QT_TRANSLATE_NOOP("Orders", "Annulée"),
        }[self]


class Sex(StrEnum):
    """PID-8, HL7 table 0001."""

    FEMALE = "F"
    MALE = "M"
    OTHER = "O"
    UNKNOWN = "U"
    AMBIGUOUS = "A"
    NOT_APPLICABLE = "N"

    @property
    def label(self) -> str:
        return {
            Sex.FEMALE: QT_TRANSLATE_NOOP("Orders", "Féminin"),
            Sex.MALE: QT_TRANSLATE_NOOP("Orders", "Masculin"),
            Sex.OTHER: QT_TRANSLATE_NOOP("Orders", "Autre"),
            Sex.UNKNOWN: QT_TRANSLATE_NOOP("Orders", "Inconnu"),
            Sex.AMBIGUOUS: QT_TRANSLATE_NOOP("Orders", "Indéterminé"),
            Sex.NOT_APPLICABLE: QT_TRANSLATE_NOOP("Orders", "Non applicable"),
        }[self]


class IdentityStatus(StrEnum):
    """PID-32, the identity's status in the RNIV (FR Core table 0445).

    Only a qualified identity (QUAL) allows the INS to be used to reference health data.
    """

    VIDE = "VIDE"
    PROV = "PROV"
    RECUP = "RECUP"
    VALI = "VALI"
    QUAL = "QUAL"

    @property
    def label(self) -> str:
        return {
            IdentityStatus.VIDE: QT_TRANSLATE_NOOP("Orders", "Identité non encore qualifiée"),
            IdentityStatus.PROV: QT_TRANSLATE_NOOP("Orders", "Identité provisoire"),
            IdentityStatus.RECUP: QT_TRANSLATE_NOOP("Orders", "Identité récupérée"),
            IdentityStatus.VALI: QT_TRANSLATE_NOOP("Orders", "Identité validée"),
            IdentityStatus.QUAL: QT_TRANSLATE_NOOP("Orders", "Identité qualifiée"),
        }[self]


_STATUS_RANK = [IdentityStatus.QUAL, IdentityStatus.VALI, IdentityStatus.RECUP, IdentityStatus.PROV]


class InsKind(StrEnum):
    """The INS assigning authorities (PID-3.4.2)."""

    NIR = "1.2.250.1.213.1.4.8"
    NIA = "1.2.250.1.213.1.4.9"
    NIR_TEST = "1.2.250.1.213.1.4.10"
    NIR_DEMO = "1.2.250.1.213.1.4.11"

    @property
    def label(self) -> str:
        return {
            InsKind.NIR: "INS-NIR",
            InsKind.NIA: QT_TRANSLATE_NOOP("Orders", "INS-NIA"),
            InsKind.NIR_TEST: QT_TRANSLATE_NOOP("Orders", "INS-NIR de test"),
            InsKind.NIR_DEMO: QT_TRANSLATE_NOOP("Orders", "INS-NIR de démonstration"),
        }[self]


class PregnancyStatus(StrEnum):
    """OBX 82810-3, HL7 table 0136 (expandedYes-NoIndicator)."""

    YES = "Y"
    NO = "N"
    UNKNOWN = "UNK"

    @property
    def label(self) -> str:
        return {
            PregnancyStatus.YES: QT_TRANSLATE_NOOP("Orders", "Enceinte"),
            PregnancyStatus.NO: QT_TRANSLATE_NOOP("Orders", "Non enceinte"),
            PregnancyStatus.UNKNOWN: QT_TRANSLATE_NOOP("Orders", "Statut de grossesse inconnu"),
        }[self]


class HistoryRelevance(StrEnum):
    """OBX-8 of a medical-history observation (flux 1)."""

    SANS_IMPACT = "SANS_IMPACT"
    PERTINENT = "PERTINENT"
    MAJEUR = "MAJEUR"

    @property
    def label(self) -> str:
        return {
            HistoryRelevance.SANS_IMPACT: QT_TRANSLATE_NOOP("Orders", "Sans impact"),
            HistoryRelevance.PERTINENT: QT_TRANSLATE_NOOP("Orders", "Pertinent"),
            HistoryRelevance.MAJEUR: QT_TRANSLATE_NOOP("Orders", "Majeur"),
        }[self]


class Decision(StrEnum):
    """The radiologist's answer (flux 3 ORC-1)."""

    ACCEPTED = "OK"
    REFUSED = "OC"

    @property
    def label(self) -> str:
        return {
            Decision.ACCEPTED: QT_TRANSLATE_NOOP("Orders", "Demande validée"),
            Decision.REFUSED: QT_TRANSLATE_NOOP("Orders", "Demande refusée"),
        }[self]


# --- value objects --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ins:
    matricule: str
    oid: str

    @property
    def kind(self) -> InsKind | None:
        return InsKind(self.oid) if self.oid in InsKind._value2member_map_ else None


@dataclass(frozen=True, slots=True)
class Identifier:
    """A CX identifier other than the INS (IPP, visit number...): value, assigning authority, type."""

    value: str
    oid: str  # CX-4.2
    namespace: str = ""  # CX-4.1
    type_code: str = ""  # CX-5
    oid_type: str = ""  # CX-4.3 ("ISO", "M"...)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """An application and facility of MSH-3/4 or MSH-5/6 (the report goes back along them)."""

    application: str
    facility: str


@dataclass(frozen=True, slots=True)
class Patient:
    """Identity traits of the INS (birth name, birth first names, sex, birth date, birth place)
    plus the names in use. Patient data: never logged."""

    ins: Ins | None
    identity_status: IdentityStatus | None
    birth_name: str
    first_name: str  # first birth first name (PID-5.2)
    birth_first_names: tuple[str, ...]  # every birth first name (PID-5.3)
    used_name: str
    used_first_name: str
    sex: Sex
    birth_date: date | None
    birth_place_cog: str  # INSEE code of the birth commune (PID-11 BDL, XAD-9)
    other_ids: tuple[Identifier, ...] = ()  # PID-3 repetitions that are not the INS (IPP...)

    @property
    def ins_qualified(self) -> bool:
        return self.ins is not None and self.identity_status is IdentityStatus.QUAL

    @property
    def display_name(self) -> str:
        """Name in use, else birth name, as the RNIV displays it: NAME First-name."""
        return (
            f"{(self.used_name or self.birth_name).upper()} {self.used_first_name or self.first_name}".strip()
        )


@dataclass(frozen=True, slots=True)
class Site:
    """The imaging site that holds the patient (ORC-21, call-back phone ORC-14)."""

    name: str
    identifier: str
    id_type: str
    phone: str
    oid: str = ""  # XON-6.2, the identifier's authority


@dataclass(frozen=True, slots=True)
class Measure:
    value: float
    unit: str
    exact: str = field(default="", compare=False)  # the number as sent, decimal point '.'

    def __str__(self) -> str:
        number = f"{self.value:g}".replace(".", ",")
        return f"{number} {self.unit}".strip()


@dataclass(frozen=True, slots=True)
class AnatomicalRegion:
    region: Coded  # JDV_RegionAnatomique-CISIS (sub-id n.1)
    precision: Coded | None = None  # JDV_ModificateurTopographique-CISIS (sub-id n.2)

    @property
    def label(self) -> str:
        parts = [self.region.label or self.region.code]
        if self.precision:
            parts.append(self.precision.label or self.precision.code)
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class ClinicalHistory:
    text: str
    relevance: HistoryRelevance | None


@dataclass(frozen=True, slots=True)
class Observation:
    """An observation outside the guide's list, kept as sent so nothing the site wrote is lost."""

    code: Coded
    value: str
    unit: str


@dataclass(frozen=True, slots=True)
class LabResult:
    """A laboratory result sent with the request (OBX-5 and OBX-6; OBX-14 when it was measured)."""

    code: Coded
    value: Measure | None
    measured_at: datetime | None


@dataclass(frozen=True, slots=True)
class ContrastRisk:
    """What the site says about the contrast risks (flux 1, local convention): ``None`` is "not sent",
    which the radiologist must see as missing, never as "none"."""

    renal_function: tuple[LabResult, ...] = ()
    allergies: str | None = None
    metformin: bool | None = None
    previous_reaction: str | None = None


@dataclass(frozen=True, slots=True)
class AdministeredProduct:
    product: Coded  # ATC level 2, V09 / V10
    lot: str
    quantity: Measure | None


@dataclass(frozen=True, slots=True)
class Device:
    identifier: str  # UDI carrier (Support IUD)
    model: str


@dataclass(frozen=True, slots=True)
class SiteIncident:
    """A technical difficulty or an adverse effect the technologist reported (flux 4)."""

    adverse_effect: bool  # EFFET_INDESIRABLE, else INCIDENT_ACTE
    text: str

    @property
    def label(self) -> str:
        if self.adverse_effect:
            return QT_TRANSLATE_NOOP("Orders", "Effet indésirable")
        return QT_TRANSLATE_NOOP("Orders", "Incident technique")


@dataclass(frozen=True, slots=True)
class Consent:
    """Patient information and consent (flux 1): given (Y/N) or the force majeure that excused it."""

    given: bool | None
    force_majeure: str = ""


@dataclass(frozen=True, slots=True)
class Complement:
    """Flux 4: what was actually done, needed to write the report."""

    control_id: str
    performed_at: datetime | None  # TQ1-7
    retention: Measure | None  # TQ1-6, image retention period
    act: Coded | None  # CODE_ACTE_IMAGERIE (LOINC)
    modality: Coded | None
    regions: tuple[AnatomicalRegion, ...]
    products: tuple[AdministeredProduct, ...]
    devices: tuple[Device, ...]
    viewer_url: str  # partial DRIMbox URL, decoded from base64
    accession_number: str  # IPC-1.1
    accession_authority: str  # IPC-1.3
    requested_procedure: Coded | None  # IPC-2
    study_instance_uid: str  # IPC-3
    incidents: tuple[SiteIncident, ...] = ()  # OBX INCIDENT_ACTE / EFFET_INDESIRABLE (local)


@dataclass(frozen=True, slots=True)
class Cancellation:
    control_id: str
    at: datetime | None  # ORC-9
    reason: Coded | None  # ORC-16


@dataclass(frozen=True, slots=True)
class Response:
    """Flux 3 already sent for this order (by this workstation or another)."""

    control_id: str
    decision: Decision
    radiologist: Practitioner | None
    protocol: str
    modality: Coded | None
    act: Coded | None
    refusal_reason: Coded | None
    justification: str
    answered_at: datetime | None = None  # ORC-9 (else MSH-7): when the radiologist decided
    radioprotection_confirmed: bool = False  # OBX RADIOPROTECTION_CONFIRMEE = Y
    missing_accepted: tuple[Coded, ...] = ()  # OBX ELEMENT_JUSTIFICATION_MANQUANT: accepted knowingly
    physician_at_injection: bool = False  # OBX PRESENCE_MEDECIN_INJECTION = Y


@dataclass(frozen=True, slots=True)
class IdentityUpdate:
    """The qualified identity a site sent after the report for a patient first sent on an unqualified
    one (issue 23): a flux 4 for the same order, received after a report, whose PID has an INS with
    PID-32 QUAL. The report's next version (an addendum) links the two identities."""

    control_id: str  # MSH-10 of that flux 4
    patient: Patient  # the qualified identity (the order's ``patient`` stays the flux 1's)
    received_after: str  # MSH-10 of the report it follows
    linked: bool  # a report (the addendum) was sent after it


@dataclass(frozen=True, slots=True)
class Order:
    placer_order_number: str  # ORC-2.1
    placer_authority: str  # ORC-2.3
    control_id: str  # MSH-10 of the request
    priority: Priority
    requested_at: datetime | None  # ORC-9
    patient: Patient
    responsible: Practitioner | None  # ORC-12 (= OBR-16): physician in charge at the imaging site
    requester: Practitioner | None  # PV1-8 referring doctor: who asked for the exam, when the site sends it
    requester_phone: str  # OBR-17 (XTN-12, else XTN-1): where to call the requester back
    verifier: Practitioner | None  # ORC-11: remote radiologist, when already known
    site: Site
    clinical_information: str  # OBR-13: indications, symptoms, clinical history
    purpose: tuple[str, ...]  # NTE FINALITE_EXAMEN: the question asked
    history: tuple[ClinicalHistory, ...]
    modality: Coded | None
    modality_comments: tuple[str, ...]
    regions: tuple[AnatomicalRegion, ...]
    height: Measure | None
    weight: Measure | None
    pregnancy: PregnancyStatus | None
    other_observations: tuple[Observation, ...]
    contrast_risk: ContrastRisk = ContrastRisk()
    consent: Consent | None = None  # OBX CONSENTEMENT / FORCE_MAJEURE (local), None when not sent
    complement: Complement | None = None
    cancellation: Cancellation | None = None
    response: Response | None = None
    warnings: tuple[str, ...] = ()  # French: what the guide requires and the site left out
    sender: Endpoint = Endpoint("", "")  # MSH-3/4 of the request: the site's system
    receiver: Endpoint = Endpoint("", "")  # MSH-5/6 of the request: the platform
    encounter_class: str = ""  # PV1-2
    visit: Identifier | None = None  # PV1-19
    request: Hl7Message | None = field(default=None, repr=False, compare=False)  # for the flux 3 answer
    identity_update: IdentityUpdate | None = None  # flux 4 after the report: the qualified identity

    @property
    def cancelled(self) -> bool:
        return self.cancellation is not None

    @property
    def study_instance_uid(self) -> str:
        return self.complement.study_instance_uid if self.complement else ""


# --- reading helpers ------------------------------------------------------------------------------

_PARIS: timezone | ZoneInfo
try:
    _PARIS = ZoneInfo("Europe/Paris")
except ZoneInfoNotFoundError:  # pragma: no cover - systems without tz data
    _PARIS = UTC
_TS = re.compile(r"(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?(?:\.\d+)?(?:([+-])(\d{2})(\d{2}))?$")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
E = TypeVar("E", bound=StrEnum)


def hl7_datetime(text: str) -> datetime | None:
    """An HL7 TS, None when empty; ValueError when malformed or less precise than a day (a year
    alone would be shown as the 1st of January). Without an offset it is French local time, the
    senders' clock. The one timestamp reader of the workstation and the report."""
    if not text.strip():
        return None
    m = _TS.fullmatch(text.strip())
    if m is None:
        raise ValueError("malformed HL7 timestamp")
    year, month, day, hour, minute, second, sign, off_h, off_m = m.groups()
    tz: timezone | ZoneInfo = _PARIS
    if sign:
        if int(off_h) > 14 or int(off_m) > 59:
            raise ValueError("malformed HL7 timestamp offset")
        delta = timedelta(hours=int(off_h), minutes=int(off_m))
        tz = timezone(delta if sign == "+" else -delta)
    return datetime(
        int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), tzinfo=tz
    )


def _enum_or_none(kind: type[E], code: str) -> E | None:
    return kind(code) if code in kind._value2member_map_ else None


def _sub_id(obx: Segment) -> tuple[str, str]:
    """OBX-4 'n.m' (guide, "Utilisation du champ OBX-4"): n groups the OBX of one occurrence,
    m says which part of it the OBX carries."""
    group, _, part = obx.get(4).partition(".")
    return group, part


class _Reader:
    """Reads one message tolerantly: a malformed optional value becomes a French warning for the
    radiologist (and an English log line), not a lost order."""

    def __init__(self, message: Hl7Message, warnings: list[str]) -> None:
        self.message = message
        self.warnings = warnings
        self.obx: dict[str, list[Segment]] = {}
        for obx in message.all("OBX"):
            self.obx.setdefault(obx.get(3, 1), []).append(obx)

    def warn(self, where: str, detail: str, quoi: str) -> None:
        log.warning("%s %s: %s", self.message.control_id, where, detail)
        self.warnings.append(QT_TRANSLATE_NOOP("Orders", "{what} ({where}).").format(what=quoi, where=where))

    def when(self, segment: Segment | None, number: int, quoi: str) -> datetime | None:
        if segment is None:
            return None
        try:
            return hl7_datetime(segment.get(number))
        except ValueError:
            self.warn(
                f"{segment.name}-{number}",
                "malformed timestamp",
                QT_TRANSLATE_NOOP("Orders", "{what} : date illisible").format(what=quoi),
            )
            return None

    def measure(self, segment: Segment, number: int, unit: str, quoi: str) -> Measure | None:
        text = segment.get(number).strip()
        if not text:
            return None
        exact = text.replace(",", ".")
        value = float(exact) if _NUMBER.fullmatch(text) else math.nan
        if math.isfinite(value):
            return Measure(value, unit, exact)
        else:
            self.warn(
                f"{segment.name}-{number}",
                "value is not a number",
                QT_TRANSLATE_NOOP("Orders", "{what} : valeur illisible").format(what=quoi),
            )
            return None

    def first(self, code: str) -> Segment | None:
        return self.obx[code][0] if code in self.obx else None

    def coded(self, code: str) -> Coded | None:
        return self.obx[code][0].coded(5) if code in self.obx else None

    def quantity(self, obx: Segment | None, quoi: str) -> Measure | None:
        """An NM observation with its unit (OBX-5, OBX-6)."""
        return None if obx is None else self.measure(obx, 5, obx.get(6), quoi)

    def base64_text(self, code: str, quoi: str) -> str:
        if code not in self.obx:
            return ""
        obx = self.obx[code][0]
        data = obx.get(5, 5) if obx.get(2) == "ED" else obx.get(5)
        try:
            return base64.b64decode(data.encode("ascii"), validate=True).decode("utf-8")
        except ValueError:  # binascii.Error, UnicodeEncodeError (non-ASCII), UnicodeDecodeError
            self.warn(
                f"OBX {code}",
                "OBX-5 is not base64 UTF-8 text",
                QT_TRANSLATE_NOOP("Orders", "{what} : encodage base64 invalide").format(what=quoi),
            )
            return ""

    def regions(self) -> tuple[AnatomicalRegion, ...]:
        """Sub-id n.1 is the region, n.2 its precision; any other part is not the guide's: warned."""
        groups: dict[str, dict[str, Coded]] = {}
        for obx in self.obx.get("REGION_ANATOMIQUE", []):
            group, part = _sub_id(obx)
            if (part or "1") not in ("1", "2"):
                self.warn(
                    "OBX-4",
                    "REGION_ANATOMIQUE sub-id part is neither 1 nor 2",
                    QT_TRANSLATE_NOOP("Orders", "Région anatomique : sous-identifiant inconnu, ignoré"),
                )
                continue
            groups.setdefault(group, {})[part or "1"] = obx.coded(5)
        return tuple(
            AnatomicalRegion(p["1"], p.get("2")) if "1" in p else AnatomicalRegion(p["2"])
            for p in groups.values()
        )

    def notes(self, kind: str) -> tuple[str, ...]:
        """NTE-3 lines of the notes whose NTE-4 is ``kind`` (FINALITE_EXAMEN, MODALITE_IMAGERIE...)."""
        return tuple(t for n in self.message.all("NTE") if n.get(4, 1) == kind for t in n.texts(3))


# --- the four flows -------------------------------------------------------------------------------


def _patient(pid: Segment) -> Patient:
    """PID per the CI-SIS INS annex: INS in PID-3 (CX-5 'INS'), birth traits in the PID-5 of type L,
    names in use in the one of type D, birth place code in the PID-11 of type BDL, status in PID-32."""
    ins = None
    others: list[Identifier] = []
    for rep in range(pid.repetitions(3)):
        oid, kind, value = pid.get(3, 4, 2, rep=rep), pid.get(3, 5, rep=rep), pid.get(3, 1, rep=rep)
        if ins is None and (kind in ("INS", "INS-NIR", "INS-NIA") or oid in InsKind._value2member_map_):
            ins = Ins(value, oid)
        elif value:
            others.append(Identifier(value, oid, pid.get(3, 4, 1, rep=rep), kind, pid.get(3, 4, 3, rep=rep)))
    birth_name = first_name = used_name = used_first_name = ""
    birth_first_names: tuple[str, ...] = ()
    for rep in range(pid.repetitions(5)):
        kind = pid.get(5, 7, rep=rep)
        if kind == "L" or (kind == "" and not birth_name):
            birth_name, first_name = pid.get(5, 1, rep=rep), pid.get(5, 2, rep=rep)
            birth_first_names = tuple(pid.get(5, 3, rep=rep).split()) or ((first_name,) if first_name else ())
        elif kind == "D":
            used_name, used_first_name = pid.get(5, 1, rep=rep), pid.get(5, 2, rep=rep)
    statuses = {pid.get(32, rep=r) for r in range(pid.repetitions(32))}
    status = next((s for s in _STATUS_RANK if s.value in statuses), None)
    if status is None and "VIDE" in statuses:
        status = IdentityStatus.VIDE
    try:
        born = hl7_datetime(pid.get(7)) if len(pid.get(7)) >= 8 else None
    except ValueError as exc:
        raise HL7ParseError("PID", 7, "malformed birth date", "date de naissance illisible") from exc
    cog = next(
        (pid.get(11, 9, rep=r) for r in range(pid.repetitions(11)) if pid.get(11, 7, rep=r) == "BDL"), ""
    )
    return Patient(
        ins=ins,
        identity_status=status,
        birth_name=birth_name,
        first_name=first_name,
        birth_first_names=birth_first_names,
        used_name=used_name,
        used_first_name=used_first_name,
        sex=_enum_or_none(Sex, pid.get(8)) or Sex.UNKNOWN,
        birth_date=born.date() if born else None,
        birth_place_cog=cog,
        other_ids=tuple(others),
    )


_REQUEST_OBX = {
    "MODALITE_IMAGERIE",
    "REGION_ANATOMIQUE",
    HISTORY,
    HEIGHT,
    WEIGHT,
    PREGNANCY,
    *RENAL_FUNCTION,
    ALLERGIES,
    METFORMIN,
    CONTRAST_REACTION,
    CONSENT,
    FORCE_MAJEURE,
}


def _consent(read: _Reader) -> Consent | None:
    given = read.coded(CONSENT)
    reason = "\n".join(t for o in read.obx.get(FORCE_MAJEURE, []) for t in o.texts(5) if t.strip())
    if given is None and not reason:
        return None
    return Consent({"Y": True, "N": False}.get(given.code) if given is not None else None, reason)


def _contrast_risk(read: _Reader) -> ContrastRisk:
    """The contrast observations of a flux 1 (docs/ARCHITECTURE.md, HL7 section)."""

    def text(code: str) -> str | None:
        if code not in read.obx:
            return None
        return "\n".join(t for o in read.obx[code] for t in o.texts(5) if t.strip())

    metformin = read.coded(METFORMIN)
    reaction = read.first(CONTRAST_REACTION)
    return ContrastRisk(
        renal_function=tuple(
            LabResult(
                obx.coded(3),
                read.quantity(obx, QT_TRANSLATE_NOOP("Orders", "Fonction rénale")),
                read.when(obx, 14, QT_TRANSLATE_NOOP("Orders", "Date de la fonction rénale")),
            )
            for code in RENAL_FUNCTION
            for obx in read.obx.get(code, [])
        ),
        allergies=text(ALLERGIES),
        metformin=None if metformin is None else {"Y": True, "N": False}.get(metformin.code),
        previous_reaction=(
            None
            if reaction is None
            else ("" if reaction.get(5) == "N" and reaction.get(2) == "CE" else text(CONTRAST_REACTION))
        ),
    )


def _request(message: Hl7Message, warnings: list[str]) -> Order:
    read = _Reader(message, warnings)
    orc = message.one("ORC", "ORC (demande)")
    obr = message.first("OBR")
    pv1 = message.first("PV1")
    modality, regions = read.coded("MODALITE_IMAGERIE"), read.regions()
    clinical = obr.get(13) if obr else ""
    site = Organization.read(orc, 21)
    for missing, quoi in (
        (
            modality is None,
            QT_TRANSLATE_NOOP(
                "Orders", "Modalité d'imagerie non précisée par le site (OBX MODALITE_IMAGERIE)."
            ),
        ),
        (
            not regions,
            QT_TRANSLATE_NOOP(
                "Orders", "Région anatomique non précisée par le site (OBX REGION_ANATOMIQUE)."
            ),
        ),
        (not clinical, QT_TRANSLATE_NOOP("Orders", "Justification de la demande absente (OBR-13).")),
        (site is None, QT_TRANSLATE_NOOP("Orders", "Structure d'imagerie non identifiée (ORC-21).")),
    ):
        if missing:
            warnings.append(quoi)
    pregnancy = None
    if PREGNANCY in read.obx:
        pregnancy = _enum_or_none(PregnancyStatus, read.obx[PREGNANCY][0].get(5)) or PregnancyStatus.UNKNOWN
    priority_codes = {orc.get(7, 6), obr.get(27, 6) if obr else ""}
    responsible = Practitioner.read(orc, 12)
    in_obr = Practitioner.read(obr, 16) if obr else None
    if responsible is None:
        responsible = in_obr  # the guide: OBR-16 is "identique à l'ORC-12"
    elif in_obr is not None and in_obr.id_nat and responsible.id_nat and in_obr.id_nat != responsible.id_nat:
        read.warn(
            "OBR-16",
            "OBR-16 differs from ORC-12",
            QT_TRANSLATE_NOOP(
                "Orders",
                "Le médecin responsable de l'OBR-16 diffère de celui de l'ORC-12 : l'ORC-12 est retenu",
            ),
        )
    msh = message.msh
    return Order(
        placer_order_number=orc.require(2, what="placer order number", quoi="numéro de la demande"),
        placer_authority=orc.get(2, 3),
        control_id=message.control_id,
        priority=Priority.URGENT if "S" in priority_codes else Priority.ROUTINE,
        requested_at=read.when(orc, 9, QT_TRANSLATE_NOOP("Orders", "Date de la demande")),
        patient=_patient(message.one("PID", "PID (patient)")),
        responsible=responsible,
        requester=Practitioner.read(pv1, 8) if pv1 else None,
        requester_phone=(obr.get(17, 12) or obr.get(17, 1)) if obr else "",
        verifier=Practitioner.read(orc, 11),
        site=Site(
            site.name if site else "",
            site.identifier if site else "",
            site.id_type if site else "",
            orc.get(14, 12) or orc.get(14, 1),
            site.authority_oid if site else "",
        ),
        clinical_information=clinical,
        purpose=read.notes("FINALITE_EXAMEN"),
        history=tuple(
            ClinicalHistory(o.get(5), _enum_or_none(HistoryRelevance, o.get(8)))
            for o in read.obx.get(HISTORY, [])
        ),
        modality=modality,
        modality_comments=read.notes("MODALITE_IMAGERIE"),
        regions=regions,
        height=read.quantity(read.first(HEIGHT), QT_TRANSLATE_NOOP("Orders", "Taille")),
        weight=read.quantity(read.first(WEIGHT), QT_TRANSLATE_NOOP("Orders", "Poids")),
        pregnancy=pregnancy,
        other_observations=tuple(
            Observation(o.coded(3), o.get(5), o.get(6))
            for code, group in read.obx.items()
            if code not in _REQUEST_OBX
            for o in group
        ),
        contrast_risk=_contrast_risk(read),
        consent=_consent(read),
        request=message,
        sender=Endpoint(msh.get(3), msh.get(4)),
        receiver=Endpoint(msh.get(5), msh.get(6)),
        encounter_class=pv1.get(2) if pv1 else "",
        visit=(
            Identifier(pv1.get(19), pv1.get(19, 4, 2), pv1.get(19, 4, 1), pv1.get(19, 5), pv1.get(19, 4, 3))
            if pv1 and pv1.get(19)
            else None
        ),
    )


def _complement(message: Hl7Message, warnings: list[str]) -> Complement:
    read = _Reader(message, warnings)
    tq1 = message.first("TQ1")
    ipc = message.one("IPC", "IPC (examen réalisé)")
    products: dict[str, dict[str, Segment]] = {}
    for obx in read.obx.get("PRODUIT_ADMINISTRE", []):
        group, part = _sub_id(obx)
        products.setdefault(group, {})[part] = obx
    devices: dict[str, dict[str, str]] = {}
    for obx in read.obx.get("APPAREIL_IMAGERIE", []):
        group, part = _sub_id(obx)
        devices.setdefault(group, {})[part] = obx.get(5)
    study_uid = ipc.get(3).strip()
    if not study_uid:
        warnings.append(
            QT_TRANSLATE_NOOP(
                "Orders", "Identifiant de l'examen (Study Instance UID) absent du complément (IPC-3)."
            )
        )
    return Complement(
        control_id=message.control_id,
        performed_at=read.when(tq1, 7, QT_TRANSLATE_NOOP("Orders", "Date de l'examen")),
        retention=read.measure(
            tq1, 6, tq1.get(6, 2), QT_TRANSLATE_NOOP("Orders", "Durée de rétention des images")
        )
        if tq1
        else None,
        act=read.coded("CODE_ACTE_IMAGERIE"),
        modality=read.coded("MODALITE_IMAGERIE"),
        regions=read.regions(),
        products=tuple(
            AdministeredProduct(
                parts["1"].coded(5) if "1" in parts else Coded(""),
                parts["2"].get(5) if "2" in parts else "",
                read.quantity(parts.get("3"), QT_TRANSLATE_NOOP("Orders", "Quantité administrée")),
            )
            for parts in products.values()
        ),
        devices=tuple(Device(parts.get("1", ""), parts.get("2", "")) for parts in devices.values()),
        viewer_url=read.base64_text(
            "URL_PARTIELLE_VIEWER", QT_TRANSLATE_NOOP("Orders", "URL de la visionneuse DRIMbox")
        ),
        accession_number=ipc.get(1, 1),
        accession_authority=ipc.get(1, 3),
        requested_procedure=Coded(ipc.get(2, 1), "", ipc.get(2, 3)) if ipc.get(2, 1) else None,
        study_instance_uid=study_uid,
        incidents=tuple(
            SiteIncident(code == ADVERSE_EFFECT, text)
            for code in (SITE_INCIDENT, ADVERSE_EFFECT)
            for obx in read.obx.get(code, [])
            if (text := "\n".join(t for t in obx.texts(5) if t.strip()))
        ),
    )


def _response(message: Hl7Message, warnings: list[str]) -> Response:
    read = _Reader(message, warnings)
    orc = message.one("ORC", "ORC (réponse)")
    decision = _enum_or_none(Decision, orc.get(1))
    if decision is None:
        raise HL7ParseError("ORC", 1, "flux 3 decision is neither OK nor OC", "décision inconnue")
    protocol = ""
    if "PROTOCOLE_IMAGERIE" in read.obx:
        obx = read.obx["PROTOCOLE_IMAGERIE"][0]
        protocol = (
            read.base64_text("PROTOCOLE_IMAGERIE", QT_TRANSLATE_NOOP("Orders", "Protocole d'imagerie"))
            if obx.get(2) == "ED"
            else "\n".join(obx.texts(5))
        )
    answered_at = read.when(orc, 9, QT_TRANSLATE_NOOP("Orders", "Date de la réponse"))
    if answered_at is None:
        answered_at = read.when(message.msh, 7, QT_TRANSLATE_NOOP("Orders", "Date de la réponse"))

    def attested(code: str) -> bool:
        return any(o.get(5) == "Y" for o in read.obx.get(code, []))

    return Response(
        control_id=message.control_id,
        decision=decision,
        radiologist=Practitioner.read(orc, 12),
        protocol=protocol,
        modality=read.coded("MODALITE_IMAGERIE"),
        act=read.coded("CODE_ACTE_IMAGERIE"),
        refusal_reason=orc.coded(16) or None,
        justification="\n".join(read.notes(REFUSAL_NOTE)),
        answered_at=answered_at,
        radioprotection_confirmed=attested(RADIOPROTECTION_CONFIRMED),
        missing_accepted=tuple(o.coded(5) for o in read.obx.get(MISSING_ELEMENT_ACCEPTED, [])),
        physician_at_injection=attested(PHYSICIAN_AT_INJECTION),
    )


def _cancellation(message: Hl7Message, warnings: list[str]) -> Cancellation:
    orc = message.one("ORC", "ORC (annulation)")
    at = _Reader(message, warnings).when(orc, 9, QT_TRANSLATE_NOOP("Orders", "Date d'annulation"))
    return Cancellation(message.control_id, at, orc.coded(16) or None)


def _same_order(order: Order, message: Hl7Message, flow: str) -> None:
    """Refuse a message that names another order or another patient than the request did."""
    if message.one("ORC", "ORC").get(2, 1).strip() != order.placer_order_number:
        raise HL7ParseError("ORC", 2, f"{flow} names another order", f"le {flow} concerne une autre demande")
    pid = message.first("PID")
    if pid is not None and order.patient.ins is not None:
        ins = _patient(pid).ins
        if ins is not None and ins != order.patient.ins:
            raise HL7ParseError(
                "PID", 3, f"{flow} names another patient (INS)", f"le {flow} concerne un autre patient"
            )


_FLOWS = {
    ("ORM^O01", "TRANSMISSION_DEMANDE"): "flux 1",
    ("ORM^O01", "ANNULATION_DEMANDE"): "flux 2",
    ("ORU^R01", "REPONSE_DEMANDE"): "flux 3",
    ("OMI^O23", "COMPLEMENT_POST_ACTE"): "flux 4",
}


def _flow(message: Hl7Message) -> str | None:
    """Which flow a message is: OBR-4 says it; without OBR-4, ORC-1 still tells flux 1 from 2."""
    obr, orc = message.first("OBR"), message.first("ORC")
    flow = _FLOWS.get((message.message_type, obr.get(4, 1) if obr else ""))
    if flow is None and message.message_type == "ORM^O01" and orc is not None:
        flow = {"NW": "flux 1", "CA": "flux 2"}.get(orc.get(1))
    return flow


def parse_order(messages: Iterable[str | bytes | Hl7Message]) -> Order:
    """Fold the messages of one order, in the order they were received, into an :class:`Order`.

    The last message of each flow wins (a site may resend a corrected one). Messages that are not
    teleradiology flows (e.g. a CDA report) are ignored. Raises :class:`HL7ParseError` only.
    """
    try:
        return _parse_order(messages)
    except HL7ParseError:
        raise
    except Exception as exc:  # a defect of this reader: one unreadable order, never a crash
        log.exception("order reader defect")
        raise HL7ParseError(
            "?", None, f"reader defect ({type(exc).__name__})", "erreur interne de lecture", internal=True
        ) from exc


def _is_report(message: Hl7Message) -> bool:
    """A report sent for the order (ORU^R01 ORC-1 NW/RO, MDM^T02/T10): not a flow of the guide."""
    if message.message_type in ("MDM^T02", "MDM^T10"):
        return True
    orc = message.first("ORC")
    return message.message_type == "ORU^R01" and orc is not None and orc.get(1) in ("NW", "RO")


def _identity_update(order: Order, sequence: list[tuple[str | None, Hl7Message]]) -> IdentityUpdate | None:
    """The last flux 4 received after a report whose PID is qualified while the flux 1's was not."""
    if order.patient.ins_qualified:
        return None
    found: IdentityUpdate | None = None
    last_report = ""
    for flow, message in sequence:
        if flow is None and _is_report(message):
            last_report = message.control_id
            if found is not None:
                found = replace(found, linked=True)
        elif flow == "flux 4" and last_report and (pid := message.first("PID")) is not None:
            patient = _patient(pid)
            if patient.ins_qualified:
                found = IdentityUpdate(message.control_id, patient, last_report, linked=False)
    return found


def _parse_order(messages: Iterable[str | bytes | Hl7Message]) -> Order:
    by_flow: dict[str, Hl7Message] = {}
    sequence: list[tuple[str | None, Hl7Message]] = []
    for raw in messages:
        if isinstance(raw, Hl7Message):
            message = raw
        else:
            try:
                message = parse(raw)
            except HL7ParseError as exc:
                text = raw.decode("iso8859-1") if isinstance(raw, bytes) else raw
                exc.control_id, exc.sender = header(text)
                raise
        flow = _flow(message)
        sequence.append((flow, message))
        if flow is None:
            log.info("ignoring %s %s: not a teleradiology flow", message.message_type, message.control_id)
            continue
        by_flow[flow] = message
    if "flux 1" not in by_flow:
        raise HL7ParseError("ORC", 1, "no flux 1 request (ORM^O01 NW)", "demande d'examen (flux 1) absente")
    warnings: list[str] = []
    request = by_flow["flux 1"]
    try:
        order = _request(request, warnings)
    except HL7ParseError as exc:
        exc.control_id, exc.sender = request.control_id, request.sender
        raise
    for flow in ("flux 2", "flux 3", "flux 4"):
        if flow in by_flow:
            message = by_flow[flow]
            try:
                _same_order(order, message, flow)
                if flow == "flux 2":
                    order = replace(order, cancellation=_cancellation(message, warnings))
                elif flow == "flux 3":
                    order = replace(order, response=_response(message, warnings))
                else:
                    order = replace(order, complement=_complement(message, warnings))
            except HL7ParseError as exc:
                exc.control_id, exc.sender = message.control_id, message.sender
                raise
    for message in by_flow.values():
        for warning in dict.fromkeys(message.warnings):
            log.warning("%s %s: %s", message.control_id, warning.location, warning.detail)
            warnings.append(
                QT_TRANSLATE_NOOP("Orders", "Mise en forme du texte ignorée ({where}).").format(
                    where=warning.location
                )
            )
    return replace(
        order, warnings=tuple(dict.fromkeys(warnings)), identity_update=_identity_update(order, sequence)
    )
