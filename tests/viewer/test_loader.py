"""The loader's contract: never blocks the caller, announces images progressively, survives bad
observers and dead workers, keeps memory to the volume itself."""
from __future__ import annotations

import logging
import os
import signal
import threading
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.uid import generate_uid

from tests.viewer.factories import axial_positions, slice_pixels, write_series
from viewer import loader as loader_module
from viewer.codecs import jpeg2k_threads_available, turbojpeg_available
from viewer.loader import Focus, LoadHandle, LoadObserver, PreviewImage, StudyLoader, discover, load_study
from viewer.problems import FileProblem
from viewer.series import Series


class Recorder(LoadObserver):
    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []
        self.threads: set[str] = set()

    def _note(self, name: str, value: object) -> None:
        self.events.append((name, value))
        self.threads.add(threading.current_thread().name)

    def file_problem(self, problem: FileProblem) -> None:
        self._note("problem", problem.kind)

    def preview(self, image: PreviewImage) -> None:
        self._note("preview", image.pixels.shape)

    def series_found(self, series: Series) -> None:
        self._note("found", series.shape)

    def slices_loaded(self, series: Series, indices: tuple[int, ...]) -> None:
        assert all(series.is_loaded(k) for k in indices)
        self._note("slices", indices)

    def series_done(self, series: Series) -> None:
        self._note("done", series.loaded_count)

    def finished(self, study: object) -> None:
        self._note("finished", None)


@pytest.fixture
def ct_folder(tmp_path: Path) -> Path:
    write_series(tmp_path / "ct", axial_positions(30), bits_stored=16)
    (tmp_path / "ct" / "notes.txt").write_text("pas une image", encoding="utf-8")
    return tmp_path / "ct"


def test_load_returns_at_once_and_reports_progressively(ct_folder: Path) -> None:
    release = threading.Event()

    class Blocking(Recorder):
        def preview(self, image: PreviewImage) -> None:
            super().preview(image)
            release.wait(10)

    observer = Blocking()
    with StudyLoader(0) as loader:
        handle = loader.load(ct_folder, observer)
        assert not handle.done()  # the loader is stuck in the observer; the caller is not
        release.set()
        study = handle.result(timeout=20)
    names = [name for name, _ in observer.events]
    assert names[0] == "preview" and names[-1] == "finished"
    assert names.index("found") < names.index("slices") < names.index("done")
    assert ("problem", "not_dicom") in [(n, getattr(v, "value", v)) for n, v in observer.events]
    first_slices = next(v for n, v in observer.events if n == "slices")
    assert first_slices == (15,)  # the middle slice, the one shown on opening, comes first
    loaded = sorted(k for n, v in observer.events if n == "slices" for k in v)  # type: ignore[union-attr]
    assert loaded == list(range(30))
    assert observer.threads == {"dicom-load"}
    timings = study.timings
    assert timings.preview_s is not None and timings.first_slice_s is not None
    assert timings.preview_s <= timings.first_slice_s <= timings.total_s


def test_focus_first_loads_slice_zero_first(ct_folder: Path) -> None:
    observer = Recorder()
    with StudyLoader(0, focus=Focus.FIRST) as loader:
        loader.load(ct_folder, observer).result(timeout=20)
    assert next(v for n, v in observer.events if n == "slices") == (0,)


def test_a_failing_observer_does_not_stop_the_load(ct_folder: Path, caplog: pytest.LogCaptureFixture) -> None:
    class Broken(LoadObserver):
        def slices_loaded(self, series: Series, indices: tuple[int, ...]) -> None:
            raise RuntimeError("bug in the user interface")

    with caplog.at_level(logging.ERROR), StudyLoader(0) as loader:
        study = loader.load(ct_folder, Broken()).result(timeout=20)
    assert study.series[0].loaded_count == 30
    assert "load observer slices_loaded failed" in caplog.text


def test_cancel_stops_the_load(ct_folder: Path) -> None:
    handles: list[LoadHandle] = []
    returned = threading.Event()

    class Cancelling(LoadObserver):
        def preview(self, image: PreviewImage) -> None:
            assert returned.wait(20)  # the preview may come before load() has returned the handle
            handles[0].cancel()

    with StudyLoader(0) as loader:
        handles.append(loader.load(ct_folder, Cancelling()))
        returned.set()
        study = handles[0].result(timeout=20)
    assert study.cancelled and study.series == []


