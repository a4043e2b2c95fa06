"""Reading with priors on the reading screen: hanging protocols, the link with the prior, key images
and presentation states (issue 19).

The reading page owns the two viewers (today's exam, and the prior once compared); this object
composes the Qt-free models around them so the page itself only calls a few hooks:

* when the study opens, the most specific hanging protocol is chosen from its headers
  (:mod:`viewer.hanging`), and chosen again once the priors are known: a protocol that wants the
  prior opens it beside and links it (same Frame of Reference: at once; otherwise the viewports ask
  the radiologist to align a landmark and link with Shift+L);
* "," and "." walk the protocol's stages; "save the layout" writes a protocol to the settings folder;
* K marks the shown image of today's exam as a key image (listed in the bar's menu, a star on the
  viewport); signing stores them as a Key Object Selection (:mod:`workstation.key_objects`);
* presentation states (GSPS) that come with either study are shown (:mod:`viewer.qt.presentation`).
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence, QPainter
from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QLabel, QMenu, QToolButton, QWidget

from resources.translations import qt as language
from viewer import hanging
from viewer.hanging import PRIOR, Protocol, Stage, StudyFacts, StudyRule
from viewer.key_images import KeyImages, key_image_of
from viewer.mpr import ReformatSeries
from viewer.presentation import presentation_states, scan_folder
from viewer.qt.hanging import apply_specs, current_specs
from viewer.qt.presentation import PresentationLayer
from viewer.qt.study_link import StudyLink
from viewer.qt.viewer_widget import ViewerWidget
from viewer.qt.viewport import Viewport
from workstation.key_objects import key_objects_of_study, stored_key_images
from workstation.settings import default_settings_file

if TYPE_CHECKING:
    from workstation.priors import Prior
    from workstation.qt.reading_page import ReadingPage
    from workstation.reading import ReadingCase

log = logging.getLogger(__name__)

PROTOCOLS_FILE = "hanging_protocols.json"
KEY_COLOUR = QColor(255, 215, 0)


def protocols_path() -> Path:
    """The radiologist's protocols: readable JSON beside the settings file."""
    return default_settings_file().parent / PROTOCOLS_FILE


def study_facts(case: ReadingCase, priors: list[Prior] | None) -> StudyFacts:
    """What the protocols are chosen on, from the headers the reading already read."""
    parts: list[str] = []
    description = ""
    for _, ds in case.scan.items:
        if ds is None:
            continue
        part = str(ds.get("BodyPartExamined", "") or "").strip()
        if part and part not in parts:
            parts.append(part)
        description = description or str(ds.get("StudyDescription", "") or "").strip()
    prior_modalities = None if priors is None else tuple(m for p in priors for m in p.modalities)
    return StudyFacts(tuple(case.scan.modalities), tuple(parts), description, prior_modalities)


