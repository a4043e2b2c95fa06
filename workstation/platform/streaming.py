"""A study retrieved in reading order: the slice the viewer shows first is asked for first.

Over a site's link (20-100 Mbit/s, tens of milliseconds each way) the whole-study download made the
radiologist wait for bytes he would not look at first. Here the instances are asked for one by one
(WADO-RS instance level), several in flight on their own connections, in the order of reading:

1. the objects without pixels (dose reports, key objects, presentation states: small, and the draft
   report needs them);
2. the slice displayed first: the middle one by instance number (where the viewer opens) of the first
   stack by series number (as the viewer's hanging chooses);
3. the middle slice of every other series (its thumbnail, and a header of every series for the identity
   check of the draft);
4. the displayed series outward from its middle, then the other series each from its middle outward.

Step 4 costs a request each, and over a line of tens of milliseconds each way the round trips and the
platform's per-request work left the line idle between answers (measured: 65 Mbit/s used of 100 with 6
in flight). So a series none of whose images is here yet (not a resumed one) and large enough
(:data:`SERIES_REQUEST_MIN`) is asked for in one series-level WADO-RS request once the displayed slice
has arrived, its multipart answer read part by part as it comes: every instance written and announced
on its own as before, the ones already here (its first slice, asked for alone) skipped. Its order is the
platform's (by instance number); the viewer plans a series only once all of it is here anyway. When that
request fails or ends early, what it did not bring is asked for instance by instance, with the retries
below.

Each is asked for in a lossless compressed syntax the platform transcodes to (JPEG-LS: a third of the
bytes of a CT; the part's Content-Type says which syntax really came, decompressed when the platform's
codec refused); the viewer's loader decodes them on both cores as they arrive (:class:`StudyStream`
is its :class:`viewer.loader.Arrivals`). Each instance is written atomically into the reading's private
folder and handed to ``store`` (the encrypted cache) on a thread of its own, off the arrival path (a series
answer is read on while the previous part is sealed), so a study half-retrieved when the link
dropped resumes from the cache instead of starting again. A dropped connection or a server error is
retried a few times per instance, with a pause; a refusal (403, 404) is not.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pydicom
import requests
from pydicom.errors import InvalidDicomError

from workstation.platform.dicomweb import _SERIES, _SOP, DicomWeb, _valid_uid, _value, no_redirects
from workstation.platform.errors import (
    AuthError,
    AuthFailure,
    NotFoundError,
    PlatformError,
    ProtocolError,
    RetrieveCancelled,
    ServerError,
    from_response,
    translate,
)

log = logging.getLogger(__name__)

JPEG_LS_LOSSLESS = "1.2.840.10008.1.2.4.80"
IN_FLIGHT = 6  # requests at once: enough to hide a 40 ms round trip behind 170 kB instances
SERIES_REQUEST_MIN = 8  # instances left in a series from which one series-level request brings them
_MAX_PART_HEADERS = 16384
ATTEMPTS = 4  # per instance, for a dropped connection or a server error
_MODALITY, _NUMBER, _SERIES_NUMBER, _ROWS = "00080060", "00200013", "00200011", "00280010"
_NON_IMAGE_MODALITIES = {"SR", "KO", "PR", "DOC", "RWV", "REG", "SEG"}

Stored = Callable[[str, str, bytes], object]  # its result is not used


@dataclass(frozen=True, slots=True)
class Wanted:
    """One instance to retrieve, in its place in the reading order."""

    series_uid: str
    sop_uid: str
    image: bool
    head: bool = False  # the first asked for of its series


@dataclass(frozen=True, slots=True)
class SeriesRequest:
    """The rest of a series (after its first slice), asked for in one series-level request."""

    series_uid: str
    members: tuple[Wanted, ...]


def _int(text: str) -> int | None:
    try:
        return int(float(text))
    except ValueError:
        return None


def reading_order(instances: Iterable[dict[str, object]]) -> list[Wanted]:
    """QIDO-RS instance records in the order they are wanted (see the module's docstring)."""
    series: dict[str, list[tuple[int | None, str, bool]]] = {}
    numbers: dict[str, int | None] = {}
    non_images: list[Wanted] = []
    for item in instances:
        series_uid, sop_uid = _value(item, _SERIES), _value(item, _SOP)
        if not (_valid_uid(series_uid) and _valid_uid(sop_uid)):
            raise ProtocolError(
                "QIDO gave a malformed series or SOP instance UID",
                "La plateforme a décrit les images de façon incorrecte.",
            )
        modality = _value(item, _MODALITY).upper()
        image = modality not in _NON_IMAGE_MODALITIES and (_ROWS in item or not modality)
        if not image:
            non_images.append(Wanted(series_uid, sop_uid, False))
            continue
        series.setdefault(series_uid, []).append((_int(_value(item, _NUMBER)), sop_uid, True))
        numbers.setdefault(series_uid, _int(_value(item, _SERIES_NUMBER)))
    # the viewer's order: by series number (none last), the first stack shown first
    ordered = sorted(series, key=lambda uid: (numbers[uid] is None, numbers[uid] or 0, uid))
    stacks = [uid for uid in ordered if len(series[uid]) > 1]
    if stacks:
        ordered.remove(stacks[0])
        ordered.insert(0, stacks[0])
    heads: list[Wanted] = []
    rest: list[Wanted] = []
    for uid in ordered:
        members = sorted(series[uid], key=lambda m: (m[0] is None, m[0] or 0, m[1]))
        middle = len(members) // 2
        outward = sorted(range(len(members)), key=lambda k: (abs(k - middle), k))
        heads.append(Wanted(uid, members[outward[0]][1], True, head=True))
        rest += [Wanted(uid, members[k][1], True) for k in outward[1:]]
    return non_images + heads + rest


def _boundary(response: requests.Response) -> str:
    params = [p.strip() for p in response.headers.get("Content-Type", "").split(";")]
    return next((p.split("=", 1)[1].strip('"') for p in params if p.startswith("boundary=")), "")


def iter_parts(chunks: Iterable[bytes], boundary: str) -> Iterator[bytes]:
    """The bodies of a multipart/related answer, each as soon as it is complete (``chunks``: the body
    as it comes). A body cut short, or parts without the closing delimiter, raise :class:`ProtocolError`
    after the complete parts were given."""
    if not boundary:
        raise ProtocolError("WADO series: no multipart boundary",
                            "La plateforme a envoyé une réponse illisible.")
    marker = f"--{boundary}".encode()
    delimiter = b"\r\n" + marker
    buf = bytearray()
    source = iter(chunks)

    def more() -> bool:
        for chunk in source:
            if chunk:
                buf.extend(chunk)
                return True
        return False

    def cut(what: str) -> ProtocolError:
        return ProtocolError(f"WADO series: answer cut short ({what})",
                             "La plateforme a envoyé une réponse incomplète.")

    while (start := buf.find(marker)) < 0:
        if len(buf) > _MAX_PART_HEADERS or not more():
            raise cut("no first boundary")
    del buf[: start + len(marker)]
    while True:
        while len(buf) < 2:
            if not more():
                raise cut("after a boundary")
        if buf[:2] == b"--":
            return
        while (head_end := buf.find(b"\r\n\r\n")) < 0:
            if len(buf) > _MAX_PART_HEADERS or not more():
                raise cut("part headers")
        search = head_end + 4
        while (end := buf.find(delimiter, search)) < 0:
            search = max(head_end + 4, len(buf) - len(delimiter) + 1)
            if not more():
                raise cut("part body")
        yield bytes(buf[head_end + 4 : end])
        del buf[: end + len(delimiter)]


def _one_part(response: requests.Response, sop_uid: str) -> bytes:
    """The DICOM file of a single-part multipart/related answer."""
    content_type = response.headers.get("Content-Type", "")
    params = [p.strip() for p in content_type.split(";")]
    boundary = next((p.split("=", 1)[1].strip('"') for p in params if p.startswith("boundary=")), "")
    body = response.content
    if not boundary:
        raise ProtocolError(f"WADO instance {sop_uid}: no multipart boundary",
                            "La plateforme a envoyé une réponse illisible.")
    marker = f"--{boundary}".encode()
    start = body.find(marker)
    head_end = body.find(b"\r\n\r\n", start)
    end = body.rfind(b"\r\n" + marker + b"--")
    if start < 0 or head_end < 0 or end <= head_end:
        raise ProtocolError(f"WADO instance {sop_uid}: malformed multipart answer",
                            "La plateforme a envoyé une réponse illisible.")
    data = body[head_end + 4 : end]
    if body.find(b"\r\n" + marker, head_end, end) >= 0:
        raise ProtocolError(f"WADO instance {sop_uid}: more than one part",
                            "La plateforme a renvoyé une autre image que celle demandée.")
    return data


class StudyStream:
    """One study being retrieved in reading order into ``folder`` (``<SeriesUID>/<SOPInstanceUID>.dcm``).

    :meth:`start` lists the study (QIDO-RS) and starts the transfers; :meth:`arrived` gives the files
    as they complete (the viewer's loader reads it), :meth:`wait` blocks until the end. ``present``:
    instances already in ``folder`` (resumed from the cache), not asked for again. ``store(series,
    sop, data)`` is called for every instance received, in arrival order, from one sealing thread;
    ``on_complete()`` once every instance is here and every one received went through ``store``
    (the cache may then call the study complete). :meth:`wait` returns once the sealing is over too.
    """

    def __init__(
        self,
        dicomweb: DicomWeb,
        study_uid: str,
        folder: Path,
        *,
        store: Stored | None = None,
        syntax: str | None = JPEG_LS_LOSSLESS,
        in_flight: int = IN_FLIGHT,
        cancel: threading.Event | None = None,
        progress: Callable[[int, int], None] | None = None,
        retry_pause: float = 0.5,
        on_complete: Callable[[], None] | None = None,
    ) -> None:
        if not _valid_uid(study_uid):
            raise ValueError(f"not a DICOM UID: {study_uid!r}")
        self.dicomweb = dicomweb
        self.study_uid = study_uid
        self.folder = folder
        self.store = store
        self.syntax = syntax
        self.in_flight = max(1, in_flight)
        self.cancel = cancel or threading.Event()
        self.progress = progress
        self.retry_pause = retry_pause
        self.on_complete = on_complete
        self._seal: queue.Queue[tuple[str, str, bytes] | None] | None = None
        self.wanted: list[Wanted] = []
        self.requested: list[str] = []  # SOP Instance UIDs asked for one by one, in that order
        self.series_requests: list[str] = []  # Series Instance UIDs asked for at series level
        self.received_bytes = 0
        self.error: PlatformError | None = None
        self._queue: queue.Queue[Wanted | SeriesRequest] = queue.Queue()
        self._claimed: set[str] = set()  # SOP Instance UIDs here or being written: never twice
        self._shown = threading.Event()  # the displayed slice is here (series requests wait for it)
        self._displayed = ""  # its SOP Instance UID
        self._held: list[Path] = []  # images arrived before it, announced after it
        self._arrivals: queue.Queue[str | None] = queue.Queue()
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._count = 0
        self._workers_left = 0
        self._spawned = 0
        self._ended = False

    # --- what the reading and the loader see --------------------------------------------------------
    @property
    def paths(self) -> list[Path]:
        """Where every instance will be (or is), in reading order."""
        return [self.path_of(w) for w in self.wanted]

    def path_of(self, wanted: Wanted) -> Path:
        return self.folder / wanted.series_uid / f"{wanted.sop_uid}.dcm"

    @property
    def total(self) -> int:
        return len(self.wanted)

    @property
    def done_count(self) -> int:
        return self._count

    @property
    def complete(self) -> bool:
        return self._done.is_set() and self.error is None and self._count == len(self.wanted)

    def arrived(self, timeout: float) -> list[str] | None:
        """:class:`viewer.loader.Arrivals`: the files complete since the last call, None at the end."""
        if self._ended:
            return None
        found: list[str] = []
        try:
            item = self._arrivals.get(timeout=timeout)
            while True:
                if item is None:
                    self._ended = True
                    return found or None
                found.append(item)
                item = self._arrivals.get_nowait()
        except queue.Empty:
            return found

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every instance came or the retrieval stopped; True when it ended in time."""
        return self._done.wait(timeout)

    def result(self) -> list[Path]:
        """After :meth:`wait`: every path, or the error that stopped the retrieval."""
        self._done.wait()
        if self.error is not None:
            raise self.error
        if self.cancel.is_set() and self._count < len(self.wanted):
            raise RetrieveCancelled(
                f"study {self.study_uid}: cancelled after {self._count}/{len(self.wanted)} instances",
                "Téléchargement des images annulé.",
            )
        return self.paths

    # --- retrieval ------------------------------------------------------------------------------------
    def start(self, first: Callable[[Wanted], bool] | None = None) -> None:
        """List the study and start the transfers (returns once they are under way). ``first``: wait
        until the instances it accepts (e.g. the objects without pixels) are here, or the end."""
        instances = self.dicomweb.search_instances(self.study_uid)
        if not instances:
            raise NotFoundError(
                f"study {self.study_uid}: QIDO lists no instance",
                "Les images de cet examen ne sont pas (encore) disponibles.",
                404,
            )
        self.wanted = reading_order(instances)
        if self.store is not None:
            self._seal = queue.Queue()
            threading.Thread(target=self._sealer, name="wado-seal", daemon=True).start()
        present = {w.sop_uid for w in self.wanted if self.path_of(w).exists()}
        self._displayed = next((w.sop_uid for w in self.wanted if w.image), "")
        if not self._displayed or self._displayed in present:
            self._shown.set()
        by_series: dict[str, list[Wanted]] = {}
        for wanted in self.wanted:
            if wanted.image and not wanted.head:
                by_series.setdefault(wanted.series_uid, []).append(wanted)
        whole = {  # fresh series large enough for one series-level request
            uid for uid, rest in by_series.items()
            if len(rest) >= SERIES_REQUEST_MIN
            and not any(w.sop_uid in present for w in self.wanted if w.series_uid == uid)
        }
        waiting_for = set()
        for wanted in self.wanted:
            if wanted.sop_uid in present:
                self._claimed.add(wanted.sop_uid)
                self._arrive(wanted)
                continue
            if wanted.image and not wanted.head and wanted.series_uid in whole:
                if by_series[wanted.series_uid][0] is wanted:
                    self._queue.put(SeriesRequest(wanted.series_uid, tuple(by_series[wanted.series_uid])))
            else:
                self._queue.put(wanted)
            if first is not None and first(wanted):
                waiting_for.add(wanted.sop_uid)
        self._first = waiting_for
        self._first_done = threading.Event()
        if not waiting_for:
            self._first_done.set()
        if self._queue.qsize() == 0:
            self._finish()
        self._spawn(self._queue.qsize())
        self._first_done.wait()

    def _spawn(self, wanted: int) -> None:
        """Up to ``in_flight`` workers in all (also when a series request hands back what it missed)."""
        with self._lock:
            workers = max(0, min(self.in_flight - self._workers_left, wanted))
            self._workers_left += workers
            self._spawned += workers
            numbers = range(self._spawned - workers, self._spawned)
        for number in numbers:
            threading.Thread(target=self._work, name=f"wado-stream-{number}", daemon=True).start()

    def _arrive(self, wanted: Wanted) -> None:
        """Counted at once; announced to the loader, which shows the first image it is given, only
        after the displayed slice: an image that overtook it (a smaller topogram asked for at the same
        time) waits until it is here."""
        path = self.path_of(wanted)
        with self._lock:
            self._count += 1
            count = self._count
            first = getattr(self, "_first", None)
            if first is not None:
                first.discard(wanted.sop_uid)
                if not first:
                    self._first_done.set()
            if wanted.sop_uid == self._displayed:
                self._shown.set()
                for early in [path, *self._held]:
                    self._arrivals.put(str(early))
                self._held.clear()
            elif wanted.image and not self._shown.is_set():
                self._held.append(path)
            else:
                self._arrivals.put(str(path))
        if self.progress is not None:
            try:
                self.progress(count, len(self.wanted))
            except Exception:  # a progress display must not stop the transfer
                log.exception("progress callback failed")

    def _finish(self) -> None:
        with self._lock:  # the displayed slice never came (stopped): what did is still announced
            for early in self._held:
                self._arrivals.put(str(early))
            self._held.clear()
            self._arrivals.put(None)
        self._shown.set()
        if hasattr(self, "_first_done"):
            self._first_done.set()
        if self._seal is not None:
            self._seal.put(None)  # the sealer ends the stream once what came is sealed
        else:
            self._end()

    def _sealer(self) -> None:
        assert self._seal is not None and self.store is not None
        while (item := self._seal.get()) is not None:
            try:
                self.store(*item)
            except Exception:  # the caller's store reports its own failures; a bug must not stop the others
                log.exception("sealing a streamed instance failed")
        self._end()

    def _end(self) -> None:
        if self.on_complete is not None and self.error is None and self._count == len(self.wanted):
            try:
                self.on_complete()
            except Exception:
                log.exception("on_complete callback failed")
        self._done.set()

    def _work(self) -> None:
        session = requests.Session()
        session.trust_env = False  # REQUESTS_CA_BUNDLE must not replace the platform's CA
        no_redirects(session)
        try:
            while not self.cancel.is_set() and self.error is None:
                try:
                    wanted = self._queue.get_nowait()
                except queue.Empty:
                    break
                if isinstance(wanted, SeriesRequest):
                    self._fetch_series(session, wanted)
                    continue
                with self._lock:
                    self.requested.append(wanted.sop_uid)
                try:
                    self._fetch(session, wanted)
                except PlatformError as exc:
                    log.warning("streamed retrieval of study stopped: %s", exc)
                    with self._lock:
                        if self.error is None:
                            self.error = exc
        except Exception as exc:  # a bug must end the retrieval, not leave the reading waiting
            log.exception("streamed retrieval failed")
            with self._lock:
                if self.error is None:
                    self.error = ProtocolError(f"streamed retrieval: {type(exc).__name__}: {exc}",
                                               "Erreur interne pendant la réception des images.")
        finally:
            session.close()
            with self._lock:
                self._workers_left -= 1
                last = self._workers_left == 0
            if last:
                self._finish()

    def _accept(self, image: bool) -> str:
        accept = 'multipart/related; type="application/dicom"'
        if self.syntax and image:
            accept += f"; transfer-syntax={self.syntax}"
        return accept

    def _fetch_series(self, session: requests.Session, job: SeriesRequest) -> None:
        """One series-level request for ``job``'s instances, each kept as its part completes; what it
        did not bring (a failure, an answer cut short) goes back to the queue instance by instance."""
        while not self._shown.wait(0.05):  # the displayed slice first, alone on the line
            if self.cancel.is_set() or self.error is not None:
                return
        with self._lock:
            self.series_requests.append(job.series_uid)
        pending = {w.sop_uid: w for w in job.members}
        url = f"{self.dicomweb.url}/studies/{self.study_uid}/series/{job.series_uid}"
        what = "WADO series"
        try:
            response = self.dicomweb.stream_get(session, url, self._accept(True), stream=True)
            try:
                if response.status_code >= 400:
                    raise from_response(response, what)
                if 300 <= response.status_code < 400:
                    raise ProtocolError(f"{what}: HTTP {response.status_code} refused",
                                        "La plateforme a demandé une redirection : refusée.")
                for data in iter_parts(response.iter_content(1 << 16), _boundary(response)):
                    if self.cancel.is_set() or self.error is not None:
                        return
                    header = self._header(data, "part of a series")
                    wanted = pending.pop(str(getattr(header, "SOPInstanceUID", "")), None)
                    if wanted is None:  # here already (its first slice), or added since the listing
                        continue
                    if getattr(header, "SeriesInstanceUID", None) != job.series_uid:
                        raise ProtocolError(f"WADO series {job.series_uid}: an instance of another series",
                                            "La plateforme a renvoyé une autre image que celle demandée.")
                    self._keep(wanted, data)
            finally:
                response.close()
        except (requests.RequestException, PlatformError) as exc:
            failure = translate(exc, what) if isinstance(exc, requests.RequestException) else exc
            log.info("%s: stopped (%s), %d instances asked for one by one", what, failure, len(pending))
        with self._lock:
            left = [w for w in job.members if w.sop_uid in pending and w.sop_uid not in self._claimed]
        for wanted in left:
            self._queue.put(wanted)
        if left:
            self._spawn(len(left))

    def _fetch(self, session: requests.Session, wanted: Wanted) -> None:
        url = (f"{self.dicomweb.url}/studies/{self.study_uid}/series/{wanted.series_uid}"
               f"/instances/{wanted.sop_uid}")
        accept = self._accept(wanted.image)
        what = "WADO instance"
        for attempt in range(1, ATTEMPTS + 1):
            if self.cancel.is_set():
                return
            try:
                response = self.dicomweb.stream_get(session, url, accept)
                if response.status_code >= 400:
                    raise from_response(response, what)
                if 300 <= response.status_code < 400:
                    raise ProtocolError(f"{what}: HTTP {response.status_code} refused",
                                        "La plateforme a demandé une redirection : refusée.")
                data = _one_part(response, wanted.sop_uid)
                break
            except requests.RequestException as exc:
                failure: PlatformError = translate(exc, what)
            except AuthError as exc:
                if exc.failure is not AuthFailure.SESSION_EXPIRED or attempt == ATTEMPTS:
                    raise
                self.dicomweb.renew_token(self.study_uid)
                continue
            except ServerError as exc:
                if exc.status < 500:  # a refusal (403, 404...): asking again changes nothing
                    raise
                failure = exc
            if attempt == ATTEMPTS:
                raise failure
            log.info("%s %s: attempt %d failed (%s), retrying", what, wanted.sop_uid, attempt, failure)
            time.sleep(self.retry_pause * attempt)
        self._check(data, wanted)
        self._keep(wanted, data)

    def _keep(self, wanted: Wanted, data: bytes) -> None:
        """Written atomically, sealed into the cache, announced: once per instance."""
        with self._lock:
            if wanted.sop_uid in self._claimed:
                return
            self._claimed.add(wanted.sop_uid)
        target = self.path_of(wanted)
        target.parent.mkdir(mode=0o700, exist_ok=True)
        partial = target.with_name(f".{target.name}.part")
        try:
            with open(partial, "wb") as fh:
                fh.write(data)
            os.replace(partial, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
        with self._lock:
            self.received_bytes += len(data)
        if self._seal is not None:
            self._seal.put((wanted.series_uid, wanted.sop_uid, data))
        self._arrive(wanted)

    @staticmethod
    def _header(data: bytes, what: str) -> pydicom.Dataset:
        try:
            return pydicom.dcmread(io.BytesIO(data), stop_before_pixels=True)
        except (InvalidDicomError, ValueError, OSError, KeyError) as exc:
            raise ProtocolError(f"WADO {what}: not a DICOM file ({type(exc).__name__})",
                                "La plateforme a envoyé une image illisible.") from exc

    def _check(self, data: bytes, wanted: Wanted) -> None:
        header = self._header(data, f"instance {wanted.sop_uid}")
        if getattr(header, "SOPInstanceUID", None) != wanted.sop_uid or (
            getattr(header, "SeriesInstanceUID", None) != wanted.series_uid
        ):
            raise ProtocolError(
                f"WADO returned another instance than {wanted.sop_uid}",
                "La plateforme a renvoyé une autre image que celle demandée.",
            )
