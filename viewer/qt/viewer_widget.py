"""The composite viewer the application embeds: layouts, series thumbnails, toolbar, MPR, loading.

Loading is the :class:`viewer.loader.StudyLoader`'s, in the background; its observer events are
re-emitted as queued Qt signals, so the interface thread only ever draws. Each load carries a token:
events of a study that was closed (or replaced) meanwhile are dropped, so a late slice can never
appear under another patient's banner.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QMimeData, QObject, QSize, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QIcon, QImage, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QStackedWidget,
    QTextEdit,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from resources.translations import qt as language
from viewer.bindings import KEYS, Command, KeyBinding, binding_for
from viewer.loader import LoadHandle, LoadObserver, PreviewImage, StudyLoad, StudyLoader
from viewer.measure import Measurement
from viewer.mpr import NotAVolume, ObliqueSeries, ReformatSeries, SlabMode, rotated_about
from viewer.plane import intersection_segment
from viewer.presets import CT_PRESETS
from viewer.problems import FileProblem
from viewer.qt import bindings, texts
from viewer.qt.flow_toolbar import FlowToolBar
from viewer.qt.viewport import MIME_SERIES, Viewport
from viewer.series import Series
from viewer.slice_view import SliceView
from viewer.tools import Tool

log = logging.getLogger(__name__)

THUMBNAIL = 96
# Planes whose normals are this close to parallel scroll together (cosine).
SYNC_PARALLEL = 0.95

class _Bridge(QObject):
    """Loader events as signals; emitted on the loader thread, delivered queued on the interface thread."""

    preview = Signal(int, object)
    seriesFound = Signal(int, object)
    slicesLoaded = Signal(int, object, object)
    seriesDone = Signal(int, object)
    problem = Signal(int, object)
    finished = Signal(int, object)


class _Observer(LoadObserver):
    def __init__(self, bridge: _Bridge, token: int) -> None:
        self.bridge, self.token = bridge, token

    def file_problem(self, problem: FileProblem) -> None:
        self.bridge.problem.emit(self.token, problem)

    def preview(self, image: PreviewImage) -> None:
        self.bridge.preview.emit(self.token, image)

    def series_found(self, series: Series) -> None:
        self.bridge.seriesFound.emit(self.token, series)

    def slices_loaded(self, series: Series, indices: tuple[int, ...]) -> None:
        self.bridge.slicesLoaded.emit(self.token, series, indices)

    def series_done(self, series: Series) -> None:
        self.bridge.seriesDone.emit(self.token, series)

    def finished(self, study: StudyLoad) -> None:
        self.bridge.finished.emit(self.token, study)


class _Thumbnails(QListWidget):
    """The series strip; dragging an item carries the series number to a viewport."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setFlow(QListWidget.Flow.TopToBottom)
        self.setWrapping(False)
        self.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.setMovement(QListWidget.Movement.Static)
        self.setDragEnabled(True)
        self.setDragDropMode(QListWidget.DragDropMode.DragOnly)
        self.setFixedWidth(THUMBNAIL + 40)
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setStyleSheet("QListWidget { background: #202020; color: #e0e0e0; }")

    def mimeData(self, items: list[QListWidgetItem]) -> QMimeData:
        data = QMimeData()
        if items:
            data.setData(MIME_SERIES, str(items[0].data(Qt.ItemDataRole.UserRole)).encode("ascii"))
        return data

    def mimeTypes(self) -> list[str]:
        return [MIME_SERIES]


