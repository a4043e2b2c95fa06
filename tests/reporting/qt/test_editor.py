"""The report editor driven as a radiologist would: keys, Tab, picks, paste, the Sign button.

Keys are sent as real key events (``type_text`` sends any character, é œ ’ and emoji included);
every assertion is on the report the editor gives back, on the undo stack or on the focus.
Screenshots go to ``artifacts_dir`` (looked at by the developer).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QImage, QInputMethodEvent, QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QPlainTextEdit,
    QTreeWidget,
    QWidget,
)

from reporting import checks
from reporting.model import Addendum, Chapter, IdentityCheck, Narrative, ReportStatus, Source, new_version
from reporting.qt.editor import SOURCE_BADGES, ReportEditor
from reporting.templates import template_by_id
from tests.reporting.factories import SIGNED_AT, make_draft, make_signed

HEAD = "tlr-tdm-tete-sans-injection"


def type_text(widget: QWidget, text: str) -> None:
    """One key press per character, with the character as the event's text (what an IME delivers)."""
    for char in text:
        key = Qt.Key.Key_Return if char == "\n" else Qt.Key.Key_unknown
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char))


def press(
    widget: QWidget, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    text = "\t" if key == Qt.Key.Key_Tab else ""
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(QApplication.focusWidget() or widget, QKeyEvent(kind, key, modifiers, text))


def focus(qtbot, widget: QWidget) -> None:
    widget.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(lambda: widget.hasFocus() or QApplication.focusWidget() is widget)


@pytest.fixture
def editor(qtbot) -> ReportEditor:
    """The CT head template on the ANS example report: conclusion to write, results from the template."""
    draft = make_draft(conclusion=Narrative(""), results=Narrative(""), technique=Narrative(""))
    widget = ReportEditor(draft, template_by_id(HEAD))
    qtbot.addWidget(widget)
    widget.resize(760, 1040)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


def test_typing_is_merged_per_field_and_undo_restores_exact_text(qtbot, editor: ReportEditor) -> None:
    stack = editor.undo_stack()
    conclusion = editor.chapter_edit(Chapter.CONCLUSION)
    focus(qtbot, conclusion)
    type_text(conclusion, "Pas de lésion intracrânienne — œdème ? Non ; l’examen est normal 🩻.")
    assert editor.report().conclusion == Narrative(
        "Pas de lésion intracrânienne — œdème ? Non ; l’examen est normal 🩻.", Source.USER
    )
    assert stack.count() == 1  # one word-processor step for the whole typing in the field
    results = editor.chapter_edit(Chapter.RESULTS)
    focus(qtbot, results)
    type_text(results, "Sinus\u00a0: normaux.")  # the no-break space of French typography is kept
    assert stack.count() == 2
    results_text = editor.report().results.text
    assert results_text.endswith("pas de fracture visible\n\nSinus\u00a0: normaux.")
    focus(qtbot, conclusion)
    press(conclusion, Qt.Key.Key_Backspace)
    assert editor.report().conclusion.text.endswith("normal 🩻")  # the emoji is one character
    assert stack.count() == 3  # coming back to a field starts a new step

    stack.undo()
    assert editor.report().conclusion.text.endswith("normal 🩻.")
    stack.undo()
    assert editor.report().results.text == template_by_id(HEAD).default_text(Chapter.RESULTS)
    stack.undo()
    assert editor.report().conclusion == Narrative("", Source.USER)
    for _ in range(3):
        stack.redo()
    assert editor.report().results.text == results_text
    assert (
        editor.report().conclusion.text
        == "Pas de lésion intracrânienne — œdème ? Non ; l’examen est normal 🩻"
    )

    press(conclusion, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Z walks the same stack
    assert stack.index() == 2 and editor.report().conclusion.text.endswith("normal 🩻.")
    editor.set_locked(True)  # e.g. while the application asks for the second factor
    press(conclusion, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    type_text(conclusion, "x")
    assert stack.index() == 2 and editor.report().conclusion.text.endswith("normal 🩻.")
    editor.set_locked(False)
    press(conclusion, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stack.index() == 1


def test_pick_lists_and_typed_values_are_undoable(qtbot, editor: ReportEditor) -> None:
    stack = editor.undo_stack()
    combo = editor.field_widget("resultats-hemorragie")
    assert isinstance(combo, QComboBox)
    focus(qtbot, combo)
    press(combo, Qt.Key.Key_Down)  # next choice of the pick list
    assert combo.currentText() == "hématome sous-dural aigu"
    assert "\nHémorragie intracrânienne : hématome sous-dural aigu\n" in "\n" + editor.report().results.text
    assert stack.undoText() == "Choisir « hématome sous-dural aigu »"
    combo.lineEdit().selectAll()
    type_text(combo.lineEdit(), "hématome sous-dural chronique bilatéral")
    assert editor.report().results.text.startswith(
        "Hémorragie intracrânienne : hématome sous-dural chronique bilatéral\n"
    )
    assert stack.count() == 2  # the typed value is one step
    stack.undo()
    assert combo.currentText() == "hématome sous-dural aigu"
    stack.undo()
    assert combo.currentText() == "absente"
    assert editor.report().results.text == template_by_id(HEAD).default_text(Chapter.RESULTS)
    stack.redo()
    stack.redo()
    assert combo.currentText() == "hématome sous-dural chronique bilatéral"


def test_tab_moves_through_the_fields_in_report_order(qtbot, editor: ReportEditor) -> None:
    focus(qtbot, editor.chapter_edit(Chapter.INDICATION))
    visited = []
    for _ in range(14):
        press(editor, Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        owner = widget.parentWidget() if isinstance(widget.parentWidget(), QComboBox) else widget
        visited.append(owner.objectName())
    assert visited == [
        "champ-technique-acquisition",
        "champ-technique-reconstructions",
        "champ-technique-qualite",
        "chapitre-technique",
        "champ-resultats-hemorragie",
        "champ-resultats-parenchyme",
        "champ-resultats-ligne-mediane",
        "champ-resultats-ventricules",
        "champ-resultats-citernes",
        "champ-resultats-os",
        "champ-resultats-parties-molles",
        "chapitre-results",
        "chapitre-conclusion",
        "identite-verifiee",
    ]
    press(editor, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget().objectName() == "chapitre-conclusion"
    assert (
        editor.report().indication.text == "Céphalées brutales. **Recherche d'hémorragie méningée.**"
    )  # no tab typed


def test_macros_expand_on_tab(qtbot, editor: ReportEditor) -> None:
    template = template_by_id(HEAD)
    results = editor.chapter_edit(Chapter.RESULTS)
    focus(qtbot, results)
    type_text(results, "Sinus : voir plus bas. sin")
    press(results, Qt.Key.Key_Tab)
    expected_free = "Sinus : voir plus bas. " + template.macro("sin", Chapter.RESULTS).text
    assert editor.report().results.text.endswith("\n\n" + expected_free)
    assert QApplication.focusWidget() is results  # the Tab was used by the macro
    assert editor.undo_stack().undoText() == "Macro « sin »"
    editor.undo_stack().undo()
    assert editor.report().results.text.endswith("\n\nSinus : voir plus bas. sin")

    conclusion = editor.chapter_edit(Chapter.CONCLUSION)
    focus(qtbot, conclusion)
    type_text(conclusion, "nl")
    press(conclusion, Qt.Key.Key_Tab)
    assert editor.report().conclusion.text == template.macro("nl", Chapter.CONCLUSION).text
    type_text(conclusion, " 🩻 comp")
    press(conclusion, Qt.Key.Key_Tab)  # a template-wide macro, after an emoji
    assert editor.report().conclusion.text == (
        template.macro("nl", Chapter.CONCLUSION).text
        + " 🩻 À confronter aux données cliniques et biologiques."
    )
    type_text(conclusion, " hsd")  # a results macro: not in the conclusion, so Tab moves on
    press(conclusion, Qt.Key.Key_Tab)
    assert editor.report().conclusion.text.endswith("biologiques. hsd")
    assert QApplication.focusWidget().objectName() == "identite-verifiee"
    assert "puis Tab" in conclusion.toolTip()


def test_measurement_goes_to_the_cursor_of_the_current_chapter(qtbot, editor: ReportEditor) -> None:
    results = editor.chapter_edit(Chapter.RESULTS)
    focus(qtbot, results)
    type_text(results, "Hématome 🩻 de épaisseur.")
    cursor = results.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
    cursor.movePosition(QTextCursor.MoveOperation.Left, n=len(" de épaisseur."))
    results.setTextCursor(cursor)
    focus(qtbot, editor.findChild(QWidget, "elements-injectes"))  # the viewer side has the focus now
    editor.insert_measurement("12,5 mm (série 3, image 42)")
    assert editor.report().results.text.endswith("\n\nHématome 🩻 12,5 mm (série 3, image 42) de épaisseur.")
    assert editor.undo_stack().undoText() == "Insérer une mesure"
    editor.undo_stack().undo()
    assert editor.report().results.text.endswith("\n\nHématome 🩻 de épaisseur.")
    conclusion = editor.chapter_edit(Chapter.CONCLUSION)
    focus(qtbot, conclusion)
    editor.insert_measurement("PDL 850 mGy·cm\n")
    assert editor.report().conclusion.text == "PDL 850 mGy·cm"


def test_sign_is_refused_with_the_exact_list_and_jumps_to_the_first(qtbot, editor: ReportEditor) -> None:
    base = editor.report()
    editor.set_report(
        replace(
            base,
            participants=replace(base.participants, requester=None),
            identity_check=None,
            dose=None,
        )
    )
    with qtbot.assertNotEmitted(editor.signRequested):
        qtbot.mouseClick(editor.findChild(QWidget, "signer"), Qt.MouseButton.LeftButton)
    listed = editor.findChild(QWidget, "verifications")
    messages = [listed.item(i).text() for i in range(listed.count())]
    assert messages == [
        "⚠ La concordance entre l'identité du patient et les images n'a pas été vérifiée.",
        "⚠ La conclusion (« Synthèse / Conclusion ») est vide.",
        "⚠ Acte irradiant sans dose : importez la dose ou indiquez pourquoi elle manque.",
        "⚠ Le médecin demandeur n'est pas identifié.",
    ]
    assert [i.message for i in checks.check(editor.report())] == [m[2:] for m in messages]
    assert QApplication.focusWidget().objectName() == "identite-verifiee"
    # each item leads to the place to fix it
    qtbot.mouseClick(
        listed.viewport(), Qt.MouseButton.LeftButton, pos=listed.visualItemRect(listed.item(1)).center()
    )
    assert QApplication.focusWidget() is editor.chapter_edit(Chapter.CONCLUSION)
    qtbot.mouseClick(
        listed.viewport(), Qt.MouseButton.LeftButton, pos=listed.visualItemRect(listed.item(2)).center()
    )
    assert QApplication.focusWidget().objectName() == "pdl-saisi"  # CT without DLP: the value to type
    qtbot.mouseClick(
        listed.viewport(), Qt.MouseButton.LeftButton, pos=listed.visualItemRect(listed.item(3)).center()
    )
    tree = editor.findChild(QWidget, "elements-injectes")
    assert QApplication.focusWidget() is tree
    assert tree.currentItem().text(0) == "Médecin demandeur" and tree.currentItem().text(1) == "— manquant"

    # fixing in the editor: identity, conclusion, dose reason; the requester comes from the application
    qtbot.mouseClick(
        editor.findChild(QWidget, "identite-verifiee"), Qt.MouseButton.LeftButton, pos=_left(editor)
    )
    conclusion = editor.chapter_edit(Chapter.CONCLUSION)
    focus(qtbot, conclusion)
    type_text(conclusion, "nl")
    press(conclusion, Qt.Key.Key_Tab)
    reason = editor.findChild(QWidget, "motif-absence-dose")
    focus(qtbot, reason)
    type_text(reason, "Console en panne : dose non transmise")
    assert [i.code for i in checks.check(editor.report())] == [checks.IssueCode.MISSING_REQUESTER]
    report = editor.report()
    assert report.identity_check.verified and report.identity_check.source is Source.USER
    assert report.dose_missing_reason == "Console en panne : dose non transmise"
    editor.undo_stack().undo()  # the reason, typed as one step
    assert editor.report().dose_missing_reason == ""
    assert [i.code for i in checks.check(editor.report())] == [
        checks.IssueCode.MISSING_DOSE,
        checks.IssueCode.MISSING_REQUESTER,
    ]


def test_dose_read_on_the_console_and_incidents_are_typed_with_their_source(
    qtbot, editor: ReportEditor
) -> None:
    editor.set_report(replace(editor.report(), dose=None))
    dlp = editor.findChild(QWidget, "pdl-saisi")
    assert dlp.isVisibleTo(editor) and not editor.findChild(QWidget, "pds-saisi").isVisibleTo(editor)  # CT
    focus(qtbot, dlp)
    type_text(dlp, "85O,3")  # a letter O typed for a zero
    assert editor.report().dose is None
    assert "PDL : nombre positif attendu" in editor.findChild(QLabel, "erreur-nombre").text()
    dlp.selectAll()
    type_text(dlp, "850,3")
    total = editor.report().dose.total_dlp_mgy_cm
    assert (total.value, total.source) == (Decimal("850.3"), Source.USER)
    assert not editor.findChild(QLabel, "erreur-nombre").isVisibleTo(editor)
    assert checks.IssueCode.MISSING_DOSE not in [i.code for i in checks.check(editor.report())]
    qtbot.waitUntil(lambda: _tree_row(editor, "PDL total") == ["PDL total", "850,3 mGy·cm", "saisie"])

    incident = editor.findChild(QWidget, "incident")
    focus(qtbot, incident)
    type_text(incident, "Extravasation de 20 mL au pli du coude, œdème local 🩹")
    qtbot.mouseClick(editor.findChild(QWidget, "ajouter-incident"), Qt.MouseButton.LeftButton)
    added = editor.report().incidents[-1]
    assert (added.description, added.source) == (
        "Extravasation de 20 mL au pli du coude, œdème local 🩹",
        Source.USER,
    )
    assert len(editor.report().incidents) == 2  # the one of the report, and this one
    assert incident.text() == ""
    qtbot.waitUntil(lambda: len(_tree_rows(editor, "Incident")) == 2)
    assert _tree_rows(editor, "Incident")[1][2] == "saisie"
    editor.undo_stack().undo()
    assert len(editor.report().incidents) == 1
    editor.undo_stack().undo()
    assert editor.report().dose is None


def _tree_rows(editor: ReportEditor, label: str) -> list[list[str]]:
    tree = editor.findChild(QWidget, "elements-injectes")
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    return [[item.text(c) for c in range(3)] for item in items if item.text(0) == label]


def _tree_row(editor: ReportEditor, label: str) -> list[str] | None:
    rows = _tree_rows(editor, label)
    return rows[0] if rows else None


def _left(editor: ReportEditor) -> QPoint:
    """A point on the check box's indicator."""
    box = editor.findChild(QWidget, "identite-verifiee")
    return QPoint(8, box.height() // 2)


def test_sign_requested_when_complete_then_locked(qtbot, editor: ReportEditor) -> None:
    conclusion = editor.chapter_edit(Chapter.CONCLUSION)
    focus(qtbot, conclusion)
    type_text(conclusion, "nl")
    press(conclusion, Qt.Key.Key_Tab)
    assert checks.check(editor.report()) == []
    with qtbot.waitSignal(editor.signRequested) as signal:
        qtbot.mouseClick(editor.findChild(QWidget, "signer"), Qt.MouseButton.LeftButton)
    [sent] = signal.args
    assert sent == editor.report()
    assert sent.conclusion.text == template_by_id(HEAD).macro("nl", Chapter.CONCLUSION).text
    assert sent.results.text == template_by_id(HEAD).default_text(Chapter.RESULTS)

    signed = checks.sign(sent, SIGNED_AT)  # what the application does after the second factor
    editor.set_report(signed)
    assert editor.findChild(QWidget, "verrou").isVisible()
    focus(qtbot, conclusion)
    type_text(conclusion, "modification")
    editor.insert_measurement("3 mm")
    press(conclusion, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.report() == signed
    assert not editor.field_widget("resultats-hemorragie").isEnabled()
    assert not editor.findChild(QWidget, "signer").isEnabled()
    with qtbot.assertNotEmitted(editor.signRequested):
        assert editor.request_signature() is False
    assert editor.report().status is ReportStatus.SIGNED


def test_a_report_reopens_with_its_fields(qtbot) -> None:
    template = template_by_id(HEAD)
    part = template.chapter(Chapter.RESULTS)
    text = template.default_text(Chapter.RESULTS).replace(
        "Ligne médiane : en place", "Ligne médiane : déviée de 3 mm"
    )
    draft = make_draft(results=Narrative(text + "\n\nTexte libre.", Source.USER))
    editor = ReportEditor(draft, template)
    qtbot.addWidget(editor)
    assert editor.field_widget("resultats-ligne-mediane").currentText() == "déviée de 3 mm"
    assert editor.chapter_edit(Chapter.RESULTS).toPlainText() == "Texte libre."
    assert editor.report() == draft  # nothing edited: the very same report, sources included
    assert editor.report().indication.source is Source.ORDER_HL7
    assert len(part.fields) == 7


def test_accents_emoji_and_a_200_page_paste_stay_intact(qtbot, editor: ReportEditor) -> None:
    page = (
        "Ligne d'essai avec é, è, à, ç, œ, Œ, ’, « guillemets », 🩻🫁 et une espace insécable\u00a0; "
        "assez longue pour remplir une page de compte rendu.\n"
    ) * 30
    text = page * 200
    assert len(text) > 500_000
    results = editor.chapter_edit(Chapter.RESULTS)
    focus(qtbot, results)
    results.moveCursor(QTextCursor.MoveOperation.End)
    QApplication.clipboard().setText(text)
    results.paste()
    report = editor.report()
    assert report.results.text == template_by_id(HEAD).default_text(Chapter.RESULTS) + "\n\n" + text
    assert editor.undo_stack().count() == 1 and editor.undo_stack().undoText() == "Coller dans « Résultats »"
    editor.undo_stack().undo()
    assert editor.report().results.text == template_by_id(HEAD).default_text(Chapter.RESULTS)
    QApplication.clipboard().setText("a\x00b\x0cc\x1bd")  # control characters of a pasted PDF
    results.paste()
    assert editor.report().results.text.endswith("\n\na b\nc d")


def test_preview_is_the_final_document(qtbot, editor: ReportEditor, artifacts_dir: Path) -> None:
    conclusion = editor.chapter_edit(Chapter.CONCLUSION)
    focus(qtbot, conclusion)
    type_text(conclusion, "Examen normal œ 🩻.")
    tabs = editor.findChild(QWidget, "apercu").parentWidget().parentWidget()
    tabs.setCurrentIndex(1)
    shown = editor.findChild(QWidget, "apercu").toPlainText()
    assert "Examen normal œ 🩻." in shown
    assert "Hémorragie intracrânienne : absente" in shown
    assert "BROUILLON – non signé" in shown
    assert "PDL total (produit dose × longueur)\n857,76 mGy·cm\nRDSR DICOM (rapport de dose)" in shown
    editor.grab().save(str(artifacts_dir / "editeur-apercu.png"))


def _has_colour(image: QImage, colour: str) -> bool:
    wanted = QColor(colour).rgb()
    step = 2
    return any(
        image.pixel(x, y) == wanted
        for y in range(0, image.height(), step)
        for x in range(0, image.width(), step)
    )


def test_screenshots_incomplete_and_complete(qtbot, editor: ReportEditor, artifacts_dir: Path) -> None:
    base = editor.report()
    editor.set_report(
        replace(base, participants=replace(base.participants, requester=None), identity_check=None)
    )
    qtbot.mouseClick(editor.findChild(QWidget, "signer"), Qt.MouseButton.LeftButton)
    incomplete = editor.grab().toImage()
    incomplete.save(str(artifacts_dir / "editeur-cr-incomplet.png"))
    assert _has_colour(incomplete, SOURCE_BADGES[Source.ORDER_HL7][1])
    # the dose rows sit below the identity rows: scrolled to, whatever height the splitter was left at
    tree = editor.findChild(QTreeWidget, "elements-injectes")
    rdsr = SOURCE_BADGES[Source.RDSR][0]
    dose_row = next(
        tree.topLevelItem(i) for i in range(tree.topLevelItemCount()) if tree.topLevelItem(i).text(2) == rdsr
    )
    tree.scrollToItem(dose_row, QAbstractItemView.ScrollHint.PositionAtCenter)
    assert _has_colour(editor.grab().toImage(), SOURCE_BADGES[Source.RDSR][1])  # the dose comes from RDSR
    tree.scrollToTop()

    checked = IdentityCheck(True, Source.USER, SIGNED_AT)
    editor.set_report(replace(base, identity_check=checked))
    conclusion = editor.chapter_edit(Chapter.CONCLUSION)
    focus(qtbot, conclusion)
    type_text(conclusion, "nl")
    press(conclusion, Qt.Key.Key_Tab)
    editor.insert_measurement("épaisseur 4,2 mm")
    qtbot.waitUntil(lambda: editor.findChild(QWidget, "verifications").item(0).text().startswith("✔"))
    complete = editor.grab().toImage()
    complete.save(str(artifacts_dir / "editeur-cr-complet.png"))
    assert _has_colour(complete, SOURCE_BADGES[Source.USER][1])
    editor.set_report(checks.sign(editor.report(), SIGNED_AT))
    editor.grab().save(str(artifacts_dir / "editeur-cr-signe.png"))
    assert isinstance(editor.chapter_edit(Chapter.CONCLUSION), QPlainTextEdit)


def test_preview_command_refuses_unusable_input(tmp_path: Path, capsys) -> None:
    from reporting.qt.__main__ import main

    assert main(["--order", str(tmp_path / "absent.hl7"), "--author", "10000000007 DURAND Paul"]) == 2
    assert "Entrée inutilisable" in capsys.readouterr().err
    order = tmp_path / "orm.hl7"
    order.write_text("pas du HL7", encoding="utf-8")
    assert main(["--order", str(order), "--author", "10000000007 DURAND Paul"]) == 2


def test_typing_steps_close_when_leaving_a_field_or_moving_the_cursor(qtbot, editor: ReportEditor) -> None:
    stack = editor.undo_stack()
    soft = editor.field_widget("resultats-parties-molles")
    focus(qtbot, soft)
    type_text(soft.lineEdit(), "ecchymose")  # no choice starts so: a value of its own
    press(soft, Qt.Key.Key_Tab)
    focus(qtbot, soft)
    soft.lineEdit().end(False)
    type_text(soft.lineEdit(), " frontale")
    assert "\nParties molles épicrâniennes : ecchymose frontale\n" in editor.report().results.text + "\n"
    assert [stack.text(i) for i in range(stack.count())] == ["Saisir un champ", "Saisir un champ"]
    conclusion = editor.chapter_edit(Chapter.CONCLUSION)
    focus(qtbot, conclusion)
    type_text(conclusion, "Examen")
    press(conclusion, Qt.Key.Key_Home)
    type_text(conclusion, "Conclusion : ")
    assert editor.report().conclusion.text == "Conclusion : Examen"
    assert stack.count() == 4
    stack.undo()
    assert editor.report().conclusion.text == "Examen"
    stack.undo()
    stack.undo()
    assert "\nParties molles épicrâniennes : ecchymose\n" in editor.report().results.text + "\n"


def test_the_start_of_a_choice_then_tab_picks_it(qtbot, editor: ReportEditor) -> None:
    soft = editor.field_widget("resultats-parties-molles")
    focus(qtbot, soft)
    assert soft.currentText() == "" and soft.currentIndex() == -1  # no default in the template
    press(soft, Qt.Key.Key_Down)
    assert soft.currentText() == "sans anomalie"  # the first choice, not the second
    editor.undo_stack().undo()
    assert soft.currentText() == "" and "Parties molles" not in editor.report().results.text
    type_text(soft.lineEdit(), "pla")
    press(soft, Qt.Key.Key_Tab)
    assert "\nParties molles épicrâniennes : plaie du cuir chevelu\n" in editor.report().results.text + "\n"
    assert editor.undo_stack().undoText() == "Choisir « plaie du cuir chevelu »"
    editor.undo_stack().undo()
    editor.undo_stack().undo()
    assert "Parties molles" not in editor.report().results.text  # no value: no line


def test_without_a_template_the_chapters_are_free_text(qtbot) -> None:
    draft = make_draft(conclusion=Narrative(""))
    editor = ReportEditor(draft)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    assert editor.chapter_edit(Chapter.RESULTS).toPlainText() == draft.results.text
    assert editor.report() == draft and editor.undo_stack().count() == 0
    conclusion = editor.chapter_edit(Chapter.CONCLUSION)
    focus(qtbot, conclusion)
    type_text(conclusion, "nl")
    press(conclusion, Qt.Key.Key_Tab)  # no template, no macro: Tab moves on
    assert editor.report().conclusion.text == "nl"
    assert QApplication.focusWidget().objectName() == "identite-verifiee"
    editor.insert_measurement("4 mm")
    assert editor.report().conclusion.text == "nl 4 mm"


def test_an_addendum_is_written_in_a_new_version(qtbot, artifacts_dir: Path) -> None:
    signed = make_signed()
    author = signed.participants.author
    version_2 = new_version(signed, addendum=Addendum("", author, SIGNED_AT))
    editor = ReportEditor(version_2, template_by_id(HEAD))
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    assert editor.findChild(QWidget, "groupe-addendum").isVisible()
    with qtbot.assertNotEmitted(editor.signRequested):
        assert editor.request_signature() is False
    assert [i.code for i in checks.check(editor.report())] == [checks.IssueCode.MISSING_ADDENDUM_TEXT]
    addendum = editor.findChild(QWidget, "addendum")
    assert QApplication.focusWidget() is addendum  # the jump goes to the addendum
    type_text(addendum, "Relecture : nodule pulmonaire de 4 mm du lobe supérieur droit, non décrit. 🫁")
    editor.resize(760, 1040)
    qtbot.waitUntil(lambda: editor.findChild(QWidget, "verifications").item(0).text().startswith("✔"))
    editor.grab().save(str(artifacts_dir / "editeur-addendum.png"))
    with qtbot.waitSignal(editor.signRequested) as signal:
        assert editor.request_signature() is True
    [report] = signal.args
    assert (report.version, report.set_id, report.parent_document_id) == (
        2,
        signed.set_id,
        signed.document_id,
    )
    assert (
        report.addendum.text
        == "Relecture : nodule pulmonaire de 4 mm du lobe supérieur droit, non décrit. 🫁"
    )
    assert report.results == signed.results  # the chapters of version 1 are kept as they were
    editor.undo_stack().undo()
    assert editor.report().addendum.text == ""


def test_the_urgent_result_communication_is_noted(
    qtbot, editor: ReportEditor, artifacts_dir: Path
) -> None:
    recipient = editor.findChild(QWidget, "urgence-destinataire")
    focus(qtbot, recipient)
    type_text(recipient, "Dr Benali, interne de chirurgie viscérale")
    means = editor.findChild(QComboBox, "urgence-moyen")
    means.setCurrentIndex(0)
    before = datetime.now(ZoneInfo("Europe/Paris"))
    qtbot.mouseClick(editor.findChild(QWidget, "noter-urgence"), Qt.MouseButton.LeftButton)
    urgent = editor.report().urgent_communication
    assert (urgent.recipient, urgent.means, urgent.source) == (
        "Dr Benali, interne de chirurgie viscérale",
        "téléphone",
        Source.USER,
    )
    assert before <= urgent.at <= datetime.now(ZoneInfo("Europe/Paris"))
    shown = editor.findChild(QLabel, "urgence-notee").text()
    assert shown.startswith("Résultat communiqué en urgence par téléphone à Dr Benali, interne de chirurgie")
    assert recipient.text() == ""
    editor.grab().save(str(artifacts_dir / "editeur-verifications.png"))
    editor.undo_stack().undo()
    assert editor.report().urgent_communication is None
    assert not editor.findChild(QLabel, "urgence-notee").isVisibleTo(editor)


def test_characters_from_the_input_method_are_typing(qtbot, editor: ReportEditor) -> None:
    conclusion = editor.chapter_edit(Chapter.CONCLUSION)
    focus(qtbot, conclusion)
    type_text(conclusion, "R")
    for composed in ("é", "s", "u", "l", "t", "a", "t", " ", "œ", "’"):  # dead keys deliver commits
        event = QInputMethodEvent()
        event.setCommitString(composed)
        QApplication.sendEvent(conclusion, event)
    assert editor.report().conclusion.text == "Résultat œ’"
    assert editor.undo_stack().count() == 1
    editor.undo_stack().undo()
    assert editor.report().conclusion.text == ""


def test_a_bare_draft_opens_and_lists_everything_missing(qtbot) -> None:
    from reporting.model import new_draft

    editor = ReportEditor(new_draft(), template_by_id(HEAD))
    qtbot.addWidget(editor)
    listed = editor.findChild(QWidget, "verifications")
    codes = [i.code for i in checks.check(editor.report())]
    assert listed.count() == len(codes) and codes[0] is checks.IssueCode.MISSING_PATIENT
    assert checks.IssueCode.MISSING_ACT in codes and checks.IssueCode.MISSING_AUTHOR in codes
    assert _tree_row(editor, "Patient") == ["Patient", "— manquant", ""]
    assert _tree_row(editor, "Acte") == ["Acte", "— manquant", ""]
    with qtbot.assertNotEmitted(editor.signRequested):
        assert editor.request_signature() is False


def test_report_changed_follows_the_edits_for_safekeeping(qtbot, editor: ReportEditor) -> None:
    conclusion = editor.chapter_edit(Chapter.CONCLUSION)
    focus(qtbot, conclusion)
    with qtbot.waitSignal(editor.reportChanged, timeout=2000) as signal:
        type_text(conclusion, "Brouillon à garder")
    [kept] = signal.args
    assert kept.conclusion.text == "Brouillon à garder" and kept == editor.report()
    with qtbot.waitSignal(editor.reportChanged, timeout=2000) as signal:
        editor.undo_stack().undo()
    assert signal.args[0].conclusion.text == ""
    with qtbot.assertNotEmitted(editor.reportChanged, wait=500):
        editor.set_report(editor.report())  # showing a report is not an edit


def test_unsaved_is_the_undo_stack_not_at_its_clean_state(qtbot, editor: ReportEditor) -> None:
    """Dirty = ``not stack.isClean()``: typing makes it modified, saving makes it clean, undoing past
    the save makes it modified again and redoing back to the save clean again."""
    assert not editor.is_modified()  # as loaded
    conclusion = editor.chapter_edit(Chapter.CONCLUSION)
    focus(qtbot, conclusion)
    type_text(conclusion, "Pas d'anomalie")
    assert editor.is_modified()
    editor.set_saved()
    assert not editor.is_modified()
    editor.undo_stack().undo()
    assert editor.is_modified() and conclusion.toPlainText() == ""
    editor.undo_stack().redo()
    assert not editor.is_modified() and conclusion.toPlainText() == "Pas d'anomalie"
    editor.set_report(editor.report())  # another report shown: its history starts clean
    assert not editor.is_modified()


def test_switching_template_keeps_what_was_written(qtbot, editor: ReportEditor, artifacts_dir: Path) -> None:
    choice = editor.findChild(QComboBox, "modele")
    assert choice.currentText() == "Scanner cérébral sans injection"
    assert [choice.itemText(i) for i in range(choice.count())] == [
        "Sans modèle",
        "IRM cérébrale",
        "Radiographie du thorax",
        "Scanner thoraco-abdomino-pelvien avec injection",
        "Scanner cérébral sans injection",
    ]
    results = editor.chapter_edit(Chapter.RESULTS)
    focus(qtbot, results)
    type_text(results, "Sinus normaux.")
    written = editor.report().results.text
    choice.setFocus()
    choice.setCurrentIndex(1)
    choice.activated.emit(1)  # what a pick in the list emits
    assert editor.template().id == "tlr-irm-cerebrale"
    report = editor.report()
    # technique was still at the CT defaults: it takes the MR ones; results had been written: kept whole
    assert report.technique.text == template_by_id("tlr-irm-cerebrale").default_text(Chapter.TECHNIQUE)
    assert report.results.text == written
    assert editor.chapter_edit(Chapter.RESULTS).toPlainText() == written  # the CT fields became free text
    assert editor.field_widget("resultats-diffusion").currentText() == ""
    assert editor.undo_stack().count() == 0
    qtbot.wait(50)  # let the new form lay itself out
    editor.grab().save(str(artifacts_dir / "editeur-changement-modele.png"))
    choice.setCurrentIndex(0)
    choice.activated.emit(0)
    assert editor.template() is None and editor.report().results.text == written
    with pytest.raises(KeyError):
        editor.field_widget("resultats-diffusion")
