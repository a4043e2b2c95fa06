"""GSDF calibration of the reading screens: photometer readings in, a checked table out (issue 21).

The reference is PS3.14's own formula (``viewer.gsdf``, itself checked against the standard's end
points in tests/viewer/test_windowing.py) and AAPM TG18's acceptance: on a calibrated screen the 18
TG18-LN levels are equal steps in JND index within 10 %.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from viewer import gsdf
from viewer.tg18 import LN_COUNT, ln_level, make_pattern, tg18_ln
from workstation.calibration import (
    CalibrationError,
    CalibrationStore,
    parse_readings,
    read_readings,
    screen_key,
)


def _gamma_csv(
    levels: int, gamma: float = 2.2, black: float = 0.5, white: float = 300.0, step: int = 1
) -> str:
    """A photometer export of a plain gamma panel, French style (semicolons, decimal commas)."""
    top = levels - 1
    rows = ["# date: 2026-11-02", "# ambiant: 0,2", "niveau;luminance (cd/m²)"]
    for level in [*range(0, top, step), top]:
        lum = black + (white - black) * (level / top) ** gamma
        rows.append(f"{level};{lum:.5f}".replace(".", ","))
    return "\n".join(rows) + "\n"


def test_gamma_22_screen_calibrated_gives_equal_jnd_steps() -> None:
    readings = parse_readings(_gamma_csv(256), "gamma22.csv")
    assert readings.bits == 8 and readings.measured_on == date(2026, 11, 2)
    assert readings.ambient == pytest.approx(0.2)
    assert readings.l_min == pytest.approx(0.7) and readings.l_max == pytest.approx(300.2)
    p_values = np.linspace(0, 255, LN_COUNT).round().astype(int)
    steps = np.diff(gsdf.jnd_index(readings.displayed(p_values)))
    assert np.all(np.abs(steps - steps.mean()) <= 0.10 * steps.mean()), steps
    assert readings.tg18_deviation() <= 0.10
    # the same screen uncalibrated is far from it: the test can fail
    raw = 0.5 + 299.5 * (p_values / 255) ** 2.2 + 0.2
    raw_steps = np.diff(gsdf.jnd_index(raw))
    assert np.max(np.abs(raw_steps - raw_steps.mean())) > 0.5 * raw_steps.mean()


def test_sparse_readings_are_interpolated() -> None:
    """A physicist measures 18 or 52 levels, not 256: the curve between is interpolated."""
    readings = parse_readings(_gamma_csv(256, step=15))
    assert len(readings.levels) == 18
    assert readings.tg18_deviation() <= 0.10


def test_ten_bit_readings_never_leave_the_eight_bit_range() -> None:
    readings = parse_readings(_gamma_csv(1024))
    assert readings.bits == 10
    table = readings.lut()
    assert table.dtype == np.uint8 and table.shape == (256,)
    assert table[0] == 0 and table[-1] == 255 and np.all(np.diff(table.astype(int)) >= 0)
    assert readings.tg18_deviation() <= 0.10


@settings(max_examples=60, deadline=None)
@given(
    bits=st.integers(min_value=1, max_value=12),
    gamma=st.floats(min_value=0.6, max_value=3.5),
    black=st.floats(min_value=0.05, max_value=5.0),
    span=st.floats(min_value=5.0, max_value=2000.0),
)
def test_any_bit_depth_gives_an_eight_bit_table(bits: int, gamma: float, black: float, span: float) -> None:
    levels = np.arange(1 << bits)
    measured = black + span * (levels / levels[-1]) ** gamma
    if np.any(np.diff(measured) <= 0):
        return  # a flat step: refused elsewhere
    table = gsdf.calibration_lut(measured)
    assert table.dtype == np.uint8 and len(table) == 256
    assert int(table.min()) >= 0 and int(table.max()) <= 255
    assert np.all(np.diff(table.astype(int)) >= 0)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("0;1\n255;0,5\n", "croître"),
        ("0;0,01\n255;100\n", "GSDF"),
        ("0;1\n200;100\n", "blanc"),
        ("0;1\n3;100\n", "8 bits"),
        ("10;1\n255;100\n", "noir"),
        ("niveau;luminance\n0;1\nabc;3\n255;100\n", "Ligne 3"),
        ("", "aucune mesure"),
        ("# ambiant: -1\n0;1\n255;100\n", "ambiante"),
        ("0.5;1\n255;100\n", "entiers"),
    ],
)
def test_readings_that_cannot_be_used_are_refused_in_french(text: str, fragment: str) -> None:
    with pytest.raises(CalibrationError) as refused:
        parse_readings(text)
    assert fragment in refused.value.user_message


def test_binary_or_huge_files_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "mesures.xlsx"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(CalibrationError, match="binary"):
        read_readings(binary)
    missing = tmp_path / "absent.csv"
    with pytest.raises(CalibrationError) as refused:
        read_readings(missing)
    assert "illisible" in refused.value.user_message


def test_store_keeps_one_calibration_per_screen_and_survives_damage(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "calibration-ecrans.json"
    store = CalibrationStore.load(path)
    key = screen_key("DP-1", "EIZO", "RX560", "12345678")
    assert key == "EIZO RX560 12345678"
    assert (
        screen_key("HDMI-1") == "HDMI-1" and screen_key("HDMI-1", "Dell", "U2720Q") == "Dell U2720Q @ HDMI-1"
    )
    store.set(key, parse_readings(_gamma_csv(256)))
    assert (path.stat().st_mode & 0o777) == 0o600
    again = CalibrationStore.load(path)
    table = again.lut_for(key)
    assert table is not None and table.dtype == np.uint8
    assert again.lut_for("HDMI-1") is None
    recent = again.status(key, date(2026, 12, 1), max_age_days=180)
    assert recent.calibrated and not recent.outdated and recent.age_days == 29
    assert again.status(key, date(2027, 12, 1), max_age_days=180).outdated
    assert not again.status("HDMI-1", date(2026, 12, 1), 180).calibrated
    path.write_text('{"screens": {"X": {"levels": "broken"}}}', encoding="utf-8")
    damaged = CalibrationStore.load(path)
    assert damaged.lut_for("X") is None and damaged.problems
    path.write_text("not json", encoding="utf-8")
    assert CalibrationStore.load(path).problems


def test_a_screen_with_too_few_useful_levels_is_refused(tmp_path: Path) -> None:
    """A panel that reaches its white at level 12 cannot show 18 equal JND steps: refusing beats a
    pretend calibration."""
    store = CalibrationStore(tmp_path / "c.json")
    rows = [f"{k};{0.5 + 299.5 * min(k, 12) / 12 + k * 1e-3:.4f}" for k in range(256)]
    with pytest.raises(CalibrationError) as refused:
        store.set("X", parse_readings("\n".join(rows)))
    assert "TG18-LN" in refused.value.user_message
    assert not store.calibrations and not store.path.exists()
    with pytest.raises(CalibrationError) as refused:
        parse_readings("0;1\n1;10\n2;50\n3;200\n")
    assert "8 bits" in refused.value.user_message


def test_tg18_patterns() -> None:
    assert [ln_level(n) for n in (1, 2, 18)] == [0, 15, 255]
    pattern = tg18_ln(7, 1366, 768)
    assert pattern.name == "TG18-LN8-07" and pattern.pixels.shape == (768, 1366)
    values, counts = np.unique(pattern.pixels, return_counts=True)
    assert set(values.tolist()) == {51, 90}
    assert counts[values.tolist().index(90)] / pattern.pixels.size == pytest.approx(0.10, abs=0.005)
    qc = make_pattern("TG18-QC", 2048, 2560).pixels
    assert qc.shape == (2560, 2048) and qc.min() == 0 and qc.max() == 255
    assert len(np.unique(qc)) > 200  # the ramp holds every level
    with pytest.raises(ValueError):
        make_pattern("TG18-XX", 1024, 1024)
