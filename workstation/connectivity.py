"""Is the platform reachable? Online or degraded mode, since when, and the incidents it makes.

Loss is detected two ways, whichever comes first:

- any request that fails for a reason that means "no platform" (connection refused or cut,
  timeout, HTTP 5xx, TLS failure — a certificate that suddenly changes may be an attack, and the
  workstation must then stop talking to that peer) is reported with :meth:`report_failure`; the
  outbox does it by itself once :meth:`attach` linked them;
- a heartbeat thread calls ``health`` (``PlatformClient.health`` on /api/v1/health; give it a client
  with a short timeout) every ``interval`` seconds online, every ``degraded_interval`` seconds
  degraded.

The first success while degraded switches back to online, closes the incident and wakes the outbox
so the queue drains at once. Each degraded period is a :class:`DegradedIncident` (start, end, the
reason, what was queued meanwhile) whose French :attr:`~DegradedIncident.description` the report can
carry among its incidents (:meth:`DegradedIncident.as_report_incident`).

Use::

    monitor = ConnectivityMonitor(fast_client.health, incidents_file=state_dir / "incidents.json",
                                  trail=trail, platform_url=settings.platform_url)
    monitor.attach(outbox)                   # outbox failures/successes feed the monitor; recovery drains
    monitor.subscribe(on_status)             # LinkStatus: state, since, reason, banner()
    monitor.start()                          # heartbeat thread
    monitor.report_failure(exc)              # from the worklist refresh, the image loader...
    monitor.report_success()                 # ... and their successes (ends degraded mode at once)
    monitor.incidents_between(opened, now)   # incidents to offer in a report

Listeners are plain callables run on the thread that detected the change; a listener that raises is
logged and ignored.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from reporting.model import Incident, Source
from resources.events import Listeners
from resources.translations import QT_TRANSLATE_NOOP
from workstation.audit import AuditTrail
from workstation.outbox import EventKind, MessageKind, Outbox, OutboxEvent, OutboxItem, OutboxStorageError
from workstation.platform.errors import ServerError, TlsError, UnreachableError

log = logging.getLogger(__name__)
PARIS = ZoneInfo("Europe/Paris")


class LinkState(StrEnum):
    ONLINE = "online"
    DEGRADED = "degraded"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _local(moment: datetime) -> str:
    """French date and time, for the report's incidents (a French document whatever the interface)."""
    return moment.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M")


# Why the platform is considered lost (LinkStatus.user_reason), marked for the interface language.
_TLS_LOST = QT_TRANSLATE_NOOP(
    "Connectivity",
    "la connexion sécurisée avec la plateforme a échoué (certificat refusé) ; prévenez votre administrateur.",
)
_TLS_FAILED = QT_TRANSLATE_NOOP(
    "Connectivity",
    "la connexion sécurisée avec la plateforme a échoué ; prévenez votre administrateur si cela persiste.",
)
_UNREACHABLE = QT_TRANSLATE_NOOP("Connectivity", "plateforme injoignable (réseau ou plateforme arrêtée).")
_SERVER_ERROR = QT_TRANSLATE_NOOP("Connectivity", "la plateforme est en erreur ({status}).")


def _marked_reason(text: str) -> str:
    """``user_reason`` read back from the incidents file (plain French): marked again when it is one
    of ours, so the banner of an incident still open at start-up follows the interface language."""
    for known in (_TLS_LOST, _TLS_FAILED, _UNREACHABLE):
        if text == known:
            return known
    prefix, _, suffix = _SERVER_ERROR.template.partition("{status}")
    status = text.removeprefix(prefix).removesuffix(suffix)
    if text.startswith(prefix) and text.endswith(suffix) and status.isdigit():
        return _SERVER_ERROR.format(status=int(status))
    return text


