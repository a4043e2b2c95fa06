"""CDA R2 writer: the signed report as a CI-SIS "CR d'imagerie" (IMG-CR-IMG 2024.01, level 3).

The layout follows the ANS example ``IMG_CR_IMG_2024.01.xml`` and the five schematrons the ANS test
tool applies (structuration minimale, IHE, content models, ANS models, IMG-CR-IMG). The output is
deterministic for a given report (identifiers of sections are derived from the document id), so a
document rebuilt from the same report is byte-identical: what was signed is what is sent.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Context, Decimal
from zoneinfo import ZoneInfo

from lxml import etree

from reporting import markdown, terminology
from reporting.model import (
    DCM,
    LOINC,
    RADIOLOGIST,
    RPPS_ROOT,
    SNOMED_CT,
    Act,
    AdministeredProduct,
    Code,
    DoseKind,
    DoseReport,
    Identifier,
    Narrative,
    Organization,
    Professional,
    Report,
    ReportStatus,
    Sex,
    Source,
)

HL7 = "urn:hl7-org:v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
PS3_20 = "urn:dicom-org:ps3-20"
NSMAP = {None: HL7, "xsi": XSI, "ps3-20": PS3_20}
XSI_TYPE = f"{{{XSI}}}type"
PARIS = ZoneInfo("Europe/Paris")
DCMUID = "1.2.840.10008.2.6.1"
# JDV_J02 value for a site whose type the order does not say (the code is mandatory).
UNDEFINED_FACILITY_TYPE = Code("SA43", "1.2.250.1.71.4.2.4", "Secteur non défini")
DOCUMENT_CODE = Code("18748-4", LOINC, "CR d'imagerie médicale", "LOINC")
PREGNANCY = {True: ("77386006", "enceinte"), False: ("60001007", "absence de grossesse")}
SOP_CLASS_NAMES = {
    "1.2.840.10008.5.1.4.1.1.2": "CT Image Storage",
    "1.2.840.10008.5.1.4.1.1.2.1": "Enhanced CT Image Storage",
    "1.2.840.10008.5.1.4.1.1.4": "MR Image Storage",
    "1.2.840.10008.5.1.4.1.1.4.1": "Enhanced MR Image Storage",
    "1.2.840.10008.5.1.4.1.1.1": "Computed Radiography Image Storage",
    "1.2.840.10008.5.1.4.1.1.1.1": "Digital X-Ray Image Storage - For Presentation",
    "1.2.840.10008.5.1.4.1.1.1.1.1": "Digital X-Ray Image Storage - For Processing",
    "1.2.840.10008.5.1.4.1.1.7": "Secondary Capture Image Storage",
    "1.2.840.10008.5.1.4.1.1.88.67": "X-Ray Radiation Dose SR Storage",
    "1.2.840.10008.5.1.4.1.1.88.33": "Comprehensive SR Storage",
}


class CdaError(ValueError):
    """The report cannot be written as a CDA (an engineering error: checks should have caught it)."""


def build_cda(report: Report) -> bytes:
    """The CDA R2 document of a signed report, UTF-8 encoded."""
    if report.status is not ReportStatus.SIGNED or report.signature_time is None:
        raise CdaError("only a signed report is written as a CDA")
    if report.patient is None or report.participants.author is None:
        raise CdaError("a CDA needs a patient and an author")
    root = _Writer(report).document()
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def timestamp(moment: datetime) -> str:
    """HL7 TS with the UTC offset; naive times are French local times (as in HL7 v2 messages)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PARIS)
    return moment.strftime("%Y%m%d%H%M%S%z")


MIN_SIGNIFICANT = 2


def format_number(value: Decimal | int | str, places: int = 2) -> str:
    """A number as the report writes it in CDA values: the one rule of the whole report.

    Decimal-exact (no binary float on the way), rounded half-up to ``places`` decimals (the
    precision suited to the quantity: see ``PLACES`` and ``DoseKind.places``), trailing zeros
    dropped, dot decimal. A non-zero value is never written 0: when ``places`` would leave fewer
    than two significant digits, decimals are added until two remain (0.085 mGy → "0.085",
    0.004 → "0.004", 0.0996 → "0.1", while 1.005 → "1.01" and 857.76 → "857.76"). Integer digits
    are never rounded away (1590 stays 1590). The report's text uses ``format_text`` (same digits,
    French decimal comma).
    """
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    if number.is_zero():
        return "0"
    places = max(places, MIN_SIGNIFICANT - 1 - number.adjusted())
    context = Context(prec=max(28, number.adjusted() + places + 2), rounding=ROUND_HALF_UP)
    rounded = number.quantize(Decimal(1).scaleb(-places), context=context)
    text = format(rounded.normalize(context), "f")
    return "0" if text in ("-0", "0") else text


def format_text(value: Decimal | int | str, places: int = 2) -> str:
    """``format_number`` for the report's text (narrative, PDF): French decimal comma."""
    return format_number(value, places).replace(".", ",")


# Decimal places of each quantity of the report (before the two-significant-digits floor).
PLACES = {"dlp": 2, "ctdi": 2, "dap": 3, "time": 1, "quantity": 2, "activity": 1}


@dataclass(frozen=True, slots=True)
class DoseRow:
    """One line of the dose table, the same for the CDA, the PDF and the editor."""

    ident: str
    label: str
    value: Decimal
    places: int
    unit: str  # UCUM, for the CDA entry
    shown_unit: str
    source: Source
    detail: str = ""
    code: Code | None = None  # set when the value is a coded CDA entry (JDV_QuantiteExpositionRayonnements)

    @property
    def to_verify(self) -> bool:
        return "à vérifier" in self.detail

    def text(self) -> str:
        return f"{format_text(self.value, self.places)} {self.shown_unit}"

    def source_text(self) -> str:
        """The source label, with the reason to check it when the value was read from free text."""
        return f"{self.source.label} ({self.detail})" if self.to_verify else self.source.label


# JDV_QuantiteExpositionRayonnements_CISIS display names (1.2.250.1.213.1.1.5.620).
_JDV_DISPLAY = {
    "111636": "Dose dans l'air à l'entrée du patient (Kerma dans l'air)",
    "111637": "DGM total : Dose Glandulaire Moyenne Total",
    "113722": "PDS Total : Produit Dose Surface Total",
    "113730": "Temps total de scopie",
    "113507": "Activité administrée",
    "113813": "PDL Total : Produit Dose Longueur Total",
    "113830": "IDSV Moyen : Indice de Dose Scanographique Volumique",
}


