"""AAPM TG18 display test patterns, drawn at the screen's own resolution as 8-bit P-values.

The patterns are for the visual checks of a diagnostic screen (AAPM On-line Report 03, TG18): they go
through the same GSDF calibration table as the images (:mod:`viewer.gsdf`) and are shown full screen,
one screen pixel per pattern pixel (a scaled pattern would blur the line pairs it tests).

* TG18-LN8-01 .. 18 (:func:`tg18_ln`): a uniform background at 20 % of the maximum and a central
  square of 10 % of the area at driving levels 0, 15, ..., 255: the 18 levels a photometer reads
  for the luminance response (the calibration's equal-JND check uses the same levels).
* TG18-QC (:func:`tg18_qc`): the elements of the TG18-QC pattern as QA software manuals describe
  them, laid out for the screen's size: 16 grey cells in equal steps with a ±4-level patch in each
  cell's corner, a 0 % square holding a 5 % patch and a 100 % square holding a 95 % patch, a
  continuous 0-255 ramp, a white and black grid, one-pixel and two-pixel line pairs at full contrast
  and at 128/130 in the centre and the four corners, and low-contrast squares stepping 1..8 levels
  above black, mid-grey and white (in place of the « QUALITY CONTROL » letters).

Qt-free: the Qt window is :mod:`viewer.qt.tg18_window`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

LN_COUNT = 18
LN_BACKGROUND = round(0.2 * 255)


@dataclass(frozen=True, slots=True)
class Pattern:
    """A test pattern: its name (« TG18-LN8-07 ») and the P-values, (height, width) uint8."""

    name: str
    pixels: np.ndarray


def ln_level(number: int) -> int:
    """Driving level of the central square of TG18-LN8-``number`` (1..18): 0, 15, ..., 255."""
    if not 1 <= number <= LN_COUNT:
        raise ValueError(f"TG18-LN patterns are numbered 1..{LN_COUNT}, got {number}")
    return round((number - 1) * 255 / (LN_COUNT - 1))


def tg18_ln(number: int, width: int, height: int) -> Pattern:
    """TG18-LN8-``number``: background at 20 %, a central square of 10 % of the area at its level."""
    _check_size(width, height)
    pixels = np.full((height, width), LN_BACKGROUND, dtype=np.uint8)
    side = round(math.sqrt(0.1 * width * height))
    side = min(side, width, height)
    top, left = (height - side) // 2, (width - side) // 2
    pixels[top : top + side, left : left + side] = ln_level(number)
    return Pattern(f"TG18-LN8-{number:02d}", pixels)


def _check_size(width: int, height: int) -> None:
    if width < 512 or height < 512 or width > 16384 or height > 16384:
        raise ValueError(f"pattern size {width}x{height} outside 512..16384")


def _line_pairs(pixels: np.ndarray, top: int, left: int, size: int, low: int, high: int) -> None:
    """A block of four line-pair patches: 1-pixel and 2-pixel periods, vertical and horizontal."""
    half = size // 2
    rows = np.arange(half)
    cols = np.arange(half)
    for k, (period, vertical) in enumerate(((1, True), (1, False), (2, True), (2, False))):
        y0, x0 = top + (k // 2) * half, left + (k % 2) * half
        index = cols[None, :] if vertical else rows[:, None]
        stripes = np.where((index // period) % 2 == 0, high, low).astype(np.uint8)
        pixels[y0 : y0 + half, x0 : x0 + half] = np.broadcast_to(stripes, (half, half))


def tg18_qc(width: int, height: int) -> Pattern:
    """The TG18-QC elements laid out on a ``width`` x ``height`` screen (see the module docstring)."""
    _check_size(width, height)
    pixels = np.full((height, width), 128, dtype=np.uint8)
    unit = min(width, height) / 1024  # the reference pattern is 1024 x 1024
    # the grid: white lines every 1/10 of the shorter side, black lines halfway between them
    step = max(8, round(102 * unit))
    pixels[::step, :] = 255
    pixels[:, ::step] = 255
    pixels[step // 2 :: step, :] = 0
    pixels[:, step // 2 :: step] = 0
    pixels[-1, :] = 255
    pixels[:, -1] = 255
    cx, cy = width // 2, height // 2
    # 16 grey cells, 0..255 in equal steps, around the centre (4 x 4), a ±4 patch in each corner
    cell = max(16, round(90 * unit))
    corner = max(4, cell // 5)
    grid_top, grid_left = cy - 2 * cell, cx - 2 * cell
    for k in range(16):
        level = round(k * 255 / 15)
        y0, x0 = grid_top + (k // 4) * cell, grid_left + (k % 4) * cell
        pixels[y0 : y0 + cell, x0 : x0 + cell] = level
        near = min(255, level + 4) if level < 128 else max(0, level - 4)
        pixels[y0 : y0 + corner, x0 : x0 + corner] = near
        pixels[y0 + cell - corner : y0 + cell, x0 + cell - corner : x0 + cell] = near
    # 0 % with 5 % inside, 100 % with 95 % inside, left and right of the cells
    box = max(16, round(120 * unit))
    inner = box // 2
    for x0, outer, inside in (
        (grid_left - box - cell // 2, 0, round(0.05 * 255)),
        (grid_left + 4 * cell + cell // 2, 255, round(0.95 * 255)),
    ):
        y0 = cy - box // 2
        pixels[y0 : y0 + box, x0 : x0 + box] = outer
        a, b = (box - inner) // 2, (box + inner) // 2
        pixels[y0 + a : y0 + b, x0 + a : x0 + b] = inside
    # the continuous ramp under the cells
    ramp_top = grid_top + 4 * cell + cell // 3
    ramp_height = max(8, round(40 * unit))
    ramp_left, ramp_width = grid_left - cell, 6 * cell
    pixels[ramp_top : ramp_top + ramp_height, ramp_left : ramp_left + ramp_width] = (
        np.linspace(0, 255, ramp_width).round().astype(np.uint8)[None, :]
    )
    # line pairs: full contrast and 128/130, in the centre (above the cells) and the four corners
    lp = max(16, round(64 * unit) // 2 * 2)
    margin = step + 2
    places = [
        (grid_top - lp - cell // 3, cx - lp - 2),
        (margin, margin),
        (margin, width - margin - 2 * lp - 4),
        (height - margin - lp, margin),
        (height - margin - lp, width - margin - 2 * lp - 4),
    ]
    for top, left in places:
        _line_pairs(pixels, top, left, lp, 0, 255)
        _line_pairs(pixels, top, left + lp + 4, lp, 128, 130)
    # low-contrast squares: 1..8 levels above black, above mid-grey and below white
    square = max(6, round(24 * unit))
    row_top = ramp_top + ramp_height + cell // 3
    for row, (base, sign) in enumerate(((0, 1), (128, 1), (255, -1))):
        y0 = row_top + row * (square + square // 2)
        x_start = cx - 4 * (square + square // 2)
        pad = square // 4
        pixels[y0 - pad : y0 + square + pad, x_start - 2 * pad : x_start + 8 * (square + square // 2)] = base
        for k in range(8):
            x0 = x_start + k * (square + square // 2)
            pixels[y0 : y0 + square, x0 : x0 + square] = base + sign * (k + 1)
    return Pattern("TG18-QC", pixels)


NAMES = ("TG18-QC", *(f"TG18-LN8-{number:02d}" for number in range(1, LN_COUNT + 1)))


def make_pattern(name: str, width: int, height: int) -> Pattern:
    """The pattern called ``name`` (one of :data:`NAMES`) for a ``width`` x ``height`` screen."""
    if name == "TG18-QC":
        return tg18_qc(width, height)
    if name.startswith("TG18-LN8-") and name[9:].isdigit():
        return tg18_ln(int(name[9:]), width, height)
    raise ValueError(f"unknown test pattern {name!r}")
