"""Téléexpertise on the platform: asking, seeing, answering, and who may do none of it, over real HTTPS.

Accounts: dr.durand reads for StructureFacility (the asker); dr.expert is a radiologist of another
group and of the "neuro" expert group; dr.neuro2 is another member of "neuro"; dr.leroy is a third
radiologist (another group, no specialty); ris.structure is StructureFacility's site account;
admin.export supervises. Order S-1 has study A; the same patient has a prior A2 and another study A3;
study B belongs to another patient.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pydicom
import pytest
import requests

from .builders import (
    ACCOUNTS,
    ADMIN_ACCOUNT,
    OTHER_RADIOLOGIST,
    OTHER_SENDER,
    OTHER_SITE,
    SECRET,
    SITE_ACCOUNT,
    complement,
    message,
    new_order,
    write_ct_series,
    write_data_dir,
)
from .conftest import Live

INS = "279035121518989"  # PID-3 of the builders' orders: the key of the patient's studies
EXPERT = {
    **OTHER_RADIOLOGIST,
    "login": "dr.expert",
    "password": "Expert-Neuro-2026",
    "rpps": "10303030303",
    "family": "MARTIN",
    "given": "Claire",
    "groups": ["autre-groupe"],  # reads for the other site only: the asker's case is not its own
    "expertise": ["neuro"],
}
NEURO2 = {**EXPERT, "login": "dr.neuro2", "rpps": "10404040404", "family": "PETIT", "groups": []}
HL7 = {"Content-Type": "application/hl7-v2; charset=utf-8"}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def case(tmp_path: Path, start_live) -> tuple[Live, dict[str, str], dict[str, str]]:
    root = write_data_dir(tmp_path / "data")
    (root / "seed" / "accounts.json").write_text(json.dumps([*ACCOUNTS, EXPERT, NEURO2]), encoding="utf-8")
    files = {
        "a": write_ct_series(root / "dicom" / "a", 2, patient_id=INS, accession="ACC-A", seed=1),
        "a2": write_ct_series(root / "dicom" / "a2", 2, patient_id=INS, accession="ACC-A2", seed=2),
        "a3": write_ct_series(root / "dicom" / "a3", 2, patient_id=INS, accession="ACC-A3", seed=3),
        "b": write_ct_series(root / "dicom" / "b", 2, patient_id="PAT-B", accession="ACC-B", seed=4),
    }
    live = start_live(root)
    accounts = (*ACCOUNTS, EXPERT, NEURO2)
    tokens = {a["login"]: live.token(a) for a in accounts}
    uids = {k: str(pydicom.dcmread(v[0]).StudyInstanceUID) for k, v in files.items()}
    site, other = tokens[SITE_ACCOUNT["login"]], tokens[OTHER_SITE["login"]]
    for raw, token in (
        (new_order("S-1", "S01"), site),
        (complement("S-1", "S02", "ACC-A", uids["a"]), site),
        # another patient at the other site (the builders' PID names the same one everywhere)
        (new_order("O-1", "O01", sender=OTHER_SENDER).replace(INS.encode(), b"179035121518000"), other),
    ):
        assert live.post_hl7(raw, token).headers["X-HL7-Ack-Code"] == "AA"
    return live, tokens, uids


def _ask(live: Live, token: str, **overrides: object) -> requests.Response:
    body = {
        "order_id": "S-1",
        "expert": "dr.expert",
        "question": "Lésion hépatique segment VI : hémangiome atypique ou métastase ?",
        "clinical": "Antécédent de cancer colique opéré en 2023.",
        "urgency": "routine",
        "studies": [],
        "consent": {"informed": True, "consented": True, "how": "oral, noté par le radiologue demandeur"},
    }
    body.update(overrides)
    return live.session.post(live.url("/api/v1/expertise"), json=body, headers=_bearer(token))


def _get(live: Live, path: str, token: str) -> requests.Response:
    return live.session.get(live.url(path), headers=_bearer(token))


def _post(live: Live, path: str, token: str, body: dict) -> requests.Response:
    return live.session.post(live.url(path), json=body, headers=_bearer(token))


def expertise_mdm(request_id: str, control_id: str, document_root: str, cda_code: str = "85208-7") -> bytes:
    """An expert's answer as the workstation writes it (a minimal CDA of the expertise type)."""
    code = "85208-7"
    cda = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3">'
        f'<id root="{document_root}"/><code code="{cda_code}" codeSystem="2.16.840.1.113883.6.1"/>'
        f'<title>Compte rendu de téléexpertise</title><inFulfillmentOf><order><id extension="{request_id}"'
        ' root="1.2.3"/></order></inFulfillmentOf></ClinicalDocument>'
    ).encode()
    data = base64.b64encode(cda).decode()
    return message(
        f"MSH|^~\\&|TLR-POSTE|TLR-PLATEFORME|TLR-EXPERTISE|TLR-PLATEFORME|20260106150000||MDM^T02^MDM_T02|"
        f"{control_id}|P|2.6|||||FRA|UNICODE UTF-8|||2.1^CISIS_CDA_HL7_V2",
        "EVN||20260106150000",
        "PID|||279035121518989^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS||PAT-TROIS^DOMINIQUE^^^^^L",
        "PV1||O",
        f"ORC|NW|{request_id}",
        f"OBR|1|{request_id}||{code}^CR de télémédecine^LN",
        f"TXA|1|{code}^CR de télémédecine^LN|TEXT|20260106150000||||||||{document_root}||||AU",
        f"OBX|1|ED|{code}^CR de télémédecine^LN||^text^XML^Base64^{data}||||||F",
    )


