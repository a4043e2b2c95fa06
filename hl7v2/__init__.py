"""HL7 v2 as the teleradiology flows carry it: one fast, total reader and one order record.

Shared by the workstation (worklist, order view, justification, flux 3 answers, ACKs) and the report
(``reporting`` takes the :class:`~hl7v2.order.Order` as data), hence a package of its own: it imports
nothing of ours but ``resources`` (for the French texts), and never Qt. See docs/ARCHITECTURE.md.

* :mod:`hl7v2.escape`: the §2.7 escape sequences, read and written;
* :mod:`hl7v2.message`: the reader (:func:`parse`) and its only error, :class:`HL7ParseError`;
* :mod:`hl7v2.actors`: practitioners and organisations (XCN, XON);
* :mod:`hl7v2.order`: the order record and :func:`parse_order`.
"""

from hl7v2.actors import Organization, Practitioner
from hl7v2.escape import escape, escape_text, unescape
from hl7v2.message import Coded, Hl7Message, HL7ParseError, ParseWarning, Segment, parse
from hl7v2.order import Order, parse_order

__all__ = [
    "Coded",
    "HL7ParseError",
    "Hl7Message",
    "Order",
    "Organization",
    "ParseWarning",
    "Practitioner",
    "Segment",
    "escape",
    "escape_text",
    "parse",
    "parse_order",
    "unescape",
]
