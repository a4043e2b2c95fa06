"""Greyscale display pipeline of PS3.3 C.11: Modality LUT, VOI (window or LUT), polarity, display calibration.

The window functions are written exactly as PS3.3 C.11.2.1.2.1 (LINEAR) and C.11.2.1.3 (LINEAR_EXACT,
SIGMOID) state them, including the edges: LINEAR's ``c - 0.5`` and ``w - 1`` make a width of 1 a
threshold at ``c - 0.5``. The whole chain for one slice is folded into a single uint8 lookup table
indexed by the stored value, so redrawing after a window change costs one table lookup per pixel and
never a float copy of the image (let alone of the series).

Output: 8-bit P-values (PS3.14 perceptual units), passed through an optional calibration table that
maps P-values to the display's driving levels (see :mod:`viewer.gsdf`), identity by default: the
calibration is the last step of :meth:`Rendering.lut`, so every display table below includes it.

The display path (:func:`display_table`, :func:`lookup`): the table is indexed by the stored values'
raw bits (an int16 slice is read through its uint16 view, the table rotated by half its length once),
so a frame is one ``np.take`` from the stored slice, as it lies or rotated as a view, straight into
the output: no float copy, no offset copy. :func:`argb32` widens a table to opaque grey 0xFFgggggg,
what ``QImage.Format_RGB32`` holds: Qt then paints the frame without converting it (a Grayscale8
image is converted at every paint, 4x the cost of the lookup at 512², bench viewer).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

import numpy as np

from viewer.headers import VoiLut, Window


class VoiFunction(Enum):
    LINEAR = "LINEAR"
    LINEAR_EXACT = "LINEAR_EXACT"
    SIGMOID = "SIGMOID"

    @classmethod
    def from_header(cls, value: str) -> VoiFunction:
        """Unknown or absent VOI LUT Function means LINEAR (PS3.3 C.11.2.1.3)."""
        try:
            return cls(value.strip().upper())
        except ValueError:
            return cls.LINEAR


@dataclass(frozen=True, slots=True)
class WindowLevel:
    """A window in Modality LUT units (HU for CT)."""

    center: float
    width: float
    function: VoiFunction = VoiFunction.LINEAR

    def __post_init__(self) -> None:
        minimum = 1.0 if self.function is VoiFunction.LINEAR else 0.0
        if not self.width >= minimum or (self.function is not VoiFunction.LINEAR and self.width == 0):
            raise ValueError(f"window width {self.width} is not valid for {self.function.value}")

    @classmethod
    def from_header(cls, window: Window, function: str = "LINEAR") -> WindowLevel:
        chosen = VoiFunction.from_header(function)
        width = max(window.width, 1.0) if chosen is VoiFunction.LINEAR else window.width
        return cls(window.center, width, chosen)

    def describe(self) -> str:
        return f"C {self.center:g} / L {self.width:g}"


def apply_window(
    x: np.ndarray | float, window: WindowLevel, y_min: float = 0.0, y_max: float = 255.0
) -> np.ndarray:
    """The VOI window function of PS3.3 on values ``x`` (Modality LUT output), as float64."""
    x = np.asarray(x, dtype=np.float64)
    c, w = window.center, window.width
    span = y_max - y_min
    if window.function is VoiFunction.SIGMOID:
        return span / (1.0 + np.exp(-4.0 * (x - c) / w)) + y_min
    if window.function is VoiFunction.LINEAR_EXACT:
        low, high = c - w / 2.0, c + w / 2.0
        inside = ((x - c) / w + 0.5) * span + y_min
    else:
        low, high = c - 0.5 - (w - 1.0) / 2.0, c - 0.5 + (w - 1.0) / 2.0
        # for w == 1 the ramp is empty (low == high) and never selected; avoid dividing by zero
        inside = ((x - (c - 0.5)) / max(w - 1.0, 1e-300) + 0.5) * span + y_min
    return np.where(x <= low, y_min, np.where(x > high, y_max, inside))


def apply_voi_lut(x: np.ndarray | float, lut: VoiLut) -> np.ndarray:
    """VOI LUT Sequence (PS3.3 C.11.2.1.1): inputs below the first mapped value take the first entry,
    above the last take the last. Returns the LUT output values (0 .. 2**bits - 1)."""
    x = np.asarray(x, dtype=np.float64)
    table = np.asarray(lut.data, dtype=np.float64)
    index = np.clip(np.floor(x) - lut.first_mapped, 0, len(table) - 1).astype(np.intp)
    return table[index]


@dataclass(frozen=True, slots=True)
class Rendering:
    """Everything that turns stored values of one slice into P-values."""

    slope: float
    intercept: float
    voi: WindowLevel | VoiLut
    invert: bool = False  # MONOCHROME1 / INVERSE shape XOR the user's inversion
    calibration: np.ndarray | None = None  # 256 uint8: P-value -> driving level (GSDF), None = identity

    def p_values(self, stored: np.ndarray) -> np.ndarray:
        """Float P-values in [0, 1] for stored values (any shape)."""
        values = np.asarray(stored, dtype=np.float64) * self.slope + self.intercept
        if isinstance(self.voi, VoiLut):
            y = apply_voi_lut(values, self.voi) / float((1 << self.voi.bits) - 1)
            y = np.clip(y, 0.0, 1.0)
        else:
            y = apply_window(values, self.voi, 0.0, 1.0)
        return 1.0 - y if self.invert else y

    def lut(self, low: int, high: int) -> np.ndarray:
        """uint8 display table for stored values ``low .. high`` (index = stored - low)."""
        window = self.voi
        if isinstance(window, WindowLevel) and window.function is VoiFunction.LINEAR and window.width > 1.0:
            # LINEAR as a clipped ramp: at ``c - 0.5 -/+ (w - 1) / 2`` the ramp is exactly 0 and 1, so
            # clipping equals the three-branch formula of C.11.2.1.2.1, at a third of the cost (this
            # table is rebuilt at every window/level drag step)
            values = np.arange(low, high + 1, dtype=np.float64)
            values *= self.slope
            values += self.intercept - (window.center - 0.5)
            values *= 1.0 / (window.width - 1.0)
            values += 0.5
            np.clip(values, 0.0, 1.0, out=values)
            if self.invert:
                np.subtract(1.0, values, out=values)
            values *= 255.0
            levels = np.rint(values, out=values).astype(np.uint8)
        else:
            levels = np.rint(self.p_values(np.arange(low, high + 1)) * 255.0).astype(np.uint8)
        if self.calibration is not None:
            levels = self.calibration[levels]
        return levels


def lut_range(dtype: np.dtype) -> tuple[int, int] | None:
    """The stored values a whole-type lookup table covers for :func:`render`, None for 32-bit data."""
    if dtype in (np.uint8, np.uint16, np.int16, np.int8):
        info = np.iinfo(dtype)
        return int(info.min), int(info.max)
    return None


_RAW_UNSIGNED = {np.dtype(np.int16): np.uint16, np.dtype(np.int8): np.uint8}


def raw_index(stored: np.ndarray) -> np.ndarray:
    """The stored values as table indices: their own bits, as the unsigned type of the same width (a
    view, never a copy; signed values land in the upper half of the table, see :func:`display_table`)."""
    unsigned = _RAW_UNSIGNED.get(stored.dtype)
    return stored.view(unsigned) if unsigned is not None else stored


def display_table(rendering: Rendering, dtype: np.dtype) -> np.ndarray | None:
    """The uint8 display table of a rendering for :func:`lookup` (indexed by :func:`raw_index`), None
    for 32-bit data (rendered per pixel)."""
    span = lut_range(np.dtype(dtype))
    if span is None:
        return None
    table = rendering.lut(*span)
    if span[0] < 0:  # signed: value v sits at index v mod 2**bits, i.e. the negative half comes last
        table = np.roll(table, span[0])
    return table


def argb32(levels: np.ndarray) -> np.ndarray:
    """uint8 grey levels (any shape) to opaque 0xFFgggggg uint32 pixels (QImage.Format_RGB32)."""
    return levels.astype(np.uint32) * np.uint32(0x010101) | np.uint32(0xFF000000)


def lookup(stored: np.ndarray, table: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``table`` applied to a slice (any strides: a rotated or flipped view is read as it lies), one
    pass into a contiguous result."""
    return np.take(table, raw_index(stored), out=out)


