"""Report templates per exam type: the four ANS chapters, fields with pick lists and defaults, macros.

Templates are data files in ``resources/templates/*.html``, written in the subset of IHE MRRT
(Management of Radiology Report Templates, the format of RadReport and DRG templates) that the
editor uses: an XHTML5 document (well-formed XML, so a broken file fails with a line number)
whose ``<head>`` carries Dublin Core ``<meta>`` (``dcterms.identifier``, ``dcterms.title``...)
and the exams it applies to (``tlr.modalites``, ``tlr.regions``, ``tlr.actes``), and whose
``<body>`` has one ``<section>`` per chapter (``id`` = ``indication``, ``technique``,
``results``, ``conclusion``), each with fields (``<input type="text">`` and ``<select>`` with
``data-field-type`` TEXT / SELECTION, labelled by ``<label for>``), at most one ``<textarea>``
(the chapter's default free text) and ``<dl class="macros" hidden="hidden">`` (``<dt>`` keyword,
``<dd>`` text). A macro list in a section applies to that chapter, one directly in ``<body>`` to
all. MRRT is chosen over an ad-hoc format because the templates then open in any browser and in
MRRT tools; macros are the one addition, in hidden HTML those tools ignore. See
``resources/templates/README.md``.

A chapter's text is its fields as ``Libellé : valeur`` lines, a blank line, then the free text
(``compose_chapter``); ``split_chapter`` is its exact inverse, so an edited report reopens with
its fields filled.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources

from lxml import etree

from reporting.model import Chapter, Report
from reporting.order import SiteMessage

log = logging.getLogger(__name__)
XHTML = "http://www.w3.org/1999/xhtml"
_NS = {"h": XHTML}
_KEYWORD = re.compile(r"^[\w.-]{1,20}$")


class TemplateError(ValueError):
    """A template file that cannot be used; the message is French, for the user, and names the file."""


class FieldKind(StrEnum):
    TEXT = "TEXT"
    SELECTION = "SELECTION"


@dataclass(frozen=True, slots=True)
class TemplateField:
    """One field of a chapter; ``choices`` is the pick list (SELECTION), ``default`` its initial value."""

    id: str
    label: str
    kind: FieldKind
    default: str = ""
    choices: tuple[str, ...] = ()

    def line(self, value: str) -> str:
        return f"{self.label} : {value}"


@dataclass(frozen=True, slots=True)
class Macro:
    """A short keyword the radiologist types, expanded into ``text``."""

    keyword: str
    text: str


@dataclass(frozen=True, slots=True)
class TemplateChapter:
    chapter: Chapter
    title: str
    fields: tuple[TemplateField, ...] = ()
    text: str = ""
    macros: tuple[Macro, ...] = ()

    def default_values(self) -> dict[str, str]:
        return {f.id: f.default for f in self.fields}


@dataclass(frozen=True, slots=True)
class ReportTemplate:
    """A template for one kind of exam, with what it applies to (DICOM modalities, SNOMED CT regions,
    LOINC act codes)."""

    id: str
    title: str
    chapters: tuple[TemplateChapter, ...]
    modalities: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    acts: frozenset[str] = frozenset()
    macros: tuple[Macro, ...] = ()
    origin: str = ""  # the file it was read from
    description: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    def chapter(self, chapter: Chapter) -> TemplateChapter:
        return next(c for c in self.chapters if c.chapter is chapter)

    def macro(self, keyword: str, chapter: Chapter | None = None) -> Macro | None:
        """The chapter's macro for ``keyword`` if it has one, else the template-wide one."""
        scoped = self.chapter(chapter).macros if chapter is not None else ()
        for macro in (*scoped, *self.macros):
            if macro.keyword == keyword:
                return macro
        return None

    def macro_keywords(self, chapter: Chapter) -> list[str]:
        return list(dict.fromkeys(m.keyword for m in (*self.chapter(chapter).macros, *self.macros)))

    def default_text(self, chapter: Chapter) -> str:
        part = self.chapter(chapter)
        return compose_chapter(part, part.default_values(), part.text)


# --- chapter text <-> fields ---------------------------------------------------------------------------


