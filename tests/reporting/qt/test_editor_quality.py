"""The report quality assistant in the editor, driven with real keys: the contradictory report of
issue 17 refused at the peritoneum field, warnings confirmed by a second « Signer », the spell check
(underline, « épanchement » first, correction, personal dictionary), one undo step per kind of edit
with Ctrl+Y and Ctrl+Shift+Z both redoing and the undone place scrolled into view, and the panel at
the widths of the reading screen (1920×1080) and of compare mode: no horizontal scroll bar, nothing
cut. Screenshots go to ``artifacts_dir`` and were looked at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QWidget,
)

from reporting import checks, spelling
from reporting.fields import TemplateValue
from reporting.macros import utf16_length
from reporting.model import Chapter, Narrative, Source
from reporting.qt.editor import ReportEditor
from reporting.templates import template_by_id
from tests.reporting.factories import make_draft
from tests.reporting.qt.test_editor import focus, press, type_text

TAP = "tlr-tdm-tap-injectee"


def _open(
    qtbot, width: int = 760, height: int = 1040, template_id: str = TAP, **fields: object
) -> ReportEditor:
    draft = make_draft(conclusion=Narrative(""), results=Narrative(""), technique=Narrative(""), **fields)
    editor = ReportEditor(draft, template_by_id(template_id))
    qtbot.addWidget(editor)
    editor.resize(width, height)
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    return editor


@pytest.fixture
def personal(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A personal dictionary of the test's own (the editor takes the application's checker)."""
    spelling.use_personal_dictionary(tmp_path / "dictionnaire-personnel.txt")
    yield tmp_path / "dictionnaire-personnel.txt"
    spelling.use_personal_dictionary(None)


def _messages(editor: ReportEditor) -> list[str]:
    listed = editor.findChild(QListWidget, "verifications")
    return [listed.item(i).text() for i in range(listed.count())]


def test_the_contradictory_report_is_refused_at_the_peritoneum(qtbot, artifacts_dir: Path) -> None:
    question = "Finalité : Recherche de collection ou de complication post-opératoire."
    editor = _open(qtbot, indication=Narrative(question, Source.ORDER_HL7))
    conclusion = editor.chapter_edit(Chapter.CONCLUSION)
    focus(qtbot, conclusion)
    type_text(conclusion, "coll")  # the macro word left as such is refused too
    assert [i.code for i in editor.issues()] == [checks.IssueCode.UNEXPANDED_MACRO]
    press(conclusion, Qt.Key.Key_Tab)
    assert editor.report().conclusion.text.startswith("Collection profonde compatible avec un abcès")
    with qtbot.assertNotEmitted(editor.signRequested):
        qtbot.mouseClick(editor.findChild(QPushButton, "signer"), Qt.MouseButton.LeftButton)
    [issue] = editor.issues()
    assert issue.code is checks.IssueCode.CONTRADICTED_NORMAL
    assert issue.field == TemplateValue("resultats-peritoine")
    first = _messages(editor)[0]
    assert first.startswith("⚠ Contradiction : « Péritoine : pas d'épanchement, pas de collection")
    assert "la conclusion dit « Collection profonde compatible avec un abcès" in first
    peritoneum = editor.field_widget("resultats-peritoine")
    assert peritoneum.isAncestorOf(QApplication.focusWidget())  # the jump went to the field
    scroll = editor.findChild(QScrollArea, "redaction")
    top = peritoneum.mapTo(scroll.widget(), QPoint(0, 0)).y() - scroll.verticalScrollBar().value()
    assert 0 <= top <= scroll.viewport().height() - peritoneum.height()  # and it is in view
    editor.grab().save(str(artifacts_dir / "editeur-contradiction-peritoine.png"))
    # clicking the message leads there again; a pick of the list settles it
    focus(qtbot, conclusion)
    listed = editor.findChild(QListWidget, "verifications")
    qtbot.mouseClick(
        listed.viewport(), Qt.MouseButton.LeftButton, pos=listed.visualItemRect(listed.item(0)).center()
    )
    assert peritoneum.isAncestorOf(QApplication.focusWidget())
    for _ in range(2):
        press(peritoneum, Qt.Key.Key_Down)
    assert peritoneum.currentText() == "collection péritonéale"
    assert editor.issues() == []
    with qtbot.waitSignal(editor.signRequested):
        qtbot.mouseClick(editor.findChild(QPushButton, "signer"), Qt.MouseButton.LeftButton)


