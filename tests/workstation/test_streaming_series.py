"""Reading-order streaming, its series-level request (issue 24): the multipart reader on answers cut
anywhere (property test against the email package's multipart parser, which nobody here wrote), and a
series answer lost half-way, whose missing instances are then asked for one by one."""

from __future__ import annotations

import io
import itertools
import threading
from email import message_from_bytes
from pathlib import Path

import pydicom
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from teleplatform.relay import FaultProxy
from tests.platform_fixtures import RunningPlatform
from workstation.platform import PlatformClient
from workstation.platform.errors import ProtocolError
from workstation.platform.streaming import StudyStream, iter_parts

BOUNDARY = "0f3a9c1e5b7d4a2c8e6f1b3d5a7c9e0b"


def _multipart(bodies: list[bytes]) -> bytes:
    out = b""
    for body in bodies:
        out += (f"--{BOUNDARY}\r\nContent-Type: application/dicom; transfer-syntax=1.2.840.10008.1.2.4.80"
                "\r\n\r\n").encode() + body + b"\r\n"
    return out + f"--{BOUNDARY}--\r\n".encode()


def _email_parts(body: bytes) -> list[bytes]:
    """The reference: the standard library's MIME parser on the whole answer."""
    head = f'Content-Type: multipart/related; type="application/dicom"; boundary={BOUNDARY}\r\n\r\n'
    message = message_from_bytes(head.encode() + body)
    return [part.get_payload(decode=True) or b"" for part in message.get_payload()]


def _chunks(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(c, len(data)) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(points)]


# bodies that look like pixel data, including bytes of the delimiter's prefix and CRLFs
_body = st.binary(max_size=300).map(lambda b: b.replace(f"--{BOUNDARY}".encode(), b"--x"))


@settings(max_examples=300, deadline=None)
@given(st.lists(_body, min_size=1, max_size=5), st.lists(st.integers(0, 2000), max_size=20))
def test_parts_equal_the_reference_parser_however_the_answer_is_cut(
    bodies: list[bytes], cuts: list[int]
) -> None:
    data = _multipart(bodies)
    parts = list(iter_parts(_chunks(data, cuts), BOUNDARY))
    assert parts == bodies
    assert parts == _email_parts(data)


@settings(max_examples=200, deadline=None)
@given(st.lists(_body, min_size=1, max_size=4), st.data())
def test_an_answer_cut_short_gives_the_complete_parts_then_refuses(
    bodies: list[bytes], data: st.DataObject
) -> None:
    whole = _multipart(bodies)
    end = data.draw(st.integers(0, len(whole) - 3))  # before the closing delimiter's last dash
    given_parts: list[bytes] = []
    with pytest.raises(ProtocolError):
        for part in iter_parts(_chunks(whole[:end], [end // 3]), BOUNDARY):
            given_parts.append(part)
    assert given_parts == bodies[: len(given_parts)]


@pytest.fixture(scope="module")
def tokens(platform: RunningPlatform) -> dict:
    return platform.login()


def _mr_study(client: PlatformClient) -> str:
    for entry in client.worklist():
        uid = entry.study_instance_uid
        if uid and len(client.dicomweb.search_instances(uid)) == 24:
            return uid
    pytest.fail("the demo MR study (24 instances) is not on the platform")


def test_a_fresh_series_comes_in_one_request_and_a_lost_answer_is_completed_instance_by_instance(
    platform: RunningPlatform, tokens: dict, tmp_path: Path
) -> None:
    relay = FaultProxy(int(platform.base_url.rsplit(":", 1)[1]))
    try:
        client = PlatformClient(relay.url, platform.ca_path, timeout=30)
        client._accept_tokens(tokens, "test")
        study = _mr_study(client)

        def lose_answers(done: int, _total: int) -> None:
            if done == 5:  # in the middle of the series answer: it is lost, and so is what follows a while
                relay.mode = "drop_answer"
                threading.Timer(0.5, lambda: setattr(relay, "mode", "pass")).start()

        stream = StudyStream(client.dicomweb, study, tmp_path, retry_pause=0.3, progress=lose_answers)
        stream.start()
        assert stream.wait(120)
        assert stream.complete, stream.error
        (series_uid,) = stream.series_requests
        assert relay.dropped_answers > 0
        displayed = next(w for w in stream.wanted if w.image)
        assert stream.requested[0] == displayed.sop_uid or displayed.sop_uid in stream.requested
        # the series answer was lost: what it had not brought was asked for one by one
        assert {w.sop_uid for w in stream.wanted if w.series_uid == series_uid and not w.head} & set(
            stream.requested)
        files = list(tmp_path.rglob("*.dcm"))
        assert len(files) == stream.total == 24 and stream.done_count == 24
        for path in files:
            assert pydicom.dcmread(io.BytesIO(path.read_bytes())).SOPInstanceUID == path.stem
    finally:
        relay.down()


def test_sealing_runs_off_the_arrival_path_and_completion_waits_for_it(
    platform: RunningPlatform, tokens: dict, tmp_path: Path
) -> None:
    """A slow cache does not hold the transfer back, and the study is called complete (the cache may
    then say so) only once every instance went through ``store``, one failing included."""
    client = PlatformClient(platform.base_url, platform.ca_path, timeout=30)
    client._accept_tokens(tokens, "test")
    study = _mr_study(client)
    sealed: list[str] = []
    completed: list[int] = []
    arrived_all = threading.Event()

    def store(_series: str, sop: str, _data: bytes) -> None:
        arrived_all.wait(30)  # the cache is slower than the line: nothing sealed before all came
        sealed.append(sop)
        if len(sealed) == 3:
            raise OSError("disk full")  # one instance not sealed: the others still are

    def progress(done: int, total: int) -> None:
        if done == total:
            arrived_all.set()

    stream = StudyStream(client.dicomweb, study, tmp_path, store=store, progress=progress,
                         on_complete=lambda: completed.append(len(sealed)))
    stream.start()
    assert arrived_all.wait(60)  # every instance arrived while the sealing was held back
    assert stream.wait(60) and stream.complete
    assert completed == [24] and sorted(sealed) == sorted(w.sop_uid for w in stream.wanted)