def compose_chapter(part: TemplateChapter, values: dict[str, str], free_text: str) -> str:
    """The chapter's text: non-empty fields as ``Libellé : valeur`` lines, a blank line, the free text."""
    lines = []
    for template_field in part.fields:
        value = " ".join(values.get(template_field.id, "").split("\n")).strip()
        if value:
            lines.append(template_field.line(value))
    block = "\n".join(lines)
    if block and free_text:
        return f"{block}\n\n{free_text}"
    return block or free_text


def split_chapter(part: TemplateChapter, text: str) -> tuple[dict[str, str], str]:
    """The inverse of ``compose_chapter``: field values (empty when absent) and the free text.

    Field lines are recognised only at the top, in the template's order, and only when the block
    ends the text or is followed by a blank line, so ``compose_chapter(split_chapter(t)) == t``
    for any text: a text not written from this template comes back whole as free text.
    """
    values = {f.id: "" for f in part.fields}
    lines = text.split("\n")
    taken = 0
    next_field = 0
    found: dict[str, str] = {}
    for line in lines:
        for index in range(next_field, len(part.fields)):
            prefix = part.fields[index].label + " : "
            value = line[len(prefix) :]
            if line.startswith(prefix) and value == value.strip() and value:
                found[part.fields[index].id] = value
                next_field = index + 1
                break
        else:
            break
        taken += 1
    if taken == 0:
        return values, text
    rest = lines[taken:]
    if not rest:
        return {**values, **found}, ""
    if rest[0] != "" or len(rest) < 2:
        return values, text
    return {**values, **found}, "\n".join(rest[1:])


# --- reading -------------------------------------------------------------------------------------------


