"""The report editor with the interface in English: the panel speaks English, the report stays French.

What may stay French on screen is the report and what goes into it, never the panel's own texts:
- the template (resources/templates): its title, its field labels and its pick-list choices are
  written into the chapters as they are ("Hémorragie intracrânienne : absente");
- the report's data in the imported items: CCAM/LOINC/SNOMED/DICOM labels of the acts, the series
  descriptions of the dose, the incident as the site described it, the teleradiology statement (a
  French medico-legal mention), and what the radiologist typed (the urgent call's recipient);
- the text of the chapters and the document preview (not read by ``french_leftovers``: a plain-text
  editor's text and a browser's document are the report itself).
Everything else (titles, buttons, tooltips, placeholders, badges, the checklist, undo texts) must
read English; ``french_leftovers`` and the walks below over the tree and the checklist say where not.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QWidget,
)

from reporting import checks, terminology
from reporting.model import Act, Chapter, Narrative, Source, Sourced
from reporting.qt.editor import ReportEditor
from reporting.templates import ReportTemplate, builtin_templates, template_by_id
from resources.translations import QT_TRANSLATE_NOOP
from tests.i18n import french_leftovers, interface_language, leftovers
from tests.reporting.factories import SIGNED_AT, make_draft
from tests.reporting.qt.test_editor import HEAD, focus, type_text

RECIPIENT = "Dr Benali, interne de chirurgie viscérale"


def _template_texts(template: ReportTemplate) -> list[str]:
    """The template's own words: written into the report as they are, so French in any interface."""
    texts = [t.title for t in builtin_templates()]
    for chapter in Chapter:
        part = template.chapter(chapter)
        if part is not None:
            for field in part.fields:
                texts += [field.label, *field.choices]
    return sorted(texts, key=len, reverse=True)  # longest first: a label never eats part of a longer one


def _report_data(editor: ReportEditor) -> list[str]:
    """The report's French data shown in the « Value » column of the imported items."""
    report = editor.report()
    texts = [report.teleradiology_mention, RECIPIENT]
    texts += [i.description for i in report.incidents]
    for act in report.acts:
        texts += [act.label, *(c.display for c in (act.ccam, act.loinc, act.localisation, act.region) if c)]
    texts += [a.label for a in report.dose.acquisitions]  # the series descriptions of the modality
    return sorted(filter(None, texts), key=len, reverse=True)


def _list_and_tree_texts(editor: ReportEditor) -> Iterator[tuple[str, str]]:
    """What ``french_leftovers`` does not read: the rows of the tree and of the checklist."""
    tree = editor.findChild(QTreeWidget, "elements-injectes")
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        for column in range(tree.columnCount()):
            yield f"tree[{i}].text{column}", item.text(column)
            yield f"tree[{i}].toolTip{column}", item.toolTip(column)
    listed = editor.findChild(QListWidget, "verifications")
    for i in range(listed.count()):
        yield f"checklist[{i}].text", listed.item(i).text()
        yield f"checklist[{i}].toolTip", listed.item(i).toolTip()


def _placeholders(editor: ReportEditor) -> Iterator[tuple[str, str]]:
    """The chapters' placeholders (a QPlainTextEdit is not a QTextEdit, so the helper skips them)."""
    for edit in editor.findChildren(QPlainTextEdit):
        yield f"{edit.objectName()}.placeholder", edit.placeholderText()
        yield f"{edit.objectName()}.accessibleName", edit.accessibleName()


@pytest.fixture
def english_editor(qtbot) -> Iterator[ReportEditor]:
    """A CT head draft with things missing (conclusion, requester, identity check, the codes of a
    second act), a DAP summed from image headers, a married name; built and used in English."""
    base = make_draft(conclusion=Narrative(""), technique=Narrative(""), results=Narrative(""))
    second_act = Act(modality=terminology.modality("CT"), source=Source.ORDER_HL7)
    # as reporting.dose writes the source of a DAP summed from the headers of the images
    detail = QT_TRANSLATE_NOOP("reporting.Sourced", "somme des en-têtes de {count} images").format(count=3)
    dap = Sourced(Decimal("0.92"), Source.DICOM_HEADER, detail)
    draft = replace(
        base,
        participants=replace(base.participants, requester=None),
        identity_check=None,
        acts=(*base.acts, second_act),
        dose=replace(base.dose, total_dap_dgy_cm2=dap),
        patient=replace(base.patient, used_family="MARTIN", used_given="Dominique"),
    )
    with interface_language("en"):
        editor = ReportEditor(draft, template_by_id(HEAD))
        qtbot.addWidget(editor)
        editor.resize(760, 1040)
        editor.show()
        qtbot.waitExposed(editor)
        editor.activateWindow()
        qtbot.waitUntil(editor.isActiveWindow)
        yield editor


