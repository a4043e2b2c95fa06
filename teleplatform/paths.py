"""Layout of the platform's data directory (see docs/ARCHITECTURE.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class DataDir:
    root: Path

    @property
    def dicom(self) -> Path:
        return self.root / "dicom"

    @property
    def orders(self) -> Path:
        return self.root / "orders"

    @property
    def seed_accounts(self) -> Path:
        return self.root / "seed" / "accounts.json"

    @property
    def state(self) -> Path:
        return self.root / "state"

    @property
    def database(self) -> Path:
        return self.state / "platform.sqlite"

    @property
    def tls(self) -> Path:
        return self.state / "tls"
