"""Téléexpertise on the workstation: ask a remote expert for an opinion on a case, answer a request.

Asking (the radiologist reading a case): the question, the clinical elements, the urgency, the studies
attached (the exam and chosen priors) and the record that the patient was informed and consented
(code de la santé publique, art. R. 6316-2) go to the platform (``POST /api/v1/expertise``); the
request, then its answer, appear in the case's history and in the list of requests; the answer may be
quoted in the report (:func:`quote`).

Answering (the expert): the request's checks (image quality, priors, identity, clinical information)
are ticked, then either a written expertise report is signed — a French CDA R2 of its own document
type, LOINC 85208-7 « CR de télémédecine » (CI-SIS JDV_J07), in an MDM^T02 committed to the durable
outbox like every report — or the expert says why the expertise is impossible, with a reason. An
urgent result is communicated at once (phone...) and recorded. Every step goes to the audit journal
of the workstation where it happens (EventKind.EXPERTISE_*).

Qt-free; the dialogs are in :mod:`workstation.qt.expertise_dialogs`.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from lxml import etree

from auth.session import Identity
from hl7v2.escape import escape_text
from reporting.cda import timestamp
from resources.translations import QT_TRANSLATE_NOOP, UserText
from workstation.audit import EventKind, Outcome, StudyOrigin
from workstation.hl7 import HL7ParseError
from workstation.orders import Order, parse_order
from workstation.outbox import MessageKind, OutboxItem, QueueingFailed, Sender
from workstation.platform.errors import PlatformError, ProtocolError

log = logging.getLogger(__name__)

LOINC = "2.16.840.1.113883.6.1"
DOCUMENT_CODE = "85208-7"
DOCUMENT_DISPLAY = "CR de télémédecine"
REQUEST_ROOT = "2.25.169536147479373092757967845679031759163"
"""OID (UUID-derived, ITU-T X.667) under which the platform's expertise request ids are extensions."""
RPPS_ROOT = "1.2.250.1.71.4.2.1"
HL7 = "urn:hl7-org:v3"


class ExpertiseStatus(StrEnum):
    OPEN = "demandee"
    ANSWERED = "repondue"
    IMPOSSIBLE = "impossible"

    @property
    def label(self) -> UserText:
        return {
            ExpertiseStatus.OPEN: QT_TRANSLATE_NOOP("Expertise", "En attente de l'expert"),
            ExpertiseStatus.ANSWERED: QT_TRANSLATE_NOOP("Expertise", "Avis rendu"),
            ExpertiseStatus.IMPOSSIBLE: QT_TRANSLATE_NOOP("Expertise", "Expertise impossible"),
        }[self]


IMPOSSIBLE_REASONS: dict[str, UserText] = {
    "IMAGES_INSUFFISANTES": QT_TRANSLATE_NOOP("Expertise", "Qualité ou couverture des images insuffisante"),
    "ANTERIORITES_MANQUANTES": QT_TRANSLATE_NOOP(
        "Expertise", "Examens antérieurs nécessaires non disponibles"
    ),
    "IDENTITE_INCERTAINE": QT_TRANSLATE_NOOP("Expertise", "Identité du patient incertaine"),
    "INFORMATIONS_CLINIQUES_INSUFFISANTES": QT_TRANSLATE_NOOP(
        "Expertise", "Informations cliniques insuffisantes"
    ),
    "HORS_COMPETENCE": QT_TRANSLATE_NOOP("Expertise", "Hors de mon champ de compétence"),
    "AUTRE": QT_TRANSLATE_NOOP("Expertise", "Autre motif"),
}
CHECKS: dict[str, UserText] = {
    "images": QT_TRANSLATE_NOOP("Expertise", "Qualité et couverture des images suffisantes"),
    "priors": QT_TRANSLATE_NOOP("Expertise", "Antériorités nécessaires disponibles (ou sans objet)"),
    "identity": QT_TRANSLATE_NOOP("Expertise", "Identité du patient concordante (demande et images)"),
    "clinical": QT_TRANSLATE_NOOP("Expertise", "Informations cliniques suffisantes"),
}
"""What the expert checks before answering (HAS guide: availability of what the act needs)."""

