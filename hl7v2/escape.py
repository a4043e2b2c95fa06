"""HL7 v2.5.1 §2.7 escape sequences, the one implementation of the workstation and the report.

Reading decodes every sequence the standard defines, in the message's own encoding characters:
``\\F\\ \\S\\ \\T\\ \\R\\ \\E\\`` give back the delimiters; ``\\Xhh…\\`` is bytes in the message's
character set (MSH-18); the formatting commands of FT (``\\.br\\``, ``\\.sp\\``, ``\\.ce\\``) become
line breaks and the ones that only change the layout (``\\.in\\``, ``\\.ti\\``, ``\\.sk\\``,
``\\.fi\\``, ``\\.nf\\``), the highlighting ``\\H\\``/``\\N\\``, the ISO 2022 switches
``\\Cxxyy\\``/``\\Mxxyyzz\\`` and locally defined ``\\Z…\\`` are dropped with a warning, so no raw
escape sequence ever reaches a radiologist's screen or a signed report. A backslash with no closing
one is kept as text, with a warning.

Writing (:func:`escape`) is the exact inverse for the delimiters; it is what builders going through
hl7apy use, which leaves ``\\E\\ \\F\\ \\S\\ \\T\\ \\R\\`` alone but mangles ``\\X..\\`` and ``\\.br\\``.
:func:`escape_text` is the full inverse for writers of raw ER7 (line breaks as ``\\.br\\``, control
characters as ``\\Xhh\\``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# MSH-18 (HL7 table 0211) -> Python codec. ASCII is the standard's default when MSH-18 is empty, but
# French senders write UTF-8 without saying so: an empty MSH-18 is read as UTF-8 (ASCII is a subset).
CHARSETS = {
    "": "utf-8",
    "ASCII": "ascii",
    "UNICODE UTF-8": "utf-8",
    "UTF-8": "utf-8",
    "8859/1": "iso8859-1",
    "8859/15": "iso8859-15",
    "UNICODE": "utf-8",
}


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The encoding characters of one message (MSH-1 and MSH-2)."""

    field: str = "|"
    component: str = "^"
    repetition: str = "~"
    escape: str = "\\"
    subcomponent: str = "&"


STANDARD = Delimiters()

_LINE_BREAK_COMMANDS = {".br", ".ce"}
_DROPPED_COMMANDS = (".in", ".ti", ".sk", ".fi", ".nf")
_HEX = re.compile(r"(?:[0-9A-Fa-f]{2})+")
_SP = re.compile(r"\.sp ?\+?(\d{0,2})")

Warn = Callable[[str], None]


def codec(charset: str) -> str:
    """The Python codec of an MSH-18 value; unknown values are read as UTF-8 (said by the caller)."""
    return CHARSETS.get(charset.strip().upper(), "utf-8")


def _decode_hex(hex_digits: str, encoding: str, warn: Warn | None) -> str:
    raw = bytes.fromhex(hex_digits)
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        if warn is not None:
            warn(f"\\X..\\ bytes are not {encoding}: read as ISO 8859-1")
        return raw.decode("iso8859-1")


def _sequence(body: str, d: Delimiters, encoding: str, warn: Warn | None) -> str:
    simple = {"F": d.field, "S": d.component, "T": d.subcomponent, "R": d.repetition, "E": d.escape}
    if body in simple:
        return simple[body]
    if body in _LINE_BREAK_COMMANDS:
        return "\n"
    if body.startswith("X") and _HEX.fullmatch(body, 1):
        return _decode_hex(body[1:], encoding, warn)
    if (sp := _SP.fullmatch(body)) is not None:
        return "\n" * max(1, int(sp.group(1) or 1))
    if warn is not None:
        if body in ("H", "N"):
            warn("highlighting escape \\H\\ or \\N\\ dropped")
        elif body.startswith(_DROPPED_COMMANDS):
            warn(f"formatting command \\{body[:3]}..\\ dropped")
        elif body[:1] in ("C", "M"):
            warn("ISO 2022 character set switch dropped")
        elif body[:1] == "Z":
            warn("locally defined escape \\Z..\\ dropped")
        else:
            warn("unknown escape sequence dropped")
    return ""


def unescape(
    text: str, delimiters: Delimiters = STANDARD, encoding: str = "utf-8", warn: Warn | None = None
) -> str:
    """Decode the escape sequences of one leaf value (see the module docstring)."""
    esc = delimiters.escape
    if esc not in text:
        return text
    out: list[str] = []
    start = 0
    while True:
        opening = text.find(esc, start)
        if opening < 0:
            out.append(text[start:])
            return "".join(out)
        closing = text.find(esc, opening + 1)
        if closing < 0:
            if warn is not None:
                warn("escape character without its closing one, kept as text")
            out.append(text[start:])
            return "".join(out)
        out.append(text[start:opening])
        out.append(_sequence(text[opening + 1 : closing], delimiters, encoding, warn))
        start = closing + 1


_DELIMITER_ESCAPES = (("\\", "\\E\\"), ("|", "\\F\\"), ("^", "\\S\\"), ("&", "\\T\\"), ("~", "\\R\\"))
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def escape(text: str) -> str:
    """Encode text for one leaf value (standard encoding characters); line breaks become spaces.

    Only ``\\E\\ \\F\\ \\S\\ \\T\\ \\R\\`` are written, the sequences hl7apy leaves alone when it
    serialises, so the value goes through hl7apy unchanged; callers split lines first (NTE-3 gets one
    repetition per line). Other control characters become spaces too: a raw one could end a segment
    or an MLLP frame.
    """
    for char, sequence in _DELIMITER_ESCAPES:
        if char in text:
            text = text.replace(char, sequence)
    if "\n" in text or "\r" in text:
        text = _LINE_BREAK.sub(" ", text)
    return _CONTROL.sub(" ", text) if _CONTROL.search(text) else text


def escape_text(text: str) -> str:
    """Encode text for raw ER7 exactly: line breaks as ``\\.br\\``, control characters as ``\\Xhh\\``.

    ``unescape(escape_text(s)) == s`` for every string whose line breaks are ``\\n``.
    """
    for char, sequence in _DELIMITER_ESCAPES:
        if char in text:
            text = text.replace(char, sequence)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\.br\\")
    if _CONTROL.search(text) or "\t" in text:
        text = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\X{ord(m.group(0)):02X}\\", text)
    return text
