"""Demo data generation (teleplatform.demo): whole directory, per series, and the idempotent re-run.

Targets: the whole generation in under 25 s on 2 cores, so that `make demo` and the test session
start quickly, and a re-run on complete data (nothing to do) in under 1 s. Each series is also timed
alone in this process (one core) to show where the time goes. ``--reuse DIR`` times only the re-run
on an existing demo directory (the tests' quick check that a missed target fails the bench).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench._targets import Targets

TARGET_S = 25.0
RERUN_TARGET_S = 1.0  # `make demo` on data already there: the idempotence check, not a new generation


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench demo")
    parser.add_argument(
        "--workers", type=int, default=0, help="worker processes (0: the generator's default)"
    )
    parser.add_argument(
        "--reuse", type=Path, default=None,
        help="an already generated demo directory: only the re-run is timed, nothing is written (tests)",
    )
    args = parser.parse_args(argv)
    from teleplatform.demo import datadir

    workers = args.workers or datadir.default_workers()
    targets = Targets("demo")
    if args.reuse is not None:
        if not datadir.is_complete(args.reuse):
            targets.failed(f"{args.reuse} is not a complete demo directory")
            return targets.status()
        start = time.perf_counter()
        datadir.generate(args.reuse, workers=workers)
        again = time.perf_counter() - start
        print(f"Relance sans changement sur {args.reuse} : {again * 1000:.0f} ms "
              "(génération complète non mesurée)")
        targets.at_most("relance sans changement", again, RERUN_TARGET_S, "s")
        return targets.status()
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as folder:
        out = Path(folder)
        start = time.perf_counter()
        datadir.generate(out, workers=workers)
        whole = time.perf_counter() - start
        start = time.perf_counter()
        datadir.generate(out, workers=workers)
        again = time.perf_counter() - start
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6
        print(
            f"Génération complète ({workers} processus) : {whole:.1f} s pour {size:.0f} Mo ; "
            f"relance sans changement : {again * 1000:.0f} ms"
        )
        targets.at_most("génération complète des données de démonstration", whole, TARGET_S, "s")
        targets.at_most("relance sans changement", again, RERUN_TARGET_S, "s")
        _per_series(out)
    return targets.status()


def _per_series(out: Path) -> None:
    from teleplatform.demo import rdsr, series

    print("Par série, dans ce processus (1 cœur) :")
    parts = {
        "scanner cérébral (176 coupes)": lambda: series.ct_head(out, range(1, 177)),
        "scanner TAP (200 coupes)": lambda: series.ct_tap(out, range(1, 201)),
        "topogramme": lambda: series.ct_tap_localizer(out),
        "rapport de dose (RDSR)": lambda: rdsr.write_dose_report(out),
        "radiographie (JPEG 2000)": lambda: series.dx_chest(out),
        "IRM (24 coupes, JPEG-LS)": lambda: series.mr_brain(out, range(1, 25)),
    }
    for name, make in parts.items():
        start = time.perf_counter()
        make()
        print(f"  {name:32s} {time.perf_counter() - start:6.2f} s")
