"""GSDF calibration of each reading screen: photometer readings in, a checked calibration table out.

A display is fit for diagnosis when its luminance follows the DICOM Grayscale Standard Display
Function (PS3.14): equal steps of grey are equal numbers of just-noticeable differences. The physicist
(or the radiologist with a photometer) measures the luminance of driving levels on each screen; this
module reads those readings (a CSV of driving level -> cd/m2), turns them into the P-value -> driving
level table :mod:`viewer.gsdf` computes, checks the result the way AAPM TG18 does (the 18 TG18-LN
levels must be equal steps in JND within 10 %), and keeps one calibration per screen in a JSON file
beside the settings. Qt-free: the Qt side names the screen (:func:`screen_key` takes what QScreen says).

Nothing here pretends: a screen without readings is "not calibrated", readings that do not increase or
leave the GSDF range are refused with a French message, and a calibration older than the configured
period is flagged.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np

from resources.translations import QT_TRANSLATE_NOOP
from viewer import gsdf
from workstation.private_files import write_private

log = logging.getLogger(__name__)

CALIBRATION_FILE_NAME = "calibration-ecrans.json"
MAX_LEVELS = 65536  # a 16-bit driving level is the most any display interface carries
MAX_READINGS_BYTES = 4 * 1024 * 1024
TG18_LN_STEPS = 18  # TG18-LN8-01..18: driving levels 0, 15, ..., 255
TG18_TOLERANCE = 0.10  # AAPM TG18: contrast response within 10 % of the GSDF (primary displays)


class CalibrationError(ValueError):
    """Readings or a stored calibration that cannot be used; ``user_message`` is French."""

    def __init__(self, detail: str, user_message: str) -> None:
        super().__init__(detail)
        self.user_message = user_message


@dataclass(frozen=True, slots=True)
class Readings:
    """Photometer readings of one screen: luminance (cd/m2) at some driving levels.

    ``bits``: the driving levels run 0 .. 2**bits - 1; the readings must include both ends (the
    display's black and white) and may skip levels in between (interpolated in log luminance).
    """

    levels: tuple[int, ...]
    luminances: tuple[float, ...]
    bits: int
    measured_on: date
    ambient: float = 0.0
    source: str = ""

    def __post_init__(self) -> None:
        if len(self.levels) != len(self.luminances) or len(self.levels) < 2:
            raise CalibrationError(
                "at least two readings with a level and a luminance each are needed",
                QT_TRANSLATE_NOOP("Calibration", "Il faut au moins deux mesures (niveau et luminance)."),
            )
        top = (1 << self.bits) - 1
        if self.levels[0] != 0 or self.levels[-1] != top:
            raise CalibrationError(
                f"readings must include levels 0 and {top}, got {self.levels[0]}..{self.levels[-1]}",
                QT_TRANSLATE_NOOP(
                    "Calibration",
                    "Les mesures doivent comprendre le noir (niveau 0) et le blanc (niveau {top}).",
                ).format(top=top),
            )
        if any(b <= a for a, b in zip(self.levels, self.levels[1:], strict=False)):
            raise CalibrationError(
                "driving levels must increase strictly",
                QT_TRANSLATE_NOOP(
                    "Calibration", "Les niveaux de commande doivent être croissants, sans doublon."
                ),
            )
        lum = np.asarray(self.luminances, dtype=np.float64)
        if not np.all(np.isfinite(lum)) or np.any(np.diff(lum) <= 0):
            raise CalibrationError(
                "luminance must increase strictly with the driving level",
                QT_TRANSLATE_NOOP(
                    "Calibration",
                    "La luminance mesurée doit croître avec le niveau de commande : vérifiez le fichier "
                    "(colonnes inversées, mesure ratée ?).",
                ),
            )
        if self.ambient < 0 or lum[0] + self.ambient < gsdf.LUMINANCE_MIN or lum[-1] > gsdf.LUMINANCE_MAX:
            raise CalibrationError(
                f"luminances {lum[0]:.3g}..{lum[-1]:.4g} cd/m2 outside the GSDF range",
                QT_TRANSLATE_NOOP(
                    "Calibration",
                    "Luminances hors du domaine de la GSDF DICOM (0,05 à 3 993 cd/m²) : "
                    "{low} à {high} cd/m².",
                ).format(low=f"{lum[0]:.3g}", high=f"{lum[-1]:.4g}"),
            )

    @property
    def l_min(self) -> float:
        """The screen's black, ambient light included (cd/m2)."""
        return self.luminances[0] + self.ambient

    @property
    def l_max(self) -> float:
        return self.luminances[-1] + self.ambient

    def curve(self) -> np.ndarray:
        """Luminance of every driving level 0 .. 2**bits - 1 (without the ambient light)."""
        everything = np.arange(1 << self.bits, dtype=np.float64)
        logs = np.interp(everything, np.asarray(self.levels, dtype=np.float64), np.log(self.luminances))
        return np.exp(logs)

    def lut(self) -> np.ndarray:
        """The 256-entry P-value -> 8-bit driving level table the viewer applies (uint8)."""
        return gsdf.calibration_lut(self.curve(), ambient=self.ambient, output_levels=256)

    def displayed(self, p_values: np.ndarray) -> np.ndarray:
        """Luminance (cd/m2, ambient included) the calibrated screen shows for 8-bit P-values."""
        driving = self.lut()[np.asarray(p_values, dtype=np.intp)]
        return gsdf.resample_levels(self.curve(), 256)[driving] + self.ambient

    def tg18_deviation(self) -> float:
        """The largest relative deviation of the 17 JND steps between the TG18-LN levels from their
        mean, on the calibrated screen (AAPM TG18 accepts 10 %)."""
        p_values = np.linspace(0, 255, TG18_LN_STEPS).round().astype(int)
        steps = np.diff(gsdf.jnd_index(self.displayed(p_values)))
        return float(np.max(np.abs(steps - steps.mean())) / steps.mean())

    def to_json(self) -> dict[str, object]:
        return {
            "levels": list(self.levels),
            "luminances": list(self.luminances),
            "bits": self.bits,
            "measured_on": self.measured_on.isoformat(),
            "ambient": self.ambient,
            "source": self.source,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Readings:
        try:
            return cls(
                tuple(int(v) for v in data["levels"]),
                tuple(float(v) for v in data["luminances"]),
                int(data["bits"]),
                date.fromisoformat(str(data["measured_on"])),
                float(data.get("ambient", 0.0)),
                str(data.get("source", "")),
            )
        except CalibrationError:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            raise CalibrationError(
                f"stored calibration unreadable: {exc}",
                QT_TRANSLATE_NOOP("Calibration", "Calibration enregistrée illisible."),
            ) from exc


_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})|(\d{2})/(\d{2})/(\d{4})")


