"""The viewer's keys work as soon as a study opens (no click in the image first), never steal a key
from a text field beside the viewer (the report), and F1 lists every installed binding (issue 17)."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QHBoxLayout, QPlainTextEdit, QPushButton, QWidget

from tests.viewer.factories import axial_positions, write_series
from viewer.bindings import KEYS, MOUSE
from viewer.loader import StudyLoader
from viewer.qt import bindings
from viewer.qt.viewer_widget import ViewerWidget
from viewer.tools import Tool

pytestmark = pytest.mark.gui
BANNER = "TEST Synthétique — né le 01/01/1970 — IPP 1"


@pytest.fixture
def screen(qtbot, worker_loader: StudyLoader) -> tuple[QWidget, ViewerWidget, QPlainTextEdit, QPushButton]:
    """A reading screen in small: the viewer, a report text field and a button beside it."""
    window = QWidget()
    qtbot.addWidget(window)
    viewer = ViewerWidget(worker_loader)
    report = QPlainTextEdit()
    button = QPushButton("Signer")
    layout = QHBoxLayout(window)
    layout.addWidget(viewer, 3)
    layout.addWidget(report, 1)
    layout.addWidget(button)
    window.resize(1400, 800)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    return window, viewer, report, button


def _press(qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed by the user: it goes to whatever has the focus (no widget is clicked)."""
    focus = QApplication.focusWidget()
    assert focus is not None
    qtbot.keyClick(focus, key, modifier)


def test_keys_work_at_once_and_leave_the_report_alone(qtbot, screen, tmp_path: Path) -> None:
    _window, viewer, report, button = screen
    button.setFocus()  # where the focus was before the study opened (e.g. the worklist's button)
    write_series(tmp_path, axial_positions(20), extra={"WindowCenter": "50", "WindowWidth": "400"})
    with qtbot.waitSignal(viewer.studyLoaded, timeout=30_000):
        viewer.open_study([str(tmp_path)], BANNER)
    viewport = viewer.active_viewport
    view = viewport.view
    assert view is not None
    qtbot.waitUntil(viewport.hasFocus, timeout=2000)  # given by the viewer, nothing was clicked

    _press(qtbot, Qt.Key.Key_I)
    assert view.state.invert
    start = view.state.index
    _press(qtbot, Qt.Key.Key_Down)
    assert view.state.index == start + 1
    _press(qtbot, Qt.Key.Key_End)
    assert view.state.index == 19
    _press(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier)
    assert view.state.rotation == 3
    _press(qtbot, Qt.Key.Key_H)
    assert view.state.flipped
    _press(qtbot, Qt.Key.Key_0)
    assert view.state.window.width != 400  # the automatic window, from the values
    _press(qtbot, Qt.Key.Key_L)
    assert viewport.tool is Tool.LENGTH

    # the focus on the thumbnails (inside the viewer): the keys still reach the active view
    viewer.thumbnails.setFocus()
    qtbot.waitUntil(viewer.thumbnails.hasFocus, timeout=2000)
    _press(qtbot, Qt.Key.Key_Home)
    assert view.state.index == 0
    _press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: view.state.index > 0, timeout=3000)  # cine runs
    _press(qtbot, Qt.Key.Key_Space)

    # typing in the report: every letter goes to the text, none to the viewer
    report.setFocus()
    qtbot.waitUntil(report.hasFocus, timeout=2000)
    state = view.state
    for key in (Qt.Key.Key_I, Qt.Key.Key_R, Qt.Key.Key_H, Qt.Key.Key_W, Qt.Key.Key_8, Qt.Key.Key_Space):
        _press(qtbot, key)
    assert report.toPlainText() == "irhw8 "
    assert view.state == state and viewport.tool is Tool.LENGTH

    # a second study opened while the user types: the caret stays in the report
    with qtbot.waitSignal(viewer.studyLoaded, timeout=30_000):
        viewer.open_study([str(tmp_path)], BANNER)
    assert report.hasFocus()


def test_f1_lists_every_installed_binding(qtbot, screen, artifacts_dir: Path) -> None:
    window, viewer, _report, _button = screen
    # another module's shortcut on the viewer (the reading screen puts its key image on K)
    key_image = QAction("Image clé", viewer)
    key_image.setShortcut(QKeySequence("K"))
    key_image.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    viewer.addAction(key_image)

    rows = viewer.help_rows()
    listed = {key for row in rows for key in row.keys.split(", ")}
    installed = bindings.shortcut_actions(viewer)
    assert len(installed) >= len(KEYS)
    for action in installed:
        for sequence in action.shortcuts():
            assert bindings.key_text(sequence) in listed, (action.text(), sequence.toString())
    for binding in KEYS:  # every row of the table is installed, with all its keys
        for key in binding.keys:
            assert any(QKeySequence(key) in action.shortcuts() for action in installed), key
    labels = [row.label for row in rows]
    assert all(str(b.label) in labels for b in MOUSE) and "Image clé" in labels
    for digit in "0123456789":
        assert digit in listed
    for letter in "IRHVFN":
        assert letter in listed
    assert bindings.key_text("Space") in listed

    dialog = bindings.help_dialog(window, bindings.title(), rows)
    qtbot.waitExposed(dialog)
    text = dialog.findChild(QWidget, "bindingsHelpText").toPlainText()
    assert "Ctrl + molette" in text and "Bouton droit + glisser" in text and "Scanner : Os" in text
    dialog.grab().save(str(artifacts_dir / "viewer_f1_help.png"))
    dialog.close()
