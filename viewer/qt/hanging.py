"""A hanging protocol's stage on a viewer, and a viewer's layout as a protocol stage.

The matching is :mod:`viewer.hanging`'s (Qt-free); this module only sets the layout, the series and
the window of each viewport, and reads them back for "save the current layout as a protocol".
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication

from viewer.hanging import CURRENT, SeriesRule, ViewportSpec, pick_series, series_orientation
from viewer.mpr import ReformatSeries
from viewer.presets import CT_PRESETS, CtPreset
from viewer.qt.viewer_widget import ViewerWidget
from viewer.qt.viewport import Viewport


def _preset(name: str) -> CtPreset | None:
    wanted = name.strip().lower()
    for preset in CT_PRESETS:
        shown = QCoreApplication.translate("CtPreset", preset.name).lower()
        if wanted in (preset.name.lower(), shown):
            return preset
    return None


def apply_specs(viewer: ViewerWidget, rows: int, columns: int, specs: Sequence[ViewportSpec]) -> int:
    """Lay the viewer out and fill its viewports; returns how many specs found their series.

    A spec without a matching series leaves its viewport to the viewer's own filling (never an
    empty pane while a series is unshown)."""
    viewer.set_layout(rows, columns)
    series = viewer.series()
    placed = 0
    shown: list[tuple[str, object]] = []
    for viewport, spec in zip(viewer.visible_viewports(), specs, strict=False):
        avoid = [s for window, s in shown if window == spec.window]
        chosen = pick_series(spec.series, series, avoid)
        if chosen is None:
            continue
        if viewport.series is not chosen:
            viewer.show_series(series.index(chosen), viewport)
        view = viewport.view
        assert view is not None
        preset = _preset(spec.window) if spec.window else None
        if preset is not None and chosen.modality == "CT" and not chosen.is_colour:
            view.apply_window(preset.window)
            viewport._window_touched = True  # the protocol's window stays when the slices arrive
        shown.append((spec.window, chosen))
        placed += 1
    if viewer.visible_viewports():
        viewer.visible_viewports()[0].activated.emit()
    return placed


def _window_name(viewport: Viewport) -> str:
    view = viewport.view
    if view is None:
        return ""
    window = view.state.window
    for preset in CT_PRESETS:
        if abs(window.center - preset.center) < 0.5 and abs(window.width - preset.width) < 0.5:
            return preset.name
    return ""


def current_specs(viewer: ViewerWidget, study: str = CURRENT) -> tuple[int, int, list[ViewportSpec]]:
    """The viewer's layout as protocol specs: each viewport's series (modality, its exact description,
    orientation) and its window when it is a named preset."""
    rows, columns = viewer._rows, viewer._columns  # the layout the viewer shows
    specs = []
    for viewport in viewer.viewports[: rows * columns]:
        series = viewport.series
        if series is None or isinstance(series, ReformatSeries):
            specs.append(ViewportSpec(study, SeriesRule()))
            continue
        description = f"^{re.escape(series.description)}$" if series.description else ""
        specs.append(ViewportSpec(study, SeriesRule(series.modality, description, series_orientation(series)),
                                  _window_name(viewport)))
    return rows, columns, specs
