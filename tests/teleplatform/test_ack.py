"""The platform's ACK text survives a conforming reader: every separator in a French reason is escaped."""

from __future__ import annotations

from datetime import UTC, datetime

from teleplatform.ack import AckCode, HL7Error, Rejection, build_ack
from teleplatform.hl7msg import Envelope
from workstation.hl7.ack import parse_ack


def test_a_reason_with_every_separator_is_read_back_whole() -> None:
    reason = "séparateurs & ~ | ^ \\ fin"
    envelope = Envelope("RIS", "CHVC", "TLRapp", "TLRfacility", "ORM", "O01", "ORM_O01", "C42", "P", "2.5.1")
    rejection = Rejection(AckCode.AE, HL7Error.APPLICATION_ERROR, reason, "test", "ORC^1^16")
    text = build_ack(envelope, AckCode.AE, rejection, datetime(2026, 12, 6, tzinfo=UTC))
    assert "\\T\\" in text and "\ue000" not in text
    ack = parse_ack(text)
    assert ack.code.value == "AE" and ack.control_id == "C42"
    assert ack.reason.split(" ; ")[0] == reason
