"""A TCP relay in front of the reference platform that can play an outage, for the fault tests,
the demo screenshots and anyone showing degraded mode: loopback only, bytes passed through untouched
(TLS stays end to end between the workstation and the platform).

It can also play a site's slow link (``bandwidth_bps``, ``latency_s``): each direction is one link
shared by every connection, whose bytes leave at the link's rate, one after the other, and arrive
``latency_s`` later (one way), so a request costs a round trip and a large answer its size over the
bandwidth, as on a real line. At most about one megabyte waits in the relay per direction and
connection: beyond that the sender is held back, as TCP would hold it."""

from __future__ import annotations

import contextlib
import queue
import socket
import threading
import time

_CHUNK = 16384  # bytes paced at a time on a throttled link (1.3 ms at 100 Mbit/s)
_QUEUED_CHUNKS = 64


class _Link:
    """One direction of a throttled line: when its wire is next free."""

    def __init__(self, bandwidth_bps: float | None, latency_s: float) -> None:
        self.bandwidth_bps = bandwidth_bps
        self.latency_s = latency_s
        self._free_at = 0.0
        self._lock = threading.Lock()

    def arrival(self, size: int) -> float:
        """When ``size`` bytes handed to the link now reach the far end (perf_counter seconds)."""
        now = time.perf_counter()
        if self.bandwidth_bps is None:
            return now + self.latency_s
        with self._lock:
            start = max(now, self._free_at)
            self._free_at = start + size * 8.0 / self.bandwidth_bps
            return self._free_at + self.latency_s


class FaultProxy:
    """127.0.0.1:port -> 127.0.0.1:target, byte for byte, with switchable faults.

    mode: "pass"; "cut_request" (client bytes are not forwarded, the connection is closed);
    "drop_answer" (the request reaches the platform, its answer is discarded and the connection closed).
    :meth:`down` closes the listener and every open connection (connection refused); :meth:`up` reopens.
    ``bandwidth_bps`` (bits per second, each way) and ``latency_s`` (one way) throttle the line.
    """

    def __init__(
        self, target_port: int, *, bandwidth_bps: float | None = None, latency_s: float = 0.0
    ) -> None:
        if (bandwidth_bps is not None and not bandwidth_bps > 0) or not latency_s >= 0:
            raise ValueError(f"a link needs a positive bandwidth and no negative latency: "
                             f"{bandwidth_bps} bit/s, {latency_s} s")
        self.target = ("127.0.0.1", target_port)
        self.throttled = bandwidth_bps is not None or latency_s > 0
        self._links = {True: _Link(bandwidth_bps, latency_s), False: _Link(bandwidth_bps, latency_s)}
        self.mode = "pass"
        self.dropped_answers = 0
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.up()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        with self._lock:
            if self._listener is not None:
                with contextlib.suppress(OSError):  # wakes the thread blocked in accept()
                    self._listener.shutdown(socket.SHUT_RDWR)
                self._listener.close()
                self._listener = None
            for conn in list(self._connections):
                self._close(conn)

    def _close(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            conn.shutdown(socket.SHUT_RDWR)
        conn.close()
        self._connections.discard(conn)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:  # went down while this one was accepted
                    client.close()
                    upstream.close()
                    continue
                self._connections |= {client, upstream}
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, from_client: bool) -> None:
        line: queue.Queue[tuple[float, bytes] | None] | None = None
        if self.throttled:
            line = queue.Queue(_QUEUED_CHUNKS)
            writer = threading.Thread(target=self._deliver, args=(line, sink), daemon=True)
            writer.start()
        try:
            while data := source.recv(_CHUNK if line is not None else 65536):
                if from_client and self.mode == "cut_request":
                    break
                if not from_client and self.mode == "drop_answer":
                    self.dropped_answers += 1
                    break
                if line is None:
                    sink.sendall(data)
                else:
                    line.put((self._links[from_client].arrival(len(data)), data))
        except OSError:
            pass
        if line is not None:  # what is on the wire still arrives, then the far end sees the close
            line.put(None)
            writer.join()
        with self._lock:
            self._close(source)
            self._close(sink)

    @staticmethod
    def _deliver(line: queue.Queue[tuple[float, bytes] | None], sink: socket.socket) -> None:
        """The far end of one direction of a throttled link: each chunk handed on at its arrival time."""
        try:
            while (item := line.get()) is not None:
                due, data = item
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                sink.sendall(data)
        except OSError:  # the far end went away: drain, so that the sender is never blocked on a full line
            while line.get() is not None:
                pass
