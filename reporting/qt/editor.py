"""The report editor: the panel beside the viewer where the radiologist writes and checks the report.

What the radiologist types goes into the four ANS chapters, filled from a template (fields with
pick lists, free text, macros expanded by Tab); everything injected from elsewhere (dose,
participants, times, acts, products, incidents, teleradiology mention) is shown read-only with its
source. What only the radiologist can supply is entered here, marked « saisie »: the identity
check, the DLP/DAP read on the console when the images lack it (or why the dose is missing),
incidents, the urgent-result communication, the addendum of a new version.

The panel is a view of a Qt-free model, ``reporting.editing.EditModel``: it holds the values, under
typed keys (``reporting.fields``), and composes the report. Every edit is an ``Edit`` of that model
wrapped in a command of one ``QUndoStack`` (``reporting.qt.editor_commands``): typing (merged per
field, like a word processor, until the field loses focus, the cursor moves or another edit comes in
between), field picks, macro expansions, pastes, measurement insertions and the entries above. The
Qt text widgets keep their own undo history; here it is driven from the editor's stack, so Ctrl+Z in
a chapter, in a field or in a menu walks the same history, and undo shows what it changes. Changing
the template keeps what was written but starts the history again. The report is unsaved while the
stack is not clean (``is_modified``).

The panel's texts follow the interface language; the report stays French. Its parts: ``editor_widgets``,
``editor_form`` (the writing form), ``injected`` (read-only items), ``checks_panel`` (« Signer »).

For the application: ``ReportEditor(report, template=None)``, ``report()``, ``set_report()``,
``insert_measurement(text)``, ``set_locked()``, ``undo_stack()``, ``set_template()``; the signals
``signRequested(Report)`` (only when ``reporting.checks`` finds nothing missing; otherwise the list
is shown and the focus jumps to the first place to fix) and ``reportChanged(Report)`` (to keep the
draft safe). Signing itself (second factor, sending) is the application's job; a signed report
shown with ``set_report`` is locked.
"""

from __future__ import annotations

import itertools
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QTextCursor, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QTabWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reporting import checks
from reporting.editing import Edit, EditModel
from reporting.fields import ChapterText, FieldKey, Place, TemplateValue, parent
from reporting.html import report_html
from reporting.macros import utf16_prefix
from reporting.markdown import xml_safe
from reporting.model import Chapter, Measurement, Report, ReportStatus
from reporting.qt.checks_panel import ChecksPanel
from reporting.qt.editor_commands import ValueChange
from reporting.qt.editor_form import TemplateChoice, WritingForm
from reporting.qt.editor_widgets import (
    SOURCE_BADGES,
    FocusWatcher,
    Preview,
    ScreenSplitter,
    chapter_title,
    editor_tr,
)
from reporting.qt.injected import fill_injected, header_html, injected_tree
from reporting.spelling import default_checker
from reporting.templates import ReportTemplate

__all__ = ["SOURCE_BADGES", "ReportEditor"]

log = logging.getLogger(__name__)
PARIS = ZoneInfo("Europe/Paris")


