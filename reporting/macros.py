"""Macro expansion: a short keyword typed at the end of a word becomes a template's text.

Qt-free so that the rule is tested without a display. Qt counts text positions in UTF-16 code
units (an emoji is two), Python in code points: the helpers here convert, so a keyword typed after
an emoji is found and replaced exactly, never one unit off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reporting.model import Chapter
from reporting.templates import Macro, ReportTemplate

# A keyword is a whole word: at the start of the line or after white space, ending at the cursor.
_WORD_BEFORE_CURSOR = re.compile(r"(?:^|(?<=\s))([\w.-]{1,20})$")


@dataclass(frozen=True, slots=True)
class MacroMatch:
    macro: Macro
    start_utf16: int  # where the keyword starts in the line, in UTF-16 code units
    length_utf16: int


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def utf16_prefix(text: str, units: int) -> str:
    """The first ``units`` UTF-16 code units of ``text`` as a Python string."""
    return text.encode("utf-16-le")[: 2 * units].decode("utf-16-le", errors="replace")


def macro_before_cursor(
    line: str, cursor_utf16: int, template: ReportTemplate | None, chapter: Chapter | None
) -> MacroMatch | None:
    """The macro whose keyword ends at the cursor in this line (Qt block text and position in block);
    ``chapter`` None (an addendum) offers the template-wide macros only."""
    if template is None:
        return None
    before = utf16_prefix(line, cursor_utf16)
    match = _WORD_BEFORE_CURSOR.search(before)
    if match is None:
        return None
    macro = template.macro(match.group(1), chapter)
    if macro is None:
        return None
    length = utf16_length(match.group(1))
    return MacroMatch(macro, cursor_utf16 - length, length)

