"""The structured imaging report: what the radiologist signs, independent of any output format.

The ANS guide asks for four chapters (indication, technique, results, synthesis/conclusion) and the
HAS/charter texts for a list of facts (acts, products, dose, participants, dates, incidents, the
teleradiology mention). Each fact injected from outside carries its ``Source`` so the user can see
where a value came from and a reviewer can tell a measured dose from a typed one.

Everything here is immutable: an edit is ``dataclasses.replace``, a correction or an addendum is a
new version of the same document set (same ``set_id``, ``version + 1``), never an in-place change of
something already signed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from resources.translations import QT_TRANSLATE_NOOP

T = TypeVar("T")

# Code systems and identifier roots used by the CI-SIS (OIDs).
LOINC = "2.16.840.1.113883.6.1"
SNOMED_CT = "2.16.840.1.113883.6.96"
DCM = "1.2.840.10008.2.16.4"
CCAM = "1.2.250.1.215.300.1"
ATC = "2.16.840.1.113883.6.73"
EDQM = "0.4.0.127.0.16.1.1.2.1"
CIP = "1.2.250.1.213.2.3.2"
PROFESSION = "1.2.250.1.213.1.1.4.5"  # TRE_G15 profession / savoir-faire
RPPS_ROOT = "1.2.250.1.71.4.2.1"  # national identifiers of professionals (value "8" + RPPS)
STRUCTURE_ROOT = "1.2.250.1.71.4.2.2"  # national identifiers of structures
INS_ROOTS = {
    "1.2.250.1.213.1.4.8": "INS-NIR",
    "1.2.250.1.213.1.4.9": "INS-NIA",
    "1.2.250.1.213.1.4.10": "INS-NIR de test",
    "1.2.250.1.213.1.4.11": "INS-NIR de démonstration",
}


class Source(StrEnum):
    """Where a value of the report came from."""

    RDSR = "rdsr"
    DICOM_HEADER = "dicom_header"
    ORDER_HL7 = "order_hl7"
    COMPLEMENT_HL7 = "complement_hl7"
    USER = "user"
    ACCOUNT = "account"
    COMPUTED = "computed"

    @property
    def label(self) -> str:
        return _SOURCE_LABELS[self]


# French, as the report shows them; marked for the editor, which shows them in the interface language.
_SOURCE_LABELS = {
    Source.RDSR: QT_TRANSLATE_NOOP("reporting.model", "RDSR DICOM (rapport de dose)"),
    Source.DICOM_HEADER: QT_TRANSLATE_NOOP("reporting.model", "en-tête DICOM des images"),
    Source.ORDER_HL7: QT_TRANSLATE_NOOP("reporting.model", "demande d'examen HL7 (ORM)"),
    Source.COMPLEMENT_HL7: QT_TRANSLATE_NOOP("reporting.model", "complément post-examen HL7 (OMI)"),
    Source.USER: QT_TRANSLATE_NOOP("reporting.model", "saisie du radiologue"),
    Source.ACCOUNT: QT_TRANSLATE_NOOP("reporting.model", "compte du radiologue connecté"),
    Source.COMPUTED: QT_TRANSLATE_NOOP("reporting.model", "calculé par le poste"),
}


@dataclass(frozen=True, slots=True)
class Sourced(Generic[T]):
    """A value and where it came from (``detail`` names the file, segment or rule when useful)."""

    value: T
    source: Source
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    system: str
    display: str = ""
    system_name: str = ""


@dataclass(frozen=True, slots=True)
class Identifier:
    """An HL7 instance identifier: ``root`` is an OID, ``extension`` the value within it (if any)."""

    root: str
    extension: str = ""


class Sex(StrEnum):
    FEMALE = "F"
    MALE = "M"
    UNKNOWN = "U"

    @property
    def label(self) -> str:
        return {"F": "Féminin", "M": "Masculin", "U": "Inconnu"}[self.value]


@dataclass(frozen=True, slots=True)
class PatientIdentity:
    """The INS traits (matricule + OID, birth names, first names, sex, birth date and place)."""

    ins: Identifier | None
    birth_family: str
    birth_given_names: str
    first_given: str
    sex: Sex
    birth_date: date | None
    source: Source
    birth_place_cog: str = ""
    used_family: str = ""
    used_given: str = ""
    identity_status: str = ""
    other_ids: tuple[Identifier, ...] = ()


@dataclass(frozen=True, slots=True)
class Organization:
    id: Identifier | None
    name: str
    source: Source
    telecom: str = ""
    id_type: str = ""  # HL7 table 0203 type of the identifier (FINEG, FINEJ, IDNST...)
    facility_type: Code | None = None  # JDV_J02 healthcare facility type (SA01...)
    practice_setting: Code | None = None  # JDV_J04 practice setting (ETABLISSEMENT, AMBULATOIRE...)


RADIOLOGIST = Code("G15_10/SM44", PROFESSION, "Médecin - Radio-diagnostic (SM)")
PHYSICIAN = Code("G15_10", PROFESSION, "Médecin")
TECHNOLOGIST = Code("G15_98", PROFESSION, "Manipulateur ERM")


@dataclass(frozen=True, slots=True)
class Professional:
    """A health professional; ``idnat`` is the national identifier (``8`` + RPPS for RPPS holders)."""

    idnat: str
    family: str
    given: str
    source: Source
    title: str = ""  # "DR", "PR": written as the name suffix (the CDA prefix is a civility, M/MME)
    profession: Code | None = None
    organization: Organization | None = None
    telecom: str = ""
    # Where the radiologist practises from, and the country when it is not France (charter: the
    # report says whether the radiologist reads from abroad; issue 23). Written in the CDA author's addr.
    practice_address: str = ""
    practice_country: str = ""

    @property
    def abroad(self) -> bool:
        return bool(self.practice_country.strip()) and self.practice_country.strip().casefold() not in (
            "fr",
            "fra",
            "france",
        )

    @property
    def rpps(self) -> str:
        return self.idnat[1:] if len(self.idnat) == 12 and self.idnat.startswith("8") else ""

    @property
    def display_name(self) -> str:
        who = f"{self.given} {self.family.upper()}".strip()
        return f"{self.title.capitalize()} {who}" if self.title else who


def idnat_from_rpps(value: str) -> str:
    """Accept an RPPS (11 digits) or an already prefixed national identifier (12, starting with 8)."""
    value = value.strip()
    return "8" + value if len(value) == 11 and value.isdigit() else value


@dataclass(frozen=True, slots=True)
class Participants:
    """Who takes part, with the roles of the ANS white paper on teleradiology reports.

    ``author`` is the remote radiologist who writes the report; ``site_doctor`` is the imaging site's
    responsible doctor, legal authenticator and second author; ``custodian`` is the imaging site.
    """

    author: Professional | None = None
    site_doctor: Professional | None = None
    requester: Professional | None = None
    technologist: Professional | None = None
    custodian: Organization | None = None
    # Site doctors of earlier versions stay authors of the new ones (ANS white paper: the DMP lets
    # only an author of the document publish or withdraw it).
    former_site_doctors: tuple[Professional, ...] = ()


@dataclass(frozen=True, slots=True)
class VisitNumber:
    """PV1-19 as the imaging site sent it (its assigning authority is often local, not an OID)."""

    value: str
    authority: str = ""
    authority_id: str = ""
    authority_id_type: str = ""


@dataclass(frozen=True, slots=True)
class OrderReferences:
    placer_order: Sourced[Identifier] | None = None
    accession: Sourced[Identifier] | None = None
    study_instance_uid: Sourced[str] | None = None
    encounter_class: str = ""  # PV1-2: O external, I inpatient, E emergency...
    visit: VisitNumber | None = None
    requested_at: Sourced[datetime] | None = None  # ORC-9: when the requester asked for the exam


@dataclass(frozen=True, slots=True)
class Act:
    """An imaging act: DICOM modality, LOINC (CI-SIS document/act code) and/or CCAM code, region."""

    modality: Code
    source: Source
    loinc: Code | None = None
    ccam: Code | None = None
    region: Code | None = None  # JDV_RegionAnatomique (as in the order)
    localisation: Code | None = None  # JDV_LocalisationAnatomique (what the CDA entries require)
    description: str = ""
    # the order's other regions (a thorax-abdomen-pelvis CT: thorax, then abdomen-pelvis here)
    extra_regions: tuple[Code, ...] = ()
    extra_localisations: tuple[Code, ...] = ()

    @property
    def regions(self) -> tuple[Code, ...]:
        """Every region of the act, the first one first."""
        return ((self.region,) if self.region is not None else ()) + self.extra_regions

    @property
    def localisations(self) -> tuple[Code, ...]:
        """Every JDV_LocalisationAnatomique of the act, without repeats, the first one first."""
        found = ((self.localisation,) if self.localisation is not None else ()) + self.extra_localisations
        return tuple(dict.fromkeys(found))

    @property
    def places_text(self) -> str:
        """The act's anatomical places in French, « thorax entier ; cavité abdominopelvienne entière »."""
        places = self.localisations or self.regions
        return " ; ".join(p.display or p.code for p in places)

    @property
    def label(self) -> str:
        for code in (self.ccam, self.loinc):
            if code is not None and code.display:
                return code.display
        return self.modality.display or self.modality.code