def render(stored: np.ndarray, rendering: Rendering, lut: np.ndarray | None = None) -> np.ndarray:
    """A stored-value slice to a uint8 image through one lookup table (or per pixel for 32-bit data).

    ``lut``: the table ``rendering.lut(*lut_range(stored.dtype))`` when the caller keeps it between
    frames (scrolling does not change it)."""
    if stored.dtype in (np.uint8, np.uint16):
        info = np.iinfo(stored.dtype)
        return (lut if lut is not None else rendering.lut(0, int(info.max)))[stored]
    if stored.dtype == np.int16:
        # offset binary: -32768..32767 becomes 0..65535 without a widening copy
        table = lut if lut is not None else rendering.lut(-32768, 32767)
        return table[stored.view(np.uint16) ^ np.uint16(0x8000)]
    if stored.dtype == np.int8:
        table = lut if lut is not None else rendering.lut(-128, 127)
        return table[stored.view(np.uint8) ^ np.uint8(0x80)]
    levels = np.rint(rendering.p_values(stored) * 255.0).astype(np.uint8)
    return rendering.calibration[levels] if rendering.calibration is not None else levels


def default_window(
    windows: Sequence[Window], function: str, value_range: tuple[float, float] | None
) -> WindowLevel:
    """The first header window, else one spanning the values present (what most viewers do)."""
    if windows:
        return WindowLevel.from_header(windows[0], function)
    low, high = value_range if value_range is not None else (0.0, 255.0)
    width = max(high - low + 1.0, 1.0)
    return WindowLevel(low + (width - 1.0) / 2.0 + 0.5, width)
