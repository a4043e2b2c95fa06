"""Tolerant reading of HL7 v2 messages, on top of hl7apy.

The sites' messages reach the workstation as the platform relays them: written by many RIS, often
with small deviations from the guide. The parse must therefore accept what hl7apy's tolerant mode
accepts, and still fail loudly — naming the segment and field — when something we rely on is
missing or malformed, because a silently wrong order on a radiologist's screen is worse than an
error.

hl7apy keeps escape sequences (``\\F\\``, ``\\.br\\``...) raw in the values it parses and re-escapes
inconsistently when it serialises, so the message is turned once into a plain read model
(:class:`Hl7Message` / :class:`Segment`) with unescaped text, and :func:`escape` gives builders the
exact inverse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hl7apy import load_reference
from hl7apy.base_datatypes import BaseDataType, TextualDataType
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.core import SubComponent
from hl7apy.exceptions import HL7apyException, InvalidEncodingChars, InvalidName, UnsupportedVersion
from hl7apy.parser import get_message_info, parse_message, parse_segments

STANDARD_ENCODING_CHARS = "^~\\&"
# Senders borrow segments from later versions (the CI-SIS ORU carries a v2.7+ PRT in a v2.5
# message); field positions do not change between versions, so such a message is read with the
# newest definitions hl7apy has rather than refused.
NEWEST_VERSION = "2.8.2"

# Leaf value -> (rep, component, subcomponent) nesting, all 1-based in the accessors.
_Rep = tuple[tuple[str, ...], ...]


class HL7ParseError(ValueError):
    """A message we cannot use, with where it went wrong.

    ``segment`` and ``field`` locate the problem the way an integrator reads it (``ORC-2``);
    ``detail`` is the precise English explanation for the log and ``user_message`` the French
    sentence for the radiologist. Neither ever contains a field value: values may be patient data.
    """

    def __init__(self, segment: str, field: int | None, detail: str, user_detail: str) -> None:
        self.segment = segment
        self.field = field
        self.detail = detail
        self.location = f"{segment}-{field}" if field is not None else segment
        self.user_message = f"Message HL7 inutilisable ({self.location}) : {user_detail}"
        super().__init__(f"HL7 {self.location}: {detail}")


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
        """The segment re-encoded from the read model, for copying it into a message we build.

        hl7apy would re-escape the backslashes of \\X..\\ and \\.br\\ sequences it parsed, so a
        copied segment goes through this exact inverse of the parse instead.
        """
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
    structure: str  # hl7apy message structure, e.g. "ORM_O01"
    control_id: str  # MSH-10
    version: str  # MSH-12
    segments: tuple[Segment, ...] = field(repr=False)
    text: str = field(repr=False)  # the message as received, separators normalised to \r

    @property
    def msh(self) -> Segment:
        return self.segments[0]

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


_ESCAPES = {"F": "|", "S": "^", "T": "&", "R": "~", "E": "\\", ".br": "\n", "H": "", "N": ""}
_ESCAPE_SEQUENCE = re.compile(r"\\([^\\\r]*)\\")


def _unescape_one(match: re.Match[str]) -> str:
    code = match.group(1)
    if code in _ESCAPES:
        return _ESCAPES[code]
    if code.startswith("X") and re.fullmatch(r"X(?:[0-9A-Fa-f]{2})+", code):
        raw = bytes.fromhex(code[1:])
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("latin-1")
    return match.group(0)  # unknown sequence (\Zxx\, \Cxx\...): keep it visible rather than guess


def unescape(text: str) -> str:
    """Decode HL7 escape sequences (standard encoding characters ^~\\&)."""
    return _ESCAPE_SEQUENCE.sub(_unescape_one, text) if "\\" in text else text


def escape(text: str) -> str:
    """Encode text for one HL7 leaf value; line breaks become spaces (callers split lines first).

    The output only uses \\E\\ \\F\\ \\S\\ \\T\\ \\R\\, the sequences hl7apy leaves alone when it
    serialises, so a value goes through hl7apy unchanged.
    """
    text = text.replace("\\", "\\E\\")
    for char, code in (("|", "F"), ("^", "S"), ("&", "T"), ("~", "R")):
        text = text.replace(char, f"\\{code}\\")
    return " ".join(text.splitlines()) if ("\n" in text or "\r" in text) else text


def normalise(text: str) -> str:
    """One message with \\r separators, whatever the sender used (\\r, \\n, \\r\\n), no MLLP frame."""
    text = text.strip("\x0b\x1c\r\n \t\ufeff")
    return text.replace("\r\n", "\r").replace("\n", "\r")


def _position(name: str | None, index: int) -> int:
    """hl7apy names positioned children CE_2, VARIES_3...; unnamed ones come in order."""
    if name:
        head, _, tail = name.rpartition("_")
        if head and tail.isdigit():
            return int(tail)
    return index + 1


def _leaf(sub: SubComponent) -> str:
    value = sub.value
    if isinstance(value, TextualDataType):
        return unescape(value.value or "")
    if isinstance(value, BaseDataType):  # dates and numbers: hl7apy gives back their own ER7 text
        return value.to_er7()
    return unescape("" if value is None else str(value))


def _placed(children: list, fill: object) -> list:
    out: list = []
    for i, child in enumerate(children):
        pos = _position(getattr(child, "name", None), i)
        while len(out) < pos - 1:
            out.append(fill)
        out.append(child)
    return out


def _read_segment(seg, position: int) -> Segment:
    fields: dict[int, list[_Rep]] = {}
    for i, fld in enumerate(seg.children):
        number = _position(fld.name, i)
        comps: list[tuple[str, ...]] = []
        for comp in _placed(list(fld.children), None):
            if comp is None:
                comps.append(())
                continue
            subs = _placed(list(comp.children), None)
            comps.append(tuple("" if s is None else _leaf(s) for s in subs))
        fields.setdefault(number, []).append(tuple(comps))
    if seg.name == "MSH":  # hl7apy stores MSH-1/MSH-2 as text: keep them literal
        fields[1] = [((seg.msh_1.to_er7(),),)]
        fields[2] = [((seg.msh_2.to_er7(),),)]
    width = max(fields, default=0)
    return Segment(seg.name, position, tuple(tuple(fields.get(n, [])) for n in range(1, width + 1)))


def _known_structure(structure: str | None, code: str, version: str) -> str | None:
    for candidate in (structure, code):
        if not candidate:
            continue
        try:
            load_reference(candidate, "Message", version)
        except HL7apyException:
            continue
        return candidate
    return None


def _parse_segments(text: str) -> list:
    """hl7apy segments, flat: grouping would silently drop the segments it cannot place."""
    try:
        return list(
            parse_message(text, validation_level=VALIDATION_LEVEL.TOLERANT, find_groups=False).children
        )
    except InvalidName as exc:
        if exc.cls != "Segment":
            raise
        encoding_chars = get_message_info(text)[0]
        return parse_segments(text, NEWEST_VERSION, encoding_chars, VALIDATION_LEVEL.TOLERANT)


def parse(text: str) -> Hl7Message:
    """Parse one HL7 v2 message tolerantly; raise :class:`HL7ParseError` when it is unusable."""
    if not isinstance(text, str):
        raise HL7ParseError("MSH", None, "message is not text", "le message n'est pas du texte")
    text = normalise(text)
    if not text.startswith("MSH"):
        raise HL7ParseError(
            "MSH", None, "message does not start with an MSH segment", "le message ne commence pas par MSH"
        )
    if text[4:8] != STANDARD_ENCODING_CHARS:
        raise HL7ParseError(
            "MSH", 2, "encoding characters are not ^~\\&", "caractères de codage différents de ^~\\&"
        )
    try:
        parsed = _parse_segments(text)
    except UnsupportedVersion as exc:
        raise HL7ParseError(
            "MSH",
            12,
            f"unsupported HL7 version {exc.version!r}",
            "version HL7 absente ou non prise en charge",
        ) from exc
    except InvalidEncodingChars as exc:
        raise HL7ParseError("MSH", 2, str(exc), "caractères de codage invalides") from exc
    except InvalidName as exc:
        raise HL7ParseError(
            str(exc.name), None, f"unknown {exc.cls} {exc.name!r}", f"segment inconnu ({exc.name})"
        ) from exc
    except HL7apyException as exc:
        raise HL7ParseError(
            "MSH", None, f"hl7apy cannot parse the message: {type(exc).__name__}", "structure illisible"
        ) from exc
    segments = tuple(_read_segment(seg, i + 1) for i, seg in enumerate(parsed))
    msh = segments[0]
    code, event = msh.get(9, 1), msh.get(9, 2)
    if not code:
        raise HL7ParseError("MSH", 9, "message type is empty", "type de message absent")
    message_type = f"{code}^{event}" if event else code
    version = msh.get(12)
    structure = _known_structure(msh.get(9, 3) or (f"{code}_{event}" if event else ""), code, version)
    if structure is None:
        raise HL7ParseError(
            "MSH", 9, f"unknown message type {message_type!r}", f"type de message inconnu ({message_type})"
        )
    control_id = msh.get(10)
    if not control_id.strip():
        raise HL7ParseError("MSH", 10, "message control id is empty", "identifiant du message absent")
    return Hl7Message(message_type, structure, control_id.strip(), version, segments, text)