def parse_template(data: bytes | str, origin: str = "modèle") -> ReportTemplate:
    """Read and validate one template; ``TemplateError`` (French, with the file and line) if broken."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as error:
        line = error.lineno or 0
        log.warning("template %s: not well-formed XML at line %s: %s", origin, line, error.msg)
        raise TemplateError(
            f"Modèle « {origin} » illisible : XHTML mal formé à la ligne {line} ({error.msg})."
        ) from error
    return _Reader(root, origin).template()


@cache
def builtin_templates() -> tuple[ReportTemplate, ...]:
    """The templates shipped in ``resources/templates`` (a broken one is an error: it is our data)."""
    folder = resources.files("resources.templates")
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".html"):
            found.append(parse_template(entry.read_bytes(), entry.name))
    ids = [t.id for t in found]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise TemplateError(f"Identifiant de modèle en double : {', '.join(duplicates)}.")
    return tuple(found)


def template_by_id(template_id: str, templates: Iterable[ReportTemplate] | None = None) -> ReportTemplate:
    for template in builtin_templates() if templates is None else templates:
        if template.id == template_id:
            return template
    raise KeyError(template_id)


class _Reader:
    def __init__(self, root: etree._Element, origin: str) -> None:
        self.root = root
        self.origin = origin

    def fail(self, element: etree._Element | None, message: str) -> TemplateError:
        line = f" (ligne {element.sourceline})" if element is not None and element.sourceline else ""
        log.warning("template %s: %s%s", self.origin, message, line)
        return TemplateError(f"Modèle « {self.origin} » invalide{line} : {message}")

    def find(self, element: etree._Element, path: str) -> list[etree._Element]:
        return element.xpath(path, namespaces=_NS)

    def template(self) -> ReportTemplate:
        if self.root.tag != f"{{{XHTML}}}html":
            raise self.fail(self.root, "la racine doit être <html> dans l'espace de noms XHTML.")
        meta = {
            m.get("name"): (m.get("content") or "").strip()
            for m in self.find(self.root, "h:head/h:meta[@name]")
        }
        template_id = meta.get("dcterms.identifier", "")
        if not template_id:
            raise self.fail(None, "l'identifiant (meta dcterms.identifier) manque.")
        titles = self.find(self.root, "h:head/h:title")
        title = meta.get("dcterms.title") or (_text(titles[0]) if titles else "")
        if not title:
            raise self.fail(None, "le titre (meta dcterms.title ou <title>) manque.")
        modalities = frozenset(meta.get("tlr.modalites", "").split())
        if not modalities:
            raise self.fail(None, "aucune modalité (meta tlr.modalites) : modèle jamais proposé.")
        bodies = self.find(self.root, "h:body")
        if not bodies:
            raise self.fail(None, "le corps <body> manque.")
        body = bodies[0]
        chapters: dict[Chapter, TemplateChapter] = {}
        by_id = {c.attribute: c for c in Chapter}
        seen_fields: set[str] = set()
        for section in self.find(body, "h:section"):
            chapter = by_id.get(section.get("id", ""))
            if chapter is None:
                names, found = ", ".join(by_id), section.get("id", "")
                raise self.fail(section, f"section d'identifiant inconnu « {found} » ({names}).")
            if chapter in chapters:
                raise self.fail(section, f"le chapitre « {chapter.title} » apparaît deux fois.")
            chapters[chapter] = self.chapter(section, chapter, seen_fields)
        missing = [c.title for c in Chapter if c not in chapters]
        if missing:
            raise self.fail(body, f"chapitre(s) manquant(s) : {', '.join(missing)}.")
        return ReportTemplate(
            id=template_id,
            title=title,
            chapters=tuple(chapters[c] for c in Chapter),
            modalities=modalities,
            regions=frozenset(meta.get("tlr.regions", "").split()),
            acts=frozenset(meta.get("tlr.actes", "").split()),
            macros=self.macros(self.find(body, "h:dl[contains(concat(' ', @class, ' '), ' macros ')]")),
            origin=self.origin,
            description=meta.get("dcterms.description", ""),
            extra={k: v for k, v in meta.items() if k and not k.startswith(("dcterms.", "tlr."))},
        )

    def chapter(self, section: etree._Element, chapter: Chapter, seen: set[str]) -> TemplateChapter:
        headers = self.find(section, "h:header")
        title = _text(headers[0]) if headers else chapter.title
        fields = []
        for element in self.find(section, ".//h:input | .//h:select"):
            fields.append(self.field(section, element, seen))
        areas = self.find(section, ".//h:textarea")
        if len(areas) > 1:
            raise self.fail(areas[1], f"le chapitre « {chapter.title} » a plusieurs <textarea>.")
        text = (areas[0].text or "").strip("\n") if areas else ""
        macro_lists = self.find(section, ".//h:dl[contains(concat(' ', @class, ' '), ' macros ')]")
        return TemplateChapter(chapter, title, tuple(fields), text, self.macros(macro_lists))

    def field(self, section: etree._Element, element: etree._Element, seen: set[str]) -> TemplateField:
        field_id = element.get("id", "")
        if not field_id:
            raise self.fail(element, "un champ n'a pas d'identifiant (attribut id).")
        if field_id in seen:
            raise self.fail(element, f"identifiant de champ en double « {field_id} ».")
        seen.add(field_id)
        labels = self.find(section, f".//h:label[@for='{field_id}']") if "'" not in field_id else []
        label = _text(labels[0]) if labels else ""
        if not label:
            raise self.fail(element, f"le champ « {field_id} » n'a pas de libellé (<label for>).")
        if " : " in label or "\n" in label:
            raise self.fail(element, f"le libellé « {label} » ne peut pas contenir « : ».")
        local = etree.QName(element).localname
        declared = element.get("data-field-type", "")
        if local == "select":
            if declared not in ("", FieldKind.SELECTION):
                raise self.fail(element, f"le champ « {field_id} » est une liste mais se déclare {declared}.")
            options = self.find(element, "h:option")
            choices = tuple(_text(o) for o in options)
            if not choices or any(not c for c in choices):
                raise self.fail(element, f"la liste « {label} » est vide ou contient un choix vide.")
            if len(set(choices)) != len(choices):
                raise self.fail(element, f"la liste « {label} » contient deux fois le même choix.")
            selected = [_text(o) for o in options if o.get("selected") is not None]
            if len(selected) > 1:
                raise self.fail(element, f"la liste « {label} » a plusieurs choix par défaut.")
            default = selected[0] if selected else ""
            return TemplateField(field_id, label, FieldKind.SELECTION, default, choices)
        if element.get("type", "text") != "text" or declared not in ("", FieldKind.TEXT):
            kind = declared or element.get("type", "")
            raise self.fail(element, f"type de champ non pris en charge « {kind} » (TEXT ou SELECTION).")
        return TemplateField(field_id, label, FieldKind.TEXT, (element.get("value") or "").strip())

    def macros(self, lists: list[etree._Element]) -> tuple[Macro, ...]:
        found: dict[str, Macro] = {}
        for macro_list in lists:
            terms = self.find(macro_list, "h:dt | h:dd")
            for term, definition in zip(terms[::2], terms[1::2], strict=False):
                keyword, text = _text(term), _text(definition)
                if etree.QName(term).localname != "dt" or etree.QName(definition).localname != "dd":
                    raise self.fail(term, "une macro s'écrit <dt>mot-clé</dt><dd>texte</dd>.")
                if not _KEYWORD.match(keyword):
                    raise self.fail(term, f"mot-clé de macro invalide « {keyword} » (un mot, 20 signes).")
                if not text:
                    raise self.fail(definition, f"la macro « {keyword} » n'a pas de texte.")
                if keyword in found:
                    raise self.fail(term, f"la macro « {keyword} » est définie deux fois.")
                found[keyword] = Macro(keyword, text)
            if len(terms) % 2:
                raise self.fail(terms[-1], "une macro s'écrit <dt>mot-clé</dt><dd>texte</dd>.")
        return tuple(found.values())


def _text(element: etree._Element) -> str:
    """The element's text with its white space (indentation of the file) collapsed."""
    return " ".join("".join(element.itertext()).split())


