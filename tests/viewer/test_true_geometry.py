"""True millimetres on every stack: MPR and 3D of gantry-tilted, unevenly spaced, gapped and reversed CT
phantoms (a sphere and three rods of known size at known places, written as real DICOM files), measured
the way a radiologist reads them and compared with the truth; the tilt-corrected volume compared with
dcm2niix's voxel for voxel; the real tilted head CT of dcm_qa_ct (GE, 18.5°, 4 -> 1.08 -> 7 mm).

"Within one voxel" means one voxel of the acquisition along the measured direction: the pixel in the
slice plane, the distance between acquired slices along the normal.
"""
from __future__ import annotations

import json
import math
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from tests.viewer.phantoms import (
    BACKGROUND_HU,
    INTERCEPT,
    Phantom,
    Rod,
    make_phantom,
    regular_table,
    uneven_table,
    write_phantom,
)
from viewer.geometry import WarningKind
from viewer.inspect import main as inspect_main
from viewer.loader import load_study
from viewer.measure import MeasureKind, measure
from viewer.mpr import ReformatSeries
from viewer.series import Series
from viewer.volume import regular_volume, volume_summary


@dataclass(frozen=True)
class Case:
    tilt: float
    table: str = "regular"  # "regular", "uneven", "gap"
    reversed_normal: bool = False
    reverse_files: bool = False

    def normal_voxel(self) -> float:
        """One acquired voxel along the normal: the table step projected on it (the largest step of an
        uneven stack)."""
        step = 3.5 if self.table == "uneven" else 2.0
        return step * math.cos(math.radians(self.tilt))


CASES = {
    "droit": Case(0.0),
    "inclinaison +12°": Case(12.0),
    "inclinaison -12°": Case(-12.0),
    "inclinaison +25°": Case(25.0),
    "inclinaison -25°": Case(-25.0),
    "espacement variable, 18,5°": Case(18.5, "uneven"),
    "coupes manquantes": Case(0.0, "gap"),
    "ordre inversé, -12°": Case(-12.0, reversed_normal=True, reverse_files=True),
}


@dataclass
class Stack:
    case: Case
    phantom: Phantom
    series: Series
    folder: Path


@pytest.fixture(scope="module")
def stacks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Stack]:
    root = tmp_path_factory.mktemp("phantoms")
    found = {}
    for number, (name, case) in enumerate(CASES.items()):
        phantom = make_phantom(case.tilt, case.reversed_normal)
        if case.table == "uneven":
            table = uneven_table(phantom)
        elif case.table == "gap":
            table = regular_table(phantom, 2.0, skip=(14, 15))  # a 6 mm hole inside the rod along the normal
        else:
            table = regular_table(phantom, 2.0)
        folder = root / f"s{number}"
        write_phantom(folder, phantom, table, reverse_files=case.reverse_files, tilt_tag=case.tilt)
        (series,) = load_study(folder).series
        assert series.complete and not series.failed_indices
        found[name] = Stack(case, phantom, series, folder)
    return found


# --- reading a phantom in an image, as a radiologist would ------------------------------------------
def _crossings(profile: np.ndarray, level: float) -> tuple[float, float]:
    """First and last fractional positions where ``profile`` crosses ``level`` (linear)."""
    above = np.flatnonzero(profile >= level)
    first, last = int(above[0]), int(above[-1])

    def cross(a: int, b: int) -> float:
        return a + (level - profile[a]) / (profile[b] - profile[a]) * (b - a)

    start = cross(first - 1, first) if first > 0 else float(first)
    end = cross(last, last + 1) if last + 1 < len(profile) else float(last)
    return start, end


