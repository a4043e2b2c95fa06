"""The viewer's logic outside the widgets, without a display (issue 18): the displayable-stack
protocol, the measurement model keyed by stack, synchronised scrolling, reference lines, the MPR
crosshair and oblique planes.

References are computed here from the positions the test wrote (ImagePositionPatient), never from
the module under test.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydicom.uid import generate_uid

from tests.viewer.factories import CORONAL, axial_positions, write_series
from viewer.annotations import Change, Drawn, MeasurementStore, StoreEvent, compute
from viewer.linking import reference_segment, synchronised_index
from viewer.loader import load_study
from viewer.measure import MeasureKind
from viewer.mpr import ReformatSeries, crosshair_lines, oblique_stacks, onto_plane
from viewer.series import Series
from viewer.stack import DisplayableStack


def _series(folder: Path, positions: list[tuple[float, float, float]], **options: object) -> Series:
    write_series(folder, positions, **options)
    study = load_study(folder)
    assert len(study.series) == 1
    return study.series[0]


@pytest.fixture
def axial(tmp_path: Path) -> Series:
    return _series(tmp_path / "axial", axial_positions(12), extra={"FrameOfReferenceUID": "1.2.3.4"})


def test_series_and_reformats_are_displayable_stacks(axial: Series) -> None:
    assert isinstance(axial, DisplayableStack)
    planes = ReformatSeries.three(axial)
    for plane in planes:
        assert isinstance(plane, DisplayableStack) and plane.geometry is None and plane.version == 0
    assert axial.marks() == [] and axial.version == 0
    # each plane has a key of its own, all under the series' UID
    keys = {axial.stack_key, *(p.stack_key for p in planes)}
    assert len(keys) == 4 and all(k.startswith(axial.series_instance_uid) for k in keys)


def test_measurements_are_filed_by_series_uid_not_by_object(tmp_path: Path) -> None:
    write_series(tmp_path, axial_positions(6))
    first, again = load_study(tmp_path).series[0], load_study(tmp_path).series[0]
    assert first is not again and first.stack_key == again.stack_key
    store = MeasurementStore()
    events: list[StoreEvent] = []
    store.subscribe(events.append)
    drawn = Drawn(MeasureKind.LENGTH, 2, [(1.0, 1.0), (5.0, 4.0)])
    drawn.measurement = compute(first, drawn)
    assert drawn.measurement is not None and drawn.measurement.value == pytest.approx(2.5)  # 5 px of 0.5 mm
    store.add(first, drawn)
    # the same series read again (another object) finds it; another slice or plane does not
    assert store.on(again) == [drawn] and store.on_slice(again, 2) == [drawn]
    assert store.on_slice(again, 3) == []
    assert store.on(ReformatSeries.three(first)[1]) == []
    moved = Drawn(MeasureKind.LENGTH, 2, [(1.0, 1.0), (9.0, 7.0)])
    new = compute(again, moved)
    assert new is not None
    assert store.update(again, drawn, new) is not None and store.measurements() == [new]
    assert store.remove(again, drawn) and not store.remove(again, drawn) and store.all() == []
    store.add(first, Drawn(MeasureKind.LENGTH, 0, [(0, 0), (1, 0)], compute(first, Drawn(
        MeasureKind.LENGTH, 0, [(0, 0), (1, 0)]))))
    store.clear()
    assert store.all() == []
    assert [e.change for e in events] == [Change.ADDED, Change.CHANGED, Change.REMOVED, Change.ADDED,
                                          Change.CLEARED]
    with pytest.raises(ValueError):
        store.add(first, Drawn(MeasureKind.LENGTH, 0, [(0, 0), (1, 0)]))  # not computed


def test_an_roi_is_not_measured_on_a_slice_not_loaded(axial: Series) -> None:
    axial._state[3] = 0  # as if slice 3 were still being decoded
    roi = Drawn(MeasureKind.RECTANGLE, 3, [(1.0, 1.0), (5.0, 5.0)])
    assert compute(axial, roi) is None
    roi.index = 4
    measured = compute(axial, roi)
    assert measured is not None and measured.stats is not None and measured.value_unit == "UH"


def test_synchronised_scrolling_lands_on_the_nearest_slice(tmp_path: Path, axial: Series) -> None:
    frame = {"FrameOfReferenceUID": "1.2.3.4"}
    thick = _series(tmp_path / "thick", axial_positions(8, spacing=3.0, z0=-49.0), extra=frame)
    other_frame = _series(tmp_path / "other", axial_positions(8, spacing=3.0, z0=-49.0))
    for k in range(12):
        z = -50.0 + 2.0 * k  # the axial slice's place, as written
        expected = int(np.argmin([abs(-49.0 + 3.0 * j - z) for j in range(8)]))
        assert synchronised_index(axial, k, thick) == expected
    assert synchronised_index(axial, 5, other_frame) is None  # another acquisition: never by position
    assert synchronised_index(axial, 5, ReformatSeries.three(axial)[0]) is None  # a reformat
    coronal = _series(tmp_path / "coronal", [(-2.0, y, 0.0) for y in (-1.0, 0.0, 1.0)],
                      orientation=CORONAL, extra=frame)
    assert synchronised_index(axial, 5, coronal) is None  # crossing planes


def test_reference_line_is_where_the_planes_meet(tmp_path: Path, axial: Series) -> None:
    coronal = _series(tmp_path / "coronal", [(-2.0, y, 0.0) for y in (-1.0, 0.0, 1.0)],
                      orientation=CORONAL, extra={"FrameOfReferenceUID": "1.2.3.4"})
    segment = reference_segment(coronal, 1, axial, 7)
    assert segment is not None
    for end in segment:  # on the axial plane z = -50 + 14 and on the coronal plane y = 0
        assert end[2] == pytest.approx(-36.0) and end[1] == pytest.approx(0.0)
    assert reference_segment(axial, 3, axial, 7) is None  # parallel
    stranger = _series(tmp_path / "stranger", [(-2.0, y, 0.0) for y in (0.0, 1.0)], orientation=CORONAL,
                       series_uid=generate_uid())
    assert reference_segment(stranger, 0, axial, 7) is None  # another frame of reference


def test_crosshair_lines_and_scrolling_along_a_normal(axial: Series) -> None:
    planes = ReformatSeries.three(axial)
    views = [(p.plane(p.shape[0] // 2), (p.shape[1], p.shape[2])) for p in planes]
    lines = crosshair_lines(views)
    assert [len(mine) for mine in lines] == [2, 2, 2]
    for (plane, _), mine in zip(views, lines, strict=True):
        for a, b in mine:  # every line lies in the view's own plane
            assert abs(plane.distance_to(a)) < 1e-6 and abs(plane.distance_to(b)) < 1e-6
    point = np.array([1.0, 2.0, -30.0])
    moved = onto_plane(point, views[0][0])
    assert views[0][0].distance_to(moved) == pytest.approx(0.0, abs=1e-9)
    assert moved[:2] == pytest.approx(point[:2])  # only along the axial normal


def test_oblique_planes_turn_about_the_axial_normal(axial: Series) -> None:
    straight = ReformatSeries.three(axial)
    assert oblique_stacks(axial, straight, 0.0, lambda n, d: n) == straight
    turned = oblique_stacks(axial, straight, 30.0, lambda name, degrees: f"{name} {degrees:g}")
    assert turned[0] is straight[0] and [s.name for s in turned[1:]] == [f"{s.name} 30" for s in straight[1:]]
    axis = np.asarray(straight[0].plane(0).normal)
    for before, after in zip(straight[1:], turned[1:], strict=True):
        a, b = np.asarray(before.plane(0).row_direction), np.asarray(after.plane(0).row_direction)
        assert float(np.dot(a, b)) == pytest.approx(np.cos(np.radians(30.0)), abs=1e-6)
        assert float(np.dot(b, axis)) == pytest.approx(float(np.dot(a, axis)), abs=1e-6)
