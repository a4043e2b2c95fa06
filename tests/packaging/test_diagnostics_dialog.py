"""The diagnostics dialog, fed by a real self-test run on this machine, seen on screen."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from viewer.codecs import SUPPORTED
from workstation import selftest
from workstation.qt import theme
from workstation.qt.diagnostics import DiagnosticsDialog
from workstation.settings import Settings

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> selftest.SelfTestReport:
    settings = Settings(platform_url="https://127.0.0.1:9", cache_dir=tmp_path_factory.mktemp("cache"))
    return selftest.run_checks(settings, demo=True, include_qt=False)


def _section(dialog: DiagnosticsDialog, title: str):
    tree = dialog.tree
    items = (tree.topLevelItem(i) for i in range(tree.topLevelItemCount()))
    return next(item for item in items if item.text(0) == title)


def test_dialog_shows_every_subject_with_this_machines_facts(qtbot, report, artifacts_dir: Path) -> None:
    app = QApplication.instance()
    theme.apply(app)
    dialog = DiagnosticsDialog(report=report)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)

    titles = [dialog.tree.topLevelItem(i).text(0) for i in range(dialog.tree.topLevelItemCount())]
    assert titles == ["Versions", "Décodeurs DICOM", "Trousseau sécurisé", "Rendu 3D (OpenGL)", "Écrans",
                      "Connexion à la plateforme", "Paramètres", "File d'envoi"]
    versions = _section(dialog, "Versions")
    assert versions.text(2).startswith(f"application {report.version}, Python ")
    decoders = _section(dialog, "Décodeurs DICOM")
    assert decoders.childCount() == len(SUPPORTED) + 1  # one per syntax, plus the worker processes
    assert decoders.text(1) == "OK"
    assert decoders.text(2) == f"{len(SUPPORTED) + 1} vérifications réussies sur {len(SUPPORTED) + 1} " \
                               f"({len(SUPPORTED)} syntaxes de transfert)"
    assert {decoders.child(i).text(1) for i in range(decoders.childCount())} == {"OK"}

    gl = _section(dialog, "Rendu 3D (OpenGL)")
    rows = {gl.child(i).text(0): gl.child(i).text(2) for i in range(gl.childCount())}
    vtk = report.find("vtk")
    assert rows["Rendu OpenGL"] == vtk.data["gl_renderer"] and rows["Rendu OpenGL"]

    screens = _section(dialog, "Écrans")  # read live from this QApplication, not from the child
    screen = app.primaryScreen().geometry()
    # two checks (the screens, their GSDF calibration): each one's rows under its own line
    rows = [
        check.child(j).text(2)
        for check in (screens.child(i) for i in range(screens.childCount()))
        for j in range(check.childCount())
    ]
    # the screens work; none of this machine's is GSDF-calibrated, which is a warning (issue 21)
    assert screens.text(1) == "Avertissement"
    details = [screens.child(i).text(2) for i in range(screens.childCount())]
    assert any("calibré" in d for d in details), details
    assert any(r.startswith(f"{screen.width()}×{screen.height()}, ") for r in rows)

    platform = _section(dialog, "Connexion à la plateforme")
    assert platform.text(1) == "Avertissement" and "mode dégradé" in platform.text(2)
    keyring = _section(dialog, "Trousseau sécurisé")
    assert keyring.text(1) in ("OK", "Avertissement")
    assert "le poste est prêt" in dialog.summary.text()

    dialog.resize(1100, 820)
    qtbot.wait(50)
    path = artifacts_dir / "diagnostics_dialog.png"
    assert dialog.grab().save(str(path))
    assert path.stat().st_size > 10_000

    dialog.copy_report()
    copied = QApplication.clipboard().text().splitlines()
    assert copied[0].startswith("Autotest du poste de téléradiologie ")
    assert copied[-1].startswith("Résultat : le poste est prêt")
    assert any(line.startswith("[ OK  ] Affichage (Qt) : Qt ") for line in copied)


def test_failures_open_their_section_and_turn_the_summary_red(qtbot, report) -> None:
    broken = selftest.SelfTestReport(
        report.version, report.frozen, report.generated_at,
        tuple(c if c.id != "decoder.1.2.840.10008.1.2.4.90" else selftest.Check(
            c.id, c.category, c.label, selftest.Status.FAILURE, "échec du décodage (plugin absent)", c.data)
            for c in report.checks),
    )
    dialog = DiagnosticsDialog(report=broken)
    qtbot.addWidget(dialog)
    decoders = _section(dialog, "Décodeurs DICOM")
    assert decoders.text(1) == "Échec" and decoders.isExpanded()
    j2k = next(decoders.child(i) for i in range(decoders.childCount())
               if decoders.child(i).text(2).startswith("échec du décodage"))
    assert j2k.text(1) == "Échec"
    assert "N'EST PAS prêt" in dialog.summary.text() and theme.COLOURS.urgent in dialog.summary.text()


def test_rerun_runs_the_checks_off_the_gui_thread(qtbot, tmp_path: Path) -> None:
    settings = Settings(platform_url="https://127.0.0.1:9", cache_dir=tmp_path)
    dialog = DiagnosticsDialog(runner=partial(selftest.run_checks, settings, demo=True, include_qt=False))
    qtbot.addWidget(dialog)
    assert dialog.summary.text().startswith("Vérifications en cours")
    assert not dialog.rerun_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=60_000)
    assert dialog.rerun_button.isEnabled()
    assert dialog.report.find("qt") is not None  # added by the dialog from the running application
    assert len(dialog.report.checks) == len(SUPPORTED) + 12  # + the outbox (issue 22), the calibration (21)
