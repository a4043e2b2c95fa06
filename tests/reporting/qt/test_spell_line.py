"""The spell check of the report's one-line fields (issue 17, item 2): a typo typed in a template's
free-text field, the incident, the dose-missing reason, the urgent recipient or the announcement's
procedure is underlined in red on screen (read back from the widget's pixels), « épanchement » is the
first correction of « epanchemnt », the words of the templates' pick lists are never underlined, and
what is typed still reaches the report. Screenshots go to ``artifacts_dir`` and were looked at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage, QInputMethodEvent
from PySide6.QtWidgets import QApplication, QComboBox, QWidget

from reporting import spelling
from reporting.model import Chapter, Narrative
from reporting.qt.editor import ReportEditor
from reporting.qt.spell_line import SpellLineEdit
from reporting.qt.spelling import UNDERLINE
from reporting.templates import FieldKind, builtin_templates, template_by_id
from tests.reporting.factories import make_draft
from tests.reporting.qt.test_editor import focus, press, type_text

THORAX = "tlr-radiographie-thorax"  # its « Matériel » is a free-text field of the results


@pytest.fixture
def personal(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A personal dictionary of the test's own (the fields take the application's checker)."""
    spelling.use_personal_dictionary(tmp_path / "dictionnaire-personnel.txt")
    yield tmp_path / "dictionnaire-personnel.txt"
    spelling.use_personal_dictionary(None)


def _open(qtbot, template_id: str = THORAX) -> ReportEditor:  # type: ignore[no-untyped-def]
    draft = make_draft(conclusion=Narrative(""), results=Narrative(""), technique=Narrative(""))
    editor = ReportEditor(draft, template_by_id(template_id))
    qtbot.addWidget(editor)
    editor.resize(760, 1040)
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    return editor


def _is_underline_red(image: QImage, x: int, y: int) -> bool:
    """A pixel of the red wavy underline (antialiased: its hue, lighter or darker)."""
    colour, red = image.pixelColor(x, y), QImage(1, 1, QImage.Format.Format_RGB32)
    red.fill(UNDERLINE)
    wanted = red.pixelColor(0, 0)
    return (
        colour.red() - max(colour.green(), colour.blue()) >= 40
        and abs(colour.hslHue() - wanted.hslHue()) <= 12
    )


def _red_columns(line: SpellLineEdit) -> set[int]:
    """The x of the widget where the red underline is drawn, read from its pixels."""
    image = line.grab().toImage()
    return {x for x in range(image.width()) for y in range(image.height()) if _is_underline_red(image, x, y)}


def _span(line: SpellLineEdit, word: str) -> range:
    """The x range a word of the line takes on screen (from the cursor rectangles Qt gives)."""
    text = line.text()
    start = text.index(word)
    keep = line.cursorPosition()
    xs = []
    for position in (start, start + len(word)):
        line.setCursorPosition(position)
        xs.append(line.inputMethodQuery(Qt.InputMethodQuery.ImCursorRectangle).center().x())
    line.setCursorPosition(keep)
    return range(xs[0], xs[1] + 1)


def _underlined(line: SpellLineEdit, word: str) -> bool:
    span = _span(line, word)
    inside = [x for x in _red_columns(line) if x in span]
    return len(inside) >= len(span) // 3  # the antialiased wave is red in about half the columns


def _nothing_red(line: SpellLineEdit) -> bool:
    return not _red_columns(line)


