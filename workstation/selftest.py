"""``teleradiologie --self-test`` (or ``python -m workstation.selftest``): is this installation able to work?

A radiologist's workstation fails in the field for reasons a developer's venv never shows: a frozen
bundle that lost the metadata through which pydicom finds the pylibjpeg decoders, worker processes
that cannot start once frozen, no acceptable OS keyring, a machine without usable OpenGL, a wrong
CA certificate. Each of those is checked here the way the application itself would meet it:

- decoders: for every transfer syntax the viewer supports (``viewer.codecs.SUPPORTED``), a tiny image
  is written in that syntax, its header read by ``viewer.headers`` and its frame decoded by
  ``viewer.codecs.decode_task`` — the loader's own path — and compared with the original pixels
  (exactly for lossless syntaxes, within a tolerance for lossy ones). The compressed frames are then
  decoded again in a ``spawn`` worker process, as the loader does;
- modules and data: every module of the application imports (in a child process), and the report
  templates, exam protocols and terminology shipped as package resources can be read;
- keyring: ``auth.keystore.KeyStore`` must accept the backend and answer a read (outside demonstration
  mode a refused keyring is a failure, in it a warning);
- VTK: a 64x64 offscreen render read back, its pixels asserted (a black image is a failure);
- Qt: the platform plugin starts and lists the screens;
- platform: ``GET /api/v1/health`` with the configured CA. Unreachable is not a failure: the workstation
  then works in degraded mode. A certificate that does not verify is one.

Qt and VTK run in child processes: a machine without display or GL aborts the process that tries,
and the self-test must still print its report. Output: one French line per check, or ``--json``.
Labels and details are marked with ``QT_TRANSLATE_NOOP("Selftest", ...)``: their value is the French
the command line prints, and the diagnostics dialog says them in the interface language.
Exit status 0 when nothing required failed, 1 otherwise, 2 for bad arguments.

The six JPEG processes have no encoder among the runtime dependencies, so their frames were encoded
once by DCMTK from :func:`sample_image` (``packaging/make_jpeg_samples.py``) and are embedded below.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import logging
import multiprocessing
import os
import platform
import sys
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from resources.translations import LANGUAGES, QT_TRANSLATE_NOOP, UserText, composed, joined, qm_files

if TYPE_CHECKING:
    import numpy as np
    from pydicom.dataset import Dataset

    from viewer.codecs import DecodeTask
    from workstation.calibration import CalibrationStore
    from workstation.settings import Settings

log = logging.getLogger(__name__)

DISTRIBUTION = "teleradiologie-workstation"
SAMPLE_SIZE = 32  # JPEG 2000's default of 6 resolution levels needs 32 pixels a side
ISOLATED_TIMEOUT_SECONDS = 60.0
HEALTH_TIMEOUT_SECONDS = 5.0
# what a version reads when the package metadata does not say it
UNKNOWN = QT_TRANSLATE_NOOP("Selftest", "inconnue")
ABSENT = QT_TRANSLATE_NOOP("Selftest", "absent")

# (label shown, distribution name): the versions a support call asks for first
VERSIONED = (
    ("Python", ""),
    ("PySide6", "PySide6-Essentials"),
    ("VTK", "vtk"),
    ("pydicom", "pydicom"),
    ("numpy", "numpy"),
    ("pylibjpeg", "pylibjpeg"),
    ("pylibjpeg-openjpeg", "pylibjpeg-openjpeg"),
    ("pylibjpeg-libjpeg", "pylibjpeg-libjpeg"),
    ("pylibjpeg-rle", "pylibjpeg-rle"),
    ("pyjpegls", "pyjpegls"),
    ("keyring", "keyring"),
    ("requests", "requests"),
    ("cryptography", "cryptography"),
    ("lxml", "lxml"),
    ("hl7apy", "hl7apy"),
)

# The names the decoder checks show (``Décodeur {name}``): the French descriptions are translated like
# the rest, the bare technical names are not.
SYNTAX_NAMES: dict[str, str] = {
    "1.2.840.10008.1.2": QT_TRANSLATE_NOOP("Selftest", "implicite petit-boutiste (non compressé)"),
    "1.2.840.10008.1.2.1": QT_TRANSLATE_NOOP("Selftest", "explicite petit-boutiste (non compressé)"),
    "1.2.840.10008.1.2.2": QT_TRANSLATE_NOOP("Selftest", "explicite gros-boutiste (non compressé)"),
    "1.2.840.10008.1.2.1.99": QT_TRANSLATE_NOOP("Selftest", "explicite petit-boutiste comprimé (deflate)"),
    "1.2.840.10008.1.2.4.50": QT_TRANSLATE_NOOP("Selftest", "JPEG de base 8 bits (avec perte)"),
    "1.2.840.10008.1.2.4.51": QT_TRANSLATE_NOOP("Selftest", "JPEG étendu 12 bits (avec perte)"),
    "1.2.840.10008.1.2.4.53": QT_TRANSLATE_NOOP("Selftest",
                                                "JPEG à sélection spectrale (avec perte, retiré)"),
    "1.2.840.10008.1.2.4.55": QT_TRANSLATE_NOOP("Selftest", "JPEG progressif (avec perte, retiré)"),
    "1.2.840.10008.1.2.4.57": QT_TRANSLATE_NOOP("Selftest", "JPEG sans perte"),
    "1.2.840.10008.1.2.4.70": QT_TRANSLATE_NOOP("Selftest", "JPEG sans perte, prédicteur 1"),
    "1.2.840.10008.1.2.4.80": QT_TRANSLATE_NOOP("Selftest", "JPEG-LS sans perte"),
    "1.2.840.10008.1.2.4.81": QT_TRANSLATE_NOOP("Selftest", "JPEG-LS quasi sans perte"),
    "1.2.840.10008.1.2.4.90": QT_TRANSLATE_NOOP("Selftest", "JPEG 2000 sans perte"),
    "1.2.840.10008.1.2.4.91": "JPEG 2000",
    "1.2.840.10008.1.2.4.201": QT_TRANSLATE_NOOP("Selftest", "HTJ2K sans perte"),
    "1.2.840.10008.1.2.4.202": QT_TRANSLATE_NOOP("Selftest", "HTJ2K sans perte (RPCL)"),
    "1.2.840.10008.1.2.4.203": "HTJ2K",
    "1.2.840.10008.1.2.5": QT_TRANSLATE_NOOP("Selftest", "RLE sans perte"),
}

# Syntaxes whose sample is encoded with loss: the decoded image is compared within a tolerance.
_LOSSY_SAMPLES = {
    "1.2.840.10008.1.2.4.50",
    "1.2.840.10008.1.2.4.51",
    "1.2.840.10008.1.2.4.53",
    "1.2.840.10008.1.2.4.55",
    "1.2.840.10008.1.2.4.81",
    "1.2.840.10008.1.2.4.91",
}
# HTJ2K: no encoder is available anywhere in the stack, so the sample is a JPEG 2000 Part 1
# codestream under the HTJ2K syntax (an HTJ2K decoder reads Part 1 codestreams as well).
_HTJ2K = {"1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203"}

# Frames of sample_image(8) (.50) and sample_image(12) (the others), encoded by DCMTK dcmcjpeg 3.6.7.
_JPEG_FRAMES: dict[str, str] = {
    "1.2.840.10008.1.2.4.50": (
        "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQ"
        "ERMUFRUVDA8XGBYUGBIUFRT/wAALCAAgACABAREA/8QAGAABAQADAAAAAAAAAAAAAAAABwgEBQn/xAArEAAAAggGAQQDAAAA"
        "AAAAAAACBQABBhESEyEyAwQHFCKhMQgVI2FBUWL/2gAIAQEAAD8A5yM2T1DRFVmieyiKrNE9lEVmaJ7KJHDNk9Q8UyThoDIi"
        "N8bL5XMSgAUFypYROeFS/wAq+0WvT6dGTW45uEwzG4VlpMtUsIYYpj7VKfarylOM0T2cUjlmyeoePSbXOaIjaw2xs6o12isW"
        "H49tG5wVK8xq/SLuiGjgtPcQyGIy9x30qm3lQQR/0J74/rwlGs0T2cekjhmyeoePSKrNE9nHpFZmiezj0iqzRPZx6T//2Q=="
    ),
    "1.2.840.10008.1.2.4.51": (
        "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQ"
        "ERMUFRUVDA8XGBYUGBIUFRT/wQALDAAgACABAREA/8QAGAABAQADAAAAAAAAAAAAAAAACwwICQ3/xAA0EAAAAAkJBwMFAAAA"
        "AAAAAAAAAQIDBQYJCkMEBwgSEyU2U3ELERQVFhchGCIjDBkzNEH/2gAIAQEAAD8A50S7cMe/Kr3JlwtAVVduGPeFrkyoWgKr"
        "O3DHvC1yZULQFVXbhj3ha5MqFoEca7cMevKr3Jlw9AyGbFPBzShhQ1+npo8UWqQknmoUpR5KrBxFogubxV0wOTFSxWkWkDw7"
        "VIoyUHS6x6VnS/eWPdW3C3EiEIS2H0+s2qaUPZ89bXpANA5/zVIdE0a+y/byTmpvlYVnkXPyl5Ek95SFRkjKlNtyFHfsjO1O"
        "H+OpXOV6cp24Y9YWuTKh6BHHO3DHryq9yZcLQNpdM3YjS4PXzWGdmmei2qfpIkE6xlWzJub702jXPlHLVeRqHGPj+q0db2o0"
        "cM/+A3UtqnvqVyl2NiF7HDWDZ6k47Rxa060d+4p62e1tjJOwI5suh+kRrYMr3jWVNcx43qwn+Saw4CNb/FRuO3DHrC1yZULQ"
        "I4524Y9eVXuTLhaAqq7cMesLXJlQtAVVduGPWFrkyoWgKqu3DHrC1yZULQP/2Q=="
    ),
    "1.2.840.10008.1.2.4.53": (
        "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQ"
        "ERMUFRUVDA8XGBYUGBIUFRT/wgALDAAgACABAREA/8QAGAABAQADAAAAAAAAAAAAAAAACwwICQ3/2gAIAQEAAAAA50Sqqqsq"
        "rHG5DLYU5UcdtLXYo3I45VVVVVX/xAAcEAADAAIDAQAAAAAAAAAAAAAACQoLIQYHCAz/2gAIAQEAAQUAm4T3ubhPZNwnsm4T"
        "2TcJ624qg5lCKG/fPrOqZRWf3XNwnom4T1v2bhGuYVfNhwheHD5Bj1Ox5uE9E3CetzcJ6JuE9E3Cej//xAAvEAAAAQkGBgID"
        "AQAAAAAAAAAGAAECAwQFJUNTBwgSExVxCREUFhcYIiMZMzRB/9oACAEBAAY/AAvBKcrYgtBKUrYgtBKUrYgtBKUrYgvBKcvY"
        "rabvF1q8Iz2UAoDsoYWOt0J2eBd8HZkmwNOt4Lj5rxdjQtTxLmtan80z8sXI3JExjG4vTg4gdv6q8O6btfhfx4zqrPgwGdC1"
        "9IcmefNJyuxjSac7QXd/Sdbg6f68GNZjC0EpS9iC8EpytitZvnuvip+pDBaspDalXZ962nGekaaHna5zn6/ut3Z+ad3HX/oV"
        "4M7B88GNLiOCt+8R38inuz4tyWTwCezLsftE4sOl8ziV9aj1vdiP+M2R0E7P+oLQSlK2ILwSnK2ILQSlK2ILQSlK2ILQSlK2"
        "L///2Q=="
    ),
    "1.2.840.10008.1.2.4.55": (
        "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQ"
        "ERMUFRUVDA8XGBYUGBIUFRT/wgALDAAgACABAREA/8QAGAABAQADAAAAAAAAAAAAAAAACgsHCAz/2gAIAQEAAAAB50RVSq1V"
        "xxshrYpyxxtpl2Ubo4yq1VKr/8QAGxAAAwADAQEAAAAAAAAAAAAAAAcIBAUJBgr/2gAIAQEAAQUCm5PE3J4m5PE3J4m5PDio"
        "NlIpv/Pq6mVWe6m5PE3J49nxGzKvbHELjhkc9djNyeJuTxNyeJuTxNyeP//EACsQAAACBwcEAwEAAAAAAAAAAAMEAAECESNB"
        "UQUGBxITFBUWITEyFzNiZP/aAAgBAQAGPwIrBpJCsGkkKwaSQrBpJCsGkktq711rws2USIsllhBceVGy5ywQi+4gbS/LS0xe"
        "AxAt9V4QrtcLx7KrPLFtDX32p9IbGZ+gH7P9e00KwaSQrBpJLWvmFip0kxaqiylWf03vNLTLhg++6De/Tf4V5TEc0PiP8i9b"
        "cW5ngOM2O03f9I2pn3f5dkm/sVg0khWDSSFYNJIVg0khWDSSf//EAB8QAAEDAwUAAAAAAAAAAAAAABEBIUEAECAxUXGh8P/a"
        "AAgBAQABPyHGSSSSRdomTDhIVzrO1Sv2Ruqu4YgJWkk8JfT1pE1wV7Gh5PCMnpJJJJP/2gAIAQEAAAAQYIr/xAAbEAACAwEB"
        "AQAAAAAAAAAAAAAAIQFR8BFBcf/aAAgBAQABPxB2VGvo19GvofkRIuZOTI97P8SOQiI8m+Lt7skzN31D8qHncE9J9/M16xuk"
        "5Jvyw739D8qN/Rv6N/R////Z"
    ),
    "1.2.840.10008.1.2.4.57": (
        "/9j/4AAQSkZJRgABAQAAAQABAAD/wwALEAAgACABAREA/8QAGgABAQEBAQEBAAAAAAAAAAAABQAGBwoJEP/aAAgBAQAGAAD9"
        "v+gdA6B0DoHQOgdA6B0DoHQOgdA6B0DoHQOgdA6B0DoHQOgdA6B0DoHQNUqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqrq1lllll"
        "llllllllllllllllllllllllltUqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqrq1lllllllllllllllllllllllllllllltWssss"
        "sssssssssssssssssssssssssstqlVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVdWsssssssssssssssssssssssssssssstq1ll"
        "lllllllllllllllllllllllllllltUqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqrq1llllllllvPX8wPlB8gPjB8QPhB8APPB5w"
        "PSWsssssssssstq1lllllllliqqqtWsssssssssstqlVVVVVVVVSqqqtUqqqqqqqqqqrq1lllllllliqqqtWsssssssssstq"
        "1lllllllliqqqtWsssssssssstqlVVVVVVVVSqqqtUqqqqqqqqqqrq1lllllllliqqqtWsssssssssstq1lllllllliqqqtW"
        "sssssssssstqlVVVVVVVVSqqqtUqqqqqqqqqqrq1lllllllliqqqtWsssssssssstq1llllllllveB6K/SX6a/UX6q/WX66/"
        "YX7K/JAsssssssssstqlVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVdWsssssssssssssssssssssssssssssstq1lllllllllll"
        "llllllllllllllllllltUqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqrq1lllllllllllllllllllllllllllllltWssssssssss"
        "sssssssssssssssssssstqlVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVdWsssssssssssssssssssssssssssssstq1llllllll"
        "lllllllllllllllllllllltUqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqrq1llllllllllllllllllllllllllllllv/9k="
    ),
    "1.2.840.10008.1.2.4.70": (
        "/9j/4AAQSkZJRgABAQAAAQABAAD/wwALEAAgACABAREA/8QAGgABAQEBAQEBAAAAAAAAAAAABwAGCwoJEP/aAAgBAQABAAD9"
        "v0BAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQNVv0BAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQNXv0BAQEBAQE"
        "BAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQNVv0BAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQNXv0BAQEBAQEBAQEBAQEBA"
        "QEBAQEBAQEBAQEBAQEBAQNXv0BAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQNVv0BAQEBAQEBAQEBAQEBAQEBAQEBAQE"
        "BAQEBAQEBAQNXv0BAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQNXv0BAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBA"
        "QNVv0BAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQNXv0BAQEBAQEBA+CtVVXSqQEBAQEBAQEBAQEDV79AQEBAQEBAQPP"
        "VVVV01UBAQEBAQEBAQEBA1W/QEBAQEBAQEDzgVVVdP8AQEBAQEBAQEBAQEDV79AQEBAQEBAQPMrVVV1KkBAQEBAQEBAQEBA1"
        "e/QEBAQEBAQEDy1VVVdVVAQEBAQEBAQEBAQNVv0BAQEBAQEBA8oFVVXV/QEBAQEBAQEBAQEDV79AQEBAQEBAQPIrVVV1qkBA"
        "QEBAQEBAQEBA1e/QEBAQEBAQEDx1VVVddVAQEBAQEBAQEBAQNVv0BAQEBAQEBA8YFVVXX/QEBAQEBAQEBAQEDV79AQEBAQEB"
        "AQPErVVV2KkBAQEBAQEBAQEBA1e/QEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBA1W/QEBAQEBAQEBAQEBAQEBAQEBAQ"
        "EBAQEBAQEBAQEBA1e/QEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBA1e/QEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB"
        "AQEBA1W/QEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBA1e/QEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBA1e/QE"
        "BAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBA1W/QEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBA1e/QEBAQEBAQEBA"
        "QEBAQEBAQEBAQEBAQEBAQEBAQEBA1e/QEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBA1W/QEBAQEBAQEBAQEBAQEBAQE"
        "BAQEBAQEBAQEBAQEBA1e/QEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBA//Z"
    ),
}


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

    def by_category(self, category: str) -> list[Check]:
        return [c for c in self.checks if c.category == category]

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


# --- versions ------------------------------------------------------------------------------------------
def distribution_version(name: str) -> str | None:
    """The installed version, from the package metadata (which a frozen bundle must carry)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def application_version() -> str:
    return distribution_version(DISTRIBUTION) or UNKNOWN


