"""HL7 v2 acknowledgements, as the ANS guides describe them.

MSH swaps the sender and receiver of the acknowledged message, keeps its processing id and version,
and stops at MSH-18 like the guides' ACK examples (no MSH-21). MSA-2 echoes MSH-10; on AE and AR
the French reason goes in MSA-3 and ERR-8, and ERR-3 carries the HL7 table 0357 condition.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING

from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.core import Message

if TYPE_CHECKING:
    from .hl7msg import Envelope

PLATFORM_APPLICATION = "TLRapp"
PLATFORM_FACILITY = "TLRfacility"
_DEFAULT_VERSION = "2.5.1"
_SUBCOMPONENT_MARK = "\ue000"


class AckCode(StrEnum):
    AA = "AA"
    AE = "AE"
    AR = "AR"


class HL7Error(IntEnum):
    """HL7 table 0357 (messageErrorCondition), as listed in the CDA-in-HL7v2 guide."""

    SEGMENT_SEQUENCE = 100
    REQUIRED_FIELD_MISSING = 101
    DATA_TYPE = 102
    TABLE_VALUE_NOT_FOUND = 103
    OTHER = 199
    UNSUPPORTED_MESSAGE_TYPE = 200
    UNSUPPORTED_EVENT = 201
    UNSUPPORTED_VERSION = 203
    APPLICATION_ERROR = 207

    @property
    def label(self) -> str:
        return {
            100: "Segment sequence error",
            101: "Required field missing",
            102: "Data type error",
            103: "Table value not found",
            199: "Other HL7 Error",
            200: "Unsupported message type",
            201: "Unsupported event code",
            203: "Unsupported version",
            207: "Application error",
        }[self.value]


class Rejection(Exception):
    """Why a message is not accepted: the ACK code, the HL7 condition, the French reason for the
    sender and a precise English detail for the log."""

    def __init__(self, code: AckCode, error: HL7Error, reason: str, detail: str, location: str = "") -> None:
        super().__init__(detail)
        self.code = code
        self.error = error
        self.reason = reason
        self.detail = detail
        self.location = location


def build_ack(envelope: Envelope, code: AckCode, rejection: Rejection | None, now: datetime) -> str:
    version = envelope.version if envelope.version in ("2.5", "2.5.1", "2.6") else _DEFAULT_VERSION
    ack = Message("ACK", version=version, validation_level=VALIDATION_LEVEL.TOLERANT)
    msh = ack.msh
    msh.msh_3 = _safe(envelope.receiving_application) or PLATFORM_APPLICATION
    msh.msh_4 = _safe(envelope.receiving_facility) or PLATFORM_FACILITY
    if envelope.sending_application:
        msh.msh_5 = _safe(envelope.sending_application)
    if envelope.sending_facility:
        msh.msh_6 = _safe(envelope.sending_facility)
    msh.msh_7 = now.astimezone(UTC).strftime("%Y%m%d%H%M%S+0000")
    event = _safe(envelope.trigger_event)
    msh.msh_9 = f"ACK^{event}^ACK" if event else "ACK"
    msh.msh_10 = secrets.token_hex(8).upper()
    msh.msh_11 = _safe(envelope.processing_id) or "P"
    msh.msh_12 = version
    msh.msh_17 = "FRA"
    msh.msh_18 = "UNICODE UTF-8"
    ack.msa.msa_1 = code.value
    if envelope.control_id:
        ack.msa.msa_2.st = envelope.control_id
    if rejection is not None:
        # hl7apy escapes | ^ ~ \\ but not the sub-component separator: '&' goes through a private-use
        # character and becomes \\T\\ once the message is written, so a reader keeps the whole reason
        reason = rejection.reason.replace(_SUBCOMPONENT_MARK, "").replace("&", _SUBCOMPONENT_MARK)
        ack.msa.msa_3.st = reason
        err = ack.add_segment("ERR")
        if rejection.location:
            err.err_2 = rejection.location
        err.err_3.cwe_1 = str(rejection.error.value)
        err.err_3.cwe_2 = rejection.error.label
        err.err_3.cwe_3 = "HL70357"
        err.err_4 = "E"
        err.err_8.tx = reason
    return ack.to_er7().replace(_SUBCOMPONENT_MARK, "\\T\\")


def _safe(value: str) -> str:
    """Identifiers copied from the received MSH are plain codes; anything else is dropped."""
    return "".join(ch for ch in value if ch.isalnum() or ch in " -_.:/")[:180]