@dataclass(frozen=True, slots=True)
class AdministeredProduct:
    """A product given during the act (contrast agent...): name, ATC, lot, quantity, unit, route."""

    name: str
    source: Source
    atc: Code | None = None
    product_code: Code | None = None  # CIP or UCD
    lot: str = ""
    quantity: Decimal | None = None
    unit: str = ""  # UCUM, e.g. mL
    route: Code | None = None  # EDQM route of administration


@dataclass(frozen=True, slots=True)
class Equipment:
    manufacturer: str
    model: str
    source: Source
    serial_number: str = ""
    station: str = ""

    @property
    def label(self) -> str:
        return " ".join(p for p in (self.manufacturer, self.model) if p)

    @property
    def full_label(self) -> str:
        """The label with the serial number (0018,1000), which tells two machines of a model apart."""
        serial = f"n° de série {self.serial_number}" if self.serial_number else ""
        if self.label and serial:
            return f"{self.label} ({serial})"
        return self.label or serial


@dataclass(frozen=True, slots=True)
class CtAcquisition:
    """One CT irradiation event (or one series when only image headers are available).

    ``label`` is French, made from the protocol, target region and acquisition type; ``phantom``
    names the CTDI phantom (head 16 cm / body 32 cm) because a CTDIvol means nothing without it.
    """

    label: str
    source: Source
    ctdi_vol_mgy: Decimal | None = None
    dlp_mgy_cm: Decimal | None = None
    event_uid: str = ""
    phantom: str = ""
    detail: str = ""  # where the values were read, and why they need checking when they do