def check_versions() -> Check:
    versions: dict[str, str] = {}
    for label, dist in VERSIONED:
        versions[label] = platform.python_version() if not dist else (distribution_version(dist) or ABSENT)
    app = distribution_version(DISTRIBUTION)
    versions = {"application": app or UNKNOWN, **versions}
    system = f"{platform.system()} {platform.release()} ({platform.machine()})"
    data = {
        "versions": versions,
        "system": system,
        "frozen": bool(getattr(sys, "frozen", False)),
        "executable": sys.executable,
        "prefix": sys.prefix,  # inside the bundle when frozen: nothing comes from a venv
    }
    shown = joined([composed("{} {}", k, v) for k, v in versions.items()])
    label = QT_TRANSLATE_NOOP("Selftest", "Versions")
    if app is None:
        detail = QT_TRANSLATE_NOOP("Selftest", "version de l'application inconnue (métadonnées du paquet "
                                               "absentes) ; {versions} ; {system}")
        detail = detail.format(versions=shown, system=system)
        return Check("versions", "versions", label, Status.WARNING, detail, data)
    missing = [k for k, v in versions.items() if v == ABSENT and k not in ("Python",)]
    if missing:  # the checks below say what fails because of it; this line says why
        detail = QT_TRANSLATE_NOOP("Selftest", "métadonnées absentes pour {names} ; {versions} ; {system}")
        detail = detail.format(names=", ".join(missing), versions=shown, system=system)
        return Check("versions", "versions", label, Status.WARNING, detail, data)
    detail = QT_TRANSLATE_NOOP("Selftest", "{versions} ; {system}").format(versions=shown, system=system)
    return Check("versions", "versions", label, Status.OK, detail, data)


