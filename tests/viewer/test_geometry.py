"""Series grouping, slice order and the geometric warnings, on real series and on generated defects."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pydicom
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.viewer.factories import AXIAL, SAGITTAL, axial_positions, slice_pixels, write_series
from viewer.geometry import WarningKind, missing_runs, spacing_runs
from viewer.loader import load_study
from viewer.problems import ProblemKind
from viewer.series import Series

PHILIPS_CT = "neurolabusc_dcm_qa_ct/ct_philips_ingenuity_S2020_1mm"
DATALAD_MR = "datalad_example-dicom-structural/mr_t1w_slab_0143-0242"


def _only_series(folder: Path) -> Series:
    study = load_study(folder)
    assert len(study.series) == 1, [s.label for s in study.series]
    return study.series[0]


def _kinds(series: Series) -> list[WarningKind]:
    return [w.kind for w in series.warnings]


def _ranks(series: Series) -> list[int]:
    """Which generated slice landed at each index (see factories.slice_pixels)."""
    return [int((series.volume[k, 0, 0] - 1000) // 100) for k in range(series.shape[0])]


# --- real series -------------------------------------------------------------------------------------
def _pydicom_stack(files: list[Path]) -> tuple[np.ndarray, np.ndarray]:
    """Reference order: projection of ImagePositionPatient on the normal, computed independently."""
    datasets = [pydicom.dcmread(f) for f in files]
    iop = np.array(datasets[0].ImageOrientationPatient, dtype=float)
    normal = np.cross(iop[:3], iop[3:])
    order = np.argsort([np.dot(np.array(d.ImagePositionPatient, dtype=float), normal) for d in datasets])
    return np.stack([datasets[k].pixel_array for k in order]), np.array(
        [datasets[k].ImagePositionPatient for k in order], dtype=float)


def test_philips_ct_geometry_and_pixels(dicom_data: Path) -> None:
    folder = dicom_data / PHILIPS_CT
    study = load_study(folder)
    assert [p.kind for p in study.problems] == [ProblemKind.NON_IMAGE]  # the private DIRFILE, skipped
    assert study.problems[0].path.endswith("DIRFILE") and "ignoré" in study.problems[0].message
    series = study.series[0]
    assert len(study.series) == 1 and series.shape == (140, 512, 512) and series.volume.dtype == np.int16
    geometry = series.geometry
    assert geometry is not None and geometry.uniform and series.warnings == ()
    assert geometry.spacing == pytest.approx((1.0, 0.451171875, 0.451171875))
    assert geometry.row_direction == (1, 0, 0) and geometry.column_direction == (0, 1, 0)
    expected, positions = _pydicom_stack(sorted(folder.glob("I*")))
    assert np.array_equal(series.volume, expected)
    assert np.allclose(geometry.positions, positions)
    assert geometry.origin == pytest.approx((-115.5, -1.85, 694.21))
    assert np.allclose(np.diff(positions[:, 2]), 1.0)
    assert series.rescaled_range() == (-1024.0, 1033.0)
    assert series.spacing.description.startswith("PixelSpacing : distances mesurées dans le plan du patient")


def test_datalad_mr_geometry_and_pixels(dicom_data: Path) -> None:
    folder = dicom_data / DATALAD_MR
    series = _only_series(folder)
    assert series.shape == (100, 384, 274)
    geometry = series.geometry
    assert geometry is not None and geometry.uniform and series.warnings == ()
    assert geometry.spacing == pytest.approx((0.666667, 0.666666686534882, 0.699987828731537), rel=1e-5)
    iop = pydicom.dcmread(folder / "N2D_0143.dcm", stop_before_pixels=True).ImageOrientationPatient
    cosines = geometry.row_direction + geometry.column_direction
    assert cosines == pytest.approx([float(v) for v in iop], abs=1e-6)
    expected, positions = _pydicom_stack(sorted(folder.glob("*.dcm")))
    assert np.array_equal(series.volume, expected)
    assert np.allclose(geometry.positions, positions)
    # the slab is ordered along the normal: here that is also the file (instance) order
    assert [s.file.instance_number for s in series.slices] == list(range(143, 243))
    affine = geometry.index_to_patient()
    assert affine @ np.array([0, 0, 99, 1]) == pytest.approx([*positions[-1], 1], abs=1e-4)


# --- generated series --------------------------------------------------------------------------------
def test_slices_are_ordered_along_the_normal_whatever_the_file_names(tmp_path: Path) -> None:
    write_series(tmp_path, axial_positions(12))
    series = _only_series(tmp_path)
    assert _ranks(series) == list(range(12))
    assert series.geometry is not None and series.geometry.spacing == pytest.approx((2.0, 0.5, 0.5))
    assert series.geometry.uniform and series.warnings == ()


def test_slices_of_a_sagittal_stack_follow_its_normal(tmp_path: Path) -> None:
    # normal of SAGITTAL = row x col = (0,1,0) x (0,0,-1) = (-1, 0, 0): rank k must have decreasing x
    write_series(tmp_path, [(10.0 - 3 * k, 0.0, 0.0) for k in range(6)], orientation=SAGITTAL)
    series = _only_series(tmp_path)
    assert _ranks(series) == list(range(6)) and series.geometry is not None
    assert series.geometry.normal == (-1.0, 0.0, 0.0) and series.geometry.slice_spacing == pytest.approx(3.0)


def test_gantry_tilt_is_detected_and_measured(tmp_path: Path) -> None:
    shift = 2.0 * math.tan(math.radians(15))
    write_series(tmp_path, axial_positions(10, spacing=2.0, tilt_mm_per_slice=shift))
    series = _only_series(tmp_path)
    geometry = series.geometry
    assert geometry is not None and not geometry.uniform
    assert geometry.tilt_degrees == pytest.approx(15.0, abs=0.01)
    assert geometry.slice_spacing == pytest.approx(2.0)  # along the normal, not along the shifted centres
    tilt = [w for w in series.warnings if w.kind is WarningKind.GANTRY_TILT]
    assert len(tilt) == 1 and "15,0°" in tilt[0].message and "statif" in tilt[0].message
    assert _ranks(series) == list(range(10))


def test_missing_slices_are_counted_and_located(tmp_path: Path) -> None:
    write_series(tmp_path, axial_positions(12, spacing=2.0, z0=-50.0, skip=(4, 5)))
    series = _only_series(tmp_path)
    assert _kinds(series) == [WarningKind.MISSING_SLICES]
    message = series.warnings[0].message
    assert "2 coupe(s) absente(s)" in message and "entre -44,00 et -38,00 mm" in message
    assert "pile régulière de 2,00 mm" in message
    assert series.geometry is not None and series.geometry.slice_spacing == pytest.approx(2.0)
    assert not series.geometry.uniform


def test_uneven_spacing_is_reported(tmp_path: Path) -> None:
    z = [0.0, 2.0, 4.0, 6.6, 8.6, 10.6, 12.6]
    write_series(tmp_path, [(0.0, 0.0, v) for v in z])
    series = _only_series(tmp_path)
    assert _kinds(series) == [WarningKind.UNEVEN_SPACING]
    assert "de 2,00 à 2,60 mm" in series.warnings[0].message


def test_rounding_in_positions_is_not_unevenness(tmp_path: Path) -> None:
    z = [0.0, 1.2501, 2.4999, 3.75, 5.0002]
    write_series(tmp_path, [(0.0, 0.0, v) for v in z])
    assert _only_series(tmp_path).warnings == ()


def test_mixed_orientations_split_the_series_with_a_warning(tmp_path: Path) -> None:
    axial = axial_positions(5)
    sagittal = [(10.0 - 3 * k, 0.0, 0.0) for k in range(3)]
    write_series(tmp_path, axial + sagittal, orientations=[AXIAL] * 5 + [SAGITTAL] * 3, series_uid="1.2.3.4")
    study = load_study(tmp_path)
    assert sorted(s.shape[0] for s in study.series) == [3, 5]
    for series in study.series:
        assert series.series_instance_uid == "1.2.3.4" and series.plan.parts == 2
        assert WarningKind.MIXED_ORIENTATION in _kinds(series)
        assert "axiale, sagittale" in series.warnings[0].message
        assert series.label.endswith(f"({series.plan.part}/2)")


def test_different_matrices_split_the_series(tmp_path: Path) -> None:
    write_series(tmp_path / "a", axial_positions(3), series_uid="1.2.3.5", study_uid="1.2.3")
    write_series(tmp_path / "b", axial_positions(2, z0=100), series_uid="1.2.3.5", study_uid="1.2.3",
                 pixels_for=lambda rank: slice_pixels(rank, rows=4, columns=6))
    study = load_study(tmp_path)
    assert sorted(s.shape for s in study.series) == [(2, 4, 6), (3, 8, 8)]
    assert all(_kinds(s) == [WarningKind.SERIES_SPLIT] for s in study.series)


def test_phases_sharing_positions_become_one_stack_each(tmp_path: Path) -> None:
    for phase in (1, 2):
        write_series(tmp_path / f"p{phase}", axial_positions(4), series_uid="1.2.3.6", study_uid="1.2.3",
                     extra={"TemporalPositionIdentifier": phase},
                     pixels_for=lambda rank, phase=phase: slice_pixels(rank, base=1000 * phase))
    study = load_study(tmp_path)
    assert [s.shape[0] for s in study.series] == [4, 4]
    assert [int(s.volume[0, 0, 0]) for s in study.series] == [1000, 2000]  # phase 1 first
    assert all(s.warnings == () and s.geometry is not None and s.geometry.uniform for s in study.series)


def test_duplicate_positions_without_a_distinguishing_attribute_are_reported(tmp_path: Path) -> None:
    write_series(tmp_path, [(0.0, 0.0, z) for z in (0.0, 2.0, 2.0, 4.0)])
    series = _only_series(tmp_path)
    assert series.shape[0] == 4 and WarningKind.DUPLICATE_POSITIONS in _kinds(series)


def test_images_without_geometry_are_stacked_by_instance_number(tmp_path: Path) -> None:
    paths = write_series(tmp_path, axial_positions(5))
    for path in paths:
        ds = pydicom.dcmread(path)
        del ds.ImagePositionPatient, ds.ImageOrientationPatient
        ds.save_as(path)
    series = _only_series(tmp_path)
    assert series.geometry is None and _ranks(series) == list(range(5))


def test_invalid_orientation_is_treated_as_no_geometry_with_a_note(tmp_path: Path) -> None:
    write_series(tmp_path, axial_positions(3), orientation=(1.0, 0.0, 0.0, 1.0, 0.0, 0.0))
    series = _only_series(tmp_path)
    assert series.geometry is None
    assert any("ImageOrientationPatient invalide" in w.message for w in series.warnings)


def test_unused_high_bits_are_cleared_and_signed_values_extended(tmp_path: Path) -> None:
    """Bits above Bits Stored (old overlays) never reach the volume, as pydicom also does."""
    dirty = slice_pixels(0) | np.uint16(0x8000)  # bit 15 set above 12 stored bits
    write_series(tmp_path / "u", axial_positions(1), pixels_for=lambda rank: dirty)
    unsigned = _only_series(tmp_path / "u")
    assert np.array_equal(unsigned.volume[0], slice_pixels(0))
    negative = (-np.arange(64, dtype=np.int16).reshape(8, 8)) & np.int16(0x0FFF)  # 12-bit two's complement
    write_series(tmp_path / "s", axial_positions(1), signed=True, pixels_for=lambda rank: negative)
    signed = _only_series(tmp_path / "s")
    assert np.array_equal(signed.volume[0], -np.arange(64).reshape(8, 8))
    path = next((tmp_path / "s").iterdir())
    assert np.array_equal(signed.volume[0], pydicom.dcmread(path).pixel_array)


# --- missing slices against changes of spacing (the pure rule, then on files) -----------------------------
@settings(max_examples=150, deadline=None)
@given(step=st.floats(0.5, 8.0), count=st.integers(8, 60), data=st.data())
def test_holes_in_a_regular_run_are_missing_slices(step: float, count: int, data: st.DataObject) -> None:
    """Slices removed inside a regular run (never next to another hole nor at an end) are counted."""
    holes = sorted(data.draw(st.sets(st.integers(2, count - 3), max_size=max(1, count // 6))))
    holes = [h for k, h in enumerate(holes) if k == 0 or h - holes[k - 1] > 2]
    places = np.array([k * step for k in range(count) if k not in holes])
    missing = missing_runs(spacing_runs(np.diff(places)))
    assert sum(n * (run.last - run.first + 1) for run, n, _ in missing) == len(holes)
    assert all(usual == pytest.approx(step) for _, _, usual in missing)


@settings(max_examples=150, deadline=None)
@given(first=st.floats(0.5, 8.0), second=st.floats(0.5, 8.0), bridge=st.floats(0.2, 10.0),
       counts=st.tuples(st.integers(2, 30), st.integers(2, 30)))
def test_a_change_of_spacing_is_never_a_missing_slice(first: float, second: float, bridge: float,
                                                      counts: tuple[int, int]) -> None:
    """4 mm, one odd step, then 7 mm (the GE head CT of dcm_qa_ct): complete, whatever the numbers."""
    assume(abs(first - second) > 0.02 * max(first, second))
    gaps = np.array([first] * counts[0] + [bridge] + [second] * counts[1])
    assert missing_runs(spacing_runs(gaps)) == []


def test_spacing_change_and_missing_slice_on_files(tmp_path: Path) -> None:
    z = [0.0, 2.0, 4.0, 6.0, 10.0, 14.0, 18.0]  # 2 mm then 4 mm: complete
    write_series(tmp_path / "change", [(0.0, 0.0, v) for v in z])
    series = _only_series(tmp_path / "change")
    assert _kinds(series) == [WarningKind.UNEVEN_SPACING]
    message = series.warnings[0].message
    assert "de 2,00 à 4,00 mm (1 changement(s) d'espacement, aucune coupe manquante" in message
    z = [0.0, 2.0, 4.0, 8.0, 10.0, 12.0, 15.0, 18.0, 21.0]  # a hole in the 2 mm run, then 3 mm
    write_series(tmp_path / "both", [(0.0, 0.0, v) for v in z])
    series = _only_series(tmp_path / "both")
    assert _kinds(series) == [WarningKind.MISSING_SLICES, WarningKind.UNEVEN_SPACING]
    assert "1 coupe(s) absente(s) (entre 4,00 et 8,00 mm)" in series.warnings[0].message
    assert "de 2,00 à 3,00 mm (1 changement(s) d'espacement)." in series.warnings[1].message
