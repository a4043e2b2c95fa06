"""Charter §8.2 (issue 23, item 9): docs/ARCHITECTURE.md « Déclarations » lists every flow and every
query/retrieve of the workstation. The code is grepped for what reaches outside (platform endpoints,
DICOMweb operations, DIMSE operations, HL7 message types written) and each must be declared, and each
declared fingerprint must still be in the code: a new call that nobody declared fails here."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("workstation", "auth", "reporting", "hl7v2", "viewer", "resources")

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r'f"\{API\}(/[^"]*)"'), "/api/v1{}"),  # the platform client's endpoints
    (re.compile(r'_call\(\s*"[A-Z]+",\s*f?"(/[^"]*)"'), "/api/v1{}"),  # audit shipping's client.call
    (re.compile(r'f"\{self\.issuer\}(/[^"]*)"'), "{}"),  # OpenID Connect discovery
    # called or handed over (functools.partial): either way the operation is in the code
    (re.compile(r"self\.client\.(search_for_\w+|retrieve_\w+|store_instances)\b"), "dicomweb:{}"),
    (re.compile(r'f"\{self\.dicomweb\.url\}(/[^"]*)"'), "dicomweb:{}"),  # raw WADO-RS (streaming)
    (re.compile(r"\b(send_c_(?:find|move|get|store|echo)|EVT_C_STORE)\b"), "{}"),
    (re.compile(r'"((?:ORU|MDM|ORM|OMI|ADT|ACK)\^[A-Z0-9]+\^[A-Z0-9_]+)"'), "{}"),  # types we write
)


def _section() -> str:
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text("utf-8")
    start = text.index("## Déclarations")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def declared() -> dict[str, str]:
    """Fingerprint → row id, from the last column of the table."""
    found: dict[str, str] = {}
    for line in _section().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 8 or not re.fullmatch(r"D\d+", cells[0]):
            continue
        for token in re.findall(r"`([^`]+)`", cells[-1]):
            found[token] = cells[0]
    return found


def in_code() -> dict[str, set[str]]:
    """Fingerprint → the files that show it."""
    found: dict[str, set[str]] = {}
    for package in SCANNED:
        for path in sorted((ROOT / package).rglob("*.py")):
            source = path.read_text("utf-8")
            for pattern, form in _PATTERNS:
                for match in pattern.finditer(source):
                    token = form.format(_PLACEHOLDER.sub("{}", match.group(1)))
                    found.setdefault(token, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_flow_and_query_of_the_code_is_declared() -> None:
    undeclared = {t: sorted(f) for t, f in in_code().items() if t not in declared()}
    assert undeclared == {}, "declare these in docs/ARCHITECTURE.md « Déclarations »"


def test_every_declaration_is_still_in_the_code() -> None:
    code = in_code()
    stale = {t: row for t, row in declared().items() if t not in code}
    assert stale == {}, "declared but no longer in the code"


def test_the_table_is_read_and_names_the_query_retrieve_flows() -> None:
    """The parser itself: the rows marked Q/R « oui » include the priors look-up and the DIMSE one."""
    rows = [line for line in _section().splitlines() if re.match(r"\|\s*D\d+\s*\|", line)]
    qr = {line.split("|")[1].strip() for line in rows if "**oui**" in line.split("|")[4]}
    declarations = declared()
    assert declarations["dicomweb:search_for_studies"] in qr  # priors on the platform
    assert declarations["send_c_find"] in qr and declarations["send_c_move"] in qr  # a site's PACS
    assert declarations["/api/v1/worklist"] in qr
    assert len(rows) >= 15 and len(declarations) >= 30
