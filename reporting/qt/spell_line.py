"""A one-line text field with the report's French spell check: red wavy underlines and corrections.

The chapters of the report are ``QPlainTextEdit`` documents underlined by a ``QSyntaxHighlighter``
(``reporting.qt.spelling``); a ``QLineEdit`` has no document to highlight. Replacing the one-line
fields by a text edit made to look like one would lose what the rest of the code relies on
(``textEdited`` only for the user's changes, ``returnPressed``, the line edit of an editable pick
list, the application's style sheet, validators, the undo routing), so the field stays a
``QLineEdit`` and its words are underlined the way an input method underlines its pre-edit text:
a ``QInputMethodEvent`` carrying only ``TextFormat`` attributes (no text), which ``QLineEdit``
keeps as formats of its text layout. Such an event changes neither the text nor its undo history
and emits no signal; the formats are computed again after every change of the text (from a
zero-delay timer: never inside the line edit's own signal).

The words are those of :class:`reporting.spelling.SpellChecker` (hunspell French, the radiology
lexicon, the personal dictionary); the context menu puts its corrections first, and « Ajouter au
dictionnaire personnel » teaches it the word in every field at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QPoint, QTimer, Signal
from PySide6.QtGui import QAction, QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QMessageBox, QPlainTextEdit, QTextEdit, QWidget

from reporting.macros import utf16_length
from reporting.qt.spelling import SpellHighlighter, underline_format
from reporting.spelling import Misspelling, SpellChecker, default_checker

log = logging.getLogger(__name__)


class SpellLineEdit(QLineEdit):
    """A ``QLineEdit`` whose misspelled words are underlined in red, with corrections in its menu.

    ``checker`` defaults to the application's (:func:`reporting.spelling.default_checker`);
    ``on_learn`` is called with a word the user adds to the personal dictionary (by default the
    word is added here and every spell-checked field of the application is underlined again).
    ``stepBoundary`` is emitted just before and just after a correction is put in: a field whose
    typing is merged into one undo step closes the step there, so the correction is undone alone.
    """

    stepBoundary = Signal()

    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        checker: SpellChecker | None = None,
        spell_check: bool = True,
    ) -> None:
        super().__init__(text, parent)
        self.checker = checker if checker is not None else default_checker()
        self.spell_check = spell_check
        self.on_learn: Callable[[str], None] | None = None
        self._shown: tuple[str, bool] | None = None  # the text and state last underlined
        self._composing = False  # the input method is composing (dead key, compose key): wait
        self._underlining = False
        self._format = underline_format()
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.rehighlight)
        self.textChanged.connect(lambda _text: self._timer.start())  # start(), not start(msec)
        if spell_check:
            self._timer.start()

    # --- underlining -------------------------------------------------------------------------------

    def set_spell_check(self, enabled: bool) -> None:
        self.spell_check = enabled
        self.rehighlight(force=True)

    def misspellings(self) -> list[Misspelling]:
        """The words underlined in the current text (positions in code points, as the checker's)."""
        return list(self.checker.misspelled(self.text())) if self.spell_check else []

    def rehighlight(self, force: bool = False) -> None:
        """Underline the misspelled words of the current text (and nothing else)."""
        text = self.text()
        state = (text, self.spell_check)
        if self._shown == state and not force:
            return
        if self.isReadOnly() or self._composing:  # ignored when read-only; would end a composition
            self._shown = None
            return
        cursor = self.cursorPosition()  # the event's positions are relative to the cursor (UTF-16)
        attributes = [
            QInputMethodEvent.Attribute(
                QInputMethodEvent.AttributeType.TextFormat,
                utf16_length(text[: wrong.start]) - cursor,
                utf16_length(wrong.word),
                self._format,
            )
            for wrong in self.misspellings()
        ]
        self._underlining = True
        try:
            QCoreApplication.sendEvent(self, QInputMethodEvent("", attributes))
        finally:
            self._underlining = False
        self._shown = state

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        """The input method's own events: while it composes (pre-edit text shown), underlining would
        end the composition, so it waits; when it stops, its formats replaced ours: underline again."""
        super().inputMethodEvent(event)
        if self._underlining:
            return
        self._composing = bool(event.preeditString())
        if not self._composing:
            self._shown = None
            self._timer.start()

    def setReadOnly(self, read_only: bool) -> None:
        super().setReadOnly(read_only)
        if not read_only:
            self._timer.start()

    # --- corrections -------------------------------------------------------------------------------

    def misspelled_at(self, position: int) -> tuple[int, int, str] | None:
        """The misspelled word at a cursor position (UTF-16): its start and end (UTF-16) and the word."""
        text = self.text()
        for wrong in self.misspellings():
            start = utf16_length(text[: wrong.start])
            end = start + utf16_length(wrong.word)
            if start <= position <= end:
                return start, end, wrong.word
        return None

    def contextMenuEvent(self, event) -> None:
        self.context_menu(event.pos()).exec(event.globalPos())

    def context_menu(self, pos: QPoint) -> QMenu:
        """The standard menu, with corrections first when the word under ``pos`` is misspelled."""
        menu = self.createStandardContextMenu()
        found = self.misspelled_at(self.cursorPositionAt(pos))
        if found is None or self.isReadOnly():
            return menu
        start, end, word = found
        first = menu.actions()[0] if menu.actions() else None
        suggestions = self.checker.suggest(word)
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
        learn.triggered.connect(lambda _=False, w=word: self.learn(w))
        menu.insertAction(first, learn)
        menu.insertSeparator(first)
        return menu

    def correct(self, start: int, end: int, word: str) -> None:
        """Replace the word between ``start`` and ``end`` (UTF-16) as the user would: ``textEdited``
        is emitted, so the report gets the corrected text and the field's undo has the step."""
        self.stepBoundary.emit()
        self.setSelection(start, end - start)
        self.insert(word)
        self.stepBoundary.emit()

    def learn(self, word: str) -> None:
        if self.on_learn is not None:
            self.on_learn(word)
            return
        try:
            self.checker.add_personal(word)
        except OSError:
            QMessageBox.warning(
                self,
                self.tr("Dictionnaire personnel"),
                self.tr("Dictionnaire personnel impossible à écrire : « {word} » reste souligné.").format(
                    word=word
                ),
            )
            return
        rehighlight_everywhere()


def rehighlight_everywhere() -> None:
    """Underline again every spell-checked text of the application (a word was learned): the
    one-line fields and the documents with a :class:`SpellHighlighter`."""
    for widget in QApplication.allWidgets():
        if isinstance(widget, SpellLineEdit):
            widget.rehighlight(force=True)
        elif isinstance(widget, (QPlainTextEdit, QTextEdit)):
            for highlighter in widget.document().findChildren(SpellHighlighter):
                highlighter.rehighlight()
