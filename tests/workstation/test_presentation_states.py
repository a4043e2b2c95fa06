"""The radiologist's measurements as a GSPS (workstation.presentation_states): what highdicom writes is
read back by the viewer at the same image points, and dicom3tools' dciodvfy (an IOD checker nobody
here wrote) finds no error in it; the Key Object Selection passes it too.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pydicom
import pytest

from reporting.key_objects import KeyReference, build_key_object
from reporting.model import Professional, Source
from tests.viewer.factories import axial_positions, write_series
from viewer.measure import MeasureKind, Where, measure
from viewer.plane import PlaneGeometry
from viewer.presentation import read_presentation_state
from viewer.windowing import WindowLevel
from workstation.presentation_states import build_annotation_states

PLANE = PlaneGeometry((0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), 0.5, 0.5)


def _headers(tmp_path: Path) -> list[pydicom.Dataset]:
    paths = write_series(tmp_path / "series", axial_positions(6), shuffle=False)
    return [pydicom.dcmread(p, stop_before_pixels=True) for p in paths]


def _where(ds: pydicom.Dataset) -> Where:
    return Where(str(ds.SeriesInstanceUID), 3, str(ds.SOPInstanceUID), int(ds.InstanceNumber))


def _dciodvfy(ds: pydicom.Dataset, path: Path) -> str:
    if shutil.which("dciodvfy") is None:
        pytest.skip("dciodvfy (Debian dicom3tools) is not installed")
    ds.save_as(path, enforce_file_format=True)
    run = subprocess.run(["dciodvfy", str(path)], capture_output=True, timeout=60, check=False)
    output = (run.stdout + run.stderr).decode("latin-1")
    return "\n".join(line for line in output.splitlines() if line.startswith("Error"))


def test_measurements_round_trip_through_a_gsps(tmp_path: Path) -> None:
    headers = _headers(tmp_path)
    values = np.full((8, 8), 40.0)
    length = measure(MeasureKind.LENGTH, [(1.0, 1.0), (6.0, 5.0)], PLANE, _where(headers[2]))
    ellipse = measure(MeasureKind.ELLIPSE, [(1.0, 2.0), (7.0, 5.0)], PLANE, _where(headers[2]), values=values)
    angle = measure(MeasureKind.ANGLE, [(1.0, 1.0), (4.0, 4.0), (7.0, 1.0)], PLANE, _where(headers[4]))
    mpr = measure(MeasureKind.LENGTH, [(0.0, 0.0), (3.0, 3.0)], PLANE,
                  Where(str(headers[0].SeriesInstanceUID), None, None, None, "reconstruction coronale"))
    windows = {str(headers[2].SOPInstanceUID): WindowLevel(40.0, 80.0)}
    drawn = [length, ellipse, angle, mpr]
    (state,) = build_annotation_states(drawn, headers, "MOREAU^Hélène", "doc-1", windows)
    again = build_annotation_states(drawn, headers, "MOREAU^Hélène", "doc-1", windows)
    assert again[0].sop_instance_uid == state.sop_instance_uid  # signing again stores the same object
    read = read_presentation_state(state.dataset)
    assert not read.skipped
    on_third = read.for_image(str(headers[2].SOPInstanceUID), None, (8, 8))
    assert on_third.window == WindowLevel(40.0, 80.0)
    kinds = sorted(g.kind for g in on_third.graphics)
    assert kinds == ["ELLIPSE", "POLYLINE"]
    line = next(g for g in on_third.graphics if g.kind == "POLYLINE")
    assert line.points == ((1.0, 1.0), (6.0, 5.0))  # the viewer's own points come back
    ellipse_back = next(g for g in on_third.graphics if g.kind == "ELLIPSE")
    assert ellipse_back.points == ((1.0, 3.5), (7.0, 3.5), (4.0, 2.0), (4.0, 5.0))
    labels = [length.short_text(), ellipse.short_text().replace("\n", " ; ")]
    assert [t.text for t in on_third.texts] == labels
    on_fifth = read.for_image(str(headers[4].SOPInstanceUID), None, (8, 8))
    assert [g.points for g in on_fifth.graphics] == [((1.0, 1.0), (4.0, 4.0), (7.0, 1.0))]
    assert on_fifth.window is None  # no window was given for that image
    assert read.for_image(str(headers[0].SOPInstanceUID), None, (8, 8)).graphics == ()  # the MPR one
    assert _dciodvfy(state.dataset, tmp_path / "gsps.dcm") == ""


def test_the_key_object_selection_passes_dciodvfy(tmp_path: Path) -> None:
    headers = _headers(tmp_path)
    keys = [KeyReference(str(h.StudyInstanceUID), str(h.SeriesInstanceUID), str(h.SOPInstanceUID),
                         str(h.SOPClassUID)) for h in headers[1:3]]
    document = build_key_object(keys, headers, Professional("8001", "MOREAU", "Hélène", Source.ACCOUNT))
    items = [i for i in document.dataset.ContentSequence if i.ValueType == "IMAGE"]
    assert [i.ReferencedSOPSequence[0].ReferencedSOPInstanceUID for i in items] == [k.sop_instance_uid
                                                                                     for k in keys]
    assert _dciodvfy(document.dataset, tmp_path / "ko.dcm") == ""
    with pytest.raises(ValueError):
        build_key_object([KeyReference("1.2", "1.3", "1.4", "1.2.840.10008.5.1.4.1.1.2")], headers,
                         Professional("8001", "MOREAU", "Hélène", Source.ACCOUNT))


class _Client:
    """A platform answering STOW with a conflict (the object is already held, or not)."""

    def __init__(self, held: bool) -> None:
        self.held = held
        self.stored: list[str] = []
        self.client = self

    def store_instances(self, datasets: list[pydicom.Dataset], study_uid: str) -> None:
        from workstation.platform import PlatformError

        raise PlatformError("STOW: HTTP 409", "Conflit : objet déjà présent.")

    def search_for_instances(self, study_uid: str, search_filters: dict) -> list[dict]:
        return [{"00080018": {"Value": [search_filters["SOPInstanceUID"]]}}] if self.held else []


def test_a_retried_store_that_the_platform_already_holds_counts_as_stored(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from workstation.key_objects import store_key_object

    headers = _headers(tmp_path)
    keys = [KeyReference(str(headers[0].StudyInstanceUID), str(headers[0].SeriesInstanceUID),
                         str(headers[0].SOPInstanceUID), str(headers[0].SOPClassUID))]
    document = build_key_object(keys, headers, Professional("8001", "MOREAU", "Hélène", Source.ACCOUNT))
    held = SimpleNamespace(client=SimpleNamespace(dicomweb=_Client(held=True)))
    assert store_key_object(held, document) == ""  # type: ignore[arg-type]
    refused = SimpleNamespace(client=SimpleNamespace(dicomweb=_Client(held=False)))
    problem = store_key_object(refused, document)  # type: ignore[arg-type]
    assert "Images clés non enregistrées" in problem and "Conflit" in problem
