"""A fast, total reader of HL7 v2 messages (ER7), for everything the workstation reads.

The sites' messages reach the workstation as the platform relays them, written by many RIS with
small deviations from the guide, and a worklist re-reads hundreds of them. The reader therefore:

* splits the message itself (``str.split`` on the message's own delimiters, MSH-1/MSH-2): an order
  of a dozen segments reads in a fraction of a millisecond, where hl7apy's parser took 30 ms and
  python-hl7 3 ms, and no third-party exception can escape;
* decodes every escape sequence once, in the message's character set (MSH-18), into a plain read
  model (:class:`Hl7Message` / :class:`Segment`), so nothing downstream sees ``\\X..\\`` or ``\\.br\\``;
* reads any version from 2.3 on: field positions do not change between versions, and what a version
  lacks is simply absent (the order reader warns about what the guide requires);
* refuses, before splitting anything, a message over :data:`MAX_MESSAGE_CHARS` characters or
  :data:`MAX_SEGMENTS` segments;
* raises only :class:`HL7ParseError`, which names the segment and field, never a value (values may be
  patient data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hl7v2.escape import CHARSETS, STANDARD, Delimiters, codec, escape, unescape

# An order's messages are a few kilobytes; a report message carries a base64 CDA of a few hundred
# kilobytes (a few megabytes with an embedded PDF). Beyond these, a message is refused unread.
MAX_MESSAGE_CHARS = 16 * 1024 * 1024
MAX_SEGMENTS = 2_000

_Rep = tuple[tuple[str, ...], ...]
_SEGMENT_NAME = re.compile(r"[A-Z][A-Z0-9]{2}")
_CODE = re.compile(r"[A-Z0-9]{2,3}")
_VERSION = re.compile(r"2\.\d+(?:\.\d+)*")


class HL7ParseError(ValueError):
    """A message we cannot use, with where it went wrong: the only error the HL7 readers raise.

    ``segment`` and ``field`` locate the problem the way an integrator reads it (``ORC-2``);
    ``detail`` is the precise English explanation for the log and ``user_message`` the French
    sentence for the radiologist. Neither ever contains a field value: values may be patient data.
    """

    def __init__(
        self, segment: str, field: int | None, detail: str, user_detail: str, *, internal: bool = False
    ) -> None:
        self.segment = segment
        self.internal = internal  # a defect of the reader rather than of the message
        # which message, when known (set by the order reader): MSH-10 and MSH-3/MSH-4, never patient data
        self.control_id = ""
        self.sender = ""
        self.field = field
        self.detail = detail
        self.location = f"{segment}-{field}" if field is not None else segment
        self.user_message = f"Message HL7 inutilisable ({self.location}) : {user_detail}"
        super().__init__(f"HL7 {self.location}: {detail}")


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Something read but not rendered exactly (a dropped formatting command...): where and what."""

    location: str  # "OBR-13"
    detail: str  # English, no value


