from __future__ import annotations

import base64
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree

from hl7v2.message import Segment, parse
from reporting.cda import build_cda
from reporting.checks import sign
from reporting.hl7 import (
    Endpoint,
    Hl7Error,
    MessageKind,
    Routing,
    extract_cda,
    new_control_id,
    read_segments,
    wrap,
)
from reporting.model import Addendum, Narrative, new_version
from reporting.pipeline import build_and_wrap
from tests.reporting.factories import PARIS, RADIOLOGIST_THOMAS, make_signed

NOW = datetime(2026, 1, 6, 19, 31, tzinfo=PARIS)
NS = {"h": "urn:hl7-org:v3"}


def segment(message: str, name: str, index: int = 0) -> Segment:
    """The built message read back by the workstation's reader, not by the hl7apy that built it."""
    return parse(message).all(name)[index]


def get(seg: Segment, number: int, component: int | None = None, sub: int | None = None) -> str:
    """A field as ER7 text (its components joined) or one component / sub-component, unescaped."""
    if component is None:
        reps = seg.fields[number - 1] if number <= len(seg.fields) else ()
        return "^".join("&".join(c) for c in reps[0]) if reps else ""
    return seg.get(number, component, sub or 1)


def test_new_report_is_an_oru_r01_with_status_f_and_round_trips() -> None:
    report = make_signed()
    cda = build_cda(report)
    routing = Routing(Endpoint("TLRapp", "TLRfacility"), Endpoint("StructureApp", "StructureFacility"))
    message = wrap(report, cda, routing, now=NOW)
    assert message.kind is MessageKind.ORU_R01
    assert [s.name for s in read_segments(message.er7)] == ["MSH", "PID", "PV1", "ORC", "OBR", "OBX", "PRT"]
    msh = segment(message.er7, "MSH")
    assert [get(msh, n) for n in (3, 4, 5, 6, 7)] == [
        "TLRapp",
        "TLRfacility",
        "StructureApp",
        "StructureFacility",
        "20260106193100",
    ]
    assert get(msh, 9) == "ORU^R01^ORU_R01" and get(msh, 10) == message.control_id
    assert (
        get(msh, 12) == "2.5" and get(msh, 18) == "UNICODE UTF-8" and get(msh, 21) == "2.1^CISIS_CDA_HL7_V2"
    )
    assert get(segment(message.er7, "ORC"), 1) == "NW"
    assert get(segment(message.er7, "ORC"), 2, 1) == "OPN101"
    obx = segment(message.er7, "OBX")
    assert (get(obx, 2), get(obx, 3, 1), get(obx, 11)) == ("ED", "18748-4", "F")
    assert [get(obx, 5, n) for n in (2, 3, 4)] == ["TEXT", "XML", "Base64"]
    pid = segment(message.er7, "PID")
    assert (get(pid, 3, 1), get(pid, 3, 4, 2), get(pid, 3, 5)) == (
        "279035121518989",
        "1.2.250.1.213.1.4.10",
        "INS",
    )
    prt = segment(message.er7, "PRT")
    assert (get(prt, 4, 1), get(prt, 5, 1), get(prt, 5, 9, 2)) == ("SB", "801234564895", "1.2.250.1.71.4.2.1")
    assert extract_cda(message.er7) == cda
    assert message.er7.endswith("\r") and "\n" not in message.er7


def test_first_version_may_travel_as_mdm_t02() -> None:
    report = make_signed()
    message = wrap(report, build_cda(report), first_version_as_mdm=True, now=NOW)
    assert message.kind is MessageKind.MDM_T02
    assert get(segment(message.er7, "MSH"), 12) == "2.6"
    obx = segment(message.er7, "OBX")
    assert get(obx, 11) == "F" and get(obx, 5, 2) == "text"
    txa = segment(message.er7, "TXA")
    assert get(txa, 12, 1) == report.document_id and get(txa, 13) == "" and get(txa, 17) == "AU"