def test_a_warning_is_confirmed_by_a_second_click(qtbot) -> None:
    question = Narrative("Finalité : Pneumopathie ? Épanchement pleural ?", Source.ORDER_HL7)
    editor = _open(qtbot, template_id="tlr-radiographie-thorax", indication=question)
    plevre = editor.field_widget("resultats-plevre")
    focus(qtbot, plevre)
    for _ in range(3):
        press(plevre, Qt.Key.Key_Down)
    assert plevre.currentText() == "pneumothorax"
    conclusion = editor.chapter_edit(Chapter.CONCLUSION)
    focus(qtbot, conclusion)
    type_text(conclusion, "Pneumothorax droit complet.")
    assert editor.issues() == []
    [warning] = editor.warnings()
    assert warning.code is checks.IssueCode.URGENT_NOT_COMMUNICATED
    qtbot.waitUntil(lambda: _messages(editor)[-1].startswith("◆ Résultat urgent"))
    assert _messages(editor)[0].startswith("✔")
    with qtbot.assertNotEmitted(editor.signRequested):
        assert editor.request_signature() is False  # first click: shown, and the place to act on
    assert QApplication.focusWidget().objectName() == "urgence-destinataire"
    with qtbot.waitSignal(editor.signRequested):
        assert editor.request_signature() is True  # second click: signed as it is
    # noting the call removes the warning
    type_text(QApplication.focusWidget(), "Dr MARTIN, urgences")
    qtbot.mouseClick(editor.findChild(QPushButton, "noter-urgence"), Qt.MouseButton.LeftButton)
    assert editor.warnings() == []
    assert editor.report().urgent_communication.recipient == "Dr MARTIN, urgences"


def _underlined(edit, start: int, length: int) -> bool:  # type: ignore[no-untyped-def]
    block = edit.document().findBlock(start)
    for span in block.layout().formats():
        begins = block.position() + span.start
        if begins <= start and start + length <= begins + span.length:
            return span.format.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
    return False


def test_a_typo_is_underlined_with_the_right_word_first(qtbot, personal: Path, artifacts_dir: Path) -> None:
    editor = _open(qtbot)
    results = editor.chapter_edit(Chapter.RESULTS)
    focus(qtbot, results)
    type_text(results, "nl")
    press(results, Qt.Key.Key_Tab)  # the template's own words: nothing underlined
    text = results.toPlainText()
    assert not any(_underlined(results, i, 1) for i in range(len(text)))
    type_text(results, " Pas d'epanchemnt 🩻 pleural.")
    start = results.toPlainText().index("epanchemnt")
    assert _underlined(results, start, len("epanchemnt"))
    assert not _underlined(results, start + len("epanchemnt 🩻 "), len("pleural"))  # after an emoji, exact
    editor.grab().save(str(artifacts_dir / "editeur-orthographe.png"))

    cursor = results.textCursor()
    cursor.setPosition(start + 3)
    menu = results.context_menu(results.cursorRect(cursor).center())
    actions = [a for a in menu.actions() if not a.isSeparator()]
    assert actions[0].text() == "épanchement"
    assert any(a.objectName() == "ajouter-dictionnaire" for a in actions)
    actions[0].trigger()
    assert editor.report().results.text.endswith(" Pas d'épanchement 🩻 pleural.")
    assert editor.undo_stack().undoText() == "Corriger « épanchement »"
    editor.undo_stack().undo()
    assert editor.report().results.text.endswith(" Pas d'epanchemnt 🩻 pleural.")

    # a word of the radiologist's own: kept in the personal dictionary, no longer underlined
    results.moveCursor(QTextCursor.MoveOperation.End)
    type_text(results, " Kerkradite.")
    text = results.toPlainText()
    where = utf16_length(text[: text.index("Kerkradite")])  # Qt positions: the emoji counts two
    assert _underlined(results, where, len("Kerkradite"))
    cursor.setPosition(where + 2)
    menu = results.context_menu(results.cursorRect(cursor).center())
    next(a for a in menu.actions() if a.objectName() == "ajouter-dictionnaire").trigger()
    assert not _underlined(results, where, len("Kerkradite"))
    assert personal.read_text("utf-8") == "Kerkradite\n"
    # every free text: the other chapters and the addendum have it too
    conclusion = editor.chapter_edit(Chapter.CONCLUSION)
    focus(qtbot, conclusion)
    type_text(conclusion, "Pneumothrax.")
    assert _underlined(conclusion, 0, len("Pneumothrax"))