def _dcm(code: str) -> Code:
    return Code(code, DCM, _JDV_DISPLAY[code], "DCM")


def dose_rows(dose: DoseReport) -> list[DoseRow]:
    """Every dose value of the examination as a French table row, in the report's order."""
    rows: list[DoseRow] = []
    if dose.total_dlp_mgy_cm is not None:
        total = dose.total_dlp_mgy_cm
        rows.append(
            DoseRow(
                "dose-dlp-total",
                "PDL total (produit dose × longueur)",
                total.value,
                PLACES["dlp"],
                "mGy.cm",
                "mGy·cm",
                total.source,
                total.detail,
                _dcm("113813"),
            )
        )
    for index, acquisition in enumerate(dose.acquisitions, start=1):
        phantom = f" [{acquisition.phantom}]" if acquisition.phantom else ""
        if acquisition.ctdi_vol_mgy is not None:
            rows.append(
                DoseRow(
                    f"dose-ctdi-{index}",
                    f"IDSV (CTDIvol) – {acquisition.label}{phantom}",
                    acquisition.ctdi_vol_mgy,
                    PLACES["ctdi"],
                    "mGy",
                    "mGy",
                    acquisition.source,
                    "",
                    _dcm("113830"),
                )
            )
        if acquisition.dlp_mgy_cm is not None:
            rows.append(
                DoseRow(
                    f"dose-dlp-{index}",
                    f"PDL – {acquisition.label}",
                    acquisition.dlp_mgy_cm,
                    PLACES["dlp"],
                    "mGy.cm",
                    "mGy·cm",
                    acquisition.source,
                    acquisition.detail,
                )
            )
    if dose.total_dap_dgy_cm2 is not None:
        total = dose.total_dap_dgy_cm2
        rows.append(
            DoseRow(
                "dose-dap-total",
                "PDS total (produit dose × surface)",
                total.value,
                PLACES["dap"],
                "dGy.cm2",
                "dGy·cm²",
                total.source,
                total.detail,
                _dcm("113722"),
            )
        )
    if dose.fluoroscopy_time_s is not None:
        total = dose.fluoroscopy_time_s
        rows.append(
            DoseRow(
                "dose-fluoro-time",
                "Temps total de scopie",
                total.value,
                PLACES["time"],
                "s",
                "s",
                total.source,
                total.detail,
                _dcm("113730"),
            )
        )
    for index, item in enumerate(dose.values, start=1):
        kind = item.kind
        label = f"{kind.label} – {item.label}" if item.label else kind.label
        code = _dcm(kind.code) if kind.coded_entry and kind.code in _JDV_DISPLAY else None
        if kind is DoseKind.FLUORO_TIME and dose.fluoroscopy_time_s is not None:
            label, code = f"Temps de scopie – {item.label}", None  # the total is the coded entry
        rows.append(
            DoseRow(
                f"dose-value-{index}",
                label,
                item.value,
                kind.places,
                kind.unit,
                kind.shown_unit,
                item.source,
                item.detail,
                code,
            )
        )
    for index, drug in enumerate(dose.radiopharmaceuticals, start=1):
        if drug.activity_mbq is None:
            continue
        when = f", {drug.administered_at:%d/%m/%Y %H:%M}" if drug.administered_at is not None else ""
        rows.append(
            DoseRow(
                f"dose-activity-{index}",
                f"Activité administrée – {drug.agent}{when}",
                drug.activity_mbq,
                PLACES["activity"],
                "MBq",
                "MBq",
                drug.source,
                drug.detail,
                _dcm("113507"),
            )
        )
    return rows


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    """A child element; every value passes through ``xml_safe`` (identifiers come from the sites too)."""
    values = {k: markdown.xml_safe(v) for k, v in attrib.items() if v != ""}
    element = etree.SubElement(parent, f"{{{HL7}}}{tag}", values)
    if text:
        element.text = markdown.xml_safe(text)
    return element


def _code(parent: etree._Element, tag: str, code: Code, **extra: str) -> etree._Element:
    return _el(
        parent,
        tag,
        code=code.code,
        displayName=code.display,
        codeSystem=code.system,
        codeSystemName=code.system_name,
        **extra,
    )


def _template(parent: etree._Element, *roots: str) -> None:
    for root in roots:
        _el(parent, "templateId", root=root)


def _ii(parent: etree._Element, identifier: Identifier, tag: str = "id") -> etree._Element:
    return _el(parent, tag, root=identifier.root, extension=identifier.extension)