def _rod_length(stack: ReformatSeries, rod: Rod) -> tuple[float, np.ndarray]:
    """The rod's length measured on the plane of ``stack`` through its middle: its ends where its
    brightness falls to half, drawn with the length tool. Returns (mm, both ends in patient mm)."""
    index = stack.index_of((rod.start + rod.end) / 2)
    plane = stack.plane(index)
    image = stack.rescaled_slice(index).astype(np.float64)
    (c0, r0), (c1, r1) = plane.to_image([rod.start, rod.end])
    vertical = abs(r1 - r0) > abs(c1 - c0)
    if not vertical:
        image = image.T
        c0, r0, c1, r1 = r0, c0, r1, c1
    across = round((c0 + c1) / 2)
    band = image[:, across - 3:across + 4]
    profile = band.max(axis=1)
    level = (float(profile.max()) + BACKGROUND_HU) / 2
    start, end = _crossings(profile, level)
    rows = slice(math.ceil(start), math.floor(end) + 1)
    weights = np.clip(band[rows] - level, 0, None).sum(axis=0)
    centre = across - 3 + float(weights @ np.arange(band.shape[1]) / weights.sum())
    points = [(centre, start), (centre, end)] if vertical else [(start, centre), (end, centre)]
    length = measure(MeasureKind.LENGTH, points, plane, stack.where(index))
    ends = np.asarray(length.points_mm)
    if np.linalg.norm(ends[0] - rod.start) > np.linalg.norm(ends[1] - rod.start):  # head up: drawn upwards
        ends = ends[::-1]
    return length.value, ends


def _disc(stack: ReformatSeries, point: np.ndarray) -> tuple[np.ndarray, float]:
    """Centre (patient mm) and extent along the image rows (mm) of the sphere on the plane through
    ``point``."""
    index = stack.index_of(point)
    plane = stack.plane(index)
    image = stack.rescaled_slice(index).astype(np.float64)
    column, row = plane.to_image([point])[0]
    reach = 10  # the sphere (7 mm and its soft edge) and nothing else
    box = (slice(max(round(row) - reach, 0), round(row) + reach + 1),
           slice(max(round(column) - reach, 0), round(column) + reach + 1))
    part = image[box]
    level = (float(part.max()) + BACKGROUND_HU) / 2
    weights = np.clip(part - BACKGROUND_HU, 0, None) * (part >= level)
    rr, cc = np.mgrid[box[0], box[1]]
    centre = plane.to_patient([(float((weights * cc).sum() / weights.sum()),
                                float((weights * rr).sum() / weights.sum()))])[0]
    start, end = _crossings(part.max(axis=1), level)
    return centre, (end - start) * plane.row_mm


@pytest.mark.parametrize("name", CASES)
def test_mpr_lengths_and_places_are_the_truth(stacks: dict[str, Stack], name: str) -> None:
    stack = stacks[name]
    phantom, case = stack.phantom, stack.case
    planes = ReformatSeries.three(stack.series)
    assert [p.name for p in planes] == ["axiale", "coronale", "sagittale"]
    by_axis = {p.fixed: p for p in planes}
    along_normal, pixel = case.normal_voxel(), phantom.pixel_mm
    for rod_name, fixed_axes, voxel in (("normal", (1, 2), along_normal), ("row", (0, 1), pixel),
                                        ("column", (0, 2), pixel)):
        rod = phantom.rods[rod_name]
        for fixed in fixed_axes:
            length, ends = _rod_length(by_axis[fixed], rod)
            assert abs(length - rod.length) <= voxel, (rod_name, fixed, length, rod.length)
            diagonal = math.sqrt(along_normal ** 2 + 2 * pixel ** 2)
            assert np.linalg.norm(ends[0] - rod.start) <= diagonal, (rod_name, fixed, ends[0], rod.start)
            assert np.linalg.norm(ends[1] - rod.end) <= diagonal, (rod_name, fixed, ends[1], rod.end)
    # the sphere: its centre from the axial and the coronal plane, its height along the normal
    axial_centre, _ = _disc(by_axis[0], phantom.sphere_centre)
    coronal_centre, height = _disc(by_axis[1], phantom.sphere_centre)
    normal = phantom.normal
    centre = axial_centre + float(np.dot(coronal_centre - axial_centre, normal)) * normal
    diagonal = math.sqrt(along_normal ** 2 + 2 * pixel ** 2)
    assert np.linalg.norm(centre - phantom.sphere_centre) <= diagonal
    assert abs(height - 2 * phantom.sphere_radius) <= along_normal  # not squashed along the stack
    # a distance between two known points: the sphere's centre and the top of the rod along the normal
    _, ends = _rod_length(by_axis[2], phantom.rods["normal"])
    truth = float(np.linalg.norm(phantom.rods["normal"].end - phantom.sphere_centre))
    assert abs(float(np.linalg.norm(ends[1] - centre)) - truth) <= diagonal