def test_the_asker_needs_consent_its_own_order_and_its_patients_studies(case) -> None:
    live, tokens, uids = case
    durand = tokens["dr.durand"]
    refused = _ask(live, durand, studies=[uids["a"]], consent={"informed": True, "consented": False})
    assert refused.status_code == 400 and refused.json()["error"] == "consent_required"
    assert "consenti" in refused.json()["message"]
    assert _ask(live, durand, studies=[uids["a"]], consent=None).json()["error"] == "consent_required"
    other_order = _ask(live, durand, order_id="O-1", studies=[uids["a"]])
    assert other_order.status_code == 403 and other_order.json()["error"] == "order_not_allowed"
    unknown_order = _ask(live, durand, order_id="NOPE", studies=[uids["a"]])
    assert unknown_order.status_code == 403  # no existence oracle
    not_the_patient = _ask(live, durand, studies=[uids["a"], uids["b"]])
    assert not_the_patient.status_code == 400 and not_the_patient.json()["error"] == "bad_study"
    assert _ask(live, durand, studies=[]).status_code == 400
    both = _ask(live, durand, studies=[uids["a"]], specialty="neuro")
    assert both.status_code == 400
    assert _ask(live, durand, studies=[uids["a"]], expert="dr.durand").json()["error"] == "unknown_expert"
    assert _ask(live, durand, studies=[uids["a"]], expert=None, specialty="cardio").status_code == 400
    site = _ask(live, tokens["ris.structure"], studies=[uids["a"]])
    assert site.status_code == 403 and site.json()["error"] == "role_not_allowed"
    # nothing above was stored; the refusals of scope were traced
    assert _get(live, "/api/v1/expertise", tokens["admin.export"]).json()["requests"] == []
    with live.platform.store.reading() as conn:
        codes = [r["code"] for r in conn.execute("SELECT code FROM access_refusals")]
    assert codes.count("order_not_allowed") == 2 and "role_not_allowed" in codes


