"""Prefetching the worklist's studies into the encrypted cache, in a background thread.

Order: urgent before routine, then assigned to this radiologist before the others, then oldest
first. Each study is fetched with :meth:`workstation.platform.DicomWeb.retrieve_study` (same
QIDO/WADO, token refresh, lock and cancel points as an ordinary download) into a private directory
on a RAM-backed file system; each instance is sealed into the cache as soon as it is complete and
its clear copy removed, so clear patient data never reaches the disk and exists at most one
instance at a time.

Size cap: when the cache would exceed ``size_cap`` bytes the current study is abandoned (its
partial content evicted) and the pass stops; studies already complete stay.

A platform failure (down, TLS...) ends the pass and is given to ``on_failure`` (the connectivity
monitor's ``report_failure``); the thread tries again after ``retry_interval`` or at :meth:`wake`,
and a study interrupted half-way resumes where it stopped (instances already sealed are not fetched
again).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from resources.events import Listeners
from resources.translations import QT_TRANSLATE_NOOP
from workstation.cache.store import TEMP_PREFIX, StudyCache
from workstation.platform import DicomWeb, PlatformError, RetrieveCancelled

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PrefetchRequest:
    """One worklist study to have offline (from a WorklistEntry that has a Study Instance UID)."""

    study_uid: str
    received_at: datetime
    urgent: bool = False
    assigned: bool = False
    order_id: str = ""
    accession_number: str = ""
    patient_id: str = field(default="", repr=False)
    order_hl7: tuple[str, ...] = field(default=(), repr=False)  # WorklistEntry.messages[].hl7

    def rank(self) -> tuple[bool, bool, datetime]:
        return (not self.urgent, not self.assigned, self.received_at)


class PrefetchEventKind(StrEnum):
    STUDY_CACHED = "study_cached"
    CAP_REACHED = "cap_reached"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class PrefetchEvent:
    kind: PrefetchEventKind
    study_uid: str = ""
    instances: int = 0
    error: BaseException | None = None
    user_message: str = ""


@dataclass(slots=True)
class PrefetchReport:
    studies: list[str] = field(default_factory=list)
    instances: int = 0
    bytes: int = 0  # DICOM bytes fetched (clear)
    seconds: float = 0.0
    cap_reached: bool = False
    error: PlatformError | None = None


class Prefetcher:
    def __init__(
        self,
        cache: StudyCache,
        dicomweb: DicomWeb,
        *,
        size_cap: int,
        runtime_dir: Path | None = None,
        on_failure: Callable[[BaseException], object] | None = None,
        retry_interval: float = 30.0,
    ) -> None:
        self._cache = cache
        self._dicomweb = dicomweb
        self._cap = size_cap
        self._runtime = runtime_dir or cache.runtime_dir
        self._on_failure = on_failure
        self._retry_interval = retry_interval
        self._wanted: list[PrefetchRequest] = []
        self._listeners: Listeners[PrefetchEvent] = Listeners("prefetch")
        self._wake = threading.Event()
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None

    def subscribe(self, listener: Callable[[PrefetchEvent], None]) -> Callable[[], None]:
        return self._listeners.subscribe(listener)

    def _emit(self, event: PrefetchEvent) -> None:
        self._listeners.emit(event)

    def update(self, requests: Iterable[PrefetchRequest]) -> None:
        """The worklist changed: this is now what should be cached (the thread is woken)."""
        self._wanted = sorted(requests, key=PrefetchRequest.rank)
        self._wake.set()

    def wake(self) -> None:
        self._wake.set()

    def run_once(self, requests: Iterable[PrefetchRequest] | None = None) -> PrefetchReport:
        """One pass over the wanted studies not yet complete in the cache (synchronous)."""
        ordered = sorted(requests, key=PrefetchRequest.rank) if requests is not None else list(self._wanted)
        report = PrefetchReport()
        started = time.perf_counter()
        for request in ordered:
            if self._cancel.is_set():
                break
            cached = self._cache.get(request.study_uid)
            if cached is not None and cached.complete:
                continue
            if self._cache.total_size() >= self._cap:
                report.cap_reached = True
                break
            try:
                count, size = self._fetch(request)
            except RetrieveCancelled:
                if self._cancel.is_set():
                    break
                self._cache.evict(request.study_uid, "prefetch abandoned: cache size cap reached")
                report.cap_reached = True
                break
            except PlatformError as exc:
                log.warning("prefetch of a study failed: %s", exc)
                report.error = exc
                self._emit(
                    PrefetchEvent(PrefetchEventKind.FAILED, request.study_uid, 0, exc, exc.user_message)
                )
                if self._on_failure is not None:
                    self._on_failure(exc)
                break
            report.studies.append(request.study_uid)
            report.instances += count
            report.bytes += size
            self._emit(PrefetchEvent(PrefetchEventKind.STUDY_CACHED, request.study_uid, count))
        if report.cap_reached:
            self._emit(
                PrefetchEvent(
                    PrefetchEventKind.CAP_REACHED,
                    user_message=QT_TRANSLATE_NOOP(
                        "Cache",
                        "Cache hors connexion plein : les examens suivants de la liste ne sont pas "
                        "préchargés. Ils restent consultables en ligne.",
                    ),
                )
            )
        report.seconds = time.perf_counter() - started
        return report

    def _fetch(self, request: PrefetchRequest) -> tuple[int, int]:
        self._cache.begin_study(
            request.study_uid,
            patient_id=request.patient_id,
            order_id=request.order_id,
            accession_number=request.accession_number,
            priority="urgent" if request.urgent else "routine",
            order_hl7=request.order_hl7,
        )
        clear = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=self._runtime))
        # Resume: retrieve_study skips instances already present, so each instance sealed by an
        # earlier, interrupted pass is stood for by an empty file (no data) and not fetched again.
        for known in self._cache.instances(request.study_uid):
            placeholder = clear / known.series_uid / f"{known.sop_uid}.dcm"
            placeholder.parent.mkdir(exist_ok=True, mode=0o700)
            placeholder.touch()
        fetched = [0, 0]
        cancel = threading.Event()

        def seal_arrived(_done: int, _total: int) -> None:
            for path in sorted(clear.glob("*/*.dcm")):
                if path.stat().st_size == 0:  # a placeholder
                    continue
                data = path.read_bytes()
                self._cache.put_instance(request.study_uid, path.parent.name, path.stem, data)
                path.unlink()
                fetched[0] += 1
                fetched[1] += len(data)
            if self._cancel.is_set() or self._cache.total_size() > self._cap:
                cancel.set()

        try:
            self._dicomweb.retrieve_study(request.study_uid, clear, seal_arrived, cancel)
        finally:
            shutil.rmtree(clear, ignore_errors=True)
        self._cache.finish_study(request.study_uid)
        log.info("prefetch: study of order %s cached (%d instances)", request.order_id, fetched[0])
        return fetched[0], fetched[1]

    # --- the thread ---

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._cancel.clear()
        self._thread = threading.Thread(target=self._run, name="cache-prefetch", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._cancel.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._cancel.is_set():
            self._wake.clear()
            try:
                report = self.run_once()
            except Exception:
                log.exception("prefetch pass failed")
                crashed = PlatformError(
                    "prefetch crashed", QT_TRANSLATE_NOOP("Cache", "Erreur interne du cache.")
                )
                report = PrefetchReport(error=crashed)
            self._wake.wait(self._retry_interval if report.error is not None else None)
