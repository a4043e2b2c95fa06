"""Benchmarks that fail (issue 24): each bench exits 1 when a target is missed.

Each bench is run as ``python -m bench NAME`` on tiny inputs with ``BENCH_TARGET_SCALE`` so small
that no real figure can meet its target: the exit status must be 1 and the missed target named.
Nothing here is timed: whether the real targets are met is the benches' business (``make bench``).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench._targets import SCALE_ENV, Target, Targets, summary, target_scale

ROOT = Path(__file__).resolve().parents[2]
IMPOSSIBLE = "1e-12"


def _bench(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, SCALE_ENV: IMPOSSIBLE, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("DISPLAY", None)  # the startup bench then uses Qt's offscreen platform, as CI without Xvfb
    return subprocess.run([sys.executable, "-m", "bench", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)


def _assert_failed_on_a_target(done: subprocess.CompletedProcess[str]) -> None:
    output = done.stdout + done.stderr
    assert done.returncode == 1, output[-3000:]
    assert "objectif MANQUÉ" in done.stdout, output[-3000:]
    assert "Résumé des objectifs" in done.stdout and "MANQUÉ" in done.stdout.split("Résumé des objectifs")[1]
    assert "Traceback" not in output, output[-3000:]  # failed on its target, not by crashing


@pytest.mark.parametrize("args", [
    ("audit", "--records", "100", "--appends", "3"),
    ("reporting", "--repeat", "1", "--no-schematron"),
    ("worklist", "--orders", "12", "--new", "3", "--repeat", "1", "--peer-orders", "2"),
    ("viewer", "--only", "mpr", "--mpr-slices", "6", "--repeats", "1"),
    ("startup", "--repeat", "1"),
    ("cache", "--small", "--repeat", "1"),
    ("wire", "--small", "--slow-mbit", "0"),
], ids=lambda args: args[0])
def test_each_bench_exits_1_when_a_target_is_missed(args: tuple[str, ...]) -> None:
    _assert_failed_on_a_target(_bench(*args))


def test_demo_bench_exits_1_when_a_target_is_missed(demo_data: Path) -> None:
    _assert_failed_on_a_target(_bench("demo", "--reuse", str(demo_data)))


def test_viewer_bench_on_the_real_ct_exits_1_when_a_target_is_missed(shared_dir: Path) -> None:
    """The display part, on the real CT: the naive-peer ratio and the frame time are targets too."""
    done = _bench("viewer", "--only", "display", "--frames", "3", "--repeats", "1", "--sizes", "512²")
    _assert_failed_on_a_target(done)
    assert "512² défilement / naïf" in done.stdout


def test_every_bench_is_covered() -> None:
    from bench.__main__ import areas

    covered = {"audit", "reporting", "worklist", "viewer", "startup", "cache", "demo", "wire"}
    assert set(areas()) == covered, "a new bench needs its line in this file"


def test_scale_tightens_both_kinds_of_target(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SCALE_ENV, raising=False)
    plain = Targets("t")
    assert plain.at_most("temps", 1.0, 2.0, "s").met and plain.at_least("débit", 20.0, 15.0, "fps").met
    assert plain.status() == 0
    monkeypatch.setenv(SCALE_ENV, "0.1")
    tight = Targets("t")
    assert tight.at_most("temps", 1.0, 2.0, "s").limit == pytest.approx(0.2)
    assert tight.at_least("débit", 20.0, 15.0, "fps").limit == pytest.approx(150.0)
    assert tight.status() == 1


def test_a_measurement_that_failed_fails_the_bench(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SCALE_ENV, raising=False)
    targets = Targets("t")
    targets.at_most("temps", 1.0, 2.0, "s")
    targets.failed("no data")
    assert targets.status() == 1
    assert not Target("t", "nan", float("nan"), 1.0, "s").met


@pytest.mark.parametrize("value", ["0", "-1", "abc", "inf"])
def test_a_bad_scale_is_refused_not_ignored(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(SCALE_ENV, value)
    with pytest.raises(ValueError):
        target_scale()


def test_summary_lists_every_target_and_every_bench() -> None:
    rows = [Target("viewer", "512² défilement", 2.0, 5.0, "ms"), Target("demo", "relance", 2.0, 1.0, "s")]
    table = summary(rows, {"viewer": 0, "demo": 1})
    assert "512² défilement" in table and "relance" in table
    assert table.count("MANQUÉ") == 1 and "ÉCHEC (code 1)" in table