@pytest.mark.parametrize("name", CASES)
def test_rebuilt_volume_is_the_phantom_where_it_claims(stacks: dict[str, Stack], name: str) -> None:
    """Every voxel of the MPR/3D volume holds the phantom's value at the patient point its grid says."""
    stack = stacks[name]
    data = regular_volume(stack.series)
    grid = data.grid
    assert data.rebuilt == (stack.case.tilt != 0 or stack.case.table != "regular")
    assert grid.shifted == (stack.case.tilt != 0) and grid.resampled == (stack.case.table != "regular")
    axes = np.array([grid.row_direction, grid.column_direction, grid.normal])
    assert np.allclose(axes @ axes.T, np.eye(3), atol=1e-9)  # orthogonal, whatever the tilt
    k, i, j = np.mgrid[0:grid.shape[0], 0:grid.shape[1], 0:grid.shape[2]]
    matrix = grid.index_to_patient()
    points = np.stack([j, i, k], axis=-1) @ matrix[:3, :3].T + matrix[:3, 3]
    truth = stack.phantom.values(points)
    values = data.volume.astype(np.float64) + INTERCEPT
    objects = truth > 50
    error = np.abs(values - truth)[objects]
    # linear interpolation of 2 mm soft edges: ~1 % of the contrast on average, more across 3.5 and 6 mm
    limit = 60.0 if stack.case.table != "regular" else 15.0
    assert error.mean() < limit, (name, error.mean())


@pytest.mark.parametrize("name", CASES)
def test_3d_volume_is_placed_in_patient_millimetres(stacks: dict[str, Stack], name: str) -> None:
    from viewer.volume_render import VolumeScene

    stack = stacks[name]
    phantom, case = stack.phantom, stack.case
    scene = VolumeScene()
    scene.set_series(stack.series)
    assert scene.volume is not None and scene._image is not None and scene.data is not None
    user = scene.volume.GetUserMatrix()
    placement = np.array([[user.GetElement(r, c) for c in range(4)] for r in range(4)])
    spacing = np.array(scene._image.GetSpacing())

    def patient(j: float, i: float, k: float) -> np.ndarray:
        return (placement @ np.array([j * spacing[0], i * spacing[1], k * spacing[2], 1.0]))[:3]

    def voxel(point: np.ndarray) -> np.ndarray:
        local = np.linalg.solve(placement, np.append(point, 1.0))[:3] / spacing
        return local  # (j, i, k)

    volume = scene.data.volume.astype(np.float64) + INTERCEPT
    rod = phantom.rods["normal"]
    j, i, _ = np.rint(voxel((rod.start + rod.end) / 2)).astype(int)
    profile = volume[:, i - 1:i + 2, j - 1:j + 2].max(axis=(1, 2))
    k0, k1 = _crossings(profile, (profile.max() + BACKGROUND_HU) / 2)
    length = float(np.linalg.norm(patient(j, i, k1) - patient(j, i, k0)))
    assert abs(length - rod.length) <= case.normal_voxel(), (length, rod.length)
    # the sphere: centre of its voxels, and its height along the stack (no squashing, no banding)
    j, i, k = np.rint(voxel(phantom.sphere_centre)).astype(int)
    reach, planes = 10, math.ceil(9.0 / spacing[2])  # the sphere (7 mm and its soft edge), nothing else
    box = volume[max(k - planes, 0):k + planes + 1, i - reach:i + reach + 1, j - reach:j + reach + 1]
    level = (box.max() + BACKGROUND_HU) / 2
    weights = np.clip(box - BACKGROUND_HU, 0, None) * (box >= level)
    kk, ii, jj = np.mgrid[max(k - planes, 0):k + planes + 1, i - reach:i + reach + 1, j - reach:j + reach + 1]
    found = patient(*(float((weights * axis).sum() / weights.sum()) for axis in (jj, ii, kk)))
    diagonal = math.sqrt(case.normal_voxel() ** 2 + 2 * phantom.pixel_mm ** 2)
    assert np.linalg.norm(found - phantom.sphere_centre) <= diagonal
    top, bottom = _crossings(box.max(axis=(1, 2)), level)
    assert abs((bottom - top) * spacing[2] - 2 * phantom.sphere_radius) <= case.normal_voxel()
    scene.clear()