def test_only_the_named_expert_sees_reads_the_attached_images_and_answers(case) -> None:
    live, tokens, uids = case
    durand, expert, leroy = tokens["dr.durand"], tokens["dr.expert"], tokens["dr.leroy"]
    site, admin, neuro2 = tokens["ris.structure"], tokens["admin.export"], tokens["dr.neuro2"]
    created = _ask(live, durand, studies=[uids["a"], uids["a2"]])
    assert created.status_code == 201, created.text
    request = created.json()
    rid = request["request_id"]
    assert request["status"] == "demandee" and request["role"] == "requester"
    assert request["consent"]["informed"] and request["consent"]["recorded_by"] == "dr.durand"
    assert request["expert"]["family"] == "MARTIN" and request["studies"] == [uids["a"], uids["a2"]]

    # who sees it
    assert [r["request_id"] for r in _get(live, "/api/v1/expertise", expert).json()["requests"]] == [rid]
    seen = _get(live, f"/api/v1/expertise/{rid}", expert).json()
    assert seen["role"] == "expert" and seen["order_hl7"] and "PAT-TROIS" in seen["order_hl7"][0]
    for token in (leroy, neuro2):  # a third radiologist, and a neuro colleague not named
        assert _get(live, "/api/v1/expertise", token).json()["requests"] == []
        assert _get(live, f"/api/v1/expertise/{rid}", token).status_code == 404
    assert _get(live, f"/api/v1/expertise/{rid}", site).status_code == 403
    assert _get(live, f"/api/v1/expertise/{rid}", admin).json()["role"] == "observer"

    # the images of the request, and only those, for the expert
    for key in ("a", "a2"):
        assert _get(live, f"/dicom-web/studies/{uids[key]}/metadata", expert).status_code == 200
    for key in ("a3", "b"):
        assert _get(live, f"/dicom-web/studies/{uids[key]}", expert).status_code == 404
    found = {s["0020000D"]["Value"][0] for s in _get(live, "/dicom-web/studies", expert).json()}
    assert found == {uids["a"], uids["a2"]}
    assert _get(live, f"/dicom-web/studies/{uids['a']}", leroy).status_code == 404

    # who may not answer
    reason = {"reason_code": "AUTRE", "reason": "test"}
    assert _post(live, f"/api/v1/expertise/{rid}/impossible", leroy, reason).status_code == 404
    mine = _post(live, f"/api/v1/expertise/{rid}/impossible", durand, reason)
    assert mine.status_code == 403 and mine.json()["error"] == "not_the_expert"
    assert _post(live, f"/api/v1/expertise/{rid}/impossible", site, reason).status_code == 403
    stolen = live.post_hl7(expertise_mdm(rid, "L01", "1.2.250.1.999.1"), leroy)
    assert stolen.status_code == 403
    by_site = live.post_hl7(expertise_mdm(rid, "SITE1", "1.2.250.1.999.2"), site)
    assert by_site.status_code == 403 and by_site.json()["error"] == "message_not_allowed"
    wrong_type = live.post_hl7(expertise_mdm(rid, "E00", "1.2.250.1.999.3", cda_code="18748-4"), expert)
    assert wrong_type.headers["X-HL7-Ack-Code"] == "AE"

    broken = expertise_mdm(rid, "E0B", "1.2.250.1.999.6").replace(b"^Base64^", b"^Base64^!!")
    assert live.post_hl7(broken, expert).headers["X-HL7-Ack-Code"] == "AE"
    bad_version = expertise_mdm(rid, "E0V", "1.2.250.1.999.7").replace(b"|P|2.6|", b"|P|9.9|")
    assert live.post_hl7(bad_version, expert).headers["X-HL7-Ack-Code"] == "AE"
    latin = live.session.post(
        live.url("/api/v1/messages"),
        data=expertise_mdm(rid, "E0L", "1.2.250.1.999.8") + "é".encode(),
        headers={"Content-Type": "application/hl7-v2; charset=ascii", "Authorization": f"Bearer {expert}"},
    )
    assert latin.status_code == 200 and latin.headers["X-HL7-Ack-Code"] in ("AE", "AR")
    assert _get(live, f"/api/v1/expertise/{rid}", expert).json()["status"] == "demandee"

    # the expert's signed report
    answered = live.post_hl7(expertise_mdm(rid, "E01", "1.2.250.1.999.4"), expert)
    assert answered.headers["X-HL7-Ack-Code"] == "AA", answered.text
    again = live.post_hl7(expertise_mdm(rid, "E01", "1.2.250.1.999.4"), expert)
    assert again.text == answered.text  # at-least-once delivery: the first ACK again
    second = live.post_hl7(expertise_mdm(rid, "E02", "1.2.250.1.999.5"), expert)
    assert second.headers["X-HL7-Ack-Code"] == "AE" and "déjà" in second.text
    done = _get(live, f"/api/v1/expertise/{rid}", durand).json()
    assert done["status"] == "repondue" and done["answered_by"]["login"] == "dr.expert"
    assert "Compte rendu de téléexpertise" in done["report"]["cda"]
    assert done["report"]["document_id"] == "1.2.250.1.999.4"
    # the answered request no longer opens the images
    assert _get(live, f"/dicom-web/studies/{uids['a']}", expert).status_code == 404
    # traced in the order's history (the requester's case)
    order = {o["order_id"]: o for o in _get(live, "/api/v1/worklist", durand).json()["orders"]}["S-1"]
    events = [h["event"] for h in order["history"]]
    assert "Téléexpertise demandée" in events and "Avis d'expert reçu" in events
    assert [e["event"] for e in done["history"]] == ["Téléexpertise demandée", "Avis d'expert reçu"]
    late = _post(live, f"/api/v1/expertise/{rid}/impossible", expert, reason)
    assert late.status_code == 409


