"""DICOM Grayscale Standard Display Function (PS3.14): the calibration hook of the display pipeline.

A display is GSDF-calibrated when equal steps of P-value give equal numbers of just-noticeable
differences (JND) of luminance. Given the luminance a photometer measured for each driving level of a
screen, :func:`calibration_lut` returns the table P-value -> driving level that
:class:`viewer.windowing.Rendering` applies last. Without measurements the pipeline stays identity:
it is honest to say a screen is uncalibrated rather than to pretend.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# PS3.14 section 7.1, equation (1): luminance (cd/m2) of JND index j, 1 <= j <= 1023
_A, _B, _C, _D, _E = -1.3011877, -2.5840191e-2, 8.0242636e-2, -1.0320229e-1, 1.3646699e-1
_F, _G, _H, _K, _M = 2.8745620e-2, -2.5468404e-2, -3.1978977e-3, 1.2992634e-4, 1.3635334e-3
# PS3.14 section 7.1, equation (2): JND index of a luminance, 0.05 <= L <= 3993.4 cd/m2
_J = (
    71.498068, 94.593053, 41.912053, 9.8247004, 0.28175407, -1.1878455, -0.18014349, 0.14710899, -0.017046845,
)

JND_MIN, JND_MAX = 1, 1023
LUMINANCE_MIN, LUMINANCE_MAX = 0.05, 3993.4


def luminance(j: np.ndarray | float) -> np.ndarray:
    """L(j) of the GSDF in cd/m2."""
    x = np.log(np.asarray(j, dtype=np.float64))
    num = _A + _C * x + _E * x**2 + _G * x**3 + _M * x**4
    den = 1.0 + _B * x + _D * x**2 + _F * x**3 + _H * x**4 + _K * x**5
    return np.power(10.0, num / den)


def jnd_index(lum: np.ndarray | float) -> np.ndarray:
    """j(L) of the GSDF: the JND index of a luminance in cd/m2."""
    x = np.log10(np.asarray(lum, dtype=np.float64))
    return np.asarray(sum(coef * x**power for power, coef in enumerate(_J)), dtype=np.float64)


def resample_levels(measured: Sequence[float] | np.ndarray, output_levels: int) -> np.ndarray:
    """Luminance of each of ``output_levels`` driving levels, from readings over another bit depth.

    A 10-bit screen measured at 1,024 levels but fed an 8-bit image shows 8-bit level k at 10-bit level
    k * 1023 / 255 (bit replication); the luminance there is interpolated linearly in log luminance
    between the two nearest readings (a photometric curve is smooth in that space).
    """
    levels = np.asarray(measured, dtype=np.float64)
    if len(levels) == output_levels:
        return levels
    positions = np.linspace(0.0, len(levels) - 1, output_levels)
    return np.exp(np.interp(positions, np.arange(len(levels)), np.log(levels)))


def calibration_lut(
    measured: Sequence[float] | np.ndarray,
    ambient: float = 0.0,
    p_levels: int = 256,
    output_levels: int = 256,
) -> np.ndarray:
    """P-value -> driving level table making the display follow the GSDF between its own extremes.

    ``measured``: luminance in cd/m2 of each driving level of the screen (index = level), increasing,
    at any bit depth; ``ambient``: luminance reflected by the screen, added to every level as PS3.14
    requires; ``output_levels``: the driving levels the image reaches the screen with (256 for the
    8-bit images the viewer draws), so a 10-bit set of readings never yields a level the image
    cannot hold.
    """
    raw = np.asarray(measured, dtype=np.float64)
    if len(raw) < 2 or not np.all(np.isfinite(raw)) or np.any(np.diff(raw) <= 0):
        raise ValueError("measured luminances must increase strictly with the driving level")
    if output_levels < 2 or output_levels > 65536:
        raise ValueError(f"output_levels must lie in 2..65536, got {output_levels}")
    levels = resample_levels(raw, output_levels) + ambient
    if levels[0] < LUMINANCE_MIN or levels[-1] > LUMINANCE_MAX:
        raise ValueError(f"luminances must lie within the GSDF range {LUMINANCE_MIN}-{LUMINANCE_MAX} cd/m2")
    # equal JND steps between the display's own extremes; the nearest measured level to each target,
    # in JND (perceptual) distance, computed in JND space so that the end points map exactly
    jnds = jnd_index(levels)
    target_jnds = np.linspace(jnds[0], jnds[-1], p_levels)
    nearest = np.abs(jnds[None, :] - target_jnds[:, None]).argmin(axis=1)
    dtype = np.uint8 if output_levels <= 256 else np.uint16
    return nearest.astype(dtype)
