"""The display path (issue 24): one table lookup from the stored slice to RGB32 pixels must show exactly
what the PS3.3 greyscale pipeline gives, for every stored type, orientation, polarity and calibration."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tests.viewer.factories import axial_positions, write_series
from viewer.loader import load_study
from viewer.slice_view import SliceView
from viewer.windowing import Rendering, VoiFunction, WindowLevel, argb32, display_table, lookup

DTYPES = [np.int8, np.uint8, np.int16, np.uint16]


def _reference(stored: np.ndarray, rendering: Rendering) -> np.ndarray:
    """P-values straight from the standard's formulas (float64, per pixel), calibrated: no table."""
    levels = np.rint(rendering.p_values(stored) * 255.0).astype(np.uint8)
    return rendering.calibration[levels] if rendering.calibration is not None else levels


@settings(max_examples=60, deadline=None)
@given(
    dtype=st.sampled_from(DTYPES),
    data=st.data(),
    center=st.floats(-3000, 3000),
    width=st.floats(2, 5000),
    function=st.sampled_from(list(VoiFunction)),
    invert=st.booleans(),
    slope=st.sampled_from([1.0, 0.5, 2.0]),
    intercept=st.sampled_from([0.0, -1024.0, 3.5]),
)
def test_lookup_equals_the_standard_pipeline(dtype: type, data: st.DataObject, center: float, width: float,
                                             function: VoiFunction, invert: bool, slope: float,
                                             intercept: float) -> None:
    stored = data.draw(arrays(dtype, (5, 7)))
    rendering = Rendering(slope, intercept, WindowLevel(center, width, function), invert)
    table = display_table(rendering, stored.dtype)
    assert table is not None
    shown = lookup(stored, table)
    expected = _reference(stored, rendering)
    # LINEAR's table is a clipped ramp (same values as the three-branch formula but for float rounding)
    assert np.abs(shown.astype(int) - expected.astype(int)).max(initial=0) <= 1
    assert np.array_equal(lookup(stored, argb32(table)), argb32(shown))


def test_signed_values_use_their_own_bits_as_index() -> None:
    stored = np.array([[-32768, -1, 0, 1, 32767]], dtype=np.int16)
    rendering = Rendering(1.0, 0.0, WindowLevel(0.5, 2.0, VoiFunction.LINEAR_EXACT))  # -0.5 .. 1.5
    table = display_table(rendering, stored.dtype)
    assert table is not None
    assert lookup(stored, table).tolist() == [[0, 0, 64, 191, 255]]


def test_calibration_is_the_last_step_of_every_table() -> None:
    calibration = np.arange(255, -1, -1, dtype=np.uint8)  # a visibly non-identity table
    stored = np.arange(-2000, 2000, 7, dtype=np.int16).reshape(1, -1)
    plain = Rendering(1.0, 0.0, WindowLevel(40, 400))
    calibrated = Rendering(1.0, 0.0, WindowLevel(40, 400), calibration=calibration)
    plain_table, table = display_table(plain, stored.dtype), display_table(calibrated, stored.dtype)
    assert plain_table is not None and table is not None
    assert np.array_equal(lookup(stored, table), calibration[lookup(stored, plain_table)])


def test_float_data_has_no_table_and_is_rendered_per_pixel() -> None:
    assert display_table(Rendering(1.0, 0.0, WindowLevel(40, 400)), np.dtype(np.int32)) is None


@pytest.mark.parametrize("signed", [True, False])
def test_display_image_is_the_image_as_rgb32_in_every_orientation(tmp_path: Path, signed: bool) -> None:
    def pixels(rank: int) -> np.ndarray:
        values = np.arange(6 * 9).reshape(6, 9) * 37 - (900 if signed else 0) + rank
        return values.astype(np.int16 if signed else np.uint16)

    write_series(tmp_path, axial_positions(3), pixels_for=pixels, intercept=-24.0,
                 signed=signed)
    series = load_study(tmp_path).series[0]
    assert series.volume.dtype.kind in "iu"  # the loader may narrow the stored type (its rescale says so)
    view = SliceView(series, calibration=np.sqrt(np.arange(256) * 255.0).astype(np.uint8))
    view.set_window(100 if signed else 41000, 900)
    seen = set()
    for step in range(8):
        image = view.image()
        shown = view.display_image()
        assert image is not None and shown is not None
        assert shown.dtype == np.uint32 and shown.flags.c_contiguous
        assert np.array_equal(shown, argb32(image))
        rendering = view.rendering()
        stored = np.rot90(series.volume[view.state.index], -view.state.rotation)
        if view.state.flipped:
            stored = stored[:, ::-1]
        assert np.abs(image.astype(int) - _reference(stored, rendering).astype(int)).max() <= 1
        seen.add((view.state.rotation, view.state.flipped))
        view.rotate() if step % 2 == 0 else view.flip_horizontal()
        if step == 3:
            view.toggle_invert()
    assert len(seen) >= 4
