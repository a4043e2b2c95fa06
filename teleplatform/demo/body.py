"""An adult woman's chest, abdomen and pelvis at the portal venous phase of an iodinated injection,
slice by slice, in Hounsfield units.

Patient coordinates (LPS, mm): x to the patient's left, y posterior (the table is behind the
back, y ~ +120), z up; z = 0 is the lower edge of the pubic symphysis, the lung apices reach
z ~ 590. The anatomy is made of analytic shapes: body wall (skin, fat, muscle, breasts), spine
with discs and posterior arches, ribs running obliquely round the chest, sternum, scapulae and
clavicles, lungs with vessels and gravity-dependent density, heart chambers, aorta and great
vessels, pulmonary arteries, trachea and bronchi, liver with portal and hepatic veins, spleen,
stomach with an air-fluid level, pancreas, duodenum, kidneys, colon with mottled content, small
bowel, psoas, pelvis with femoral heads, bladder, uterus and ovaries. The reading interest: a
collection with an enhancing wall and a gas bubble in the gallbladder bed, five days after a
cholecystectomy (surgical clips beside it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .shapes import Canvas, Ellipse, SmoothNoise, Tube, Window, segment_distance, sigmoid

HU = {
    "air": -1000.0,
    "fat": -100.0,
    "skin": 40.0,
    "muscle": 55.0,
    "gland": 25.0,
    "cortical": 850.0,
    "cancellous": 260.0,
    "disc": 85.0,
    "csf": 15.0,
    "cord": 35.0,
    "lung": -860.0,
    "lung_vessel": 90.0,
    "myocardium": 105.0,
    "blood": 165.0,
    "aorta": 175.0,
    "portal": 180.0,
    "vein": 150.0,
    "liver": 108.0,
    "spleen": 118.0,
    "kidney": 175.0,
    "medulla": 150.0,
    "pancreas": 100.0,
    "bowel_wall": 105.0,
    "fluid": 14.0,
    "urine": 8.0,
    "uterus": 115.0,
    "ovary": 55.0,
    "cartilage": 140.0,
    "clip": 2600.0,
    "table": 120.0,
    "table_core": -850.0,
    "pus": 20.0,
    "stool": -60.0,
    "lymph": 45.0,
}

# body outline (superellipse) and spine, as functions of z
_Z = np.array([0.0, 60.0, 120.0, 180.0, 240.0, 300.0, 360.0, 420.0, 480.0, 540.0, 600.0])
_AX = np.array([168.0, 176.0, 172.0, 158.0, 154.0, 152.0, 156.0, 160.0, 164.0, 160.0, 140.0])
_AY = np.array([100.0, 106.0, 108.0, 106.0, 104.0, 102.0, 102.0, 104.0, 104.0, 98.0, 84.0])
_BACK = 118.0  # y of the skin of the back, lying on the table
_SPINE_Z = np.array([0.0, 60.0, 120.0, 170.0, 230.0, 300.0, 400.0, 500.0, 600.0])
_SPINE_Y = np.array([80.0, 74.0, 62.0, 46.0, 42.0, 46.0, 52.0, 55.0, 46.0])
DISCS = tuple([122.0 + 34.0 * i for i in range(6)] + [316.0 + 24.0 * i for i in range(12)])
"""z of the intervertebral discs, L5/S1 up to C7/T1."""


def outline(z: float) -> tuple[float, float, float]:
    """Semi-axes and centre y of the body outline at z."""
    ax = float(np.interp(z, _Z, _AX))
    ay = float(np.interp(z, _Z, _AY))
    return ax, ay, _BACK - ay


def spine_y(z: float) -> float:
    return float(np.interp(z, _SPINE_Z, _SPINE_Y))


def attenuation(z: float) -> float:
    """Relative attenuation of the section at z (drives the tube current modulation)."""
    ax, ay, _ = outline(z)
    lungs = 0.55 if 380 < z < 585 else 1.0
    return math.sqrt(ax * ay / (160.0 * 104.0)) * lungs


def wall_fat(z: float) -> float:
    return 14.0 if z < 360 else 9.0


def cavity(z: float) -> tuple[float, float, float]:
    """Centre y and semi-axes of the thoracic cavity (inside the ribs) at z."""
    ax, ay, cy = outline(z)
    fat = wall_fat(z)
    front = cy - ay + fat + 18.0
    back = spine_y(z) + 24.0
    return (front + back) / 2.0, ax - fat - 20.0, (back - front) / 2.0


def _diaphragm(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    right = 405.0 - 0.0045 * ((x + 62.0) ** 2 + (y + 5.0) ** 2) - 0.3 * np.maximum(y - 10.0, 0.0)
    left = 390.0 - 0.0045 * ((x - 62.0) ** 2 + (y + 5.0) ** 2) - 0.3 * np.maximum(y - 10.0, 0.0)
    return right + sigmoid(x / 12.0) * (left - right)


def _apex(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return 588.0 - 0.006 * ((np.abs(x) - 45.0) ** 2 + (y - 25.0) ** 2)


def _rib(side: int, index: int) -> tuple[Tube, Tube]:
    """Rib `index` (1..12) of a side: from the costovertebral joint round the chest wall, sloping down
    as it goes forward, then its costal cartilage. Returns (bone, cartilage)."""
    z0 = (DISCS[18 - index] + DISCS[17 - index]) / 2.0 if index > 1 else DISCS[17] - 10.0
    y_vb = spine_y(z0)
    cy, a, b = cavity(z0)
    a, b = a + 5.0, b + 5.0
    end = {11: 0.42, 12: 0.34}.get(index, 0.62 + 0.02 * min(index, 7))
    drop = 30.0 + 4.0 * index
    points = [(side * 18.0, y_vb + 4.0, z0)]
    for t in np.linspace(0.12, end, 12):
        theta = t * math.pi
        fraction = (t - 0.12) / max(end - 0.12, 1e-3)
        points.append((side * a * math.sin(theta), cy + b * math.cos(theta), z0 - drop * fraction**1.3))
    radius = 4.6 if index > 1 else 5.5
    bone = Tube.of(points, radius)
    cartilage_points = [points[-1]]
    if index <= 10:
        theta_end = end * math.pi
        for t in np.linspace(theta_end, 0.97 * math.pi, 4)[1:]:
            rise = (t - theta_end) / (0.97 * math.pi - theta_end)
            cartilage_points.append(
                (
                    side * a * math.sin(t) * (1 - 0.2 * rise),
                    cy + b * math.cos(t) + 4,
                    points[-1][2] + (8.0 if index <= 7 else -6.0) * rise,
                )
            )
    return bone, Tube.of(cartilage_points if len(cartilage_points) > 1 else [points[-1], points[-1]], 4.0)


@dataclass(frozen=True, slots=True)
class VesselTree:
    """Pulmonary vessels: many short segments, kept as arrays so a slice finds its own quickly."""

    starts: np.ndarray  # (n, 3)
    ends: np.ndarray  # (n, 3)
    radii: np.ndarray  # (n, 2)
    low: np.ndarray  # (n,) lowest z reached
    high: np.ndarray  # (n,)

    @staticmethod
    def grow(rng: np.random.Generator) -> VesselTree:
        """A branching tree out of each hilum, thinner and shorter at every division."""
        segments: list[tuple[np.ndarray, np.ndarray, float, float]] = []
        for side in (-1, 1):
            hilum = np.array([side * 50.0, 4.0, 482.0])
            for direction in (
                (0.4, -0.2, 0.9),
                (0.7, -0.6, 0.4),
                (0.9, -0.3, 0.0),
                (0.9, 0.4, -0.2),
                (0.5, 0.6, -0.6),
                (0.4, -0.5, -0.8),
                (0.6, 0.5, 0.6),
                (0.6, 0.1, -0.8),
            ):
                heading = np.array([side * direction[0], direction[1], direction[2]])
                stack = [(hilum, heading / np.linalg.norm(heading), 30.0, 5.0)]
                while stack:
                    start, heading, length, radius = stack.pop()
                    end = start + length * heading
                    segments.append((start, end, radius, radius * 0.85))
                    if radius < 0.9:
                        continue
                    for _ in range(2):
                        turn = heading + rng.normal(0.0, 0.5, 3)
                        stack.append((end, turn / np.linalg.norm(turn), length * 0.8, radius * 0.74))
        starts = np.array([s[0] for s in segments])
        ends = np.array([s[1] for s in segments])
        radii = np.array([(s[2], s[3]) for s in segments])
        low = np.minimum(starts[:, 2], ends[:, 2]) - radii[:, 0]
        high = np.maximum(starts[:, 2], ends[:, 2]) + radii[:, 0]
        return VesselTree(starts, ends, radii, low, high)

    def weight(self, canvas: Canvas, window: Window) -> np.ndarray:
        """Largest vessel weight over the window (zeros where there is no vessel)."""
        rows, cols = window
        result = np.zeros((rows.stop - rows.start, cols.stop - cols.start), np.float32)
        for i in np.nonzero((self.low <= canvas.z) & (canvas.z <= self.high))[0]:
            a, b = self.starts[i], self.ends[i]
            reach = self.radii[i, 0]
            part = canvas.window(
                (
                    min(a[0], b[0]) - reach,
                    max(a[0], b[0]) + reach,
                    min(a[1], b[1]) - reach,
                    max(a[1], b[1]) + reach,
                )
            )
            if part is None:
                continue
            sub = (
                slice(max(part[0].start, rows.start), min(part[0].stop, rows.stop)),
                slice(max(part[1].start, cols.start), min(part[1].stop, cols.stop)),
            )
            if sub[0].stop <= sub[0].start or sub[1].stop <= sub[1].start:
                continue
            weight = canvas.soft(segment_distance(canvas, sub, a, b, *self.radii[i]))
            local = (
                slice(sub[0].start - rows.start, sub[0].stop - rows.start),
                slice(sub[1].start - cols.start, sub[1].stop - cols.start),
            )
            np.maximum(result[local], weight, out=result[local])
        return result


def _random_loops(rng: np.random.Generator, count: int) -> list[Tube]:
    """Small-bowel loops: smooth random walks in the mid and lower abdomen."""
    loops = []
    for _ in range(count):
        point = np.array([rng.uniform(-65, 65), rng.uniform(-75, 10), rng.uniform(130, 260)])
        direction = rng.normal(size=3)
        points = [point.copy()]
        for _ in range(9):
            direction = 0.6 * direction + rng.normal(size=3)
            direction /= np.linalg.norm(direction)
            point = point + 22.0 * direction
            point[0] = np.clip(point[0], -75, 75)
            point[1] = np.clip(point[1], -80, 15)
            point[2] = np.clip(point[2], 110, 275)
            points.append(point.copy())
        loops.append(Tube.of(points, rng.uniform(10.0, 12.5)))
    return loops


class BodyPhantom:
    def __init__(self, seed: int) -> None:
        rng = np.random.default_rng(seed)
        extent = (-200.0, 200.0, -160.0, 160.0, -20.0, 620.0)
        self.lung_vessels = VesselTree.grow(rng)
        self._texture = SmoothNoise(rng, extent, 4.0)
        self._content = SmoothNoise(rng, extent, 5.0)
        self.ribs = [_rib(side, index) for side in (-1, 1) for index in range(1, 13)]
        self.loops = _random_loops(rng, 18)
        self.colon = Tube.of(
            [
                (-72, -8, 125),
                (-86, 12, 190),
                (-82, 12, 270),
                (-68, -30, 300),
                (-30, -58, 272),
                (30, -60, 268),
                (78, -12, 330),
                (88, 25, 265),
                (85, 22, 175),
                (60, 0, 132),
                (20, -22, 122),
                (-8, 25, 108),
                (0, 62, 82),
                (0, 64, 15),
            ],
            [26, 22, 21, 20, 19, 19, 20, 19, 18, 17, 16, 16, 18, 17],
        )
        self.aorta = Tube.of(
            [
                (-8, -18, 468),
                (-10, -32, 520),
                (-4, -22, 540),
                (12, 2, 541),
                (24, 32, 524),
                (20, 42, 470),
                (12, 40, 380),
                (6, 30, 330),
                (3, 24, 240),
                (2, 22, 182),
            ],
            [15, 15, 13.5, 13, 12.5, 12, 11.5, 11, 10, 9.5],
        )
        self.iliac_arteries = [
            Tube.of([(2, 22, 182), (s * 35, 22, 130), (s * 68, -8, 60), (s * 80, -20, 10)], [7, 6, 5.5, 5])
            for s in (-1, 1)
        ]
        self.iliac_veins = [
            Tube.of([(-18, 30, 175), (s * 40, 34, 130), (s * 72, -2, 60), (s * 84, -14, 10)], [9, 7, 6.5, 6])
            for s in (-1, 1)
        ]
        self.ivc = Tube.of([(-18, 30, 175), (-22, 28, 300), (-20, 22, 400), (-22, -2, 445)], [11, 12, 13, 14])

    # --- slice ------------------------------------------------------------------------------------

    def paint(self, canvas: Canvas) -> None:
        z = canvas.z
        self._table(canvas)
        ax, ay, cy = outline(z)
        body = Ellipse(0.0, cy, z, ax, ay, exponent=2.4)
        window = canvas.window(body.box(z))
        assert window is not None
        canvas.fill(body, HU["skin"])
        if 400 < z < 510:
            self._breasts(canvas, cy - ay)
        canvas.fill(Ellipse(0.0, cy, z, ax - 2.0, ay - 2.0, exponent=2.4), HU["fat"])
        fat = wall_fat(z)
        canvas.fill(Ellipse(0.0, cy + 2.0, z, ax - fat, ay - fat - 2.0, exponent=2.4), HU["muscle"])
        canvas.fill(Ellipse(0.0, cy + 4.0, z, ax - fat - 9.0, ay - fat - 12.0, exponent=2.4), HU["fat"])
        self._muscles(canvas, z)
        if z > 340:
            self._thorax(canvas, window, z, ax, ay, cy, fat)
        if z < 420:
            inside = Ellipse(0.0, cy + 4.0, z, ax - fat - 9.0, ay - fat - 12.0, exponent=2.4).weight(
                canvas, window
            )
            assert inside is not None
            self._abdomen(canvas, window, z, inside)
        if z < 200:
            self._pelvis(canvas, z)
        self._spine(canvas, z)
        for bone, cartilage in self.ribs:
            canvas.fill(cartilage, HU["cartilage"])
            canvas.fill(bone, HU["cortical"])
            canvas.fill(Tube(bone.points, bone.radii - 1.6), HU["cancellous"])

    def _table(self, canvas: Canvas) -> None:
        for radius, thickness, value in (
            (410.0, 3.0, HU["table"]),
            (405.0, 14.0, HU["table_core"]),
            (390.0, 3.0, HU["table"]),
        ):
            ring = Ellipse(0.0, -268.0, 0.0, radius, radius)
            window = canvas.window((-200.0, 200.0, 115.0, 160.0))
            if window is None:
                continue
            x, _ = canvas.coords(window)
            d = ring.distance(canvas, window)
            assert d is not None
            weight = canvas.soft(np.abs(d + thickness / 2) - thickness / 2) * (np.abs(x) < 190)
            canvas.paint(window, weight, value)

    def _breasts(self, canvas: Canvas, front: float) -> None:
        for side in (-1, 1):
            canvas.fill(Ellipse(side * 68.0, front + 12.0, 455.0, 58.0, 34.0, 46.0, side * 15.0), HU["skin"])
            canvas.fill(Ellipse(side * 68.0, front + 12.0, 455.0, 56.0, 32.0, 44.0, side * 15.0), HU["fat"])
            window = canvas.window((side * 68.0 - 40, side * 68.0 + 40, front - 20.0, front + 30.0))
            gland = Ellipse(side * 66.0, front + 4.0, 458.0, 36.0, 20.0, 30.0, side * 15.0)
            if window is not None:
                weight = gland.weight(canvas, window)
                if weight is not None:
                    strands = self._texture.sample(canvas, window)
                    canvas.paint(window, weight * (strands > -0.3), HU["gland"])

    def _muscles(self, canvas: Canvas, z: float) -> None:
        y_vb = spine_y(z)
        if z > 100:
            for side in (-1, 1):
                canvas.fill(Ellipse(side * 33.0, y_vb + 44.0, z, 24.0, 23.0), HU["muscle"])  # erector spinae
        if 150 < z < 300:
            for side in (-1, 1):
                canvas.fill(Ellipse(side * 58.0, y_vb + 22.0, z, 14.0, 11.0, 0.0, side * 30.0), HU["muscle"])
        for side in (-1, 1):  # psoas, then iliopsoas
            canvas.fill(
                Tube.of(
                    [(side * 22, 46, 305), (side * 40, 42, 175), (side * 60, 22, 105), (side * 72, -6, 40)],
                    [6, 19, 18, 18],
                ),
                HU["muscle"],
            )
        if z > 400:
            _, ay, cy = outline(z)
            for side in (-1, 1):  # pectoralis
                canvas.fill(
                    Ellipse(side * 62.0, cy - ay + 24.0, 500.0, 60.0, 9.0, 75.0, side * 18.0), HU["muscle"]
                )
                # scapula and the muscles on it
                canvas.fill(Ellipse(side * 92.0, 74.0, 525.0, 48.0, 17.0, 68.0, -side * 32.0), HU["muscle"])
                canvas.fill(Ellipse(side * 92.0, 74.0, 525.0, 44.0, 3.5, 62.0, -side * 32.0), HU["cortical"])

    def _thorax(
        self, canvas: Canvas, window: Window, z: float, ax: float, ay: float, cy: float, fat: float
    ) -> None:
        x, y = canvas.coords(window)
        ccy, ca, cb = cavity(z)
        w_cavity = Ellipse(0.0, ccy, z, ca, cb, exponent=2.2).weight(canvas, window)
        if w_cavity is None:
            return
        mediastinum = 16.0 + 24.0 * np.exp(-(((y + 15.0) / 45.0) ** 2))
        y_vb = spine_y(z)
        lungs = (
            w_cavity
            * canvas.soft(_diaphragm(x, y) - z)
            * canvas.soft(z - _apex(x, y))
            * canvas.soft(mediastinum - np.abs(x))
        )
        lungs = lungs * (1 - canvas.soft(-np.minimum(y - (y_vb - 16.0), 26.0 - np.abs(x))))
        if lungs.any():
            vessel = self.lung_vessels.weight(canvas, window)
            parenchyma = HU["lung"] + 0.45 * (y + 60.0) + 12.0 * self._texture.sample(canvas, window)
            value = parenchyma + vessel * (HU["lung_vessel"] - parenchyma)
            canvas.paint(window, lungs, value)
        # airways
        if z > 470:
            canvas.fill(Tube.of([(0, 12, 620), (0, 8, 495)], 10.5), HU["skin"])
            canvas.fill(Tube.of([(0, 12, 620), (0, 8, 495)], 8.5), HU["air"])
        for side, end in ((-1, (-52, 14, 470)), (1, (55, 20, 462))):
            canvas.fill(Tube.of([(0, 8, 497), end], 7.0), HU["skin"])
            canvas.fill(Tube.of([(0, 8, 497), end], 5.3), HU["air"])
            canvas.fill(Tube.of([end, (side * 75, 30, 440)], 3.5), HU["air"])
            canvas.fill(Tube.of([end, (side * 70, -10, 500)], 3.0), HU["air"])
        canvas.fill(Tube.of([(4, 30, 620), (6, 32, 420), (22, 20, 380), (38, 2, 362)], 7.0), HU["muscle"])
        canvas.fill(Tube.of([(4, 30, 620), (6, 32, 420)], 1.6), HU["air"])  # oesophageal lumen
        # sternum
        front = cy - ay + fat + 12.0
        if 435 < z < 568:
            canvas.fill(Ellipse(0.0, front + 5.0, z, 17.0 if z > 540 else 13.0, 6.5), HU["cortical"])
            canvas.fill(Ellipse(0.0, front + 5.0, z, 14.5 if z > 540 else 10.5, 4.5), HU["cancellous"])
        if z > 555:
            for side in (-1, 1):  # clavicles
                tube = Tube.of(
                    [(side * 18, front - 2, 572), (side * 70, front - 8, 585), (side * 140, 30, 600)], 7.0
                )
                canvas.fill(tube, HU["cortical"])
                canvas.fill(Tube(tube.points, tube.radii - 2.0), HU["cancellous"])
        # heart
        canvas.fill(Ellipse(26.0, -28.0, 440.0, 74.0, 58.0, 60.0, 30.0), HU["fat"])
        canvas.fill(Ellipse(26.0, -26.0, 440.0, 64.0, 49.0, 55.0, 30.0), HU["myocardium"])
        canvas.fill(Ellipse(40.0, -18.0, 432.0, 30.0, 21.0, 40.0, 30.0), HU["blood"])  # left ventricle
        canvas.fill(Ellipse(6.0, -48.0, 440.0, 32.0, 13.0, 40.0, 38.0), HU["blood"] - 8)  # right ventricle
        canvas.fill(Ellipse(-28.0, -14.0, 458.0, 24.0, 22.0, 30.0), HU["blood"] - 8)  # right atrium
        canvas.fill(Ellipse(12.0, 16.0, 478.0, 30.0, 16.0, 18.0), HU["blood"])  # left atrium
        # great vessels
        canvas.fill(Tube.of([(-24, -26, 580), (-24, -20, 470)], 10.0), HU["vein"] - 10)  # SVC
        canvas.fill(Tube.of([(-4, -24, 538), (-12, -18, 600)], 7.0), HU["aorta"])  # brachiocephalic trunk
        canvas.fill(Tube.of([(6, -16, 541), (14, -14, 600)], 4.5), HU["aorta"])  # left carotid
        canvas.fill(Tube.of([(16, -2, 541), (34, 6, 600)], 5.0), HU["aorta"])  # left subclavian
        canvas.fill(Tube.of([(14, -52, 468), (20, -34, 494)], 13.0), HU["blood"] - 5)  # pulmonary trunk
        canvas.fill(Tube.of([(20, -34, 494), (58, -6, 494), (72, 8, 478)], [11, 10, 8]), HU["blood"] - 5)
        canvas.fill(Tube.of([(20, -34, 494), (-22, -20, 494), (-64, -4, 484)], [11, 10, 8]), HU["blood"] - 5)
        for side in (-1, 1):
            canvas.fill(
                Tube.of([(side * 62, 18, 440), (side * 35, 10, 462), (12 * side, 16, 476)], 5.5), HU["blood"]
            )  # lower pulmonary veins
        canvas.fill(self.aorta, HU["aorta"])
        if 470 < z < 530:  # a few mediastinal lymph nodes
            canvas.fill(Ellipse(-14.0, 2.0, 505.0, 5.0, 4.0, 5.0), HU["lymph"])
            canvas.fill(Ellipse(6.0, 22.0, 488.0, 4.5, 4.0, 4.0), HU["lymph"])

    def _abdomen(self, canvas: Canvas, window: Window, z: float, inside: np.ndarray) -> None:
        x, y = canvas.coords(window)
        below = canvas.soft(z - _diaphragm(x, y) + 2.0) * inside
        texture = self._texture.sample(canvas, window)
        # liver, then its vessels
        for organ in (
            Ellipse(-58.0, 0.0, 335.0, 92.0, 80.0, 76.0),
            Ellipse(20.0, -48.0, 362.0, 54.0, 34.0, 38.0),
        ):
            weight = organ.weight(canvas, window)
            if weight is not None:
                canvas.paint(window, weight * below, HU["liver"] + 4.0 * texture)
        for vein in ((-20, 24, 396),):
            for end in ((-88, -18, 352), (-46, -62, 346), (14, -58, 356)):
                canvas.fill(Tube.of([vein, end], [6.0, 2.5]), HU["vein"])
        canvas.fill(Tube.of([(-6, 12, 292), (-30, 0, 318)], 7.5), HU["portal"])
        canvas.fill(Tube.of([(-30, 0, 318), (-72, 6, 328), (-88, 0, 340)], [5.5, 4.0, 2.5]), HU["portal"])
        canvas.fill(Tube.of([(-30, 0, 318), (6, -34, 344), (20, -52, 350)], [5.0, 3.5, 2.5]), HU["portal"])
        # the collection in the gallbladder bed, its gas bubble and the surgical clips
        canvas.fill(Ellipse(-50.0, -36.0, 312.0, 27.0, 22.0, 24.0, -20.0), HU["bowel_wall"] - 10)
        canvas.fill(Ellipse(-50.0, -36.0, 312.0, 23.5, 18.5, 20.5, -20.0), HU["pus"])
        bubble = Ellipse(-46.0, -49.0, 318.0, 7.0, 5.0, 6.0)
        bubble_window = canvas.window(bubble.box(z))
        if bubble_window is not None:
            weight = bubble.weight(canvas, bubble_window)
            _, by = canvas.coords(bubble_window)
            if weight is not None:  # gas rises: anterior (up, the patient is supine) of a fluid level
                canvas.paint(bubble_window, weight * canvas.soft(by + 48.0), HU["air"])
        for clip in ((-30.0, -24.0, 318.0), (-27.0, -20.0, 322.0), (-33.0, -28.0, 326.0)):
            canvas.fill(Ellipse(*clip, 1.4, 1.4, 3.0), HU["clip"])
        # spleen, stomach with an air-fluid level, pancreas, duodenum
        spleen = Ellipse(84.0, 32.0, 350.0, 28.0, 56.0, 46.0, -35.0)
        weight = spleen.weight(canvas, window)
        if weight is not None:
            canvas.paint(window, weight * below, HU["spleen"] + 3.0 * texture)
        stomach = (52.0, -22.0, 362.0, 46.0, 38.0, 40.0, 30.0)
        weight = Ellipse(*stomach).weight(canvas, window)
        if weight is not None:
            canvas.paint(window, weight * below, HU["bowel_wall"] - 20)
            inner = Ellipse(52.0, -22.0, 362.0, 41.5, 33.5, 35.5, 30.0).weight(canvas, window)
            if inner is not None:
                content = np.where(y < -40.0, HU["air"], HU["fluid"])
                canvas.paint(window, inner * below, content)
        canvas.fill(
            Tube.of([(-18, 4, 288), (18, 16, 306), (48, 26, 318), (72, 30, 328)], [12, 10, 9, 8]),
            HU["pancreas"] + 0.0,
        )
        canvas.fill(Tube.of([(76, 36, 324), (40, 30, 312), (0, 24, 300)], 4.2), HU["portal"])  # splenic vein
        duodenum = Tube.of([(-28, -14, 322), (-46, 0, 300), (-40, 10, 266), (0, 16, 254), (26, 6, 264)], 9.0)
        canvas.fill(duodenum, HU["bowel_wall"])
        canvas.fill(Tube(duodenum.points, duodenum.radii - 2.5), HU["fluid"])
        canvas.fill(Tube.of([(4, 22, 300), (6, -4, 282), (10, -30, 190)], [3.8, 3.5, 2.5]), HU["aorta"] + 10)
        canvas.fill(Tube.of([(-8, -2, 290), (-14, -34, 190)], [5.0, 3.0]), HU["portal"] - 10)
        # kidneys
        for side, cz in ((-1, 262.0), (1, 282.0)):
            kx = side * 68.0
            canvas.fill(Ellipse(kx, 50.0, cz, 29.0, 24.0, 56.0, side * 25.0), HU["kidney"])
            for k in range(5):  # medullary pyramids
                angle = math.radians(-60 + 30 * k)
                canvas.fill(
                    Ellipse(
                        kx - side * 4.0 + 14.0 * math.cos(angle) * side,
                        50.0 + 13.0 * math.sin(angle),
                        cz + (k - 2) * 14.0,
                        6.0,
                        5.0,
                        9.0,
                    ),
                    HU["medulla"],
                )
            canvas.fill(Ellipse(kx - side * 16.0, 44.0, cz, 10.0, 9.0, 24.0), HU["fat"])  # renal sinus
            canvas.fill(Ellipse(kx - side * 18.0, 43.0, cz, 5.0, 4.5, 12.0), HU["urine"])  # pelvis
        canvas.fill(
            Tube.of([(48, 42, 282), (2, 14, 282), (-20, 26, 280)], 4.5), HU["vein"]
        )  # left renal vein
        canvas.fill(self.ivc, HU["vein"] - 10)
        canvas.fill(self.aorta, HU["aorta"])
        # bowel, kept inside the abdominal wall
        for loop in self.loops:
            self._fill_inside(canvas, window, inside, loop, HU["bowel_wall"])
            self._fill_inside(canvas, window, inside, Tube(loop.points, loop.radii - 2.2), HU["fluid"])
        self._fill_inside(canvas, window, inside, self.colon, HU["bowel_wall"] - 30)
        lumen = Tube(self.colon.points, self.colon.radii - 2.0)
        mottle = self._content.sample(canvas, window)
        content = np.where(mottle > -0.2, HU["air"], HU["stool"] + 60.0 * mottle)
        self._fill_inside(canvas, window, inside, lumen, content)

    @staticmethod
    def _fill_inside(
        canvas: Canvas, window: Window, inside: np.ndarray, shape: Tube, value: float | np.ndarray
    ) -> None:
        """Paint a shape where it lies inside the abdominal cavity (`inside`, over `window`)."""
        part = canvas.window(shape.box(canvas.z))
        if part is None:
            return
        rows, cols = window
        sub = (
            slice(max(part[0].start, rows.start), min(part[0].stop, rows.stop)),
            slice(max(part[1].start, cols.start), min(part[1].stop, cols.stop)),
        )
        if sub[0].stop <= sub[0].start or sub[1].stop <= sub[1].start:
            return
        weight = shape.weight(canvas, sub)
        if weight is None:
            return
        local = (
            slice(sub[0].start - rows.start, sub[0].stop - rows.start),
            slice(sub[1].start - cols.start, sub[1].stop - cols.start),
        )
        canvas.paint(sub, weight * inside[local], value[local] if isinstance(value, np.ndarray) else value)

    def _pelvis(self, canvas: Canvas, z: float) -> None:
        for side in (-1, 1):
            canvas.fill(
                Ellipse(side * 78.0, 68.0, 85.0, 55.0, 38.0, 80.0, side * 15.0), HU["muscle"]
            )  # gluteus
            canvas.fill(Ellipse(side * 122.0, 16.0, 150.0, 26.0, 42.0, 48.0), HU["muscle"])  # gluteus medius
            canvas.fill(
                Ellipse(side * 72.0, 4.0, 150.0, 34.0, 12.0, 42.0, -side * 38.0), HU["muscle"]
            )  # iliacus
        for artery in self.iliac_arteries:
            canvas.fill(artery, HU["aorta"])
        for vein in self.iliac_veins:
            canvas.fill(vein, HU["vein"] - 15)
        bones = []
        for side in (-1, 1):
            bones += [
                Ellipse(side * 92.0, 4.0, 72.0, 33.0, 33.0, 30.0),  # acetabulum
                Ellipse(side * 22.0, -72.0, 20.0, 24.0, 11.0, 22.0, side * 20.0),  # pubis
                Ellipse(side * 56.0, 38.0, 18.0, 15.0, 20.0, 24.0),  # ischium
            ]
        for bone in bones:
            canvas.fill(bone, HU["cortical"])
            canvas.fill(
                Ellipse(
                    bone.cx,
                    bone.cy,
                    bone.cz,
                    max(bone.a - 2.5, 1),
                    max(bone.b - 2.5, 1),
                    max(bone.c - 2.5, 1),
                    bone.angle,
                ),
                HU["cancellous"],
            )
        if 95 < z < 195:
            for side in (-1, 1):
                self._iliac_wing(canvas, side, z)
        y_sacrum = spine_y(z) + 6.0
        if 55 < z < 126:
            width = 30.0 + 0.35 * (z - 55.0)
            canvas.fill(Ellipse(0.0, y_sacrum, z, width, 17.0), HU["cortical"])
            canvas.fill(Ellipse(0.0, y_sacrum, z, width - 2.5, 14.5), HU["cancellous"])
            canvas.fill(Ellipse(0.0, y_sacrum + 6.0, z, 9.0, 4.0), HU["csf"])
        for side in (-1, 1):
            canvas.fill(Ellipse(side * 90.0, 2.0, 70.0, 24.5, 24.5, 24.5), HU["cartilage"] - 60)
            canvas.fill(Ellipse(side * 90.0, 2.0, 70.0, 23.0, 23.0, 23.0), HU["cortical"])
            canvas.fill(Ellipse(side * 90.0, 2.0, 70.0, 20.5, 20.5, 20.5), HU["cancellous"] + 60)
            neck = Tube.of(
                [(side * 90, 2, 70), (side * 118, 14, 42), (side * 116, 8, -30)], [14.0, 16.0, 13.0]
            )
            canvas.fill(neck, HU["cortical"])
            canvas.fill(Tube(neck.points, neck.radii - 3.5), HU["cancellous"])
        # bladder, uterus, ovaries, rectum
        canvas.fill(Ellipse(0.0, -36.0, 55.0, 46.0, 34.0, 36.0), HU["bowel_wall"] - 30)
        canvas.fill(Ellipse(0.0, -36.0, 55.0, 43.0, 31.0, 33.0), HU["urine"])
        canvas.fill(Ellipse(0.0, 12.0, 98.0, 30.0, 22.0, 42.0, 0.0), HU["uterus"])
        canvas.fill(Ellipse(0.0, 12.0, 100.0, 4.0, 11.0, 26.0), HU["gland"] + 20)
        for side in (-1, 1):
            canvas.fill(Ellipse(side * 42.0, 16.0, 108.0, 13.0, 11.0, 12.0), HU["ovary"])
            canvas.fill(Ellipse(side * 44.0, 14.0, 110.0, 4.0, 4.0, 4.0), HU["fluid"])

    def _iliac_wing(self, canvas: Canvas, side: int, z: float) -> None:
        """The ilium: a curved plate from the sacroiliac joint sweeping forward and outward, its
        iliac fossa facing the abdomen; narrower toward the crest."""
        rise = (z - 95.0) / 100.0
        centre = (side * 10.0, -40.0)
        ring = Ellipse(centre[0], centre[1], z, 105.0, 95.0)
        window = canvas.window(ring.box(z))
        if window is None:
            return
        x, y = canvas.coords(window)
        angle = np.degrees(np.arctan2(y - centre[1], side * (x - centre[0])))
        span = canvas.soft(np.maximum(angle - 72.0, 8.0 + 14.0 * rise - angle) / 2.0)
        d = ring.distance(canvas, window)
        assert d is not None
        thickness = 9.0 - 3.0 * rise
        canvas.paint(window, canvas.soft(np.abs(d) - thickness / 2) * span, HU["cortical"])
        canvas.paint(window, canvas.soft(np.abs(d) - thickness / 2 + 2.2) * span, HU["cancellous"])

    def _spine(self, canvas: Canvas, z: float) -> None:
        if z < 118:
            return
        y_vb = spine_y(z)
        lumbar = z < 300
        a, b = (24.0, 18.0) if lumbar else (17.0 + (z < 420) * 2.0, 14.0)
        nearest = min(DISCS, key=lambda d: abs(d - z))
        half_disc = 4.5 if nearest < 300 else 2.8
        at_disc = abs(z - nearest) < half_disc
        if at_disc:
            canvas.fill(Ellipse(0.0, y_vb, z, a + 1.0, b + 1.0), HU["disc"])
        else:
            canvas.fill(Ellipse(0.0, y_vb, z, a, b), HU["cortical"])
            canvas.fill(Ellipse(0.0, y_vb, z, a - 1.8, b - 1.8), HU["cancellous"] + 10.0 * math.sin(z))
        canal = y_vb + b + 10.0
        arch = abs(z - nearest) > half_disc + 2.0
        if arch:
            canvas.fill(Ellipse(0.0, canal + 1.0, z, 15.0, 14.0), HU["cortical"])
            canvas.fill(Ellipse(0.0, canal + 16.0, z, 5.0, 16.0), HU["cortical"])  # spinous process
            for side in (-1, 1):
                canvas.fill(
                    Ellipse(side * 24.0, canal - 2.0, z, 12.0 if lumbar else 9.0, 5.0, 0.0, side * 10.0),
                    HU["cortical"],
                )  # transverse processes
        else:
            for side in (-1, 1):  # facet joints
                canvas.fill(Ellipse(side * 14.0, canal + 8.0, z, 6.0, 7.0), HU["cortical"])
        canvas.fill(Ellipse(0.0, canal, z, 9.5, 8.0), HU["csf"])
        if z > 260:
            canvas.fill(Ellipse(0.0, canal, z, 5.0, 4.0), HU["cord"])