# --- settings ------------------------------------------------------------------------------------------
def check_settings(settings: Settings, source: Path | None, problems: Sequence[str]) -> Check:
    data = {
        "file": str(source) if source else "",
        "platform_url": settings.platform_url,
        "ca_file": str(settings.ca_file) if settings.ca_file else "",
        "cache_dir": str(settings.cache_dir),
    }
    label = QT_TRANSLATE_NOOP("Selftest", "Paramètres")
    where = QT_TRANSLATE_NOOP("Selftest", "plateforme {url}, cache {cache}").format(
        url=settings.platform_url, cache=str(settings.cache_dir)
    )
    if problems:
        detail = composed("{} ({})", joined(problems, " "), where)
        return Check("settings", "parametres", label, Status.WARNING, detail, data)
    return Check("settings", "parametres", label, Status.OK, where, data)


# --- decoders ------------------------------------------------------------------------------------------
def sample_image(bits: int) -> np.ndarray:
    """A small image with smooth ramps (fair to lossy coders) and a flat square (edges for lossless)."""
    import numpy as np

    top = (1 << bits) - 1
    y, x = np.mgrid[0:SAMPLE_SIZE, 0:SAMPLE_SIZE]
    image = x * top // (2 * SAMPLE_SIZE) + y * top // (3 * SAMPLE_SIZE)
    third = SAMPLE_SIZE // 3
    image[third : 2 * third, third : 2 * third] = top // 8
    return image.astype(np.uint8 if bits == 8 else np.uint16)


def sample_dataset(bits: int) -> Dataset:
    """A fictional secondary capture holding :func:`sample_image`, explicit VR little endian."""
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage

    # fixed UIDs under the pydicom root: the file is a throw-away and its bytes stay reproducible
    uid = "1.2.826.0.1.3680043.8.498.7777.1"
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    ds.file_meta.MediaStorageSOPInstanceUID = uid
    ds.SOPClassUID = SecondaryCaptureImageStorage
    ds.SOPInstanceUID = uid
    ds.StudyInstanceUID = uid + ".1"
    ds.SeriesInstanceUID = uid + ".2"
    ds.Modality = "OT"
    ds.PatientName = "AUTOTEST^Image"
    ds.PatientID = "AUTOTEST"
    image = sample_image(bits)
    ds.Rows, ds.Columns = image.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 8 if bits == 8 else 16
    ds.BitsStored = bits
    ds.HighBit = bits - 1
    ds.PixelRepresentation = 0
    ds.PixelData = image.tobytes()
    return ds


