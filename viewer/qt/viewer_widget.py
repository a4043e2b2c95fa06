"""The composite viewer the application embeds: layouts, series thumbnails, toolbar, MPR, loading.

Loading is the :class:`viewer.loader.StudyLoader`'s, in the background; its observer events are
re-emitted as queued Qt signals, so the interface thread only ever draws. Each load carries a token:
events of a study that was closed (or replaced) meanwhile are dropped, so a late slice can never
appear under another patient's banner.
"""
from __future__ import annotations

import logging
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from viewer.annotations import MeasurementStore
from viewer.linking import reference_segment, synchronised_index
from viewer.loader import LoadHandle, StudyLoader
from viewer.measure import Measurement
from viewer.mpr import ReformatSeries
from viewer.qt import bindings
from viewer.qt.flow_toolbar import FlowToolBar
from viewer.qt.viewer_loading import WARNING_STYLE, _Bridge, _Observer, _Thumbnails
from viewer.qt.viewer_mpr import MprViews
from viewer.qt.viewport import Viewport
from viewer.series import Series
from viewer.slice_view import SliceView
from viewer.tools import Tool

log = logging.getLogger(__name__)


class ViewerWidget(MprViews):
    """Viewer of one study at a time. Public API used by the workstation:

    ``open_study(paths, patient_banner)``, ``close_study()``, ``series()``; signals
    ``measurementAdded(Measurement)``, ``studyLoaded(StudyLoad)``, ``problemsFound(list[str])``; also
    ``measurementChanged`` / ``measurementRemoved`` so that a report can follow edits.
    """

    measurementAdded = Signal(object)
    measurementChanged = Signal(object, object)  # (previous, new) when a measurement is edited
    measurementRemoved = Signal(object)  # a measurement deleted by the radiologist
    studyLoaded = Signal(object)
    problemsFound = Signal(list)

    def __init__(self, loader: StudyLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loader = loader
        self.setProperty(bindings.VIEWER_PROPERTY, True)
        self._bridge = _Bridge(self)
        self._bridge.preview.connect(self._on_preview, Qt.ConnectionType.QueuedConnection)
        self._bridge.seriesFound.connect(self._on_series_found, Qt.ConnectionType.QueuedConnection)
        self._bridge.slicesLoaded.connect(self._on_slices_loaded, Qt.ConnectionType.QueuedConnection)
        self._bridge.seriesDone.connect(self._on_series_done, Qt.ConnectionType.QueuedConnection)
        self._bridge.problem.connect(self._on_problem, Qt.ConnectionType.QueuedConnection)
        self._bridge.finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self._token = 0
        self._handle: LoadHandle | None = None
        self._series: list[Series] = []
        self._banner = ""
        self._problems: list[str] = []
        self._problem_files: set[str] = set()  # a multi-frame file with bad frames counts once
        self._documents: list[str] = []  # KOS, GSPS, SR of the study: no image, nothing wrong
        self._banner_from_headers = False  # the standalone viewer: identity read from the DICOM headers
        self._warnings: list[str] = []
        self._syncing = False
        self._mpr_series: Series | None = None
        self._mpr_stacks: list[ReformatSeries] = []
        self._crosshair: np.ndarray | None = None
        self._auto_choice = True  # the first viewport's series was picked by the viewer, not the user
        self._preview: Series | None = None  # the first decoded image, shown until the series are planned
        self._mpr_straight: list[ReformatSeries] = []  # the orthogonal stacks, before any oblique turn
        self._moving_crosshair = False
        self._calibration: np.ndarray | None = None
        self.measurement_store = MeasurementStore()  # every view's measurements, by stack

        self.viewports = [self._make_viewport() for _ in range(4)]
        self.mpr_viewports = [self._make_viewport() for _ in range(3)]
        self._active = self.viewports[0]
        self._rows, self._columns = 1, 1

        # bars that wrap onto more rows when the viewer is narrow, never hiding a tool (issue 21)
        self.toolbar = FlowToolBar(self.tr("Outils de lecture"), self)
        self.display_bar = FlowToolBar(self.tr("Affichage"), self)
        self.messages = QLabel(self)
        self.messages.setWordWrap(True)
        self.messages.setStyleSheet(WARNING_STYLE)
        self.messages.hide()
        self.thumbnails = _Thumbnails(self)
        self.thumbnails.itemDoubleClicked.connect(
            lambda item: self.show_series(int(item.data(Qt.ItemDataRole.UserRole))))

        self._grid_page = QWidget(self)
        self._grid = QGridLayout(self._grid_page)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(2)
        self._mpr_page = QWidget(self)
        mpr_grid = QGridLayout(self._mpr_page)
        mpr_grid.setContentsMargins(0, 0, 0, 0)
        mpr_grid.setSpacing(2)
        for k, viewport in enumerate(self.mpr_viewports):
            mpr_grid.addWidget(viewport, k // 2, k % 2)
            viewport.tool = Tool.CROSSHAIR
            viewport.crosshairMoved.connect(self.set_crosshair)
        self.mpr_info = QLabel(self._mpr_page)
        self.mpr_info.setWordWrap(True)
        self.mpr_info.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.mpr_info.setStyleSheet("QLabel { background: black; color: #d0d0d0; }")
        self._fourth = QStackedWidget(self._mpr_page)  # series notes, or the 3D view once asked for
        self._fourth.addWidget(self.mpr_info)
        mpr_grid.addWidget(self._fourth, 1, 1)
        self.volume_view: Any = None  # viewer.qt.volume3d.VolumeView, created on first use (VTK is heavy)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._grid_page)
        self.pages.addWidget(self._mpr_page)

        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.thumbnails)
        body.addWidget(self.pages, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.display_bar)
        layout.addWidget(self.messages)
        layout.addLayout(body, 1)
        self._build_toolbar()
        self.set_layout(1, 1)
        self._set_active(self.viewports[0])

    # --- public API --------------------------------------------------------------------------------
    def _counted(self, what: str, n: int) -> str:
        """The loading mixin's sentences with a count, written here because lupdate files a string
        under its enclosing class and reads no count from ``QCoreApplication.translate``: here they
        are ViewerWidget's, with their plural forms."""
        if what == "images":
            return self.tr(
                "{series}\n{modality}, %n image(s)\nDouble-clic ou glisser vers une vue pour l'afficher.",
                "",
                n,
            )
        if what == "files":
            return self.tr("%n fichier(s) non affiché(s) :", "", n)
        if what == "more problems":
            return self.tr("  … et %n autre(s) (voir l'infobulle)", "", n)
        if what == "more warnings":
            return self.tr("⚠ … et %n autre(s) avertissement(s) (voir l'infobulle)", "", n)
        return self.tr("%n document(s) sans image joint(s) à l'examen, non affiché(s) comme série :", "", n)

    def open_study(self, paths: list[str], patient_banner: str, banner_from_headers: bool = False) -> None:
        """Start loading (returns at once); series appear as they are planned, slices as decoded.

        ``banner_from_headers``: no identity is given (the standalone viewer): show the patient the
        DICOM headers name, marked as such, and warn when the files name several patients."""
        self._auto_choice = True
        self.close_study()
        self._banner_from_headers = banner_from_headers
        self._banner = patient_banner
        for viewport in self.viewports + self.mpr_viewports:
            viewport.banner = patient_banner
            viewport.update()
        self._token += 1
        self._handle = self.loader.load(paths, _Observer(self._bridge, self._token))
        self.take_focus()

    def close_study(self) -> None:
        """Forget the current study at once; its load is cancelled and its late events ignored."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self._token += 1
        self._preview = None
        self._series.clear()
        self.thumbnails.clear()
        self._problems.clear()
        self._problem_files.clear()
        self._documents.clear()
        self._warnings.clear()
        self._update_messages()
        self._leave_mpr()
        self._banner = ""
        self.measurement_store.clear()
        for viewport in self.viewports + self.mpr_viewports:
            viewport.set_view(None, "")

    def series(self) -> list[Series]:
        return list(self._series)

    def measurements(self) -> list[Measurement]:
        """Every measurement currently drawn, on every series and plane (for the report)."""
        return self.measurement_store.measurements()

    def set_calibration(self, calibration: np.ndarray | None) -> None:
        """The display's GSDF table (:mod:`viewer.gsdf`, 256 driving levels), None for identity; applies
        to the views open now and to the next ones."""
        self._calibration = calibration
        for viewport in self.viewports + self.mpr_viewports:
            if viewport.view is not None:
                viewport.view.calibration = calibration
                viewport.invalidate()
        if self.volume_view is not None:  # the 3D view's colours too (issue 21)
            self.volume_view.set_calibration(calibration)

    # --- layout ------------------------------------------------------------------------------------
    def _slice_view(self, series: object) -> SliceView:
        return SliceView(series, self._calibration)  # type: ignore[arg-type]

    def _make_viewport(self) -> Viewport:
        viewport = Viewport(self)
        viewport.set_store(self.measurement_store)
        viewport.activated.connect(lambda v=viewport: self._set_active(v))
        viewport.measurementAdded.connect(self.measurementAdded)
        viewport.measurementChanged.connect(self.measurementChanged)
        viewport.measurementRemoved.connect(self.measurementRemoved)
        viewport.indexChanged.connect(lambda index, v=viewport: self._index_changed(v))
        viewport.indexChanged.connect(lambda index, v=viewport: self._mpr_index_changed(v)
                                      if v in self.mpr_viewports else None)
        viewport.seriesDropped.connect(lambda number, v=viewport: self.show_series(number, v))
        return viewport

    def set_layout(self, rows: int, columns: int) -> None:
        """1x1, 1x2 or 2x2 viewports; series fill the viewports that were empty."""
        self._leave_mpr()
        self._rows, self._columns = rows, columns
        for viewport in self.viewports:
            self._grid.removeWidget(viewport)
            viewport.hide()
        for k in range(rows * columns):
            viewport = self.viewports[k]
            self._grid.addWidget(viewport, k // columns, k % columns)
            viewport.show()
        if self._active not in self.visible_viewports():
            self._set_active(self.viewports[0])
        self._fill_empty_viewports()

    def visible_viewports(self) -> list[Viewport]:
        if self.pages.currentWidget() is self._mpr_page:
            return list(self.mpr_viewports)
        return self.viewports[: self._rows * self._columns]

    @property
    def active_viewport(self) -> Viewport:
        return self._active

    def _set_active(self, viewport: Viewport) -> None:
        self._active.active = False
        self._active.update()
        self._active = viewport
        viewport.active = True
        viewport.update()
        for action in self._tool_actions.values():
            action.setChecked(False)
        action = self._tool_actions.get(viewport.tool)
        if action is not None:
            action.setChecked(True)
        focus = QApplication.focusWidget()
        if focus is not None and focus is not viewport and self.isAncestorOf(focus):
            viewport.setFocus(Qt.FocusReason.OtherFocusReason)  # the keys follow the active view
        if hasattr(self, "pages"):
            self.update_reference_lines()

    def show_series(self, number: int, viewport: Viewport | None = None) -> None:
        """Show the series of index ``number`` (in :meth:`series`) in a viewport (the active one)."""
        if not 0 <= number < len(self._series):
            return
        if self.pages.currentWidget() is self._mpr_page:
            self._leave_mpr()
        target = viewport or self._active
        series = self._series[number]
        self._auto_choice = False  # the radiologist chose: nothing moves by itself any more
        target.set_view(self._slice_view(series), self._banner)
        self._set_active(target)

    def _fill_empty_viewports(self) -> None:
        # A localizer (one image beside stacks) is what the scanner writes first, rarely what the
        # radiologist reads first: while the user has not chosen, the first stack takes its place.
        first = self.viewports[0]
        stacks = [s for s in self._series if s.shape[0] > 1]
        if (
            self._auto_choice
            and first.view is not None
            and first.series is not None
            and first.series.shape[0] == 1
            and stacks
            and all(v.series is not stacks[0] for v in self.viewports)
        ):
            first.set_view(self._slice_view(stacks[0]), self._banner)
        shown = {id(v.series) for v in self.viewports if v.view is not None}
        pending = [s for s in self._series if id(s) not in shown]
        for viewport in self.viewports[: self._rows * self._columns]:
            if viewport.view is None and pending:
                viewport.set_view(self._slice_view(pending.pop(0)), self._banner)

    def take_focus(self) -> None:
        """Give the keyboard to the active view, so the shortcuts work without a click in the image;
        never taken from a field where the user is typing nor from another viewer (the prior's)."""
        focus = QApplication.focusWidget()
        if focus is not None and not self.isAncestorOf(focus) and focus is not self:
            typing = isinstance(focus, (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox, QComboBox))
            if typing and focus.isVisible():
                return
            parent = focus
            while parent is not None:
                if isinstance(parent, ViewerWidget):
                    return
                parent = parent.parentWidget()
        self._active.setFocus(Qt.FocusReason.OtherFocusReason)

    def help_rows(self) -> list[bindings.HelpRow]:
        """Every binding of this viewer for the F1 help: the table's keys and mouse, then the other
        shortcuts installed on it (the reading screen's key image, protocol steps...)."""
        return bindings.help_rows(self)

    # --- synchronised scrolling and reference lines -------------------------------------------------
    def _index_changed(self, source: Viewport) -> None:
        self._sync_from(source)
        self.update_reference_lines()

    def update_reference_lines(self) -> None:
        """In every other 2D viewport of the same frame of reference, the line where the active
        viewport's slice cuts it (a coronal series shows where the axial slice is)."""
        ports = [] if self.pages.currentWidget() is self._mpr_page else self.visible_viewports()
        active = self._active if self._active in ports else None
        for viewport in ports:
            lines: list[tuple[np.ndarray, np.ndarray]] = []
            if (active is not None and viewport is not active and viewport.view is not None
                    and active.view is not None):
                segment = reference_segment(viewport.view.series, viewport.view.state.index,
                                            active.view.series, active.view.state.index)
                if segment is not None:
                    lines.append(segment)
            if lines != viewport.reference_lines:
                viewport.reference_lines = lines
                viewport.update()

    def _sync_from(self, source: Viewport) -> None:
        if self._syncing or not self.sync_action.isChecked() or source.view is None:
            return
        self._syncing = True
        try:
            for other in self.visible_viewports():
                if other is source or other.view is None:
                    continue
                index = synchronised_index(source.view.series, source.view.state.index, other.view.series)
                if index is not None:
                    other.view.set_index(index)
        finally:
            self._syncing = False

    def closeEvent(self, event: object) -> None:
        if self._handle is not None:
            self._handle.cancel()
        if self.volume_view is not None:  # VTK's window goes before Qt destroys the widget
            self.volume_view.shutdown()
            self.volume_view = None
        super().closeEvent(event)  # type: ignore[arg-type]
