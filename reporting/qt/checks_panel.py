"""The report editor's « Avant signature » box: what blocks the signature, what to confirm, the button.

It lists the pre-sign checks of ``reporting.checks`` as the radiologist writes: missing items (⚠,
blocking), consistency warnings (◆, signed anyway after a second click) and doses above their
diagnostic reference level (☢, never blocking). Clicking an item emits ``jumpRequested`` with its
place (a ``reporting.fields`` key), where the editor gives the focus. Texts are in the
« ReportEditor » translation context.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from reporting import checks
from reporting.fields import FieldKey, Place
from reporting.qt.editor_widgets import WARNING_COLOUR
from resources.translations.qt import text as user_text

translate = QCoreApplication.translate


class ChecksPanel(QGroupBox):
    """The list of checks, the status line and the « Signer… » button."""

    jumpRequested = Signal(object)  # the FieldKey of the clicked item

    def __init__(self, count_texts: Callable[[int, int], tuple[str, str, str]]) -> None:
        """``count_texts(missing, to_check)``: the titles with counts, in the interface language (the
        editor's, where the translation tools find their plural forms)."""
        super().__init__(translate("ReportEditor", "Avant signature"))
        self._count_texts = count_texts
        layout = QVBoxLayout(self)
        self.issue_list = QListWidget()
        self.issue_list.setObjectName("verifications")
        self.issue_list.setWordWrap(True)
        self.issue_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.issue_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.issue_list.setToolTip(
            translate("ReportEditor", "Cliquez sur un élément pour aller à l'endroit où le compléter.")
        )
        self.issue_list.itemActivated.connect(self._clicked)
        self.issue_list.itemClicked.connect(self._clicked)
        layout.addWidget(self.issue_list)
        buttons = QHBoxLayout()
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons.addWidget(self.status, 1)
        self.sign_button = QPushButton(translate("ReportEditor", "Signer…"))
        self.sign_button.setObjectName("signer")
        self.sign_button.setToolTip(
            translate("ReportEditor", "Vérifie le compte rendu puis demande la signature (second facteur).")
        )
        buttons.addWidget(self.sign_button)
        layout.addLayout(buttons)
        self._targets: list[FieldKey | None] = []  # per row of the list: where a click leads

    def _add(self, item: QListWidgetItem, target: FieldKey | None = None) -> None:
        self.issue_list.addItem(item)
        self._targets.append(target)

    def _clear(self) -> None:
        self.issue_list.clear()
        self._targets.clear()

    def _clicked(self, item: QListWidgetItem) -> None:
        row = self.issue_list.row(item)
        target = self._targets[row] if 0 <= row < len(self._targets) else None
        if target is not None:
            self.jumpRequested.emit(target)

    @staticmethod
    def refusal_text() -> str:
        return translate("ReportEditor", "Signature refusée : complétez les éléments listés.")

    def show_signed(self) -> None:
        self._clear()
        self._add(
            QListWidgetItem(translate("ReportEditor", "Compte rendu signé : aucune modification possible."))
        )
        self.setTitle(translate("ReportEditor", "Signé"))

    def show_issues(self, issues: list[checks.Issue], warnings: list[checks.Issue]) -> None:
        """The missing items (or « Rien ne manque »), then the warnings."""
        self._clear()
        missing_title, complete_title, _ = self._count_texts(len(issues), len(warnings))
        for issue in issues:
            item = QListWidgetItem(f"⚠ {user_text(issue.message)}")
            where = translate("ReportEditor", "{code} — cliquez pour aller à : {field}")
            item.setToolTip(where.format(code=issue.code, field=issue.field))
            self._add(item, issue.field)
        if not issues:
            if self.status.text() == self.refusal_text():
                self.status.setText("")
            item = QListWidgetItem(
                "✔ " + translate("ReportEditor", "Rien ne manque : le compte rendu peut être signé.")
            )
            item.setForeground(QBrush(QColor("#6fbf8a")))
            self._add(item)
            if warnings:
                self.setTitle(complete_title)
            else:
                self.setTitle(translate("ReportEditor", "Avant signature : complet"))
        else:
            self.setTitle(missing_title)
        for warning in warnings:
            item = QListWidgetItem(f"◆ {user_text(warning.message)}")
            item.setForeground(QBrush(QColor(WARNING_COLOUR)))
            where = translate(
                "ReportEditor",
                "Avertissement {code} (ne bloque pas la signature) — cliquez pour aller à : {field}",
            )
            item.setToolTip(where.format(code=warning.code, field=warning.field))
            self._add(item, warning.field)

    def show_reference_levels(self, exceeded: list[checks.ReferenceLevelExceeded]) -> None:
        """Doses above their diagnostic reference level: shown, never blocking."""
        for level in exceeded:
            item = QListWidgetItem(f"☢ {user_text(level.message)}")
            item.setForeground(QBrush(QColor("#e8a33d")))
            item.setToolTip(
                translate("ReportEditor", "Niveau de référence dépassé : ne bloque pas la signature")
            )
            self._add(item, Place.DOSE)

    def show_refusal(self, count: int) -> None:
        """Signing was refused: ``count`` items to complete, the first one selected."""
        self.setTitle(self._count_texts(count, 0)[2])
        self.status.setText(self.refusal_text())
        self.issue_list.setCurrentRow(0)
