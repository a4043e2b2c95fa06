"""Window presets and their keys, as Weasis users expect them: 0 automatic, 1-2 the header's windows,
3-9 the CT presets. Qt-free: the widget only maps a key to :func:`preset_for_key`.

The CT values (centre / width in HU) are the usual ones of radiology teaching (Radiopaedia's
"windowing (CT)" table): a radiologist switching from another viewer must find the same picture.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from viewer.windowing import WindowLevel

# Automatic window: the central part of the histogram, so that air around the patient and metal do not
# flatten the contrast of the tissues (what "auto" does in Weasis and RadiAnt).
AUTO_PERCENTILES = (0.5, 99.5)


@dataclass(frozen=True, slots=True)
class CtPreset:
    name: str  # French, shown in menus
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
    CtPreset("Cerveau", 40, 80, "3"),
    CtPreset("Sous-dural", 75, 215, "4"),
    CtPreset("AVC", 40, 40, "5"),
    CtPreset("Poumon", -600, 1500, "6"),
    CtPreset("Médiastin", 50, 350, "7"),
    CtPreset("Os", 400, 1800, "8"),
    CtPreset("Abdomen", 40, 400, "9"),
    CtPreset("Foie", 30, 150, None),  # eight presets for seven keys: the liver is in the menu only
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
