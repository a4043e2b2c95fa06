"""The imaging sites' HL7 v2.5.1 messages of the demo night, per the ANS "Volet Téléradiologie".

Flux 1 (ORM^O01, ORC-1 NW) asks for an exam, flux 2 (ORM^O01, ORC-1 CA) cancels it, flux 4
(OMI^O23, ORC-1 SR) tells what was done once the images exist: its IPC segment carries the
accession number (IPC-1) and the Study Instance UID (IPC-3) that link the order to its images.
They follow the guide's tables and the ANS examples (shared/data/hl7/ansforge-teleradiologie),
are built with hl7apy and written in UTF-8 with "\\r" between segments.

hl7apy (1.3) neither escapes values nor builds an OBX-5 of type "varies" component by component,
so free text goes through :func:`escape` and an OBX-5 is given as its ER7 value, made of escaped
components.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime

from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.core import Group, Message, Segment

from .cases import (
    INS_NAMESPACE,
    INS_NIR_TEST_OID,
    LOINC_OID,
    PLATFORM_APPLICATION,
    PLATFORM_FACILITY,
    RETENTION_DAYS,
    RPPS_NAMESPACE,
    RPPS_OID,
    STRUCTURE_NAMESPACE,
    STRUCTURE_OID,
    Case,
    Coded,
    ContrastRisk,
    Flow,
    Patient,
    Practitioner,
)
from .cases import (
    ScheduledMessage as Planned,
)

VERSION = "2.5.1"
PROFILE = ("1.0", "CISIS_TLR_HL7_V2")
_ESCAPES = (("\\", "\\E\\"), ("|", "\\F\\"), ("^", "\\S\\"), ("&", "\\T\\"), ("~", "\\R\\"))


def escape(text: str) -> str:
    """HL7 escaping of the delimiters (default encoding characters); line breaks as \\.br\\."""
    for char, sequence in _ESCAPES:
        text = text.replace(char, sequence)
    return text.replace("\r\n", "\\.br\\").replace("\n", "\\.br\\")


def _components(*values: str) -> str:
    """An ER7 field value made of escaped components (for OBX-5, whose type hl7apy leaves open)."""
    return "^".join(escape(value) for value in values).rstrip("^")


def _ts(moment: datetime | date) -> str:
    return moment.strftime("%Y%m%d%H%M%S") if isinstance(moment, datetime) else moment.strftime("%Y%m%d")


def control_id(planned: Planned) -> str:
    """MSH-10: unique per sending application."""
    return f"{planned.case.site.control_prefix}-{planned.at:%Y%m%d%H%M%S}"


# --- segments --------------------------------------------------------------------------------------


def _msh(message: Message, planned: Planned, structure: tuple[str, str, str]) -> None:
    msh = message.msh
    site = planned.case.site
    msh.msh_3.hd_1 = site.application
    msh.msh_4.hd_1 = site.facility
    msh.msh_5.hd_1 = PLATFORM_APPLICATION
    msh.msh_6.hd_1 = PLATFORM_FACILITY
    msh.msh_7.ts_1 = _ts(planned.at)
    msh.msh_9.msg_1, msh.msh_9.msg_2, msh.msh_9.msg_3 = structure
    msh.msh_10 = control_id(planned)
    msh.msh_11.pt_1 = "P"
    msh.msh_12.vid_1 = VERSION
    msh.msh_17 = "FRA"
    msh.msh_18 = "UNICODE UTF-8"
    msh.msh_21.ei_1, msh.msh_21.ei_2 = PROFILE


def _pid(pid: Segment, case: Case) -> None:
    """PID per the CI-SIS INS annex: INS and IPP in PID-3, birth traits in the PID-5 of type L, names
    in use in the one of type D, birth place (COG code) in the PID-11 of type BDL, status VALI."""
    patient, site = case.patient, case.site
    if patient.provisional:  # an unknown emergency patient: the site's IPP only, status PROV
        ipp = pid.pid_3
    else:
        ins = pid.pid_3
        ins.cx_1 = patient.ins
        ins.cx_4.hd_1, ins.cx_4.hd_2, ins.cx_4.hd_3 = INS_NAMESPACE, INS_NIR_TEST_OID, "ISO"
        ins.cx_5 = "INS"
        ipp = pid.add_field("PID_3")
    ipp.cx_1 = patient.ipp
    ipp.cx_4.hd_1, ipp.cx_4.hd_2, ipp.cx_4.hd_3 = site.facility, site.ipp_oid, "ISO"
    ipp.cx_5 = "PI"
    legal = pid.pid_5
    legal.xpn_1.fn_1 = escape(patient.birth_name)
    legal.xpn_2 = escape(patient.first_given_name)
    legal.xpn_3 = escape(" ".join(patient.birth_given_names))
    legal.xpn_7 = "L"
    usual = pid.add_field("PID_5")
    usual.xpn_1.fn_1 = escape(patient.used_name)
    usual.xpn_2 = escape(patient.used_given_name)
    usual.xpn_7 = "D"
    pid.pid_7.ts_1 = _ts(patient.birth_date)
    pid.pid_8 = patient.sex.value
    if patient.provisional:  # neither address nor birth place known
        pass
    else:
        home = pid.pid_11
        home.xad_1.sad_1 = escape(patient.address.street)
        home.xad_3 = escape(patient.address.city)
        home.xad_5 = patient.address.zip_code
        home.xad_6 = "FRA"
        home.xad_7 = "H"
        birth_place = pid.add_field("PID_11")
        birth_place.xad_7 = "BDL"
        birth_place.xad_9 = patient.birth_cog
    account = pid.pid_18
    account.cx_1 = case.visit_number
    account.cx_4.hd_1, account.cx_4.hd_2, account.cx_4.hd_3 = site.facility, site.visit_oid, "ISO"
    account.cx_5 = "AN"
    pid.pid_32 = "PROV" if patient.provisional else "VALI"


def _pv1(pv1: Segment, case: Case) -> None:
    """PV1-2, PV1-19, PV1-44 as the guide constrains them, and PV1-8 the requesting physician.

    The guide gives ORC-12/OBR-16 to the site's responsible doctor (PSResponsable) and names no
    field for the médecin demandeur; PV1-8 (Referring Doctor, XCN) is where HL7 v2.5.1 and IHE
    SWF put the physician who asked for the exam, in the same XCN form as ORC-12.
    """
    pv1.pv1_2 = case.patient_class.value
    _practitioner(pv1.pv1_8, case.requester)
    visit = pv1.pv1_19
    visit.cx_1 = case.visit_number
    visit.cx_4.hd_1, visit.cx_4.hd_2, visit.cx_4.hd_3 = case.site.facility, case.site.visit_oid, "ISO"
    visit.cx_5 = "VN"
    pv1.pv1_44.ts_1 = _ts(case.admitted_at)
    pv1.pv1_51 = "V"


def _placer(field: object, case: Case) -> None:
    field.ei_1 = case.placer_order_number  # type: ignore[attr-defined]
    field.ei_3 = case.site.order_oid  # type: ignore[attr-defined]
    field.ei_4 = "ISO"  # type: ignore[attr-defined]


def _practitioner(field: object, who: Practitioner) -> None:
    """XCN with the PS_IdNat under the RPPS OID, as in the guide's examples."""
    field.xcn_1 = who.id_nat  # type: ignore[attr-defined]
    field.xcn_2.fn_1 = escape(who.family)  # type: ignore[attr-defined]
    field.xcn_3 = escape(who.given)  # type: ignore[attr-defined]
    field.xcn_6 = who.title.upper()  # type: ignore[attr-defined]
    authority = field.xcn_9  # type: ignore[attr-defined]
    authority.hd_1, authority.hd_2, authority.hd_3 = RPPS_NAMESPACE, RPPS_OID, "ISO"
    field.xcn_10 = "D"  # type: ignore[attr-defined]
    field.xcn_13 = "IDNPS"  # type: ignore[attr-defined]


