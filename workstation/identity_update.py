"""The qualified identity received after a report signed on a provisional one: the addendum (issue 23).

An unknown emergency patient is read on a provisional identity (no INS, PID-32 PROV or VIDE) and the
report is signed with an explicit mention (:func:`workstation.reading.with_provisional_identity`).
When the site later qualifies the identity, it sends its flux 4 again for the same order and study
with the qualified PID (INS in PID-3, PID-32 QUAL; the ANS guide has no identity-update flow and its
PID follows PAM-FR, whose ADT^A31 names no order: ``teleplatform.workflow``). The worklist then shows
the case again (« Identité qualifiée reçue : addendum à signer ») and signing builds the report's next
version (same set, MDM^T10 replacing the signed document) on the qualified identity, whose addendum
says which provisional identity it replaces by which qualified one; it is queued in the outbox with
its audit record (« identité qualifiée rattachée ») as one unit.

The next version needs the signed report itself, not only its CDA: so a report signed on a
provisional identity is kept at signing, sealed like the outbox's second copies (AES-256-GCM under a
key derived by HKDF from the cache's master key in the OS keyring, with its own label; the file's
name, a hash of the order id, is the associated data), in ``<data>/signed-reports/`` (mode 0700),
until its addendum is queued. It is kept on the workstation that signed it: another workstation
says so instead of building a next version from nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import types
import typing
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar, get_args, get_origin, get_type_hints
from zoneinfo import ZoneInfo

from auth.keystore import KeyStore, SecretName
from hl7v2.order import IdentityUpdate, Order, Patient
from reporting.checks import sign
from reporting.model import Addendum, Professional, Report, new_version
from reporting.order import site_messages
from reporting.pipeline import build_and_wrap
from resources.translations import QT_TRANSLATE_NOOP
from workstation.app import Workstation, patient_id
from workstation.audit.model import EventKind as AuditEventKind
from workstation.cache.crypto import IntegrityError, derive_key, open_sealed, seal
from workstation.outbox import MessageKind, OutboxItem, QueueingFailed, Sender
from workstation.outbox.spool import write_durably
from workstation.reading import (
    NOT_SIGNED,
    NOT_SIGNED_DISK_FULL,
    ReadingError,
    author_of,
    report_control_id,
    routing_for,
)
from workstation.worklist import WorklistRow

log = logging.getLogger(__name__)

MAGIC = b"TLRS\x01"
SUFFIX = ".tlrs"
_INFO = b"teleradiologie signed reports on a provisional identity v1"
_PARIS = ZoneInfo("Europe/Paris")

NO_KEPT_REPORT = QT_TRANSLATE_NOOP(
    "IdentityUpdate",
    "Le compte rendu signé sur l'identité provisoire n'est pas conservé sur ce poste (il l'est sur le poste "
    "qui l'a signé) : l'addendum se signe depuis ce poste-là.",
)
KEPT_REPORT_UNREADABLE = QT_TRANSLATE_NOOP(
    "IdentityUpdate",
    "Le compte rendu signé sur l'identité provisoire ne peut pas être relu sur ce poste (copie chiffrée "
    "altérée ou clé changée) : l'addendum n'a PAS été signé. Prévenez le support.",
)
NOT_DUE = QT_TRANSLATE_NOOP(
    "IdentityUpdate", "Aucune identité qualifiée à rattacher pour cette demande : rien n'a été signé."
)


# --- the signed report as JSON ---------------------------------------------------------------------


def encode(value: Any) -> Any:
    """A report (or any of its parts) as JSON values; :func:`decode` with the type reads it back."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [encode(v) for v in value]
    if value is None or isinstance(value, str | int | float):
        return value
    raise TypeError(f"cannot keep a {type(value).__name__} in a signed report")