def test_series_can_be_awaited_from_another_thread(ct_folder: Path) -> None:
    found: list[Series] = []
    ready = threading.Event()

    class Found(LoadObserver):
        def series_found(self, series: Series) -> None:
            found.append(series)
            ready.set()

    with StudyLoader(0) as loader:
        handle = loader.load(ct_folder, Found())
        assert ready.wait(20)
        assert found[0].wait(29, timeout=20) and found[0].is_loaded(29)
        assert found[0].wait(timeout=20) and found[0].complete
        handle.result(timeout=20)


def test_compressed_series_decoded_by_the_workers_equals_in_thread(
    tmp_path: Path, worker_loader: StudyLoader, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader_module, "releases_gil", lambda *_: False)  # as without imagecodecs
    write_series(tmp_path, axial_positions(40), syntax="1.2.840.10008.1.2.4.80", bits_stored=16,
                 pixels_for=lambda rank: slice_pixels(rank, rows=64, columns=64))
    in_thread = load_study(tmp_path).series[0]
    with_workers = worker_loader.load(tmp_path).result(timeout=60)
    assert with_workers.errors == [] and len(with_workers.series) == 1
    assert np.array_equal(with_workers.series[0].volume, in_thread.volume)
    assert [int(v) for v in in_thread.volume[:, 0, 0]] == [1000 + 100 * k for k in range(40)]


def test_a_loader_with_workers_gives_the_same_series(ct_folder: Path, worker_loader: StudyLoader) -> None:
    with_workers = worker_loader.load(ct_folder).result(timeout=60)
    in_thread = load_study(ct_folder)
    assert len(with_workers.problems) == len(in_thread.problems) == 1
    assert with_workers.series[0].plan == in_thread.series[0].plan
    assert np.array_equal(with_workers.series[0].volume, in_thread.series[0].volume)


