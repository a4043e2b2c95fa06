"""Progressive, non-blocking loading of a study: the caller gets a handle at once and events as they come.

One coordinator thread per load reads the headers (viewer.headers scans them in ~0.15 ms a file; in
worker processes the hand-off cost more than the parallel scan saved), plans the series, then fills the
preallocated volumes:

* uncompressed monochrome slices are read straight into the volume by a pool of 2 threads (reads
  release the GIL; no decoder, no intermediate copy);
* compressed frames go to a pool of worker *processes*: none of pylibjpeg, openjpeg, CharLS or gdcm
  releases the GIL (measured: 2 threads decode no faster than 1), so processes are the only way to use
  both cores. The exceptions are imagecodecs' libjpeg-turbo (JPEG baseline, extended, lossless),
  CharLS (JPEG-LS) and OpenJPEG (JPEG 2000), which release it (2 threads 1.5-1.85x one): those
  monochrome frames are decoded on the reader threads, nothing pickled, no worker process needed.
  The pool is started once per :class:`StudyLoader` (about 0.4 s), ideally by
  :meth:`StudyLoader.warm_up` when the application starts.

The slice the viewer will show first (the middle one by default) is read before the others, and the
very first image file is decoded and announced as a preview while the headers are still being read, so
something is on screen long before a large series is complete.

Observer methods run on the coordinator thread; a Qt layer re-emits them as queued signals. An
observer that raises is logged and ignored: it must not stop the load.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from resources.translations import QT_TRANSLATE_NOOP
from viewer.codecs import (
    Backend,
    DecodeFailure,
    DecodeTask,
    can_read_directly,
    decode_task,
    read_directly,
    releases_gil,
    syntax_support,
)
from viewer.geometry import Slice, plan_series
from viewer.headers import FrameInfo, ImageFile, read_image_file
from viewer.problems import FileProblem, ProblemKind, Severity
from viewer.series import FAILED, LOADED, Series

log = logging.getLogger(__name__)

# Frames per worker task: small enough to spread a multi-frame file over both workers and to show
# progress often, large enough that the per-task overhead (~0.1 ms) stays negligible.
FRAMES_PER_TASK = 8
# Slices per task of the direct-read thread pool.
SLICES_PER_READ = 8
# Threads a JPEG 2000 frame may use when decoded alone in this process (the preview and the first slice
# shown, before the workers take over): 2 cores, ~1.7x faster on a 512x512 CT frame.
IN_THREAD_DECODE_THREADS = 2


class Focus(Enum):
    """Which slice of each series is loaded first, the one the viewer shows on opening."""

    FIRST = "first"
    MIDDLE = "middle"
    LAST = "last"

    def index(self, count: int) -> int:
        return {Focus.FIRST: 0, Focus.MIDDLE: count // 2, Focus.LAST: count - 1}[self]


@dataclass(frozen=True, slots=True)
class PreviewImage:
    """The first decoded image of a load, before any series is assembled (stored values)."""

    file: ImageFile
    frame: FrameInfo
    pixels: np.ndarray


@dataclass(slots=True)
class LoadTimings:
    """Seconds since :meth:`StudyLoader.load` was called."""

    files: int = 0
    discovered_s: float = 0.0
    headers_s: float = 0.0
    preview_s: float | None = None
    first_slice_s: float | None = None
    total_s: float = 0.0
    pool_start_s: float = 0.0  # part of total_s spent starting worker processes (0 when warm)


@dataclass(slots=True)
class StudyLoad:
    """Everything one load produced; ``problems`` lists every file that did not become pixels."""

    series: list[Series] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    timings: LoadTimings = field(default_factory=LoadTimings)
    cancelled: bool = False

    @property
    def errors(self) -> list[FileProblem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def skipped(self) -> list[FileProblem]:
        return [p for p in self.problems if p.severity is Severity.INFO]


class LoadObserver:
    """Override what you need; every method is called on the loader's coordinator thread."""

    def file_problem(self, problem: FileProblem) -> None:
        """A file (or a frame) that will not be displayed, with its French message."""

    def preview(self, image: PreviewImage) -> None:
        """The first decoded image, available before the series are assembled."""

    def series_found(self, series: Series) -> None:
        """A series is planned and its volume allocated; its slices arrive next."""

    def slices_loaded(self, series: Series, indices: tuple[int, ...]) -> None:
        """These slices of the series are now readable in ``series.volume``."""

    def series_done(self, series: Series) -> None:
        """Every slice of the series is loaded or failed."""

    def finished(self, study: StudyLoad) -> None:
        """The load is over (completed or cancelled)."""


