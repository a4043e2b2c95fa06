"""Téléexpertise: a radiologist asks a remote expert (named, or a group with a specialty) for an
opinion on a case, and the expert answers with a signed expertise report or says why it cannot.

The ANS teleradiology guide has no téléexpertise flow, so the request and the "impossible" answer
are JSON operations of the platform's API (docs/ARCHITECTURE.md, "Téléexpertise"). The expert's
signed report is a CDA R2 document (LOINC 85208-7 « CR de télémédecine », JDV_J07) carried in an
MDM^T02 as the ANS CDA-in-HL7v2 guide carries any CDA: it goes through the workstation's durable
outbox like every report, to ``POST /api/v1/messages``, where :func:`is_expertise_report` routes it
here instead of to the orders' intake, and it gets an HL7 ACK (de-duplicated on MSH-10 per account).

Scope, as for orders: a radiologist asks only about an order it can see (403 ``order_not_allowed``
otherwise) and attaches only studies it can see of that order's patient; a request is visible to its
requester, its named expert or the members of its specialty group, and to the admin (supervision);
anyone else gets 404, as for an order of another site. Only the expert answers (403
``not_the_expert``). While a request waits for its answer, its attached studies (and only those)
become readable by the expert over DICOMweb (:func:`expert_studies_condition`).
Every step is traced in ``expertise_events`` and in the order's history.
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lxml import etree

from .ack import AckCode, HL7Error, Rejection, build_ack
from .auth import Role, User
from .cda import CDA_NS, CdaError, decode_cda
from .clock import Clock, iso, parse_iso
from .hl7msg import (
    EMPTY_ENVELOPE,
    component,
    decode,
    field,
    first_segment,
    normalise,
    parse,
    read_envelope,
    segments,
)
from .store import Store

log = logging.getLogger(__name__)

EXPERTISE_DOCUMENT_CODE = "85208-7"
"""LOINC « CR de télémédecine » (CI-SIS JDV_J07_XdsTypeCode): the expertise report's own type."""

OPEN = "demandee"
ANSWERED = "repondue"
IMPOSSIBLE = "impossible"
STATUSES = (OPEN, ANSWERED, IMPOSSIBLE)
URGENCIES = ("urgent", "routine")
IMPOSSIBLE_REASONS = {
    "IMAGES_INSUFFISANTES": "Qualité ou couverture des images insuffisante",
    "ANTERIORITES_MANQUANTES": "Examens antérieurs nécessaires non disponibles",
    "IDENTITE_INCERTAINE": "Identité du patient incertaine",
    "INFORMATIONS_CLINIQUES_INSUFFISANTES": "Informations cliniques insuffisantes",
    "HORS_COMPETENCE": "Hors du champ de compétence de l'expert",
    "AUTRE": "Autre motif",
}
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
"""Already checked by decode_cda with the same settings; parsed again only to read the code."""
MAX_TEXT = 8000
MAX_STUDIES = 20


