"""Images over DICOMweb: QIDO-RS to list them, WADO-RS to fetch them, files written atomically.

Built on dicomweb-client with the caller's requests session, so the platform's TLS trust and
bearer token apply. A study is fetched instance by instance: it gives exact progress, a cancel
point between instances, a resume for free (instances already on disk are skipped), and it lets a
client shared between threads release its lock between instances so heartbeats get through.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import re
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from dicomweb_client.api import DICOMwebClient
from pydicom.errors import InvalidDicomError

from resources.translations import QT_TRANSLATE_NOOP
from workstation.platform.errors import (
    NotFoundError,
    ProtocolError,
    RetrieveCancelled,
    from_response,
    translate,
)

log = logging.getLogger(__name__)

T = TypeVar("T")
Progress = Callable[[int, int], None]
_UID = re.compile(r"[0-9]+(\.[0-9]+)*")
_PAGE = 500
_STUDY, _SERIES, _SOP, _NUMBER = "0020000D", "0020000E", "00080018", "00200013"
ORIGINAL_TRANSFER_SYNTAX = (("application/dicom", "*"),)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _valid_uid(uid: str) -> bool:
    """A DICOM UID; also what makes a server-given UID safe as a file name."""
    return len(uid) <= 64 and _UID.fullmatch(uid) is not None


def _value(item: dict[str, Any], tag: str) -> str:
    values = item.get(tag, {}).get("Value") or [""]
    return str(values[0])


class DicomWeb:
    """QIDO-RS and WADO-RS on one DICOMweb root (``.../dicom-web``).

    ``client`` is the underlying :class:`dicomweb_client.DICOMwebClient` for any other query.
    ``lock`` serialises the HTTP exchanges when the session is shared between threads.
    ``guard`` wraps each exchange (the platform client uses it to refresh an expired token).
    Plain ``http`` is refused unless ``allow_plain_http`` is set, and then only on loopback: it exists
    for a local PACS in tests, never for patient data on a network.
    """

    def __init__(
        self,
        url: str,
        session: requests.Session,
        *,
        timeout: float = 10.0,
        lock: threading.RLock | None = None,
        guard: Callable[[Callable[[], Any], str], Any] | None = None,
        allow_plain_http: bool = False,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme != "https" and not (
            allow_plain_http and parts.scheme == "http" and _loopback(parts.hostname or "")
        ):
            raise ValueError(f"DICOMweb URL must be https (plain http only on loopback, explicitly): {url}")
        self.url = url.rstrip("/")
        self._session = session
        self._timeout = timeout
        self._lock = lock or threading.RLock()
        self._guard = guard
        no_redirects(session)  # images and patient data go to this URL only, never where a 3xx says
        self.client = DICOMwebClient(self.url, session=session, timeout=(timeout, timeout))
        self.client.set_http_retry_params(retry=False)  # failures go to the user, who may retry

    def _call(self, fn: Callable[[], T], what: str) -> T:
        if self._guard is not None:
            return self._guard(fn, what)
        return call(fn, what, self._lock)

    def stream_get(
        self, session: requests.Session, url: str, accept: str, *, stream: bool = False
    ) -> requests.Response:
        """One GET on another connection than the shared one (streamed retrieval, several at once),
        with this client's CA and current token; redirects never followed. ``stream``: the body read
        as it comes (a series-level answer, part by part)."""
        headers = {k: v for k, v in self._session.headers.items() if k in ("Authorization", "User-Agent")}
        headers["Accept"] = accept
        verify = self._session.verify if self._session.verify is not None else True
        return session.get(url, headers=headers, timeout=(self._timeout, max(self._timeout, 30.0)),
                           verify=verify, allow_redirects=False, stream=stream)

    def renew_token(self, study_uid: str) -> None:
        """A streamed request met an expired token: one guarded exchange renews it (the guard refreshes
        the token and retries), then the next streamed request carries the new one."""
        self._call(lambda: self.client.search_for_series(study_uid, limit=1), "QIDO series")

    def search_studies(self, **filters: Any) -> list[dict[str, Any]]:
        """QIDO-RS studies; filters are DICOM keywords (``PatientID="..."``)."""
        return self._call(lambda: self.client.search_for_studies(search_filters=filters), "QIDO studies")

    def store_instances(self, datasets: list[Any], study_uid: str) -> Any:
        """STOW-RS into one study (the reading's Key Object Selection, presentation states); the
        server's answer dataset. A refusal is a :class:`PlatformError` like any other exchange."""
        return self._call(lambda: self.client.store_instances(datasets, study_uid), "STOW")

    def search_series(self, study_uid: str) -> list[dict[str, Any]]:
        return self._call(lambda: self.client.search_for_series(study_uid), "QIDO series")

    def search_instances(self, study_uid: str) -> list[dict[str, Any]]:
        """Every instance of a study, page by page (a server may cap one answer's length)."""
        found: list[dict[str, Any]] = []
        seen: set[str] = set()
        while True:
            offset = len(found)
            page: list[dict[str, Any]] = self._call(
                partial(self.client.search_for_instances, study_uid, limit=_PAGE, offset=offset),
                "QIDO instances",
            )
            fresh = [i for i in page if _value(i, _SOP) not in seen]
            found += fresh
            seen.update(_value(i, _SOP) for i in fresh)
            if len(page) < _PAGE or not fresh:  # last page, or a server that ignores offset
                return found

    def retrieve_study(
        self,
        study_uid: str,
        dest_dir: Path,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> list[Path]:
        """Write every instance of the study under ``dest_dir/<SeriesUID>/<SOPInstanceUID>.dcm``.

        Each file appears only once complete (written beside, fsynced, renamed). ``progress(done,
        total)`` is called after each instance; setting ``cancel`` stops between two instances with
        :class:`RetrieveCancelled`. Instances already present are not fetched again.
        """
        if not _valid_uid(study_uid):
            raise ValueError(f"not a DICOM UID: {study_uid!r}")
        instances = self.search_instances(study_uid)
        if not instances:
            raise NotFoundError(
                f"study {study_uid}: QIDO lists no instance",
                "Les images de cet examen ne sont pas (encore) disponibles.",
                404,
            )
        listed = sorted(
            ((_value(i, _SERIES), _value(i, _SOP), _value(i, _NUMBER)) for i in instances),
            key=lambda t: (t[0], int(t[2]) if t[2].isdigit() else 0, t[1]),
        )
        total, written = len(listed), []
        for done, (series_uid, sop_uid, _number) in enumerate(listed, start=1):
            if cancel is not None and cancel.is_set():
                raise RetrieveCancelled(
                    f"study {study_uid}: cancelled after {done - 1}/{total} instances",
                    "Téléchargement des images annulé.",
                )
            if not (_valid_uid(series_uid) and _valid_uid(sop_uid)):
                raise ProtocolError(
                    f"study {study_uid}: QIDO gave a malformed series or SOP instance UID",
                    "La plateforme a décrit les images de façon incorrecte.",
                )
            target = dest_dir / series_uid / f"{sop_uid}.dcm"
            if not target.exists():
                self._fetch(study_uid, series_uid, sop_uid, target)
            written.append(target)
            if progress is not None:
                progress(done, total)
        return written

    def _fetch(self, study_uid: str, series_uid: str, sop_uid: str, target: Path) -> None:
        dataset = self._call(
            lambda: self.client.retrieve_instance(
                study_uid, series_uid, sop_uid, media_types=ORIGINAL_TRANSFER_SYNTAX
            ),
            "WADO instance",
        )
        if getattr(dataset, "SOPInstanceUID", None) != sop_uid:
            raise ProtocolError(
                f"WADO returned another instance than {sop_uid}",
                "La plateforme a renvoyé une autre image que celle demandée.",
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.part")
        try:
            with open(partial, "wb") as fh:
                dataset.save_as(fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(partial, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()


_REDIRECT_TO_PLAIN = QT_TRANSLATE_NOOP(
    "Platform",
    "La plateforme a demandé une redirection vers une adresse non chiffrée (http) : refusée, rien n'a "
    "été envoyé. Prévenez votre administrateur (serveur mal configuré ou tentative d'interception).",
)
_REDIRECT_ELSEWHERE = QT_TRANSLATE_NOOP(
    "Platform",
    "La plateforme a demandé une redirection vers une autre adresse : refusée, le poste ne suit jamais "
    "de redirection (vos identifiants et les données patient ne partent que vers l'adresse configurée).",
)


def redirect_refused(response: requests.Response, what: str) -> ProtocolError:
    """A 3xx from the platform: never followed (a redirect could carry the login JSON or an HL7
    body to another host, or in clear), always refused with the reason."""
    location = response.headers.get("Location", "")
    plain = urlsplit(location).scheme.lower() == "http"
    return ProtocolError(
        f"{what}: HTTP {response.status_code} redirect to {location[:200]!r} refused"
        + (" (plain http)" if plain else ""),
        _REDIRECT_TO_PLAIN if plain else _REDIRECT_ELSEWHERE,
    )


def no_redirects(session: requests.Session) -> None:
    """requests follows redirects by default (dicomweb-client's calls included): with
    max_redirects = 0 it raises TooManyRedirects on the first 3xx, before any second request."""
    session.max_redirects = 0


def call(fn: Callable[[], T], what: str, lock: threading.RLock) -> T:
    """Run one HTTP exchange under ``lock``, every failure turned into a :class:`PlatformError`."""
    with lock:
        try:
            return fn()
        except requests.TooManyRedirects as exc:
            if exc.response is None:
                raise translate(exc, what) from exc
            raise redirect_refused(exc.response, what) from exc
        except requests.HTTPError as exc:
            if exc.response is None:
                raise translate(exc, what) from exc
            raise from_response(exc.response, what) from exc
        except requests.RequestException as exc:
            raise translate(exc, what) from exc
        except (InvalidDicomError, ValueError, KeyError) as exc:
            raise ProtocolError(
                f"{what}: malformed answer ({type(exc).__name__})",
                "La plateforme a envoyé une réponse illisible.",
            ) from exc
