from __future__ import annotations

import base64
import importlib
import pickle
from typing import ClassVar

import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from keyring.backends.chainer import ChainerBackend
from keyring.compat import properties

from auth.keystore import (
    _OS_BACKENDS,
    SERVICE,
    InsecureKeyringError,
    KeyStore,
    KeystoreError,
    SecretName,
    VolatileKeyring,
)
from auth.secret import Secret, SecretWipedError


class _DictBackend(KeyringBackend):
    """A backend that stores in a dict; never auto-selected (reading its priority raises)."""

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("test backend")

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username))


class PlaintextKeyring(_DictBackend):
    """Stands for keyrings.alt.file.PlaintextKeyring (not installed here): same module path, the
    only thing the keystore looks at."""


PlaintextKeyring.__module__ = "keyrings.alt.file"


class SomeThirdPartyKeyring(_DictBackend):
    pass


def _chainer(*members: KeyringBackend) -> ChainerBackend:
    class FixedChainer(ChainerBackend):
        backends: ClassVar[list[KeyringBackend]] = list(members)
        viable = False  # keyring registers every subclass: keep this one out of its auto-detection

        @properties.classproperty
        def priority(cls) -> float:
            raise RuntimeError("test backend")

    return FixedChainer()


def test_round_trip_through_the_configured_keyring(memory_keyring: VolatileKeyring) -> None:
    store = KeyStore()
    assert store.load(SecretName.REFRESH_TOKEN, scope="dr.martin") is None
    store.store(SecretName.REFRESH_TOKEN, b"tok\x00en", scope="dr.martin")
    loaded = store.load(SecretName.REFRESH_TOKEN, scope="dr.martin")
    assert loaded is not None and bytes(loaded.view()) == b"tok\x00en"
    assert store.load(SecretName.REFRESH_TOKEN, scope="dr.durand") is None
    # what lands in the keyring is base64 text under our service name, never the raw secret
    assert (
        memory_keyring.get_password(SERVICE, "refresh-token:dr.martin")
        == base64.b64encode(b"tok\x00en").decode()
    )
    store.delete(SecretName.REFRESH_TOKEN, scope="dr.martin")
    store.delete(SecretName.REFRESH_TOKEN, scope="dr.martin")  # twice: no error
    assert store.load(SecretName.REFRESH_TOKEN, scope="dr.martin") is None
    assert not store.persistent


def test_load_or_create_key_creates_once(memory_keyring: VolatileKeyring) -> None:
    store = KeyStore()
    first = store.load_or_create_key(SecretName.CACHE_KEY)
    again = KeyStore().load_or_create_key(SecretName.CACHE_KEY)
    assert len(first) == 32 and first == again
    assert bytes(first.view()) != bytes(32)
    other = KeyStore().load_or_create_key(SecretName.AUDIT_JOURNAL_KEY)
    assert other != first


def test_wrong_size_or_corrupt_entry_is_reported(memory_keyring: VolatileKeyring) -> None:
    store = KeyStore()
    store.store(SecretName.CACHE_KEY, b"short")
    with pytest.raises(KeystoreError, match="5 bytes"):
        store.load_or_create_key(SecretName.CACHE_KEY)
    memory_keyring.set_password(SERVICE, SecretName.CACHE_KEY.value, "not base64 !")
    with pytest.raises(KeystoreError) as caught:
        store.load(SecretName.CACHE_KEY)
    assert "illisible" in caught.value.user_message


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()], ids=["fail", "null"])
def test_refuses_the_fallback_backends(backend: KeyringBackend) -> None:
    with pytest.raises(InsecureKeyringError) as caught:
        KeyStore(backend)
    message = caught.value.user_message
    assert "refuse" in message and "aucun trousseau sécurisé" in message
    assert "gnome-keyring" in message and "Windows" in message and "macOS" in message


def test_refuses_a_plaintext_file_backend() -> None:
    with pytest.raises(InsecureKeyringError) as caught:
        KeyStore(PlaintextKeyring())
    assert "fichier" in caught.value.user_message and "keyrings.alt" in caught.value.user_message
    assert "keyrings.alt.file.PlaintextKeyring" in str(caught.value)


