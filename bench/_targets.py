"""Targets of the benches: each figure checked against its limit, the exit status, the summary table.

A bench records every figure that has a target through :class:`Targets` (``at_most`` for times and
ratios that must stay under a limit, ``at_least`` for rates), prints the verdict of each as it goes
and returns :meth:`Targets.status` from ``run()``: 1 as soon as one target is missed, so a
regression fails ``make bench`` instead of scrolling by as a line of text. ``python -m bench all``
prints every recorded target at the end in one table.

``BENCH_TARGET_SCALE`` (environment, default 1) scales every allowance: a limit of *at most L*
becomes *at most L x scale*, *at least L* becomes *at least L / scale*. The tests set it to a tiny
value to prove that each bench does exit 1 when a target is missed, on small inputs.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass

SCALE_ENV = "BENCH_TARGET_SCALE"


def target_scale() -> float:
    """The allowance factor of ``BENCH_TARGET_SCALE``; a value that is not a positive number is an error
    (a typo must not silently turn every target off)."""
    raw = os.environ.get(SCALE_ENV, "").strip()
    if not raw:
        return 1.0
    value = float(raw)
    if not value > 0 or math.isinf(value):
        raise ValueError(f"{SCALE_ENV}={raw!r}: a positive finite number is expected")
    return value


@dataclass(frozen=True, slots=True)
class Target:
    """One measured figure and its limit (already scaled)."""

    area: str
    name: str
    value: float
    limit: float
    unit: str
    at_least: bool = False

    @property
    def met(self) -> bool:
        if math.isnan(self.value):
            return False
        return self.value >= self.limit if self.at_least else self.value <= self.limit

    def describe(self) -> str:
        sign = "≥" if self.at_least else "≤"
        verdict = "atteint" if self.met else "MANQUÉ"
        return (f"objectif {verdict} : {self.name} = {_number(self.value)} {self.unit} "
                f"(objectif {sign} {_number(self.limit)} {self.unit})")


RECORDED: list[Target] = []
"""Every target checked in this process, in order: what ``python -m bench all`` tabulates."""


class Targets:
    """The targets of one bench run."""

    def __init__(self, area: str) -> None:
        self.area = area
        self.scale = target_scale()
        self.checked: list[Target] = []
        self.failures: list[str] = []

    def _add(self, target: Target) -> Target:
        self.checked.append(target)
        RECORDED.append(target)
        print(("  " if target.met else "  !! ") + target.describe(), flush=True)
        return target

    def at_most(self, name: str, value: float, limit: float, unit: str = "") -> Target:
        return self._add(Target(self.area, name, float(value), limit * self.scale, unit))

    def at_least(self, name: str, value: float, limit: float, unit: str = "") -> Target:
        return self._add(Target(self.area, name, float(value), limit / self.scale, unit, at_least=True))

    def failed(self, reason: str) -> None:
        """A measurement that could not be made: the bench fails, with the reason."""
        self.failures.append(reason)
        print(f"  !! mesure impossible : {reason}", flush=True)

    def status(self) -> int:
        missed = [t for t in self.checked if not t.met]
        if missed or self.failures:
            print(f"bench {self.area} : {len(missed)} objectif(s) manqué(s) sur {len(self.checked)}"
                  + (f", {len(self.failures)} mesure(s) impossible(s)" if self.failures else ""), flush=True)
            return 1
        print(f"bench {self.area} : {len(self.checked)} objectif(s) atteint(s)", flush=True)
        return 0


def _number(value: float) -> str:
    if math.isnan(value):
        return "—"
    if value == 0 or 0.01 <= abs(value) < 10_000:
        return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"
    return f"{value:.3g}"


def summary(targets: list[Target], statuses: dict[str, int]) -> str:
    """The table printed at the end of ``python -m bench all``: one line per target, then per bench."""
    lines = ["", "===== Résumé des objectifs ====="]
    if targets:
        width = max(len(t.name) for t in targets)
        lines.append(f"{'bench':10s} {'mesure':{width}s} {'valeur':>14s} {'objectif':>16s}  verdict")
        for t in targets:
            sign = "≥" if t.at_least else "≤"
            value = f"{_number(t.value)} {t.unit}".rstrip()
            limit = f"{sign} {_number(t.limit)} {t.unit}".rstrip()
            lines.append(f"{t.area:10s} {t.name:{width}s} {value:>14s} {limit:>16s}  "
                         f"{'ok' if t.met else 'MANQUÉ'}")
    for area, status in statuses.items():
        lines.append(f"bench {area:10s} -> {'ok' if status == 0 else 'ÉCHEC (code ' + str(status) + ')'}")
    return "\n".join(lines)