def test_a_dead_decoding_worker_costs_no_image(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that dies (a decoder's crash, the OOM killer) must not lose the study: its frame is
    tried once more in a new worker and the task goes on. The frames go to the worker processes as
    they do for a decoder that holds the GIL (pyjpegls, when imagecodecs is absent)."""
    monkeypatch.setattr(loader_module, "releases_gil", lambda *_: False)
    write_series(tmp_path, axial_positions(48), syntax="1.2.840.10008.1.2.4.80", bits_stored=16,
                 pixels_for=lambda rank: slice_pixels(rank, rows=192, columns=192))
    killed: list[int] = []

    class Killer(LoadObserver):
        def slices_loaded(self, series: Series, indices: tuple[int, ...]) -> None:
            pool = loader._pool
            if not killed and pool is not None and series.loaded_count > 1:
                # only the processes this test started (the pool's own slots)
                for pid in [s.process.pid for s in pool._slots if s.process is not None and s.process.pid]:
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)

    with caplog.at_level(logging.WARNING), StudyLoader(2) as loader:
        loader.warm_up()
        study = loader.load(tmp_path, Killer()).result(timeout=120)
    assert study.timings.slowest_frame_s < loader.deadline.seconds(study.series[0].slices[0].file.fmt)
    assert killed and "a decoding worker died" in caplog.text
    series = study.series[0]
    assert study.errors == [] and series.loaded_count == 48
    assert [int(v) for v in series.volume[:, 0, 0]] == [1000 + 100 * k for k in range(48)]


def test_memory_stays_near_the_volume(tmp_path: Path) -> None:
    """No float copy, no stack of per-slice arrays: the peak is the preallocated volume itself."""
    write_series(tmp_path, axial_positions(40), pixels_for=lambda rank: slice_pixels(rank, 512, 512))
    load_study(tmp_path)  # imports and caches out of the measurement
    tracemalloc.start()
    try:
        study = load_study(tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    volume = study.series[0].volume
    assert volume.dtype == np.int16 and volume.nbytes == 40 * 512 * 512 * 2
    assert peak < 1.1 * volume.nbytes + 2_000_000, f"peak {peak / 1e6:.1f} MB for {volume.nbytes} B"


def test_discover_walks_folders_in_natural_order_and_skips_hidden_files(tmp_path: Path) -> None:
    for name in ("IM10", "IM9", "IM100", ".DS_Store"):
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "IM1").write_bytes(b"")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "IM0").write_bytes(b"")
    assert [Path(p).relative_to(tmp_path).as_posix() for p in discover(tmp_path)] == [
        "IM9", "IM10", "IM100", "sub/IM1"]
    found = discover([tmp_path / "IM9", tmp_path / "sub"])
    assert found == [str(tmp_path / "IM9"), str(tmp_path / "sub" / "IM1")]


def test_an_empty_folder_gives_an_empty_study(tmp_path: Path) -> None:
    study = load_study(tmp_path)
    assert study.series == [] and study.problems == [] and not study.cancelled


def test_closing_the_loader_under_a_running_load_cancels_it(tmp_path: Path) -> None:
    write_series(tmp_path, axial_positions(24), syntax="1.2.840.10008.1.2.4.90", bits_stored=16,
                 pixels_for=lambda rank: slice_pixels(rank, rows=192, columns=192))
    found = threading.Event()

    class Found(LoadObserver):
        def series_found(self, series: Series) -> None:
            found.set()

    loader = StudyLoader(2)
    handle = loader.load(tmp_path, Found())
    assert found.wait(30)
    loader.close()
    study = handle.result(timeout=30)
    assert study.cancelled
    with pytest.raises(RuntimeError, match="closed"):
        loader.load(tmp_path)


@pytest.mark.skipif(not turbojpeg_available(), reason="imagecodecs (libjpeg-turbo) not installed")
def test_jpeg_series_decoded_on_threads_without_worker_processes(dicom_data: Path, tmp_path: Path) -> None:
    """libjpeg-turbo releases the GIL: a lossless JPEG series is decoded on the reader threads, no worker
    process is started, and every slice is the file's own frame, in position order."""
    source = pydicom.dcmread(dicom_data / "nema_wg04_via_dicom-test-files" / "CT1_JPLL.dcm")
    series_uid = generate_uid()
    expected = []
    for rank in range(10):
        ds = source.copy()
        ds.SeriesInstanceUID, ds.SOPInstanceUID = series_uid, generate_uid()
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        ds.ImagePositionPatient = [-158.0, -179.0, 10.0 * rank]
        ds.InstanceNumber = rank + 1
        ds.save_as(tmp_path / f"IM{(rank * 7) % 10}.dcm", enforce_file_format=True)  # names out of order
        expected.append(source.pixel_array)
    assert str(source.file_meta.TransferSyntaxUID) == "1.2.840.10008.1.2.4.70"
    with StudyLoader(2) as loader:
        study = loader.load(tmp_path).result(timeout=60)
        assert loader._pool is None  # the worker processes were never needed
    (series,) = study.series
    assert not study.errors and series.complete
    assert np.array_equal(series.volume, np.stack(expected))
    assert [s.file.instance_number for s in series.slices] == list(range(1, 11))


@pytest.mark.skipif(not jpeg2k_threads_available(), reason="imagecodecs (OpenJPEG) not installed")
def test_jpeg2000_series_decoded_on_threads_without_worker_processes(tmp_path: Path) -> None:
    """imagecodecs' OpenJPEG releases the GIL too: a JPEG 2000 series needs no worker process."""
    write_series(tmp_path, axial_positions(24), syntax="1.2.840.10008.1.2.4.90", bits_stored=16,
                 pixels_for=lambda rank: slice_pixels(rank, rows=96, columns=96))
    with StudyLoader(2) as loader:
        study = loader.load(tmp_path).result(timeout=60)
        assert loader._pool is None
    (series,) = study.series
    assert not study.errors and series.complete
    assert np.array_equal(series.volume, np.stack([slice_pixels(k, rows=96, columns=96) for k in range(24)]))


# --- deadlines: a frame that takes too long costs that frame, never the study ------------------------
def _slow_jpeg(dicom_data: Path, target: Path, size: int) -> None:
    """A real JPEG (process 6/8, decoded by libjpeg, which holds the GIL: a worker's job) whose header
    and frame header both claim size x size pixels: consistent, so it is decoded, and slow (libjpeg
    fills the missing scans: 1.6 s for 8000 x 8000 here, 30 s for 30000 x 30000)."""
    from tests.viewer.bad_study import CORNERSTONE, huge_frame_header

    source = dicom_data / CORNERSTONE / "CTImage.dcm_JPEGProcess6_8TransferSyntax_1.2.840.10008.1.2.4.53.dcm"
    ds = pydicom.dcmread(source)
    ds.Rows = ds.Columns = size
    ds.SeriesInstanceUID = generate_uid()
    ds.save_as(target.with_suffix(".tmp"), enforce_file_format=True)
    huge_frame_header(target.with_suffix(".tmp"), target, size, size)
    target.with_suffix(".tmp").unlink()


def test_a_frame_past_its_deadline_kills_its_worker_and_the_study_finishes(
        dicom_data: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from viewer.problems import ProblemKind
    from viewer.workers import FrameDeadline

    _slow_jpeg(dicom_data, tmp_path / "slow.dcm", 10000)
    write_series(tmp_path / "ct", axial_positions(6), bits_stored=16)
    deadline = FrameDeadline(base_s=0.3, per_megapixel_s=0.0)
    with caplog.at_level(logging.WARNING), StudyLoader(2, deadline=deadline) as loader:
        loader.warm_up()
        start = time.perf_counter()
        study = loader.load(tmp_path).result(timeout=60)
        seconds = time.perf_counter() - start
        assert loader._pool is not None and loader._pool.killed == 1
    timeouts = [p for p in study.problems if p.kind is ProblemKind.DECODE_TIMEOUT]
    assert [Path(p.path).name for p in timeouts] == ["slow.dcm"]
    assert "image illisible" in timeouts[0].message and "worker killed" in timeouts[0].detail
    ct = next(s for s in study.series if s.shape[0] == 6)
    assert ct.loaded_count == 6
    assert seconds < 10
    assert deadline.base_s <= study.timings.slowest_frame_s < deadline.base_s + 1.0
    assert "took more than its 0.3 s deadline: worker killed" in caplog.text


@pytest.mark.skipif(not turbojpeg_available(),
                    reason="imagecodecs' libjpeg-turbo is absent: no decoding on threads")
def test_a_reader_thread_stuck_past_the_deadline_is_abandoned(
        dicom_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A decoder that releases the GIL decodes on the reader threads, which cannot be killed: past the
    deadline the frame is marked unreadable, new reader threads take the rest, the load ends. The stuck
    decoder is simulated by a sleep before the real decoding of one file (a sleep releases the GIL as
    libjpeg-turbo does)."""
    import shutil

    from tests.viewer.bad_study import CORNERSTONE
    from viewer.problems import ProblemKind
    from viewer.workers import FrameDeadline

    shutil.copyfile(dicom_data / CORNERSTONE
                    / "CTImage.dcm_JPEGProcess14SV1TransferSyntax_1.2.840.10008.1.2.4.70.dcm",
                    tmp_path / "stuck.dcm")
    write_series(tmp_path / "ct", axial_positions(6), bits_stored=16)
    real = loader_module.decode_frames

    def stuck_on_one_file(task, threads=1):  # type: ignore[no-untyped-def]
        if task.source.path.endswith("stuck.dcm"):
            time.sleep(4)
        return real(task, threads)

    monkeypatch.setattr(loader_module, "decode_frames", stuck_on_one_file)
    with StudyLoader(2, deadline=FrameDeadline(base_s=0.5, per_megapixel_s=0.0)) as loader:
        start = time.perf_counter()
        study = loader.load(tmp_path).result(timeout=60)
        seconds = time.perf_counter() - start
    assert seconds < 3.5
    found = [(Path(p.path).name, p.kind) for p in study.problems]
    assert found == [("stuck.dcm", ProblemKind.DECODE_TIMEOUT)]
    ct = next(s for s in study.series if s.shape[0] == 6)
    assert ct.loaded_count == 6


def test_jpeg_ls_frames_go_to_the_workers_that_can_be_stopped(tmp_path: Path) -> None:
    """CharLS releases the GIL but spent 8-11 s on truncated frames: a JPEG-LS series is decoded by the
    worker processes (stoppable at the deadline), with the same values as in this process."""
    write_series(tmp_path, axial_positions(12), syntax="1.2.840.10008.1.2.4.80", bits_stored=16,
                 pixels_for=lambda rank: slice_pixels(rank, rows=128, columns=128))
    reference = load_study(tmp_path)
    with StudyLoader(2) as loader:
        study = loader.load(tmp_path).result(timeout=120)
        assert loader._pool is not None
    assert study.errors == [] and reference.errors == []
    assert np.array_equal(study.series[0].volume, reference.series[0].volume)
