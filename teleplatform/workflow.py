"""The life of an order, and the worklist built from it.

    a_valider --flux 3 OK--> protocole_envoye --flux 4--> images_disponibles --report--> cr_transmis
        |  \\--flux 3 OC--> refuse  (also from images_disponibles: refused at reading)     (replacement,
        \\--flux 2 (any state but cr_transmis)--> annule          and a flux 4 with the qualified identity,
                                                                     keep it)

The status is derived from the messages received, never set directly. An event that does not fit
the current state is refused with an AE and a French reason, and the order is left untouched.

Beside the status (issue 23, item 1): a radiologist may ask the site for complementary images
(:func:`request_complementary_images`: reason, wanted series, free text) once the protocol is sent;
the order then waits for them until the site's next flux 4 (a new OMI^O23 for the order). And before
the flux 4, the platform announces the study being acquired (:func:`study_in_progress`) when images
of the order's patient that no order claims carry the order's placer number in
(0040,2016) Placer Order Number / Imaging Service Request, which a modality fed by the RIS's worklist
copies into every image: an exact link, never a guess on the patient and date.
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import pydicom
from pydicom.errors import InvalidDicomError

from .ack import AckCode, HL7Error, Rejection
from .cda import InstanceIdentifier
from .clock import iso
from .flows import Acceptance, Cancellation, Complement, Event, NewOrder, Priority, Refusal, Report

log = logging.getLogger(__name__)


class OrderStatus(StrEnum):
    A_VALIDER = "a_valider"
    PROTOCOLE_ENVOYE = "protocole_envoye"
    IMAGES_DISPONIBLES = "images_disponibles"
    CR_TRANSMIS = "cr_transmis"
    REFUSE = "refuse"
    ANNULE = "annule"


_LABELS = {
    OrderStatus.A_VALIDER: "à valider",
    OrderStatus.PROTOCOLE_ENVOYE: "protocole envoyé",
    OrderStatus.IMAGES_DISPONIBLES: "images disponibles",
    OrderStatus.CR_TRANSMIS: "compte rendu transmis",
    OrderStatus.REFUSE: "refusée",
    OrderStatus.ANNULE: "annulée",
}
_CLOSED = (OrderStatus.ANNULE, OrderStatus.REFUSE)


def _state_error(order_id: str, status: OrderStatus, action: str) -> Rejection:
    return Rejection(
        AckCode.AE,
        HL7Error.APPLICATION_ERROR,
        f"{action} impossible : la demande {order_id} est {_LABELS[status]}.",
        f"{action!r} refused in state {status.value}",
        "ORC^1^1",
    )


def _unknown_order(order_id: str) -> Rejection:
    return Rejection(
        AckCode.AE,
        HL7Error.APPLICATION_ERROR,
        f"Demande d'examen inconnue de la plateforme ({order_id}).",
        "unknown order",
        "ORC^1^2",
    )


class Workflow:
    """Applies events inside the caller's transaction (the one that stores the message)."""

    def __init__(self, conn: sqlite3.Connection, message_id: int, now: datetime, sender: str = "") -> None:
        self._conn = conn
        self._message_id = message_id
        self._now = now
        self._sender = sender

    def target_order(self, event: Event) -> str | None:
        """The existing order an event would act on (None for a new order or an unknown one): what
        the sender's scope is checked against before anything is recorded."""
        if isinstance(event, NewOrder):
            return None
        try:
            order_id = self._find_report_order(event) if isinstance(event, Report) else event.order_id
            self._status(order_id)
        except Rejection:
            return None
        return order_id

    def apply(self, event: Event) -> str:
        """Record the event against its order and return the order id, or raise Rejection."""
        match event:
            case NewOrder():
                return self._new_order(event)
            case Cancellation():
                return self._cancel(event)
            case Acceptance() | Refusal():
                return self._answer(event)
            case Complement():
                return self._complement(event)
            case Report():
                return self._report(event)
        raise TypeError(f"unknown event {event!r}")

    def _status(self, order_id: str) -> OrderStatus:
        row = self._conn.execute("SELECT status FROM orders WHERE order_id = ?", (order_id,)).fetchone()
        if row is None:
            raise _unknown_order(order_id)
        return OrderStatus(row["status"])

    def _set(self, order_id: str, status: OrderStatus, event: str, detail: str) -> None:
        self._conn.execute("UPDATE orders SET status = ? WHERE order_id = ?", (status.value, order_id))
        self._history(order_id, event, detail)

    def _history(self, order_id: str, event: str, detail: str) -> None:
        self._conn.execute(
            "INSERT INTO order_history (order_id, at, event, detail, message_id) VALUES (?, ?, ?, ?, ?)",
            (order_id, iso(self._now), event, detail, self._message_id),
        )

    def _new_order(self, event: NewOrder) -> str:
        if self._conn.execute("SELECT 1 FROM orders WHERE order_id = ?", (event.order_id,)).fetchone():
            raise Rejection(
                AckCode.AE,
                HL7Error.APPLICATION_ERROR,
                f"La demande {event.order_id} existe déjà sur la plateforme.",
                "duplicate order id",
                "ORC^1^2",
            )
        seq = self._conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM orders").fetchone()[0]
        self._conn.execute(
            "INSERT INTO orders (order_id, status, priority, received_at, seq, sender)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                event.order_id,
                OrderStatus.A_VALIDER.value,
                event.priority.value,
                iso(self._now),
                seq,
                self._sender,
            ),
        )
        self._conn.executemany(
            "INSERT OR IGNORE INTO order_patients (order_id, patient_id) VALUES (?, ?)",
            [(event.order_id, patient_id) for patient_id in event.patient_ids],
        )
        urgency = "urgente" if event.priority is Priority.URGENT else "normale"
        self._history(
            event.order_id,
            "Demande reçue",
            f"Demande d'examen d'imagerie reçue (priorité {urgency}), à valider.",
        )
        return event.order_id

    def _cancel(self, event: Cancellation) -> str:
        status = self._status(event.order_id)
        if status in (OrderStatus.ANNULE, OrderStatus.CR_TRANSMIS):
            raise _state_error(event.order_id, status, "Annulation")
        detail = f"Motif : {event.reason}" if event.reason else "Annulée par la structure d'imagerie."
        self._set(event.order_id, OrderStatus.ANNULE, "Demande annulée", detail)
        return event.order_id

    def _answer(self, event: Acceptance | Refusal) -> str:
        status = self._status(event.order_id)
        action = "Validation" if isinstance(event, Acceptance) else "Refus"
        # A refusal stays possible once the images are there (images inappropriate or of
        # insufficient quality, seen at reading: charter, issue 6); an acceptance does not.
        allowed = (OrderStatus.A_VALIDER, OrderStatus.PROTOCOLE_ENVOYE)
        if isinstance(event, Refusal):
            allowed += (OrderStatus.IMAGES_DISPONIBLES,)
        if status not in allowed:
            raise _state_error(event.order_id, status, action)
        if isinstance(event, Acceptance):
            plural = "s" if event.protocols > 1 else ""
            self._set(
                event.order_id,
                OrderStatus.PROTOCOLE_ENVOYE,
                "Protocole envoyé",
                f"Demande validée ; {event.protocols} protocole{plural} d'imagerie transmis.",
            )
        else:
            detail = f"Motif : {event.reason}"
            if event.justification:
                detail += f" ({event.justification})"
            self._set(event.order_id, OrderStatus.REFUSE, "Demande refusée", detail)
        return event.order_id

    def _complement(self, event: Complement) -> str:
        status = self._status(event.order_id)
        if status is OrderStatus.CR_TRANSMIS and event.qualified_identity:
            return self._identity_update(event)
        if status in (*_CLOSED, OrderStatus.CR_TRANSMIS):
            raise _state_error(event.order_id, status, "Complément post-examen")
        self._conn.execute(
            "UPDATE orders SET accession_number = ?, study_instance_uid = ? WHERE order_id = ?",
            (event.accession_number, event.study_instance_uid, event.order_id),
        )
        self._set(
            event.order_id,
            OrderStatus.IMAGES_DISPONIBLES,
            "Images disponibles",
            f"Examen réalisé : numéro d'accession {event.accession_number}, "
            f"étude {event.study_instance_uid}.",
        )
        self._complementary_received(event.order_id)
        return event.order_id

    def _identity_update(self, event: Complement) -> str:
        """After the report, a flux 4 carrying the qualified identity (INS, PID-32 QUAL) of a patient
        first sent on a provisional one (issue 23). The guide has no identity-update flow and its PID
        follows PAM-FR; an ADT^A31 would name no order, so the site resends its flux 4 for the order,
        same study, with the qualified PID. The status stays ``cr_transmis``: the radiologist's
        addendum (a replacement MDM^T10) links the two identities; the INS joins the order's patient
        identifiers, so the priors filed under it are this patient's too."""
        row = self._conn.execute(
            "SELECT study_instance_uid FROM orders WHERE order_id = ?", (event.order_id,)
        ).fetchone()
        if row["study_instance_uid"] != event.study_instance_uid:
            raise Rejection(
                AckCode.AE,
                HL7Error.APPLICATION_ERROR,
                f"Mise à jour d'identité refusée : l'étude (IPC-3) n'est pas celle du compte rendu de la"
                f" demande {event.order_id}.",
                "identity update names another study than the reported one",
                "IPC^1^3",
            )
        self._conn.executemany(
            "INSERT OR IGNORE INTO order_patients (order_id, patient_id) VALUES (?, ?)",
            [(event.order_id, patient_id) for patient_id in event.patient_ids],
        )
        self._history(
            event.order_id,
            "Identité qualifiée reçue",
            "Le site a transmis l'identité qualifiée (INS) du patient : addendum au compte rendu attendu.",
        )
        return event.order_id

    def _complementary_received(self, order_id: str) -> None:
        """The site's new flux 4 ends the wait for the complementary images asked before it."""
        pending = self._conn.execute(
            "SELECT request_id FROM complementary_requests WHERE order_id = ? AND received_at IS NULL"
            " ORDER BY requested_at",
            (order_id,),
        ).fetchall()
        if not pending:
            return
        self._conn.execute(
            "UPDATE complementary_requests SET received_at = ? WHERE order_id = ? AND received_at IS NULL",
            (iso(self._now), order_id),
        )
        names = ", ".join(r["request_id"] for r in pending)
        self._history(order_id, "Images complémentaires reçues", f"Complément post-examen reçu ({names}).")

    def _find_report_order(self, event: Report) -> str:
        if event.placer_order_number:
            self._status(event.placer_order_number)  # raises when unknown
            return event.placer_order_number
        doc = event.document
        lookups = (
            ("order_id", doc.placer_order_numbers),
            ("accession_number", doc.accession_numbers),
            ("study_instance_uid", doc.study_instance_uids),
        )
        for column, values in lookups:
            for value in values:
                row = self._conn.execute(
                    f"SELECT order_id FROM orders WHERE {column} = ? ORDER BY seq LIMIT 1", (value,)
                ).fetchone()
                if row is not None:
                    return str(row["order_id"])
        raise Rejection(
            AckCode.AE,
            HL7Error.APPLICATION_ERROR,
            "Demande d'examen introuvable pour ce compte rendu (ORC-2 absent et aucune demande"
            " connue dans inFulfillmentOf ni documentationOf du CDA).",
            "report references no known order",
            "ORC^1^2",
        )

    def _documents(self, order_id: str) -> list[InstanceIdentifier]:
        rows = self._conn.execute(
            "SELECT document_root, document_extension FROM documents WHERE order_id = ? ORDER BY id",
            (order_id,),
        ).fetchall()
        return [InstanceIdentifier(r["document_root"], r["document_extension"]) for r in rows]

    def _report(self, event: Report) -> str:
        order_id = self._find_report_order(event)
        status = self._status(order_id)
        if status in _CLOSED:
            raise _state_error(order_id, status, "Transmission du compte rendu")
        existing = self._documents(order_id)
        doc_id = event.document.document_id
        if doc_id in existing:
            raise Rejection(
                AckCode.AE,
                HL7Error.APPLICATION_ERROR,
                f"Le document {doc_id} a déjà été reçu pour la demande {order_id}.",
                "document id already stored",
                "OBX^1^5",
            )
        if event.replacement:
            if not existing:
                raise Rejection(
                    AckCode.AE,
                    HL7Error.APPLICATION_ERROR,
                    f"Aucun compte rendu à remplacer pour la demande {order_id}.",
                    "replacement without a previous report",
                    "OBX^1^11",
                )
            if event.replaces is not None and event.replaces not in existing:
                raise Rejection(
                    AckCode.AE,
                    HL7Error.APPLICATION_ERROR,
                    f"Le document à remplacer ({event.replaces}) est inconnu pour la demande {order_id}.",
                    "replaced document unknown",
                    "TXA^1^13",
                )
        elif existing:
            raise Rejection(
                AckCode.AE,
                HL7Error.APPLICATION_ERROR,
                f"Un compte rendu a déjà été transmis pour la demande {order_id} : "
                "utilisez un message de remplacement.",
                "second initial report",
                "OBX^1^11",
            )
        replaces = event.replaces or (existing[-1] if event.replacement else None)
        self._conn.execute(
            "INSERT INTO documents (order_id, message_id, document_root, document_extension, replaces_root,"
            " replaces_extension, received_at, cda) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                order_id,
                self._message_id,
                doc_id.root,
                doc_id.extension,
                replaces.root if replaces else None,
                replaces.extension if replaces else None,
                iso(self._now),
                event.document.xml,
            ),
        )
        if event.replacement:
            self._set(
                order_id,
                OrderStatus.CR_TRANSMIS,
                "Compte rendu remplacé",
                f"Nouvelle version {doc_id} remplaçant {replaces}.",
            )
        else:
            self._set(order_id, OrderStatus.CR_TRANSMIS, "Compte rendu transmis", f"Document {doc_id}.")
        return order_id


