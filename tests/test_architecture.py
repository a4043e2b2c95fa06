"""The import rules of docs/ARCHITECTURE.md, checked on the source rather than trusted.

They keep the models testable without a display and the reference platform a separate program:
a rule broken once tends to spread, so the test names every offending import.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("workstation", "viewer", "reporting", "auth", "resources", "teleplatform", "hl7v2")

# package -> top-level packages of ours it must never import
FORBIDDEN: dict[str, set[str]] = {
    "viewer": {"workstation", "reporting", "auth", "teleplatform", "hl7v2"},
    "reporting": {"workstation", "viewer", "auth", "teleplatform"},
    "auth": {"workstation", "viewer", "reporting", "teleplatform", "hl7v2"},
    "resources": {"workstation", "viewer", "reporting", "auth", "teleplatform", "hl7v2"},
    "hl7v2": {"workstation", "viewer", "reporting", "auth", "teleplatform"},
    "workstation": {"teleplatform"},
    "teleplatform": {"workstation", "viewer", "reporting", "auth", "resources", "hl7v2"},
}
QT_MODULES = ("PySide6", "vtkmodules.qt")


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _is_qt_edge(path: Path) -> bool:
    """Qt is allowed in `qt/` sub-packages and `qt*.py` modules, and in the platform's nothing."""
    parts = path.relative_to(ROOT).parts
    return any(p == "qt" or p.startswith("qt_") for p in parts[1:-1]) or parts[-1].startswith("qt")


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_forbidden_imports(package: str) -> None:
    bad = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in _sources(package)
        for line, name in _imports(path)
        if name.split(".")[0] in FORBIDDEN[package]
    ]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("package", ["viewer", "reporting", "auth", "workstation", "hl7v2"])
def test_models_are_qt_free(package: str) -> None:
    bad = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in _sources(package)
        if not _is_qt_edge(path) and path.name != "__main__.py"
        for line, name in _imports(path)
        if name.startswith(QT_MODULES)
    ]
    assert not bad, "Qt outside a qt/ module:\n" + "\n".join(bad)


def test_checker_sees_the_tree() -> None:
    """Guards the two tests above against passing on an empty or moved tree."""
    assert all((ROOT / p / "__init__.py").is_file() for p in PACKAGES)
    assert sum(len(_sources(p)) for p in PACKAGES) >= len(PACKAGES)