def test_addendum_is_version_2_of_the_same_set_in_an_mdm_t10_with_status_c() -> None:
    first = make_signed()
    addendum = Addendum("Précision.", RADIOLOGIST_THOMAS, datetime(2026, 1, 7, 9, 0, tzinfo=PARIS))
    second = sign(new_version(first, addendum=addendum), datetime(2026, 1, 7, 9, 5, tzinfo=PARIS))
    outputs = build_and_wrap(second, now=NOW)
    message = outputs.message
    assert message.kind is MessageKind.MDM_T10
    assert get(segment(message.er7, "MSH"), 9) == "MDM^T10^MDM_T02"
    assert get(segment(message.er7, "ORC"), 1) == "RO"
    assert get(segment(message.er7, "OBX"), 11) == "C"
    txa = segment(message.er7, "TXA")
    assert get(txa, 12, 1) == second.document_id and get(txa, 13, 1) == first.document_id
    root = etree.fromstring(extract_cda(message.er7))
    assert root.find("h:setId", NS).get("root") == first.set_id
    assert root.find("h:versionNumber", NS).get("value") == "2"
    assert root.find("h:relatedDocument/h:parentDocument/h:id", NS).get("root") == first.document_id


def test_control_ids_are_unique_and_kept_when_resent() -> None:
    report = make_signed()
    cda = build_cda(report)
    ids = {new_control_id() for _ in range(10_000)} | {wrap(report, cda).control_id for _ in range(5)}
    assert len(ids) == 10_005 and all(len(i) == 20 for i in ids)
    assert wrap(report, cda, control_id="ABC123").control_id == "ABC123"


def test_delimiters_in_values_are_escaped_and_read_back() -> None:
    report = make_signed()
    patient = replace(report.patient, birth_family="O'NEIL^X|Y&Z~W\\V", first_given="Zoé")
    message = wrap(replace(report, patient=patient), build_cda(report), now=NOW)
    pid = segment(message.er7, "PID")
    assert get(pid, 5, 1, 1) == "O'NEIL^X|Y&Z~W\\V" and get(pid, 5, 2) == "Zoé"
    injected = replace(patient, birth_family="DUPONT\rOBX|9|ST|X||injecté")
    message = wrap(replace(report, patient=injected), build_cda(report), now=NOW)
    assert [s.name for s in read_segments(message.er7)].count("OBX") == 1
    assert get(segment(message.er7, "PID"), 5, 1, 1) == "DUPONT OBX|9|ST|X||injecté"


def test_large_unicode_report_round_trips_byte_for_byte() -> None:
    report = make_signed(results=Narrative("Œdème ’ 😀 é\n\n" * 20_000))
    outputs = build_and_wrap(report, now=NOW)
    assert len(outputs.cda) > 500_000
    assert extract_cda(outputs.message.er7) == outputs.cda
    assert extract_cda(outputs.message.er7.replace("\r", "\n")) == outputs.cda
    assert extract_cda(outputs.message.er7.replace("\r", "\r\n")) == outputs.cda


def test_only_signed_reports_are_sent() -> None:
    report = make_signed()
    with pytest.raises(Hl7Error):
        wrap(replace(report, status=new_version(report).status), b"<x/>")


def test_unreadable_messages() -> None:
    with pytest.raises(Hl7Error):
        read_segments("not hl7")
    with pytest.raises(Hl7Error):
        extract_cda("MSH|^~\\&|A|B|C|D|20260101||ORU^R01^ORU_R01|1|P|2.5\rOBX|1|ST|X||text||||||F\r")
    bad = base64.b64encode(b"<x/>").decode()[:-2] + "!!"
    with pytest.raises(Hl7Error):
        extract_cda(
            f"MSH|^~\\&|A|B|C|D|20260101||ORU^R01^ORU_R01|1|P|2.5\rOBX|1|ED|X||^TEXT^XML^Base64^{bad}\r"
        )


def test_the_ans_synthetic_oru_carries_the_ans_example_cda(shared_dir: Path) -> None:
    """Our reader against a message written by others: the CDA decodes to the ANS example, byte for byte."""
    oru = (shared_dir / "data/hl7/synthetic/SYNTH_ORU_R01_TransCDA_V2.1_CR-IMG_2024.01.hl7").read_text(
        "utf-8"
    )
    example = (shared_dir / "specs/cisis/ExemplesCDA/IMG_CR_IMG_2024.01.xml").read_bytes()
    assert extract_cda(oru) == example
    assert [s.name for s in read_segments(oru)][:7] == ["MSH", "PID", "PV1", "ORC", "OBR", "OBX", "PRT"]
