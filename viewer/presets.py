"""Window presets and their keys, as Weasis users expect them: 0 automatic, 1-2 the header's windows,
3-9 the CT presets. Qt-free: the widget only maps a key to :func:`preset_for_key`.

The CT values (centre / width in HU) are the usual ones of radiology teaching (Radiopaedia's
"windowing (CT)" table): a radiologist switching from another viewer must find the same picture.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from resources.translations import QT_TRANSLATE_NOOP
from viewer.windowing import WindowLevel

# Automatic window: the central part of the histogram, so that air around the patient and metal do not
# flatten the contrast of the tissues (what "auto" does in Weasis and RadiAnt).
AUTO_PERCENTILES = (0.5, 99.5)


@dataclass(frozen=True, slots=True)
class CtPreset:
    name: str  # French, marked for translation, shown in menus
    center: float
    width: float
    key: str | None  # keyboard key, None for menu only

    @property
    def window(self) -> WindowLevel:
        return WindowLevel(self.center, self.width)

    def label(self) -> str:
        shortcut = f" ({self.key})" if self.key else ""
        return f"{self.name} — C {self.center:g} / L {self.width:g}{shortcut}"


CT_PRESETS: tuple[CtPreset, ...] = (
    CtPreset(QT_TRANSLATE_NOOP("CtPreset", "Cerveau"), 40, 80, "3"),
    CtPreset(QT_TRANSLATE_NOOP("CtPreset", "Sous-dural"), 75, 215, "4"),
    CtPreset(QT_TRANSLATE_NOOP("CtPreset", "AVC"), 40, 40, "5"),
    CtPreset(QT_TRANSLATE_NOOP("CtPreset", "Poumon"), -600, 1500, "6"),
    CtPreset(QT_TRANSLATE_NOOP("CtPreset", "Médiastin"), 50, 350, "7"),
    CtPreset(QT_TRANSLATE_NOOP("CtPreset", "Os"), 400, 1800, "8"),
    CtPreset(QT_TRANSLATE_NOOP("CtPreset", "Abdomen"), 40, 400, "9"),
    # eight presets for seven keys: the liver is in the menu only
    CtPreset(QT_TRANSLATE_NOOP("CtPreset", "Foie"), 30, 150, None),
)


class PresetKind(Enum):
    AUTO = "auto"
    HEADER = "header"
    CT = "ct"


@dataclass(frozen=True, slots=True)
class PresetChoice:
    kind: PresetKind
    header_index: int = 0
    ct: CtPreset | None = None


def preset_for_key(key: str) -> PresetChoice | None:
    """The preset a digit key selects, None for any other key."""
    if key == "0":
        return PresetChoice(PresetKind.AUTO)
    if key in ("1", "2"):
        return PresetChoice(PresetKind.HEADER, header_index=int(key) - 1)
    for preset in CT_PRESETS:
        if preset.key == key:
            return PresetChoice(PresetKind.CT, ct=preset)
    return None


def auto_window(values: np.ndarray) -> WindowLevel:
    """A window over the central histogram of one slice in Modality LUT units (HU for CT).

    ``values`` may be a strided view; a sample of every other pixel is enough and twice as fast.
    """
    sample = values[::2, ::2] if values.ndim == 2 else values
    low, high = np.percentile(sample, AUTO_PERCENTILES)
    width = max(float(high - low), 1.0)
    return WindowLevel(float(low) + width / 2.0, width)


@dataclass(frozen=True, slots=True)
class VolumePreset:
    """A volume rendering transfer function in Modality LUT units (HU for CT).

    ``opacity``: (value, opacity 0-1) points; ``colour``: (value, r, g, b 0-1) points; piecewise linear.
    """

    name: str  # French, marked for translation
    opacity: tuple[tuple[float, float], ...]
    colour: tuple[tuple[float, float, float, float], ...]
    shade: bool = True


# The usual CT presets of 3D viewers (3D Slicer's "CT-Bone", "CT-Soft-Tissue", "CT-AAA", "CT-Skin"),
# simplified to a few points each.
VOLUME_PRESETS: tuple[VolumePreset, ...] = (
    VolumePreset(QT_TRANSLATE_NOOP("VolumePreset", "Os"),
                 ((-1000, 0.0), (150, 0.0), (300, 0.35), (1500, 0.85)),
                 ((-1000, 0.0, 0.0, 0.0), (150, 0.55, 0.25, 0.15), (300, 0.95, 0.85, 0.7),
                  (1500, 1.0, 1.0, 0.95))),
    VolumePreset(QT_TRANSLATE_NOOP("VolumePreset", "Tissus mous"),
                 ((-1000, 0.0), (-200, 0.0), (0, 0.08), (100, 0.25), (500, 0.6)),
                 ((-1000, 0.0, 0.0, 0.0), (-200, 0.6, 0.3, 0.2), (0, 0.85, 0.5, 0.4), (500, 1.0, 0.95, 0.9))),
    VolumePreset(QT_TRANSLATE_NOOP("VolumePreset", "Vaisseaux (injecté)"),
                 ((-1000, 0.0), (120, 0.0), (200, 0.5), (600, 0.8)),
                 ((-1000, 0.0, 0.0, 0.0), (120, 0.6, 0.05, 0.05), (250, 0.95, 0.3, 0.25),
                  (600, 1.0, 0.95, 0.9))),
    VolumePreset(QT_TRANSLATE_NOOP("VolumePreset", "Peau"),
                 ((-1000, 0.0), (-500, 0.0), (-300, 0.5), (500, 0.6)),
                 ((-1000, 0.0, 0.0, 0.0), (-500, 0.75, 0.55, 0.45), (500, 0.95, 0.8, 0.7))),
)
