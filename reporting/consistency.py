"""Consistency of what a report says, checked before signing (Qt-free).

The pre-sign checks of ``reporting.checks`` say what is *missing*; these say what does not *hold
together*: the mistakes a radiologist makes at 3 a.m. and that PowerScribe-style quality checks
catch. Each rule gives a :class:`Problem` with a stable code, a French message (``UserText``) and
the place the editor jumps to (a ``reporting.fields`` key: ``TemplateValue(field id)``,
``ChapterText(chapter)``, ``Place.URGENT_COMMUNICATION``), exactly like a missing item.

=========================  ==========  ====================================================================
rule (``IssueCode``)        level       why that level
=========================  ==========  ====================================================================
CONTRADICTED_NORMAL        blocking    a pick list still states a finding absent (often the pre-filled
                                       normal) while the results or conclusion state it: the signed report
                                       would say both; one pick fixes it
UNEXPANDED_MACRO           blocking    a macro keyword left as a word (« coll ») is never meant as report
                                       text; Tab expands it, deleting it removes it
URGENT_NOT_COMMUNICATED    warning     an urgent finding (pneumothorax, hémorragie, dissection...) stated
                                       without a recorded communication; blocking would force a fake call
                                       for a known, already managed finding, so the radiologist confirms
LATERALITY_MISMATCH        warning     an organ on the other side than the order's; the order can be the
                                       wrong one, the radiologist confirms
SEX_MISMATCH               warning     an organ of the other sex than the patient's identity; identity
                                       records can lag behind a patient's history, the radiologist confirms
ONE_WORD_CONCLUSION        warning     « Normal. » is terse but can be right; an empty conclusion is already
                                       blocking (``MISSING_CONCLUSION``)
CONCLUSION_OFF_QUESTION    warning     the conclusion names none of the organs or findings of the clinical
                                       question; the question may be worded in ways the lexicon misses
=========================  ==========  ====================================================================

Warnings never block ``checks.sign``; the editor shows them and asks for a second « Signer » to
sign anyway. The words are in ``resources/lexicon/coherence.json`` (findings and their names,
negations, per-section pick-list findings, urgent findings, organs by sex and side, question
topics): matching is on text in lower case without accents, so « epanchement » typed without its
accent is still an effusion. A finding is negated when a negation (« pas de », « absence de »,
« sans », « ni », « aucun »...) precedes it in the same clause with nothing that turns the clause
around (« mais », « avec », a comma starting something else), or when « absent », « non
visible »... follows it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

from reporting.fields import ChapterText, FieldKey, Place, TemplateValue
from reporting.model import Chapter, Report, Sex
from reporting.templates import ReportTemplate, builtin_templates, split_chapter
from resources.translations import QT_TRANSLATE_NOOP


class Level(StrEnum):
    BLOCKING = "bloquant"
    WARNING = "avertissement"


class Rule(StrEnum):
    CONTRADICTED_NORMAL = "CONTRADICTED_NORMAL"
    UNEXPANDED_MACRO = "UNEXPANDED_MACRO"
    URGENT_NOT_COMMUNICATED = "URGENT_NOT_COMMUNICATED"
    LATERALITY_MISMATCH = "LATERALITY_MISMATCH"
    SEX_MISMATCH = "SEX_MISMATCH"
    ONE_WORD_CONCLUSION = "ONE_WORD_CONCLUSION"
    CONCLUSION_OFF_QUESTION = "CONCLUSION_OFF_QUESTION"


LEVELS: dict[Rule, Level] = {
    Rule.CONTRADICTED_NORMAL: Level.BLOCKING,
    Rule.UNEXPANDED_MACRO: Level.BLOCKING,
    Rule.URGENT_NOT_COMMUNICATED: Level.WARNING,
    Rule.LATERALITY_MISMATCH: Level.WARNING,
    Rule.SEX_MISMATCH: Level.WARNING,
    Rule.ONE_WORD_CONCLUSION: Level.WARNING,
    Rule.CONCLUSION_OFF_QUESTION: Level.WARNING,
}


@dataclass(frozen=True, slots=True)
class Problem:
    rule: Rule
    message: str  # French UserText
    field: FieldKey

    @property
    def level(self) -> Level:
        return LEVELS[self.rule]


# --- text ------------------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Lower case, no accents, straight apostrophes, one space: the form the lexicon is written in.
    Keeps the length of ``text`` when it has no ligature (œ → oe), so positions stay close."""
    text = text.replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class _Lexicon:
    negation: re.Pattern[str]
    post_negation: re.Pattern[str]
    breaker: re.Pattern[str]
    normal_values: frozenset[str]
    findings: dict[str, re.Pattern[str]]
    sections: dict[str, dict[str, re.Pattern[str]]]
    urgent: dict[str, re.Pattern[str]]
    sex_organs: dict[str, re.Pattern[str]]
    lateral_organ: re.Pattern[str]
    topics: dict[str, re.Pattern[str]]
    whole_exam_normal: re.Pattern[str]
    # per finding: organ words right after a mention that place it in another organ (see the JSON's _doc)
    elsewhere: dict[str, re.Pattern[str]]


