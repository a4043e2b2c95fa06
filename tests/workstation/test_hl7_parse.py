"""Reading HL7 v2: the real examples of ../shared, every separator, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from hl7v2.message import normalise
from workstation.hl7 import HL7ParseError, escape, parse, parse_ack, unescape

MINIMAL = "MSH|^~\\&|SITE|FAC|TLR|PLAT|20260106134418||ORM^O01^ORM_O01|C1|P|2.5.1\rPID|||123^^^X&1.2&ISO^PI"


def _examples(shared: Path) -> list[Path]:
    found = sorted(
        p for p in (shared / "data" / "hl7").rglob("*") if p.is_file() and p.suffix in {".hl7", ".er7"}
    )
    assert len(found) >= 12, "the shared HL7 examples moved"
    return found


def test_every_shared_example_parses_or_names_segment_and_field(shared_dir: Path) -> None:
    for path in _examples(shared_dir):
        text = path.read_bytes().decode("utf-8")
        try:
            message = parse(text)
        except HL7ParseError as exc:  # allowed, but only with a location
            assert exc.segment and exc.user_message.startswith("Message HL7 inutilisable"), path.name
            continue
        assert message.msh.name == "MSH"
        assert message.control_id, path.name
        # nothing is lost: as many segments as the file has lines
        assert len(message.segments) == len(normalise(text).split("\r")), path.name


def test_shared_examples_read_with_their_values(shared_dir: Path) -> None:
    tlr = shared_dir / "data" / "hl7" / "ansforge-teleradiologie"
    request = parse((tlr / "flux1_ORM_O01_demande.hl7").read_bytes().decode("utf-8"))
    assert (request.message_type, request.structure, request.control_id, request.version) == (
        "ORM^O01",
        "ORM_O01",
        "000001",
        "2.5.1",
    )
    assert request.msh.get(21, 2) == "CISIS_TLR_HL7_V2"
    pid = request.one("PID", "PID")
    assert pid.get(3, 4, 2) == "1.2.250.1.213.1.4.10"  # a sub-component
    assert pid.get(11, 9, rep=1) == "63220"  # second repetition
    assert [o.get(3) for o in request.all("OBX")][:3] == [
        "MODALITE_IMAGERIE",
        "REGION_ANATOMIQUE",
        "REGION_ANATOMIQUE",
    ]
    ack = parse_ack((shared_dir / "data/hl7/ansforge-hl7V2-exemples/ACK_R01_TransCDA_V2.1.hl7").read_text())
    assert ack.accepted and ack.control_id


@pytest.mark.parametrize("separator", ["\r", "\n", "\r\n"])
def test_any_segment_separator_is_accepted(separator: str) -> None:
    message = parse(MINIMAL.replace("\r", separator) + separator)
    assert [s.name for s in message.segments] == ["MSH", "PID"]
    assert message.first("PID").get(3, 4, 2) == "1.2"


def test_the_cda_in_hl7v2_oru_keeps_its_later_version_segment(shared_dir: Path) -> None:
    """The CI-SIS ORU is v2.5 but carries PRT (v2.7+): read, not dropped, not refused."""
    path = shared_dir / "data/hl7/ansforge-hl7V2-exemples/MDM_T02_TransCDA_V2.1_CR-IMG_N1_full_base64.er7"
    message = parse(path.read_text(encoding="utf-8"))
    assert message.first("PRT") is not None


def test_escape_sequences_are_decoded_and_reencoded() -> None:
    text = MINIMAL + "\rNTE|1||a \\F\\ b \\S\\ c \\T\\ d \\R\\ e \\E\\ f\\.br\\g\\X0A\\h\\H\\i\\N\\"
    nte = parse(text).first("NTE")
    assert nte.get(3) == "a | b ^ c & d ~ e \\ f\ng\nhi"
    for value in ["a|b^c&d~e\\f", "\\F\\ literal", "é ü 𝔘"]:
        assert unescape(escape(value)) == value
    assert escape("line 1\nline 2") == "line 1 line 2"  # a leaf never carries a separator


@pytest.mark.parametrize(
    ("text", "segment", "field"),
    [
        ("", "MSH", None),
        ("hello world", "MSH", None),
        ("PID|||123", "MSH", None),
        ("MSH|^~\\&|A", "MSH", 9),  # truncated inside MSH
        ("MSH|^~|A|B|C|D|2026||ORU^R01|1|P|2.5.1", "MSH", 2),
        ("MSH|^~\\&|A|B|C|D|2026||Z!Z^Z99|1|P|2.5.1", "MSH", 9),  # malformed message type
        ("MSH|^~\\&|A|B|C|D|2026||ORU^R01|1|P|9.9", "MSH", 12),
        ("MSH|^~\\&|A|B|C|D|2026||ORU^R01||P|2.5.1", "MSH", 10),
        ("MSH|^~\\&|A|B|C|D|2026||ORU^R01|1|P|2.5.1\rxY|1", "segment 2", None),  # not a segment name
        ("MSH|^~\\&|A|B|C|D|2026||ORU^R01|1|P|2.5.1\rMSh|1", "segment 2", None),
        ("MSH|^~\\&|A|B|C|D|2026||ORU^R01|1|P|2.5.1\rMSH|^~\\&|A", "MSH", None),  # a batch
    ],
)
def test_bad_input_is_a_located_error_not_a_crash(text: str, segment: str, field: int | None) -> None:
    with pytest.raises(HL7ParseError) as caught:
        parse(text)
    assert (caught.value.segment, caught.value.field) == (segment, field)
    assert caught.value.user_message.startswith("Message HL7 inutilisable")
    assert str(caught.value).startswith("HL7 ")


def test_a_truncated_message_keeps_what_arrived(shared_dir: Path) -> None:
    text = (shared_dir / "data/hl7/ansforge-teleradiologie/flux1_ORM_O01_demande.hl7").read_bytes().decode()
    cut = parse(text[: len(text) // 2])
    assert cut.first("ORC") is not None and len(cut.all("OBX")) < len(parse(text).all("OBX"))


def test_parse_ack_reads_code_control_id_and_reason() -> None:
    text = (
        "MSH|^~\\&|TLR|PLAT|WS|RAD|20260106134419||ACK^R01^ACK|A2|P|2.5.1\r"
        "MSA|AE|C-42|Message incomplet\r"
        "ERR||OBX^3^5|101^Champ requis absent^HL70357|E||||Protocole vide"
    )
    ack = parse_ack(text)
    assert (ack.code.value, ack.control_id, ack.error_location) == ("AE", "C-42", "OBX-5")
    assert ack.reason == "Message incomplet ; Champ requis absent ; Protocole vide"
    assert not ack.accepted and "OBX-5" in ack.user_message


@pytest.mark.parametrize(
    ("text", "segment", "field"),
    [
        (MINIMAL, "MSH", 9),  # not an ACK
        ("MSH|^~\\&|A|B|C|D|2026||ACK|1|P|2.5.1", "MSA", None),
        ("MSH|^~\\&|A|B|C|D|2026||ACK|1|P|2.5.1\rMSA|ZZ|C1", "MSA", 1),
        ("MSH|^~\\&|A|B|C|D|2026||ACK|1|P|2.5.1\rMSA|AA", "MSA", 2),
    ],
)
def test_parse_ack_rejects_what_is_not_a_usable_ack(text: str, segment: str, field: int | None) -> None:
    with pytest.raises(HL7ParseError) as caught:
        parse_ack(text)
    assert (caught.value.segment, caught.value.field) == (segment, field)
