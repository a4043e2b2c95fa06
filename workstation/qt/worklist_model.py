"""The worklist table: rows from :mod:`workstation.worklist`, painted in the reading-room colours.

Refreshes replace the rows but keep the user's place: the view re-selects the same order (by its
number, not its row) and keeps its scroll position, so a live update never moves the radiologist
onto another patient.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from resources.translations import qt as language
from workstation.orders import OrderStatus
from workstation.qt.theme import COLOURS
from workstation.worklist import WorklistRow

Index = QModelIndex | QPersistentModelIndex

COLUMNS = (
    QT_TRANSLATE_NOOP("WorklistModel", "Priorité"),
    QT_TRANSLATE_NOOP("WorklistModel", "Attente"),
    QT_TRANSLATE_NOOP("WorklistModel", "Patient"),
    QT_TRANSLATE_NOOP("WorklistModel", "Sexe / âge"),
    QT_TRANSLATE_NOOP("WorklistModel", "Mod."),
    QT_TRANSLATE_NOOP("WorklistModel", "Région"),
    QT_TRANSLATE_NOOP("WorklistModel", "Site"),
    QT_TRANSLATE_NOOP("WorklistModel", "Statut"),
)
PRIORITY, WAITING, PATIENT, SEX_AGE, MODALITY, REGION, SITE, STATUS = range(len(COLUMNS))
ORDER_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class WorklistModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[WorklistRow] = []
        self._now = datetime.now(UTC)

    def set_rows(self, rows: list[WorklistRow], now: datetime | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._now = now or datetime.now(UTC)
        self.endResetModel()

    def row_at(self, row: int) -> WorklistRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, order_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.order_id == order_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row())
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == ORDER_ID_ROLE:
            return row.order_id
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(row, column)
        if role == Qt.ItemDataRole.BackgroundRole and row.urgent and not row.done:
            return QColor(COLOURS.urgent_bg) if column == PRIORITY else None
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            if row.cancelled:
                font.setStrikeOut(column in (PATIENT, REGION))
            if column == PATIENT or (column == PRIORITY and row.urgent):
                font.setBold(not row.cancelled)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if column in (REGION, SITE, PATIENT):
                return self._text(row, column)
            if row.problem:
                return language.text(row.problem)
            if row.order is not None and row.order.warnings:
                warnings = "\n".join(f"• {language.text(w)}" for w in row.order.warnings)
                return self.tr("Points à vérifier :") + "\n" + warnings
        return None

    def _text(self, row: WorklistRow, column: int) -> str:
        match column:
            case 0:
                return self.tr("URGENT") if row.urgent else self.tr("Normale")
            case 1:
                return language.text(row.waiting(self._now))
            case 2:
                return row.patient
            case 3:
                return language.text(row.sex_age)
            case 4:
                return row.modality
            case 5:
                return row.region
            case 6:
                return row.site
            case 7:
                return language.text(row.status_label)
        return ""

    @staticmethod
    def _foreground(row: WorklistRow, column: int) -> QColor | None:
        if row.cancelled:
            return QColor(COLOURS.cancelled)
        if row.problem and column == PATIENT:
            return QColor(COLOURS.warning)
        if column == PRIORITY:
            return QColor(COLOURS.urgent) if row.urgent else QColor(COLOURS.muted)
        if column == STATUS and row.entry.status is OrderStatus.REFUSE:
            return QColor(COLOURS.warning)
        if column == STATUS and row.entry.status is OrderStatus.CR_TRANSMIS:
            return QColor(COLOURS.ok)
        if column in (WAITING, SEX_AGE, SITE):
            return QColor(COLOURS.muted)
        return None
