"""The report editor's undo commands: each wraps one ``reporting.editing.Edit`` of the model.

The editor's ``QUndoStack`` holds these; undoing one undoes its edit on the model (the model tells
the view, which shows the value) and shows the place that changed, so nothing changes out of sight.
A chapter's text is the exception in how it is shown: its ``QTextDocument`` keeps its own undo steps
(with the cursor where each changed the text), so :class:`DocumentStep` replays those steps and then
puts the model's value, which is the text the document now shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from reporting.editing import Edit

if TYPE_CHECKING:
    from reporting.qt.editor import ReportEditor
    from reporting.qt.editor_widgets import _ChapterEdit


class DocumentStep(QUndoCommand):
    """One or more undo steps of a chapter's QTextDocument, replayed from the editor's stack."""

    ID = 1001

    def __init__(self, text_edit: _ChapterEdit, edit: Edit, label: str) -> None:
        super().__init__(label)
        self.text_edit = text_edit
        self.edit = edit  # typing: merged with the next typing of the same pause
        self.steps = 1
        self._first = True

    def id(self) -> int:
        return self.ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, DocumentStep) or other.text_edit is not self.text_edit:
            return False
        if not self.edit.merge(other.edit):
            return False
        self.steps += other.steps
        return True

    def redo(self) -> None:
        if self._first:  # the document has just done it
            self._first = False
        else:
            self._replay(redo=True)
        self.edit.redo(self.text_edit.editor.model)

    def undo(self) -> None:
        self._replay(redo=False)
        self.edit.undo(self.text_edit.editor.model)

    def _replay(self, redo: bool) -> None:
        """Replay the document's steps with the cursor put where they change the text, then show that
        place: an undone measurement scrolled out of view is seen going."""
        edit = self.text_edit
        with edit.replaying():
            cursor = edit.textCursor()
            for _ in range(self.steps):
                if redo:
                    edit.document().redo(cursor)
                else:
                    edit.document().undo(cursor)
            edit.setTextCursor(cursor)
        edit.editor._reveal(edit)


class ValueChange(QUndoCommand):
    """A field, the identity check, the dose values or reason, an incident, the urgent communication."""

    ID = 1002

    def __init__(self, editor: ReportEditor, edit: Edit, label: str) -> None:
        super().__init__(label)
        self.editor = editor
        self.edit = edit

    def id(self) -> int:
        return self.ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        return isinstance(other, ValueChange) and self.edit.merge(other.edit)

    def redo(self) -> None:
        self.edit.redo(self.editor.model)
        self.editor._reveal_value(self.edit.key)

    def undo(self) -> None:
        self.edit.undo(self.editor.model)
        self.editor._reveal_value(self.edit.key)
