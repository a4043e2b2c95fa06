"""What a report needs from the imaging site's messages, taken from the order record as data.

The order (flux 1, ORM^O01) and the post-exam complement (flux 4, OMI^O23) of the ANS teleradiology
guide are read once, by the shared reader (:func:`hl7v2.order.parse_order`), into the same
:class:`hl7v2.order.Order` the worklist shows; this module does not parse HL7. It turns that record
into the report's view of each message (:class:`SiteMessage`), every value tagged with its source
(order or complement). Sites fill these messages loosely, so what is missing or odd is a French
warning, never an exception, and the report's pre-sign checks say what is still missing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from hl7v2.actors import Practitioner
from hl7v2.message import Coded, HL7ParseError, parse
from hl7v2.order import Decision, Order, PregnancyStatus, parse_order
from hl7v2.order import Sex as OrderSex
from reporting import terminology
from reporting.model import (
    ATC,
    DCM,
    LOINC,
    PHYSICIAN,
    RPPS_ROOT,
    STRUCTURE_ROOT,
    AdministeredProduct,
    Code,
    ExposureJustification,
    Identifier,
    Organization,
    PatientIdentity,
    Professional,
    Sex,
    Source,
    VisitNumber,
)

log = logging.getLogger(__name__)
ESTABLISHMENT_ID_TYPES = {"FINEG", "FINEJ"}  # FINESS-registered: a health establishment
PRACTICE_SETTINGS = {
    True: Code("ETABLISSEMENT", "1.2.250.1.213.1.1.4.9", "Etablissement de santé"),
    False: Code("AMBULATOIRE", "1.2.250.1.213.1.1.4.9", "Ambulatoire"),
}
UCUM_UNITS = {"ml": "mL", "l": "L", "mg": "mg", "g": "g", "mbq": "MBq"}
_SEX = {OrderSex.FEMALE: Sex.FEMALE, OrderSex.MALE: Sex.MALE}
_PREGNANT = {PregnancyStatus.YES: True, PregnancyStatus.NO: False}


@dataclass(frozen=True, slots=True)
class SiteMessage:
    """One message of the imaging site, reduced to what the report uses."""

    kind: str  # "ORM^O01" or "OMI^O23"
    control_id: str
    source: Source
    sender_application: str = ""  # MSH-3/4: the imaging site's system, to which the report goes back
    sender_facility: str = ""
    receiver_application: str = ""  # MSH-5/6: the platform, sender of the report
    receiver_facility: str = ""
    order_control: str = ""
    patient: PatientIdentity | None = None
    placer_order: Identifier | None = None
    encounter_class: str = ""
    visit: VisitNumber | None = None
    site: Organization | None = None
    site_doctor: Professional | None = None  # ORC-12 (else OBR-16): responsible doctor of the site
    radiologist: Professional | None = None  # ORC-11: remote radiologist, when known
    requester: Professional | None = None  # PV1-8 only: referring (requesting) doctor, when sent
    justification: str = ""  # OBR-13
    purpose: str = ""  # NTE FINALITE_EXAMEN
    modality: str = ""
    region: Code | None = None  # the first region of ``regions``
    regions: tuple[Code, ...] = ()  # every REGION_ANATOMIQUE of the message, in its order
    requested_at: datetime | None = None  # ORC-9: when the requester asked for the exam
    history: str = ""
    pregnant: bool | None = None
    justified_by: ExposureJustification | None = None  # flux 3 acceptance: who, when, confirmations
    consent: str = ""  # flux 1 CONSENTEMENT / FORCE_MAJEURE, as the report says it ("" when not sent)
    site_incidents: tuple[str, ...] = ()  # flux 4 INCIDENT_ACTE / EFFET_INDESIRABLE, as the report says them
    viewer_url: str = ""  # flux 4 URL_PARTIELLE_VIEWER (decoded), an http(s) URL or ""
    accession: Identifier | None = None  # IPC-1
    study_instance_uid: str = ""  # IPC-3
    act: Code | None = None  # CODE_ACTE_IMAGERIE (LOINC)
    act_time: datetime | None = None  # TQ1-7
    products: tuple[AdministeredProduct, ...] = ()
    equipment_model: str = ""
    warnings: tuple[str, ...] = field(default=())


def site_messages(order: Order) -> tuple[SiteMessage, SiteMessage | None]:
    """The report's view of the order's request and of its complement (None before the exam)."""
    warnings: list[str] = list(order.warnings)
    request = _request(order, warnings)
    complement = _complement(order, request) if order.complement is not None else None
    return request, complement


def read_site_messages(
    request: str | bytes, complement: str | bytes | None = None
) -> tuple[SiteMessage, SiteMessage | None]:
    """A request file (ORM^O01) and its complement (OMI^O23), read by the shared reader, for the
    command-line tools; :class:`~hl7v2.message.HL7ParseError` when either is unusable."""
    first = parse(request)
    if first.message_type != "ORM^O01":
        raise HL7ParseError("MSH", 9, "the request is not an ORM^O01", "la demande n'est pas un ORM^O01")
    second = parse(complement) if complement is not None else None
    if second is not None and second.message_type != "OMI^O23":
        raise HL7ParseError(
            "MSH", 9, "the complement is not an OMI^O23", "le complément n'est pas un OMI^O23"
        )
    return site_messages(parse_order([first] if second is None else [first, second]))


def _patient(order: Order, source: Source, warnings: list[str]) -> PatientIdentity:
    p = order.patient
    if p.ins is None:
        warnings.append("Matricule INS absent (PID-3).")
    return PatientIdentity(
        ins=Identifier(p.ins.oid, p.ins.matricule) if p.ins is not None else None,
        birth_family=p.birth_name,
        birth_given_names=" ".join(p.birth_first_names) or p.first_name,
        first_given=p.first_name,
        sex=_SEX.get(p.sex, Sex.UNKNOWN),
        birth_date=p.birth_date,
        source=source,
        birth_place_cog=p.birth_place_cog,
        used_family=p.used_name,
        used_given=p.used_first_name,
        identity_status=p.identity_status.value if p.identity_status else "",
        other_ids=tuple(Identifier(i.oid, i.value) for i in p.other_ids if i.oid),
    )


def _professional(
    who: Practitioner | None, where: str, source: Source, warnings: list[str]
) -> Professional | None:
    if who is None:
        return None
    if who.authority_oid and who.authority_oid != RPPS_ROOT:
        log.warning("%s: professional id root is not the RPPS", where)
        warnings.append(f"Identifiant de professionnel hors RPPS ({where}).")
    return Professional(who.id_nat, who.family, who.given, source, title=who.title, profession=PHYSICIAN)


def _site(order: Order, source: Source) -> Organization | None:
    site = order.site
    if not (site.name or site.identifier):
        return None
    return Organization(
        Identifier(site.oid or STRUCTURE_ROOT, site.identifier) if site.identifier else None,
        site.name,
        source,
        id_type=site.id_type,
        practice_setting=PRACTICE_SETTINGS[site.id_type in ESTABLISHMENT_ID_TYPES],
    )


def _request(order: Order, warnings: list[str]) -> SiteMessage:
    source = Source.ORDER_HL7
    regions = _regions(r.region for r in order.regions)
    visit = order.visit
    return SiteMessage(
        kind="ORM^O01",
        control_id=order.control_id,
        source=source,
        sender_application=order.sender.application,
        sender_facility=order.sender.facility,
        receiver_application=order.receiver.application,
        receiver_facility=order.receiver.facility,
        order_control="NW",
        patient=_patient(order, source, warnings),
        placer_order=Identifier(order.placer_authority, order.placer_order_number),
        encounter_class=order.encounter_class,
        visit=VisitNumber(visit.value, visit.namespace, visit.oid, visit.oid_type) if visit else None,
        site=_site(order, source),
        site_doctor=_professional(order.responsible, "ORC-12", source, warnings),
        radiologist=_professional(order.verifier, "ORC-11", source, warnings),
        requester=_professional(order.requester, "PV1-8", source, warnings),
        justification=order.clinical_information,
        purpose="\n".join(order.purpose),
        modality=order.modality.code if order.modality else "",
        region=regions[0] if regions else None,
        regions=regions,
        requested_at=order.requested_at,
        history="\n".join(h.text for h in order.history if h.text),
        pregnant=_PREGNANT.get(order.pregnancy) if order.pregnancy is not None else None,
        justified_by=_justified_by(order, source, warnings),
        consent=_consent_text(order),
        warnings=tuple(dict.fromkeys(warnings)),
    )


def _justified_by(order: Order, source: Source, warnings: list[str]) -> ExposureJustification | None:
    """The radiologist who accepted the request (flux 3 ORC-12, time ORC-9) and what he confirmed."""
    response = order.response
    if response is None or response.decision is not Decision.ACCEPTED:
        return None
    radiologist = _professional(response.radiologist, "ORC-12 (flux 3)", source, warnings)
    if radiologist is None:
        return None
    return ExposureJustification(
        radiologist,
        response.answered_at,
        response.radioprotection_confirmed,
        source,
        tuple(element.label or element.code for element in response.missing_accepted),
    )


def _region(coded: Coded | None) -> Code | None:
    return terminology.region(coded.code, coded.label) if coded is not None and coded.code else None


def _regions(regions: Iterable[Coded]) -> tuple[Code, ...]:
    """Every region of the message (a thorax-abdomen-pelvis CT has two), once each, in order."""
    found = (_region(coded) for coded in regions)
    return tuple(dict.fromkeys(code for code in found if code is not None))


def _complement(order: Order, request: SiteMessage) -> SiteMessage:
    done = order.complement
    assert done is not None
    source = Source.COMPLEMENT_HL7
    warnings: list[str] = []
    act = None
    if done.act is not None and done.act.code:
        if done.act.system in ("LN", "LOINC", ""):
            act = Code(done.act.code, LOINC, done.act.label, "LOINC")
        else:
            log.warning("%s: act coding system is not LOINC", done.control_id)
            warnings.append("Code d'acte hors LOINC ignoré (OBX CODE_ACTE_IMAGERIE).")
    products = []
    for product in done.products:
        atc_code, lot = product.product.code, product.lot
        if not (atc_code or lot):
            continue
        quantity = None
        if product.quantity is not None:
            try:
                quantity = Decimal(product.quantity.exact or repr(product.quantity.value))
            except InvalidOperation:
                warnings.append("Quantité de produit illisible (OBX PRODUIT_ADMINISTRE).")
        unit = product.quantity.unit if product.quantity is not None else ""
        products.append(
            AdministeredProduct(
                name=product.product.label
                or (f"Produit ATC {atc_code}" if atc_code else "Produit administré"),
                source=source,
                atc=Code(atc_code, ATC, product.product.label, "ATC") if atc_code else None,
                lot=lot,
                quantity=quantity,
                unit=UCUM_UNITS.get(unit.lower(), unit),
            )
        )
    regions = _regions(r.region for r in done.regions)
    return SiteMessage(
        kind="OMI^O23",
        control_id=done.control_id,
        source=source,
        sender_application=request.sender_application,
        sender_facility=request.sender_facility,
        receiver_application=request.receiver_application,
        receiver_facility=request.receiver_facility,
        order_control="SR",
        patient=None,  # the same patient as the request's: checked by the reader (INS)
        placer_order=request.placer_order,
        modality=done.modality.code if done.modality else "",
        region=regions[0] if regions else None,
        regions=regions,
        accession=Identifier(done.accession_authority, done.accession_number)
        if done.accession_number
        else None,
        study_instance_uid=done.study_instance_uid,
        act=act,
        act_time=done.performed_at,
        products=tuple(products),
        equipment_model=next((d.model for d in done.devices if d.model), ""),
        site_incidents=tuple(f"{i.label} signalé par le site : {i.text}" for i in done.incidents),
        viewer_url=_viewer_url(done.viewer_url, warnings),
        warnings=tuple(warnings),
    )


def _viewer_url(url: str, warnings: list[str]) -> str:
    """The DRIMbox partial URL when it is one (http or https, a host): anything else sent by a site
    must never become a link in a signed report."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.netloc or any(c.isspace() for c in url.strip()):
        log.warning("flux 4 URL_PARTIELLE_VIEWER is not an http(s) URL: not linked")
        warnings.append("Lien DRIMbox du complément inutilisable (URL_PARTIELLE_VIEWER) : non repris au CR.")
        return ""
    return url.strip()


def _consent_text(order: Order) -> str:
    """Patient information and consent as the report states it (issue 23), or "" when not sent."""
    consent = order.consent
    if consent is None:
        return ""
    if consent.force_majeure:
        return f"non recueilli, cas de force majeure : {consent.force_majeure}"
    if consent.given is True:
        return "patient informé, consentement recueilli par le site"
    if consent.given is False:
        return "non recueilli (aucun cas de force majeure transmis)"
    return ""


def modality_code(text: str) -> Code | None:
    """A DICOM modality code as a DCM code, None for the order-only codes (MED-1126...)."""
    code = text.strip().upper()
    if not code or not code.isalpha() or len(code) > 6:
        return None
    found = terminology.modality(code)
    return found if found.display else Code(code, DCM, "", "DCM")


__all__ = ["SiteMessage", "modality_code", "read_site_messages", "site_messages"]
