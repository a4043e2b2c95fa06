"""The workstation's audit journal: DICOM/ATNA-shaped records in a forward-secure HMAC chain.

See README.md beside this file for how the journal is protected and what its seal proves.
"""

from workstation.audit.journal import (
    AuditJournal,
    ChainHead,
    JournalBusy,
    JournalError,
    JournalStateLost,
    JournalTampered,
    MemoryStateStore,
    Problem,
    ProblemKind,
    Verification,
    default_journal_path,
    read_entries,
    verify_file,
    verify_lines,
)
from workstation.audit.model import AuditRecord, AuditSource, EventKind, Media, Outcome
from workstation.audit.trail import AuditTrail, StudyOrigin

__all__ = [
    "AuditJournal",
    "AuditRecord",
    "AuditSource",
    "AuditTrail",
    "ChainHead",
    "EventKind",
    "JournalBusy",
    "JournalError",
    "JournalStateLost",
    "JournalTampered",
    "Media",
    "MemoryStateStore",
    "Outcome",
    "Problem",
    "ProblemKind",
    "StudyOrigin",
    "Verification",
    "default_journal_path",
    "read_entries",
    "verify_file",
    "verify_lines",
]