def write_sample(uid: str, folder: Path) -> Path:
    """Write :func:`sample_image` in transfer syntax ``uid``; raises when this installation cannot."""
    import pydicom
    from pydicom.encaps import encapsulate
    from pydicom.uid import (
        JPEG2000,
        UID,
        ExplicitVRBigEndian,
        JPEG2000Lossless,
        JPEGLSLossless,
        JPEGLSNearLossless,
        RLELossless,
    )

    path = folder / f"{uid}.dcm"
    ds = sample_dataset(8 if uid == "1.2.840.10008.1.2.4.50" else 12)
    if uid in _JPEG_FRAMES:
        ds.PixelData = encapsulate([base64.b64decode(_JPEG_FRAMES[uid])])
        ds["PixelData"].VR = "OB"
        ds["PixelData"].is_undefined_length = True
        ds.file_meta.TransferSyntaxUID = UID(uid)
        if uid != "1.2.840.10008.1.2.4.70" and uid != "1.2.840.10008.1.2.4.57":
            ds.LossyImageCompression = "01"
    elif uid == ExplicitVRBigEndian:
        ds.PixelData = sample_image(12).byteswap().tobytes()
        ds.file_meta.TransferSyntaxUID = ExplicitVRBigEndian
        pydicom.dcmwrite(path, ds, implicit_vr=False, little_endian=False, force_encoding=True)
        return path
    elif uid == RLELossless:
        ds.compress(RLELossless, encoding_plugin="pydicom")
    elif uid == JPEGLSLossless:
        ds.compress(JPEGLSLossless, encoding_plugin="pyjpegls")
    elif uid == JPEGLSNearLossless:
        ds.compress(JPEGLSNearLossless, encoding_plugin="pyjpegls", jls_error=3)
    elif uid == JPEG2000:
        ds.compress(JPEG2000, encoding_plugin="pylibjpeg", j2k_cr=[4])
    elif uid == JPEG2000Lossless or uid in _HTJ2K:
        ds.compress(JPEG2000Lossless, encoding_plugin="pylibjpeg")
        ds.file_meta.TransferSyntaxUID = UID(uid)
    else:  # uncompressed and deflated: pydicom writes them from the file meta's transfer syntax
        ds.file_meta.TransferSyntaxUID = UID(uid)
    ds.save_as(path, enforce_file_format=True)
    return path


@dataclass(frozen=True, slots=True)
class Comparison:
    matches: bool
    detail: str  # a UserText, part of the decoder check's detail


def compare(uid: str, decoded: object) -> Comparison:
    """Does ``decoded`` show :func:`sample_image`? Exactly, or within a tolerance for lossy samples."""
    import numpy as np

    if not isinstance(decoded, np.ndarray):
        failed = QT_TRANSLATE_NOOP("Selftest", "échec du décodage ({cause})")
        return Comparison(False, failed.format(cause=str(getattr(decoded, "detail", decoded))))
    expected = sample_image(8 if uid == "1.2.840.10008.1.2.4.50" else 12)
    if decoded.shape != expected.shape:
        shaped = QT_TRANSLATE_NOOP("Selftest", "image de forme {shape} au lieu de {expected}")
        return Comparison(False, shaped.format(shape=decoded.shape, expected=expected.shape))
    error = np.abs(decoded.astype(np.int64) - expected.astype(np.int64))
    if uid not in _LOSSY_SAMPLES:
        if error.any():
            differ = QT_TRANSLATE_NOOP("Selftest", "{count} pixels différents de l'original")
            return Comparison(False, differ.format(count=int(np.count_nonzero(error))))
        return Comparison(True, QT_TRANSLATE_NOOP("Selftest", "restituée à l'identique"))
    full_scale = float(expected.max())
    mean, worst = float(error.mean()) / full_scale, float(error.max()) / full_scale
    # the samples' coders stay well below: measured at most 0.4 % mean and 4.4 % worst (JPEG baseline)
    if mean > 0.02 or worst > 0.10:
        altered = QT_TRANSLATE_NOOP("Selftest", "écart moyen {mean:.1%}, maximal {worst:.1%} : image altérée")
        return Comparison(False, altered.format(mean=mean, worst=worst))
    lossy = QT_TRANSLATE_NOOP("Selftest", "restituée avec perte attendue (écart moyen {mean:.1%})")
    return Comparison(True, lossy.format(mean=mean))


@dataclass(slots=True)
class _Samples:
    """The samples written for this run: the decode task of each syntax, or why it could not be made."""

    tasks: dict[str, DecodeTask] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # UserText


def _prepare_samples(folder: Path) -> _Samples:
    from viewer.codecs import SUPPORTED, DecodeTask
    from viewer.headers import ImageFile, read_image_file

    samples = _Samples()
    for uid in SUPPORTED:
        try:
            path = write_sample(uid, folder)
        except Exception as exc:  # a missing encoder plugin raises RuntimeError, others their own types
            log.warning("self-test: cannot write a %s sample: %s: %s", uid, type(exc).__name__, exc)
            cause = " ".join(str(exc).split())  # pydicom's messages span lines: one line per check
            samples.problems[uid] = QT_TRANSLATE_NOOP(
                "Selftest", "image de test impossible à écrire ({error} : {cause})"
            ).format(error=type(exc).__name__, cause=cause)
            continue
        header = read_image_file(path)
        if not isinstance(header, ImageFile):
            log.warning("self-test: header of the %s sample unreadable: %s", uid, header.detail)
            samples.problems[uid] = QT_TRANSLATE_NOOP("Selftest", "en-tête illisible : {problem}").format(
                problem=header.user_text())
            continue
        samples.tasks[uid] = DecodeTask(header.source, header.fmt, (0,))
    return samples


def _decode_all(tasks: dict[str, DecodeTask]) -> dict[str, object]:
    """Decode the first frame of each task; runs in the self-test process and in a worker."""
    from viewer.codecs import decode_task

    return {uid: decode_task(task)[0] for uid, task in tasks.items()}


def check_decoders(samples: _Samples) -> list[Check]:
    from viewer.codecs import SUPPORTED

    decoded = _decode_all(samples.tasks)
    checks = []
    for uid, support in SUPPORTED.items():
        name = SYNTAX_NAMES.get(uid, support.name)
        label = QT_TRANSLATE_NOOP("Selftest", "Décodeur {name}").format(name=name)
        data = {"transfer_syntax": uid, "name": name, "backend": support.backend.value}
        if uid in samples.problems:
            checks.append(Check(f"decoder.{uid}", "decodeurs", label, Status.FAILURE,
                                composed("{} ({})", samples.problems[uid], uid), data))
            continue
        result = compare(uid, decoded[uid])
        data["decoded"] = result.matches
        status = Status.OK if result.matches else Status.FAILURE
        if uid in _HTJ2K:
            detail = QT_TRANSLATE_NOOP("Selftest", "{backend}, image {size}×{size} {result} ; flux JPEG 2000 "
                                                   "partie 1, aucun encodeur HTJ2K disponible ({uid})")
        else:
            detail = QT_TRANSLATE_NOOP("Selftest", "{backend}, image {size}×{size} {result} ({uid})")
        detail = detail.format(backend=support.backend.value, size=SAMPLE_SIZE, result=result.detail, uid=uid)
        if not result.matches:
            log.warning("self-test: decoder for %s failed: %s", uid, result.detail)
        checks.append(Check(f"decoder.{uid}", "decodeurs", label, status, detail, data))
    return checks