class DoseKind(Enum):
    """A dose quantity beyond the CT and DAP totals: DCM code, French label, UCUM unit, unit as
    shown, decimal places of the report's number rule, and whether the CI-SIS value set
    JDV_QuantiteExpositionRayonnements lets it be a coded CDA entry (otherwise narrative only)."""

    DAP_EVENT = ("122130", "PDS", "dGy.cm2", "dGy·cm²", 3, False)
    RP_AIR_KERMA = ("113725", "Dose au point de référence (Ka,r)", "mGy", "mGy", 2, False)
    FLUORO_TIME = ("113730", "Temps de scopie", "s", "s", 1, True)
    ENTRANCE_DOSE = ("111636", "Dose à l'entrée (kerma dans l'air)", "mGy", "mGy", 2, True)
    AGD = ("111631", "DGM (dose glandulaire moyenne)", "mGy", "mGy", 2, False)
    AGD_ACCUMULATED = ("111637", "DGM cumulée", "mGy", "mGy", 2, True)
    COMPRESSION = ("111633", "Épaisseur du sein comprimé", "mm", "mm", 0, False)
    ACTIVITY = ("113507", "Activité administrée", "MBq", "MBq", 1, True)

    @property
    def code(self) -> str:
        return self.value[0]

    @property
    def label(self) -> str:
        return self.value[1]

    @property
    def unit(self) -> str:
        return self.value[2]

    @property
    def shown_unit(self) -> str:
        return self.value[3]

    @property
    def places(self) -> int:
        return self.value[4]

    @property
    def coded_entry(self) -> bool:
        return self.value[5]


