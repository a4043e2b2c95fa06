"""SIGKILL trials: the workstation process is killed at random points while 1,000 reports are queued.

A worker process (``WORKER`` below, run with ``python -c``) opens the outbox, starts the delivery
thread towards a real reference platform over HTTPS and queues reports 0..999 (deterministic bytes
and MSH-10, so a restarted worker queues the very same messages): 100 orders, each with a first
report then 9 new versions, so a message delivered out of order would be refused (AE). After each
report is committed, the worker appends its number to ``acknowledged.txt``: those are the reports
the workstation told its user were safe. The test kills the worker with SIGKILL at a random
instant, 20 times, then lets a last worker finish, and checks at the platform (its own SQLite,
read-only) and in the outbox:

- 0 lost: every acknowledged report is stored at the platform and delivered in the outbox;
- 0 duplicated: each MSH-10 is stored once at the platform (all AA: in order), each order has its
  10 documents;
- both databases pass ``PRAGMA integrity_check``.
"""

from __future__ import annotations

import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.platform_fixtures import ROOT, RunningPlatform
from tests.teleplatform.builders import ACCOUNT, new_order, write_data_dir
from workstation.outbox import OutboxStore

REPORTS = 1000
ORDERS = 100  # each order gets a report then 9 new versions: delivered out of order, one would get AE
TRIALS = 20

WORKER = f"""ORDERS = {ORDERS}
""" + r"""
import json, os, sys, time
from pathlib import Path
from tests.teleplatform.builders import cda, report_oru
from workstation.outbox import Backoff, MessageKind, Outbox, OutboxStore
from workstation.platform import PlatformClient

outbox_path, url, ca, count, acknowledged = sys.argv[1:6]
client = PlatformClient(url, Path(ca), timeout=5)
client._accept_tokens(json.loads(os.environ["TLR_TEST_LOGIN"]), "test login")  # no OTP per restart
store = OutboxStore(Path(outbox_path))
outbox = Outbox(store, client.submit, backoff=Backoff(base=0.05, cap=0.5))
outbox.start()
print("ready", flush=True)
done = len(Path(acknowledged).read_text().split()) if Path(acknowledged).exists() else 0
with open(acknowledged, "a", encoding="ascii") as log:
    for i in range(done, int(count)):  # the one committed but not yet logged is found, not added
        order, version = f"K{i % ORDERS:05d}", i // ORDERS  # version 0 first, then replacements
        document = cda(f"1.2.250.1.999.1.{i + 1}", order)
        message = report_oru(order, f"KILL{i:016d}", document, replacement=version > 0).decode()
        outbox.enqueue(message, MessageKind.REPORT, order_id=order)
        log.write(f"{i}\n")
        log.flush()  # the page cache survives SIGKILL: no fsync needed
print("queued", flush=True)
while store.counts().pending:
    time.sleep(0.02)
print("drained", flush=True)
outbox.close()
"""


def _start_worker(
    platform: RunningPlatform, outbox: Path, acknowledged: Path, login: dict
) -> subprocess.Popen[str]:
    env = {**os.environ, "TLR_TEST_LOGIN": json.dumps(login), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            WORKER,
            str(outbox),
            platform.base_url,
            str(platform.ca_path),
            str(REPORTS),
            str(acknowledged),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.strip() == "ready", f"worker did not start: {line!r}"
    return process


def _integrity(path: Path) -> str:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


@pytest.fixture(scope="module")
def busy_platform(
    tmp_path_factory: pytest.TempPathFactory, platform_factory: Callable[[Path], RunningPlatform]
) -> RunningPlatform:
    """A platform of its own with 100 orders K00000..K00099 waiting for their reports."""
    root = tmp_path_factory.mktemp("kill-platform") / "data"
    orders = {f"{i:05d}.hl7": new_order(f"K{i:05d}", f"ORDK{i:016d}") for i in range(ORDERS)}
    return platform_factory(write_data_dir(root, orders))


def test_sigkill_while_1000_reports_are_queued(busy_platform: RunningPlatform, tmp_path: Path) -> None:
    assert busy_platform.account["login"] == ACCOUNT["login"]
    login = busy_platform.login()
    outbox_path = tmp_path / "outbox.sqlite"
    acknowledged = tmp_path / "acknowledged.txt"
    rng = random.Random(20261123)
    started = time.monotonic()
    kill_points: list[float] = []
    progress: list[tuple[int, int]] = []  # (queued, delivered) when each kill came
    for _trial in range(TRIALS):
        worker = _start_worker(busy_platform, outbox_path, acknowledged, login)
        # the first kills come early, while reports are still being committed (a fast machine
        # queues all 1,000 within the first second); the others anywhere in queueing or delivery
        delay = rng.uniform(0.02, 0.15) if _trial < 3 else rng.uniform(0.05, 1.5)
        time.sleep(delay)
        worker.kill()  # SIGKILL
        worker.wait(10)
        kill_points.append(delay)
        assert _integrity(outbox_path) == "ok"
        store = OutboxStore(outbox_path)
        counts = store.counts()
        store.close()
        progress.append((counts.pending + counts.delivered, counts.delivered))
    # the last run goes to the end
    worker = _start_worker(busy_platform, outbox_path, acknowledged, login)
    assert worker.stdout is not None
    lines = [worker.stdout.readline().strip() for _ in range(2)]
    assert worker.wait(120) == 0 and lines == ["queued", "drained"]
    elapsed = time.monotonic() - started

    promised = {int(n) for n in acknowledged.read_text().split()}
    assert promised == set(range(REPORTS))
    database = busy_platform.data_dir / "state" / "platform.sqlite"
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        stored = conn.execute(
            "SELECT control_id, COUNT(*), MIN(ack_code), MAX(ack_code) FROM messages"
            " WHERE control_id LIKE 'KILL%' GROUP BY control_id"
        ).fetchall()
        documents = conn.execute(
            "SELECT order_id, COUNT(*) FROM documents WHERE order_id LIKE 'K%' GROUP BY order_id"
        ).fetchall()
    assert len(stored) == REPORTS  # 0 lost
    assert {(count, low, high) for _cid, count, low, high in stored} == {(1, "AA", "AA")}  # 0 duplicated
    assert sorted(documents) == [(f"K{i:05d}", REPORTS // ORDERS) for i in range(ORDERS)]
    assert _integrity(database) == "ok"

    store = OutboxStore(outbox_path)
    try:
        counts = store.counts()
        assert (counts.delivered, counts.pending, counts.rejected) == (REPORTS, 0, 0)
        assert store.integrity_check() == "ok"
        attempts = sum(i.attempts for i in store.items())
    finally:
        store.close()
    resent = len(re.findall(r"duplicate ORU\^R01 KILL", busy_platform.log_path.read_text(errors="replace")))
    while_queueing = sum(1 for queued, _ in progress if queued < REPORTS)
    assert while_queueing >= 1 and TRIALS - while_queueing >= 1 and progress[-1][1] > 0
    print(
        f"\n{TRIALS} SIGKILLs at {min(kill_points):.2f}-{max(kill_points):.2f} s after start-up"
        f" ({while_queueing} while queueing, {TRIALS - while_queueing} while delivering;"
        f" delivered at each kill: {[d for _, d in progress]}), {REPORTS} reports,"
        f" {attempts} attempts, {resent} resends de-duplicated by the platform, {elapsed:.1f} s"
    )
