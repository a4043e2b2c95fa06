"""Compose a draft report from its sources: the site's order and complement, the images, the
radiologist's text. Each value keeps the source it came from; nothing is invented, so what the
sources lack is left empty for the pre-sign checks to list.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from reporting import terminology
from reporting.dose import dose_from_datasets
from reporting.markdown import ParsedChapters
from reporting.model import (
    TECHNOLOGIST,
    Act,
    Chapter,
    Code,
    DoseReport,
    Equipment,
    IdentityCheck,
    Incident,
    Narrative,
    OrderReferences,
    Participants,
    Professional,
    Report,
    Source,
    Sourced,
    idnat_from_rpps,
    new_draft,
)
from reporting.order import SiteMessage, modality_code
from reporting.study import StudyScan, check_identity
from resources.translations import QT_TRANSLATE_NOOP


@dataclass(frozen=True, slots=True)
class DraftInputs:
    order: SiteMessage
    author: Professional
    chapters: ParsedChapters
    now: datetime
    complement: SiteMessage | None = None
    scan: StudyScan | None = None
    ccam_acts: tuple[Code, ...] = ()
    requester: Professional | None = None
    identity_checked_by_user: bool = False
    dose_missing_reason: str = ""
    typed_dlp_mgy_cm: Decimal | None = None  # read by the radiologist on the console's dose screen
    typed_dap_dgy_cm2: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Draft:
    report: Report
    warnings: tuple[str, ...] = field(default=())  # French, for the radiologist


def compose(inputs: DraftInputs) -> Draft:
    order, complement, scan = inputs.order, inputs.complement, inputs.scan
    warnings: list[str] = list(order.warnings) + list(complement.warnings if complement else ())
    patient = order.patient or (complement.patient if complement else None)
    dose: DoseReport | None = dose_from_datasets(scan.items) if scan is not None else None
    if dose is not None:
        warnings.extend(dose.warnings)
    if complement is not None and complement.equipment_model and (dose is None or dose.equipment is None):
        equipment = Equipment("", complement.equipment_model, Source.COMPLEMENT_HL7)
        dose = replace(dose, equipment=equipment) if dose is not None else DoseReport(equipment=equipment)
    dose = _typed_dose(dose, inputs, warnings)
    validator = order.radiologist
    if validator is not None and validator.idnat and validator.idnat != inputs.author.idnat:
        warnings.append("Le radiologue qui rédige n'est pas celui qui a validé la demande (ORC-11).")
    references = _references(order, complement, scan, warnings)
    identity = None
    if inputs.identity_checked_by_user:
        identity = IdentityCheck(True, Source.USER, inputs.now, "vérifiée par le radiologue")
    elif patient is not None and scan is not None:
        identity = check_identity(patient, scan, inputs.now)
        if not identity.verified:
            warnings.append(f"Identité non vérifiée automatiquement : {identity.detail}.")
    site = order.site or (complement.site if complement else None)
    site_doctor = order.site_doctor or (complement.site_doctor if complement else None)
    if site_doctor is not None and site is not None and site_doctor.organization is None:
        site_doctor = replace(site_doctor, organization=site)
    act_time = None
    if complement is not None and complement.act_time is not None:
        act_time = Sourced(complement.act_time, Source.COMPLEMENT_HL7, "TQ1-7")
    elif scan is not None and scan.acquired_at is not None:
        act_time = Sourced(
            scan.acquired_at,
            Source.DICOM_HEADER,
            QT_TRANSLATE_NOOP("reporting.Sourced", "date d'acquisition des images"),
        )
    report = new_draft(
        patient=patient,
        participants=Participants(
            author=inputs.author,
            site_doctor=site_doctor,
            requester=inputs.requester or order.requester,
            technologist=_technologist(scan),
            custodian=site,
        ),
        order=references,
        acts=_acts(order, complement, scan, inputs.ccam_acts),
        products=complement.products if complement else (),
        dose=dose,
        dose_missing_reason=inputs.dose_missing_reason,
        indication=_indication(order, inputs.chapters),
        technique=Narrative(inputs.chapters.chapters.get(Chapter.TECHNIQUE, ""), Source.USER),
        results=Narrative(inputs.chapters.chapters.get(Chapter.RESULTS, ""), Source.USER),
        conclusion=Narrative(inputs.chapters.chapters.get(Chapter.CONCLUSION, ""), Source.USER),
        history=Narrative(order.history, order.source),
        pregnant=Sourced(order.pregnant, order.source) if order.pregnant is not None else None,
        images=scan.images if scan is not None else (),
        viewer_url=complement.viewer_url if complement is not None else "",
        incidents=tuple(Incident(text, Source.COMPLEMENT_HL7) for text in complement.site_incidents)
        if complement is not None
        else (),  # offered to the report: the radiologist may edit or remove them
        identity_check=identity,
        exposure_justification=order.justified_by,
        act_time=act_time,
        act_end_time=_act_end(act_time, scan),
        interpretation_time=Sourced(
            inputs.now, Source.COMPUTED, QT_TRANSLATE_NOOP("reporting.Sourced", "ouverture de l'examen")
        ),
        order_justification=_justification(order),
    )
    return Draft(report, tuple(dict.fromkeys(warnings)))


def with_whole_study(report: Report, partial: StudyScan, whole: StudyScan) -> Report:
    """The facts a draft read from the images, read again from all of them: a study streamed in
    reading order (issue 24) opens on part of its images, and what is signed must describe the whole
    exam (the image references, the first and last acquisitions, the technologist). References added
    since the draft (key images, presentation states) are kept."""
    added = tuple(ref for ref in report.images if ref not in partial.images)
    act_time = report.act_time
    if act_time is not None and act_time.source is Source.DICOM_HEADER and whole.acquired_at is not None:
        act_time = replace(act_time, value=whole.acquired_at)
    technologist = report.participants.technologist
    if technologist is None:
        technologist = _technologist(whole)
    return replace(
        report,
        images=tuple(dict.fromkeys(whole.images + added)),
        act_time=act_time,
        act_end_time=_act_end(act_time, whole) if report.act_end_time is None
        or report.act_end_time.source is Source.DICOM_HEADER else report.act_end_time,
        participants=replace(report.participants, technologist=technologist),
    )


def _technologist(scan: StudyScan | None) -> Professional | None:
    """The technologist who ran the acquisition: Operators' Name (0008,1070) of the images, the first
    one when several are named (the report has one technologist); no national identifier there."""
    if scan is None:
        return None
    # a value without a letter (a "----" some modalities write for no operator) names nobody
    named = [name for name in scan.operators if any(c.isalpha() for c in name.partition("^")[0])]
    if not named:
        return None
    family, _, rest = named[0].partition("^")
    given = rest.split("^")[0]
    return Professional("", family.strip(), given.strip(), Source.DICOM_HEADER, profession=TECHNOLOGIST)


def _act_end(start: Sourced[datetime] | None, scan: StudyScan | None) -> Sourced[datetime] | None:
    """The end of the act: the last image acquired. Left out when it would come before the start
    (the modality's clock and the site's RIS disagree): a wrong interval is worse than none."""
    if scan is None or scan.acquired_until is None:
        return None
    if start is not None and scan.acquired_until < start.value:
        return None
    return Sourced(
        scan.acquired_until,
        Source.DICOM_HEADER,
        QT_TRANSLATE_NOOP("reporting.Sourced", "acquisition de la dernière image"),
    )


def _justification(order: SiteMessage) -> Narrative:
    """The order's clinical justification (OBR-13) and purpose, as the requester wrote them."""
    lines = []
    if order.justification:
        lines.append(f"Justification : {order.justification}")
    if order.purpose:
        lines.append(f"Finalité : {order.purpose}")
    if order.consent:
        lines.append(f"Information et consentement : {order.consent}")
    return Narrative("\n".join(lines), order.source)