@dataclass(frozen=True, slots=True)
class LinkStatus:
    state: LinkState
    since: datetime
    reason: str = ""  # English, for the log
    user_reason: str = ""  # French: why the platform is considered lost

    @property
    def online(self) -> bool:
        return self.state is LinkState.ONLINE

    def banner(self, pending: int = 0) -> str:
        """The persistent banner's text (French, marked for the interface language): what happened,
        since when, what works, what waits."""
        if self.online:
            return ""
        if pending > 1:
            waiting = QT_TRANSLATE_NOOP(
                "Connectivity",
                "{count} messages en attente d'envoi, transmis automatiquement au retour de la plateforme.",
            ).format(count=pending)
        elif pending:
            waiting = QT_TRANSLATE_NOOP(
                "Connectivity",
                "{count} message en attente d'envoi, transmis automatiquement au retour de la plateforme.",
            ).format(count=pending)
        else:
            waiting = QT_TRANSLATE_NOOP("Connectivity", "Aucun message en attente d'envoi.")
        since = self.since.astimezone(PARIS)
        return QT_TRANSLATE_NOOP(
            "Connectivity",
            "Mode dégradé depuis le {date} à {time} : {reason} Vous pouvez lire les examens en cache et "
            "rédiger, signer ou refuser : tout est conservé sur ce poste. {waiting}",
        ).format(
            date=since.strftime("%d/%m/%Y"),
            time=since.strftime("%H:%M"),
            reason=self.user_reason or QT_TRANSLATE_NOOP("Connectivity", "plateforme injoignable."),
            waiting=waiting,
        )


@dataclass(frozen=True, slots=True)
class QueuedMessage:
    """A message committed to the outbox during an incident (no patient data)."""

    control_id: str
    kind: MessageKind
    order_id: str = ""

    @classmethod
    def of(cls, item: OutboxItem) -> QueuedMessage:
        return cls(item.control_id, item.kind, item.order_id)


@dataclass(frozen=True, slots=True)
class DegradedIncident:
    started_at: datetime
    reason: str
    user_reason: str
    ended_at: datetime | None = None
    queued: tuple[QueuedMessage, ...] = field(default=())
    # The outbox's position when the incident began: what it queued is what came after, in the queue's
    # own order, whatever the wall clock did meanwhile (issue 22: a -2 h jump hid half of them).
    after_seq: int | None = None
    # Measured on the monotonic clock when the incident began and ended in one run: the wall clock's
    # ended_at - started_at is wrong across a clock change.
    duration: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "reason": self.reason,
            "user_reason": self.user_reason,
            "queued": [[q.control_id, q.kind.value, q.order_id] for q in self.queued],
            "after_seq": self.after_seq,
            "duration": self.duration,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DegradedIncident:
        ended = data.get("ended_at")
        return cls(
            datetime.fromisoformat(data["started_at"]),
            str(data["reason"]),
            _marked_reason(str(data["user_reason"])),
            datetime.fromisoformat(ended) if ended else None,
            tuple(QueuedMessage(c, MessageKind(k), o) for c, k, o in data.get("queued", ())),
            data.get("after_seq"),
            data.get("duration"),
        )

    @property
    def description(self) -> str:
        """French sentence for the report's incidents: not marked for translation, the signed report is
        a French document whatever the interface language (``user_reason`` gives its French value)."""
        start = _local(self.started_at)
        if self.ended_at is None:
            period = f"depuis le {start}"
        else:
            wall = (self.ended_at - self.started_at).total_seconds()
            seconds = self.duration if self.duration is not None else wall
            minutes = max(1, round(seconds / 60))
            period = f"du {start} au {_local(self.ended_at)} ({minutes} min)"
        count = len(self.queued)
        queued = (
            f" ; {count} message{'s' if count > 1 else ''} mis en file d'attente sur le poste"
            f" puis transmis{'' if self.ended_at else ' au retour de la plateforme'}"
            if count
            else ""
        )
        return f"Poste de téléradiologie en mode dégradé {period} : {self.user_reason.rstrip('.')}{queued}."

    def as_report_incident(self) -> Incident:
        return Incident(self.description, Source.COMPUTED)


StatusListener = Callable[[LinkStatus], None]


