"""The settings dialog: what a site's IT sets once (platform address, its CA, the cache, the sites'
PACS), in French.

Every field comes from :class:`workstation.settings.Settings` (its ``doc`` metadata is the tooltip), so
the dialog, the file and the command line cannot drift apart. A value the workstation cannot work with
is refused here with the settings' own French message; nothing is saved half-valid.

The PACS tab edits what :class:`workstation.pacs.nodes.PacsNode` holds (one entry per site's PACS: its
called AE title, address, port, retrieval method, TLS files, the sites it serves) and the workstation's
own DICOM identity (calling AE title, C-MOVE receiver). « Tester la connexion » sends one C-ECHO with the
values being edited, on a worker thread: a PACS that does not answer must not freeze the dialog for its
whole timeout.
"""

from __future__ import annotations

import logging
import weakref
from dataclasses import fields
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from resources.translations import LANGUAGES
from resources.translations import qt as language
from workstation.pacs.nodes import RETRIEVE_METHODS, PacsConfigError, PacsNode
from workstation.qt.tasks import Tasks
from workstation.qt.theme import COLOURS
from workstation.settings import Settings, SettingsError

log = logging.getLogger(__name__)

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


PACS_LABELS = {
    "name": QT_TRANSLATE_NOOP("SettingsDialog", "Nom"),
    "ae_title": QT_TRANSLATE_NOOP("SettingsDialog", "Titre AE du PACS (appelé)"),
    "host": QT_TRANSLATE_NOOP("SettingsDialog", "Adresse"),
    "port": QT_TRANSLATE_NOOP("SettingsDialog", "Port"),
    "retrieve": QT_TRANSLATE_NOOP("SettingsDialog", "Récupération des images"),
    "sites": QT_TRANSLATE_NOOP("SettingsDialog", "Sites servis"),
    "current_exams": QT_TRANSLATE_NOOP("SettingsDialog", "Examens du jour"),
    "timeout_seconds": QT_TRANSLATE_NOOP("SettingsDialog", "Délai de réponse (s)"),
    "tls": QT_TRANSLATE_NOOP("SettingsDialog", "Chiffrement"),
    "tls_ca_file": QT_TRANSLATE_NOOP("SettingsDialog", "Autorité du PACS (PEM)"),
    "tls_cert_file": QT_TRANSLATE_NOOP("SettingsDialog", "Certificat du poste (PEM)"),
    "tls_key_file": QT_TRANSLATE_NOOP("SettingsDialog", "Clé du poste (PEM)"),
}
OWN_LABELS = {
    "dimse_ae_title": QT_TRANSLATE_NOOP("SettingsDialog", "Titre AE du poste (appelant)"),
    "dimse_listen_host": QT_TRANSLATE_NOOP("SettingsDialog", "Adresse de réception C-MOVE"),
    "dimse_listen_port": QT_TRANSLATE_NOOP("SettingsDialog", "Port de réception C-MOVE"),
}
_TLS_FILES = ("tls_ca_file", "tls_cert_file", "tls_key_file")

_echo_tasks: Tasks | None = None


def _tasks() -> Tasks:
    """The worker of the connection tests: one for the application, owned by it, so that a dialog
    closed while a C-ECHO still waits for its timeout is never destroyed off the GUI thread (the
    worker holds only plain data and a weak reference to the dialog)."""
    global _echo_tasks
    if _echo_tasks is None:
        _echo_tasks = Tasks(QCoreApplication.instance(), workers=2)
    return _echo_tasks


def _echo(local: Settings, node: PacsNode) -> float:
    """Runs on the worker: pynetdicom is loaded there, the first time a PACS is tested."""
    from workstation.pacs.cached import echo

    return echo(local, node)


