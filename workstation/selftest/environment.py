"""The workstation's surroundings: the OS keyring, the platform (TLS and health) and the outbox."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from resources.translations import QT_TRANSLATE_NOOP
from workstation.selftest.report import Check, Status

if TYPE_CHECKING:
    from workstation.settings import Settings

log = logging.getLogger(__name__)

HEALTH_TIMEOUT_SECONDS = 5.0


# --- keyring -------------------------------------------------------------------------------------------
def check_keyring(demo: bool) -> Check:
    from auth.keystore import InsecureKeyringError, KeyStore, KeystoreError, SecretName

    label = QT_TRANSLATE_NOOP("Selftest", "Trousseau sécurisé")
    try:
        store = KeyStore()
        # a read of an entry that does not exist: proves the keyring answers (unlocked, reachable)
        store.load(SecretName.REFRESH_TOKEN, scope="autotest")
    except InsecureKeyringError as exc:
        log.warning("self-test: %s", exc)
        if demo:
            detail = QT_TRANSLATE_NOOP("Selftest", "aucun trousseau du système acceptable : en mode "
                                                   "démonstration, les secrets restent en mémoire et rien "
                                                   "n'est conservé entre deux démarrages")
            return Check("keyring", "trousseau", label, Status.WARNING, detail, {"accepted": False})
        return Check("keyring", "trousseau", label, Status.FAILURE, exc.user_message, {"accepted": False})
    except KeystoreError as exc:
        log.warning("self-test: %s", exc)
        return Check("keyring", "trousseau", label, Status.FAILURE, exc.user_message, {"accepted": True})
    except Exception as exc:  # keyring's own discovery may raise anything on a broken install
        log.warning("self-test: keyring unusable: %s: %s", type(exc).__name__, exc)
        detail = QT_TRANSLATE_NOOP("Selftest", "le trousseau du système est inutilisable ({error})")
        return Check("keyring", "trousseau", label, Status.FAILURE, detail.format(error=type(exc).__name__),
                     {"accepted": False})
    return Check("keyring", "trousseau", label, Status.OK,
                 QT_TRANSLATE_NOOP("Selftest", "{backend}, accessible").format(backend=store.backend_name),
                 {"accepted": True, "backend": store.backend_name})


# --- platform ----------------------------------------------------------------------------------------------
def check_platform(settings: Settings) -> Check:
    import certifi

    from workstation.platform import PlatformClient, PlatformError, TlsError

    label = QT_TRANSLATE_NOOP("Selftest", "Plateforme")
    ca = settings.ca_file or Path(certifi.where())
    data = {"url": settings.base_url, "ca_file": str(ca)}
    try:
        client = PlatformClient(settings.base_url, ca, timeout=min(HEALTH_TIMEOUT_SECONDS,
                                                                   settings.request_timeout_seconds))
        healthy = client.health()
    except TlsError as exc:
        log.warning("self-test: platform TLS failure: %s", exc)
        return Check("platform", "plateforme", label, Status.FAILURE, exc.user_message,
                     {**data, "state": "tls"})
    except PlatformError as exc:
        log.warning("self-test: platform check: %s", exc)
        return Check("platform", "plateforme", label, Status.FAILURE, exc.user_message,
                     {**data, "state": "error"})
    if healthy:
        detail = QT_TRANSLATE_NOOP("Selftest", "{url} joignable (certificat vérifié)")
        return Check("platform", "plateforme", label, Status.OK, detail.format(url=settings.base_url),
                     {**data, "state": "online"})
    detail = QT_TRANSLATE_NOOP("Selftest", "{url} injoignable : le poste fonctionnera en mode dégradé "
                                           "(examens en cache, envois mis en file d'attente)")
    return Check("platform", "plateforme", label, Status.WARNING, detail.format(url=settings.base_url),
                 {**data, "state": "degraded"})



def check_outbox(data_dir: Path | None = None, live_problem: str = "") -> Check:
    """The outbox read-only (it may be in use): SQLite's integrity, no announced message missing, the queue
    not behind its encrypted copies (issue 22); damaged files kept aside are a warning for support.
    ``live_problem``: the running workstation's delivery stalled (disk full...), French, a warning."""
    from workstation.outbox.recovery import check_files

    if data_dir is None:
        from workstation.audit.journal import default_journal_path

        data_dir = default_journal_path().parent.parent
    label = QT_TRANSLATE_NOOP("Selftest", "File d'envoi")
    found = check_files(data_dir / "outbox.sqlite", data_dir / "outbox-spool")
    data = {"path": str(found.path), "integrity": found.integrity, "pending": found.pending,
            "missing": len(found.missing), "queue_position": found.queue_position,
            "copies_top": found.copies_top, "set_aside": [str(p) for p in found.set_aside]}
    if found.damaged:
        detail = QT_TRANSLATE_NOOP("Selftest", "endommagée ({integrity}) ; {missing} message(s) signé(s) "
                                               "absent(s) de la file : lancez « python -m workstation.outbox "
                                               "recover » poste fermé, ou prévenez le support")
        return Check("outbox", "donnees", label, Status.FAILURE,
                     detail.format(integrity=found.integrity, missing=len(found.missing)), data)
    if live_problem:
        data["stalled"] = live_problem
        detail = QT_TRANSLATE_NOOP("Selftest", "{pending} message(s) en attente, envois suspendus : "
                                               "{problem}")
        return Check("outbox", "donnees", label, Status.WARNING,
                     detail.format(pending=found.pending, problem=live_problem), data)
    if found.set_aside:
        detail = QT_TRANSLATE_NOOP("Selftest", "intacte ({pending} en attente) ; {count} fichier(s) "
                                               "endommagé(s) conservé(s) pour le support ({folder})")
        return Check("outbox", "donnees", label, Status.WARNING,
                     detail.format(pending=found.pending, count=len(found.set_aside),
                                   folder=found.set_aside[-1].name), data)
    detail = QT_TRANSLATE_NOOP("Selftest", "intacte, {pending} message(s) en attente d'envoi")
    return Check("outbox", "donnees", label, Status.OK, detail.format(pending=found.pending), data)


