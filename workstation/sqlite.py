"""What the workstation's SQLite stores (outbox, cache index) share: one way to write a transaction."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def immediate_transaction(
    conn: sqlite3.Connection, lock: threading.Lock | threading.RLock
) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE under the store's lock: the write lock is taken at once, so two writers never
    deadlock on an upgrade; anything raised rolls back, and the commit is durable before it returns
    (the stores run with synchronous=FULL)."""
    with lock:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
