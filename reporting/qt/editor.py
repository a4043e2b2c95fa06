"""The report editor: the panel beside the viewer where the radiologist writes and checks the report.

What the radiologist types goes into the four ANS chapters, filled from a template (fields with
pick lists, free text, macros expanded by Tab); everything injected from elsewhere (dose,
participants, times, acts, products, incidents, teleradiology mention) is shown read-only with its
source. What only the radiologist can supply is entered here, marked « saisie »: the identity
check, the DLP/DAP read on the console when the images lack it (or why the dose is missing),
incidents, the urgent-result communication, the addendum of a new version.

The panel's own texts follow the interface language (Qt's translators, French in the code); the
report itself stays French whatever that language: chapter texts, template fields and choices, the
teleradiology mention and the document preview are what will be signed and sent.

Every edit is a command on one ``QUndoStack``: typing (merged per field, like a word processor,
until the field loses focus, the cursor moves or another edit comes in between), field picks,
macro expansions, pastes, measurement insertions and the entries above. The Qt text widgets keep
their own undo history; here it is driven from the editor's stack (each document undo step becomes
one command that replays it), so Ctrl+Z in a chapter, in a field or in a menu walks the same
history. Changing the template keeps what was written but starts the history again.

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
import re
from dataclasses import replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QLocale,
    QObject,
    QPoint,
    QSettings,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QTextCursor,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyledItemDelegate,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reporting import checks
from reporting.cda import dose_rows, format_number
from reporting.html import report_html
from reporting.macros import macro_before_cursor, utf16_prefix
from reporting.markdown import xml_safe
from reporting.measurements import measurement_text
from reporting.model import (
    Chapter,
    DoseReport,
    IdentityCheck,
    Incident,
    Measurement,
    Narrative,
    Professional,
    Report,
    ReportStatus,
    Source,
    Sourced,
    UrgentCommunication,
)
from reporting.qt.spelling import SpellHighlighter
from reporting.spelling import default_checker
from reporting.templates import (
    FieldKind,
    ReportTemplate,
    TemplateField,
    builtin_templates,
    compose_chapter,
    split_chapter,
)
from resources.translations.qt import text as user_text

log = logging.getLogger(__name__)
PARIS = ZoneInfo("Europe/Paris")

CONTEXT = "ReportEditor"  # context of the texts marked outside methods (spelt out: lupdate reads literals)
# badge text (French, translated where shown) and colour
# Night-friendly: dark, desaturated grounds of the reading-room chrome with off-white text (the
# bright orange and blue of earlier badges glared beside a dark CT); the hue still tells the source.
SOURCE_BADGES: dict[Source, tuple[str, str]] = {
    Source.RDSR: (QT_TRANSLATE_NOOP("ReportEditor", "RDSR"), "#5a4626"),
    Source.DICOM_HEADER: (QT_TRANSLATE_NOOP("ReportEditor", "en-tête DICOM"), "#4d4431"),
    Source.ORDER_HL7: (QT_TRANSLATE_NOOP("ReportEditor", "ordre HL7"), "#2a4262"),
    Source.COMPLEMENT_HL7: (QT_TRANSLATE_NOOP("ReportEditor", "complément HL7"), "#33465f"),
    Source.USER: (QT_TRANSLATE_NOOP("ReportEditor", "saisie"), "#2d4d33"),
    Source.ACCOUNT: (QT_TRANSLATE_NOOP("ReportEditor", "compte"), "#43395e"),
    Source.COMPUTED: (QT_TRANSLATE_NOOP("ReportEditor", "calculé"), "#3a3e46"),
}
BADGE_TEXT = "#e6e2d8"
WARNING_COLOUR = "#e0b25c"  # amber of the reading room: a warning to confirm, not a refusal
MISSING = QT_TRANSLATE_NOOP("ReportEditor", "— manquant")
_PARENT = re.compile(r"(\.[^.\[]+|\[\d+\])$")  # "participants.author.idnat" -> "participants.author"
MACRO_HELP = QT_TRANSLATE_NOOP(
    "ReportEditor",
    "Macros : tapez le mot-clé puis Tab pour le remplacer par son texte.\n"
    "Tab sans mot-clé passe au champ suivant, Maj+Tab au précédent. "
    "Ctrl+Z : annuler ; Ctrl+Y ou Ctrl+Maj+Z : rétablir.",
)
# How an urgent result was communicated: the French value goes into the report, the list shows it
# in the interface language.
URGENT_MEANS = (
    QT_TRANSLATE_NOOP("ReportEditor", "téléphone"),
    QT_TRANSLATE_NOOP("ReportEditor", "messagerie sécurisée de santé"),
    QT_TRANSLATE_NOOP("ReportEditor", "de vive voix"),
)


def _tr(text: str) -> str:
    """A text of the panel marked with ``QT_TRANSLATE_NOOP("ReportEditor", ...)``, translated."""
    return QCoreApplication.translate(CONTEXT, text)


def chapter_title(chapter: Chapter) -> str:
    """The chapter's heading in the interface language (the report keeps the French one)."""
    return user_text(chapter.title)


# --- undo commands -----------------------------------------------------------------------------------


class _DocumentStep(QUndoCommand):
    """One or more undo steps of a chapter's QTextDocument, replayed from the editor's stack."""

    ID = 1001

    def __init__(self, edit: _ChapterEdit, label: str, mergeable: bool) -> None:
        super().__init__(label)
        self.edit = edit
        self.steps = 1
        self.mergeable = mergeable
        self.serial = edit.merge_serial
        self._first = True

    def id(self) -> int:
        return self.ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _DocumentStep) or other.edit is not self.edit:
            return False
        if not (self.mergeable and other.mergeable) or other.serial != self.serial:
            return False
        self.steps += other.steps
        return True

    def redo(self) -> None:
        if self._first:  # the document has just done it
            self._first = False
            return
        self._replay(redo=True)

    def undo(self) -> None:
        self._replay(redo=False)

    def _replay(self, redo: bool) -> None:
        """Replay the document's steps with the cursor put where they change the text, then show that
        place: an undone measurement scrolled out of view is seen going."""
        with self.edit.replaying():
            cursor = self.edit.textCursor()
            for _ in range(self.steps):
                if redo:
                    self.edit.document().redo(cursor)
                else:
                    self.edit.document().undo(cursor)
            self.edit.setTextCursor(cursor)
        self.edit.editor._reveal(self.edit)


class _ValueChange(QUndoCommand):
    """A field, the identity check or the dose reason: old and new value, applied through ``apply``."""

    ID = 1002

    def __init__(self, editor: ReportEditor, key: str, old: object, new: object, label: str, typing: bool):
        super().__init__(label)
        self.editor, self.key, self.old, self.new, self.typing = editor, key, old, new, typing
        self.serial = editor._value_serial

    def id(self) -> int:
        return self.ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _ValueChange) or other.key != self.key:
            return False
        if not (self.typing and other.typing) or other.serial != self.serial:
            return False
        self.new = other.new
        return True

    def redo(self) -> None:
        self.editor._apply_value(self.key, self.new)
        self.editor._reveal_value(self.key)

    def undo(self) -> None:
        self.editor._apply_value(self.key, self.old)
        self.editor._reveal_value(self.key)


# --- widgets -------------------------------------------------------------------------------------------


