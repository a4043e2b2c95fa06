"""POST /api/v1/messages: the order life cycle, ACK AA/AE/AR, de-duplication, garbage resistance."""

from __future__ import annotations

import pytest
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.parser import parse_message

from .builders import (
    acceptance,
    cancellation,
    cda,
    complement,
    new_order,
    refusal,
    report_mdm,
    report_oru,
)
from .conftest import Live

STUDY_UID = "1.2.250.1.999.1.20260106.1"


def _ack(response) -> dict[str, str]:
    """MSA-1, MSA-2, MSA-3, ERR-3.1 and a few MSH fields of the ACK, read with hl7apy."""
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/hl7-v2")
    text = response.content.decode("utf-8")
    ack = parse_message(text, validation_level=VALIDATION_LEVEL.TOLERANT, find_groups=False)
    err = [s for s in ack.children if s.name == "ERR"]
    return {
        "code": ack.msa.msa_1.to_er7(),
        "control_id": ack.msa.msa_2.to_er7(),
        "reason": ack.msa.msa_3.to_er7(),
        "error": err[0].err_3.to_er7().split("^")[0] if err else "",
        "type": ack.msh.msh_9.to_er7(),
        "version": ack.msh.msh_12.to_er7(),
        "id": ack.msh.msh_10.to_er7(),
        "to": ack.msh.msh_5.to_er7(),
        "fields": str(len(text.split("\r")[0].split("|"))),
        "raw": text,
    }


@pytest.fixture
def authorized(live: Live) -> Live:
    live.authorize()
    return live


def test_full_life_of_an_order(authorized: Live) -> None:
    live = authorized
    ack = _ack(live.as_site(new_order("CMD-1", "C0001", urgent=True)))
    assert (ack["code"], ack["control_id"], ack["type"], ack["to"]) == (
        "AA",
        "C0001",
        "ACK^O01^ACK",
        "StructureApp",
    )
    assert ack["fields"] == "18"  # MSH stops at MSH-18, like the guide's ACK example
    order = live.orders()["CMD-1"]
    assert (order["status"], order["priority"], order["study_instance_uid"]) == ("a_valider", "urgent", None)

    assert _ack(live.post_hl7(acceptance("CMD-1", "C0002")))["code"] == "AA"
    assert live.orders()["CMD-1"]["status"] == "protocole_envoye"

    assert _ack(live.as_site(complement("CMD-1", "C0003", "ACC-77", STUDY_UID)))["code"] == "AA"
    order = live.orders()["CMD-1"]
    assert (order["status"], order["study_instance_uid"], order["accession_number"]) == (
        "images_disponibles",
        STUDY_UID,
        "ACC-77",
    )

    ack = _ack(live.post_hl7(report_oru("CMD-1", "C0004", cda("1.2.250.1.999.2.1"))))
    assert (ack["code"], ack["version"], ack["type"]) == ("AA", "2.5", "ACK^R01^ACK")
    assert live.orders()["CMD-1"]["status"] == "cr_transmis"

    replacement = report_mdm(
        "CMD-1",
        "C0005",
        cda("1.2.250.1.999.2.2", parent_root="1.2.250.1.999.2.1"),
        document_root="1.2.250.1.999.2.2",
        parent_root="1.2.250.1.999.2.1",
    )
    ack = _ack(live.post_hl7(replacement))
    assert (ack["code"], ack["version"], ack["type"]) == ("AA", "2.6", "ACK^T10^ACK")

    order = live.orders()["CMD-1"]
    assert order["status"] == "cr_transmis"
    assert [m["control_id"] for m in order["messages"]] == ["C0001", "C0002", "C0003", "C0004", "C0005"]
    assert [m["type"] for m in order["messages"]] == ["ORM^O01", "ORU^R01", "OMI^O23", "ORU^R01", "MDM^T10"]
    assert order["messages"][0]["hl7"] == new_order("CMD-1", "C0001", urgent=True).decode()
    assert [h["event"] for h in order["history"]] == [
        "Demande reçue",
        "Protocole envoyé",
        "Images disponibles",
        "Compte rendu transmis",
        "Compte rendu remplacé",
    ]
    assert "urgente" in order["history"][0]["detail"]


def test_refusal_and_cancellation(authorized: Live) -> None:
    live = authorized
    for order_id, control in (("R-1", "R01"), ("A-1", "A01")):
        assert _ack(live.as_site(new_order(order_id, control)))["code"] == "AA"
    justification = (r"IRM plus adaptée \F\ voir HAS", "Rappeler le service")  # an escaped "|" in NTE-3
    assert _ack(live.post_hl7(refusal("R-1", "R02", "Examen non adapté", justification)))["code"] == "AA"
    assert _ack(live.as_site(cancellation("A-1", "A02")))["code"] == "AA"
    orders = live.orders()
    assert (orders["R-1"]["status"], orders["A-1"]["status"]) == ("refuse", "annule")
    assert orders["R-1"]["history"][-1]["detail"] == (
        "Motif : Examen non adapté (IRM plus adaptée | voir HAS / Rappeler le service)"
    )
    assert orders["A-1"]["history"][-1]["detail"] == "Motif : Patient transféré"
    # A refused order takes no report and no further answer.
    late = _ack(live.post_hl7(acceptance("R-1", "R03")))
    assert late["code"] == "AE" and "refusée" in late["reason"]


def test_refusal_without_reason_is_ae_and_changes_nothing(authorized: Live) -> None:
    live = authorized
    live.as_site(new_order("R-2", "X01"))
    ack = _ack(live.post_hl7(refusal("R-2", "X02", reason="")))
    assert (ack["code"], ack["control_id"], ack["error"]) == ("AE", "X02", "101")
    assert "motif" in ack["reason"].lower()
    assert live.orders()["R-2"]["status"] == "a_valider"
    assert [m["control_id"] for m in live.orders()["R-2"]["messages"]] == ["X01"]


