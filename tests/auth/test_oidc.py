"""Pro Santé Connect's way in, end to end against the reference platform acting as the provider.

No browser: the test plays the user's browser itself. It fetches the provider's sign-in page, fills
the form, posts it, and follows the 302 to the workstation's loopback listener, exactly the requests a
browser would make; everything else (discovery, PKCE, state, code exchange, ID token checks) is the
real ``auth.oidc`` against the real platform over verified HTTPS.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
import trustme
from cryptography.hazmat.primitives.asymmetric import ec

from auth.oidc import OidcRefused, OidcSignIn, Pkce
from auth.session import (
    FullLoginRequired,
    Identity,
    PlatformUnreachable,
    Session,
    SessionEventKind,
    SessionState,
)
from teleplatform.oidc import CLIENT_ID
from tests.auth.oidc_browser import Browser, _Form, _steps, start_provider
from tests.teleplatform.builders import ACCOUNT
from tests.teleplatform.conftest import Live, start_live  # noqa: F401  (fixture)


@pytest.fixture
def live(tmp_path: Path, start_live: Callable[..., Live]) -> Live:  # noqa: F811
    return start_provider(tmp_path, start_live)


def _sign_in(live: Live, browser: Browser) -> OidcSignIn:
    return OidcSignIn(live.base_url, CLIENT_ID, live.ca_path, open_browser=browser.open)


def test_sign_in_through_the_browser_and_the_loopback_redirect(live: Live) -> None:
    browser = Browser(live, _steps(live))
    result = _sign_in(live, browser).run(wait=10)
    assert result.identity == Identity(
        ACCOUNT["login"], ACCOUNT["rpps"], ACCOUNT["family"], ACCOUNT["given"], ACCOUNT["title"]
    )
    assert result.claims["sub"] == "8" + ACCOUNT["rpps"] and result.claims["amr"] == ["pwd", "otp"]
    assert result.claims["aud"] == CLIENT_ID and result.claims["iss"] == live.base_url
    # The redirect went to a loopback IP literal on an ephemeral port, with the code, state and iss.
    parts = urlsplit(browser.redirect)
    assert (parts.scheme, parts.hostname, parts.path) == ("http", "127.0.0.1", "/callback")
    assert parts.port not in (None, 80)
    assert set(parse_qs(parts.query)) == {"code", "state", "iss"}
    # The tokens are the platform's ordinary ones.
    worklist = live.session.get(
        live.url("/api/v1/worklist"), headers={"Authorization": f"Bearer {result.access_token.text()}"}
    )
    assert worklist.status_code == 200
    assert browser.pages == [(200, "")]


def test_the_session_opens_from_the_provider_and_cannot_unlock_offline(live: Live) -> None:
    class Unreachable:
        def authenticate(self, login: str, password: str, otp: str) -> Identity:
            raise AssertionError("no password login in this test")

        def verify_password(self, login: str, password: str) -> bool:
            raise PlatformUnreachable("down", "La plateforme est injoignable.")

    now = [0.0]
    session = Session(Unreachable(), clock=lambda: now[0])
    events = []
    session.subscribe(events.append)
    sign_in = _sign_in(live, Browser(live, _steps(live)))
    identity = session.login_external(lambda: sign_in.run(wait=10).identity, login_hint="psc")
    assert session.state is SessionState.ACTIVE and identity.login == ACCOUNT["login"]
    assert [e.kind for e in events] == [SessionEventKind.LOGGED_IN]
    session.lock()
    with pytest.raises(FullLoginRequired) as offline:
        session.unlock(ACCOUNT["password"])
    assert "fournisseur d'identité" in offline.value.user_message
    # A new sign-in through the provider reopens it.
    again = _sign_in(live, Browser(live, _steps(live)))
    session.login_external(lambda: again.run(wait=10).identity)
    assert session.state is SessionState.ACTIVE


def test_wrong_password_shows_the_page_again_in_french(live: Live) -> None:
    browser = Browser(live, _steps(live))

    def typing_wrong_then_right(url: str) -> bool:
        form = browser._read(browser.http.get(url, verify=str(live.ca_path), timeout=10))
        form = browser._read(browser.submit(url, form, "pas-le-bon"))
        return browser._go(browser.submit(url, form, ACCOUNT["password"]).headers["Location"])

    result = OidcSignIn(live.base_url, CLIENT_ID, live.ca_path, open_browser=typing_wrong_then_right).run(
        wait=10
    )
    assert result.identity.login == ACCOUNT["login"]
    assert browser.pages == [(200, ""), (401, "Identifiant ou mot de passe incorrect.")]


def test_a_tampered_state_is_refused(live: Live) -> None:
    browser = Browser(live, _steps(live))
    browser.tamper = lambda location: location.replace("state=", "state=x")
    with pytest.raises(OidcRefused) as refused:
        _sign_in(live, browser).run(wait=10)
    assert refused.value.code == "untrusted" and "usurpation" in refused.value.user_message


def test_a_redirect_without_iss_is_refused_when_the_provider_always_sends_it(live: Live) -> None:
    """RFC 9207: the provider advertises authorization_response_iss_parameter_supported, so a
    redirect lacking iss did not come from it (mix-up attack) — refused before the code is used."""
    assert _sign_in(live, Browser(live, _steps(live))).discover().sends_iss
    browser = Browser(live, _steps(live))
    browser.tamper = lambda location: re.sub(r"[&?]iss=[^&]*", "", location)
    with pytest.raises(OidcRefused) as refused:
        _sign_in(live, browser).run(wait=10)
    assert refused.value.code == "untrusted" and "usurpation" in refused.value.user_message
    assert "without iss" in str(refused.value)


def test_the_sign_in_page_cannot_be_framed_nor_run_scripts(live: Live) -> None:
    page = live.session.get(live.url("/oidc/authorize"), params={"client_id": "x"})
    policy = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy
    assert "script-src" not in policy
    assert page.headers["X-Frame-Options"] == "DENY" and page.headers["Referrer-Policy"] == "no-referrer"


def _authorization(
    live: Live, browser: Browser, redirect_uri: str, pkce: Pkce, **extra: str
) -> requests.Response:
    query = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": redirect_uri,
        "scope": "openid",
        "state": "s" * 20,
        "nonce": "n" * 20,
        "code_challenge": pkce.challenge,
        "code_challenge_method": "S256",
        **extra,
    }
    return browser.http.get(
        live.url("/oidc/authorize"), params=query, verify=str(live.ca_path), allow_redirects=False, timeout=10
    )


def _code(live: Live, browser: Browser, redirect_uri: str, pkce: Pkce) -> str:
    form = _Form()
    form.feed(_authorization(live, browser, redirect_uri, pkce).text)
    fields = {**form.fields, "login": ACCOUNT["login"], "password": ACCOUNT["password"], "otp": browser.otp()}
    answer = browser.http.post(
        live.url("/oidc/authorize"), data=fields, verify=str(live.ca_path), allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302, answer.text
    return parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]


def _exchange(live: Live, code: str, redirect_uri: str, verifier: str) -> requests.Response:
    return live.session.post(
        live.url("/oidc/token"),
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": CLIENT_ID,
            "code_verifier": verifier,
        },
    )


REDIRECT = "http://127.0.0.1:53117/callback"


def test_the_code_needs_the_pkce_verifier_and_is_single_use(live: Live) -> None:
    browser = Browser(live, _steps(live))
    pkce = Pkce.new()
    code = _code(live, browser, REDIRECT, pkce)
    stolen = _exchange(live, code, REDIRECT, Pkce.new().verifier)  # an interceptor without the verifier
    assert (stolen.status_code, stolen.json()["error"]) == (400, "invalid_grant")
    # The attempt burnt the code: the client must start again.
    assert _exchange(live, code, REDIRECT, pkce.verifier).json()["error"] == "invalid_grant"

    pkce = Pkce.new()
    code = _code(live, browser, REDIRECT, pkce)
    first = _exchange(live, code, REDIRECT, pkce.verifier)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    token = first.json()["access_token"]
    replay = _exchange(live, code, REDIRECT, pkce.verifier)
    assert replay.json()["error"] == "invalid_grant"
    # RFC 6749 §4.1.2: a code used twice revokes what it gave.
    revoked = live.session.get(live.url("/api/v1/worklist"), headers={"Authorization": f"Bearer {token}"})
    assert revoked.status_code == 401


def test_the_code_is_bound_to_its_redirect_uri_and_expires(live: Live) -> None:
    browser = Browser(live, _steps(live))
    pkce = Pkce.new()
    code = _code(live, browser, REDIRECT, pkce)
    other = _exchange(live, code, "http://127.0.0.1:9999/callback", pkce.verifier)
    assert other.json()["error"] == "invalid_grant"
    pkce = Pkce.new()
    code = _code(live, browser, REDIRECT, pkce)
    live.clock.advance(seconds=61)
    assert _exchange(live, code, REDIRECT, pkce.verifier).json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "http://localhost:53117/callback",  # RFC 8252 §8.3: a name, not a loopback IP literal
        "https://attaquant.example/callback",
        "http://127.0.0.1/callback",  # no port
        "http://127.0.0.1:53117/ailleurs",
        "http://127.0.0.1:53117/callback?x=1",
    ],
)
def test_a_redirect_uri_that_is_not_ours_is_never_redirected_to(live: Live, redirect_uri: str) -> None:
    page = _authorization(live, Browser(live, _steps(live)), redirect_uri, Pkce.new())
    assert page.status_code == 400 and "Location" not in page.headers
    assert "adresse de bouclage" in page.text


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "profile"}, "invalid_scope"),
    ],
)
def test_other_request_errors_go_back_to_the_client(live: Live, extra: dict[str, str], error: str) -> None:
    page = _authorization(live, Browser(live, _steps(live)), REDIRECT, Pkce.new(), **extra)
    assert page.status_code == 302
    query = parse_qs(urlsplit(page.headers["Location"]).query)
    assert query["error"] == [error] and query["state"] == ["s" * 20] and query["iss"] == [live.base_url]


def test_an_id_token_not_signed_by_the_provider_is_refused(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_kid = live.session.get(live.url("/oidc/jwks")).json()["keys"][0]["kid"]
    forger = ec.generate_private_key(ec.SECP256R1())
    original = requests.Session.request

    def forging(self: requests.Session, method: str, url: str, **kwargs: object) -> requests.Response:
        response = original(self, method, url, **kwargs)
        if url.endswith("/oidc/token") and response.status_code == 200:
            body = response.json()
            claims = jwt.decode(body["id_token"], options={"verify_signature": False})
            body["id_token"] = jwt.encode(
                {**claims, "sub": "8" + "99999999999"}, forger, algorithm="ES256", headers={"kid": real_kid}
            )
            response._content = json.dumps(body).encode()
        return response

    monkeypatch.setattr(requests.Session, "request", forging)
    with pytest.raises(OidcRefused) as refused:
        _sign_in(live, Browser(live, _steps(live))).run(wait=10)
    assert "InvalidSignature" in str(refused.value)


def test_discovery_and_keys(live: Live) -> None:
    configuration = live.session.get(live.url("/.well-known/openid-configuration")).json()
    assert configuration["issuer"] == live.base_url
    assert configuration["code_challenge_methods_supported"] == ["S256"]
    assert configuration["token_endpoint_auth_methods_supported"] == ["none"]
    (key,) = live.session.get(live.url(configuration["jwks_uri"].removeprefix(live.base_url))).json()["keys"]
    assert (key["kty"], key["crv"], key["alg"]) == ("EC", "P-256", "ES256") and "d" not in key
    assert oct(live.root.joinpath("state", "oidc", "signing-key.pem").stat().st_mode & 0o777) == "0o600"


def test_a_provider_with_another_ca_is_unreachable_not_trusted(live: Live, tmp_path: Path) -> None:
    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    sign_in = OidcSignIn(live.base_url, CLIENT_ID, other, open_browser=lambda url: True)
    with pytest.raises(PlatformUnreachable) as refused:
        sign_in.run(wait=1)
    assert "certificat" in refused.value.user_message


def test_the_browser_never_returning_times_out(live: Live) -> None:
    opened: list[str] = []
    sign_in = OidcSignIn(
        live.base_url, CLIENT_ID, live.ca_path, open_browser=lambda url: opened.append(url) or True
    )
    with pytest.raises(OidcRefused) as refused:
        sign_in.run(wait=0.3)
    assert refused.value.code == "timeout" and "recommencez" in refused.value.user_message
    query = parse_qs(urlsplit(opened[0]).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["redirect_uri"][0].startswith("http://127.0.0.1:")


def test_token_endpoint_refuses_garbage_cleanly(live: Live) -> None:
    base = {"grant_type": "authorization_code", "redirect_uri": REDIRECT, "client_id": CLIENT_ID}
    odd = live.session.post(
        live.url("/oidc/token"), data={**base, "code": "é\u0000", "code_verifier": Pkce.new().verifier}
    )
    assert (odd.status_code, odd.json()["error"]) == (400, "invalid_grant")
    grant = live.session.post(live.url("/oidc/token"), data={**base, "grant_type": "password"})
    assert grant.json()["error"] == "unsupported_grant_type"
    client = live.session.post(live.url("/oidc/token"), data={**base, "client_id": "autre"})
    assert (client.status_code, client.json()["error"]) == (401, "invalid_client")
    short = live.session.post(live.url("/oidc/token"), data={**base, "code": "x", "code_verifier": "court"})
    assert short.json()["error"] == "invalid_request"
    as_json = live.session.post(live.url("/oidc/token"), json=base)
    assert as_json.status_code == 415