class _Writer:
    def __init__(self, report: Report) -> None:
        assert report.signature_time is not None
        self.r = report
        self.signed = report.signature_time

    # -- helpers ------------------------------------------------------------------------------
    def _uuid(self, name: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_OID, f"{self.r.document_id}/{name}")).upper()

    def _id(self, parent: etree._Element, name: str) -> None:
        _el(parent, "id", root=self._uuid(name))

    def _ref(self, parent: etree._Element, tag: str, target: str) -> etree._Element:
        element = _el(parent, tag)
        _el(element, "reference", value=f"#{target}")
        return element

    @staticmethod
    def _content(parent: etree._Element, ident: str, text: str) -> etree._Element:
        return _el(parent, "content", text, ID=ident)

    def _name(self, parent: etree._Element, person: Professional) -> None:
        name = _el(parent, "name")
        _el(name, "given", person.given)
        _el(name, "family", person.family)
        if person.title:
            _el(name, "suffix", person.title.upper())

    def _organization(
        self, parent: etree._Element, tag: str, org: Organization, setting: bool = False
    ) -> etree._Element:
        element = _el(parent, tag)
        if org.id is not None:
            _ii(element, org.id)
        _el(element, "name", org.name)
        if org.telecom:
            _el(element, "telecom", value=org.telecom)
        if setting and org.practice_setting is not None:
            _code(element, "standardIndustryClassCode", org.practice_setting)
        return element

    def _assigned(self, parent: etree._Element, tag: str, person: Professional) -> None:
        entity = _el(parent, tag)
        _el(entity, "id", root=RPPS_ROOT, extension=person.idnat)
        _code(entity, "code", person.profession or RADIOLOGIST)
        if person.practice_address.strip() or person.abroad:  # issue 23: where the radiologist reads from
            addr = _el(entity, "addr", use="WP")
            if person.practice_address.strip():
                _el(addr, "streetAddressLine", " ".join(person.practice_address.split()))
            if person.practice_country.strip():  # CI-SIS Addr: free lines or parts, never both
                _el(addr, "streetAddressLine", person.practice_country.strip())
        if person.telecom:
            _el(entity, "telecom", value=person.telecom, use="WP")
        self._name(_el(entity, "assignedPerson"), person)
        if person.organization is not None:
            self._organization(entity, "representedOrganization", person.organization, setting=True)

    def _narrative(self, text: etree._Element, narrative: str) -> None:
        for block in markdown.blocks(narrative):
            if isinstance(block, markdown.Heading):
                self._spans(_el(text, "paragraph"), block.line, bold=True)
            elif isinstance(block, markdown.ListBlock):
                lst = _el(text, "list", listType="ordered" if block.ordered else "unordered")
                for item in block.items:
                    self._spans(_el(lst, "item"), item)
            else:
                paragraph = _el(text, "paragraph")
                for i, line in enumerate(block.lines):
                    if i:
                        _el(paragraph, "br")
                    self._spans(paragraph, line)

    @staticmethod
    def _spans(parent: etree._Element, line: markdown.Line, bold: bool = False) -> None:
        for span in line:
            styles = [s for s, on in (("Bold", span.bold or bold), ("Italics", span.italic)) if on]
            if styles:
                _el(parent, "content", span.text, styleCode=" ".join(styles))
            else:  # plain text goes after the last child (or into the parent's text)
                text = markdown.xml_safe(span.text)
                if len(parent):
                    parent[-1].tail = (parent[-1].tail or "") + text
                else:
                    parent.text = (parent.text or "") + text

    def _section(
        self,
        parent: etree._Element,
        name: str,
        templates: Iterable[str],
        code: Code,
        title: str,
        sub: bool = False,
    ) -> tuple[etree._Element, etree._Element]:
        attrib = {"classCode": "DOCSECT", "moodCode": "EVN"} if sub else {}
        section = _el(_el(parent, "component"), "section", **attrib)
        _template(section, *templates)
        self._id(section, name)
        _code(section, "code", code)
        _el(section, "title", title)
        return section, _el(section, "text")

    # -- document -----------------------------------------------------------------------------
    def document(self) -> etree._Element:
        r = self.r
        root = etree.Element(f"{{{HL7}}}ClinicalDocument", nsmap=NSMAP)
        _el(root, "realmCode", code="FR")
        _el(root, "typeId", root="2.16.840.1.113883.1.3", extension="POCD_HD000040")
        _template(
            root,
            "2.16.840.1.113883.2.8.2.1",
            "1.2.250.1.213.1.1.1.1",
            "1.2.840.10008.9.1",
            "1.2.840.10008.9.20",
            "1.2.840.10008.9.21",
        )
        _el(root, "templateId", root="1.2.250.1.213.1.1.1.45", extension="2024.01")
        _el(root, "id", root=r.document_id)
        code = _code(root, "code", DOCUMENT_CODE)
        for act in r.acts:
            if act.loinc is not None:
                _code(code, "translation", act.loinc)
        _el(root, "title", r.title)
        _el(root, "effectiveTime", value=timestamp(self.signed))
        _el(root, "confidentialityCode", code="N", displayName="Normal", codeSystem="2.16.840.1.113883.5.25")
        _el(root, "languageCode", code="fr-FR")
        _el(root, "setId", root=r.set_id)
        _el(root, "versionNumber", value=str(r.version))
        self._record_target(root)
        self._authors(root)
        self._custodian(root)
        self._legal_authenticator(root)
        self._requester(root)
        self._technologist(root)
        self._in_fulfillment_of(root)
        for index, act in enumerate(r.acts, start=1):
            self._documentation_of(root, act, index)
        if r.parent_document_id:
            related = _el(root, "relatedDocument", typeCode="RPLC")
            _el(_el(related, "parentDocument"), "id", root=r.parent_document_id)
        self._component_of(root)
        body = _el(_el(root, "component"), "structuredBody")
        if r.addendum is not None:
            self._addendum(body)
        self._clinical_information(body)
        self._technique(body)
        self._results(body)
        self._conclusion(body)
        return root

    # -- header -------------------------------------------------------------------------------
    def _record_target(self, root: etree._Element) -> None:
        patient = self.r.patient
        assert patient is not None
        role = _el(_el(root, "recordTarget"), "patientRole")
        if patient.ins is not None:
            _ii(role, patient.ins)
        for other in patient.other_ids:
            _ii(role, other)
        person = _el(role, "patient", classCode="PSN")
        name = _el(person, "name")
        _el(name, "family", patient.birth_family, qualifier="BR")
        _el(name, "given", patient.birth_given_names)
        _el(name, "given", patient.first_given, qualifier="BR")
        if patient.used_family:
            _el(name, "family", patient.used_family, qualifier="CL")
        if patient.used_given:
            _el(name, "given", patient.used_given, qualifier="CL")
        _el(
            person,
            "administrativeGenderCode",
            code=patient.sex.value,
            displayName=patient.sex.label,
            codeSystem="2.16.840.1.113883.5.1",
        )
        if patient.birth_date is not None:
            _el(person, "birthTime", value=_date(patient.birth_date))
        if patient.birth_place_cog:
            addr = _el(_el(_el(person, "birthplace"), "place"), "addr")
            _el(addr, "county", patient.birth_place_cog)

    def _authors(self, root: etree._Element) -> None:
        people = self.r.participants
        authors: list[Professional] = []
        for person in (people.author, people.site_doctor, *people.former_site_doctors):
            if person is None or any(person.idnat == known.idnat for known in authors):
                continue
            authors.append(person)
        for person in authors:
            author = _el(root, "author")
            _el(author, "time", value=timestamp(self.signed))
            self._assigned(author, "assignedAuthor", person)

    def _custodian(self, root: etree._Element) -> None:
        org = self.r.participants.custodian
        if org is None:
            raise CdaError("a CDA needs a custodian organisation")
        assigned = _el(_el(root, "custodian", typeCode="CST"), "assignedCustodian", classCode="ASSIGNED")
        self._organization(assigned, "representedCustodianOrganization", org).attrib.update(
            {"classCode": "ORG", "determinerCode": "INSTANCE"}
        )

    def _legal_authenticator(self, root: etree._Element) -> None:
        people = self.r.participants
        signer = people.site_doctor or people.author
        assert signer is not None
        legal = _el(root, "legalAuthenticator")
        _el(legal, "time", value=timestamp(self.signed))
        _el(legal, "signatureCode", code="S")
        self._assigned(legal, "assignedEntity", signer)
        if people.site_doctor is not None and people.author is not None:
            auth = _el(root, "authenticator")
            _el(auth, "time", value=timestamp(self.signed))
            _el(auth, "signatureCode", code="S")
            self._assigned(auth, "assignedEntity", people.author)

    def _requester(self, root: etree._Element) -> None:
        requester = self.r.participants.requester
        if requester is None:
            return
        participant = _el(root, "participant", typeCode="REF")
        asked = self.r.order.requested_at  # ORC-9; the act time only when the order did not say
        _el(participant, "time", value=timestamp(asked.value if asked is not None else self._act_time()))
        entity = _el(participant, "associatedEntity", classCode="PROV")
        _el(entity, "id", root=RPPS_ROOT, extension=requester.idnat)
        if requester.profession is not None:
            _code(entity, "code", requester.profession)
        self._name(_el(entity, "associatedPerson"), requester)
        if requester.organization is not None:
            self._organization(entity, "scopingOrganization", requester.organization)

    def _technologist(self, root: etree._Element) -> None:
        """The technologist who ran the acquisition, as a header participant (performer) when his
        national identifier is known: the ANS minimal structure allows one performer only (the
        radiologist) in the service event and no participant without an identifier. Otherwise
        (the Operators' Name of the images carries no identifier) the Technique section names him."""
        technologist = self.r.participants.technologist
        if technologist is None or not technologist.idnat:
            return
        participant = _el(root, "participant", typeCode="PRF")
        self._act_interval(participant, "time")
        entity = _el(participant, "associatedEntity", classCode="PROV")
        _el(entity, "id", root=RPPS_ROOT, extension=technologist.idnat)
        if technologist.profession is not None:
            _code(entity, "code", technologist.profession)
        self._name(_el(entity, "associatedPerson"), technologist)
        site = technologist.organization or self.r.participants.custodian
        if site is not None:
            self._organization(entity, "scopingOrganization", site)

    def _act_interval(self, parent: etree._Element, tag: str) -> etree._Element:
        """Start and end of the act (the end only when known and later: an IVL_TS whose low and
        high are equal is refused)."""
        interval = _el(parent, tag)
        start = self._act_time()
        _el(interval, "low", value=timestamp(start))
        end = self.r.act_end_time
        if end is not None and timestamp(end.value) != timestamp(start):
            _el(interval, "high", value=timestamp(end.value))
        return interval

    def _in_fulfillment_of(self, root: etree._Element) -> None:
        order = self.r.order
        if order.placer_order is None or order.accession is None:
            return
        element = _el(_el(root, "inFulfillmentOf"), "order")
        _ii(element, order.placer_order.value)
        accession = order.accession.value
        etree.SubElement(
            element,
            f"{{{PS3_20}}}accessionNumber",
            {k: v for k, v in (("root", accession.root), ("extension", accession.extension)) if v},
        )

    def _act_time(self) -> datetime:
        return self.r.act_time.value if self.r.act_time is not None else self.signed

    def _documentation_of(self, root: etree._Element, act: Act, index: int) -> None:
        event = _el(_el(root, "documentationOf"), "serviceEvent", classCode="ACT")
        if self.r.order.study_instance_uid is not None:
            _el(event, "id", root=self.r.order.study_instance_uid.value)
        main = act.loinc or act.ccam
        code = _code(event, "code", main) if main is not None else _el(event, "code", nullFlavor="UNK")
        if act.loinc is not None and act.ccam is not None:
            _code(code, "translation", act.ccam)
        modality = _code(code, "translation", act.modality)
        _code(_el(modality, "qualifier"), "name", Code("121139", DCM, "Modalité d'imagerie", "DCM"))
        for place in act.regions:  # every region of the order (a thorax-abdomen-pelvis CT has two)
            region = _code(code, "translation", place)
            _code(
                _el(region, "qualifier"), "name", Code("39111-0", LOINC, "localisation anatomique", "LOINC")
            )
        self._act_interval(event, "effectiveTime")
        author = self.r.participants.author
        if author is not None:
            performer = _el(event, "performer", typeCode="PRF")
            reading = self.r.interpretation_time  # the reading: from opening the exam to signing
            if reading is not None:
                when = _el(performer, "time")
                _el(when, "low", value=timestamp(reading.value))
                if timestamp(self.signed) != timestamp(reading.value):  # low = high is refused
                    _el(when, "high", value=timestamp(self.signed))
            self._assigned(performer, "assignedEntity", _at_site(author, self.r.participants.custodian))

    def _component_of(self, root: etree._Element) -> None:
        encounter = _el(_el(root, "componentOf"), "encompassingEncounter")
        code, label = _ENCOUNTER.get(self.r.order.encounter_class, _ENCOUNTER["O"])
        _el(encounter, "code", code=code, displayName=label, codeSystem="2.16.840.1.113883.5.4")
        effective = _el(encounter, "effectiveTime")
        _el(effective, "low", value=timestamp(self._act_time()))
        site = self.r.participants.custodian
        if site is None:
            return
        facility = _el(_el(encounter, "location"), "healthCareFacility")
        if site.id is not None:
            _ii(facility, site.id)
        _code(facility, "code", site.facility_type or UNDEFINED_FACILITY_TYPE)
        _el(_el(facility, "location"), "name", site.name)

    # -- body ---------------------------------------------------------------------------------
    def _addendum(self, body: etree._Element) -> None:
        addendum = self.r.addendum
        assert addendum is not None
        section, text = self._section(
            body,
            "addendum",
            ("1.2.840.10008.9.6", "1.2.250.1.213.1.1.2.210"),
            Code("55107-7", LOINC, "Addendum", "LOINC"),
            "Addendum",
        )
        self._narrative(text, addendum.text)
        author = _el(section, "author")
        _el(author, "time", value=timestamp(addendum.at))
        self._assigned(author, "assignedAuthor", addendum.author)

    def _clinical_information(self, body: etree._Element) -> None:
        r = self.r
        section, _ = self._section(
            body,
            "clinical",
            ("1.2.840.10008.9.2", "1.2.250.1.213.1.1.2.205"),
            Code("55752-0", LOINC, "Informations cliniques", "LOINC"),
            "Informations cliniques",
        )
        _, text = self._section(
            section,
            "request",
            ("1.2.840.10008.9.7", "1.2.250.1.213.1.1.2.211"),
            Code("55115-0", LOINC, "Demande", "LOINC"),
            "Indication",
            sub=True,
        )
        self._narrative(text, r.indication.text)
        asked = r.order_justification
        if not asked.is_blank and markdown.plain(asked.text) not in markdown.plain(r.indication.text):
            paragraph = _el(text, "paragraph")
            _el(paragraph, "content", "Renseignements cliniques de la demande : ", styleCode="Bold")
            for i, line in enumerate(markdown.plain(asked.text).splitlines()):
                if i:
                    _el(paragraph, "br")
                paragraph[-1].tail = markdown.xml_safe(line)
        history, text = self._section(
            section,
            "history",
            ("2.16.840.1.113883.10.20.22.2.39", "1.2.250.1.213.1.1.2.213"),
            Code("11329-0", LOINC, "Historique médical", "LOINC"),
            "Antécédents et contre-indications",
            sub=True,
        )
        rows = (
            (
                "hist-medical",
                "Antécédents médicaux",
                r.history,
                Code("11348-0", LOINC, "Antécédents médicaux"),
            ),
            (
                "hist-surgical",
                "Antécédents chirurgicaux",
                Narrative(),
                Code("47519-4", LOINC, "Antécédents chirurgicaux"),
            ),
            (
                "contraindications",
                "Contre-indications",
                r.contraindications,
                Code("64100-1", LOINC, "Contre-indications"),
            ),
        )
        for ident, title, narrative, code in rows:
            paragraph = _el(text, "paragraph")
            _el(paragraph, "content", f"{title} : ", styleCode="Bold")
            shown = markdown.plain(narrative.text) if not narrative.is_blank else "non renseignés"
            self._content(paragraph, ident, shown)
            observation = _el(_el(history, "entry"), "observation", classCode="OBS", moodCode="EVN")
            _template(observation, "2.16.840.1.113883.10.20.6.2.13", "1.2.250.1.213.1.1.3.150")
            self._id(observation, ident)
            _code(observation, "code", Code(code.code, LOINC, code.display, "LOINC"))
            self._ref(observation, "text", ident)
            _el(observation, "statusCode", code="completed")
            value = _el(observation, "value", **{XSI_TYPE: "ST"})
            value.text = markdown.xml_safe(shown)
            _el(observation, "targetSiteCode", nullFlavor="MSK")

    def _technique(self, body: etree._Element) -> None:
        r = self.r
        section, text = self._section(
            body,
            "technique",
            ("1.2.840.10008.9.3", "1.2.250.1.213.1.1.2.206"),
            Code("55111-9", LOINC, "Description de l'acte d'imagerie", "LOINC"),
            "Technique",
        )
        self._narrative(text, r.technique.text)
        table = _table(text, ("Acte", "Modalité", "Localisation anatomique"))
        for index, act in enumerate(r.acts, start=1):
            row = _el(table, "tr")
            codes = [
                f"[{c.system_name or 'code'} : {c.code}] {c.display}".strip()
                for c in (act.ccam, act.loinc)
                if c is not None
            ]
            self._content(_el(row, "td"), f"act-{index}", " ; ".join(codes) or act.label)
            self._content(_el(row, "td"), f"act-{index}-modality", act.modality.display or act.modality.code)
            self._content(_el(row, "td"), f"act-{index}-site", act.places_text)
        if r.products:
            table = _table(text, ("Produit administré", "Code ATC", "Quantité", "Voie", "Numéro de lot"))
            for index, product in enumerate(r.products, start=1):
                row = _el(table, "tr")
                self._content(_el(row, "td"), f"product-{index}", product.name)
                _el(row, "td", product.atc.code if product.atc else "")
                quantity = (
                    f"{format_text(product.quantity, PLACES['quantity'])} {product.unit}".strip()
                    if product.quantity
                    else ""
                )
                _el(row, "td", quantity)
                _el(row, "td", product.route.display if product.route else "")
                _el(row, "td", product.lot)
        equipment = r.dose.equipment if r.dose is not None else None
        if equipment is not None:
            _el(text, "paragraph", f"Appareil : {equipment.full_label}")
        technologist = r.participants.technologist
        if technologist is not None:
            _el(
                text, "paragraph", f"Manipulateur : {technologist.display_name} ({technologist.source.label})"
            )
        for index, act in enumerate(r.acts, start=1):
            self._technique_entry(section, act, index)
        for index, product in enumerate(r.products, start=1):
            self._product_entry(section, product, index)
        if r.incidents:
            _, sub_text = self._section(
                section,
                "complications",
                ("2.16.840.1.113883.10.20.22.2.37", "1.2.250.1.213.1.1.2.214"),
                Code("55109-3", LOINC, "Complications", "LOINC"),
                "Incidents et complications",
                sub=True,
            )
            lst = _el(sub_text, "list", listType="unordered")
            for incident in r.incidents:
                _el(lst, "item", incident.description)
        if r.is_ionising:
            self._exposure(section)
        self._catalog(section)

    def _technique_entry(self, section: etree._Element, act: Act, index: int) -> None:
        procedure = _el(_el(section, "entry"), "procedure", moodCode="EVN", classCode="PROC")
        _template(procedure, "1.2.840.10008.9.14", "1.2.250.1.213.1.1.3.153")
        self._id(procedure, f"act-{index}")
        main = act.loinc or act.ccam
        assert main is not None
        code = _code(procedure, "code", main)
        self._ref(code, "originalText", f"act-{index}").set("mediaType", "text/xml")
        if act.loinc is not None and act.ccam is not None:
            _code(code, "translation", act.ccam)
        _el(procedure, "effectiveTime", value=timestamp(self._act_time()))
        method = _code(procedure, "methodCode", act.modality)
        self._ref(method, "originalText", f"act-{index}-modality").set("mediaType", "text/xml")
        if not act.localisations:
            raise CdaError("an act needs a JDV_LocalisationAnatomique code")
        site = self._target_site(procedure, act.localisations, f"act-{index}-site")
        site.find(f"{{{HL7}}}originalText").set("mediaType", "text/xml")

    def _target_site(self, parent: etree._Element, places: tuple[Code, ...], text: str) -> etree._Element:
        """The one targetSiteCode the DICOM templates allow, coded in JDV_LocalisationAnatomique.
        Several places (a thorax-abdomen-pelvis CT) have no single code there: the first place is
        the code, the others its translations, and the original text (the narrative) names them
        all, rather than one entry per place (which would count the act or its dose twice)."""
        site = _code(parent, "targetSiteCode", places[0], **{XSI_TYPE: "CD"})
        self._ref(site, "originalText", text)
        for place in places[1:]:
            _code(site, "translation", place)
        return site

    def _product_entry(self, section: etree._Element, product: AdministeredProduct, index: int) -> None:
        administration = _el(
            _el(section, "entry"), "substanceAdministration", classCode="SBADM", moodCode="EVN"
        )
        _template(administration, "1.2.840.10008.9.13", "1.2.250.1.213.1.1.3.151")
        self._id(administration, f"product-{index}")
        self._ref(administration, "text", f"product-{index}")
        _el(administration, "statusCode", code="completed")
        if product.route is not None:
            _code(administration, "routeCode", product.route)
        if product.quantity is not None:
            _el(
                _el(administration, "doseQuantity"),
                "low",
                value=format_number(product.quantity, PLACES["quantity"]),
                unit=product.unit or "1",
            )
        material = _el(
            _el(_el(administration, "consumable"), "manufacturedProduct", classCode="MANU"),
            "manufacturedMaterial",
        )
        code = _el(material, "code")
        self._ref(code, "originalText", f"product-{index}").set("mediaType", "text/xml")
        for translation in (product.product_code, product.atc):
            if translation is not None:
                _code(code, "translation", translation)
        _el(material, "name", product.name)
        if product.lot:
            _el(material, "lotNumberText", product.lot)

    def _exposure(self, section: etree._Element) -> None:
        r = self.r
        sub, text = self._section(
            section,
            "exposure",
            ("1.2.840.10008.9.8", "1.2.250.1.213.1.1.2.215"),
            Code("73569-6", LOINC, "Exposition aux rayonnements et informations de radioprotection", "LOINC"),
            "Exposition aux rayonnements ionisants",
            sub=True,
        )
        sites = tuple(dict.fromkeys(place for act in r.acts for place in act.localisations))
        quantities = self._dose_rows(text)
        pregnancy_code, pregnancy_label, pregnancy_text = self._pregnancy()
        self._content(_el(text, "paragraph", "Grossesse : "), "pregnancy", pregnancy_text)
        self._content(_el(text, "paragraph"), "exposure-responsible", _justification_text(r))
        procedure = _el(_el(sub, "entry"), "procedure", classCode="PROC", moodCode="EVN")
        _template(procedure, "1.2.250.1.213.1.1.3.165")
        code = _code(
            procedure, "code", Code("121290", DCM, "Exposition du patient aux rayonnements ionisants", "DCM")
        )
        self._ref(code, "originalText", "exposure-responsible")
        justified = r.exposure_justification
        author = justified.radiologist if justified is not None else r.participants.author
        if author is not None:
            role = _el(_el(procedure, "participant", typeCode="RESP"), "participantRole")
            _el(role, "id", root=RPPS_ROOT, extension=author.idnat)
            _code(role, "code", Code("113850", DCM, "Autorisation d'irradiation", "DCM"))
            self._name(_el(role, "playingEntity"), author)
        observation = _el(_el(sub, "entry"), "observation", classCode="OBS", moodCode="EVN")
        _template(observation, "2.16.840.1.113883.10.20.6.2.13", "1.2.250.1.213.1.1.3.150")
        self._id(observation, "pregnancy")
        _code(observation, "code", Code("364320009", SNOMED_CT, "statut de grossesse", "SNOMED CT"))
        _el(observation, "statusCode", code="completed")
        value = _code(
            observation,
            "value",
            Code(pregnancy_code, SNOMED_CT, pregnancy_label, "SNOMED CT"),
            **{XSI_TYPE: "CD"},
        )
        self._ref(value, "originalText", "pregnancy")
        _el(observation, "targetSiteCode", nullFlavor="NA")
        for ident, code, value, unit in quantities:
            if not sites:
                raise CdaError("a dose entry needs a JDV_LocalisationAnatomique code")
            observation = _el(_el(sub, "entry"), "observation", classCode="OBS", moodCode="EVN")
            _template(observation, "2.16.840.1.113883.10.20.6.2.14", "1.2.250.1.213.1.1.3.154")
            self._id(observation, ident)
            _code(observation, "code", code)
            self._ref(observation, "text", ident)
            _el(observation, "statusCode", code="completed")
            _el(observation, "effectiveTime", value=timestamp(self._act_time()))
            _el(observation, "value", value=value, unit=unit, **{XSI_TYPE: "PQ"})
            if len(sites) == 1:
                _code(observation, "targetSiteCode", sites[0], **{XSI_TYPE: "CD"})
            else:  # the dose of the whole act, whose places the technique table names
                self._target_site(observation, sites, "act-1-site")
        self._radiopharmaceuticals(sub, text)

    def _pregnancy(self) -> tuple[str, str, str]:
        """The pregnancy status the exposure section requires (JDV_StatutGrossesse, no null allowed):
        as the order gave it; for a man, absence of pregnancy (said so); otherwise unknown."""
        r = self.r
        if r.pregnant is not None:
            code, label = PREGNANCY[r.pregnant.value]
            return code, label, "oui" if r.pregnant.value else "non"
        if r.patient is not None and r.patient.sex is Sex.MALE:
            return *PREGNANCY[False], "sans objet (patient de sexe masculin)"
        return "261665006", "inconnu", "non renseigné"

    def _dose_rows(self, text: etree._Element) -> list[tuple[str, Code, str, str]]:
        """The dose table of the narrative; returns the coded quantities to write as entries."""
        r = self.r
        dose = r.dose
        entries: list[tuple[str, Code, str, str]] = []
        if dose is None or dose.is_empty:
            reason = r.dose_missing_reason or "non disponible"
            _el(text, "paragraph", f"Dose : {reason}")
            return entries
        table = _table(text, ("Mesure", "Valeur", "Source"))
        for row in dose_rows(dose):
            tr = _el(table, "tr")
            self._content(_el(tr, "td"), row.ident, row.label)
            _el(tr, "td", row.text())
            _el(tr, "td", row.source_text())
            if row.code is not None:
                entries.append((row.ident, row.code, format_number(row.value, row.places), row.unit))
        if any(row.to_verify for row in dose_rows(dose)):
            _el(text, "paragraph", "Valeurs lues dans un texte libre de l'appareil : à vérifier.")
        if dose.equipment is not None:
            equipment = dose.equipment
            _el(text, "paragraph", f"Appareil : {equipment.full_label} ({equipment.source.label})")
        return entries

    def _radiopharmaceuticals(self, sub: etree._Element, text: etree._Element) -> None:
        """FR-DICOM-Administration-radiopharmaceutique entries (TID 10021 read from the images)."""
        dose = self.r.dose
        if dose is None:
            return
        for index, drug in enumerate(dose.radiopharmaceuticals, start=1):
            ident = f"radiopharmaceutical-{index}"
            nuclide = f" ({drug.radionuclide})" if drug.radionuclide else ""
            self._content(_el(text, "paragraph", "Radiopharmaceutique : "), ident, f"{drug.agent}{nuclide}")
            administration = _el(
                _el(sub, "entry"), "substanceAdministration", classCode="SBADM", moodCode="EVN"
            )
            _template(administration, "1.2.250.1.213.1.1.3.173")
            _code(
                administration,
                "code",
                Code("440252007", SNOMED_CT, "administration de produits radiopharmaceutiques", "SNOMED CT"),
            )
            if drug.activity_mbq is not None:
                _el(
                    administration,
                    "doseQuantity",
                    value=format_number(drug.activity_mbq, PLACES["activity"]),
                    unit="MBq",
                )
            material = _el(
                _el(
                    _el(administration, "consumable", typeCode="CSM"), "manufacturedProduct", classCode="MANU"
                ),
                "manufacturedMaterial",
            )
            code = _el(material, "code")
            self._ref(code, "originalText", ident).set("mediaType", "text/xml")
            if drug.agent_code is not None:
                _code(code, "translation", drug.agent_code)
            _el(material, "name", drug.agent)

    def _catalog(self, section: etree._Element) -> None:
        r = self.r
        sub, text = self._section(
            section,
            "catalog",
            ("2.16.840.1.113883.10.20.6.1.1", "1.2.250.1.213.1.1.2.217"),
            Code("121181", DCM, "Catalogue d'objets DICOM", "DCM"),
            "Catalogue d'objets DICOM",
            sub=True,
        )
        study = r.order.study_instance_uid.value if r.order.study_instance_uid else ""
        table = (
            _table(text, ("Examen (Study Instance UID)", "Série", "Modalité", "Instance"))
            if r.images
            else None
        )
        for index, image in enumerate(r.images, start=1):
            tr = _el(table, "tr")
            _el(tr, "td", image.study_uid)
            _el(tr, "td", image.description or image.series_uid)
            self._content(_el(tr, "td"), f"image-{index}-modality", image.modality)
            self._content(_el(tr, "td"), f"image-{index}", image.instance_uid)
            act = _el(_el(sub, "entry"), "act", classCode="ACT", moodCode="EVN")
            _template(act, "1.2.840.10008.9.16", "1.2.250.1.213.1.1.3.155")
            _el(act, "id", root=image.study_uid or study)
            _code(act, "code", Code("113014", DCM, "Examen", "DCM"))
            _el(act, "effectiveTime", value=timestamp(self._act_time()))
            series = _el(
                _el(act, "entryRelationship", typeCode="COMP"), "act", classCode="ACT", moodCode="EVN"
            )
            _template(series, "1.2.840.10008.9.17", "1.2.250.1.213.1.1.3.156")
            _el(series, "id", root=image.series_uid)
            code = _code(series, "code", Code("113015", DCM, "Série", "DCM"))
            qualifier = _el(code, "qualifier")
            _code(qualifier, "name", Code("121139", DCM, "Modalité", "DCM"))
            value = _code(qualifier, "value", terminology.modality(image.modality))
            self._ref(value, "originalText", f"image-{index}-modality").set("mediaType", "text/plain")
            instance = _el(
                _el(series, "entryRelationship", typeCode="COMP"),
                "observation",
                classCode="DGIMG",
                moodCode="EVN",
            )
            _template(instance, "1.2.840.10008.9.18", "1.2.250.1.213.1.1.3.157")
            _el(instance, "id", root=image.instance_uid)
            sop = _code(
                instance,
                "code",
                Code(image.sop_class_uid, DCMUID, SOP_CLASS_NAMES.get(image.sop_class_uid, ""), "DCMUID"),
            )
            self._ref(sop, "originalText", f"image-{index}")
        if not r.images:
            _el(text, "paragraph", f"Examen : {study}" if study else "Aucun objet référencé.")

    def _results(self, body: etree._Element) -> None:
        r = self.r
        section, text = self._section(
            body,
            "results",
            ("2.16.840.1.113883.10.20.6.1.2", "1.2.250.1.213.1.1.2.208"),
            Code("59776-5", LOINC, "Résultats de l'acte", "LOINC"),
            "Résultats",
        )
        self._narrative(text, r.results.text)
        if r.measurements:
            self._measurements(section, text)

    def _measurements(self, section: etree._Element, text: etree._Element) -> None:
        """The measurements made on the images: a table, and one entry per value citing the measured
        image (FR-DICOM-SOP-Instance-observation, its frame when multi-frame).

        The entry is an FR-DICOM-Observation (PS3.20 coded observation) with a PQ value: the
        FR-DICOM-Quantite template would fit better, but the IMG-CR-IMG schematron limits its codes to
        the dose quantities (JDV_QuantiteExpositionRayonnements) wherever it appears; and the image is
        cited through REFR, because the ANS rules ask an SPRT of a coded observation to carry a
        FR-DICOM-Quantite too. Both choices pass the ANS test tools."""
        from reporting import measurements as words  # imports this module's number rule

        table = _table(
            text, ("Mesure", "Valeur", "Image", "Instance (SOP Instance UID)", "Points (colonne ; ligne)")
        )
        sites = tuple(dict.fromkeys(place for act in self.r.acts for place in act.localisations))
        for index, measure in enumerate(self.r.measurements, start=1):
            for number, value in enumerate(measure.values, start=1):
                ident = f"measure-{index}-{number}"
                tr = _el(table, "tr")
                self._content(_el(tr, "td"), ident, words.value_label(measure, value))
                _el(tr, "td", words.value_text(value))
                _el(tr, "td", words.image_text(measure) if number == 1 else "")
                _el(tr, "td", measure.instance_uid if number == 1 else "")
                _el(tr, "td", words.points_text(measure) if number == 1 else "")
                observation = _el(_el(section, "entry"), "observation", classCode="OBS", moodCode="EVN")
                _template(observation, "2.16.840.1.113883.10.20.6.2.13", "1.2.250.1.213.1.1.3.150")
                self._id(observation, ident)
                _code(observation, "code", value.kind.code)
                self._ref(observation, "text", ident)
                _el(observation, "statusCode", code="completed")
                _el(
                    observation,
                    "value",
                    value=format_number(value.value, 6),
                    unit=value.unit,
                    **{XSI_TYPE: "PQ"},
                )
                if len(sites) == 1:
                    _code(observation, "targetSiteCode", sites[0], **{XSI_TYPE: "CD"})
                elif sites:
                    self._target_site(observation, sites, "act-1-site")
                else:
                    _el(observation, "targetSiteCode", nullFlavor="UNK")
                if measure.instance_uid and measure.sop_class_uid:
                    self._measured_image(
                        observation, measure.instance_uid, measure.sop_class_uid, measure.frame
                    )

    @staticmethod
    def _measured_image(
        observation: etree._Element, instance: str, sop_class: str, frame: int | None
    ) -> None:
        image = _el(
            _el(observation, "entryRelationship", typeCode="REFR"),
            "observation",
            classCode="DGIMG",
            moodCode="EVN",
        )
        _template(image, "1.2.840.10008.9.18", "1.2.250.1.213.1.1.3.157")
        _el(image, "id", root=instance)
        _code(image, "code", Code(sop_class, DCMUID, SOP_CLASS_NAMES.get(sop_class, ""), "DCMUID"))
        if frame is None:
            return
        frames = _el(
            _el(image, "entryRelationship", typeCode="COMP"),
            "observation",
            classCode="ROIBND",
            moodCode="EVN",
        )
        _template(frames, "1.2.250.1.213.1.1.3.164")
        _code(frames, "code", Code("121190", DCM, "Referenced Frames", "DCM"))
        shown = _el(
            _el(frames, "entryRelationship", typeCode="COMP"), "observation", classCode="OBS", moodCode="EVN"
        )
        _template(shown, "1.2.250.1.213.1.1.3.166")
        _code(shown, "code", Code("113036", DCM, "Frames for Display", "DCM"))
        interval = _el(shown, "value", **{XSI_TYPE: "IVL_INT"})
        _el(interval, "low", value=str(frame))
        _el(interval, "high", value=str(frame))

    def _conclusion(self, body: etree._Element) -> None:
        r = self.r
        _, text = self._section(
            body,
            "conclusion",
            ("1.2.840.10008.9.5", "1.2.250.1.213.1.1.2.209"),
            Code("19005-8", LOINC, "Conclusions", "LOINC"),
            "Synthèse / Conclusion",
        )
        self._narrative(text, r.conclusion.text)
        urgent = r.urgent_communication
        if urgent is not None:
            moment = urgent.at.astimezone(PARIS) if urgent.at.tzinfo else urgent.at
            note = f" ({urgent.note})" if urgent.note else ""
            _el(
                text,
                "paragraph",
                f"Résultat communiqué en urgence par {urgent.means} à {urgent.recipient} le "
                f"{moment:%d/%m/%Y à %H:%M}{note}.",
            )
        if r.prognosis_announcement is not None:  # charter §4.1: the agreed announcement procedure
            _el(text, "paragraph", r.prognosis_announcement.sentence)
        if r.viewer_url:  # DRIM-M (ANS white paper §3.3.1): the partial URL completed with this report's id
            link = r.viewer_url + r.document_id if r.viewer_url.endswith("=") else r.viewer_url
            paragraph = _el(text, "paragraph", "Images de l'examen consultables sur la DRIMbox du site : ")
            _el(paragraph, "linkHtml", link, href=link)
        if r.provisional_identity is not None:  # issue 23: an unqualified identity, said so
            _el(_el(text, "paragraph"), "content", r.provisional_identity.mention, styleCode="Bold")
        if r.teleradiology and r.teleradiology_mention:
            _el(_el(text, "paragraph"), "content", r.teleradiology_mention, styleCode="Italics")