def check_decoder_workers(samples: _Samples) -> Check:
    """The compressed samples decoded again in a ``spawn`` process, as the viewer's loader does."""
    compressed = {uid: t for uid, t in samples.tasks.items() if t.source.length is None}
    label = QT_TRANSLATE_NOOP("Selftest", "Décodage dans les processus auxiliaires")
    outcome = run_isolated(_decode_all, compressed)
    if outcome.error:
        detail = QT_TRANSLATE_NOOP("Selftest", "le processus de décodage n'a pas abouti ({error})")
        return Check("decoder.workers", "decodeurs", label, Status.FAILURE,
                     detail.format(error=outcome.error), {"error": outcome.error})
    wrong = [uid for uid, value in outcome.value.items() if not compare(uid, value).matches]
    data = {"syntaxes": len(compressed), "wrong": wrong, "seconds": round(outcome.seconds, 2)}
    if wrong:
        detail = QT_TRANSLATE_NOOP("Selftest", "{count} syntaxes mal décodées hors du processus principal : "
                                               "{syntaxes}")
        detail = detail.format(count=len(wrong), syntaxes=", ".join(wrong))
        return Check("decoder.workers", "decodeurs", label, Status.FAILURE, detail, data)
    detail = QT_TRANSLATE_NOOP("Selftest", "{count} syntaxes compressées décodées à l'identique par un "
                                           "processus « spawn » ({seconds:.1f} s, démarrage compris)")
    return Check("decoder.workers", "decodeurs", label, Status.OK,
                 detail.format(count=len(compressed), seconds=outcome.seconds), data)


# --- modules -------------------------------------------------------------------------------------------
APPLICATION_PACKAGES = ("workstation", "viewer", "reporting", "auth", "resources")


def _import_everything() -> dict[str, Any]:
    """Import every module of the application (in a child process): a frozen bundle that lost one
    fails here, at installation, rather than when a radiologist first opens that screen."""
    import importlib
    import pkgutil

    imported: list[str] = []
    failed: dict[str, str] = {}
    for name in APPLICATION_PACKAGES:
        package = importlib.import_module(name)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            if info.name.endswith("__main__"):
                continue
            try:
                importlib.import_module(info.name)
                imported.append(info.name)
            except Exception as exc:  # every failure is reported by name
                failed[info.name] = f"{type(exc).__name__}: {exc}"
    return {"imported": imported, "failed": failed}


def check_modules() -> Check:
    label = QT_TRANSLATE_NOOP("Selftest", "Modules de l'application")
    outcome = run_isolated(_import_everything)
    if outcome.error:
        return Check("modules", "versions", label, Status.FAILURE,
                     QT_TRANSLATE_NOOP("Selftest", "import impossible ({error})").format(error=outcome.error),
                     {"error": outcome.error})
    failed = outcome.value["failed"]
    if failed:
        for name, cause in failed.items():
            log.warning("self-test: module %s does not import: %s", name, cause)
        shown = ", ".join(f"{name} ({cause})" for name, cause in failed.items())
        detail = QT_TRANSLATE_NOOP("Selftest", "{count} module(s) introuvable(s) ou en erreur : {modules}")
        return Check("modules", "versions", label, Status.FAILURE,
                     detail.format(count=len(failed), modules=shown), outcome.value)
    detail = QT_TRANSLATE_NOOP("Selftest", "{count} modules importés sans erreur ({seconds:.1f} s)")
    return Check("modules", "versions", label, Status.OK,
                 detail.format(count=len(outcome.value["imported"]), seconds=outcome.seconds), outcome.value)


def check_resources() -> Check:
    """The data shipped as package resources (report templates, protocols, terminology) can be read:
    a bundle that lost them opens but cannot write a report."""
    from reporting.templates import builtin_templates
    from reporting.terminology import modality
    from workstation.justification import load_protocols

    label = QT_TRANSLATE_NOOP("Selftest", "Modèles et référentiels")
    try:
        templates = builtin_templates()
        protocols = load_protocols()
        ct = modality("CT")
    except Exception as exc:  # missing file, broken template: the cause goes to the user and the log
        log.warning("self-test: resources unreadable: %s: %s", type(exc).__name__, exc)
        detail = QT_TRANSLATE_NOOP("Selftest", "données de l'application illisibles ({error} : {cause})")
        return Check("resources", "versions", label, Status.FAILURE,
                     detail.format(error=type(exc).__name__, cause=str(exc)))
    data = {"templates": len(templates), "protocols": len(protocols), "terminology": ct.display}
    if not templates or not protocols or ct.display == ct.code:
        if ct.display == ct.code:
            detail = QT_TRANSLATE_NOOP("Selftest", "données incomplètes : {templates} modèles, {protocols} "
                                                   "protocoles, terminologie absente")
        else:
            detail = QT_TRANSLATE_NOOP("Selftest", "données incomplètes : {templates} modèles, {protocols} "
                                                   "protocoles, terminologie lue")
        return Check("resources", "versions", label, Status.FAILURE,
                     detail.format(templates=len(templates), protocols=len(protocols)), data)
    detail = QT_TRANSLATE_NOOP("Selftest", "{templates} modèles de compte rendu, {protocols} protocoles "
                                           "d'examen, terminologie lue")
    return Check("resources", "versions", label, Status.OK,
                 detail.format(templates=len(templates), protocols=len(protocols)), data)


# the first bytes of every file Qt's lrelease writes
_QM_MAGIC = bytes.fromhex("3cb86418caef9c95cd211cbf60a1bddd")


def check_translations() -> Check:
    """The compiled translation files are there and are Qt's: a bundle that lost them still opens,
    in French, but an English user would silently get French, and French plurals « 1 demande(s) »."""
    label = QT_TRANSLATE_NOOP("Selftest", "Langues de l'interface")
    bad = []
    for language in LANGUAGES:
        for qm in qm_files(language):
            try:
                with qm.open("rb") as handle:
                    valid = handle.read(len(_QM_MAGIC)) == _QM_MAGIC
            except OSError:
                valid = False
            if not valid:
                bad.append(qm.name)
    data = {"languages": sorted(LANGUAGES), "unreadable": bad}
    if bad:
        log.warning("self-test: translation files missing or damaged: %s", ", ".join(bad))
        detail = QT_TRANSLATE_NOOP("Selftest", "fichiers de traduction absents ou illisibles : {files}")
        return Check(
            "translations", "versions", label, Status.WARNING, detail.format(files=", ".join(bad)), data
        )
    detail = QT_TRANSLATE_NOOP("Selftest", "{languages} (fichiers de traduction lus)")
    return Check("translations", "versions", label, Status.OK,
                 detail.format(languages=", ".join(LANGUAGES.values())), data)


# --- child processes -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Isolated:
    value: Any = None
    error: str = ""  # French (a UserText when the self-test made it), or the English cause the child printed
    seconds: float = 0.0


