"""The viewer's keyboard shortcuts and its F1 help, both made from :mod:`viewer.bindings`.

Shortcuts are QActions on the viewer widget with ``WidgetWithChildrenShortcut`` context: they work
wherever the focus is inside that viewer (an image, the thumbnails, a toolbar button), never while
the radiologist types in the report beside it, and two viewers of one window (today's exam and the
prior) do not make a key ambiguous. The viewer takes the focus when a study opens, so no click is
needed first (issue 17).

The help lists the table's keys and mouse gestures, plus whatever other shortcuts are installed on
the viewer (the reading screen's key image, protocol steps, prior link): every installed binding is
in it, which ``tests/viewer/test_bindings_gui.py`` checks.
"""
from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from resources.translations.qt import text as user_text
from viewer.bindings import KEYS, MOUSE, Group, KeyBinding

BINDING_PROPERTY = "viewerBinding"  # set on the actions made from the table
VIEWER_PROPERTY = "viewerWidget"  # set on each viewer widget: its actions are in its own help rows


@dataclass(frozen=True, slots=True)
class HelpRow:
    group: str  # translated section title
    keys: str  # « Maj+R », « Bouton droit + glisser »
    label: str


def key_text(sequence: str | QKeySequence) -> str:
    """A key sequence as the user reads it (the platform's names)."""
    return QKeySequence(sequence).toString(QKeySequence.SequenceFormat.NativeText)


def install(widget: QWidget, bindings: Iterable[KeyBinding],
            run: Callable[[KeyBinding], object]) -> list[QAction]:
    """One QAction per binding, on ``widget`` and its children, running ``run(binding)``."""
    actions = []
    for binding in bindings:
        action = QAction(user_text(binding.label), widget)
        action.setShortcuts([QKeySequence(key) for key in binding.keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setProperty(BINDING_PROPERTY, True)
        action.triggered.connect(lambda _=False, b=binding: run(b))
        widget.addAction(action)
        actions.append(action)
    return actions


def shortcut_actions(widget: QWidget) -> list[QAction]:
    """Every action with a shortcut that is active inside ``widget`` (its own and its children's)."""
    found: list[QAction] = []
    for action in [*widget.actions(), *widget.findChildren(QAction)]:
        if action not in found and not action.shortcut().isEmpty():
            found.append(action)
    return found


def in_viewer(action: QAction) -> bool:
    """Whether ``action`` belongs to a viewer (listed by the viewer's help rows, not the window's)."""
    parent = action.parent()
    while parent is not None:
        if parent.property(VIEWER_PROPERTY):
            return True
        parent = parent.parent()
    return False


def binding_of_event(event: QKeyEvent, bindings: Iterable[KeyBinding]) -> KeyBinding | None:
    """The binding a key press asks for (a lone viewport's keys, without the shortcut machinery);
    a digit counts whatever the modifiers that produced it (keypad, Shift on an AZERTY keyboard)."""
    pressed = QKeySequence(event.keyCombination())
    text = event.text()
    for binding in bindings:
        if any(QKeySequence(key).matches(pressed) == QKeySequence.SequenceMatch.ExactMatch
               for key in binding.keys):
            return binding
        if text and text.isdigit() and text in binding.keys:
            return binding
    return None


def help_rows(widget: QWidget | None = None) -> list[HelpRow]:
    """The help, section by section: the table's keys and mouse gestures, then the other shortcuts
    installed on ``widget`` (those not made from the table)."""
    rows: list[HelpRow] = []
    for group in Group:
        heading = user_text(group.value)
        if group is Group.MOUSE:
            rows.extend(HelpRow(heading, user_text(b.gesture), user_text(b.label)) for b in MOUSE)
            continue
        rows.extend(HelpRow(heading, ", ".join(key_text(k) for k in b.keys), user_text(b.label))
                    for b in KEYS if b.group is group)
    if widget is not None:
        listed = {key for row in rows for key in row.keys.split(", ")}
        for action in shortcut_actions(widget):
            keys = [key_text(s) for s in action.shortcuts()]
            if action.property(BINDING_PROPERTY) or all(key in listed for key in keys):
                continue
            rows.append(HelpRow(user_text(Group.OTHER.value), ", ".join(keys),
                                action.text().replace("&", "")))
            listed.update(keys)
    return rows


def help_html(sections: Iterable[HelpRow]) -> str:
    """The rows as HTML, one heading per section."""
    parts: list[str] = []
    group = None
    for row in sections:
        if row.group != group:
            if group is not None:
                parts.append("</table>")
            group = row.group
            parts.append(f"<h3>{html.escape(group)}</h3><table cellspacing='0' cellpadding='2'>")
        parts.append(f"<tr><td width='230'><b>{html.escape(row.keys)}</b></td>"
                     f"<td>{html.escape(row.label)}</td></tr>")
    if group is not None:
        parts.append("</table>")
    return "".join(parts)


def help_dialog(parent: QWidget, title: str, rows: list[HelpRow]) -> QDialog:
    """A scrollable window with the rows (F1), opened without blocking; returned for tests."""
    dialog = QDialog(parent)
    dialog.setObjectName("bindingsHelp")
    dialog.setWindowTitle(title)
    browser = QTextBrowser(dialog)
    browser.setObjectName("bindingsHelpText")
    browser.setHtml(help_html(rows))
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(browser)
    layout.addWidget(buttons)
    dialog.resize(720, 820)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def title() -> str:
    return QCoreApplication.translate("Bindings", "Raccourcis clavier et souris")
