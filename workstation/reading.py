"""Reading one exam: its images, the identity check, the draft report, signing and sending.

The images come from the encrypted cache when it holds the study (decrypted into RAM, which works
in degraded mode), else over DICOMweb into a private folder of this session (mode 0700); either is
removed when the reading ends, so no patient datum stays on disk in clear. The report draft is
composed by :mod:`reporting` from the site's own messages (order and complement, relayed as sent)
and the images' headers, with the logged-in radiologist as author. Identity vigilance: the order's
identity is compared with the DICOM headers of every series; a mismatch blocks signing until the
radiologist records that the site confirmed it (an incident), or refuses the exam.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path

from reporting.checks import sign
from reporting.draft import Draft, DraftInputs, compose, with_whole_study
from reporting.hl7 import Endpoint, Routing
from reporting.markdown import split_chapters
from reporting.model import (
    RADIOLOGIST,
    STRUCTURE_ROOT,
    Identifier,
    IdentityCheck,
    Incident,
    Organization,
    Professional,
    ProvisionalIdentity,
    Report,
    Source,
    idnat_from_rpps,
)
from reporting.order import SiteMessage, site_messages
from reporting.pipeline import build_and_wrap
from reporting.study import StudyScan, scan_study
from resources.translations import QT_TRANSLATE_NOOP
from workstation.app import Workstation, patient_id
from workstation.audit import StudyOrigin
from workstation.audit.model import EventKind as AuditEventKind
from workstation.cache import CacheError, OpenedStudy
from workstation.outbox import MessageKind, OutboxItem, QueueingFailed, Sender
from workstation.platform.errors import NotFoundError
from workstation.platform.streaming import StudyStream
from workstation.worklist import WorklistRow

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


class ReadingError(Exception):
    def __init__(self, detail: str, user_message: str) -> None:
        super().__init__(detail)
        self.user_message = user_message


@dataclass
class ReadingCase:
    """One exam open for reading; :meth:`close` removes its images from the disk."""

    row: WorklistRow
    folder: Path
    files: list[Path]
    order: SiteMessage
    complement: SiteMessage | None
    scan: StudyScan
    draft: Draft
    release: Callable[[], None]  # removes the images from the disk (or from RAM)
    from_cache: bool = False
    cancel: threading.Event = field(default_factory=threading.Event)
    opened_at: datetime = field(default_factory=lambda: datetime.now().astimezone())
    # incidents already over when the reading began: those after them concern it, whatever the wall
    # clock did meanwhile (issue 22); -1 when unknown
    incidents_before: int = -1
    # the images still arriving in reading order (None: all there when the case opened); the viewer's
    # loader reads it, and signing waits for it to be complete
    stream: StudyStream | None = None
    # the scan the draft was composed on, once signing has read the whole streamed study into ``scan``
    opened_scan: StudyScan | None = None

    @property
    def identity(self) -> IdentityCheck | None:
        return self.draft.report.identity_check

    @property
    def identity_blocked(self) -> bool:
        check = self.identity
        return check is None or not check.verified

    def close(self) -> None:
        self.cancel.set()
        if self.stream is not None:
            self.stream.cancel.set()
        self.release()

    @property
    def images(self) -> list[str] | StudyStream:
        """What the viewer opens: the folder, or the stream while the images arrive."""
        return self.stream if self.stream is not None and not self.stream.complete else [str(self.folder)]


def dicom_patient_id(scan: StudyScan) -> str:
    """PatientID (0010,0020) of the images, the key of the platform's archive for priors."""
    for _, header in scan.items:
        if header is not None and str(header.get("PatientID", "") or ""):
            return str(header.PatientID)
    return ""


def author_of(ws: Workstation) -> Professional:
    """The signed-in radiologist, with the teleradiology organisation the workstation's settings name
    (the CDA's author; the service event shows him at the imaging site)."""
    identity = ws.identity
    settings = ws.settings
    organisation = None
    if settings.organisation_name.strip():
        organisation = Organization(
            Identifier(STRUCTURE_ROOT, settings.organisation_id) if settings.organisation_id else None,
            settings.organisation_name.strip(),
            Source.ACCOUNT,
        )
    return Professional(
        idnat_from_rpps(identity.rpps),
        identity.family,
        identity.given,
        Source.ACCOUNT,
        title=identity.title.upper() or "DR",
        profession=RADIOLOGIST,
        organization=organisation,
        practice_address=settings.practice_address.strip(),
        practice_country=settings.practice_country.strip(),
    )