def _isolated_main(sender: Any, output: str, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    # The child's own messages (Qt and VTK warnings, a crash trace) go to a file the parent reads.
    with open(output, "ab", buffering=0) as sink:
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
    try:
        sender.send((True, function(*args)))
    except BaseException as exc:  # everything goes back to the parent, which reports it
        sender.send((False, f"{type(exc).__name__}: {exc}"))
    finally:
        sender.close()


def run_isolated(
    function: Callable[..., Any], *args: Any, timeout: float = ISOLATED_TIMEOUT_SECONDS
) -> Isolated:
    """``function(*args)`` in a fresh ``spawn`` process: a crash or a hang there is a result here."""
    import time

    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    with tempfile.NamedTemporaryFile(prefix="tlr-selftest-", suffix=".log", delete=False) as handle:
        output = handle.name
    start = time.perf_counter()
    process = context.Process(target=_isolated_main, args=(sender, output, function, args), daemon=True)
    try:
        process.start()
        sender.close()
        timed_out = not receiver.poll(timeout)
        succeeded, value = False, None
        if timed_out:
            process.kill()
            log.warning("self-test: %s did not answer in %.0f s", function.__name__, timeout)
        else:
            with contextlib.suppress(EOFError, OSError):  # EOF: the child died before answering
                succeeded, value = receiver.recv()
        process.join(5)
        seconds = time.perf_counter() - start
        if succeeded:
            return Isolated(value, seconds=seconds)
        told = Path(output).read_text(encoding="utf-8", errors="replace").strip().splitlines()
        cause = value or (told[-1] if told else QT_TRANSLATE_NOOP("Selftest", "code de sortie {code}").format(
            code=process.exitcode))
        log.warning("self-test: %s failed in its process (exit %s): %s", function.__name__, process.exitcode,
                    "\n".join(told[-20:]) or cause)
        if timed_out:
            cause = QT_TRANSLATE_NOOP("Selftest", "aucune réponse en {timeout:.0f} s").format(timeout=timeout)
        elif process.exitcode is not None and process.exitcode < 0:
            cause = QT_TRANSLATE_NOOP("Selftest", "processus arrêté par le signal {signal} : {cause}").format(
                signal=-process.exitcode, cause=cause)
        return Isolated(error=cause, seconds=seconds)
    finally:
        if process.is_alive():
            process.kill()
        receiver.close()
        Path(output).unlink(missing_ok=True)


# --- Qt --------------------------------------------------------------------------------------------------
def qt_check_from(info: dict[str, Any]) -> Check:
    screens = info.get("screens") or []
    label = QT_TRANSLATE_NOOP("Selftest", "Affichage (Qt)")
    described = {"qt": info.get("qt"), "platform": info.get("platform"), "count": len(screens)}
    if not screens:
        detail = QT_TRANSLATE_NOOP("Selftest", "Qt {qt}, plateforme « {platform} », {count} écran(s) : "
                                               "aucun écran")
        return Check("qt", "affichage", label, Status.FAILURE, detail.format(**described), info)
    shown = []
    for s in screens:
        if s.get("primary"):
            screen = QT_TRANSLATE_NOOP("Selftest", "{width}×{height} ({depth} bits, principal)")
        else:
            screen = QT_TRANSLATE_NOOP("Selftest", "{width}×{height} ({depth} bits)")
        shown.append(screen.format(width=s["width"], height=s["height"], depth=s["depth"]))
    detail = QT_TRANSLATE_NOOP("Selftest", "Qt {qt}, plateforme « {platform} », {count} écran(s) : {screens}")
    detail = detail.format(**described, screens=joined(shown))
    return Check("qt", "affichage", label, Status.OK, detail, info)


def check_qt() -> Check:
    label = QT_TRANSLATE_NOOP("Selftest", "Affichage (Qt)")
    if (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")):
        detail = QT_TRANSLATE_NOOP("Selftest", "aucun affichage : ni DISPLAY ni WAYLAND_DISPLAY ne sont "
                                               "définis (session graphique requise)")
        return Check("qt", "affichage", label, Status.FAILURE, detail, {})
    from workstation.qt.diagnostics import qt_probe  # the only Qt the self-test needs, in its own process

    outcome = run_isolated(qt_probe)
    if outcome.error:
        return Check("qt", "affichage", label, Status.FAILURE,
                     QT_TRANSLATE_NOOP("Selftest", "Qt ne démarre pas ({error})").format(error=outcome.error),
                     {"error": outcome.error})
    return qt_check_from(outcome.value)


# --- VTK ---------------------------------------------------------------------------------------------------
RENDER_SIZE = 64
BACKGROUND = (0, 0, 255)
FOREGROUND = (255, 0, 0)


def _vtk_probe() -> dict[str, Any]:
    """Render a red square on blue offscreen, read the pixels back, describe the OpenGL in use."""
    import vtkmodules.vtkRenderingOpenGL2  # noqa: F401  (registers the OpenGL render window)
    from vtkmodules.util.numpy_support import vtk_to_numpy
    from vtkmodules.vtkCommonCore import vtkVersion
    from vtkmodules.vtkFiltersSources import vtkPlaneSource
    from vtkmodules.vtkRenderingCore import (
        vtkActor,
        vtkPolyDataMapper,
        vtkRenderer,
        vtkRenderWindow,
        vtkWindowToImageFilter,
    )

    plane = vtkPlaneSource()  # unit square centred on the origin
    mapper = vtkPolyDataMapper()
    mapper.SetInputConnection(plane.GetOutputPort())
    actor = vtkActor()
    actor.SetMapper(mapper)
    prop = actor.GetProperty()
    prop.SetColor(*(c / 255 for c in FOREGROUND))
    prop.SetAmbient(1.0)
    prop.SetDiffuse(0.0)
    prop.SetSpecular(0.0)
    renderer = vtkRenderer()
    renderer.SetBackground(*(c / 255 for c in BACKGROUND))
    renderer.AddActor(actor)
    camera = renderer.GetActiveCamera()
    camera.ParallelProjectionOn()
    camera.SetPosition(0, 0, 5)
    camera.SetFocalPoint(0, 0, 0)
    camera.SetViewUp(0, 1, 0)
    camera.SetParallelScale(1.0)  # view 2 units high: the square covers the middle half
    renderer.ResetCameraClippingRange()
    window = vtkRenderWindow()
    window.SetOffScreenRendering(1)
    window.SetSize(RENDER_SIZE, RENDER_SIZE)
    window.AddRenderer(renderer)
    window.Render()
    grab = vtkWindowToImageFilter()
    grab.SetInput(window)
    grab.ReadFrontBufferOff()
    grab.Update()
    image = grab.GetOutput()
    width, height, _ = image.GetDimensions()
    scalars = image.GetPointData().GetScalars()
    pixels = vtk_to_numpy(scalars).reshape(height, width, scalars.GetNumberOfComponents())
    capabilities = window.ReportCapabilities() or ""
    gl = {}
    for line in capabilities.splitlines():
        key, _, value = line.partition(":")
        if key.strip().startswith("OpenGL") and key.strip().endswith("string"):
            gl[key.strip()[len("OpenGL "):-len(" string")]] = value.strip()
    result = {
        "vtk": vtkVersion.GetVTKVersion(),
        "window_class": window.GetClassName(),
        "size": [width, height],
        "centre": [int(v) for v in pixels[height // 2, width // 2, :3]],
        "corner": [int(v) for v in pixels[2, 2, :3]],
        "foreground_pixels": int((abs(pixels[..., :3].astype(int) - FOREGROUND).max(axis=2) <= 2).sum()),
        "gl_vendor": gl.get("vendor", ""),
        "gl_renderer": gl.get("renderer", ""),
        "gl_version": gl.get("version", ""),
    }
    window.Finalize()
    return result


def vtk_check_from(info: dict[str, Any]) -> Check:
    def close(found: Sequence[int], wanted: Sequence[int]) -> bool:
        return all(abs(a - b) <= 2 for a, b in zip(found, wanted, strict=True))

    label = QT_TRANSLATE_NOOP("Selftest", "Rendu 3D (VTK)")
    gl = composed("OpenGL {} ({})", info["gl_version"] or "?",
                   info["gl_renderer"] or QT_TRANSLATE_NOOP("Selftest", "rendu inconnu"))
    quarter = (RENDER_SIZE // 2) ** 2  # the square covers the middle half in both directions
    drawn = abs(info["foreground_pixels"] - quarter) <= 2 * RENDER_SIZE
    if close(info["centre"], FOREGROUND) and close(info["corner"], BACKGROUND) and drawn:
        detail = QT_TRANSLATE_NOOP("Selftest", "VTK {vtk}, image {size}×{size} hors écran relue conforme ; "
                                               "{gl}")
        detail = detail.format(vtk=info["vtk"], size=RENDER_SIZE, gl=gl)
        return Check("vtk", "rendu", label, Status.OK, detail, info)
    detail = QT_TRANSLATE_NOOP("Selftest", "VTK {vtk} : l'image relue ne correspond pas au dessin (centre "
                                           "{centre}, coin {corner}) ; {gl}")
    return Check("vtk", "rendu", label, Status.FAILURE,
                 detail.format(vtk=info["vtk"], centre=info["centre"], corner=info["corner"], gl=gl), info)


def check_vtk() -> Check:
    outcome = run_isolated(_vtk_probe)
    if outcome.error:
        return Check("vtk", "rendu", QT_TRANSLATE_NOOP("Selftest", "Rendu 3D (VTK)"), Status.FAILURE,
                     QT_TRANSLATE_NOOP("Selftest", "le rendu hors écran a échoué ({error})").format(
                         error=outcome.error), {"error": outcome.error})
    return vtk_check_from(outcome.value)


# --- keyring -------------------------------------------------------------------------------------------
def check_keyring(demo: bool) -> Check:
    from auth.keystore import InsecureKeyringError, KeyStore, KeystoreError, SecretName

    label = QT_TRANSLATE_NOOP("Selftest", "Trousseau sécurisé")
    try:
        store = KeyStore()
        # a read of an entry that does not exist: proves the keyring answers (unlocked, reachable)
        store.load(SecretName.REFRESH_TOKEN, scope="autotest")
    except InsecureKeyringError as exc:
        log.warning("self-test: %s", exc)
        if demo:
            detail = QT_TRANSLATE_NOOP("Selftest", "aucun trousseau du système acceptable : en mode "
                                                   "démonstration, les secrets restent en mémoire et rien "
                                                   "n'est conservé entre deux démarrages")
            return Check("keyring", "trousseau", label, Status.WARNING, detail, {"accepted": False})
        return Check("keyring", "trousseau", label, Status.FAILURE, exc.user_message, {"accepted": False})
    except KeystoreError as exc:
        log.warning("self-test: %s", exc)
        return Check("keyring", "trousseau", label, Status.FAILURE, exc.user_message, {"accepted": True})
    except Exception as exc:  # keyring's own discovery may raise anything on a broken install
        log.warning("self-test: keyring unusable: %s: %s", type(exc).__name__, exc)
        detail = QT_TRANSLATE_NOOP("Selftest", "le trousseau du système est inutilisable ({error})")
        return Check("keyring", "trousseau", label, Status.FAILURE, detail.format(error=type(exc).__name__),
                     {"accepted": False})
    return Check("keyring", "trousseau", label, Status.OK,
                 QT_TRANSLATE_NOOP("Selftest", "{backend}, accessible").format(backend=store.backend_name),
                 {"accepted": True, "backend": store.backend_name})


# --- platform ----------------------------------------------------------------------------------------------
def check_platform(settings: Settings) -> Check:
    import certifi

    from workstation.platform import PlatformClient, PlatformError, TlsError

    label = QT_TRANSLATE_NOOP("Selftest", "Plateforme")
    ca = settings.ca_file or Path(certifi.where())
    data = {"url": settings.base_url, "ca_file": str(ca)}
    try:
        client = PlatformClient(settings.base_url, ca, timeout=min(HEALTH_TIMEOUT_SECONDS,
                                                                   settings.request_timeout_seconds))
        healthy = client.health()
    except TlsError as exc:
        log.warning("self-test: platform TLS failure: %s", exc)
        return Check("platform", "plateforme", label, Status.FAILURE, exc.user_message,
                     {**data, "state": "tls"})
    except PlatformError as exc:
        log.warning("self-test: platform check: %s", exc)
        return Check("platform", "plateforme", label, Status.FAILURE, exc.user_message,
                     {**data, "state": "error"})
    if healthy:
        detail = QT_TRANSLATE_NOOP("Selftest", "{url} joignable (certificat vérifié)")
        return Check("platform", "plateforme", label, Status.OK, detail.format(url=settings.base_url),
                     {**data, "state": "online"})
    detail = QT_TRANSLATE_NOOP("Selftest", "{url} injoignable : le poste fonctionnera en mode dégradé "
                                           "(examens en cache, envois mis en file d'attente)")
    return Check("platform", "plateforme", label, Status.WARNING, detail.format(url=settings.base_url),
                 {**data, "state": "degraded"})


# --- local databases ---------------------------------------------------------------------------------------
def check_calibration(
    settings: Settings, settings_file: Path | None = None, connected: Sequence[str] | None = None
) -> Check:
    """GSDF calibration of the screens (issue 21): every stored calibration must still pass the TG18-LN
    check and be younger than ``settings.calibration_max_age_days``; ``connected`` (screen keys, from
    the running application) adds the screens that have none. No calibration is a warning: the
    images are then shown in P-values, not as on a calibrated diagnostic display."""
    from workstation.calibration import CalibrationStore, default_store_path
    from workstation.settings import default_settings_file

    store = CalibrationStore.load(default_store_path(settings_file or default_settings_file()))
    return calibration_check(store, settings.calibration_max_age_days, connected)


def calibration_check(
    store: CalibrationStore, max_age_days: int, connected: Sequence[str] | None = None
) -> Check:
    """:func:`check_calibration` on a loaded store (the diagnostics pass the screens Qt sees)."""
    from workstation.calibration import TG18_TOLERANCE, now_date

    label = QT_TRANSLATE_NOOP("Selftest", "Calibration GSDF des écrans")
    today = now_date()
    keys = list(connected) if connected is not None else sorted(store.calibrations)
    shown: list[UserText] = []
    status = Status.OK
    screens: list[dict[str, Any]] = []
    for key in keys:
        state = store.status(key, today, max_age_days)
        entry: dict[str, Any] = {"screen": key, "calibrated": state.calibrated}
        if state.readings is None:
            status = max(status, Status.WARNING, key=list(Status).index)
            shown.append(QT_TRANSLATE_NOOP("Selftest", "« {screen} » non calibré").format(screen=key))
        else:
            readings = state.readings
            deviation = readings.tg18_deviation() if state.calibrated else 1.0
            entry.update(l_min=readings.l_min, l_max=readings.l_max, age_days=state.age_days,
                         measured_on=readings.measured_on.isoformat(), outdated=state.outdated,
                         tg18_deviation=deviation)
            text = QT_TRANSLATE_NOOP(
                "Selftest", "« {screen} » calibré le {date}, {low}–{high} cd/m², paliers TG18-LN à {dev} %"
            ).format(screen=key, date=f"{readings.measured_on:%d/%m/%Y}", low=f"{readings.l_min:.2f}",
                     high=f"{readings.l_max:.0f}", dev=f"{deviation * 100:.0f}")
            if not state.calibrated or deviation > TG18_TOLERANCE:
                status = Status.FAILURE
                text = QT_TRANSLATE_NOOP("Selftest", "{text} : hors tolérance").format(text=text)
            elif state.outdated:
                status = max(status, Status.WARNING, key=list(Status).index)
                text = QT_TRANSLATE_NOOP("Selftest", "{text} : à refaire (plus de {days} jours)").format(
                    text=text, days=max_age_days)
            shown.append(text)
        screens.append(entry)
    for problem in store.problems:
        status = max(status, Status.WARNING, key=list(Status).index)
        shown.append(problem)
    if not shown:
        status = Status.WARNING
        shown.append(QT_TRANSLATE_NOOP("Selftest", "aucun écran calibré"))
    return Check("calibration", "affichage", label, status, joined(shown), {"screens": screens})


def check_outbox(data_dir: Path | None = None, live_problem: str = "") -> Check:
    """The outbox read-only (it may be in use): SQLite's integrity, no announced message missing, the queue
    not behind its encrypted copies (issue 22); damaged files kept aside are a warning for support.
    ``live_problem``: the running workstation's delivery stalled (disk full...), French, a warning."""
    from workstation.outbox.recovery import check_files

    if data_dir is None:
        from workstation.audit.journal import default_journal_path

        data_dir = default_journal_path().parent.parent
    label = QT_TRANSLATE_NOOP("Selftest", "File d'envoi")
    found = check_files(data_dir / "outbox.sqlite", data_dir / "outbox-spool")
    data = {"path": str(found.path), "integrity": found.integrity, "pending": found.pending,
            "missing": len(found.missing), "queue_position": found.queue_position,
            "copies_top": found.copies_top, "set_aside": [str(p) for p in found.set_aside]}
    if found.damaged:
        detail = QT_TRANSLATE_NOOP("Selftest", "endommagée ({integrity}) ; {missing} message(s) signé(s) "
                                               "absent(s) de la file : lancez « python -m workstation.outbox "
                                               "recover » poste fermé, ou prévenez le support")
        return Check("outbox", "donnees", label, Status.FAILURE,
                     detail.format(integrity=found.integrity, missing=len(found.missing)), data)
    if live_problem:
        data["stalled"] = live_problem
        detail = QT_TRANSLATE_NOOP("Selftest", "{pending} message(s) en attente, envois suspendus : "
                                               "{problem}")
        return Check("outbox", "donnees", label, Status.WARNING,
                     detail.format(pending=found.pending, problem=live_problem), data)
    if found.set_aside:
        detail = QT_TRANSLATE_NOOP("Selftest", "intacte ({pending} en attente) ; {count} fichier(s) "
                                               "endommagé(s) conservé(s) pour le support ({folder})")
        return Check("outbox", "donnees", label, Status.WARNING,
                     detail.format(pending=found.pending, count=len(found.set_aside),
                                   folder=found.set_aside[-1].name), data)
    detail = QT_TRANSLATE_NOOP("Selftest", "intacte, {pending} message(s) en attente d'envoi")
    return Check("outbox", "donnees", label, Status.OK, detail.format(pending=found.pending), data)


# --- everything ------------------------------------------------------------------------------------------
def run_checks(
    settings: Settings,
    *,
    demo: bool = False,
    settings_file: Path | None = None,
    problems: Sequence[str] = (),
    include_qt: bool = True,
    data_dir: Path | None = None,
    outbox_problem: Callable[[], str] | None = None,
) -> SelfTestReport:
    """Every check, the slow ones (child processes, network) in parallel. Never raises for a bad machine.

    ``include_qt=False`` when the caller runs inside the application: it describes Qt itself, on its GUI
    thread (``workstation.qt.diagnostics.describe_qt`` and :func:`qt_check_from`).
    """
    def unexpected(exc: Exception) -> UserText:
        return QT_TRANSLATE_NOOP("Selftest", "erreur inattendue ({error} : {cause})").format(
            error=type(exc).__name__, cause=str(exc))

    def guarded(name: str, check: Callable[[], Check]) -> Callable[[], Check]:
        def run() -> Check:
            try:
                return check()
            except Exception as exc:  # a check that breaks is reported as failed, never kills the report
                log.exception("self-test: check %s raised", name)
                return Check(name, "autotest",
                             QT_TRANSLATE_NOOP("Selftest", "Vérification « {name} »").format(name=name),
                             Status.FAILURE, unexpected(exc))
        return run

    with ThreadPoolExecutor(5, thread_name_prefix="self-test") as pool:
        modules = pool.submit(guarded("modules", check_modules))
        vtk = pool.submit(guarded("vtk", check_vtk))
        qt = pool.submit(guarded("qt", check_qt)) if include_qt else None
        remote = pool.submit(guarded("platform", lambda: check_platform(settings)))
        checks = [check_versions(), check_settings(settings, settings_file, problems)]
        checks.append(modules.result())
        checks.append(guarded("resources", check_resources)())
        checks.append(guarded("translations", check_translations)())
        with tempfile.TemporaryDirectory(prefix="tlr-selftest-") as folder:
            try:
                samples = _prepare_samples(Path(folder))
            except Exception as exc:  # viewer or pydicom missing from the bundle
                log.exception("self-test: samples could not be prepared")
                detail = QT_TRANSLATE_NOOP("Selftest", "modules de lecture DICOM absents ({error} : {cause})")
                checks.append(Check("decoders", "decodeurs", QT_TRANSLATE_NOOP("Selftest", "Décodeurs DICOM"),
                                    Status.FAILURE, detail.format(error=type(exc).__name__, cause=str(exc))))
            else:
                workers = pool.submit(guarded("decoder.workers", lambda: check_decoder_workers(samples)))
                try:
                    checks.extend(check_decoders(samples))
                except Exception as exc:  # reported as one failed check, the others still run
                    log.exception("self-test: decoder checks raised")
                    checks.append(Check("decoders", "decodeurs",
                                        QT_TRANSLATE_NOOP("Selftest", "Décodeurs DICOM"), Status.FAILURE,
                                        unexpected(exc)))
                checks.append(workers.result())
        checks.append(guarded("keyring", lambda: check_keyring(demo))())
        problem = outbox_problem() if outbox_problem is not None else ""
        checks.append(guarded("outbox", lambda: check_outbox(data_dir, problem))())
        checks.append(guarded("calibration", lambda: check_calibration(settings, settings_file))())
        checks.extend(f.result() for f in (qt, vtk, remote) if f is not None)
    return SelfTestReport(application_version(), bool(getattr(sys, "frozen", False)), datetime.now(UTC),
                          tuple(checks))


def _arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="teleradiologie --self-test",
        description="Vérifie l'installation du poste (décodeurs, trousseau, VTK, affichage, plateforme).",
    )
    parser.add_argument("--json", action="store_true", help="rapport JSON sur la sortie standard")
    parser.add_argument("--platform-url", help="adresse HTTPS de la plateforme")
    parser.add_argument("--ca-file", help="certificat (PEM) de l'autorité de la plateforme")
    parser.add_argument("--settings", type=Path, help="fichier de paramètres (JSON)")
    parser.add_argument("--demo", action="store_true", help="accepte l'absence de trousseau (démonstration)")
    parser.add_argument("--no-display", action="store_true",
                        help="ne vérifie pas l'affichage (serveur sans écran)")
    # the application's other options (--login...) do not matter here
    args, _ignored = parser.parse_known_args(list(argv))
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    from workstation.settings import SettingsError, load_settings

    loaded = load_settings(args.settings)
    try:
        settings = loaded.settings.with_overrides(platform_url=args.platform_url, ca_file=args.ca_file)
    except SettingsError as exc:
        print(f"Paramètre invalide : {exc.user_message}", file=sys.stderr)
        return 2
    report = run_checks(settings, demo=args.demo, settings_file=args.settings, problems=loaded.problems,
                        include_qt=not args.no_display)
    if args.json:
        text = json.dumps(report.to_json(), ensure_ascii=False, indent=2)
    else:
        text = "\n".join(report.lines())
    if sys.stdout is None:  # a windowed executable (Windows) started without redirection has no stdout
        target = Path(tempfile.gettempdir()) / f"teleradiologie-autotest.{'json' if args.json else 'txt'}"
        target.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
        sys.stdout.flush()
    return 0 if report.ok else 1


if __name__ == "__main__":
    multiprocessing.freeze_support()
    from workstation import selftest  # child processes find the probes under their module name

    sys.exit(selftest.main())
