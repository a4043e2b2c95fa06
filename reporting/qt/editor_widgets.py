"""The report editor's widgets: text fields whose undo is the editor's, the chapters' text, the preview.

Ctrl+Z, Ctrl+Y and Ctrl+Shift+Z typed in any text of the panel walk the editor's one undo stack (the
Qt text widgets' own histories are driven from it, never used alone); a chapter's text turns each undo
step of its document into a command of that stack (``reporting.qt.editor_commands``) and expands
macros with Tab. The panel's texts are in the « ReportEditor » translation context.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QObject,
    QPoint,
    QSettings,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QTextCursor,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QSplitter,
    QStyledItemDelegate,
    QTextBrowser,
    QTreeWidget,
    QWidget,
)

from reporting.editing import Edit
from reporting.fields import ChapterText, FieldKey, Place
from reporting.macros import macro_before_cursor, utf16_prefix
from reporting.markdown import xml_safe
from reporting.model import Chapter, Source
from reporting.qt.editor_commands import DocumentStep
from reporting.qt.spell_line import SpellLineEdit
from reporting.qt.spelling import SpellHighlighter
from reporting.spelling import SpellChecker
from resources.translations.qt import text as user_text

if TYPE_CHECKING:
    from reporting.qt.editor import ReportEditor

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


def editor_tr(text: str) -> str:
    """A text of the panel marked with ``QT_TRANSLATE_NOOP("ReportEditor", ...)``, translated."""
    return QCoreApplication.translate(CONTEXT, text)


def chapter_title(chapter: Chapter) -> str:
    """The chapter's heading in the interface language (the report keeps the French one)."""
    return user_text(chapter.title)


# --- widgets ---------------------------------------------------------------------------------------


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


class UndoLineEdit(SpellLineEdit):
    """A one-line field whose undo is the editor's, spell-checked when its text goes into the report
    as written (``spell_check=False`` for numbers)."""

    def __init__(
        self,
        stack: QUndoStack,
        parent: QWidget | None = None,
        checker: SpellChecker | None = None,
        spell_check: bool = True,
    ) -> None:
        super().__init__("", parent, checker, spell_check)
        self._stack = stack

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and _undo_or_redo(event):  # type: ignore[arg-type]
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not _route_undo(self, self._stack, event):
            super().keyPressEvent(event)

    def context_menu(self, pos: QPoint) -> QMenu:
        menu = super().context_menu(pos)
        _replace_undo_actions(menu, self._stack)
        return menu


class _ChapterEdit(QPlainTextEdit):
    """A chapter's free text: Tab expands a macro or moves on; edits become commands on the stack."""

    def __init__(self, editor: ReportEditor, chapter: Chapter | None, title: str = "") -> None:
        super().__init__()
        self.editor = editor
        self.chapter = chapter  # None: the addendum of a new version
        self.key: FieldKey = ChapterText(chapter) if chapter is not None else Place.ADDENDUM
        self.title = chapter_title(chapter) if chapter is not None else title
        self.merge_serial = 0
        self._replaying = 0
        self._pending: tuple[str, bool] | None = None
        self.setObjectName(f"chapitre-{chapter.attribute}" if chapter is not None else "addendum")
        self.setTabChangesFocus(False)
        self.setToolTip(editor_tr(MACRO_HELP))
        self.document().undoCommandAdded.connect(self._document_step)
        self.document().contentsChanged.connect(self._fit_height)
        self.document().contentsChanged.connect(self._text_changed)
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
        model = self.editor.model
        edit = Edit(self.key, model.text(self.key), self.raw_text(), mergeable, self.merge_serial)
        self.editor._stack.push(DocumentStep(self, edit, label))

    def _text_changed(self) -> None:
        """Typing the document merged into its last undo step (no new step, so no new command): the
        model's edit of that step now ends at the text shown."""
        if self._replaying or self.editor._applying:
            return
        text, model = self.raw_text(), self.editor.model
        if model.text(self.key) == text:
            return
        stack = self.editor._stack
        for index in range(stack.index() - 1, -1, -1):
            command = stack.command(index)
            if isinstance(command, DocumentStep) and command.text_edit is self:
                model.revise(command.edit, text)
                return
        log.warning("a change of %s has no undo step: kept, not undoable", self.key)
        model.put(self.key, text)

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
            if not self.isReadOnly() and self.expand_macro():
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

    def expand_macro(self) -> bool:
        """Replace the macro keyword before the cursor by its text (one undo step); False when the word
        there is no macro of the editor's template for this chapter."""
        cursor = self.textCursor()
        if cursor.hasSelection():
            return False
        line, column = cursor.block().text(), cursor.positionInBlock()
        found = macro_before_cursor(line, column, self.editor.template(), self.chapter)
        if found is None:
            return False
        start = cursor.block().position() + found.start_utf16

        def replace_keyword(c: QTextCursor) -> None:
            c.setPosition(start)
            c.setPosition(start + found.length_utf16, QTextCursor.MoveMode.KeepAnchor)
            c.insertText(found.macro.text)

        label = QCoreApplication.translate("ReportEditor", "Macro « {keyword} »")
        self.edit_as(label.format(keyword=found.macro.keyword), replace_keyword)
        return True

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
            learn.triggered.connect(lambda _=False, w=word: self.editor._writing.learn_word(w))
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


class Preview(QTextBrowser):
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
            text = editor_tr(self.watermark)
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


class WrappingRows(QStyledItemDelegate):
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


class FocusWatcher(QObject):
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


def set_badge(label: QLabel, source: Source, template: str = "{source}") -> None:
    text, colour = SOURCE_BADGES[source]
    label.setText(template.format(source=editor_tr(text)))
    label.setToolTip(user_text(source.label))
    label.setStyleSheet(f"background:{colour};color:{BADGE_TEXT};border-radius:3px;padding:1px 5px")


def escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ScreenSplitter(QSplitter):
    """A vertical splitter whose sizes are remembered per screen, by name and size: a laptop and the
    reading-room monitor each keep their own proportions (``QSettings`` under ``settings_key``)."""

    def __init__(self, owner: QWidget, settings_key: str) -> None:
        super().__init__(Qt.Orientation.Vertical)
        self.setChildrenCollapsible(False)
        self._owner = owner
        self._settings_key = settings_key
        self._screen = ""
        self._follows_screen = False
        self.splitterMoved.connect(lambda _pos, _index: self._save())

    def screen_key(self) -> str:
        screen = self._owner.screen()
        if screen is None:
            return ""
        size = screen.size()
        name = re.sub(r"[^\w.-]", "_", screen.name() or "ecran")
        return f"{name}_{size.width()}x{size.height()}"

    def _save(self) -> None:
        key = self.screen_key()
        if key:
            QSettings().setValue(f"{self._settings_key}/{key}", self.saveState())

    def _restore(self) -> None:
        key = self.screen_key()
        if not key or key == self._screen:
            return
        self._screen = key
        state = QSettings().value(f"{self._settings_key}/{key}")
        if state is not None:
            self.restoreState(state)

    def follow_screen(self) -> None:
        """When the owner is shown: the sizes of its screen, and those of the next screen it moves to."""
        self._restore()
        handle = self._owner.window().windowHandle()
        if handle is not None and not self._follows_screen:
            self._follows_screen = True
            handle.screenChanged.connect(lambda _screen: self._restore())
