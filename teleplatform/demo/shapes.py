"""Analytic shapes painted one slice at a time, with one-pixel soft edges.

A slice is a :class:`Canvas` (patient coordinates of its columns and rows, in mm, and its z). A
shape gives, for that slice, its bounding box and a weight in [0, 1] from a signed distance to its
border (negative inside): the weight falls from 1 to 0 over one pixel, which stands in for the
partial-volume effect and keeps edges from looking drawn. Painting blends a value in with that
weight, so later shapes cover earlier ones as organs cover the fat around them.

Every computation is restricted to the shape's bounding box and vectorised with numpy: a slice of
a few dozen shapes costs milliseconds, which is what keeps the whole demo generation fast.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Window = tuple[slice, slice]
Box = tuple[float, float, float, float]  # xmin, xmax, ymin, ymax (mm)


class Canvas:
    """One image being painted: float32 values, columns along +x, rows along +y (both ascending)."""

    def __init__(self, x: np.ndarray, y: np.ndarray, z: float, background: float) -> None:
        self.x = np.asarray(x, dtype=np.float32)
        self.y = np.asarray(y, dtype=np.float32)
        self.z = float(z)
        self.step = float(abs(self.x[1] - self.x[0]))
        self.image = np.full((self.y.size, self.x.size), background, dtype=np.float32)

    def window(self, box: Box | None, margin: float = 2.0) -> Window | None:
        if box is None:
            return None
        xmin, xmax, ymin, ymax = box
        pad = margin * self.step
        c0, c1 = np.searchsorted(self.x, (xmin - pad, xmax + pad))
        r0, r1 = np.searchsorted(self.y, (ymin - pad, ymax + pad))
        if c1 <= c0 or r1 <= r0:
            return None
        return slice(int(r0), int(r1)), slice(int(c0), int(c1))

    def coords(self, window: Window) -> tuple[np.ndarray, np.ndarray]:
        """x as a row vector and y as a column vector of the window, for broadcasting."""
        rows, cols = window
        return self.x[cols][None, :], self.y[rows][:, None]

    def soft(self, distance: np.ndarray) -> np.ndarray:
        """Weight from a signed distance in mm (negative inside)."""
        return np.clip(0.5 - distance / self.step, 0.0, 1.0)

    def paint(self, window: Window | None, weight: np.ndarray | float, value: np.ndarray | float) -> None:
        if window is None:
            return
        region = self.image[window]
        region += weight * (value - region)

    def fill(self, shape: Shape, value: np.ndarray | float) -> None:
        """Paint a shape with a value (a scalar, or an array the size of the whole canvas)."""
        window = self.window(shape.box(self.z))
        if window is None:
            return
        weight = shape.weight(self, window)
        if weight is None:
            return
        self.paint(window, weight, value[window] if isinstance(value, np.ndarray) else value)


class Shape:
    def box(self, z: float) -> Box | None:
        raise NotImplementedError

    def distance(self, canvas: Canvas, window: Window) -> np.ndarray | None:
        """Signed distance (mm) of the window's pixels to the border at canvas.z; None if absent."""
        raise NotImplementedError

    def weight(self, canvas: Canvas, window: Window) -> np.ndarray | None:
        distance = self.distance(canvas, window)
        return None if distance is None else canvas.soft(distance)


def _radial_distance(u: np.ndarray, v: np.ndarray, q: np.ndarray, smallest: float) -> np.ndarray:
    """Signed distance along the ray from the centre, for a norm q homogeneous of degree 1 in (u, v).

    The border point on the ray through (u, v) is (u, v) / q, so the distance is r (q - 1) / q.
    Close enough to the normal distance for the moderate eccentricities used here."""
    r = np.sqrt(u * u + v * v)
    border = np.where(q > 1e-6, r / np.maximum(q, 1e-6), smallest)
    return border * (q - 1.0)


@dataclass(frozen=True, slots=True)
class Ellipse(Shape):
    """An ellipsoid (c > 0) or an elliptic cylinder between z0 and z1 (c == 0), turned by `angle`
    degrees about z. Cross-sections shrink as sqrt(1 - ((z - cz) / c)^2)."""

    cx: float
    cy: float
    cz: float
    a: float
    b: float
    c: float = 0.0
    angle: float = 0.0
    z0: float = -math.inf
    z1: float = math.inf
    exponent: float = 2.0  # > 2 gives a squarer superellipse (a body outline lying on a table)

    def _scale(self, z: float) -> float:
        if not self.z0 <= z <= self.z1:
            return 0.0
        if self.c <= 0:
            return 1.0
        t = (z - self.cz) / self.c
        return math.sqrt(1.0 - t * t) if abs(t) < 1.0 else 0.0

    def box(self, z: float) -> Box | None:
        k = self._scale(z)
        if k <= 0:
            return None
        a, b = self.a * k, self.b * k
        theta = math.radians(self.angle)
        cos, sin = abs(math.cos(theta)), abs(math.sin(theta))
        hx, hy = a * cos + b * sin, a * sin + b * cos
        return self.cx - hx, self.cx + hx, self.cy - hy, self.cy + hy

    def distance(self, canvas: Canvas, window: Window) -> np.ndarray | None:
        k = self._scale(canvas.z)
        if k <= 0:
            return None
        x, y = canvas.coords(window)
        dx, dy = x - self.cx, y - self.cy
        if self.angle:
            theta = math.radians(self.angle)
            cos, sin = math.cos(theta), math.sin(theta)
            u, v = dx * cos + dy * sin, dy * cos - dx * sin
        else:
            u, v = dx + 0 * dy, dy + 0 * dx
        a, b = self.a * k, self.b * k
        if self.exponent == 2.0:
            q = np.sqrt((u / a) ** 2 + (v / b) ** 2)
        else:
            n = self.exponent
            q = (np.abs(u / a) ** n + np.abs(v / b) ** n) ** (1.0 / n)
        return _radial_distance(u, v, q, min(a, b))


