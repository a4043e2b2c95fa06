"""HL7 v2 for the teleradiology flows: tolerant parsing, ACKs, and the flux 3 answers we send."""

from workstation.hl7.ack import Ack, AckCode, parse_ack
from workstation.hl7.actors import Organization, Practitioner
from workstation.hl7.flux3 import RefusalReason, build_acceptance, build_refusal, new_control_id
from workstation.hl7.message import Coded, Hl7Message, HL7ParseError, Segment, escape, parse, unescape

__all__ = [
    "Ack",
    "AckCode",
    "Coded",
    "HL7ParseError",
    "Hl7Message",
    "Organization",
    "Practitioner",
    "RefusalReason",
    "Segment",
    "build_acceptance",
    "build_refusal",
    "escape",
    "new_control_id",
    "parse",
    "parse_ack",
    "unescape",
]
