"""The worklist table: rows from :mod:`workstation.worklist`, painted in the reading-room colours.

Refreshes replace the rows but keep the user's place: the view re-selects the same order (by its
number, not its row) and keeps its scroll position, so a live update never moves the radiologist
onto another patient. The model sorts itself (:meth:`WorklistModel.sort`, keys from
:func:`workstation.worklist.sort_key`), so a row number of the model is a row on screen, and a
refresh keeps the user's sort. :class:`WorklistTable` opens the selected row with Enter or a
double click, and sizes its columns from what they hold (:func:`fit_widths`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

from resources.translations import qt as language
from workstation.orders import OrderStatus
from workstation.qt.theme import COLOURS
from workstation.worklist import SortColumn, WorklistRow, sorted_rows

Index = QModelIndex | QPersistentModelIndex

COLUMNS = (
    QT_TRANSLATE_NOOP("WorklistModel", "Priorité"),
    QT_TRANSLATE_NOOP("WorklistModel", "Attente"),
    QT_TRANSLATE_NOOP("WorklistModel", "Patient"),
    QT_TRANSLATE_NOOP("WorklistModel", "Sexe / âge"),
    QT_TRANSLATE_NOOP("WorklistModel", "Mod."),
    QT_TRANSLATE_NOOP("WorklistModel", "Examen"),
    QT_TRANSLATE_NOOP("WorklistModel", "Région"),
    QT_TRANSLATE_NOOP("WorklistModel", "Site"),
    QT_TRANSLATE_NOOP("WorklistModel", "Statut"),
)
PRIORITY, WAITING, PATIENT, SEX_AGE, MODALITY, EXAM, REGION, SITE, STATUS = range(len(COLUMNS))
ORDER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_COLUMNS = (
    SortColumn.PRIORITY,
    SortColumn.WAITING,
    SortColumn.PATIENT,
    SortColumn.SEX_AGE,
    SortColumn.MODALITY,
    SortColumn.EXAM,
    SortColumn.REGION,
    SortColumn.SITE,
    SortColumn.STATUS,
)


class WorklistModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[WorklistRow] = []
        self._now = datetime.now(UTC)
        self._sort: tuple[SortColumn | None, bool] = (None, False)  # the worklist's own order

    def set_rows(self, rows: list[WorklistRow], now: datetime | None = None) -> None:
        self.beginResetModel()
        self._rows = sorted_rows(rows, *self._sort)
        self._now = now or datetime.now(UTC)
        self.endResetModel()

    def rows(self) -> list[WorklistRow]:
        """The rows in the order on screen."""
        return list(self._rows)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort on a column (-1: the worklist's own order, urgent then longest waiting first)."""
        chosen = SORT_COLUMNS[column] if 0 <= column < len(SORT_COLUMNS) else None
        self._sort = (chosen, order == Qt.SortOrder.DescendingOrder)
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        ids = [self._rows[i.row()].order_id if 0 <= i.row() < len(self._rows) else "" for i in before]
        self._rows = sorted_rows(self._rows, *self._sort)
        for index, order_id in zip(before, ids, strict=True):
            row = self.row_of(order_id) if order_id else -1
            self.changePersistentIndex(index, self.index(row, index.column()) if row >= 0 else QModelIndex())
        self.layoutChanged.emit()

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
            if column == EXAM:
                return self._exam_tooltip(row)
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
                return row.exam
            case 6:
                return row.region
            case 7:
                return row.site
            case 8:
                return language.text(row.status_label)
        return ""

    def _exam_tooltip(self, row: WorklistRow) -> str:
        act = row.act
        if act is not None:
            return self.tr("{label} (acte {system} {code})").format(
                label=act.label or act.code, system=act.system or "", code=act.code
            ).replace("  ", " ")
        if row.exam:
            return self.tr("{label} : acte non encore précisé par le site").format(label=row.exam)
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


# How the columns give up room when the table is narrower than their texts: steps taken in order,
# each taking a column down to a floor (``None``: the width of its cells alone, its heading then
# elided), until the columns fit. A text narrower than its column wraps onto a second line. First
# the coded region (the exam label says it better, and its wording is the longest: « segment
# thoracique du tronc ; segment abdominopelvien du tronc »), then the site, the exam label and the
# patient's name, still readable on two lines; then the short columns' headings; then everything
# to two tight lines. Past the last step the table scrolls: a row is never hidden.
SHRINK_STEPS: tuple[tuple[int, int | None], ...] = (
    (REGION, 165),
    (SITE, 150),
    (EXAM, 200),
    (PATIENT, 150),
    (PRIORITY, None),
    (WAITING, None),
    (SEX_AGE, None),
    (MODALITY, None),
    (STATUS, 95),
    (SITE, 130),
    (REGION, 100),
    (EXAM, 150),
    (PATIENT, 120),
)
COMPACT_MINIMUM = 44  # a short column's floor: its cells' text whole, its heading elided
MAX_LINES = 2  # a row grows to two lines for a wrapped text; past that the last line is elided