class LoadHandle:
    """What :meth:`StudyLoader.load` returns at once: a future of the :class:`StudyLoad`, and cancel."""

    def __init__(self) -> None:
        self.future: Future[StudyLoad] = Future()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def done(self) -> bool:
        return self.future.done()

    def result(self, timeout: float | None = None) -> StudyLoad:
        return self.future.result(timeout)


def _natural_key(name: str) -> list[object]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def discover(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[str]:
    """Files under the given files and folders, recursively, in natural name order; hidden ones skipped."""
    roots = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    found: list[str] = []
    for root in roots:
        root = os.fspath(root)
        if os.path.isfile(root):
            found.append(root)
            continue
        for folder, dirs, names in os.walk(root):
            dirs[:] = sorted((d for d in dirs if not d.startswith(".")), key=_natural_key)
            visible = sorted((n for n in names if not n.startswith(".")), key=_natural_key)
            found.extend(os.path.join(folder, n) for n in visible)
    return found


def _worker_init() -> None:
    """Workers import their decoders once. They keep the normal priority: lowered (nice 5), any other
    busy program on the machine took most of their time and a load ran slower than in one thread;
    the interface thread stays responsive anyway, the scheduler favours a thread that wakes up."""
    import libjpeg  # noqa: F401
    import openjpeg  # noqa: F401

    from viewer.codecs import turbojpeg_available

    turbojpeg_available()  # imports imagecodecs' JPEG codec now, not with the first frame


def _ping(_: int) -> int:
    return os.getpid()


class StudyLoader:
    """Loads studies in the background; keep one for the life of the application and close it at exit.

    ``workers``: decoding processes for compressed frames (0 decodes in the coordinator thread).
    ``min_frames_for_workers``: fewer compressed frames than this are decoded in-thread, as starting or
    feeding processes would cost more than it saves.
    """

    def __init__(
        self,
        workers: int = 2,
        *,
        focus: Focus = Focus.MIDDLE,
        min_frames_for_workers: int = 4,
        warm: bool = False,
    ) -> None:
        self.workers = workers
        self.focus = focus
        self.min_frames_for_workers = min_frames_for_workers
        self._pool: ProcessPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._readers = ThreadPoolExecutor(2, thread_name_prefix="dicom-read")
        self._handles: list[LoadHandle] = []
        self._closed = False
        if warm and workers > 0:
            threading.Thread(target=self.warm_up, name="dicom-warm-up", daemon=True).start()

    # --- process pool ------------------------------------------------------------------------------
    def warm_up(self) -> float:
        """Start the worker processes now (blocking, ~0.4 s); returns the seconds it took."""
        start = time.perf_counter()
        pool = self._process_pool()
        if pool is not None:
            try:
                list(pool.map(_ping, range(self.workers)))
            except (BrokenProcessPool, RuntimeError):  # closed meanwhile, or the workers could not start
                log.warning("decoding workers did not start", exc_info=True)
                return time.perf_counter() - start
        return time.perf_counter() - start

    def _process_pool(self) -> ProcessPoolExecutor | None:
        with self._pool_lock:
            if self._pool is None and self.workers > 0 and not self._closed:
                # spawn, never fork: forking a process that runs Qt and loader threads can deadlock
                context = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_worker_init)
            return self._pool

    def _reset_pool(self) -> None:
        with self._pool_lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None

    def close(self) -> None:
        """Cancel running loads and stop the workers."""
        self._closed = True
        for handle in self._handles:
            handle.cancel()
        self._readers.shutdown(wait=True, cancel_futures=True)
        with self._pool_lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None

    def __enter__(self) -> StudyLoader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- loading -----------------------------------------------------------------------------------
    def load(
        self,
        paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        observer: LoadObserver | None = None,
    ) -> LoadHandle:
        """Start loading files and folders; returns immediately."""
        if self._closed:
            raise RuntimeError("StudyLoader is closed")
        handle = LoadHandle()
        self._handles = [h for h in self._handles if not h.done()] + [handle]
        run = _Run(self, handle, paths, observer or LoadObserver())
        threading.Thread(target=run.run, name="dicom-load", daemon=True).start()
        return handle


