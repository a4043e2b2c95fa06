"""The relay's throttled line (bench wire): bytes arrive intact, no sooner than the bandwidth and the
latency allow, shared by the connections of one direction; a plain relay is not slowed."""
from __future__ import annotations

import socket
import threading
import time

import pytest

from teleplatform.relay import FaultProxy

PAYLOAD = bytes(range(256)) * 2048  # 512 KiB


def _server(answer: bytes) -> tuple[socket.socket, threading.Thread]:
    """A loopback server answering each connection's first byte with ``answer``, then closing."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                if conn.recv(1):
                    conn.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return listener, thread


def _fetch(port: int) -> tuple[bytes, float]:
    start = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(b"?")
        chunks = []
        while data := conn.recv(65536):
            chunks.append(data)
    return b"".join(chunks), time.perf_counter() - start


def test_a_throttled_line_takes_the_time_of_its_bandwidth_and_latency() -> None:
    listener, _ = _server(PAYLOAD)
    relay = FaultProxy(listener.getsockname()[1], bandwidth_bps=8e6, latency_s=0.05)  # 1 MB/s
    try:
        received, elapsed = _fetch(relay.port)
        assert received == PAYLOAD
        # one way for the request, PAYLOAD at 1 MB/s, one way back: never sooner (load only adds time)
        assert elapsed >= len(PAYLOAD) / 1e6 + 2 * 0.05 - 0.01
        results: list[tuple[bytes, float]] = []
        both = [threading.Thread(target=lambda: results.append(_fetch(relay.port))) for _ in range(2)]
        start = time.perf_counter()
        for thread in both:
            thread.start()
        for thread in both:
            thread.join(60)
        assert [r[0] for r in results] == [PAYLOAD, PAYLOAD]
        assert time.perf_counter() - start >= 2 * len(PAYLOAD) / 1e6  # one line for both connections
    finally:
        relay.down()
        listener.close()


def test_an_unthrottled_relay_passes_bytes_as_before() -> None:
    listener, _ = _server(PAYLOAD)
    relay = FaultProxy(listener.getsockname()[1])
    try:
        assert not relay.throttled
        assert _fetch(relay.port)[0] == PAYLOAD
    finally:
        relay.down()
        listener.close()


@pytest.mark.parametrize("options", [{"bandwidth_bps": 0}, {"bandwidth_bps": -5.0}, {"latency_s": -0.1}])
def test_an_impossible_line_is_refused(options: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        FaultProxy(9, **options)  # type: ignore[arg-type]