def _phone(field: object, number: str) -> None:
    """XTN as in the guide's ORC-14 example: use code, equipment type, unformatted number (XTN-12)."""
    field.xtn_2 = "WPN"  # type: ignore[attr-defined]
    field.xtn_3 = "PH"  # type: ignore[attr-defined]
    field.xtn_12 = number  # type: ignore[attr-defined]


def _site(orc: Segment, case: Case) -> None:
    """ORC-17 (type of organisation) and ORC-21 (the imaging site, by its FINESS)."""
    orc.orc_17.ce_1 = "STRUCTURE_IMAGERIE"
    orc.orc_17.ce_3 = "TLR_TYPE_ORGANISATION"
    facility = orc.orc_21
    facility.xon_1 = escape(case.site.name)
    facility.xon_6.hd_1, facility.xon_6.hd_2, facility.xon_6.hd_3 = STRUCTURE_NAMESPACE, STRUCTURE_OID, "ISO"
    facility.xon_7 = "FINEG"
    facility.xon_10 = case.site.struct_id_nat


def _procedure(obr: Segment, code: str, label: str) -> None:
    obr.obr_4.ce_1 = code
    obr.obr_4.ce_2 = escape(label)
    obr.obr_4.ce_3 = "TLR_OBR_PROCEDURE"