class _Run:
    """One load, on its own coordinator thread."""

    def __init__(
        self, loader: StudyLoader, handle: LoadHandle, paths: object, observer: LoadObserver
    ) -> None:
        self.loader, self.handle, self.paths, self.observer = loader, handle, paths, observer
        self.study = StudyLoad()
        self.start = time.perf_counter()
        self.preview: tuple[str, int, np.ndarray] | None = None

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def notify(self, method: Callable[..., None], *args: object) -> None:
        try:
            method(*args)
        except Exception:
            log.exception("load observer %s failed; loading continues", getattr(method, "__name__", method))

    def report(self, found: FileProblem) -> None:
        found.log()
        self.study.problems.append(found)
        self.notify(self.observer.file_problem, found)

    def run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # a bug here must reach the caller, not vanish with the thread
            if self.handle.cancelled:  # closing the loader under a running load: a cancellation
                log.info("study load stopped by close: %s", exc)
                self.study.cancelled = True
                self.handle.future.set_result(self.study)
                return
            log.exception("study load failed")
            self.handle.future.set_exception(exc)
            return
        self.study.cancelled = self.handle.cancelled
        self.study.timings.total_s = self.elapsed()
        self.handle.future.set_result(self.study)
        self.notify(self.observer.finished, self.study)

    def _run(self) -> None:
        timings = self.study.timings
        paths = discover(self.paths)  # type: ignore[arg-type]
        timings.files, timings.discovered_s = len(paths), self.elapsed()
        images: list[ImageFile] = []
        for result in self._headers(paths):
            if self.handle.cancelled:
                return
            if isinstance(result, FileProblem):
                self.report(result)
                continue
            images.append(result)
            if self.preview is None:
                self._send_preview(result)
        timings.headers_s = self.elapsed()
        if not images:
            return
        series = [Series(plan) for plan in plan_series(images)]
        self.study.series = series
        for item in series:
            self.notify(self.observer.series_found, item)
        _Filler(self, series).fill()

    def _headers(self, paths: list[str]) -> Iterable[ImageFile | FileProblem]:
        """Headers in file order, read in this thread. The worker processes used to share this work;
        since the header scan (viewer.headers) costs ~0.15 ms a file, shipping files and records
        between processes cost more than it saved (measured: 140 files 45 ms in-thread vs 57 ms, 560
        files 103 vs 135 ms)."""
        for path in paths:
            yield read_image_file(path)

    def _send_preview(self, image: ImageFile) -> None:
        pixels = _decode_one(image, image.frames[0].index)
        if isinstance(pixels, DecodeFailure):
            return  # the same frame fails again, and is reported, when its series is filled
        self.preview = (image.path, image.frames[0].index, pixels)
        self.study.timings.preview_s = self.elapsed()
        self.notify(self.observer.preview, PreviewImage(image, image.frames[0], pixels))