def test_the_panel_reads_english_and_the_report_stays_french(
    qtbot, english_editor: ReportEditor, artifacts_dir: Path
) -> None:
    editor = english_editor
    recipient = editor.findChild(QWidget, "urgence-destinataire")
    focus(qtbot, recipient)
    type_text(recipient, RECIPIENT)
    means = editor.findChild(QComboBox, "urgence-moyen")
    assert [means.itemText(i) for i in range(means.count())] == [
        "telephone",
        "secure health messaging",
        "in person",
    ]
    qtbot.mouseClick(editor.findChild(QWidget, "noter-urgence"), Qt.MouseButton.LeftButton)
    assert editor.report().urgent_communication.means == "téléphone"  # the report's word is French
    assert (
        editor.findChild(QLabel, "urgence-notee")
        .text()
        .startswith(f"Urgent result communicated by telephone to {RECIPIENT} on ")
    )
    assert editor.undo_stack().undoText() == "Record urgent result communication"

    conclusion = editor.chapter_edit(Chapter.CONCLUSION)
    focus(qtbot, conclusion)
    type_text(conclusion, "Pas d'anomalie")
    assert editor.undo_stack().undoText() == "Typing in ‘Conclusion’"
    undo = next(a for a in editor.actions() if a.text().startswith("Undo"))
    assert undo.text() == "Undo Typing in ‘Conclusion’"
    editor.undo_stack().undo()
    assert editor.report().conclusion.text == ""

    with qtbot.assertNotEmitted(editor.signRequested):
        qtbot.mouseClick(editor.findChild(QWidget, "signer"), Qt.MouseButton.LeftButton)
    listed = editor.findChild(QListWidget, "verifications")
    messages = [listed.item(i).text() for i in range(listed.count())]
    issues = checks.check(editor.report())
    assert len(messages) == len(issues) == 5
    assert messages == [
        "⚠ The match between the patient's identity and the images has not been verified.",
        "⚠ The Conclusion section is empty.",
        "⚠ Procedure 2 has neither a CCAM nor a LOINC code.",
        "⚠ The anatomical location of procedure 2 is missing.",
        "⚠ The requesting physician is not identified.",
    ]
    assert issues[2].message == "L'acte n° 2 n'a ni code CCAM ni code LOINC."  # the model stays French
    assert listed.parentWidget().title() == "Cannot sign: 5 items to complete"
    assert editor.findChild(QPushButton, "signer").text() == "Sign report…"
    tree = editor.findChild(QTreeWidget, "elements-injectes")
    rows = {tree.topLevelItem(i).text(0): tree.topLevelItem(i) for i in range(tree.topLevelItemCount())}
    assert rows["Requesting physician"].text(1) == "— missing"
    assert rows["Total DLP"].text(1) == "857.76 mGy·cm"  # decimal point in English
    assert rows["Total DAP"].toolTip(2) == "DICOM header of the images — sum of the headers of 3 images"
    assert rows["Patient"].text(1) == "PAT-TROIS DOMINIQUE, born 28/03/1979"
    header = editor.findChild(QLabel, "entete").text()
    assert header.startswith("<b>MARTIN Dominique, birth name PAT-TROIS</b>")
    assert "Version 1, draft — template: Scanner cérébral sans injection" in header
    assert [editor.findChild(QGroupBox, f"groupe-{c.attribute}").title() for c in Chapter] == [
        "Indication",
        "Technique",
        "Findings",
        "Conclusion",
    ]

    template_texts = _template_texts(editor.template())
    # the checklist is read below with the tree (and tests.i18n cannot read a list model's header)
    allow = [*template_texts, editor.report().acts[0].label, RECIPIENT]
    assert french_leftovers(editor, allow=allow, skip=[listed]) == []
    assert leftovers(_placeholders(editor), allow=[]) == []
    assert leftovers(_list_and_tree_texts(editor), allow=_report_data(editor)) == []

    editor.grab().save(str(artifacts_dir / "editor-en.png"))
    tabs = editor.findChild(QWidget, "apercu").parentWidget().parentWidget()
    tabs.setCurrentIndex(1)
    shown = editor.findChild(QWidget, "apercu").toPlainText()
    assert "BROUILLON – non signé" in shown and "Technique" in shown  # the document is French
    assert "Examen interprété en téléradiologie" in shown
    editor.grab().save(str(artifacts_dir / "editor-en-preview.png"))


def test_a_signed_report_reads_english_when_locked(qtbot, english_editor: ReportEditor) -> None:
    editor = english_editor
    report = editor.report()
    complete = replace(
        report,
        acts=report.acts[:1],
        participants=make_draft().participants,
        identity_check=make_draft().identity_check,
        conclusion=Narrative("Examen normal.", Source.USER),
    )
    editor.set_report(checks.sign(complete, SIGNED_AT))
    banner = editor.findChild(QLabel, "verrou").text()
    assert banner == "Report signed on 06/01/2026 at 19:30: locked. Any correction requires a new version."
    listed = editor.findChild(QListWidget, "verifications")
    assert listed.item(0).text() == "Report signed: no changes possible."
    allow = [*_template_texts(editor.template()), report.acts[0].label]
    assert french_leftovers(editor, allow=allow, skip=[listed]) == []


def test_french_remains_the_default(qtbot) -> None:
    editor = ReportEditor(make_draft(conclusion=Narrative("")), template_by_id(HEAD))
    qtbot.addWidget(editor)
    assert editor.findChild(QPushButton, "signer").text() == "Signer…"
    assert editor.findChild(QGroupBox, "groupe-results").title() == "Résultats"
    assert QApplication.translate("ReportEditor", "Signer…") == "Signer…"
