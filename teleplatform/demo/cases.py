"""The demo night: who, where, what was asked and what was done, as importable constants.

Everything the generator writes is derived from these values, so tests (and other helpers) can
check the files against them instead of re-reading the files. All people, sites, identifiers and
numbers are fictitious:

* INS: real NIR structure (sex, birth year and month, COG code of the birth commune, order
  number, key = 97 - NIR mod 97) under the INS-NIR *test* OID 1.2.250.1.213.1.4.10;
* RPPS: 11 Luhn-valid digits starting with 899 (real RPPS numbers start with 10), sent as the
  PS_IdNat "8" + RPPS under 1.2.250.1.71.4.2.1;
* FINESS: 9 Luhn-valid digits in the 18 (Cher) range, for sites that do not exist;
* phone numbers in the 02 61 91 range ARCEP reserves for fiction; web addresses under .example;
* OIDs and DICOM UIDs under 2.25 (UUID-derived, RFC 4122 / ISO 9834-8), from a fixed namespace
  so that every run writes the same identifiers.

Dates are the night of Saturday 14 to Sunday 15 November 2026, French local time (CET, UTC+1),
written without offset as the ANS examples do.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

GENERATOR_VERSION = "13"  # 11: contrast risks in the contrast CT's request; 12: consent, site incidents;
# 13: the unknown emergency patient and the radiograph acquired before its flux 4 (CHARTER_CASES)
"""Bumped whenever the generated files change: a data directory made by another version is redone."""

_NAMESPACE = uuid.UUID("6f3c2a1e-8d4b-5c7e-9a0f-1b2c3d4e5f60")

INS_NIR_TEST_OID = "1.2.250.1.213.1.4.10"
INS_NAMESPACE = "ASIP-SANTE-INS-NIR"
RPPS_OID = "1.2.250.1.71.4.2.1"
RPPS_NAMESPACE = "ASIP-SANTE-PS"
STRUCTURE_OID = "1.2.250.1.71.4.2.2"
STRUCTURE_NAMESPACE = "ASIP-SANTE-ST"
LOINC_OID = "2.16.840.1.113883.6.1"
RETENTION_DAYS = 730


def uid(*parts: str) -> str:
    """A DICOM UID / ISO OID under 2.25 derived from a name: stable across runs and machines."""
    return f"2.25.{uuid.uuid5(_NAMESPACE, '/'.join(parts)).int}"


def nir_key(nir13: str) -> str:
    """The two-digit key of a NIR: 97 - (NIR mod 97)."""
    return f"{97 - int(nir13) % 97:02d}"


class Sex(StrEnum):
    FEMALE = "F"
    MALE = "M"


class Priority(StrEnum):
    """ORC-7.6 / OBR-27.6 (HL7 table 0027)."""

    URGENT = "S"
    ROUTINE = "R"


class PatientClass(StrEnum):
    """PV1-2 (HL7 table 0004)."""

    EMERGENCY = "E"
    INPATIENT = "I"
    OUTPATIENT = "O"


@dataclass(frozen=True, slots=True)
class Coded:
    code: str
    label: str
    system: str


@dataclass(frozen=True, slots=True)
class Practitioner:
    rpps: str
    family: str
    given: str
    title: str = "Dr"
    phone: str = ""  # E.164, where the guide or HL7 has a place for it

    @property
    def id_nat(self) -> str:
        """PS_IdNat as the HL7 XCN-1 of the guide carries it: "8" followed by the RPPS number."""
        return f"8{self.rpps}"

    @property
    def dicom_name(self) -> str:
        return f"{self.family}^{self.given}^^{self.title}"


@dataclass(frozen=True, slots=True)
class Site:
    key: str
    name: str
    finess: str  # FINESS of the geographic entity (FINEG)
    phone: str  # call-back number, E.164
    application: str  # MSH-3 of its RIS
    facility: str  # MSH-4
    control_prefix: str  # MSH-10 prefix
    station_prefix: str
    drimbox: str  # base of the partial DRIMbox viewer URL

    @property
    def struct_id_nat(self) -> str:
        """Struct_IdNat of a FINESS-identified structure: "1" followed by the FINESS number."""
        return f"1{self.finess}"

    @property
    def ipp_oid(self) -> str:
        return uid("site", self.key, "ipp")

    @property
    def order_oid(self) -> str:
        return uid("site", self.key, "placer-order-number")

    @property
    def accession_oid(self) -> str:
        return uid("site", self.key, "accession-number")

    @property
    def visit_oid(self) -> str:
        return uid("site", self.key, "visit-number")


@dataclass(frozen=True, slots=True)
class Address:
    street: str
    city: str
    zip_code: str


@dataclass(frozen=True, slots=True)
class Patient:
    """INS identity traits (birth name, birth first names, sex, birth date, birth place) and the
    names in use. DICOM PatientID is the INS matricule (see README)."""

    birth_name: str
    birth_given_names: tuple[str, ...]
    used_name: str
    used_given_name: str
    sex: Sex
    birth_date: date
    birth_cog: str  # COG (INSEE) code of the birth commune
    nir_order: str  # 3-digit order number of the NIR
    ipp: str  # the site's patient identifier
    address: Address
    weight_kg: int
    height_cm: int
    # An unknown emergency patient (issue 23): no INS, identity status PROV, images keyed by the IPP.
    provisional: bool = False

    @property
    def first_given_name(self) -> str:
        return self.birth_given_names[0]

    @property
    def ins(self) -> str:
        sex_digit = "1" if self.sex is Sex.MALE else "2"
        nir13 = f"{sex_digit}{self.birth_date:%y%m}{self.birth_cog}{self.nir_order}"
        return nir13 + nir_key(nir13)

    @property
    def dicom_name(self) -> str:
        """DICOM PN: birth name ^ first birth first name."""
        return f"{self.birth_name}^{self.first_given_name}"


@dataclass(frozen=True, slots=True)
class Region:
    """REGION_ANATOMIQUE (JDV_RegionAnatomique-CISIS) with an optional topographic precision."""

    region: Coded
    precision: Coded | None = None


@dataclass(frozen=True, slots=True)
class Device:
    manufacturer: str
    model: str
    serial: str
    udi: str  # UDI carrier (Support IUD), GS1 human-readable form
    station: str
    software: str


@dataclass(frozen=True, slots=True)
class Product:
    """PRODUIT_ADMINISTRE: ATC code, lot (numeric, as the guide types it), volume."""

    atc: Coded
    name: str
    lot: str
    volume_ml: int


@dataclass(frozen=True, slots=True)
class Exam:
    """What the site did (flux 4 and the DICOM study)."""

    performed_at: datetime
    complement_at: datetime  # time of the flux 4 message
    act: Coded  # CODE_ACTE_IMAGERIE, LOINC (JDV_CodesDocumentImagerie-CISIS)
    study_description: str
    device: Device
    product: Product | None = None
    # False: the images are on the platform but the site has not sent its flux 4 yet (issue 23: the
    # study being acquired; its images name the order in the Request Attributes Sequence)
    complement_sent: bool = True


@dataclass(frozen=True, slots=True)
class ContrastRisk:
    """What the site sends about the contrast risks in the flux 1 (local convention of the
    workstation's docs/ARCHITECTURE.md: the guide has no place for them)."""

    creatinine_umol_l: int  # LOINC 14682-9
    egfr_ml_min: int  # LOINC 62238-1 (CKD-EPI)
    measured_at: datetime  # OBX-14
    allergies: str  # 99TLR ALLERGIES
    metformin: bool  # 99TLR METFORMINE
    previous_reaction: str  # 99TLR REACTION_PRODUIT_CONTRASTE: "" = none (CE N)


@dataclass(frozen=True, slots=True)
class Cancellation:
    at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class Case:
    slug: str
    site: Site
    patient: Patient
    requester: Practitioner  # médecin demandeur: PV1-8 (referring doctor), phone in OBR-17
    responsible: Practitioner  # PSResponsable of the imaging site: ORC-12 and OBR-16 (guide, flux 1-2)
    priority: Priority
    patient_class: PatientClass
    admitted_at: datetime
    visit_number: str
    placer_order_number: str
    accession_number: str
    requested_at: datetime  # ORC-9, also the time of the flux 1 message
    modality: Coded
    regions: tuple[Region, ...]
    clinical_information: str  # OBR-13
    purpose: str  # NTE FINALITE_EXAMEN
    history: str  # OBX 11322-5
    history_relevance: str  # OBX-8: SANS_IMPACT | PERTINENT | MAJEUR
    pregnancy: str | None = None  # OBX 82810-3: Y | N | UNK, for women of childbearing age
    modality_comment: str = ""
    exam: Exam | None = None
    cancellation: Cancellation | None = None
    dicom_birth_date: date | None = None  # what the images say when it differs from the order
    contrast_risk: ContrastRisk | None = None  # sent with a request that may need an injection
    consent: str | None = None  # 99TLR CONSENTEMENT: Y | N
    force_majeure: str = ""  # 99TLR FORCE_MAJEURE: why the consent could not be obtained
    site_incidents: tuple[tuple[bool, str], ...] = ()  # flux 4: (adverse effect?, what the technologist saw)

    @property
    def study_instance_uid(self) -> str:
        return uid("case", self.slug, "study")

    @property
    def image_birth_date(self) -> date:
        return self.dicom_birth_date or self.patient.birth_date


# --- dose values (documented in README.md; the images and the RDSR carry exactly these) -----------


@dataclass(frozen=True, slots=True)
class CtAcquisition:
    """One CT irradiation event (TID 10013)."""

    key: str
    protocol: str
    spiral: bool  # False: constant angle acquisition (topogram)
    target_region: Coded
    phantom: Coded  # CTDIw phantom type
    kvp: int
    tube_current_ma: int  # maximum, for the spiral with modulation
    mean_tube_current_ma: int
    exposure_time_s: Decimal
    rotation_time_s: Decimal
    scanning_length_mm: Decimal
    single_collimation_mm: Decimal
    total_collimation_mm: Decimal
    pitch: Decimal
    ctdivol_mgy: Decimal
    dlp_mgycm: Decimal


HEAD_PHANTOM = Coded("113690", "IEC Head Dosimetry Phantom", "DCM")
BODY_PHANTOM = Coded("113691", "IEC Body Dosimetry Phantom", "DCM")

CT_HEAD = CtAcquisition(
    key="ct-tete-helice",
    protocol="Crâne sans injection",
    spiral=True,
    target_region=Coded("69536005", "Head", "SCT"),
    phantom=HEAD_PHANTOM,
    kvp=120,
    tube_current_ma=280,
    mean_tube_current_ma=280,
    exposure_time_s=Decimal("8.9"),
    rotation_time_s=Decimal("1.0"),
    scanning_length_mm=Decimal("176"),
    single_collimation_mm=Decimal("0.6"),
    total_collimation_mm=Decimal("19.2"),
    pitch=Decimal("0.55"),
    ctdivol_mgy=Decimal("48.00"),
    dlp_mgycm=Decimal("902.4"),
)
CT_TAP_TOPOGRAM = CtAcquisition(
    key="tdm-tap-topogramme",
    protocol="Topogramme",
    spiral=False,
    target_region=Coded("416775004", "Chest, Abdomen and Pelvis", "SCT"),
    phantom=BODY_PHANTOM,
    kvp=100,
    tube_current_ma=35,
    mean_tube_current_ma=35,
    exposure_time_s=Decimal("5.1"),
    rotation_time_s=Decimal("0"),
    scanning_length_mm=Decimal("640"),
    single_collimation_mm=Decimal("0.6"),
    total_collimation_mm=Decimal("0.6"),
    pitch=Decimal("0"),
    ctdivol_mgy=Decimal("0.13"),
    dlp_mgycm=Decimal("8.3"),
)
CT_TAP_SPIRAL = CtAcquisition(
    key="tdm-tap-helice",
    protocol="TAP portal",
    spiral=True,
    target_region=Coded("416775004", "Chest, Abdomen and Pelvis", "SCT"),
    phantom=BODY_PHANTOM,
    kvp=100,
    tube_current_ma=310,
    mean_tube_current_ma=212,
    exposure_time_s=Decimal("9.4"),
    rotation_time_s=Decimal("0.5"),
    scanning_length_mm=Decimal("597"),
    single_collimation_mm=Decimal("0.6"),
    total_collimation_mm=Decimal("38.4"),
    pitch=Decimal("1.0"),
    ctdivol_mgy=Decimal("9.40"),
    dlp_mgycm=Decimal("589.4"),
)
CT_HEAD_PRIOR = CtAcquisition(
    key="ct-tete-anterieur-helice",
    protocol="Crâne sans injection",
    spiral=True,
    target_region=Coded("69536005", "Head", "SCT"),
    phantom=HEAD_PHANTOM,
    kvp=120,
    tube_current_ma=290,
    mean_tube_current_ma=290,
    exposure_time_s=Decimal("9.1"),
    rotation_time_s=Decimal("1.0"),
    scanning_length_mm=Decimal("180"),
    single_collimation_mm=Decimal("0.6"),
    total_collimation_mm=Decimal("19.2"),
    pitch=Decimal("0.55"),
    ctdivol_mgy=Decimal("49.70"),
    dlp_mgycm=Decimal("954.2"),
)
CT_TAP_ACQUISITIONS = (CT_TAP_TOPOGRAM, CT_TAP_SPIRAL)
CT_TAP_TOTAL_DLP_MGYCM = sum((a.dlp_mgycm for a in CT_TAP_ACQUISITIONS), Decimal(0))
DX_DAP_DGYCM2 = Decimal("0.92")  # (0018,115E), dGy·cm² (0.092 Gy·cm²)
PRIOR_DX_DAP_DGYCM2 = Decimal("0.61")  # the CT TAP patient's earlier chest radiograph
DX_KVP = 125
DX_EXPOSURE_UAS = 2200  # 2.2 mAs

# --- geometry of the series (tests check the files against these) --------------------------------

CT_HEAD_SLICES = 176
CT_HEAD_SPACING_MM = Decimal("1.0")
CT_HEAD_PIXEL_MM = Decimal("0.44921875")  # 230 mm field of view / 512
CT_TAP_SLICES = 200
CT_TAP_SPACING_MM = Decimal("3.0")
CT_TAP_PIXEL_MM = Decimal("0.78125")  # 400 mm / 512
MR_SLICES = 24
MR_THICKNESS_MM = Decimal("5.0")
MR_SPACING_MM = Decimal("6.0")  # 1 mm gap
MR_PIXEL_MM = Decimal("0.44921875")
DX_ROWS, DX_COLUMNS = 2150, 1750
DX_PIXEL_MM = Decimal("0.2")
PRIOR_CT_HEAD_SLICES = 36  # the older protocol: 5 mm slices over the same 176 mm
PRIOR_CT_HEAD_SPACING_MM = Decimal("5.0")

# --- people and places --------------------------------------------------------------------------

CH_VAL_DE_CHER = Site(
    key="chvc",
    name="Centre hospitalier de Val-de-Cher",
    finess="180099996",
    phone="+33261910142",
    application="RIS_CHVC",
    facility="CHVC",
    control_prefix="CHVC",
    station_prefix="CHVC",
    drimbox="https://drimbox.ch-val-de-cher.example/drimbox/viewer",
)
CH_HAUT_BERRY = Site(
    key="chhb",
    name="Centre hospitalier du Haut-Berry",
    finess="180099988",
    phone="+33261910287",
    application="RIS_CHHB",
    facility="CHHB",
    control_prefix="CHHB",
    station_prefix="CHHB",
    drimbox="https://drimbox.ch-haut-berry.example/drimbox/viewer",
)
SITES = (CH_VAL_DE_CHER, CH_HAUT_BERRY)

# Requesting physicians (médecins demandeurs): the emergency doctors who wrote the orders. Their
# phone is where the radiologist calls an urgent finding (OBR-17, "order callback phone number").
DR_FOURNIER = Practitioner("89970000017", "FOURNIER", "Claire", phone="+33261910351")
DR_BENALI = Practitioner("89970000025", "BENALI", "Mehdi", phone="+33261910364")
DR_ROUSSEAU = Practitioner("89970000033", "ROUSSEAU", "Anne-Sophie", phone="+33261910378")
# Responsible doctors of the imaging sites (PSResponsable, ORC-12 / OBR-16): they supervise the
# exam on site; the site's call-back number (ORC-14) reaches them.
DR_LEROY = Practitioner("89970000058", "LEROY", "Vincent", phone="+33261910143")  # CH de Val-de-Cher
DR_CARON = Practitioner("89970000066", "CARON", "Isabelle", phone="+33261910288")  # CH du Haut-Berry
DR_MOREAU = Practitioner("89970000041", "MOREAU", "Hélène")  # the teleradiologist (demo account)

PLATFORM_APPLICATION = "TLR_PLATEFORME"
PLATFORM_FACILITY = "TLR_DEMO"

SCANNER_CHVC = Device(
    manufacturer="SIEMENS",
    model="SOMATOM go.Up",
    serial="108734",
    udi="(01)04056869012346(21)108734",
    station="CHVC-CT01",
    software="syngo CT VA40A",
)
DX_CHHB = Device(
    manufacturer="Carestream Health",
    model="DRX-Evolution Plus",
    serial="52177",
    udi="(01)00812345678906(21)52177",
    station="CHHB-RX02",
    software="5.7.412",
)
DX_CHVC = Device(
    manufacturer="FUJIFILM Corporation",
    model="FDR Visionary Suite",
    serial="27G41018",
    udi="(01)04547410431051(21)27G41018",
    station="CHVC-RX01",
    software="V8.1",
)
MR_CHHB = Device(
    manufacturer="GE MEDICAL SYSTEMS",
    model="SIGNA Explorer",
    serial="00000608MR1",
    udi="(01)00840682102117(21)608MR1",
    station="CHHB-IRM1",
    software="29.1",
)

IOHEXOL = Product(
    atc=Coded("V08AB02", "iohexol", "ATC"),
    name="Omnipaque 350 mg I/ml",
    lot="2417305",
    volume_ml=90,
)

CT = Coded("CT", "Scanner/TDM", "DCM")
MR = Coded("MR", "IRM", "DCM")
XRAY = Coded("MED-1126", "Radiographie sans contraste", "terminologie-cisis-fr")
HEAD_AND_NECK = Coded("774007", "tête et cou", "SCT")
THORAX = Coded("67734004", "segment thoracique du tronc", "SCT")
ABDOMEN_PELVIS = Coded("63337009", "segment abdominopelvien du tronc", "SCT")
SPINE = Coded("737561001", "colonne vertébrale et/ou moelle épinière", "SCT")
RIGHT = Coded("24028007", "droit", "SCT")
INFERIOR = Coded("261089000", "inférieur(e)", "SCT")


def _at(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 11, day, hour, minute, 0)


# --- the cases ------------------------------------------------------------------------------------

CT_HEAD_CASE = Case(
    slug="ct-tete",
    site=CH_VAL_DE_CHER,
    patient=Patient(
        birth_name="LEFEBVRE",
        birth_given_names=("JEAN-PIERRE", "MARCEL", "ANDRE"),
        used_name="LEFEBVRE",
        used_given_name="JEAN-PIERRE",
        sex=Sex.MALE,
        birth_date=date(1944, 3, 12),
        birth_cog="18033",
        nir_order="127",
        ipp="40012871",
        address=Address("7 rue des Tanneurs", "VIERZON", "18100"),
        weight_kg=74,
        height_cm=171,
    ),
    requester=DR_FOURNIER,
    responsible=DR_LEROY,
    priority=Priority.URGENT,
    patient_class=PatientClass.EMERGENCY,
    admitted_at=_at(14, 21, 55),
    visit_number="26111400387",
    placer_order_number="CHVC-DI-2611140051",
    accession_number="CHVC26111400051",
    requested_at=_at(14, 22, 41),
    modality=CT,
    regions=(Region(HEAD_AND_NECK),),
    clinical_information=(
        "Patient de 82 ans, chute de sa hauteur à domicile vers 20 h avec traumatisme crânien "
        "occipital gauche, sous apixaban 5 mg x 2/j (dernière prise à 19 h). Céphalées, un épisode de "
        "vomissement, GCS 14 (confusion), pas de déficit moteur. Plaie du cuir chevelu suturée."
    ),
    purpose="Recherche d'hémorragie intracrânienne post-traumatique sous anticoagulant.",
    history=(
        "Fibrillation atriale sous apixaban. HTA. Cardiopathie ischémique stentée en 2019. "
        "Insuffisance rénale chronique modérée (DFG 48 ml/min)."
    ),
    history_relevance="MAJEUR",
    force_majeure=(
        "Patient confus (GCS 14), urgence diagnostique sous anticoagulant : information donnée à sa "
        "fille par téléphone."
    ),
    exam=Exam(
        performed_at=_at(14, 22, 58),
        complement_at=_at(14, 23, 9),
        act=Coded("30799-1", "CT tête sans contraste", "LN"),
        study_description="TDM CEREBRALE SANS INJECTION",
        device=SCANNER_CHVC,
    ),
)

CT_TAP_CASE = Case(
    slug="tdm-tap",
    site=CH_VAL_DE_CHER,
    patient=Patient(
        birth_name="GARNIER",
        birth_given_names=("CAMILLE", "ELISE"),
        used_name="ROBIN",
        used_given_name="CAMILLE",
        sex=Sex.FEMALE,
        birth_date=date(1990, 7, 21),
        birth_cog="45234",
        nir_order="318",
        ipp="40013309",
        address=Address("14 allée des Peupliers", "MEHUN-SUR-YEVRE", "18500"),
        weight_kg=61,
        height_cm=166,
    ),
    requester=DR_BENALI,
    responsible=DR_LEROY,
    priority=Priority.URGENT,
    patient_class=PatientClass.INPATIENT,
    admitted_at=_at(9, 7, 30),
    visit_number="26110900112",
    placer_order_number="CHVC-DI-2611140058",
    accession_number="CHVC26111400058",
    requested_at=_at(14, 23, 26),
    modality=CT,
    modality_comment="Injection de produit de contraste iodé possible : créatininémie 64 µmol/l ce jour.",
    regions=(Region(THORAX), Region(ABDOMEN_PELVIS)),
    clinical_information=(
        "J5 d'une cholécystectomie cœlioscopique pour cholécystite aiguë. Douleurs de l'hypochondre "
        "droit croissantes depuis 24 h, fièvre à 39,2 °C ce soir, frissons. CRP 245 mg/l, "
        "leucocytes 18 G/l. Hémodynamique stable. Bêta-HCG négatifs ce jour."
    ),
    purpose="Recherche de collection ou de complication post-opératoire ; foyer infectieux thoracique ?",
    history="Cholécystectomie cœlioscopique le 09/11/2026. Pas d'allergie connue aux produits iodés.",
    history_relevance="PERTINENT",
    pregnancy="N",
    contrast_risk=ContrastRisk(
        creatinine_umol_l=64,
        egfr_ml_min=108,
        measured_at=_at(14, 21, 10),
        allergies="Pas d'allergie connue (pénicilline tolérée, aucun antécédent avec les produits iodés).",
        metformin=False,
        previous_reaction="",
    ),
    consent="Y",
    site_incidents=(
        (
            True,
            "Extravasation minime (environ 5 mL) de produit de contraste au pli du coude droit, sans "
            "douleur ni œdème ; membre surélevé, surveillance de 30 minutes sans complication.",
        ),
    ),
    exam=Exam(
        performed_at=_at(15, 0, 2),
        complement_at=_at(15, 0, 19),
        act=Coded("72254-6", "CT cage thoracique, abdomen et pelvis avec contraste IV", "LN"),
        study_description="TDM TAP INJECTE (TEMPS PORTAL)",
        device=SCANNER_CHVC,
        product=IOHEXOL,
    ),
)

DX_CHEST_CASE = Case(
    slug="rx-thorax",
    site=CH_HAUT_BERRY,
    patient=Patient(
        birth_name="PERRIN",
        birth_given_names=("GERARD", "LOUIS"),
        used_name="PERRIN",
        used_given_name="GERARD",
        sex=Sex.MALE,
        birth_date=date(1959, 1, 30),
        birth_cog="18279",
        nir_order="044",
        ipp="70220458",
        address=Address("3 place de la Halle", "SAINT-AMAND-MONTROND", "18200"),
        weight_kg=82,
        height_cm=176,
    ),
    requester=DR_ROUSSEAU,
    responsible=DR_CARON,
    priority=Priority.ROUTINE,
    patient_class=PatientClass.EMERGENCY,
    admitted_at=_at(14, 20, 48),
    visit_number="26111400214",
    placer_order_number="CHHB-RAD-26111417",
    accession_number="CHHB2611140017",
    requested_at=_at(14, 21, 47),
    modality=XRAY,
    regions=(Region(THORAX),),
    clinical_information=(
        "Toux productive et dyspnée depuis 4 jours, fièvre à 38,8 °C. SpO2 92 % en air ambiant, "
        "crépitants de la base droite. Ancien fumeur (30 PA)."
    ),
    purpose="Pneumopathie ? Épanchement pleural ?",
    history="BPCO stade 2. Tabagisme sevré en 2015 (30 paquets-années).",
    history_relevance="PERTINENT",
    exam=Exam(
        performed_at=_at(14, 21, 58),
        complement_at=_at(14, 22, 5),
        act=Coded("24648-8", "RX thorax ; incidence postéroantérieure verticale", "LN"),
        study_description="RADIOGRAPHIE THORAX FACE",
        device=DX_CHHB,
    ),
)

MR_BRAIN_CASE = Case(
    slug="irm-cerebrale",
    site=CH_HAUT_BERRY,
    patient=Patient(
        birth_name="BLANCHARD",
        birth_given_names=("NATHALIE", "MARIE"),
        used_name="BLANCHARD",
        used_given_name="NATHALIE",
        sex=Sex.FEMALE,
        birth_date=date(1982, 6, 9),
        birth_cog="37261",
        nir_order="211",
        ipp="70219903",
        address=Address("22 rue Jean-Jaurès", "BOURGES", "18000"),
        weight_kg=58,
        height_cm=163,
    ),
    requester=DR_ROUSSEAU,
    responsible=DR_CARON,
    priority=Priority.ROUTINE,
    patient_class=PatientClass.OUTPATIENT,
    admitted_at=_at(14, 17, 50),
    visit_number="26111400198",
    placer_order_number="CHHB-RAD-26111409",
    accession_number="CHHB2611140009",
    requested_at=_at(14, 18, 12),
    modality=MR,
    regions=(Region(HEAD_AND_NECK),),
    clinical_information=(
        "Céphalées inhabituelles depuis 3 semaines, à prédominance matinale, résistantes au "
        "paracétamol. Examen neurologique normal, pas d'œdème papillaire au fond d'œil."
    ),
    purpose="Recherche d'une lésion intracrânienne expansive.",
    history="Migraine sans aura depuis l'adolescence. Pas d'autre antécédent.",
    history_relevance="SANS_IMPACT",
    pregnancy="N",
    exam=Exam(
        performed_at=_at(14, 19, 5),
        complement_at=_at(14, 19, 41),
        act=Coded("30657-1", "RM cerveau sans contraste", "LN"),
        study_description="IRM ENCEPHALE",
        device=MR_CHHB,
    ),
    dicom_birth_date=date(1982, 9, 6),  # day and month swapped at the console: the identity mismatch
)

PENDING_CASE = Case(
    slug="tdm-abdo-pelvien",
    site=CH_VAL_DE_CHER,
    patient=Patient(
        birth_name="MERCIER",
        birth_given_names=("LEA", "JULIETTE"),
        used_name="MERCIER",
        used_given_name="LEA",
        sex=Sex.FEMALE,
        birth_date=date(1999, 2, 14),
        birth_cog="58194",
        nir_order="072",
        ipp="40013544",
        address=Address("5 impasse des Vignes", "VIERZON", "18100"),
        weight_kg=55,
        height_cm=168,
    ),
    requester=DR_FOURNIER,
    responsible=DR_LEROY,
    priority=Priority.URGENT,
    patient_class=PatientClass.EMERGENCY,
    admitted_at=_at(15, 0, 5),
    visit_number="26111500019",
    placer_order_number="CHVC-DI-2611150004",
    accession_number="CHVC26111500004",
    requested_at=_at(15, 0, 47),
    modality=CT,
    regions=(Region(ABDOMEN_PELVIS),),
    clinical_information=(
        "Douleur de la fosse iliaque droite depuis 18 h, fébricule à 38,1 °C, défense localisée. "
        "CRP 62 mg/l. Dernières règles il y a environ 6 semaines, bêta-HCG en cours."
    ),
    purpose="Appendicite aiguë ? Diagnostic différentiel gynécologique.",
    history="Pas d'antécédent chirurgical. Contraception orale arrêtée il y a 3 mois.",
    history_relevance="PERTINENT",
    pregnancy="UNK",
)

CANCELLED_CASE = Case(
    slug="tdm-rachis-lombaire",
    site=CH_VAL_DE_CHER,
    patient=Patient(
        birth_name="DUBOIS",
        birth_given_names=("KARIM",),
        used_name="DUBOIS",
        used_given_name="KARIM",
        sex=Sex.MALE,
        birth_date=date(1981, 10, 5),
        birth_cog="36044",
        nir_order="163",
        ipp="40013498",
        address=Address("41 avenue de la Gare", "VIERZON", "18100"),
        weight_kg=88,
        height_cm=182,
    ),
    requester=DR_BENALI,
    responsible=DR_LEROY,
    priority=Priority.ROUTINE,
    patient_class=PatientClass.EMERGENCY,
    admitted_at=_at(14, 21, 30),
    visit_number="26111400402",
    placer_order_number="CHVC-DI-2611140053",
    accession_number="CHVC26111400053",
    requested_at=_at(14, 22, 52),
    modality=CT,
    regions=(Region(SPINE, INFERIOR),),
    clinical_information=(
        "Lombalgie aiguë après soulèvement d'une charge ce matin, sans irradiation radiculaire, sans "
        "déficit, sans trouble sphinctérien. Apyrétique."
    ),
    purpose="Recherche de fracture ou de hernie discale.",
    history="Lombalgies mécaniques récidivantes.",
    history_relevance="SANS_IMPACT",
    cancellation=Cancellation(
        at=_at(14, 23, 38),
        reason="Demande annulée par le médecin demandeur : pas d'indication de scanner en urgence, "
        "prise en charge antalgique et consultation programmée.",
    ),
)

UNKNOWN_EMERGENCY_CASE = Case(
    slug="rx-thorax-inconnu",
    site=CH_HAUT_BERRY,
    patient=Patient(
        birth_name="INCONNU",
        birth_given_names=("X",),
        used_name="INCONNU",
        used_given_name="X",
        sex=Sex.MALE,
        birth_date=date(1980, 1, 1),  # estimated by the emergency team
        birth_cog="99999",
        nir_order="000",
        ipp="70220981",
        address=Address("", "", ""),
        weight_kg=80,
        height_cm=178,
        provisional=True,
    ),
    requester=DR_ROUSSEAU,
    responsible=DR_CARON,
    priority=Priority.URGENT,
    patient_class=PatientClass.EMERGENCY,
    admitted_at=_at(15, 1, 12),
    visit_number="26111500231",
    placer_order_number="CHHB-RAD-26111502",
    accession_number="CHHB2611150002",
    requested_at=_at(15, 2, 4),
    modality=XRAY,
    regions=(Region(THORAX),),
    clinical_information=(
        "Homme d'environ 45 ans amené par le SMUR après une chute d'échafaudage, inconscient, sans "
        "papiers d'identité : identité provisoire. Détresse respiratoire, murmure vésiculaire aboli à "
        "gauche."
    ),
    purpose="Pneumothorax ? Fractures costales ?",
    history="Inconnus (patient non identifié).",
    history_relevance="SANS_IMPACT",
    exam=Exam(
        performed_at=_at(15, 3, 40),
        complement_at=_at(15, 4, 30),
        act=Coded("24648-8", "RX thorax ; incidence postéroantérieure verticale", "LN"),
        study_description="RADIOGRAPHIE THORAX FACE (URGENCE VITALE)",
        device=DX_CHHB,
    ),
)
"""Issue 23: an unknown emergency patient, on a provisional identity (no INS, PID-32 PROV): the
report is signed with the explicit mention."""

UNKNOWN_EMERGENCY_IDENTIFIED = Patient(
    birth_name="LEFEBVRE",
    birth_given_names=("THOMAS", "JEAN"),
    used_name="LEFEBVRE",
    used_given_name="THOMAS",
    sex=Sex.MALE,
    birth_date=date(1981, 3, 9),
    birth_cog="18033",
    nir_order="412",
    ipp="70220981",  # the site keeps the emergency IPP, now carrying the qualified identity
    address=Address("3 rue Mirebeau", "BOURGES", "18000"),
    weight_kg=80,
    height_cm=178,
)
"""Issue 23: who the unknown emergency patient turned out to be, once the site qualified his identity
(INS checked against the INSi service, PID-32 QUAL): sent after the report by
:func:`teleplatform.demo.orders.identity_update`."""

ACQUIRING_CASE = Case(
    slug="rx-thorax-en-cours",
    site=CH_VAL_DE_CHER,
    patient=Patient(
        birth_name="GARNIER",
        birth_given_names=("YVONNE", "ALICE"),
        used_name="ROUX",
        used_given_name="YVONNE",
        sex=Sex.FEMALE,
        birth_date=date(1941, 6, 12),
        birth_cog="18033",
        nir_order="118",
        ipp="40013602",
        address=Address("9 rue Porte Jaune", "BOURGES", "18000"),
        weight_kg=61,
        height_cm=158,
    ),
    requester=DR_BENALI,
    responsible=DR_LEROY,
    priority=Priority.ROUTINE,
    patient_class=PatientClass.INPATIENT,
    admitted_at=_at(14, 18, 2),
    visit_number="26111400177",
    placer_order_number="CHVC-DI-2611150011",
    accession_number="CHVC26111500011",
    requested_at=_at(15, 5, 12),
    modality=XRAY,
    regions=(Region(THORAX),),
    clinical_information=(
        "Contrôle après pose d'une sonde nasogastrique en service de médecine, patiente "
        "désorientée ; vérifier la position de la sonde avant toute alimentation."
    ),
    purpose="Position de la sonde nasogastrique ?",
    history="Insuffisance cardiaque, démence débutante.",
    history_relevance="PERTINENT",
    exam=Exam(
        performed_at=_at(15, 7, 0),
        complement_at=_at(15, 9, 0),
        act=Coded("24648-8", "RX thorax ; incidence postéroantérieure verticale", "LN"),
        study_description="RADIOGRAPHIE THORAX FACE AU LIT",
        device=DX_CHVC,
        complement_sent=False,
    ),
)
"""Issue 23: the radiograph is on the platform, its flux 4 not sent yet; once the radiologist accepts
the request, the platform announces the study in progress and it opens with the image already there."""

CHARTER_CASES = (UNKNOWN_EMERGENCY_CASE, ACQUIRING_CASE)
"""The demo cases of issue 23 apart from the night's others (their identity or flux 4 differ)."""

IMAGED_CASES = (CT_HEAD_CASE, CT_TAP_CASE, DX_CHEST_CASE, MR_BRAIN_CASE)
ALL_CASES = (*IMAGED_CASES, PENDING_CASE, CANCELLED_CASE)
MISMATCH_CASE = MR_BRAIN_CASE
"""The one study whose images carry another identity than its order (PatientBirthDate)."""


# --- prior studies: the platform's archive --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PriorStudy:
    """An earlier study of the patient of one of the night's cases, held in the platform's archive.

    It has no order: nothing about it is in orders/ nor in the worklist; QIDO finds it by PatientID
    (the same INS, the same identity traits). Its own accession number, Study, Series and SOP UIDs.
    """

    slug: str  # its folder under dicom/
    current: Case  # the case of the night whose patient it belongs to
    site: Site
    requester: Practitioner  # ReferringPhysicianName
    accession_number: str
    exam: Exam
    modality: str  # DICOM Modality of its images (ModalitiesInStudy)
    instances: int
    reason: str  # why it was done (French)
    finding: str  # what its images show (French)
    transfer_syntax: str

    @property
    def patient(self) -> Patient:
        return self.current.patient

    @property
    def study_instance_uid(self) -> str:
        return uid("case", self.slug, "study")

    @property
    def image_birth_date(self) -> date:
        return self.patient.birth_date

    @property
    def study_date(self) -> date:
        return self.exam.performed_at.date()

    @property
    def description(self) -> str:
        return self.exam.study_description


DR_LAMBERT = Practitioner("89970000074", "LAMBERT", "Sophie", phone="+33261910425")
"""General practitioner of the CT TAP patient (requester of her earlier chest radiograph)."""

EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1"

PRIOR_CT_HEAD = PriorStudy(
    slug="ct-tete-anterieur",
    current=CT_HEAD_CASE,
    site=CH_VAL_DE_CHER,
    requester=DR_BENALI,
    accession_number="CHVC25091600142",
    exam=Exam(
        performed_at=datetime(2025, 9, 16, 15, 41, 0),
        complement_at=datetime(2025, 9, 16, 15, 52, 0),
        act=Coded("30799-1", "CT tête sans contraste", "LN"),
        study_description="TDM CEREBRALE SANS INJECTION",
        device=SCANNER_CHVC,
    ),
    modality="CT",
    instances=PRIOR_CT_HEAD_SLICES,
    reason="Chute de sa hauteur sans perte de connaissance, sous apixaban : hémorragie intracrânienne ?",
    finding=(
        "Atrophie cortico-sous-corticale, calcifications des plexus choroïdes et de la glande pinéale ; "
        "pas d'hémorragie intracrânienne, pas de collection sous-durale, ligne médiane en place."
    ),
    transfer_syntax=EXPLICIT_VR_LITTLE_ENDIAN,
)
"""14 months before the night: the same scanner, an older 5 mm protocol, no haematoma yet."""

PRIOR_DX_CHEST = PriorStudy(
    slug="tdm-tap-anterieur",
    current=CT_TAP_CASE,
    site=CH_VAL_DE_CHER,
    requester=DR_LAMBERT,
    accession_number="CHVC26082400311",
    exam=Exam(
        performed_at=datetime(2026, 8, 24, 10, 12, 0),
        complement_at=datetime(2026, 8, 24, 10, 20, 0),
        act=Coded("24648-8", "RX thorax ; incidence postéroantérieure verticale", "LN"),
        study_description="RADIOGRAPHIE THORAX FACE",
        device=DX_CHVC,
    ),
    modality="DX",
    instances=1,
    reason="Toux sèche persistante depuis trois semaines, apyrétique.",
    finding="Radiographie thoracique normale : pas de foyer, pas d'épanchement pleural.",
    transfer_syntax=EXPLICIT_VR_LITTLE_ENDIAN,
)
"""Less than three months before the night, at the same hospital: a normal chest radiograph."""

PRIORS = (PRIOR_CT_HEAD, PRIOR_DX_CHEST)
"""Every archived earlier study; their patients' other cases (and the other patients) have none."""


Study = Case | PriorStudy
"""What a DICOM study of the demo is made from: a case of the night or an archived prior."""


class Flow(StrEnum):
    REQUEST = "ORM_O01"  # flux 1
    CANCELLATION = "ORM_O01_CA"  # flux 2
    COMPLEMENT = "OMI_O23"  # flux 4


@dataclass(frozen=True, slots=True)
class ScheduledMessage:
    at: datetime
    case: Case
    flow: Flow

    @property
    def file_stem(self) -> str:
        suffix = "ORM_O01" if self.flow is not Flow.COMPLEMENT else "OMI_O23"
        if self.flow is Flow.CANCELLATION:
            suffix += "_annulation"
        return f"{self.case.slug}_{suffix}"


def _messages() -> tuple[ScheduledMessage, ...]:
    found: list[ScheduledMessage] = []
    for case in (*ALL_CASES, *CHARTER_CASES):
        found.append(ScheduledMessage(case.requested_at, case, Flow.REQUEST))
        if case.exam is not None and case.exam.complement_sent:
            found.append(ScheduledMessage(case.exam.complement_at, case, Flow.COMPLEMENT))
        if case.cancellation is not None:
            found.append(ScheduledMessage(case.cancellation.at, case, Flow.CANCELLATION))
    return tuple(sorted(found, key=lambda m: m.at))


MESSAGES = _messages()
"""Every HL7 message of the night in the order the platform received them (files 0001_..., 0002_...)."""


@dataclass(frozen=True, slots=True)
class Account:
    login: str
    password: str
    totp_secret: str
    practitioner: Practitioner
    comment: str = field(
        default=(
            "Compte de démonstration uniquement (données fictives) : mot de passe et secret TOTP "
            "publics, à ne jamais utiliser en dehors de la démonstration."
        )
    )


DEMO_ACCOUNT = Account(
    login="dr.moreau",
    password="Demo-Teleradio-2026!",
    totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    practitioner=DR_MOREAU,
)
DEMO_EXPERT_ACCOUNT = Account(
    login="dr.lambert",
    password="Demo-Expert-2026!",
    totp_secret="KRSXG5CTMVZGK3TDMVZDEMBSGY2DCMBT",
    practitioner=Practitioner("89970000058", "LAMBERT", "Julien"),
)
"""A radiologist of no demo site, in the téléexpertise groups: the demo radiologist can ask him."""
DEMO_EXPERT_SPECIALTIES = ("neuro", "ostéo-articulaire", "pédiatrie")


@dataclass(frozen=True, slots=True)
class ServiceAccount:
    """A platform account that is not a radiologist: an imaging site's RIS, or the platform's
    administrator (export, supervision). ``sites`` is what a site account may send as."""

    login: str
    password: str
    totp_secret: str
    role: str
    name: str
    sites: tuple[Site, ...] = ()


DEMO_GROUP = "nuit-cher"
"""The sites whose orders the demo radiologist reads (seed/groups.json)."""

DEMO_SITE_ACCOUNTS = tuple(
    ServiceAccount(
        login=f"ris.{site.key}",
        password=f"Demo-RIS-{site.key.upper()}-2026!",
        totp_secret=secret,
        role="site",
        name=site.name,
        sites=(site,),
    )
    for site, secret in zip(
        SITES, ("KRSXG5CTMVZGK3TDMVZDEMBSGY2DCMBR", "KRSXG5CTMVZGK3TDMVZDEMBSGY2DCMBS"), strict=True
    )
)
DEMO_ADMIN_ACCOUNT = ServiceAccount(
    login="admin.plateforme",
    password="Demo-Admin-Plateforme-2026!",
    totp_secret="MFSG22LOFZYGYYLUMVTG64TNMUYDEMBS",
    role="admin",
    name="Exploitation de la plateforme",
)
