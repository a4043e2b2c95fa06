"""The client trusts the platform's CA and nothing else, whatever the environment says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import trustme

from workstation.platform import PlatformClient, PlatformError, TlsError, TlsFailure

HEALTH = {"status": "ok", "time": "2026-01-06T13:44:18+01:00"}


def _health_server(https_server, cert=None):
    server = https_server(cert)
    server.routes["GET /api/v1/health"] = (200, HEALTH)
    return server


def test_a_server_of_our_ca_is_trusted(https_server, ca_file: Path) -> None:
    server = _health_server(https_server)
    assert PlatformClient(server.url, ca_file).health() is True


@pytest.mark.parametrize(
    ("make_cert", "failure", "words"),
    [
        (lambda ca: trustme.CA().issue_cert("127.0.0.1"), TlsFailure.UNTRUSTED, "n'est pas reconnu"),
        (
            lambda ca: ca.issue_cert(
                "127.0.0.1",
                not_before=datetime.now(UTC) - timedelta(days=30),
                not_after=datetime.now(UTC) - timedelta(days=1),
            ),
            TlsFailure.EXPIRED,
            "a expiré",
        ),
        (lambda ca: ca.issue_cert("plateforme.example.org"), TlsFailure.WRONG_HOST, "n'est pas celui"),
    ],
    ids=["other-ca", "expired", "other-host"],
)
def test_bad_certificates_are_refused_in_french(
    https_server, tls_ca: trustme.CA, ca_file: Path, make_cert, failure: TlsFailure, words: str
) -> None:
    server = _health_server(https_server, make_cert(tls_ca))
    client = PlatformClient(server.url, ca_file)
    with pytest.raises(TlsError) as caught:
        client.health()  # a certificate problem is never reported as a mere outage
    assert caught.value.failure is failure
    assert words in caught.value.user_message
    assert caught.value.user_message.startswith("Le certificat")
    assert "certificate rejected" in str(caught.value)
    assert server.received == []  # nothing was sent to the impostor


def test_requests_ca_bundle_in_the_environment_changes_nothing(
    https_server, ca_file: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    other = trustme.CA()
    other_bundle = tmp_path / "other-bundle.pem"
    other.cert_pem.write_to_path(str(other_bundle))
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):
        monkeypatch.setenv(name, str(other_bundle))
    # our platform stays trusted although the environment's bundle does not hold our CA...
    assert PlatformClient(_health_server(https_server).url, ca_file).health() is True
    # ...and a server the environment's bundle would trust is still refused
    impostor = _health_server(https_server, other.issue_cert("127.0.0.1"))
    with pytest.raises(TlsError) as caught:
        PlatformClient(impostor.url, ca_file).health()
    assert caught.value.failure is TlsFailure.UNTRUSTED


def test_only_https_and_an_existing_ca_file(ca_file: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="https"):
        PlatformClient("http://127.0.0.1:8443", ca_file)
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate")
    for ca in (tmp_path / "absent.pem", garbage):
        with pytest.raises(PlatformError) as caught:
            PlatformClient("https://127.0.0.1:8443", ca)
        assert "introuvable ou illisible" in caught.value.user_message
