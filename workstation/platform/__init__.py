"""The exchange with the teleradiology platform: HTTP API, HL7 submission, DICOMweb images."""

from workstation.platform.client import AuthSession, PlatformClient, RawMessage, UserInfo, WorklistEntry
from workstation.platform.dicomweb import DicomWeb
from workstation.platform.errors import (
    AuthError,
    AuthFailure,
    NotFoundError,
    PlatformError,
    PlatformTimeout,
    ProtocolError,
    RetrieveCancelled,
    ServerError,
    TlsError,
    TlsFailure,
    UnreachableError,
)

__all__ = [
    "AuthError",
    "AuthFailure",
    "AuthSession",
    "DicomWeb",
    "NotFoundError",
    "PlatformClient",
    "PlatformError",
    "PlatformTimeout",
    "ProtocolError",
    "RawMessage",
    "RetrieveCancelled",
    "ServerError",
    "TlsError",
    "TlsFailure",
    "UnreachableError",
    "UserInfo",
    "WorklistEntry",
]
