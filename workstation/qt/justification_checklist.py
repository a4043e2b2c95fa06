"""The elements required before an irradiating act (R.1333-53), each shown present or missing in the
justification dialog; a missing one must be accepted knowingly (its box ticked) or asked of the site.

The list itself is computed by :func:`workstation.justification.justification_elements`; this widget
only shows it and collects which missing elements the radiologist accepts.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QLabel, QPushButton, QWidget

from resources.translations import qt as language
from workstation.justification import JustificationElement
from workstation.qt import theme


class JustificationChecklist(QGroupBox):
    """One row per element: a mark, the element, what the order gave or « manquant », and for a
    missing element an « Accepter sans » box."""

    changed = Signal()
    request_missing = Signal()  # « Demander au site » pressed

    def __init__(
        self, title: str = "", parent: QWidget | None = None, name: str = "justificationChecklist"
    ) -> None:
        super().__init__(title or self.tr("Éléments de justification (art. R.1333-53 du CSP)"), parent)
        self.setObjectName(name)
        self._grid = QGridLayout(self)
        self._grid.setColumnStretch(1, 1)
        self.elements: tuple[JustificationElement, ...] = ()
        self.boxes: dict[str, QCheckBox] = {}
        self.rows: dict[str, QLabel] = {}
        self.ask_button = QPushButton(self.tr("Demander les éléments manquants au site…"))
        self.ask_button.setObjectName("askMissingElements")
        self.ask_button.clicked.connect(self.request_missing)

    def show_elements(self, elements: tuple[JustificationElement, ...]) -> None:
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None and widget is not self.ask_button:
                widget.deleteLater()
        self.elements, self.boxes, self.rows = elements, {}, {}
        for row, element in enumerate(elements):
            mark = QLabel("✓" if element.present else "✗")
            colour = theme.COLOURS.ok if element.present else theme.COLOURS.warning
            mark.setStyleSheet(f"color: {colour}; font-weight: bold;")
            detail = language.text(element.detail) if element.present else self.tr("manquant")
            label = language.text(element.label)
            text = QLabel(self.tr("{label} : {detail}").format(label=label, detail=detail))
            text.setWordWrap(True)
            text.setObjectName(f"element_{element.key}")
            self.rows[element.key] = text
            self._grid.addWidget(mark, row, 0)
            self._grid.addWidget(text, row, 1)
            if not element.present:
                box = QCheckBox(self.tr("Accepter sans"))
                box.setObjectName(f"accept_{element.key}")
                box.setToolTip(self.tr("J'accepte la demande sans cet élément, en connaissance de cause"))
                box.toggled.connect(self.changed)
                self.boxes[element.key] = box
                self._grid.addWidget(box, row, 2)
        self._grid.addWidget(self.ask_button, len(elements), 1, 1, 2)
        self.ask_button.setVisible(bool(self.missing()))
        self.setVisible(bool(elements))

    def missing(self) -> list[JustificationElement]:
        return [e for e in self.elements if not e.present]

    def accepted_missing(self) -> tuple[str, ...]:
        return tuple(key for key, box in self.boxes.items() if box.isChecked())