def _obx(
    obx: Segment,
    set_id: int,
    value_type: str,
    observation: Coded,
    value: str,
    status: str,
    sub_id: str = "",
    units: str = "",
    flag: str = "",
) -> None:
    obx.obx_1 = str(set_id)
    obx.obx_2 = value_type
    obx.obx_3.ce_1 = observation.code
    obx.obx_3.ce_2 = escape(observation.label)
    obx.obx_3.ce_3 = observation.system
    if sub_id:
        obx.obx_4 = sub_id
    obx.obx_5 = value
    if units:
        obx.obx_6.ce_1 = units
    if flag:
        obx.obx_8 = flag
    obx.obx_11 = status


def _nte(nte: Segment, text: str, kind: str) -> None:
    nte.nte_3 = escape(text)
    nte.nte_4.ce_1 = kind
    nte.nte_4.ce_3 = "HL70364"


MODALITY = Coded(
    "MODALITE_IMAGERIE", "Modalité d’imagerie utilisée ou prévue pour réaliser l’examen", "TLR_OBSERVATION"
)
REGION = Coded(
    "REGION_ANATOMIQUE",
    "Localisation anatomique examinée dans le cadre de l’examen d’imagerie",
    "TLR_OBSERVATION",
)
HISTORY = Coded("11322-5", "History of General health Narrative", "LN")
HEIGHT = Coded("8302-2", "Body height", "LN")
WEIGHT = Coded("29463-7", "Body weight", "LN")
PREGNANCY = Coded("82810-3", "Pregnancy status", "LN")
# contrast risks: the guide has no place for them; the workstation's local convention (99TLR)
CREATININE = Coded("14682-9", "Creatinine [Moles/volume] in Serum or Plasma", "LN")
EGFR = Coded("62238-1", "Glomerular filtration rate/1.73 sq M.predicted (CKD-EPI)", "LN")
ALLERGIES = Coded("ALLERGIES", "Allergies connues", "99TLR")
METFORMIN = Coded("METFORMINE", "Traitement par metformine", "99TLR")
CONTRAST_REACTION = Coded(
    "REACTION_PRODUIT_CONTRASTE", "Réaction antérieure à un produit de contraste", "99TLR"
)
CONSENT = Coded("CONSENTEMENT", "Information et consentement du patient", "99TLR")
FORCE_MAJEURE = Coded("FORCE_MAJEURE", "Cas de force majeure (consentement non recueilli)", "99TLR")
SITE_INCIDENT = Coded("INCIDENT_ACTE", "Incident technique pendant l'acte", "99TLR")
ADVERSE_EFFECT = Coded("EFFET_INDESIRABLE", "Effet indésirable pendant l'acte", "99TLR")
VIEWER = Coded(
    "URL_PARTIELLE_VIEWER", "URL partielle d’accès à la visionneuse d’imagerie DRIMbox", "TLR_OBSERVATION"
)
ACT = Coded("CODE_ACTE_IMAGERIE", "Code de l'acte d'imagerie réalisée", "TLR_OBSERVATION")
PRODUCT = Coded("PRODUIT_ADMINISTRE", "Produit administré lors de l'examen d'imagerie", "TLR_OBSERVATION")
DEVICE = Coded("APPAREIL_IMAGERIE", "Appareil d'imagerie utilisé lors de l'examen", "TLR_OBSERVATION")