@dataclass(frozen=True, slots=True)
class DoseValue:
    """One dose quantity, for an event, a plane, a breast or the whole act (``label`` says which)."""

    kind: DoseKind
    value: Decimal
    source: Source
    label: str = ""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Radiopharmaceutical:
    """A radiopharmaceutical administration (TID 10021): agent, radionuclide, activity, time."""

    agent: str
    source: Source
    activity_mbq: Decimal | None = None
    agent_code: Code | None = None
    radionuclide: str = ""
    route: Code | None = None
    administered_at: datetime | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class DoseReport:
    """The dose of the examination as found in the images; ``warnings`` are French, for the user."""

    acquisitions: tuple[CtAcquisition, ...] = ()
    total_dlp_mgy_cm: Sourced[Decimal] | None = None
    total_dap_dgy_cm2: Sourced[Decimal] | None = None
    fluoroscopy_time_s: Sourced[Decimal] | None = None
    equipment: Equipment | None = None
    study_instance_uid: str = ""
    warnings: tuple[str, ...] = ()
    values: tuple[DoseValue, ...] = ()  # per event, plane or breast; mammography, fluoroscopy, NM
    radiopharmaceuticals: tuple[Radiopharmaceutical, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (
            self.acquisitions
            or self.total_dlp_mgy_cm
            or self.total_dap_dgy_cm2
            or self.values
            or self.radiopharmaceuticals
        )

    def of_kind(self, kind: DoseKind) -> tuple[DoseValue, ...]:
        return tuple(v for v in self.values if v.kind is kind)


@dataclass(frozen=True, slots=True)
class ImageReference:
    """A DICOM instance the report refers to (key image, measured image)."""

    study_uid: str
    series_uid: str
    instance_uid: str
    sop_class_uid: str
    modality: str
    source: Source
    description: str = ""


class MeasurementKind(Enum):
    """What a measured value is: SNOMED CT code (as DICOM TID 1410/1419 name them), English meaning
    (the SR's code meaning), French label (the report's words)."""

    LENGTH = ("410668003", "Length", "Longueur")
    ANGLE = ("1483009", "Angle", "Angle")
    COBB_ANGLE = ("285285000", "Cobb angle", "Angle de Cobb")
    AREA = ("42798000", "Area", "Surface")
    MEAN = ("373098007", "Mean", "Moyenne")
    STANDARD_DEVIATION = ("386136009", "Standard Deviation", "Écart-type")
    MINIMUM = ("255605001", "Minimum", "Minimum")
    MAXIMUM = ("56851009", "Maximum", "Maximum")

    @property
    def code(self) -> Code:
        return Code(self.value[0], SNOMED_CT, self.value[1], "SNOMED CT")

    @property
    def meaning(self) -> str:
        return self.value[1]

    @property
    def label(self) -> str:
        return self.value[2]


class Shape(StrEnum):
    """The outline drawn on the image, and the DICOM graphic type of its SR spatial coordinates."""

    LINE = "POLYLINE"
    ANGLE = "ANGLE"  # three points, vertex in the middle (written as a POLYLINE)
    COBB = "COBB"  # two lines of two points each (written as a POLYLINE of four points)
    ELLIPSE = "ELLIPSE"  # two opposite corners of the bounding box, axes along the image axes
    RECTANGLE = "RECTANGLE"  # two opposite corners
    POLYGON = "POLYGON"  # freehand outline, not closed


# UCUM units of measured values and how the report writes them.
MEASUREMENT_UNITS = {"mm": "mm", "deg": "°", "mm2": "mm²", "[hnsf'U]": "UH", "1": ""}


@dataclass(frozen=True, slots=True)
class MeasuredValue:
    """One number of a measurement (the area, the mean... of a ROI), already rounded as shown."""

    kind: MeasurementKind
    value: Decimal
    unit: str  # UCUM: a key of MEASUREMENT_UNITS

    @property
    def shown_unit(self) -> str:
        return MEASUREMENT_UNITS.get(self.unit, self.unit)


@dataclass(frozen=True, slots=True)
class Measurement:
    """A measurement made on an image, as the report keeps it: the value (rounded as shown, so the
    text, the CDA entries and the SR carry the same number), the image it was made on (series, SOP
    instance, frame), and the outline in image coordinates (column, row in pixels, as DICOM SCOORD)
    so that a DICOM SR can draw it again on that image.

    ``values`` holds every number of the measurement, the first being ``value`` (a ROI: area, mean,
    standard deviation, minimum, maximum); ``location`` is the French « série 3, image 45 »."""

    label: str
    value: Decimal
    unit: str
    source: Source
    series_uid: str = ""
    instance_uid: str = ""
    kind: MeasurementKind = MeasurementKind.LENGTH
    study_uid: str = ""
    sop_class_uid: str = ""
    frame: int | None = None  # frame number (from 1) in a multi-frame instance
    shape: Shape | None = None
    points: tuple[tuple[float, float], ...] = ()  # image coordinates (column, row)
    location: str = ""
    statistics: tuple[MeasuredValue, ...] = ()  # the ROI's values after its area

    @property
    def values(self) -> tuple[MeasuredValue, ...]:
        return (MeasuredValue(self.kind, self.value, self.unit), *self.statistics)

    @property
    def shown_unit(self) -> str:
        return MEASUREMENT_UNITS.get(self.unit, self.unit)


@dataclass(frozen=True, slots=True)
class Incident:
    description: str
    source: Source


@dataclass(frozen=True, slots=True)
class UrgentCommunication:
    """A result communicated at once (phone...) to someone, as the charter asks for urgent findings."""

    recipient: str
    at: datetime
    source: Source
    means: str = "téléphone"
    note: str = ""


@dataclass(frozen=True, slots=True)
class PrognosisAnnouncement:
    """How a poor prognosis was communicated to the requester, following the announcement procedure
    agreed with the requesting site (charter §4.1; the radiologist does not announce it to the patient
    remotely: the requester does, informed first). Written in the report's conclusion (issue 23)."""

    recipient: str  # the requesting physician informed
    means: str  # téléphone, messagerie sécurisée, en personne...
    at: datetime
    procedure: str  # the procedure agreed with the requester (as the site's convention names it)
    source: Source = Source.USER
    note: str = ""

    @property
    def sentence(self) -> str:
        moment = self.at.astimezone(ZoneInfo("Europe/Paris")) if self.at.tzinfo else self.at
        note = f" {self.note.strip()}" if self.note.strip() else ""
        return (
            f"Annonce d'un pronostic grave : résultat communiqué au demandeur, {self.recipient}, par "
            f"{self.means} le {moment:%d/%m/%Y à %H:%M}, selon la procédure d'annonce convenue avec lui "
            f"({self.procedure}) ; l'annonce au patient relève du demandeur.{note}"
        )


@dataclass(frozen=True, slots=True)
class IdentityCheck:
    """Identity-vigilance: the patient of the images is the patient of the order."""

    verified: bool
    source: Source
    at: datetime | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ProvisionalIdentity:
    """The report is signed on an identity that is not qualified (no INS: an unknown emergency
    patient, a provisional identity): allowed with an explicit mention, audited, and completed by an
    addendum once the site sends the qualified identity (issue 23)."""

    status: str  # PID-32 as received ("PROV", "VIDE"...), "" when the site sent none
    acknowledged_at: datetime
    source: Source = Source.USER

    @property
    def mention(self) -> str:
        status = f" (statut transmis : {self.status})" if self.status else ""
        return (
            f"Compte rendu établi sur une identité provisoire non qualifiée, sans INS{status} : "
            "à rapprocher de l'identité qualifiée dès sa transmission par le site (identitovigilance)."
        )


@dataclass(frozen=True, slots=True)
class ExposureJustification:
    """Who accepted the request and so justified the exposure (flux 3), when, and whether the
    radioprotection confirmation was given: the exposure section names them, who may not be the
    report's author (issue 23)."""

    radiologist: Professional
    at: datetime | None
    radioprotection_confirmed: bool
    source: Source
    missing_accepted: tuple[str, ...] = ()  # French labels of elements accepted although missing


@dataclass(frozen=True, slots=True)
class Narrative:
    """Free text of a chapter, in the small Markdown subset of ``reporting.markdown``."""

    text: str = ""
    source: Source = Source.USER

    @property
    def is_blank(self) -> bool:
        return not self.text.strip()


class Chapter(Enum):
    """The four chapters the ANS guide requires, with the report attribute holding each.

    ``title`` is the French heading of the report; the editor shows it in the interface language.
    """

    INDICATION = ("indication", QT_TRANSLATE_NOOP("reporting.model", "Indication"))
    TECHNIQUE = ("technique", QT_TRANSLATE_NOOP("reporting.model", "Technique"))
    RESULTS = ("results", QT_TRANSLATE_NOOP("reporting.model", "Résultats"))
    CONCLUSION = ("conclusion", QT_TRANSLATE_NOOP("reporting.model", "Synthèse / Conclusion"))

    @property
    def attribute(self) -> str:
        return self.value[0]

    @property
    def title(self) -> str:
        return self.value[1]


class ReportStatus(StrEnum):
    DRAFT = "brouillon"
    SIGNED = "signé"


@dataclass(frozen=True, slots=True)
class Addendum:
    text: str
    author: Professional
    at: datetime


@dataclass(frozen=True, slots=True)
class Report:
    document_id: str
    set_id: str
    version: int = 1
    parent_document_id: str = ""
    status: ReportStatus = ReportStatus.DRAFT
    title: str = "CR d'imagerie médicale"
    patient: PatientIdentity | None = None
    participants: Participants = field(default_factory=Participants)
    order: OrderReferences = field(default_factory=OrderReferences)
    acts: tuple[Act, ...] = ()
    products: tuple[AdministeredProduct, ...] = ()
    dose: DoseReport | None = None
    dose_missing_reason: str = ""
    indication: Narrative = field(default_factory=Narrative)
    technique: Narrative = field(default_factory=Narrative)
    results: Narrative = field(default_factory=Narrative)
    conclusion: Narrative = field(default_factory=Narrative)
    history: Narrative = field(default_factory=Narrative)
    contraindications: Narrative = field(default_factory=Narrative)
    pregnant: Sourced[bool] | None = None
    measurements: tuple[Measurement, ...] = ()
    images: tuple[ImageReference, ...] = ()
    incidents: tuple[Incident, ...] = ()
    urgent_communication: UrgentCommunication | None = None
    prognosis_announcement: PrognosisAnnouncement | None = None
    teleradiology: bool = True
    teleradiology_mention: str = ""
    identity_check: IdentityCheck | None = None
    exposure_justification: ExposureJustification | None = None
    provisional_identity: ProvisionalIdentity | None = None
    viewer_url: str = ""  # flux 4 URL_PARTIELLE_VIEWER: the DRIMbox link, completed with the report's id
    act_time: Sourced[datetime] | None = None
    act_end_time: Sourced[datetime] | None = None  # end of the service event (last image acquired)
    interpretation_time: Sourced[datetime] | None = None  # when the radiologist began reading
    # the order's clinical justification (OBR-13) and purpose, kept beside a typed Indication
    order_justification: Narrative = field(default_factory=Narrative)
    signature_time: datetime | None = None
    addendum: Addendum | None = None

    def chapter(self, chapter: Chapter) -> Narrative:
        return getattr(self, chapter.attribute)

    @property
    def is_ionising(self) -> bool:
        return any(act.modality.code in IONISING_MODALITIES for act in self.acts)


IONISING_MODALITIES = frozenset({"CT", "CR", "DX", "MG", "RF", "XA", "IO", "PX", "NM", "PT", "BMD"})


def new_document_oid() -> str:
    """A globally unique OID for a document or a document set (the ``2.25`` UUID arc)."""
    return f"2.25.{uuid.uuid4().int}"


def teleradiology_mention(author: Professional | None) -> str:
    """The mention the charter requires: interpretation done remotely, naming the radiologist."""
    if author is None:
        return ""
    rpps = f" (RPPS {author.rpps})" if author.rpps else ""
    mention = f"Examen interprété en téléradiologie par le Dr {author.given} {author.family.upper()}{rpps}"
    if author.practice_address.strip():
        mention += f", lieu d'exercice : {' '.join(author.practice_address.split())}"
    if author.abroad:
        mention += f", exerçant depuis l'étranger ({author.practice_country.strip()})"
    return mention + "."


def new_draft(**fields: object) -> Report:
    """A first version of a new document (fresh document and set identifiers)."""
    report = Report(document_id=new_document_oid(), set_id=new_document_oid(), **fields)  # type: ignore[arg-type]
    if report.teleradiology and not report.teleradiology_mention:
        report = replace(report, teleradiology_mention=teleradiology_mention(report.participants.author))
    return report


def new_version(report: Report, *, addendum: Addendum | None = None) -> Report:
    """A correction or addendum of a signed report: same set, next version, back to draft.

    The signed version stays as it was (it has been sent); the new one replaces it at the receiver.
    """
    if report.status is not ReportStatus.SIGNED:
        raise ValueError("only a signed report can be corrected or completed")
    people = report.participants
    former = people.former_site_doctors
    if people.site_doctor is not None and all(p.idnat != people.site_doctor.idnat for p in former):
        former = (*former, people.site_doctor)
    return replace(
        report,
        participants=replace(people, former_site_doctors=former),
        document_id=new_document_oid(),
        version=report.version + 1,
        parent_document_id=report.document_id,
        status=ReportStatus.DRAFT,
        signature_time=None,
        addendum=addendum if addendum is not None else report.addendum,
    )