def test_refuses_an_unknown_backend() -> None:
    with pytest.raises(InsecureKeyringError) as caught:
        KeyStore(SomeThirdPartyKeyring())
    assert "pas un trousseau du système reconnu" in caught.value.user_message


def test_refuses_the_configured_keyring_when_it_is_plaintext() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    try:
        with pytest.raises(InsecureKeyringError):
            KeyStore()
    finally:
        keyring.set_keyring(previous)


def test_chainer_of_untrusted_backends_is_refused() -> None:
    with pytest.raises(InsecureKeyringError) as caught:
        KeyStore(_chainer(PlaintextKeyring(), fail.Keyring()))
    assert "PlaintextKeyring" in str(caught.value)
    with pytest.raises(InsecureKeyringError):
        KeyStore(_chainer())


def test_chainer_uses_its_trusted_member_only() -> None:
    plaintext, volatile = PlaintextKeyring(), VolatileKeyring()
    plaintext.set_password(SERVICE, SecretName.CACHE_KEY.value, base64.b64encode(b"planted").decode())
    store = KeyStore(_chainer(plaintext, volatile))
    # a value planted in the plain-text file is not read through the chain...
    assert store.load(SecretName.CACHE_KEY) is None
    # ...and nothing is written there
    store.store(SecretName.REFRESH_TOKEN, b"x")
    assert (SERVICE, SecretName.REFRESH_TOKEN.value) not in plaintext.entries
    assert volatile.get_password(SERVICE, SecretName.REFRESH_TOKEN.value) is not None


def test_allow_list_names_real_keyring_classes() -> None:
    """A typo in the allow-list would silently refuse a real OS keyring."""
    for path in _OS_BACKENDS:
        module, _, name = path.rpartition(".")
        try:
            cls = getattr(importlib.import_module(module), name)
        except ImportError as exc:  # platform-specific dependencies (none on Linux so far)
            pytest.fail(f"{module} does not import here: {exc}")
        assert issubclass(cls, KeyringBackend), path


def test_volatile_keyring_is_never_selected_automatically() -> None:
    assert not VolatileKeyring.viable
    assert not any(isinstance(b, VolatileKeyring) for b in keyring.backend.get_all_keyring())


def test_keyring_failures_become_french_errors(memory_keyring: VolatileKeyring, monkeypatch) -> None:
    store = KeyStore()

    def locked(service: str, username: str) -> str:
        raise keyring.errors.KeyringLocked("collection is locked")

    monkeypatch.setattr(memory_keyring, "get_password", locked)
    with pytest.raises(KeystoreError) as caught:
        store.load(SecretName.CACHE_KEY)
    assert "verrouillé" in caught.value.user_message and "locked" in str(caught.value)

    def broken(service: str, username: str) -> str:
        raise ConnectionError("org.freedesktop.DBus.Error.ServiceUnknown")

    monkeypatch.setattr(memory_keyring, "get_password", broken)
    with pytest.raises(KeystoreError) as caught:
        store.load(SecretName.CACHE_KEY)
    assert "ne répond pas" in caught.value.user_message and "ServiceUnknown" in str(caught.value)


def test_secret_wipe_zeroes_the_buffer_in_place() -> None:
    secret = Secret(b"\x01\x02\x03\x04")
    view = secret.view()
    secret.wipe()
    assert bytes(view) == bytes(4)
    assert secret.wiped and repr(secret) == "Secret(<wiped>)"
    with pytest.raises(SecretWipedError):
        secret.view()
    with pytest.raises(SecretWipedError):
        secret.text()


def test_secret_hides_itself() -> None:
    secret = Secret.from_text("jeton-très-secret")
    assert "secret" not in repr(secret)
    assert repr(secret) == f"Secret(<{len('jeton-très-secret'.encode())} bytes>)"
    with pytest.raises(TypeError):
        pickle.dumps(secret)
    with pytest.raises(TypeError):
        hash(secret)
    assert secret == Secret.from_text("jeton-très-secret") and secret != Secret(b"other")
    with secret as inside:
        assert inside.text() == "jeton-très-secret"
    assert secret.wiped


def test_secret_copies_its_input() -> None:
    source = bytearray(b"abc")
    secret = Secret(source)
    source[:] = b"xyz"
    assert bytes(secret.view()) == b"abc"