_ENCOUNTER = {
    "O": ("AMB", "Ambulatoire (hors établissement)"),
    "I": ("IMP", "Hospitalisation"),
    "E": ("EMER", "Urgence"),
}


def _at_site(person: Professional, org: Organization | None) -> Professional:
    """The performer is shown with the site where the act was done (needed by the DRIMbox), even
    when the remote radiologist belongs to a teleradiology organisation (shown as the author's)."""
    if org is None:
        return person
    return replace(person, organization=org)


def _table(text: etree._Element, headers: Iterable[str]) -> etree._Element:
    table = _el(text, "table", border="1")
    row = _el(_el(table, "thead"), "tr")
    for header in headers:
        _el(row, "th", header)
    return _el(table, "tbody")


def _date(value: date) -> str:
    return value.strftime("%Y%m%d")


def _justification_text(r: Report) -> str:
    """Who justified the exposure: the radiologist who accepted the request (flux 3), with the time
    and the radioprotection confirmation (issue 23); the author when no acceptance was received."""
    justified = r.exposure_justification
    if justified is None:
        author = r.participants.author
        return f"Justification de l'exposition : {author.display_name}" if author else ""
    parts = [f"Justification de l'exposition : {justified.radiologist.display_name}, demande acceptée"]
    if justified.at is not None:
        moment = justified.at.astimezone(PARIS) if justified.at.tzinfo else justified.at
        parts[0] += f" le {moment:%d/%m/%Y à %H:%M}"
    parts.append(
        "confirmation de radioprotection donnée"
        if justified.radioprotection_confirmed
        else "pas de confirmation de radioprotection particulière transmise"
    )
    if justified.missing_accepted:
        parts.append("acceptée sans : " + ", ".join(justified.missing_accepted))
    return " ; ".join(parts) + "."
