"""The platform's one-time codes against the RFCs' own test vectors, then through its login.

RFC 4226 Appendix D (HOTP, HMAC-SHA1, 6 digits) and RFC 6238 Appendix B (TOTP, 8 digits, 30 s,
HMAC-SHA1/256/512 with their 20/32/64-byte seeds). The login tests put the platform's clock at the
RFC's times, so a vector is accepted by the very code path a radiologist's login takes, once.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from teleplatform.auth import AuthError, AuthService, TotpParameters, seed_accounts
from teleplatform.store import Store

from .conftest import ManualClock

RFC4226_SECRET = b"12345678901234567890"
RFC4226_HOTP = [
    "755224",
    "287082",
    "359152",
    "969429",
    "338314",
    "254676",
    "287922",
    "162583",
    "399871",
    "520489",
]

RFC6238_SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
# (Unix time, SHA1, SHA256, SHA512): RFC 6238 Appendix B, table of test vectors.
RFC6238_TABLE = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]
RFC6238_VECTORS = [
    (digest, time, codes[column])
    for time, *codes in RFC6238_TABLE
    for column, digest in enumerate(("sha1", "sha256", "sha512"))
]


def _b32(seed: bytes) -> str:
    return base64.b32encode(seed).decode("ascii")


def _moment(unix: int) -> datetime:
    return datetime.fromtimestamp(unix, UTC)


@pytest.mark.parametrize(("counter", "expected"), list(enumerate(RFC4226_HOTP)))
def test_rfc4226_hotp_vectors(counter: int, expected: str) -> None:
    assert TotpParameters().hotp(_b32(RFC4226_SECRET), counter) == expected


@pytest.mark.parametrize(("digest", "time", "expected"), RFC6238_VECTORS)
def test_rfc6238_appendix_b_vectors(digest: str, time: int, expected: str) -> None:
    parameters = TotpParameters(digest=digest, digits=8)
    assert parameters.hotp(_b32(RFC6238_SEEDS[digest]), parameters.counter(_moment(time))) == expected
    assert parameters.matching_step(_b32(RFC6238_SEEDS[digest]), expected, _moment(time)) == time // 30


def test_the_default_parameters_are_the_authenticator_apps_ones() -> None:
    # RFC 6238's SHA1 vector truncated to 6 digits is what a phone app shows at T = 59.
    default = TotpParameters()
    assert default.hotp(_b32(RFC6238_SEEDS["sha1"]), default.counter(_moment(59))) == "287082"
    with pytest.raises(ValueError):
        TotpParameters(digest="md5")
    with pytest.raises(ValueError):
        TotpParameters(digits=5)


def _service(tmp_path: Path, digest: str, clock: ManualClock) -> AuthService:
    store = Store(tmp_path / "platform.sqlite")
    account = {
        "login": "dr.rfc",
        "password": "mot-de-passe-rfc",
        "totp_secret": _b32(RFC6238_SEEDS[digest]),
        "rpps": "10000000007",
        "family": "RFC",
        "given": "Test",
        "title": "Dr",
    }
    (tmp_path / "accounts.json").write_text(json.dumps([account]), encoding="utf-8")
    seed_accounts(store, tmp_path / "accounts.json")
    return AuthService(store, clock, TotpParameters(digest=digest, digits=8))


@pytest.mark.parametrize("digest", ["sha1", "sha256", "sha512"])
def test_login_accepts_each_vector_once_at_its_time(tmp_path: Path, digest: str) -> None:
    clock = ManualClock(_moment(59))
    service = _service(tmp_path, digest, clock)
    column = ("sha1", "sha256", "sha512").index(digest) + 1
    for time, *codes in RFC6238_TABLE:
        clock.current = _moment(time)
        code = codes[column - 1]
        pair = service.login("dr.rfc", "mot-de-passe-rfc", code)
        assert pair.user.login == "dr.rfc" and pair.access_token
        with pytest.raises(AuthError) as replay:
            service.login("dr.rfc", "mot-de-passe-rfc", code)
        assert (replay.value.status, replay.value.code) == (401, "otp_replayed")


def test_a_vector_outside_its_window_is_refused(tmp_path: Path) -> None:
    clock = ManualClock(_moment(1234567890 + 90))  # three steps later: outside the one-step tolerance
    service = _service(tmp_path, "sha256", clock)
    with pytest.raises(AuthError) as refused:
        service.login("dr.rfc", "mot-de-passe-rfc", "91819424")
    assert refused.value.code == "bad_otp"
