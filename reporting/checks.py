"""Pre-sign checks: everything a report must carry before the radiologist can sign it.

Each missing item is an ``Issue`` with a stable code (for the software), a French message (for the
radiologist) and the place the editor jumps to (a typed key of ``reporting.fields``). ``sign``
refuses with exactly the list that ``check`` returns, so what the user saw before clicking is what
blocks.

The messages are made with ``QT_TRANSLATE_NOOP`` (context ``reporting.checks``) and this module
stays Qt-free: each is a French ``str`` that also remembers its template and values
(:class:`~resources.translations.UserText`), so the editor says it again in the interface language.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from reporting import consistency
from reporting.fields import ChapterText, FieldKey, Item, ItemPart, Place
from reporting.model import Chapter, Professional, Report, ReportStatus
from reporting.templates import ReportTemplate
from resources.translations import QT_TRANSLATE_NOOP


class IssueCode(StrEnum):
    ALREADY_SIGNED = "ALREADY_SIGNED"
    MISSING_PATIENT = "MISSING_PATIENT"
    MISSING_INS = "MISSING_INS"
    MISSING_INDICATION = "MISSING_INDICATION"
    MISSING_TECHNIQUE = "MISSING_TECHNIQUE"
    MISSING_RESULTS = "MISSING_RESULTS"
    MISSING_CONCLUSION = "MISSING_CONCLUSION"
    MISSING_ACT = "MISSING_ACT"
    MISSING_ACT_CODE = "MISSING_ACT_CODE"
    MISSING_ACT_LOCALISATION = "MISSING_ACT_LOCALISATION"
    MISSING_DOSE = "MISSING_DOSE"
    MISSING_AUTHOR = "MISSING_AUTHOR"
    INVALID_AUTHOR_ID = "INVALID_AUTHOR_ID"
    MISSING_SITE_DOCTOR = "MISSING_SITE_DOCTOR"
    MISSING_REQUESTER = "MISSING_REQUESTER"
    MISSING_CUSTODIAN = "MISSING_CUSTODIAN"
    MISSING_PLACER_ORDER = "MISSING_PLACER_ORDER"
    MISSING_ACCESSION = "MISSING_ACCESSION"
    MISSING_STUDY_UID = "MISSING_STUDY_UID"
    MISSING_ACT_TIME = "MISSING_ACT_TIME"
    IDENTITY_NOT_CHECKED = "IDENTITY_NOT_CHECKED"
    MISSING_TELERADIOLOGY_MENTION = "MISSING_TELERADIOLOGY_MENTION"
    MISSING_ADDENDUM_TEXT = "MISSING_ADDENDUM_TEXT"
    TEXT_OUTSIDE_CHAPTERS = "TEXT_OUTSIDE_CHAPTERS"  # raised by the Markdown reader, not by check()
    # consistency rules (reporting.consistency, where their levels are documented)
    CONTRADICTED_NORMAL = "CONTRADICTED_NORMAL"
    UNEXPANDED_MACRO = "UNEXPANDED_MACRO"
    URGENT_NOT_COMMUNICATED = "URGENT_NOT_COMMUNICATED"
    LATERALITY_MISMATCH = "LATERALITY_MISMATCH"
    SEX_MISMATCH = "SEX_MISMATCH"
    ONE_WORD_CONCLUSION = "ONE_WORD_CONCLUSION"
    CONCLUSION_OFF_QUESTION = "CONCLUSION_OFF_QUESTION"


@dataclass(frozen=True, slots=True)
class Issue:
    code: IssueCode
    message: str  # French; a UserText, translatable, when made by ``check``
    field: FieldKey  # where the editor takes the radiologist to fix it
    blocking: bool = True  # False: a warning (``warnings``), shown and confirmed, never refusing ``sign``


class SignatureRefused(Exception):
    """Signing was refused; ``issues`` is the list the user has to resolve."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(issue.message for issue in issues))
        self.issues = issues


_CHAPTER_ISSUES = {
    Chapter.INDICATION: (
        IssueCode.MISSING_INDICATION,
        QT_TRANSLATE_NOOP("reporting.checks", "Le chapitre « Indication » est vide."),
    ),
    Chapter.TECHNIQUE: (
        IssueCode.MISSING_TECHNIQUE,
        QT_TRANSLATE_NOOP("reporting.checks", "Le chapitre « Technique » est vide."),
    ),
    Chapter.RESULTS: (
        IssueCode.MISSING_RESULTS,
        QT_TRANSLATE_NOOP("reporting.checks", "Le chapitre « Résultats » est vide."),
    ),
    Chapter.CONCLUSION: (
        IssueCode.MISSING_CONCLUSION,
        QT_TRANSLATE_NOOP("reporting.checks", "La conclusion (« Synthèse / Conclusion ») est vide."),
    ),
}


