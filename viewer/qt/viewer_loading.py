"""The viewer's side of loading: loader events as queued Qt signals, the series thumbnails, the
problems banner, the preview image (split from :mod:`viewer.qt.viewer_widget` by concern).

Each load carries a token: events of a study that was closed (or replaced) meanwhile are dropped,
so a late slice can never appear under another patient's banner.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QMimeData, QObject, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from viewer.loader import LoadHandle, LoadObserver, PreviewImage, StudyLoad
from viewer.problems import FileProblem, ProblemKind
from viewer.qt import texts
from viewer.qt.viewer_toolbar import ViewerToolbars
from viewer.qt.viewport import MIME_SERIES
from viewer.series import Series

log = logging.getLogger(__name__)

THUMBNAIL = 96
WARNING_STYLE = "QLabel { background: #5a3a00; color: #ffe9b0; padding: 4px; }"
DOCUMENT_STYLE = "QLabel { background: #262626; color: #b8b8b8; padding: 2px 4px; }"


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


class StudyLoading(ViewerToolbars):
    """Receives the loader's events on the interface thread; the viewer widget derives from it."""

    _token: int
    _handle: LoadHandle | None
    _series: list[Series]
    _banner: str
    _banner_from_headers: bool
    _problems: list[str]
    _problem_files: set[str]
    _documents: list[str]
    _warnings: list[str]
    _preview: Series | None
    thumbnails: QListWidget
    messages: QLabel
    studyLoaded: Any
    problemsFound: Any

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
        item.setToolTip(
            self._counted("images", series.shape[0]).format(series=label, modality=series.modality)
        )
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
            parts = [patient.display_name or QCoreApplication.translate("ViewerWidget", "nom absent")]
            if patient.sex:
                parts.append(patient.sex)
            if patient.birth_date:
                parts.append(
                    QCoreApplication.translate("ViewerWidget", "né(e) le {date}").format(
                        date=patient.birth_date_fr
                    )
                )
            if patient.patient_id:
                parts.append(
                    QCoreApplication.translate("ViewerWidget", "ID {id}").format(id=patient.patient_id)
                )
            line = " — ".join(parts)
            if line not in found:
                found.append(line)
        if not found:
            return
        if len(found) == 1:
            banner = QCoreApplication.translate(
                "ViewerWidget", "{identity} (d'après les en-têtes DICOM)"
            ).format(identity=found[0])
        else:
            banner = QCoreApplication.translate(
                "ViewerWidget", "⚠ Plusieurs patients dans ces fichiers : {identities}"
            ).format(identities=" ; ".join(found))
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
        if problem.kind is ProblemKind.NON_IMAGE:  # a KOS, GSPS, SR (the CT's dose report): a document
            self._documents.append(texts.reason_text(problem.message))  # its file name is a UID: left out
        else:
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
            lines.append(self._counted("files", len(self._problem_files)))
            lines.extend(f"  • {text}" for text in self._problems[:4])
            if len(self._problems) > 4:
                lines.append(self._counted("more problems", len(self._problems) - 4))
        lines.extend(f"⚠ {text}" for text in self._warnings[:4])
        if len(self._warnings) > 4:
            lines.append(self._counted("more warnings", len(self._warnings) - 4))
        alarming = bool(lines)
        if self._documents:  # part of a normal study: said plainly, not as a warning
            lines.append(self._counted("documents", len(self._documents)))
            lines.extend(f"  • {text}" for text in dict.fromkeys(self._documents))  # one line per kind
        self.messages.setText("\n".join(lines))
        self.messages.setToolTip("\n".join(self._problems + self._warnings + self._documents))
        self.messages.setStyleSheet(WARNING_STYLE if alarming else DOCUMENT_STYLE)
        self.messages.setVisible(bool(lines))