def _number(text: str) -> float | None:
    text = text.strip().replace("\u202f", "").replace(" ", "")
    if not _NUMBER.match(text):
        return None
    return float(text.replace(",", "."))


def _date_in(text: str) -> date | None:
    found = _DATE.search(text)
    if found is None:
        return None
    try:
        if found.group(1):
            return date.fromisoformat(found.group(1))
        return date(int(found.group(4)), int(found.group(3)), int(found.group(2)))
    except ValueError:
        return None


def parse_readings(text: str, source: str = "", today: date | None = None) -> Readings:
    """Readings from a CSV: one row per measured level, driving level then luminance in cd/m2.

    Accepted: ``,`` ``;`` or tab separators, decimal commas (French spreadsheets), a header row,
    comment lines starting with ``#``; ``# date: 2026-11-02`` (or 02/11/2026) gives the measurement
    date and ``# ambient: 0.3`` (or « ambiant ») the reflected light in cd/m2. The bit depth is the
    smallest that holds the highest level (255 -> 8 bits, 1023 -> 10 bits). Without a date the
    readings are dated ``today``: the date they were loaded.
    """
    measured_on: date | None = None
    ambient = 0.0
    rows: list[tuple[float, float]] = []
    body: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            key, _, value = stripped.lstrip("#").partition(":")
            key = key.strip().lower()
            if key == "date":
                measured_on = _date_in(value) or measured_on
            elif key in ("ambient", "ambiant", "ambiante", "lamb", "l_amb"):
                number = _number(value.split()[0]) if value.split() else None
                if number is None or number < 0:
                    raise CalibrationError(
                        f"ambient luminance unreadable: {value!r}",
                        QT_TRANSLATE_NOOP(
                            "Calibration", "Luminance ambiante illisible : « {value} »."
                        ).format(value=value.strip()),
                    )
                ambient = number
            continue
        body.append(line)
    if not body:
        raise CalibrationError(
            "no readings in the file",
            QT_TRANSLATE_NOOP("Calibration", "Le fichier ne contient aucune mesure."),
        )
    sample = "\n".join(body[:5])
    delimiter = "\t" if "\t" in sample else (";" if ";" in sample else ",")
    for number, fields_ in enumerate(csv.reader(io.StringIO("\n".join(body)), delimiter=delimiter), 1):
        values = [_number(f) for f in fields_ if f.strip()]
        if len(values) >= 2 and values[0] is not None and values[1] is not None:
            rows.append((values[0], values[1]))
        elif number == 1:
            continue  # the header
        else:
            raise CalibrationError(
                f"line {number} of the readings unreadable: {fields_!r}",
                QT_TRANSLATE_NOOP(
                    "Calibration",
                    "Ligne {line} illisible : il faut un niveau de commande puis une luminance.",
                ).format(line=number),
            )
    if any(level != int(level) or level < 0 for level, _ in rows):
        raise CalibrationError(
            "driving levels must be non-negative integers",
            QT_TRANSLATE_NOOP("Calibration", "Les niveaux de commande doivent être des entiers positifs."),
        )
    rows.sort()
    top = int(rows[-1][0]) if rows else 0
    if top < 1 or top >= MAX_LEVELS:
        raise CalibrationError(
            f"highest driving level {top} outside 1..{MAX_LEVELS - 1}",
            QT_TRANSLATE_NOOP("Calibration", "Niveau de commande maximal invalide : {level}.").format(
                level=top
            ),
        )
    bits = top.bit_length()
    if bits < 8:
        raise CalibrationError(
            f"{bits}-bit readings: a display has at least 8 bits",
            QT_TRANSLATE_NOOP(
                "Calibration", "Le blanc mesuré doit être au niveau 255 au moins (écran d'au moins 8 bits)."
            ),
        )
    if top != (1 << bits) - 1:
        raise CalibrationError(
            f"highest driving level {top} is not the white of a 2**n-level display",
            QT_TRANSLATE_NOOP(
                "Calibration",
                "Le niveau le plus haut mesuré ({level}) n'est pas le blanc de l'écran (255, 1023…) : "
                "mesurez le blanc.",
            ).format(level=top),
        )
    return Readings(
        tuple(int(level) for level, _ in rows),
        tuple(lum for _, lum in rows),
        bits,
        measured_on or today or date.today(),
        ambient,
        source,
    )


