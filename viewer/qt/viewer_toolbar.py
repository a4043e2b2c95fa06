"""The viewer's two tool bars (reading tools, display) and what their buttons do.

Split from :mod:`viewer.qt.viewer_widget` by concern; the key of every button comes from the one
binding table (:mod:`viewer.bindings`), so the tooltips, the shortcuts and the F1 help agree.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QMenu,
    QToolBar,
    QToolButton,
    QWidget,
)

from resources.translations import qt as language
from viewer.bindings import KEYS, Command, KeyBinding, binding_for
from viewer.mpr import SlabMode
from viewer.presets import CT_PRESETS
from viewer.qt import bindings, texts
from viewer.qt.viewport import Viewport
from viewer.tools import Tool

log = logging.getLogger(__name__)


class ViewerToolbars(QWidget):
    """The bars' actions and widgets (``toolbar``, ``display_bar``, ``sync_action``, ``mpr_action``,
    ``volume_action``, the slab and oblique controls); the viewer widget derives from it."""

    toolbar: QToolBar
    display_bar: QToolBar
    viewports: list[Viewport]
    mpr_viewports: list[Viewport]
    _active: Viewport

    def _action(
        self,
        text: str,
        tip: str,
        slot: Callable[[], object],
        shortcut: str | None = None,
        checkable: bool = False,
        bar: QToolBar | None = None,
    ) -> QAction:
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
            action = self._action(
                label,
                QCoreApplication.translate("ViewerWidget", "Outil : {tool}").format(tool=label.lower()),
                lambda t=tool: self.set_tool(t),
                binding.keys[0],
                checkable=True,
            )
            group.addAction(action)
            self._tool_actions[tool] = action
        add = functools.partial(self._action, bar=self.display_bar)
        presets = QToolButton(self)
        presets.setText(QCoreApplication.translate("ViewerWidget", "Fenêtres"))
        presets.setToolTip(
            QCoreApplication.translate(
                "ViewerWidget", "Préréglages de fenêtre (0 auto, 1-2 en-tête DICOM, 3-9 scanner)"
            )
        )
        presets.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(presets)
        headers = (
            ("0", QCoreApplication.translate("ViewerWidget", "Automatique (0)")),
            ("1", QCoreApplication.translate("ViewerWidget", "En-tête DICOM 1 (1)")),
            ("2", QCoreApplication.translate("ViewerWidget", "En-tête DICOM 2 (2)")),
        )
        for key, label in headers:
            menu.addAction(label, lambda k=key: self._active.apply_preset_key(k))
        menu.addSeparator()
        for preset in CT_PRESETS:
            menu.addAction(
                texts.ct_preset_label(preset), lambda p=preset: self._apply_ct_preset(p.center, p.width)
            )
        presets.setMenu(menu)
        self.display_bar.addWidget(presets)
        # keys the actions do not own (the viewports handle them) are named in the tooltips; an
        # action's own shortcut is added to its tooltip by _action
        add(
            QCoreApplication.translate("ViewerWidget", "Inverser"),
            QCoreApplication.translate("ViewerWidget", "Inverser les niveaux de gris (I)"),
            self._on_active(Command.INVERT),
        )
        add(
            "↻",
            QCoreApplication.translate("ViewerWidget", "Rotation horaire (R ; Maj+R antihoraire)"),
            self._on_active(Command.ROTATE_CLOCKWISE),
        )
        add(
            "⇆",
            QCoreApplication.translate("ViewerWidget", "Miroir horizontal (H)"),
            self._on_active(Command.FLIP_HORIZONTAL),
        )
        add(
            "⇅",
            QCoreApplication.translate("ViewerWidget", "Miroir vertical (V)"),
            self._on_active(Command.FLIP_VERTICAL),
        )
        add(
            QCoreApplication.translate("ViewerWidget", "Ajuster"),
            QCoreApplication.translate("ViewerWidget", "Ajuster à la fenêtre (F)"),
            self._on_active(Command.FIT),
        )
        add(
            "1:1",
            QCoreApplication.translate("ViewerWidget", "Un pixel de l'image par pixel de l'écran (N)"),
            self._on_active(Command.ONE_TO_ONE),
        )
        add(
            QCoreApplication.translate("ViewerWidget", "Réinit."),
            QCoreApplication.translate("ViewerWidget", "Réinitialiser la vue"),
            self._reset_view,
        )
        add(
            QCoreApplication.translate("ViewerWidget", "Ciné"),
            QCoreApplication.translate("ViewerWidget", "Lecture ciné (Espace)"),
            self._on_active(Command.CINE),
        )
        self.display_bar.addSeparator()
        for rows, columns in ((1, 1), (1, 2), (2, 2)):
            layout = f"{rows}×{columns}"
            add(
                layout,
                QCoreApplication.translate("ViewerWidget", "Disposition {layout}").format(layout=layout),
                lambda r=rows, c=columns: self.set_layout(r, c),
            )
        self.sync_action = add(
            QCoreApplication.translate("ViewerWidget", "Synchro"),
            QCoreApplication.translate("ViewerWidget", "Défilement synchronisé des séries du même repère"),
            lambda: None,
            self._key(Command.SYNC),
            checkable=True,
        )
        self.sync_action.setChecked(True)
        self.display_bar.addSeparator()
        self.mpr_action = add(
            "MPR",
            QCoreApplication.translate(
                "ViewerWidget", "Reconstructions multiplanaires axiale, coronale, sagittale"
            ),
            self.toggle_mpr,
            self._key(Command.MPR),
            checkable=True,
        )
        self.volume_action = add(
            "3D",
            QCoreApplication.translate(
                "ViewerWidget", "Rendu volumique 3D dans la quatrième vue des reconstructions"
            ),
            self.toggle_3d,
            self._key(Command.VOLUME_3D),
            checkable=True,
        )
        self.slab_mode = QComboBox(self)
        self.slab_mode.setToolTip(
            QCoreApplication.translate("ViewerWidget", "Mode de coupe épaisse des reconstructions")
        )
        for mode in SlabMode:
            self.slab_mode.addItem(texts.slab_text(mode), mode)
        self.slab_thickness = QDoubleSpinBox(self)
        self.slab_thickness.setToolTip(
            QCoreApplication.translate("ViewerWidget", "Épaisseur de la coupe épaisse (mm)")
        )
        self.slab_thickness.setRange(0.0, 100.0)
        self.slab_thickness.setSingleStep(1.0)
        self.slab_thickness.setValue(10.0)
        self.slab_thickness.setSuffix(" mm")
        self.slab_thickness.setDecimals(1)
        self.slab_mode.currentIndexChanged.connect(lambda _: self._apply_slab())
        self.slab_thickness.valueChanged.connect(lambda _: self._apply_slab())
        self.oblique_angle = QDoubleSpinBox(self)
        self.oblique_angle.setToolTip(
            QCoreApplication.translate(
                "ViewerWidget",
                "MPR oblique : rotation des plans coronal et sagittal autour "
                "de l'axe de l'axial, au centre du réticule (°)",
            )
        )
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

    def _on_active(self, command: Command) -> Callable[[], object]:
        """A toolbar button that does what the command's key does, on the active view."""
        return lambda: self._active.run(command)

    @staticmethod
    def _key(command: Command) -> str:
        return binding_for(command).keys[0]

    def _run_binding(self, binding: KeyBinding) -> None:
        self._active.run(binding.command, binding.argument)

    def set_tool(self, tool: Tool) -> None:
        """The left-button tool of every viewport (the MPR ones keep the crosshair for navigation)."""
        for viewport in self.viewports:
            viewport.tool = tool
        for viewport in self.mpr_viewports:
            viewport.tool = tool if tool is not Tool.SCROLL else Tool.CROSSHAIR
        action = self._tool_actions.get(tool)
        if action is not None and not action.isChecked():
            action.setChecked(True)

    def _apply_ct_preset(self, center: float, width: float) -> None:
        view = self._active.view
        if view is not None and not view.series.is_colour:
            view.set_window(center, width)

    def _reset_view(self) -> None:
        view = self._active.view
        if view is not None:
            view.reset()
            self._active.fit()