def classify(error: BaseException) -> tuple[str, str] | None:
    """(reason, French reason) when ``error`` means the platform is lost, None otherwise."""
    if isinstance(error, TlsError):
        return f"TLS failure: {error}", _TLS_LOST if error.certificate else _TLS_FAILED
    if isinstance(error, UnreachableError):
        return f"unreachable: {error}", _UNREACHABLE
    if isinstance(error, ServerError) and error.status >= 500:
        return f"server error: {error}", _SERVER_ERROR.format(status=error.status)
    return None


class ConnectivityMonitor:
    def __init__(
        self,
        health: Callable[[], bool],
        *,
        interval: float = 10.0,
        degraded_interval: float = 3.0,
        now: Callable[[], datetime] = _utc_now,
        incidents_file: Path | None = None,
        trail: AuditTrail | None = None,
        platform_url: str = "",
        monotonic: Callable[[], float] | None = None,
    ) -> None:
        """``incidents_file``: where incidents are kept across restarts (JSON, rewritten atomically); an
        incident still open when the workstation stopped goes on (degraded at start) until the first
        success. ``trail``: certificate failures are recorded as security alerts (once per degraded
        period); a handshake cut by the network is an outage, not an alert. ``monotonic``: seconds for
        the incident's duration, immune to wall-clock changes (``time.monotonic`` with the real wall
        clock; a caller that injects ``now`` and no ``monotonic`` gets durations from ``now``).
        """
        self._monotonic = monotonic or (time.monotonic if now is _utc_now else None)
        self._started_monotonic: float | None = None
        self._health = health
        self._interval = interval
        self._degraded_interval = degraded_interval
        self._now = now
        self._lock = threading.RLock()
        self._status = LinkStatus(LinkState.ONLINE, now())
        self._listeners: Listeners[LinkStatus] = Listeners("connectivity")
        self._incidents_file = incidents_file
        self._incidents: list[DegradedIncident] = self._load_incidents()
        self._trail = trail
        self._platform_url = platform_url
        if self._incidents and self._incidents[-1].ended_at is None:
            last = self._incidents[-1]
            self._status = LinkStatus(LinkState.DEGRADED, last.started_at, last.reason, last.user_reason)
        self._outbox: Outbox | None = None
        self._stop = threading.Event()
        self._kick = threading.Event()
        self._thread: threading.Thread | None = None

    # --- wiring ---

    def subscribe(self, listener: StatusListener) -> Callable[[], None]:
        return self._listeners.subscribe(listener)

    def attach(self, outbox: Outbox) -> None:
        """Outbox transport failures report the loss; deliveries report the link; recovery drains it."""
        self._outbox = outbox
        outbox.subscribe(self.on_outbox_event)

    def on_outbox_event(self, event: OutboxEvent) -> None:
        if event.kind is EventKind.RETRYING and event.error is not None:
            self.report_failure(event.error)
        elif event.kind in (EventKind.DELIVERED, EventKind.REJECTED):
            self.report_success()  # an ACK came back: the platform is there

    # --- state ---

    @property
    def status(self) -> LinkStatus:
        return self._status

    @property
    def incidents(self) -> list[DegradedIncident]:
        with self._lock:
            return list(self._incidents)

    def incidents_between(self, start: datetime, end: datetime) -> list[DegradedIncident]:
        """Incidents overlapping [start, end] (e.g. while a study was being read), open ones included."""
        return [
            i for i in self.incidents if i.started_at <= end and (i.ended_at is None or i.ended_at >= start)
        ]

    def report_failure(self, error: BaseException) -> bool:
        """A request failed; returns True when this switched the workstation to degraded mode."""
        reason = classify(error)
        if reason is None:
            return False
        with self._lock:
            if not self._status.online:
                return False
            now = self._now()
            self._status = LinkStatus(LinkState.DEGRADED, now, *reason)
            self._started_monotonic = self._monotonic() if self._monotonic else None
            self._incidents.append(DegradedIncident(now, *reason, after_seq=self._queue_position()))
            self._save_incidents()
            status = self._status
        log.warning("platform lost, degraded mode: %s", reason[0])
        if isinstance(error, TlsError) and error.certificate and self._trail is not None:
            try:
                self._trail.tls_failure(self._platform_url, str(error))
            except Exception:
                log.exception("could not audit the TLS failure")
        self._kick.set()  # the heartbeat switches to its degraded pace
        self._notify(status)
        return True

    def report_success(self) -> bool:
        """A request succeeded; returns True when this ended degraded mode (the outbox is woken)."""
        with self._lock:
            if self._status.online:
                return False
            now = self._now()
            incident = self._incidents[-1]
            queued = self._queued_during(incident, now)
            started = self._started_monotonic
            duration = self._monotonic() - started if self._monotonic and started is not None else None
            self._started_monotonic = None
            self._incidents[-1] = replace(incident, ended_at=now, queued=queued, duration=duration)
            self._save_incidents()
            self._status = LinkStatus(LinkState.ONLINE, now)
            status = self._status
        log.info(
            "platform back after %.0f s, %d message(s) queued meanwhile",
            (now - incident.started_at).total_seconds(),
            len(queued),
        )
        if self._outbox is not None:
            self._outbox.wake()
        self._notify(status)
        return True

    def _queue_position(self) -> int | None:
        if self._outbox is None:
            return None
        try:
            return self._outbox.store.last_seq()
        except OutboxStorageError as exc:
            log.error("incident: outbox position unknown: %s", exc)
            return None

    def _queued_during(self, incident: DegradedIncident, now: datetime) -> tuple[QueuedMessage, ...]:
        """What the outbox queued during ``incident``: by queue order when its start position is known
        (a clock change cannot move a message out of it), else by wall-clock times (an incident read
        back from before this version)."""
        if self._outbox is None:
            return ()
        try:
            store = self._outbox.store
            if incident.after_seq is not None:
                items = store.queued_after(incident.after_seq, store.last_seq())
            else:
                items = store.queued_between(incident.started_at, now)
        except OutboxStorageError as exc:
            log.error("incident: outbox unreadable, queued messages not listed: %s", exc)
            return ()
        return tuple(QueuedMessage.of(i) for i in items)

    def check(self) -> LinkStatus:
        """One heartbeat now (the thread calls it; the GUI may too, e.g. a "Réessayer" button)."""
        try:
            healthy = self._health()
        except Exception as exc:  # TlsError and any unexpected failure of the probe
            if not self.report_failure(exc) and classify(exc) is None:
                log.exception("health check failed unexpectedly")
            return self._status
        if healthy:
            self.report_success()
        else:
            unavailable = QT_TRANSLATE_NOOP("Connectivity", "Plateforme indisponible.")
            self.report_failure(UnreachableError("health: platform not ok", unavailable))
        return self._status

    def _load_incidents(self) -> list[DegradedIncident]:
        if self._incidents_file is None or not self._incidents_file.exists():
            return []
        try:
            return [
                DegradedIncident.from_json(d) for d in json.loads(self._incidents_file.read_text("utf-8"))
            ]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.error("incidents file %s unreadable (%s): starting a new one", self._incidents_file, exc)
            return []

    def _save_incidents(self) -> None:
        if self._incidents_file is None:
            return
        partial = self._incidents_file.with_name(f".{self._incidents_file.name}.part")
        try:
            self._incidents_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with open(partial, "w", encoding="utf-8") as fh:
                json.dump([i.to_json() for i in self._incidents], fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(partial, self._incidents_file)
        except OSError as exc:  # the monitor keeps working from memory
            log.error("cannot save incidents to %s: %s", self._incidents_file, exc)

    def _notify(self, status: LinkStatus) -> None:
        self._listeners.emit(status)

    # --- heartbeat thread ---

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="platform-heartbeat", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._kick.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self.check()
            pace = self._interval if self._status.online else self._degraded_interval
            self._kick.wait(pace)
            self._kick.clear()
