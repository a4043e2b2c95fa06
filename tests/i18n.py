"""Finding French left on screen once the interface is switched to English.

A string wrapped in ``tr()`` but missing from the .ts, a label built from an untranslated model
string, a context name that does not match: all of them show up here as French text in an English
window, which is how a user would notice them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QTabWidget,
    QTextEdit,
    QTreeView,
    QWidget,
)

_ACCENTS = re.compile(r"[éèêëàâçôûùîïœÉÈÊÀÇÔ«»]")
_WORDS = re.compile(
    r"\b(de|du|des|la|le|les|une|et|pour|avec|sans|dans|sur|aucun|aucune|est|pas|ou|au|aux|"
    r"vous|votre|cette|ce|ces|par|plus|être|fermer|ouvrir|annuler|enregistrer|examen|série|"
    r"compte[- ]rendu|demande|patient[e]?s?\s+né)\b",
    re.IGNORECASE,
)


def looks_french(text: str) -> bool:
    plain = re.sub(r"<[^>]+>", " ", text)  # rich text: look at the words, not the markup
    return bool(_ACCENTS.search(plain) or _WORDS.search(plain))


def visible_texts(root: QWidget, skip: Iterable[QWidget] = ()) -> Iterator[tuple[str, str]]:
    """(where, text) for every string the user can read in ``root``: labels, buttons, menus, actions,
    tooltips, placeholders, tab and group titles, combo items, header sections. Widgets in ``skip``
    and their children are left out (checked elsewhere, or French on purpose)."""
    skipped = tuple(skip)

    def inside_skipped(w: QWidget) -> bool:
        return any(w is s or s.isAncestorOf(w) for s in skipped)

    widgets: Iterable[QWidget] = [w for w in (root, *root.findChildren(QWidget)) if not inside_skipped(w)]
    for w in widgets:
        name = f"{type(w).__name__}#{w.objectName()}"
        if w.isWindow() and w.windowTitle():
            yield f"{name}.windowTitle", w.windowTitle()
        if w.toolTip():
            yield f"{name}.toolTip", w.toolTip()
        if isinstance(w, QLabel | QAbstractButton) and w.text():
            yield f"{name}.text", w.text()
        if isinstance(w, QLineEdit) and w.placeholderText():
            yield f"{name}.placeholder", w.placeholderText()
        if isinstance(w, QTextEdit) and w.placeholderText():
            yield f"{name}.placeholder", w.placeholderText()
        if isinstance(w, QGroupBox) and w.title():
            yield f"{name}.title", w.title()
        if isinstance(w, QMenu) and w.title():
            yield f"{name}.title", w.title()
        if isinstance(w, QTabWidget):
            for i in range(w.count()):
                yield f"{name}.tab{i}", w.tabText(i)
        if isinstance(w, QComboBox):
            for i in range(w.count()):
                yield f"{name}.item{i}", w.itemText(i)
        if isinstance(w, QTableView | QTreeView) and w.model() is not None:
            model = w.model()
            for section in range(model.columnCount(QModelIndex())):
                header = model.headerData(section, Qt.Orientation.Horizontal)
                if isinstance(header, str) and header:
                    yield f"{name}.header{section}", header
    for action in root.findChildren(QAction):
        parent = action.parent()
        if isinstance(parent, QWidget) and inside_skipped(parent):
            continue
        if action.text():
            yield f"QAction#{action.objectName()}.text", action.text()
        if action.toolTip() and action.toolTip() != action.text().replace("&", ""):
            yield f"QAction#{action.objectName()}.toolTip", action.toolTip()


def french_leftovers(root: QWidget, allow: Iterable[str] = (), skip: Iterable[QWidget] = ()) -> list[str]:
    """Readable strings of ``root`` that still look French; ``allow`` lists data (patient names,
    report text written in French on purpose) that may legitimately appear."""
    return leftovers(visible_texts(root, skip), allow)


def leftovers(texts: Iterable[tuple[str, str]], allow: Iterable[str] = ()) -> list[str]:
    """The (where, text) pairs whose text looks French once the ``allow``-ed data is taken out."""
    allowed = sorted(allow, key=len, reverse=True)
    found = []
    for where, text in texts:
        rest = text
        for a in allowed:
            rest = rest.replace(a, "")
        if looks_french(rest):
            found.append(f"{where}: {text!r}")
    return found


@contextmanager
def interface_language(code: str) -> Iterator[None]:
    """Installs ``code`` for the widgets built inside the block, then puts French back."""
    from resources.translations import qt as language

    app = QApplication.instance()
    assert app is not None, "a QApplication is needed (use the qapp fixture)"
    installed = language.install(app, code)
    assert installed == code, f"{code} translation files not loaded (scripts/translations.py release)"
    try:
        yield
    finally:
        language.install(app, "fr")
