"""workstation.expertise without a display: the request as the platform describes it, the signed
expertise report (CDA R2 checked against the HL7 CDA schema of the ANS test kit), its MDM^T02, and
what is refused before anything is sent."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from auth.session import Identity
from teleplatform.demo import cases
from teleplatform.demo.orders import render
from teleplatform.expertise import is_expertise_report
from workstation.expertise import (
    CHECKS,
    DOCUMENT_CODE,
    REQUEST_ROOT,
    ExpertiseAnswer,
    ExpertiseDesk,
    ExpertiseError,
    ExpertiseStatus,
    build_expertise_cda,
    build_expertise_message,
    control_id_for,
    parse_request,
    quote,
)
from workstation.hl7 import parse
from workstation.platform.errors import ProtocolError

EXPERT = Identity("dr.expert", "10303030303", "Martin", "Claire", "Dr")
NOW = datetime(2026, 1, 6, 15, 30, tzinfo=UTC)
NS = {"h": "urn:hl7-org:v3"}


def _order_hl7() -> list[str]:
    return [render(m).decode("utf-8") for m in cases.MESSAGES if m.case is cases.CT_TAP_CASE]


def _json(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "request_id": "EXP-0A1B2C3D4E5F",
        "order_id": cases.CT_TAP_CASE.placer_order_number,
        "status": "demandee",
        "urgency": "urgent",
        "question": "Nodule hépatique du segment VI : hémangiome ou métastase ?",
        "clinical": "Cancer colique opéré.",
        "consent": {
            "informed": True,
            "consented": True,
            "how": "oral",
            "recorded_by": "dr.moreau",
            "recorded_at": "2026-01-06T14:00:00+00:00",
        },
        "requester": {
            "login": "dr.moreau",
            "rpps": "89970000041",
            "family": "MOREAU",
            "given": "Hélène",
            "title": "Dr",
        },
        "expert": {
            "login": "dr.expert",
            "rpps": "10303030303",
            "family": "MARTIN",
            "given": "Claire",
            "title": "Dr",
        },
        "specialty": None,
        "studies": ["1.2.250.1.999.1", "1.2.250.1.999.2"],
        "created_at": "2026-01-06T14:00:00+00:00",
        "answered_at": None,
        "answered_by": None,
        "reason_code": None,
        "reason": None,
        "report": None,
        "communications": [],
        "history": [
            {
                "at": "2026-01-06T14:00:00+00:00",
                "event": "Téléexpertise demandée",
                "detail": "x",
                "by": "dr.moreau",
            }
        ],
        "order_hl7": _order_hl7(),
        "role": "expert",
    }
    body.update(overrides)
    return body


def test_a_request_is_read_with_its_patient_and_consent() -> None:
    request = parse_request(_json())
    assert request.status is ExpertiseStatus.OPEN and request.urgent
    assert request.addressee == "Dr Claire MARTIN"
    assert request.order is not None and request.order.patient.birth_name.upper() == "GARNIER"
    assert request.patient_id.startswith(request.order.patient.ins.matricule)
    assert request.consent_recorded_by == "dr.moreau" and request.consent_how == "oral"


@pytest.mark.parametrize(
    "broken",
    [
        {"status": "perdue"},
        {"created_at": "2026-01-06T14:00:00"},  # no time zone: refused, never guessed
        {"consent": None},
        {"requester": None},
        {"studies": None},
    ],
)
def test_a_malformed_request_is_a_protocol_error(broken: dict[str, Any]) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_request(_json(**broken))
    assert "téléexpertise" in caught.value.user_message


def _answer() -> ExpertiseAnswer:
    return ExpertiseAnswer(
        tuple(CHECKS),
        "Nodule de 18 mm, rehaussement périphérique nodulaire.",
        "Hémangiome typique.\nPas de suivi.",
    ).with_id()


def test_the_expertise_report_is_a_cda_of_its_own_type_valid_against_the_cda_schema(shared_dir: Path) -> None:
    request = parse_request(_json())
    answer = _answer()
    cda = build_expertise_cda(request, answer, EXPERT, NOW)
    root = etree.fromstring(cda)
    schema = etree.XMLSchema(etree.parse(str(shared_dir / "specs/cisis/infrastructure/cda/CDA_extended.xsd")))
    assert schema.validate(root), schema.error_log.last_error
    assert root.find("h:code", NS).get("code") == DOCUMENT_CODE != "18748-4"
    order_id = root.find("h:inFulfillmentOf/h:order/h:id", NS)
    assert (order_id.get("root"), order_id.get("extension")) == (REQUEST_ROOT, "EXP-0A1B2C3D4E5F")
    assert [i.get("root") for i in root.findall("h:documentationOf/h:serviceEvent/h:id", NS)] == list(
        request.studies
    )
    signer = root.find("h:legalAuthenticator", NS)
    assert signer.find("h:signatureCode", NS).get("code") == "S"
    assert signer.find("h:assignedEntity/h:id", NS).get("extension") == "810303030303"
    patient = root.find("h:recordTarget/h:patientRole/h:id", NS)
    assert patient.get("extension") == request.order.patient.ins.matricule
    text = cda.decode("utf-8")
    assert "Patient informé de la téléexpertise et consentant (oral)" in text
    assert "Hémangiome typique." in text and "Qualité et couverture des images suffisantes : vérifié" in text
    answered = parse_request(
        _json(
            status="repondue",
            report={"cda": text, "document_id": answer.document_id, "control_id": "X"},
            answered_at=NOW.isoformat(),
            answered_by=_json()["expert"],
        )
    )
    assert answered.opinion == "Hémangiome typique.\nPas de suivi."
    assert (
        quote(answered)
        == "Avis de téléexpertise (Dr Claire MARTIN, 06/01/2026) : Hémangiome typique.\nPas de suivi."
    )


def test_the_mdm_carries_the_cda_names_the_request_and_is_routed_to_the_expertise_intake() -> None:
    request = parse_request(_json())
    answer = _answer()
    cda = build_expertise_cda(request, answer, EXPERT, NOW)
    er7 = build_expertise_message(request, cda, answer.document_id, NOW)
    message = parse(er7)
    assert message.control_id == control_id_for(answer.document_id)  # the same answer keeps its MSH-10
    assert is_expertise_report(er7.encode("utf-8"))
    segments = {line[:3]: line.split("|") for line in er7.split("\r") if line}
    assert segments["ORC"][2] == "EXP-0A1B2C3D4E5F"
    assert segments["TXA"][2].startswith(DOCUMENT_CODE)
    assert base64.b64decode(segments["OBX"][5].split("^")[4]) == cda
    assert segments["OBX"][11] == "F"
    assert request.order.patient.ins.matricule in segments["PID"][3]


def test_impossible_is_quoted_with_its_reason() -> None:
    request = parse_request(
        _json(
            status="impossible",
            reason_code="IMAGES_INSUFFISANTES",
            reason="Pas de fenêtre osseuse.",
            answered_at=NOW.isoformat(),
            answered_by=_json()["expert"],
        )
    )
    assert quote(request) == (
        "Téléexpertise impossible (Dr Claire MARTIN, 06/01/2026) : Qualité ou couverture des images"
        " insuffisante. Pas de fenêtre osseuse."
    )


class _NoNetwork:
    """A workstation whose platform must not be called."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"unexpected call: {name}")


