"""Window/level against the PS3.3 C.11.2.1.2 formulas computed by hand, edges included, and the GSDF."""
from __future__ import annotations

import math

import numpy as np
import pytest

from viewer import gsdf
from viewer.headers import VoiLut, Window
from viewer.windowing import (
    Rendering,
    VoiFunction,
    WindowLevel,
    apply_voi_lut,
    apply_window,
    default_window,
    render,
)

LINEAR, EXACT, SIGMOID = VoiFunction.LINEAR, VoiFunction.LINEAR_EXACT, VoiFunction.SIGMOID


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (-1000.0, 0.0),
        (-160.0, 0.0),  # x <= c - 0.5 - (w-1)/2 = -160 -> ymin
        (-159.0, (((-159 - 39.5) / 399) + 0.5) * 255),  # first step of the ramp, 0.639...
        (39.5, 127.5),  # c - 0.5 is the middle of the ramp
        (239.0, 255.0),  # c - 0.5 + (w-1)/2 = 239 is still on the ramp, and maps to ymax
        (239.5, 255.0),  # > 239 -> ymax
        (3000.0, 255.0),
    ],
)
def test_linear_c40_w400(x: float, expected: float) -> None:
    assert float(apply_window(x, WindowLevel(40, 400, LINEAR))) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    ("x", "expected"),
    [(99.0, 0.0), (99.5, 0.0), (99.5000001, 255.0), (100.0, 255.0), (-5.0, 0.0), (7000.0, 255.0)],
)
def test_linear_width_one_is_a_threshold_at_c_minus_half(x: float, expected: float) -> None:
    """C.11.2.1.2.1 with w = 1: both bounds are c - 0.5; no division by w - 1 = 0."""
    assert float(apply_window(x, WindowLevel(100, 1, LINEAR))) == expected


@pytest.mark.parametrize(("x", "expected"), [(99.0, 0.0), (99.5, 127.5), (100.0, 255.0), (100.1, 255.0)])
def test_linear_width_two(x: float, expected: float) -> None:
    assert float(apply_window(x, WindowLevel(100, 2, LINEAR))) == pytest.approx(expected)


def test_linear_refuses_width_below_one() -> None:
    with pytest.raises(ValueError, match="not valid"):
        WindowLevel(100, 0.5, LINEAR)


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (-160.0, 0.0),  # x <= c - w/2
        (-159.0, (((-159 - 40) / 400) + 0.5) * 255),
        (40.0, 127.5),
        (240.0, 255.0),  # c + w/2 is on the ramp and maps to ymax
        (240.01, 255.0),
    ],
)
def test_linear_exact_c40_w400(x: float, expected: float) -> None:
    assert float(apply_window(x, WindowLevel(40, 400, EXACT))) == pytest.approx(expected)


def test_linear_exact_accepts_a_width_below_one_but_not_zero() -> None:
    window = WindowLevel(10, 0.5, EXACT)
    assert float(apply_window(9.75, window)) == 0.0  # x <= c - w/2
    assert float(apply_window(10.0, window)) == pytest.approx(127.5)
    assert float(apply_window(10.25, window)) == pytest.approx(255.0)  # c + w/2 is on the ramp
    with pytest.raises(ValueError, match="not valid"):
        WindowLevel(10, 0, EXACT)


@pytest.mark.parametrize(
    ("x", "expected"),
    [(40.0, 127.5), (140.0, 255 / (1 + math.exp(-1))), (-60.0, 255 / (1 + math.e)), (1e6, 255.0)],
)
def test_sigmoid(x: float, expected: float) -> None:
    assert float(apply_window(x, WindowLevel(40, 400, SIGMOID))) == pytest.approx(expected)


def test_output_range_is_respected() -> None:
    """ymin/ymax are parameters of the formulas, not a hidden 0..255."""
    window = WindowLevel(40, 400, LINEAR)
    assert float(apply_window(39.5, window, y_min=10.0, y_max=20.0)) == pytest.approx(15.0)
    assert float(apply_window(-500, window, y_min=10.0, y_max=20.0)) == 10.0


def test_unknown_voi_function_means_linear() -> None:
    assert VoiFunction.from_header("linear_exact") is EXACT
    assert VoiFunction.from_header("GAMMA") is LINEAR
    assert WindowLevel.from_header(Window(40, 0.4), "LINEAR").width == 1.0  # clamped to the legal minimum


def test_voi_lut_clamps_outside_its_input_range() -> None:
    lut = VoiLut(first_mapped=-10, bits=12, data=(0, 100, 200, 4095))
    x = np.array([-20, -10, -9, -8.5, -7, 1000])
    assert apply_voi_lut(x, lut).tolist() == [0, 0, 100, 100, 4095, 4095]  # -8.5 is floored


