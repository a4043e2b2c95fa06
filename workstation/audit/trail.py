"""What the workstation calls to audit: one method per event kind, building the DICOM-shaped record.

The composition root makes one :class:`AuditTrail` over the journal and subscribes
:meth:`AuditTrail.on_session_event` to the session, so logins, locks, unlocks and logouts are audited
without the session knowing about audit. The other events are recorded where they happen (worklist
client, viewer loading, report signing, outbox). Each method returns the new chain head.

Patient identifiers are passed as the caller has them, ideally in HL7 CX form with their assigning
authority (``INS^^^&1.2.250.1.213.1.4.8&ISO``); names and birth dates never enter the journal.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path

from auth.session import Identity, SessionEvent, SessionEventKind
from workstation.audit.journal import AuditJournal, ChainHead
from workstation.audit.model import (
    SAFETY_DECISIONS,
    AccessPointType,
    AuditRecord,
    AuditSource,
    EventKind,
    Media,
    ObjectKind,
    Outcome,
    Participant,
    ParticipantObject,
    Role,
)


class StudyOrigin(Enum):
    PLATFORM = "platform"
    CACHE = "cache"
    PACS = "pacs"  # a site's PACS over DIMSE (workstation.pacs)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class AuditTrail:
    def __init__(
        self,
        journal: AuditJournal,
        source: AuditSource,
        access_point: str | None = None,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._journal = journal
        self._source = source
        self._access_point = access_point if access_point is not None else socket.gethostname()
        self._now = now

    def close(self) -> None:
        """At exit: the journal's file and lock are released (its writer state is already saved)."""
        self._journal.close()

    def replace_journal(self, journal: AuditJournal) -> None:
        """Go on in a new journal (the old one was set aside as evidence); every holder of this
        trail (outbox, cache, connectivity) follows without being rewired."""
        self._journal = journal

    # --- participants and objects ---

    def _user(self, user: Identity | str) -> Participant:
        login, rpps = (user.login, user.rpps) if isinstance(user, Identity) else (user, "")
        return Participant(login, True, rpps, self._access_point, AccessPointType.MACHINE_NAME)

    @staticmethod
    def _remote(url: str, role: Role) -> Participant:
        return Participant(url, False, access_point=url, access_point_type=AccessPointType.URI, role=role)

    @staticmethod
    def _patient(patient_id: str, control_id: str = "") -> ParticipantObject:
        details = (("MSH-10", control_id),) if control_id else ()
        return ParticipantObject(ObjectKind.PATIENT, patient_id, details)

    def _record(
        self,
        kind: EventKind,
        participants: tuple[Participant, ...],
        objects: tuple[ParticipantObject, ...] = (),
        outcome: Outcome = Outcome.SUCCESS,
        description: str = "",
    ) -> ChainHead:
        record = AuditRecord(kind, self._now(), outcome, self._source, participants, objects, description)
        return self._journal.append(record)

    # --- session ---

    def login(self, user: Identity, how: str = "") -> ChainHead:
        """``how``: empty for a two-factor login on the platform, ``offline_code_checked`` for an
        offline restart on the password and a restart code (auth.session)."""
        return self._record(EventKind.LOGIN, (self._user(user),), description=how)

    def login_failed(self, login: str, reason: str) -> ChainHead:
        """``reason``: the platform's error code (bad_otp...) or "platform unreachable", English."""
        return self._record(EventKind.LOGIN_FAILURE, (self._user(login),), (), Outcome.MINOR_FAILURE, reason)

    def logout(self, user: Identity | str, reason: str = "") -> ChainHead:
        return self._record(EventKind.LOGOUT, (self._user(user),), description=reason)

    def lock(self, user: Identity, reason: str) -> ChainHead:
        return self._record(EventKind.LOCK, (self._user(user),), description=reason)

    def unlock(self, user: Identity, how: str, success: bool = True) -> ChainHead:
        outcome = Outcome.SUCCESS if success else Outcome.MINOR_FAILURE
        return self._record(EventKind.UNLOCK, (self._user(user),), (), outcome, how)

    def on_session_event(self, event: SessionEvent) -> None:
        """A session listener: every transition and failed attempt becomes a record."""
        reason = event.reason.value if event.reason else ""
        who: Identity | str = event.identity or event.login
        match event.kind:
            case SessionEventKind.LOGGED_IN if event.identity:
                self.login(event.identity, reason)
            case SessionEventKind.LOGIN_FAILED:
                self.login_failed(event.login, event.detail or reason)
            case SessionEventKind.LOCKED if event.identity:
                self.lock(event.identity, reason)
            case SessionEventKind.UNLOCKED if event.identity:
                self.unlock(event.identity, reason)
            case SessionEventKind.UNLOCK_FAILED if event.identity:
                self.unlock(event.identity, f"{reason} {event.detail}".strip(), success=False)
            case SessionEventKind.EXPIRED | SessionEventKind.LOGGED_OUT:
                self.logout(who, reason)

    # --- worklist, orders, images ---

    def worklist_query(
        self, user: Identity, platform_url: str, query: str = "", outcome: Outcome = Outcome.SUCCESS
    ) -> ChainHead:
        search = ParticipantObject(ObjectKind.QUERY, "worklist", query=query)
        return self._record(
            EventKind.WORKLIST_QUERY,
            (self._user(user), self._remote(platform_url, Role.SOURCE)),
            (search,),
            outcome,
        )

    def order_viewed(self, user: Identity, order_id: str, patient_id: str) -> ChainHead:
        objects = (self._patient(patient_id), ParticipantObject(ObjectKind.ORDER, order_id))
        return self._record(EventKind.ORDER_VIEWED, (self._user(user),), objects)

    def order_unreadable(self, user: Identity, order_id: str, control_id: str, detail: str) -> ChainHead:
        """An order the platform relayed but the workstation could not read (a « demande illisible »
        row): the Order Record read failed. ``detail``: the English error, segment and field, no value."""
        details = (("MSH-10", control_id),) if control_id else ()
        order = ParticipantObject(ObjectKind.ORDER, order_id, details)
        participants = (self._user(user),)
        return self._record(EventKind.ORDER_VIEWED, participants, (order,), Outcome.MINOR_FAILURE, detail)

    def study_accessed(
        self,
        user: Identity,
        study_uid: str,
        patient_id: str,
        origin: StudyOrigin,
        source_url: str = "",
        outcome: Outcome = Outcome.SUCCESS,
        description: str = "",
    ) -> ChainHead:
        """Images displayed, whether fetched from the platform or a PACS or read from the local
        cache; a failed retrieval is recorded with its outcome and English ``description``."""
        participants = [self._user(user)]
        if source_url:
            participants.append(self._remote(source_url, Role.SOURCE))
        study = ParticipantObject(ObjectKind.STUDY, study_uid, (("origin", origin.value),))
        objects = (self._patient(patient_id), study)
        return self._record(EventKind.STUDY_ACCESSED, tuple(participants), objects, outcome, description)

    def study_query(
        self,
        user: Identity,
        source: str,
        query: str,
        patient_id: str = "",
        outcome: Outcome = Outcome.SUCCESS,
        description: str = "",
    ) -> ChainHead:
        """A search for studies (a PACS's C-FIND: ``source`` ``dicom://AE@host:port``, ``query`` the
        level and keys); the patient searched for is an object of the record."""
        objects = [ParticipantObject(ObjectKind.QUERY, "studies", query=query)]
        if patient_id:
            objects.insert(0, self._patient(patient_id))
        participants = (self._user(user), self._remote(source, Role.SOURCE))
        return self._record(EventKind.STUDY_QUERY, participants, tuple(objects), outcome, description)

    def study_by_application(
        self, kind: EventKind, study_uid: str, patient_id: str, origin: StudyOrigin, description: str
    ) -> ChainHead:
        """A study read or deleted by the workstation itself (cache eviction, a read with no user)."""
        if kind not in (EventKind.STUDY_ACCESSED, EventKind.STUDY_DELETED):
            raise ValueError(f"not a study event: {kind}")
        study = ParticipantObject(ObjectKind.STUDY, study_uid, (("origin", origin.value),))
        return self._record(
            kind, (self._application(),), (self._patient(patient_id), study), Outcome.SUCCESS, description
        )

    def export(
        self, user: Identity, study_uid: str, patient_id: str, media: Media, destination: str
    ) -> ChainHead:
        target = Participant(destination, False, role=Role.DESTINATION_MEDIA, media=media)
        objects = (self._patient(patient_id), ParticipantObject(ObjectKind.STUDY, study_uid))
        return self._record(EventKind.EXPORT, (self._user(user), target), objects)

    # --- reports and messages ---

    def report_signed(
        self, user: Identity, order_id: str, patient_id: str, study_uid: str = "", report_id: str = ""
    ) -> ChainHead:
        objects = [self._patient(patient_id), ParticipantObject(ObjectKind.ORDER, order_id)]
        if study_uid:
            objects.append(ParticipantObject(ObjectKind.STUDY, study_uid))
        if report_id:
            objects.append(ParticipantObject(ObjectKind.REPORT, report_id))
        return self._record(EventKind.REPORT_SIGNED, (self._user(user),), tuple(objects))

    def report_sent(
        self,
        user: Identity,
        order_id: str,
        patient_id: str,
        control_id: str,
        platform_url: str,
        outcome: Outcome = Outcome.SUCCESS,
        description: str = "",
    ) -> ChainHead:
        """``control_id`` is the message's MSH-10 (ParticipantObjectDetail "MSH-10", as IHE ITI does)."""
        return self._message(
            EventKind.REPORT_SENT, user, order_id, patient_id, control_id, platform_url, outcome, description
        )

    def refusal_sent(
        self,
        user: Identity,
        order_id: str,
        patient_id: str,
        control_id: str,
        platform_url: str,
        outcome: Outcome = Outcome.SUCCESS,
        description: str = "",
    ) -> ChainHead:
        return self._message(
            EventKind.REFUSAL_SENT, user, order_id, patient_id, control_id, platform_url, outcome, description
        )

    def _message(
        self,
        kind: EventKind,
        user: Identity,
        order_id: str,
        patient_id: str,
        control_id: str,
        platform_url: str,
        outcome: Outcome,
        description: str,
    ) -> ChainHead:
        participants = (self._user(user), self._remote(platform_url, Role.DESTINATION))
        objects = (self._patient(patient_id, control_id), ParticipantObject(ObjectKind.ORDER, order_id))
        return self._record(kind, participants, objects, outcome, description)

    # --- téléexpertise (issue 20) ---

    def expertise(
        self,
        kind: EventKind,
        user: Identity,
        request_id: str,
        order_id: str,
        patient_id: str,
        platform_url: str,
        outcome: Outcome = Outcome.SUCCESS,
        description: str = "",
        report_id: str = "",
    ) -> ChainHead:
        """A step of a téléexpertise (``kind``: one of the EXPERTISE_* kinds), on both workstations:
        the request is a detail of the order object, the expertise report (when there is one) an object."""
        if not kind.name.startswith("EXPERTISE_"):
            raise ValueError(f"not a téléexpertise event: {kind}")
        participants = (self._user(user), self._remote(platform_url, Role.DESTINATION))
        objects = [
            self._patient(patient_id),
            ParticipantObject(ObjectKind.ORDER, order_id, (("EXPERTISE", request_id),)),
        ]
        if report_id:
            objects.append(ParticipantObject(ObjectKind.REPORT, report_id))
        return self._record(kind, participants, tuple(objects), outcome, description)

    # --- the radiologist's safety decisions (issue 23) ---

    def safety_decision(
        self,
        kind: EventKind,
        user: Identity,
        order_id: str,
        patient_id: str,
        details: tuple[tuple[str, str], ...] = (),
        description: str = "",
        report_id: str = "",
    ) -> ChainHead:
        """One decision of :data:`SAFETY_DECISIONS`: the order carries the ``details`` (the answer's
        MSH-10, codes of what was confirmed or accepted), ``description`` is English, no patient data."""
        if kind not in SAFETY_DECISIONS:
            raise ValueError(f"not a safety decision: {kind}")
        objects = [self._patient(patient_id), ParticipantObject(ObjectKind.ORDER, order_id, details)]
        if report_id:
            objects.append(ParticipantObject(ObjectKind.REPORT, report_id))
        return self._record(kind, (self._user(user),), tuple(objects), Outcome.SUCCESS, description)

    # --- security alerts ---

    def tls_failure(self, url: str, detail: str, user: Identity | None = None) -> ChainHead:
        """A TLS handshake or certificate check failed towards ``url`` (``detail``: the English error)."""
        participants = (self._user(user),) if user else (self._application(),)
        node = ParticipantObject(ObjectKind.NODE, url)
        return self._record(EventKind.TLS_FAILURE, participants, (node,), Outcome.MINOR_FAILURE, detail)

    def chain_broken(self, journal_path: Path, detail: str) -> ChainHead:
        """The audit journal failed its check (``detail``: index and reason, English)."""
        journal = ParticipantObject(ObjectKind.AUDIT_JOURNAL, journal_path.resolve().as_uri())
        return self._record(
            EventKind.CHAIN_BROKEN, (self._application(),), (journal,), Outcome.SERIOUS_FAILURE, detail
        )

    def outbox_loss(self, outbox_path: Path, detail: str) -> ChainHead:
        """The outbox was found damaged or short at start-up (``detail``: what was lost, recovered, set
        aside; MSH-10s and counts only, English)."""
        outbox = ParticipantObject(ObjectKind.NODE, outbox_path.resolve().as_uri())
        return self._record(
            EventKind.OUTBOX_LOSS, (self._application(),), (outbox,), Outcome.SERIOUS_FAILURE, detail
        )

    def _application(self) -> Participant:
        """The workstation itself as the participant, for alerts no user caused."""
        return Participant(
            self._source.source_id,
            False,
            access_point=self._access_point,
            access_point_type=AccessPointType.MACHINE_NAME,
            role=Role.APPLICATION,
        )