@dataclass(frozen=True, slots=True)
class Coded:
    """A coded value (HL7 CE/CWE): the wire form of every closed vocabulary of the guide."""

    code: str
    label: str = ""
    system: str = ""

    def __bool__(self) -> bool:
        return bool(self.code or self.label)


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment, already unescaped. ``position`` is its 1-based rank in the message."""

    name: str
    position: int
    fields: tuple[tuple[_Rep, ...], ...] = field(repr=False)

    def repetitions(self, number: int) -> int:
        return len(self.fields[number - 1]) if 0 < number <= len(self.fields) else 0

    def get(self, number: int, component: int = 1, sub: int = 1, rep: int = 0) -> str:
        """The text at ``SEG-number.component.sub`` (repetition ``rep``), '' when absent."""
        if min(number, component, sub) < 1 or rep < 0:
            return ""
        try:
            return self.fields[number - 1][rep][component - 1][sub - 1]
        except IndexError:
            return ""

    def coded(self, number: int, rep: int = 0, first: int = 1) -> Coded:
        """A CE/CWE read from components first..first+2 (code, label, coding system)."""
        return Coded(
            self.get(number, first, rep=rep),
            self.get(number, first + 1, rep=rep),
            self.get(number, first + 2, rep=rep),
        )

    def texts(self, number: int, component: int = 1) -> list[str]:
        """The non-empty values of every repetition of a field (e.g. the lines of NTE-3)."""
        return [t for r in range(self.repetitions(number)) if (t := self.get(number, component, rep=r))]

    def to_er7(self) -> str:
        """The segment re-encoded from the read model (standard delimiters), to copy it into a
        message we build; :func:`hl7v2.escape.escape` is the exact inverse of the read."""
        if self.name == "MSH":
            raise ValueError("MSH is built, never copied")
        fields = [
            "~".join("^".join("&".join(escape(s) for s in comp) for comp in rep) for rep in reps)
            for reps in self.fields
        ]
        return "|".join([self.name, *fields])

    def require(self, number: int, component: int = 1, *, what: str, quoi: str) -> str:
        value = self.get(number, component)
        if not value.strip():
            where = f"{self.name}-{number}" + (f".{component}" if component > 1 else "")
            raise HL7ParseError(self.name, number, f"{where} ({what}) is empty", f"{quoi} absent(e)")
        return value.strip()


@dataclass(frozen=True, slots=True)
class Hl7Message:
    """A parsed message: its type, its control id, and its segments in order."""

    message_type: str  # MSH-9.1^MSH-9.2, e.g. "ORM^O01"
    structure: str  # MSH-9.3, else code_event, e.g. "ORM_O01"
    control_id: str  # MSH-10
    version: str  # MSH-12.1
    segments: tuple[Segment, ...] = field(repr=False)
    text: str = field(repr=False)  # the message as received, separators normalised to \r
    charset: str = ""  # MSH-18 as sent
    warnings: tuple[ParseWarning, ...] = field(default=(), repr=False)

    @property
    def msh(self) -> Segment:
        return self.segments[0]

    @property
    def sender(self) -> str:
        """MSH-3.1/MSH-4.1, the sending application and facility (never patient data)."""
        return "/".join(p for p in (self.msh.get(3), self.msh.get(4)) if p)

    def all(self, name: str) -> list[Segment]:
        return [s for s in self.segments if s.name == name]

    def first(self, name: str) -> Segment | None:
        return next((s for s in self.segments if s.name == name), None)

    def one(self, name: str, quoi: str) -> Segment:
        found = self.first(name)
        if found is None:
            raise HL7ParseError(
                name, None, f"segment {name} missing from {self.message_type}", f"segment {quoi} absent"
            )
        return found


def normalise(text: str) -> str:
    """One message with \\r separators, whatever the sender used (\\r, \\n, \\r\\n), no MLLP frame."""
    text = text.strip("\x0b\x1c\r\n \t\ufeff")
    return text.replace("\r\n", "\r").replace("\n", "\r")


def _msh18(first_line: str, separator: str, component: str, repetition: str) -> str:
    parts = first_line.split(separator)
    raw = parts[17] if len(parts) > 17 else ""
    return raw.split(repetition)[0].split(component)[0].strip()


def header(text: str) -> tuple[str, str]:
    """MSH-10 and MSH-3/MSH-4 of a message read leniently, to say which message was unusable even
    when the message itself cannot be parsed; ('', '') when not even that can be found."""
    if not isinstance(text, str) or not text.lstrip("\x0b\ufeff\r\n \t").startswith("MSH"):
        return "", ""
    first = normalise(text[:4096]).split("\r", 1)[0]
    if len(first) < 8:
        return "", ""
    parts = first.split(first[3])
    component = first[4]

    def part(n: int) -> str:
        return parts[n].split(component)[0].strip()[:40] if len(parts) > n else ""

    sender = "/".join(p for p in (part(2), part(3)) if p)
    return part(9), sender


def decode(data: bytes) -> str:
    """The text of a message received as bytes, in the character set its MSH-18 names."""
    if len(data) > MAX_MESSAGE_CHARS * 4:
        raise _too_big()
    head = data.lstrip(b"\x0b\xef\xbb\xbf\r\n \t")[:4096]
    first = re.split(rb"[\r\n]", head, maxsplit=1)[0]
    charset = ""
    if first.startswith(b"MSH") and len(first) > 8:
        sep = chr(first[3])
        text_head = first.decode("iso8859-1")
        charset = _msh18(text_head, sep, text_head[4], text_head[5])
    encoding = codec(charset)
    try:
        return data.decode(encoding).lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise HL7ParseError(
            "MSH",
            18,
            f"bytes are not in the declared character set {encoding}",
            "caractères illisibles dans le jeu de caractères déclaré",
        ) from exc


def _too_big() -> HL7ParseError:
    return HL7ParseError(
        "MSH",
        None,
        f"message larger than {MAX_MESSAGE_CHARS} characters or {MAX_SEGMENTS} segments, refused unread",
        "message trop volumineux, refusé sans être lu",
    )


def _delimiters(text: str) -> Delimiters:
    if len(text) < 8:
        raise HL7ParseError("MSH", 2, "MSH segment too short", "segment MSH incomplet")
    sep = text[3]
    encoding_chars = text[4:].split(sep, 1)[0]
    if len(encoding_chars) not in (4, 5):  # 5: v2.7 adds the truncation character
        raise HL7ParseError(
            "MSH", 2, "MSH-2 is not 4 or 5 encoding characters", "caractères de codage invalides"
        )
    chars = sep + encoding_chars[:4]
    if len(set(chars)) != 5 or any(c.isalnum() or c in "\r\n " for c in chars):
        raise HL7ParseError(
            "MSH", 2, "encoding characters are not distinct punctuation", "caractères de codage invalides"
        )
    return Delimiters(sep, encoding_chars[0], encoding_chars[1], encoding_chars[2], encoding_chars[3])


class _Splitter:
    """Splits the lines of one message into the read model, collecting the decoding warnings."""

    def __init__(self, delimiters: Delimiters, encoding: str) -> None:
        self.d = delimiters
        self.encoding = encoding
        self.warnings: list[ParseWarning] = []
        self.specials = (
            delimiters.repetition,
            delimiters.component,
            delimiters.subcomponent,
            delimiters.escape,
        )

    def leaf(self, text: str, where: str) -> str:
        if self.d.escape in text:

            def warn(detail: str) -> None:
                self.warnings.append(ParseWarning(where, detail))

            return unescape(text, self.d, self.encoding, warn)
        return "" if text == '""' else text  # "" is HL7's explicit null

    def field(self, raw: str, where: str) -> tuple[_Rep, ...]:
        if not raw:
            return ()
        d = self.d
        if not any(c in raw for c in self.specials):
            return ((("" if raw == '""' else raw,),),)
        return tuple(self.repetition(rep, where) for rep in raw.split(d.repetition))

    def repetition(self, raw: str, where: str) -> _Rep:
        """Components of one repetition; trailing empty components and sub-components are dropped
        (``a^^`` reads as ``a``), so a copied segment compares equal to its source."""
        comps = [
            _trimmed([self.leaf(sub, where) for sub in comp.split(self.d.subcomponent)])
            for comp in raw.split(self.d.component)
        ]
        while len(comps) > 1 and comps[-1] == ("",):
            comps.pop()
        return tuple(comps)

    def segment(self, line: str, position: int) -> Segment:
        parts = line.split(self.d.field)
        name = parts[0]
        if not _SEGMENT_NAME.fullmatch(name):
            raise HL7ParseError(
                f"segment {position}",
                None,
                f"segment {position} has no valid name (three capitals or digits)",
                f"segment n° {position} sans nom valide",
            )
        if name == "MSH":
            if position != 1:
                raise HL7ParseError(
                    "MSH", None, f"a second MSH at segment {position} (batches are not read)", "deux MSH"
                )
            raws = parts[2:]
            fields: list[tuple[_Rep, ...]] = [(((self.d.field,),),), (((parts[1],),),)]
            first = 3
        else:
            raws = parts[1:]
            fields = []
            first = 1
        fields += [self.field(raw, f"{name}-{n}") for n, raw in enumerate(raws, first)]
        while fields and not fields[-1]:
            fields.pop()
        return Segment(name, position, tuple(fields))


def _trimmed(subs: list[str]) -> tuple[str, ...]:
    while len(subs) > 1 and not subs[-1]:
        subs.pop()
    return tuple(subs)


def parse(data: str | bytes) -> Hl7Message:
    """Parse one HL7 v2 message tolerantly; raise :class:`HL7ParseError` when it is unusable."""
    if isinstance(data, bytes | bytearray):
        data = decode(bytes(data))
    if not isinstance(data, str):
        raise HL7ParseError("MSH", None, "message is not text", "le message n'est pas du texte")
    if len(data) > MAX_MESSAGE_CHARS:
        raise _too_big()
    text = normalise(data)
    if not text.startswith("MSH"):
        raise HL7ParseError(
            "MSH", None, "message does not start with an MSH segment", "le message ne commence pas par MSH"
        )
    if text.count("\r") >= MAX_SEGMENTS:
        raise _too_big()
    delimiters = _delimiters(text)
    lines = [line for line in text.split("\r") if line.strip()]
    charset = _msh18(lines[0], delimiters.field, delimiters.component, delimiters.repetition)
    splitter = _Splitter(delimiters, codec(charset))
    if charset.upper() not in CHARSETS:
        splitter.warnings.append(ParseWarning("MSH-18", "unknown character set, read as UTF-8"))
    segments = tuple(splitter.segment(line, i) for i, line in enumerate(lines, 1))
    msh = segments[0]
    code, event = msh.get(9, 1), msh.get(9, 2)
    if not _CODE.fullmatch(code) or (event and not _CODE.fullmatch(event)):
        raise HL7ParseError(
            "MSH", 9, "message type is empty or malformed", "type de message absent ou invalide"
        )
    message_type = f"{code}^{event}" if event else code
    version = msh.get(12).strip()
    if not _VERSION.fullmatch(version):
        raise HL7ParseError(
            "MSH", 12, "HL7 version missing or not 2.x", "version HL7 absente ou non prise en charge"
        )
    control_id = msh.get(10).strip()
    if not control_id:
        raise HL7ParseError("MSH", 10, "message control id is empty", "identifiant du message absent")
    structure = msh.get(9, 3) or (f"{code}_{event}" if event else code)
    return Hl7Message(
        message_type, structure, control_id, version, segments, text, charset, tuple(splitter.warnings)
    )


__all__ = [
    "MAX_MESSAGE_CHARS",
    "MAX_SEGMENTS",
    "STANDARD",
    "Coded",
    "HL7ParseError",
    "Hl7Message",
    "ParseWarning",
    "Segment",
    "decode",
    "header",
    "normalise",
    "parse",
]