class PacsSection(QWidget):
    """The PACS tab: the workstation's DICOM identity, then the list of the sites' PACS and the
    selected one's entry. Entries are kept as the settings file writes them (JSON objects) while they
    are edited, so a half-typed entry can be left for another one and checked only when saved."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pacsSection")
        self._settings = settings
        docs = {f.name: f.metadata.get("doc", "") for f in fields(Settings)}
        self.entries: list[dict[str, Any]] = [node.to_json() for node in settings.pacs]
        self._current = -1
        self._test_token = 0

        own = QFormLayout()
        self.ae_title = QLineEdit(settings.dimse_ae_title)
        self.ae_title.setObjectName("setting_dimse_ae_title")
        self.ae_title.setMaxLength(16)
        self.listen_host = QLineEdit(settings.dimse_listen_host)
        self.listen_host.setObjectName("setting_dimse_listen_host")
        self.listen_port = QSpinBox()
        self.listen_port.setObjectName("setting_dimse_listen_port")
        self.listen_port.setRange(1, 65535)
        self.listen_port.setValue(settings.dimse_listen_port)
        for name, editor in (("dimse_ae_title", self.ae_title), ("dimse_listen_host", self.listen_host),
                             ("dimse_listen_port", self.listen_port)):
            editor.setToolTip(language.text(docs.get(name, "")))
            own.addRow(QCoreApplication.translate("SettingsDialog", OWN_LABELS[name]), editor)

        self.list = QListWidget()
        self.list.setObjectName("pacsList")
        self.list.setMaximumHeight(110)
        self.add_button = QPushButton(self.tr("Ajouter un PACS"))
        self.add_button.setObjectName("addPacs")
        self.add_button.clicked.connect(self.add_entry)
        self.remove_button = QPushButton(self.tr("Retirer"))
        self.remove_button.setObjectName("removePacs")
        self.remove_button.clicked.connect(self.remove_entry)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        listing = QHBoxLayout()
        listing.addWidget(self.list, 1)
        listing.addLayout(buttons)

        self.empty = QLabel(self.tr("Aucun PACS : les images viennent de la plateforme seule. « Ajouter un "
                                    "PACS » pour interroger aussi celui d'un site en DICOM (C-FIND, C-MOVE "
                                    "ou C-GET)."))
        self.empty.setObjectName("loginSubtitle")
        self.empty.setWordWrap(True)

        self.node_form = QWidget()
        form = QFormLayout(self.node_form)
        form.setContentsMargins(0, 0, 0, 0)
        self.name = QLineEdit()
        self.name.textEdited.connect(self._renamed)
        self.called = QLineEdit()
        self.called.setMaxLength(16)
        self.host = QLineEdit()
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.retrieve = QComboBox()
        for method in RETRIEVE_METHODS:
            self.retrieve.addItem(method, method)
        self.retrieve.setToolTip(self.tr(
            "C-MOVE : le PACS renvoie les images vers le port de réception du poste (à déclarer dans le "
            "PACS). C-GET : tout passe par la connexion ouverte par le poste, aucun port entrant."))
        self.sites = QLineEdit()
        self.sites.setPlaceholderText(self.tr("vide : tous les sites"))
        self.sites.setToolTip(self.tr(
            "Établissements (MSH-4, ou MSH-3^MSH-4) dont ce PACS détient les examens, séparés par des "
            "virgules : seuls leurs patients y sont recherchés. Vide : tous."))
        self.current_exams = QCheckBox(self.tr("Ce PACS fournit les examens du jour de ses sites"))
        self.current_exams.setToolTip(self.tr(
            "Coché : l'examen à lire est récupéré d'abord sur ce PACS, la plateforme servant de secours. "
            "Sinon ce PACS n'est interrogé que si la plateforme n'a pas les images de l'examen."))
        self.timeout = QDoubleSpinBox()
        self.timeout.setRange(0.5, 600.0)
        self.timeout.setDecimals(1)
        self.tls = QCheckBox(self.tr("Connexion DICOM chiffrée (TLS)"))
        self.tls.toggled.connect(self._tls_toggled)
        self.tls_files: dict[str, QLineEdit] = {name: QLineEdit() for name in _TLS_FILES}
        self._browse: dict[QLineEdit, QPushButton] = {}
        self.editors: dict[str, QWidget] = {
            "name": self.name, "ae_title": self.called, "host": self.host, "port": self.port,
            "retrieve": self.retrieve, "sites": self.sites, "current_exams": self.current_exams,
            "timeout_seconds": self.timeout, "tls": self.tls,
            **self.tls_files,
        }
        for name, editor in self.editors.items():
            editor.setObjectName(f"pacs_{name}")
            row: QWidget = editor
            label = QCoreApplication.translate("SettingsDialog", PACS_LABELS[name])
            if name in _TLS_FILES:
                row = self._with_browse(self.tls_files[name], label)
            form.addRow(label, row)
        self.test_button = QPushButton(self.tr("Tester la connexion"))
        self.test_button.setObjectName("testPacs")
        self.test_button.setToolTip(self.tr("Envoie un C-ECHO au PACS avec les valeurs saisies."))
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = QLabel()
        self.test_result.setObjectName("pacsTestResult")
        self.test_result.setWordWrap(True)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)
        form.addRow(test_row)

        layout = QVBoxLayout(self)
        own_title = QLabel(self.tr("Ce poste"))
        own_title.setObjectName("loginTitle")
        layout.addWidget(own_title)
        layout.addLayout(own)
        sites_title = QLabel(self.tr("PACS des sites"))
        sites_title.setObjectName("loginTitle")
        layout.addWidget(sites_title)
        layout.addLayout(listing)
        layout.addWidget(self.empty)
        layout.addWidget(self.node_form)
        layout.addStretch(1)

        for entry in self.entries:
            self.list.addItem(str(entry.get("name", "")))
        self.list.currentRowChanged.connect(self._select)
        if self.entries:
            self.list.setCurrentRow(0)
        else:
            self._select(-1)

    def _with_browse(self, edit: QLineEdit, title: str) -> QWidget:
        button = QPushButton(self.tr("Parcourir…"))

        def browse() -> None:
            chosen, _ = QFileDialog.getOpenFileName(self, title, edit.text(), "PEM (*.pem *.crt *.key)")
            if chosen:
                edit.setText(chosen)

        button.clicked.connect(browse)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit, 1)
        row.addWidget(button)
        self._browse[edit] = button
        return holder

    # --- the entries ------------------------------------------------------------------------------
    def _tls_toggled(self, on: bool) -> None:
        for edit in self.tls_files.values():
            edit.setEnabled(on)
            if edit in self._browse:
                self._browse[edit].setEnabled(on)

    def _renamed(self, text: str) -> None:
        item = self.list.item(self._current)
        if item is not None:
            item.setText(text)

    def _store(self) -> None:
        """The editors' values into the entry being edited (as the settings file writes them)."""
        if not 0 <= self._current < len(self.entries):
            return
        entry = self.entries[self._current]
        entry.update(
            name=self.name.text().strip(),
            ae_title=self.called.text().strip(),
            host=self.host.text().strip(),
            port=self.port.value(),
            retrieve=self.retrieve.currentData(),
            sites=[s.strip() for s in self.sites.text().split(",") if s.strip()],
            current_exams=self.current_exams.isChecked(),
            timeout_seconds=self.timeout.value(),
            tls=self.tls.isChecked(),
        )
        for name, edit in self.tls_files.items():  # kept when TLS is off: ticking it again finds them
            entry[name] = edit.text().strip() or None

    def _select(self, row: int) -> None:
        self._store()
        self._current = row
        self._test_token += 1  # a test still running speaks of the entry left
        self._show_result("", None)
        has = 0 <= row < len(self.entries)
        self.node_form.setVisible(has)
        self.empty.setVisible(not self.entries)
        self.remove_button.setEnabled(has)
        if not has:
            return
        entry = self.entries[row]
        self.name.setText(str(entry.get("name", "")))
        self.called.setText(str(entry.get("ae_title", "")))
        self.host.setText(str(entry.get("host", "")))
        self.port.setValue(int(entry.get("port", 104) or 104))
        self.retrieve.setCurrentIndex(max(0, self.retrieve.findData(entry.get("retrieve", "C-MOVE"))))
        self.sites.setText(", ".join(str(s) for s in entry.get("sites", []) or []))
        self.current_exams.setChecked(entry.get("current_exams") is True)
        self.timeout.setValue(float(entry.get("timeout_seconds", 10.0) or 10.0))
        self.tls.setChecked(bool(entry.get("tls", False)))
        for name, edit in self.tls_files.items():
            edit.setText(str(entry.get(name) or ""))
        self._tls_toggled(self.tls.isChecked())

    def add_entry(self) -> None:
        self._store()
        names = {str(e.get("name", "")) for e in self.entries}
        number = len(self.entries) + 1
        while self.tr("PACS {number}").format(number=number) in names:
            number += 1
        name = self.tr("PACS {number}").format(number=number)
        self.entries.append({"name": name, "ae_title": "", "host": "", "port": 104, "retrieve": "C-MOVE",
                             "tls": False, "sites": [], "current_exams": False, "timeout_seconds": 10.0})
        self.list.addItem(name)
        self.list.setCurrentRow(len(self.entries) - 1)
        self.called.setFocus()

    def remove_entry(self) -> None:
        row = self._current
        if not 0 <= row < len(self.entries):
            return
        self._current = -1  # nothing to store: the entry goes
        del self.entries[row]
        self.list.takeItem(row)
        self._select(self.list.currentRow())

    def select_named(self, name: str) -> None:
        for row, entry in enumerate(self.entries):
            if entry.get("name") == name:
                self.list.setCurrentRow(row)
                return

    # --- values and test ------------------------------------------------------------------------
    def values(self) -> dict[str, object]:
        """The settings this tab edits, as :meth:`Settings.with_overrides` takes them."""
        self._store()
        return {
            "dimse_ae_title": self.ae_title.text().strip(),
            "dimse_listen_host": self.listen_host.text().strip(),
            "dimse_listen_port": self.listen_port.value(),
            "pacs": [dict(entry) for entry in self.entries],
        }

    def test_connection(self) -> None:
        """One C-ECHO with the values on screen (the workstation's AE title included), off the GUI
        thread; the answer (round trip, or the French reason) is written beside the button."""
        self._store()
        if not 0 <= self._current < len(self.entries):
            return
        try:
            local = self._settings.with_overrides(
                dimse_ae_title=self.ae_title.text().strip(),
                dimse_listen_host=self.listen_host.text().strip(),
                dimse_listen_port=self.listen_port.value(),
            )
            node = PacsNode.from_json(self.entries[self._current])
        except SettingsError as exc:
            self._show_result(language.text(exc.user_message), False)
            return
        except PacsConfigError as exc:
            self._show_result(language.text(exc.user_message), False)
            return
        self._test_token += 1
        token = self._test_token
        self.test_button.setEnabled(False)
        testing = self.tr("Test de la connexion à {host}:{port}…")
        self._show_result(testing.format(host=node.host, port=node.port), None)
        me = weakref.ref(self)

        def done(seconds: float) -> None:
            section = me()
            if section is not None:
                section._tested(token, seconds, None)

        def failed(exc: BaseException) -> None:
            section = me()
            if section is not None:
                section._tested(token, None, exc)

        _tasks().run(lambda: _echo(local, node), done, failed)

    def _tested(self, token: int, seconds: float | None, exc: BaseException | None) -> None:
        self.test_button.setEnabled(True)
        if token != self._test_token:  # another entry is shown now
            return
        if exc is None and seconds is not None:
            self._show_result(self.tr("Connexion réussie ({ms} ms)").format(ms=max(1, round(seconds * 1000))),
                              True)
            return
        message = getattr(exc, "user_message", None)
        if message is None:
            log.error("PACS connection test failed unexpectedly", exc_info=exc)
            self._show_result(self.tr("Échec du test de connexion : erreur inattendue (détail dans le "
                                      "journal du poste)."), False)
            return
        self._show_result(self.tr("Échec : {reason}").format(reason=language.text(message)), False)

    def _show_result(self, text: str, ok: bool | None) -> None:
        self.test_result.setText(text)
        colour = COLOURS.muted if ok is None else COLOURS.ok if ok else COLOURS.urgent
        self.test_result.setStyleSheet(f"color: {colour};")


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

        general = QWidget()
        general.setLayout(form)
        self.pacs = PacsSection(settings)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        self.tabs.addTab(general, self.tr("Poste et plateforme"))
        self.tabs.addTab(self.pacs, self.tr("PACS (DICOM)"))
        for edit in (self.pacs.ae_title, self.pacs.listen_host, *self.pacs.editors.values()):
            if isinstance(edit, QLineEdit):
                edit.textChanged.connect(self.error.hide)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tabs, 1)
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
        try:
            chosen = chosen.with_overrides(**self.pacs.values())
        except SettingsError as exc:  # the PACS tab is shown, with the entry the message names
            self.tabs.setCurrentWidget(self.pacs)
            for entry in self.pacs.entries:
                if f"« {entry.get('name')} »" in str(exc.user_message):
                    self.pacs.select_named(str(entry.get("name")))
                    break
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