@pytest.mark.parametrize(
    ("raw", "code", "error"),
    [
        (b"", "AR", "100"),
        (b"this is not HL7 at all", "AR", "100"),
        (b"\x00\xff\xfe garbage", "AR", "199"),
        (b"MSH|^~\\&|SITE|FAC|TLRapp|TLRfacility", "AR", "101"),  # truncated inside MSH
        (b"MSH|^~\\&|A|B|C|D|20260101||ADT^A01^ADT_A01|U1|P|2.5.1\rPID|||1", "AR", "200"),
        (b"MSH|^~\\&|A|B|C|D|20260101||ORU^R30^ORU_R30|U2|P|2.5.1\rPID|||1", "AR", "201"),
        (b"MSH|^~\\&|A|B|C|D|20260101||ORM^O01^ORM_O01|U3|P|3.1\rPID|||1", "AE", "203"),
    ],
)
def test_unusable_messages_are_rejected_with_a_reason(
    authorized: Live, raw: bytes, code: str, error: str
) -> None:
    ack = _ack(authorized.post_hl7(raw))
    assert (ack["code"], ack["error"]) == (code, error)
    assert ack["reason"]


def test_truncated_messages_lose_nothing_already_stored(authorized: Live) -> None:
    live = authorized
    live.as_site(new_order("T-1", "T01"))
    live.as_site(complement("T-1", "T02", "ACC-1", STUDY_UID))
    before = live.orders()
    report = report_oru("T-1", "T03", cda("1.2.250.1.999.3.1"))
    for cut in (len(report) // 2, len(report) - 40, 60, 200):
        ack = _ack(live.post_hl7(report[:cut]))
        assert ack["code"] in ("AE", "AR"), cut
        assert ack["reason"], cut
    assert live.orders() == before
    assert live.session.get(live.url("/api/v1/health")).status_code == 200
    assert _ack(live.post_hl7(report))["code"] == "AA"  # the whole message, same MSH-10, now goes through


def test_resent_message_gets_the_original_ack_and_is_stored_once(authorized: Live) -> None:
    live = authorized
    first = _ack(live.as_site(new_order("D-1", "D01")))
    again = _ack(live.as_site(new_order("D-1", "D01")))
    assert again["raw"] == first["raw"]  # byte for byte, including the ACK's own MSH-10
    # The same MSH-10 resent with another MSH-7 (a re-built message) is still the same message.
    rebuilt = new_order("D-1", "D01").replace(b"20260106134418", b"20260106140000", 1)
    assert _ack(live.as_site(rebuilt))["raw"] == first["raw"]
    assert [m["control_id"] for m in live.orders()["D-1"]["messages"]] == ["D01"]
    with live.platform.store.reading() as conn:
        assert conn.execute("SELECT COUNT(*) FROM messages WHERE control_id = 'D01'").fetchone()[0] == 1


def test_report_rules(authorized: Live) -> None:
    live = authorized
    live.as_site(new_order("P-1", "P01"))
    unknown = _ack(live.post_hl7(report_oru("NOPE", "P02", cda("1.2.3.1"))))
    assert unknown["code"] == "AE" and "inconnue" in unknown["reason"]
    not_cda = report_oru("P-1", "P03", b"<?xml version='1.0'?><Report xmlns='urn:hl7-org:v3'/>")
    assert "ClinicalDocument" in _ack(live.post_hl7(not_cda))["reason"]
    broken_xml = report_oru("P-1", "P04", cda("1.2.3.4")[:-20])
    assert _ack(live.post_hl7(broken_xml))["code"] == "AE"
    replacement_first = report_mdm("P-1", "P05", cda("1.2.3.5"), "1.2.3.5", parent_root="1.2.3.0")
    assert "Aucun compte rendu" in _ack(live.post_hl7(replacement_first))["reason"]
    assert live.orders()["P-1"]["status"] == "a_valider"
    # Without ORC-2, the order is found from the CDA (inFulfillmentOf/order/id).
    assert _ack(live.post_hl7(report_oru("", "P06", cda("1.2.3.6", order_id="P-1"))))["code"] == "AA"
    second = _ack(live.post_hl7(report_oru("P-1", "P07", cda("1.2.3.7"))))
    assert second["code"] == "AE" and "remplacement" in second["reason"]
    wrong_parent = report_mdm("P-1", "P08", cda("1.2.3.8"), "1.2.3.8", parent_root="1.2.3.999")
    assert _ack(live.post_hl7(wrong_parent))["code"] == "AE"
    assert [m["control_id"] for m in live.orders()["P-1"]["messages"]] == ["P01", "P06"]


def test_line_feed_separators_are_accepted(authorized: Live) -> None:
    raw = new_order("N-1", "N01").replace(b"\r", b"\r\n")
    assert _ack(authorized.as_site(raw))["code"] == "AA"
    raw = new_order("N-2", "N02").replace(b"\r", b"\n")
    assert _ack(authorized.as_site(raw))["code"] == "AA"
    assert {"N-1", "N-2"} <= set(authorized.orders())


def test_wrong_content_type_is_415(authorized: Live) -> None:
    response = authorized.session.post(
        authorized.url("/api/v1/messages"),
        data=new_order("W-1", "W01"),
        headers={"Content-Type": "text/plain"},
    )
    assert (response.status_code, response.json()["error"]) == (415, "unsupported_media_type")
    assert "W-1" not in authorized.orders()
