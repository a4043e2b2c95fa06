"""What the installation carries: versions and package metadata, settings, every module, the shipped
resources and the translation files (a frozen bundle that lost one fails here, at installation)."""

from __future__ import annotations

import logging
import platform
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from resources.translations import LANGUAGES, QT_TRANSLATE_NOOP, composed, joined, qm_files
from workstation.selftest.isolated import run_isolated
from workstation.selftest.report import DISTRIBUTION, Check, Status

if TYPE_CHECKING:
    from workstation.settings import Settings

log = logging.getLogger(__name__)

# what a version reads when the package metadata does not say it
UNKNOWN = QT_TRANSLATE_NOOP("Selftest", "inconnue")
ABSENT = QT_TRANSLATE_NOOP("Selftest", "absent")

# (label shown, distribution name): the versions a support call asks for first
VERSIONED = (
    ("Python", ""),
    ("PySide6", "PySide6-Essentials"),
    ("VTK", "vtk"),
    ("pydicom", "pydicom"),
    ("numpy", "numpy"),
    ("pylibjpeg", "pylibjpeg"),
    ("pylibjpeg-openjpeg", "pylibjpeg-openjpeg"),
    ("pylibjpeg-libjpeg", "pylibjpeg-libjpeg"),
    ("pylibjpeg-rle", "pylibjpeg-rle"),
    ("pyjpegls", "pyjpegls"),
    ("keyring", "keyring"),
    ("requests", "requests"),
    ("cryptography", "cryptography"),
    ("lxml", "lxml"),
    ("hl7apy", "hl7apy"),
)