_BAD_ANSWER = QT_TRANSLATE_NOOP("Expertise", "Réponse inattendue de la plateforme (téléexpertise).")


class ExpertiseError(Exception):
    def __init__(self, detail: str, user_message: str) -> None:
        super().__init__(detail)
        self.user_message = user_message


@dataclass(frozen=True, slots=True)
class Person:
    login: str
    rpps: str = ""
    family: str = ""
    given: str = ""
    title: str = ""

    @property
    def display(self) -> str:
        name = " ".join(p for p in (self.title, self.given, self.family.upper()) if p)
        return name or self.login


@dataclass(frozen=True, slots=True)
class Expert:
    person: Person
    specialties: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Communication:
    at: datetime
    recipient: str
    means: str
    note: str
    by: str


@dataclass(frozen=True, slots=True)
class HistoryItem:
    at: datetime
    event: str
    detail: str
    by: str


@dataclass(frozen=True, slots=True)
class ExpertiseRequest:
    request_id: str
    order_id: str
    status: ExpertiseStatus
    urgent: bool
    question: str
    clinical: str
    consent_how: str
    consent_recorded_by: str
    consent_recorded_at: datetime | None
    requester: Person
    expert: Person | None
    specialty: str | None
    studies: tuple[str, ...]
    created_at: datetime
    answered_at: datetime | None
    answered_by: Person | None
    reason_code: str | None
    reason: str | None
    report_cda: bytes | None
    report_id: str | None
    communications: tuple[Communication, ...]
    history: tuple[HistoryItem, ...]
    order_hl7: tuple[str, ...]
    role: str  # requester | expert | observer
    accession_number: str | None = None
    order_study_uid: str | None = None

    @property
    def addressee(self) -> str:
        if self.expert is not None:
            return self.expert.display
        return QT_TRANSLATE_NOOP("Expertise", "Groupe « {specialty} »").format(specialty=self.specialty or "")

    @property
    def order(self) -> Order | None:
        """The site's order as sent (identity, clinical information), or None when unreadable."""
        try:
            return parse_order(self.order_hl7) if self.order_hl7 else None
        except HL7ParseError as exc:
            log.warning("expertise %s: order not readable: %s", self.request_id, exc)
            return None

    @property
    def patient_id(self) -> str:
        order = self.order
        if order is not None and order.patient.ins is not None:
            return f"{order.patient.ins.matricule}^^^&{order.patient.ins.oid}&ISO"
        return ""

    @property
    def opinion(self) -> str:
        """The expert's conclusion, read from the signed CDA ('' before the answer)."""
        return section_text(self.report_cda, "opinion") if self.report_cda else ""

    @property
    def analysis(self) -> str:
        return section_text(self.report_cda, "analysis") if self.report_cda else ""


def _when(value: Any) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ValueError("date without time zone")
    return moment


def _person(value: Any) -> Person | None:
    if not value:
        return None
    return Person(*(str(value.get(k) or "") for k in ("login", "rpps", "family", "given", "title")))