def _typed_dose(dose: DoseReport | None, inputs: DraftInputs, warnings: list[str]) -> DoseReport | None:
    """Values the radiologist typed fill what the images lack; they never replace a measured value."""
    typed = QT_TRANSLATE_NOOP("reporting.Sourced", "saisi par le radiologue")
    if inputs.typed_dlp_mgy_cm is not None:
        if dose is not None and dose.total_dlp_mgy_cm is not None:
            warnings.append("PDL saisi ignoré : les images donnent déjà le PDL total.")
        else:
            value = Sourced(inputs.typed_dlp_mgy_cm, Source.USER, typed)
            dose = replace(dose or DoseReport(), total_dlp_mgy_cm=value)
    if inputs.typed_dap_dgy_cm2 is not None:
        if dose is not None and dose.total_dap_dgy_cm2 is not None:
            warnings.append("PDS saisi ignoré : les images donnent déjà le PDS total.")
        else:
            value = Sourced(inputs.typed_dap_dgy_cm2, Source.USER, typed)
            dose = replace(dose or DoseReport(), total_dap_dgy_cm2=value)
    return dose


def _references(
    order: SiteMessage, complement: SiteMessage | None, scan: StudyScan | None, warnings: list[str]
) -> OrderReferences:
    placer = None
    if order.placer_order is not None:
        placer = Sourced(order.placer_order, order.source, "ORC-2")
    accession = None
    if complement is not None and complement.accession is not None:
        accession = Sourced(complement.accession, Source.COMPLEMENT_HL7, "IPC-1")
    study: Sourced[str] | None = None
    if complement is not None and complement.study_instance_uid:
        study = Sourced(complement.study_instance_uid, Source.COMPLEMENT_HL7, "IPC-3")
    elif scan is not None and len(scan.study_uids) == 1:
        study = Sourced(
            scan.study_uids[0],
            Source.DICOM_HEADER,
            QT_TRANSLATE_NOOP("reporting.Sourced", "Study Instance UID des images"),
        )
    if scan is not None and study is not None and scan.study_uids and study.value not in scan.study_uids:
        warnings.append(
            "Les images ne correspondent pas à l'examen annoncé par la structure (Study Instance UID)."
        )
    if scan is not None and len(scan.study_uids) > 1:
        warnings.append("Les images lues appartiennent à plusieurs examens.")
    if (
        placer is not None
        and complement is not None
        and complement.placer_order not in (None, order.placer_order)
    ):
        warnings.append("Le complément post-examen ne porte pas le même numéro de demande que la demande.")
    return OrderReferences(
        placer_order=placer,
        accession=accession,
        study_instance_uid=study,
        encounter_class=order.encounter_class,
        visit=order.visit,
        requested_at=Sourced(order.requested_at, order.source, "ORC-9") if order.requested_at else None,
    )