class _Ws:
    client = _NoNetwork()
    outbox = _NoNetwork()
    audit = _NoNetwork()
    identity = EXPERT

    class settings:  # stands for Settings (only base_url is read)
        base_url = "https://127.0.0.1:1"


def test_nothing_is_sent_without_consent_checks_or_opinion() -> None:
    desk = ExpertiseDesk(_Ws())
    with pytest.raises(ExpertiseError) as caught:
        desk.ask(
            "O-1",
            "",
            expert="dr.expert",
            specialty=None,
            question="?",
            clinical="",
            urgent=False,
            studies=["1.2"],
            informed=True,
            consented=False,
            consent_how="",
        )
    assert "consenti" in caught.value.user_message
    request = parse_request(_json())
    with pytest.raises(ExpertiseError) as caught:
        desk.sign_report(request, ExpertiseAnswer(("images",), "", "Avis."), NOW)
    assert "Vérifications non faites" in str(caught.value.user_message)
    with pytest.raises(ExpertiseError):
        desk.sign_report(request, ExpertiseAnswer(tuple(CHECKS), "", "  "), NOW)
    with pytest.raises(ExpertiseError):
        desk.impossible(request, "AUTRE", " ")
    with pytest.raises(ExpertiseError):
        desk.communicate(request, "Dr X", "téléphone", datetime(2026, 1, 6, 15, 0), "")  # no time zone


def test_expertise_delays_are_measured_per_request_from_the_platform_history() -> None:
    """Known delays: 3 urgent requests answered in 10, 20, 30 min and 21 routine ones in 60..260 min
    (step 10), spread over orders two by two; an unanswered request and an answer without its request
    count for nothing."""
    from workstation.indicators import Delay, Group, compute, order_facts
    from workstation.orders import OrderStatus, Priority
    from workstation.platform.client import HistoryEvent, WorklistEntry

    start = datetime(2026, 1, 6, 8, 0, tzinfo=UTC)
    delays = [(True, 10 * k) for k in (1, 2, 3)] + [(False, 60 + 10 * k) for k in range(21)]
    entries = []
    for n in range(0, len(delays), 2):
        history = []
        for m, (urgent, minutes) in enumerate(delays[n : n + 2]):
            rid = f"EXP-{n + m:012X}"
            asked = start + timedelta(hours=n)
            history.append(
                HistoryEvent(
                    asked,
                    "Téléexpertise demandée",
                    f"Demande {rid} à Dr X{' (urgente)' if urgent else ''} ; 1 examen(s) joint(s).",
                )
            )
            done = "Avis d'expert reçu" if m == 0 else "Téléexpertise impossible"
            history.append(HistoryEvent(asked + timedelta(minutes=minutes), done, f"Demande {rid} : fait."))
        entries.append(
            WorklistEntry(
                f"O-{n}",
                OrderStatus.IMAGES_DISPONIBLES,
                Priority.ROUTINE,
                start,
                None,
                None,
                (),
                tuple(history),
            )
        )
    entries.append(
        WorklistEntry(
            "O-open",
            OrderStatus.IMAGES_DISPONIBLES,
            Priority.URGENT,
            start,
            None,
            None,
            (),
            (
                HistoryEvent(start, "Téléexpertise demandée", "Demande EXP-0000000000FF à Dr X (urgente)."),
                HistoryEvent(start, "Avis d'expert reçu", "Demande EXP-0000000000EE : orphelin."),
            ),
        )
    )
    ind = compute([order_facts(e, None) for e in entries])
    urgent = ind.delays[(Delay.EXPERTISE, Group.URGENT)]
    routine = ind.delays[(Delay.EXPERTISE, Group.ROUTINE)]
    everything = ind.delays[(Delay.EXPERTISE, Group.TOUS)]
    assert (urgent.count, urgent.median, urgent.p90) == (3, 20, 30)
    # nearest rank ceil(0.9 × 21) = 19: 60 + 18 × 10
    assert (routine.count, routine.median, routine.p90) == (21, 160, 240)
    assert (everything.count, everything.median, everything.p90) == (24, (140 + 150) / 2, 240)
