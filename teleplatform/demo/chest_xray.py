"""A PA chest radiograph of an adult man (or woman), as a processed "for presentation" image
(MONOCHROME2).

The image is a projection: every structure contributes the length of the X-ray path through it,
in millimetres of water equivalent (its chord: 2 sqrt(r^2 - d^2) for a tube or an ellipsoid seen
edge-on, which gives the rounded shading of real radiographs). Air in the lungs and stomach removes
tissue from the body's path, bone adds more than its length, cortical bone most. The path length
is then mapped to grey levels by a film-like characteristic curve, edge-enhanced and given quantum
noise, as a detector's processing would.

Image coordinates (mm): u across, zero on the spine, negative toward the patient's right (left of
the image, as a PA film is read); v down from the top of the detector. Reading interest: a right
lower lobe consolidation blurring the right hemidiaphragm.
"""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np

from .cases import DX_COLUMNS, DX_PIXEL_MM, DX_ROWS
from .shapes import Canvas, SmoothNoise

BITS_STORED = 12
_MAX = (1 << BITS_STORED) - 1


class _Film:
    def __init__(self) -> None:
        step = float(DX_PIXEL_MM)
        self.step = step
        self.u = ((np.arange(DX_COLUMNS) - (DX_COLUMNS - 1) / 2) * step).astype(np.float32)
        self.v = ((np.arange(DX_ROWS) + 0.5) * step).astype(np.float32)
        self.water = np.zeros((DX_ROWS, DX_COLUMNS), np.float32)

    def window(self, umin: float, umax: float, vmin: float, vmax: float) -> tuple[slice, slice] | None:
        c0, c1 = np.searchsorted(self.u, (umin, umax))
        r0, r1 = np.searchsorted(self.v, (vmin, vmax))
        if c1 <= c0 or r1 <= r0:
            return None
        return slice(int(r0), int(r1)), slice(int(c0), int(c1))

    def grid(self, window: tuple[slice, slice]) -> tuple[np.ndarray, np.ndarray]:
        rows, cols = window
        return self.u[cols][None, :], self.v[rows][:, None]

    def ellipse_chord(
        self, cu: float, cv: float, a: float, b: float, depth: float, angle: float = 0.0, factor: float = 1.0
    ) -> None:
        """Add an ellipsoid seen in projection: path length depth * sqrt(1 - q^2)."""
        reach = max(a, b)
        window = self.window(cu - reach, cu + reach, cv - reach, cv + reach)
        if window is None:
            return
        u, v = self.grid(window)
        du, dv = u - cu, v - cv
        theta = math.radians(angle)
        p = (du * math.cos(theta) + dv * math.sin(theta)) / a
        q = (dv * math.cos(theta) - du * math.sin(theta)) / b
        self.water[window] += factor * depth * np.sqrt(np.clip(1.0 - p * p - q * q, 0.0, None))

    def curve(
        self,
        points: np.ndarray,
        radius: float,
        factor: float,
        cortex: float = 0.0,
        cortex_factor: float = 0.0,
        fade: tuple[float, float] | None = None,
    ) -> None:
        """A tube along a 2D polyline seen from the side (a rib, a clavicle, a vessel)."""
        umin, vmin = points.min(axis=0) - radius
        umax, vmax = points.max(axis=0) + radius
        window = self.window(umin, umax, vmin, vmax)
        if window is None:
            return
        u, v = self.grid(window)
        best = None
        for a, b in pairwise(points):
            ab = b - a
            t = np.clip(((u - a[0]) * ab[0] + (v - a[1]) * ab[1]) / max(float(ab @ ab), 1e-9), 0.0, 1.0)
            d2 = (u - a[0] - t * ab[0]) ** 2 + (v - a[1] - t * ab[1]) ** 2
            best = d2 if best is None else np.minimum(best, d2)
        assert best is not None
        chord = 2.0 * np.sqrt(np.clip(radius * radius - best, 0.0, None))
        value = factor * chord
        if cortex:
            inner = 2.0 * np.sqrt(np.clip((radius - cortex) ** 2 - best, 0.0, None))
            value = value + cortex_factor * (chord - inner)
        if fade is not None:  # costal ends of the anterior ribs fade into cartilage
            value = value * np.clip((np.abs(u) - fade[0]) / (fade[1] - fade[0]), 0.0, 1.0)
        self.water[window] += value


def _soft_min(*values: np.ndarray) -> np.ndarray:
    result = values[0]
    for value in values[1:]:
        result = np.minimum(result, value)
    return result