def check(report: Report, template: ReportTemplate | None = None) -> list[Issue]:
    """Everything missing before signature, in the order of the report, then the blocking consistency
    problems (``reporting.consistency``; ``template`` is the one the report is written with, else the
    one its acts choose, and only tells where a field is)."""
    issues: list[Issue] = []

    def add(code: IssueCode, message: str, field: FieldKey) -> None:
        issues.append(Issue(code, message, field))

    if report.status is ReportStatus.SIGNED:
        add(
            IssueCode.ALREADY_SIGNED,
            QT_TRANSLATE_NOOP(
                "reporting.checks", "Ce compte rendu est déjà signé : créez une nouvelle version."
            ),
            Place.STATUS,
        )
    patient = report.patient
    if patient is None:
        add(
            IssueCode.MISSING_PATIENT,
            QT_TRANSLATE_NOOP("reporting.checks", "L'identité du patient est absente."),
            Place.PATIENT,
        )
    elif (patient.ins is None or not patient.ins.extension) and report.provisional_identity is None:
        add(
            IssueCode.MISSING_INS,
            QT_TRANSLATE_NOOP("reporting.checks", "Le matricule INS du patient est absent."),
            Place.PATIENT_INS,
        )
    if report.identity_check is None or not report.identity_check.verified:
        add(
            IssueCode.IDENTITY_NOT_CHECKED,
            QT_TRANSLATE_NOOP(
                "reporting.checks",
                "La concordance entre l'identité du patient et les images n'a pas été vérifiée.",
            ),
            Place.IDENTITY_CHECK,
        )
    for chapter in Chapter:
        if report.chapter(chapter).is_blank:
            code, message = _CHAPTER_ISSUES[chapter]
            add(code, message, ChapterText(chapter))
    if not report.acts:
        add(
            IssueCode.MISSING_ACT,
            QT_TRANSLATE_NOOP("reporting.checks", "Aucun acte d'imagerie n'est renseigné."),
            Place.ACTS,
        )
    for index, act in enumerate(report.acts):
        if act.loinc is None and act.ccam is None:
            add(
                IssueCode.MISSING_ACT_CODE,
                QT_TRANSLATE_NOOP(
                    "reporting.checks", "L'acte n° {number} n'a ni code CCAM ni code LOINC."
                ).format(number=index + 1),
                Item(Place.ACTS, index, ItemPart.CCAM),
            )
        if act.localisation is None:
            add(
                IssueCode.MISSING_ACT_LOCALISATION,
                QT_TRANSLATE_NOOP(
                    "reporting.checks", "La localisation anatomique de l'acte n° {number} est absente."
                ).format(number=index + 1),
                Item(Place.ACTS, index, ItemPart.LOCALISATION),
            )
    dose_problem = _dose_problem(report)
    if dose_problem:
        add(IssueCode.MISSING_DOSE, dose_problem, Place.DOSE)
    people = report.participants
    if people.author is None:
        add(
            IssueCode.MISSING_AUTHOR,
            QT_TRANSLATE_NOOP(
                "reporting.checks", "Le radiologue auteur du compte rendu n'est pas identifié."
            ),
            Place.AUTHOR,
        )
    elif not _has_national_id(people.author):
        add(
            IssueCode.INVALID_AUTHOR_ID,
            QT_TRANSLATE_NOOP(
                "reporting.checks", "Le numéro RPPS du radiologue auteur est absent ou invalide."
            ),
            Place.AUTHOR_ID,
        )
    if people.site_doctor is None:
        add(
            IssueCode.MISSING_SITE_DOCTOR,
            QT_TRANSLATE_NOOP(
                "reporting.checks",
                "Le médecin responsable de la structure d'imagerie (responsable du document) "
                "n'est pas identifié.",
            ),
            Place.SITE_DOCTOR,
        )
    if people.requester is None:
        add(
            IssueCode.MISSING_REQUESTER,
            QT_TRANSLATE_NOOP("reporting.checks", "Le médecin demandeur n'est pas identifié."),
            Place.REQUESTER,
        )
    if people.custodian is None:
        add(
            IssueCode.MISSING_CUSTODIAN,
            QT_TRANSLATE_NOOP(
                "reporting.checks", "La structure d'imagerie (dépositaire du document) n'est pas identifiée."
            ),
            Place.CUSTODIAN,
        )
    order = report.order
    if order.placer_order is None:
        add(
            IssueCode.MISSING_PLACER_ORDER,
            QT_TRANSLATE_NOOP(
                "reporting.checks", "Le numéro de la demande (Order Placer Number) est absent."
            ),
            Place.PLACER_ORDER,
        )
    if order.accession is None:
        add(
            IssueCode.MISSING_ACCESSION,
            QT_TRANSLATE_NOOP("reporting.checks", "Le numéro d'examen (Accession Number) est absent."),
            Place.ACCESSION,
        )
    if order.study_instance_uid is None:
        add(
            IssueCode.MISSING_STUDY_UID,
            QT_TRANSLATE_NOOP(
                "reporting.checks", "L'identifiant DICOM de l'examen (Study Instance UID) est absent."
            ),
            Place.STUDY_UID,
        )
    if report.act_time is None:
        add(
            IssueCode.MISSING_ACT_TIME,
            QT_TRANSLATE_NOOP("reporting.checks", "La date et l'heure de l'acte sont absentes."),
            Place.ACT_TIME,
        )
    if report.teleradiology and not _mentions_author(report):
        add(
            IssueCode.MISSING_TELERADIOLOGY_MENTION,
            QT_TRANSLATE_NOOP(
                "reporting.checks", "La mention de téléradiologie avec le nom du radiologue est absente."
            ),
            Place.TELERADIOLOGY_MENTION,
        )
    if report.addendum is not None and not report.addendum.text.strip():
        add(
            IssueCode.MISSING_ADDENDUM_TEXT,
            QT_TRANSLATE_NOOP("reporting.checks", "L'addendum est vide."),
            Place.ADDENDUM,
        )
    if report.status is not ReportStatus.SIGNED:
        issues += [i for i in _consistency(report, template) if i.blocking]
    return issues