def _words(patterns: Iterable[str]) -> re.Pattern[str]:
    alternatives = sorted(patterns, key=len, reverse=True)  # the longest name wins
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])")


@cache
def lexicon() -> _Lexicon:
    data = json.loads(resources.files("resources.lexicon").joinpath("coherence.json").read_text("utf-8"))
    negations = [re.escape(n) for n in data["negations"]]
    return _Lexicon(
        negation=re.compile(r"(?<![\w-])(?:" + "|".join(sorted(negations, key=len, reverse=True)) + r")"),
        post_negation=re.compile(
            r"^(?:[\w'-]+ ){0,3}?(?:" + "|".join(re.escape(n) for n in data["post_negations"]) + r")(?![\w-])"
        ),
        breaker=re.compile(
            r"(?<![\w-])(?:" + "|".join(re.escape(b) for b in data["scope_breakers"]) + r")(?![\w-])"
            r"|,(?! *(?:ni|de|d'|du|des|pas|sans|aucun|aucune|absence|ou)(?![\w-]))"
        ),
        normal_values=frozenset(data["normal_values"]),
        findings={k: _words(v) for k, v in data["findings"].items()},
        sections={
            label: {finding: _words(names) for finding, names in entries.items()}
            for label, entries in data["sections"].items()
        },
        urgent={k: _words(v) for k, v in data["urgent"].items()},
        sex_organs={k: _words(v) for k, v in data["sex_organs"].items()},
        lateral_organ=re.compile(
            r"(?<![\w-])(" + "|".join(sorted(data["lateral_organs"], key=len, reverse=True)) + r")s?"
            r"((?: [\w'-]+){0,3}?) (droite?s?|gauches?|bilateral(?:e|es|aux)?)(?![\w-])"
        ),
        topics={k: _words(v) for k, v in data["topics"].items()},
        whole_exam_normal=_words(data["whole_exam_normal"]),
        elsewhere={
            k: re.compile(r"(?: [\w'-]+){0,2}? (?:" + "|".join(v) + r")(?![\w-])")
            for k, v in data.get("elsewhere", {}).items()
        },
    )


_CLAUSE_END = re.compile(r"[.;!?\n()]|:(?!\d)")


def is_negated(text: str, start: int, end: int) -> bool:
    """Whether the mention at ``text[start:end]`` (normalised text) is said to be absent."""
    lex = lexicon()
    clause_start = 0
    for match in _CLAUSE_END.finditer(text, 0, start):
        clause_start = match.end()
    before = text[clause_start:start]
    triggers = [m.end() for m in lex.negation.finditer(before)]
    if triggers:
        breaks = [m.start() for m in lex.breaker.finditer(before)]
        if not breaks or max(breaks) < triggers[-1]:
            return True
    clause_end = _CLAUSE_END.search(text, end)
    after = text[end : clause_end.start() if clause_end else len(text)].strip()
    if lex.breaker.match(after):
        return False
    if lex.post_negation.match(after):
        return True
    return " non " in f" {text[start:end]} "  # « voies biliaires non dilatées »


