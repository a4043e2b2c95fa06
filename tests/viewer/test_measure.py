"""Measurements against phantoms with known answers: a 20 mm disc of 100 HU in noise, lengths and angles
on square and rectangular pixels, the report sentence."""
from __future__ import annotations

import math

import numpy as np
import pytest

from viewer.measure import MeasureKind, Where, measure, roi_mask
from viewer.plane import PlaneGeometry, orientation_letters

NOISE_SD = 10.0
WHERE = Where("1.2.3", 3, "1.2.3.4", 45)


def disc_phantom(row_mm: float, column_mm: float, size_mm: float = 60.0, radius_mm: float = 10.0,
                 seed: int = 3) -> tuple[np.ndarray, PlaneGeometry, tuple[float, float]]:
    """A disc of 100 HU (radius 10 mm) on 0 HU, Gaussian noise of SD 10 HU, centred in the image.

    Returns the values, their plane and the disc centre in image coordinates (column, row)."""
    rows, columns = round(size_mm / row_mm), round(size_mm / column_mm)
    rr, cc = np.mgrid[0:rows, 0:columns]
    centre = ((columns - 1) / 2, (rows - 1) / 2)
    inside = ((cc - centre[0]) * column_mm) ** 2 + ((rr - centre[1]) * row_mm) ** 2 <= radius_mm ** 2
    rng = np.random.default_rng(seed)
    values = np.where(inside, 100.0, 0.0) + rng.normal(0.0, NOISE_SD, inside.shape)
    plane = PlaneGeometry((0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), row_mm, column_mm)
    return values.astype(np.float32), plane, centre


def ellipse_box(centre: tuple[float, float], radius_mm: float,
                plane: PlaneGeometry) -> list[tuple[float, float]]:
    """The two corners (image coordinates) of the box of a circle of ``radius_mm``."""
    rx, ry = radius_mm / plane.column_mm, radius_mm / plane.row_mm
    return [(centre[0] - rx, centre[1] - ry), (centre[0] + rx, centre[1] + ry)]


@pytest.mark.parametrize(("row_mm", "column_mm"), [(0.5, 0.5), (1.0, 0.4), (0.35, 0.7)])
def test_roi_on_the_20_mm_disc(row_mm: float, column_mm: float) -> None:
    values, plane, centre = disc_phantom(row_mm, column_mm)
    whole = measure(MeasureKind.ELLIPSE, ellipse_box(centre, 10.0, plane), plane, WHERE, values=values)
    assert whole.stats is not None
    # the drawn circle's exact area, whatever the pixel shape: pi * 10² mm²
    assert whole.value == pytest.approx(math.pi * 100.0, rel=1e-9)
    # the pixels counted cover that area within 3 % (pixel-centre rule on a coarse grid)
    assert whole.stats.pixels * row_mm * column_mm == pytest.approx(math.pi * 100.0, rel=0.03)
    # mean within 4 standard errors of 100 HU, SD within 10 % of the noise
    standard_error = NOISE_SD / math.sqrt(whole.stats.pixels)
    assert abs(whole.stats.mean - 100.0) < 4 * standard_error
    assert whole.stats.sd == pytest.approx(NOISE_SD, rel=0.10)
    inner = measure(MeasureKind.ELLIPSE, ellipse_box(centre, 8.0, plane), plane, WHERE, values=values)
    assert inner.stats is not None and inner.stats.pixels < whole.stats.pixels
    assert abs(inner.stats.mean - 100.0) < 4 * NOISE_SD / math.sqrt(inner.stats.pixels)
    assert inner.stats.minimum < 100.0 < inner.stats.maximum
    # a ROI straddling the edge sees both media: its SD is far above the noise
    corners = ellipse_box((centre[0] + 10.0 / column_mm, centre[1]), 5.0, plane)
    edge = measure(MeasureKind.ELLIPSE, corners, plane, WHERE, values=values)
    assert edge.stats is not None and edge.stats.sd > 3 * NOISE_SD


def test_rectangle_and_freehand_roi_statistics_match_numpy() -> None:
    values, plane, _ = disc_phantom(0.5, 0.5)
    rect = measure(MeasureKind.RECTANGLE, [(10.2, 20.7), (30.4, 25.1)], plane, WHERE, values=values)
    expected = values[21:26, 11:31].astype(np.float64)  # centres 11..30 x 21..25 inside
    assert rect.stats is not None and rect.stats.pixels == expected.size
    assert rect.stats.mean == pytest.approx(expected.mean(), abs=1e-6)
    assert rect.stats.sd == pytest.approx(expected.std(), abs=1e-6)
    assert rect.value == pytest.approx(20.2 * 4.4 * 0.25)
    # freehand: a triangle; pixel centres strictly inside, area by the shoelace formula
    triangle = [(10.0, 10.0), (50.0, 10.0), (10.0, 50.0)]
    free = measure(MeasureKind.FREEHAND, triangle, plane, WHERE, values=values)
    box, mask = roi_mask(MeasureKind.FREEHAND, triangle, values.shape)
    rr, cc = np.mgrid[box[0], box[1]]
    assert free.value == pytest.approx(0.5 * 40 * 40 * 0.25)
    assert free.stats is not None and free.stats.pixels == int(mask.sum())
    assert np.all(cc[mask] + rr[mask] <= 60) and np.all(cc[mask] >= 10) and np.all(rr[mask] >= 10)
    assert abs(free.stats.pixels - 800) < 45  # ~ the triangle's 800 px² area