def _decode_one(image: ImageFile, frame: int) -> np.ndarray | DecodeFailure:
    """One frame's stored values; native monochrome frames are read straight into their array (the
    decoder's path reads the whole pixel value into bytes first and copies it twice)."""
    file_dtype = image.fmt.file_dtype
    if file_dtype is not None and can_read_directly(image.source, image.fmt, file_dtype):
        pixels = np.empty((image.fmt.rows, image.fmt.columns), dtype=file_dtype)
        try:
            read_directly(image.source, image.fmt, (frame,), [pixels])
        except Exception as exc:  # a short or vanished file, as the decoder would report it
            return DecodeFailure(frame, f"{type(exc).__name__}: {exc}")
        return pixels
    return decode_task(DecodeTask(image.source, image.fmt, (frame,)), threads=IN_THREAD_DECODE_THREADS)[0]


@dataclass(slots=True)
class _Job:
    series: Series
    indices: tuple[int, ...]


class _Filler:
    """Fills the volumes of one load: direct reads on threads, decoding on processes."""

    def __init__(self, run: _Run, series: list[Series]) -> None:
        self.run = run
        self.series = series
        self.pending: dict[Future[object], _Job] = {}
        self.tasks: dict[Future[object], DecodeTask] = {}
        self.retry: list[tuple[DecodeTask, _Job]] = []
        self.remaining = {id(s): len(s.slices) for s in series}

    def fill(self) -> None:
        # the first slice shown is read before anything else, in this thread, whatever its syntax
        self._load_now(self.series[0], self.run.loader.focus.index(len(self.series[0].slices)))
        direct, decode = self._split()
        for job in self._chunks(direct, SLICES_PER_READ):
            future = self.run.loader._readers.submit(self._read_job, job)
            self.pending[future] = job  # type: ignore[assignment]
        decode_jobs = list(self._decode_jobs(decode))
        cheap = [(task, job) for task, job in decode_jobs if self._cheap(task)]
        decode_jobs = [(task, job) for task, job in decode_jobs if not self._cheap(task)]
        # decoders that release the GIL run on the reader threads: both cores, nothing pickled
        for task, job in decode_jobs:
            if releases_gil(task.source, task.fmt):
                future = self.run.loader._readers.submit(decode_task, task)
                self.pending[future] = job  # type: ignore[assignment]
                self.tasks[future] = task  # type: ignore[index]
        decode_jobs = [(task, job) for task, job in decode_jobs if not releases_gil(task.source, task.fmt)]
        frames = sum(len(job.indices) for _, job in decode_jobs)
        pool = None
        if frames >= self.run.loader.min_frames_for_workers:
            started = time.perf_counter()
            pool = self.run.loader._process_pool()
            self.run.study.timings.pool_start_s = time.perf_counter() - started
        for task, job in decode_jobs:
            if pool is None:  # this thread is the only decoder: a frame may use both cores
                if self.run.handle.cancelled:
                    break
                self._settle_decoded(job, decode_task(task, threads=IN_THREAD_DECODE_THREADS))
            else:
                self._submit(pool, task, job)
        for task, job in cheap:  # while the workers decode the rest
            if self.run.handle.cancelled:
                break
            self._settle_decoded(job, decode_task(task))
        self._collect()

    # --- planning ----------------------------------------------------------------------------------
    def _split(self) -> tuple[list[tuple[Series, int]], list[tuple[Series, int]]]:
        """(series, slice index) pairs in load order, split into direct reads and decodes."""
        focus = self.run.loader.focus
        direct: list[tuple[Series, int]] = []
        decode: list[tuple[Series, int]] = []
        for item in self.series:
            count = len(item.slices)
            start = focus.index(count)
            # outward from the focus slice: the neighbours the reader scrolls to first come first
            order = sorted(range(count), key=lambda k: (abs(k - start), k))
            for index in order[1:] if item is self.series[0] else order:
                if self._from_preview(item, index):
                    continue
                target = direct if self._direct(item, index) else decode
                target.append((item, index))
        return direct, decode

    @staticmethod
    def _direct(item: Series, index: int) -> bool:
        file = item.slices[index].file
        return can_read_directly(file.source, file.fmt, item.volume.dtype)

    @staticmethod
    def _chunks(pairs: list[tuple[Series, int]], size: int) -> Iterable[_Job]:
        start = 0
        while start < len(pairs):
            item = pairs[start][0]
            end = start
            while end < len(pairs) and end - start < size and pairs[end][0] is item:
                end += 1
            yield _Job(item, tuple(k for _, k in pairs[start:end]))
            start = end

    @staticmethod
    def _cheap(task: DecodeTask) -> bool:
        """RLE and uncompressed-but-converted frames decode faster than a process can hand them back
        (measured: RLE 1,240 MB/s in-thread, 390 MB/s through two workers)."""
        support = syntax_support(task.source.transfer_syntax)
        return support is None or support.backend in (Backend.RLE, Backend.NATIVE, Backend.DATASET)

    @staticmethod
    def _decode_jobs(pairs: list[tuple[Series, int]]) -> Iterable[tuple[DecodeTask, _Job]]:
        """Group consecutive frames of one file into tasks (a file is read once per task)."""
        current: list[tuple[Series, int]] = []

        def flush() -> Iterable[tuple[DecodeTask, _Job]]:
            if current:
                item = current[0][0]
                file = item.slices[current[0][1]].file
                frames = tuple(item.slices[k].frame.index for _, k in current)
                yield DecodeTask(file.source, file.fmt, frames), _Job(item, tuple(k for _, k in current))

        for item, index in pairs:
            if current and (current[0][0] is not item or item.slices[current[0][1]].file.path
                            != item.slices[index].file.path or len(current) >= FRAMES_PER_TASK):
                yield from flush()
                current = []
            current.append((item, index))
        yield from flush()

    # --- work --------------------------------------------------------------------------------------
    def _from_preview(self, item: Series, index: int) -> bool:
        """Settle the slice with the preview's pixels if it is that frame (decoded once, not twice)."""
        slice_, preview = item.slices[index], self.run.preview
        if preview is None or preview[:2] != (slice_.file.path, slice_.frame.index):
            return False
        self._settle_decoded(_Job(item, (index,)), [preview[2]])
        return True

    def _load_now(self, item: Series, index: int) -> None:
        slice_ = item.slices[index]
        if self._from_preview(item, index):
            return
        if self._direct(item, index):
            self._settle_read(_Job(item, (index,)), self._read_job(_Job(item, (index,))))
        else:
            task = DecodeTask(slice_.file.source, slice_.file.fmt, (slice_.frame.index,))
            self._settle_decoded(_Job(item, (index,)), decode_task(task, threads=IN_THREAD_DECODE_THREADS))

    @staticmethod
    def _read_job(job: _Job) -> list[str | None]:
        """Runs on a reader thread: one error text (or None) per slice."""
        errors: list[str | None] = []
        for index in job.indices:
            slice_: Slice = job.series.slices[index]
            try:
                file = slice_.file
                read_directly(file.source, file.fmt, (slice_.frame.index,), [job.series.volume[index]])
                errors.append(None)
            except Exception as exc:  # a short or vanished file is that slice's problem only
                errors.append(f"{type(exc).__name__}: {exc}")
        return errors

    def _submit(self, pool: ProcessPoolExecutor, task: DecodeTask, job: _Job) -> None:
        try:
            future = pool.submit(decode_task, task)
        except (BrokenProcessPool, RuntimeError):  # workers died earlier, or the loader is closing
            self.retry.append((task, job))
            return
        self.pending[future] = job
        self.tasks[future] = task

    def _collect(self) -> None:
        while self.pending:
            if self.run.handle.cancelled:
                for future in self.pending:
                    future.cancel()
                return
            done, _ = wait(list(self.pending), timeout=0.2, return_when=FIRST_COMPLETED)
            for future in done:
                job = self.pending.pop(future)
                task = self.tasks.pop(future, None)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    # a decoder crashed a worker (hostile or broken file): retry once in a fresh pool
                    assert task is not None
                    self.retry.append((task, job))
                    continue
                except Exception as exc:
                    result = [DecodeFailure(-1, f"{type(exc).__name__}: {exc}")] * len(job.indices)
                if task is None:
                    self._settle_read(job, result)  # type: ignore[arg-type]
                else:
                    self._settle_decoded(job, result)  # type: ignore[arg-type]
            if self.retry and not self.tasks:
                self._retry_crashed()
        if self.retry:  # every submission failed: nothing was pending
            self._retry_crashed()

    def _retry_crashed(self) -> None:
        tasks, self.retry = self.retry, []
        log.warning("a decoding worker died; retrying %d task(s) one by one in a new pool", len(tasks))
        self.run.loader._reset_pool()
        for task, job in tasks:
            if self.run.handle.cancelled:
                return
            pool = self.run.loader._process_pool()
            if pool is None:  # closing: nothing more will be decoded
                self._settle_decoded(job, [DecodeFailure(-1, "worker pool unavailable")] * len(job.indices))
                continue
            try:
                result = pool.submit(decode_task, task).result()
            except (BrokenProcessPool, RuntimeError):
                self.run.loader._reset_pool()
                result = [DecodeFailure(i, "the decoder crashed the worker process") for i in task.frames]
            self._settle_decoded(job, result)

    # --- results -----------------------------------------------------------------------------------
    def _settle_read(self, job: _Job, errors: list[str | None]) -> None:
        failures = {k: e for k, e in zip(job.indices, errors, strict=True) if e is not None}
        self._finish(job, failures)

    def _settle_decoded(self, job: _Job, results: Sequence[np.ndarray | DecodeFailure]) -> None:
        failures: dict[int, str] = {}
        volume = job.series.volume
        for index, result in zip(job.indices, results, strict=True):
            if isinstance(result, DecodeFailure):
                failures[index] = result.detail
            elif result.shape != volume.shape[1:]:
                failures[index] = f"decoded shape {result.shape} differs from the series' {volume.shape[1:]}"
            else:
                volume[index] = result
        self._finish(job, failures)

    def _finish(self, job: _Job, failures: dict[int, str]) -> None:
        item = job.series
        for index, detail in failures.items():
            slice_ = item.slices[index]
            self.run.report(FileProblem(
                slice_.file.path, ProblemKind.DECODE_FAILED,
                QT_TRANSLATE_NOOP("FileProblem", "image impossible à décoder : données compressées "
                                                 "endommagées ou non conformes."),
                detail, slice_.frame.index if slice_.file.source.number_of_frames > 1 else None,
            ))
        loaded = tuple(k for k in job.indices if k not in failures)
        item._settle(loaded, LOADED)
        item._settle(failures, FAILED)
        timings = self.run.study.timings
        if loaded:
            if timings.first_slice_s is None:
                timings.first_slice_s = self.run.elapsed()
            self.run.notify(self.run.observer.slices_loaded, item, loaded)
        self.remaining[id(item)] -= len(job.indices)
        if self.remaining[id(item)] == 0:
            item._note_failures()
            self.run.notify(self.run.observer.series_done, item)


def load_study(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], *, workers: int = 0
) -> StudyLoad:
    """Load synchronously (scripts, tests, the inspect command): a throw-away loader, result returned."""
    with StudyLoader(workers) as loader:
        return loader.load(paths).result()


__all__ = [
    "Focus",
    "LoadHandle",
    "LoadObserver",
    "LoadTimings",
    "PreviewImage",
    "StudyLoad",
    "StudyLoader",
    "discover",
    "load_study",
]
