"""Red wavy underlines under the words the French spell checker does not know, in a text document.

The words come from :class:`reporting.spelling.SpellChecker` (hunspell French, the radiology lexicon,
the personal dictionary); this is only the Qt edge: Qt counts positions in UTF-16 code units, the
checker in code points, so a word after an emoji is underlined exactly.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from reporting.macros import utf16_length
from reporting.spelling import Misspelling, SpellChecker

UNDERLINE = "#e5676b"  # the reading room's red: seen on the dark panel without glaring


def underline_format() -> QTextCharFormat:
    """The red wavy underline of a misspelled word (the chapters' and the one-line fields')."""
    underline = QTextCharFormat()
    underline.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
    underline.setUnderlineColor(QColor(UNDERLINE))
    return underline


class SpellHighlighter(QSyntaxHighlighter):
    """Underlines the misspelled words of ``document``; ``misspellings(text)`` says which they are."""

    def __init__(self, document: QTextDocument, checker: SpellChecker) -> None:
        super().__init__(document)
        self.checker = checker
        self.enabled = True
        self._format = underline_format()

    def set_enabled(self, enabled: bool) -> None:
        if enabled != self.enabled:
            self.enabled = enabled
            self.rehighlight()

    def misspellings(self, text: str) -> list[Misspelling]:
        return list(self.checker.misspelled(text)) if self.enabled else []

    def highlightBlock(self, text: str) -> None:
        for wrong in self.misspellings(text):
            start = utf16_length(text[: wrong.start])
            self.setFormat(start, utf16_length(wrong.word), self._format)
