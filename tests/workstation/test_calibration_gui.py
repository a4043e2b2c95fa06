"""GSDF calibration in the application (issue 21): loaded from the diagnostics, shown there, applied
to the 2D and 3D views of the screen, and the TG18 patterns full screen on the chosen screen."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from tests.viewer.factories import axial_positions, write_series
from viewer.loader import StudyLoader
from viewer.qt.viewer_widget import ViewerWidget
from workstation.qt import theme
from workstation.qt.diagnostics import DiagnosticsDialog
from workstation.qt.display import Displays, key_of
from workstation.selftest import SelfTestReport


def _gamma_file(folder: Path) -> Path:
    path = folder / "photometre.csv"
    rows = ["# date: 2026-11-02", "level,luminance"]
    rows += [f"{k},{0.5 + 299.5 * (k / 1023) ** 2.2:.5f}" for k in range(0, 1023, 11)] + ["1023,300.0"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _empty_report() -> SelfTestReport:
    from datetime import UTC, datetime

    return SelfTestReport("test", False, datetime.now(UTC), ())


def test_diagnostics_load_readings_show_the_screen_calibrated_and_open_tg18(
    qtbot, tmp_path: Path, artifacts_dir: Path
) -> None:
    theme.apply(QApplication.instance())
    displays = Displays(tmp_path / "calibration-ecrans.json", max_age_days=30)
    dialog = DiagnosticsDialog(report=_empty_report(), displays=displays)
    qtbot.addWidget(dialog)
    dialog.show()
    screen = dialog.chosen_screen()
    assert "non calibré" in dialog.calibration_label.text()
    assert displays.lut(screen) is None
    assert dialog.load_readings(str(_gamma_file(tmp_path)))
    text = dialog.calibration_label.text()
    assert "calibré GSDF" in text and "0.50" in text and "300" in text and "02/11/2026" in text
    # older than the configured 30 days: said so
    assert "à refaire" in text
    table = displays.lut(screen)
    assert table is not None and table.dtype == np.uint8 and table.max() == 255
    calibration = next(c for c in dialog.report.checks if c.id == "calibration")
    assert key_of(screen) in calibration.detail and "calibré le 02/11/2026" in calibration.detail
    dialog.grab().save(str(artifacts_dir / "diagnostics-calibration.png"))
    # a refused file says why, in French, and keeps the calibration
    bad = tmp_path / "bad.csv"
    bad.write_text("0;5\n255;1\n", encoding="utf-8")
    assert not dialog.load_readings(str(bad))
    assert "croître" in dialog.calibration_label.text()
    assert displays.lut(screen) is not None

    window = dialog.show_pattern("TG18-QC")
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.isFullScreen(), timeout=5000)
    assert window.screen() is screen
    assert window.geometry() == screen.geometry()
    sent = window.driving_levels()
    assert sent.shape == (screen.geometry().height(), screen.geometry().width())
    from viewer.tg18 import make_pattern

    pattern = make_pattern("TG18-QC", sent.shape[1], sent.shape[0]).pixels
    assert np.array_equal(sent, table[pattern])  # through the screen's calibration
    QApplication.processEvents()
    screen.grabWindow(0).save(str(artifacts_dir / "tg18-qc-fullscreen.png"))
    from PySide6.QtCore import Qt

    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert window.pattern_name == "TG18-LN8-01"
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: displays.patterns is None or not displays.patterns.isVisible(), timeout=5000)
    again = Displays(tmp_path / "calibration-ecrans.json", 180)  # kept for the next start
    assert again.lut(screen) is not None and again.status(screen, date(2026, 11, 20)).calibrated


def test_the_viewer_on_a_calibrated_screen_shows_driving_levels(qtbot, tmp_path: Path) -> None:
    """2D views draw the calibrated levels; the 3D view's colours pass through the same table."""
    rank = np.arange(48 * 48).reshape(48, 48) % 200

    def pixels(_: int) -> np.ndarray:
        return (rank * 10).astype(np.uint16)

    write_series(tmp_path / "s", axial_positions(12, spacing=1.0), pixels_for=pixels, spacing=(1.0, 1.0))
    loader = StudyLoader(workers=0)
    viewer = ViewerWidget(loader)
    qtbot.addWidget(viewer)
    viewer.resize(600, 500)
    viewer.show()
    displays = Displays(tmp_path / "c.json")
    viewer.open_study([str(tmp_path / "s")], "TEST^PATIENT")
    qtbot.waitUntil(lambda: bool(viewer.series()) and viewer.viewports[0].view is not None, timeout=30000)
    qtbot.waitUntil(lambda: viewer.series()[0].complete, timeout=30000)
    view = viewer.viewports[0].view
    plain = view.image().copy()
    halves = (np.arange(256) // 2).astype(np.uint8)  # a visible, checkable table
    displays.store.calibrations.clear()
    viewer.set_calibration(halves)
    assert np.array_equal(viewer.viewports[0].view.image(), halves[plain])
    assert viewer.enter_mpr()
    mpr = viewer.mpr_viewports[0].view.image()
    assert mpr.max() <= 127  # the MPR views have the table too
    assert viewer.show_3d()
    volume = viewer.volume_view
    colours = volume.scene.volume.GetProperty().GetRGBTransferFunction()
    node = [0.0] * 6
    highest = 0.0
    for index in range(colours.GetSize()):
        colours.GetNodeValue(index, node)
        highest = max(highest, *node[1:4])
    assert highest <= 0.51  # every colour node halved by the table
    viewer.set_calibration(None)
    assert (
        np.array_equal(viewer.viewports[0].view.image(), plain) if not viewer.pages.currentIndex() else True
    )
    volume.shutdown()
    viewer.close_study()
    loader.close()


@pytest.mark.parametrize(("physical_mm", "expected"), [(597.0, 1.7), (1016.0, 1.0), (0.0, 1.0)])
def test_physical_scale_of_a_27_inch_4k_screen(physical_mm: float, expected: float) -> None:
    """Qt says 96 DPI on a 27-inch 4K panel (163 DPI): text is brought back to its physical size;
    a screen that reports no believable size keeps Qt's sizing."""
    from PySide6.QtCore import QRect, QSizeF

    from viewer.qt import display_scale

    class Screen:
        def physicalSize(self) -> QSizeF:
            return QSizeF(physical_mm, physical_mm * 9 / 16)

        def geometry(self) -> QRect:
            return QRect(0, 0, 3840, 2160)

        def devicePixelRatio(self) -> float:
            return 1.0

        def logicalDotsPerInchX(self) -> float:
            return 96.0

    assert display_scale.physical_scale(Screen()) == pytest.approx(expected, abs=0.02)  # type: ignore[arg-type]
    display_scale.configure(physical=False)
    try:
        assert display_scale.physical_scale(Screen()) == 1.0  # type: ignore[arg-type]
    finally:
        display_scale.configure()