# --- versions ------------------------------------------------------------------------------------------
def distribution_version(name: str) -> str | None:
    """The installed version, from the package metadata (which a frozen bundle must carry)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def application_version() -> str:
    return distribution_version(DISTRIBUTION) or UNKNOWN


def check_versions() -> Check:
    versions: dict[str, str] = {}
    for label, dist in VERSIONED:
        versions[label] = platform.python_version() if not dist else (distribution_version(dist) or ABSENT)
    app = distribution_version(DISTRIBUTION)
    versions = {"application": app or UNKNOWN, **versions}
    system = f"{platform.system()} {platform.release()} ({platform.machine()})"
    data = {
        "versions": versions,
        "system": system,
        "frozen": bool(getattr(sys, "frozen", False)),
        "executable": sys.executable,
        "prefix": sys.prefix,  # inside the bundle when frozen: nothing comes from a venv
    }
    shown = joined([composed("{} {}", k, v) for k, v in versions.items()])
    label = QT_TRANSLATE_NOOP("Selftest", "Versions")
    if app is None:
        detail = QT_TRANSLATE_NOOP("Selftest", "version de l'application inconnue (métadonnées du paquet "
                                               "absentes) ; {versions} ; {system}")
        detail = detail.format(versions=shown, system=system)
        return Check("versions", "versions", label, Status.WARNING, detail, data)
    missing = [k for k, v in versions.items() if v == ABSENT and k not in ("Python",)]
    if missing:  # the checks below say what fails because of it; this line says why
        detail = QT_TRANSLATE_NOOP("Selftest", "métadonnées absentes pour {names} ; {versions} ; {system}")
        detail = detail.format(names=", ".join(missing), versions=shown, system=system)
        return Check("versions", "versions", label, Status.WARNING, detail, data)
    detail = QT_TRANSLATE_NOOP("Selftest", "{versions} ; {system}").format(versions=shown, system=system)
    return Check("versions", "versions", label, Status.OK, detail, data)


# --- settings ------------------------------------------------------------------------------------------
def check_settings(settings: Settings, source: Path | None, problems: Sequence[str]) -> Check:
    data = {
        "file": str(source) if source else "",
        "platform_url": settings.platform_url,
        "ca_file": str(settings.ca_file) if settings.ca_file else "",
        "cache_dir": str(settings.cache_dir),
    }
    label = QT_TRANSLATE_NOOP("Selftest", "Paramètres")
    where = QT_TRANSLATE_NOOP("Selftest", "plateforme {url}, cache {cache}").format(
        url=settings.platform_url, cache=str(settings.cache_dir)
    )
    if problems:
        detail = composed("{} ({})", joined(problems, " "), where)
        return Check("settings", "parametres", label, Status.WARNING, detail, data)
    return Check("settings", "parametres", label, Status.OK, where, data)



# --- modules -------------------------------------------------------------------------------------------
APPLICATION_PACKAGES = ("workstation", "viewer", "reporting", "auth", "resources")


def _import_everything() -> dict[str, Any]:
    """Import every module of the application (in a child process): a frozen bundle that lost one
    fails here, at installation, rather than when a radiologist first opens that screen."""
    import importlib
    import pkgutil

    imported: list[str] = []
    failed: dict[str, str] = {}
    for name in APPLICATION_PACKAGES:
        package = importlib.import_module(name)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            if info.name.endswith("__main__"):
                continue
            try:
                importlib.import_module(info.name)
                imported.append(info.name)
            except Exception as exc:  # every failure is reported by name
                failed[info.name] = f"{type(exc).__name__}: {exc}"
    return {"imported": imported, "failed": failed}


def check_modules() -> Check:
    label = QT_TRANSLATE_NOOP("Selftest", "Modules de l'application")
    outcome = run_isolated(_import_everything)
    if outcome.error:
        return Check("modules", "versions", label, Status.FAILURE,
                     QT_TRANSLATE_NOOP("Selftest", "import impossible ({error})").format(error=outcome.error),
                     {"error": outcome.error})
    failed = outcome.value["failed"]
    if failed:
        for name, cause in failed.items():
            log.warning("self-test: module %s does not import: %s", name, cause)
        shown = ", ".join(f"{name} ({cause})" for name, cause in failed.items())
        detail = QT_TRANSLATE_NOOP("Selftest", "{count} module(s) introuvable(s) ou en erreur : {modules}")
        return Check("modules", "versions", label, Status.FAILURE,
                     detail.format(count=len(failed), modules=shown), outcome.value)
    detail = QT_TRANSLATE_NOOP("Selftest", "{count} modules importés sans erreur ({seconds:.1f} s)")
    return Check("modules", "versions", label, Status.OK,
                 detail.format(count=len(outcome.value["imported"]), seconds=outcome.seconds), outcome.value)


def check_resources() -> Check:
    """The data shipped as package resources (report templates, protocols, terminology) can be read:
    a bundle that lost them opens but cannot write a report."""
    from reporting.templates import builtin_templates
    from reporting.terminology import modality
    from workstation.justification import load_protocols

    label = QT_TRANSLATE_NOOP("Selftest", "Modèles et référentiels")
    try:
        templates = builtin_templates()
        protocols = load_protocols()
        ct = modality("CT")
    except Exception as exc:  # missing file, broken template: the cause goes to the user and the log
        log.warning("self-test: resources unreadable: %s: %s", type(exc).__name__, exc)
        detail = QT_TRANSLATE_NOOP("Selftest", "données de l'application illisibles ({error} : {cause})")
        return Check("resources", "versions", label, Status.FAILURE,
                     detail.format(error=type(exc).__name__, cause=str(exc)))
    data = {"templates": len(templates), "protocols": len(protocols), "terminology": ct.display}
    if not templates or not protocols or ct.display == ct.code:
        if ct.display == ct.code:
            detail = QT_TRANSLATE_NOOP("Selftest", "données incomplètes : {templates} modèles, {protocols} "
                                                   "protocoles, terminologie absente")
        else:
            detail = QT_TRANSLATE_NOOP("Selftest", "données incomplètes : {templates} modèles, {protocols} "
                                                   "protocoles, terminologie lue")
        return Check("resources", "versions", label, Status.FAILURE,
                     detail.format(templates=len(templates), protocols=len(protocols)), data)
    detail = QT_TRANSLATE_NOOP("Selftest", "{templates} modèles de compte rendu, {protocols} protocoles "
                                           "d'examen, terminologie lue")
    return Check("resources", "versions", label, Status.OK,
                 detail.format(templates=len(templates), protocols=len(protocols)), data)


# the first bytes of every file Qt's lrelease writes
_QM_MAGIC = bytes.fromhex("3cb86418caef9c95cd211cbf60a1bddd")


def check_translations() -> Check:
    """The compiled translation files are there and are Qt's: a bundle that lost them still opens,
    in French, but an English user would silently get French, and French plurals « 1 demande(s) »."""
    label = QT_TRANSLATE_NOOP("Selftest", "Langues de l'interface")
    bad = []
    for language in LANGUAGES:
        for qm in qm_files(language):
            try:
                with qm.open("rb") as handle:
                    valid = handle.read(len(_QM_MAGIC)) == _QM_MAGIC
            except OSError:
                valid = False
            if not valid:
                bad.append(qm.name)
    data = {"languages": sorted(LANGUAGES), "unreadable": bad}
    if bad:
        log.warning("self-test: translation files missing or damaged: %s", ", ".join(bad))
        detail = QT_TRANSLATE_NOOP("Selftest", "fichiers de traduction absents ou illisibles : {files}")
        return Check(
            "translations", "versions", label, Status.WARNING, detail.format(files=", ".join(bad)), data
        )
    detail = QT_TRANSLATE_NOOP("Selftest", "{languages} (fichiers de traduction lus)")
    return Check("translations", "versions", label, Status.OK,
                 detail.format(languages=", ".join(LANGUAGES.values())), data)