REDO_KEYS = (QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z"))  # both, on every platform


def _undo_or_redo(event: QKeyEvent) -> str:
    """ "undo", "redo" or "" for a key event: Ctrl+Z undoes; Ctrl+Y and Ctrl+Shift+Z both redo (Qt's
    standard Redo is only Ctrl+Shift+Z on Linux, while the hint and Windows habits say Ctrl+Y)."""
    if event.matches(QKeySequence.StandardKey.Redo):
        return "redo"
    pressed = QKeySequence(event.keyCombination())
    if any(pressed.matches(keys) == QKeySequence.SequenceMatch.ExactMatch for keys in REDO_KEYS):
        return "redo"
    if event.matches(QKeySequence.StandardKey.Undo):
        return "undo"
    return ""


def _route_undo(widget: QWidget, stack: QUndoStack, event: QKeyEvent) -> bool:
    """Ctrl+Z / Ctrl+Y / Ctrl+Shift+Z typed in a text widget go to the editor's stack, not to the
    widget's own (and nowhere when the widget is read-only: a locked report is not undone)."""
    which = _undo_or_redo(event)
    if not which:
        return False
    if not widget.isReadOnly():  # type: ignore[attr-defined]
        (stack.undo if which == "undo" else stack.redo)()
    return True


def _replace_undo_actions(menu: QMenu, stack: QUndoStack) -> None:
    """The context menu's undo/redo entries walk the editor's stack."""
    for action in menu.actions():
        name = action.objectName()
        if name in ("edit-undo", "edit-redo"):
            ours = QAction(action.text(), menu)
            ours.setShortcut(action.shortcut())
            is_undo = name == "edit-undo"
            ours.setEnabled(stack.canUndo() if is_undo else stack.canRedo())
            ours.triggered.connect(stack.undo if is_undo else stack.redo)
            menu.insertAction(action, ours)
            menu.removeAction(action)


class _LineEdit(QLineEdit):
    """A one-line field whose undo is the editor's."""

    def __init__(self, stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stack = stack

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and _undo_or_redo(event):  # type: ignore[arg-type]
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not _route_undo(self, self._stack, event):
            super().keyPressEvent(event)

    def contextMenuEvent(self, event) -> None:
        menu = self.createStandardContextMenu()
        _replace_undo_actions(menu, self._stack)
        menu.exec(event.globalPos())


class _ChapterEdit(QPlainTextEdit):
    """A chapter's free text: Tab expands a macro or moves on; edits become commands on the stack."""

    def __init__(self, editor: ReportEditor, chapter: Chapter | None, title: str = "") -> None:
        super().__init__()
        self.editor = editor
        self.chapter = chapter  # None: the addendum of a new version
        self.title = chapter_title(chapter) if chapter is not None else title
        self.merge_serial = 0
        self._replaying = 0
        self._pending: tuple[str, bool] | None = None
        self.setObjectName(f"chapitre-{chapter.attribute}" if chapter is not None else "addendum")
        self.setTabChangesFocus(False)
        self.setToolTip(_tr(MACRO_HELP))
        self.document().undoCommandAdded.connect(self._document_step)
        self.document().contentsChanged.connect(self._fit_height)
        self.spelling = SpellHighlighter(self.document(), editor._speller)
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow with the text up to a limit (then scroll), so short chapters stay compact."""
        lines = max(3, min(16, int(self.document().size().height()) + 1))
        frame = 2 * self.frameWidth() + int(self.document().documentMargin() * 2)
        height = lines * self.fontMetrics().lineSpacing() + frame
        if height != self.height():
            self.setFixedHeight(height)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_height()  # the number of wrapped lines depends on the width

    # The document's own undo steps are turned into commands of the editor's stack.
    def replaying(self) -> _Replaying:
        return _Replaying(self)

    def _document_step(self) -> None:
        if self._replaying:
            return
        label, mergeable = self._pending or (self.tr("Modifier « {title} »").format(title=self.title), False)
        self.editor._stack.push(_DocumentStep(self, label, mergeable))

    def edit_as(self, label: str, action) -> None:  # type: ignore[no-untyped-def]
        """Run a programmatic edit as one undo step named ``label`` (not merged with typing)."""
        self._pending = (label, False)
        self.merge_serial += 1
        try:
            cursor = self.textCursor()
            cursor.beginEditBlock()
            action(cursor)
            cursor.endEditBlock()
            self.setTextCursor(cursor)
        finally:
            self._pending = None
            self.merge_serial += 1

    def raw_text(self) -> str:
        """The text exactly as typed (``toPlainText`` would turn no-break spaces into spaces)."""
        return self.document().toRawText().replace("\u2029", "\n").replace("\u2028", "\n")

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and _undo_or_redo(event):  # type: ignore[arg-type]
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if _route_undo(self, self.editor._stack, event):
            return
        key, modifiers = event.key(), event.modifiers()
        plain = not (modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier))
        if key == Qt.Key.Key_Tab and plain and not (modifiers & Qt.KeyboardModifier.ShiftModifier):
            if not self.isReadOnly() and self.editor._expand_macro(self):
                return
            QWidget.focusNextPrevChild(self, True)
            return
        shifted = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
        if key == Qt.Key.Key_Backtab or (key == Qt.Key.Key_Tab and shifted):
            QWidget.focusNextPrevChild(self, False)
            return
        typing = bool(event.text()) or key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete)
        if typing and plain:
            self._pending = (self._typing_label(), True)
        else:
            self.merge_serial += 1  # moving with the keyboard closes the current typing step
        try:
            super().keyPressEvent(event)
        finally:
            self._pending = None

    def inputMethodEvent(self, event) -> None:
        """Characters composed by the input method (dead keys, compose key) are typing too."""
        self._pending = (self._typing_label(), True)
        try:
            super().inputMethodEvent(event)
        finally:
            self._pending = None

    def _typing_label(self) -> str:
        return self.tr("Saisie dans « {title} »").format(title=self.title)

    def insertFromMimeData(self, source) -> None:
        """A paste is one undo step, never merged with typing; control characters are cleaned."""
        if source.hasText():
            text = xml_safe(source.text())
            label = self.tr("Coller dans « {title} »").format(title=self.title)
            self.edit_as(label, lambda cursor: cursor.insertText(text))
            self.ensureCursorVisible()

    def focusInEvent(self, event) -> None:
        if self.chapter is not None:
            self.editor._current_chapter = self.chapter
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:
        self.merge_serial += 1  # typing after coming back is a new undo step
        super().focusOutEvent(event)

    def mousePressEvent(self, event) -> None:
        self.merge_serial += 1  # moving the cursor elsewhere closes the current typing step
        super().mousePressEvent(event)

    def contextMenuEvent(self, event) -> None:
        self.context_menu(event.pos()).exec(event.globalPos())

    def context_menu(self, pos: QPoint) -> QMenu:
        """The standard menu, with corrections first when the word under ``pos`` is misspelled."""
        menu = self.createStandardContextMenu(pos)
        _replace_undo_actions(menu, self.editor._stack)
        found = self.misspelled_at(self.cursorForPosition(pos).position())
        if found is not None and not self.isReadOnly():
            start, end, word = found
            first = menu.actions()[0] if menu.actions() else None
            suggestions = self.editor._speller.suggest(word)
            for suggestion in suggestions:
                action = QAction(suggestion, menu)
                action.setObjectName("correction")
                action.triggered.connect(lambda _=False, a=start, b=end, w=suggestion: self.correct(a, b, w))
                menu.insertAction(first, action)
            if not suggestions:
                none = QAction(self.tr("(aucune suggestion)"), menu)
                none.setEnabled(False)
                menu.insertAction(first, none)
            learn = QAction(self.tr("Ajouter « {word} » au dictionnaire personnel").format(word=word), menu)
            learn.setObjectName("ajouter-dictionnaire")
            learn.triggered.connect(lambda _=False, w=word: self.editor._learn_word(w))
            menu.insertAction(first, learn)
            menu.insertSeparator(first)
        return menu

    def misspelled_at(self, position: int) -> tuple[int, int, str] | None:
        """The misspelled word at a document position: its start and end (document positions, UTF-16)
        and the word; None on a correct word or between words."""
        block = self.document().findBlock(position)
        text = block.text()
        column = len(utf16_prefix(text, position - block.position()))
        for wrong in self.spelling.misspellings(text):
            if wrong.start <= column <= wrong.end:
                start = block.position() + len(text[: wrong.start].encode("utf-16-le")) // 2
                return start, start + len(wrong.word.encode("utf-16-le")) // 2, wrong.word
        return None

    def correct(self, start: int, end: int, word: str) -> None:
        """Replace a misspelled word by a correction: one undo step of its own."""

        def replace_word(cursor: QTextCursor) -> None:
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(word)

        self.edit_as(self.tr("Corriger « {word} »").format(word=word), replace_word)


class _Preview(QTextBrowser):
    """The document preview, on the panel's dark ground, with a « BROUILLON — NON SIGNÉ » watermark
    across it while the report is a draft (the small grey status line of the printed page was
    invisible there)."""

    # The printed page's greys and light header cells, for the dark ground of the panel.
    DARK = (("color: #444;", "color: #b9bec7;"), ("background: #eee;", "background: #2c3038;"))

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("apercu")
        self.draft = True
        self.watermark = QT_TRANSLATE_NOOP("ReportEditor", "BROUILLON — NON SIGNÉ")

    def show_html(self, html: str, draft: bool) -> None:
        for printed, shown in self.DARK:
            html = html.replace(printed, shown)
        self.draft = draft
        self.setHtml(html)
        self.viewport().update()

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self.draft:
            return
        painter = QPainter(self.viewport())
        try:
            area = self.viewport().rect()
            font = QFont(self.font())
            font.setBold(True)
            text = _tr(self.watermark)
            size = 64
            font.setPixelSize(size)
            room = int(0.8 * (area.width() ** 2 + area.height() ** 2) ** 0.5)
            while size > 12 and QFontMetrics(font).horizontalAdvance(text) > min(
                room, int(area.width() * 1.1)
            ):
                size -= 2
                font.setPixelSize(size)
            painter.setFont(font)
            colour = QColor("#e0b25c")
            colour.setAlpha(70)  # seen at once, read through
            painter.setPen(colour)
            painter.translate(area.center())
            painter.rotate(-30)
            width = painter.fontMetrics().horizontalAdvance(text)
            painter.drawText(-width // 2, painter.fontMetrics().ascent() // 2, text)
        finally:
            painter.end()


class _WrappingRows(QStyledItemDelegate):
    """Rows of the injected items as tall as their wrapped text (QTreeView keeps one line otherwise,
    and a narrow panel showed « PAT-TROIS … »)."""

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self.tree = tree

    def sizeHint(self, option, index) -> QSize:  # type: ignore[no-untyped-def]
        base = super().sizeHint(option, index)
        width = max(20, self.tree.columnWidth(index.column()) - 10)
        text = str(index.data() or "")
        needed = option.fontMetrics.boundingRect(0, 0, width, 100000, Qt.TextFlag.TextWordWrap, text)
        return QSize(base.width(), max(base.height(), needed.height() + 4))


class _Replaying:
    def __init__(self, edit: _ChapterEdit) -> None:
        self.edit = edit

    def __enter__(self) -> None:
        self.edit._replaying += 1

    def __exit__(self, *exc: object) -> None:
        self.edit._replaying -= 1


class _FocusWatcher(QObject):
    """Closes a field's typing step when it loses focus (so the next typing is a new undo step)."""

    def __init__(self, editor: ReportEditor) -> None:
        super().__init__(editor)
        self.editor = editor

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self.editor._value_serial += 1
        elif event.type() == QEvent.Type.Resize and isinstance(watched, QComboBox):
            self.editor._fit_timer.start()  # a pick list's width changed: is its choice cut now?
        return False


# --- the editor ----------------------------------------------------------------------------------------


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
        self._stack = QUndoStack(self)
        self._applying = 0
        self._value_serial = 0
        self._applying_set_report = False
        self._locked = False
        self._current_chapter = Chapter.RESULTS
        self._values: dict[str, object] = {}
        self._field_widgets: dict[str, QWidget] = {}
        self._whole_choices: dict[str, QLabel] = {}
        self._forms: list[QFormLayout] = []
        self._chapter_edits: dict[Chapter, _ChapterEdit] = {}
        self._chapter_badges: dict[Chapter, QLabel] = {}
        self._tree_items: dict[str, QTreeWidgetItem] = {}
        self._focus_watcher = _FocusWatcher(self)
        self._speller = default_checker()
        self._fit_timer = QTimer(self, singleShot=True, interval=0)
        self._fit_timer.timeout.connect(self._fit_choices)
        self._confirmed_warnings: tuple[str, ...] | None = None
        self._build()
        self._refresh_timer = QTimer(self, singleShot=True, interval=250)
        self._refresh_timer.timeout.connect(self._refresh)
        self._edited = False
        self._stack.indexChanged.connect(self._stack_moved)
        self.set_report(report)

    # --- public API ---------------------------------------------------------------------------------

    def report(self) -> Report:
        """The report as edited: chapters from the fields and texts, identity check, dose reason."""
        base = self._report
        changes: dict[str, object] = {}
        for chapter in Chapter:
            text = self._chapter_text(chapter)
            original = base.chapter(chapter)
            changes[chapter.attribute] = original if text == original.text else Narrative(text, Source.USER)
        changes["identity_check"] = self._values["identity_check"]
        changes["dose_missing_reason"] = self._values["dose_missing_reason"]
        changes["dose"] = self._dose_with_typed_values(base)
        changes["incidents"] = base.incidents + tuple(self._values["incidents"])  # type: ignore[operator]
        changes["urgent_communication"] = self._values["urgent_communication"]
        changes["measurements"] = self._kept_measurements()
        if base.addendum is not None:
            text = self._addendum.raw_text()
            same = text == base.addendum.text
            changes["addendum"] = base.addendum if same else replace(base.addendum, text=text)
        return replace(base, **changes)  # type: ignore[arg-type]

    def _kept_measurements(self) -> tuple[Measurement, ...]:
        """The report's measurements, once each: those it came with, and those inserted here whose
        sentence is still in a chapter (an undone or edited insertion takes its record away)."""
        texts = "\n".join(self._chapter_text(chapter) for chapter in Chapter)
        kept: list[Measurement] = list(dict.fromkeys(self._report.measurements))
        for record in self._values.get("measurements", ()):  # type: ignore[union-attr]
            sentence = " ".join(xml_safe(measurement_text(record)).split("\n")).strip()
            if sentence in texts and record not in kept:
                kept.append(record)
        return tuple(kept)

    def _dose_with_typed_values(self, base: Report) -> DoseReport | None:
        """Values read on the console fill what the images lack; they never replace a measured value."""
        dose = base.dose
        for key, attribute in (("typed_dlp", "total_dlp_mgy_cm"), ("typed_dap", "total_dap_dgy_cm2")):
            value = _decimal(str(self._values.get(key, "")))
            if value is not None and (dose is None or getattr(dose, attribute) is None):
                detail = QT_TRANSLATE_NOOP("reporting.Sourced", "lu sur la console par le radiologue")
                typed = Sourced(value, Source.USER, detail)
                dose = replace(dose or DoseReport(), **{attribute: typed})
        return dose

    def set_report(self, report: Report) -> None:
        """Show another report (or a new version): the undo history starts again; a signed one is locked."""
        self._report = report
        self._stack.clear()
        self._edited = False
        self._applying += 1
        try:
            for chapter in Chapter:
                text = report.chapter(chapter).text
                free = text
                part = self._template.chapter(chapter) if self._template else None
                if part is not None:
                    if report.chapter(chapter).is_blank:
                        values, free = part.default_values(), part.text
                    else:
                        values, free = split_chapter(part, text)
                    for template_field in part.fields:
                        self._values[template_field.id] = values[template_field.id]
                        self._show_field(template_field.id, values[template_field.id])
                self._chapter_edits[chapter].setPlainText(free)
                self._show_chapter_source(chapter, report.chapter(chapter))
            self._values["identity_check"] = report.identity_check
            self._values["dose_missing_reason"] = report.dose_missing_reason
            self._values["typed_dlp"] = ""
            self._values["typed_dap"] = ""
            self._values["incidents"] = ()
            self._values["urgent_communication"] = report.urgent_communication
            self._values["measurements"] = ()  # inserted here (the report's own are in self._report)
            self._show_urgent(report.urgent_communication)
            self._show_identity(report.identity_check)
            self._dose_reason.setText(report.dose_missing_reason)
            self._typed_dlp.setText("")
            self._typed_dap.setText("")
            self._incident.setText("")
            self._addendum.setPlainText(report.addendum.text if report.addendum is not None else "")
        finally:
            self._applying -= 1
        self._dose_row.setVisible(report.is_ionising)
        self._addendum_group.setVisible(report.addendum is not None)
        if report.addendum is not None:
            self._addendum_group.setTitle(
                self.tr("Addendum de la version {version} ({author})").format(
                    version=report.version, author=report.addendum.author.display_name
                )
            )
        modalities = {act.modality.code for act in report.acts}
        dose = report.dose
        self._dose_form.setRowVisible(
            self._typed_dlp, "CT" in modalities and (dose is None or dose.total_dlp_mgy_cm is None)
        )
        no_dap = dose is None or dose.total_dap_dgy_cm2 is None
        self._dose_form.setRowVisible(self._typed_dap, bool(modalities & PROJECTION) and no_dap)
        self._fill_injected(report)
        self._header.setText(self._header_text(report))
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
        edit = self._chapter_edits[self._current_chapter]
        clean = " ".join(xml_safe(text).split("\n")).strip()
        if not clean:
            return

        def insert(cursor: QTextCursor) -> None:
            before = utf16_prefix(cursor.block().text(), cursor.positionInBlock())  # Qt counts UTF-16
            needs_space = bool(before) and not before[-1].isspace()
            cursor.insertText((" " if needs_space else "") + clean)

        if record is not None:
            self._values["measurements"] = (*self._values["measurements"], record)  # type: ignore[misc]
        edit.edit_as(self.tr("Insérer une mesure"), insert)
        edit.ensureCursorVisible()
        chapter = chapter_title(self._current_chapter)
        self._status.setText(self.tr("Mesure insérée dans « {chapter} ».").format(chapter=chapter))

    def set_locked(self, locked: bool) -> None:
        """Read-only once signed: nothing can be typed, picked or inserted; signing is disabled."""
        self._locked = locked
        for edit in (*self._chapter_edits.values(), self._addendum):
            edit.setReadOnly(locked)
        for widget in self._field_widgets.values():
            widget.setEnabled(not locked)
        self._identity.setEnabled(not locked)
        lines = (self._dose_reason, self._typed_dlp, self._typed_dap, self._incident, self._urgent_recipient)
        for line in lines:
            line.setReadOnly(locked)
        for button in (self._incident_button, self._urgent_button, self._urgent_means):
            button.setEnabled(not locked)
        self._sign_button.setEnabled(not locked)
        self._undo_action.setEnabled(not locked and self._stack.canUndo())
        self._redo_action.setEnabled(not locked and self._stack.canRedo())
        self._lock_banner.setVisible(locked)
        self._refresh_timer.start()
        if locked:
            when = self._report.signature_time
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
        return self._chapter_edits[chapter]

    def field_widget(self, field_id: str) -> QWidget:
        return self._field_widgets[field_id]

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
        self._show_issues(issues, warnings)
        if issues:
            self._confirmed_warnings = None
            self._checks_box.setTitle(
                self.tr("Signature impossible : %n élément(s) à compléter", "", len(issues))
            )
            self._status.setText(self._refusal_text())
            self._issue_list.setCurrentRow(0)
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
            self._issue_list.setCurrentRow(1)
            self._jump(warnings[0].field)
            return False
        self._confirmed_warnings = None
        self._status.setText(self.tr("Compte rendu complet : signature demandée."))
        self.signRequested.emit(report)
        return True

    def _refusal_text(self) -> str:
        return self.tr("Signature refusée : complétez les éléments listés.")

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
        self._template_choice = QComboBox()
        self._template_choice.setObjectName("modele")
        self._template_choice.setToolTip(
            self.tr(
                "Modèle de compte rendu. En changer garde le texte déjà écrit (en texte libre) ; "
                "l'historique d'annulation repart de zéro."
            )
        )
        self._template_choice.activated.connect(self._template_chosen)
        # long template titles must not widen the panel: the list shows them whole when opened
        self._template_choice.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self._template_choice.setMinimumContentsLength(14)
        header_row.addWidget(self._template_choice, 1)
        self._template_label.setBuddy(self._template_choice)
        layout.addLayout(header_row)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("separateur-compte-rendu")
        splitter.setChildrenCollapsible(False)
        self._splitter = splitter
        self._splitter_screen = ""
        splitter.splitterMoved.connect(lambda _pos, _index: self._save_splitter())
        layout.addWidget(splitter, 1)

        injected = QGroupBox(self.tr("Éléments injectés (lecture seule, avec leur source)"))
        box = QVBoxLayout(injected)
        self._tree = QTreeWidget()
        self._tree.setObjectName("elements-injectes")
        self._tree.setHeaderLabels([self.tr("Élément"), self.tr("Valeur"), self.tr("Source")])
        self._tree.setRootIsDecorated(False)
        self._tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._tree.setWordWrap(True)
        self._tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self._tree.setItemDelegate(_WrappingRows(self._tree))
        header = self._tree.header()  # the columns share the width: no horizontal scrolling
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self._tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._tree.setColumnWidth(0, 170)
        header.sectionResized.connect(lambda *_: QTimer.singleShot(0, self._tree.doItemsLayout))
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
        self._preview = _Preview()
        self._preview.setObjectName("apercu")
        self._tabs.addTab(self._preview, self.tr("Aperçu du document"))
        self._tabs.currentChanged.connect(lambda _index: self._refresh())

        self._checks_box = QGroupBox(self.tr("Avant signature"))
        checks_layout = QVBoxLayout(self._checks_box)
        self._issue_list = QListWidget()
        self._issue_list.setObjectName("verifications")
        self._issue_list.setWordWrap(True)
        self._issue_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._issue_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self._issue_list.setToolTip(self.tr("Cliquez sur un élément pour aller à l'endroit où le compléter."))
        self._issue_list.itemActivated.connect(self._issue_clicked)
        self._issue_list.itemClicked.connect(self._issue_clicked)
        checks_layout.addWidget(self._issue_list)
        buttons = QHBoxLayout()
        self._status = QLabel()
        self._status.setWordWrap(True)
        buttons.addWidget(self._status, 1)
        self._sign_button = QPushButton(self.tr("Signer…"))
        self._sign_button.setObjectName("signer")
        self._sign_button.setToolTip(
            self.tr("Vérifie le compte rendu puis demande la signature (second facteur).")
        )
        self._sign_button.clicked.connect(self.request_signature)
        buttons.addWidget(self._sign_button)
        checks_layout.addLayout(buttons)
        splitter.addWidget(self._checks_box)
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

    # --- splitter sizes, remembered per screen ---------------------------------------------------------

    def _screen_key(self) -> str:
        """The screen the panel is on, by name and size: a laptop and the reading-room monitor each keep
        their own proportions."""
        screen = self.screen()
        if screen is None:
            return ""
        size = screen.size()
        name = re.sub(r"[^\w.-]", "_", screen.name() or "ecran")
        return f"{name}_{size.width()}x{size.height()}"

    def _save_splitter(self) -> None:
        key = self._screen_key()
        if key:
            QSettings().setValue(f"ReportEditor/splitter/{key}", self._splitter.saveState())

    def _restore_splitter(self) -> None:
        key = self._screen_key()
        if not key or key == self._splitter_screen:
            return
        self._splitter_screen = key
        state = QSettings().value(f"ReportEditor/splitter/{key}")
        if state is not None:
            self._splitter.restoreState(state)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._restore_splitter()
        handle = self.window().windowHandle()
        if handle is not None and not getattr(self, "_follows_screen", False):
            self._follows_screen = True
            handle.screenChanged.connect(lambda _screen: self._restore_splitter())

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
        self._field_widgets.clear()
        self._whole_choices.clear()
        self._forms.clear()
        self._chapter_edits.clear()
        self._chapter_badges.clear()
        content = QWidget()
        self._form = QVBoxLayout(content)
        self._build_chapters()
        self._build_verifications()
        self._form.addStretch(1)
        old = self._scroll.takeWidget()
        self._scroll.setWidget(content)
        if old is not None:
            old.deleteLater()
            self._build_tab_order()  # at start-up, once the rest of the panel exists

    def _fill_template_choice(self) -> None:
        self._template_choice.clear()
        self._template_choice.addItem(self.tr("Sans modèle"), None)
        known = list(builtin_templates())
        if self._template is not None and all(t.id != self._template.id for t in known):
            known.append(self._template)
        for template in known:
            self._template_choice.addItem(template.title, template.id)
        self._template_choices = {t.id: t for t in known}
        index = self._template_choice.findData(self._template.id if self._template else None)
        self._template_choice.setCurrentIndex(max(index, 0))

    def _template_chosen(self, index: int) -> None:
        template_id = self._template_choice.itemData(index)
        template = self._template_choices.get(template_id) if template_id else None
        if (template.id if template else None) != (self._template.id if self._template else None):
            self.set_template(template)

    def set_template(self, template: ReportTemplate | None) -> None:
        """Write with another template (or none). What was written stays: the fields of the old template
        become free text, and a chapter still at the old template's defaults takes the new ones."""
        if self._locked:
            return
        current = self.report()
        old = self._template
        chapters: dict[str, object] = {}
        for chapter in Chapter:
            narrative = current.chapter(chapter)
            if old is not None and narrative.text == old.default_text(chapter):
                chapters[chapter.attribute] = Narrative("", narrative.source)
        self._template = template
        self._build_form()
        self._fill_template_choice()
        self.set_report(replace(current, **chapters))  # type: ignore[arg-type]
        log.info("template changed from %s to %s", old.id if old else None, template.id if template else None)

    NARROW = 600  # below this width (compare mode), each field goes under its label

    def _wrap_policy(self) -> QFormLayout.RowWrapPolicy:
        narrow = self.width() < self.NARROW
        return QFormLayout.RowWrapPolicy.WrapAllRows if narrow else QFormLayout.RowWrapPolicy.WrapLongRows

    def _whole_choice_label(self, key: str) -> QLabel:
        """Under a pick list, the whole choice when the list is too narrow to show it (never cut)."""
        label = QLabel()
        label.setObjectName(f"choix-complet-{key}")
        label.setWordWrap(True)
        label.setStyleSheet("color:#a9b0ba;font-size:9pt")
        label.hide()
        self._whole_choices[key] = label
        return label

    def _fit_choices(self) -> None:
        """Show a pick list's whole choice under it when its box cuts it (narrow panel, long choice)."""
        for key, label in self._whole_choices.items():
            combo = self._field_widgets.get(key)
            if not isinstance(combo, QComboBox):
                continue
            text = combo.currentText()
            room = combo.lineEdit().width() - 8 if combo.lineEdit() is not None else combo.width() - 40
            cut = bool(text) and combo.fontMetrics().horizontalAdvance(text) > room
            if cut:
                label.setText(text)
            label.setVisible(cut)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        policy = self._wrap_policy()
        for form in self._forms:
            if form.rowWrapPolicy() != policy:
                form.setRowWrapPolicy(policy)
        self._tree.setColumnWidth(0, max(110, min(200, self.width() * 3 // 10)))
        self._fit_timer.start()  # once the layout has given the boxes their width

    def _build_chapters(self) -> None:
        self._addendum_group = QGroupBox(self.tr("Addendum"))
        self._addendum_group.setObjectName("groupe-addendum")
        addendum_layout = QVBoxLayout(self._addendum_group)
        self._addendum = _ChapterEdit(self, None, self.tr("Addendum"))
        self._addendum.setAccessibleName(self.tr("Addendum"))
        self._addendum.setPlaceholderText(self.tr("Texte de l'addendum (complément au compte rendu signé)"))
        addendum_layout.addWidget(self._addendum)
        self._addendum_group.hide()
        self._form.addWidget(self._addendum_group)
        for chapter in Chapter:
            part = self._template.chapter(chapter) if self._template else None
            group = QGroupBox(chapter_title(chapter))
            group.setObjectName(f"groupe-{chapter.attribute}")
            group_layout = QVBoxLayout(group)
            badge = QLabel()
            badge.setObjectName(f"source-{chapter.attribute}")
            self._chapter_badges[chapter] = badge
            group_layout.addWidget(badge, 0, Qt.AlignmentFlag.AlignLeft)
            if part is not None and part.fields:
                fields = QFormLayout()
                fields.setRowWrapPolicy(self._wrap_policy())
                self._forms.append(fields)
                for template_field in part.fields:
                    widget = self._field_widget(template_field)
                    if isinstance(widget, QComboBox):
                        holder = QWidget()
                        column = QVBoxLayout(holder)
                        column.setContentsMargins(0, 0, 0, 0)
                        column.setSpacing(1)
                        column.addWidget(widget)
                        column.addWidget(self._whole_choice_label(template_field.id))
                        fields.addRow(template_field.label, holder)
                    else:
                        fields.addRow(template_field.label, widget)
                group_layout.addLayout(fields)
            edit = _ChapterEdit(self, chapter)
            if part is not None:
                keywords = ", ".join(self._template.macro_keywords(chapter))  # type: ignore[union-attr]
                if keywords:
                    macros = self.tr("Macros de ce chapitre : {keywords}.").format(keywords=keywords)
                    edit.setToolTip(f"{_tr(MACRO_HELP)}\n{macros}")
                    placeholder = self.tr("Texte libre — macros : {keywords} (puis Tab)")
                    edit.setPlaceholderText(placeholder.format(keywords=keywords))
            edit.setAccessibleName(self.tr("{chapter} : texte libre").format(chapter=chapter_title(chapter)))
            self._chapter_edits[chapter] = edit
            group_layout.addWidget(edit)
            self._form.addWidget(group)

    def _field_widget(self, template_field: TemplateField) -> QWidget:
        key = template_field.id
        if template_field.kind is FieldKind.SELECTION:
            combo = QComboBox()
            combo.setEditable(True)
            combo.setLineEdit(_LineEdit(self._stack, combo))
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            combo.addItems(list(template_field.choices))
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(18)
            combo.setToolTip(
                self.tr(
                    "Choisissez dans la liste (flèches haut/bas), ou tapez le début d'un choix : "
                    "il est complété et Tab le valide. Une autre valeur peut aussi être tapée."
                )
            )
            combo.lineEdit().textEdited.connect(lambda text, k=key: self._field_typed(k, text))
            combo.activated.connect(lambda index, k=key, c=combo: self._field_picked(k, c.itemText(index)))
            combo.installEventFilter(self._focus_watcher)  # the combo forwards focus to its line edit
            widget: QWidget = combo
        else:
            line = _LineEdit(self._stack)
            line.textEdited.connect(lambda text, k=key: self._field_typed(k, text))
            line.installEventFilter(self._focus_watcher)
            widget = line
        widget.setObjectName(f"champ-{key}")
        widget.setAccessibleName(template_field.label)
        self._field_widgets[key] = widget
        return widget

    def _build_verifications(self) -> None:
        group = QGroupBox(self.tr("Vérifications du radiologue"))
        layout = QVBoxLayout(group)
        whole = self.tr("Identité du patient vérifiée : les images sont bien celles du patient de la demande")
        self._identity = QCheckBox(self.tr("Identité du patient vérifiée"))
        self._identity.setObjectName("identite-verifiee")
        self._identity.setAccessibleName(whole)
        self._identity.setToolTip(whole)
        self._identity.clicked.connect(self._identity_clicked)
        self._identity_badge = QLabel()
        row = QHBoxLayout()
        row.addWidget(self._identity)
        row.addWidget(self._identity_badge)
        row.addStretch(1)
        layout.addLayout(row)
        explanation = QLabel(self.tr("Les images sont bien celles du patient de la demande."))
        explanation.setObjectName("identite-explication")
        explanation.setWordWrap(True)
        explanation.setIndent(24)
        explanation.setBuddy(self._identity)
        layout.addWidget(explanation)
        self._dose_row = QWidget()
        dose_layout = QFormLayout(self._dose_row)
        dose_layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self._dose_form = dose_layout
        dose_layout.setContentsMargins(0, 0, 0, 0)
        self._typed_dlp = self._number_field("pdl-saisi", "typed_dlp", self.tr("ex. 850,5"))
        dose_layout.addRow(self.tr("PDL total lu sur la console (mGy·cm)"), self._typed_dlp)
        self._typed_dap = self._number_field("pds-saisi", "typed_dap", self.tr("ex. 0,92"))
        dose_layout.addRow(self.tr("PDS total lu sur l'appareil (dGy·cm²)"), self._typed_dap)
        self._dose_reason = _LineEdit(self._stack)
        self._dose_reason.setObjectName("motif-absence-dose")
        self._dose_reason.setPlaceholderText(
            self.tr("À remplir seulement si la dose ne peut pas être importée")
        )
        self._dose_reason.textEdited.connect(lambda text: self._field_typed("dose_missing_reason", text))
        self._dose_reason.installEventFilter(self._focus_watcher)
        dose_layout.addRow(self.tr("Motif d'absence de dose"), self._dose_reason)
        layout.addWidget(self._dose_row)
        self._number_error = QLabel()
        self._number_error.setObjectName("erreur-nombre")
        self._number_error.setStyleSheet("color:#b3261e")
        self._number_error.hide()
        layout.addWidget(self._number_error)
        incident_row = QHBoxLayout()
        self._incident = _LineEdit(self._stack)
        self._incident.setObjectName("incident")
        self._incident.setPlaceholderText(
            self.tr("Incident technique ou indésirable (ex. réaction au contraste)")
        )
        self._incident.returnPressed.connect(self._add_incident)
        self._incident_button = QPushButton(self.tr("Ajouter l'incident"))
        self._incident_button.setObjectName("ajouter-incident")
        self._incident_button.clicked.connect(self._add_incident)
        incident_row.addWidget(self._incident, 1)
        incident_row.addWidget(self._incident_button)
        layout.addLayout(incident_row)
        urgent_row = QHBoxLayout()
        self._urgent_recipient = _LineEdit(self._stack)
        self._urgent_recipient.setObjectName("urgence-destinataire")
        self._urgent_recipient.setPlaceholderText(self.tr("Résultat urgent communiqué à (nom, fonction)"))
        self._urgent_recipient.returnPressed.connect(self._record_urgent)
        self._urgent_means = QComboBox()
        self._urgent_means.setObjectName("urgence-moyen")
        for means in URGENT_MEANS:
            self._urgent_means.addItem(_tr(means), means)
        self._urgent_button = QPushButton(self.tr("Noter l'appel"))
        self._urgent_button.setObjectName("noter-urgence")
        self._urgent_button.setToolTip(
            self.tr("Note à qui, comment et quand le résultat urgent a été communiqué.")
        )
        self._urgent_button.clicked.connect(self._record_urgent)
        layout.addWidget(self._urgent_recipient)  # on its own line: the panel can be narrow
        urgent_row.addWidget(self._urgent_means, 1)
        urgent_row.addWidget(self._urgent_button)
        layout.addLayout(urgent_row)
        self._urgent_label = QLabel()
        self._urgent_label.setObjectName("urgence-notee")
        self._urgent_label.setWordWrap(True)
        layout.addWidget(self._urgent_label)
        self._form.addWidget(group)

    def _number_field(self, name: str, key: str, example: str) -> QLineEdit:
        line = _LineEdit(self._stack)
        line.setObjectName(name)
        line.setPlaceholderText(
            self.tr("seulement si les images ne le donnent pas ({example})").format(example=example)
        )
        line.textEdited.connect(lambda text, k=key: self._field_typed(k, text))
        line.installEventFilter(self._focus_watcher)
        return line

    def _add_incident(self) -> None:
        """An incident the radiologist records: one undoable step, shown with the source « saisie »."""
        text = " ".join(xml_safe(self._incident.text()).split())
        if self._locked or not text:
            return
        old = tuple(self._values["incidents"])  # type: ignore[arg-type]
        new = (*old, Incident(text, Source.USER))
        self._value_serial += 1
        label = self.tr("Ajouter un incident")
        self._stack.push(_ValueChange(self, "incidents", old, new, label, typing=False))
        self._applying += 1
        try:
            self._incident.clear()
        finally:
            self._applying -= 1

    def _record_urgent(self) -> None:
        """The urgent result was communicated now, to this recipient, by this means (one undoable step)."""
        recipient = " ".join(xml_safe(self._urgent_recipient.text()).split())
        if self._locked or not recipient:
            return
        old = self._values["urgent_communication"]
        means = self._urgent_means.currentData()  # French: it goes into the report
        new = UrgentCommunication(recipient, datetime.now(PARIS), Source.USER, means)
        self._value_serial += 1
        label = self.tr("Noter la communication du résultat urgent")
        self._stack.push(_ValueChange(self, "urgent_communication", old, new, label, typing=False))
        self._applying += 1
        try:
            self._urgent_recipient.clear()
        finally:
            self._applying -= 1

    def _show_urgent(self, urgent: UrgentCommunication | None) -> None:
        if urgent is None:
            self._urgent_label.setText("")
            self._urgent_label.hide()
            return
        at = urgent.at.astimezone(PARIS) if urgent.at.tzinfo else urgent.at
        self._urgent_label.setText(
            self.tr("Résultat communiqué en urgence par {means} à {recipient} le {date} à {time}.").format(
                means=_tr(urgent.means), recipient=urgent.recipient, date=f"{at:%d/%m/%Y}", time=f"{at:%H:%M}"
            )
        )
        self._urgent_label.show()

    def _build_tab_order(self) -> None:
        chain: list[QWidget] = [self._addendum]
        for chapter in Chapter:
            part = self._template.chapter(chapter) if self._template else None
            if part is not None:
                chain.extend(self._field_widgets[f.id] for f in part.fields)
            chain.append(self._chapter_edits[chapter])
        chain += [
            self._identity,
            self._typed_dlp,
            self._typed_dap,
            self._dose_reason,
            self._incident,
            self._incident_button,
            self._urgent_recipient,
            self._urgent_means,
            self._urgent_button,
            self._sign_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # --- values and commands ------------------------------------------------------------------------

    def _field_typed(self, key: str, text: str) -> None:
        if self._applying:
            return
        old = self._values.get(key, "")
        if text != old:
            label = _tr(_TYPING_LABELS.get(key, _ANY_FIELD))
            self._stack.push(_ValueChange(self, key, old, text, label, typing=True))
        if key in ("typed_dlp", "typed_dap"):
            self._show_number_errors()

    def _field_picked(self, key: str, text: str) -> None:
        if self._applying:
            return
        old = self._values.get(key, "")
        self._value_serial += 1
        if text != old:
            label = self.tr("Choisir « {choice} »").format(choice=text)
            self._stack.push(_ValueChange(self, key, old, text, label, typing=False))

    def _identity_clicked(self, checked: bool) -> None:
        if self._applying:
            return
        old = self._values["identity_check"]
        new = IdentityCheck(
            checked,
            Source.USER,
            datetime.now(PARIS),
            "vérifiée par le radiologue" if checked else "vérification retirée par le radiologue",
        )
        label = self.tr("Identité vérifiée") if checked else self.tr("Retirer la vérification d'identité")
        self._stack.push(_ValueChange(self, "identity_check", old, new, label, typing=False))

    def _apply_value(self, key: str, value: object) -> None:
        """Set a value (from a command) and show it without pushing another command."""
        self._values[key] = value
        self._applying += 1
        try:
            if key == "identity_check":
                self._show_identity(value)  # type: ignore[arg-type]
            elif key in ("dose_missing_reason", "typed_dlp", "typed_dap"):
                widget = {
                    "dose_missing_reason": self._dose_reason,
                    "typed_dlp": self._typed_dlp,
                    "typed_dap": self._typed_dap,
                }[key]
                if widget.text() != value:
                    widget.setText(str(value))
                self._show_number_errors()
            elif key == "incidents":
                pass  # shown in the list of injected items at the next refresh
            elif key == "urgent_communication":
                self._show_urgent(value)  # type: ignore[arg-type]
            else:
                self._show_field(key, str(value))
        finally:
            self._applying -= 1

    def _show_number_errors(self) -> None:
        wrong = tuple(
            key
            for key in ("typed_dlp", "typed_dap")
            if str(self._values.get(key, "")).strip() and _decimal(str(self._values[key])) is None
        )
        self._number_error.setVisible(bool(wrong))
        if wrong:
            quantity = {
                ("typed_dlp",): self.tr("PDL"),
                ("typed_dap",): self.tr("PDS"),
                ("typed_dlp", "typed_dap"): self.tr("PDL et PDS"),
            }[wrong]
            self._number_error.setText(
                self.tr(
                    "{quantity} : nombre positif attendu (virgule décimale acceptée) ; valeur ignorée."
                ).format(quantity=quantity)
            )

    def _show_field(self, key: str, value: str) -> None:
        widget = self._field_widgets.get(key)
        if isinstance(widget, QComboBox):
            if widget.currentText() != value:
                # -1 for a value of its own (or none): the arrow keys then start from the first choice
                widget.setCurrentIndex(widget.findText(value, Qt.MatchFlag.MatchExactly))
                widget.setEditText(value)
            if not widget.hasFocus():
                widget.lineEdit().setCursorPosition(0)  # long choices are read from their start
            if key in self._whole_choices:
                self._fit_timer.start()
        elif isinstance(widget, QLineEdit) and widget.text() != value:
            widget.setText(value)

    def _show_identity(self, check: IdentityCheck | None) -> None:
        verified = check is not None and check.verified
        self._identity.setChecked(verified)
        if verified:
            _set_badge(self._identity_badge, check.source)  # type: ignore[union-attr]
        else:
            self._identity_badge.setText("")
            self._identity_badge.setStyleSheet("")

    def _show_chapter_source(self, chapter: Chapter, narrative: Narrative) -> None:
        badge = self._chapter_badges[chapter]
        if narrative.is_blank or narrative.source is Source.USER:
            badge.hide()
        else:
            badge.show()
            _set_badge(badge, narrative.source, self.tr("Texte repris de : {source}"))

    def _chapter_text(self, chapter: Chapter) -> str:
        free = self._chapter_edits[chapter].raw_text()
        part = self._template.chapter(chapter) if self._template else None
        if part is None:
            return free
        return compose_chapter(part, {f.id: str(self._values.get(f.id, "")) for f in part.fields}, free)

    def _expand_macro(self, edit: _ChapterEdit) -> bool:
        cursor = edit.textCursor()
        if cursor.hasSelection():
            return False
        line, column = cursor.block().text(), cursor.positionInBlock()
        found = macro_before_cursor(line, column, self._template, edit.chapter)
        if found is None:
            return False
        start = cursor.block().position() + found.start_utf16

        def replace_keyword(c: QTextCursor) -> None:
            c.setPosition(start)
            c.setPosition(start + found.length_utf16, QTextCursor.MoveMode.KeepAnchor)
            c.insertText(found.macro.text)

        edit.edit_as(self.tr("Macro « {keyword} »").format(keyword=found.macro.keyword), replace_keyword)
        return True

    def _reveal(self, widget: QWidget) -> None:
        """Show where an undo or redo changed something (the writing tab, scrolled to the widget and, in
        a text, to its cursor), so nothing is changed out of sight."""
        if self._applying_set_report:
            return
        if self._tabs.currentWidget() is not self._scroll:
            self._tabs.setCurrentWidget(self._scroll)
        self._scroll.ensureWidgetVisible(widget, 10, 30)
        if isinstance(widget, QPlainTextEdit):
            widget.ensureCursorVisible()
            rect = widget.cursorRect()
            centre = widget.viewport().mapTo(self._scroll.widget(), rect.center())
            self._scroll.ensureVisible(centre.x(), centre.y(), 10, 60)

    def _reveal_value(self, key: str) -> None:
        widget = {
            "identity_check": self._identity,
            "dose_missing_reason": self._dose_reason,
            "typed_dlp": self._typed_dlp,
            "typed_dap": self._typed_dap,
            "urgent_communication": self._urgent_label,
        }.get(key) or self._field_widgets.get(key)
        if key == "incidents":
            self._refresh()  # the incident rows are in the list of injected items
            item = next((i for k, i in self._tree_items.items() if k.startswith("incidents[")), None)
            if item is not None:
                self._tree.scrollToItem(item)
            return
        if widget is not None:
            self._reveal(widget)

    def _learn_word(self, word: str) -> None:
        """Add a word to the personal dictionary (the user's settings) and stop underlining it."""
        try:
            self._speller.add_personal(word)
        except OSError:
            self._status.setText(
                self.tr("Dictionnaire personnel impossible à écrire : « {word} » reste souligné.").format(
                    word=word
                )
            )
            return
        for edit in (*self._chapter_edits.values(), self._addendum):
            edit.spelling.rehighlight()
        self._status.setText(self.tr("« {word} » ajouté au dictionnaire personnel.").format(word=word))

    # --- injected items -----------------------------------------------------------------------------

    def _fill_injected(self, report: Report) -> None:
        self._tree.clear()
        self._tree_items.clear()

        def row(key: str, label: str, value: str, source: Source | None, detail: str = "") -> None:
            item = QTreeWidgetItem([label, value or _tr(MISSING), ""])
            item.setData(0, Qt.ItemDataRole.UserRole, key)
            if source is not None and value:
                text, colour = SOURCE_BADGES[source]
                item.setText(2, _tr(text))
                item.setBackground(2, QBrush(QColor(colour)))
                item.setForeground(2, QBrush(QColor(BADGE_TEXT)))  # light badges: dark text on any theme
                item.setToolTip(2, user_text(source.label) + (f" — {user_text(detail)}" if detail else ""))
            if not value:
                item.setForeground(1, QBrush(QColor("#e5676b")))
            item.setToolTip(1, value)
            self._tree.addTopLevelItem(item)
            self._tree_items.setdefault(key, item)

        patient = report.patient
        if patient is not None:
            name = f"{patient.birth_family} {patient.first_given}"
            if patient.birth_date:
                name = self.tr("{name}, né(e) le {date}").format(
                    name=name, date=f"{patient.birth_date:%d/%m/%Y}"
                )
            row("patient", self.tr("Patient"), name, patient.source)
            row("patient.ins", self.tr("INS"), patient.ins.extension if patient.ins else "", patient.source)
        else:
            row("patient", self.tr("Patient"), "", None)
        if not report.acts:
            row("acts", self.tr("Acte"), "", None)
        for index, act in enumerate(report.acts):
            codes = " ; ".join(f"{c.code} {c.display}".strip() for c in (act.ccam, act.loinc) if c)
            where = act.places_text  # every region of the order (thorax and abdomen-pelvis...)
            value = " — ".join(p for p in (codes or act.label, where) if p)
            row(f"acts[{index}]", self.tr("Acte {number}").format(number=index + 1), value, act.source)
        act_time = report.act_time
        value = f"{act_time.value.astimezone(PARIS):%d/%m/%Y %H:%M}" if act_time else ""
        row(
            "act_time",
            self.tr("Date et heure de l'acte"),
            value,
            act_time.source if act_time else None,
            act_time.detail if act_time else "",
        )
        for key, label, sourced in (
            ("act_end_time", self.tr("Fin de l'acte"), report.act_end_time),
            ("order.requested_at", self.tr("Date de la demande"), report.order.requested_at),
        ):
            if sourced is not None:
                when = f"{sourced.value.astimezone(PARIS):%d/%m/%Y %H:%M}"
                row(key, label, when, sourced.source, sourced.detail)
        self._fill_dose(report, row)
        for index, product in enumerate(report.products):
            parts = [product.name]
            if product.quantity is not None:
                parts.append(f"{_number(product.quantity)} {product.unit}".strip())
            if product.atc is not None:
                parts.append(f"ATC {product.atc.code}")
            if product.lot:
                parts.append(self.tr("lot {lot}").format(lot=product.lot))
            row(f"products[{index}]", self.tr("Produit administré"), ", ".join(parts), product.source)
        for index, incident in enumerate(report.incidents):
            row(f"incidents[{index}]", self.tr("Incident"), incident.description, incident.source)
        people = report.participants
        for key, label, person in (
            ("participants.requester", self.tr("Médecin demandeur"), people.requester),
            ("participants.author", self.tr("Radiologue (téléradiologie)"), people.author),
            ("participants.site_doctor", self.tr("Médecin responsable de la structure"), people.site_doctor),
            ("participants.technologist", self.tr("Manipulateur"), people.technologist),
        ):
            if person is None and key == "participants.technologist":
                continue
            row(key, label, _person(person), person.source if person else None)
        custodian = people.custodian
        row(
            "participants.custodian",
            self.tr("Structure d'imagerie"),
            custodian.name if custodian else "",
            custodian.source if custodian else None,
        )
        if report.teleradiology:
            mention_source = Source.ACCOUNT if people.author is not None else None
            mention = report.teleradiology_mention
            row("teleradiology_mention", self.tr("Mention de téléradiologie"), mention, mention_source)
        interpretation = report.interpretation_time
        value = f"{interpretation.value.astimezone(PARIS):%d/%m/%Y %H:%M}" if interpretation else ""
        row(
            "interpretation_time",
            self.tr("Interprétation"),
            value,
            interpretation.source if interpretation else None,
        )
        order = report.order
        for key, label, sourced in (
            ("order.placer_order", self.tr("N° de demande"), order.placer_order),
            ("order.accession", self.tr("N° d'examen (accession)"), order.accession),
        ):
            row(
                key,
                label,
                sourced.value.extension if sourced else "",
                sourced.source if sourced else None,
                sourced.detail if sourced else "",
            )
        study = order.study_instance_uid
        row(
            "order.study_instance_uid",
            self.tr("Study Instance UID"),
            study.value if study else "",
            study.source if study else None,
            study.detail if study else "",
        )
        self._tree.resizeColumnToContents(2)

    def _fill_dose(self, report: Report, row) -> None:  # type: ignore[no-untyped-def]
        if not report.is_ionising:
            return
        dose = report.dose
        if dose is None or dose.is_empty:
            row("dose", self.tr("Dose"), "", None)
        else:
            if dose.total_dlp_mgy_cm is not None:
                total = dose.total_dlp_mgy_cm
                value = f"{_number(total.value)} mGy·cm"
                row("dose", self.tr("PDL total"), value, total.source, total.detail)
            for acquisition in dose.acquisitions:
                values = []
                if acquisition.ctdi_vol_mgy is not None:
                    values.append(f"CTDIvol {_number(acquisition.ctdi_vol_mgy)} mGy")
                if acquisition.dlp_mgy_cm is not None:
                    values.append(self.tr("PDL {value} mGy·cm").format(value=_number(acquisition.dlp_mgy_cm)))
                row("dose", f"  {acquisition.label}", " ; ".join(values), acquisition.source)
            if dose.total_dap_dgy_cm2 is not None:
                dap = dose.total_dap_dgy_cm2
                row("dose", self.tr("PDS total"), f"{_number(dap.value, 3)} dGy·cm²", dap.source, dap.detail)
            if dose.fluoroscopy_time_s is not None:
                scopy = dose.fluoroscopy_time_s
                row("dose", self.tr("Temps de scopie"), f"{_number(scopy.value, 1)} s", scopy.source)
            for extra in dose_rows(dose):  # mammography, air kerma, per incidence, radiopharmaceuticals
                if extra.ident.startswith(("dose-value-", "dose-activity-")):
                    value = f"{_number(extra.value, extra.places)} {extra.shown_unit}"
                    row("dose", f"  {extra.label}", value, extra.source, extra.detail)
        if dose is not None and dose.equipment is not None:
            row("dose.equipment", self.tr("Appareil"), dose.equipment.label, dose.equipment.source)

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
        selected = current.data(0, Qt.ItemDataRole.UserRole) if current is not None else None
        self._fill_injected(report)
        if selected in self._tree_items:
            self._tree.setCurrentItem(self._tree_items[selected])
        if self._locked:
            self._issue_list.clear()
            self._issue_list.addItem(
                QListWidgetItem(self.tr("Compte rendu signé : aucune modification possible."))
            )
            self._checks_box.setTitle(self.tr("Signé"))
        else:
            self._show_issues(checks.check(report, self._template), checks.warnings(report, self._template))
            for exceeded in checks.above_reference_levels(report):  # shown, never blocking
                item = QListWidgetItem(f"☢ {user_text(exceeded.message)}")
                item.setData(Qt.ItemDataRole.UserRole, "dose")
                item.setForeground(QBrush(QColor("#e8a33d")))
                item.setToolTip(self.tr("Niveau de référence dépassé : ne bloque pas la signature"))
                self._issue_list.addItem(item)
        if self._tabs.currentWidget() is self._preview:
            bar = self._preview.verticalScrollBar()
            position = bar.value()
            self._preview.show_html(report_html(report), report.status is not ReportStatus.SIGNED)
            bar.setValue(position)

    def _show_issues(self, issues: list[checks.Issue], warnings: list[checks.Issue] = ()) -> None:  # type: ignore[assignment]
        self._issue_list.clear()
        for issue in issues:
            item = QListWidgetItem(f"⚠ {user_text(issue.message)}")
            item.setData(Qt.ItemDataRole.UserRole, issue.field)
            where = self.tr("{code} — cliquez pour aller à : {field}")
            item.setToolTip(where.format(code=issue.code, field=issue.field))
            self._issue_list.addItem(item)
        if not issues:
            if self._status.text() == self._refusal_text():
                self._status.setText("")
            item = QListWidgetItem("✔ " + self.tr("Rien ne manque : le compte rendu peut être signé."))
            item.setForeground(QBrush(QColor("#6fbf8a")))
            self._issue_list.addItem(item)
            if warnings:
                self._checks_box.setTitle(
                    self.tr("Avant signature : complet, %n avertissement(s) à vérifier", "", len(warnings))
                )
            else:
                self._checks_box.setTitle(self.tr("Avant signature : complet"))
        else:
            self._checks_box.setTitle(self.tr("Avant signature : %n élément(s) manquant(s)", "", len(issues)))
        for warning in warnings:
            item = QListWidgetItem(f"◆ {user_text(warning.message)}")
            item.setData(Qt.ItemDataRole.UserRole, warning.field)
            item.setForeground(QBrush(QColor(WARNING_COLOUR)))
            where = self.tr(
                "Avertissement {code} (ne bloque pas la signature) — cliquez pour aller à : {field}"
            )
            item.setToolTip(where.format(code=warning.code, field=warning.field))
            self._issue_list.addItem(item)

    def _issue_clicked(self, item: QListWidgetItem) -> None:
        target = item.data(Qt.ItemDataRole.UserRole)
        if target:
            self._jump(str(target))

    def _jump(self, target: str) -> None:
        """Give the focus to the place where the issue at ``target`` (a ``checks.Issue.field``) is fixed."""
        if target.startswith("fields.") and target[len("fields.") :] in self._field_widgets:
            widget = self._field_widgets[target[len("fields.") :]]
            self._tabs.setCurrentWidget(self._scroll)
            self._scroll.ensureWidgetVisible(widget, 10, 30)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if target.startswith("fields."):
            target = "chapters.results"
        if target == "urgent_communication":
            self._tabs.setCurrentWidget(self._scroll)
            self._scroll.ensureWidgetVisible(self._urgent_recipient, 10, 30)
            self._urgent_recipient.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if target.startswith("chapters."):
            chapter = next(c for c in Chapter if c.attribute == target.split(".", 1)[1])
            self._tabs.setCurrentWidget(self._scroll)
            edit = self._chapter_edits[chapter]
            self._scroll.ensureWidgetVisible(edit)
            edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if target == "addendum" and self._addendum_group.isVisibleTo(self):
            self._tabs.setCurrentWidget(self._scroll)
            self._scroll.ensureWidgetVisible(self._addendum)
            self._addendum.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if target == "identity_check":
            self._tabs.setCurrentWidget(self._scroll)
            self._scroll.ensureWidgetVisible(self._identity)
            self._identity.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if target == "dose" and self._dose_row.isVisibleTo(self):
            self._tabs.setCurrentWidget(self._scroll)
            place = next(
                (w for w in (self._typed_dlp, self._typed_dap) if w.isVisibleTo(self)), self._dose_reason
            )
            self._scroll.ensureWidgetVisible(place)
            place.setFocus(Qt.FocusReason.OtherFocusReason)
        key = target
        while key and key not in self._tree_items:
            key = _PARENT.sub("", key) if _PARENT.search(key) else ""
        if key:
            item = self._tree_items[key]
            self._tree.setCurrentItem(item)
            self._tree.scrollToItem(item)
            if target != "dose" or not self._dose_row.isVisibleTo(self):
                self._tree.setFocus(Qt.FocusReason.OtherFocusReason)

    def _header_text(self, report: Report) -> str:
        patient = report.patient
        if patient is None:
            who = self.tr("Patient non identifié")
        elif patient.used_family and patient.used_family.upper() != patient.birth_family.upper():
            # the name the site and the worklist show first, the birth name (INS trait) beside it
            given = patient.used_given or patient.first_given
            name = f"{patient.used_family} {given}"
            if patient.sex.value == "F":
                who = self.tr("{name}, née {birth_name}").format(name=name, birth_name=patient.birth_family)
            else:
                who = self.tr("{name}, né {birth_name}").format(name=name, birth_name=patient.birth_family)
        else:
            who = f"{patient.birth_family} {patient.first_given}"
        exam = report.acts[0].label if report.acts else self.tr("Examen non renseigné")
        status = self.tr("signé") if report.status is ReportStatus.SIGNED else self.tr("brouillon")
        if self._template:
            version = self.tr("Version {version}, {status} — modèle : {template}").format(
                version=report.version, status=status, template=self._template.title
            )
        else:
            version = self.tr("Version {version}, {status}").format(version=report.version, status=status)
        return f"<b>{_escape(who)}</b> — {_escape(exam)}<br/><small>{_escape(version)}</small>"


def _set_badge(label: QLabel, source: Source, template: str = "{source}") -> None:
    text, colour = SOURCE_BADGES[source]
    label.setText(template.format(source=_tr(text)))
    label.setToolTip(user_text(source.label))
    label.setStyleSheet(f"background:{colour};color:{BADGE_TEXT};border-radius:3px;padding:1px 5px")


def _person(person: Professional | None) -> str:
    if person is None:
        return ""
    rpps = f" (RPPS {person.rpps})" if person.rpps else ""
    return person.display_name + rpps


_TYPING_LABELS = {  # undo texts
    "dose_missing_reason": QT_TRANSLATE_NOOP("ReportEditor", "Saisir le motif d'absence de dose"),
    "typed_dlp": QT_TRANSLATE_NOOP("ReportEditor", "Saisir le PDL total"),
    "typed_dap": QT_TRANSLATE_NOOP("ReportEditor", "Saisir le PDS total"),
}
_ANY_FIELD = QT_TRANSLATE_NOOP("ReportEditor", "Saisir un champ")
PROJECTION = frozenset({"CR", "DX", "RF", "XA", "IO", "PX"})  # acts whose dose is the DAP (22/09/2006)


def _decimal(text: str) -> Decimal | None:
    """A positive number typed the French way (``850,5``) or with a dot; None when it is not one."""
    try:
        value = Decimal(text.strip().replace("\u202f", "").replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() and value > 0 else None


def _number(value, digits: int = 2) -> str:  # type: ignore[no-untyped-def]
    """A number as the interface language writes it: decimal comma in French, point in English (the
    default locale, which installing the interface language sets, not the system's)."""
    return format_number(value, digits).replace(".", QLocale().decimalPoint())


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