@dataclass(frozen=True, slots=True)
class _Statement:
    """A piece of the report: a field line (``label`` is the field's, normalised) or free text."""

    chapter: Chapter
    text: str  # as written
    label: str = ""  # normalised field label, "" for free text
    field_id: str = ""
    label_text: str = ""  # the label as written

    @property
    def place(self) -> FieldKey:
        return TemplateValue(self.field_id) if self.field_id else ChapterText(self.chapter)

    @property
    def normalised(self) -> str:
        return normalise(self.text)


_FIELD_LINE = re.compile(r"^([^:\n]{1,80}) : (.+)$")


def _statements(
    report: Report, template: ReportTemplate | None, chapters: Iterable[Chapter]
) -> list[_Statement]:
    found: list[_Statement] = []
    for chapter in chapters:
        text = report.chapter(chapter).text
        part = template.chapter(chapter) if template is not None else None
        by_label = {normalise(f.label): f.id for f in part.fields} if part is not None else {}
        values, free = split_chapter(part, text) if part is not None else ({}, text)
        if part is not None:
            for template_field in part.fields:
                value = values.get(template_field.id, "")
                if value:
                    found.append(
                        _Statement(
                            chapter,
                            value,
                            normalise(template_field.label),
                            template_field.id,
                            template_field.label,
                        )
                    )
        lines = free.split("\n")
        rest: list[str] = []
        for line in lines:  # "Libellé : valeur" lines of another template, or typed so
            match = _FIELD_LINE.match(line)
            label = normalise(match.group(1)).strip() if match else ""
            if match and label in lexicon().sections:
                found.append(
                    _Statement(
                        chapter, match.group(2), label, by_label.get(label, ""), match.group(1).strip()
                    )
                )
            else:
                rest.append(line)
        if "\n".join(rest).strip():
            found.append(_Statement(chapter, "\n".join(rest)))
    return found


def _is_normal_value(value: str) -> bool:
    return normalise(value).strip(" .") in lexicon().normal_values


def _affirmed(
    pattern: re.Pattern[str], statement: _Statement, elsewhere: re.Pattern[str] | None = None
) -> str:
    """The first mention matching ``pattern`` that the statement affirms (as written), or "".

    ``elsewhere`` matches the words after a mention that put it in another organ (« nodule
    hépatique » for the lungs' « nodule »): such a mention is not this finding."""
    text = statement.normalised
    if statement.label and _is_normal_value(statement.text):
        return ""
    for match in pattern.finditer(text):
        if elsewhere is not None and _qualified_elsewhere(text, match.end(), elsewhere):
            continue
        if not is_negated(text, match.start(), match.end()):
            return _excerpt(statement.text, text, match.start(), match.end())
    # « Hémorragie intracrânienne : hématome sous-dural aigu »: the label says what is present
    if statement.label and pattern.search(statement.label) and not lexicon().negation.match(text):
        return f"{statement.label_text or statement.label} : {statement.text}"
    return ""


def _qualified_elsewhere(text: str, end: int, elsewhere: re.Pattern[str]) -> bool:
    clause_end = _CLAUSE_END.search(text, end)
    return elsewhere.match(text, end, clause_end.start() if clause_end else len(text)) is not None


def _excerpt(original: str, text: str, start: int, end: int) -> str:
    """The sentence around a mention, as written, for the message (at most ~80 characters)."""
    left = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    right_match = _CLAUSE_END.search(text, end)
    right = right_match.start() if right_match else len(text)
    # a ligature changed the lengths: quote the normalised words
    sentence = (text if len(original) != len(text) else original)[left:right].strip()
    return sentence if len(sentence) <= 80 else sentence[:77].rstrip() + "…"


# --- rules -------------------------------------------------------------------------------------------------


def check(report: Report, template: ReportTemplate | None = None) -> list[Problem]:
    """Every consistency problem of the report, blocking ones first, each in the order of the report.

    ``template`` is the one the report is written with (its field ids are where the editor jumps);
    without it, field lines are still recognised by their label."""
    statements = _statements(report, template, (Chapter.RESULTS, Chapter.CONCLUSION))
    problems: list[Problem] = []
    problems += _contradicted_normals(statements)
    problems += _unexpanded_macros(report, template)
    problems += _urgent_without_communication(report, statements)
    problems += _laterality(report, statements)
    problems += _sex(report, statements)
    problems += _conclusion_shape(report)
    problems += _conclusion_answers(report)
    order = {Level.BLOCKING: 0, Level.WARNING: 1}
    return sorted(problems, key=lambda p: order[p.level])


