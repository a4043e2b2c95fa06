"""``teleradiologie --self-test`` (or ``python -m workstation.selftest``): is this installation able to work?

A radiologist's workstation fails in the field for reasons a developer's venv never shows: a frozen
bundle that lost the metadata through which pydicom finds the pylibjpeg decoders, worker processes
that cannot start once frozen, no acceptable OS keyring, a machine without usable OpenGL, a wrong
CA certificate. Each of those is checked here the way the application itself would meet it:

- decoders: for every transfer syntax the viewer supports (``viewer.codecs.SUPPORTED``), a tiny image
  is written in that syntax, its header read by ``viewer.headers`` and its frame decoded by
  ``viewer.codecs.decode_task`` — the loader's own path — and compared with the original pixels
  (exactly for lossless syntaxes, within a tolerance for lossy ones). The compressed frames are then
  decoded again in a ``spawn`` worker process, as the loader does;
- modules and data: every module of the application imports (in a child process), and the report
  templates, exam protocols and terminology shipped as package resources can be read;
- keyring: ``auth.keystore.KeyStore`` must accept the backend and answer a read (outside demonstration
  mode a refused keyring is a failure, in it a warning);
- VTK: a 64x64 offscreen render read back, its pixels asserted (a black image is a failure);
- Qt: the platform plugin starts and lists the screens;
- platform: ``GET /api/v1/health`` with the configured CA. Unreachable is not a failure: the workstation
  then works in degraded mode. A certificate that does not verify is one.

Qt and VTK run in child processes: a machine without display or GL aborts the process that tries,
and the self-test must still print its report. Output: one French line per check, or ``--json``.
Labels and details are marked with ``QT_TRANSLATE_NOOP("Selftest", ...)``: their value is the French
the command line prints, and the diagnostics dialog says them in the interface language.
Exit status 0 when nothing required failed, 1 otherwise, 2 for bad arguments.

The checks live in the package's modules (report, decoders and their JPEG frames as package data,
install, display, environment, isolated child processes; Qt's probe in ``qt_probe``, VTK's in
``viewer.render_check``); this module runs them all and prints the report.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from resources.translations import QT_TRANSLATE_NOOP, UserText
from workstation.selftest.decoders import (
    SAMPLE_SIZE,
    SYNTAX_NAMES,
    check_decoder_workers,
    check_decoders,
    compare,
    prepare_samples,
    sample_dataset,
    sample_image,
)
from workstation.selftest.display import (
    calibration_check,
    check_calibration,
    check_qt,
    check_vtk,
    qt_check_from,
    vtk_check_from,
)
from workstation.selftest.environment import check_keyring, check_outbox, check_platform
from workstation.selftest.install import (
    APPLICATION_PACKAGES,
    application_version,
    check_modules,
    check_resources,
    check_settings,
    check_translations,
    check_versions,
)
from workstation.selftest.isolated import run_isolated
from workstation.selftest.report import Check, SelfTestReport, Status

if TYPE_CHECKING:
    from workstation.settings import Settings

__all__ = [
    "APPLICATION_PACKAGES", "SAMPLE_SIZE", "SYNTAX_NAMES", "Check", "SelfTestReport", "Status",
    "calibration_check", "check_calibration", "check_decoder_workers", "check_decoders", "check_keyring",
    "check_modules", "check_outbox", "check_platform", "check_qt", "check_resources", "check_translations",
    "check_vtk", "compare", "main", "qt_check_from", "run_checks", "run_isolated", "sample_dataset",
    "sample_image", "vtk_check_from",
]

log = logging.getLogger(__name__)


def run_checks(
    settings: Settings,
    *,
    demo: bool = False,
    settings_file: Path | None = None,
    problems: Sequence[str] = (),
    include_qt: bool = True,
    data_dir: Path | None = None,
    outbox_problem: Callable[[], str] | None = None,
) -> SelfTestReport:
    """Every check, the slow ones (child processes, network) in parallel. Never raises for a bad machine.

    ``include_qt=False`` when the caller runs inside the application: it describes Qt itself, on its GUI
    thread (``workstation.selftest.qt_probe.describe_qt`` and :func:`qt_check_from`).
    """
    def unexpected(exc: Exception) -> UserText:
        return QT_TRANSLATE_NOOP("Selftest", "erreur inattendue ({error} : {cause})").format(
            error=type(exc).__name__, cause=str(exc))

    def guarded(name: str, check: Callable[[], Check]) -> Callable[[], Check]:
        def run() -> Check:
            try:
                return check()
            except Exception as exc:  # a check that breaks is reported as failed, never kills the report
                log.exception("self-test: check %s raised", name)
                return Check(name, "autotest",
                             QT_TRANSLATE_NOOP("Selftest", "Vérification « {name} »").format(name=name),
                             Status.FAILURE, unexpected(exc))
        return run

    with ThreadPoolExecutor(5, thread_name_prefix="self-test") as pool:
        modules = pool.submit(guarded("modules", check_modules))
        vtk = pool.submit(guarded("vtk", check_vtk))
        qt = pool.submit(guarded("qt", check_qt)) if include_qt else None
        remote = pool.submit(guarded("platform", lambda: check_platform(settings)))
        checks = [check_versions(), check_settings(settings, settings_file, problems)]
        checks.append(modules.result())
        checks.append(guarded("resources", check_resources)())
        checks.append(guarded("translations", check_translations)())
        with tempfile.TemporaryDirectory(prefix="tlr-selftest-") as folder:
            try:
                samples = prepare_samples(Path(folder))
            except Exception as exc:  # viewer or pydicom missing from the bundle
                log.exception("self-test: samples could not be prepared")
                detail = QT_TRANSLATE_NOOP("Selftest", "modules de lecture DICOM absents ({error} : {cause})")
                checks.append(Check("decoders", "decodeurs", QT_TRANSLATE_NOOP("Selftest", "Décodeurs DICOM"),
                                    Status.FAILURE, detail.format(error=type(exc).__name__, cause=str(exc))))
            else:
                workers = pool.submit(guarded("decoder.workers", lambda: check_decoder_workers(samples)))
                try:
                    checks.extend(check_decoders(samples))
                except Exception as exc:  # reported as one failed check, the others still run
                    log.exception("self-test: decoder checks raised")
                    checks.append(Check("decoders", "decodeurs",
                                        QT_TRANSLATE_NOOP("Selftest", "Décodeurs DICOM"), Status.FAILURE,
                                        unexpected(exc)))
                checks.append(workers.result())
        checks.append(guarded("keyring", lambda: check_keyring(demo))())
        problem = outbox_problem() if outbox_problem is not None else ""
        checks.append(guarded("outbox", lambda: check_outbox(data_dir, problem))())
        checks.append(guarded("calibration", lambda: check_calibration(settings, settings_file))())
        checks.extend(f.result() for f in (qt, vtk, remote) if f is not None)
    return SelfTestReport(application_version(), bool(getattr(sys, "frozen", False)), datetime.now(UTC),
                          tuple(checks))


def _arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="teleradiologie --self-test",
        description="Vérifie l'installation du poste (décodeurs, trousseau, VTK, affichage, plateforme).",
    )
    parser.add_argument("--json", action="store_true", help="rapport JSON sur la sortie standard")
    parser.add_argument("--platform-url", help="adresse HTTPS de la plateforme")
    parser.add_argument("--ca-file", help="certificat (PEM) de l'autorité de la plateforme")
    parser.add_argument("--settings", type=Path, help="fichier de paramètres (JSON)")
    parser.add_argument("--demo", action="store_true", help="accepte l'absence de trousseau (démonstration)")
    parser.add_argument("--no-display", action="store_true",
                        help="ne vérifie pas l'affichage (serveur sans écran)")
    # the application's other options (--login...) do not matter here
    args, _ignored = parser.parse_known_args(list(argv))
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    from workstation.settings import SettingsError, load_settings

    loaded = load_settings(args.settings)
    try:
        settings = loaded.settings.with_overrides(platform_url=args.platform_url, ca_file=args.ca_file)
    except SettingsError as exc:
        print(f"Paramètre invalide : {exc.user_message}", file=sys.stderr)
        return 2
    report = run_checks(settings, demo=args.demo, settings_file=args.settings, problems=loaded.problems,
                        include_qt=not args.no_display)
    if args.json:
        text = json.dumps(report.to_json(), ensure_ascii=False, indent=2)
    else:
        text = "\n".join(report.lines())
    if sys.stdout is None:  # a windowed executable (Windows) started without redirection has no stdout
        target = Path(tempfile.gettempdir()) / f"teleradiologie-autotest.{'json' if args.json else 'txt'}"
        target.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
        sys.stdout.flush()
    return 0 if report.ok else 1