def test_a_group_request_is_seen_by_its_members_and_answered_impossible_by_one(case) -> None:
    live, tokens, uids = case
    durand, expert, neuro2, leroy = (tokens[k] for k in ("dr.durand", "dr.expert", "dr.neuro2", "dr.leroy"))
    created = _ask(live, durand, expert=None, specialty="neuro", urgency="urgent", studies=[uids["a"]])
    assert created.status_code == 201, created.text
    rid = created.json()["request_id"]
    for token in (expert, neuro2):
        assert _get(live, f"/api/v1/expertise/{rid}", token).json()["role"] == "expert"
        assert _get(live, f"/dicom-web/studies/{uids['a']}", token).status_code == 200
    assert _get(live, f"/api/v1/expertise/{rid}", leroy).status_code == 404
    experts = _get(live, "/api/v1/expertise/experts", durand).json()
    assert "neuro" in experts["specialties"]
    assert "dr.durand" not in {e["login"] for e in experts["experts"]}
    bad = _post(live, f"/api/v1/expertise/{rid}/impossible", neuro2, {"reason_code": "NOPE", "reason": "x"})
    assert bad.status_code == 400
    assert (
        _post(live, f"/api/v1/expertise/{rid}/impossible", neuro2, {"reason_code": "AUTRE"}).status_code
        == 400
    )
    call = {"recipient": "Dr DURAND", "means": "téléphone", "at": "2026-01-06T15:10:00+01:00", "note": "AVC"}
    assert _post(live, f"/api/v1/expertise/{rid}/communications", neuro2, call).status_code == 200
    assert _post(live, f"/api/v1/expertise/{rid}/communications", durand, call).status_code == 403
    reason = {"reason_code": "IMAGES_INSUFFISANTES", "reason": "Pas de série injectée au temps artériel."}
    answered = _post(live, f"/api/v1/expertise/{rid}/impossible", neuro2, reason)
    assert answered.status_code == 200, answered.text
    seen = _get(live, f"/api/v1/expertise/{rid}", durand).json()
    assert seen["status"] == "impossible" and seen["reason"] == reason["reason"]
    assert seen["answered_by"]["login"] == "dr.neuro2"
    assert seen["communications"][0]["recipient"] == "Dr DURAND"
    assert [e["event"] for e in seen["history"]] == [
        "Téléexpertise demandée",
        "Résultat urgent communiqué",
        "Téléexpertise impossible",
    ]
    assert _post(live, f"/api/v1/expertise/{rid}/impossible", expert, reason).status_code == 409
    assert _get(live, f"/dicom-web/studies/{uids['a']}", expert).status_code == 404


def test_seed_specialties_are_checked(tmp_path: Path) -> None:
    from teleplatform.auth import load_seed

    path = tmp_path / "accounts.json"
    path.write_text(json.dumps([{**ADMIN_ACCOUNT, "expertise": ["neuro"]}]), encoding="utf-8")
    with pytest.raises(ValueError, match="expert groups"):
        load_seed(path, {})
    path.write_text(json.dumps([{**EXPERT, "groups": [], "expertise": "neuro"}]), encoding="utf-8")
    with pytest.raises(ValueError, match="list"):
        load_seed(path, {})
    path.write_text(json.dumps([{**EXPERT, "groups": [], "totp_secret": SECRET}]), encoding="utf-8")
    assert load_seed(path, {})[0].specialties == frozenset({"neuro"})
