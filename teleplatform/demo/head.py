"""An adult head, slice by slice, for the CT (Hounsfield units) and the T2 MR (signal) cases.

Patient coordinates (LPS, mm): x to the patient's left, y posterior, z up; z = 0 lies about at the
floor of the anterior cranial fossa, the vertex near z = +127 and the foramen magnum near -42.
The anatomy is a set of analytic shapes (ellipsoids, tubes, a skull-base floor surface and a
gyral pattern) chosen so that a radiologist recognises a head CT or MR at every level: scalp,
tables and diploe, grey/white matter with sulci, lateral, third and fourth ventricles, basal
ganglia and thalami, Sylvian fissures, falx, brainstem and cerebellum, orbits, sinuses, petrous
bones and mastoids. Options give an elderly brain (wider sulci and ventricles, calcified choroid
plexuses and pineal) with an acute right subdural haematoma and midline shift, or a young brain
with a small white-matter lesion.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum, auto

import numpy as np

from .shapes import Canvas, Ellipse, SmoothNoise, Tube, Window, sigmoid


class Tissue(Enum):
    AIR = auto()
    SKIN = auto()
    FAT = auto()
    MUSCLE = auto()
    CORTICAL_BONE = auto()
    MARROW = auto()
    DENSE_BONE = auto()
    CSF = auto()
    GREY = auto()
    WHITE = auto()
    DEEP_GREY = auto()
    PALLIDUM = auto()
    BRAINSTEM = auto()
    CEREBELLUM = auto()
    DURA = auto()
    VENOUS_BLOOD = auto()
    ARTERY = auto()
    ACUTE_BLOOD = auto()
    CALCIFICATION = auto()
    VITREOUS = auto()
    LENS = auto()
    MUCOSA = auto()
    NERVE = auto()
    CARTILAGE = auto()
    PLASTIC = auto()
    FOAM = auto()
    LESION = auto()


CT_HU: Mapping[Tissue, float] = {
    Tissue.AIR: -1000,
    Tissue.SKIN: 45,
    Tissue.FAT: -95,
    Tissue.MUSCLE: 55,
    Tissue.CORTICAL_BONE: 1450,
    Tissue.MARROW: 520,
    Tissue.DENSE_BONE: 1850,
    Tissue.CSF: 6,
    Tissue.GREY: 40,
    Tissue.WHITE: 28,
    Tissue.DEEP_GREY: 37,
    Tissue.PALLIDUM: 36,
    Tissue.BRAINSTEM: 32,
    Tissue.CEREBELLUM: 37,
    Tissue.DURA: 58,
    Tissue.VENOUS_BLOOD: 52,
    Tissue.ARTERY: 45,
    Tissue.ACUTE_BLOOD: 68,
    Tissue.CALCIFICATION: 320,
    Tissue.VITREOUS: 9,
    Tissue.LENS: 105,
    Tissue.MUCOSA: 35,
    Tissue.NERVE: 32,
    Tissue.CARTILAGE: 110,
    Tissue.PLASTIC: 160,
    Tissue.FOAM: -880,
    Tissue.LESION: 24,
}
"""Unenhanced CT at 120 kV."""

MR_T2: Mapping[Tissue, float] = {
    Tissue.AIR: 0,
    Tissue.SKIN: 520,
    Tissue.FAT: 1250,
    Tissue.MUSCLE: 380,
    Tissue.CORTICAL_BONE: 15,
    Tissue.MARROW: 980,
    Tissue.DENSE_BONE: 10,
    Tissue.CSF: 2000,
    Tissue.GREY: 1060,
    Tissue.WHITE: 720,
    Tissue.DEEP_GREY: 900,
    Tissue.PALLIDUM: 640,
    Tissue.BRAINSTEM: 820,
    Tissue.CEREBELLUM: 1000,
    Tissue.DURA: 260,
    Tissue.VENOUS_BLOOD: 60,
    Tissue.ARTERY: 30,
    Tissue.ACUTE_BLOOD: 320,
    Tissue.CALCIFICATION: 180,
    Tissue.VITREOUS: 1900,
    Tissue.LENS: 230,
    Tissue.MUCOSA: 1400,
    Tissue.NERVE: 700,
    Tissue.CARTILAGE: 450,
    Tissue.PLASTIC: 0,
    Tissue.FOAM: 0,
    Tissue.LESION: 1650,
}
"""Axial T2 fast spin echo (TR 5000 ms, TE 100 ms) at 1.5 T, arbitrary units."""

_EQUATOR = 35.0  # z of the skull's widest section; above it the vault is an ellipsoid
_VAULT = (72.0, 92.0, 92.0)  # outer semi-axes of the vault (x, y, z)
_VAULT_CY = 4.0
_LOW_Z = np.array([-70.0, -45.0, -20.0, 0.0, _EQUATOR])
_LOW_AX = np.array([56.0, 62.0, 68.0, 71.0, _VAULT[0]])
_LOW_AY = np.array([70.0, 80.0, 87.0, 90.0, _VAULT[1]])
_LOW_CY = np.array([14.0, 10.0, 7.0, 5.0, _VAULT_CY])


@dataclass(frozen=True, slots=True)
class HeadOptions:
    elderly: bool  # widened sulci and ventricles, calcifications
    subdural_haematoma: bool  # acute right SDH, 4 mm midline shift, left occipital scalp swelling
    lesion: bool  # small left frontal white-matter lesion (bright on T2)


def skull_layer(z: float, inset: float) -> Ellipse | None:
    """The skull's outer surface moved inward by `inset` mm (negative: outward), at height z."""
    if z >= _EQUATOR:
        a, b, c = (_VAULT[0] - inset, _VAULT[1] - inset, _VAULT[2] - inset)
        return Ellipse(0.0, _VAULT_CY, _EQUATOR, a, b, c)
    a = float(np.interp(z, _LOW_Z, _LOW_AX)) - inset
    b = float(np.interp(z, _LOW_Z, _LOW_AY)) - inset
    cy = float(np.interp(z, _LOW_Z, _LOW_CY))
    return Ellipse(0.0, cy, z, a, b) if a > 1 and b > 1 else None