@dataclass(frozen=True, slots=True)
class Tube(Shape):
    """A tube of varying radius along a 3D polyline (vessels, bronchi, ribs, bowel)."""

    points: np.ndarray  # (n, 3) mm
    radii: np.ndarray  # (n,) mm

    @staticmethod
    def of(points: Sequence[Sequence[float]], radii: float | Sequence[float]) -> Tube:
        array = np.asarray(points, dtype=np.float64)
        radius = np.broadcast_to(np.asarray(radii, dtype=np.float64), (array.shape[0],)).copy()
        return Tube(array, radius)

    def _segments(self, z: float) -> list[int]:
        p, r = self.points, self.radii
        lo = np.minimum(p[:-1, 2] - r[:-1], p[1:, 2] - r[1:])
        hi = np.maximum(p[:-1, 2] + r[:-1], p[1:, 2] + r[1:])
        return [int(i) for i in np.nonzero((lo <= z) & (z <= hi))[0]]

    def box(self, z: float) -> Box | None:
        segments = self._segments(z)
        if not segments:
            return None
        index = np.array(segments)
        ends = np.concatenate([self.points[index], self.points[index + 1]])
        radius = float(max(self.radii[index].max(), self.radii[index + 1].max()))
        return (
            float(ends[:, 0].min()) - radius,
            float(ends[:, 0].max()) + radius,
            float(ends[:, 1].min()) - radius,
            float(ends[:, 1].max()) + radius,
        )

    def distance(self, canvas: Canvas, window: Window) -> np.ndarray | None:
        segments = self._segments(canvas.z)
        if not segments:
            return None
        best: np.ndarray | None = None
        for i in segments:
            d = segment_distance(
                canvas, window, self.points[i], self.points[i + 1], self.radii[i], self.radii[i + 1]
            )
            best = d if best is None else np.minimum(best, d)
        return best


def segment_distance(
    canvas: Canvas, window: Window, a: np.ndarray, b: np.ndarray, radius_a: float, radius_b: float
) -> np.ndarray:
    """Signed distance to a cone frustum around the 3D segment ab, at the canvas' z."""
    x, y = canvas.coords(window)
    ab = b - a
    length2 = float(ab @ ab) or 1e-9
    px, py, pz = x - a[0], y - a[1], canvas.z - a[2]
    t = np.clip((px * ab[0] + py * ab[1] + pz * ab[2]) / length2, 0.0, 1.0)
    dx, dy, dz = px - t * ab[0], py - t * ab[1], pz - t * ab[2]
    return np.sqrt(dx * dx + dy * dy + dz * dz) - (radius_a + t * (radius_b - radius_a))


def _smooth_taps(
    positions: np.ndarray, origin: float, cell: float, count: int
) -> tuple[np.ndarray, np.ndarray]:
    """Lattice index below each position and its C1-smooth (smoothstep) interpolation weight."""
    f = np.clip((positions - origin) / cell, 0, count - 1.000001)
    k = np.floor(f).astype(np.intp)
    t = f - k
    return k, (t * t * (3 - 2 * t)).astype(np.float32)


class SmoothNoise:
    """Band-limited 3D noise (unit variance lattice, interpolated): textures, gyri, bowel content.

    The lattice is drawn once from the given generator, so a slice depends only on its z.
    Interpolation is two-tap and separable (gathers, not matrix products: no BLAS threads)."""

    def __init__(
        self, rng: np.random.Generator, box: tuple[float, float, float, float, float, float], cell: float
    ) -> None:
        x0, x1, y0, y1, z0, z1 = box
        self.origin = (x0 - cell, y0 - cell, z0 - cell)
        self.cell = cell
        self.shape = tuple(math.ceil((hi - lo) / cell) + 3 for lo, hi in ((z0, z1), (y0, y1), (x0, x1)))
        self.lattice = rng.standard_normal(self.shape).astype(np.float32)

    def sample(self, canvas: Canvas, window: Window | None = None) -> np.ndarray:
        rows, cols = window or (slice(0, canvas.y.size), slice(0, canvas.x.size))
        nz, ny, nx = self.shape
        ky, ty = _smooth_taps(canvas.y[rows], self.origin[1], self.cell, ny)
        kx, tx = _smooth_taps(canvas.x[cols], self.origin[0], self.cell, nx)
        (kz,), (tz,) = _smooth_taps(np.array([canvas.z]), self.origin[2], self.cell, nz)
        layer = (1 - tz) * self.lattice[kz] + tz * self.lattice[kz + 1]
        along_y = layer[ky] * (1 - ty)[:, None] + layer[ky + 1] * ty[:, None]
        return along_y[:, kx] * (1 - tx) + along_y[:, kx + 1] * tx


def correlated_noise(rng: np.random.Generator, shape: tuple[int, int], sigma: float) -> np.ndarray:
    """White noise smoothed by a 3x3 binomial kernel and rescaled: the fine grain of CT noise."""
    n = rng.standard_normal((shape[0] + 2, shape[1] + 2), dtype=np.float32)
    n = n[:, :-2] + 2 * n[:, 1:-1] + n[:, 2:]
    n = n[:-2, :] + 2 * n[1:-1, :] + n[2:, :]
    return n * np.float32(sigma / 6.0)  # the binomial kernel sums to 16 with a norm of 6


def sigmoid(x: np.ndarray | float) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=np.float32)))