def parse_request(body: Any) -> ExpertiseRequest:
    """One request of the platform's JSON (docs/ARCHITECTURE.md, "Téléexpertise"); ProtocolError else."""
    try:
        consent = body["consent"]
        report = body.get("report")
        created = _when(body["created_at"])
        requester = _person(body["requester"])
        if created is None or requester is None:
            raise ValueError("request without creation time or requester")
        return ExpertiseRequest(
            request_id=str(body["request_id"]),
            order_id=str(body["order_id"]),
            status=ExpertiseStatus(body["status"]),
            urgent=body["urgency"] == "urgent",
            question=str(body["question"]),
            clinical=str(body.get("clinical") or ""),
            consent_how=str(consent.get("how") or ""),
            consent_recorded_by=str(consent.get("recorded_by") or ""),
            consent_recorded_at=_when(consent.get("recorded_at")),
            requester=requester,
            expert=_person(body.get("expert")),
            specialty=body.get("specialty") or None,
            studies=tuple(str(s) for s in body["studies"]),
            created_at=created,
            answered_at=_when(body.get("answered_at")),
            answered_by=_person(body.get("answered_by")),
            reason_code=body.get("reason_code"),
            reason=body.get("reason"),
            report_cda=str(report["cda"]).encode("utf-8") if report else None,
            report_id=str(report["document_id"]) if report else None,
            communications=tuple(
                Communication(
                    _when(c["at"]) or created,
                    str(c["recipient"]),
                    str(c["means"]),
                    str(c.get("note") or ""),
                    str(c.get("by") or ""),
                )
                for c in body.get("communications") or ()
            ),
            history=tuple(
                HistoryItem(
                    _when(h["at"]) or created, str(h["event"]), str(h["detail"]), str(h.get("by") or "")
                )
                for h in body.get("history") or ()
            ),
            order_hl7=tuple(str(t) for t in body.get("order_hl7") or ()),
            role=str(body.get("role") or "observer"),
            accession_number=body.get("accession_number"),
            order_study_uid=body.get("order_study_instance_uid"),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ProtocolError(
            f"expertise: malformed request ({type(exc).__name__}: {exc})", _BAD_ANSWER
        ) from exc


def parse_experts(body: Any) -> tuple[list[Expert], list[str]]:
    try:
        experts = [
            Expert(_person(e) or Person(""), tuple(str(s) for s in e.get("specialties") or ()))
            for e in body["experts"]
        ]
        return experts, [str(s) for s in body["specialties"]]
    except (KeyError, TypeError, AttributeError) as exc:
        raise ProtocolError(f"expertise: malformed experts ({type(exc).__name__})", _BAD_ANSWER) from exc


# --- the expertise report: CDA R2 + MDM^T02 ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExpertiseAnswer:
    """What the expert writes: the checks done, the analysis and the opinion (French)."""

    checks: tuple[str, ...]  # keys of CHECKS, all of them to answer with a report
    analysis: str
    opinion: str
    document_id: str = ""

    def with_id(self) -> ExpertiseAnswer:
        if self.document_id:
            return self
        return ExpertiseAnswer(self.checks, self.analysis, self.opinion, f"2.25.{uuid.uuid4().int}")


_SECTIONS = {
    "request": ("55115-0", "Demande d'avis"),
    "clinical": ("55752-0", "Informations cliniques"),
    "checks": ("55111-9", "Vérifications de l'expert"),
    "analysis": ("59776-5", "Analyse"),
    "opinion": ("19005-8", "Avis de l'expert"),
}


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{HL7}}}{tag}", {k: v for k, v in attrib.items() if v})
    if text is not None:
        element.text = text
    return element


def _paragraphs(parent: etree._Element, text: str) -> None:
    for line in text.splitlines() or [""]:
        _el(parent, "paragraph", line)


def _assigned_author(parent: etree._Element, who: Identity, tag: str = "assignedAuthor") -> etree._Element:
    assigned = _el(parent, tag)
    _el(assigned, "id", root=RPPS_ROOT, extension=f"8{who.rpps}" if who.rpps else "")
    person = _el(assigned, "assignedPerson")
    name = _el(person, "name")
    if who.title:
        _el(name, "prefix", who.title.upper())
    _el(name, "given", who.given)
    _el(name, "family", who.family.upper())
    return assigned


