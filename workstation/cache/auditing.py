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
from workstation.audit import AuditTrail, EventKind, StudyOrigin


class TrailCacheAuditor:
    def __init__(self, trail: AuditTrail, user: Callable[[], Identity | None]) -> None:
        self._trail = trail
        self._user = user

    def study_read(self, study_uid: str, patient_id: str) -> None:
        user = self._user()
        if user is None:  # a read without a logged-in user is a bug: record it against the application
            self._trail.study_by_application(
                EventKind.STUDY_ACCESSED, study_uid, patient_id, StudyOrigin.CACHE, "cache read without user"
            )
            return
        self._trail.study_accessed(user, study_uid, patient_id, StudyOrigin.CACHE)

    def study_evicted(self, study_uid: str, patient_id: str, reason: str) -> None:
        self._trail.study_by_application(
            EventKind.STUDY_DELETED,
            study_uid,
            patient_id,
            StudyOrigin.CACHE,
            f"cache eviction, study key destroyed: {reason}",
        )
