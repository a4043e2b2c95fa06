"""Progressive, non-blocking loading of a study: the caller gets a handle at once and events as they come.

One coordinator thread per load reads the headers (viewer.headers scans them in ~0.15 ms a file; in
worker processes the hand-off cost more than the parallel scan saved), plans the series, then fills the
preallocated volumes:

* uncompressed monochrome slices are read straight into the volume by a pool of 2 threads (reads
  release the GIL; no decoder, no intermediate copy);
* compressed frames go to worker *processes* (:mod:`viewer.workers`): none of pylibjpeg, openjpeg,
  pyjpegls or gdcm releases the GIL (measured: 2 threads decode no faster than 1), and a decoder that
  holds the GIL on a corrupt frame for 30 s would freeze the interface with it; in a worker it meets a
  per-frame deadline, past which the worker is killed and restarted and the frame marked unreadable.
  The exceptions are imagecodecs' libjpeg-turbo (JPEG baseline, extended, lossless) and OpenJPEG
  (JPEG 2000), which release the GIL (2 threads 1.5-1.85x one) and stayed under 0.1 s on every cut or
  damaged frame tried: those monochrome frames are decoded on the reader threads, nothing pickled, no
  worker process needed; a frame there that passes its deadline is abandoned (marked unreadable, its
  thread left to finish, the reader threads replaced) so the load still ends. CharLS (JPEG-LS) releases
  the GIL too but spends 8-11 s on a truncated frame: its frames go to the workers. The pool is
  started once per :class:`StudyLoader` (about 0.4 s), on the first frame that needs it or by
  :meth:`StudyLoader.warm_up`.

Every failure of a decoder, BaseException included (pylibjpeg-rle reports a damaged frame with a Rust
panic), is that frame's problem only: the study always finishes loading.

The slice the viewer will show first (the middle one by default) is read before the others, and the
very first image file is decoded and announced as a preview while the headers are still being read, so
something is on screen long before a large series is complete.

Observer methods run on the coordinator thread; a Qt layer re-emits them as queued signals. An
observer that raises is logged and ignored: it must not stop the load.

A study still arriving over the network (:class:`Arrivals`, given instead of the paths): the first file
to arrive (the one the viewer shows first, when the sender sends it first) is decoded and announced as the
preview at once, and every later compressed one is decoded on arrival by the workers, in parallel with the
transfer; the series are planned only once every file is there (geometry is never computed from part of a
series), then filled from those early decodes. Until then the viewer shows that one preview image (no
scrolling), and the caller says how many files have come.
"""
from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Protocol, runtime_checkable

import numpy as np

from resources.translations import QT_TRANSLATE_NOOP
from viewer.codecs import (
    Backend,
    DecodeFailure,
    DecodeTask,
    FrameResult,
    PixelFormat,
    PixelSource,
    Rescued,
    can_read_directly,
    decode_frames,
    decoder_name,
    gdcm_available,
    read_directly,
    releases_gil,
    syntax_support,
)
from viewer.geometry import Slice, plan_series
from viewer.headers import FrameInfo, ImageFile, read_image_file
from viewer.problems import FileProblem, ProblemKind, Severity
from viewer.series import FAILED, LOADED, Series
from viewer.workers import Decoded, DecodingPool, FrameDeadline

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
    slowest_frame_s: float = 0.0  # the longest one frame took to decode (a stopped one: its deadline)


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


@runtime_checkable
class Arrivals(Protocol):
    """A study whose files arrive while it loads (retrieved over a network in reading order)."""

    def arrived(self, timeout: float) -> list[str] | None:
        """Paths of the files complete since the last call, [] when none came within ``timeout``
        seconds, None once nothing more will arrive (complete, failed or stopped)."""
        ...


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