def _contradicted_normals(statements: list[_Statement]) -> list[Problem]:
    lex = lexicon()
    problems: list[Problem] = []
    for statement in statements:
        section = lex.sections.get(statement.label)
        if not statement.label or section is None:
            continue
        text = statement.normalised
        all_absent = _is_normal_value(statement.text)
        for finding, names in section.items():
            stated_absent = all_absent or any(
                is_negated(text, m.start(), m.end()) for m in names.finditer(text)
            )
            if not stated_absent:
                continue
            pattern = lex.findings.get(finding, names)
            for other in statements:
                if other is statement:
                    continue
                said = _affirmed(pattern, other, lex.elsewhere.get(finding))
                if said:
                    if other.chapter is Chapter.CONCLUSION:
                        message = QT_TRANSLATE_NOOP(
                            "reporting.consistency",
                            "Contradiction : « {label} : {value} » alors que la conclusion dit « {said} ». "
                            "Corrigez la liste ou le texte.",
                        )
                    else:
                        message = QT_TRANSLATE_NOOP(
                            "reporting.consistency",
                            "Contradiction : « {label} : {value} » alors que les résultats disent "
                            "« {said} ». Corrigez la liste ou le texte.",
                        )
                    label = statement.label_text or statement.label
                    problems.append(
                        Problem(
                            Rule.CONTRADICTED_NORMAL,
                            message.format(label=label, value=statement.text, said=said),
                            statement.place,
                        )
                    )
                    break
    return problems


_WORD = re.compile(r"[\w.-]+")


def _unexpanded_macros(report: Report, template: ReportTemplate | None) -> list[Problem]:
    """A word that is a macro keyword and not a word of the language, left in a chapter."""
    from reporting.spelling import default_checker  # the dictionary, when installed

    keywords: set[str] = set()
    for candidate in (*builtin_templates(), *((template,) if template is not None else ())):
        for part in candidate.chapters:
            keywords.update(m.keyword for m in part.macros)
        keywords.update(m.keyword for m in candidate.macros)
    speller = default_checker()
    problems = []
    for chapter in Chapter:
        text = report.chapter(chapter).text
        words = [w.strip(".-") for w in _WORD.findall(text)]
        left = [w for w in words if w in keywords and (len(words) == 1 or not speller.is_word(w))]
        if left:
            problems.append(
                Problem(
                    Rule.UNEXPANDED_MACRO,
                    QT_TRANSLATE_NOOP(
                        "reporting.consistency",
                        "Macro non développée dans « {chapter} » : « {keyword} » (Tab après le mot-clé "
                        "pour la développer, ou supprimez-le).",
                    ).format(chapter=chapter.title, keyword=left[0]),
                    ChapterText(chapter),
                )
            )
    return problems


def _urgent_without_communication(report: Report, statements: list[_Statement]) -> list[Problem]:
    if report.urgent_communication is not None:
        return []
    for statement in statements:
        for pattern in lexicon().urgent.values():
            said = _affirmed(pattern, statement)
            if said:
                return [
                    Problem(
                        Rule.URGENT_NOT_COMMUNICATED,
                        QT_TRANSLATE_NOOP(
                            "reporting.consistency",
                            "Résultat urgent (« {said} ») sans communication notée : notez à qui et "
                            "comment il a été transmis, ou confirmez la signature.",
                        ).format(said=said),
                        Place.URGENT_COMMUNICATION,
                    )
                ]
    return []


def _sides(text: str) -> dict[str, set[str]]:
    """Organ (normalised) → sides said in ``text`` (« droit », « gauche », « bilatéral »)."""
    sides: dict[str, set[str]] = {}
    for match in lexicon().lateral_organ.finditer(normalise(text)):
        side = match.group(3)
        word = "droit" if side.startswith("droit") else "gauche" if side.startswith("gauche") else "bilateral"
        sides.setdefault(match.group(1), set()).add(word)
    return sides


