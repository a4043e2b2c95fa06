"""A TCP relay in front of the reference platform that can play an outage, for the fault tests,
the demo screenshots and anyone showing degraded mode: loopback only, bytes passed through untouched
(TLS stays end to end between the workstation and the platform)."""

from __future__ import annotations

import contextlib
import socket
import threading


class FaultProxy:
    """127.0.0.1:port -> 127.0.0.1:target, byte for byte, with switchable faults.

    mode: "pass"; "cut_request" (client bytes are not forwarded, the connection is closed);
    "drop_answer" (the request reaches the platform, its answer is discarded and the connection closed).
    :meth:`down` closes the listener and every open connection (connection refused); :meth:`up` reopens.
    """

    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
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
        try:
            while data := source.recv(65536):
                if from_client and self.mode == "cut_request":
                    break
                if not from_client and self.mode == "drop_answer":
                    self.dropped_answers += 1
                    break
                sink.sendall(data)
        except OSError:
            pass
        with self._lock:
            self._close(source)
            self._close(sink)