def test_warnings_tell_a_change_of_spacing_from_a_missing_slice(stacks: dict[str, Stack]) -> None:
    def kinds(name: str) -> list[WarningKind]:
        return [w.kind for w in stacks[name].series.warnings]

    assert kinds("droit") == []
    uneven = stacks["espacement variable, 18,5°"].series
    assert WarningKind.MISSING_SLICES not in kinds("espacement variable, 18,5°")
    message = next(w.message for w in uneven.warnings if w.kind is WarningKind.UNEVEN_SPACING)
    low, high = 1.1 * math.cos(math.radians(18.5)), 3.5 * math.cos(math.radians(18.5))
    assert f"de {low:.2f} à {high:.2f} mm".replace(".", ",") in message
    gap = stacks["coupes manquantes"].series
    assert kinds("coupes manquantes") == [WarningKind.MISSING_SLICES]
    assert "2 coupe(s) absente(s)" in gap.warnings[0].message and "2,00 mm" in gap.warnings[0].message
    tilt = next(w.message for w in stacks["inclinaison -25°"].series.warnings
                if w.kind is WarningKind.GANTRY_TILT)
    assert "25,0°" in tilt and "corrigés de l'inclinaison" in tilt


def test_original_slices_are_shown_untouched(stacks: dict[str, Stack]) -> None:
    """MPR never changes the acquired series: its volume and its per-slice planes stay as written."""
    stack = stacks["inclinaison +25°"]
    series = stack.series
    before = series.volume.copy()
    ReformatSeries.three(series)
    assert np.array_equal(series.volume, before)
    assert regular_volume(series).volume is not series.volume
    for index in (0, series.shape[0] - 1):
        assert series.plane(index).origin == pytest.approx(tuple(series.geometry.positions[index]))
    # a regular untilted stack costs nothing: MPR reads the acquired array itself
    straight = stacks["droit"].series
    assert regular_volume(straight).volume is straight.volume


def test_reformat_overlays_tell_the_planes_truth(stacks: dict[str, Stack]) -> None:
    stack = stacks["espacement variable, 18,5°"]
    axial, coronal, _ = ReformatSeries.three(stack.series)
    assert axial.marks() == ["rééchantillonné au pas de " + f"{axial.data.grid.step_mm:.2f}".replace(".", ",")
                             + " mm", "corrigé de l'inclinaison de 18,5°"]
    series = stack.series
    for index in (0, series.shape[0] - 1):
        # the reformatted plane at an acquired slice is at that slice's position along the normal
        place = series.position_along_normal(index)
        plane_index = axial.index_of(np.asarray(series.geometry.positions[index]))
        half_step = axial.data.grid.step_mm / 2
        assert axial.position_along_normal(plane_index) == pytest.approx(place, abs=half_step)
        assert axial.slice_thickness(plane_index) == pytest.approx(2.0)  # the nominal thickness (> step)
    assert coronal.slice_thickness(10) == pytest.approx(1.0)  # a coronal plane is one pixel thick