def open_case(
    ws: Workstation, row: WorklistRow, progress: Progress | None = None, cancel: threading.Event | None = None
) -> ReadingCase:
    """Retrieve the images and compose the draft (blocking: run it in a worker).

    Before the site's flux 4, the study the platform announces in progress (issue 23) opens with the
    images already there: the case's entry then names it and is marked ``acquiring`` (no signature)."""
    if not row.entry.study_instance_uid and row.entry.study_in_progress:
        entry = replace(row.entry, study_instance_uid=row.entry.study_in_progress, acquiring=True)
        row = replace(row, entry=entry)
    study_uid = row.entry.study_instance_uid
    if not study_uid:
        raise ReadingError(
            f"order {row.order_id}: no study yet",
            QT_TRANSLATE_NOOP("Reading", "Les images de cet examen ne sont pas encore disponibles."),
        )
    if row.order is None:  # the worklist could not read it: shown there as « demande illisible »
        raise ReadingError(
            f"order {row.order_id}: unreadable order",
            QT_TRANSLATE_NOOP("Reading", "La demande d'origine est introuvable."),
        )
    order, complement = site_messages(row.order)  # the record the worklist read: not parsed again
    cancel = cancel or threading.Event()
    cached = ws.cache.get(study_uid)
    opened: OpenedStudy | None = None
    if cached is not None and cached.complete:
        try:  # decrypted into RAM, audited by the cache as a read "from the cache"
            opened = ws.cache.open_study(study_uid)
        except CacheError as exc:  # altered or evicted meanwhile: never shown, fetched again
            log.warning("cached study unusable, fetching it again: %s", exc)
    if opened is None and not row.entry.acquiring:  # the site's PACS serves its exams of the day
        opened = _from_pacs(ws, row, order, study_uid, progress, cancel, current=True)
    if opened is not None:
        folder, files = opened.directory, list(opened.paths)
        release: Callable[[], None] = opened.close
    else:
        folder = Path(tempfile.mkdtemp(prefix="lecture-"))
        folder.chmod(0o700)
        release = partial(shutil.rmtree, folder, ignore_errors=True)
    stream: StudyStream | None = None
    try:
        if opened is None:
            try:
                stream = _stream(ws, row, study_uid, folder, progress, cancel)
            except NotFoundError:  # not (or no longer) on the platform: the site's PACS may hold it
                from_pacs = None
                if not row.entry.acquiring:
                    from_pacs = _from_pacs(ws, row, order, study_uid, progress, cancel, current=False)
                if from_pacs is None:
                    raise
                release()
                opened = from_pacs
                folder, files, release = opened.directory, list(opened.paths), opened.close
            else:
                files = stream.paths
                ws.audit.study_accessed(
                    ws.identity, study_uid, patient_id(row), StudyOrigin.PLATFORM, ws.settings.base_url
                )
        scan = scan_study([folder])
        now = datetime.now().astimezone()
        draft = compose(
            DraftInputs(
                order=order,
                author=author_of(ws),
                chapters=split_chapters(""),
                now=now,
                complement=complement,
                scan=scan,
            )
        )
    except BaseException:
        if stream is not None:
            stream.cancel.set()
        release()
        raise
    over = [i for i in ws.connectivity.incidents if i.ended_at is not None]
    return ReadingCase(
        row, folder, files, order, complement, scan, draft, release, opened is not None, cancel,
        incidents_before=len(over), stream=stream,
    )


