"""Bad input from the field (issue 13): each spoiled file gets its own French line, the rest of the study
opens whole, and the standalone viewer names the patient from the headers. Files are real ones from
../shared damaged in one precise way (tests/viewer/bad_study.py); the GUI test keeps a screenshot.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pydicom
import pytest
from PySide6.QtWidgets import QApplication

from tests.viewer.bad_study import BadStudy, make_bad_study
from viewer.codecs import gdcm_available
from viewer.loader import StudyLoad, StudyLoader
from viewer.problems import ProblemKind, Severity
from viewer.qt.viewer_widget import ViewerWidget


@pytest.fixture(scope="module")
def bad_study(dicom_data: Path, tmp_path_factory: pytest.TempPathFactory) -> BadStudy:
    return make_bad_study(dicom_data, tmp_path_factory.mktemp("bad") / "study")


@pytest.fixture(scope="module")
def loaded(bad_study: BadStudy) -> tuple[StudyLoad, float]:
    with StudyLoader(2) as loader:
        loader.warm_up()
        start = time.perf_counter()
        study = loader.load(bad_study.folder).result(timeout=120)
        return study, time.perf_counter() - start


def _by_file(study: StudyLoad) -> dict[str, list[ProblemKind]]:
    found: dict[str, list[ProblemKind]] = {}
    for problem in study.problems:
        found.setdefault(Path(problem.path).name, []).append(problem.kind)
    return found


def test_every_bad_file_has_its_line_and_the_ct_opens_whole(loaded: tuple[StudyLoad, float],
                                                             bad_study: BadStudy) -> None:
    study, seconds = loaded
    problems = _by_file(study)
    assert problems["jpeg_sof_30000.dcm"] == [ProblemKind.DECODE_FAILED]  # refused at once, not 30 s
    assert problems["jpegls_sof_65535.dcm"] == [ProblemKind.DECODE_FAILED]
    assert problems["slide_wsi.dcm"] == [ProblemKind.UNSUPPORTED_OBJECT]  # one line, not 10 tiles
    assert problems["ecg.dcm"] == [ProblemKind.UNSUPPORTED_OBJECT]
    assert problems["mr_truncated.dcm"] == [ProblemKind.TRUNCATED]
    for name in ("jpll_labelled_native.dcm", "jpll_labelled_native_undefined.dcm", "no_photometric.dcm"):
        assert name not in problems, f"{name} should have been read as gdcm reads it"
    texts = {Path(p.path).name: p.user_text() for p in study.problems}
    assert "lame de microscopie" in texts["slide_wsi.dcm"]
    assert "ECG" in texts["ecg.dcm"]
    assert "image illisible" in texts["jpeg_sof_30000.dcm"]
    assert all("droits, disque" not in text for text in texts.values())
    # the intact CT: every slice, nothing missing, whatever happened next to it
    ct = next(s for s in study.series if s.slices[0].file.path in {str(p) for p in bad_study.ct_files})
    assert ct.loaded_count == len(bad_study.ct_files) and not ct.failed_indices
    first = pydicom.dcmread(ct.slices[0].file.path)
    assert np.array_equal(ct.volume[0], first.pixel_array)
    assert seconds < 30  # the 30000 x 30000 frame header once cost 30 s of libjpeg alone


def test_fallbacks_read_what_gdcm_reads(loaded: tuple[StudyLoad, float], dicom_data: Path) -> None:
    study, _ = loaded
    reference = pydicom.dcmread(dicom_data / "cornerstonejs_cornerstoneWADOImageLoader" / "CTImage.dcm")
    found = {}
    for series in study.series:
        for index, slice_ in enumerate(series.slices):
            found[Path(slice_.file.path).name] = (series, index)
    for name in ("jpll_labelled_native.dcm", "jpll_labelled_native_undefined.dcm", "no_photometric.dcm"):
        series, index = found[name]
        assert series.is_loaded(index)
        assert np.array_equal(series.volume[index], reference.pixel_array), name
    series, _ = found["no_photometric.dcm"]
    messages = " ".join(w.message for w in series.warnings)
    assert "Interprétation photométrique absente" in messages and "MONOCHROME2" in messages
    assert "Syntaxe de transfert erronée" in messages
    series, index = found["jpll_labelled_native.dcm"]
    assert series.decoders[series.slices[index].file.path] in ("imagecodecs (libjpeg-turbo)",
                                                               "pylibjpeg-libjpeg")


def test_a_rust_panic_is_one_frame_problem_without_workers(bad_study: BadStudy) -> None:
    """pylibjpeg-rle's panic is a BaseException: in the loader's own thread (no workers, no
    python-gdcm) it must become that slice's failure, and the load must still end."""
    with StudyLoader(0) as loader:
        study = loader.load(bad_study.folder).result(timeout=120)
    problems = _by_file(study)
    assert problems["rle_panic.dcm"] == [ProblemKind.DECODE_FAILED]
    panic = next(p for p in study.problems if p.path.endswith("rle_panic.dcm"))
    assert "PanicException" in panic.detail
    assert sum(s.loaded_count for s in study.series) >= len(bad_study.ct_files) + 3


@pytest.mark.skipif(not gdcm_available(), reason="python-gdcm (optional) is not installed")
def test_the_last_resort_decoder_is_named_and_its_slices_flagged(loaded: tuple[StudyLoad, float]) -> None:
    """With workers, the damaged RLE frame goes to python-gdcm; what it read is said, never silent."""
    study, _ = loaded
    series = next(s for s in study.series if any(x.file.path.endswith("rle_panic.dcm") for x in s.slices))
    path = next(x.file.path for x in series.slices if x.file.path.endswith("rle_panic.dcm"))
    if "rle_panic.dcm" in _by_file(study):  # gdcm refused it too: then it is reported as a failure
        assert path not in series.decoders
        return
    assert series.decoders[path] == "python-gdcm (secours)"
    assert any("décodeur de secours (python-gdcm)" in w.message for w in series.warnings)


@pytest.mark.gui
def test_the_standalone_viewer_on_the_bad_study(qtbot, bad_study: BadStudy, artifacts_dir: Path,
                                                worker_loader: StudyLoader) -> None:
    widget = ViewerWidget(worker_loader)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    qtbot.waitExposed(widget)
    with qtbot.waitSignal(widget.studyLoaded, timeout=120_000) as signal:
        widget.open_study([str(bad_study.folder)], "", banner_from_headers=True)
    study: StudyLoad = signal.args[0]
    qtbot.wait(300)
    errors = {p.path for p in study.problems if p.severity is Severity.ERROR}
    infos = {p.path for p in study.problems if p.severity is Severity.INFO}
    text = widget.messages.text()
    assert widget.messages.isVisible()
    # files, not frames, are counted; each bad file is named in the banner or its tooltip
    assert f"{len(errors | infos)} fichiers non affichés" in text
    tooltip = widget.messages.toolTip()
    for name in ("jpeg_sof_30000.dcm", "slide_wsi.dcm", "ecg.dcm", "mr_truncated.dcm"):
        assert name in tooltip
    # the identity comes from the headers (two source patients here: the CT phantom and the GE CT)
    banner = widget.viewports[0].banner_lines()[0]
    assert "Patient non identifié" not in banner
    assert "Plusieurs patients" in banner and "HEAD" in banner and "MISTER CT" in banner
    ct = next(s for s in widget.series() if s.loaded_count == len(bad_study.ct_files))
    assert not ct.failed_indices
    QApplication.primaryScreen().grabWindow(0).save(str(artifacts_dir / "viewer_bad_study.png"))
    widget.close_study()
