"""``python -m bench <area> [options]`` runs one area's benchmarks, ``python -m bench all`` every area.

An area is a module of this package defining ``run(argv: list[str]) -> int``: add ``bench/<area>.py``
and it is found here without touching this file. Speed targets live here, not in the timed tests.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path
from types import ModuleType


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
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    chosen = sorted(available) if argv[0] == "all" else [argv[0]]
    status = 0
    for name in chosen:
        print(f"##### bench {name}", flush=True)
        status |= available[name].run(argv[1:])
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