def _acts(
    order: SiteMessage, complement: SiteMessage | None, scan: StudyScan | None, ccam: tuple[Code, ...]
) -> tuple[Act, ...]:
    """One act per LOINC act code of the complement (or per CCAM code typed), with its modality."""
    modality, source = None, Source.USER
    for candidate, candidate_source in (
        (complement.modality if complement else "", Source.COMPLEMENT_HL7),
        (scan.modalities[0] if scan is not None and scan.modalities else "", Source.DICOM_HEADER),
        (order.modality, order.source),
    ):
        modality = modality_code(candidate)
        if modality is not None:
            source = candidate_source
            break
    if modality is None:
        return ()
    # the complement says what was done; the order what was asked: every region of the one that has any
    regions = (complement.regions if complement else ()) or order.regions
    if not regions:
        region = (complement.region if complement else None) or order.region
        regions = (region,) if region is not None else ()
    found = (terminology.localisation(r.code) for r in regions)
    localisations = tuple(dict.fromkeys(place for place in found if place is not None))
    loinc = complement.act if complement is not None else None
    codes: list[Code | None] = [*ccam] or [None]
    return tuple(
        Act(
            modality=modality,
            source=source,
            loinc=loinc,
            ccam=code,
            region=regions[0] if regions else None,
            localisation=localisations[0] if localisations else None,
            extra_regions=tuple(regions[1:]),
            extra_localisations=localisations[1:],
        )
        for code in codes
        if loinc is not None or code is not None
    )


def _indication(order: SiteMessage, chapters: ParsedChapters) -> Narrative:
    typed = chapters.chapters.get(Chapter.INDICATION, "")
    if typed.strip():
        return Narrative(typed, Source.USER)
    return _justification(order)


def parse_professional(text: str, source: Source = Source.USER, **extra: object) -> Professional:
    """``"RPPS NOM Prénom"`` as typed on the command line (the first names may contain spaces)."""
    parts = text.split()
    if len(parts) < 3:
        raise ValueError("expected 'RPPS NOM Prénom'")
    return Professional(idnat_from_rpps(parts[0]), parts[1], " ".join(parts[2:]), source, **extra)  # type: ignore[arg-type]
