"""3D volume rendering (VTK CPU ray cast under Xvfb): a 24 mm bone sphere must appear 24 mm wide, where
the patient is, in the colour of the preset; pixels read back with vtkWindowToImageFilter."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage

from tests.viewer.factories import axial_positions, write_series
from viewer.loader import load_study
from viewer.presets import VOLUME_PRESETS
from viewer.series import Series

pytestmark = pytest.mark.gui
SIZE, SLICES, RADIUS_MM = 64, 48, 12.0


def sphere(rank: int) -> np.ndarray:
    """1 mm voxels; a sphere of 1000 HU (stored 2024) centred at voxel (24, 32, 20), in air (stored 0)."""
    i, j = np.mgrid[0:SIZE, 0:SIZE]
    inside = (i - 32) ** 2 + (j - 20) ** 2 + (rank - 24) ** 2 <= RADIUS_MM ** 2
    return np.where(inside, 2024, 0).astype(np.uint16)


@pytest.fixture
def series(tmp_path: Path) -> Series:
    write_series(tmp_path, axial_positions(SLICES, spacing=1.0), pixels_for=sphere, spacing=(1.0, 1.0))
    return load_study(tmp_path).series[0]


def test_bone_sphere_rendered_to_scale_where_the_patient_is(qtbot, series: Series,
                                                             artifacts_dir: Path) -> None:
    from viewer.qt.volume3d import VolumeView

    view = VolumeView()
    qtbot.addWidget(view)
    view.resize(320, 360)
    view.show()
    qtbot.waitExposed(view)
    try:
        assert view.set_series(series)
        pixels = view.render_pixels()
        height, width = pixels.shape[:2]
        grey = pixels.max(axis=2)
        assert grey[0, 0] == 0 and grey[-1, -1] == 0  # black background
        lit = np.argwhere(grey > 30)
        assert len(lit) > 100
        # the sphere's silhouette is a disc of 24 mm at the camera's scale
        camera = view.renderer.GetActiveCamera()
        px_per_mm = height / (2.0 * camera.GetParallelScale())
        rows, columns = lit[:, 0], lit[:, 1]
        diameter_px = columns.max() - columns.min() + 1
        assert diameter_px == pytest.approx(2 * RADIUS_MM * px_per_mm, rel=0.12)
        assert rows.max() - rows.min() + 1 == pytest.approx(2 * RADIUS_MM * px_per_mm, rel=0.12)
        # anterior view, radiological: the patient's right (-x, j small) is on the left of the screen.
        # The sphere sits at j = 20 of 64 (x = -2 + 20 mm), left of the volume's centre (j = 31.5)
        volume_centre = width / 2
        disc_centre = (columns.max() + columns.min()) / 2
        assert disc_centre - volume_centre == pytest.approx((20 - 31.5) * px_per_mm, abs=3)
        # bone preset: ivory, red >= blue at the centre of the disc
        centre = pixels[int(rows.mean()), int(columns.mean())]
        assert centre[0] > 60 and centre[0] >= centre[2]
        QImage(np.ascontiguousarray(pixels).data, width, height, 3 * width,
               QImage.Format.Format_RGB888).save(str(artifacts_dir / "volume3d_sphere_bone.png"))
        # another preset changes the picture: "Peau" shows the sphere's surface in a skin tone
        view.set_preset(next(p for p in VOLUME_PRESETS if p.name == "Peau"))
        skin = view.render_pixels()
        assert not np.array_equal(skin, pixels)
    finally:
        view.shutdown()


@pytest.mark.parametrize(("tilt", "uneven"), [(25.0, False), (-12.0, False), (18.5, True)])
def test_sphere_of_a_tilted_ct_rendered_round_and_in_place(qtbot, tmp_path: Path, tilt: float,
                                                           uneven: bool) -> None:
    """A 14 mm sphere scanned with a gantry tilt (and a spacing that changes from 2 to 3.5 mm across
    it): round (not sheared, not squashed) and where it is."""
    from tests.viewer.phantoms import make_phantom, regular_table, uneven_table, write_phantom
    from viewer.qt.volume3d import VolumeView

    phantom = make_phantom(tilt)
    phantom.rods.clear()  # the sphere alone, so that its silhouette is all that is lit
    table = uneven_table(phantom) if uneven else regular_table(phantom, 2.0)
    write_phantom(tmp_path, phantom, table, tilt_tag=tilt)
    (tilted,) = load_study(tmp_path).series
    view = VolumeView()
    qtbot.addWidget(view)
    view.resize(320, 360)
    view.show()
    qtbot.waitExposed(view)
    try:
        assert view.set_series(tilted)
        assert "corrigé de l'inclinaison" in view.status.text()
        pixels = view.render_pixels()
        height, width = pixels.shape[:2]
        lit = np.argwhere(pixels.max(axis=2) > 30)
        camera = view.renderer.GetActiveCamera()
        px_per_mm = height / (2.0 * camera.GetParallelScale())
        rows, columns = lit[:, 0], lit[:, 1]
        diameter = 2 * phantom.sphere_radius * px_per_mm
        assert columns.max() - columns.min() + 1 == pytest.approx(diameter, rel=0.15)
        assert rows.max() - rows.min() + 1 == pytest.approx(diameter, rel=0.15)
        # anterior view: patient x to the right of the screen, z up, around the volume's centre
        focal = np.array(camera.GetFocalPoint())
        centre_column = (columns.max() + columns.min()) / 2
        centre_row = (rows.max() + rows.min()) / 2
        sphere = phantom.sphere_centre
        assert centre_column - width / 2 == pytest.approx((sphere[0] - focal[0]) * px_per_mm, abs=3)
        assert height / 2 - centre_row == pytest.approx((sphere[2] - focal[2]) * px_per_mm, abs=3)
    finally:
        view.shutdown()
