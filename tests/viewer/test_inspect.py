"""``python -m viewer.inspect``: the viewer's loading, described for a human or as JSON."""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from tests.viewer.factories import axial_positions, write_series
from viewer.inspect import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def tilted(tmp_path: Path) -> Path:
    write_series(tmp_path / "s", axial_positions(6, tilt_mm_per_slice=2.0 * math.tan(math.radians(20))),
                 extra={"WindowCenter": "40", "WindowWidth": "400"})
    (tmp_path / "s" / "README").write_text("notes", encoding="utf-8")
    return tmp_path / "s"


def test_text_report_in_french(tilted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tilted), "--workers", "0"]) == 0
    out = capsys.readouterr().out
    assert "== Série 3 — Série de test [CT] ==" in out
    assert "Dimensions  : 6 x 8 x 8 (int16, MONOCHROME2)" in out
    assert "Explicit VR Little Endian (1.2.840.10008.1.2.1) — décodeur numpy (non compressé)" in out
    assert "Entre coupes: 2 mm (grille IRRÉGULIÈRE)" in out
    assert "ATTENTION   : Inclinaison du statif (gantry tilt) de 20,0°" in out
    assert "stockées 1000 à 1563, converties -24 à 539" in out  # intercept -1024
    assert "/README : ignoré : ce n'est pas un fichier DICOM." in out
    assert "== Temps == 7 fichiers ; en-têtes" in out


def test_json_report(tilted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tilted), "--json", "--workers", "0"]) == 0
    report = json.loads(capsys.readouterr().out)
    (series,) = report["series"]
    assert series["shape"] == [6, 8, 8] and series["modality"] == "CT"
    assert series["slice_spacing_mm"] == pytest.approx(2.0)
    assert series["pixel_spacing_mm"] == [0.5, 0.5] and series["spacing_source"] == "PixelSpacing"
    assert series["orientation"] == [1, 0, 0, 0, 1, 0] and series["plane"] == "axiale"
    assert series["origin_mm"] == [-2.0, -2.0, -50.0]
    assert series["stored_range"] == [1000, 1563] and series["rescaled_range"] == [-24.0, 539.0]
    assert [w["kind"] for w in series["warnings"]] == ["inclinaison_statif"]
    assert report["problems"][0]["kind"] == "not_dicom" and report["problems"][0]["severity"] == "info"
    assert report["timings_s"]["total"] > 0


def test_exit_status_is_one_when_nothing_loads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x.dcm").write_bytes(b"DICM" * 10)
    assert main([str(tmp_path), "--workers", "0"]) == 1
    assert "ce n'est pas un fichier DICOM" in capsys.readouterr().out


def test_runs_as_a_module(tilted: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "viewer.inspect", str(tilted), "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["series"][0]["shape"] == [6, 8, 8]
