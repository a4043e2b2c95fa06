"""The cache's cryptography: AES-256-GCM everywhere, through ``cryptography``; nothing hand-made.

Keys:

- the **master key** (32 bytes) lives in the OS keyring (``auth.keystore``, entry ``cache-key``);
  from it HKDF-SHA256 derives a *wrapping key* and a *lookup key*, so the master itself never
  encrypts data;
- each study has its own random 256-bit **study key**, stored in the index only wrapped
  (AES-256-GCM under the wrapping key, associated data = the study's random reference, so a
  wrapped key copied onto another index row does not open). Destroying that one row (SQLite
  ``secure_delete`` zeroes it) makes every file of the study undecryptable: that is eviction;
- the **lookup key** turns a Study or SOP Instance UID into an HMAC-SHA256 tag, so the index finds a
  study by UID without holding any UID in clear.

Each cached file is ``MAGIC || nonce(12) || AES-256-GCM(study key, DICOM bytes, AD)`` where the
associated data binds the file to its study and instance UIDs: a flipped bit, a file swapped with
another of the same study or moved into another study's folder fails authentication.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"TLRC\x01"
NONCE_SIZE = 12
KEY_SIZE = 32
_WRAP_INFO = b"teleradiologie cache: study key wrapping v1"
_LOOKUP_INFO = b"teleradiologie cache: uid lookup v1"
_CHECK = b"teleradiologie cache: key check v1"


class IntegrityError(Exception):
    """Authentication failed: the data was altered, moved, or its key is gone."""


def _derive(master: bytes | bytearray | memoryview, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE, salt=None, info=info).derive(bytes(master))


def derive_key(master: bytes | bytearray | memoryview, info: bytes) -> bytes:
    """A 256-bit key for another use of the master key (``info`` names the use: the outbox's second
    copies use their own), so one keyring entry never encrypts two kinds of data under one key."""
    return _derive(master, info)


class CacheKeys:
    """The keys derived from the master key; hold them only while the cache is open."""

    def __init__(self, master: bytes | bytearray | memoryview) -> None:
        if len(master) != KEY_SIZE:
            raise ValueError("the cache master key must be 32 bytes")
        self._wrap = AESGCM(_derive(master, _WRAP_INFO))
        self._lookup = _derive(master, _LOOKUP_INFO)

    def tag(self, kind: str, uid: str) -> bytes:
        """HMAC of a UID (``kind`` separates study and instance tags)."""
        return hmac.digest(self._lookup, f"{kind}\0{uid}".encode(), hashlib.sha256)

    def check_value(self) -> bytes:
        """Stored in the index to tell, on opening, whether it was written under this master key."""
        return hmac.digest(self._lookup, _CHECK, hashlib.sha256)

    def wrap(self, study_key: bytes, study_ref: str) -> bytes:
        nonce = os.urandom(NONCE_SIZE)
        return nonce + self._wrap.encrypt(nonce, study_key, _ref_ad(study_ref))

    def unwrap(self, wrapped: bytes, study_ref: str) -> bytes:
        try:
            return self._wrap.decrypt(wrapped[:NONCE_SIZE], wrapped[NONCE_SIZE:], _ref_ad(study_ref))
        except InvalidTag as exc:
            raise IntegrityError(f"wrapped key of study {study_ref} does not authenticate") from exc


def _ref_ad(study_ref: str) -> bytes:
    return b"study-key\0" + study_ref.encode("ascii")


def instance_ad(study_uid: str, sop_uid: str) -> bytes:
    return b"instance\0" + study_uid.encode("ascii") + b"\0" + sop_uid.encode("ascii")


def metadata_ad(study_ref: str, what: str) -> bytes:
    return b"metadata\0" + study_ref.encode("ascii") + b"\0" + what.encode("ascii")


def new_study_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def seal(key: bytes, plaintext: bytes, ad: bytes, magic: bytes = MAGIC) -> bytes:
    nonce = os.urandom(NONCE_SIZE)
    return magic + nonce + AESGCM(key).encrypt(nonce, plaintext, ad)


def open_sealed(key: bytes, blob: bytes, ad: bytes, magic: bytes = MAGIC) -> bytes:
    if not blob.startswith(magic) or len(blob) < len(magic) + NONCE_SIZE + 16:
        raise IntegrityError("not a cache object (bad header or truncated)")
    body = blob[len(magic) :]
    try:
        return AESGCM(key).decrypt(body[:NONCE_SIZE], body[NONCE_SIZE:], ad)
    except InvalidTag as exc:
        raise IntegrityError("cache object does not authenticate (altered, moved or wrong key)") from exc