def _coded_value(value: Coded) -> str:
    return _components(value.code, value.label, value.system)


def _observations(detail: Group, group_name: str, items: Iterable[tuple]) -> None:
    for set_id, item in enumerate(items, start=1):
        observation, note = item[0], item[1]
        group = detail.add_group(group_name)
        _obx(group.add_segment("OBX"), set_id, *observation)
        if note:
            _nte(group.add_segment("NTE"), note, "MODALITE_IMAGERIE")


def _patient(message: Message, prefix: str, case: Case) -> None:
    patient = message.add_group(f"{prefix}_PATIENT")
    _pid(patient.add_segment("PID"), case)
    _pv1(patient.add_group(f"{prefix}_PATIENT_VISIT").add_segment("PV1"), case)


def _new(planned: Planned, structure: tuple[str, str, str]) -> Message:
    message = Message(structure[2], version=VERSION, validation_level=VALIDATION_LEVEL.TOLERANT)
    _msh(message, planned, structure)
    return message


# --- the three flows -------------------------------------------------------------------------------


def request(planned: Planned) -> Message:
    """Flux 1: ORM^O01, new order."""
    case = planned.case
    message = _new(planned, ("ORM", "O01", "ORM_O01"))
    _patient(message, "ORM_O01", case)
    order = message.add_group("ORM_O01_ORDER")
    orc = order.add_segment("ORC")
    orc.orc_1 = "NW"
    _placer(orc.orc_2, case)
    orc.orc_7.tq_6 = case.priority.value
    orc.orc_9.ts_1 = _ts(case.requested_at)
    _practitioner(orc.orc_12, case.responsible)
    _phone(orc.orc_14, case.site.phone)  # "to obtain details on the order": the imaging site
    _site(orc, case)
    detail = order.add_group("ORM_O01_ORDER_DETAIL")
    obr = detail.add_group("ORM_O01_OBRRQDRQ1RXOODSODT_SUPPGRP").add_segment("OBR")
    _placer(obr.obr_2, case)
    _procedure(obr, "TRANSMISSION_DEMANDE", "Transmission d’une demande d’examen d'imagerie")
    obr.obr_13 = escape(case.clinical_information)
    _practitioner(obr.obr_16, case.responsible)  # "identique à l'ORC-12"
    if case.requester.phone:
        # OBR-17 Order Callback Phone Number (HL7: where to report a status or result; the guide
        # leaves it unconstrained): the requester, whom an urgent finding must reach at once.
        _phone(obr.obr_17, case.requester.phone)
    obr.obr_27.tq_6 = case.priority.value
    _nte(detail.add_segment("NTE"), case.purpose, "FINALITE_EXAMEN")
    items: list[tuple] = [((("CE", MODALITY, _coded_value(case.modality), "O")), case.modality_comment)]
    for n, region in enumerate(case.regions, start=1):
        items.append((("CE", REGION, _coded_value(region.region), "O", f"{n}.1"), ""))
        if region.precision is not None:
            items.append((("CE", REGION, _coded_value(region.precision), "O", f"{n}.2"), ""))
    items.append((("FT", HISTORY, escape(case.history), "O", "", "", case.history_relevance), ""))
    items.append((("NM", HEIGHT, str(case.patient.height_cm), "O", "", "cm"), ""))
    items.append((("NM", WEIGHT, str(case.patient.weight_kg), "O", "", "kg"), ""))
    if case.pregnancy is not None:
        items.append((("CE", PREGNANCY, _components(case.pregnancy, "", "expandedYes-NoIndicator"), "O"), ""))
    if case.contrast_risk is not None:
        items += _contrast_items(case.contrast_risk)
    if case.consent is not None:
        answer = ("Y", "Oui") if case.consent == "Y" else ("N", "Non")
        items.append((("CE", CONSENT, _components(*answer, "HL70136"), "F"), ""))
    if case.force_majeure:
        items.append((("TX", FORCE_MAJEURE, escape(case.force_majeure), "F"), ""))
    _observations(detail, "ORM_O01_OBSERVATION", items)
    if case.contrast_risk is not None:  # OBX-14: when the renal function was measured
        when = _ts(case.contrast_risk.measured_at)
        for group in detail.children.get("ORM_O01_OBSERVATION") or []:
            obx = group.children.get("OBX")[0]
            if obx.obx_3.ce_1.value in (CREATININE.code, EGFR.code):
                obx.obx_14 = when
    return message


