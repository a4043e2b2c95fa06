"""The order model, from the ANS examples of the four flows and from variations of them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from workstation.hl7 import Coded, HL7ParseError
from workstation.orders import (
    Decision,
    HistoryRelevance,
    IdentityStatus,
    InsKind,
    Measure,
    PregnancyStatus,
    Priority,
    Sex,
    parse_order,
)


@pytest.fixture
def flows(shared_dir: Path) -> dict[int, str]:
    folder = shared_dir / "data/hl7/ansforge-teleradiologie"
    names = {
        1: "flux1_ORM_O01_demande.hl7",
        2: "flux2_ORM_O01_annulation.hl7",
        3: "flux3_ORU_R01_reponse.hl7",
        4: "flux4_OMI_O23_complement_post_examen.hl7",
    }
    return {n: (folder / name).read_bytes().decode("utf-8") for n, name in names.items()}


def test_request_of_the_guide(flows: dict[int, str]) -> None:
    order = parse_order([flows[1]])
    assert (order.placer_order_number, order.placer_authority) == ("OPN101", "1.2.250.1.748.12345678.12")
    assert (
        order.priority is Priority.ROUTINE and order.requested_at.isoformat() == "2026-01-06T13:44:18+01:00"
    )
    patient = order.patient
    assert patient.ins.matricule == "279035121518989" and patient.ins.kind is InsKind.NIR_TEST
    assert patient.identity_status is IdentityStatus.VALI and not patient.ins_qualified
    assert (patient.birth_name, patient.first_name, patient.birth_first_names) == (
        "PAT-TROIS",
        "DOMINIQUE",
        ("DOMINIQUE",),
    )
    assert patient.sex is Sex.FEMALE and patient.birth_date == date(1979, 3, 28)
    assert patient.birth_place_cog == "63220"
    assert order.responsible.rpps == "01234567897" and order.responsible.family == "Hoda"
    assert order.verifier.rpps == "01234564895"
    assert (order.site.name, order.site.identifier, order.site.phone) == (
        "Structure-Y",
        "300017985",
        "+3360708091",
    )
    assert order.clinical_information == "JustificationDemande"
    assert order.purpose == ("Commentaire sur la finalité de l'examen",)
    assert order.history[0].relevance is HistoryRelevance.MAJEUR
    assert order.modality == Coded("MR", "IRM", "DCM") and order.modality_comments == (
        "Commentaire sur la modalité",
    )
    assert order.regions[0].label == "tête et/ou cou, côté droit"
    assert (order.height, order.weight) == (Measure(170, "cm"), Measure(68, "kg"))
    assert order.pregnancy is PregnancyStatus.NO
    assert order.warnings == () and order.complement is None and not order.cancelled


def test_all_four_flows_fold_into_one_order(flows: dict[int, str]) -> None:
    order = parse_order([flows[1], flows[2], flows[3], flows[4]])
    assert order.cancelled and order.cancellation.reason.label == "Motif d'annulation de la demande"
    assert order.response.decision is Decision.ACCEPTED
    complement = order.complement
    assert complement.study_instance_uid == order.study_instance_uid == "1.2.250.1.213.4.5.2.1.101"
    assert (complement.accession_number, complement.retention) == ("ACN101", Measure(730, "jours"))
    assert complement.act == Coded("24590-2", "résonance magnétique cerveau", "LN")
    product = complement.products[0]
    assert (product.product.code, product.lot, product.quantity) == ("V09", "0123456789", Measure(1, "ml"))
    assert (complement.devices[0].identifier, complement.devices[0].model) == ("1234567896363", "Modèle")
    # the guide's examples hold placeholder base64: reported, the order still shown
    assert complement.viewer_url == ""
    assert any("DRIMbox" in w for w in order.warnings) and any("Protocole" in w for w in order.warnings)


def test_names_in_use_qualified_identity_urgency_and_extra_observations(flows: dict[int, str]) -> None:
    text = (
        flows[1]
        .replace(
            "PAT-TROIS^DOMINIQUE^DOMINIQUE^^^^L", "PAT-TROIS^DOMINIQUE^DOMINIQUE MARIE^^^^L~MARTIN^DOMI^^^^^D"
        )
        .replace("|N|VALI", "|N|QUAL")
        .replace("12^ISO|||||||2026", "12^ISO|||||^^^^^S||2026")  # ORC-7.6 = S (stat)
    )
    text += "\rOBX|8|NM|62238-1^DFG CKD-EPI^LN||54|mL/min/1.73m2|||||O"
    text += "\rOBX|9|NM|1234-5^Autre mesure^LN||7|u|||||O"
    order = parse_order([text])
    assert order.patient.birth_first_names == ("DOMINIQUE", "MARIE")
    assert (order.patient.used_name, order.patient.used_first_name) == ("MARTIN", "DOMI")
    assert order.patient.display_name == "MARTIN DOMI" and order.patient.ins_qualified
    assert order.priority is Priority.URGENT
    assert [(o.code.code, o.value, o.unit) for o in order.other_observations] == [("1234-5", "7", "u")]
    # an eGFR is the renal function the contrast check shows (issue 23), not an unknown observation
    [renal] = order.contrast_risk.renal_function
    assert (renal.code.code, renal.value.exact, renal.value.unit) == ("62238-1", "54", "mL/min/1.73m2")
    assert order.contrast_risk.allergies is None and order.contrast_risk.metformin is None


def test_missing_guide_elements_become_warnings(flows: dict[int, str]) -> None:
    request = flows[1].replace("|||||||||JustificationDemande|", "||||||||||")
    request = request.replace("OBX|1|CE|MODALITE_IMAGERIE", "OBX|1|CE|AUTRE_CHOSE")
    request = request.replace("|170|cm|", "|cent soixante|cm|")
    order = parse_order([request])
    assert order.modality is None and order.height is None
    assert any("Modalité" in w for w in order.warnings)
    assert any("OBR-13" in w for w in order.warnings)
    assert any("Taille" in w and "OBX-5" in w for w in order.warnings)


@pytest.mark.parametrize(
    ("change", "segment", "field"),
    [
        (("OPN101^^1.2.250", "OPN999^^1.2.250"), "ORC", 2),  # complement of another order
        (("279035121518989^^^", "180035121518989^^^"), "PID", 3),  # complement of another patient
    ],
)
def test_a_complement_for_another_order_or_patient_is_refused(
    flows: dict[int, str], change: tuple[str, str], segment: str, field: int
) -> None:
    with pytest.raises(HL7ParseError) as caught:
        parse_order([flows[1], flows[4].replace(*change)])
    assert (caught.value.segment, caught.value.field) == (segment, field)


def test_an_order_needs_its_request_and_its_number(flows: dict[int, str]) -> None:
    with pytest.raises(HL7ParseError) as caught:
        parse_order([flows[4]])
    assert caught.value.user_message.endswith("demande d'examen (flux 1) absente")
    with pytest.raises(HL7ParseError) as caught:
        parse_order([flows[1].replace("ORC|NW|OPN101^^1.2.250.1.748.12345678.12^ISO", "ORC|NW|")])
    assert (caught.value.segment, caught.value.field) == ("ORC", 2)


def test_other_messages_are_ignored(flows: dict[int, str], shared_dir: Path) -> None:
    cda = (
        shared_dir / "data/hl7/ansforge-hl7V2-exemples/ORU_R01_TransCDA_V2.1_INIT_placeholder.hl7"
    ).read_text()
    assert parse_order([flows[1], cda]) == parse_order([flows[1]])
