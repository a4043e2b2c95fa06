"""The client's handling of every answer of the contract, against a scripted HTTPS server.

The reference platform (test_platform_live.py) shows the happy paths end to end; here each error
the contract allows, and a few it does not, is produced on purpose.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

import pytest

from workstation.hl7 import AckCode, HL7ParseError, parse
from workstation.orders import OrderStatus, Priority
from workstation.platform import (
    AuthError,
    AuthFailure,
    PlatformClient,
    PlatformTimeout,
    ProtocolError,
    ServerError,
    UnreachableError,
)

USER = {"login": "dr.martin", "rpps": "10000000001", "family": "Martin", "given": "Claire", "title": "Dr"}
TOKENS = {"access_token": "A1-secret", "refresh_token": "R1-secret", "expires_in": 900, "user": USER}
MESSAGE = (
    "MSH|^~\\&|TLRapp|TLRfacility|SITE|FAC|20260106164418||ORU^R01^ORU_R01|CTRL-1|P|2.5.1\r"
    "PID|||1^^^X&1.2&ISO^PI"
)
HL7 = "application/hl7-v2; charset=utf-8"


def _ack(code: str, control_id: str, reason: str = "") -> str:
    text = f"MSH|^~\\&|TLRapp|TLRfacility|WS|RAD|20260106164419||ACK^R01^ACK|ACK-1|P|2.5.1\rMSA|{code}|"
    text += control_id
    return text + (f"\rERR||OBX^1^5|207^{reason}^HL70357|E" if reason else "")


@pytest.fixture
def server(https_server):
    server = https_server()
    server.routes["POST /api/v1/auth/login"] = (200, TOKENS)
    return server


@pytest.fixture
def client(server, ca_file: Path) -> PlatformClient:
    return PlatformClient(server.url, ca_file, timeout=2.0)


def test_login_keeps_the_tokens_out_of_repr_and_logs(client, server, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    session = client.login("dr.martin", "mot de passe", "123456")
    assert session.user.practitioner.id_nat == "810000000001"
    assert session.access_token == "A1-secret" and "secret" not in repr(session)
    assert json.loads(server.received[0].body) == {
        "login": "dr.martin",
        "password": "mot de passe",
        "otp": "123456",
    }
    assert "Authorization" not in server.received[0].headers
    server.routes["GET /api/v1/worklist"] = (200, {"orders": []})
    assert client.worklist() == []
    assert server.received[-1].headers["Authorization"] == "Bearer A1-secret"
    assert all(
        "secret" not in r.getMessage() and "mot de passe" not in r.getMessage() for r in caplog.records
    )


@pytest.mark.parametrize(
    ("status", "code", "failure"),
    [
        (401, "bad_credentials", AuthFailure.BAD_CREDENTIALS),
        (401, "bad_otp", AuthFailure.BAD_OTP),
        (401, "otp_replayed", AuthFailure.OTP_REPLAYED),
        (423, "locked", AuthFailure.LOCKED),
    ],
)
def test_login_refusals_name_their_cause(
    client, server, status: int, code: str, failure: AuthFailure
) -> None:
    server.routes["POST /api/v1/auth/login"] = (status, {"error": code, "message": "Refus."})
    with pytest.raises(AuthError) as caught:
        client.login("dr.martin", "x", "000000")
    assert caught.value.failure is failure
    assert caught.value.user_message == failure.user_message and code in str(caught.value)
    assert client.auth is None


def test_a_stale_token_is_refreshed_once_then_the_call_retried(client, server) -> None:
    client.login("dr.martin", "pw", "123456")
    answers = iter([(401, {"error": "token_expired", "message": "Session expirée."}), (200, {"orders": []})])
    server.routes["GET /api/v1/worklist"] = lambda request: next(answers)
    server.routes["POST /api/v1/auth/refresh"] = (200, {**TOKENS, "access_token": "A2-secret"})
    assert client.worklist() == []
    refresh = next(r for r in server.received if r.path == "/api/v1/auth/refresh")
    assert json.loads(refresh.body) == {"refresh_token": "R1-secret"}
    assert server.received[-1].headers["Authorization"] == "Bearer A2-secret"


def test_a_refused_refresh_ends_the_session(client, server) -> None:
    client.login("dr.martin", "pw", "123456")
    server.routes["GET /api/v1/worklist"] = (401, {"error": "token_expired", "message": "x"})
    server.routes["POST /api/v1/auth/refresh"] = (401, {"error": "token_revoked", "message": "x"})
    with pytest.raises(AuthError) as caught:
        client.worklist()
    assert caught.value.failure is AuthFailure.SESSION_EXPIRED and client.auth is None


def test_verify_password_and_logout(client, server) -> None:
    client.login("dr.martin", "pw", "123456")
    server.routes["POST /api/v1/auth/verify-password"] = (200, {"valid": True})
    assert client.verify_password("pw") is True
    server.routes["POST /api/v1/auth/verify-password"] = (401, {"error": "bad_credentials", "message": "x"})
    assert client.verify_password("wrong") is False
    assert not any(
        r.path == "/api/v1/auth/refresh" for r in server.received
    )  # a wrong password is not a stale token
    server.routes["POST /api/v1/auth/logout"] = (204, b"")
    client.logout()
    assert client.auth is None and server.received[-1].headers["Authorization"] == "Bearer A1-secret"


def test_worklist_entries_mirror_the_order_json(client, server, shared_dir: Path) -> None:
    hl7 = (shared_dir / "data/hl7/ansforge-teleradiologie/flux1_ORM_O01_demande.hl7").read_bytes().decode()
    order = {
        "order_id": "OPN101",
        "status": "a_valider",
        "priority": "urgent",
        "received_at": "2026-01-06T13:44:19+01:00",
        "study_instance_uid": None,
        "messages": [
            {
                "type": "ORM^O01",
                "control_id": "000001",
                "received_at": "2026-01-06T13:44:19+01:00",
                "hl7": hl7,
            }
        ],
        "history": [{"at": "2026-01-06T13:44:19+01:00", "event": "recue", "detail": "Demande reçue"}],
    }
    server.routes["GET /api/v1/worklist"] = (200, {"orders": [order]})
    client.login("dr.martin", "pw", "123456")
    [entry] = client.worklist()
    assert (entry.order_id, entry.status, entry.priority) == (
        "OPN101",
        OrderStatus.A_VALIDER,
        Priority.URGENT,
    )
    assert entry.received_at.utcoffset().total_seconds() == 3600 and entry.study_instance_uid is None
    assert entry.order().patient.birth_name == "PAT-TROIS"
    assert entry.history[0].detail == "Demande reçue"
    server.routes["GET /api/v1/worklist"] = (200, {"orders": [{**order, "status": "perdu"}]})
    with pytest.raises(ProtocolError):
        client.worklist()


def test_submit_returns_the_ack_of_that_very_message(client, server) -> None:
    client.login("dr.martin", "pw", "123456")
    server.routes["POST /api/v1/messages"] = lambda r: (
        200,
        _ack("AA", parse(r.body.decode()).control_id).encode(),
        HL7,
    )
    ack = client.submit(MESSAGE)
    assert ack.code is AckCode.AA and ack.control_id == "CTRL-1"
    sent = server.received[-1]
    assert sent.headers["Content-Type"] == HL7 and sent.body.decode("utf-8") == MESSAGE
    server.routes["POST /api/v1/messages"] = (200, _ack("AE", "CTRL-1", "Protocole absent").encode(), HL7)
    ack = client.submit(MESSAGE)
    assert ack.code is AckCode.AE and ack.reason == "Protocole absent" and ack.error_location == "OBX-5"


@pytest.mark.parametrize(
    "reply",
    [
        (200, _ack("AA", "SOMEONE-ELSE").encode(), HL7),  # acknowledges another message
        (200, b"MSH|^~\\&|A|B|C|D|2026||ACK|1|P|2.5.1", HL7),  # no MSA
        (200, {"ok": True}),  # not HL7 at all
    ],
    ids=["other-control-id", "no-msa", "json"],
)
def test_an_unusable_ack_is_a_protocol_error(client, server, reply) -> None:
    client.login("dr.martin", "pw", "123456")
    server.routes["POST /api/v1/messages"] = reply
    with pytest.raises(ProtocolError) as caught:
        client.submit(MESSAGE)
    assert caught.value.user_message


def test_we_never_send_what_we_cannot_parse(client) -> None:
    with pytest.raises(HL7ParseError):
        client.submit("not HL7")


def test_server_errors_outages_and_timeouts(client, server, ca_file: Path) -> None:
    server.routes["GET /api/v1/health"] = (200, {"status": "ok", "time": "2026-01-06T13:44:18Z"})
    assert client.health() is True
    server.routes["GET /api/v1/health"] = (503, {"error": "maintenance", "message": "Maintenance."})
    assert client.health() is False
    client.login("dr.martin", "pw", "123456")
    server.routes["GET /api/v1/worklist"] = (500, b"Internal Server Error", "text/plain")
    with pytest.raises(ServerError) as caught:
        client.worklist()
    assert caught.value.status == 500 and "réessayez" in caught.value.user_message
    server.routes["GET /api/v1/worklist"] = (200, {"orders": []}, "application/json", 0.6)
    impatient = PlatformClient(server.url, ca_file, timeout=0.2)
    impatient.login("dr.martin", "pw", "123456")
    with pytest.raises(PlatformTimeout) as caught:
        impatient.worklist()
    assert "ne répond pas" in caught.value.user_message
    closed = PlatformClient("https://127.0.0.1:9", ca_file, timeout=2.0)  # discard port: nobody listens
    assert closed.health() is False
    with pytest.raises(UnreachableError) as caught:
        closed.login("a", "b", "c")
    assert "injoignable" in caught.value.user_message


def test_one_client_serves_several_threads(client, server) -> None:
    client.login("dr.martin", "pw", "123456")
    server.routes["GET /api/v1/worklist"] = (200, {"orders": []}, "application/json", 0.01)
    server.routes["GET /api/v1/health"] = (200, {"status": "ok", "time": "2026-01-06T13:44:18Z"})
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(10):
                assert client.worklist() == [] and client.health()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_the_auth_session_sees_refusals_and_outages_apart(client, server, ca_file: Path) -> None:
    from auth.session import Identity, LoginRejected, PlatformUnreachable
    from workstation.platform.verifier import SessionVerifier

    verifier = SessionVerifier(client)
    with pytest.raises(PlatformUnreachable):  # nobody logged in: the platform cannot tell
        verifier.verify_password("dr.martin", "pw")
    assert verifier.authenticate("dr.martin", "pw", "123456") == Identity(**USER)
    server.routes["POST /api/v1/auth/verify-password"] = (401, {"error": "bad_credentials", "message": "x"})
    assert verifier.verify_password("dr.martin", "wrong") is False
    server.routes["POST /api/v1/auth/verify-password"] = (423, {"error": "locked", "message": "x"})
    with pytest.raises(LoginRejected) as caught:
        verifier.verify_password("dr.martin", "wrong")
    assert caught.value.code == "locked" and "verrouillé" in caught.value.user_message
    server.routes["POST /api/v1/auth/login"] = (401, {"error": "bad_otp", "message": "x"})
    with pytest.raises(LoginRejected) as caught:
        verifier.authenticate("dr.martin", "pw", "000000")
    assert caught.value.code == "bad_otp"
    with pytest.raises(PlatformUnreachable) as caught:
        SessionVerifier(PlatformClient("https://127.0.0.1:9", ca_file)).authenticate("a", "b", "c")
    assert "injoignable" in caught.value.user_message