def decode(hint: Any, data: Any, typevars: dict[Any, Any] | None = None) -> Any:
    """The value of type ``hint`` that :func:`encode` wrote (ValueError/TypeError when it is not one)."""
    typevars = typevars or {}
    if isinstance(hint, TypeVar):
        hint = typevars[hint]
    origin, args = get_origin(hint), get_args(hint)
    if origin in (types.UnionType, typing.Union):
        if data is None:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return decode(inner, data, typevars)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(decode(args[0], item, typevars) for item in data)
        return tuple(decode(a, item, typevars) for a, item in zip(args, data, strict=True))
    cls = origin if origin is not None and is_dataclass(origin) else hint
    if isinstance(cls, type) and is_dataclass(cls):
        if not isinstance(data, dict):
            raise TypeError(f"{cls.__name__}: an object was expected")
        bound = dict(zip(getattr(cls, "__parameters__", ()), args, strict=False)) if origin else typevars
        hints = get_type_hints(cls)
        return cls(
            **{f.name: decode(hints[f.name], data[f.name], bound) for f in fields(cls) if f.name in data}
        )
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint[data]
    if hint is Decimal:
        return Decimal(data)
    if hint is datetime:
        return datetime.fromisoformat(data)
    if hint is date:
        return date.fromisoformat(data)
    if hint in (str, int, bool, float) and isinstance(data, hint):
        return data
    if hint is float and isinstance(data, int):
        return float(data)
    raise TypeError(f"{hint!r} expected, {type(data).__name__} found")


# --- kept signed reports --------------------------------------------------------------------------


class KeptReportError(Exception):
    """A kept report cannot be written or read (English; no patient data)."""


class SignedReports:
    """The sealed copies of reports signed on a provisional identity, one per order."""

    def __init__(self, directory: Path, key: bytes) -> None:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.name == "posix" and directory.stat().st_mode & 0o077:
            os.chmod(directory, 0o700)
        self.directory = directory
        self._key = key

    @classmethod
    def open(cls, directory: Path, keystore: KeyStore) -> SignedReports:
        master = keystore.load_or_create_key(SecretName.CACHE_KEY)
        try:
            return cls(directory, derive_key(master.view(), _INFO))
        finally:
            master.wipe()

    def path_for(self, order_id: str) -> Path:
        """A name that says nothing of the order (nor of the patient)."""
        return self.directory / (hashlib.sha256(f"order\0{order_id}".encode()).hexdigest()[:40] + SUFFIX)

    @staticmethod
    def _ad(path: Path) -> bytes:
        return b"signed-report\0" + path.stem.encode("ascii")

    def keep(self, order_id: str, report: Report) -> Path:
        path = self.path_for(order_id)
        body = json.dumps({"order_id": order_id, "report": encode(report)}, ensure_ascii=False).encode(
            "utf-8"
        )
        write_durably(path, seal(self._key, body, self._ad(path), MAGIC))
        return path

    def load(self, order_id: str) -> Report | None:
        """The kept report of the order, None when this workstation keeps none; KeptReportError when
        the copy does not authenticate or is not a report of that order."""
        path = self.path_for(order_id)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            data = json.loads(open_sealed(self._key, blob, self._ad(path), MAGIC))
            if data["order_id"] != order_id:
                raise KeptReportError(f"kept report {path.name} is another order's")
            report = decode(Report, data["report"])
        except (OSError, IntegrityError, ValueError, KeyError, TypeError) as exc:
            raise KeptReportError(f"kept report {path.name} unreadable: {type(exc).__name__}: {exc}") from exc
        assert isinstance(report, Report)
        return report

    def discard(self, order_id: str) -> None:
        self.path_for(order_id).unlink(missing_ok=True)


def signed_reports(ws: Workstation) -> SignedReports:
    return SignedReports.open(ws.data_dir / "signed-reports", ws.keystore)


def keep_signed_report(ws: Workstation, order_id: str, signed: Report) -> None:
    """At signing: a report signed on a provisional identity is kept for its addendum. Never raises
    (the report is signed and queued already); a failure is logged and the addendum says so later."""
    if signed.provisional_identity is None:
        return
    try:
        signed_reports(ws).keep(order_id, signed)
    except Exception:
        log.exception("report %s signed on a provisional identity could not be kept", signed.document_id)


# --- the addendum ---------------------------------------------------------------------------------


def addendum_due(order: Order | None) -> IdentityUpdate | None:
    """The qualified identity waiting for its addendum, or None."""
    if order is None or order.cancelled or order.identity_update is None or order.identity_update.linked:
        return None
    return order.identity_update


def _who(patient: Patient) -> str:
    """An identity as the addendum names it: name, first names, birth date, sex, identifiers, status."""
    names = " ".join(patient.birth_first_names) or patient.first_name
    parts = [f"{patient.birth_name.upper()} {names}".strip()]
    if patient.used_name and patient.used_name != patient.birth_name:
        parts[0] += f" (nom utilisé {patient.used_name.upper()})"
    if patient.birth_date is not None:
        parts.append(f"né(e) le {patient.birth_date:%d/%m/%Y}")
    parts.append(f"sexe {patient.sex.value}")
    if patient.ins is not None:
        parts.append(f"INS {patient.ins.matricule}")
    parts += [f"IPP {i.value}" for i in patient.other_ids if i.type_code == "PI"]
    status = patient.identity_status.value if patient.identity_status else "non transmis"
    parts.append(f"statut {status}")
    return ", ".join(parts)


