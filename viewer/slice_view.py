"""The state of one 2D view of a series, without Qt: which slice, window/level, zoom and pan, polarity,
rotation and flips, and the rendering of the current slice to an 8-bit image.

A Qt widget only forwards mouse and keys here and paints :meth:`SliceView.image`; everything that decides
what the radiologist sees is testable without a display. Orientation is kept as an element of the
dihedral group (``rotation`` quarter turns clockwise, then an optional horizontal flip), so any sequence
of rotations and flips composes exactly and the display <-> image coordinate mapping stays exact.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from resources.events import Listeners
from viewer.presets import auto_window
from viewer.stack import DisplayableStack
from viewer.windowing import (
    Rendering,
    VoiFunction,
    WindowLevel,
    argb32,
    default_window,
    display_table,
    lookup,
    render,
)

ZOOM_MIN, ZOOM_MAX = 0.05, 40.0


@dataclass(frozen=True, slots=True)
class ViewState:
    index: int
    window: WindowLevel
    use_voi_lut: bool = False
    invert: bool = False  # the user's inversion, on top of what the header says
    zoom: float = 1.0  # display pixels per image pixel
    pan: tuple[float, float] = (0.0, 0.0)  # display pixels, image centre from viewport centre
    rotation: int = 0  # quarter turns clockwise, applied first
    flipped: bool = False  # horizontal flip, applied after the rotation


class SliceView:
    """Mutable view model; listeners are called with the new state after every change."""

    def __init__(self, series: DisplayableStack, calibration: np.ndarray | None = None) -> None:
        self.series = series
        self.calibration = calibration
        index = series.shape[0] // 2
        self._state = ViewState(index=index, window=self.header_window(index))
        self._listeners: Listeners[ViewState] = Listeners("slice view")
        self._luts: dict[tuple[object, ...], np.ndarray] = {}

    # --- state -------------------------------------------------------------------------------------
    @property
    def state(self) -> ViewState:
        return self._state

    def subscribe(self, listener: Callable[[ViewState], None]) -> Callable[[], None]:
        return self._listeners.subscribe(listener)

    def _set(self, **changes: object) -> None:
        new = replace(self._state, **changes)  # type: ignore[arg-type]
        if new != self._state:
            self._state = new
            self._listeners.emit(new)

    # --- slice -------------------------------------------------------------------------------------
    def set_index(self, index: int) -> None:
        self._set(index=int(np.clip(index, 0, self.series.shape[0] - 1)))

    def scroll(self, steps: int) -> None:
        self.set_index(self._state.index + steps)

    # --- window / level ----------------------------------------------------------------------------
    def header_window(self, index: int, preset: int = 0) -> WindowLevel:
        """A window of the header (``preset``-th), else one spanning the values of the series."""
        windows = self.series.windows(index)
        chosen = windows[preset:preset + 1] if preset < len(windows) else ()
        return default_window(chosen, self.series.voi_function(index), self.series.rescaled_range())

    def set_window(self, center: float, width: float) -> None:
        function = self._state.window.function
        minimum = 1.0 if function is VoiFunction.LINEAR else 1e-3
        self._set(window=WindowLevel(center, max(width, minimum), function), use_voi_lut=False)

    def drag_window(self, dx: float, dy: float, sensitivity: float | None = None) -> None:
        """Mouse drag: right widens, down raises the level (the usual radiology convention). The step
        scales with the width so that both a 1-unit MR and a 4000-HU CT window feel the same."""
        window = self._state.window
        step = sensitivity if sensitivity is not None else max(window.width / 256.0, 0.01)
        self.set_window(window.center + dy * step, window.width + dx * step)

    def use_preset(self, preset: int) -> None:
        self._set(window=self.header_window(self._state.index, preset), use_voi_lut=False)

    def use_voi_lut(self, enabled: bool = True) -> None:
        self._set(use_voi_lut=enabled and bool(self.series.voi_luts(self._state.index)))

    def toggle_invert(self) -> None:
        self._set(invert=not self._state.invert)

    # --- geometry of the display -------------------------------------------------------------------
    def zoom_by(self, factor: float, anchor: tuple[float, float] = (0.0, 0.0)) -> None:
        """Zoom keeping the point under ``anchor`` (display pixels from the viewport centre) still."""
        state = self._state
        zoom = float(np.clip(state.zoom * factor, ZOOM_MIN, ZOOM_MAX))
        ratio = zoom / state.zoom
        pan = (anchor[0] - (anchor[0] - state.pan[0]) * ratio, anchor[1] - (anchor[1] - state.pan[1]) * ratio)
        self._set(zoom=zoom, pan=pan)

    def pan_by(self, dx: float, dy: float) -> None:
        self._set(pan=(self._state.pan[0] + dx, self._state.pan[1] + dy))

    def rotate(self, clockwise: bool = True) -> None:
        turn = 1 if clockwise else -1
        # R o (F^f o R^k) = F^f o R^(k -/+ 1): rotating a flipped image turns its rotation the other way
        step = -turn if self._state.flipped else turn
        self._set(rotation=(self._state.rotation + step) % 4)

    def flip_horizontal(self) -> None:
        self._set(flipped=not self._state.flipped)

    def flip_vertical(self) -> None:
        # a vertical flip is a horizontal flip followed by a half turn
        self._set(flipped=not self._state.flipped, rotation=(self._state.rotation + 2) % 4)

    def reset(self) -> None:
        self._set(zoom=1.0, pan=(0.0, 0.0), rotation=0, flipped=False, invert=False,
                  window=self.header_window(self._state.index), use_voi_lut=False)

    def pixel_aspect(self) -> tuple[float, float]:
        """(horizontal, vertical) size of a stored pixel in display units: 1 along the finer spacing.

        Rectangular pixels (radiographs, topograms, some MR) are drawn with their true proportions;
        a display unit is one pixel of the finer axis, so ``zoom`` 1 is the usual "1:1"."""
        spacing = self.series.spacing
        if spacing.row_mm <= 0 or spacing.column_mm <= 0:
            return 1.0, 1.0
        finest = min(spacing.row_mm, spacing.column_mm)
        return spacing.column_mm / finest, spacing.row_mm / finest

    def displayed_extent(self) -> tuple[float, float]:
        """(width, height) of the slice once rotated, in display units at zoom 1."""
        rows, columns = self.series.shape[1:3]
        sx, sy = self.pixel_aspect()
        width, height = columns * sx, rows * sy
        return (height, width) if self._state.rotation % 2 else (width, height)

    def fit(self, viewport: tuple[int, int]) -> None:
        width, height = self.displayed_extent()
        self._set(zoom=min(viewport[0] / width, viewport[1] / height), pan=(0.0, 0.0))

    def one_to_one(self) -> None:
        """One pixel of the screen per pixel of the image (along its finer axis), centred."""
        self._set(zoom=1.0, pan=(0.0, 0.0))

    # Mapping in continuous coordinates: the centre of pixel (column, row) is at (column + 0.5, row + 0.5)
    # times the pixel aspect; a clockwise quarter turn of a (w, h) picture maps (x, y) to (h - y, x).
    def display_to_image(self, x: float, y: float, viewport: tuple[int, int]) -> tuple[float, float]:
        """Display point (pixels, origin top-left of the viewport) to (column, row) of the stored slice."""
        state = self._state
        width, height = self.displayed_extent()
        u = (x - viewport[0] / 2 - state.pan[0]) / state.zoom + width / 2
        v = (y - viewport[1] / 2 - state.pan[1]) / state.zoom + height / 2
        if state.flipped:
            u = width - u
        for _ in range(state.rotation):  # undo clockwise quarter turns
            u, v = v, width - u
            width, height = height, width
        sx, sy = self.pixel_aspect()
        return u / sx - 0.5, v / sy - 0.5

    def image_to_display(self, column: float, row: float, viewport: tuple[int, int]) -> tuple[float, float]:
        state = self._state
        rows, columns = self.series.shape[1:3]
        sx, sy = self.pixel_aspect()
        u, v = (column + 0.5) * sx, (row + 0.5) * sy
        width, height = columns * sx, rows * sy
        for _ in range(state.rotation):
            u, v = height - v, u
            width, height = height, width
        if state.flipped:
            u = width - u
        return ((u - width / 2) * state.zoom + viewport[0] / 2 + state.pan[0],
                (v - height / 2) * state.zoom + viewport[1] / 2 + state.pan[1])

    def display_rect(self, viewport: tuple[int, int]) -> tuple[float, float, float, float]:
        """(left, top, width, height) in display pixels where :meth:`image` is drawn."""
        width, height = self.displayed_extent()
        zoom = self._state.zoom
        left = viewport[0] / 2 + self._state.pan[0] - width * zoom / 2
        top = viewport[1] / 2 + self._state.pan[1] - height * zoom / 2
        return left, top, width * zoom, height * zoom

    def screen_direction(self, dx: float, dy: float) -> tuple[float, float]:
        """Image (column, row) step of a display step (dx, dy): what the orientation letters need."""
        a = self.display_to_image(0.0, 0.0, (0, 0))
        b = self.display_to_image(dx, dy, (0, 0))
        return b[0] - a[0], b[1] - a[1]

    # --- windows by name ---------------------------------------------------------------------------
    def apply_window(self, window: WindowLevel) -> None:
        self._set(window=window, use_voi_lut=False)

    def auto_window(self) -> None:
        """Key 0: a window over the central histogram of the current slice (once it is loaded)."""
        index = self._state.index
        if self.series.is_colour or not self.series.is_loaded(index):
            return
        self.apply_window(auto_window(self.series.rescaled_slice(index)))

    # --- rendering ---------------------------------------------------------------------------------
    def _table(self, rendering: Rendering, dtype: np.dtype, wide: bool) -> np.ndarray | None:
        """The display table of a rendering (:func:`~viewer.windowing.display_table`; ``wide``: as
        RGB32 pixels), kept while it does not change: scrolling a series with one rescale reuses it."""
        key = (rendering.slope, rendering.intercept, rendering.voi, rendering.invert,
               id(rendering.calibration), np.dtype(dtype).str, wide)
        table = self._luts.get(key)
        if table is None:
            table = display_table(rendering, dtype)
            if table is None:
                return None
            if wide:
                table = argb32(table)
            if len(self._luts) >= 4:
                self._luts.pop(next(iter(self._luts)))
            self._luts[key] = table
        return table

    def rendering(self, index: int | None = None) -> Rendering:
        index = self._state.index if index is None else index
        luts = self.series.voi_luts(index)
        voi = luts[0] if self._state.use_voi_lut and luts else self._state.window
        slope, intercept = self.series.rescale(index)
        invert = self.series.inverted_by_header(index) != self._state.invert
        return Rendering(slope, intercept, voi, invert, self.calibration)

    def _oriented(self, pixels: np.ndarray) -> np.ndarray:
        """A view of ``pixels`` turned and flipped as displayed (no copy)."""
        pixels = np.rot90(pixels, -self._state.rotation)
        return pixels[:, ::-1] if self._state.flipped else pixels

    def image(self) -> np.ndarray | None:
        """The current slice as displayed (uint8, rotated and flipped, not zoomed), or None while the
        slice is not loaded yet. Grey: (rows, columns); colour: (rows, columns, 3)."""
        return self._displayed(wide=False)

    def display_image(self) -> np.ndarray | None:
        """What the viewport paints: :meth:`image`, except grey as opaque RGB32 pixels (uint32
        0xFFgggggg, (rows, columns)) that Qt draws without converting them. One table lookup from the
        stored slice, turned as a view first: the only pass over the pixels."""
        return self._displayed(wide=True)

    def _displayed(self, wide: bool) -> np.ndarray | None:
        index = self._state.index
        if not self.series.is_loaded(index):
            return None
        stored = self.series.volume[index]
        if self.series.is_colour:
            pixels = 255 - stored if self._state.invert else stored
            if pixels.dtype != np.uint8:
                pixels = (pixels >> 8).astype(np.uint8)
            return np.ascontiguousarray(self._oriented(pixels))
        rendering = self.rendering(index)
        table = self._table(rendering, stored.dtype, wide)
        if table is not None:
            return lookup(self._oriented(stored), table)
        levels = np.ascontiguousarray(self._oriented(render(stored, rendering)))  # 32-bit data, per pixel
        return argb32(levels) if wide else levels
