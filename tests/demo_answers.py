"""The tests' answer key for the demo's generated data (what a check of it must find); the demo
itself never needs it."""

from __future__ import annotations

from teleplatform.demo.cases import PRIORS, Case, PriorStudy


def priors_of(case: Case) -> tuple[PriorStudy, ...]:
    """The prior studies of a case's patient, most recent first (what a priors search must find)."""
    found = [p for p in PRIORS if p.patient.ins == case.patient.ins]
    return tuple(sorted(found, key=lambda p: p.exam.performed_at, reverse=True))


def luhn_valid(digits: str) -> bool:
    """Luhn check as used by RPPS and FINESS numbers (the generated identifiers must pass it)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return digits.isdigit() and total % 10 == 0
