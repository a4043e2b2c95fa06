"""The diagnostics dialog: what this workstation runs on, in French, from the self-test's results.

When a radiologist calls support at night, the first questions are always the same: which version,
can it decode this compression, is the keyring usable, what OpenGL does VTK get, which screens, can
it reach the platform. The dialog answers them from :mod:`workstation.selftest` (the very checks
``--self-test`` prints), so the panel and the command line never disagree. The checks take about two
seconds (child processes for VTK, a network request): they run off the GUI thread; only the Qt part
(platform plugin, screens) is read here, on the GUI thread, from the running application.

``python -m workstation.qt.diagnostics`` opens the dialog alone.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from resources.translations import qt as language
from workstation.calibration import CalibrationError, read_readings
from workstation.qt.display import Displays, key_of
from workstation.qt.tasks import Tasks
from workstation.qt.theme import COLOURS
from workstation.selftest import SYNTAX_NAMES, Check, SelfTestReport, Status, calibration_check, qt_check_from
from workstation.selftest.qt_probe import describe_qt

log = logging.getLogger(__name__)

# Sections in the order support reads them, with their titles (translated when shown).
SECTIONS = (
    ("versions", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Versions")),
    ("decodeurs", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Décodeurs DICOM")),
    ("trousseau", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Trousseau sécurisé")),
    ("rendu", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Rendu 3D (OpenGL)")),
    ("affichage", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Écrans")),
    ("plateforme", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Connexion à la plateforme")),
    ("parametres", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Paramètres")),
    ("donnees", QT_TRANSLATE_NOOP("DiagnosticsDialog", "File d'envoi")),
    ("autotest", QT_TRANSLATE_NOOP("DiagnosticsDialog", "Autotest")),
)
# open even when all is well: short and what support asks about first
_UNFOLDED = frozenset({"rendu", "affichage", "plateforme", "donnees"})
STATUS_TEXT = {
    Status.OK: QT_TRANSLATE_NOOP("DiagnosticsDialog", "OK"),
    Status.WARNING: QT_TRANSLATE_NOOP("DiagnosticsDialog", "Avertissement"),
    Status.FAILURE: QT_TRANSLATE_NOOP("DiagnosticsDialog", "Échec"),
}
STATUS_COLOUR = {Status.OK: COLOURS.ok, Status.WARNING: COLOURS.warning, Status.FAILURE: COLOURS.urgent}


def _tr(text: str) -> str:
    return QCoreApplication.translate("DiagnosticsDialog", text)


def _installation(frozen: bool) -> str:
    if frozen:
        return QCoreApplication.translate("DiagnosticsDialog", "application empaquetée")
    return QCoreApplication.translate("DiagnosticsDialog", "environnement Python")


def _rows(check: Check) -> list[tuple[str, str]]:
    """The facts worth a line of their own under a check (label, value)."""
    data = check.data
    if check.id == "versions":
        rows = [(name, language.text(version)) for name, version in data.get("versions", {}).items()]
        rows.append((QCoreApplication.translate("DiagnosticsDialog", "Système"), str(data.get("system", ""))))
        rows.append(
            (
                QCoreApplication.translate("DiagnosticsDialog", "Installation"),
                _installation(data.get("frozen")),
            )
        )
        return rows
    if check.id == "vtk" and "gl_renderer" in data:
        unknown = QCoreApplication.translate("DiagnosticsDialog", "inconnu")
        return [
            (QCoreApplication.translate("DiagnosticsDialog", "Rendu OpenGL"), data["gl_renderer"] or unknown),
            (
                QCoreApplication.translate("DiagnosticsDialog", "Version OpenGL"),
                data["gl_version"] or unknown,
            ),
            (QCoreApplication.translate("DiagnosticsDialog", "Fournisseur"), data["gl_vendor"] or unknown),
            ("VTK", f"{data['vtk']} ({data['window_class']})"),
        ]
    if check.id == "qt" and "screens" in data:
        rows = [
            (
                "Qt",
                QCoreApplication.translate(
                    "DiagnosticsDialog", "{qt} (PySide6 {pyside}), plateforme « {platform} »"
                ).format(qt=data["qt"], pyside=data["pyside"], platform=data["platform"]),
            )
        ]
        for index, screen in enumerate(data["screens"], 1):
            label = QCoreApplication.translate("DiagnosticsDialog", "Écran {number}").format(number=index)
            if screen.get("name"):
                label += " " + QCoreApplication.translate("DiagnosticsDialog", "« {name} »").format(
                    name=screen["name"]
                )
            if screen.get("primary"):
                label += " " + QCoreApplication.translate("DiagnosticsDialog", "(principal)")
            rows.append(
                (
                    label,
                    QCoreApplication.translate(
                        "DiagnosticsDialog",
                        "{width}×{height}, {depth} bits, {dpi} ppp, {refresh} Hz, échelle {scale}",
                    ).format(
                        width=screen["width"],
                        height=screen["height"],
                        depth=screen["depth"],
                        dpi=screen["dpi"],
                        refresh=screen["refresh_hz"],
                        scale=screen["device_pixel_ratio"],
                    ),
                )
            )
        return rows
    if check.id == "platform":
        state = {
            "online": QT_TRANSLATE_NOOP("DiagnosticsDialog", "en ligne"),
            "degraded": QT_TRANSLATE_NOOP("DiagnosticsDialog", "mode dégradé"),
            "tls": QT_TRANSLATE_NOOP("DiagnosticsDialog", "certificat refusé"),
        }
        return [
            (QCoreApplication.translate("DiagnosticsDialog", "Adresse"), data.get("url", "")),
            (
                QCoreApplication.translate("DiagnosticsDialog", "Autorité de certification"),
                data.get("ca_file", ""),
            ),
            (
                QCoreApplication.translate("DiagnosticsDialog", "État"),
                _tr(state.get(data.get("state", ""), QT_TRANSLATE_NOOP("DiagnosticsDialog", "erreur"))),
            ),
        ]
    if check.id == "outbox":
        rows = [
            (QCoreApplication.translate("DiagnosticsDialog", "Fichier"), data.get("path", "")),
            (QCoreApplication.translate("DiagnosticsDialog", "Intégrité SQLite"), data.get("integrity", "")),
            (
                QCoreApplication.translate("DiagnosticsDialog", "En attente d'envoi"),
                str(data.get("pending", 0)),
            ),
            (
                QCoreApplication.translate("DiagnosticsDialog", "Messages signés absents de la file"),
                str(data.get("missing", 0)),
            ),
        ]
        rows += [
            (QCoreApplication.translate("DiagnosticsDialog", "Fichier endommagé conservé"), folder)
            for folder in data.get("set_aside", [])
        ]
        return rows
    if check.id == "settings":
        return [
            (QCoreApplication.translate("DiagnosticsDialog", "Plateforme"), data.get("platform_url", "")),
            (
                QCoreApplication.translate("DiagnosticsDialog", "Certificat d'autorité"),
                data.get("ca_file")
                or QCoreApplication.translate("DiagnosticsDialog", "autorités du système"),
            ),
            (QCoreApplication.translate("DiagnosticsDialog", "Cache des examens"), data.get("cache_dir", "")),
        ]
    return []


class DiagnosticsDialog(QDialog):
    """The self-test's results, grouped by subject, with a re-run and a copy for support.

    ``runner`` computes a report without Qt (``selftest.run_checks(..., include_qt=False)`` bound to the
    workstation's settings); it runs on a worker thread. ``report``, when given, is shown at once.
    """

    def __init__(
        self,
        runner: Callable[[], SelfTestReport] | None = None,
        report: SelfTestReport | None = None,
        parent: QWidget | None = None,
        displays: Displays | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Diagnostic du poste"))
        self.setObjectName("diagnosticsDialog")
        self.resize(980, 720)
        self.displays = displays
        self._runner = runner
        self._tasks = Tasks(self, workers=1)
        self.report: SelfTestReport | None = None

        self.summary = QLabel(self.tr("Vérifications en cours…"))
        self.summary.setObjectName("diagnosticsSummary")
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([self.tr("Vérification"), self.tr("État"), self.tr("Détail")])
        self.tree.setRootIsDecorated(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tree.setColumnWidth(0, 330)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Fermer"))
        self.rerun_button = QPushButton(self.tr("Relancer les vérifications"))
        self.copy_button = QPushButton(self.tr("Copier le rapport"))
        buttons.addButton(self.rerun_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.rerun_button.clicked.connect(self.rerun)
        self.copy_button.clicked.connect(self.copy_report)
        self.rerun_button.setEnabled(runner is not None)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        if displays is not None:
            layout.addWidget(self._calibration_box())
        layout.addWidget(buttons)

        if report is not None:
            self.show_report(report)
        elif runner is not None:
            self.rerun()

    # --- screens: GSDF calibration and TG18 patterns (issue 21) ----------------------------------------
    def _calibration_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Calibration GSDF des écrans et mires de contrôle"))
        box.setObjectName("calibrationBox")
        self.screen_combo = QComboBox()
        self.screen_combo.setObjectName("calibrationScreen")
        for index, screen in enumerate(QGuiApplication.screens(), 1):
            geometry = screen.geometry()
            self.screen_combo.addItem(
                self.tr("Écran {number} « {name} » ({width}×{height})").format(
                    number=index, name=screen.name(), width=geometry.width(), height=geometry.height()
                ),
                screen.name(),
            )
        self.calibration_label = QLabel()
        self.calibration_label.setObjectName("calibrationState")
        self.calibration_label.setWordWrap(True)
        self.calibration_label.setMinimumHeight(3 * self.calibration_label.fontMetrics().height() + 6)
        self.load_readings_button = QPushButton(self.tr("Charger des mesures de luminance…"))
        self.load_readings_button.setToolTip(
            self.tr(
                "Fichier CSV du photomètre : niveau de commande puis luminance (cd/m²) par ligne, du noir au "
                "blanc ; « # date: AAAA-MM-JJ » et « # ambiant: 0,3 » facultatifs"
            )
        )
        self.qc_button = QPushButton(self.tr("Mire TG18-QC"))
        self.qc_button.setObjectName("tg18QcButton")
        self.ln_button = QPushButton(self.tr("Mires TG18-LN"))
        self.ln_button.setObjectName("tg18LnButton")
        self.forget_button = QPushButton(self.tr("Oublier la calibration"))
        row = QHBoxLayout()
        row.addWidget(self.screen_combo, 1)
        row.addWidget(self.load_readings_button)
        row.addWidget(self.qc_button)
        row.addWidget(self.ln_button)
        row.addWidget(self.forget_button)
        inner = QVBoxLayout(box)
        inner.addLayout(row)
        inner.addWidget(self.calibration_label)
        self.screen_combo.currentIndexChanged.connect(lambda _: self._show_calibration())
        self.load_readings_button.clicked.connect(lambda: self.load_readings())
        self.qc_button.clicked.connect(lambda: self.show_pattern("TG18-QC"))
        self.ln_button.clicked.connect(lambda: self.show_pattern("TG18-LN8-01"))
        self.forget_button.clicked.connect(self._forget_calibration)
        self._show_calibration()
        return box

    def chosen_screen(self) -> Any:
        name = self.screen_combo.currentData()
        found = (s for s in QGuiApplication.screens() if s.name() == name)
        return next(found, QGuiApplication.primaryScreen())

    def _show_calibration(self) -> None:
        if self.displays is None:
            return
        screen = self.chosen_screen()
        state = self.displays.status(screen)
        readings = state.readings
        self.forget_button.setEnabled(readings is not None)
        if readings is None:
            self.calibration_label.setText(
                self.tr(
                    "« {screen} » : non calibré — les images sont affichées sans correction GSDF."
                ).format(screen=key_of(screen))
            )
            self.calibration_label.setStyleSheet(f"color: {COLOURS.warning};")
            return
        text = self.tr(
            "« {screen} » : calibré GSDF — L min {low} cd/m², L max {high} cd/m² (ambiant compris), "
            "mesures du {date} ({source}), paliers TG18-LN à {deviation} % de l'égalité (tolérance 10 %)."
        ).format(
            screen=key_of(screen),
            low=f"{readings.l_min:.2f}",
            high=f"{readings.l_max:.0f}",
            date=f"{readings.measured_on:%d/%m/%Y}",
            source=readings.source or self.tr("fichier"),
            deviation=f"{readings.tg18_deviation() * 100:.1f}",
        )
        colour = COLOURS.ok
        if state.outdated:
            text += " " + self.tr("⚠ Calibration de plus de {days} jours ({age} jours) : à refaire.").format(
                days=self.displays.max_age_days, age=state.age_days
            )
            colour = COLOURS.warning
        self.calibration_label.setText(text)
        self.calibration_label.setStyleSheet(f"color: {colour};")

    def load_readings(self, path: str | None = None) -> bool:
        """Read a photometer file for the chosen screen, calibrate it and say so (or why not)."""
        if self.displays is None:
            return False
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self,
                self.tr("Mesures de luminance de l'écran"),
                "",
                self.tr("Mesures (*.csv *.txt);;Tous (*)"),
            )
            if not path:
                return False
        from pathlib import Path

        screen = self.chosen_screen()
        try:
            self.displays.calibrate(screen, read_readings(Path(path)))
        except CalibrationError as exc:
            log.warning("display calibration refused for %s: %s", key_of(screen), exc)
            self._show_calibration()
            self.calibration_label.setText(language.text(exc.user_message))
            self.calibration_label.setStyleSheet(f"color: {COLOURS.urgent};")
            return False
        self._show_calibration()
        if self.report is not None:
            self.show_report(self.report)
        return True

    def _forget_calibration(self) -> None:
        if self.displays is not None:
            self.displays.forget(self.chosen_screen())
            self._show_calibration()
            if self.report is not None:
                self.show_report(self.report)

    def show_pattern(self, name: str) -> Any:
        """The TG18 pattern full screen on the chosen screen, through its calibration."""
        if self.displays is None:
            return None
        return self.displays.show_patterns(self.chosen_screen(), name)

    # --- running -----------------------------------------------------------------------------------
    def rerun(self) -> None:
        if self._runner is None:
            return
        self.rerun_button.setEnabled(False)
        self.summary.setText(self.tr("Vérifications en cours… (quelques secondes)"))
        self._tasks.run(self._runner, self.show_report, self._failed)

    def _failed(self, exc: BaseException) -> None:
        log.error("diagnostics: self-test raised: %s: %s", type(exc).__name__, exc)
        self.rerun_button.setEnabled(self._runner is not None)
        self.summary.setText(
            self.tr("Les vérifications n'ont pas pu être menées à terme : voir le journal du poste.")
        )

    # --- showing -----------------------------------------------------------------------------------
    def show_report(self, report: SelfTestReport) -> None:
        """Show ``report``; its Qt check is replaced by this application's own screens, read here."""
        app = QApplication.instance()
        if app is not None:
            try:
                live = qt_check_from(describe_qt(app))
            except Exception:  # a report without screens is still worth showing
                log.exception("diagnostics: cannot describe Qt")
            else:
                others = tuple(c for c in report.checks if c.id != "qt")
                report = replace(report, checks=(*others, live))
        if self.displays is not None:  # the calibration of the screens connected now
            keys = [key_of(screen) for screen in QGuiApplication.screens()]
            calibration = calibration_check(self.displays.store, self.displays.max_age_days, keys)
            others = tuple(c for c in report.checks if c.id != "calibration")
            report = replace(report, checks=(*others, calibration))
        self.report = report
        self.rerun_button.setEnabled(self._runner is not None)
        colour = COLOURS.ok if report.ok else COLOURS.urgent
        title = self.tr("Poste de téléradiologie {version}").format(version=language.text(report.version))
        checked = self.tr("vérifié le {date} à {time}").format(
            date=f"{report.generated_at.astimezone():%d/%m/%Y}",
            time=f"{report.generated_at.astimezone():%H:%M:%S}",
        )
        self.summary.setText(
            f"<b>{title}</b> ({_installation(report.frozen)}) — {checked}<br>"
            f"<span style='color:{colour}'>{language.text(report.summary())}</span>"
        )
        self.tree.clear()
        known = {category for category, _ in SECTIONS}
        for category, title in SECTIONS:
            checks = [c for c in report.checks if c.category == category]
            if checks:
                self._add_section(self.tr(title), checks, category in _UNFOLDED)
        strays = [c for c in report.checks if c.category not in known]
        if strays:
            self._add_section(self.tr("Autres vérifications"), strays, False)

    def _add_section(self, title: str, checks: list[Check], unfolded: bool) -> None:
        worst = max((c.status for c in checks), key=lambda s: list(Status).index(s))
        section = QTreeWidgetItem([title, self.tr(STATUS_TEXT[worst]), self._section_detail(checks)])
        section.setToolTip(2, section.text(2))  # details longer than the column are elided
        font = section.font(0)
        font.setBold(True)
        section.setFont(0, font)
        self._paint_status(section, worst)
        self.tree.addTopLevelItem(section)
        for check in checks:
            if len(checks) > 1:
                label = language.text(check.data.get("name") or check.label)
                detail = language.text(check.detail)
                item = QTreeWidgetItem([label, self.tr(STATUS_TEXT[check.status]), detail])
                item.setToolTip(2, detail)
                self._paint_status(item, check.status)
                section.addChild(item)
                parent = item
            else:
                section.setText(2, language.text(check.detail))
                section.setToolTip(2, language.text(check.detail))
                parent = section
            for name, value in _rows(check):
                row = QTreeWidgetItem([name, "", value])
                row.setToolTip(2, value)
                parent.addChild(row)
        # problems open by themselves; what works stays folded except the short, useful sections
        section.setExpanded(worst is not Status.OK or unfolded)
        troubled = {self.tr(STATUS_TEXT[Status.WARNING]), self.tr(STATUS_TEXT[Status.FAILURE])}
        for index in range(section.childCount()):
            child = section.child(index)
            child.setExpanded(child.text(1) in troubled)

    def _section_detail(self, checks: list[Check]) -> str:
        if len(checks) == 1:
            return language.text(checks[0].detail)
        versions = next((c.data.get("versions") for c in checks if c.id == "versions"), None)
        if versions:  # what support asks first, without unfolding
            wanted = ("application", "Python", "PySide6", "VTK", "pydicom")
            return ", ".join(f"{name} {language.text(versions[name])}" for name in wanted if name in versions)
        ok = sum(c.status is Status.OK for c in checks)
        if all(c.category == "decodeurs" for c in checks):
            syntaxes = sum(c.id.removeprefix("decoder.") in SYNTAX_NAMES for c in checks)
            return self.tr(
                "{ok} vérifications réussies sur {total} ({syntaxes} syntaxes de transfert)"
            ).format(ok=ok, total=len(checks), syntaxes=syntaxes)
        return self.tr("{ok} vérifications réussies sur {total}").format(ok=ok, total=len(checks))

    @staticmethod
    def _paint_status(item: QTreeWidgetItem, status: Status) -> None:
        item.setForeground(1, QBrush(QColor(STATUS_COLOUR[status])))
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignCenter)

    def report_text(self) -> str:
        """The report as the command line prints it, in the interface language, for a support ticket
        (no patient data in it)."""
        return "\n".join(language.text(line) for line in self.report.lines()) if self.report else ""

    def copy_report(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None and self.report is not None:
            clipboard.setText(self.report_text())
            self.summary.setText(
                self.summary.text() + "<br>" + self.tr("Rapport copié dans le presse-papiers.")
            )

    def done(self, result: int) -> None:
        self._tasks.shutdown()
        super().done(result)


def main(argv: list[str] | None = None) -> int:
    """Preview: the dialog alone, on this machine's real checks (settings file and defaults)."""
    from functools import partial

    from workstation import selftest
    from workstation.qt import theme
    from workstation.settings import load_settings

    app = QApplication.instance() or QApplication(sys.argv[:1] if argv is None else argv)
    theme.apply(app)
    loaded = load_settings()
    runner = partial(
        selftest.run_checks, loaded.settings, demo=True, problems=loaded.problems, include_qt=False
    )
    dialog = DiagnosticsDialog(runner)
    dialog.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
