"""What the viewer's models say, in the interface language: labels, messages and numbers.

The models speak French on purpose (a measurement's sentence goes into a French report) and know
nothing of Qt. Their sentences for the user are made with ``QT_TRANSLATE_NOOP`` (preset names,
plane names, slab modes, file problems, series warnings): a :class:`~resources.translations.UserText`
remembers its context, template and values, and :func:`user_text` says it again in the interface
language. The labels models compose for themselves (« Série 3 — Crâne », a measurement's
statistics) are composed again here, from their values.

Numbers follow the language of the words: « 12,5 mm » in French, "12.5 mm" in English, whatever
the system's locale (installing the interface language sets the default locale).
"""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale

from resources.translations.qt import text as user_text
from viewer.measure import Measurement
from viewer.mpr import ReformatSeries, SlabMode
from viewer.presets import CtPreset, VolumePreset
from viewer.problems import FileProblem

log = logging.getLogger(__name__)


def number(value: float, decimals: int = 1, minus: str = "-") -> str:
    """``value`` with ``decimals`` decimals and the interface's decimal point (no group separator)."""
    text = f"{value:.{decimals}f}".replace(".", QLocale().decimalPoint())
    return text.replace("-", minus) if minus != "-" else text


def short_number(value: float) -> str:
    """``value`` as ``{:g}`` writes it (10, 2.5), with the interface's decimal point."""
    return f"{value:g}".replace(".", QLocale().decimalPoint())


def translated(context: str, text: str) -> str:
    """``text`` translated in ``context`` (marked there with ``QT_TRANSLATE_NOOP``); else as it is."""
    return QCoreApplication.translate(context, text)


# --- planes and series --------------------------------------------------------------------------
_OBLIQUE = re.compile(r"^(?P<plane>\S+) oblique (?P<angle>-?[0-9]+(?:[.,][0-9]+)?)°$")


def oblique_name(plane: str, degrees: float) -> str:
    """The model's (French) name of ``plane`` turned by ``degrees``: it ends up in the report."""
    return f"{plane} oblique {degrees:g}°".replace(".", ",")


def plane_text(name: str) -> str:
    """"axiale" -> "axial", and the names :func:`oblique_name` composes."""
    oblique = _OBLIQUE.match(name)
    if oblique is None:
        return translated("Plane", name)
    angle = float(oblique["angle"].replace(",", "."))
    return QCoreApplication.translate("ViewerTexts", "{plane} oblique {angle}°").format(
        plane=translated("Plane", oblique["plane"]), angle=short_number(angle))


def plane_title(name: str) -> str:
    """The title of an MPR view: "Axiale", "Coronale oblique 30°"."""
    text = plane_text(name)
    return text[:1].upper() + text[1:]


def orientation_text(letters: str) -> str:
    """The orientation letters of a direction (« G », « HP ») in the interface language (L, HP)."""
    return "".join(translated("Orientation", letter) for letter in letters)


def slab_text(mode: SlabMode) -> str:
    return user_text(mode.value)


def series_label(series: Any) -> str:
    """The series' short label (number, description, part; plane and slab of a reformat)."""
    if isinstance(series, ReformatSeries):
        text = QCoreApplication.translate("ViewerTexts", "{series} — MPR {plane}").format(
            series=series_label(series.source), plane=plane_text(series.name))
        mode, thickness = series.slab
        if mode is not SlabMode.THIN:
            text += f" — {slab_text(mode)} {short_number(thickness)} mm"
        return text
    number_ = series.number
    if number_ is None:
        head = QCoreApplication.translate("ViewerTexts", "Série")
    else:
        head = QCoreApplication.translate("ViewerTexts", "Série {number}").format(number=number_)
    text = f"{head} — {series.description}" if series.description else head
    plan = series.plan
    return f"{text} ({plan.part}/{plan.parts})" if plan.parts > 1 else text


def warning_text(message: str) -> str:
    """A series warning's sentence (``SeriesWarning.message``)."""
    return user_text(message)


def labelled(label: str, message: str) -> str:
    """« Série 3 : message » (a space before the colon in French only)."""
    text = QCoreApplication.translate("ViewerTexts", "{label} : {message}")
    return text.format(label=label, message=message)


def problem_text(problem: FileProblem) -> str:
    """The line a user reads about a file that did not load: which file (and frame), what happened."""
    where = Path(problem.path).name
    if problem.frame is not None:
        where = QCoreApplication.translate("ViewerTexts", "{file} (image {number})").format(
            file=where, number=problem.frame + 1)
    return labelled(where, user_text(problem.message))


def reason_text(message: str) -> str:
    """Why an MPR or a 3D rendering was refused (``NotAVolume`` / ``NotRenderable``'s ``message_fr``)."""
    return user_text(message)


# --- presets --------------------------------------------------------------------------------------
def ct_preset_label(preset: CtPreset) -> str:
    """« Cerveau — C 40 / L 80 (3) » in the menu of window presets."""
    text = QCoreApplication.translate("ViewerTexts", "{name} — C {centre} / L {width}").format(
        name=user_text(preset.name), centre=short_number(preset.center),
        width=short_number(preset.width))
    return f"{text} ({preset.key})" if preset.key else text


def volume_preset_name(preset: VolumePreset) -> str:
    return user_text(preset.name)


# --- measurements ---------------------------------------------------------------------------------
def unit_text(unit: str) -> str:
    """"UH" -> "HU"; units written the same in both languages (mm, °, mm²) come back unchanged."""
    return translated("Unit", unit)


def measurement_label(measurement: Measurement) -> str:
    """The label drawn beside a measurement's shape (the interface's version of ``short_text``)."""
    def num(value: float, decimals: int = 1) -> str:
        return number(value, decimals, minus="−")

    if measurement.stats is None:
        return f"{num(measurement.value)} {measurement.unit if measurement.calibrated else 'px'}"
    stats, unit = measurement.stats, unit_text(measurement.value_unit)
    return QCoreApplication.translate(
        "ViewerTexts", "Moy. {mean} {unit}  ÉT {sd}\nMin {minimum}  Max {maximum}\nSurf. {area} {area_unit}",
    ).format(mean=num(stats.mean), unit=unit, sd=num(stats.sd), minimum=num(stats.minimum, 0),
             maximum=num(stats.maximum, 0), area=num(stats.area_mm2, 1),
             area_unit="mm²" if measurement.calibrated else "px²")
