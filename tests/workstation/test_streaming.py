"""Reading-order streaming (issue 24, item 1) against the reference platform: what is asked for first,
what the cache holds, and a retrieval that survives a dropped connection and resumes after a stop."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pydicom
import pytest

from teleplatform.relay import FaultProxy
from tests.platform_fixtures import RunningPlatform
from viewer.loader import LoadObserver, PreviewImage, StudyLoader
from workstation.cache import StudyCache
from workstation.platform import PlatformClient
from workstation.platform.streaming import JPEG_LS_LOSSLESS, StudyStream

MASTER = bytes(range(1, 33))
UNCOMPRESSED = (("application/dicom", "1.2.840.10008.1.2.1"),)


@pytest.fixture(scope="module")
def tokens(platform: RunningPlatform) -> dict:
    return platform.login()


def _client(url: str, platform: RunningPlatform, tokens: dict) -> PlatformClient:
    api = PlatformClient(url, platform.ca_path, timeout=30)
    api._accept_tokens(tokens, "test")
    return api


@pytest.fixture(scope="module")
def client(platform: RunningPlatform, tokens: dict) -> PlatformClient:
    return _client(platform.base_url, platform, tokens)


@pytest.fixture(scope="module")
def mr_study(client: PlatformClient) -> str:
    """The demo MR brain: 24 instances in one stack."""
    for entry in client.worklist():
        uid = entry.study_instance_uid
        if uid and len(client.dicomweb.search_instances(uid)) == 24:
            return uid
    pytest.fail("the demo MR study (24 instances) is not on the platform")


def _displayed_first(client: PlatformClient, study: str) -> str:
    """The slice the viewer opens on, from the uncompressed files (not from our ordering code): the
    middle by instance number of the first multi-image series by series number."""
    by_series: dict[str, list[pydicom.Dataset]] = {}
    for ds in client.dicomweb.client.retrieve_study(study, media_types=UNCOMPRESSED):
        if "PixelData" in ds:
            by_series.setdefault(ds.SeriesInstanceUID, []).append(ds)
    stacks = sorted((s for s in by_series.values() if len(s) > 1), key=lambda s: int(s[0].SeriesNumber))
    members = sorted(stacks[0], key=lambda ds: int(ds.InstanceNumber))
    return str(members[len(members) // 2].SOPInstanceUID)


def test_the_displayed_slice_is_asked_for_first_and_shown_first(
    client: PlatformClient, mr_study: str, tmp_path: Path
) -> None:
    stream = StudyStream(client.dicomweb, mr_study, tmp_path, in_flight=1)
    stream.start()
    previews: list[str] = []

    class Watch(LoadObserver):
        def preview(self, image: PreviewImage) -> None:
            previews.append(image.file.sop_instance_uid)

    with StudyLoader(2) as loader:
        load = loader.load(stream, Watch()).result(120)
    expected = _displayed_first(client, mr_study)
    images = [w.sop_uid for w in stream.wanted if w.image]
    assert stream.requested[len(stream.wanted) - len(images)] == expected
    assert previews == [expected]
    (series,) = [s for s in load.series if s.shape[0] > 1]
    assert series.loaded_count == series.shape[0] == 24 and series.complete
    assert stream.complete and stream.result() == stream.paths


def test_cache_holds_the_server_pixels_in_a_lossless_syntax(
    client: PlatformClient, mr_study: str, tmp_path: Path
) -> None:
    cache = StudyCache(tmp_path / "cache", MASTER, runtime_dir=tmp_path)
    try:
        cache.begin_study(mr_study)
        stream = StudyStream(client.dicomweb, mr_study, tmp_path / "in",
                             store=lambda se, sop, data: cache.put_instance(mr_study, se, sop, data))
        (tmp_path / "in").mkdir()
        stream.start()
        assert stream.wait(120) and stream.complete
        reference = {ds.SOPInstanceUID: ds for ds in
                     client.dicomweb.client.retrieve_study(mr_study, media_types=UNCOMPRESSED)}
        with cache.open_study(mr_study) as opened:
            assert len(opened.paths) == len(reference)
            for path in opened.paths:
                ds = pydicom.dcmread(path)
                ref = reference[ds.SOPInstanceUID]
                if "PixelData" not in ref:
                    continue
                assert ds.file_meta.TransferSyntaxUID == JPEG_LS_LOSSLESS
                assert (ds.pixel_array == ref.pixel_array).all()
    finally:
        cache.close()


def test_a_dropped_connection_is_retried_and_a_stopped_retrieval_resumes(
    platform: RunningPlatform, tokens: dict, mr_study: str, tmp_path: Path
) -> None:
    relay = FaultProxy(int(platform.base_url.rsplit(":", 1)[1]))
    try:
        client = _client(relay.url, platform, tokens)
        folder = tmp_path / "study"
        folder.mkdir()
        cancel = threading.Event()
        stop_after = 8

        def progress(done: int, _total: int) -> None:
            if done >= stop_after:
                cancel.set()

        first = StudyStream(client.dicomweb, mr_study, folder, cancel=cancel, progress=progress, in_flight=2)
        first.start()
        first.wait(120)
        had = sorted(p.name for p in folder.rglob("*.dcm"))
        assert stop_after <= len(had) < 24

        def drop_once(done: int, _total: int) -> None:
            if done == len(had) + 1:  # after the first new arrival, answers are lost for a while
                relay.mode = "drop_answer"
                threading.Timer(0.6, lambda: setattr(relay, "mode", "pass")).start()

        second = StudyStream(client.dicomweb, mr_study, folder, retry_pause=0.3, in_flight=1,
                             progress=drop_once)
        second.start()
        assert second.wait(120)
        assert second.complete, second.error
        assert relay.dropped_answers > 0
        assert not set(second.requested) & {Path(n).stem for n in had}  # only what was missing
        assert len(list(folder.rglob("*.dcm"))) == 24
        for path in folder.rglob("*.dcm"):
            assert pydicom.dcmread(io.BytesIO(path.read_bytes())).SOPInstanceUID == path.stem
    finally:
        relay.down()
