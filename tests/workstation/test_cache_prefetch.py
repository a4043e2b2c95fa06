"""Prefetch into the encrypted cache from the reference platform (DICOMweb over real HTTPS).

The demo worklist's MR brain (24 instances) and chest radiograph (1 instance) are prefetched; what
is read offline must be byte for byte what a plain DICOMweb download gives.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from teleplatform.relay import FaultProxy
from tests.platform_fixtures import RunningPlatform
from workstation.cache import Prefetcher, PrefetchEvent, PrefetchEventKind, PrefetchRequest, StudyCache
from workstation.connectivity import ConnectivityMonitor, LinkState
from workstation.platform import PlatformClient, UnreachableError

MASTER = bytes(range(1, 33))


@pytest.fixture(scope="module")
def tokens(platform: RunningPlatform) -> dict:
    return platform.login()


@pytest.fixture(scope="module")
def client(platform: RunningPlatform, tokens: dict) -> PlatformClient:
    api = PlatformClient(platform.base_url, platform.ca_path, timeout=30)
    api._accept_tokens(tokens, "test")
    return api


@pytest.fixture(scope="module")
def studies(client: PlatformClient) -> dict[str, str]:
    """Study Instance UID of the demo MR brain and chest radiograph, by modality."""
    found = {}
    for entry in client.worklist():
        if entry.study_instance_uid:
            (study,) = client.dicomweb.search_studies(StudyInstanceUID=entry.study_instance_uid)
            modality = study.get("00080061", {}).get("Value", [""])
            count = len(client.dicomweb.search_instances(entry.study_instance_uid))
            found[f"{modality[0]}:{count}"] = entry.study_instance_uid
    return {"MR": found["MR:24"], "DX": next(v for k, v in found.items() if k.endswith(":1"))}


@pytest.fixture
def runtime(tmp_path: Path) -> Path:
    path = tmp_path / "runtime"
    path.mkdir()
    return path


@pytest.fixture
def cache(tmp_path: Path, runtime: Path) -> Iterator[StudyCache]:
    c = StudyCache(tmp_path / "cache", MASTER, runtime_dir=runtime)
    yield c
    c.close()


def requests_for(studies: dict[str, str]) -> list[PrefetchRequest]:
    t0 = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    return [
        PrefetchRequest(studies["MR"], t0, urgent=False, order_id="MR"),  # older, routine
        PrefetchRequest(studies["DX"], t0 + timedelta(hours=1), urgent=True, order_id="DX"),
    ]


def test_prefetch_urgent_first_and_read_offline_as_downloaded(
    client: PlatformClient, studies: dict[str, str], cache: StudyCache, runtime: Path, tmp_path: Path
) -> None:
    prefetcher = Prefetcher(cache, client.dicomweb, size_cap=1 << 30, runtime_dir=runtime)
    events: list[PrefetchEvent] = []
    prefetcher.subscribe(events.append)
    report = prefetcher.run_once(requests_for(studies))
    assert report.studies == [studies["DX"], studies["MR"]]  # urgent first
    assert [(e.kind, e.instances) for e in events] == [
        (PrefetchEventKind.STUDY_CACHED, 1),
        (PrefetchEventKind.STUDY_CACHED, 24),
    ]
    assert report.instances == 25 and list(runtime.iterdir()) == []  # no clear copy left
    plain = client.retrieve_study(studies["MR"], tmp_path / "plain")
    with cache.open_study(studies["MR"]) as opened:
        assert sorted(p.relative_to(opened.directory) for p in opened.paths) == sorted(
            p.relative_to(tmp_path / "plain") for p in plain
        )
        for path in plain:
            assert (opened.directory / path.relative_to(tmp_path / "plain")).read_bytes() == path.read_bytes()
    assert prefetcher.run_once(requests_for(studies)).studies == []  # already complete: nothing fetched
    print(f"\nprefetched {report.bytes / 1e6:.1f} MB in {report.seconds:.2f} s")


def test_size_cap_stops_and_drops_the_partial_study(
    client: PlatformClient, studies: dict[str, str], cache: StudyCache, runtime: Path
) -> None:
    prefetcher = Prefetcher(cache, client.dicomweb, size_cap=4_000_000, runtime_dir=runtime)
    events: list[PrefetchEvent] = []
    prefetcher.subscribe(events.append)
    report = prefetcher.run_once(requests_for(studies))
    assert report.cap_reached and report.studies == [studies["DX"]]
    assert [e.kind for e in events] == [PrefetchEventKind.STUDY_CACHED, PrefetchEventKind.CAP_REACHED]
    assert "Cache hors connexion plein" in events[-1].user_message
    assert cache.get(studies["MR"]) is None  # the partial MR was evicted
    assert cache.total_size() < 4_000_000 and list(runtime.iterdir()) == []


def test_platform_down_during_prefetch_switches_to_degraded_then_resumes(
    platform: RunningPlatform, tokens: dict, studies: dict[str, str], cache: StudyCache, runtime: Path
) -> None:
    relay = FaultProxy(int(platform.base_url.rsplit(":", 1)[1]))
    try:
        relayed = PlatformClient(relay.url, platform.ca_path, timeout=5)
        relayed._accept_tokens(tokens, "test")
        monitor = ConnectivityMonitor(relayed.health)
        prefetcher = Prefetcher(
            cache,
            relayed.dicomweb,
            size_cap=1 << 30,
            runtime_dir=runtime,
            on_failure=monitor.report_failure,
            retry_interval=0.2,
        )
        events: list[PrefetchEvent] = []
        prefetcher.subscribe(events.append)
        relay.down()
        report = prefetcher.run_once(requests_for(studies))
        assert isinstance(report.error, UnreachableError) and report.studies == []
        assert events[0].kind is PrefetchEventKind.FAILED
        assert monitor.status.state is LinkState.DEGRADED
        relay.up()
        prefetcher.update(requests_for(studies))
        prefetcher.start()
        deadline = time.monotonic() + 60
        while len([e for e in events if e.kind is PrefetchEventKind.STUDY_CACHED]) < 2:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        prefetcher.stop()
        assert all(s.complete for s in cache.studies()) and len(cache.studies()) == 2
    finally:
        relay.down()


class LinkLostAfter:
    """The platform's DICOMweb, but the link drops after ``count`` instances of a study (once)."""

    def __init__(self, real: object, count: int) -> None:
        self.real = real
        self.count: int | None = count

    def retrieve_study(self, study_uid, dest_dir, progress=None, cancel=None):  # type: ignore[no-untyped-def]
        def hook(done: int, total: int) -> None:
            if progress is not None:
                progress(done, total)
            if self.count is not None and done >= self.count:
                self.count = None
                raise UnreachableError("WADO instance: cannot connect", "La plateforme est injoignable.")

        return self.real.retrieve_study(study_uid, dest_dir, hook, cancel)  # type: ignore[attr-defined]


def test_an_interrupted_study_resumes_where_it_stopped(
    client: PlatformClient, studies: dict[str, str], cache: StudyCache, runtime: Path, tmp_path: Path
) -> None:
    flaky = LinkLostAfter(client.dicomweb, 5)
    prefetcher = Prefetcher(cache, flaky, size_cap=1 << 30, runtime_dir=runtime)  # type: ignore[arg-type]
    request = [PrefetchRequest(studies["MR"], datetime.now(UTC), order_id="MR")]
    first = prefetcher.run_once(request)
    assert isinstance(first.error, UnreachableError) and first.studies == []
    partial = cache.get(studies["MR"])
    assert partial is not None and (partial.complete, partial.instances) == (False, 5)
    second = prefetcher.run_once(request)
    assert second.studies == [studies["MR"]] and second.instances == 19  # only what was missing
    plain = client.retrieve_study(studies["MR"], tmp_path / "plain")
    with cache.open_study(studies["MR"]) as opened:
        assert len(opened.paths) == 24
        for path in plain:
            assert (opened.directory / path.relative_to(tmp_path / "plain")).read_bytes() == path.read_bytes()
    assert list(runtime.iterdir()) == []
