"""What the workstation must keep between runs, kept in the operating system's keyring, never in a file.

The workstation keeps a few secrets across restarts: the platform refresh token, the key of the
encrypted image cache, the audit journal's keys. A file next to the data it protects would protect
nothing, so they go to the OS keyring (Secret Service/KWallet on Linux, Credential Manager on Windows,
Keychain on macOS), which encrypts them under the user's session and releases them to that user only.

``keyring`` falls back silently to worse places: with ``keyrings.alt`` installed its default is a
plain-text file, and with nothing usable it picks the ``fail`` backend. :class:`KeyStore` therefore
accepts only an allow-list of OS backends (plus :class:`VolatileKeyring`, which keeps secrets in this
process's memory and nowhere else) and refuses anything else with a French explanation of why and of
what to install. A chainer backend is used through its best trusted member only, so a read never falls
through to a plain-text file.

Values are stored base64-coded (the keyring API takes text) and handed back as :class:`Secret`;
see :mod:`auth.secret` for what wiping can and cannot erase.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
from collections.abc import Callable, Iterable
from enum import Enum
from typing import TypeVar

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend
from keyring.compat import properties

from auth.errors import AuthError
from auth.secret import Secret
from resources.translations import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

SERVICE = "teleradiologie-workstation"
T = TypeVar("T")

# Backends that hand the secret to the operating system's protected store. Matched on the exact class:
# a subclass may change where the secret goes.
_OS_BACKENDS: dict[str, str] = {
    "keyring.backends.SecretService.Keyring": QT_TRANSLATE_NOOP(
        "Auth", "Secret Service (trousseau GNOME, KeePassXC)"
    ),
    "keyring.backends.libsecret.Keyring": QT_TRANSLATE_NOOP("Auth", "libsecret (trousseau GNOME)"),
    "keyring.backends.kwallet.DBusKeyring": "KWallet",
    "keyring.backends.kwallet.DBusKeyringKWallet4": "KWallet 4",
    "keyring.backends.macOS.Keyring": QT_TRANSLATE_NOOP("Auth", "Trousseau d'accès macOS"),
    "keyring.backends.Windows.WinVaultKeyring": QT_TRANSLATE_NOOP(
        "Auth", "Gestionnaire d'identification Windows"
    ),
}

_WHAT_TO_INSTALL = QT_TRANSLATE_NOOP(
    "Auth",
    "Utilisez le trousseau sécurisé du système : sous Linux, GNOME Keyring ou KWallet "
    "(paquets « gnome-keyring » ou « kwalletmanager », service Secret Service sur D-Bus), déverrouillé "
    "dans votre session ; sous Windows, le Gestionnaire d'identification ; sous macOS, le Trousseau "
    "d'accès. Retirez aussi le paquet « keyrings.alt » ou la variable PYTHON_KEYRING_BACKEND s'ils "
    "imposent un autre trousseau.",
)


class SecretName(Enum):
    """The entries the workstation keeps (the keyring's "username" under :data:`SERVICE`)."""

    REFRESH_TOKEN = "refresh-token"
    CACHE_KEY = "cache-key"
    AUDIT_JOURNAL_KEY = "audit-journal-key"
    AUDIT_WRITER_STATE = "audit-writer-state"
    OFFLINE_LOGIN = "offline-login"  # auth.session.OfflineCredential of the last two-factor login
    OFFLINE_CODES = "offline-codes"  # auth.session.OfflineCodes: hashes of the offline restart codes


class KeystoreError(AuthError):
    """The keyring could not be used (locked, unreachable, corrupt entry)."""


class InsecureKeyringError(KeystoreError):
    """The configured keyring would not protect the secrets: the workstation refuses to use it."""


class VolatileKeyring(KeyringBackend):
    """Secrets in this process's memory only: nothing survives the process, nothing reaches a disk.

    For tests (``keyring.set_keyring(VolatileKeyring())``) and for a workstation on a machine without
    any OS keyring, which then works without persistence: a new login each start, an image cache
    whose key is lost at exit. Never chosen by ``keyring`` on its own (it declares itself not viable).
    """

    @properties.classproperty
    def priority(cls) -> float:
        # keyring deems a backend "viable" (a candidate for automatic selection) when reading its
        # priority raises nothing: this one always raises.
        raise RuntimeError("VolatileKeyring is only used when set explicitly")

    def __init__(self) -> None:
        super().__init__()
        self._entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self._entries.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(f"no entry {username!r} in {service!r}")


def _class_path(backend: KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _is_trusted(backend: KeyringBackend) -> bool:
    return type(backend) is VolatileKeyring or _class_path(backend) in _OS_BACKENDS


def _refusal(backends: Iterable[KeyringBackend], configured: str) -> InsecureKeyringError:
    """Why none of ``backends`` is acceptable, in the words that fit the case."""
    paths = [_class_path(b) for b in backends]
    if any(p.startswith("keyrings.alt.") for p in paths):
        refused = QT_TRANSLATE_NOOP(
            "Auth",
            "Le trousseau configuré ({backend}) enregistre les secrets dans un fichier (en clair, ou chiffré "
            "par un simple mot de passe stocké à côté) : quiconque copie ce fichier lirait les clés qui "
            "protègent les données des patients. Le poste refuse de l'utiliser pour ses clés et jetons. "
            "{advice}",
        )
    elif all(p in ("keyring.backends.fail.Keyring", "keyring.backends.null.Keyring") for p in paths):
        refused = QT_TRANSLATE_NOOP(
            "Auth",
            "Le trousseau configuré ({backend}) n'est pas un vrai trousseau : aucun trousseau sécurisé du "
            "système n'a été trouvé (session sans Secret Service, ou trousseau désactivé). Le poste refuse "
            "de l'utiliser pour ses clés et jetons. {advice}",
        )
    else:
        refused = QT_TRANSLATE_NOOP(
            "Auth",
            "Le trousseau configuré ({backend}) n'est pas un trousseau du système reconnu par le poste : "
            "rien ne garantit qu'il protège les secrets (chiffrement, accès réservé à votre session). Le "
            "poste refuse de l'utiliser pour ses clés et jetons. {advice}",
        )
    return InsecureKeyringError(
        f"refusing keyring backend {configured} (candidates: {', '.join(paths) or 'none'})",
        refused.format(backend=configured, advice=_WHAT_TO_INSTALL),
    )


def select_backend(backend: KeyringBackend) -> KeyringBackend:
    """The backend to use for ``backend`` as configured, or :class:`InsecureKeyringError`.

    A chainer reads from each of its members in turn, plain-text files included: we use only its best
    trusted member, so a secret can neither be written to nor read from an untrusted one.
    """
    if isinstance(backend, ChainerBackend):
        members = list(backend.backends)
        trusted = [b for b in members if _is_trusted(b)]
        if trusted:
            return trusted[0]  # the chainer lists its members by decreasing priority
        raise _refusal(members, _class_path(backend))
    if _is_trusted(backend):
        return backend
    raise _refusal([backend], _class_path(backend))


def _fill_random(buffer: bytearray) -> None:
    """Random bytes written straight into ``buffer``, so no immutable copy of a new key is left behind."""
    try:
        with open("/dev/urandom", "rb", buffering=0) as source:
            view = memoryview(buffer)
            filled = 0
            while filled < len(buffer):
                filled += source.readinto(view[filled:])
    except OSError:  # no /dev/urandom (Windows): os.urandom leaves one transient bytes object
        buffer[:] = os.urandom(len(buffer))


class KeyStore:
    """The workstation's secrets in the OS keyring, under one service name.

    ``scope`` separates per-user entries (a refresh token belongs to one login) from per-machine ones.
    """

    def __init__(self, backend: KeyringBackend | None = None, service: str = SERVICE) -> None:
        configured = backend if backend is not None else keyring.get_keyring()
        self._backend = select_backend(configured)
        self._service = service
        log.info("keystore uses keyring backend %s", _class_path(self._backend))

    @property
    def backend_name(self) -> str:
        return _OS_BACKENDS.get(
            _class_path(self._backend),
            QT_TRANSLATE_NOOP("Auth", "mémoire du processus (rien n'est conservé)"),
        )

    @property
    def persistent(self) -> bool:
        """False when nothing survives the process (:class:`VolatileKeyring`): no cache reuse then."""
        return not isinstance(self._backend, VolatileKeyring)

    def load(self, name: SecretName, scope: str = "") -> Secret | None:
        """The stored secret, or None when there is none."""
        entry = self._entry(name, scope)
        stored = self._call("read", entry, lambda: self._backend.get_password(self._service, entry))
        if stored is None:
            return None
        try:
            return Secret(base64.b64decode(stored, validate=True))
        except (binascii.Error, ValueError) as exc:
            raise KeystoreError(
                f"keyring entry {entry!r} is not base64: {exc}",
                QT_TRANSLATE_NOOP(
                    "Auth",
                    "Une entrée du trousseau du poste est illisible (modifiée hors du poste). "
                    "Supprimez-la dans le gestionnaire de trousseau ; le poste la recréera.",
                ),
            ) from exc

    def store(self, name: SecretName, value: Secret | bytes | bytearray, scope: str = "") -> None:
        entry = self._entry(name, scope)
        raw = value.view() if isinstance(value, Secret) else value
        encoded = base64.b64encode(raw).decode("ascii")
        self._call("write", entry, lambda: self._backend.set_password(self._service, entry, encoded))

    def delete(self, name: SecretName, scope: str = "") -> None:
        """Remove the entry; an absent entry is not an error (logout may run twice)."""
        entry = self._entry(name, scope)
        try:
            self._call("delete", entry, lambda: self._backend.delete_password(self._service, entry))
        except KeystoreError as exc:
            if not isinstance(exc.__cause__, keyring.errors.PasswordDeleteError):
                raise

    def load_or_create_key(self, name: SecretName, length: int = 32, scope: str = "") -> Secret:
        """The stored key, or a new random one of ``length`` bytes, stored before it is returned."""
        existing = self.load(name, scope)
        if existing is not None:
            if len(existing) != length:
                raise KeystoreError(
                    f"keyring entry {self._entry(name, scope)!r} holds {len(existing)} bytes, not {length}",
                    QT_TRANSLATE_NOOP(
                        "Auth",
                        "Une clé du trousseau du poste n'a pas la bonne taille (modifiée hors du poste).",
                    ),
                )
            return existing
        buffer = bytearray(length)
        _fill_random(buffer)
        key = Secret(buffer)
        buffer[:] = bytes(length)
        self.store(name, key, scope)
        return key

    @staticmethod
    def _entry(name: SecretName, scope: str) -> str:
        return f"{name.value}:{scope}" if scope else name.value

    def _call(self, action: str, entry: str, operation: Callable[[], T]) -> T:
        try:
            return operation()
        except keyring.errors.KeyringLocked as exc:
            raise KeystoreError(
                f"keyring locked during {action} of {entry!r}: {exc}",
                QT_TRANSLATE_NOOP(
                    "Auth",
                    "Le trousseau du système est verrouillé : déverrouillez-le (mot de passe de votre "
                    "session) puis recommencez.",
                ),
            ) from exc
        except keyring.errors.PasswordDeleteError as exc:
            missing = KeystoreError(
                f"no keyring entry {entry!r} to delete",
                QT_TRANSLATE_NOOP("Auth", "Entrée absente du trousseau."),
            )
            raise missing from exc
        except Exception as exc:  # the D-Bus/Win32 layers raise their own types: all mean "unavailable"
            raise KeystoreError(
                f"keyring {action} of {entry!r} failed: {type(exc).__name__}: {exc}",
                QT_TRANSLATE_NOOP(
                    "Auth",
                    "Le trousseau du système ne répond pas : le poste ne peut ni lire ni enregistrer ses "
                    "clés. Vérifiez que le trousseau de votre session est démarré et déverrouillé.",
                ),
            ) from exc