def _from_pacs(
    ws: Workstation, row: WorklistRow, order: SiteMessage, study_uid: str, progress: Progress | None,
    cancel: threading.Event, *, current: bool,
) -> OpenedStudy | None:
    """The exam retrieved over DIMSE (issue 19) from the PACS that serve the order's site, into the
    encrypted cache, then opened from there; None when none of them could (each failure logged).

    ``current``: only the PACS flagged as serving the site's exams of the day (asked before the
    platform); otherwise the others (asked when the platform does not hold the exam)."""
    if not ws.settings.pacs:
        return None
    from workstation.pacs.cached import clients_for, retrieve_into_cache
    from workstation.pacs.dimse import DimseCancelled, DimseError

    clients = [
        c for c in clients_for(ws.settings, order.sender_application or "", order.sender_facility or "")
        if c.node.current_exams == current
    ]
    for client in clients:
        try:
            return retrieve_into_cache(
                client, ws.cache, ws.audit, ws.identity, study_uid, patient_id(row),
                order_id=row.order_id,
                accession_number=row.entry.accession_number or "",
                order_hl7=tuple(m.hl7 for m in row.entry.messages),
                progress=progress,
                cancel=cancel,
            )
        except DimseCancelled as exc:
            raise ReadingError(
                str(exc), QT_TRANSLATE_NOOP("Reading", "Téléchargement des images annulé.")
            ) from exc
        except (DimseError, CacheError) as exc:  # the next PACS, or the platform
            log.warning("order %s: exam not retrieved from PACS %s: %s", row.order_id, client.address, exc)
    return None


def _stream(
    ws: Workstation, row: WorklistRow, study_uid: str, folder: Path, progress: Progress | None,
    cancel: threading.Event,
) -> StudyStream:
    """Start retrieving the study in reading order (issue 24); returns once the objects without pixels
    and one image of every series are here (what the draft's identity check reads), the rest arriving.
    Each instance is sealed into the encrypted cache as it comes; what an earlier, interrupted opening
    left there is decrypted instead of fetched again."""
    cache = ws.cache
    cached = cache.get(study_uid)
    if cached is not None and cached.instances:  # resumed: the instances already sealed
        try:
            with cache.open_study(study_uid) as partial:
                for path in partial.paths:
                    target = folder / path.parent.name / path.name
                    target.parent.mkdir(mode=0o700, exist_ok=True)
                    shutil.move(path, target)
        except CacheError as exc:  # altered: fetched again from the platform
            log.warning("partly cached study unusable, fetching it whole: %s", exc)
    else:
        cache.begin_study(
            study_uid,
            patient_id=patient_id(row),
            order_id=row.order_id,
            accession_number=row.entry.accession_number or "",
            order_hl7=tuple(m.hl7 for m in row.entry.messages),
        )

    missed: list[str] = []

    def store(series_uid: str, sop_uid: str, data: bytes) -> None:
        try:
            cache.put_instance(study_uid, series_uid, sop_uid, data)
        except (CacheError, sqlite3.Error, OSError) as exc:  # the reading goes on; only offline use is lost
            log.warning("streamed instance not cached: %s", exc)
            missed.append(sop_uid)

    def sealed_all() -> None:
        # complete in the cache only when every instance is sealed in it, and never while the site is
        # still acquiring (issue 23: a study opened before its flux 4 is partial by nature)
        if not missed and not row.entry.acquiring:
            cache.finish_study(study_uid)

    stream = StudyStream(ws.client.dicomweb, study_uid, folder, store=store, cancel=cancel, progress=progress,
                         on_complete=sealed_all)
    stream.start(first=lambda wanted: not wanted.image or wanted.head)
    if stream.error is not None:
        raise stream.error
    return stream


def confirm_identity(report: Report, how: str, now: datetime) -> Report:
    """The radiologist resolved a mismatch with the site: recorded as checked, and as an incident.

    Both texts go into the signed report (a French document whatever the interface language): they
    are not marked for translation."""
    incident = Incident(
        "Discordance d'identité entre la demande et les images, levée après confirmation par le site : "
        + how.strip(),
        Source.USER,
    )
    return replace(
        report,
        identity_check=IdentityCheck(True, Source.USER, now, f"confirmée par le site : {how.strip()}"),
        incidents=(*report.incidents, incident),
    )


def record_identity_override(ws: Workstation, case: ReadingCase) -> None:
    """The mismatch lifted on the site's word is a safety decision of its own (issue 23)."""
    ws.audit.safety_decision(
        AuditEventKind.IDENTITY_OVERRIDE,
        ws.identity,
        case.row.order_id,
        patient_id(case.row),
        (("STUDY", case.row.entry.study_instance_uid or ""),),
        "identity mismatch between order and images lifted after the site's confirmation",
    )


