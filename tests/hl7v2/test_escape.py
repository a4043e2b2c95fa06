"""HL7 v2.5.1 §2.7 escapes and MSH-18 character sets, against writers nobody here wrote for this
reader: the ANS examples, the demo's HL7 writer (teleplatform.demo.orders.escape) and hand-written
byte strings in each character set."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hl7v2.escape import escape, escape_text, unescape
from hl7v2.message import HL7ParseError, parse
from teleplatform.demo.orders import escape as demo_escape

HEADER = "MSH|^~\\&|RIS|SITE|TLR|PLAT|20260106134418||ORM^O01^ORM_O01|C1|P|2.5.1|||||FRA|{charset}"


def _obr13(value_er7: str, charset: str = "UNICODE UTF-8") -> str:
    # OBR-14 follows: the reader trims the whitespace around a whole message (trailing blank lines),
    # which is not what these tests are about (hypothesis found a value of one space)
    return HEADER.format(charset=charset) + "\rOBR||1||X|||||||||" + value_er7 + "|20260101"


def _read(text: str | bytes) -> str:
    return parse(text).first("OBR").get(13)


@pytest.mark.parametrize(
    ("sequence", "decoded"),
    [
        ("\\F\\", "|"),
        ("\\S\\", "^"),
        ("\\T\\", "&"),
        ("\\R\\", "~"),
        ("\\E\\", "\\"),
        ("\\.br\\", "\n"),
        ("\\.sp\\", "\n"),
        ("\\.sp2\\", "\n\n"),
        ("\\.ce\\", "\n"),
        ("\\X41\\", "A"),
        ("\\XC3A9\\", "é"),
        ("\\XF09D9498\\", "𝔘"),
    ],
)
def test_each_escape_sequence_reads_and_round_trips(sequence: str, decoded: str) -> None:
    assert _read(_obr13(f"a{sequence}b")) == f"a{decoded}b"
    assert _read(_obr13(escape_text(f"a{decoded}b"))) == f"a{decoded}b"
    assert _read(_obr13(demo_escape(f"a{decoded}b"))) == f"a{decoded}b"


@pytest.mark.parametrize(
    "sequence",
    [
        "\\H\\",
        "\\N\\",
        "\\.in+4\\",
        "\\.ti-2\\",
        "\\.sk3\\",
        "\\.fi\\",
        "\\.nf\\",
        "\\C2842\\",
        "\\M2442\\",
        "\\Zlocal\\",
        "\\Q\\",
    ],
)
def test_formatting_and_unsupported_sequences_are_dropped_with_a_warning(sequence: str) -> None:
    message = parse(_obr13(f"a{sequence}b"))
    assert message.first("OBR").get(13) == "ab"
    assert [w.location for w in message.warnings] == ["OBR-13"]


def test_an_unclosed_escape_is_kept_as_text_with_a_warning() -> None:
    message = parse(_obr13("50 \\ 100"))
    assert message.first("OBR").get(13) == "50 \\ 100" and message.warnings


@pytest.mark.parametrize(
    ("charset", "codec", "text"),
    [
        ("UNICODE UTF-8", "utf-8", "Hélène Œuvre 5 € ½"),
        ("8859/15", "iso8859-15", "Hélène Œuvre 5 €"),
        ("8859/1", "iso8859-1", "Hélène ½ ÿ"),
        ("", "utf-8", "Hélène"),
    ],
)
def test_charsets_bytes_and_hex_escapes(charset: str, codec: str, text: str) -> None:
    """MSH-18 names the bytes' character set and the one of \\Xhh\\ sequences."""
    assert _read(_obr13(text, charset).encode(codec)) == text
    hex_escape = "\\X" + text.encode(codec).hex().upper() + "\\"
    assert _read(_obr13(hex_escape, charset)) == text
    assert _read(_obr13(hex_escape, charset).encode(codec)) == text


def test_bytes_that_are_not_in_the_declared_charset_are_a_located_error() -> None:
    with pytest.raises(HL7ParseError) as caught:
        parse(_obr13("Hélène", "UNICODE UTF-8").encode("iso8859-1"))
    assert caught.value.location == "MSH-18"


def test_other_encoding_characters_are_honoured() -> None:
    text = "MSH#$%@*#RIS#SITE#TLR#PLAT#2026##ORM$O01#C1#P#2.4\rOBR##1##X#########a@F@b@S@c$d%e*f"
    obr = parse(text).first("OBR")
    assert (obr.get(13, 1), obr.get(13, 2), obr.get(13, 1, rep=1), obr.get(13, 1, 2, rep=1)) == (
        "a#b$c",
        "d",
        "e",
        "f",
    )


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_escape_text_round_trips_any_text(value: str) -> None:
    expected = value.replace("\r\n", "\n").replace("\r", "\n")
    assert unescape(escape_text(value)) == expected
    assert _read(_obr13(escape_text(value))) == expected


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=200))
def test_the_demo_writer_and_the_builders_escape_round_trip(value: str) -> None:
    """What the demo's writer (teleplatform) and the flux 3 builder (hl7apy-bound ``escape``) write
    is read back identical; ``escape`` turns line breaks into spaces by design."""
    assert _read(_obr13(demo_escape(value))) == value.replace("\r\n", "\n").replace("\r", "\n")
    assert unescape(escape(value)) == value