def _lung_air(u: np.ndarray, v: np.ndarray, side: int) -> np.ndarray:
    """Path length of air through one lung (mm): a rounded profile inside its outline."""
    au = np.abs(u)
    cage = 150.0 * (1.0 - np.exp(-np.maximum(v - 22.0, 0.0) / 75.0))
    lateral = cage - au
    mediastinum = 27.0 + (10.0 if side < 0 else 26.0) * np.exp(-(((v - 122.0) / 30.0) ** 2))
    medial = au - mediastinum
    apex = v - (34.0 + 0.004 * (au - 62.0) ** 2)
    dome_top = 288.0 if side < 0 else 303.0
    base = dome_top + 0.0068 * (au - 72.0) ** 2 - v
    inside = _soft_min(lateral, medial, apex)
    same_side = (u < 0) if side < 0 else (u >= 0)
    # the domes of the diaphragm are seen edge-on: a sharp border, unlike the rounded chest wall
    return same_side * 158.0 * np.sqrt(np.clip(inside / 48.0, 0.0, 1.0) * np.clip(base / 10.0, 0.0, 1.0))


def _vessel_tree(film: _Film, rng: np.random.Generator) -> None:
    """Pulmonary vessels branching out of the hila, thinner toward the periphery."""
    for side in (-1, 1):
        for angle in (-125, -80, -35, 10, 55, 100):
            theta0 = math.radians(angle if side > 0 else 180 - angle)
            hilum = np.array([side * 58.0, 195.0]) + 14.0 * np.array([math.cos(theta0), math.sin(theta0)])
            stack = [(hilum, theta0, 58.0, 4.2, 0)]
            while stack:
                start, theta, length, radius, level = stack.pop()
                end = start + length * np.array([math.cos(theta), math.sin(theta)])
                normal = np.array([-math.sin(theta), math.cos(theta)])
                bend = rng.normal(0.0, 0.08 * length)
                middle = (start + end) / 2 + bend * normal
                film.curve(np.array([start, middle, end]), radius, 1.5)
                if level < 4:
                    for turn in (-1, 1):
                        stack.append(
                            (
                                end,
                                theta + turn * math.radians(rng.uniform(18, 34)),
                                length * rng.uniform(0.62, 0.8),
                                radius * 0.7,
                                level + 1,
                            )
                        )


def _ribs(film: _Film) -> None:
    for side in (-1, 1):
        for i in range(11):
            top = 62.0 + 25.5 * i
            t = np.linspace(0.0, 1.0, 24)
            width = 148.0 * (1.0 - math.exp(-(top + 20.0 - 22.0) / 75.0)) + 2.0
            u = side * (18.0 + (width - 18.0) * t)
            v = top - 15.0 * t + 58.0 * t**2.2
            film.curve(np.stack([u, v], axis=1), 4.6, 0.5, cortex=1.1, cortex_factor=1.6, fade=(22.0, 50.0))
            if i < 9:
                s = np.linspace(0.0, 1.0, 16)
                front_u = side * (width - 6.0 - (width - 48.0) * s)
                front_v = v[-1] - 6.0 + 52.0 * s**0.9
                film.curve(
                    np.stack([front_u, front_v], axis=1),
                    4.0,
                    0.3,
                    cortex=1.0,
                    cortex_factor=1.2,
                    fade=(45.0, 75.0),
                )