def _contrast_items(risk: ContrastRisk) -> list[tuple]:
    metformin = ("Y", "Oui", "HL70136") if risk.metformin else ("N", "Non", "HL70136")
    reaction = (
        ("TX", CONTRAST_REACTION, escape(risk.previous_reaction), "F")
        if risk.previous_reaction
        else ("CE", CONTRAST_REACTION, _components("N", "Non", "HL70136"), "F")
    )
    return [
        (("NM", CREATININE, str(risk.creatinine_umol_l), "F", "", "umol/L"), ""),
        (("NM", EGFR, str(risk.egfr_ml_min), "F", "", "mL/min/1.73m2"), ""),
        (("TX", ALLERGIES, escape(risk.allergies), "F"), ""),
        (("CE", METFORMIN, _components(*metformin), "F"), ""),
        (reaction, ""),
    ]


def cancellation(planned: Planned) -> Message:
    """Flux 2: ORM^O01 with ORC-1 CA and the reason in ORC-16."""
    case = planned.case
    assert case.cancellation is not None
    message = _new(planned, ("ORM", "O01", "ORM_O01"))
    _patient(message, "ORM_O01", case)
    order = message.add_group("ORM_O01_ORDER")
    orc = order.add_segment("ORC")
    orc.orc_1 = "CA"
    _placer(orc.orc_2, case)
    orc.orc_9.ts_1 = _ts(case.cancellation.at)
    _practitioner(orc.orc_12, case.responsible)
    orc.orc_16.ce_2 = escape(case.cancellation.reason)
    _site(orc, case)
    detail = order.add_group("ORM_O01_ORDER_DETAIL")
    obr = detail.add_group("ORM_O01_OBRRQDRQ1RXOODSODT_SUPPGRP").add_segment("OBR")
    _placer(obr.obr_2, case)
    _procedure(obr, "ANNULATION_DEMANDE", "Annulation d’une demande d’examen")
    _practitioner(obr.obr_16, case.responsible)
    return message


def viewer_url(case: Case) -> str:
    """The partial DRIMbox viewer URL: the report's identifier is appended by the platform."""
    query = f"StudyInstanceUID={case.study_instance_uid}&AccessionNumber={case.accession_number}&idCR="
    return f"{case.site.drimbox}?{query}"