class ExpertiseError(Exception):
    """A refusal of the API: status, code, French message; ``traced`` ones are 403 (access_refusals)."""

    def __init__(self, status: int, code: str, message: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail or code


def _not_found() -> ExpertiseError:
    return ExpertiseError(404, "not_found", "Demande d'avis inconnue.", "expertise request not visible")


def _not_the_expert() -> ExpertiseError:
    return ExpertiseError(
        403,
        "not_the_expert",
        "Seul l'expert sollicité peut répondre à cette demande d'avis.",
        "answer from an account that is not the request's expert",
    )


def _bad(message: str, detail: str, code: str = "bad_request") -> ExpertiseError:
    return ExpertiseError(400, code, message, detail)


def _text(body: dict[str, Any], name: str, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = body.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _bad(f"Le champ {name} doit être un texte.", f"{name} is not a string")
    value = value.strip()
    if required and not value:
        raise _bad(f"Champ requis : {name}.", f"{name} empty")
    if len(value) > limit:
        raise _bad(f"Le champ {name} dépasse {limit} caractères.", f"{name} too long")
    return value


@dataclass(frozen=True, slots=True)
class ReportReceipt:
    ack: str
    code: AckCode
    duplicate: bool


def is_expertise_report(raw: bytes) -> bool:
    """Does this HL7 message carry an expertise report (MDM with TXA-2 = 85208-7)? Read on the raw
    text, before any parsing: cheap, and a wrong guess only sends the message to the other intake."""
    head = raw[:4096]
    if not head.startswith(b"MSH") or b"MDM" not in head.split(b"\r", 1)[0].split(b"\n", 1)[0]:
        return False
    for line in raw.replace(b"\r\n", b"\r").replace(b"\n", b"\r").split(b"\r"):
        if line.startswith(b"TXA") and len(line) > 4:
            fields = line.split(line[3:4])
            return len(fields) > 2 and fields[2].split(b"^", 1)[0] == EXPERTISE_DOCUMENT_CODE.encode()
    return False


def expert_studies_condition(user: User | None) -> tuple[str, list[Any]]:
    """SQL on ``instances``: the studies attached to the open requests this user is the expert of."""
    if user is None or user.role is not Role.RADIOLOGIST:
        return "0", []
    specialties = sorted(user.specialties)
    groups = ""
    if specialties:
        groups = f" OR (r.specialty IN ({', '.join('?' * len(specialties))}) AND r.requester <> ?)"
    return (
        "study_uid IN (SELECT s.study_uid FROM expertise_studies s JOIN expertise_requests r"
        f" ON r.request_id = s.request_id WHERE r.status = '{OPEN}' AND (r.expert = ?{groups}))",
        [user.login, *specialties, *([user.login] if specialties else [])],
    )


def _person(conn: sqlite3.Connection, login: str | None) -> dict[str, str] | None:
    if not login:
        return None
    row = conn.execute(
        "SELECT login, rpps, family, given, title FROM users WHERE login = ?", (login,)
    ).fetchone()
    if row is None:
        return {"login": login, "rpps": "", "family": "", "given": "", "title": ""}
    return {k: row[k] for k in ("login", "rpps", "family", "given", "title")}


def _display(person: dict[str, str] | None) -> str:
    if not person:
        return ""
    return (
        " ".join(p for p in (person["title"], person["given"], person["family"].upper()) if p)
        or person["login"]
    )


class ExpertiseService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    # -- visibility ----------------------------------------------------------------------------

    @staticmethod
    def _visible(row: sqlite3.Row, user: User) -> bool:
        if user.role is Role.ADMIN:
            return True
        if user.role is not Role.RADIOLOGIST:
            return False
        return user.login in (row["requester"], row["expert"]) or (
            row["specialty"] is not None and row["specialty"] in user.specialties
        )

    @staticmethod
    def _is_expert(row: sqlite3.Row, user: User) -> bool:
        if user.role is not Role.RADIOLOGIST or user.login == row["requester"]:
            return False
        return row["expert"] == user.login or (
            row["specialty"] is not None and row["specialty"] in user.specialties
        )

    def _row(self, conn: sqlite3.Connection, request_id: str, user: User) -> sqlite3.Row:
        row = conn.execute("SELECT * FROM expertise_requests WHERE request_id = ?", (request_id,)).fetchone()
        if row is None or not self._visible(row, user):
            raise _not_found()
        return row

    # -- reading -------------------------------------------------------------------------------

    def experts(self, user: User) -> dict[str, Any]:
        """The radiologists one may ask (every enabled radiologist but oneself) and the specialties."""
        with self._store.reading() as conn:
            rows = conn.execute(
                "SELECT login FROM users WHERE role = 'radiologist' AND disabled = 0 AND login <> ?"
                " ORDER BY family, given, login",
                (user.login,),
            ).fetchall()
            specialties: dict[str, list[str]] = {}
            for r in conn.execute("SELECT login, specialty FROM expert_groups ORDER BY specialty, login"):
                specialties.setdefault(r["login"], []).append(r["specialty"])
            experts = [
                {**(_person(conn, r["login"]) or {}), "specialties": specialties.get(r["login"], [])}
                for r in rows
            ]
        groups = sorted({s for e in experts for s in e["specialties"]})
        return {"experts": experts, "specialties": groups}

    def list(self, user: User) -> list[dict[str, Any]]:
        with self._store.reading() as conn:
            rows = conn.execute("SELECT * FROM expertise_requests ORDER BY created_at, request_id").fetchall()
            return [self._json(conn, r, user) for r in rows if self._visible(r, user)]

    def get(self, request_id: str, user: User) -> dict[str, Any]:
        with self._store.reading() as conn:
            return self._json(conn, self._row(conn, request_id, user), user)

    def _json(self, conn: sqlite3.Connection, row: sqlite3.Row, user: User) -> dict[str, Any]:
        rid = row["request_id"]
        studies = [
            r["study_uid"]
            for r in conn.execute(
                "SELECT study_uid FROM expertise_studies WHERE request_id = ? ORDER BY position", (rid,)
            )
        ]
        events = [
            {"at": r["at"], "event": r["event"], "detail": r["detail"], "by": r["login"]}
            for r in conn.execute(
                "SELECT at, event, detail, login FROM expertise_events WHERE request_id = ? ORDER BY id",
                (rid,),
            )
        ]
        communications = [
            json.loads(r["detail_json"])
            for r in conn.execute(
                "SELECT detail_json FROM expertise_events WHERE request_id = ? AND detail_json IS NOT NULL"
                " ORDER BY id",
                (rid,),
            )
        ]
        order_hl7 = [
            r["text"]
            for r in conn.execute(
                "SELECT m.text FROM messages m JOIN orders o ON o.order_id = m.order_id"
                " WHERE m.order_id = ? AND m.ack_code = 'AA' AND m.sender = o.sender ORDER BY m.id",
                (row["order_id"],),
            )
            if r["text"]
        ]
        order = conn.execute(
            "SELECT accession_number, study_instance_uid FROM orders WHERE order_id = ?", (row["order_id"],)
        ).fetchone()
        report = None
        if row["cda"] is not None:
            report = {
                "document_id": row["document_id"],
                "cda": bytes(row["cda"]).decode("utf-8"),
                "control_id": row["control_id"],
            }
        if user.login == row["requester"]:
            role = "requester"
        elif self._is_expert(row, user):
            role = "expert"
        else:
            role = "observer"
        return {
            "request_id": rid,
            "order_id": row["order_id"],
            "accession_number": order["accession_number"] if order else None,
            "order_study_instance_uid": order["study_instance_uid"] if order else None,
            "status": row["status"],
            "urgency": row["urgency"],
            "question": row["question"],
            "clinical": row["clinical"],
            "consent": json.loads(row["consent_json"]),
            "requester": _person(conn, row["requester"]),
            "expert": _person(conn, row["expert"]),
            "specialty": row["specialty"],
            "studies": studies,
            "created_at": row["created_at"],
            "answered_at": row["answered_at"],
            "answered_by": _person(conn, row["answered_by"]),
            "reason_code": row["reason_code"],
            "reason": row["reason"],
            "report": report,
            "communications": communications,
            "history": events,
            "order_hl7": order_hl7,
            "role": role,
        }

    # -- asking --------------------------------------------------------------------------------

    def create(self, body: dict[str, Any], user: User) -> dict[str, Any]:
        """A new request; ExpertiseError (400/403) when it cannot be made."""
        order_id = _text(body, "order_id", limit=200)
        question = _text(body, "question")
        clinical = _text(body, "clinical", required=False)
        urgency = _text(body, "urgency", limit=20)
        if urgency not in URGENCIES:
            raise _bad("Urgence attendue : urgent ou routine.", f"urgency {urgency!r}")
        expert = body.get("expert") or None
        specialty = body.get("specialty") or None
        if (expert is None) == (specialty is None) or not all(
            isinstance(v, str) for v in (expert, specialty) if v is not None
        ):
            raise _bad(
                "Choisissez soit un expert nommé, soit un groupe de spécialité.", "expert xor specialty"
            )
        consent = body.get("consent")
        if (
            not isinstance(consent, dict)
            or consent.get("informed") is not True
            or consent.get("consented") is not True
        ):
            raise _bad(
                "La téléexpertise exige que le patient ait été informé et ait consenti"
                " (code de la santé publique, art. R. 6316-2) : cochez les deux cases.",
                "consent not recorded",
                "consent_required",
            )
        how = _text(consent, "how", required=False, limit=500)
        studies = body.get("studies")
        if (
            not isinstance(studies, list)
            or not studies
            or len(studies) > MAX_STUDIES
            or not all(isinstance(s, str) and s and len(s) <= 64 for s in studies)
            or len(set(studies)) != len(studies)
        ):
            raise _bad(
                f"Joignez de 1 à {MAX_STUDIES} examens (UID d'étude), sans doublon.", "bad studies list"
            )
        now = self._clock.now()
        with self._store.transaction() as conn:
            order = conn.execute("SELECT * FROM orders WHERE order_id = ?", (order_id,)).fetchone()
            if order is None or order["sender"] not in user.senders:
                raise ExpertiseError(
                    403,
                    "order_not_allowed",
                    "Cette demande d'examen ne relève pas des structures attribuées à ce compte.",
                    "expertise asked on an order outside the account's scope",
                )
            self._check_studies(conn, order, studies, user)
            if expert is not None:
                target = conn.execute(
                    "SELECT login FROM users WHERE login = ? AND role = 'radiologist' AND disabled = 0",
                    (expert,),
                ).fetchone()
                if target is None or expert == user.login:
                    raise _bad("Expert inconnu de la plateforme.", "unknown expert", "unknown_expert")
            else:
                members = conn.execute(
                    "SELECT COUNT(*) FROM expert_groups g JOIN users u ON u.login = g.login"
                    " WHERE g.specialty = ? AND u.disabled = 0 AND g.login <> ?",
                    (specialty, user.login),
                ).fetchone()[0]
                if not members:
                    raise _bad(
                        "Aucun expert disponible dans ce groupe de spécialité.",
                        "empty specialty group",
                        "unknown_expert",
                    )
            request_id = "EXP-" + secrets.token_hex(6).upper()
            consent_record = {
                "informed": True,
                "consented": True,
                "how": how,
                "recorded_by": user.login,
                "recorded_at": iso(now),
            }
            conn.execute(
                "INSERT INTO expertise_requests (request_id, order_id, requester, expert, specialty, urgency,"
                " question, clinical, consent_json, status, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    request_id,
                    order_id,
                    user.login,
                    expert,
                    specialty,
                    urgency,
                    question,
                    clinical,
                    json.dumps(consent_record, ensure_ascii=False),
                    OPEN,
                    iso(now),
                ),
            )
            conn.executemany(
                "INSERT INTO expertise_studies (request_id, study_uid, position) VALUES (?, ?, ?)",
                [(request_id, uid, n) for n, uid in enumerate(studies)],
            )
            target_text = _display(_person(conn, expert)) if expert else f"groupe « {specialty} »"
            detail = (
                f"Demande {request_id} à {target_text}"
                f"{' (urgente)' if urgency == 'urgent' else ''} ; patient informé et consentant ;"
                f" {len(studies)} examen(s) joint(s)."
            )
            self._event(conn, request_id, order_id, user.login, "Téléexpertise demandée", detail)
        log.info("expertise request %s created by %s", request_id, user.login)
        return self.get(request_id, user)

    @staticmethod
    def _check_studies(
        conn: sqlite3.Connection, order: sqlite3.Row, studies: Iterable[str], user: User
    ) -> None:
        """Each study is the order's own or one of its patient's (the priors), and the asker sees it."""
        patients = [
            r["patient_id"]
            for r in conn.execute(
                "SELECT patient_id FROM order_patients WHERE order_id = ?", (order["order_id"],)
            )
        ]
        for uid in studies:
            if uid == order["study_instance_uid"]:
                continue
            if patients:
                marks = ", ".join("?" * len(patients))
                found = conn.execute(
                    f"SELECT 1 FROM instances WHERE study_uid = ? AND patient_id IN ({marks}) LIMIT 1",
                    (uid, *patients),
                ).fetchone()
                if found is not None:
                    continue
            raise _bad(
                "Un examen joint n'appartient pas à ce patient ou n'est pas sur la plateforme.",
                "study not of the order's patient",
                "bad_study",
            )

    # -- answering -----------------------------------------------------------------------------

    def impossible(self, request_id: str, body: dict[str, Any], user: User) -> dict[str, Any]:
        code = _text(body, "reason_code", limit=60)
        if code not in IMPOSSIBLE_REASONS:
            raise _bad("Motif inconnu.", f"reason code {code!r}", "bad_reason")
        reason = _text(body, "reason")
        now = self._clock.now()
        with self._store.transaction() as conn:
            row = self._row(conn, request_id, user)
            if not self._is_expert(row, user):
                raise _not_the_expert()
            self._check_open(row)
            conn.execute(
                "UPDATE expertise_requests SET status = ?, answered_at = ?, answered_by = ?, reason_code = ?,"
                " reason = ? WHERE request_id = ?",
                (IMPOSSIBLE, iso(now), user.login, code, reason, request_id),
            )
            self._event(
                conn,
                request_id,
                row["order_id"],
                user.login,
                "Téléexpertise impossible",
                f"Demande {request_id} : {IMPOSSIBLE_REASONS[code]}"
                f" (par {_display(_person(conn, user.login))}).",
            )
        log.info("expertise request %s answered impossible (%s) by %s", request_id, code, user.login)
        return self.get(request_id, user)

    def communication(self, request_id: str, body: dict[str, Any], user: User) -> dict[str, Any]:
        """An urgent result communicated synchronously (phone...) by the expert: who, when, how."""
        recipient = _text(body, "recipient", limit=300)
        means = _text(body, "means", limit=100)
        note = _text(body, "note", required=False, limit=2000)
        at_text = _text(body, "at", limit=40)
        try:
            at = parse_iso(at_text)
        except ValueError as exc:
            raise _bad("Heure de la communication invalide (ISO 8601 attendu).", "bad at") from exc
        if at.tzinfo is None:
            raise _bad("Heure de la communication sans fuseau horaire.", "naive at")
        with self._store.transaction() as conn:
            row = self._row(conn, request_id, user)
            if not self._is_expert(row, user):
                raise _not_the_expert()
            record = {"at": iso(at), "recipient": recipient, "means": means, "note": note, "by": user.login}
            self._event(
                conn,
                request_id,
                row["order_id"],
                user.login,
                "Résultat urgent communiqué",
                f"Demande {request_id} : communiqué à {recipient} ({means}) à {iso(at)}.",
                record,
            )
        return self.get(request_id, user)

    @staticmethod
    def _check_open(row: sqlite3.Row) -> None:
        if row["status"] != OPEN:
            raise ExpertiseError(
                409,
                "already_answered",
                "Cette demande d'avis a déjà reçu sa réponse.",
                f"request in state {row['status']}",
            )

    def receive_report(self, raw: bytes, charset: str | None, user: User) -> ReportReceipt:
        """The expert's signed report (MDM^T02, CDA 85208-7 in OBX-5): stored, the request answered.
        ExpertiseError(403) when the account is not the request's expert (nothing stored)."""
        if user.role is not Role.RADIOLOGIST:
            raise ExpertiseError(
                403,
                "message_not_allowed",
                "Seul un radiologue expert envoie un avis d'expertise.",
                f"{user.role.value} account sent an expertise report",
            )
        now = self._clock.now()
        envelope = EMPTY_ENVELOPE
        try:
            normalised = normalise(decode(raw, charset))
            envelope = read_envelope(normalised)
            message = parse(normalised, envelope)
            orc = first_segment(message, "ORC")
            request_id = component(field(orc, 2), 1)
            if not request_id:
                raise Rejection(
                    AckCode.AE,
                    HL7Error.REQUIRED_FIELD_MISSING,
                    "Identifiant de la demande d'avis absent (ORC-2).",
                    "ORC-2 empty",
                    "ORC^1^2",
                )
            obx = next((s for s in segments(message, "OBX") if component(field(s, 2), 1) == "ED"), None)
            value = field(obx, 5)
            if obx is None or component(value, 4).lower() != "base64":
                raise Rejection(
                    AckCode.AE,
                    HL7Error.REQUIRED_FIELD_MISSING,
                    "Document CDA absent : un OBX de type ED en Base64 est requis.",
                    "no ED OBX",
                    "OBX^1^5",
                )
            try:
                document = decode_cda(component(value, 5))
            except CdaError as exc:
                raise Rejection(AckCode.AE, HL7Error.DATA_TYPE, exc.reason, exc.detail, "OBX^1^5") from exc
            code = etree.fromstring(document.xml, _SAFE_XML).find(f"{{{CDA_NS}}}code")
            if code is None or code.get("code") != EXPERTISE_DOCUMENT_CODE:
                raise Rejection(
                    AckCode.AE,
                    HL7Error.APPLICATION_ERROR,
                    "Le document n'est pas un compte rendu de téléexpertise"
                    f" (code {EXPERTISE_DOCUMENT_CODE}).",
                    "CDA code is not 85208-7",
                    "OBX^1^5",
                )
            rejection = None
        except Rejection as exc:
            rejection, request_id, document = exc, "", None
        except Exception as exc:  # a parser bug must become an AR, never a crash
            log.exception("unexpected error while reading an expertise report")
            rejection, request_id, document = (
                Rejection(
                    AckCode.AR,
                    HL7Error.OTHER,
                    "Message illisible par la plateforme.",
                    f"unexpected {type(exc).__name__}",
                ),
                "",
                None,
            )
        with self._store.transaction() as conn:
            previous = conn.execute(
                "SELECT ack FROM expertise_requests WHERE control_id = ? AND answered_by = ?",
                (envelope.control_id, user.login),
            ).fetchone()
            if previous is not None and envelope.control_id:
                return ReportReceipt(previous["ack"], AckCode.AA, True)
            if rejection is None and document is not None:
                row = conn.execute(
                    "SELECT * FROM expertise_requests WHERE request_id = ?", (request_id,)
                ).fetchone()
                if row is None or not self._visible(row, user):
                    raise ExpertiseError(
                        403,
                        "order_not_allowed",
                        "Cette demande d'avis n'est pas adressée à ce compte.",
                        "expertise report for a request the account cannot see",
                    )
                if not self._is_expert(row, user):
                    raise _not_the_expert()
                if row["status"] != OPEN:
                    rejection = Rejection(
                        AckCode.AE,
                        HL7Error.APPLICATION_ERROR,
                        "Cette demande d'avis a déjà reçu sa réponse.",
                        f"request {row['status']}",
                        "ORC^1^2",
                    )
            code_value = AckCode.AA if rejection is None else rejection.code
            ack = build_ack(envelope, code_value, rejection, now)
            if rejection is None and document is not None:
                conn.execute(
                    "UPDATE expertise_requests SET status = ?, answered_at = ?, answered_by = ?, cda = ?,"
                    " document_id = ?, control_id = ?, ack = ? WHERE request_id = ?",
                    (
                        ANSWERED,
                        iso(now),
                        user.login,
                        document.xml,
                        str(document.document_id),
                        envelope.control_id,
                        ack,
                        request_id,
                    ),
                )
                self._event(
                    conn,
                    request_id,
                    row["order_id"],
                    user.login,
                    "Avis d'expert reçu",
                    f"Demande {request_id} : compte rendu de téléexpertise signé par"
                    f" {_display(_person(conn, user.login))} (document {document.document_id}).",
                )
        if rejection is None:
            log.info("expertise report for %s accepted from %s", request_id, user.login)
        else:
            log.warning("expertise report from %s refused: %s", user.login, rejection.detail)
        return ReportReceipt(ack, code_value, False)

    # -- trace ---------------------------------------------------------------------------------

    def _event(
        self,
        conn: sqlite3.Connection,
        request_id: str,
        order_id: str,
        login: str,
        event: str,
        detail: str,
        record: dict[str, Any] | None = None,
    ) -> None:
        """One step, in the request's trace and in the order's history (no patient datum in either)."""
        now = iso(self._clock.now())
        conn.execute(
            "INSERT INTO expertise_events (request_id, at, login, event, detail, detail_json)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                request_id,
                now,
                login,
                event,
                detail,
                json.dumps(record, ensure_ascii=False) if record else None,
            ),
        )
        conn.execute(
            "INSERT INTO order_history (order_id, at, event, detail, message_id) VALUES (?, ?, ?, ?, NULL)",
            (order_id, now, event, detail),
        )
