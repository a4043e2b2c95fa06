"""The PACS tab's « examens du jour » box (issue 19, item 3): shown as the settings hold it, kept while
switching entries, saved and read back from the settings file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from workstation.pacs.nodes import PacsNode
from workstation.qt.settings_dialog import SettingsDialog
from workstation.settings import Settings, load_settings


def test_the_exams_of_the_day_box_is_shown_kept_and_saved(qtbot, tmp_path: Path) -> None:
    first = PacsNode("PACS A", "PACSA", "10.0.0.1", 104, "C-MOVE", current_exams=True)
    second = PacsNode("PACS B", "PACSB", "10.0.0.2", 11112, "C-GET")
    dialog = SettingsDialog(Settings(cache_dir=tmp_path / "cache").with_overrides(pacs=[first, second]))
    qtbot.addWidget(dialog)
    dialog.show()
    section = dialog.pacs
    box = section.current_exams
    assert box.isChecked() and box.text() == "Ce PACS fournit les examens du jour de ses sites"
    section.list.setCurrentRow(1)
    assert not box.isChecked()
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)  # ticked on B
    section.list.setCurrentRow(0)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)  # unticked on A
    assert not box.isChecked()
    section.list.setCurrentRow(1)
    assert box.isChecked()  # B's tick kept while A was shown
    qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
    assert not box.isChecked()  # a new PACS: not by default
    qtbot.mouseClick(section.remove_button, Qt.MouseButton.LeftButton)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.result_settings is not None
    loaded = load_settings(dialog.result_settings.save(tmp_path / "settings.json"))
    assert loaded.problems == ()
    assert [(n.name, n.current_exams) for n in loaded.settings.pacs] == [("PACS A", False), ("PACS B", True)]