class ViewerWidget(QWidget):
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

        self.viewports = [self._make_viewport() for _ in range(4)]
        self.mpr_viewports = [self._make_viewport() for _ in range(3)]
        self._active = self.viewports[0]
        self._rows, self._columns = 1, 1

        # bars that wrap onto more rows when the viewer is narrow, never hiding a tool (issue 21)
        self.toolbar = FlowToolBar(self.tr("Outils de lecture"), self)
        self.display_bar = FlowToolBar(self.tr("Affichage"), self)
        self.messages = QLabel(self)
        self.messages.setWordWrap(True)
        self.messages.setStyleSheet("QLabel { background: #5a3a00; color: #ffe9b0; padding: 4px; }")
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
        self._warnings.clear()
        self._update_messages()
        self._leave_mpr()
        self._banner = ""
        for viewport in self.viewports + self.mpr_viewports:
            viewport.set_view(None, "")
            viewport.forget_measurements()

    def series(self) -> list[Series]:
        return list(self._series)

    def measurements(self) -> list[Measurement]:
        """Every measurement currently drawn, on every series and plane (for the report)."""
        found: list[Measurement] = []
        for viewport in self.viewports + self.mpr_viewports:
            for drawn in viewport.all_drawn():
                if drawn.measurement is not None and drawn.measurement not in found:
                    found.append(drawn.measurement)
        return found

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

    # --- toolbar -----------------------------------------------------------------------------------
    def _action(self, text: str, tip: str, slot: Callable[[], object], shortcut: str | None = None,
                checkable: bool = False, bar: QToolBar | None = None) -> QAction:
        action = QAction(text, self)
        action.setToolTip(f"{tip} ({shortcut})" if shortcut else tip)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        action.setCheckable(checkable)
        action.triggered.connect(lambda _=False: slot())
        (bar or self.toolbar).addAction(action)
        return action

    def _build_toolbar(self) -> None:
        self._tool_actions: dict[Tool, QAction] = {}
        group = QActionGroup(self)
        group.setExclusive(True)
        for binding in (b for b in KEYS if b.command is Command.TOOL):
            tool, label = Tool[binding.argument], language.text(binding.label)
            action = self._action(label, self.tr("Outil : {tool}").format(tool=label.lower()),
                                  lambda t=tool: self.set_tool(t), binding.keys[0], checkable=True)
            group.addAction(action)
            self._tool_actions[tool] = action
        add = functools.partial(self._action, bar=self.display_bar)
        presets = QToolButton(self)
        presets.setText(self.tr("Fenêtres"))
        presets.setToolTip(self.tr("Préréglages de fenêtre (0 auto, 1-2 en-tête DICOM, 3-9 scanner)"))
        presets.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(presets)
        headers = (("0", self.tr("Automatique (0)")), ("1", self.tr("En-tête DICOM 1 (1)")),
                   ("2", self.tr("En-tête DICOM 2 (2)")))
        for key, label in headers:
            menu.addAction(label, lambda k=key: self._active.apply_preset_key(k))
        menu.addSeparator()
        for preset in CT_PRESETS:
            menu.addAction(texts.ct_preset_label(preset),
                           lambda p=preset: self._apply_ct_preset(p.center, p.width))
        presets.setMenu(menu)
        self.display_bar.addWidget(presets)
        # keys the actions do not own (the viewports handle them) are named in the tooltips; an
        # action's own shortcut is added to its tooltip by _action
        add(self.tr("Inverser"), self.tr("Inverser les niveaux de gris (I)"),
            lambda: self._on_view("toggle_invert"))
        add("↻", self.tr("Rotation horaire (R ; Maj+R antihoraire)"), lambda: self._on_view("rotate"))
        add("⇆", self.tr("Miroir horizontal (H)"), lambda: self._on_view("flip_horizontal"))
        add("⇅", self.tr("Miroir vertical (V)"), lambda: self._on_view("flip_vertical"))
        add(self.tr("Ajuster"), self.tr("Ajuster à la fenêtre (F)"), lambda: self._active.fit())
        add("1:1", self.tr("Un pixel de l'image par pixel de l'écran (N)"), self._one_to_one)
        add(self.tr("Réinit."), self.tr("Réinitialiser la vue"), self._reset_view)
        add(self.tr("Ciné"), self.tr("Lecture ciné (Espace)"), lambda: self._active.toggle_cine())
        self.display_bar.addSeparator()
        for rows, columns in ((1, 1), (1, 2), (2, 2)):
            layout = f"{rows}×{columns}"
            add(layout, self.tr("Disposition {layout}").format(layout=layout),
                lambda r=rows, c=columns: self.set_layout(r, c))
        self.sync_action = add(self.tr("Synchro"),
                               self.tr("Défilement synchronisé des séries du même repère"),
                               lambda: None, self._key(Command.SYNC), checkable=True)
        self.sync_action.setChecked(True)
        self.display_bar.addSeparator()
        self.mpr_action = add("MPR", self.tr("Reconstructions multiplanaires axiale, coronale, sagittale"),
                              self.toggle_mpr, self._key(Command.MPR), checkable=True)
        self.volume_action = add("3D",
                                 self.tr("Rendu volumique 3D dans la quatrième vue des reconstructions"),
                                 self.toggle_3d, self._key(Command.VOLUME_3D), checkable=True)
        self.slab_mode = QComboBox(self)
        self.slab_mode.setToolTip(self.tr("Mode de coupe épaisse des reconstructions"))
        for mode in SlabMode:
            self.slab_mode.addItem(texts.slab_text(mode), mode)
        self.slab_thickness = QDoubleSpinBox(self)
        self.slab_thickness.setToolTip(self.tr("Épaisseur de la coupe épaisse (mm)"))
        self.slab_thickness.setRange(0.0, 100.0)
        self.slab_thickness.setSingleStep(1.0)
        self.slab_thickness.setValue(10.0)
        self.slab_thickness.setSuffix(" mm")
        self.slab_thickness.setDecimals(1)
        self.slab_mode.currentIndexChanged.connect(lambda _: self._apply_slab())
        self.slab_thickness.valueChanged.connect(lambda _: self._apply_slab())
        self.oblique_angle = QDoubleSpinBox(self)
        self.oblique_angle.setToolTip(self.tr("MPR oblique : rotation des plans coronal et sagittal autour "
                                              "de l'axe de l'axial, au centre du réticule (°)"))
        self.oblique_angle.setRange(-90.0, 90.0)
        self.oblique_angle.setDecimals(0)
        self.oblique_angle.setSingleStep(5.0)
        self.oblique_angle.setSuffix(" °")
        self.oblique_angle.valueChanged.connect(lambda _: self._apply_oblique())
        self.display_bar.addWidget(self.oblique_angle)
        self.display_bar.addWidget(self.slab_mode)
        self.display_bar.addWidget(self.slab_thickness)
        # the keys of one view act on the active one; the actions above own the others (same table)
        bindings.install(self, (b for b in KEYS if b.command.per_view), self._run_binding)

    @staticmethod
    def _key(command: Command) -> str:
        return binding_for(command).keys[0]

    def _run_binding(self, binding: KeyBinding) -> None:
        self._active.run(binding.command, binding.argument)

    def take_focus(self) -> None:
        """Give the keyboard to the active view, so the shortcuts work without a click in the image;
        never taken from a field where the user is typing nor from another viewer (the prior's)."""
        focus = QApplication.focusWidget()
        if focus is not None and not self.isAncestorOf(focus) and focus is not self:
            if isinstance(focus, (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox, QComboBox)):
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

    def set_tool(self, tool: Tool) -> None:
        """The left-button tool of every viewport (the MPR ones keep the crosshair for navigation)."""
        for viewport in self.viewports:
            viewport.tool = tool
        for viewport in self.mpr_viewports:
            viewport.tool = tool if tool is not Tool.SCROLL else Tool.CROSSHAIR
        action = self._tool_actions.get(tool)
        if action is not None and not action.isChecked():
            action.setChecked(True)

    def _on_view(self, method: str) -> None:
        view = self._active.view
        if view is not None:
            getattr(view, method)()

    def _apply_ct_preset(self, center: float, width: float) -> None:
        view = self._active.view
        if view is not None and not view.series.is_colour:
            view.set_window(center, width)

    def _one_to_one(self) -> None:
        view = self._active.view
        if view is not None:
            view.one_to_one()

    def _reset_view(self) -> None:
        view = self._active.view
        if view is not None:
            view.reset()
            self._active.fit()

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
                mine, theirs = viewport.series, active.series
                frame = mine.frame_of_reference_uid
                if (frame and frame == theirs.frame_of_reference_uid
                        and mine.geometry is not None and theirs.geometry is not None):
                    segment = intersection_segment(
                        mine.plane(viewport.view.state.index), mine.shape[1:3],
                        theirs.plane(active.view.state.index), theirs.shape[1:3])
                    if segment is not None:
                        lines.append(segment)
            if lines != viewport.reference_lines:
                viewport.reference_lines = lines
                viewport.update()

    def _sync_from(self, source: Viewport) -> None:
        if self._syncing or not self.sync_action.isChecked() or source.view is None:
            return
        series = source.series
        if not getattr(series, "frame_of_reference_uid", "") or isinstance(series, ReformatSeries):
            return
        plane = series.plane(source.view.state.index)
        if not plane.spatial:
            return
        rows, columns = series.shape[1:3]
        point = plane.to_patient([((columns - 1) / 2, (rows - 1) / 2)])[0]
        self._syncing = True
        try:
            for other in self.visible_viewports():
                target = other.series
                if other is source or other.view is None or isinstance(target, ReformatSeries):
                    continue
                if target.frame_of_reference_uid != series.frame_of_reference_uid or target.geometry is None:
                    continue
                normal = np.asarray(target.geometry.normal)
                if abs(float(np.dot(normal, plane.normal))) < SYNC_PARALLEL:
                    continue
                places = np.asarray(target.geometry.positions) @ normal
                other.view.set_index(int(np.argmin(np.abs(places - float(np.dot(point, normal))))))
        finally:
            self._syncing = False

    # --- MPR ---------------------------------------------------------------------------------------
    def toggle_mpr(self) -> None:
        if self.pages.currentWidget() is self._mpr_page:
            self._leave_mpr()
        else:
            self.enter_mpr()

    def enter_mpr(self, series: Series | None = None) -> bool:
        """Axial, coronal and sagittal reformats of the active viewport's series, with a crosshair."""
        source = series or self._active.series
        if isinstance(source, ReformatSeries):
            source = source.source
        if source is None:
            self._show_mpr_refusal(self.tr("Aucune série affichée."))
            return False
        if not source.complete:
            self._show_mpr_refusal(
                self.tr("La série est encore en cours de chargement : MPR disponible à la fin."))
            return False
        # a tilted or unevenly spaced stack is rebuilt first (a second or two for hundreds of slices)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            stacks = ReformatSeries.three(source)
        except NotAVolume as exc:
            log.info("no MPR: %s", exc)
            self._show_mpr_refusal(self.tr("Reconstruction impossible : {reason}.").format(
                reason=texts.reason_text(exc.message_fr)))
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self._mpr_series, self._mpr_stacks, self._mpr_straight = source, stacks, list(stacks)
        window = self._active.view.state.window if self._active.view is not None else None
        for viewport, stack in zip(self.mpr_viewports, stacks, strict=True):
            view = self._slice_view(stack)
            if window is not None:
                view.apply_window(window)
            viewport.title = texts.plane_title(stack.name)
            viewport.set_view(view, self._banner)
        notes = [texts.warning_text(w.message) for w in source.warnings]
        grid = stacks[0].data.grid
        if grid.direct:
            how = self.tr("Volume MPR/3D : coupes d'origine, grille régulière de {step} mm.").format(
                step=texts.number(grid.step_mm, 2))
        else:
            how = self.tr("Volume MPR/3D reconstruit d'après la position de chaque coupe : {marks} "
                          "(grille {rows} x {columns} x {planes}).").format(
                marks=", ".join(texts.warning_text(m) for m in stacks[0].marks()), rows=grid.shape[1],
                columns=grid.shape[2], planes=grid.shape[0])
        self.mpr_info.setText("\n\n".join([texts.series_label(source), how, *notes]))
        self.pages.setCurrentWidget(self._mpr_page)
        self._apply_slab()
        self.set_crosshair(stacks[0].grid.centre())
        if self.oblique_angle.value() != 0.0:
            self._apply_oblique()
        for viewport in self.mpr_viewports:  # navigation first: a click places the crosshair
            viewport.tool = Tool.CROSSHAIR
        self._set_active(self.mpr_viewports[0])
        self.mpr_action.setChecked(True)
        return True

    def _show_mpr_refusal(self, text: str) -> None:
        self._warnings = [w for w in self._warnings if not w.startswith("MPR")]
        self._warnings.append(self.tr("MPR : {message}").format(message=text))
        self._update_messages()
        self.mpr_action.setChecked(False)

    def _leave_mpr(self) -> None:
        if not hasattr(self, "pages") or self.pages.currentWidget() is not self._mpr_page:
            if hasattr(self, "mpr_action"):
                self.mpr_action.setChecked(False)
            return
        self.pages.setCurrentWidget(self._grid_page)
        self._mpr_series, self._mpr_stacks, self._crosshair = None, [], None
        self._mpr_straight = []
        for viewport in self.mpr_viewports:
            viewport.crosshair_lines = []
        if self.volume_view is not None:
            self.volume_view.clear()
            self._fourth.setCurrentWidget(self.mpr_info)
            self.volume_action.setChecked(False)
        for viewport in self.mpr_viewports:
            viewport.set_view(None)
            viewport.crosshair = None
        self.mpr_action.setChecked(False)
        self._set_active(self.viewports[0])

    def toggle_3d(self) -> None:
        if self._fourth.currentWidget() is not self.mpr_info and self.volume_view is not None:
            self._fourth.setCurrentWidget(self.mpr_info)
            self.volume_view.clear()
            self.volume_action.setChecked(False)
        else:
            self.show_3d()

    def show_3d(self) -> bool:
        """Volume rendering of the MPR series (entering MPR first) in the fourth view."""
        if self.pages.currentWidget() is not self._mpr_page and not self.enter_mpr():
            self.volume_action.setChecked(False)
            return False
        if self.volume_view is None:
            from viewer.qt.volume3d import VolumeView

            self.volume_view = VolumeView(self._fourth)
            self.volume_view.set_calibration(self._calibration)
            self._fourth.addWidget(self.volume_view)
        self._fourth.setCurrentWidget(self.volume_view)
        assert self._mpr_series is not None
        shown = bool(self.volume_view.set_series(self._mpr_series))
        if shown:
            self.volume_view.render()
        self.volume_action.setChecked(shown)
        return shown

    def set_crosshair(self, point: np.ndarray) -> None:
        """Move the MPR crosshair to a patient point: every plane goes through it."""
        self._crosshair = np.asarray(point, dtype=np.float64)
        self._moving_crosshair = True
        try:
            for viewport, stack in zip(self.mpr_viewports, self._mpr_stacks, strict=False):
                viewport.crosshair = self._crosshair
                if viewport.view is not None:
                    viewport.view.set_index(stack.index_of(self._crosshair))
        finally:
            self._moving_crosshair = False
        self._update_crosshair_lines()

    def _update_crosshair_lines(self) -> None:
        ports = [v for v in self.mpr_viewports if v.view is not None]
        for viewport in ports:
            assert viewport.view is not None
            mine = viewport.series.plane(viewport.view.state.index)
            lines = []
            for other in ports:
                if other is viewport:
                    continue
                assert other.view is not None
                segment = intersection_segment(mine, viewport.series.shape[1:3],
                                               other.series.plane(other.view.state.index),
                                               other.series.shape[1:3])
                if segment is not None:
                    lines.append(segment)
            viewport.crosshair_lines = lines
            viewport.update()

    def _mpr_index_changed(self, source: Viewport) -> None:
        """Scrolling one MPR view moves the crosshair along its normal: the others keep their plane."""
        if self._moving_crosshair or self._crosshair is None or source.view is None:
            return
        plane = source.series.plane(source.view.state.index)
        self._crosshair = self._crosshair - plane.distance_to(self._crosshair) * plane.normal
        for viewport in self.mpr_viewports:
            viewport.crosshair = self._crosshair
        self._update_crosshair_lines()

    def _apply_oblique(self) -> None:
        """Turn the coronal and sagittal planes about the axial normal through the crosshair."""
        if self.pages.currentWidget() is not self._mpr_page or self._mpr_series is None:
            return
        angle = float(self.oblique_angle.value())
        source = self._mpr_series
        straight = self._mpr_straight
        stacks: list[ReformatSeries] = [straight[0]]
        axis = straight[0].plane(0).normal
        for stack in straight[1:]:
            if angle == 0.0:
                stacks.append(stack)
                continue
            plane = stack.plane(0)
            stacks.append(ObliqueSeries(source, rotated_about(plane.row_direction, axis, angle),
                                        rotated_about(plane.column_direction, axis, angle),
                                        texts.oblique_name(stack.name, angle)))
        self._mpr_stacks = stacks
        for viewport, stack in zip(self.mpr_viewports[1:], stacks[1:], strict=True):
            window = viewport.view.state.window if viewport.view is not None else None
            view = self._slice_view(stack)
            if window is not None:
                view.apply_window(window)
            viewport.title = texts.plane_title(stack.name)
            viewport.set_view(view, self._banner)
        self._apply_slab()
        if self._crosshair is not None:
            self.set_crosshair(self._crosshair)

    def _apply_slab(self) -> None:
        mode = self.slab_mode.currentData()
        for viewport, stack in zip(self.mpr_viewports, self._mpr_stacks, strict=False):
            stack.set_slab(mode, self.slab_thickness.value())
            viewport.update()

    # --- loader events -----------------------------------------------------------------------------
    def _on_preview(self, token: int, image: PreviewImage) -> None:
        """The loader's first decoded image, before any series is assembled: shown at once."""
        viewport = self.viewports[0]
        if token != self._token or self._series or viewport.view is not None:
            return
        try:
            self._preview = Series.preview(image.file, image.frame, image.pixels)
        except Exception:  # a preview that does not fit is simply not shown; the series will be
            log.warning("preview image not shown", exc_info=True)
            return
        viewport.set_view(self._slice_view(self._preview), self._banner)

    def _on_series_found(self, token: int, series: Series) -> None:
        if token != self._token:
            return
        if self._preview is not None:  # the real series replace the preview
            for viewport in self.viewports:
                if viewport.series is self._preview:
                    viewport.set_view(None)
            self._preview = None
        number = len(self._series)
        self._series.append(series)
        label = texts.series_label(series)
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, number)
        item.setToolTip(self.tr("{series}\n{modality}, %n image(s)\n"
                                "Double-clic ou glisser vers une vue pour l'afficher.", "", series.shape[0])
                        .format(series=label, modality=series.modality))
        item.setSizeHint(QSize(THUMBNAIL + 30, THUMBNAIL + 44))
        self.thumbnails.addItem(item)
        for warning in series.warnings:
            self._warnings.append(texts.labelled(label, texts.warning_text(warning.message)))
        self._update_messages()
        if self._banner_from_headers:
            self._banner_from_series()
        self._fill_empty_viewports()

    def _banner_from_series(self) -> None:
        """The identity line from the headers of the series found so far (standalone viewer only)."""
        found: list[str] = []
        for series in self._series:
            patient = series.patient
            if not patient.known:
                continue
            parts = [patient.display_name or self.tr("nom absent")]
            if patient.sex:
                parts.append(patient.sex)
            if patient.birth_date:
                parts.append(self.tr("né(e) le {date}").format(date=patient.birth_date_fr))
            if patient.patient_id:
                parts.append(self.tr("ID {id}").format(id=patient.patient_id))
            line = " — ".join(parts)
            if line not in found:
                found.append(line)
        if not found:
            return
        if len(found) == 1:
            banner = self.tr("{identity} (d'après les en-têtes DICOM)").format(identity=found[0])
        else:
            banner = self.tr("⚠ Plusieurs patients dans ces fichiers : {identities}").format(
                identities=" ; ".join(found))
        if banner == self._banner:
            return
        self._banner = banner
        for viewport in self.viewports + self.mpr_viewports:
            viewport.banner = banner
            viewport.update()

    def _on_slices_loaded(self, token: int, series: Series, indices: tuple[int, ...]) -> None:
        if token != self._token:
            return
        for viewport in self.visible_viewports():
            if viewport.series is series:
                viewport.slices_arrived(indices)
        middle = series.shape[0] // 2
        if middle in indices:
            self._set_thumbnail(series)

    def _on_series_done(self, token: int, series: Series) -> None:
        if token != self._token:
            return
        self._set_thumbnail(series)
        known = set(self._warnings)
        for warning in series.warnings:  # failures found while decoding
            text = texts.labelled(texts.series_label(series), texts.warning_text(warning.message))
            if text not in known:
                self._warnings.append(text)
        self._update_messages()

    def _on_problem(self, token: int, problem: FileProblem) -> None:
        if token != self._token:
            return
        self._problems.append(texts.problem_text(problem))
        self._problem_files.add(problem.path)
        self._update_messages()

    def _on_finished(self, token: int, study: StudyLoad) -> None:
        if token != self._token:
            return
        self._handle = None
        self.studyLoaded.emit(study)
        found = self._problems + self._warnings
        if found:
            self.problemsFound.emit(list(found))

    def _set_thumbnail(self, series: Series) -> None:
        number = next((k for k, s in enumerate(self._series) if s is series), None)
        if number is None:
            return
        index = series.shape[0] // 2
        if not series.is_loaded(index):
            loaded = [k for k in range(series.shape[0]) if series.is_loaded(k)]
            if not loaded:
                return
            index = loaded[len(loaded) // 2]
        view = self._slice_view(series)
        view.set_index(index)
        if not series.windows(index) and not series.is_colour:
            view.auto_window()
        pixels = view.image()
        if pixels is None:
            return
        step = max(1, max(pixels.shape[:2]) // THUMBNAIL)
        small = np.ascontiguousarray(pixels[::step, ::step])
        h, w = small.shape[:2]
        fmt = QImage.Format.Format_RGB888 if small.ndim == 3 else QImage.Format.Format_Grayscale8
        image = QImage(small.data, w, h, small.strides[0], fmt).copy()
        self.thumbnails.item(number).setIcon(QIcon(QPixmap.fromImage(image)))

    def _update_messages(self) -> None:
        lines = []
        if self._problems:
            lines.append(self.tr("%n fichier(s) non affiché(s) :", "", len(self._problem_files)))
            lines.extend(f"  • {text}" for text in self._problems[:4])
            if len(self._problems) > 4:
                lines.append(self.tr("  … et %n autre(s) (voir l'infobulle)", "", len(self._problems) - 4))
        lines.extend(f"⚠ {text}" for text in self._warnings[:4])
        if len(self._warnings) > 4:
            lines.append(self.tr("⚠ … et %n autre(s) avertissement(s) (voir l'infobulle)", "",
                                 len(self._warnings) - 4))
        self.messages.setText("\n".join(lines))
        self.messages.setToolTip("\n".join(self._problems + self._warnings))
        self.messages.setVisible(bool(lines))

    def closeEvent(self, event: object) -> None:
        if self._handle is not None:
            self._handle.cancel()
        if self.volume_view is not None:  # VTK's window goes before Qt destroys the widget
            self.volume_view.shutdown()
            self.volume_view = None
        super().closeEvent(event)  # type: ignore[arg-type]