def read_readings(path: Path, today: date | None = None) -> Readings:
    """:func:`parse_readings` of a file, refusing what is not a small text file."""
    try:
        if path.stat().st_size > MAX_READINGS_BYTES:
            raise CalibrationError(
                f"{path}: larger than {MAX_READINGS_BYTES} bytes",
                QT_TRANSLATE_NOOP("Calibration", "Fichier de mesures trop volumineux : « {name} ».").format(
                    name=path.name
                ),
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise CalibrationError(
            f"{path}: {exc}",
            QT_TRANSLATE_NOOP("Calibration", "Fichier de mesures illisible : « {name} ».").format(
                name=path.name
            ),
        ) from exc
    text = ""
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if "\x00" in text:
        raise CalibrationError(
            f"{path}: binary content",
            QT_TRANSLATE_NOOP("Calibration", "« {name} » n'est pas un fichier texte de mesures.").format(
                name=path.name
            ),
        )
    return parse_readings(text, path.name, today)


def screen_key(name: str, manufacturer: str = "", model: str = "", serial: str = "") -> str:
    """The name a screen's calibration is kept under: the monitor itself when the system says which it
    is (make, model, serial number: it keeps its calibration on another port), else the port."""
    monitor = " ".join(part.strip() for part in (manufacturer, model, serial) if part.strip())
    return monitor if serial.strip() else (f"{monitor} @ {name}" if monitor else name)


@dataclass(frozen=True, slots=True)
class ScreenStatus:
    """What the diagnostics say about one screen."""

    key: str
    readings: Readings | None
    age_days: int | None = None
    outdated: bool = False
    problem: str = ""

    @property
    def calibrated(self) -> bool:
        return self.readings is not None and not self.problem


@dataclass
class CalibrationStore:
    """The calibrations of this workstation's screens, in a private JSON file.

    A damaged file never keeps the viewer from working: its screens are shown uncalibrated and the
    problem is reported (``problems``, French) and logged.
    """

    path: Path
    calibrations: dict[str, Readings] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> CalibrationStore:
        store = cls(path)
        if not path.is_file():
            return store
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("screens", {}), dict):
                raise ValueError("not an object with 'screens'")
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            log.warning("display calibration file %s unreadable: %s", path, exc)
            store.problems.append(
                QT_TRANSLATE_NOOP(
                    "Calibration",
                    "Fichier de calibration des écrans illisible : écrans traités comme non calibrés.",
                )
            )
            return store
        for key, entry in data.get("screens", {}).items():
            try:
                if not isinstance(entry, dict):
                    raise CalibrationError("entry is not an object", "")
                store.calibrations[str(key)] = Readings.from_json(entry)
            except CalibrationError as exc:
                log.warning("display calibration of screen %r unusable: %s", key, exc)
                store.problems.append(
                    QT_TRANSLATE_NOOP(
                        "Calibration", "Calibration de l'écran « {screen} » inutilisable."
                    ).format(screen=key)
                )
        return store

    def save(self) -> None:
        data = {
            "version": 1,
            "screens": {key: readings.to_json() for key, readings in sorted(self.calibrations.items())},
        }
        write_private(self.path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))

    def set(self, key: str, readings: Readings) -> None:
        """Keep ``readings`` for the screen, once they give a calibration within TG18's tolerance."""
        try:
            readings.lut()
        except ValueError as exc:
            raise CalibrationError(
                str(exc),
                QT_TRANSLATE_NOOP("Calibration", "Ces mesures ne permettent pas de calibrer l'écran."),
            ) from exc
        deviation = readings.tg18_deviation()
        if deviation > TG18_TOLERANCE:
            raise CalibrationError(
                f"calibrated TG18-LN steps deviate by {deviation:.0%} (> {TG18_TOLERANCE:.0%})",
                QT_TRANSLATE_NOOP(
                    "Calibration",
                    "Calibration refusée : après correction, les paliers TG18-LN s'écartent de {deviation} % "
                    "(tolérance 10 %) ; l'écran a trop peu de niveaux utiles ou les mesures sont erronées.",
                ).format(deviation=f"{deviation * 100:.0f}"),
            )
        self.calibrations[key] = readings
        self.save()

    def remove(self, key: str) -> None:
        if self.calibrations.pop(key, None) is not None:
            self.save()

    def lut_for(self, key: str) -> np.ndarray | None:
        """The table for the screen, None when it is not calibrated (the viewer then shows P-values)."""
        readings = self.calibrations.get(key)
        if readings is None:
            return None
        try:
            return readings.lut()
        except ValueError as exc:  # stored by an older version, or edited by hand
            log.warning("display calibration of screen %r unusable: %s", key, exc)
            return None

    def status(self, key: str, today: date, max_age_days: int) -> ScreenStatus:
        readings = self.calibrations.get(key)
        if readings is None:
            return ScreenStatus(key, None)
        age = (today - readings.measured_on).days
        problem = ""
        try:
            readings.lut()
        except ValueError:
            problem = QT_TRANSLATE_NOOP("Calibration", "mesures inutilisables")
        return ScreenStatus(key, readings, age, age > max_age_days, problem)


def default_store_path(settings_file: Path) -> Path:
    """The calibration file lives beside the settings file (the same private folder)."""
    return settings_file.parent / CALIBRATION_FILE_NAME


def now_date() -> date:
    return datetime.now().astimezone().date()