def warnings(report: Report, template: ReportTemplate | None = None) -> list[Issue]:
    """What looks wrong but may be right (``reporting.consistency``): shown before signing, for the
    radiologist to correct or confirm; never a reason for ``sign`` to refuse."""
    if report.status is ReportStatus.SIGNED:
        return []
    return [i for i in _consistency(report, template) if not i.blocking]


def _consistency(report: Report, template: ReportTemplate | None) -> list[Issue]:
    return [
        Issue(IssueCode(p.rule.value), p.message, p.field, p.level is consistency.Level.BLOCKING)
        for p in consistency.check(report, consistency.template_of(report, template))
    ]


def sign(report: Report, at: datetime, template: ReportTemplate | None = None) -> Report:
    """The signed report, or ``SignatureRefused`` with exactly the issues of ``check``."""
    issues = check(report, template)
    if issues:
        raise SignatureRefused(issues)
    return replace(report, status=ReportStatus.SIGNED, signature_time=at)


# The decree of 22 September 2006 names the quantity each kind of act must report.
_PROJECTION = frozenset({"CR", "DX", "RF", "XA", "IO", "PX"})


def _dose_problem(report: Report) -> str:
    """What the dose lacks for the acts of the report (French), "" when complete or explained."""
    if not report.is_ionising or report.dose_missing_reason.strip():
        return ""
    dose = report.dose
    if dose is None or dose.is_empty:
        return QT_TRANSLATE_NOOP(
            "reporting.checks",
            "Acte irradiant sans dose : importez la dose ou indiquez pourquoi elle manque.",
        )
    modalities = {act.modality.code for act in report.acts}
    if "CT" in modalities and dose.total_dlp_mgy_cm is None:
        return QT_TRANSLATE_NOOP(
            "reporting.checks",
            "Scanner sans PDL total : saisissez le PDL affiché par la console "
            "ou indiquez pourquoi il manque.",
        )
    if modalities & _PROJECTION and dose.total_dap_dgy_cm2 is None:
        return QT_TRANSLATE_NOOP(
            "reporting.checks", "Radiographie sans PDS : saisissez le PDS ou indiquez pourquoi il manque."
        )
    return ""


def _has_national_id(person: Professional) -> bool:
    return len(person.idnat) == 12 and person.idnat.isdigit()


def _mentions_author(report: Report) -> bool:
    author = report.participants.author
    mention = report.teleradiology_mention.strip()
    return bool(mention) and (author is None or author.family.lower() in mention.lower())


# -- diagnostic reference levels ----------------------------------------------------------------
# Shown in the editor beside the checks, never blocking: see reporting.nrd (the comparison and the
# shipped table); re-exported here for the editor, which reads them with the checks.
from reporting.nrd import (  # noqa: E402
    ReferenceLevel,
    ReferenceLevelExceeded,
    above_reference_levels,
    reference_levels,
)

__all__ = ["ReferenceLevel", "ReferenceLevelExceeded", "above_reference_levels", "reference_levels"]