def addendum_text(provisional: Patient, qualified: Patient, signed_at: datetime | None) -> str:
    """What the addendum says (French, written in the report)."""
    when = f" du {signed_at.astimezone(_PARIS):%d/%m/%Y à %H:%M}" if signed_at is not None else ""
    return (
        f"Rattachement d'identité (identitovigilance) : le compte rendu{when}, établi sur l'identité "
        f"provisoire {_who(provisional)}, concerne le patient d'identité qualifiée {_who(qualified)}, "
        "transmise ensuite par le site. Le contenu médical du compte rendu est inchangé."
    )


def identity_addendum(signed: Report, order: Order, author: Professional, now: datetime) -> Report:
    """The next version of ``signed`` on the qualified identity, with the addendum that links them."""
    update = addendum_due(order)
    if update is None:
        raise ValueError("no qualified identity to link")
    request, _ = site_messages(replace(order, patient=update.patient))
    text = addendum_text(order.patient, update.patient, signed.signature_time)
    draft = new_version(signed, addendum=Addendum(text, author, now))
    return replace(draft, patient=request.patient, provisional_identity=None)


def sign_identity_addendum(ws: Workstation, row: WorklistRow, now: datetime | None = None) -> OutboxItem:
    """Sign the addendum of ``row`` and queue it (MDM^T10) with its audit records, as one unit.

    ReadingError (with the French message) when nothing is due, when this workstation does not keep
    the signed report, or when the outbox cannot take it: then nothing is signed.
    """
    order = row.order
    update = addendum_due(order)
    if order is None or update is None:
        raise ReadingError(f"order {row.order_id}: no identity addendum due", NOT_DUE)
    try:
        kept = signed_reports(ws).load(row.order_id)
    except KeptReportError as exc:
        raise ReadingError(str(exc), KEPT_REPORT_UNREADABLE) from exc
    if kept is None:
        raise ReadingError(f"order {row.order_id}: signed report not kept here", NO_KEPT_REPORT)
    now = now or datetime.now().astimezone()
    signed = sign(identity_addendum(kept, order, author_of(ws), now), now)
    control_id = report_control_id(signed)
    request, _ = site_messages(order)
    outputs = build_and_wrap(signed, routing_for(request), control_id=control_id, now=now)
    identity = ws.identity
    provisional_id, study_uid = patient_id(row), row.entry.study_instance_uid or ""
    assert update.patient.ins is not None
    qualified_id = f"{update.patient.ins.matricule}^^^&{update.patient.ins.oid}&ISO"

    def record(_: OutboxItem) -> None:
        ws.audit.report_signed(identity, row.order_id, qualified_id, study_uid, control_id)
        ws.audit.safety_decision(
            AuditEventKind.QUALIFIED_IDENTITY_LINKED,
            identity,
            row.order_id,
            qualified_id,
            (
                ("MSH-10", control_id),
                ("PROVISIONAL", provisional_id),
                ("IDENTITY_UPDATE", update.control_id),
                ("REPLACES", kept.document_id),
            ),
            "qualified identity linked by an addendum to the report signed on a provisional identity",
            report_id=control_id,
        )

    try:
        item = ws.outbox.enqueue(
            outputs.message.er7,
            MessageKind.ADDENDUM,
            order_id=row.order_id,
            study_uid=study_uid,
            patient_id=qualified_id,
            sender=Sender(identity.login, identity.rpps),
            record=record,
        )
    except QueueingFailed as exc:
        message = NOT_SIGNED_DISK_FULL if exc.disk_full else NOT_SIGNED.format(reason=exc.reason)
        raise ReadingError(f"identity addendum {control_id} not signed: {exc}", message) from exc
    signed_reports(ws).discard(row.order_id)
    return item


@dataclass(frozen=True, slots=True)
class AddendumPreview:
    """What the radiologist reads before signing: both identities and the addendum's text."""

    provisional: str
    qualified: str
    text: str


def preview(row: WorklistRow) -> AddendumPreview | None:
    order = row.order
    update = addendum_due(order)
    if order is None or update is None:
        return None
    return AddendumPreview(
        _who(order.patient), _who(update.patient), addendum_text(order.patient, update.patient, None)
    )
