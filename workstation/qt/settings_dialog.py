"""The settings dialog: what a site's IT sets once (platform address, its CA, the cache), in French.

Every field comes from :class:`workstation.settings.Settings` (its ``doc`` metadata is the tooltip), so
the dialog, the file and the command line cannot drift apart. A value the workstation cannot work with
is refused here with the settings' own French message; nothing is saved half-valid.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from resources.translations import LANGUAGES
from resources.translations import qt as language
from workstation.settings import Settings, SettingsError

LABELS = {
    "platform_url": QT_TRANSLATE_NOOP("SettingsDialog", "Adresse de la plateforme"),
    "ca_file": QT_TRANSLATE_NOOP("SettingsDialog", "Certificat de l'autorité (PEM)"),
    "organisation_name": QT_TRANSLATE_NOOP("SettingsDialog", "Organisation de téléradiologie"),
    "organisation_id": QT_TRANSLATE_NOOP("SettingsDialog", "Identifiant de l'organisation"),
    "request_timeout_seconds": QT_TRANSLATE_NOOP("SettingsDialog", "Délai des requêtes (s)"),
    "worklist_refresh_seconds": QT_TRANSLATE_NOOP("SettingsDialog", "Rafraîchissement de la liste (s)"),
    "idle_lock_minutes": QT_TRANSLATE_NOOP("SettingsDialog", "Verrouillage après inactivité (min)"),
    "cache_size_gb": QT_TRANSLATE_NOOP("SettingsDialog", "Taille du cache (Go)"),
    "cache_dir": QT_TRANSLATE_NOOP("SettingsDialog", "Dossier du cache chiffré"),
    "language": QT_TRANSLATE_NOOP("SettingsDialog", "Langue de l'interface"),
}


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, first_run: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Paramètres du poste"))
        self.setObjectName("settingsDialog")
        self.setMinimumWidth(640)
        self.result_settings: Settings | None = None
        # the settings the dialog does not show (PACS nodes, dictionary, calibrations...) are kept as they are
        self._settings = settings
        self._editors: dict[str, QWidget] = {}
        docs = {f.name: f.metadata.get("doc", "") for f in fields(Settings)}

        form = QFormLayout()
        for name, label in LABELS.items():
            value = getattr(settings, name)
            editor = self._editor(name, value)
            editor.setToolTip(language.text(docs.get(name, "")))
            self._editors[name] = editor
            row: QWidget = editor
            if name in ("ca_file", "cache_dir"):
                row = self._with_browse(editor, directory=name == "cache_dir")  # type: ignore[arg-type]
            form.addRow(self.tr(label), row)

        intro = QLabel(
            self.tr(
                "Premier démarrage : indiquez l'adresse HTTPS de la plateforme de téléradiologie et le "
                "certificat de l'autorité qui signe le sien (fournis par votre service informatique)."
            )
            if first_run
            else self.tr("Les changements s'appliquent au prochain démarrage du poste.")
        )
        intro.setWordWrap(True)
        intro.setObjectName("loginSubtitle")
        self.error = QLabel()
        self.error.setObjectName("loginError")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Enregistrer"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuler"))
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons

        for editor in self._editors.values():
            if isinstance(editor, QLineEdit):
                editor.textChanged.connect(self.error.hide)
            elif isinstance(editor, QComboBox):
                editor.currentIndexChanged.connect(self.error.hide)
            else:
                editor.valueChanged.connect(self.error.hide)  # type: ignore[attr-defined]

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    @staticmethod
    def _editor(name: str, value: object) -> QWidget:
        if name == "language":  # each language named in itself, as language menus do
            combo = QComboBox()
            combo.setObjectName("setting_language")
            for code, label in LANGUAGES.items():
                combo.addItem(label, code)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            return combo
        kind = next(f.metadata["kind"] for f in fields(Settings) if f.name == name)
        if kind is int:
            spin = QSpinBox()
            spin.setRange(1, 100_000)
            spin.setValue(int(value))  # type: ignore[arg-type]
            return spin
        if kind is float:
            box = QDoubleSpinBox()
            box.setRange(0.5, 10_000.0)
            box.setDecimals(1)
            box.setValue(float(value))  # type: ignore[arg-type]
            return box
        edit = QLineEdit("" if value is None else str(value))
        edit.setObjectName(f"setting_{name}")
        return edit

    def _with_browse(self, edit: QLineEdit, directory: bool) -> QWidget:
        button = QPushButton(self.tr("Parcourir…"))

        def browse() -> None:
            if directory:
                chosen = QFileDialog.getExistingDirectory(self, self.tr("Dossier du cache"), edit.text())
            else:
                chosen, _ = QFileDialog.getOpenFileName(
                    self, self.tr("Certificat de l'autorité"), edit.text(), "PEM (*.pem *.crt)"
                )
            if chosen:
                edit.setText(chosen)

        button.clicked.connect(browse)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit, 1)
        row.addWidget(button)
        return holder

    def values(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for name, editor in self._editors.items():
            if isinstance(editor, QLineEdit):
                out[name] = editor.text().strip()
            elif isinstance(editor, QSpinBox | QDoubleSpinBox):
                out[name] = editor.value()
            elif isinstance(editor, QComboBox):
                out[name] = editor.currentData()
        return out

    def _submit(self) -> None:
        try:
            chosen = self._settings.with_overrides(**self.values())
            chosen.check_ca_file()
        except SettingsError as exc:
            self.error.setText(language.text(exc.user_message))
            self.error.show()
            return
        self.result_settings = chosen
        self.accept()


def ask_settings(
    settings: Settings, path: Path | None, first_run: bool, parent: QWidget | None = None
) -> Settings | None:
    """Show the dialog; the accepted settings are saved (to ``path`` or the default file) and returned."""
    dialog = SettingsDialog(settings, first_run, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_settings is None:
        return None
    dialog.result_settings.save(path)
    return dialog.result_settings