def _petrous_line(ax: np.ndarray) -> np.ndarray:
    """y of the petrous ridge (middle / posterior fossa border) at |x| = ax."""
    return -5.0 + 0.62 * np.maximum(ax - 12.0, 0.0)


def _floor(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """z of the floor of the cranial cavity: orbital roofs, middle fossae either side of the sella,
    the bowl of the posterior fossa and the foramen magnum."""
    ax = np.abs(x)
    anterior = 3.0 + 4.0 * np.exp(-(((ax - 30.0) / 14.0) ** 2)) - 6.0 * np.exp(-((x / 6.0) ** 2)) + 0 * y
    middle = -19.0 + 21.0 * np.exp(-((ax / 15.0) ** 2))
    posterior = np.minimum(-47.0 + 0.006 * (x * x + 1.3 * (y - 35.0) ** 2), -12.0)
    s1 = sigmoid((y - (-28.0 + 0.2 * ax)) / 2.0)
    s2 = sigmoid((y - _petrous_line(ax)) / 2.0)
    floor = anterior * (1 - s1) + middle * s1
    floor = floor * (1 - s2) + posterior * s2
    foramen = sigmoid((1.0 - np.sqrt((x / 15.0) ** 2 + ((y - 28.0) / 18.0) ** 2)) * 12.0)
    return floor - 60.0 * foramen


def _tentorium(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return -14.0 + 0.35 * (y - _petrous_line(np.abs(x))) - 0.004 * x * x


class HeadPhantom:
    def __init__(self, options: HeadOptions, values: Mapping[Tissue, float], seed: int) -> None:
        self.options = options
        self.values = values
        rng = np.random.default_rng(seed)
        extent = (-100.0, 100.0, -130.0, 130.0, -80.0, 140.0)
        self._gyri = SmoothNoise(rng, extent, 14.0)
        self._texture = SmoothNoise(rng, extent, 3.0)
        self._cells = SmoothNoise(rng, extent, 2.2)
        self.sulcus_width = 1.3 if options.elderly else 0.55
        self.subarachnoid = 2.6 if options.elderly else 1.3
        self.ventricle_scale = 1.3 if options.elderly else 0.95
        self.shift = 4.0 if options.subdural_haematoma else 0.0

    def v(self, tissue: Tissue) -> float:
        return float(self.values[tissue])

    # --- helpers ----------------------------------------------------------------------------------

    def _fill(self, canvas: Canvas, shape: Ellipse | Tube | None, tissue: Tissue) -> None:
        if shape is not None:
            canvas.fill(shape, self.v(tissue))

    def _pair(
        self,
        canvas: Canvas,
        tissue: Tissue,
        cx: float,
        cy: float,
        cz: float,
        a: float,
        b: float,
        c: float,
        angle: float = 0.0,
        midline: float = 0.0,
    ) -> None:
        """A left/right pair of ellipsoids, mirrored about the (possibly shifted) midline."""
        for side in (-1, 1):
            canvas.fill(Ellipse(midline + side * cx, cy, cz, a, b, c, side * angle), self.v(tissue))

    # --- the slice --------------------------------------------------------------------------------

    def paint(self, canvas: Canvas) -> None:
        z = canvas.z
        outer = skull_layer(z, -6.5)
        if outer is None:
            return
        self._support(canvas)
        self._scalp(canvas, z)
        head_window = canvas.window(outer.box(z))
        assert head_window is not None
        x, y = canvas.coords(head_window)
        floor = _floor(x, y)
        self._skull(canvas, head_window, floor)
        if z < 8:
            self._face(canvas, z)
        self._brain(canvas, head_window, floor)
        self._deep(canvas, z)
        if z < 20:
            self._skull_base_contents(canvas, z)
        self._vessels(canvas)
        if self.options.subdural_haematoma:
            self._haematoma(canvas, head_window, floor)

    def _support(self, canvas: Canvas) -> None:
        """The head rest under the occiput: a plastic shell and a foam cushion."""
        for radius, thickness, tissue in ((121.0, 4.0, Tissue.PLASTIC), (117.0, 14.0, Tissue.FOAM)):
            ring = Ellipse(0.0, 0.0, 0.0, radius, radius)
            window = canvas.window((-radius, radius, 55.0, radius))
            if window is None:
                continue
            _, y = canvas.coords(window)
            d = ring.distance(canvas, window)
            assert d is not None
            weight = canvas.soft(np.abs(d + thickness / 2) - thickness / 2) * (y > 60.0)
            canvas.paint(window, weight, self.v(tissue))

    def _scalp(self, canvas: Canvas, z: float) -> None:
        if self.options.subdural_haematoma and 20 < z < 90:
            # left occipital subgaleal haematoma at the point of impact
            canvas.fill(Ellipse(46.0, 72.0, 55.0, 26.0, 16.0, 30.0, -35.0), self.v(Tissue.ACUTE_BLOOD) - 10)
        if -45 < z < 10:
            self._fill(canvas, Ellipse(0.0, -96.0, -22.0, 13.0, 24.0, 28.0), Tissue.SKIN)  # nose
            for side in (-1, 1):  # auricles
                canvas.fill(
                    Ellipse(side * 76.0, 18.0, -18.0, 5.0, 15.0, 27.0, side * 12.0), self.v(Tissue.SKIN)
                )
                canvas.fill(
                    Ellipse(side * 76.0, 18.0, -18.0, 1.5, 12.0, 23.0, side * 12.0), self.v(Tissue.CARTILAGE)
                )
        for inset, tissue in ((-6.5, Tissue.SKIN), (-5.0, Tissue.FAT), (-1.6, Tissue.MUSCLE)):
            self._fill(canvas, skull_layer(z, inset), tissue)
        if -30 < z < 60:
            self._pair(canvas, Tissue.MUSCLE, 67.0, -8.0, 12.0, 7.0, 34.0, 48.0, 8.0)  # temporalis
        if -15 < z < 10:
            self._fill(canvas, Ellipse(0.0, -96.0, -22.0, 11.0, 21.0, 25.0), Tissue.SKIN)

    def _skull(self, canvas: Canvas, window: Window, floor: np.ndarray) -> None:
        """Tables and diploe of the vault and skull base, then the face and neck below the base."""
        z = canvas.z
        above_base = sigmoid((z - (floor - 9.0)) / 1.0)
        texture = self._texture.sample(canvas, window)
        diploe = self.v(Tissue.MARROW) + 0.25 * self.v(Tissue.MARROW) * texture
        for inset, value in (
            (0.0, self.v(Tissue.CORTICAL_BONE)),
            (1.8, diploe),
            (5.3, self.v(Tissue.CORTICAL_BONE)),
        ):
            layer = skull_layer(z, inset)
            weight = layer.weight(canvas, window) if layer is not None else None
            if weight is not None:
                canvas.paint(window, weight * above_base, value)
        layer = skull_layer(z, 0.0)
        weight = layer.weight(canvas, window) if layer is not None else None
        if weight is not None:  # face and neck below the skull base: muscle with fat planes
            planes = self._gyri.sample(canvas, window)
            soft = self.v(Tissue.MUSCLE) + canvas.soft(1.1 - planes) * (
                self.v(Tissue.FAT) - self.v(Tissue.MUSCLE)
            )
            canvas.paint(window, weight * (1 - above_base), soft)
        inner = skull_layer(z, 7.0)
        weight = inner.weight(canvas, window) if inner is not None else None
        if weight is not None:  # the skull base: 9 mm of bone under the floor of the cavity
            depth = np.clip((floor - z) / 9.0, 0.0, 1.0)
            base_value = np.where((depth > 0.2) & (depth < 0.8), diploe, self.v(Tissue.CORTICAL_BONE))
            canvas.paint(window, weight * above_base * canvas.soft(z - floor), base_value)

    def _intracranial(self, canvas: Canvas, window: Window, floor: np.ndarray, inset: float) -> np.ndarray:
        layer = skull_layer(canvas.z, 7.0 + inset)
        weight = layer.weight(canvas, window) if layer is not None else None
        if weight is None:
            return np.zeros((window[0].stop - window[0].start, window[1].stop - window[1].start), np.float32)
        return weight * canvas.soft(floor + inset - canvas.z)

    def _brain(self, canvas: Canvas, window: Window, floor: np.ndarray) -> None:
        z = canvas.z
        cavity = self._intracranial(canvas, window, floor, 0.0)
        canvas.paint(window, cavity, self.v(Tissue.CSF))
        brain = self._intracranial(canvas, window, floor, self.subarachnoid)
        if not brain.any():
            return
        x, y = canvas.coords(window)
        layer = skull_layer(z, 7.0 + self.subarachnoid)
        assert layer is not None
        d_layer = layer.distance(canvas, window)
        assert d_layer is not None
        depth = np.minimum(-d_layer, z - floor - self.subarachnoid)  # distance to the brain surface
        # falx and interhemispheric fissure (shifted toward the left by the haematoma)
        infra = canvas.soft(z - _tentorium(x, y)) * sigmoid((y - _petrous_line(np.abs(x))) / 1.5)
        midline = self.shift * np.exp(-((y / 45.0) ** 2))
        dx_mid = np.abs(x - midline)
        fissure_floor = 58.0 - 85.0 * sigmoid((np.abs(y) - 36.0) / 4.0)
        in_fissure = (z > fissure_floor) * (1 - infra)
        fissure_half = 1.4 if self.options.elderly else 0.7
        medial = np.where(in_fissure > 0.5, dx_mid - fissure_half, 1e3)
        # gyri: tortuous sulci perpendicular to the convexity, their pattern drifting with z
        cy = 8.0
        r = np.sqrt(x * x + (y - cy) ** 2) + 1e-3
        phi = np.arctan2(y - cy, x)
        count = 40.0
        wobble = self._gyri.sample(canvas, window)
        phase = count * phi + 2.0 * np.sin(3 * phi + z / 23.0) + z / 9.0 + 4.0 * wobble
        wrapped = np.mod(phase + np.pi, 2 * np.pi) - np.pi
        sulcus_index = np.floor((phase + np.pi) / (2 * np.pi))
        sulcus_depth = 8.0 + 9.0 * np.mod(np.sin(sulcus_index * 12.9898) * 43758.5453, 1.0)
        to_sulcus = r * np.abs(wrapped) / count
        half = self.sulcus_width * np.sqrt(np.clip(1 - depth / sulcus_depth, 0.0, 1.0))
        e_csf = np.maximum(to_sulcus - half, depth - sulcus_depth)
        cortex = 2.6
        e_grey = np.minimum(
            np.minimum(depth, medial) - cortex,
            np.maximum(to_sulcus - half - cortex, depth - sulcus_depth - cortex),
        )
        w_grey = canvas.soft(e_grey)
        w_csf = canvas.soft(e_csf) * (depth > 0.8)
        white, grey, csf = self.v(Tissue.WHITE), self.v(Tissue.GREY), self.v(Tissue.CSF)
        supra = white + w_grey * (grey - white)
        supra = supra + w_csf * (csf - supra)
        # posterior fossa: cerebellum with folia, below the tentorium and behind the petrous ridges
        folia = np.cos(2 * np.pi * np.maximum(depth, 0) / 3.2 + 3.0 * wobble + 0.15 * x)
        cerebellum = np.where(depth > 14.0, white, self.v(Tissue.CEREBELLUM))
        cerebellum = cerebellum + (folia > 0.85) * (depth < 14.0) * 0.2 * (csf - cerebellum)
        value = supra + infra * (cerebellum - supra)
        canvas.paint(window, brain, value)
        # interhemispheric fissure (CSF) with the falx in it
        fissure = canvas.soft(dx_mid - fissure_half) * in_fissure * cavity
        canvas.paint(window, fissure, csf)
        falx = canvas.soft(dx_mid - 0.45) * in_fissure * cavity
        canvas.paint(window, falx * 0.9, self.v(Tissue.DURA))

    def _deep(self, canvas: Canvas, z: float) -> None:
        """Ventricles, basal ganglia, thalami, insulae, cisterns, brainstem."""
        if not -48 < z < 75:
            return
        m = self.shift
        s = self.ventricle_scale
        csf, deep = Tissue.CSF, Tissue.DEEP_GREY
        if 5 < z < 60:  # Sylvian fissures and insular cortex
            self._pair(canvas, Tissue.GREY, 37.0, 0.0, 27.0, 5.0, 23.0, 15.0)
            self._pair(canvas, csf, 41.0, 0.0, 27.0, 2.2 if self.options.elderly else 1.2, 21.0, 13.0)
            self._pair(canvas, csf, 52.0, -8.0, 22.0, 12.0, 2.4 if self.options.elderly else 1.2, 9.0, 12.0)
        if 20 < z < 70:  # lateral ventricles, the right one squeezed by the haematoma
            for side in (-1, 1):
                k = s * (0.72 if (self.options.subdural_haematoma and side < 0) else 1.0)
                parts = (
                    (11.0, -20.0, 44.0, 6.0, 15.0, 8.0, -15.0),  # frontal horn
                    (12.0, 4.0, 50.0, 6.0, 22.0, 6.5, 0.0),  # body
                    (20.0, 28.0, 41.0, 8.0, 10.0, 9.0, 20.0),  # atrium
                    (23.0, 42.0, 37.0, 3.5, 10.0, 5.0, 15.0),  # occipital horn
                )
                for cx, cy, cz, a, b, c, angle in parts:
                    canvas.fill(
                        Ellipse(m + side * (cx + (k - 1) * 4), cy, cz, a * k, b * k, c * k, side * angle),
                        self.v(csf),
                    )
            self._pair(canvas, deep, 17.0, -17.0, 40.0, 6.0, 10.0, 10.0, -15.0, midline=m)  # caudate heads
            self._pair(canvas, deep, 26.0, -2.0, 32.0, 6.0, 16.0, 11.0, midline=m)  # putamina
            self._pair(canvas, Tissue.PALLIDUM, 20.5, 0.0, 30.0, 3.5, 8.0, 7.0, midline=m)
            self._pair(canvas, deep, 10.5, 14.0, 34.0, 8.5, 12.5, 10.0, midline=m)  # thalami
            self._fill(canvas, Ellipse(m, 6.0, 31.0, 2.0 * s, 13.0, 9.0), csf)  # third ventricle
            if self.options.elderly:
                self._pair(canvas, Tissue.CALCIFICATION, 20.0, 28.0, 40.0, 2.6, 3.2, 2.6, midline=m)
                self._fill(canvas, Ellipse(m, 22.0, 33.0, 2.2, 2.6, 2.2), Tissue.CALCIFICATION)
        if self.options.lesion:
            self._fill(canvas, Ellipse(21.0, -27.0, 47.0, 3.6, 4.2, 3.4), Tissue.LESION)
        if 0 < z < 25:  # temporal horns
            self._pair(canvas, csf, 32.0, -6.0, 13.0, 2.0 * s, 11.0, 3.0, -10.0, midline=m)
        if -5 < z < 16:  # suprasellar, ambient and quadrigeminal cisterns around the midbrain
            self._fill(canvas, Ellipse(0.0, -8.0, 6.0, 15.0, 13.0, 7.0), csf)
            self._fill(canvas, Ellipse(m, 10.0, 7.0, 17.0, 15.0, 9.0), csf)
            self._fill(canvas, Ellipse(m, 9.0, 7.0, 12.0, 11.0, 10.0), Tissue.BRAINSTEM)
            self._fill(canvas, Ellipse(m, 5.0, 7.0, 4.0, 3.0, 8.0), Tissue.DEEP_GREY)  # red nuclei region
            self._fill(canvas, Ellipse(m, 17.5, 7.0, 1.2, 1.2, 9.0), csf)  # aqueduct
        if -48 < z < 2:
            self._fill(canvas, Ellipse(0.0, 6.0, -16.0, 15.0, 9.0, 19.0), csf)  # prepontine cistern
            self._fill(canvas, Ellipse(0.0, 15.0, -13.0, 16.0, 14.0, 12.0), Tissue.BRAINSTEM)  # pons
            self._fill(canvas, Ellipse(0.0, 23.0, -36.0, 9.5, 9.5, 16.0), Tissue.BRAINSTEM)  # medulla
            self._fill(canvas, Ellipse(0.0, 29.0, -17.0, 6.0, 4.0, 8.0), csf)  # fourth ventricle
            self._fill(canvas, Ellipse(0.0, 62.0, -34.0, 14.0, 11.0, 8.0), csf)  # cisterna magna

    def _face(self, canvas: Canvas, z: float) -> None:
        """Orbits, nasal cavity, ethmoid cells, maxillary and sphenoid sinuses."""
        bone, air = self.v(Tissue.CORTICAL_BONE), self.v(Tissue.AIR)
        if -32 < z < 8:
            for side in (-1, 1):
                sx = side * 31.0
                canvas.fill(Ellipse(sx, -58.0, -11.0, 20.0, 27.0, 15.0, side * 20.0), bone)
                canvas.fill(Ellipse(sx, -60.0, -11.0, 17.5, 25.0, 13.0, side * 20.0), self.v(Tissue.FAT))
                canvas.fill(
                    Ellipse(side * 17.0, -55.0, -9.0, 2.6, 15.0, 4.5, side * 8.0), self.v(Tissue.MUSCLE)
                )
                canvas.fill(
                    Ellipse(side * 44.0, -56.0, -9.0, 2.6, 15.0, 4.5, side * 30.0), self.v(Tissue.MUSCLE)
                )
                canvas.fill(
                    Tube.of([(side * 30.0, -60.0, -9.0), (side * 16.0, -28.0, -6.0)], 2.4),
                    self.v(Tissue.NERVE),
                )
                canvas.fill(Ellipse(side * 32.0, -71.0, -9.0, 12.2, 12.2, 12.2), self.v(Tissue.SKIN))
                canvas.fill(Ellipse(side * 32.0, -71.0, -9.0, 11.2, 11.2, 11.2), self.v(Tissue.VITREOUS))
                canvas.fill(Ellipse(side * 32.0, -81.0, -9.0, 4.5, 1.8, 4.5), self.v(Tissue.LENS))
        if -70 < z < 2:  # ethmoid labyrinth and nasal fossae between the orbits
            window = canvas.window((-14.0, 14.0, -96.0, -30.0))
            if window is not None:
                x, _ = canvas.coords(window)
                cells = self._cells.sample(canvas, window)
                box = Ellipse(0.0, -61.0, z, 12.5, 28.0).weight(canvas, window)
                assert box is not None
                septa = np.where(np.abs(cells) < 0.18, bone, air)
                if z < -22:  # nasal fossae: air, septum, turbinates
                    septa = np.where(np.abs(x) < 1.2, bone, air)
                    turbinate = (np.abs(np.abs(x) - 10.0) < 3.0) & (np.abs(cells) < 0.7)
                    septa = np.where(turbinate, self.v(Tissue.MUCOSA), septa)
                canvas.paint(window, box, septa)
        if -70 < z < -18:  # maxillary sinuses
            for side in (-1, 1):
                canvas.fill(Ellipse(side * 31.0, -58.0, -42.0, 18.0, 21.0, 17.0), bone)
                canvas.fill(Ellipse(side * 31.0, -58.0, -42.0, 16.2, 19.2, 15.5), self.v(Tissue.MUCOSA))
                canvas.fill(Ellipse(side * 31.0, -58.0, -42.0, 14.8, 17.8, 14.2), air)
        if -30 < z < 0:  # sphenoid sinus under the sella
            canvas.fill(Ellipse(0.0, -22.0, -13.0, 18.0, 14.0, 11.5), bone)
            canvas.fill(Ellipse(0.0, -22.0, -13.0, 16.0, 12.0, 9.5), air)
        if -70 < z < -38:  # nasopharynx
            canvas.fill(Ellipse(0.0, -24.0, -52.0, 13.0, 9.0, 12.0), air)

    def _skull_base_contents(self, canvas: Canvas, z: float) -> None:
        """Petrous bones with the inner ear, mastoid cells, external auditory canals, C1 and dens."""
        air = self.v(Tissue.AIR)
        if -40 < z < -8:
            for side in (-1, 1):
                canvas.fill(
                    Tube.of([(side * 60.0, 28.0, -24.0), (side * 16.0, -6.0, -20.0)], [9.0, 6.0]),
                    self.v(Tissue.DENSE_BONE),
                )
                canvas.fill(Ellipse(side * 36.0, 6.0, -23.0, 2.4, 2.4, 2.4), self.v(Tissue.CSF))  # vestibule
                canvas.fill(
                    Tube.of([(side * 35.0, 5.0, -22.0), (side * 22.0, 6.0, -21.0)], 1.8), self.v(Tissue.CSF)
                )  # internal auditory canal
        if -50 < z < -10:
            for side in (-1, 1):
                window = canvas.window((side * 56.0 - 15, side * 56.0 + 15, 22.0, 52.0))
                if window is None:
                    continue
                cells = self._cells.sample(canvas, window)
                mastoid = Ellipse(side * 56.0, 37.0, -28.0, 12.0, 13.0, 15.0)
                weight = mastoid.weight(canvas, window)
                if weight is not None:
                    canvas.paint(
                        window, weight, np.where(np.abs(cells) < 0.25, self.v(Tissue.DENSE_BONE), air)
                    )
                canvas.fill(Tube.of([(side * 78.0, 16.0, -24.0), (side * 58.0, 14.0, -23.0)], 3.8), air)
        if z < -44:
            canvas.fill(Ellipse(0.0, -10.0, -60.0, 11.0, 4.5, 14.0), self.v(Tissue.CORTICAL_BONE))  # C1 arch
            canvas.fill(Ellipse(0.0, 2.0, -60.0, 6.0, 6.0, 17.0), self.v(Tissue.MARROW))  # dens

    def _vessels(self, canvas: Canvas) -> None:
        """Dural venous sinuses and the main arteries (flow voids on T2)."""
        z = canvas.z
        venous, artery = self.v(Tissue.VENOUS_BLOOD), self.v(Tissue.ARTERY)
        inner = skull_layer(z, 7.0)
        if inner is not None and z > 10:
            k = inner._scale(z)
            for end in (-1, 1):  # superior sagittal sinus, front and back of the falx
                canvas.fill(Ellipse(0.0, inner.cy + end * (inner.b * k - 3.2), z, 3.6, 2.8), venous)
        for side in (-1, 1):
            canvas.fill(
                Tube.of(
                    [
                        (0.0, 86.0, 8.0),
                        (side * 40.0, 72.0, 2.0),
                        (side * 58.0, 48.0, -6.0),
                        (side * 50.0, 30.0, -24.0),
                        (side * 34.0, 22.0, -42.0),
                    ],
                    4.0,
                ),
                venous,
            )
            canvas.fill(
                Tube.of(
                    [
                        (side * 20.0, 0.0, -60.0),
                        (side * 18.0, -4.0, -30.0),
                        (side * 15.0, -14.0, -18.0),
                        (side * 15.0, -14.0, 2.0),
                    ],
                    2.6,
                ),
                artery,
            )
            canvas.fill(Tube.of([(side * 15.0, -12.0, 2.0), (side * 38.0, -8.0, 8.0)], 1.6), artery)
            canvas.fill(Tube.of([(side * 14.0, -14.0, 3.0), (side * 3.0, -24.0, 7.0)], 1.3), artery)
            canvas.fill(
                Tube.of([(side * 9.0, 22.0, -60.0), (side * 5.0, 10.0, -40.0), (0.0, 6.0, -36.0)], 1.8),
                artery,
            )
        canvas.fill(Tube.of([(0.0, 6.0, -36.0), (0.0, 1.0, -2.0)], 1.9), artery)  # basilar

    def _haematoma(self, canvas: Canvas, window: Window, floor: np.ndarray) -> None:
        """Acute right fronto-temporo-parietal subdural haematoma (crescent, up to 9 mm thick)."""
        z = canvas.z
        if not 8 < z < 88:
            return
        thickness = 9.5 * math.sin(math.pi * (z - 8) / 80.0) ** 0.7
        inner = skull_layer(z, 7.0)
        assert inner is not None
        x, _ = canvas.coords(window)
        cavity = self._intracranial(canvas, window, floor, 0.0)
        shifted = Ellipse(inner.cx + thickness, inner.cy, inner.cz, inner.a, inner.b, inner.c)
        d = shifted.distance(canvas, window)
        assert d is not None
        weight = cavity * (1 - canvas.soft(d)) * (x < 0)
        heterogeneity = 4.0 * self._texture.sample(canvas, window)
        canvas.paint(window, weight, self.v(Tissue.ACUTE_BLOOD) + heterogeneity)