def chest_radiograph(seed: int, consolidation: bool = True, breasts: bool = False) -> np.ndarray:
    """The processed image: uint16, 12 bits stored, MONOCHROME2 (bright = attenuating).

    `consolidation`: the right lower lobe pneumonia of the night's case (False: normal lungs, as on
    the CT TAP patient's earlier film); `breasts`: a woman's breast shadows over the lower zones.
    The random draws do not depend on either, so the night's image stays the same.
    """
    rng = np.random.default_rng(seed)
    film = _Film()
    u, v = film.u[None, :], film.v[:, None]
    # body: neck, shoulders, chest and upper abdomen as an elliptic section changing with height
    half_width = 62.0 + 112.0 * (1.0 / (1.0 + np.exp(-(v - 52.0) / 9.0))) - 0.04 * np.maximum(v - 250.0, 0.0)
    depth = 110.0 + 115.0 * (1.0 / (1.0 + np.exp(-(v - 60.0) / 14.0)))
    film.water += depth * np.sqrt(np.clip(1.0 - (u / half_width) ** 2, 0.0, None))
    for side in (-1, 1):  # arms: humeral heads and shafts at the top corners
        film.ellipse_chord(side * 178.0, 82.0, 40.0, 52.0, 90.0)
        film.curve(np.array([[side * 168.0, 70.0], [side * 186.0, 260.0]]), 13.0, 1.0, 2.5, 2.5)
        film.ellipse_chord(side * 166.0, 74.0, 23.0, 23.0, 46.0, factor=1.6)
        film.ellipse_chord(side * 132.0, 150.0, 42.0, 88.0, 7.0, -side * 12.0, factor=2.2)  # scapula
    # lungs, with the heart, the aortic knob and a right lower lobe consolidation taking their air
    air = _lung_air(u, v, -1) + _lung_air(u, v, 1)
    heart = np.zeros_like(film.water)
    du, dv = u - 18.0, v - 262.0
    theta = math.radians(-22.0)
    p = (du * math.cos(theta) + dv * math.sin(theta)) / 88.0
    q = (dv * math.cos(theta) - du * math.sin(theta)) / 63.0
    heart += np.sqrt(np.clip(1.0 - p * p - q * q, 0.0, None))
    heart += np.sqrt(np.clip(1.0 - ((u - 36.0) / 19.0) ** 2 - ((v - 124.0) / 17.0) ** 2, 0.0, None))
    air = air * np.clip(1.0 - 1.6 * heart, 0.0, 1.0)
    if consolidation:
        air *= 1.0 - 0.8 * np.exp(-((((u + 88.0) / 45.0) ** 2 + ((v - 268.0) / 36.0) ** 2) ** 1.5))
    film.water -= 0.92 * air
    canvas = Canvas(film.u, film.v, 0.0, 0.0)
    extent = (-180.0, 180.0, 0.0, 440.0, -1.0, 1.0)
    texture = 3.0 * SmoothNoise(rng, extent, 7.0).sample(canvas) + 1.5 * SmoothNoise(rng, extent, 2.5).sample(
        canvas
    )
    film.water += np.clip(air / 80.0, 0.0, 1.0) * texture
    vessels = _Film()
    _vessel_tree(vessels, rng)
    film.water += vessels.water * np.clip(air / 60.0, 0.0, 1.0)
    film.ellipse_chord(70.0, 322.0, 30.0, 17.0, 55.0, factor=-0.9)  # gastric air bubble
    if breasts:  # soft tissue seen through the lower zones, sharp lower-lateral edge
        for side in (-1, 1):
            film.ellipse_chord(side * 98.0, 318.0, 78.0, 58.0, 9.0, angle=side * 12.0)
    film.curve(np.array([[0.0, 0.0], [0.0, 150.0]]), 9.0, -0.85)  # trachea
    film.curve(np.array([[0.0, 150.0], [-30.0, 182.0]]), 6.5, -0.6)
    film.curve(np.array([[0.0, 150.0], [34.0, 188.0]]), 6.0, -0.6)
    for side in (-1, 1):
        film.ellipse_chord(side * 60.0, 192.0, 20.0, 28.0, 30.0)  # hila
    # skeleton: spine with discs, ribs, clavicles
    for level in range(17):
        centre = 18.0 + 25.0 * level
        film.ellipse_chord(0.0, centre, 21.0, 10.5, 24.0, factor=0.45)
        for side in (-1, 1):
            film.ellipse_chord(side * 14.0, centre - 3.0, 4.0, 5.5, 8.0, factor=1.2)  # pedicles
    _ribs(film)
    for side in (-1, 1):
        t = np.linspace(0.0, 1.0, 20)
        clavicle = np.stack([side * (22.0 + 130.0 * t), 80.0 - 22.0 * t + 9.0 * np.sin(np.pi * t)], axis=1)
        film.curve(clavicle, 7.5, 1.0, cortex=1.6, cortex_factor=3.0)
    # detector processing: characteristic curve, unsharp mask, quantum noise
    density = 1.0 / (1.0 + np.exp(-(film.water - 150.0) / 40.0))
    image = density * 3900.0 + 60.0
    blurred = _box_blur(image, 24)
    image = image + 0.55 * (image - blurred)
    noise = rng.standard_normal(image.shape, dtype=np.float32)
    image = image + noise * (14.0 + 0.005 * (4000.0 - image).clip(0, None))
    return np.clip(image, 0, _MAX).astype(np.uint16)


def _box_blur(image: np.ndarray, radius: int) -> np.ndarray:
    """Separable box blur (cumulative sums): the low-pass of the unsharp mask."""
    out = image
    for axis in (0, 1):
        padded = np.pad(out, [(radius + 1, radius) if a == axis else (0, 0) for a in (0, 1)], mode="edge")
        summed = np.cumsum(padded, axis=axis, dtype=np.float64)
        upper = np.take(summed, range(2 * radius + 1, summed.shape[axis]), axis=axis)
        lower = np.take(summed, range(0, summed.shape[axis] - 2 * radius - 1), axis=axis)
        out = ((upper - lower) / (2 * radius + 1)).astype(np.float32)
    return out
