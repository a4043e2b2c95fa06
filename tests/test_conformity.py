"""docs/CONFORMITE.md stays true: every test it names exists, and it covers the four reference texts.

The tests are found in the source with ast, not run (the whole suite does that): a renamed or deleted
test must not leave the matrix pointing at nothing, which an auditor would take for proof.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MATRIX = ROOT / "docs" / "CONFORMITE.md"
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)(?:\[[^\]`]*\])?`")
ROW = re.compile(r"^\|\s*([CHAS]\d+)\s*\|(.*)\|\s*$")
SECTIONS = {
    "C": "Charte de téléradiologie G4",
    "H": "Guide HAS",
    "A": "Livre blanc ANS",
    "S": "Recommandations SNITEM",
}
STATES = ("Couvert", "Partiel", "Non couvert")


@cache
def _test_names(path: Path) -> frozenset[str]:
    """Test functions of a module, top level or in a test class."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_"):
            names.add(node.name)
    return frozenset(names)


def _rows() -> list[tuple[str, list[str]]]:
    rows = []
    for line in MATRIX.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            rows.append((match.group(1), [c.strip() for c in match.group(2).split("|")]))
    return rows


def missing_tests(text: str, root: Path = ROOT) -> list[str]:
    """The references of ``text`` whose file or test function does not exist."""
    missing = []
    for path_text, name in REFERENCE.findall(text):
        path = root / path_text
        if not path.is_file():
            missing.append(f"{path_text}::{name} (no such file)")
        elif name not in _test_names(path):
            missing.append(f"{path_text}::{name} (no such test)")
    return missing


def test_every_test_named_in_the_matrix_exists() -> None:
    text = MATRIX.read_text(encoding="utf-8")
    assert len(REFERENCE.findall(text)) >= 60
    assert missing_tests(text) == []


def test_the_check_fails_for_a_test_that_no_longer_exists(tmp_path: Path) -> None:
    module = tmp_path / "tests" / "test_x.py"
    module.parent.mkdir()
    module.write_text(
        "def test_here():\n    pass\n\nclass TestGroup:\n    def test_in_class(self):\n        pass\n"
    )
    ok = "`tests/test_x.py::test_here` `tests/test_x.py::test_in_class` `tests/test_x.py::test_here[a-b]`"
    assert missing_tests(ok, tmp_path) == []
    gone = "`tests/test_x.py::test_renamed` `tests/test_gone.py::test_here`"
    assert missing_tests(gone, tmp_path) == [
        "tests/test_x.py::test_renamed (no such test)",
        "tests/test_gone.py::test_here (no such file)",
    ]


def test_the_matrix_covers_the_four_texts_one_line_per_requirement() -> None:
    text = MATRIX.read_text(encoding="utf-8")
    rows = _rows()
    for prefix, title in SECTIONS.items():
        assert title in text
        assert sum(key.startswith(prefix) for key, _ in rows) >= 8, prefix
    keys = [key for key, _ in rows]
    assert len(keys) == len(set(keys)), "a requirement number is used twice"
    for key, cells in rows:
        assert len(cells) == 4, key  # requirement (section), feature, proof, state
        requirement, _feature, proof, state = cells
        assert re.search(r"\([^()]*\)\s*$", requirement), f"{key}: the section goes last, in brackets"
        assert state.startswith(STATES), f"{key}: unknown state {state!r}"
        if state.startswith("Couvert"):
            assert REFERENCE.search(proof), f"{key} is said covered without a test"
        if state.startswith("Non couvert") and not REFERENCE.search(proof):
            assert "ticket" in state or "optionnel" in state, f"{key}: say which issue describes it"


@pytest.mark.parametrize(
    "reference", ["`tests/test_conformity.py::test_every_test_named_in_the_matrix_exists`"]
)
def test_the_pattern_reads_the_matrix_form(reference: str) -> None:
    assert REFERENCE.findall(reference) == [
        ("tests/test_conformity.py", "test_every_test_named_in_the_matrix_exists")
    ]