class StudyLoader:
    """Loads studies in the background; keep one for the life of the application and close it at exit.

    ``workers``: decoding processes for the frames whose decoder holds the GIL (0: every frame is
    decoded in the loader's threads, with no deadline: scripts and tests only). ``deadline``: how long
    one frame may take before it is stopped and marked unreadable.
    """

    def __init__(
        self,
        workers: int = 2,
        *,
        focus: Focus = Focus.MIDDLE,
        deadline: FrameDeadline | None = None,
        warm: bool = False,
    ) -> None:
        self.workers = workers
        self.focus = focus
        self.deadline = deadline or FrameDeadline()
        self._pool: DecodingPool | None = None
        self._pool_lock = threading.Lock()
        self._readers = ThreadPoolExecutor(2, thread_name_prefix="dicom-read")
        self._readers_lock = threading.Lock()
        self._handles: list[LoadHandle] = []
        self._closed = False
        if warm and workers > 0:
            threading.Thread(target=self.warm_up, name="dicom-warm-up", daemon=True).start()

    # --- process pool ------------------------------------------------------------------------------
    def warm_up(self) -> float:
        """Start the worker processes now (blocking, ~0.4 s); returns the seconds it took."""
        start = time.perf_counter()
        pool = self._process_pool()
        if pool is not None and not pool.wait_ready():
            log.warning("decoding workers did not start in time")
        return time.perf_counter() - start

    def _process_pool(self) -> DecodingPool | None:
        with self._pool_lock:
            if self._pool is None and self.workers > 0 and not self._closed:
                self._pool = DecodingPool(self.workers, self.deadline, initializer=_worker_init)
            return self._pool

    @property
    def pool_running(self) -> bool:
        return self._pool is not None

    @property
    def readers(self) -> ThreadPoolExecutor:
        with self._readers_lock:
            return self._readers

    def _replace_readers(self, stuck: ThreadPoolExecutor) -> ThreadPoolExecutor:
        """New reader threads when one is stuck in a decoder past its deadline (it cannot be stopped:
        it is left to finish on its own; its executor accepts nothing more)."""
        with self._readers_lock:
            if self._readers is stuck and not self._closed:
                log.warning("a reader thread is stuck in a decoder; new reader threads take over")
                stuck.shutdown(wait=False, cancel_futures=False)
                self._readers = ThreadPoolExecutor(2, thread_name_prefix="dicom-read")
            return self._readers

    def close(self) -> None:
        """Cancel running loads and stop the workers."""
        self._closed = True
        for handle in self._handles:
            handle.cancel()
        with self._readers_lock:
            readers = self._readers
        # a reader stuck in a decoder must not hold the application's exit: do not wait for it
        readers.shutdown(wait=False, cancel_futures=True)
        with self._pool_lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
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
        """Start loading files and folders, or a study still arriving (:class:`Arrivals`); returns
        immediately."""
        if self._closed:
            raise RuntimeError("StudyLoader is closed")
        handle = LoadHandle()
        self._handles = [h for h in self._handles if not h.done()] + [handle]
        run = _Run(self, handle, paths, observer or LoadObserver())
        if isinstance(paths, Arrivals):
            run.arrivals = paths
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
        self.preview: tuple[str, int, FrameResult, DecodeTask | None] | None = None
        self.preview_tried = False  # once: a preview that failed is not tried on the next file
        # transfer syntaxes whose damaged frames python-gdcm is no longer asked to read in this load:
        # one of them kept a worker past its deadline (gdcm spent seconds on corrupt JPEG-LS), and a
        # study of many damaged frames must not cost a deadline each
        self.no_rescue: set[str] = set()
        self._timing_lock = threading.Lock()
        self.arrivals: Arrivals | None = None
        self.arrived: dict[str, ImageFile | FileProblem] = {}  # headers read on arrival
        self.early: dict[str, tuple[Future[Decoded], DecodeTask]] = {}  # decoding since arrival

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

    def note_frame_time(self, seconds: float) -> None:
        with self._timing_lock:
            timings = self.study.timings
            timings.slowest_frame_s = max(timings.slowest_frame_s, seconds)

    def run(self) -> None:
        try:
            self._run()
        except BaseException as exc:  # a bug here must reach the caller, not vanish with the thread
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
        paths = self._receive() if self.arrivals is not None else discover(self.paths)  # type: ignore
        timings.files, timings.discovered_s = len(paths), self.elapsed()
        images: list[ImageFile] = []
        for result in self._headers(paths):
            if self.handle.cancelled:
                return
            if isinstance(result, FileProblem):
                self.report(result)
                continue
            images.append(result)
            if not self.preview_tried:
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
            known = self.arrived.pop(path, None)
            yield known if known is not None else read_image_file(path)

    def _receive(self) -> list[str]:
        """The files of a study arriving over the network, until the last: the first one shown as the
        preview, each later single-frame compressed one given to the workers at once."""
        assert self.arrivals is not None
        paths: list[str] = []
        while not self.handle.cancelled:
            batch = self.arrivals.arrived(0.05)
            if batch is None:
                break
            for path in batch:
                paths.append(path)
                image = self.arrived[path] = read_image_file(path)
                if isinstance(image, FileProblem):
                    continue
                if not self.preview_tried:
                    self._send_preview(image, eager=True)
                    if self.loader.workers > 0 and not self.loader.pool_running:  # then, while bytes come
                        threading.Thread(target=self.loader.warm_up, name="dicom-warm", daemon=True).start()
                    continue
                self._decode_early(image)
        return paths

    def _decode_early(self, image: ImageFile) -> None:
        if image.source.number_of_frames != 1 or self.loader.workers <= 0:
            return
        if _route(image.source, image.fmt, self.loader.workers) != "pool":
            return  # direct reads and in-thread decoders are fast or GIL-free: done after planning
        pool = self.loader._process_pool()
        if pool is None:
            return
        task = DecodeTask(image.source, image.fmt, (image.frames[0].index,))
        try:
            self.early[image.path] = (pool.submit(task), task)
        except RuntimeError:  # the workers cannot start: decoded after planning
            return

    def _send_preview(self, image: ImageFile, eager: bool = False) -> None:
        self.preview_tried = True
        frame = image.frames[0].index
        file_dtype = image.fmt.file_dtype
        if file_dtype is not None and can_read_directly(image.source, image.fmt, file_dtype):
            pixels = np.empty((image.fmt.rows, image.fmt.columns), dtype=file_dtype)
            try:  # native monochrome: straight into its array, no decoder's copies
                read_directly(image.source, image.fmt, (frame,), [pixels])
            except Exception:  # a short or vanished file: reported when its series is filled
                return
            result: FrameResult = pixels
            task: DecodeTask | None = None
        else:
            route = _route(image.source, image.fmt, self.loader.workers)
            if route == "pool" and not self.loader.pool_running and not eager:
                return  # not worth starting the workers before the headers are read: they decode it soon
            results, task = self.decode_now(DecodeTask(image.source, image.fmt, (frame,)))
            result = results[0]
        # a failure is kept too: the frame is reported when its series is filled, not decoded again
        self.preview = (image.path, frame, result, task)
        if isinstance(result, DecodeFailure):
            return
        self.study.timings.preview_s = self.elapsed()
        pixels = result.pixels if isinstance(result, Rescued) else result
        self.notify(self.observer.preview, PreviewImage(image, image.frames[0], pixels))

    def rescue_allowed(self, task: DecodeTask) -> bool:
        return task.source.transfer_syntax not in self.no_rescue

    def note_deadline(self, task: DecodeTask | None) -> None:
        """python-gdcm was stopped at its deadline on this task: it is not asked again for this syntax
        in this load (it spent seconds on each corrupt JPEG-LS or JPEG frame of the fuzz tests)."""
        if task is not None and task.last_resort and task.source.transfer_syntax not in self.no_rescue:
            log.warning("python-gdcm no longer tried on damaged %s frames in this load",
                        task.source.transfer_syntax)
            self.no_rescue.add(task.source.transfer_syntax)

    def decode_now(self, task: DecodeTask) -> tuple[list[FrameResult], DecodeTask]:
        """Decode a few frames the viewer waits for (the preview, the first slice shown), each where
        its decoder belongs and under its deadline; returns the results and the task as decoded."""
        route = _route(task.source, task.fmt, self.loader.workers)
        if route == "pool" and not self.loader.pool_running and releases_gil(task.source, task.fmt):
            # JPEG-LS is sent to the workers only to be stoppable; the first image shown does not wait
            # for them to start (0.4-2 s): a reader thread decodes it under the same deadline
            route = "thread"
        if route == "pool":
            pool = self.loader._process_pool()
            if pool is not None:
                try:
                    decoded = pool.submit(task).result()
                except RuntimeError:  # the workers cannot start: decode here, as with no workers
                    log.warning("decoding workers unavailable; decoding in the loader's thread")
                else:
                    self.note_frame_time(decoded.slowest_s)
                    return decoded.results, task
        elif route == "thread":
            watched = _Watched(task, IN_THREAD_DECODE_THREADS)
            readers = self.loader.readers
            try:
                future = readers.submit(watched)
            except RuntimeError:  # the loader is closing
                return [DecodeFailure(i, "loader closed") for i in task.frames], task
            deadline = self.loader.deadline.seconds(task.fmt)
            while True:
                try:
                    decoded = future.result(timeout=0.05)
                    break
                except FutureTimeout:
                    if watched.overdue(deadline):
                        self.loader._replace_readers(readers)
                        done, stuck, rest = watched.abandon(deadline)
                        self.note_frame_time(deadline)
                        return done + [stuck] + [DecodeFailure(i, "not decoded: an earlier frame of the "
                                                                  "task was stopped") for i in rest], task
            self.note_frame_time(decoded.slowest_s)
            return decoded.results, task
        threads = IN_THREAD_DECODE_THREADS if self.loader.workers == 0 or route == "here" else 1
        decoded = _Watched(task, threads)()
        self.note_frame_time(decoded.slowest_s)
        return decoded.results, task


