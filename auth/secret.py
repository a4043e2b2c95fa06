"""A secret held in a mutable buffer that can be overwritten when it is no longer needed.

Why a class: a key or token kept in a ``bytes`` or ``str`` cannot be erased in CPython; it lives until
the allocator reuses its memory, and a memory dump of a stolen or crashed workstation would show it.
A ``bytearray`` can be zeroed in place, so :class:`Secret` keeps the only long-lived copy there and
zeroes it on :meth:`Secret.wipe` (called at logout), on leaving a ``with`` block and when collected.

Honest limits, which no pure-Python code can lift:

- Every conversion to an immutable object leaves a copy we cannot erase: :meth:`Secret.text` (an
  HTTP header needs a ``str``), the keyring API (it only takes and returns ``str``), base64 coding,
  JSON bodies, and the strings a Qt line edit hands over for a password.
- Libraries that receive a view (``hmac``, OpenSSL through ``cryptography``) may copy the key into
  their own buffers, which they free without our control.
- The operating system may write the process memory to swap or a crash dump.

So wiping narrows the window in which a secret sits in memory; it does not make memory safe.
"""

from __future__ import annotations

import hmac
from types import TracebackType


class SecretWipedError(RuntimeError):
    """A wiped secret was used: a programming error (the session ended and someone kept a reference)."""


class Secret:
    """Bytes that can be zeroed in place. Never printed, never pickled, compared in constant time."""

    __slots__ = ("_buffer", "_wiped")

    def __init__(self, data: bytes | bytearray | memoryview) -> None:
        # A copy, so that wiping this secret never depends on what the caller does with its buffer.
        self._buffer = bytearray(data)
        self._wiped = False

    @classmethod
    def from_text(cls, text: str) -> Secret:
        """For tokens received as text (JSON): the ``str`` itself stays the caller's to drop."""
        return cls(text.encode("utf-8"))

    @property
    def wiped(self) -> bool:
        return self._wiped

    def view(self) -> memoryview:
        """A read-only view of the live buffer (no copy); it shows zeroes once the secret is wiped."""
        self._check()
        return memoryview(self._buffer).toreadonly()

    def text(self) -> str:
        """The secret as text for APIs that need a ``str``: this copy cannot be wiped, drop it soon."""
        self._check()
        return self._buffer.decode("utf-8")

    def wipe(self) -> None:
        """Overwrite the buffer with zeroes (in place: views handed out see the zeroes too)."""
        self._buffer[:] = bytes(len(self._buffer))
        self._wiped = True

    def _check(self) -> None:
        if self._wiped:
            raise SecretWipedError("this secret was wiped (its session ended)")

    def __len__(self) -> int:
        return len(self._buffer)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._buffer, other._buffer)

    __hash__ = None  # type: ignore[assignment]  # mutable, and a hash would leak information

    def __repr__(self) -> str:
        return "Secret(<wiped>)" if self._wiped else f"Secret(<{len(self._buffer)} bytes>)"

    def __reduce__(self) -> tuple:
        raise TypeError("a Secret cannot be pickled")

    def __enter__(self) -> Secret:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.wipe()

    def __del__(self) -> None:
        # The buffer goes back to the allocator on collection: zero it first.
        buffer = getattr(self, "_buffer", None)
        if buffer is not None:
            buffer[:] = bytes(len(buffer))
