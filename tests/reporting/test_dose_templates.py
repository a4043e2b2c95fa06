"""Dose read from synthetic dose reports built to the DICOM templates (TID 10011 CT, TID 10001/10003/
10005 projection X-ray incl. mammography, TID 10021 radiopharmaceutical), from mammography and NM image
headers, and the reference-point air kerma of the real vendor RDSRs (data/dicom/MANIFEST.md)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from reporting.dose import dose_from_datasets
from reporting.model import DoseKind, Source
from tests.dose_files import read_dose

OPENREM = "data/dicom/openrem_test_files_via_ckswilliams_modOpenREM"


def code(value: str, scheme: str = "DCM", meaning: str = "") -> Sequence:
    item = Dataset()
    item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning = value, scheme, meaning or value
    return Sequence([item])


def item(value_type: str, concept: str, scheme: str = "DCM", relation: str = "CONTAINS") -> Dataset:
    ds = Dataset()
    ds.RelationshipType = relation
    ds.ValueType = value_type
    ds.ConceptNameCodeSequence = code(concept, scheme)
    return ds


def num(concept: str, value: str, unit: str, scheme: str = "DCM") -> Dataset:
    ds = item("NUM", concept, scheme)
    measured = Dataset()
    measured.NumericValue = value
    measured.MeasurementUnitsCodeSequence = code(unit, "UCUM")
    ds.MeasuredValueSequence = Sequence([measured])
    return ds


def coded(
    concept: str,
    value: str,
    meaning: str,
    scheme: str = "DCM",
    concept_scheme: str = "DCM",
    relation: str = "CONTAINS",
) -> Dataset:
    ds = item("CODE", concept, concept_scheme, relation)
    ds.ConceptCodeSequence = code(value, scheme, meaning)
    return ds


def text(concept: str, value: str) -> Dataset:
    ds = item("TEXT", concept)
    ds.TextValue = value
    return ds


def container(concept: str, *children: Dataset) -> Dataset:
    ds = item("CONTAINER", concept)
    ds.ContinuityOfContent = "SEPARATE"
    ds.ContentSequence = Sequence(list(children))
    return ds


def report(title: str, *content: Dataset, sop: str = "1.2.840.10008.5.1.4.1.1.88.67") -> Dataset:
    ds = Dataset()
    ds.SOPClassUID = sop
    ds.SOPInstanceUID = "1.2.3.4.5"
    ds.StudyInstanceUID = "1.2.3.4"
    ds.Manufacturer, ds.ManufacturerModelName = "ACME", "Modèle 1"
    ds.ValueType = "CONTAINER"
    ds.ConceptNameCodeSequence = code(title)
    ds.ContentSequence = Sequence(list(content))
    return ds


def ct_event(protocol: str, region: tuple[str, str], kind: tuple[str, str], ctdi: str, dlp: str) -> Dataset:
    return container(
        "113819",
        text("125203", protocol),
        coded("123014", region[0], region[1], "SCT"),
        coded("113820", kind[0], kind[1]),
        container(
            "113829",
            num("113830", ctdi, "mGy"),
            num("113838", dlp, "mGy.cm"),
            coded("113835", "113691", "IEC Body Dosimetry Phantom"),
        ),
    )


def test_tid_10011_ct_labels_in_french_from_protocol_region_and_type() -> None:
    rdsr = report(
        "113701",
        container("113811", num("113813", "1102.4", "mGy.cm")),
        ct_event("Unknown", ("51185008", "Chest"), ("113805", "Constant Angle Acquisition"), "0.085", "4"),
        ct_event("Unknown", ("51185008", "Chest"), ("116152004", "Spiral Acquisition"), "9.3", "550.2"),
        ct_event("Unknown", ("51185008", "Chest"), ("116152004", "Spiral Acquisition"), "9.3", "548.2"),
        ct_event(
            "TAP Routine", ("416775004", "Chest, Abdomen and Pelvis"), ("116152004", "Spiral"), "8", "0"
        ),
    )
    dose = dose_from_datasets([("ct.dcm", rdsr)])
    labels = [a.label for a in dose.acquisitions]
    assert labels == [
        "Thorax, topogramme",
        "Thorax, hélicoïdale — n° 1",
        "Thorax, hélicoïdale — n° 2",
        "TAP Routine (thorax, abdomen et pelvis, hélicoïdale)",
    ]
    assert not any("unknown" in label.lower() for label in labels)
    assert dose.acquisitions[0].ctdi_vol_mgy == Decimal("0.085")
    assert all(a.phantom == "fantôme corps (32 cm)" for a in dose.acquisitions)
    assert dose.total_dlp_mgy_cm.value == Decimal("1102.4") and dose.total_dlp_mgy_cm.source is Source.RDSR


def mammography_event(
    view: tuple[str, str], side: tuple[str, str], agd: str, esak: str, thickness: str
) -> Dataset:
    region = coded("123014", "76752008", "Breast", "SCT")
    region.ContentSequence = Sequence(
        [coded("272741003", side[0], side[1], "SCT", "SCT", relation="HAS CONCEPT MOD")]
    )
    return container(
        "113706",
        coded("113721", "113611", "Stationary Acquisition"),
        text("125203", "ROUTINE"),
        region,
        coded("111031", view[0], view[1], "SCT"),
        num("111633", thickness, "mm"),
        num("111631", agd, "mGy"),
        num("111636", esak, "mGy"),
    )


def accumulated_breast(side: tuple[str, str], agd: str) -> Dataset:
    value = num("111637", agd, "mGy")
    value.ContentSequence = Sequence(
        [coded("272741003", side[0], side[1], "SCT", "SCT", relation="HAS CONCEPT MOD")]
    )
    return value


LEFT, RIGHT = ("7771000", "Left"), ("24028007", "Right")
CC, MLO = ("399162004", "cranio-caudal"), ("399368009", "medio-lateral oblique")


def mammography_rdsr() -> Dataset:
    return report(
        "113701",
        coded("121058", "113704", "Projection X-Ray", relation="HAS CONCEPT MOD"),
        container("113702", accumulated_breast(LEFT, "2.61"), accumulated_breast(RIGHT, "1.005")),
        mammography_event(CC, LEFT, "1.25", "5.6", "52"),
        mammography_event(MLO, LEFT, "1.36", "6.1", "55"),
        mammography_event(CC, RIGHT, "0.5", "2.2", "41"),
        mammography_event(MLO, RIGHT, "0.505", "2.3", "43"),
    )


def test_tid_10003_mammography_average_glandular_dose_per_view_and_breast() -> None:
    dose = dose_from_datasets([("mg.dcm", mammography_rdsr())])
    assert not dose.is_empty and dose.warnings == ()
    per_breast = {v.label: v.value for v in dose.of_kind(DoseKind.AGD_ACCUMULATED)}
    assert per_breast == {"sein gauche": Decimal("2.61"), "sein droit": Decimal("1.005")}
    per_view = [(v.label, v.value) for v in dose.of_kind(DoseKind.AGD)]
    assert per_view == [
        ("ROUTINE (CC sein gauche)", Decimal("1.25")),
        ("ROUTINE (MLO sein gauche)", Decimal("1.36")),
        ("ROUTINE (CC sein droit)", Decimal("0.5")),
        ("ROUTINE (MLO sein droit)", Decimal("0.505")),
    ]
    assert [v.value for v in dose.of_kind(DoseKind.ENTRANCE_DOSE)] == [
        Decimal(x) for x in ("5.6", "6.1", "2.2", "2.3")
    ]
    assert [v.value for v in dose.of_kind(DoseKind.COMPRESSION)] == [
        Decimal(x) for x in ("52", "55", "41", "43")
    ]
    assert all(v.source is Source.RDSR for v in dose.values)


def test_tid_10001_fluoroscopy_per_plane_air_kerma_and_time() -> None:
    def plane(value: str, meaning: str, dap: str, kerma: str, seconds: str) -> Dataset:
        return container(
            "113702",
            coded("113764", value, meaning, relation="HAS CONCEPT MOD"),
            num("113722", dap, "Gy.m2"),
            num("113725", kerma, "Gy"),
            num("113730", seconds, "s"),
        )

    rdsr = report(
        "113701",
        plane("113620", "Plane A", "0.0012", "0.25", "300"),
        plane("113621", "Plane B", "0.0003", "0.08", "120"),
    )
    dose = dose_from_datasets([("xa.dcm", rdsr)])
    assert dose.total_dap_dgy_cm2.value == Decimal(150)  # (0.0012 + 0.0003) Gy·m² in dGy·cm²
    assert dose.fluoroscopy_time_s.value == Decimal(420)
    assert [(v.label, v.value) for v in dose.of_kind(DoseKind.RP_AIR_KERMA)] == [
        ("plan A", Decimal(250)),
        ("plan B", Decimal(80)),
    ]
    assert [(v.label, v.value) for v in dose.of_kind(DoseKind.FLUORO_TIME)] == [
        ("plan A", Decimal(300)),
        ("plan B", Decimal(120)),
    ]


def nm_rdsr() -> Dataset:
    administration = container(
        "113502",
        coded("349358000", "35321007", "Fluorodeoxyglucose F^18^", "SCT", "SCT"),
        coded("89457008", "77004003", "^18^Fluorine", "SCT", "SCT"),
        item("DATETIME", "123003"),
        num("113507", "245.5", "MBq"),
        coded("410675002", "47625008", "Intravenous route", "SCT", "SCT"),
    )
    administration.ContentSequence[2].DateTime = "20260105143000"
    return report("113500", administration, sop="1.2.840.10008.5.1.4.1.1.88.68")


def test_tid_10021_radiopharmaceutical_activity_in_mbq() -> None:
    dose = dose_from_datasets([("nm.dcm", nm_rdsr())])
    [drug] = dose.radiopharmaceuticals
    assert (drug.agent, drug.radionuclide, drug.activity_mbq) == (
        "Fluorodeoxyglucose F^18^",
        "^18^Fluorine",
        Decimal("245.5"),
    )
    assert drug.agent_code is not None and drug.agent_code.code == "35321007"
    assert drug.administered_at is not None and drug.administered_at.hour == 14
    assert drug.source is Source.RDSR and not dose.is_empty


def test_nm_and_mammography_image_headers_without_rdsr() -> None:
    pet = Dataset()
    pet.Modality, pet.SOPInstanceUID, pet.StudyInstanceUID = "PT", "1.2.9.1", "1.2.9"
    info = Dataset()
    info.Radiopharmaceutical = "FDG"
    info.RadionuclideTotalDose = "310.2"
    info.RadiopharmaceuticalStartDateTime = "20260105083015"
    pet.RadiopharmaceuticalInformationSequence = Sequence([info])
    second_slice = Dataset()
    second_slice.update(pet)
    second_slice.SOPInstanceUID = "1.2.9.2"
    dose = dose_from_datasets([("pet1.dcm", pet), ("pet2.dcm", second_slice)])
    assert [(d.agent, d.activity_mbq) for d in dose.radiopharmaceuticals] == [("FDG", Decimal("310.2"))]

    def mammogram(uid: str, side: str, view: str, organ_dgy: str) -> Dataset:
        ds = Dataset()
        ds.Modality, ds.SOPInstanceUID, ds.StudyInstanceUID = "MG", uid, "1.2.8"
        ds.ImageLaterality, ds.ViewPosition = side, view
        ds.OrganDose, ds.OrganExposed, ds.BodyPartThickness = organ_dgy, "BREAST", "48"
        ds.EntranceDoseInmGy = "4.2"
        ds.ImageAndFluoroscopyAreaDoseProduct = "0.3"
        return ds

    dose = dose_from_datasets(
        [("1", mammogram("1.2.8.1", "L", "CC", "0.0125")), ("2", mammogram("1.2.8.2", "R", "MLO", "0.013"))]
    )
    assert [(v.label, v.value) for v in dose.of_kind(DoseKind.AGD)] == [
        ("CC sein gauche", Decimal("1.25")),  # Organ Dose is in dGy
        ("MLO sein droit", Decimal("1.3")),
    ]
    assert [v.value for v in dose.of_kind(DoseKind.COMPRESSION)] == [Decimal(48), Decimal(48)]
    assert [v.value for v in dose.of_kind(DoseKind.ENTRANCE_DOSE)] == [Decimal("4.2"), Decimal("4.2")]
    assert [v.value for v in dose.of_kind(DoseKind.DAP_EVENT)] == [Decimal("0.3"), Decimal("0.3")]


# Dose (RP) Total of the vendor RDSRs, Gy in MANIFEST.md, mGy in the report.
AIR_KERMA = [
    ("DX-RDSR-Carestream_DRXEvolution.dcm", "0.299272"),
    ("Dual-RDSR-DX.dcm", "0"),
    ("RF-RDSR-Siemens-Zee.dcm", "2.52"),
]


@pytest.mark.parametrize(("name", "kerma"), AIR_KERMA)
def test_reference_point_air_kerma_of_vendor_rdsrs(shared_dir: Path, name: str, kerma: str) -> None:
    dose = read_dose([shared_dir / OPENREM / name])
    [value] = dose.of_kind(DoseKind.RP_AIR_KERMA)
    assert abs(value.value - Decimal(kerma)) <= Decimal("0.000001")
    assert value.source is Source.RDSR


def test_radiography_rdsr_keeps_each_incidence_and_fluoroscopy_does_not(shared_dir: Path) -> None:
    dx = read_dose([shared_dir / OPENREM / "DX-RDSR-Carestream_DRXEvolution.dcm"])
    events = dx.of_kind(DoseKind.DAP_EVENT)
    assert len(events) == 5 and abs(events[0].value - Decimal("0.082")) <= Decimal(
        "0.000001"
    )  # 8.2e-07 Gy·m²
    assert sum(e.value for e in events) == dx.total_dap_dgy_cm2.value or abs(
        sum(e.value for e in events) - dx.total_dap_dgy_cm2.value
    ) < Decimal("0.00001")
    rf = read_dose([shared_dir / OPENREM / "RF-RDSR-Siemens-Zee.dcm"])
    assert rf.of_kind(DoseKind.DAP_EVENT) == ()  # 8 fluoroscopy runs: totals only


def test_dose_screen_per_event_dlp_from_its_comment(shared_dir: Path) -> None:
    dose = read_dose([shared_dir / OPENREM / "CT-SC-Philips_Brilliance16P.dcm"])
    rows = [(a.label, a.dlp_mgy_cm) for a in dose.acquisitions]
    assert rows == [
        ("Topogramme (série 1)", None),
        ("PRE KIDNEYS", Decimal("196.0")),
        ("30S KIDNEYS", Decimal("248.6")),
        ("100S C/A/P", Decimal("657.9")),
    ]
    assert all("à vérifier" in a.detail for a in dose.acquisitions[1:])
    assert "à vérifier" in dose.total_dlp_mgy_cm.detail


def test_every_shared_dose_object_gives_labelled_values(shared_dir: Path) -> None:
    for path in sorted((shared_dir / OPENREM).glob("*.dcm")):
        dose = read_dose([path])
        assert not dose.is_empty, path.name
        for acquisition in dose.acquisitions:
            assert acquisition.label and "unknown" not in acquisition.label.lower(), path.name
        for value in dose.values:
            assert value.value >= 0 and value.kind.unit, path.name