class ReportEditor(QWidget):
    """The report panel. ``report()`` is the model with the edits applied; ``signRequested(Report)``
    is emitted only when the pre-sign checks find nothing missing; ``reportChanged(Report)`` follows
    the edits (at most every quarter of a second) so that the application can keep the draft safe."""

    signRequested = Signal(object)
    reportChanged = Signal(object)

    def __init__(
        self, report: Report, template: ReportTemplate | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ReportEditor")
        self._template = template
        self.model = EditModel(report, template)
        self.model.changed.subscribe(self._model_changed)
        self._stack = QUndoStack(self)
        self._applying = 0
        self._value_serial = 0
        self._locked = False
        self._current_chapter = Chapter.RESULTS
        self._tree_items: dict[FieldKey, QTreeWidgetItem] = {}
        self._focus_watcher = FocusWatcher(self)
        self._speller = default_checker()
        self._fit_timer = QTimer(self, singleShot=True, interval=0)
        self._fit_timer.timeout.connect(lambda: self._writing.fit_choices())
        self._confirmed_warnings: tuple[str, ...] | None = None
        self._build()
        self._refresh_timer = QTimer(self, singleShot=True, interval=250)
        self._refresh_timer.timeout.connect(self._refresh)
        self._edited = False
        self._stack.indexChanged.connect(self._stack_moved)
        self.set_report(report)

    # --- public API ---------------------------------------------------------------------------------

    def report(self) -> Report:
        """The report as edited: chapters from the fields and texts, identity check, dose, incidents..."""
        return self.model.report()

    def is_modified(self) -> bool:
        """Edited since loaded (or since ``set_saved``): the undo stack is not at its clean state."""
        return not self._stack.isClean()

    def set_saved(self) -> None:
        """What is shown now is saved: undoing from here makes the report modified again."""
        self._stack.setClean()

    def set_report(self, report: Report) -> None:
        """Show another report (or a new version): the undo history starts again; a signed one is locked."""
        self._stack.clear()
        self._edited = False
        self.model.load(report, self._template)
        form = self._writing
        self._applying += 1
        try:
            for chapter in Chapter:
                part = self._template.chapter(chapter) if self._template else None
                for template_field in part.fields if part is not None else ():
                    key = TemplateValue(template_field.id)
                    form.show_field(key, self.model.text(key))
                form.chapter_edits[chapter].setPlainText(self.model.text(ChapterText(chapter)))
                form.show_chapter_source(chapter, report.chapter(chapter))
            form.show_urgent(report.urgent_communication)
            form.show_identity(report.identity_check)
            form.dose_reason.setText(report.dose_missing_reason)
            for line in (form.typed_dlp, form.typed_dap, form.incident):
                line.setText("")
            form.addendum.setPlainText(self.model.text(Place.ADDENDUM))
        finally:
            self._applying -= 1
        form.dose_row.setVisible(report.is_ionising)
        form.addendum_group.setVisible(report.addendum is not None)
        if report.addendum is not None:
            form.addendum_group.setTitle(
                self.tr("Addendum de la version {version} ({author})").format(
                    version=report.version, author=report.addendum.author.display_name
                )
            )
        form.dose_form.setRowVisible(form.typed_dlp, self.model.asks_dlp())
        form.dose_form.setRowVisible(form.typed_dap, self.model.asks_dap())
        fill_injected(self._tree, self._tree_items, report)
        self._header.setText(header_html(report, self._template))
        self._status.setText("")
        self.set_locked(report.status is ReportStatus.SIGNED)
        self._refresh()

    def insert_measurement(self, text: str, record: Measurement | None = None) -> None:
        """Insert a measurement from the viewer at the cursor of the current chapter (one undo step).

        ``record`` is the measurement as data (CDA entries, SR): the report keeps it as long as its
        sentence ``text`` stays in the report, so undoing the insertion or editing the number drops
        it, and the structured value never contradicts the text the radiologist signs."""
        if self._locked:
            self._status.setText(self.tr("Compte rendu verrouillé : la mesure n'a pas été insérée."))
            return
        edit = self._writing.chapter_edits[self._current_chapter]
        clean = " ".join(xml_safe(text).split("\n")).strip()
        if not clean:
            return

        def insert(cursor: QTextCursor) -> None:
            before = utf16_prefix(cursor.block().text(), cursor.positionInBlock())  # Qt counts UTF-16
            needs_space = bool(before) and not before[-1].isspace()
            cursor.insertText((" " if needs_space else "") + clean)

        if record is not None:
            self.model.add_measurement(record)
        edit.edit_as(self.tr("Insérer une mesure"), insert)
        edit.ensureCursorVisible()
        chapter = chapter_title(self._current_chapter)
        self._status.setText(self.tr("Mesure insérée dans « {chapter} ».").format(chapter=chapter))

    def set_locked(self, locked: bool) -> None:
        """Read-only once signed: nothing can be typed, picked or inserted; signing is disabled."""
        self._locked = locked
        form = self._writing
        for edit in (*form.chapter_edits.values(), form.addendum):
            edit.setReadOnly(locked)
        for widget in form.field_widgets.values():
            widget.setEnabled(not locked)
        form.identity.setEnabled(not locked)
        for line in (form.dose_reason, form.typed_dlp, form.typed_dap, form.incident, form.urgent_recipient):
            line.setReadOnly(locked)
        for button in (form.incident_button, form.urgent_button, form.urgent_means):
            button.setEnabled(not locked)
        self._checks.sign_button.setEnabled(not locked)
        self._undo_action.setEnabled(not locked and self._stack.canUndo())
        self._redo_action.setEnabled(not locked and self._stack.canRedo())
        self._lock_banner.setVisible(locked)
        self._refresh_timer.start()
        if locked:
            when = self.model.base.signature_time
            if when and when.tzinfo:
                at = when.astimezone(PARIS)
                text = self.tr(
                    "Compte rendu signé le {date} à {time} : verrouillé. "
                    "Toute correction passe par une nouvelle version."
                ).format(date=f"{at:%d/%m/%Y}", time=f"{at:%H:%M}")
            else:
                text = self.tr(
                    "Compte rendu signé : verrouillé. Toute correction passe par une nouvelle version."
                )
            self._lock_banner.setText(text)

    def undo_stack(self) -> QUndoStack:
        return self._stack

    def template(self) -> ReportTemplate | None:
        return self._template

    def chapter_edit(self, chapter: Chapter) -> QPlainTextEdit:
        """The chapter's free-text widget (for the application's focus handling and for tests)."""
        return self._writing.chapter_edits[chapter]

    def field_widget(self, field_id: str) -> QWidget:
        return self._writing.field_widgets[field_id]

    def issues(self) -> list[checks.Issue]:
        """What blocks the signature (missing items and blocking consistency problems)."""
        return checks.check(self.report(), self._template)

    def warnings(self) -> list[checks.Issue]:
        """What looks inconsistent but may be right: signing asks to confirm them once."""
        return checks.warnings(self.report(), self._template)

    def request_signature(self) -> bool:
        """What the « Signer » button does: emit ``signRequested`` if complete and every warning has been
        seen (a first click with warnings shows them and jumps to the first; a second click with the
        same warnings confirms); otherwise show what is missing and jump to the first place to fix."""
        if self._locked:
            return False
        report = self.report()
        issues = checks.check(report, self._template)
        warnings = checks.warnings(report, self._template)
        self._checks.show_issues(issues, warnings)
        if issues:
            self._confirmed_warnings = None
            self._checks.show_refusal(len(issues))
            self._jump(issues[0].field)
            return False
        shown = tuple(str(w.message) for w in warnings)
        if warnings and self._confirmed_warnings != shown:
            self._confirmed_warnings = shown
            self._status.setText(
                self.tr(
                    "%n avertissement(s) à vérifier : corrigez, ou cliquez à nouveau sur « Signer » "
                    "pour signer tel quel.",
                    "",
                    len(warnings),
                )
            )
            self._checks.issue_list.setCurrentRow(1)
            self._jump(warnings[0].field)
            return False
        self._confirmed_warnings = None
        self._status.setText(self.tr("Compte rendu complet : signature demandée."))
        self.signRequested.emit(report)
        return True

    def set_template(self, template: ReportTemplate | None) -> None:
        """Write with another template (or none). What was written stays: the fields of the old template
        become free text, and a chapter still at the old template's defaults takes the new ones."""
        if self._locked:
            return
        old = self._template
        report = self.model.with_template(template)
        self._template = template
        self._build_form()
        self._fill_template_choice()
        self.set_report(report)
        log.info("template changed from %s to %s", old.id if old else None, template.id if template else None)

    # --- building -----------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self._lock_banner = QLabel()
        self._lock_banner.setObjectName("verrou")
        self._lock_banner.setStyleSheet("background:#fde2e1;color:#8a1c14;padding:4px;font-weight:bold")
        self._lock_banner.setWordWrap(True)
        self._lock_banner.hide()
        layout.addWidget(self._lock_banner)
        self._header = QLabel()
        self._header.setObjectName("entete")
        self._header.setWordWrap(True)
        self._header.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self._header)
        header_row = QHBoxLayout()  # the template on its own line: the header keeps the width
        self._template_label = QLabel(self.tr("Modèle :"))
        header_row.addWidget(self._template_label)
        self._template_choice = TemplateChoice()
        self._template_choice.chosen.connect(self._template_chosen)
        header_row.addWidget(self._template_choice, 1)
        self._template_label.setBuddy(self._template_choice)
        layout.addLayout(header_row)

        splitter = ScreenSplitter(self, "ReportEditor/splitter")
        splitter.setObjectName("separateur-compte-rendu")
        self._splitter = splitter
        layout.addWidget(splitter, 1)

        injected = QGroupBox(self.tr("Éléments injectés (lecture seule, avec leur source)"))
        box = QVBoxLayout(injected)
        self._tree = injected_tree()
        box.addWidget(self._tree)
        splitter.addWidget(injected)

        self._tabs = QTabWidget()
        splitter.addWidget(self._tabs)
        self._scroll = QScrollArea()
        self._scroll.setObjectName("redaction")
        self._scroll.setWidgetResizable(True)
        # the form follows the panel's width (fields wrap under their labels), never wider
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._build_form()
        self._tabs.addTab(self._scroll, self.tr("Rédaction"))
        self._preview = Preview()
        self._tabs.addTab(self._preview, self.tr("Aperçu du document"))
        self._tabs.currentChanged.connect(lambda _index: self._refresh())

        self._checks = ChecksPanel(self._count_texts)
        self._checks.sign_button.clicked.connect(self.request_signature)
        self._checks.jumpRequested.connect(self._jump)
        self._status = self._checks.status  # the status line under the list
        splitter.addWidget(self._checks)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 6)
        splitter.setStretchFactor(2, 2)
        splitter.setSizes([230, 560, 170])

        self._undo_action = self._stack.createUndoAction(self, self.tr("Annuler"))
        self._undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self._redo_action = self._stack.createRedoAction(self, self.tr("Rétablir"))
        self._redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        for action in (self._undo_action, self._redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        self._fill_template_choice()
        self._build_tab_order()
        app = QApplication.instance()
        if app is not None:
            app.focusChanged.connect(self._follow_focus)

    def _screen_key(self) -> str:
        return self._splitter.screen_key()

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        self._splitter.follow_screen()

    def _follow_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Whatever gives a field the focus (Tab, a jump, a click), the form scrolls to show it."""
        try:
            content = self._scroll.widget()
            if new is not None and content is not None and content.isAncestorOf(new):
                self._scroll.ensureWidgetVisible(new, 10, 30)
        except RuntimeError:  # the panel is being destroyed
            return

    def _build_form(self) -> None:
        """The writing form (template chapters, the radiologist's checks), rebuilt for a new template."""
        self._writing = WritingForm(self, self._template)
        old = self._scroll.takeWidget()
        self._scroll.setWidget(self._writing)
        if old is not None:
            old.deleteLater()
            self._build_tab_order()  # at start-up, once the rest of the panel exists

    def _build_tab_order(self) -> None:
        chain = [*self._writing.tab_chain(), self._checks.sign_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _fill_template_choice(self) -> None:
        self._template_choice.show_template(self._template)

    def _template_chosen(self, template: ReportTemplate | None) -> None:
        if (template.id if template else None) != (self._template.id if self._template else None):
            self.set_template(template)

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        policy = self._writing.wrap_policy()
        for form in self._writing.forms:
            if form.rowWrapPolicy() != policy:
                form.setRowWrapPolicy(policy)
        self._tree.setColumnWidth(0, max(110, min(200, self.width() * 3 // 10)))
        self._fit_timer.start()  # once the layout has given the boxes their width

    @property
    def _urgent_recipient(self) -> QWidget:
        return self._writing.urgent_recipient

    @property
    def _urgent_button(self) -> QWidget:
        return self._writing.urgent_button

    # --- values and commands ------------------------------------------------------------------------

    def _push(self, edit: Edit | None, label: str) -> None:
        if edit is not None:
            self._stack.push(ValueChange(self, edit, label))

    def _field_typed(self, key: FieldKey, text: str) -> None:
        if self._applying:
            return
        label = editor_tr(_TYPING_LABELS.get(key, _ANY_FIELD))
        self._push(self.model.edit(key, text, typing=True, serial=self._value_serial), label)
        if key in (Place.TYPED_DLP, Place.TYPED_DAP):
            self._writing.show_number_errors(self.model.invalid_numbers())

    def _field_picked(self, key: FieldKey, text: str) -> None:
        if self._applying:
            return
        self._value_serial += 1
        label = self.tr("Choisir « {choice} »").format(choice=text)
        self._push(self.model.edit(key, text), label)

    def _identity_clicked(self, checked: bool) -> None:
        if self._applying:
            return
        label = self.tr("Identité vérifiée") if checked else self.tr("Retirer la vérification d'identité")
        self._push(self.model.identity_edit(checked, datetime.now(PARIS)), label)

    def _add_incident(self) -> None:
        """An incident the radiologist records: one undoable step, shown with the source « saisie »."""
        edit = self.model.incident_edit(self._writing.incident.text())
        if self._locked or edit is None:
            return
        self._value_serial += 1
        self._push(edit, self.tr("Ajouter un incident"))
        self._applying += 1
        try:
            self._writing.incident.clear()
        finally:
            self._applying -= 1

    def _record_urgent(self) -> None:
        """The urgent result was communicated now, to this recipient, by this means (one undoable step)."""
        form = self._writing
        means = form.urgent_means.currentData()  # French: it goes into the report
        edit = self.model.urgent_edit(form.urgent_recipient.text(), means, datetime.now(PARIS))
        if self._locked or edit is None:
            return
        self._value_serial += 1
        self._push(edit, self.tr("Noter la communication du résultat urgent"))
        self._applying += 1
        try:
            form.urgent_recipient.clear()
        finally:
            self._applying -= 1

    def _model_changed(self, key: FieldKey) -> None:
        """Show a value the model changed (an edit done, undone or redone) without pushing another."""
        self._applying += 1
        try:
            self._writing.show_value(key, self.model.value(key), self.model.invalid_numbers())
        finally:
            self._applying -= 1

    def _reveal(self, widget: QWidget) -> None:
        """Show where an undo or redo changed something (the writing tab, scrolled to the widget and, in
        a text, to its cursor), so nothing is changed out of sight."""
        if self._tabs.currentWidget() is not self._scroll:
            self._tabs.setCurrentWidget(self._scroll)
        self._scroll.ensureWidgetVisible(widget, 10, 30)
        if isinstance(widget, QPlainTextEdit):
            widget.ensureCursorVisible()
            rect = widget.cursorRect()
            centre = widget.viewport().mapTo(self._scroll.widget(), rect.center())
            self._scroll.ensureVisible(centre.x(), centre.y(), 10, 60)

    def _reveal_value(self, key: FieldKey) -> None:
        if key is Place.INCIDENTS:
            self._refresh()  # the incident rows are in the list of injected items
            rows = (i for k, i in self._tree_items.items() if getattr(k, "collection", None) is key)
            item = next(rows, None)
            if item is not None:
                self._tree.scrollToItem(item)
            return
        widget = self._writing.widget_for(key)
        if widget is not None:
            self._reveal(widget)

    def _count_texts(self, missing: int, to_check: int) -> tuple[str, str, str]:
        """The checks box's titles with counts (here: lupdate reads plural forms only in ``self.tr``)."""
        return (
            self.tr("Avant signature : %n élément(s) manquant(s)", "", missing),
            self.tr("Avant signature : complet, %n avertissement(s) à vérifier", "", to_check),
            self.tr("Signature impossible : %n élément(s) à compléter", "", missing),
        )

    # --- checks, preview, navigation ------------------------------------------------------------------

    def _stack_moved(self, _index: int) -> None:
        self._edited = True
        self._refresh_timer.start()

    def _refresh(self) -> None:
        self._undo_action.setEnabled(not self._locked and self._stack.canUndo())
        self._redo_action.setEnabled(not self._locked and self._stack.canRedo())
        report = self.report()
        if self._edited:
            self._edited = False
            self.reportChanged.emit(report)
        current = self._tree.currentItem()
        selected = next((k for k, item in self._tree_items.items() if item is current), None)
        fill_injected(self._tree, self._tree_items, report)
        if selected is not None and selected in self._tree_items:
            self._tree.setCurrentItem(self._tree_items[selected])
        if self._locked:
            self._checks.show_signed()
        else:
            template = self._template
            self._checks.show_issues(checks.check(report, template), checks.warnings(report, template))
            self._checks.show_reference_levels(checks.above_reference_levels(report))
        if self._tabs.currentWidget() is self._preview:
            bar = self._preview.verticalScrollBar()
            position = bar.value()
            self._preview.show_html(report_html(report), report.status is not ReportStatus.SIGNED)
            bar.setValue(position)

    def _jump(self, target: FieldKey) -> None:
        """Give the focus to the place where the issue at ``target`` (a ``checks.Issue.field``) is fixed."""
        form = self._writing
        if isinstance(target, TemplateValue):
            field = form.field_widgets.get(target.field_id)
            if field is not None:
                self._focus(field, (10, 30))
                return
            target = ChapterText(Chapter.RESULTS)  # a field of another template: its text is there
        if target is Place.URGENT_COMMUNICATION:
            self._focus(form.urgent_recipient, (10, 30))
            return
        if isinstance(target, ChapterText):
            self._focus(form.chapter_edits[target.chapter])
            return
        if target is Place.ADDENDUM and form.addendum_group.isVisibleTo(self):
            self._focus(form.addendum)
            return
        if target is Place.IDENTITY_CHECK:
            self._focus(form.identity)
            return
        dose_here = target is Place.DOSE and form.dose_row.isVisibleTo(self)
        if dose_here:
            lines = (form.typed_dlp, form.typed_dap)
            self._focus(next((w for w in lines if w.isVisibleTo(self)), form.dose_reason))
        key: FieldKey | None = target
        while key is not None and key not in self._tree_items:
            key = parent(key)
        if key is not None:
            item = self._tree_items[key]
            self._tree.setCurrentItem(item)
            self._tree.scrollToItem(item)
            if not dose_here:
                self._tree.setFocus(Qt.FocusReason.OtherFocusReason)

    def _focus(self, widget: QWidget, margins: tuple[int, int] = (50, 50)) -> None:
        """The writing tab, scrolled to ``widget`` (with ``margins`` around it), which gets the focus."""
        self._tabs.setCurrentWidget(self._scroll)
        self._scroll.ensureWidgetVisible(widget, *margins)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)


_TYPING_LABELS: dict[FieldKey, str] = {  # undo texts
    Place.DOSE_MISSING_REASON: QT_TRANSLATE_NOOP("ReportEditor", "Saisir le motif d'absence de dose"),
    Place.TYPED_DLP: QT_TRANSLATE_NOOP("ReportEditor", "Saisir le PDL total"),
    Place.TYPED_DAP: QT_TRANSLATE_NOOP("ReportEditor", "Saisir le PDS total"),
}
_ANY_FIELD = QT_TRANSLATE_NOOP("ReportEditor", "Saisir un champ")
