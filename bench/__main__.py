"""``python -m bench <area> [options]`` runs one area's benchmarks, ``python -m bench all`` every area.

An area is a module of this package defining ``run(argv: list[str]) -> int``: add ``bench/<area>.py``
and it is found here without touching this file. Speed targets live here, not in the timed tests.
Each area checks its figures through :mod:`bench._targets` and returns 1 when one is missed; the exit
status is 1 when any area failed, and a table of every target closes the run.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
import time
import traceback
from pathlib import Path
from types import ModuleType

from bench._targets import RECORDED, summary


def areas() -> dict[str, ModuleType]:
    found: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        if callable(getattr(module, "run", None)):
            found[info.name] = module
    return found


def main(argv: list[str]) -> int:
    available = areas()
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in (*available, "all"):
        print(f"usage: python -m bench {{{','.join([*sorted(available), 'all'])}}} [options]")
        for name, module in sorted(available.items()):
            print(f"  {name}: {(module.__doc__ or '').strip().splitlines()[0]}")
        print("BENCH_TARGET_SCALE=x scales every target's allowance (tests: a tiny x makes them impossible)")
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    chosen = sorted(available) if argv[0] == "all" else [argv[0]]
    statuses: dict[str, int] = {}
    for name in chosen:
        print(f"##### bench {name}", flush=True)
        start = time.perf_counter()
        try:
            statuses[name] = int(available[name].run(argv[1:]) or 0)
        except Exception:  # one broken bench must not hide the others' figures; it still fails the run
            traceback.print_exc()
            statuses[name] = 1
        print(f"##### bench {name} : {time.perf_counter() - start:.0f} s, code {statuses[name]}", flush=True)
    print(summary(RECORDED, statuses))
    return 1 if any(statuses.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