def needs_provisional_identity(report: Report) -> bool:
    """No INS to sign on (an unknown emergency patient, a provisional identity): signing needs the
    radiologist's explicit choice to sign with the mention (issue 23)."""
    patient = report.patient
    return (
        patient is not None
        and (patient.ins is None or not patient.ins.extension)
        and report.provisional_identity is None
    )


def with_provisional_identity(report: Report, now: datetime) -> Report:
    """The report signed on the identity the site sent, said so in the report and audited at signing."""
    status = report.patient.identity_status if report.patient is not None else ""
    return replace(report, provisional_identity=ProvisionalIdentity(status, now))


def record_signed_decisions(ws: Workstation, case: ReadingCase, signed: Report, control_id: str) -> None:
    """What a signed report decides besides itself: the urgent call it states, the unqualified
    identity it was signed on (issue 23)."""
    if signed.provisional_identity is not None:
        ws.audit.safety_decision(
            AuditEventKind.PROVISIONAL_IDENTITY_SIGNED,
            ws.identity,
            case.row.order_id,
            patient_id(case.row),
            (("MSH-10", control_id), ("PID-32", signed.provisional_identity.status or "none")),
            "report signed on an unqualified identity (no INS), with the mention",
            report_id=control_id,
        )
    urgent = signed.urgent_communication
    if urgent is not None:
        ws.audit.safety_decision(
            AuditEventKind.URGENT_COMMUNICATION,
            ws.identity,
            case.row.order_id,
            patient_id(case.row),
            (
                ("MSH-10", control_id),
                ("CALLED_AT", urgent.at.isoformat(timespec="minutes")),
                ("MEANS", urgent.means),
            ),
            "urgent result communicated synchronously to the requester",
            report_id=control_id,
        )
    announced = signed.prognosis_announcement
    if announced is not None:  # the poor prognosis told to the requester per the agreed procedure
        ws.audit.safety_decision(
            AuditEventKind.URGENT_COMMUNICATION,
            ws.identity,
            case.row.order_id,
            patient_id(case.row),
            (
                ("MSH-10", control_id),
                ("ANNOUNCED_AT", announced.at.isoformat(timespec="minutes")),
                ("MEANS", announced.means),
                ("ANNONCE", "Y"),
            ),
            "poor prognosis communicated to the requester per the agreed announcement procedure",
            report_id=control_id,
        )


def with_link_incidents(ws: Workstation, case: ReadingCase, report: Report, now: datetime) -> Report:
    """Degraded-mode periods during the reading are technical incidents the report must state."""
    known = {i.description for i in report.incidents}
    incidents = ws.connectivity.incidents
    during = ws.connectivity.incidents_between(case.opened_at, now)
    if case.incidents_before >= 0:  # by their order too: a clock set back must not hide one
        during += [i for i in incidents[case.incidents_before :] if i not in during]
    found = []
    for incident in sorted(during, key=lambda i: incidents.index(i) if i in incidents else len(incidents)):
        text = incident.as_report_incident()
        if text.description not in known:
            known.add(text.description)
            found.append(text)
    return replace(report, incidents=(*report.incidents, *found)) if found else report


def routing_for(order: SiteMessage) -> Routing:
    """The report goes back to the system that sent the order, from the one that received it."""
    return Routing(
        sender=Endpoint(
            order.receiver_application or "TLR-POSTE", order.receiver_facility or "TLR-PLATEFORME"
        ),
        receiver=Endpoint(order.sender_application or "RIS", order.sender_facility or "STRUCTURE-IMAGERIE"),
    )


def report_control_id(report: Report) -> str:
    """The MSH-10 of one version of a report: 20 upper-case hex digits derived from its document id.

    The platform de-duplicates on MSH-10, so signing the same version again after a failure (disk
    full, journal not written) must reuse it: a fresh one would let a second copy through. A new
    version (correction, addendum) has its own document id, hence its own MSH-10.
    """
    return hashlib.sha256(f"msh-10\0{report.document_id}".encode()).hexdigest()[:20].upper()


NOT_SIGNED_DISK_FULL = QT_TRANSLATE_NOOP(
    "Reading",
    "Le disque du poste est plein : le compte rendu n'a PAS été signé ni mis en file d'envoi. "
    "Le brouillon est conservé ; libérez de l'espace disque (ou prévenez le support) puis signez à nouveau.",
)
NOT_SIGNED = QT_TRANSLATE_NOOP(
    "Reading",
    "Le compte rendu n'a PAS été signé ni mis en file d'envoi : {reason} Le brouillon est conservé ; "
    "signez à nouveau.",
)