def build_expertise_cda(
    request: ExpertiseRequest, answer: ExpertiseAnswer, expert: Identity, now: datetime
) -> bytes:
    """The signed expertise report, CDA R2 level 1-2 (narrative sections), French.

    Its type is its own (85208-7), never the CR d'imagerie's 18748-4; it answers the request
    (inFulfillmentOf/order/id = REQUEST_ROOT + request id) and names the studies it was given.
    """
    if not answer.document_id:
        raise ValueError("answer without document id: call with_id() first")
    order = request.order
    root = etree.Element(f"{{{HL7}}}ClinicalDocument", nsmap={None: HL7})
    _el(root, "realmCode", code="FR")
    _el(root, "typeId", root="2.16.840.1.113883.1.3", extension="POCD_HD000040")
    _el(root, "id", root=answer.document_id)
    _el(
        root,
        "code",
        code=DOCUMENT_CODE,
        codeSystem=LOINC,
        codeSystemName="LOINC",
        displayName=DOCUMENT_DISPLAY,
    )
    _el(root, "title", "Compte rendu de téléexpertise en imagerie")
    _el(root, "effectiveTime", value=timestamp(now))
    _el(root, "confidentialityCode", code="N", codeSystem="2.16.840.1.113883.5.25")
    _el(root, "languageCode", code="fr-FR")
    _el(root, "setId", root=answer.document_id)
    _el(root, "versionNumber", value="1")
    patient_role = _el(_el(root, "recordTarget"), "patientRole")
    if order is not None and order.patient.ins is not None:
        _el(patient_role, "id", root=order.patient.ins.oid, extension=order.patient.ins.matricule)
    else:
        _el(patient_role, "id", nullFlavor="UNK")
    patient = _el(patient_role, "patient")
    if order is not None:
        name = _el(patient, "name")
        for given in order.patient.birth_first_names or (order.patient.first_name,):
            _el(name, "given", given)
        _el(name, "family", order.patient.birth_name.upper(), qualifier="BR")
        sex = {"M": "M", "F": "F"}.get(str(order.patient.sex.value), "UN")
        _el(patient, "administrativeGenderCode", code=sex, codeSystem="2.16.840.1.113883.5.1")
        if order.patient.birth_date is not None:
            _el(patient, "birthTime", value=order.patient.birth_date.strftime("%Y%m%d"))
    author = _el(root, "author")
    _el(author, "time", value=timestamp(now))
    _assigned_author(author, expert)
    custodian = _el(_el(_el(root, "custodian"), "assignedCustodian"), "representedCustodianOrganization")
    _el(custodian, "id", root="1.2.250.1.71.4.2.2", nullFlavor="UNK")
    _el(custodian, "name", "Plateforme de téléradiologie")
    legal = _el(root, "legalAuthenticator")
    _el(legal, "time", value=timestamp(now))
    _el(legal, "signatureCode", code="S")
    _assigned_author(legal, expert, "assignedEntity")
    fulfilled = _el(_el(root, "inFulfillmentOf"), "order")
    _el(fulfilled, "id", root=REQUEST_ROOT, extension=request.request_id)
    event = _el(_el(root, "documentationOf"), "serviceEvent")
    for uid in request.studies:
        _el(event, "id", root=uid)
    _el(event, "code", code=DOCUMENT_CODE, codeSystem=LOINC, displayName="Téléexpertise")
    _el(_el(event, "effectiveTime"), "low", value=timestamp(request.created_at))
    body = _el(_el(root, "component"), "structuredBody")

    def section(key: str) -> etree._Element:
        code, title = _SECTIONS[key]
        sec = _el(_el(body, "component"), "section", ID=key)
        _el(sec, "code", code=code, codeSystem=LOINC, codeSystemName="LOINC", displayName=title)
        _el(sec, "title", title)
        return _el(sec, "text")

    text = section("request")
    _paragraphs(
        text,
        f"Demande {request.request_id} du {request.created_at.strftime('%d/%m/%Y %H:%M')} par"
        f" {request.requester.display} ({'urgente' if request.urgent else 'non urgente'}).",
    )
    _paragraphs(text, f"Question : {request.question}")
    _paragraphs(
        text,
        "Patient informé de la téléexpertise et consentant"
        + (f" ({request.consent_how})" if request.consent_how else "")
        + f", consentement noté par {request.consent_recorded_by or request.requester.login}.",
    )
    _paragraphs(section("clinical"), request.clinical or "Aucun élément clinique transmis.")
    checks = section("checks")
    items = _el(checks, "list")
    for key, label in CHECKS.items():
        done = "vérifié" if key in answer.checks else "non vérifié"
        _el(items, "item", f"{label} : {done}")
    _paragraphs(checks, f"Examens transmis : {len(request.studies)}.")
    _paragraphs(section("analysis"), answer.analysis)
    _paragraphs(section("opinion"), answer.opinion)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def section_text(cda: bytes, key: str) -> str:
    """The text of one of our sections ("opinion", "analysis"), paragraphs joined by new lines."""
    try:
        root = etree.fromstring(cda, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return ""
    code = _SECTIONS[key][0]
    for sec in root.iter(f"{{{HL7}}}section"):
        found = sec.find(f"{{{HL7}}}code")
        if found is not None and found.get("code") == code:
            text = sec.find(f"{{{HL7}}}text")
            if text is None:
                return ""
            return "\n".join((p.text or "") for p in text.iter(f"{{{HL7}}}paragraph")).strip()
    return ""


def control_id_for(document_id: str) -> str:
    """MSH-10 derived from the document id, so signing the same answer again reuses it."""
    return hashlib.sha256(f"expertise-msh-10\0{document_id}".encode()).hexdigest()[:20].upper()


def build_expertise_message(request: ExpertiseRequest, cda: bytes, document_id: str, now: datetime) -> str:
    """MDM^T02 (ANS CDA-in-HL7v2 guide) carrying the CDA; ORC-2.1 and OBR-2.1 name the request."""
    stamp = now.strftime("%Y%m%d%H%M%S%z")
    rid = escape_text(request.request_id)
    code = f"{DOCUMENT_CODE}^{DOCUMENT_DISPLAY}^LN"
    pid = "PID|||"
    order = request.order
    if order is not None and order.patient.ins is not None:
        ins = order.patient.ins
        pid += f"{escape_text(ins.matricule)}^^^ASIP-SANTE-INS-NIR&{escape_text(ins.oid)}&ISO^INS"
    segments = [
        f"MSH|^~\\&|TLR-POSTE|TLR-PLATEFORME|TLR-EXPERTISE|TLR-PLATEFORME|{stamp}||MDM^T02^MDM_T02|"
        f"{control_id_for(document_id)}|P|2.6|||||FRA|UNICODE UTF-8|||2.1^CISIS_CDA_HL7_V2",
        f"EVN||{stamp}",
        pid,
        "PV1||N",
        f"ORC|NW|{rid}",
        f"OBR|1|{rid}||{code}",
        f"TXA|1|{code}|TEXT|{stamp}||||||||{escape_text(document_id)}||||AU",
        f"OBX|1|ED|{code}||^text^XML^Base64^{base64.b64encode(cda).decode('ascii')}||||||F",
    ]
    return "\r".join(segments) + "\r"


def quote(request: ExpertiseRequest) -> str:
    """The expert's answer as a French paragraph the report may quote."""
    who = request.answered_by.display if request.answered_by else request.addressee
    when = request.answered_at.strftime("%d/%m/%Y") if request.answered_at else ""
    if request.status is ExpertiseStatus.ANSWERED:
        return f"Avis de téléexpertise ({who}, {when}) : {request.opinion}"
    if request.status is ExpertiseStatus.IMPOSSIBLE:
        label = IMPOSSIBLE_REASONS.get(request.reason_code or "", request.reason_code or "")
        return f"Téléexpertise impossible ({who}, {when}) : {label}. {request.reason or ''}".strip()
    return ""


# --- the workflow, on a Workstation -------------------------------------------------------------------


class ExpertiseDesk:
    """The téléexpertise steps of one workstation: platform calls, outbox and audit journal."""

    def __init__(self, ws: Any) -> None:  # workstation.app.Workstation (no import cycle for the GUI)
        self.ws = ws
        self._read_audited: set[str] = set()

    @property
    def _url(self) -> str:
        return str(self.ws.settings.base_url)

    def experts(self) -> tuple[list[Expert], list[str]]:
        return parse_experts(self.ws.client.expertise_experts())

    def requests(self) -> list[ExpertiseRequest]:
        return [parse_request(r) for r in self.ws.client.expertise_requests()]

    def ask(
        self,
        order_id: str,
        patient_id: str,
        *,
        expert: str | None,
        specialty: str | None,
        question: str,
        clinical: str,
        urgent: bool,
        studies: list[str],
        informed: bool,
        consented: bool,
        consent_how: str,
    ) -> ExpertiseRequest:
        """Send the request; refused here without the patient's information and consent."""
        if not (informed and consented):
            raise ExpertiseError(
                "expertise asked without consent",
                QT_TRANSLATE_NOOP(
                    "Expertise",
                    "La téléexpertise exige que le patient ait été informé et ait consenti :"
                    " notez-le avant d'envoyer la demande.",
                ),
            )
        identity = self.ws.identity
        body = {
            "order_id": order_id,
            "expert": expert,
            "specialty": specialty,
            "question": question,
            "clinical": clinical,
            "urgency": "urgent" if urgent else "routine",
            "studies": studies,
            "consent": {"informed": True, "consented": True, "how": consent_how},
        }
        try:
            request = parse_request(self.ws.client.ask_expertise(body))
        except PlatformError as exc:
            self.ws.audit.expertise(
                EventKind.EXPERTISE_REQUESTED,
                identity,
                "",
                order_id,
                patient_id,
                self._url,
                Outcome.SERIOUS_FAILURE,
                f"request not accepted: {exc}"[:300],
            )
            raise
        target = f"expert {expert}" if expert else f"group {specialty}"
        self.ws.audit.expertise(
            EventKind.EXPERTISE_REQUESTED,
            identity,
            request.request_id,
            order_id,
            patient_id,
            self._url,
            description=f"to {target}; {'urgent' if urgent else 'routine'}; patient informed and consented;"
            f" {len(studies)} study(ies)",
        )
        return request

    def answer_read(self, request: ExpertiseRequest) -> None:
        """The requester opened the answer: traced once per request and run."""
        if request.status is ExpertiseStatus.OPEN or request.request_id in self._read_audited:
            return
        self._read_audited.add(request.request_id)
        self.ws.audit.expertise(
            EventKind.EXPERTISE_ANSWER_READ,
            self.ws.identity,
            request.request_id,
            request.order_id,
            request.patient_id,
            self._url,
            description=request.status.value,
            report_id=request.report_id or "",
        )

    def sign_report(self, request: ExpertiseRequest, answer: ExpertiseAnswer, now: datetime) -> OutboxItem:
        """Build and commit the signed expertise report to the outbox, with its audit record, as
        one unit (the outbox's guarantee): queued and traced together, or neither."""
        missing = [label for key, label in CHECKS.items() if key not in answer.checks]
        if missing:
            raise ExpertiseError(
                f"expertise {request.request_id}: checks missing",
                QT_TRANSLATE_NOOP(
                    "Expertise",
                    "Vérifications non faites : {missing}. Sinon, répondez « expertise impossible ».",
                ).format(missing=" ; ".join(str(m) for m in missing)),
            )
        if not answer.opinion.strip():
            raise ExpertiseError(
                "empty opinion", QT_TRANSLATE_NOOP("Expertise", "Écrivez votre avis avant de le signer.")
            )
        answer = answer.with_id()
        identity = self.ws.identity
        cda = build_expertise_cda(request, answer, identity, now)
        message = build_expertise_message(request, cda, answer.document_id, now)

        def record(_: OutboxItem) -> None:
            self.ws.audit.expertise(
                EventKind.EXPERTISE_ANSWERED,
                identity,
                request.request_id,
                request.order_id,
                request.patient_id,
                self._url,
                description="expertise report signed and queued",
                report_id=answer.document_id,
            )

        try:
            return self.ws.outbox.enqueue(
                message,
                MessageKind.OTHER,
                order_id=request.order_id,
                study_uid=request.order_study_uid or "",
                patient_id=request.patient_id,
                sender=Sender(identity.login, identity.rpps),
                record=record,
            )
        except QueueingFailed as exc:
            raise ExpertiseError(
                f"expertise report not queued: {exc}",
                QT_TRANSLATE_NOOP(
                    "Expertise", "L'avis n'a PAS été signé ni mis en file d'envoi : {reason}"
                ).format(reason=exc.reason),
            ) from exc

    def retrieve_images(self, request: ExpertiseRequest, study_uid: str, folder: Path) -> list[Path]:
        """One study of the request, into ``folder`` (the caller's private folder, removed after
        viewing), for the expert to judge the images; the access is in the journal like a reading."""
        if study_uid not in request.studies:
            raise ExpertiseError(
                f"study not attached to {request.request_id}",
                QT_TRANSLATE_NOOP("Expertise", "Cet examen n'est pas joint à la demande."),
            )
        try:
            files = self.ws.client.retrieve_study(study_uid, folder)
        except PlatformError as exc:
            self.ws.audit.study_accessed(
                self.ws.identity,
                study_uid,
                request.patient_id,
                StudyOrigin.PLATFORM,
                self._url,
                Outcome.SERIOUS_FAILURE,
                f"expertise {request.request_id}: {exc}"[:300],
            )
            raise
        self.ws.audit.study_accessed(
            self.ws.identity,
            study_uid,
            request.patient_id,
            StudyOrigin.PLATFORM,
            self._url,
            description=f"expertise {request.request_id}",
        )
        return list(files)

    def impossible(self, request: ExpertiseRequest, code: str, reason: str) -> ExpertiseRequest:
        if code not in IMPOSSIBLE_REASONS or not reason.strip():
            raise ExpertiseError(
                "impossible without reason",
                QT_TRANSLATE_NOOP("Expertise", "Choisissez un motif et expliquez-le au demandeur."),
            )
        identity = self.ws.identity
        try:
            answered = parse_request(self.ws.client.expertise_impossible(request.request_id, code, reason))
        except PlatformError as exc:
            self.ws.audit.expertise(
                EventKind.EXPERTISE_ANSWERED,
                identity,
                request.request_id,
                request.order_id,
                request.patient_id,
                self._url,
                Outcome.SERIOUS_FAILURE,
                f"impossible not recorded: {exc}"[:300],
            )
            raise
        self.ws.audit.expertise(
            EventKind.EXPERTISE_ANSWERED,
            identity,
            request.request_id,
            request.order_id,
            request.patient_id,
            self._url,
            Outcome.SUCCESS,
            f"expertise impossible: {code}",
        )
        return answered

    def communicate(
        self, request: ExpertiseRequest, recipient: str, means: str, at: datetime, note: str
    ) -> ExpertiseRequest:
        """An urgent result given at once (phone...): recorded on the platform and in the journal."""
        if not recipient.strip() or not means.strip() or at.tzinfo is None:
            raise ExpertiseError(
                "communication incomplete",
                QT_TRANSLATE_NOOP(
                    "Expertise", "Indiquez à qui, comment et quand le résultat a été communiqué."
                ),
            )
        body = {"recipient": recipient, "means": means, "at": at.isoformat(), "note": note}
        updated = parse_request(self.ws.client.expertise_communication(request.request_id, body))
        self.ws.audit.expertise(
            EventKind.EXPERTISE_URGENT_COMMUNICATION,
            self.ws.identity,
            request.request_id,
            request.order_id,
            request.patient_id,
            self._url,
            description=f"urgent result communicated by {means}",
        )
        return updated
