"""``python -m reporting.render`` end to end on the ANS example messages and a real RDSR."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from reporting.hl7 import extract_cda
from reporting.render import EXIT_BAD_INPUT, EXIT_NOT_SIGNABLE, EXIT_OK, main

FLUX = "data/hl7/ansforge-teleradiologie"
RDSR = "data/dicom/openrem_test_files_via_ckswilliams_modOpenREM/CT-RDSR-Siemens-Multi-2.dcm"
FINDINGS = """# Indication
Céphalées brutales, recherche d'hémorragie.

# Technique
Scanner cérébral sans injection.

# Résultats
- Pas d'hémorragie intracrânienne.
- Pas d'effet de masse.

# Conclusion
**Examen normal.** 🙂
"""
NS = {"h": "urn:hl7-org:v3"}


@pytest.fixture
def inputs(shared_dir: Path, tmp_path: Path) -> dict[str, Path]:
    """The ANS order and complement, the complement turned into a head CT; one RDSR as the study."""
    order = tmp_path / "orm.hl7"
    shutil.copy(shared_dir / FLUX / "flux1_ORM_O01_demande.hl7", order)
    complement = tmp_path / "omi.hl7"
    text = (shared_dir / FLUX / "flux4_OMI_O23_complement_post_examen.hl7").read_text("utf-8")
    text = text.replace("MR^IRM^DCM", "CT^Scanner^DCM").replace(
        "24590-2^résonance magnétique cerveau^LN", "30799-1^CT tête sans contraste^LN"
    )
    complement.write_text(text, "utf-8")
    study = tmp_path / "study"
    study.mkdir()
    shutil.copy(shared_dir / RDSR, study / "rdsr.dcm")
    findings = tmp_path / "cr.md"
    findings.write_text(FINDINGS, "utf-8")
    return {
        "order": order,
        "complement": complement,
        "study": study,
        "findings": findings,
        "out": tmp_path / "out",
    }


def args(paths: dict[str, Path], *extra: str) -> list[str]:
    return [
        "--order",
        str(paths["order"]),
        "--complement",
        str(paths["complement"]),
        "--study",
        str(paths["study"]),
        "--author",
        "10101010101 MARTIN Claire",
        "--findings",
        str(paths["findings"]),
        "--out",
        str(paths["out"]),
        "--no-pdf",
        *extra,
    ]


def test_refuses_with_the_list_of_what_is_missing(
    inputs: dict[str, Path], capsys: pytest.CaptureFixture
) -> None:
    assert main(args(inputs)) == EXIT_NOT_SIGNABLE
    err = capsys.readouterr().err
    assert "[IDENTITY_NOT_CHECKED, identity_check]" in err
    assert "[MISSING_REQUESTER, participants.requester]" in err
    assert err.count("  - ") == 2
    assert "Identité non vérifiée automatiquement" in err  # the anonymised RDSR names nobody
    assert not inputs["out"].exists()


def test_writes_the_cda_and_the_message(inputs: dict[str, Path], capsys: pytest.CaptureFixture) -> None:
    code = main(
        args(
            inputs,
            "--requester",
            "10000000007 DURAND Paul",
            "--identity-checked",
            "--act",
            "ACQK001=Scanographie du crâne et de son contenu, sans injection",
        )
    )
    assert code == EXIT_OK, capsys.readouterr().err
    cda = (inputs["out"] / "CR_OPN101_v1.xml").read_bytes()
    message = (inputs["out"] / "CR_OPN101_v1.hl7").read_text("utf-8")
    assert extract_cda(message) == cda
    assert message.startswith("MSH|^~\\&|TLRapp|TLRfacility|StructureApp|StructureFacility|")
    root = etree.fromstring(cda)
    dlp = root.xpath("//h:observation[h:code/@code='113813']/h:value/@value", namespaces=NS)
    assert [Decimal(v) for v in dlp] == [Decimal("77.27")]  # the RDSR's total
    assert root.xpath("//h:serviceEvent/h:code/h:translation/@code", namespaces=NS)[0] == "ACQK001"
    assert "🙂" in "".join(root.xpath("//h:section[h:code/@code='19005-8']//text()", namespaces=NS))
    assert "Les images ne correspondent pas" in capsys.readouterr().err  # RDSR of another study: said


def test_text_outside_chapters_and_bad_inputs(inputs: dict[str, Path], capsys: pytest.CaptureFixture) -> None:
    inputs["findings"].write_text("Texte libre sans titre\n" + FINDINGS, "utf-8")
    assert (
        main(args(inputs, "--requester", "10000000007 DURAND Paul", "--identity-checked"))
        == EXIT_NOT_SIGNABLE
    )
    assert "TEXT_OUTSIDE_CHAPTERS" in capsys.readouterr().err
    assert main(args(inputs, "--act", "XYZ")) == EXIT_BAD_INPUT
    assert "Code CCAM invalide" in capsys.readouterr().err
    assert main(args(inputs, "--author", "DUPONT")) == EXIT_BAD_INPUT
    assert "RPPS NOM Prénom" in capsys.readouterr().err
    inputs["order"].write_text("pas du HL7", "utf-8")
    assert main(args(inputs)) == EXIT_BAD_INPUT
    assert "Message HL7 inutilisable (MSH)" in capsys.readouterr().err
    inputs["order"].unlink()
    assert main(args(inputs)) == EXIT_BAD_INPUT
    assert "introuvable" in capsys.readouterr().err


def test_command_line_in_its_own_process_writes_the_pdf_too(inputs: dict[str, Path]) -> None:
    command = [
        sys.executable,
        "-m",
        "reporting.render",
        *args(inputs, "--requester", "10000000007 DURAND Paul", "--identity-checked"),
    ]
    command.remove("--no-pdf")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env, check=False)
    assert run.returncode == EXIT_OK, run.stderr
    written = [Path(line) for line in run.stdout.splitlines()]
    assert [p.suffix for p in written] == [".xml", ".hl7", ".pdf"]
    assert written[2].read_bytes().startswith(b"%PDF-")


def _run(inputs: dict[str, Path], *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "reporting.render", *args(inputs, *extra)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_exit_codes_tell_unreadable_from_not_signable_without_a_traceback(inputs: dict[str, Path]) -> None:
    """Issue 14: a v2.3.1 order printed hl7apy's traceback and exited 1, like "not signable"."""
    text = inputs["order"].read_text("utf-8")
    v231 = text.replace("|2.5.1|", "|2.3.1|").replace("|||1.0^CISIS_TLR_HL7_V2", "").replace("|N|VALI", "")
    inputs["order"].write_text(v231, "utf-8")
    run = _run(inputs)  # read like the v2.5.1 order; not signed (no requester, identity not checked)
    assert run.returncode == EXIT_NOT_SIGNABLE and "Traceback" not in run.stderr, run.stderr
    inputs["order"].write_text(text.replace("ORC|NW|OPN101", "ORC|NW|"), "utf-8")
    run = _run(inputs)
    assert run.returncode == EXIT_BAD_INPUT and "Traceback" not in run.stderr, run.stderr
    assert "ORC-2" in run.stderr
    inputs["order"].write_bytes(b"MSH|^~\\&|A|B|C|D|2026||ORM^O01|1|P|2.5.1|||||FRA|UNICODE UTF-8\r\xff\xfe")
    run = _run(inputs)
    assert run.returncode == EXIT_BAD_INPUT and "MSH-18" in run.stderr and "Traceback" not in run.stderr
