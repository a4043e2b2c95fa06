"""``python -m workstation.outbox check|recover`` (issue 22), run as support would, in a child process."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

from tests.workstation.outbox_faults import FakePlatform, drain, open_queue, report, truncate
from workstation.outbox import MessageKind

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workstation.outbox", *args], cwd=ROOT, capture_output=True, text=True,
        timeout=60, env={**os.environ, **(env or {})},
    )


def test_check_finds_nothing_then_the_loss_then_the_kept_file(tmp_path: Path) -> None:
    outbox, _ = open_queue(tmp_path, FakePlatform())
    for n in range(4):
        outbox.enqueue(report(n), MessageKind.REPORT)
    drain(outbox)
    for n in range(4, 7):
        outbox.enqueue(report(n), MessageKind.REPORT)
    outbox.close()
    healthy = _run("check", "--data-dir", str(tmp_path))
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    assert "rien à signaler" in healthy.stdout and "messages en attente : 3" in healthy.stdout

    truncate(tmp_path, random.Random(0))
    damaged = _run("check", "--data-dir", str(tmp_path))
    assert damaged.returncode == 1
    assert "PERTE : 3 message(s)" in damaged.stdout and "recover" in damaged.stdout
    assert (tmp_path / "outbox.sqlite").stat().st_size == 0, "check never changes anything"

    # recover takes its key from the OS keyring (none here): the same start-up recovery, with the key
    outbox, found = open_queue(tmp_path, FakePlatform())
    try:
        assert len(found.recovered) == 3 and found.set_aside is not None
    finally:
        outbox.close()
    after = _run("check", "--data-dir", str(tmp_path))
    assert after.returncode == 0 and "fichier endommagé conservé" in after.stdout
