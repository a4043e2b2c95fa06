"""A complete report built by hand from the ANS example data (IMG_CR_IMG_2024.01.xml, flux 1 ORM).

The identities are the ANS test ones (INS-NIR test OID, RPPS 8012345...), so nothing here is a
real person. Tests change one field at a time with ``dataclasses.replace``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from reporting import terminology
from reporting.checks import sign
from reporting.model import (
    ATC,
    CCAM,
    LOINC,
    PHYSICIAN,
    RADIOLOGIST,
    STRUCTURE_ROOT,
    Act,
    AdministeredProduct,
    Code,
    CtAcquisition,
    DoseReport,
    Equipment,
    Identifier,
    IdentityCheck,
    ImageReference,
    Incident,
    Measurement,
    Narrative,
    OrderReferences,
    Organization,
    Participants,
    PatientIdentity,
    Professional,
    Report,
    Sex,
    Source,
    Sourced,
    new_draft,
)

PARIS = ZoneInfo("Europe/Paris")
STUDY_UID = "1.2.250.1.213.4.5.2.1.101"
SERIES_UID = "1.2.250.1.213.4.5.2.1.101.1"
INSTANCE_UID = "1.2.250.1.213.4.5.2.1.101.1.1"
ACT_TIME = datetime(2026, 1, 6, 18, 44, 18, tzinfo=PARIS)
SIGNED_AT = datetime(2026, 1, 6, 19, 30, tzinfo=PARIS)

SITE = Organization(
    Identifier(STRUCTURE_ROOT, "300017985"),
    "Structure-Y",
    Source.ORDER_HL7,
    facility_type=Code("SA01", "1.2.250.1.71.4.2.4", "Etablissement Public de santé"),
    practice_setting=Code("ETABLISSEMENT", "1.2.250.1.213.1.1.4.9", "Etablissement de santé"),
)
PLATFORM = Organization(
    Identifier(STRUCTURE_ROOT, "300017986"),
    "Plateforme-Y",
    Source.ACCOUNT,
    practice_setting=Code("AMBULATOIRE", "1.2.250.1.213.1.1.4.9", "Ambulatoire"),
)
RADIOLOGIST_THOMAS = Professional(
    "801234564895",
    "ERIC",
    "Thomas",
    Source.ACCOUNT,
    title="DR",
    profession=RADIOLOGIST,
    organization=PLATFORM,
)
SITE_DOCTOR_ADAM = Professional(
    "801234567897", "HODA", "Adam", Source.ORDER_HL7, title="DR", profession=PHYSICIAN, organization=SITE
)
REQUESTER = Professional("801234560801", "BIDEAULT", "Jacques", Source.USER, title="DR", profession=PHYSICIAN)


def make_draft(**overrides: object) -> Report:
    patient = PatientIdentity(
        ins=Identifier("1.2.250.1.213.1.4.10", "279035121518989"),
        birth_family="PAT-TROIS",
        birth_given_names="DOMINIQUE MARIE-LOUISE",
        first_given="DOMINIQUE",
        sex=Sex.FEMALE,
        birth_date=date(1979, 3, 28),
        source=Source.ORDER_HL7,
        birth_place_cog="63220",
        identity_status="VALI",
    )
    act = Act(
        modality=terminology.modality("CT"),
        source=Source.COMPLEMENT_HL7,
        loinc=Code("24727-0", LOINC, "CT tête avec contraste IV", "LOINC"),
        ccam=Code(
            "ACQH004",  # the pair of codes of the ANS example
            CCAM,
            "Scanographie du crâne, de son contenu et du tronc, avec injection intraveineuse de produit de "
            "contraste",
            "CCAM",
        ),
        region=terminology.region("774007"),
        localisation=terminology.localisation("774007"),
    )
    dose = DoseReport(
        acquisitions=(
            CtAcquisition("Topogramme", Source.RDSR, Decimal("0.15"), Decimal("7.46")),
            CtAcquisition("Crâne injecté", Source.RDSR, Decimal("45.2"), Decimal("850.3")),
        ),
        total_dlp_mgy_cm=Sourced(Decimal("857.76"), Source.RDSR, "rdsr.dcm"),
        equipment=Equipment("SIEMENS", "SOMATOM Confidence", Source.RDSR),
    )
    fields: dict[str, object] = {
        "patient": patient,
        "participants": Participants(
            author=RADIOLOGIST_THOMAS, site_doctor=SITE_DOCTOR_ADAM, requester=REQUESTER, custodian=SITE
        ),
        "order": OrderReferences(
            placer_order=Sourced(Identifier("1.2.250.1.748.12345678.12", "OPN101"), Source.ORDER_HL7),
            accession=Sourced(Identifier("1.2.250.1.925.994044.27", "ACN101"), Source.COMPLEMENT_HL7),
            study_instance_uid=Sourced(STUDY_UID, Source.COMPLEMENT_HL7),
            encounter_class="O",
        ),
        "acts": (act,),
        "products": (
            AdministeredProduct(
                "XENETIX 350",
                Source.COMPLEMENT_HL7,
                atc=Code("V08AB11", ATC, "IOBITRIDOL", "ATC"),
                lot="0002034",
                quantity=Decimal(80),
                unit="mL",
                route=terminology.route("20045000"),
            ),
        ),
        "dose": dose,
        "indication": Narrative("Céphalées brutales. **Recherche d'hémorragie méningée.**", Source.ORDER_HL7),
        "technique": Narrative(
            "Scanner cérébral sans puis avec injection.\n- coupes de 1 mm\n- MPR", Source.USER
        ),
        "results": Narrative("Pas d'hémorragie intracrânienne.\n\nPas d'effet de masse.", Source.USER),
        "conclusion": Narrative("Examen normal.", Source.USER),
        "history": Narrative("Antécédents majeur du patient", Source.ORDER_HL7),
        "pregnant": Sourced(False, Source.ORDER_HL7),
        "measurements": (
            Measurement(
                "Diamètre du 3e ventricule", Decimal("4.2"), "mm", Source.USER, SERIES_UID, INSTANCE_UID
            ),
        ),
        "images": (
            ImageReference(
                STUDY_UID,
                SERIES_UID,
                INSTANCE_UID,
                "1.2.840.10008.5.1.4.1.1.2",
                "CT",
                Source.DICOM_HEADER,
                "Crâne injecté",
            ),
        ),
        "incidents": (Incident("Extravasation minime au point de ponction, sans conséquence.", Source.USER),),
        "identity_check": IdentityCheck(True, Source.USER, at=SIGNED_AT),
        "act_time": Sourced(ACT_TIME, Source.COMPLEMENT_HL7),
        "interpretation_time": Sourced(SIGNED_AT, Source.USER),
    }
    fields.update(overrides)
    return new_draft(**fields)


def make_signed(**overrides: object) -> Report:
    return sign(make_draft(**overrides), SIGNED_AT)


def without(report: Report, **fields: object) -> Report:
    return replace(report, **fields)