IMAGES_STILL_ARRIVING = QT_TRANSLATE_NOOP(
    "Reading",
    "Des images de l'examen sont encore en cours de réception ({done}/{total}) : le compte rendu se signe "
    "sur l'examen complet. Patientez ou rouvrez l'examen pour reprendre le téléchargement.",
)
IDENTITY_IN_LATER_IMAGES = QT_TRANSLATE_NOOP(
    "Reading",
    "Des images reçues après l'ouverture nomment un autre patient que celles vérifiées à l'ouverture : "
    "signature bloquée. Rouvrez l'examen pour contrôler l'identité sur toutes les images.",
)


SIGN_WAITS_FOR_IMAGES_S = 60.0


def complete_study(case: ReadingCase) -> None:
    """A report is signed on the whole study: every streamed image here, their headers naming the
    patients checked when the case opened on part of them, and ``case.scan`` read again from all of
    them (what the key-image object, the presentation states and the report cite). Idempotent."""
    stream = case.stream
    if stream is None or case.opened_scan is not None:
        return
    stream.wait(SIGN_WAITS_FOR_IMAGES_S)  # signing runs in a worker: the last images may be seconds away
    if not stream.complete:
        raise ReadingError(
            f"order {case.row.order_id}: images still arriving ({stream.done_count}/{stream.total})",
            IMAGES_STILL_ARRIVING.format(done=stream.done_count, total=stream.total),
        )
    whole = scan_study([case.folder])
    if set(whole.patients) != set(case.scan.patients):
        raise ReadingError(f"order {case.row.order_id}: later images name other patients",
                           IDENTITY_IN_LATER_IMAGES)
    case.opened_scan, case.scan = case.scan, whole


def sign_and_queue(
    ws: Workstation, case: ReadingCase, report: Report, now: datetime | None = None
) -> OutboxItem:
    """Sign (refused with the list of what is missing), build CDA + HL7, commit to the outbox.

    One unit (issue 22): the queued message, its "report signed" audit record and its MSH-10 are
    durable together, or :class:`ReadingError` says that nothing was signed; signing the same draft
    again then reuses the same MSH-10 (:func:`report_control_id`).
    """
    complete_study(case)
    if case.opened_scan is not None:  # drafted on part of a streamed study: its facts from all images
        report = with_whole_study(report, case.opened_scan, case.scan)
    if case.row.entry.acquiring:
        raise ReadingError(
            f"order {case.row.order_id}: study still being acquired (no flux 4)",
            QT_TRANSLATE_NOOP(
                "Reading",
                "L'examen est en cours d'acquisition : le compte rendu se signe après le complément "
                "post-examen du site (flux 4), sur l'examen complet.",
            ),
        )
    now = now or datetime.now().astimezone()
    report = with_link_incidents(ws, case, report, now)
    signed = sign(report, now)
    control_id = report_control_id(signed)
    outputs = build_and_wrap(signed, routing_for(case.order), control_id=control_id, now=now)
    identity = ws.identity
    study_uid = case.row.entry.study_instance_uid or ""

    def record(_: OutboxItem) -> None:
        ws.audit.report_signed(identity, case.row.order_id, patient_id(case.row), study_uid, control_id)
        record_signed_decisions(ws, case, signed, control_id)

    try:
        item = ws.outbox.enqueue(
            outputs.message.er7,
            MessageKind.REPORT if signed.version == 1 else MessageKind.ADDENDUM,
            order_id=case.row.order_id,
            study_uid=study_uid,
            patient_id=patient_id(case.row),
            sender=Sender(identity.login, identity.rpps),
            record=record,
        )
    except QueueingFailed as exc:
        message = NOT_SIGNED_DISK_FULL if exc.disk_full else NOT_SIGNED.format(reason=exc.reason)
        raise ReadingError(f"report {control_id} not signed: {exc}", message) from exc
    from workstation.identity_update import keep_signed_report  # it builds on this module

    keep_signed_report(ws, case.row.order_id, signed)  # a provisional identity's, for its addendum
    return item
