"""The small Markdown the radiologist types: chapters as headings, paragraphs, lists, bold, italics.

Only what a report needs, so that every construct maps onto the CDA narrative block (and the PDF)
without loss: a heading naming a chapter starts that chapter, other headings become bold lines,
``-``/``*``/``1.`` lines become lists, ``**x**`` bold and ``*x*`` italics. Text is never dropped:
characters XML cannot carry (control characters from a pasted PDF, lone surrogates) are replaced.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from reporting.model import Chapter

# Everything XML 1.0 allows, minus the discouraged C1 controls; the form feed of a pasted PDF
# becomes a line break, the other control characters a space.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Text that any XML writer (and so the CDA) accepts, with line breaks normalised to ``\\n``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    return _NOT_XML.sub(" ", text)


_CHAPTER_NAMES = {
    Chapter.INDICATION: (
        "indication",
        "indications",
        "motif",
        "motif de l'examen",
        "renseignements cliniques",
        "contexte",
        "contexte clinique",
        "demande",
    ),
    Chapter.TECHNIQUE: ("technique", "protocole", "technique d'examen", "technique et protocole"),
    Chapter.RESULTS: ("resultat", "resultats", "constatations", "description", "compte rendu"),
    Chapter.CONCLUSION: (
        "conclusion",
        "conclusions",
        "synthese",
        "synthese / conclusion",
        "synthese et conclusion",
        "synthese/conclusion",
        "avis",
    ),
}


def _fold(text: str) -> str:
    """Lower case, no accents, no trailing colon: how chapter headings are compared."""
    text = unicodedata.normalize("NFD", text.strip().rstrip(":").strip().lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("’", "'")


_CHAPTER_BY_NAME = {name: chapter for chapter, names in _CHAPTER_NAMES.items() for name in names}
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_ORDERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")


@dataclass
class ParsedChapters:
    """The four chapters found in a text, and any text written before the first chapter heading."""

    chapters: dict[Chapter, str] = field(default_factory=dict)
    unplaced: str = ""


def split_chapters(text: str) -> ParsedChapters:
    """Cut the radiologist's Markdown into chapters by their headings (a repeated chapter is appended)."""
    result = ParsedChapters()
    current: Chapter | None = None
    buffers: dict[Chapter | None, list[str]] = {None: []}
    for line in xml_safe(text).split("\n"):
        match = _HEADING.match(line)
        chapter = _CHAPTER_BY_NAME.get(_fold(match.group(2))) if match else None
        if chapter is not None:
            current = chapter
            buffers.setdefault(chapter, [])
            continue
        buffers.setdefault(current, []).append(line)
    for chapter, lines in buffers.items():
        body = "\n".join(lines).strip("\n")
        if chapter is None:
            result.unplaced = body if body.strip() else ""
        else:
            result.chapters[chapter] = body
    return result


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False


Line = tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Paragraph:
    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Heading:
    line: Line


@dataclass(frozen=True, slots=True)
class ListBlock:
    ordered: bool
    items: tuple[Line, ...]


Block = Paragraph | Heading | ListBlock


def blocks(text: str) -> list[Block]:
    """The block structure of a chapter's text."""
    out: list[Block] = []
    paragraph: list[Line] = []
    items: list[Line] = []
    ordered = False

    def flush_paragraph() -> None:
        if paragraph:
            out.append(Paragraph(tuple(paragraph)))
            paragraph.clear()

    def flush_list() -> None:
        if items:
            out.append(ListBlock(ordered, tuple(items)))
            items.clear()

    for raw in xml_safe(text).split("\n"):
        line = raw.rstrip()
        heading = _HEADING.match(line)
        bullet = _BULLET.match(line)
        number = _ORDERED.match(line)
        if not line.strip():
            flush_paragraph()
            flush_list()
        elif heading:
            flush_paragraph()
            flush_list()
            out.append(Heading(inline(heading.group(2))))
        elif bullet or number:
            flush_paragraph()
            is_ordered = number is not None and bullet is None
            if items and is_ordered != ordered:
                flush_list()
            ordered = is_ordered
            items.append(inline((bullet or number).group(1)))  # type: ignore[union-attr]
        elif items and raw.startswith(("  ", "\t")):
            items[-1] = (*items[-1], Span(" "), *inline(line.strip()))  # continuation of an item
        else:
            flush_list()
            paragraph.append(inline(line.strip()))
    flush_paragraph()
    flush_list()
    return out


_INLINE = re.compile(r"(\\[*_\\])|(\*\*(?=\S)(.+?)(?<=\S)\*\*)|(\*(?=\S)(.+?)(?<=\S)\*)")


def inline(text: str) -> Line:
    """Spans of one line: ``**bold**``, ``*italic*`` (``\\*`` is a literal star)."""
    spans: list[Span] = []
    pos = 0
    buffer = ""
    for match in _INLINE.finditer(text):
        buffer += text[pos : match.start()]
        pos = match.end()
        if match.group(1):
            buffer += match.group(1)[1]
            continue
        if buffer:
            spans.append(Span(buffer))
            buffer = ""
        if match.group(2):
            spans.append(Span(_unescape(match.group(3)), bold=True))
        else:
            spans.append(Span(_unescape(match.group(5)), italic=True))
    buffer += text[pos:]
    if buffer:
        spans.append(Span(buffer))
    return tuple(spans)


def _unescape(text: str) -> str:
    return re.sub(r"\\([*_\\])", r"\1", text)


def plain(text: str) -> str:
    """The text without its Markdown marks (for places that only take plain text)."""
    lines: list[str] = []
    for block in blocks(text):
        if isinstance(block, ListBlock):
            lines.extend("- " + "".join(s.text for s in item) for item in block.items)
        elif isinstance(block, Heading):
            lines.append("".join(s.text for s in block.line))
        else:
            lines.extend("".join(s.text for s in line) for line in block.lines)
    return "\n".join(lines)
