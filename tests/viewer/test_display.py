"""Display details of the 2D view: the fast LINEAR table equals the PS3.3 formula, Weasis keys, the
automatic window, rectangular pixels drawn to scale and mapped back exactly."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.viewer.factories import axial_positions, write_series
from viewer.loader import load_study
from viewer.presets import CT_PRESETS, PresetKind, auto_window, preset_for_key
from viewer.slice_view import SliceView
from viewer.windowing import Rendering, VoiFunction, WindowLevel, apply_window


@pytest.mark.parametrize(("center", "width", "slope", "intercept", "invert"), [
    (40, 80, 1.0, -1024.0, False), (40.5, 2, 1.0, -1024.0, True), (-600, 1500, 0.5, -1000.0, False),
    (1000.25, 333.3, 2.0, 0.0, True),
])
def test_fast_linear_table_equals_the_standard_formula(center: float, width: float, slope: float,
                                                       intercept: float, invert: bool) -> None:
    rendering = Rendering(slope, intercept, WindowLevel(center, width), invert)
    fast = rendering.lut(-32768, 32767)
    values = np.arange(-32768, 32768, dtype=np.float64) * slope + intercept
    reference = apply_window(values, WindowLevel(center, width), 0.0, 1.0)
    if invert:
        reference = 1.0 - reference
    assert np.array_equal(fast, np.rint(reference * 255.0).astype(np.uint8))
    # the other functions still take the general path
    sigmoid = Rendering(slope, intercept, WindowLevel(center, width, VoiFunction.SIGMOID), invert)
    with np.errstate(over="ignore"):
        assert sigmoid.lut(0, 10).dtype == np.uint8


def test_weasis_keys() -> None:
    assert preset_for_key("0").kind is PresetKind.AUTO  # type: ignore[union-attr]
    header = preset_for_key("2")
    assert header is not None and header.kind is PresetKind.HEADER and header.header_index == 1
    lung = preset_for_key("6")
    assert lung is not None and lung.ct is not None and lung.ct.name == "Poumon"
    assert [p.key for p in CT_PRESETS] == ["3", "4", "5", "6", "7", "8", "9", None]
    assert preset_for_key("x") is None


def test_auto_window_ignores_the_tails() -> None:
    values = np.zeros((100, 100), dtype=np.float32)
    values[:, 50:] = 100.0
    values[0, 0], values[0, 1] = -3000.0, 3000.0  # air and metal: two pixels must not set the window
    window = auto_window(values)
    assert window.center == pytest.approx(50.0) and window.width == pytest.approx(100.0)


def test_rectangular_pixels_are_drawn_to_scale(tmp_path: Path) -> None:
    pixels = (np.arange(4 * 6, dtype=np.uint16).reshape(4, 6) + 1000).astype(np.uint16)
    write_series(tmp_path, axial_positions(2), pixels_for=lambda _: pixels, spacing=(1.0, 0.5))
    view = SliceView(load_study(tmp_path).series[0])
    assert view.pixel_aspect() == (1.0, 2.0)  # rows are 1 mm apart, columns 0.5 mm
    assert view.displayed_extent() == (6.0, 8.0)
    view.fit((60, 80))
    assert view.state.zoom == pytest.approx(10.0)
    assert view.display_rect((60, 80)) == pytest.approx((0.0, 0.0, 60.0, 80.0))
    for rotation in range(4):
        for flipped in (False, True):
            view._set(rotation=rotation, flipped=flipped)
            for column, row in ((0.0, 0.0), (5.0, 3.0), (2.25, 1.5)):
                x, y = view.image_to_display(column, row, (60, 80))
                assert view.display_to_image(x, y, (60, 80)) == pytest.approx((column, row))
    view._set(rotation=1, flipped=False)
    assert view.displayed_extent() == (8.0, 6.0)
    # a clockwise quarter turn puts the first row on the right edge; rows (1 mm) are 20 display px apart
    assert view.image_to_display(0, 0, (80, 60)) == pytest.approx((70.0, 5.0))
    assert view.image_to_display(0, 1, (80, 60)) == pytest.approx((50.0, 5.0))
    assert view.image_to_display(1, 0, (80, 60)) == pytest.approx((70.0, 15.0))
