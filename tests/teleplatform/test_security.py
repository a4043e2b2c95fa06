"""Roles, scopes, de-duplication per sender, lock = revoke and equal login work, over real HTTPS.

Accounts (builders.ACCOUNTS): dr.durand reads for StructureFacility, ris.structure sends as it;
dr.leroy reads for the group of AutreFacility, ris.autre sends as it; admin.export reads everything
and sends nothing. Each test starts its own in-process platform (tests/teleplatform/conftest.py).
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import pydicom
import pytest
import requests

from teleplatform.auth import MAX_FAILURES

from .builders import (
    ACCOUNT,
    ADMIN_ACCOUNT,
    OTHER_RADIOLOGIST,
    OTHER_SENDER,
    OTHER_SITE,
    SITE_ACCOUNT,
    acceptance,
    cancellation,
    cda,
    complement,
    new_order,
    otp_at,
    refusal,
    report_oru,
    write_ct_series,
    write_data_dir,
)
from .conftest import Live
from .test_audit import _journal_lines, _mac

HL7 = {"Content-Type": "application/hl7-v2; charset=utf-8"}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _ack_code(response: requests.Response) -> str:
    assert response.status_code == 200, response.text
    return response.headers["X-HL7-Ack-Code"]


def _refused(response: requests.Response, code: str | None = None) -> None:
    """A refusal: 403 with the French JSON error."""
    assert response.status_code == 403, response.text
    body = response.json()
    assert set(body) == {"error", "message"} and body["message"]
    if code is not None:
        assert body["error"] == code


@pytest.fixture
def two_sites(tmp_path: Path, start_live) -> tuple[Live, dict[str, str], dict[str, str]]:
    """Order S-1 (StructureFacility, study A) and O-1 (AutreFacility, study B), tokens of every
    account, the study UIDs."""
    root = write_data_dir(tmp_path / "data")
    study_a = write_ct_series(root / "dicom" / "a", count=2, patient_id="PAT-A", accession="ACC-A", seed=1)
    study_b = write_ct_series(root / "dicom" / "b", count=2, patient_id="PAT-B", accession="ACC-B", seed=2)
    live = start_live(root)
    tokens = {
        a["login"]: live.token(a)
        for a in (ACCOUNT, SITE_ACCOUNT, OTHER_RADIOLOGIST, OTHER_SITE, ADMIN_ACCOUNT)
    }
    uids = {
        "a": str(pydicom.dcmread(study_a[0]).StudyInstanceUID),
        "b": str(pydicom.dcmread(study_b[0]).StudyInstanceUID),
        "b_series": str(pydicom.dcmread(study_b[0]).SeriesInstanceUID),
        "b_sop": str(pydicom.dcmread(study_b[0]).SOPInstanceUID),
    }
    site, other = tokens[SITE_ACCOUNT["login"]], tokens[OTHER_SITE["login"]]
    assert _ack_code(live.post_hl7(new_order("S-1", "S01"), site)) == "AA"
    assert _ack_code(live.post_hl7(complement("S-1", "S02", "ACC-A", uids["a"]), site)) == "AA"
    assert _ack_code(live.post_hl7(new_order("O-1", "O01", sender=OTHER_SENDER), other)) == "AA"
    assert (
        _ack_code(live.post_hl7(complement("O-1", "O02", "ACC-B", uids["b"], sender=OTHER_SENDER), other))
        == "AA"
    )
    return live, tokens, uids


def _get(live: Live, path: str, token: str | None, **kwargs) -> requests.Response:
    headers = {**kwargs.pop("headers", {}), **(_bearer(token) if token else {"Authorization": ""})}
    return live.session.get(live.url(path), headers=headers, **kwargs)


def _worklist(live: Live, token: str) -> set[str]:
    response = _get(live, "/api/v1/worklist", token)
    assert response.status_code == 200, response.text
    return {o["order_id"] for o in response.json()["orders"]}


def test_each_account_sees_only_its_own_orders(two_sites) -> None:
    live, tokens, _uids = two_sites
    assert _worklist(live, tokens["dr.durand"]) == {"S-1"}
    assert _worklist(live, tokens["dr.leroy"]) == {"O-1"}  # assigned through its group
    assert _worklist(live, tokens["ris.structure"]) == {"S-1"}
    assert _worklist(live, tokens["ris.autre"]) == {"O-1"}
    assert _worklist(live, tokens["admin.export"]) == {"S-1", "O-1"}


def test_another_radiologists_studies_are_404_and_absent_from_searches(two_sites) -> None:
    live, tokens, uids = two_sites
    token = tokens["dr.durand"]
    study_b = f"/dicom-web/studies/{uids['b']}"
    instance_b = f"{study_b}/series/{uids['b_series']}/instances/{uids['b_sop']}"
    for path in (study_b, f"{study_b}/metadata", f"{instance_b}/metadata", f"{instance_b}/frames/1"):
        response = _get(live, path, token)
        assert response.status_code == 404, path
    found = _get(live, "/dicom-web/studies", token).json()
    assert [s["0020000D"]["Value"][0] for s in found] == [uids["a"]]
    assert _get(live, "/dicom-web/instances", token, params={"StudyInstanceUID": uids["b"]}).json() == []
    assert _get(live, "/dicom-web/studies", token, params={"PatientID": "PAT-B"}).json() == []
    assert _get(live, f"/dicom-web/studies/{uids['a']}", token).status_code == 200
    # the other radiologist the other way round; the admin reads both
    assert _get(live, f"/dicom-web/studies/{uids['a']}/metadata", tokens["dr.leroy"]).status_code == 404
    assert len(_get(live, "/dicom-web/studies", tokens["admin.export"]).json()) == 2


def test_another_radiologists_order_cannot_be_answered(two_sites) -> None:
    live, tokens, _uids = two_sites
    token = tokens["dr.durand"]
    _refused(live.post_hl7(acceptance("O-1", "X01"), token), "order_not_allowed")
    _refused(live.post_hl7(refusal("O-1", "X02", "Examen non adapté"), token), "order_not_allowed")
    _refused(live.post_hl7(report_oru("O-1", "X03", cda("1.2.3.40", "O-1")), token), "order_not_allowed")
    # found from the CDA alone (no ORC-2): still the other site's order
    _refused(live.post_hl7(report_oru("", "X04", cda("1.2.3.41", "O-1")), token), "order_not_allowed")
    orders = {
        o["order_id"]: o for o in _get(live, "/api/v1/worklist", tokens["admin.export"]).json()["orders"]
    }
    assert orders["O-1"]["status"] == "images_disponibles" and len(orders["O-1"]["messages"]) == 2
    with live.platform.store.reading() as conn:
        assert conn.execute("SELECT COUNT(*) FROM messages WHERE control_id LIKE 'X0%'").fetchone()[0] == 0
        traced = conn.execute("SELECT login, code FROM access_refusals ORDER BY id").fetchall()
    assert [tuple(r) for r in traced] == [("dr.durand", "order_not_allowed")] * 4
    assert _ack_code(live.post_hl7(acceptance("S-1", "X05"), token)) == "AE"  # its own: the state rule


def test_a_radiologist_cannot_send_site_messages(two_sites) -> None:
    live, tokens, _uids = two_sites
    token = tokens["dr.durand"]
    _refused(live.post_hl7(new_order("FAKE-1", "F01"), token), "message_not_allowed")
    _refused(live.post_hl7(cancellation("S-1", "F02"), token), "message_not_allowed")
    _refused(live.post_hl7(complement("S-1", "F03", "ACC-Z", "1.2.3.4"), token), "message_not_allowed")
    assert _worklist(live, tokens["admin.export"]) == {"S-1", "O-1"}
    assert live.platform.store and _worklist(live, token) == {"S-1"}


def test_a_site_sends_only_its_own_flows_for_its_own_orders(two_sites) -> None:
    live, tokens, uids = two_sites
    site = tokens["ris.structure"]
    # another MSH-3/MSH-4
    _refused(live.post_hl7(new_order("FAKE-2", "G01", sender=OTHER_SENDER), site), "sender_not_allowed")
    _refused(live.post_hl7(cancellation("O-1", "G02", sender=OTHER_SENDER), site), "sender_not_allowed")
    # its own MSH-3/MSH-4 on another site's order
    _refused(live.post_hl7(cancellation("O-1", "G03"), site), "order_not_allowed")
    _refused(live.post_hl7(complement("O-1", "G04", "ACC-Z", uids["a"]), site), "order_not_allowed")
    # a radiologist's flow
    _refused(live.post_hl7(acceptance("S-1", "G05"), site), "message_not_allowed")
    # images and audit are not a site's
    _refused(_get(live, f"/dicom-web/studies/{uids['a']}", site), "role_not_allowed")
    _refused(live.session.post(live.url("/api/v1/audit"), json={}, headers=_bearer(site)), "role_not_allowed")
    assert _ack_code(live.post_hl7(cancellation("S-1", "G06"), site)) == "AA"


def test_the_admin_reads_but_sends_nothing(two_sites) -> None:
    live, tokens, _uids = two_sites
    admin = tokens["admin.export"]
    _refused(live.post_hl7(acceptance("S-1", "H01"), admin), "role_not_allowed")
    _refused(
        live.session.post(live.url("/api/v1/audit"), json={}, headers=_bearer(admin)), "role_not_allowed"
    )


def test_every_endpoint_without_a_token_is_401_and_the_body_is_not_read(two_sites) -> None:
    live, _tokens, uids = two_sites
    for method, path in (
        ("GET", "/api/v1/worklist"),
        ("POST", "/api/v1/messages"),
        ("POST", "/api/v1/audit"),
        ("GET", f"/api/v1/audit/chains/{'0' * 64}"),
        ("PUT", f"/api/v1/audit/chains/{'0' * 64}/key"),
        ("POST", "/api/v1/auth/logout"),
        ("POST", "/api/v1/auth/verify-password"),
        ("GET", "/dicom-web/studies"),
        ("GET", f"/dicom-web/studies/{uids['a']}"),
    ):
        response = live.session.request(method, live.url(path), headers={"Authorization": "Bearer nope"})
        assert response.status_code == 401, (method, path)
        assert response.json()["error"] == "invalid_token"


def test_a_colliding_msh10_from_another_sender_is_a_new_message(two_sites) -> None:
    live, tokens, _uids = two_sites
    # ris.autre sends first under the control id ris.structure is about to use
    assert (
        _ack_code(live.post_hl7(new_order("O-2", "SAME-10", sender=OTHER_SENDER), tokens["ris.autre"]))
        == "AA"
    )
    answer = live.post_hl7(new_order("S-2", "SAME-10"), tokens["ris.structure"])
    assert _ack_code(answer) == "AA"
    assert "S-2" in _worklist(live, tokens["dr.durand"])
    with live.platform.store.reading() as conn:
        rows = conn.execute(
            "SELECT sender, order_id FROM messages WHERE control_id = 'SAME-10' ORDER BY id"
        ).fetchall()
    assert [tuple(r) for r in rows] == [
        ("AutreApp@AutreFacility", "O-2"),
        ("StructureApp@StructureFacility", "S-2"),
    ]
    # a true resend from the same sender is still answered with the first ACK, stored once
    again = live.post_hl7(new_order("S-2", "SAME-10"), tokens["ris.structure"])
    assert again.content == answer.content


def test_a_forged_record_on_another_accounts_chain_is_refused(two_sites, tmp_path: Path) -> None:
    live, tokens, _uids = two_sites
    lines = _journal_lines(tmp_path / "journal.jsonl", 6)
    chain = _mac(lines[0])

    def post(token: str, batch: list[str]) -> requests.Response:
        return live.session.post(
            live.url("/api/v1/audit"), json={"chain": chain, "records": batch}, headers=_bearer(token)
        )

    assert post(tokens["dr.durand"], lines[:3]).status_code == 200
    # before the key is escrowed, only the opener writes: dr.leroy's (forged or not) record is refused
    _refused(post(tokens["dr.leroy"], lines[3:4]), "chain_not_yours")
    key = {"key": "3c" * 32}
    _refused(
        live.session.put(
            live.url(f"/api/v1/audit/chains/{chain}/key"), json=key, headers=_bearer(tokens["dr.leroy"])
        ),
        "chain_not_yours",
    )
    # the real next record and the hand-over still go through for the opener
    assert post(tokens["dr.durand"], lines[3:4]).json()["head"]["index"] == 3
    escrow = live.session.put(
        live.url(f"/api/v1/audit/chains/{chain}/key"), json=key, headers=_bearer(tokens["dr.durand"])
    )
    assert escrow.status_code == 200, escrow.text
    # once every seal is checked, another user of the same workstation may ship its real records...
    assert post(tokens["dr.leroy"], lines[4:5]).json()["head"]["index"] == 4
    # ...but a forged one fails its seal
    forged = json.loads(lines[5])
    forged["body"]["record"]["description"] = "falsifié"
    body = json.dumps(forged["body"], separators=(",", ":"), sort_keys=True, ensure_ascii=True)
    forged_line = '{"body":' + body + ',"mac":"' + forged["mac"] + '"}'
    forged_answer = post(tokens["dr.leroy"], [forged_line])
    assert (forged_answer.status_code, forged_answer.json()["error"]) == (409, "chain_conflict")


def test_a_locked_accounts_tokens_are_refused_at_once(live: Live) -> None:
    tokens = live.login()
    assert _get(live, "/api/v1/worklist", tokens["access_token"]).status_code == 200
    for _ in range(MAX_FAILURES):
        live.session.post(
            live.url("/api/v1/auth/login"),
            json={"login": ACCOUNT["login"], "password": "pas-le-bon", "otp": "000000"},
        )
    response = _get(live, "/api/v1/worklist", tokens["access_token"])
    assert (response.status_code, response.json()["error"]) == (401, "invalid_token")
    refresh = live.session.post(
        live.url("/api/v1/auth/refresh"), json={"refresh_token": tokens["refresh_token"]}
    )
    assert refresh.status_code == 401
    # the lock-out ends, but those tokens stay revoked
    live.clock.advance(minutes=16)
    assert _get(live, "/api/v1/worklist", tokens["access_token"]).status_code == 401


def test_a_disabled_account_is_out_at_once_and_cannot_log_in(live: Live) -> None:
    tokens = live.login()
    assert live.platform.auth.disable(ACCOUNT["login"]) == 2  # its access and refresh tokens
    assert _get(live, "/api/v1/worklist", tokens["access_token"]).status_code == 401
    answer = live.session.post(
        live.url("/api/v1/auth/login"),
        json={"login": ACCOUNT["login"], "password": ACCOUNT["password"], "otp": otp_at(live.clock.now())},
    )
    assert (answer.status_code, answer.json()["error"]) == (403, "account_disabled")
    live.platform.auth.disable(ACCOUNT["login"], False)
    live.login()


def test_login_takes_as_long_for_an_unknown_account_as_for_a_wrong_password(live: Live) -> None:
    """Median of 40 each, interleaved; a good login every few failures keeps the account unlocked."""

    def timed(login: str) -> float:
        started = time.perf_counter()
        answer = live.session.post(
            live.url("/api/v1/auth/login"), json={"login": login, "password": "pas-le-bon", "otp": "000000"}
        )
        elapsed = time.perf_counter() - started
        assert (answer.status_code, answer.json()["error"]) == (401, "bad_credentials")
        return elapsed

    timed("inconnu")  # the first unknown login computes the reference hash once
    unknown, known = [], []
    for index in range(40):
        if index % (MAX_FAILURES - 1) == 0:
            live.login()  # resets the failure count
        unknown.append(timed(f"inconnu-{index}"))
        known.append(timed(ACCOUNT["login"]))
    ratio = statistics.median(unknown) / statistics.median(known)
    medians = statistics.median(unknown) * 1000, statistics.median(known) * 1000
    print(f"login timing: unknown {medians[0]:.1f} ms, known {medians[1]:.1f} ms")
    assert 0.9 <= ratio <= 1.1, (statistics.median(unknown), statistics.median(known))


def test_refusals_are_traced_in_the_log(two_sites, caplog: pytest.LogCaptureFixture) -> None:
    live, tokens, _uids = two_sites
    with caplog.at_level("WARNING", logger="teleplatform.api"):
        _refused(live.post_hl7(new_order("FAKE-3", "L01"), tokens["dr.durand"]))
    assert any("access refused to account dr.durand" in r.getMessage() for r in caplog.records)