COMPLEMENTARY_REASONS = {
    "SERIE_MANQUANTE": "Série ou séquence manquante",
    "TEMPS_INJECTE": "Temps injecté nécessaire",
    "COUVERTURE_INCOMPLETE": "Couverture anatomique incomplète",
    "QUALITE_INSUFFISANTE": "Qualité insuffisante (artefacts, mouvement)",
    "RECONSTRUCTION": "Reconstruction supplémentaire",
    "AUTRE": "Autre",
}
"""Why a radiologist asks for more images (local codes: the ANS guide has no such flow)."""

_COMPLEMENTARY_STATES = (OrderStatus.PROTOCOLE_ENVOYE, OrderStatus.IMAGES_DISPONIBLES)
MAX_WANTED_SERIES = 20


class RequestRefused(Exception):
    """A complementary-image request the platform does not take: HTTP status, code, French message."""

    def __init__(self, status: int, code: str, message: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.status, self.code, self.message, self.detail = status, code, message, detail or code


def _complementary_body(body: Any) -> tuple[str, list[str], str]:
    if not isinstance(body, dict):
        raise RequestRefused(400, "bad_request", "Corps JSON attendu.")
    reason, series, text = body.get("reason_code"), body.get("series"), body.get("text", "")
    if reason not in COMPLEMENTARY_REASONS:
        raise RequestRefused(
            400, "bad_reason", f"Motif inconnu ; motifs possibles : {', '.join(COMPLEMENTARY_REASONS)}."
        )
    if (
        not isinstance(series, list)
        or not 1 <= len(series) <= MAX_WANTED_SERIES
        or not all(isinstance(x, str) and x.strip() and len(x) <= 200 for x in series)
    ):
        raise RequestRefused(
            400,
            "bad_series",
            f"Indiquez de 1 à {MAX_WANTED_SERIES} séries ou séquences souhaitées (200 caractères au plus).",
        )
    if not isinstance(text, str) or len(text) > 2000:
        raise RequestRefused(400, "bad_text", "Précisions : 2 000 caractères au plus.")
    if reason == "AUTRE" and not text.strip():
        raise RequestRefused(400, "bad_text", "Le motif « Autre » demande une précision.")
    return str(reason), [x.strip() for x in series], text.strip()


def request_complementary_images(
    conn: sqlite3.Connection,
    order_id: str,
    body: Any,
    login: str,
    requester: str,
    senders: frozenset[str],
    now: datetime,
) -> dict[str, Any]:
    """Record a radiologist's request for complementary images on an order of its sites and put it in
    the order's history (which the site's worklist shows); raises :class:`RequestRefused`."""
    reason, series, text = _complementary_body(body)
    row = conn.execute("SELECT status, sender FROM orders WHERE order_id = ?", (order_id,)).fetchone()
    if row is None or row["sender"] not in senders:
        raise RequestRefused(
            403,
            "order_not_allowed",
            "Cette demande d'examen n'est pas attribuée à votre compte.",
            f"complementary images on an {'order out of scope' if row else 'unknown order'}",
        )
    status = OrderStatus(row["status"])
    if status not in _COMPLEMENTARY_STATES:
        raise RequestRefused(
            409,
            "bad_state",
            f"Images complémentaires impossibles : la demande {order_id} est {_LABELS[status]}.",
        )
    request_id = f"IMG-{secrets.token_hex(4).upper()}"
    conn.execute(
        "INSERT INTO complementary_requests (request_id, order_id, requested_at, login, requester,"
        " reason_code, series_json, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (request_id, order_id, iso(now), login, requester, reason, json.dumps(series), text),
    )
    detail = f"Demande {request_id} par {requester} : {COMPLEMENTARY_REASONS[reason]} ; séries souhaitées : "
    detail += " ; ".join(series) + "."
    if text:
        detail += f" Précisions : {text}"
    conn.execute(
        "INSERT INTO order_history (order_id, at, event, detail, message_id) VALUES (?, ?, ?, ?, NULL)",
        (order_id, iso(now), "Images complémentaires demandées", detail),
    )
    log.info("complementary images %s requested on order %s by %s", request_id, order_id, login)
    return _complementary_json(
        {
            "request_id": request_id,
            "order_id": order_id,
            "requested_at": iso(now),
            "login": login,
            "requester": requester,
            "reason_code": reason,
            "series_json": json.dumps(series),
            "text": text,
            "received_at": None,
        }
    )


def _complementary_json(row: Any) -> dict[str, Any]:
    return {
        "request_id": row["request_id"],
        "requested_at": row["requested_at"],
        "requester": row["requester"],
        "login": row["login"],
        "reason_code": row["reason_code"],
        "reason": COMPLEMENTARY_REASONS.get(row["reason_code"], row["reason_code"]),
        "series": json.loads(row["series_json"]),
        "text": row["text"],
        "received_at": row["received_at"],
    }


PLACER_ORDER_NUMBER = 0x00402016  # Placer Order Number / Imaging Service Request
REQUEST_ATTRIBUTES = 0x00400275  # Request Attributes Sequence


def study_in_progress(
    conn: sqlite3.Connection, dicom_root: Path | None, order_id: str
) -> dict[str, Any] | None:
    """The study being acquired for an order that has no flux 4 yet, or None (see the module
    docstring: images of the order's patient, claimed by no order, naming the order in (0040,2016))."""
    if dicom_root is None:
        return None
    candidates = conn.execute(
        "SELECT study_uid, MIN(path) AS path, COUNT(*) AS instances, COUNT(DISTINCT series_uid) AS series"
        " FROM instances WHERE patient_id IN (SELECT patient_id FROM order_patients WHERE order_id = ?)"
        " AND study_uid NOT IN (SELECT study_instance_uid FROM orders WHERE study_instance_uid IS NOT NULL)"
        " GROUP BY study_uid ORDER BY study_uid",
        (order_id,),
    ).fetchall()
    for row in candidates:
        try:
            ds = pydicom.dcmread(
                dicom_root / row["path"],
                stop_before_pixels=True,
                specific_tags=[PLACER_ORDER_NUMBER, REQUEST_ATTRIBUTES],
            )
        except (OSError, InvalidDicomError, ValueError) as exc:
            log.warning("study in progress: %s unreadable: %s", row["path"], exc)
            continue
        # top level, or in the General Series module's Request Attributes Sequence (PS3.3 C.7.3.1)
        holders = [ds, *(ds.get(REQUEST_ATTRIBUTES).value if REQUEST_ATTRIBUTES in ds else [])]
        placers = {
            str(h[PLACER_ORDER_NUMBER].value or "").split("^")[0].strip()
            for h in holders
            if PLACER_ORDER_NUMBER in h
        }
        if order_id in placers:
            return {
                "study_instance_uid": row["study_uid"],
                "series": row["series"],
                "instances": row["instances"],
            }
    return None


def worklist(
    conn: sqlite3.Connection, senders: frozenset[str] | None = None, dicom_root: Path | None = None
) -> list[dict[str, Any]]:
    """The orders of these senders (every order for None) with their relayed messages and history,
    in order of arrival; with ``dicom_root``, the study in progress of an accepted order that has no
    flux 4 yet."""
    if senders is None:
        orders = conn.execute("SELECT * FROM orders ORDER BY seq").fetchall()
    else:
        marks = ", ".join("?" * len(senders))
        orders = conn.execute(
            f"SELECT * FROM orders WHERE sender IN ({marks}) ORDER BY seq", sorted(senders)
        ).fetchall()
    wanted = {o["order_id"] for o in orders}
    messages: dict[str, list[dict[str, Any]]] = {}
    for row in conn.execute(
        "SELECT order_id, message_type, control_id, received_at, text FROM messages"
        " WHERE order_id IS NOT NULL AND ack_code = 'AA' ORDER BY id"
    ):
        if row["order_id"] not in wanted:
            continue
        messages.setdefault(row["order_id"], []).append(
            {
                "type": row["message_type"],
                "control_id": row["control_id"],
                "received_at": row["received_at"],
                "hl7": row["text"],
            }
        )
    history: dict[str, list[dict[str, str]]] = {}
    for row in conn.execute("SELECT order_id, at, event, detail FROM order_history ORDER BY id"):
        if row["order_id"] not in wanted:
            continue
        history.setdefault(row["order_id"], []).append(
            {"at": row["at"], "event": row["event"], "detail": row["detail"]}
        )
    complementary: dict[str, list[dict[str, Any]]] = {}
    for row in conn.execute("SELECT * FROM complementary_requests ORDER BY requested_at, request_id"):
        if row["order_id"] in wanted:
            complementary.setdefault(row["order_id"], []).append(_complementary_json(row))
    return [
        {
            "order_id": o["order_id"],
            "status": o["status"],
            "priority": o["priority"],
            "received_at": o["received_at"],
            "study_instance_uid": o["study_instance_uid"],
            "accession_number": o["accession_number"],
            "messages": messages.get(o["order_id"], []),
            "history": history.get(o["order_id"], []),
            "complementary_requests": complementary.get(o["order_id"], []),
            "awaiting_images": any(r["received_at"] is None for r in complementary.get(o["order_id"], [])),
            "study_in_progress": (
                study_in_progress(conn, dicom_root, o["order_id"])
                if o["study_instance_uid"] is None and o["status"] == OrderStatus.PROTOCOLE_ENVOYE.value
                else None
            ),
        }
        for o in orders
    ]