def test_rendering_inverts_monochrome1_after_the_window() -> None:
    window = WindowLevel(40, 400, LINEAR)
    normal = Rendering(1.0, 0.0, window).p_values(np.array([-200, 39.5, 300]))
    inverted = Rendering(1.0, 0.0, window, invert=True).p_values(np.array([-200, 39.5, 300]))
    assert normal.tolist() == [0.0, 0.5, 1.0]
    assert inverted.tolist() == [1.0, 0.5, 0.0]


def test_rendering_applies_the_rescale_before_the_window() -> None:
    # stored 1064 with slope 1, intercept -1024 is 40 HU, the window centre (c - 0.5 would be 39.5)
    rendering = Rendering(1.0, -1024.0, WindowLevel(40.5, 400, LINEAR))
    assert rendering.p_values(np.array([1064])).tolist() == [0.5]


@pytest.mark.parametrize("dtype", [np.int16, np.uint16, np.uint8, np.int8, np.int32])
def test_table_rendering_equals_the_formula_per_pixel(dtype: type) -> None:
    info = np.iinfo(dtype)
    rng = np.random.default_rng(1)
    low, high = max(info.min, -3000), min(info.max, 3000)
    stored = rng.integers(low, high, size=(37, 41), endpoint=True).astype(dtype)
    rendering = Rendering(0.5, -100.0, WindowLevel(50, 300, LINEAR), invert=True)
    expected = np.rint(rendering.p_values(stored) * 255).astype(np.uint8)
    assert np.array_equal(render(stored, rendering), expected)


def test_rendering_with_a_voi_lut_scales_its_output_bits() -> None:
    lut = VoiLut(first_mapped=0, bits=8, data=(0, 51, 255))
    image = render(np.array([[0, 1, 2, 9]], dtype=np.uint16), Rendering(1.0, 0.0, lut))
    assert image.tolist() == [[0, 51, 255, 255]]


def test_calibration_table_is_applied_last() -> None:
    calibration = np.arange(255, -1, -1, dtype=np.uint8)  # any P-value -> driving level table
    image = render(np.array([[0, 255]], dtype=np.uint8), Rendering(1.0, 0.0, WindowLevel(127.5, 256),
                                                                      calibration=calibration))
    assert image.tolist() == [[255, 0]]


def test_default_window_prefers_the_header_then_spans_the_values() -> None:
    assert default_window((Window(40, 80),), "LINEAR", (-1024, 3000)) == WindowLevel(40, 80)
    spanning = default_window((), "", (-1024.0, 1023.0))
    assert float(apply_window(-1024, spanning)) == 0.0
    assert float(apply_window(1023, spanning)) == 255.0


def test_gsdf_end_points_and_round_trip() -> None:
    """PS3.14: j = 1 is 0.05 cd/m2, j = 1023 is 3993.4 cd/m2; the two fitted formulas agree."""
    assert float(gsdf.luminance(1)) == pytest.approx(0.05, rel=1e-3)
    assert float(gsdf.luminance(1023)) == pytest.approx(3993.4, rel=1e-3)
    j = np.arange(1, 1024)
    assert np.max(np.abs(gsdf.jnd_index(gsdf.luminance(j)) - j)) < 0.2


def test_gsdf_calibration_of_a_display_already_on_the_curve_is_identity() -> None:
    measured = gsdf.luminance(np.linspace(gsdf.jnd_index(0.5), gsdf.jnd_index(350.0), 256))
    assert np.array_equal(gsdf.calibration_lut(measured), np.arange(256))


def test_gsdf_calibration_of_a_gamma_display_equalises_jnd_steps() -> None:
    levels = np.linspace(0, 1, 1024)
    measured = 0.5 + 299.5 * levels**2.2  # a plain gamma 2.2 panel with 10-bit input
    table = gsdf.calibration_lut(measured, ambient=0.2, output_levels=1024)  # a 30-bit surface
    assert table[0] == 0 and table[-1] == 1023 and np.all(np.diff(table.astype(int)) >= 0)
    steps = np.diff(gsdf.jnd_index(measured[table] + 0.2))
    assert steps.std() < 0.15 * steps.mean()  # quantisation near black; uncalibrated is far wider
    raw = np.diff(gsdf.jnd_index(measured[np.linspace(0, 1023, 256).astype(int)] + 0.2))
    assert raw.std() > 0.3 * raw.mean()


def test_gsdf_refuses_measurements_it_cannot_use() -> None:
    with pytest.raises(ValueError, match="increase"):
        gsdf.calibration_lut([1.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="range"):
        gsdf.calibration_lut([0.01, 100.0])
