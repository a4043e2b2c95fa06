"""The degraded-mode scenario without the GUI, wired as the application wires it.

An order of ours gets images (flux 4 pointing at a demo study), the study is prefetched into the
encrypted cache, the platform goes away mid-session: the monitor switches to degraded mode, the
study still opens from the cache (audited), the signed report is queued, the banner says so; the
platform returns: the report is delivered by itself, once, the incident is ready for the report and
the study's retention period starts from the ACK.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from tests.platform_fixtures import DEMO_SITE_SENDER, RunningPlatform
from tests.teleplatform.builders import cda, complement, new_order, report_oru
from tests.workstation.test_outbox_platform import FaultProxy, stored
from workstation.cache import Prefetcher, PrefetchRequest, StudyCache
from workstation.connectivity import ConnectivityMonitor, LinkState
from workstation.outbox import Backoff, EventKind, MessageKind, Outbox, OutboxEvent, OutboxStore
from workstation.platform import PlatformClient


class Reads:
    def __init__(self) -> None:
        self.studies: list[str] = []

    def study_read(self, study_uid: str, patient_id: str) -> None:
        self.studies.append(study_uid)

    def study_evicted(self, study_uid: str, patient_id: str, reason: str) -> None:
        raise AssertionError("nothing is evicted here")


def test_platform_lost_mid_session_report_on_cached_study_delivered_on_return(
    platform: RunningPlatform, tmp_path: Path
) -> None:
    tokens = platform.login()
    direct = PlatformClient(platform.base_url, platform.ca_path)
    direct._accept_tokens(tokens, "test")
    relay = FaultProxy(int(platform.base_url.rsplit(":", 1)[1]))
    client = PlatformClient(relay.url, platform.ca_path, timeout=3)
    client._accept_tokens(tokens, "test")

    # an order of our own, with the demo MR brain as its images
    mr = next(
        e.study_instance_uid
        for e in direct.worklist()
        if e.study_instance_uid and len(direct.dicomweb.search_instances(e.study_instance_uid)) == 24
    )
    order = f"OFF{uuid.uuid4().hex[:8].upper()}"
    for message in (  # site messages, sent by a demo site's RIS account under its own MSH-3/MSH-4
        new_order(order, uuid.uuid4().hex[:20], sender=DEMO_SITE_SENDER),
        complement(order, uuid.uuid4().hex[:20], "ACC1", mr, sender=DEMO_SITE_SENDER),
    ):
        assert platform.submit_as_site(message) == "AA"
    entry = next(e for e in client.worklist() if e.order_id == order)

    # the application's wiring
    reads = Reads()
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    cache = StudyCache(tmp_path / "cache", bytes(range(32)), auditor=reads, runtime_dir=runtime)
    outbox = Outbox(OutboxStore(tmp_path / "outbox.sqlite"), client.submit, backoff=Backoff(20.0, 60.0))
    monitor = ConnectivityMonitor(
        client.health, interval=0.2, degraded_interval=0.2, incidents_file=tmp_path / "incidents.json"
    )
    monitor.attach(outbox)

    def on_outbox(event: OutboxEvent) -> None:
        if event.kind is EventKind.DELIVERED and event.item and event.item.study_uid:
            cache.mark_reported(event.item.study_uid, event.item.settled_at or datetime.now(UTC))

    outbox.subscribe(on_outbox)
    prefetcher = Prefetcher(cache, client.dicomweb, size_cap=1 << 30, runtime_dir=runtime)
    report = prefetcher.run_once(
        [
            PrefetchRequest(
                entry.study_instance_uid or "",
                entry.received_at,
                order_id=order,
                order_hl7=tuple(m.hl7 for m in entry.messages),
            )
        ]
    )
    assert report.studies == [mr]
    monitor.start()
    outbox.start()
    try:
        relay.down()  # the platform goes away mid-session
        _wait(lambda: monitor.status.state is LinkState.DEGRADED, 5)
        with cache.open_study(mr) as opened:  # reading goes on from the cache
            assert len(opened.paths) == 24
        assert reads.studies == [mr]
        (cached,) = cache.studies()
        assert cached.order_hl7 and cached.order_hl7[0].startswith("MSH")  # the order, for reporting
        control_id = uuid.uuid4().hex[:20].upper()
        signed = report_oru(order, control_id, cda(f"1.2.250.1.999.4.{uuid.uuid4().int}", order)).decode()
        outbox.enqueue(signed, MessageKind.REPORT, order_id=order, study_uid=mr)
        time.sleep(0.3)
        pending = outbox.store.counts().pending
        assert pending == 1 and stored(platform, control_id) == []
        assert "1 message en attente d'envoi" in monitor.status.banner(pending)
        assert outbox.store.has_open(mr)  # the cache keeps the study while the report waits
        relay.up()  # the platform returns
        _wait(lambda: outbox.store.counts().delivered == 1, 10)
        assert not outbox.store.has_open(mr)
    finally:
        monitor.stop()
        outbox.close()
        relay.down()
    assert stored(platform, control_id) == [("AA", order)]
    assert monitor.status.online
    (incident,) = monitor.incidents
    assert [q.control_id for q in incident.queued] == [control_id]
    assert (
        "1 message mis en file d'attente sur le poste puis transmis"
        in incident.as_report_incident().description
    )
    reported = cache.get(mr)
    assert reported is not None and reported.reported_at is not None
    assert next(e for e in direct.worklist() if e.order_id == order).status.value == "cr_transmis"
    cache.close()


def _wait(condition, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
