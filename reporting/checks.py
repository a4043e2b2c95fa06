"""Pre-sign checks: everything a report must carry before the radiologist can sign it.

Each missing item is an ``Issue`` with a stable code (for the software), a French message (for the
radiologist) and the field path the editor jumps to. ``sign`` refuses with exactly the list that
``check`` returns, so what the user saw before clicking is what blocks.

The messages are made with ``QT_TRANSLATE_NOOP`` (context ``reporting.checks``) and this module
stays Qt-free: each is a French ``str`` that also remembers its template and values
(:class:`~resources.translations.UserText`), so the editor says it again in the interface language.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib import resources

from reporting import consistency
from reporting.cda import format_text
from reporting.model import Chapter, DoseKind, DoseReport, Professional, Report, ReportStatus
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
    field: str
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

    def add(code: IssueCode, message: str, field: str) -> None:
        issues.append(Issue(code, message, field))

    if report.status is ReportStatus.SIGNED:
        add(
            IssueCode.ALREADY_SIGNED,
            QT_TRANSLATE_NOOP(
                "reporting.checks", "Ce compte rendu est déjà signé : créez une nouvelle version."
            ),
            "status",
        )
    patient = report.patient
    if patient is None:
        add(
            IssueCode.MISSING_PATIENT,
            QT_TRANSLATE_NOOP("reporting.checks", "L'identité du patient est absente."),
            "patient",
        )
    elif (patient.ins is None or not patient.ins.extension) and report.provisional_identity is None:
        add(
            IssueCode.MISSING_INS,
            QT_TRANSLATE_NOOP("reporting.checks", "Le matricule INS du patient est absent."),
            "patient.ins",
        )
    if report.identity_check is None or not report.identity_check.verified:
        add(
            IssueCode.IDENTITY_NOT_CHECKED,
            QT_TRANSLATE_NOOP(
                "reporting.checks",
                "La concordance entre l'identité du patient et les images n'a pas été vérifiée.",
            ),
            "identity_check",
        )
    for chapter in Chapter:
        if report.chapter(chapter).is_blank:
            code, message = _CHAPTER_ISSUES[chapter]
            add(code, message, f"chapters.{chapter.attribute}")
    if not report.acts:
        add(
            IssueCode.MISSING_ACT,
            QT_TRANSLATE_NOOP("reporting.checks", "Aucun acte d'imagerie n'est renseigné."),
            "acts",
        )
    for index, act in enumerate(report.acts):
        if act.loinc is None and act.ccam is None:
            add(
                IssueCode.MISSING_ACT_CODE,
                QT_TRANSLATE_NOOP(
                    "reporting.checks", "L'acte n° {number} n'a ni code CCAM ni code LOINC."
                ).format(number=index + 1),
                f"acts[{index}].ccam",
            )
        if act.localisation is None:
            add(
                IssueCode.MISSING_ACT_LOCALISATION,
                QT_TRANSLATE_NOOP(
                    "reporting.checks", "La localisation anatomique de l'acte n° {number} est absente."
                ).format(number=index + 1),
                f"acts[{index}].localisation",
            )
    dose_problem = _dose_problem(report)
    if dose_problem:
        add(IssueCode.MISSING_DOSE, dose_problem, "dose")
    people = report.participants
    if people.author is None:
        add(
            IssueCode.MISSING_AUTHOR,
            QT_TRANSLATE_NOOP(
                "reporting.checks", "Le radiologue auteur du compte rendu n'est pas identifié."
            ),
            "participants.author",
        )
    elif not _has_national_id(people.author):
        add(
            IssueCode.INVALID_AUTHOR_ID,
            QT_TRANSLATE_NOOP(
                "reporting.checks", "Le numéro RPPS du radiologue auteur est absent ou invalide."
            ),
            "participants.author.idnat",
        )
    if people.site_doctor is None:
        add(
            IssueCode.MISSING_SITE_DOCTOR,
            QT_TRANSLATE_NOOP(
                "reporting.checks",
                "Le médecin responsable de la structure d'imagerie (responsable du document) "
                "n'est pas identifié.",
            ),
            "participants.site_doctor",
        )
    if people.requester is None:
        add(
            IssueCode.MISSING_REQUESTER,
            QT_TRANSLATE_NOOP("reporting.checks", "Le médecin demandeur n'est pas identifié."),
            "participants.requester",
        )
    if people.custodian is None:
        add(
            IssueCode.MISSING_CUSTODIAN,
            QT_TRANSLATE_NOOP(
                "reporting.checks", "La structure d'imagerie (dépositaire du document) n'est pas identifiée."
            ),
            "participants.custodian",
        )
    order = report.order
    if order.placer_order is None:
        add(
            IssueCode.MISSING_PLACER_ORDER,
            QT_TRANSLATE_NOOP(
                "reporting.checks", "Le numéro de la demande (Order Placer Number) est absent."
            ),
            "order.placer_order",
        )
    if order.accession is None:
        add(
            IssueCode.MISSING_ACCESSION,
            QT_TRANSLATE_NOOP("reporting.checks", "Le numéro d'examen (Accession Number) est absent."),
            "order.accession",
        )
    if order.study_instance_uid is None:
        add(
            IssueCode.MISSING_STUDY_UID,
            QT_TRANSLATE_NOOP(
                "reporting.checks", "L'identifiant DICOM de l'examen (Study Instance UID) est absent."
            ),
            "order.study_instance_uid",
        )
    if report.act_time is None:
        add(
            IssueCode.MISSING_ACT_TIME,
            QT_TRANSLATE_NOOP("reporting.checks", "La date et l'heure de l'acte sont absentes."),
            "act_time",
        )
    if report.teleradiology and not _mentions_author(report):
        add(
            IssueCode.MISSING_TELERADIOLOGY_MENTION,
            QT_TRANSLATE_NOOP(
                "reporting.checks", "La mention de téléradiologie avec le nom du radiologue est absente."
            ),
            "teleradiology_mention",
        )
    if report.addendum is not None and not report.addendum.text.strip():
        add(
            IssueCode.MISSING_ADDENDUM_TEXT,
            QT_TRANSLATE_NOOP("reporting.checks", "L'addendum est vide."),
            "addendum",
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
# Shown in the editor beside the checks, never blocking and never written silently into the report:
# exceeding a NRD calls for the radiologist's attention (and, if they wish, a comment in the report).

_QUANTITY_TO_DGY_CM2 = {"mGy.cm2": Decimal("0.01"), "dGy.cm2": Decimal(1), "Gy.cm2": Decimal(10)}


@dataclass(frozen=True, slots=True)
class ReferenceLevel:
    """One row of the French NRD table (arrêté du 23 mai 2019) with the act codes it applies to."""

    id: str
    label: str
    quantity: str
    unit: str
    per: str
    nrd: Decimal
    vgd: Decimal | None
    modalities: frozenset[str]
    loinc: frozenset[str]
    ccam: frozenset[str]


@dataclass(frozen=True, slots=True)
class ReferenceLevelExceeded:
    """A dose value above its diagnostic reference level; ``message`` is French (a UserText)."""

    level: ReferenceLevel
    value: Decimal  # in the level's unit
    where: str
    message: str


@cache
def reference_levels() -> tuple[str, tuple[ReferenceLevel, ...]]:
    """The shipped NRD table: its source sentence and its levels."""
    table = resources.files("resources.dose").joinpath("niveaux_reference_diagnostiques.json")
    text = table.read_text("utf-8")
    data = json.loads(text)
    levels = tuple(
        ReferenceLevel(
            id=row["id"],
            label=row["label"],
            quantity=row["quantity"],
            unit=row["unit"],
            per=row["per"],
            nrd=Decimal(row["nrd"]),
            vgd=Decimal(row["vgd"]) if row.get("vgd") else None,
            modalities=frozenset(row["modalities"]),
            loinc=frozenset(row["loinc"]),
            ccam=frozenset(row["ccam"]),
        )
        for row in data["levels"]
    )
    return f"{data['source']}, {data['date']}", levels


def above_reference_levels(report: Report) -> list[ReferenceLevelExceeded]:
    """The dose values of the report above the NRD of its acts (per incidence for radiographs)."""
    dose = report.dose
    if dose is None or dose.is_empty:
        return []
    _, levels = reference_levels()
    found: list[ReferenceLevelExceeded] = []
    for act in report.acts:
        codes_loinc = {act.loinc.code} if act.loinc else set()
        codes_ccam = {act.ccam.code} if act.ccam else set()
        for level in levels:
            if not (level.loinc & codes_loinc or level.ccam & codes_ccam):
                continue
            if level.modalities and act.modality.code not in level.modalities:
                continue
            for value, where in _values_for(level, dose):
                if value > level.nrd:
                    found.append(
                        ReferenceLevelExceeded(
                            level,
                            value,
                            where,
                            QT_TRANSLATE_NOOP(
                                "reporting.checks",
                                "{quantity} {value} {unit}{where} au-dessus du niveau de référence "
                                "diagnostique « {act} » ({level} {unit}, arrêté du 23 mai 2019) : "
                                "à commenter dans le compte rendu si besoin.",
                            ).format(
                                quantity=level.quantity,
                                value=format_text(value, 1),
                                unit=level.unit.replace(".", "·").replace("2", "²"),
                                where=f" ({where})" if where else "",
                                act=level.label,
                                level=format_text(level.nrd, 0),
                            ),
                        )
                    )
    return found


def _values_for(level: ReferenceLevel, dose: DoseReport) -> list[tuple[Decimal, str]]:
    """The values of the examination comparable with a level, converted into the level's unit."""
    if level.quantity == "PDS" and level.unit in _QUANTITY_TO_DGY_CM2:
        factor = _QUANTITY_TO_DGY_CM2[level.unit]
        events = dose.of_kind(DoseKind.DAP_EVENT)
        if level.per == "incidence" and events:
            return [(event.value / factor, event.label) for event in events]
        if dose.total_dap_dgy_cm2 is not None:
            return [(dose.total_dap_dgy_cm2.value / factor, "")]
    return []
