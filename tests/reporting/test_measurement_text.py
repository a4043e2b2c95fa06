"""How a measurement reads in the report (issue 16, item 4): rounded once, half-up, never to 0 when
it is not 0, and the sentence, the table and the CDA value all print that one stored number."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from reporting.cda import format_number
from reporting.measurements import measurement_text, rounded, value_label, value_text
from reporting.model import MeasuredValue, Measurement, MeasurementKind, Shape, Source

ROI = Measurement(
    "ROI ellipse",
    Decimal("78.5"),
    "mm2",
    Source.USER,
    kind=MeasurementKind.AREA,
    shape=Shape.ELLIPSE,
    location="série 3, image 45",
    statistics=(
        MeasuredValue(MeasurementKind.MEAN, Decimal("40.2"), "[hnsf'U]"),
        MeasuredValue(MeasurementKind.STANDARD_DEVIATION, Decimal("5.1"), "[hnsf'U]"),
        MeasuredValue(MeasurementKind.MINIMUM, Decimal("-20"), "[hnsf'U]"),
        MeasuredValue(MeasurementKind.MAXIMUM, Decimal("60"), "[hnsf'U]"),
    ),
)


def test_sentences_of_a_length_an_angle_and_a_roi() -> None:
    length = Measurement("Longueur", Decimal("23.4"), "mm", Source.USER, location="série 3, image 45")
    assert measurement_text(length) == "Longueur : 23,4 mm (série 3, image 45)"
    angle = Measurement("Angle de Cobb", Decimal("12.5"), "deg", Source.USER, kind=MeasurementKind.COBB_ANGLE)
    assert measurement_text(angle) == "Angle de Cobb : 12,5°"
    assert measurement_text(ROI) == (
        "ROI ellipse : surface 78,5 mm², moyenne 40,2 UH, écart-type 5,1 UH, min -20 UH, max 60 UH "
        "(série 3, image 45)"
    )
    assert [value_label(ROI, v) for v in ROI.values][:2] == ["ROI ellipse – Surface", "ROI ellipse – Moyenne"]


def test_half_up_not_half_even() -> None:
    assert rounded(0.25, MeasurementKind.LENGTH) == Decimal("0.25")  # two significant digits kept
    assert rounded(2.25, MeasurementKind.LENGTH) == Decimal("2.3")  # half-even would give 2.2
    assert rounded(float("nan"), MeasurementKind.MEAN) is None  # an empty ROI has no mean


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False))
def test_a_non_zero_value_is_never_printed_zero_and_prints_what_is_stored(number: float) -> None:
    stored = rounded(number, MeasurementKind.MEAN)
    assert stored is not None
    if number != 0:
        assert stored != 0
    assert abs(stored - Decimal(repr(number))) <= max(Decimal("0.05"), abs(Decimal(repr(number))) / 10)
    text = value_text(MeasuredValue(MeasurementKind.MEAN, stored, "[hnsf'U]"))
    assert Decimal(text.removesuffix(" UH").replace(",", ".")) == stored  # the sentence's number
    assert Decimal(format_number(stored, 6)) == stored  # the CDA's number
