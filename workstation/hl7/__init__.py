"""HL7 v2 for the teleradiology flows: ACKs and the flux 3 answers we send, on the shared reader.

Reading (:func:`parse`, the escapes, the order record) is :mod:`hl7v2`'s, re-exported here for the
workstation's modules.
"""

from hl7v2.actors import Organization, Practitioner
from hl7v2.escape import escape, unescape
from hl7v2.message import Coded, Hl7Message, HL7ParseError, Segment, parse
from workstation.hl7.ack import Ack, AckCode, parse_ack
from workstation.hl7.flux3 import RefusalReason, build_acceptance, build_refusal, new_control_id

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