def fit_widths(natural: list[int], compact: list[int], available: int) -> list[int]:
    """Column widths for ``available`` pixels: each column its ``natural`` width (its longest text
    or its heading) when all fit, the spare room to the exam label; otherwise the columns give up
    room by :data:`SHRINK_STEPS` until they fit (``compact``: each column's cells alone). Past the
    last step the widths stay at their floors and the table scrolls."""
    widths = list(natural)
    deficit = sum(widths) - available
    if deficit <= 0:
        widths[EXAM] -= deficit  # the exam label takes the spare room
        return widths
    for column, floor in SHRINK_STEPS:
        target = max(COMPACT_MINIMUM, compact[column]) if floor is None else floor
        give = min(deficit, max(0, widths[column] - target))
        widths[column] -= give
        deficit -= give
        if deficit <= 0:
            break
    return widths


class WorklistTable(QTableView):
    """The worklist's table: Enter, Return or a double click on a row asks to open it (the main
    window opens the exam, or the order's validation when it is still to be validated).

    Its column widths are computed from their content each time the rows or the table's width
    change (:func:`fit_widths`): nothing is cut when there is room and the exam label takes what is
    left; a text too long for its column wraps onto a second line (that row only grows), and only
    past two lines is the end elided (the whole text in the tooltip)."""

    openRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doubleClicked.connect(lambda _index: self.openRequested.emit())
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setWordWrap(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # computed here, not dragged
        header.setStretchLastSection(False)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._fitting = False

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if model is not None:
            for signal in (model.modelReset, model.layoutChanged, model.dataChanged, model.rowsInserted):
                signal.connect(self.fit_columns)
        self.fit_columns()

    def natural_widths(self) -> tuple[list[int], list[int]]:
        """Each column's width for its longest text or its heading, and for its cells alone."""
        header = self.horizontalHeader()
        model = self.model()
        count = model.columnCount() if model is not None else 0
        cells = [self.sizeHintForColumn(c) if self.model().rowCount() else 0 for c in range(count)]
        heads = [header.sectionSizeFromContents(c).width() for c in range(count)]
        natural = [max(a, b) for a, b in zip(cells, heads, strict=True)]
        compact = [max(COMPACT_MINIMUM, a) for a in cells]
        return natural, compact

    def fit_columns(self, *_args: object) -> None:
        """Size the columns to the viewport's width (see :func:`fit_widths`)."""
        model = self.model()
        if self._fitting or model is None or model.columnCount() != len(COLUMNS):
            return
        self._fitting = True
        try:
            natural, compact = self.natural_widths()
            widths = fit_widths(natural, compact, self.viewport().width())
            header = self.horizontalHeader()
            for column, width in enumerate(widths):
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
            self.fit_rows()
        finally:
            self._fitting = False

    def fit_rows(self) -> None:
        """One line per row (the default height), two for a row whose text wraps in its column."""
        rows = self.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        single = rows.defaultSectionSize()
        line = self.fontMetrics().lineSpacing()
        taller = max(single, MAX_LINES * line + 14)  # two lines with the same breathing room as one
        for row in range(self.model().rowCount()):
            wraps = self.sizeHintForRow(row) > line + 12  # the row's tallest cell needs a second line
            height = taller if wraps else single
            if rows.sectionSize(row) != height:
                rows.resizeSection(row, height)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:  # the window, the splitter or a vertical scroll bar
            if self._fitting:  # a scroll bar came or went while fitting: fit again to the new width
                QTimer.singleShot(0, self.fit_columns)
            else:
                self.fit_columns()
        return super().viewportEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier
            | Qt.KeyboardModifier.AltModifier
            | Qt.KeyboardModifier.ShiftModifier
        )
        selection = self.selectionModel()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain and selection.hasSelection():
            self.openRequested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if not self.indexAt(event.position().toPoint()).isValid():  # a double click between rows
            event.ignore()
            return
        super().mouseDoubleClickEvent(event)
