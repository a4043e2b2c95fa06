"""The platform's own certificate authority and server certificate.

HTTPS only, even on loopback: the workstation must be exercised against real certificate
verification, never with verification turned off. On first start the platform creates a local CA
(`state/tls/ca.pem`, the file clients trust) and a server certificate for 127.0.0.1 and localhost
signed by it; later starts reuse them, and renew the server certificate when it nears expiry.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .store import private_folder

log = logging.getLogger(__name__)

CA_VALIDITY = timedelta(days=3650)
SERVER_VALIDITY = timedelta(days=365)
RENEW_BEFORE = timedelta(days=30)
NOT_BEFORE_MARGIN = timedelta(days=1)
"""Certificates start a day in the past: a client whose clock is hours behind (time zone set
wrong, clock drift, a jump back) must still accept a certificate issued a moment ago."""


@dataclass(frozen=True, slots=True)
class TlsFiles:
    ca_cert: Path
    ca_key: Path
    server_cert: Path
    server_key: Path

    @classmethod
    def in_dir(cls, directory: Path) -> TlsFiles:
        return cls(
            directory / "ca.pem", directory / "ca.key", directory / "server.pem", directory / "server.key"
        )


def _write_private(path: Path, data: bytes) -> None:
    """Private keys are created 0600 from the start, never chmod-ed after being readable."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _make_ca(files: TlsFiles, now: datetime) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Plateforme de téléradiologie (démonstration)"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Autorité de certification locale"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - NOT_BEFORE_MARGIN)
        .not_valid_after(now + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(files.ca_key, _key_pem(key))
    files.ca_cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    log.info("created a local certificate authority in %s", files.ca_cert.parent)


def _make_server_cert(files: TlsFiles, now: datetime) -> None:
    ca_key = serialization.load_pem_private_key(files.ca_key.read_bytes(), password=None)
    ca_cert = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    if not isinstance(ca_key, ec.EllipticCurvePrivateKey):
        raise ValueError("unexpected CA key type")
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - NOT_BEFORE_MARGIN)
        .not_valid_after(now + SERVER_VALIDITY)
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    _write_private(files.server_key, _key_pem(key))
    files.server_cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    log.info("issued a server certificate for 127.0.0.1 and localhost")


def _needs_renewal(path: Path, now: datetime) -> bool:
    try:
        cert = x509.load_pem_x509_certificate(path.read_bytes())
    except (OSError, ValueError):
        return True
    if cert.not_valid_after_utc - now < RENEW_BEFORE:
        return True
    # Issued by a version that started certificates only 5 minutes back: reissued with the margin.
    is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    lifetime = (CA_VALIDITY if is_ca else SERVER_VALIDITY) + NOT_BEFORE_MARGIN
    return cert.not_valid_after_utc - cert.not_valid_before_utc < lifetime - timedelta(minutes=1)


def ensure_tls(directory: Path, now: datetime) -> TlsFiles:
    """Create what is missing (or about to expire) and return the paths. Certificates made by an
    earlier version that start less than NOT_BEFORE_MARGIN before they were issued are remade."""
    private_folder(directory.parent)
    private_folder(directory)
    files = TlsFiles.in_dir(directory)
    if not files.ca_key.is_file() or _needs_renewal(files.ca_cert, now):
        _make_ca(files, now)
        files.server_cert.unlink(missing_ok=True)
    if not files.server_key.is_file() or _needs_renewal(files.server_cert, now):
        _make_server_cert(files, now)
    return files


def server_context(files: TlsFiles) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(files.server_cert, files.server_key)
    return context