# --- choosing a template ---------------------------------------------------------------------------------


def choose_template(
    modality: str,
    regions: Iterable[str] = (),
    act_codes: Iterable[str] = (),
    templates: Iterable[ReportTemplate] | None = None,
) -> ReportTemplate | None:
    """The template for an exam: the one naming its LOINC act code, else the one matching its modality
    and the most of its regions (SNOMED CT); None when nothing fits (the radiologist writes freely)."""
    candidates = list(builtin_templates() if templates is None else templates)
    acts = {a for a in act_codes if a}
    by_act = [t for t in candidates if t.acts & acts]
    if len(by_act) == 1:
        return by_act[0]
    modality = modality.strip().upper()
    wanted = {r for r in regions if r}
    pool = by_act or [t for t in candidates if modality in t.modalities]
    if by_act and modality:
        pool = [t for t in by_act if modality in t.modalities] or by_act
    scored = [(len(t.regions & wanted), t) for t in pool]
    scored = [s for s in scored if s[0] > 0 or by_act]
    if not scored:
        return None
    best = max(s[0] for s in scored)
    ties = [t for overlap, t in scored if overlap == best]
    if len(ties) > 1:
        log.info("template choice ambiguous between %s", [t.id for t in ties])
        return None
    return ties[0]


def template_for_order(
    order: SiteMessage,
    complement: SiteMessage | None = None,
    templates: Iterable[ReportTemplate] | None = None,
) -> ReportTemplate | None:
    """The template for a site's order (flux 1), refined by its complement (flux 4) when it has come:
    the modality and the act code actually performed win over those asked for."""
    modality = (complement.modality if complement is not None else "") or order.modality
    regions = [r.code for r in (order.region, complement.region if complement else None) if r is not None]
    acts = [complement.act.code] if complement is not None and complement.act is not None else []
    return choose_template(modality, regions, acts, templates)


def template_for_report(
    report: Report, templates: Iterable[ReportTemplate] | None = None
) -> ReportTemplate | None:
    """The template for a report's acts (modality, region, LOINC act code as the order gave them)."""
    if not report.acts:
        return None
    act = report.acts[0]
    regions = [a.region.code for a in report.acts if a.region is not None]
    acts = [a.loinc.code for a in report.acts if a.loinc is not None]
    return choose_template(act.modality.code, regions, acts, templates)
