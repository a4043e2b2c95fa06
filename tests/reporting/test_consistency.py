"""The consistency rules before signing, each with reports that break it and reports that do not,
written on the four demo templates with the negations a French report uses (« pas de », « absence
de », « sans », « ni », « absent », « non visible »)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from reporting import checks, consistency
from reporting.consistency import Level, Rule
from reporting.fields import ChapterText, Place, TemplateValue
from reporting.model import Chapter, Narrative, Report, Sex, Source, UrgentCommunication
from reporting.templates import ReportTemplate, builtin_templates, template_by_id
from tests.reporting.factories import SIGNED_AT, make_draft

TAP = "tlr-tdm-tap-injectee"
HEAD = "tlr-tdm-tete-sans-injection"
CHEST = "tlr-radiographie-thorax"
MR = "tlr-irm-cerebrale"
DEMO_TEMPLATES = (TAP, HEAD, CHEST, MR)


def _report(
    template: ReportTemplate, conclusion: str, results: str | None = None, **fields: object
) -> Report:
    """A complete draft written with ``template``: its pre-filled results unless told otherwise."""
    text = template.default_text(Chapter.RESULTS) if results is None else results
    return make_draft(results=Narrative(text), conclusion=Narrative(conclusion), **fields)


def _rules(report: Report, template: ReportTemplate | None) -> list[tuple[Rule, str]]:
    return [(p.rule, p.field) for p in consistency.check(report, template)]


def test_the_four_demo_templates_are_consistent_as_written() -> None:
    """Pre-filled results with the « nl » conclusion, and the « nl » results macro: nothing to say."""
    assert {t.id for t in builtin_templates()} >= set(DEMO_TEMPLATES)
    for template_id in DEMO_TEMPLATES:
        template = template_by_id(template_id)
        normal = template.macro("nl", Chapter.CONCLUSION).text
        assert _rules(_report(template, normal), template) == [], template_id
        results_nl = template.macro("nl", Chapter.RESULTS)
        if results_nl is not None:
            assert _rules(_report(template, normal, results_nl.text), template) == [], template_id


CONTRADICTIONS = [
    # (template, conclusion, the field that still says the finding is absent)
    (
        TAP,
        "Collection profonde compatible avec un abcès, accessible à un drainage percutané.",
        "resultats-peritoine",
    ),
    (TAP, "Ascite de moyenne abondance.", "resultats-peritoine"),
    (HEAD, "Hématome sous-dural aigu hémisphérique gauche.", "resultats-hemorragie"),
    (CHEST, "Pneumothorax droit de faible abondance.", "resultats-plevre"),
    (CHEST, "Épanchement pleural gauche.", "resultats-plevre"),
    (MR, "Processus expansif frontal gauche.", "resultats-masse"),
    (MR, "Ischémie récente sylvienne gauche.", "resultats-diffusion"),
]


@pytest.mark.parametrize(("template_id", "conclusion", "field_id"), CONTRADICTIONS)
def test_a_normal_pick_list_contradicted_by_the_conclusion_blocks(
    template_id: str, conclusion: str, field_id: str
) -> None:
    template = template_by_id(template_id)
    report = _report(template, conclusion)
    [problem] = [p for p in consistency.check(report, template) if p.rule is Rule.CONTRADICTED_NORMAL]
    assert problem.level is Level.BLOCKING
    assert problem.field == TemplateValue(field_id)
    label = next(f.label for part in template.chapters for f in part.fields if f.id == field_id)
    assert problem.message.startswith(f"Contradiction : « {label} : ")
    assert "alors que la conclusion dit" in problem.message
    issues = checks.check(report, template)
    assert [i.code for i in issues] == [checks.IssueCode.CONTRADICTED_NORMAL]
    with pytest.raises(checks.SignatureRefused):
        checks.sign(report, SIGNED_AT, template)


def test_the_contradiction_in_the_results_text_and_without_the_template() -> None:
    template = template_by_id(TAP)
    results = template.default_text(Chapter.RESULTS) + "\n\nCollection du lit de cholécystectomie de 5 cm."
    report = _report(template, "Abcès sous-hépatique.", results)
    problems = [p for p in consistency.check(report, template) if p.rule is Rule.CONTRADICTED_NORMAL]
    assert [p.field for p in problems] == [TemplateValue("resultats-peritoine")]
    assert "les résultats disent « Collection du lit de cholécystectomie de 5 cm »" in problems[0].message
    # the signing path without a template reads the field lines by their labels
    without = consistency.check(report, None)
    assert [p.rule for p in without if p.level is Level.BLOCKING] == [Rule.CONTRADICTED_NORMAL]


@pytest.mark.parametrize(
    "conclusion",
    [
        "Pas de collection profonde.",
        "Absence de collection intra-abdominale.",
        "Examen sans collection décelable.",
        "Pas d'épanchement ni de collection.",
        "Collection absente.",
        "Collection non visible ce jour.",
        "Pas d’épanchement, pas de collection, pas de pneumopéritoine.",  # typographic apostrophe
        "Pas d'epanchement ni de collection.",  # typed without accents
    ],
)
def test_negated_findings_do_not_contradict(conclusion: str) -> None:
    template = template_by_id(TAP)
    report = _report(template, conclusion)
    assert Rule.CONTRADICTED_NORMAL not in [r for r, _ in _rules(report, template)]


def test_a_negation_ends_where_the_clause_turns() -> None:
    template = template_by_id(TAP)
    for conclusion in (
        "Pas d'épanchement, mais collection du flanc droit.",
        "Pas de pneumopéritoine. Collection.",
    ):
        report = _report(template, conclusion)
        assert (Rule.CONTRADICTED_NORMAL, TemplateValue("resultats-peritoine")) in _rules(report, template), (
            conclusion
        )
    assert consistency.is_negated("sans collection", 5, 15)
    assert consistency.is_negated("pas d'epanchement pleural ni pericardique", 29, 41)
    assert not consistency.is_negated("pas d'epanchement, abces du psoas", 19, 24)


@pytest.mark.parametrize(
    ("results", "contradicted"),
    [
        ("Nodule hépatique du segment VI mesuré à 12 mm.", False),  # the lungs' « pas de nodule » holds
        ("Nodules du foie.", False),
        ("Collection sous-cutanée de la paroi.", False),  # the peritoneum's « pas de collection » holds
        ("Nodule pulmonaire du lobe inférieur droit.", True),
        ("Nodule de 8 mm. Foie hépatique normal.", True),  # the organ word is in another clause
        ("Collection péritonéale du flanc droit.", True),
    ],
)
def test_a_finding_placed_in_another_organ_does_not_contradict_a_section(
    results: str, contradicted: bool
) -> None:
    template = template_by_id(TAP)
    text = template.default_text(Chapter.RESULTS) + "\n\n" + results
    report = _report(template, "Examen à compléter selon les résultats ci-dessus.", text)
    found = [p for p in consistency.check(report, template) if p.rule is Rule.CONTRADICTED_NORMAL]
    assert bool(found) is contradicted, (results, [p.message for p in found])


def test_a_field_changed_from_its_normal_is_no_contradiction() -> None:
    template = template_by_id(TAP)
    results = template.default_text(Chapter.RESULTS).replace(
        "Péritoine : pas d'épanchement, pas de collection, pas de pneumopéritoine",
        "Péritoine : collection péritonéale",
    )
    report = _report(template, "Collection profonde compatible avec un abcès.", results)
    assert Rule.CONTRADICTED_NORMAL not in [r for r, _ in _rules(report, template)]


def test_an_unexpanded_macro_blocks() -> None:
    template = template_by_id(TAP)
    report = _report(template, "coll")
    problems = consistency.check(report, template)
    assert (problems[0].rule, problems[0].field, problems[0].level) == (
        Rule.UNEXPANDED_MACRO,
        ChapterText(Chapter.CONCLUSION),
        Level.BLOCKING,
    )
    assert "« coll »" in problems[0].message
    typed_in_a_sentence = _report(template, "Collection profonde compatible avec un abcès. comp")
    assert Rule.UNEXPANDED_MACRO in [r for r, _ in _rules(typed_in_a_sentence, template)]
    # a keyword that is a word of the language stays a word in a sentence (« sepsis » is TAP's macro)
    with_a_word = _report(
        template, "Pas de foyer infectieux profond expliquant le sepsis.", indication=Narrative("Sepsis")
    )
    assert Rule.UNEXPANDED_MACRO not in [r for r, _ in _rules(with_a_word, template)]
    # the keywords of every template count, whichever template the report is checked with
    assert Rule.UNEXPANDED_MACRO in [r for r, _ in _rules(_report(template, "Examen normal. hsd"), None)]


def test_an_urgent_finding_needs_a_recorded_communication() -> None:
    template = template_by_id(CHEST)
    results = template.default_text(Chapter.RESULTS).replace(
        "Plèvre : pas d'épanchement pleural, pas de pneumothorax", "Plèvre : pneumothorax"
    )
    report = _report(template, "Pneumothorax droit complet.", results)
    [problem] = [p for p in consistency.check(report, template) if p.rule is Rule.URGENT_NOT_COMMUNICATED]
    assert problem.level is Level.WARNING and problem.field is Place.URGENT_COMMUNICATION
    assert checks.warnings(report, template)[0].code is checks.IssueCode.URGENT_NOT_COMMUNICATED
    assert checks.check(report, template) == []  # a warning never refuses the signature
    called = replace(
        report,
        urgent_communication=UrgentCommunication(
            "Dr MARTIN (urgences)", datetime(2026, 1, 6, 19, 10, tzinfo=ZoneInfo("Europe/Paris")), Source.USER
        ),
    )
    assert Rule.URGENT_NOT_COMMUNICATED not in [r for r, _ in _rules(called, template)]
    for negated in (
        "Pas de pneumothorax.",
        "Absence de dissection aortique.",
        "Sans hémorragie intracrânienne.",
    ):
        assert Rule.URGENT_NOT_COMMUNICATED not in [r for r, _ in _rules(_report(template, negated), None)]
    head = template_by_id(HEAD)
    bleeding = head.default_text(Chapter.RESULTS).replace(
        "Hémorragie intracrânienne : absente", "Hémorragie intracrânienne : hémorragie sous-arachnoïdienne"
    )
    urgent = [r for r, _ in _rules(_report(head, "Hémorragie méningée de la convexité.", bleeding), head)]
    assert urgent == [Rule.URGENT_NOT_COMMUNICATED]


def test_laterality_against_the_order() -> None:
    template = template_by_id(TAP)
    order = Narrative(
        "Justification : Douleur de la fosse iliaque droite depuis 18 h.\nFinalité : Appendicite aiguë ?",
        Source.ORDER_HL7,
    )
    wrong = _report(template, "Appendicite aiguë, infiltration de la fosse iliaque gauche.", indication=order)
    [problem] = [p for p in consistency.check(wrong, template) if p.rule is Rule.LATERALITY_MISMATCH]
    assert problem.level is Level.WARNING and problem.field == ChapterText(Chapter.CONCLUSION)
    assert "« fosse iliaque droit »" in problem.message and "« fosse iliaque gauche »" in problem.message
    for right in (
        "Appendicite aiguë de la fosse iliaque droite.",
        "Infiltration des fosses iliaques droite et gauche.",  # the ordered side is there too
        "Appendicite aiguë.",  # no side said
    ):
        report = _report(template, right, indication=order)
        assert Rule.LATERALITY_MISMATCH not in [r for r, _ in _rules(report, template)], right
    head = template_by_id(HEAD)
    without_side = _report(
        head, "Contusion occipitale droite.", indication=Narrative("Chute.", Source.ORDER_HL7)
    )
    assert Rule.LATERALITY_MISMATCH not in [r for r, _ in _rules(without_side, head)]


def test_organs_of_the_other_sex() -> None:
    template = template_by_id(TAP)
    female = make_draft().patient
    assert female is not None and female.sex is Sex.FEMALE
    report = _report(template, "Pas de collection. Hypertrophie prostatique.")
    [problem] = [p for p in consistency.check(report, template) if p.rule is Rule.SEX_MISMATCH]
    assert problem.level is Level.WARNING and "« prostatique »" in problem.message
    assert "féminin" in problem.message
    male = replace(report, patient=replace(female, sex=Sex.MALE))
    assert Rule.SEX_MISMATCH not in [r for r, _ in _rules(male, template)]
    uterus = _report(template, "Utérus et ovaires sans anomalie.")
    assert Rule.SEX_MISMATCH not in [r for r, _ in _rules(uterus, template)]
    assert Rule.SEX_MISMATCH in [
        r for r, _ in _rules(replace(uterus, patient=replace(female, sex=Sex.MALE)), None)
    ]
    unknown = replace(report, patient=replace(female, sex=Sex.UNKNOWN))
    assert Rule.SEX_MISMATCH not in [r for r, _ in _rules(unknown, template)]


def test_a_one_word_conclusion_is_a_warning_and_an_empty_one_blocks() -> None:
    template = template_by_id(HEAD)
    [problem] = consistency.check(_report(template, "Normal."), template)
    assert (problem.rule, problem.level) == (Rule.ONE_WORD_CONCLUSION, Level.WARNING)
    assert _rules(_report(template, "Examen normal."), template) == []
    empty = _report(template, "")
    assert [i.code for i in checks.check(empty, template)] == [checks.IssueCode.MISSING_CONCLUSION]
    assert checks.warnings(empty, template) == []


def test_the_conclusion_answers_the_clinical_question() -> None:
    template = template_by_id(CHEST)
    question = Narrative(
        "Justification : Toux fébrile.\nFinalité : Pneumopathie ? Épanchement pleural ?", Source.ORDER_HL7
    )
    assert consistency.clinical_question(_report(template, "", indication=question)) == (
        "Pneumopathie ? Épanchement pleural ?"
    )
    off = _report(template, "Fracture de l'arc postérieur de la 7e côte.", indication=question)
    [problem] = [p for p in consistency.check(off, template) if p.rule is Rule.CONCLUSION_OFF_QUESTION]
    assert problem.level is Level.WARNING and problem.field == ChapterText(Chapter.CONCLUSION)
    assert "Pneumopathie ? Épanchement pleural ?" in problem.message
    for answer in (
        "Pneumopathie du lobe inférieur droit.",
        "Pas d'épanchement pleural ; pas de foyer.",  # a negative answer answers
        "Radiographie thoracique sans anomalie décelable.",
        "Examen normal.",
    ):
        report = _report(template, answer, indication=question)
        assert Rule.CONCLUSION_OFF_QUESTION not in [r for r, _ in _rules(report, template)], answer
    no_question = _report(template, "Fracture costale.", indication=Narrative("Chute.", Source.ORDER_HL7))
    assert Rule.CONCLUSION_OFF_QUESTION not in [r for r, _ in _rules(no_question, template)]


def test_blocking_problems_come_first_and_a_signed_report_is_not_rechecked() -> None:
    template = template_by_id(TAP)
    report = _report(
        template, "Pneumopéritoine. coll", indication=Narrative("Finalité : douleur", Source.ORDER_HL7)
    )
    levels = [p.level for p in consistency.check(report, template)]
    assert levels == sorted(levels, key=lambda level: level is Level.WARNING)
    assert Level.BLOCKING in levels and Level.WARNING in levels
    fine = _report(template, template.macro("nl", Chapter.CONCLUSION).text)
    signed = checks.sign(fine, SIGNED_AT, template)
    assert checks.warnings(signed, template) == []
