"""Two-factor login, single-use codes, lock-out and its expiry, token life cycle (real HTTPS)."""

from __future__ import annotations

from .builders import ACCOUNT, otp_at
from .conftest import Live


def _login(live: Live, password: str = ACCOUNT["password"], otp: str | None = None):
    return live.session.post(
        live.url("/api/v1/auth/login"),
        json={"login": ACCOUNT["login"], "password": password, "otp": otp or otp_at(live.clock.now())},
    )


def test_good_login_returns_tokens_and_the_user(live: Live) -> None:
    response = _login(live)
    assert response.status_code == 200
    body = response.json()
    assert body["expires_in"] == 900
    assert body["user"] == {k: ACCOUNT[k] for k in ("login", "rpps", "family", "given", "title", "role")}
    assert body["access_token"] != body["refresh_token"]
    worklist = live.session.get(
        live.url("/api/v1/worklist"), headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert worklist.status_code == 200 and worklist.json() == {"orders": []}


def test_wrong_password_and_wrong_code_are_told_apart_in_french(live: Live) -> None:
    wrong_password = _login(live, password="pas-le-bon")
    assert wrong_password.status_code == 401
    assert wrong_password.json()["error"] == "bad_credentials"
    assert "mot de passe" in wrong_password.json()["message"]
    wrong_code = _login(live, otp=otp_at(live.clock.now(), 5))  # a real code, but 2.5 min away
    assert (wrong_code.status_code, wrong_code.json()["error"]) == (401, "bad_otp")
    unknown = live.session.post(
        live.url("/api/v1/auth/login"), json={"login": "personne", "password": "x", "otp": "123456"}
    )
    assert (unknown.status_code, unknown.json()["error"]) == (401, "bad_credentials")


def test_one_step_of_tolerance_either_way(live: Live) -> None:
    assert _login(live, otp=otp_at(live.clock.now(), -1)).status_code == 200
    assert _login(live, otp=otp_at(live.clock.now(), +1)).status_code == 200
    live.clock.advance(seconds=120)
    assert _login(live, otp=otp_at(live.clock.now(), -2)).json()["error"] == "bad_otp"


def test_a_code_is_accepted_once(live: Live) -> None:
    code = otp_at(live.clock.now())
    assert _login(live, otp=code).status_code == 200
    replay = _login(live, otp=code)
    assert (replay.status_code, replay.json()["error"]) == (401, "otp_replayed")
    # An older code still inside the window is refused too: steps only move forward.
    older = _login(live, otp=otp_at(live.clock.now(), -1))
    assert older.json()["error"] == "otp_replayed"
    live.clock.advance(seconds=30)
    assert _login(live).status_code == 200


def test_five_failures_lock_for_fifteen_minutes(live: Live) -> None:
    answers = [_login(live, password=f"faux-{i}") for i in range(5)]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 423]
    assert answers[-1].json()["error"] == "locked"
    assert "verrouillé" in answers[-1].json()["message"]
    live.clock.advance(minutes=14, seconds=50)
    still = _login(live)  # right password and code: still locked
    assert (still.status_code, still.json()["error"]) == (423, "locked")
    assert 1 <= int(still.headers["Retry-After"]) <= 10
    live.clock.advance(seconds=11)
    assert _login(live).status_code == 200


def test_a_success_resets_the_failure_count(live: Live) -> None:
    for i in range(4):
        assert _login(live, password=f"faux-{i}").status_code == 401
    assert _login(live).status_code == 200
    live.clock.advance(seconds=30)
    assert [_login(live, password=f"faux-{i}").status_code for i in range(4)] == [401] * 4


def test_access_token_expires_after_fifteen_minutes_and_refresh_rotates(live: Live) -> None:
    tokens = live.login()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    live.clock.advance(minutes=14)
    assert live.session.get(live.url("/api/v1/worklist"), headers=bearer).status_code == 200
    live.clock.advance(minutes=2)
    expired = live.session.get(live.url("/api/v1/worklist"), headers=bearer)
    assert (expired.status_code, expired.json()["error"]) == (401, "token_expired")

    renewed = live.session.post(
        live.url("/api/v1/auth/refresh"), json={"refresh_token": tokens["refresh_token"]}
    )
    assert renewed.status_code == 200
    new = renewed.json()
    assert (
        live.session.get(
            live.url("/api/v1/worklist"), headers={"Authorization": f"Bearer {new['access_token']}"}
        ).status_code
        == 200
    )
    # The rotated refresh token presented again means a copy: the whole session is revoked.
    reused = live.session.post(
        live.url("/api/v1/auth/refresh"), json={"refresh_token": tokens["refresh_token"]}
    )
    assert (reused.status_code, reused.json()["error"]) == (401, "invalid_token")
    after = live.session.get(
        live.url("/api/v1/worklist"), headers={"Authorization": f"Bearer {new['access_token']}"}
    )
    assert after.status_code == 401


def test_logout_revokes_the_session(live: Live) -> None:
    tokens = live.login()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert live.session.post(live.url("/api/v1/auth/logout"), headers=bearer).status_code == 204
    assert live.session.get(live.url("/api/v1/worklist"), headers=bearer).status_code == 401
    refused = live.session.post(
        live.url("/api/v1/auth/refresh"), json={"refresh_token": tokens["refresh_token"]}
    )
    assert refused.status_code == 401


def test_verify_password_unlocks_without_otp_and_counts_failures(live: Live) -> None:
    bearer = {"Authorization": f"Bearer {live.login()['access_token']}"}
    url = live.url("/api/v1/auth/verify-password")
    assert live.session.post(url, json={"password": ACCOUNT["password"]}, headers=bearer).json() == {
        "valid": True
    }
    answers = [live.session.post(url, json={"password": "faux"}, headers=bearer) for _ in range(5)]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 423]
    assert answers[0].json()["error"] == "bad_credentials"
    assert _login(live).json()["error"] == "locked"
    assert live.session.post(url, json={"password": "x"}).status_code == 401  # no bearer


def test_every_endpoint_but_health_and_login_needs_a_bearer(live: Live) -> None:
    assert live.session.get(live.url("/api/v1/health")).json()["status"] == "ok"
    for method, path in (
        ("GET", "/api/v1/worklist"),
        ("POST", "/api/v1/messages"),
        ("GET", "/dicom-web/studies"),
        ("POST", "/api/v1/auth/logout"),
    ):
        response = live.session.request(method, live.url(path))
        assert response.status_code == 401, path
        assert response.json()["error"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    bad = live.session.get(live.url("/api/v1/worklist"), headers={"Authorization": "Bearer nope"})
    assert bad.json()["error"] == "invalid_token"


def test_login_body_errors(live: Live) -> None:
    missing = live.session.post(live.url("/api/v1/auth/login"), json={"login": ACCOUNT["login"]})
    assert (missing.status_code, missing.json()["error"]) == (400, "bad_request")
    not_json = live.session.post(
        live.url("/api/v1/auth/login"),
        data="login=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert not_json.status_code == 415
