"""The flux 3 answers we build: they must read back exactly and follow the ANS guide's shape."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.parser import parse_message

from workstation.hl7 import (
    Coded,
    HL7ParseError,
    Organization,
    Practitioner,
    RefusalReason,
    build_acceptance,
    build_refusal,
    parse,
)
from workstation.orders import Decision, parse_order

RADIOLOGIST = Practitioner.from_rpps("01234564895", "Eric", "Thomas", "DR")
PLATFORM = Organization("Plateforme-Y", "300017986")
NOW = datetime(2026, 1, 6, 16, 44, 18, tzinfo=UTC)


@pytest.fixture
def request_text(shared_dir: Path) -> str:
    return (shared_dir / "data/hl7/ansforge-teleradiologie/flux1_ORM_O01_demande.hl7").read_bytes().decode()


@pytest.fixture
def example_answer(shared_dir: Path) -> str:
    return (shared_dir / "data/hl7/ansforge-teleradiologie/flux3_ORU_R01_reponse.hl7").read_bytes().decode()


def _grouped(text: str) -> list[str]:
    """Segments hl7apy can place in the ORU_R01 structure: a misplaced one would be dropped."""
    message = parse_message(text, validation_level=VALIDATION_LEVEL.TOLERANT, find_groups=True)

    def walk(node) -> list[str]:
        return [n for c in node.children for n in ([c.name] if c.classname == "Segment" else walk(c))]

    return walk(message)


def test_acceptance_matches_the_guide_example(request_text: str, example_answer: str) -> None:
    protocol = "IRM cérébrale sans injection\nT1, T2 | FLAIR ^ diffusion & ADC ~ \\ fin"
    text = build_acceptance(parse(request_text), RADIOLOGIST, protocol, platform=PLATFORM, now=NOW)
    assert "\n" not in text and text.count("\r") >= 5  # segments separated by \r only
    answer, example = parse(text), parse(example_answer)
    assert [s.name for s in answer.segments if s.name != "PV1"] == [s.name for s in example.segments]
    assert _grouped(text) == [s.name for s in answer.segments]
    for number in (3, 4, 5, 6, 9, 12, 17, 18, 21):  # header as in the example (sender/receiver swapped)
        assert answer.msh.get(number) == example.msh.get(number), f"MSH-{number}"
    assert answer.msh.get(21, 1) == "1.0" and answer.msh.get(7) == "20260106164418+0000"
    orc, obr, obx = answer.first("ORC"), answer.first("OBR"), answer.first("OBX")
    for seg, number in ((orc, 1), (orc, 2), (orc, 12), (orc, 17), (orc, 21), (obr, 2), (obr, 4), (obr, 16)):
        assert seg.get(number, 1) == example.first(seg.name).get(number, 1), f"{seg.name}-{number}"
    assert orc.get(12, 9, 2) == "1.2.250.1.71.4.2.1" and orc.get(21, 10) == "300017986"
    assert obx.coded(3).code == "PROTOCOLE_IMAGERIE" and obx.get(2) == "ED" and obx.get(11) == "F"
    assert (obx.get(5, 2), obx.get(5, 4)) == ("TEXT", "Base64")
    assert base64.b64decode(obx.get(5, 5)).decode("utf-8") == protocol
    # the patient is the request's, field for field
    assert answer.first("PID").fields == parse(request_text).first("PID").fields


def test_acceptance_may_change_modality_and_act(request_text: str) -> None:
    text = build_acceptance(
        parse(request_text),
        RADIOLOGIST,
        "Scanner cérébral",
        modality=Coded("CT", "Scanographie", "DCM"),
        act=Coded("24725-4", "TDM crâne", "LN"),
    )
    obx = {o.get(3): o for o in parse(text).all("OBX")}
    assert obx["MODALITE_IMAGERIE"].coded(5) == Coded("CT", "Scanographie", "DCM")
    assert obx["CODE_ACTE_IMAGERIE"].coded(5) == Coded("24725-4", "TDM crâne", "LN")
    assert [o.get(1) for o in parse(text).all("OBX")] == ["1", "2", "3"]
    assert _grouped(text) == [s.name for s in parse(text).segments]


def test_refusal_carries_coded_reason_and_justification(request_text: str) -> None:
    justification = "Examen non indiqué | cf. HAS ^ 2024\nPrivilégier une échographie & revoir"
    reason = RefusalReason.EXAMEN_NON_ADAPTE.coded
    text = build_refusal(parse(request_text), RADIOLOGIST, reason, justification, platform=PLATFORM)
    answer = parse(text)
    assert answer.first("ORC").get(1) == "OC"
    assert answer.first("ORC").coded(16) == Coded("EXAMEN_NON_ADAPTE", reason.label, "TLR_MOTIF_REFUS")
    assert answer.all("OBX") == []
    assert _grouped(text) == [s.name for s in answer.segments]
    # and the order model reads our own answer back
    order = parse_order([request_text, text])
    assert order.response is not None and order.response.decision is Decision.REFUSED
    assert order.response.justification == justification
    assert order.response.refusal_reason == answer.first("ORC").coded(16)
    assert order.response.radiologist == RADIOLOGIST


def test_every_answer_gets_its_own_control_id(request_text: str) -> None:
    request = parse(request_text)
    ids = {parse(build_acceptance(request, RADIOLOGIST, "P")).control_id for _ in range(50)}
    assert len(ids) == 50 and all(len(i) == 20 for i in ids)  # MSH-10 is ST(20) in v2.5.1


def test_answers_need_a_request_a_protocol_and_a_justification(request_text: str, shared_dir: Path) -> None:
    request = parse(request_text)
    with pytest.raises(ValueError, match="protocol"):
        build_acceptance(request, RADIOLOGIST, "  \n")
    with pytest.raises(ValueError, match="justification"):
        build_refusal(request, RADIOLOGIST, RefusalReason.AUTRE.coded, "\n ")
    cancel = (
        (shared_dir / "data/hl7/ansforge-teleradiologie/flux2_ORM_O01_annulation.hl7").read_bytes().decode()
    )
    with pytest.raises(HL7ParseError) as caught:
        build_acceptance(parse(cancel), RADIOLOGIST, "P")
    assert (caught.value.segment, caught.value.field) == ("ORC", 1)