def _laterality(report: Report, statements: list[_Statement]) -> list[Problem]:
    ordered_text = "\n".join(
        [report.indication.text]
        + [
            " ".join(c.display for c in (act.region, act.localisation) if c is not None)
            + " "
            + act.description
            for act in report.acts
        ]
    )
    ordered = _sides(ordered_text)
    if not ordered:
        return []
    for statement in statements:
        for organ, sides in _sides(statement.text).items():
            asked = ordered.get(organ, set()) - {"bilateral"}
            if len(asked) != 1 or "bilateral" in sides:
                continue
            [side] = asked
            wrong = sides - {side}
            if wrong and side not in _all_sides(statements, organ):
                return [
                    Problem(
                        Rule.LATERALITY_MISMATCH,
                        QT_TRANSLATE_NOOP(
                            "reporting.consistency",
                            "Côté à vérifier : la demande parle de « {organ} {asked} », le compte rendu "
                            "de « {organ} {said} ».",
                        ).format(organ=organ, asked=side, said=sorted(wrong)[0]),
                        statement.place,
                    )
                ]
    return []


def _all_sides(statements: list[_Statement], organ: str) -> set[str]:
    found: set[str] = set()
    for statement in statements:
        found |= _sides(statement.text).get(organ, set())
    return found


def _sex(report: Report, statements: list[_Statement]) -> list[Problem]:
    patient = report.patient
    if patient is None or patient.sex not in (Sex.FEMALE, Sex.MALE):
        return []
    other = Sex.MALE if patient.sex is Sex.FEMALE else Sex.FEMALE
    pattern = lexicon().sex_organs[other.value]
    for statement in statements:
        match = pattern.search(statement.normalised)
        if match:
            return [
                Problem(
                    Rule.SEX_MISMATCH,
                    QT_TRANSLATE_NOOP(
                        "reporting.consistency",
                        "Organe à vérifier : « {organ} » pour un patient de sexe {sex} (identité de la "
                        "demande).",
                    ).format(organ=match.group(0), sex=patient.sex.label.lower()),
                    statement.place,
                )
            ]
    return []


_LETTER_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _conclusion_shape(report: Report) -> list[Problem]:
    text = report.conclusion.text
    if not text.strip():
        return []  # MISSING_CONCLUSION, blocking, says it
    if len(_LETTER_WORD.findall(text)) <= 1:
        return [
            Problem(
                Rule.ONE_WORD_CONCLUSION,
                QT_TRANSLATE_NOOP(
                    "reporting.consistency",
                    "La conclusion tient en un mot : répond-elle à la question posée ?",
                ),
                ChapterText(Chapter.CONCLUSION),
            )
        ]
    return []


def clinical_question(report: Report) -> str:
    """The question the exam must answer: the order's « Finalité » when given, else the indication."""
    text = report.indication.text
    for line in text.split("\n"):
        if normalise(line).startswith("finalite :"):
            return line.split(":", 1)[1].strip()
    return text


def topics(text: str) -> set[str]:
    normalised = normalise(text)
    return {name for name, pattern in lexicon().topics.items() if pattern.search(normalised)}


def _conclusion_answers(report: Report) -> list[Problem]:
    conclusion = report.conclusion.text
    if len(_LETTER_WORD.findall(conclusion)) <= 1:
        return []
    asked = topics(clinical_question(report))
    if not asked or asked & topics(conclusion) or lexicon().whole_exam_normal.search(normalise(conclusion)):
        return []  # « Examen normal. » answers any question
    return [
        Problem(
            Rule.CONCLUSION_OFF_QUESTION,
            QT_TRANSLATE_NOOP(
                "reporting.consistency",
                "La conclusion ne répond pas à la question clinique (« {question} ») : aucun mot sur "
                "ce qu'elle demande ({topics}).",
            ).format(
                question=_short(clinical_question(report)),
                topics=", ".join(sorted(asked)),
            ),
            ChapterText(Chapter.CONCLUSION),
        )
    ]


def _short(text: str) -> str:
    text = " ".join(text.replace("**", "").replace("__", "").split())
    return text if len(text) <= 100 else text[:97].rstrip() + "…"


def template_of(report: Report, template: ReportTemplate | None) -> ReportTemplate | None:
    """The template to read field lines with: the one given, else the one the report's acts choose."""
    if template is not None:
        return template
    from reporting.templates import template_for_report

    return template_for_report(report)