def _route(source: PixelSource, fmt: PixelFormat, workers: int) -> str:
    """Where a frame is decoded: "here" (the loader's own thread: RLE, converted native and deflated
    frames, bounded work that a process could not hand back faster), "thread" (a decoder that releases
    the GIL, on the reader threads) or "pool" (one that holds it, in a worker process)."""
    support = syntax_support(source.transfer_syntax)
    if support is None or support.backend in (Backend.RLE, Backend.NATIVE, Backend.DATASET):
        return "here"
    if support.backend is Backend.CHARLS and workers > 0:
        # CharLS releases the GIL but spends 8-11 s on a truncated 512x512 JPEG-LS frame (measured on
        # the cornerstone CT cut at random points): only a worker process can be stopped at a deadline
        return "pool"
    if releases_gil(source, fmt):
        return "thread"
    return "pool" if workers > 0 else "here"


class _Watched:
    """A decoding task run on a thread, whose current frame's start time the loader can watch."""

    def __init__(self, task: DecodeTask, threads: int = 1) -> None:
        self.task, self.threads = task, threads
        self.results: list[FrameResult] = []
        self.frame_started: float | None = None
        self.slowest = 0.0
        self._lock = threading.Lock()
        self._abandoned = False

    def __call__(self) -> Decoded:
        self.frame_started = time.monotonic()
        for result in decode_frames(self.task, self.threads):
            now = time.monotonic()
            with self._lock:
                if self._abandoned:
                    break
                self.slowest = max(self.slowest, now - self.frame_started)
                self.results.append(result)
                self.frame_started = now
        self.frame_started = None
        return Decoded(list(self.results), self.slowest)

    def overdue(self, deadline: float) -> bool:
        started = self.frame_started
        return started is not None and time.monotonic() - started > deadline

    def abandon(self, deadline: float) -> tuple[list[FrameResult], DecodeFailure, tuple[int, ...]]:
        """(frames finished, the stuck frame's failure, frames not started); the thread's later results
        are dropped."""
        with self._lock:
            self._abandoned = True
            done = list(self.results)
        frames = self.task.frames
        stuck = DecodeFailure(frames[len(done)], f"decoding took more than its {deadline:.1f} s deadline; "
                                                 "reader thread abandoned", deadline_s=deadline)
        return done, stuck, frames[len(done) + 1:]


