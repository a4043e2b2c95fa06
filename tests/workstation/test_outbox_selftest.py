"""The self-test's outbox check (issue 22): intact, then a loss (failure), then the kept file (warning)."""

from __future__ import annotations

import random
from pathlib import Path

from tests.workstation.outbox_faults import FakePlatform, open_queue, report, truncate
from workstation.outbox import MessageKind
from workstation.selftest import Status, check_outbox


def test_the_self_test_sees_a_loss_then_the_kept_file(tmp_path: Path) -> None:
    outbox, _ = open_queue(tmp_path, FakePlatform())
    for n in range(3):
        outbox.enqueue(report(n), MessageKind.REPORT)
    outbox.close()
    intact = check_outbox(tmp_path)
    assert intact.status is Status.OK and intact.data["pending"] == 3
    truncate(tmp_path, random.Random(0))
    lost = check_outbox(tmp_path)
    assert lost.status is Status.FAILURE and lost.data["missing"] == 3
    assert "python -m workstation.outbox recover" in lost.detail
    outbox, _ = open_queue(tmp_path, FakePlatform())
    outbox.close()
    kept = check_outbox(tmp_path)
    assert kept.status is Status.WARNING and "conservé(s) pour le support" in kept.detail
    assert kept.data["pending"] == 3


def test_a_stalled_delivery_is_a_warning_in_the_self_test(tmp_path: Path) -> None:
    outbox, _ = open_queue(tmp_path, FakePlatform())
    outbox.close()
    check = check_outbox(tmp_path, "Disque du poste plein : l'accusé n'a pas pu être enregistré.")
    assert check.status is Status.WARNING and "envois suspendus : Disque du poste plein" in check.detail