def test_lengths_and_angles_on_rectangular_pixels() -> None:
    plane = PlaneGeometry((10.0, -20.0, 5.0), (1.0, 0.0, 0.0), (0.0, 0.0, -1.0), row_mm=1.0, column_mm=0.5)
    length = measure(MeasureKind.LENGTH, [(0, 0), (40, 30)], plane, WHERE)
    assert length.value == pytest.approx(math.hypot(40 * 0.5, 30 * 1.0))  # 36.06 mm, not 50 px
    assert length.points_mm[1] == pytest.approx((30.0, -20.0, -25.0))
    # 45° in millimetres is not 45° in pixels when pixels are twice as high as wide
    angle = measure(MeasureKind.ANGLE, [(20, 0), (0, 0), (20, 10)], plane, WHERE)
    assert angle.value == pytest.approx(45.0)
    cobb = measure(MeasureKind.COBB, [(0, 0), (40, 0), (0, 10), (20, 20)], plane, WHERE)
    assert cobb.value == pytest.approx(45.0)
    reversed_line = measure(MeasureKind.COBB, [(0, 0), (40, 0), (20, 20), (0, 10)], plane, WHERE)
    assert reversed_line.value == pytest.approx(45.0)  # the acute angle, whichever way a line is drawn


def test_report_sentences_are_french() -> None:
    plane = PlaneGeometry((0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), 0.5, 0.5)
    length = measure(MeasureKind.LENGTH, [(0, 0), (46.8, 0)], plane, WHERE)
    assert length.text_fr() == "Longueur : 23,4 mm (série 3, image 45)"
    angle = measure(MeasureKind.ANGLE, [(10, 0), (0, 0), (0, 10)], plane,
                    Where("1.2", 7, None, None, "reconstruction coronale"))
    assert angle.text_fr() == "Angle : 90,0° (série 7, reconstruction coronale)"
    values, plane, centre = disc_phantom(0.5, 0.5)
    roi = measure(MeasureKind.ELLIPSE, ellipse_box(centre, 10.0, plane), plane, WHERE, values=values)
    text = roi.text_fr()
    assert text.startswith("ROI ellipse : moyenne ") and "écart-type" in text
    assert "surface 314,2 mm² (série 3, image 45)" in text
    with pytest.raises(ValueError, match="pixel values"):
        measure(MeasureKind.ELLIPSE, [(0, 0), (1, 1)], plane, WHERE)


def test_orientation_letters() -> None:
    assert orientation_letters((1, 0, 0)) == "G" and orientation_letters((-1, 0, 0)) == "D"
    assert orientation_letters((0, -1, 0)) == "A" and orientation_letters((0, 0, 1)) == "H"
    assert orientation_letters((0, 0.5, -0.866)) == "BP"


def test_reference_line_of_an_axial_slice_on_a_coronal_plane() -> None:
    from viewer.plane import intersection_segment

    axial = PlaneGeometry((-2.0, -2.0, 8.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), 0.5, 0.5)
    coronal = PlaneGeometry((-2.0, 0.0, 10.0), (1.0, 0.0, 0.0), (0.0, 0.0, -1.0), 0.5, 0.5)
    segment = intersection_segment(coronal, (8, 8), axial, (8, 8))
    assert segment is not None
    ends = sorted(tuple(p) for p in segment)
    assert ends[0] == pytest.approx((-2.25, 0.0, 8.0)) and ends[1] == pytest.approx((1.75, 0.0, 8.0))
    # on the coronal image: row (10 - 8) / 0.5 = 4
    assert coronal.to_image(np.array(ends))[:, 1] == pytest.approx([4.0, 4.0])
    assert intersection_segment(axial, (8, 8), axial, (8, 8)) is None  # parallel planes
    far = PlaneGeometry((-2.0, 50.0, 10.0), (1.0, 0.0, 0.0), (0.0, 0.0, -1.0), 0.5, 0.5)
    assert intersection_segment(far, (8, 8), axial, (8, 8)) is None  # the slice does not reach y = 50
