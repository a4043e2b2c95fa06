"""The self-test's report: one :class:`Check` per verified fact, in French, and the whole report.

Labels and details are ``UserText`` made with ``QT_TRANSLATE_NOOP("Selftest", ...)``: their value is the
French the command line prints, and the diagnostics dialog says them in the interface language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from resources.translations import QT_TRANSLATE_NOOP

DISTRIBUTION = "teleradiologie-workstation"


class Status(StrEnum):
    OK = "ok"
    WARNING = "avertissement"
    FAILURE = "échec"

    @property
    def tag(self) -> str:
        return {
            Status.OK: "[ OK  ]",
            Status.WARNING: QT_TRANSLATE_NOOP("Selftest", "[AVERT]"),
            Status.FAILURE: QT_TRANSLATE_NOOP("Selftest", "[ÉCHEC]"),
        }[self]


@dataclass(frozen=True, slots=True)
class Check:
    """One verified fact: French ``label`` and ``detail`` for the user, ``data`` for support and tests.

    ``label`` and ``detail`` are :class:`UserText` made with ``QT_TRANSLATE_NOOP`` (plain French strings
    once read back from JSON): ``resources.translations.qt.text`` says them in the interface language.
    """

    id: str
    category: str
    label: str
    status: Status
    detail: str
    data: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        return QT_TRANSLATE_NOOP("Selftest", "{tag} {label} : {detail}").format(
            tag=self.status.tag, label=self.label, detail=self.detail
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "category": self.category,
            "label": self.label,
            "status": self.status.value,
            "detail": self.detail,
            "data": self.data,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Check:
        return cls(
            str(raw["id"]), str(raw["category"]), str(raw["label"]), Status(raw["status"]),
            str(raw["detail"]), dict(raw.get("data") or {}),
        )


@dataclass(frozen=True, slots=True)
class SelfTestReport:
    version: str
    frozen: bool
    generated_at: datetime
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        """True when nothing required failed (warnings, e.g. degraded mode, are acceptable)."""
        return all(c.status is not Status.FAILURE for c in self.checks)

    def find(self, check_id: str) -> Check | None:
        return next((c for c in self.checks if c.id == check_id), None)

    def summary(self) -> str:
        failures = sum(c.status is Status.FAILURE for c in self.checks)
        warnings = sum(c.status is Status.WARNING for c in self.checks)
        if failures:
            summary = QT_TRANSLATE_NOOP("Selftest", "Résultat : le poste N'EST PAS prêt ({checks} "
                                                    "vérifications, {failures} en échec, {warnings} "
                                                    "avertissement(s)).")
        else:
            summary = QT_TRANSLATE_NOOP("Selftest", "Résultat : le poste est prêt ({checks} vérifications, "
                                                    "{failures} en échec, {warnings} avertissement(s)).")
        return summary.format(checks=len(self.checks), failures=failures, warnings=warnings)

    def lines(self) -> list[str]:
        kind = (QT_TRANSLATE_NOOP("Selftest", "application empaquetée") if self.frozen
                else QT_TRANSLATE_NOOP("Selftest", "environnement Python"))
        head = QT_TRANSLATE_NOOP("Selftest", "Autotest du poste de téléradiologie {version} ({kind})").format(
            version=self.version, kind=kind
        )
        return [head, *(c.line() for c in self.checks), self.summary()]

    def to_json(self) -> dict[str, Any]:
        return {
            "application": DISTRIBUTION,
            "version": self.version,
            "frozen": self.frozen,
            "generated_at": self.generated_at.isoformat(),
            "ok": self.ok,
            "checks": [c.to_json() for c in self.checks],
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> SelfTestReport:
        return cls(
            str(raw["version"]), bool(raw["frozen"]), datetime.fromisoformat(raw["generated_at"]),
            tuple(Check.from_json(c) for c in raw["checks"]),
        )