class ReadingComparison(QObject):
    def __init__(self, page: ReadingPage) -> None:
        super().__init__(page)
        self.page = page
        self.viewer: ViewerWidget = page.viewer
        self.protocol: Protocol | None = None
        self.stage_index = 0
        self.priors: list[Prior] | None = None
        self.link: StudyLink | None = None
        self.prior_layer: PresentationLayer | None = None
        self.key_images = KeyImages()
        self.presentation = PresentationLayer(self.viewer, self)
        self._auto_prior = ""  # the prior the protocol asked for (opened once per case)
        self._loaded = False
        self._prior_token = 0  # a prior viewer is reused: only the last opened prior's events count
        self._stored_keys: list[tuple[str, int | None]] = []  # read from the study's KOS, to mark
        for viewport in self.viewer.viewports:
            viewport.overlays.append(self._paint_key)

        self.bar = QWidget()
        self.bar.setObjectName("comparisonBar")
        row = QHBoxLayout(self.bar)
        row.setContentsMargins(0, 0, 0, 0)
        self.protocol_label = QLabel()
        self.protocol_label.setObjectName("protocolLabel")
        self.link_button = QToolButton()
        self.link_button.setObjectName("linkButton")
        self.link_button.setText(self.tr("Lier"))
        self.link_button.setCheckable(True)
        self.link_button.setToolTip(self.tr("Lier le défilement de l'antérieur à celui de l'examen du jour "
                                            "(Shift+L). Repères différents : alignez d'abord un repère "
                                            "anatomique sur les deux examens."))
        self.link_button.clicked.connect(lambda checked: self.set_linked(bool(checked)))
        self.link_menu = QMenu(self.link_button)
        self.window_action = self.link_menu.addAction(self.tr("Fenêtre liée"))
        self.window_action.setCheckable(True)
        self.window_action.toggled.connect(self._options)
        self.zoom_action = self.link_menu.addAction(self.tr("Zoom lié"))
        self.zoom_action.setCheckable(True)
        self.zoom_action.toggled.connect(self._options)
        self.link_menu.addAction(self.tr("Réaligner sur les coupes affichées"), self.realign)
        self.link_button.setMenu(self.link_menu)
        self.link_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.link_button.hide()
        self.keys_button = QToolButton()
        self.keys_button.setObjectName("keyImagesButton")
        self.keys_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.keys_menu = QMenu(self.keys_button)
        self.keys_button.setMenu(self.keys_menu)
        self.keys_menu.aboutToShow.connect(self._fill_keys_menu)
        self.layout_button = QToolButton()
        self.layout_button.setText(self.tr("Protocole…"))
        self.layout_button.setToolTip(self.tr("Protocoles d'affichage : étape précédente (,), suivante (.), "
                                              "enregistrer la disposition actuelle"))
        self.layout_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.layout_button)
        menu.addAction(self.tr("Étape précédente (,)"), lambda: self.step(-1))
        menu.addAction(self.tr("Étape suivante (.)"), lambda: self.step(1))
        menu.addAction(self.tr("Enregistrer la disposition comme protocole…"), self.ask_save_protocol)
        self.layout_button.setMenu(menu)
        row.addWidget(self.protocol_label)
        row.addWidget(self.layout_button)
        row.addWidget(self.link_button)
        row.addWidget(self.keys_button)
        self._update_keys_button()

        self._shortcut(self.tr("Image clé"), "K", self.toggle_key_image)
        self._shortcut(self.tr("Étape suivante"), ".", lambda: self.step(1))
        self._shortcut(self.tr("Étape précédente"), ",", lambda: self.step(-1))
        self._shortcut(self.tr("Lier l'antérieur"), "Shift+L", lambda: self.set_linked(not self.linked))
        self.viewer.studyLoaded.connect(self._current_loaded)
        # the measurements as the signing worker will read them (a tuple replaced on the GUI thread)
        self.measurements: tuple[Any, ...] = ()
        self.viewer.measurementAdded.connect(self._measurements_changed)
        self.viewer.measurementChanged.connect(self._measurements_changed)
        self.viewer.measurementRemoved.connect(self._measurements_changed)

    def _measurements_changed(self, *_: object) -> None:
        self.measurements = tuple(self.viewer.measurements())

    def _shortcut(self, text: str, key: str, slot: Any) -> QAction:
        """On the viewer itself, so the key works also when the viewer is on its own screen."""
        action = QAction(text, self.viewer)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _=False: slot())
        self.viewer.addAction(action)
        return action

    # --- case life -----------------------------------------------------------------------------------
    def case_opened(self, case: ReadingCase) -> None:
        self.reset()
        self.protocol = self._choose(case, None)
        states, problems = presentation_states(ds for _, ds in case.scan.items)
        for problem in problems:
            log.warning("%s", problem)
        self.presentation.set_states(states)
        self._show_protocol()
        self._look_for_stored_keys(case)

    def _look_for_stored_keys(self, case: ReadingCase) -> None:
        """The key images already stored with the study (its KOS, in its files or on the platform)
        are marked again once its images are shown: reopening a case shows what was marked."""
        study = case.row.entry.study_instance_uid or ""
        if not study:
            return
        held = [ds for _, ds in case.scan.items if ds is not None]
        ws = self.page.ws

        def found(selections: list[tuple[str, int | None]]) -> None:
            if self.page.case is case:
                self._stored_keys = list(selections)
                self._mark_stored_keys()

        self.page.tasks.run(lambda: stored_key_images(key_objects_of_study(ws, study, held), study), found,
                            lambda exc: log.warning("stored key images not read: %s", exc))

    def _mark_stored_keys(self) -> None:
        if not self._loaded or not self._stored_keys:
            return
        wanted: dict[str, set[int | None]] = {}
        for uid, frame in self._stored_keys:
            wanted.setdefault(uid, set()).add(frame)
        self._stored_keys = []  # once per case: an image unmarked afterwards stays unmarked
        for series in self.viewer.series():
            if isinstance(series, ReformatSeries) or not hasattr(series, "slices"):
                continue
            for index, slice_ in enumerate(series.slices):
                frames = wanted.get(slice_.file.sop_instance_uid)
                if frames is None:
                    continue
                image = key_image_of(series, index)
                whole = None in frames and not any(k.sop_instance_uid == image.sop_instance_uid
                                                   for k in self.key_images)
                if (image.frame in frames or whole) and not self.key_images.contains(image):
                    self.key_images.toggle(image)
        self._update_keys_button()
        for viewport in self.viewer.visible_viewports():
            viewport.update()

    def reset(self) -> None:
        self.protocol, self.stage_index, self.priors = None, 0, None
        self._auto_prior = ""
        self._loaded = False
        self._prior_token += 1
        self.key_images.clear()
        self._stored_keys = []
        self.measurements = ()
        self.presentation.clear()
        self._drop_link()
        self._update_keys_button()
        self._show_protocol()

    def _drop_link(self) -> None:
        if self.link is not None:
            self.link.detach()
            self.link.deleteLater()
            self.link = None
        if self.prior_layer is not None:
            self.prior_layer.detach()
            self.prior_layer.deleteLater()
            self.prior_layer = None
        self.link_button.setChecked(False)
        self.link_button.hide()

    def _choose(self, case: ReadingCase, priors: list[Prior] | None) -> Protocol | None:
        protocols, problems = hanging.all_protocols(protocols_path())
        for problem in problems:
            log.warning("hanging protocols: %s", problem)
        return hanging.choose(protocols, study_facts(case, priors))

    def _current_loaded(self, _study: object) -> None:
        self._loaded = True
        self.apply_stage()
        self._mark_stored_keys()

    def priors_found(self, priors: list[Prior]) -> None:
        case = self.page.case
        if case is None:
            return
        self.priors = list(priors)
        chosen = self._choose(case, self.priors)
        if chosen is not None and (self.protocol is None or chosen.name != self.protocol.name):
            self.protocol, self.stage_index = chosen, 0
            if self._loaded:
                self.apply_stage()
        self._show_protocol()
        self._open_wanted_prior()

    def _open_wanted_prior(self) -> None:
        """The protocol's stage shows the prior: open the most recent prior of the wanted modality."""
        stage = self.stage
        if stage is None or not stage.shows_prior or not self.priors or self._auto_prior:
            return
        wanted = self.protocol.rule.prior_modality.upper() if self.protocol else ""
        prior = next((p for p in self.priors if not wanted or wanted in {m.upper() for m in p.modalities}),
                     None)
        if prior is None:
            return
        index = self.page.priors.findData(prior.study_instance_uid)
        if index < 0:
            return
        self._auto_prior = prior.study_instance_uid
        self.page.priors.setCurrentIndex(index)
        self.page.compare_prior()

    def prior_opened(self, prior_viewer: ViewerWidget, folder: Path) -> None:
        """The prior is being shown in ``prior_viewer``: link it, show its presentation states."""
        self._drop_link()
        self.link = StudyLink(self.viewer, prior_viewer, self)
        self.link.changed.connect(self._link_changed)
        self.prior_layer = PresentationLayer(prior_viewer, self)
        self.link_button.show()
        self._prior_token += 1
        prior_viewer.studyLoaded.connect(
            lambda _s, v=prior_viewer, f=folder, t=self._prior_token: self._prior_loaded(v, f, t))

    def _prior_loaded(self, prior_viewer: ViewerWidget, folder: Path, token: int) -> None:
        if self.link is None or self.link.prior is not prior_viewer or token != self._prior_token:
            return
        layer = self.prior_layer
        self.page.tasks.run(lambda: scan_folder(folder),
                            lambda found: layer is self.prior_layer and layer is not None
                            and layer.set_states(found[0]),
                            lambda exc: log.warning("prior presentation states not read: %s", exc))
        self.apply_stage()

    # --- protocol ------------------------------------------------------------------------------------
    @property
    def stage(self) -> Stage | None:
        if self.protocol is None:
            return None
        return self.protocol.stages[self.stage_index % len(self.protocol.stages)]

    def step(self, delta: int) -> None:
        if self.protocol is None:
            return
        self.stage_index = (self.stage_index + delta) % len(self.protocol.stages)
        self.apply_stage()
        self._open_wanted_prior()

    def apply_stage(self) -> None:
        stage = self.stage
        self._show_protocol()
        if stage is None or not self._loaded:
            return
        apply_specs(self.viewer, stage.rows, stage.columns, stage.specs(hanging.CURRENT))
        link = self.link
        if link is None or not link.prior.series():
            return
        if stage.shows_prior:
            apply_specs(link.prior, stage.prior_rows, stage.prior_columns, stage.specs(PRIOR))
        link.link_window, link.link_zoom = stage.link_window, stage.link_zoom
        self.window_action.setChecked(stage.link_window)
        self.zoom_action.setChecked(stage.link_zoom)
        if stage.link and not link.enabled and not link.pending():
            link.link()  # a shared frame of reference: linked at once
        elif link.enabled:
            link.link()  # follow the new series with the kept offsets
        self._link_changed()

    def _show_protocol(self) -> None:
        stage = self.stage
        if self.protocol is None or stage is None:
            self.protocol_label.setText(self.tr("Protocole : aucun"))
            return
        self.protocol_label.setText(self.tr("Protocole : {name} — {stage} ({index}/{count})").format(
            name=language.text(self.protocol.name), stage=language.text(stage.name),
            index=self.stage_index % len(self.protocol.stages) + 1,
            count=len(self.protocol.stages)))

    def current_protocol(self, name: str) -> Protocol | None:
        """The current layout (and the prior's, when shown) as a protocol for studies like this one."""
        case = self.page.case
        if case is None:
            return None
        facts = study_facts(case, self.priors)
        rows, columns, specs = current_specs(self.viewer)
        prior_rows = prior_columns = 1
        prior_modality = ""
        link = self.link
        if link is not None and link.prior.series():
            prior_rows, prior_columns, prior_specs = current_specs(link.prior, PRIOR)
            specs += prior_specs
            prior_modality = next((s.modality for s in link.prior.series()), "")
        modality = facts.modalities[0] if facts.modalities else ""
        body_part = f"^{facts.body_parts[0]}$" if facts.body_parts else ""
        rule = StudyRule(modality, body_part, "", True if prior_modality else None, prior_modality)
        stage = Stage(self.tr("Disposition enregistrée"), rows, columns, tuple(specs), prior_rows,
                      prior_columns,
                      link=bool(link and link.enabled), link_window=bool(link and link.link_window),
                      link_zoom=bool(link and link.link_zoom))
        return Protocol(name, rule, (stage,), user=True)

    def save_protocol(self, name: str) -> Path | None:
        protocol = self.current_protocol(name.strip())
        if protocol is None or not protocol.name:
            return None
        path = protocols_path()
        own, problems = hanging.load_protocols(path)
        if problems and path.exists():  # never overwrite a file we could not read: keep it aside
            path.replace(path.with_name(path.name + ".illisible"))
            log.warning("hanging protocols file set aside: %s", "; ".join(problems))
        own = [p for p in own if p.name != protocol.name]
        hanging.save_protocols(path, [protocol, *own])
        self.protocol, self.stage_index = protocol, 0
        self._show_protocol()
        return path

    def ask_save_protocol(self) -> None:
        name, ok = QInputDialog.getText(self.page, self.tr("Enregistrer la disposition"),
                                        self.tr("Nom du protocole d'affichage :"))
        if ok and name.strip():
            path = self.save_protocol(name)
            if path is not None:
                self.page.status.setText(
                    self.tr("Protocole « {name} » enregistré.").format(name=name.strip()))

    # --- link ----------------------------------------------------------------------------------------
    @property
    def linked(self) -> bool:
        return self.link is not None and self.link.enabled

    def set_linked(self, on: bool) -> None:
        link = self.link
        if link is None:
            self.link_button.setChecked(False)
            return
        if on:
            if not link.link():
                self.page.status.setText(link.message)
        else:
            link.unlink()
        self._link_changed()

    def realign(self) -> None:
        if self.link is not None and not self.link.realign():
            self.page.status.setText(self.link.message)
        self._link_changed()

    def _options(self) -> None:
        if self.link is not None:
            self.link.link_window = self.window_action.isChecked()
            self.link.link_zoom = self.zoom_action.isChecked()
            self.link.changed.emit()
            for viewer in (self.link.current, self.link.prior):
                for viewport in viewer.visible_viewports():
                    viewport.update()

    def _link_changed(self) -> None:
        self.link_button.setChecked(self.linked)

    # --- key images ----------------------------------------------------------------------------------
    def toggle_key_image(self) -> bool | None:
        """Mark (or unmark) the image shown in the active viewport of today's exam."""
        viewport = self.viewer.active_viewport
        series = viewport.series
        if viewport.view is None or series is None or isinstance(series, ReformatSeries) or not hasattr(
                series, "slices"):
            self.page.status.setText(self.tr("Image clé : choisissez une image acquise de l'examen du jour "
                                             "(pas une reconstruction)."))
            return None
        image = key_image_of(series, viewport.view.state.index)
        marked = self.key_images.toggle(image)
        self.page.status.setText(
            (self.tr("Image clé ajoutée : {series}, image {number}") if marked
             else self.tr("Image clé retirée : {series}, image {number}")).format(
                series=image.series_label, number=image.image_number))
        self._update_keys_button()
        viewport.update()
        return marked

    def _update_keys_button(self) -> None:
        count = len(self.key_images)
        self.keys_button.setText(self.tr("Images clés (%n)", "", count))
        self.keys_button.setToolTip(self.tr("Marquer l'image affichée : K. Les images clés sont enregistrées "
                                            "avec l'examen à la signature et citées dans le compte rendu."))

    def _fill_keys_menu(self) -> None:
        self.keys_menu.clear()
        if not len(self.key_images):
            action = self.keys_menu.addAction(self.tr("Aucune image clé (K pour marquer l'image affichée)"))
            action.setEnabled(False)
            return
        for image in self.key_images:
            self.keys_menu.addAction(self.tr("{series}, image {number}").format(
                series=image.series_label, number=image.image_number), lambda i=image: self.go_to(i))

    def go_to(self, image: Any) -> None:
        """Show a key image in the active viewport."""
        for number, series in enumerate(self.viewer.series()):
            if series.series_instance_uid != image.series_uid:
                continue
            for index, slice_ in enumerate(series.slices):
                if slice_.file.sop_instance_uid == image.sop_instance_uid:
                    viewport = self.viewer.active_viewport
                    if viewport.series is not series:
                        self.viewer.show_series(number, viewport)
                    if viewport.view is not None:
                        viewport.view.set_index(index)
                    return

    def _paint_key(self, painter: QPainter, viewport: Viewport) -> None:
        series = viewport.series
        if viewport.view is None or series is None or isinstance(series, ReformatSeries) or not len(
                self.key_images):
            return
        if not hasattr(series, "slices"):
            return
        image = key_image_of(series, viewport.view.state.index)
        if not self.key_images.contains(image):
            return
        painter.save()
        font = QFont(painter.font())
        font.setPointSize(12)
        font.setBold(True)
        painter.setFont(font)
        text = self.tr("★ Image clé")
        rect = QRectF(0, 40, viewport.width() - 10, 22)
        painter.setPen(QColor(0, 0, 0))
        painter.drawText(rect.translated(QPointF(1, 1)), int(Qt.AlignmentFlag.AlignRight), text)
        painter.setPen(KEY_COLOUR)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignRight), text)
        painter.restore()

