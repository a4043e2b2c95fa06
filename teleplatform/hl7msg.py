"""Reading HL7 v2 messages with hl7apy, tolerantly.

The sites' messages come with "\\r", "\\n" or "\\r\\n" between segments (the ANS examples use all
three), carry segments pre-adopted from later versions (PRT from v2.9 in the CDA-in-HL7v2 guide)
and placeholder values, so hl7apy runs with tolerant validation and its grouping drops what it
cannot place; rules that matter are checked explicitly in flows.py. The raw text is always kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.core import Element, Message, Segment
from hl7apy.exceptions import HL7apyException
from hl7apy.parser import get_message_info, parse_message, parse_segment

from .ack import AckCode, HL7Error, Rejection

SEGMENT_SEPARATOR = "\r"
SUPPORTED_VERSIONS = ("2.5", "2.5.1", "2.6")
_PARSE_VERSION_FALLBACK = "2.5"


def decode(raw: bytes, charset: str | None) -> str:
    """Bytes to text: the declared charset (UTF-8 by default), or ISO 8859-15 when MSH-18 says so."""
    try:
        return raw.decode(charset or "utf-8")
    except (UnicodeDecodeError, LookupError):
        pass
    if b"8859/15" in raw[:300]:
        return raw.decode("iso8859_15")
    raise Rejection(
        AckCode.AR,
        HL7Error.OTHER,
        "Encodage de caractères illisible (UTF-8 attendu).",
        "body is not valid UTF-8 and MSH-18 does not declare 8859/15",
    )


def normalise(text: str) -> str:
    """One segment separator, "\\r", as HL7 v2 defines it; surrounding blank space removed."""
    return text.replace("\r\n", "\r").replace("\n", "\r").strip().lstrip("\ufeff")


@dataclass(frozen=True, slots=True)
class Envelope:
    """What the MSH segment says: enough to acknowledge and to de-duplicate any message."""

    sending_application: str
    sending_facility: str
    receiving_application: str
    receiving_facility: str
    message_code: str
    trigger_event: str
    structure: str
    control_id: str
    processing_id: str
    version: str

    @property
    def message_type(self) -> str:
        return f"{self.message_code}^{self.trigger_event}" if self.trigger_event else self.message_code

    @property
    def sender(self) -> str:
        """De-duplication scope of MSH-10: a control id is unique per sending application."""
        return f"{self.sending_application}@{self.sending_facility}"


EMPTY_ENVELOPE = Envelope("", "", "", "", "", "", "", "", "P", "")


def read_envelope(text: str) -> Envelope:
    """Parse the MSH segment alone; raises Rejection(AR) when there is no usable MSH."""
    if not text.startswith("MSH"):
        raise Rejection(
            AckCode.AR,
            HL7Error.SEGMENT_SEQUENCE,
            "Message illisible : il ne commence pas par un segment MSH.",
            "message does not start with MSH",
        )
    try:
        _encoding, _structure, version = get_message_info(text)
        parse_version = version if version in SUPPORTED_VERSIONS else _PARSE_VERSION_FALLBACK
        msh = parse_segment(
            text.split(SEGMENT_SEPARATOR, 1)[0],
            version=parse_version,
            validation_level=VALIDATION_LEVEL.TOLERANT,
        )
    except (HL7apyException, ValueError, IndexError) as exc:
        raise Rejection(
            AckCode.AR,
            HL7Error.OTHER,
            "Message illisible : segment MSH invalide.",
            f"MSH cannot be parsed: {exc}",
        ) from exc
    return Envelope(
        sending_application=component(field(msh, 3), 1),
        sending_facility=component(field(msh, 4), 1),
        receiving_application=component(field(msh, 5), 1),
        receiving_facility=component(field(msh, 6), 1),
        message_code=component(field(msh, 9), 1),
        trigger_event=component(field(msh, 9), 2),
        structure=component(field(msh, 9), 3),
        control_id=text_of(field(msh, 10)),
        processing_id=component(field(msh, 11), 1) or "P",
        version=component(field(msh, 12), 1),
    )


def parse(text: str, envelope: Envelope) -> Message:
    if envelope.version not in SUPPORTED_VERSIONS:
        raise Rejection(
            AckCode.AE,
            HL7Error.UNSUPPORTED_VERSION,
            f"Version HL7 non prise en charge ({envelope.version or 'absente'}) :"
            f" {', '.join(SUPPORTED_VERSIONS)} attendue.",
            f"unsupported MSH-12 {envelope.version!r}",
            location="MSH^1^12",
        )
    try:
        return parse_message(text, validation_level=VALIDATION_LEVEL.TOLERANT, find_groups=True)
    except (HL7apyException, ValueError, IndexError, KeyError) as exc:
        raise Rejection(
            AckCode.AR,
            HL7Error.OTHER,
            "Message illisible : structure HL7 invalide.",
            f"hl7apy cannot parse the message: {type(exc).__name__}: {exc}",
        ) from exc


def segments(element: Element, name: str) -> Iterator[Segment]:
    """Segments of that name in message order, wherever grouping placed them."""
    for child in element.children:
        if child.classname == "Segment":
            if child.name == name:
                yield child
        else:
            yield from segments(child, name)


def first_segment(message: Message, name: str) -> Segment | None:
    return next(segments(message, name), None)


def field(segment: Segment | None, index: int) -> Element | None:
    """First repetition of field `index`, or None when absent."""
    if segment is None:
        return None
    wanted = f"{segment.name}_{index}"
    for child in segment.children:
        if child.name == wanted:
            return child
    return None


def repetitions(segment: Segment | None, index: int) -> list[Element]:
    """Every repetition of field `index`, in order."""
    if segment is None:
        return []
    wanted = f"{segment.name}_{index}"
    return [child for child in segment.children if child.name == wanted]


def component(element: Element | None, index: int) -> str:
    """Text of component `index` (1-based) of a field, or of sub-component `index` of a component."""
    if element is None:
        return ""
    children = list(element.children)
    if not children:
        return text_of(element) if index == 1 else ""
    for child in children:
        # Components are named TYPE_n; a primitive field holds one child named after its type.
        head, _, tail = child.name.rpartition("_")
        position = int(tail) if head and tail.isdigit() else 1
        if position == index:
            return text_of(child)
    return ""


def text_of(element: Element | None) -> str:
    if element is None:
        return ""
    try:
        return (element.to_er7() or "").strip()
    except HL7apyException:
        return ""


def unescape(message: Message, text: str) -> str:
    """Human text of a field: the escape sequences of HL7 v2 (\\F\\ \\S\\ \\T\\ \\R\\ \\E\\, \\.br\\,
    \\Xhh\\) resolved with the message's own encoding characters. hl7apy escapes when it builds,
    but has no reverse operation."""
    chars = message.encoding_chars
    escape = chars["ESCAPE"]
    plain = {
        "F": chars["FIELD"],
        "S": chars["COMPONENT"],
        "T": chars["SUBCOMPONENT"],
        "R": chars["REPETITION"],
        "E": escape,
        ".br": "\n",
    }

    def resolve(found: re.Match[str]) -> str:
        code = found.group(1)
        if code[0] == "X":
            try:
                return bytes.fromhex(code[1:]).decode("utf-8")
            except ValueError:
                return found.group(0)
        return plain[code]

    pattern = f"{re.escape(escape)}(F|S|T|R|E|\\.br|X[0-9A-Fa-f]{{2,}}){re.escape(escape)}"
    return re.sub(pattern, resolve, text)
