"""The cache's audit records, through the workstation's :class:`~workstation.audit.AuditTrail`.

A read from the cache is a STUDY_ACCESSED record with origin ``cache`` (DICOM "DICOM Instances
Accessed"), by the logged-in user. An eviction is done by the workstation itself, with no user: the
journal has no deletion event kind yet (DICOM 110105 "DICOM Study Deleted", action D, is the right
one), so until ``EventKind.STUDY_DELETED`` exists it is recorded as an access by the application
whose description says the study key was destroyed.
"""

from __future__ import annotations

from collections.abc import Callable

from auth.session import Identity
from workstation.audit import AuditTrail, EventKind, Outcome, StudyOrigin
from workstation.audit.model import ObjectKind, ParticipantObject


class TrailCacheAuditor:
    def __init__(self, trail: AuditTrail, user: Callable[[], Identity | None]) -> None:
        self._trail = trail
        self._user = user

    def study_read(self, study_uid: str, patient_id: str) -> None:
        user = self._user()
        if user is None:  # a read without a logged-in user is a bug: record it against the application
            self._application_record(
                EventKind.STUDY_ACCESSED, study_uid, patient_id, "cache read without user"
            )
            return
        self._trail.study_accessed(user, study_uid, patient_id, StudyOrigin.CACHE)

    def study_evicted(self, study_uid: str, patient_id: str, reason: str) -> None:
        kind = getattr(EventKind, "STUDY_DELETED", EventKind.STUDY_ACCESSED)
        self._application_record(
            kind, study_uid, patient_id, f"cache eviction, study key destroyed: {reason}"
        )

    def _application_record(self, kind: EventKind, study_uid: str, patient_id: str, description: str) -> None:
        objects = (
            ParticipantObject(ObjectKind.PATIENT, patient_id),
            ParticipantObject(ObjectKind.STUDY, study_uid, (("origin", StudyOrigin.CACHE.value),)),
        )
        self._trail._record(  # the trail's own builder, with the application as participant
            kind, (self._trail._application(),), objects, Outcome.SUCCESS, description
        )