def complement(planned: Planned) -> Message:
    """Flux 4: OMI^O23 after the exam, with the study's identifiers in IPC."""
    case = planned.case
    exam = case.exam
    assert exam is not None
    message = _new(planned, ("OMI", "O23", "OMI_O23"))
    _patient(message, "OMI_O23", case)
    order = message.add_group("OMI_O23_ORDER")
    orc = order.add_segment("ORC")
    orc.orc_1 = "SR"
    _placer(orc.orc_2, case)
    tq1 = order.add_group("OMI_O23_TIMING").add_segment("TQ1")
    tq1.tq1_6.cq_1 = str(RETENTION_DAYS)
    tq1.tq1_6.cq_2.ce_1 = "jours"
    tq1.tq1_7.ts_1 = _ts(exam.performed_at)
    obr = order.add_segment("OBR")
    _placer(obr.obr_2, case)
    _procedure(obr, "COMPLEMENT_POST_ACTE", "Transmission d'un complément d’information post-examen")
    url = base64.b64encode(viewer_url(case).encode("utf-8")).decode("ascii")
    items: list[tuple] = [
        ("ED", VIEWER, _components("", "TEXT", "", "Base64", url), "F"),
        ("CE", ACT, _coded_value(exam.act), "F"),
    ]
    for n, region in enumerate(case.regions, start=1):
        items.append(("CE", REGION, _coded_value(region.region), "F", f"{n}.1"))
        if region.precision is not None:
            items.append(("CE", REGION, _coded_value(region.precision), "F", f"{n}.2"))
    items.append(("CE", MODALITY, _coded_value(case.modality), "F"))
    if exam.product is not None:
        items += [
            ("CE", PRODUCT, _coded_value(exam.product.atc), "F", "1.1"),
            ("NM", PRODUCT, exam.product.lot, "F", "1.2"),
            ("NM", PRODUCT, str(exam.product.volume_ml), "F", "1.3", "ml"),
        ]
    for adverse, text in case.site_incidents:
        items.append(("TX", ADVERSE_EFFECT if adverse else SITE_INCIDENT, escape(text), "F"))
    items += [
        ("TX", DEVICE, escape(exam.device.udi), "F", "1.1"),
        ("TX", DEVICE, escape(f"{exam.device.manufacturer} {exam.device.model}"), "F", "1.2"),
    ]
    _observations(order, "OMI_O23_OBSERVATION", ((item, "") for item in items))
    ipc = order.add_segment("IPC")
    ipc.ipc_1.ei_1 = case.accession_number
    ipc.ipc_1.ei_3 = case.site.accession_oid
    ipc.ipc_1.ei_4 = "ISO"
    for field in (ipc.ipc_2, ipc.ipc_4):
        field.ei_1 = exam.act.code
        field.ei_3 = LOINC_OID
        field.ei_4 = "ISO"
    ipc.ipc_3.ei_1 = case.study_instance_uid
    return message


def identity_update(case: Case, identified: Patient, at: datetime) -> bytes:
    """Issue 23: the flux 4 a site sends again for the same order and study once the patient first
    sent on a provisional identity is identified: the same complement, its PID now the qualified
    identity (INS and IPP in PID-3, PID-32 QUAL). The guide has no identity-update flow (its PID
    follows PAM-FR, whose ADT^A31 names no order): see ``teleplatform.workflow``."""
    qualified = replace(case, patient=replace(identified, provisional=False))
    message = complement(Planned(at, qualified, Flow.COMPLEMENT))
    message.omi_o23_patient.pid.pid_32 = "QUAL"
    return (message.to_er7() + "\r").encode("utf-8")


def render(planned: Planned) -> bytes:
    """The message as the site sends it: ER7, "\\r" after each segment, UTF-8."""
    build = {Flow.REQUEST: request, Flow.CANCELLATION: cancellation, Flow.COMPLEMENT: complement}[
        planned.flow
    ]
    return (build(planned).to_er7() + "\r").encode("utf-8")
