"""The workstation's audit journal: DICOM/ATNA-shaped records in a forward-secure HMAC chain.

Records are appended to a local file (0600), each sealed by an HMAC under a key that evolves per
record and linked to the previous one; keys live in the OS keyring, except the initial one, handed
to the platform once it holds the chain. Records are shipped to the platform, whose acknowledged
chain head is the anchor that reveals a journal truncated or rewritten after shipping. README.md
beside this file says exactly how the journal is protected, what the seal and the anchor prove,
and what they do not.
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
from workstation.audit.shipping import (
    AckStore,
    AuditShipper,
    AuditTransport,
    ChainRefused,
    PlatformAuditTransport,
    ShippingError,
    ShipReport,
)
from workstation.audit.trail import AuditTrail, StudyOrigin

__all__ = [
    "AckStore",
    "AuditJournal",
    "AuditRecord",
    "AuditShipper",
    "AuditSource",
    "AuditTrail",
    "AuditTransport",
    "ChainHead",
    "ChainRefused",
    "EventKind",
    "JournalBusy",
    "JournalError",
    "JournalStateLost",
    "JournalTampered",
    "Media",
    "MemoryStateStore",
    "Outcome",
    "PlatformAuditTransport",
    "Problem",
    "ProblemKind",
    "ShipReport",
    "ShippingError",
    "StudyOrigin",
    "Verification",
    "default_journal_path",
    "read_entries",
    "verify_file",
    "verify_lines",
]