def test_one_undo_step_per_edit_and_both_redo_keys(qtbot) -> None:
    editor = _open(qtbot, 760, 700)
    stack = editor.undo_stack()
    results = editor.chapter_edit(Chapter.RESULTS)
    focus(qtbot, results)
    type_text(results, "Voir coll")  # typed text
    press(results, Qt.Key.Key_Tab)  # macro expansion
    liver = editor.field_widget("resultats-foie")
    focus(qtbot, liver)
    press(liver, Qt.Key.Key_Down)  # pick-list change
    focus(qtbot, results)
    results.moveCursor(QTextCursor.MoveOperation.End)
    focus(qtbot, editor.findChild(QTreeWidget, "elements-injectes"))  # the viewer side
    editor.insert_measurement("58 x 41 mm")  # measurement insertion
    assert [stack.text(i) for i in range(stack.count())] == [
        "Saisie dans « Résultats »",
        "Macro « coll »",
        "Choisir « lésion hépatique hypodense »",
        "Insérer une mesure",
    ]
    macro = template_by_id(TAP).macro("coll", Chapter.RESULTS).text
    free = lambda: editor.report().results.text.split("\n\n", 1)[1]  # noqa: E731

    # the measurement, out of view: undoing it scrolls back to it
    scroll = editor.findChild(QScrollArea, "redaction")
    conclusion = editor.chapter_edit(Chapter.CONCLUSION)
    focus(qtbot, editor.chapter_edit(Chapter.INDICATION))
    scroll.verticalScrollBar().setValue(0)
    assert not results.visibleRegion().boundingRect().contains(results.cursorRect())
    press(conclusion, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert free() == f"Voir {macro}"
    assert results.visibleRegion().boundingRect().contains(results.cursorRect().center())
    press(results, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert (
        editor.field_widget("resultats-foie").currentText()
        == "foie de taille normale sans lésion focale, voies biliaires non dilatées"
    )
    press(results, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert free() == "Voir coll"  # the macro alone, the typing stays
    press(results, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.report().results.text == template_by_id(TAP).default_text(Chapter.RESULTS)
    # Ctrl+Y and Ctrl+Shift+Z both redo, in a text, in a field and anywhere in the panel
    press(results, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert free() == "Voir coll"
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    press(results, Qt.Key.Key_Z, shift_ctrl)
    assert free() == f"Voir {macro}"
    focus(qtbot, liver)
    press(liver, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert liver.currentText() == "lésion hépatique hypodense"
    identity = editor.findChild(QCheckBox, "identite-verifiee")
    focus(qtbot, identity)
    press(identity, Qt.Key.Key_Z, shift_ctrl)
    assert stack.index() == 4 and free() == f"Voir {macro} 58 x 41 mm"
    assert "Ctrl+Y ou Ctrl+Maj+Z" in results.toolTip()


def _cut_or_scrolling(editor: ReportEditor) -> list[str]:
    """What would need a horizontal scroll bar or is cut at the panel's width."""
    found = []
    for area in editor.findChildren(QAbstractScrollArea):
        if area.isVisibleTo(editor) and area.horizontalScrollBar().maximum() > 0:
            found.append(f"{area.objectName() or type(area).__name__} scrolls horizontally")
    scroll = editor.findChild(QScrollArea, "redaction")
    if scroll.widget().minimumSizeHint().width() > scroll.viewport().width():
        found.append("the writing form is wider than the panel")
    for label in editor.findChildren(QLabel):
        shown_whole = not label.isVisibleTo(editor) or label.wordWrap() or not label.text()
        if not shown_whole and label.width() < label.minimumSizeHint().width():
            found.append(f"label cut: {label.text()[:40]}")
    for box in editor.findChildren(QCheckBox) + editor.findChildren(QPushButton):
        if box.isVisibleTo(editor) and box.width() < box.minimumSizeHint().width():
            found.append(f"{type(box).__name__} cut: {box.text()}")
    for combo in editor.findChildren(QComboBox):
        key = combo.objectName().removeprefix("champ-")
        whole = editor.findChild(QLabel, f"choix-complet-{key}")
        shown = combo.lineEdit().width() - 8 if combo.lineEdit() is not None else combo.width()
        if not combo.isVisibleTo(editor):
            continue
        cut = whole is not None and combo.fontMetrics().horizontalAdvance(combo.currentText()) > shown
        if cut and not (whole.isVisibleTo(editor) and whole.text() == combo.currentText()):
            found.append(f"choice cut without its whole text: {combo.currentText()[:40]}")
    return found


@pytest.mark.parametrize(
    ("width", "name"),
    [
        (640, "editeur-1920x1080.png"),
        (560, "editeur-comparaison-560.png"),
        (470, "editeur-comparaison-470.png"),
    ],
)
def test_the_panel_fits_the_reading_screen_and_compare_mode(
    qtbot, width: int, name: str, artifacts_dir: Path
) -> None:
    """640 px is the report's share of a 1920×1080 reading screen, 470 px its share in compare mode."""
    editor = _open(qtbot, width, 1000)
    qtbot.waitUntil(lambda: _messages(editor) != [])
    qtbot.wait(50)  # the deferred fitting of the pick lists
    assert _cut_or_scrolling(editor) == []
    editor.grab().save(str(artifacts_dir / name))
    conclusion = editor.chapter_edit(Chapter.CONCLUSION)
    focus(qtbot, conclusion)
    type_text(conclusion, "Pneumothorax gauche. coll")  # long messages in the list: wrapped
    qtbot.waitUntil(lambda: len(_messages(editor)) >= 2)
    editor.findChild(QWidget, "apercu").parentWidget().parentWidget().setCurrentIndex(1)
    qtbot.wait(50)
    assert _cut_or_scrolling(editor) == []
    editor.grab().save(str(artifacts_dir / name.replace("editeur", "apercu")))


def test_the_splitter_is_remembered_for_the_screen(qtbot) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QSplitter

    editor = _open(qtbot, 640, 1000)
    splitter = editor.findChild(QSplitter, "separateur-compte-rendu")
    try:
        splitter.moveSplitter(120, 1)
        splitter.splitterMoved.emit(120, 1)
        sizes = splitter.sizes()
        key = f"ReportEditor/splitter/{editor._screen_key()}"
        assert editor.screen().name() and QSettings().value(key) is not None  # kept for this screen
        other = _open(qtbot, 640, 1000)
        assert other.findChild(QSplitter, "separateur-compte-rendu").sizes() == sizes
    finally:
        QSettings().remove("ReportEditor/splitter")  # the other tests start from the default sizes