@dataclass(slots=True)
class _Job:
    series: Series
    indices: tuple[int, ...]


@dataclass(slots=True)
class _Pending:
    """Work in flight: direct reads ("read"), decodes on the reader threads ("thread") or in workers."""

    job: _Job
    kind: str
    task: DecodeTask | None = None
    watched: _Watched | None = None
    readers: ThreadPoolExecutor | None = None
    refused: dict[int, DecodeFailure] | None = None  # a last-resort pass: why the pinned decoder failed


_DIRECT_READ = Backend.NATIVE.value


class _Filler:
    """Fills the volumes of one load: direct reads and GIL-free decoders on threads, the others in
    worker processes, every frame under its deadline."""

    def __init__(self, run: _Run, series: list[Series]) -> None:
        self.run = run
        self.series = series
        self.pending: dict[Future[object], _Pending] = {}
        self.remaining = {id(s): len(s.slices) for s in series}

    def fill(self) -> None:
        # the first slice shown is read before anything else, whatever its syntax
        self._load_now(self.series[0], self.run.loader.focus.index(len(self.series[0].slices)))
        direct, decode = self._split()
        for job in self._chunks(direct, SLICES_PER_READ):
            self._submit_read(job)
        here: list[tuple[DecodeTask, _Job]] = []
        to_pool: list[tuple[DecodeTask, _Job]] = []
        workers = self.run.loader.workers
        for task, job in self._decode_jobs(decode):
            route = _route(task.source, task.fmt, workers)
            if route == "thread":
                self._submit_thread(task, job)
            elif route == "pool":
                to_pool.append((task, job))
            else:
                here.append((task, job))
        pool = None
        if to_pool:
            started = time.perf_counter()
            pool = self.run.loader._process_pool()
            self.run.study.timings.pool_start_s = time.perf_counter() - started
        for task, job in to_pool:
            if pool is None or not self._submit_pool(pool, task, job):
                here.insert(0, (task, job))  # no workers after all: this thread decodes them
        for task, job in here:  # while the workers decode the rest
            if self.run.handle.cancelled:
                break
            decoded = _Watched(task, IN_THREAD_DECODE_THREADS if pool is None else 1)()
            self.run.note_frame_time(decoded.slowest_s)
            self._settle_decoded(job, decoded.results, task)
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
        """Settle the slice with the preview's pixels if it is that frame (decoded once, not twice), or
        with its decode started on arrival."""
        slice_, preview = item.slices[index], self.run.preview
        early = self.run.early.pop(slice_.file.path, None)
        if early is not None:
            future, task = early
            try:
                decoded = future.result()
            except BaseException as exc:  # the pool closed under the load
                detail = f"{type(exc).__name__}: {exc}"
                results: list[FrameResult] = [DecodeFailure(slice_.frame.index, detail)]
            else:
                self.run.note_frame_time(decoded.slowest_s)
                results = decoded.results
            self._settle_decoded(_Job(item, (index,)), results, task)
            return True
        if preview is None or preview[:2] != (slice_.file.path, slice_.frame.index):
            return False
        self._settle_decoded(_Job(item, (index,)), [preview[2]], preview[3])
        return True

    def _load_now(self, item: Series, index: int) -> None:
        slice_ = item.slices[index]
        if self._from_preview(item, index):
            return
        if self._direct(item, index):
            self._settle_read(_Job(item, (index,)), self._read_job(_Job(item, (index,))))
        else:
            task = DecodeTask(slice_.file.source, slice_.file.fmt, (slice_.frame.index,))
            results, task = self.run.decode_now(task)
            self._settle_decoded(_Job(item, (index,)), results, task)

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

    def _submit_read(self, job: _Job) -> None:
        readers = self.run.loader.readers
        try:
            future = readers.submit(self._read_job, job)
        except RuntimeError:  # the loader is closing
            self._settle_read(job, ["loader closed"] * len(job.indices))
            return
        self.pending[future] = _Pending(job, "read", readers=readers)  # type: ignore[index]

    def _submit_thread(self, task: DecodeTask, job: _Job) -> None:
        readers = self.run.loader.readers
        watched = _Watched(task)
        try:
            future = readers.submit(watched)
        except RuntimeError:  # the loader is closing
            self._settle_decoded(job, [DecodeFailure(i, "loader closed") for i in task.frames])
            return
        self.pending[future] = _Pending(job, "thread", task, watched, readers)  # type: ignore[index]

    def _submit_pool(self, pool: DecodingPool, task: DecodeTask, job: _Job,
                     refused: dict[int, DecodeFailure] | None = None) -> bool:
        deadline = None
        if refused is not None:  # python-gdcm reads the whole file on the task's first frame
            task = replace(task, last_resort=True)
            limits, fmt = self.run.loader.deadline, task.fmt
            others = (task.source.number_of_frames - 1) * fmt.rows * fmt.columns * fmt.samples_per_pixel
            deadline = limits.seconds(fmt) + limits.per_megapixel_s * others / 1e6
        try:
            future = pool.submit(task, deadline)
        except RuntimeError:  # the workers cannot start, or the loader is closing
            return False
        self.pending[future] = _Pending(job, "pool", task, refused=refused)  # type: ignore[index]
        return True

    def _collect(self) -> None:
        while self.pending:
            if self.run.handle.cancelled:
                for future in self.pending:
                    future.cancel()
                return
            done, _ = wait(list(self.pending), timeout=0.2, return_when=FIRST_COMPLETED)
            for future in done:
                item = self.pending.pop(future, None)
                if item is None:
                    continue
                try:
                    result = future.result()
                except BaseException as exc:  # the pool closed under the load, or a bug in a reader
                    detail = f"{type(exc).__name__}: {exc}"
                    if item.kind == "read":
                        self._settle_read(item.job, [detail] * len(item.job.indices))
                    else:
                        self._settle_decoded(item.job, [DecodeFailure(-1, detail)] * len(item.job.indices))
                    continue
                if item.kind == "read":
                    self._settle_read(item.job, result)  # type: ignore[arg-type]
                else:
                    assert isinstance(result, Decoded)
                    self.run.note_frame_time(result.slowest_s)
                    self._settle_decoded(item.job, result.results, item.task, item.refused)
            self._stop_stuck_threads()

    def _stop_stuck_threads(self) -> None:
        """A frame decoding on a reader thread past its deadline: settle it as unreadable, move the
        reads and decodes waiting behind it to new reader threads."""
        for future, item in list(self.pending.items()):
            if item.kind != "thread" or future.done():
                continue
            assert item.task is not None and item.watched is not None
            deadline = self.run.loader.deadline.seconds(item.task.fmt)
            if not item.watched.overdue(deadline):
                continue
            log.warning("frame of %s took more than its %.1f s deadline on a reader thread",
                        item.task.source.path, deadline)
            del self.pending[future]
            done, stuck, rest = item.watched.abandon(deadline)
            settled = len(done) + 1
            self.run.note_frame_time(deadline)
            self._settle_decoded(_Job(item.job.series, item.job.indices[:settled]), [*done, stuck], item.task)
            assert item.readers is not None
            self.run.loader._replace_readers(item.readers)
            for other, waiting in list(self.pending.items()):
                if waiting.readers is item.readers and other.cancel():  # not started yet: move it
                    del self.pending[other]
                    if waiting.kind == "read":
                        self._submit_read(waiting.job)
                    else:
                        assert waiting.task is not None
                        self._submit_thread(waiting.task, waiting.job)
            if rest:
                self._submit_thread(replace(item.task, frames=rest),
                                    _Job(item.job.series, item.job.indices[settled:]))

    # --- results -----------------------------------------------------------------------------------
    def _settle_read(self, job: _Job, errors: list[str | None]) -> None:
        failures: dict[int, DecodeFailure | str] = {
            k: e for k, e in zip(job.indices, errors, strict=True) if e is not None}
        for index in job.indices:
            if index not in failures:
                job.series._note_decoder(job.series.slices[index].file.path, _DIRECT_READ)
        self._finish(job, failures)

    def _settle_decoded(self, job: _Job, results: Sequence[FrameResult], task: DecodeTask | None = None,
                        refused: dict[int, DecodeFailure] | None = None) -> None:
        failures: dict[int, DecodeFailure | str] = {}
        volume = job.series.volume
        rescue: dict[int, DecodeFailure] = {}
        for index, result in zip(job.indices, results, strict=True):
            file = job.series.slices[index].file
            if isinstance(result, DecodeFailure):
                if refused is not None and index in refused:  # the last resort failed too: the first cause
                    if result.deadline_s is not None:
                        self.run.note_deadline(task)
                    first = refused[index]
                    failures[index] = replace(first, detail=f"{first.detail}; {result.detail}")
                elif (task is not None and not task.last_resort and result.deadline_s is None
                        and result.rescuable and self.run.rescue_allowed(task)
                        and self.run.loader.workers > 0 and gdcm_available()):
                    rescue[index] = result  # python-gdcm may read it, in a worker under a deadline
                else:
                    failures[index] = result
                continue
            pixels = result.pixels if isinstance(result, Rescued) else result
            if pixels.shape != volume.shape[1:]:
                failures[index] = f"decoded shape {pixels.shape} differs from the series' {volume.shape[1:]}"
                continue
            volume[index] = pixels
            if isinstance(result, Rescued):
                cause = refused[index].detail if refused is not None and index in refused else "?"
                log.warning("%s frame %d read by %s after its decoder failed: %s",
                            file.path, job.series.slices[index].frame.index, result.decoder, cause)
                job.series._note_decoder(file.path, result.decoder)
                job.series._note_rescued(index)
            else:
                job.series._note_decoder(file.path, decoder_name(file.source, file.fmt))
        if rescue:
            assert task is not None
            pool = self.run.loader._process_pool()
            frames = tuple(job.series.slices[k].frame.index for k in rescue)
            if pool is None or not self._submit_pool(pool, replace(task, frames=frames),
                                                     _Job(job.series, tuple(rescue)), rescue):
                failures.update(rescue)
            else:
                job = _Job(job.series, tuple(k for k in job.indices if k not in rescue))
        self._finish(job, failures)

    def _finish(self, job: _Job, failures: dict[int, DecodeFailure | str]) -> None:
        item = job.series
        for index, failure in failures.items():
            slice_ = item.slices[index]
            frame = slice_.frame.index if slice_.file.source.number_of_frames > 1 else None
            if isinstance(failure, DecodeFailure) and failure.deadline_s is not None:
                problem = FileProblem(
                    slice_.file.path, ProblemKind.DECODE_TIMEOUT,
                    QT_TRANSLATE_NOOP("FileProblem", "image illisible : décodage arrêté au bout de "
                                                     "{seconds} s (données compressées probablement "
                                                     "endommagées).")
                    .format(seconds=f"{failure.deadline_s:.0f}"),
                    failure.detail, frame)
            else:
                detail = failure.detail if isinstance(failure, DecodeFailure) else failure
                problem = FileProblem(
                    slice_.file.path, ProblemKind.DECODE_FAILED,
                    QT_TRANSLATE_NOOP("FileProblem", "image illisible : données compressées endommagées "
                                                     "ou non conformes."),
                    detail, frame)
            self.run.report(problem)
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
    "Arrivals",
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