def test_a_typo_in_a_template_text_field_is_underlined_corrected_and_reported(
    qtbot, personal: Path, artifacts_dir: Path
) -> None:
    editor = _open(qtbot)
    material = editor.field_widget("resultats-materiel")
    assert isinstance(material, SpellLineEdit)
    focus(qtbot, material)
    type_text(material, "Sonde d'intubation, epanchemnt")
    qtbot.waitUntil(lambda: [w.word for w in material.misspellings()] == ["epanchemnt"])
    qtbot.waitUntil(lambda: _underlined(material, "epanchemnt"))
    assert not _underlined(material, "intubation") and not _underlined(material, "Sonde")
    material.grab().save(str(artifacts_dir / "ligne-orthographe.png"))
    editor.grab().save(str(artifacts_dir / "editeur-ligne-orthographe.png"))
    assert "Sonde d'intubation, epanchemnt" in editor.report().results.text  # typed: in the report

    span = _span(material, "epanchemnt")
    menu = material.context_menu(QPoint(span.start + 5, material.height() // 2))
    actions = [a for a in menu.actions() if not a.isSeparator()]
    assert actions[0].text() == "épanchement"
    assert actions[0].objectName() == "correction"
    assert any(a.objectName() == "edit-copy" for a in actions)  # the standard menu follows
    actions[0].trigger()
    assert material.text() == "Sonde d'intubation, épanchement"
    assert "Sonde d'intubation, épanchement" in editor.report().results.text
    qtbot.waitUntil(lambda: _nothing_red(material))
    editor.undo_stack().undo()  # the correction is undone by the editor's Ctrl+Z
    assert "Sonde d'intubation, epanchemnt" in editor.report().results.text
    assert material.text() == "Sonde d'intubation, epanchemnt"
    qtbot.waitUntil(lambda: _underlined(material, "epanchemnt"))


def test_the_incident_and_urgent_lines_are_checked_and_still_reach_the_report(qtbot) -> None:
    editor = _open(qtbot)
    incident = editor.findChild(SpellLineEdit, "incident")
    focus(qtbot, incident)
    type_text(incident, "Malaise vagal, epanchemnt au point de ponction")
    qtbot.waitUntil(lambda: _underlined(incident, "epanchemnt"))
    assert not _underlined(incident, "vagal") and not _underlined(incident, "ponction")
    press(incident, Qt.Key.Key_Return)  # Enter still adds the incident
    assert editor.report().incidents[-1].description == "Malaise vagal, epanchemnt au point de ponction"
    assert incident.text() == ""
    qtbot.waitUntil(lambda: _nothing_red(incident))  # the emptied field has no stale underline

    urgent = editor.findChild(SpellLineEdit, "urgence-destinataire")
    focus(qtbot, urgent)
    type_text(urgent, "Dr MARTIN, interne de garde des urgances")
    qtbot.waitUntil(lambda: [w.word for w in urgent.misspellings()] == ["urgances"])
    qtbot.waitUntil(lambda: _underlined(urgent, "urgances"))
    assert not _underlined(urgent, "MARTIN")
    press(urgent, Qt.Key.Key_Return)
    assert editor.report().urgent_communication.recipient == "Dr MARTIN, interne de garde des urgances"

    reason = editor.findChild(SpellLineEdit, "motif-absence-dose")
    reason.setText("Fichier de dose non transmis par la modalité")
    qtbot.wait(20)
    assert reason.misspellings() == [] and _nothing_red(reason)
    # the numbers read on the console are not words: never underlined
    assert not editor.findChild(SpellLineEdit, "pdl-saisi").spell_check


def test_a_word_learned_in_a_line_is_kept_and_no_longer_underlined(qtbot, personal: Path) -> None:
    editor = _open(qtbot)
    incident = editor.findChild(SpellLineEdit, "incident")
    focus(qtbot, incident)
    type_text(incident, "Kerkradite")
    qtbot.waitUntil(lambda: _underlined(incident, "Kerkradite"))
    menu = incident.context_menu(QPoint(_span(incident, "Kerkradite").start + 4, incident.height() // 2))
    next(a for a in menu.actions() if a.objectName() == "ajouter-dictionnaire").trigger()
    assert personal.read_text("utf-8") == "Kerkradite\n"
    qtbot.waitUntil(lambda: _nothing_red(incident))
    assert editor._status.text() == "« Kerkradite » ajouté au dictionnaire personnel."  # said where it was
    # the chapters learned it too (one dictionary)
    conclusion = editor.chapter_edit(Chapter.CONCLUSION)
    focus(qtbot, conclusion)
    type_text(conclusion, "Kerkradite.")
    assert conclusion.spelling.misspellings(conclusion.toPlainText()) == []


def test_no_choice_of_the_templates_is_underlined_in_its_pick_list(qtbot) -> None:
    editor = _open(qtbot)
    combos = [w for w in editor.findChildren(QComboBox) if isinstance(w.lineEdit(), SpellLineEdit)]
    assert combos  # the pick lists' typed values are checked too
    line = combos[0].lineEdit()
    assert isinstance(line, SpellLineEdit)
    choices = {
        choice
        for template in builtin_templates()
        for chapter in Chapter
        if (part := template.chapter(chapter)) is not None
        for field in part.fields
        if field.kind is FieldKind.SELECTION
        for choice in field.choices
    }
    assert len(choices) > 40
    flagged = {c: [w.word for w in line.checker.misspelled(c)] for c in choices}
    assert {c: w for c, w in flagged.items() if w} == {}
    for choice in sorted(choices)[:12]:  # and on screen: nothing red under a template's choice
        combos[0].setEditText(choice)
        qtbot.wait(5)
        assert _nothing_red(line), choice
    combos[0].setEditText("pas d'epanchemnt")
    qtbot.waitUntil(lambda: _underlined(line, "epanchemnt"))


def test_the_announcement_procedure_is_checked(qtbot) -> None:
    from workstation.qt.announcement_dialog import AnnouncementDialog

    dialog = AnnouncementDialog("Dr ROUSSEAU", None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert isinstance(dialog.procedure, SpellLineEdit) and isinstance(dialog.note, SpellLineEdit)
    focus(qtbot, dialog.procedure)
    type_text(dialog.procedure, "procédure d'annonce du servise des urgences")
    qtbot.waitUntil(lambda: _underlined(dialog.procedure, "servise"))
    assert not _underlined(dialog.procedure, "procédure")
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    save.click()
    assert dialog.announcement is not None
    assert dialog.announcement.procedure == "procédure d'annonce du servise des urgences"


def test_a_locked_report_line_is_read_only_and_not_rewritten(qtbot) -> None:
    editor = _open(qtbot)
    incident = editor.findChild(SpellLineEdit, "incident")
    incident.setText("epanchemnt")
    qtbot.waitUntil(lambda: _underlined(incident, "epanchemnt"))
    editor.set_locked(True)
    incident.setText("epanchemnt bis")  # a read-only field ignores the underlining event: no crash
    qtbot.wait(20)
    assert incident.text() == "epanchemnt bis"
    editor.set_locked(False)
    qtbot.waitUntil(lambda: _underlined(incident, "bis") is False and _underlined(incident, "epanchemnt"))
    assert isinstance(editor.findChild(QWidget, "incident"), SpellLineEdit)


def test_a_composition_of_the_input_method_is_not_cut_by_the_underlining(qtbot) -> None:
    """A dead key or the compose key shows pre-edit text; underlining (an input method event of its
    own) must wait for it, or the composition would vanish under the radiologist's fingers."""
    line = SpellLineEdit()
    qtbot.addWidget(line)
    line.resize(400, 30)
    line.show()
    qtbot.waitExposed(line)
    line.setText("un epanchemnt ")
    line.setCursorPosition(len(line.text()))
    qtbot.waitUntil(lambda: _underlined(line, "epanchemnt"))
    before = line.grab().toImage()
    QApplication.sendEvent(line, QInputMethodEvent("WWWW", []))  # composing: pre-edit shown
    composing = line.grab().toImage()
    assert composing != before
    line.rehighlight(force=True)
    assert line.grab().toImage() == composing  # still composing, nothing cut
    commit = QInputMethodEvent()
    commit.setCommitString("é")
    QApplication.sendEvent(line, commit)
    assert line.text() == "un epanchemnt é"
    qtbot.waitUntil(lambda: _underlined(line, "epanchemnt"))  # the input method's formats replaced