def test_inspect_says_how_mpr_and_3d_are_made(stacks: dict[str, Stack], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from tests.viewer.factories import AXIAL, write_series

    assert inspect_main([str(stacks["espacement variable, 18,5°"].folder), "--json", "--workers", "0"]) == 0
    (summary,) = json.loads(capsys.readouterr().out)["series"]
    mpr = summary["mpr_3d"]
    assert mpr["available"] and mpr["resampled"] and mpr["tilt_corrected"]
    assert mpr["tilt_degrees"] == pytest.approx(18.5, abs=0.01)
    # the smallest gap (1.1 mm x cos 18.5°) but at most twice as many planes as slices, as dcm2niix
    assert mpr["step_mm"] == pytest.approx(1.18, abs=0.01) and mpr["shape"][0] == 2 * summary["shape"][0]
    assert "corrigé de l'inclinaison de 18,5°" in mpr["note"]
    assert inspect_main([str(stacks["droit"].folder), "--json", "--workers", "0"]) == 0
    straight = json.loads(capsys.readouterr().out)["series"][0]["mpr_3d"]
    assert straight["how"] == "direct" and not straight["resampled"] and not straight["tilt_corrected"]
    assert straight["step_mm"] == pytest.approx(2.0)
    # two images at one place and nothing to tell them apart: refused, and why
    write_series(tmp_path / "dup", [(0.0, 0.0, 5.0), (0.0, 0.0, 5.0), (0.0, 0.0, 7.0)], orientation=AXIAL)
    assert inspect_main([str(tmp_path / "dup"), "--json", "--workers", "0"]) == 0
    refused = json.loads(capsys.readouterr().out)["series"][0]["mpr_3d"]
    assert refused == {"available": False, "reason": "plusieurs coupes occupent la même position (phases ou "
                                                     "échos mêlés) : aucun volume ne peut en être formé"}
    assert inspect_main([str(stacks["inclinaison +12°"].folder), "--workers", "0"]) == 0
    assert "MPR/3D      : grille" in capsys.readouterr().out


# --- dcm2niix, the reference ----------------------------------------------------------------------------
def read_nifti(path: Path) -> np.ndarray:
    """The voxels of a single-file NIfTI-1 (x fastest), as written by dcm2niix: header read by hand."""
    raw = path.read_bytes()
    assert int(np.frombuffer(raw[:4], "<i4")[0]) == 348, "not a little-endian NIfTI-1 file"
    dims = np.frombuffer(raw[40:56], "<i2")
    datatype = int(np.frombuffer(raw[70:72], "<i2")[0])
    offset = int(np.frombuffer(raw[108:112], "<f4")[0])
    slope, intercept = (float(v) for v in np.frombuffer(raw[112:120], "<f4"))
    shape = tuple(int(v) for v in dims[1:1 + int(dims[0])])
    dtype = {2: "u1", 4: "<i2", 8: "<i4", 16: "<f4", 512: "<u2"}[datatype]
    data = np.frombuffer(raw, dtype, count=int(np.prod(shape)), offset=offset).reshape(shape, order="F")
    return data.astype(np.float64) * (slope or 1.0) + intercept


def dcm2niix_volume(folder: Path, out: Path) -> np.ndarray:
    """dcm2niix's tilt-corrected (and equalised) volume of ``folder`` as (planes, rows, columns), rows in
    DICOM order (dcm2niix writes them bottom-up)."""
    if shutil.which("dcm2niix") is None:
        pytest.skip("dcm2niix is not installed (Debian package dcm2niix, in APT_TEST of scripts/setup.sh)")
    out.mkdir()
    done = subprocess.run(["dcm2niix", "-o", str(out), "-f", "volume", str(folder)], capture_output=True,
                          text=True, timeout=120, check=False)
    corrected = sorted(out.glob("volume*_Tilt*.nii"))
    assert done.returncode == 0 and corrected, done.stdout + done.stderr
    return np.transpose(read_nifti(corrected[0]), (2, 1, 0))[:, ::-1]


def _shift_rows(volume: np.ndarray, rows: float) -> np.ndarray:
    """``volume`` read ``rows`` rows further (linear, edges held)."""
    where = np.arange(volume.shape[1]) + rows
    low = np.clip(np.floor(where).astype(int), 0, volume.shape[1] - 1)
    high = np.clip(low + 1, 0, volume.shape[1] - 1)
    weight = (where - np.floor(where))[None, :, None]
    return volume[:, low] * (1 - weight) + volume[:, high] * weight


def compare_with_dcm2niix(ours: np.ndarray, theirs: np.ndarray,
                          objects: np.ndarray) -> tuple[float, float, float]:
    """(row offset, mean and 99th percentile of |ours - dcm2niix| over ``objects``) once dcm2niix's
    whole-row padding is accounted for: it pads ceil(shear) rows, so its grid may sit up to one row
    from the exact one (the best offset in [-1, 1] row, 0.05 apart)."""
    assert ours.shape == theirs.shape
    best = min((float(np.abs(_shift_rows(theirs, f) - ours)[objects].mean()), float(f))
               for f in np.arange(-1.0, 1.0001, 0.05))
    difference = np.abs(_shift_rows(theirs, best[1]) - ours)[objects]
    return best[1], best[0], float(np.percentile(difference, 99))


@pytest.mark.parametrize("name", ["inclinaison +25°", "inclinaison -12°", "espacement variable, 18,5°"])
def test_tilt_correction_matches_dcm2niix(stacks: dict[str, Stack], name: str, tmp_path: Path) -> None:
    stack = stacks[name]
    theirs = dcm2niix_volume(stack.folder, tmp_path / "nii")
    ours = regular_volume(stack.series).volume.astype(np.float64) + INTERCEPT
    objects = (ours > 100) | (theirs > 100)
    offset, mean, p99 = compare_with_dcm2niix(ours, theirs, objects)
    # measured: +25° 0.95 row, 2 / 15 HU; -12° 0.55 row, 14 / 76 HU; uneven 0.05 row, 3 / 13 HU (of 800-1000)
    assert abs(offset) <= 1.0 and mean <= 25.0 and p99 <= 120.0, (offset, mean, p99)


# --- the real tilted head CT ------------------------------------------------------------------------------
GE_TILTED_CT = "neurolabusc_dcm_qa_ct/ct_ge_hispeed_tilt_variable_spacing"


def check_real_tilted_ct(folder: Path, scratch: Path) -> dict[str, float]:
    """The GE head CT (18.5°, 4 -> 1.08 -> 7 mm): warnings, grid, millimetres; dcm2niix when installed."""
    (series,) = load_study(folder).series
    kinds = [w.kind for w in series.warnings]
    assert WarningKind.MISSING_SLICES not in kinds  # it used to claim ~13 missing slices
    uneven = next(w.message for w in series.warnings if w.kind is WarningKind.UNEVEN_SPACING)
    assert "de 1,08 à 7,00 mm" in uneven
    assert "18,5°" in next(w.message for w in series.warnings if w.kind is WarningKind.GANTRY_TILT)
    data = regular_volume(series)
    grid = data.grid
    assert grid.shape == (56, 611, 512) and grid.step_mm == pytest.approx(2.62, abs=0.01)
    mpr = volume_summary(series)  # what `python -m viewer.inspect` says of it
    assert mpr["available"] and mpr["resampled"] and mpr["tilt_corrected"] and mpr["step_mm"] == 2.6198
    assert mpr["note"] == "rééchantillonné au pas de 2,62 mm — corrigé de l'inclinaison de 18,5°"
    # pixel (256, 256) of slices 0 and 13 are 54.86 mm apart (their ImagePositionPatient); the slices
    # spread evenly from first to last put them 73.2 mm apart. On the grid each acquired pixel is where
    # its header says, to the micrometre.
    matrix = grid.index_to_patient()
    found = []
    for index in (0, 13):
        plane_index = grid.offsets_mm[index] / grid.step_mm
        voxel = (256 + grid.column_shifts[index], 256 + grid.row_shifts[index], plane_index, 1.0)
        found.append((matrix @ voxel)[:3])
        assert found[-1] == pytest.approx(series.plane(index).to_patient([(256, 256)])[0], abs=1e-3)
    assert float(np.linalg.norm(found[1] - found[0])) == pytest.approx(54.86, abs=0.01)
    old = series.geometry.index_to_patient()  # the first-to-last grid the viewer used before
    assert float(np.linalg.norm((old @ (256, 256, 13, 1) - old @ (256, 256, 0, 1))[:3])) == pytest.approx(
        73.2, abs=0.1)
    # a coronal length between two acquired pixels (slice 2 in the 4 mm part, slice 25 in the 7 mm part)
    # that the correction puts on one coronal plane equals the distance of their true positions: 123.96 mm
    coronal = ReformatSeries.orientation(series, "coronale")
    row_a = 200.0
    row_b = row_a + grid.row_shifts[2] - grid.row_shifts[25]  # the same grid row: the same coronal plane
    a = series.plane(2).to_patient([(256.0, row_a)])[0]
    b = series.plane(25).to_patient([(300.0, row_b)])[0]
    truth = float(np.linalg.norm(b - a))
    plane = coronal.plane(coronal.index_of((a + b) / 2))
    assert abs(plane.distance_to(a)) < grid.row_mm and abs(plane.distance_to(b)) < grid.row_mm
    ends = plane.to_image([a, b])
    measured = measure(MeasureKind.LENGTH, [tuple(p) for p in ends], plane, coronal.where(0)).value
    assert measured == pytest.approx(truth, abs=0.01)
    # and the acquired pixels are there on the reformat: the two points show the CT's own values
    image = coronal.volume[coronal.index_of(a)]
    for point, index, (column, row) in ((a, 2, (256, row_a)), (b, 25, (300, row_b))):
        c, r = np.rint(plane.to_image([point])[0]).astype(int)
        acquired = float(series.volume[index][round(row), column])
        assert abs(float(image[r, c]) - acquired) <= 80 + 0.2 * abs(acquired)  # one pixel of interpolation
    # the first and last acquired slices are the grid's first and last planes, every pixel inside it
    for index, plane_index in ((0, 0), (series.shape[0] - 1, grid.shape[0] - 1)):
        corners = series.plane(index).to_patient([(0, 0), (511, 0), (0, 511), (511, 511)])
        for corner in corners:
            k, i, j = coronal.grid.to_voxel(corner)
            assert k == pytest.approx(plane_index, abs=1e-3)
            assert -1e-3 <= i <= grid.shape[1] - 1 + 1e-3 and -1e-3 <= j <= grid.shape[2] - 1 + 1e-3
    figures = {"coronal_truth_mm": truth, "coronal_measured_mm": measured}
    if shutil.which("dcm2niix") is not None:
        theirs = dcm2niix_volume(folder, scratch / "ge_nii")
        ours = data.volume.astype(np.float64)
        objects = (ours > 200) | (theirs > 200)
        offset, mean, p99 = compare_with_dcm2niix(ours, theirs, objects)
        assert abs(offset) <= 1.0 and mean <= 10.0 and p99 <= 60.0, (offset, mean, p99)
        figures.update(dcm2niix_offset_rows=offset, dcm2niix_mean_hu=mean, dcm2niix_p99_hu=p99)
    return figures


def test_real_tilted_head_ct(dicom_data: Path, tmp_path: Path) -> None:
    folder = dicom_data / GE_TILTED_CT
    if not folder.is_dir():
        pytest.skip(f"{GE_TILTED_CT} is not in ../shared/data/dicom (dcm_qa_ct's In/GE: 28 files, 14 MB)")
    check_real_tilted_ct(folder, tmp_path)
