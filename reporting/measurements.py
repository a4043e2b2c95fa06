"""Measurements made on the images, as the report words and numbers them.

One place decides how a measurement reads, so that the sentence in the findings, the table of the
preview and PDF, the CDA entries and the DICOM SR carry the same number: a value is rounded once,
when it becomes a report record (:func:`rounded`, half-up, the report's number rule of
``reporting.cda.format_number``), and every rendering prints that stored value.
"""

from __future__ import annotations

import math
from decimal import Decimal

from reporting.cda import format_number, format_text
from reporting.model import MeasuredValue, Measurement, MeasurementKind

# Decimal places of each quantity (the two-significant-digits floor of format_number applies too).
PLACES = {
    MeasurementKind.LENGTH: 1,
    MeasurementKind.ANGLE: 1,
    MeasurementKind.COBB_ANGLE: 1,
    MeasurementKind.AREA: 1,
    MeasurementKind.MEAN: 1,
    MeasurementKind.STANDARD_DEVIATION: 1,
    MeasurementKind.MINIMUM: 1,
    MeasurementKind.MAXIMUM: 1,
}
# The ROI values as the findings sentence names them, after the area.
_STAT_WORDS = {
    MeasurementKind.MEAN: "moyenne",
    MeasurementKind.STANDARD_DEVIATION: "écart-type",
    MeasurementKind.MINIMUM: "min",
    MeasurementKind.MAXIMUM: "max",
}


def rounded(value: float, kind: MeasurementKind) -> Decimal | None:
    """The value as the report keeps it; None for a value that is not a number (an empty ROI)."""
    if not math.isfinite(value):
        return None
    return Decimal(format_number(Decimal(repr(float(value))), PLACES[kind]))


def value_text(value: MeasuredValue) -> str:
    """« 23,4 mm », « 12,5° », « 40,2 UH » (French decimal comma, the stored digits)."""
    number = format_text(value.value, max(0, -value.value.as_tuple().exponent))  # type: ignore[operator]
    unit = value.shown_unit
    if not unit:
        return number
    return f"{number}{unit}" if unit == "°" else f"{number} {unit}"


def measurement_text(measurement: Measurement) -> str:
    """The findings sentence: « Longueur : 23,4 mm (série 3, image 45) », or for a ROI
    « ROI ellipse : surface 78,5 mm², moyenne 40,2 UH, écart-type 5,1 UH, min 20 UH, max 60 UH (…) »."""
    where = f" ({measurement.location})" if measurement.location else ""
    main = value_text(measurement.values[0])
    if not measurement.statistics:
        return f"{measurement.label} : {main}{where}"
    parts = [f"surface {main}"] if measurement.kind is MeasurementKind.AREA else [main]
    parts += [f"{_STAT_WORDS.get(v.kind, v.kind.label)} {value_text(v)}" for v in measurement.statistics]
    return f"{measurement.label} : {', '.join(parts)}{where}"


def value_label(measurement: Measurement, value: MeasuredValue) -> str:
    """The label of one value in a table: « Longueur », « ROI ellipse – Moyenne »."""
    if not measurement.statistics:
        return measurement.label
    return f"{measurement.label} – {value.kind.label}"


def image_text(measurement: Measurement) -> str:
    """Where it was measured, for a table: « série 3, image 45 » (the image number of a multi-frame
    instance is its frame number, as the viewer shows it)."""
    if measurement.location:
        return measurement.location
    return f"trame {measurement.frame}" if measurement.frame is not None else ""


def points_text(measurement: Measurement) -> str:
    """The outline in image coordinates (column, row), one decimal: « (12,5 ; 40) (30 ; 41,2) »."""
    return " ".join(
        f"({format_text(Decimal(repr(c)), 1)} ; {format_text(Decimal(repr(r)), 1)})"
        for c, r in measurement.points
    )
