"""The import rules of docs/ARCHITECTURE.md, checked on the source rather than trusted.

They keep the models testable without a display and the reference platform a separate program:
a rule broken once tends to spread, so the check names every offending import. Each rule is a
function over a source tree (:func:`violations`), run on this repository and, to prove it can
fail, on a throw-away tree with one planted violation per rule.

The rules:

- **siblings**: ``viewer``, ``reporting``, ``auth`` and ``hl7v2`` do not import each other (only
  ``reporting`` may read HL7 through ``hl7v2``); ``resources`` imports none of them;
- **workstation**: nothing imports ``workstation`` (it composes the others);
- **platform**: ``teleplatform`` imports nothing of ours and nothing of ours imports it (the two
  programs share wire formats only);
- **qt**: outside a Qt edge (a ``qt/`` sub-package or a ``qt*.py`` module of ``viewer``,
  ``reporting``, ``auth`` or ``workstation``; in ``resources`` only ``resources/translations/qt.py``;
  in ``teleplatform`` none), no module imports PySide6, shiboken6, VTK's Qt module or one of *our*
  Qt edges (``reporting.qt.pdf`` from a model is a Qt import too). Imports inside functions count:
  a lazy import still makes the model need a display;
- **vtk**: VTK is imported by ``viewer`` only.

``__main__.py`` modules are entry points (they start the Qt application) and are exempt from the Qt
rule only.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("workstation", "viewer", "reporting", "auth", "resources", "teleplatform", "hl7v2")
OURS = frozenset(PACKAGES)

# package -> top-level packages of ours it must never import (the siblings rule)
SIBLINGS: dict[str, frozenset[str]] = {
    "viewer": frozenset({"reporting", "auth", "hl7v2"}),
    "reporting": frozenset({"viewer", "auth"}),
    "auth": frozenset({"viewer", "reporting", "hl7v2"}),
    "hl7v2": frozenset({"viewer", "reporting", "auth"}),
    "resources": frozenset({"viewer", "reporting", "auth", "hl7v2"}),
}
QT_LIBRARIES = ("PySide6", "shiboken6", "vtkmodules.qt")
# packages whose qt/ sub-packages and qt*.py modules may use Qt; other allowed edges by path
QT_EDGE_PACKAGES = frozenset({"viewer", "reporting", "auth", "workstation"})
QT_EDGE_FILES = frozenset({("resources", "translations", "qt.py")})
VTK_PACKAGES = frozenset({"viewer"})


@dataclass(frozen=True, slots=True)
class Import:
    path: Path  # relative to the tree's root
    line: int
    module: str  # absolute dotted name (relative imports resolved)


def _module_name(relative: Path) -> list[str]:
    parts = list(relative.with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


@functools.cache
def imports_of(root: Path, path: Path) -> list[Import]:
    """Every import of ``path`` (anywhere in it, functions included), as absolute module names."""
    relative = path.relative_to(root)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(relative)
    if relative.name != "__init__.py":
        package = package[:-1]
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(Import(relative, node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            found.append(Import(relative, node.lineno, base))
            # ``from pkg import name`` imports the module pkg.name when there is one (``from .qt import pdf``)
            folder = root.joinpath(*base.split("."))
            found.extend(
                Import(relative, node.lineno, f"{base}.{alias.name}")
                for alias in node.names
                if (folder / f"{alias.name}.py").is_file() or (folder / alias.name / "__init__.py").is_file()
            )
    return found


def sources(root: Path, package: str) -> list[Path]:
    return sorted(p for p in (root / package).rglob("*.py") if "__pycache__" not in p.parts)


def is_qt_edge(relative: Path) -> bool:
    """May this file (relative to the root) use Qt?"""
    parts = relative.parts
    if parts in QT_EDGE_FILES:
        return True
    if parts[0] not in QT_EDGE_PACKAGES:
        return False
    return any(p == "qt" or p.startswith("qt_") for p in parts[1:-1]) or parts[-1].startswith("qt")


def is_qt_module(module: str) -> bool:
    """Is ``module`` Qt: a Qt library, or one of our Qt edges?"""
    if module.startswith(QT_LIBRARIES):
        return True
    parts = module.split(".")
    if parts[0] not in OURS:
        return False
    candidate = Path(*parts[:-1], parts[-1] + ".py") if len(parts) > 1 else Path(parts[0])
    return len(parts) > 1 and (is_qt_edge(candidate) or is_qt_edge(Path(*parts, "__init__.py")))


def _top(module: str) -> str:
    return module.split(".")[0]


def rule_siblings(imp: Import) -> str | None:
    target = _top(imp.module)
    if target in SIBLINGS.get(imp.path.parts[0], ()):
        return f"{imp.path.parts[0]} must not import {target}"
    return None


def rule_workstation(imp: Import) -> str | None:
    if imp.path.parts[0] != "workstation" and _top(imp.module) == "workstation":
        return "nothing imports workstation"
    return None


def rule_platform(imp: Import) -> str | None:
    source, target = imp.path.parts[0], _top(imp.module)
    if source == "teleplatform" and target in OURS - {"teleplatform"}:
        return "the platform imports nothing of ours"
    if source != "teleplatform" and target == "teleplatform":
        return "nothing of ours imports the platform"
    return None


def rule_qt(imp: Import) -> str | None:
    if imp.path.name == "__main__.py" or is_qt_edge(imp.path):
        return None
    return "Qt outside a Qt edge" if is_qt_module(imp.module) else None


def rule_vtk(imp: Import) -> str | None:
    if _top(imp.module) in ("vtk", "vtkmodules") and imp.path.parts[0] not in VTK_PACKAGES:
        return "VTK outside the viewer"
    return None


RULES: dict[str, Callable[[Import], str | None]] = {
    "siblings": rule_siblings,
    "workstation": rule_workstation,
    "platform": rule_platform,
    "qt": rule_qt,
    "vtk": rule_vtk,
}


def violations(root: Path, rule: str) -> list[str]:
    """Every import of the tree under ``root`` that breaks ``rule``, as ``path:line imports module (why)``."""
    check = RULES[rule]
    found: dict[str, str] = {}  # one per import statement: "path:line" -> the first module that breaks it
    for package in PACKAGES:
        if not (root / package).is_dir():
            continue
        for path in sources(root, package):
            for imp in imports_of(root, path):
                why = check(imp)
                if why:
                    found.setdefault(f"{imp.path}:{imp.line}", f"imports {imp.module} ({why})")
    return [f"{where} {what}" for where, what in sorted(found.items())]


@pytest.mark.parametrize("rule", sorted(RULES))
def test_the_tree_keeps_the_rule(rule: str) -> None:
    bad = violations(ROOT, rule)
    assert not bad, "\n".join(bad)


def test_checker_sees_the_tree() -> None:
    """Guards the rules against passing on an empty or moved tree."""
    assert all((ROOT / p / "__init__.py").is_file() for p in PACKAGES)
    assert sum(len(sources(ROOT, p)) for p in PACKAGES) > 150
    seen = {i.module for i in imports_of(ROOT, ROOT / "workstation" / "qt" / "main_window.py")}
    assert "PySide6.QtWidgets" in seen and any(m.startswith("viewer.") for m in seen)


# --- each rule fails on a planted violation -------------------------------------------------------------

PLANTED: dict[str, list[tuple[str, str]]] = {
    # rule: [(file, source that breaks it), ...]
    "siblings": [
        ("viewer/uses_report.py", "from reporting.model import Report\n"),
        ("auth/reads_hl7.py", "def f():\n    import hl7v2.message\n"),
        ("resources/looks.py", "from viewer import geometry\n"),
    ],
    "workstation": [
        ("reporting/back.py", "import workstation.app\n"),
        ("hl7v2/back.py", "from workstation import orders\n"),
    ],
    "platform": [
        ("teleplatform/shared.py", "from hl7v2.escape import unescape\n"),
        ("teleplatform/texts.py", "from resources.translations import QT_TRANSLATE_NOOP\n"),
        ("workstation/cheat.py", "from teleplatform.demo import cases\n"),
    ],
    "qt": [
        ("reporting/render.py", "def pdf():\n    from reporting.qt.pdf import write_pdf\n"),
        ("reporting/relative.py", "from .qt import pdf\n"),
        ("workstation/selftest/probe.py", "from workstation.qt.diagnostics import qt_probe\n"),
        ("viewer/model.py", "from PySide6.QtCore import QObject\n"),
        ("auth/model.py", "import shiboken6\n"),
        ("hl7v2/model.py", "from resources.translations.qt import text\n"),
        ("resources/styles.py", "from PySide6.QtGui import QColor\n"),
        ("teleplatform/qt_page.py", "from PySide6.QtWidgets import QWidget\n"),
        ("teleplatform/qt/view.py", "import PySide6\n"),
    ],
    "vtk": [
        ("workstation/probe.py", "def p():\n    from vtkmodules.vtkRenderingCore import vtkRenderer\n"),
        ("reporting/figure.py", "import vtk\n"),
    ],
}
# the same rules allow these (each must stay silent)
ALLOWED: list[tuple[str, str]] = [
    ("reporting/qt/pdf.py", "from PySide6.QtGui import QPdfWriter\n"),
    ("reporting/qt_export.py", "from PySide6.QtGui import QTextDocument\nfrom reporting.qt import pdf\n"),
    ("reporting/order.py", "from hl7v2.order import Order\n"),
    ("resources/translations/qt.py", "from PySide6.QtCore import QTranslator\n"),
    ("workstation/qt/window.py", "from viewer.qt import viewport\nfrom auth.qt import login_dialog\n"),
    ("workstation/selftest/qt_probe.py", "from PySide6.QtGui import QGuiApplication\n"),
    ("workstation/__main__.py", "from PySide6.QtWidgets import QApplication\n"),
    ("workstation/app.py", "from reporting.model import Report\nfrom .platform import client\n"),
    ("viewer/volume.py", "from vtkmodules.vtkRenderingCore import vtkRenderer\n"),
    ("viewer/uses_resources.py", "from resources.translations import QT_TRANSLATE_NOOP\n"),
]


def _plant(root: Path, files: list[tuple[str, str]]) -> None:
    for package in PACKAGES:
        (root / package).mkdir(parents=True, exist_ok=True)
        (root / package / "__init__.py").touch()
    for name, text in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.parent != root / path.parts[0] and not (path.parent / "__init__.py").exists():
            (path.parent / "__init__.py").touch()
        path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("rule", "name", "text"), [(rule, name, text) for rule, files in PLANTED.items() for name, text in files]
)
def test_each_rule_fails_on_a_planted_violation(tmp_path: Path, rule: str, name: str, text: str) -> None:
    _plant(tmp_path, [*ALLOWED, (name, text)])
    found = violations(tmp_path, rule)
    assert len(found) == 1 and found[0].startswith(f"{name}:"), found


def test_the_allowed_edges_break_no_rule(tmp_path: Path) -> None:
    _plant(tmp_path, ALLOWED)
    assert {rule: violations(tmp_path, rule) for rule in RULES} == {rule: [] for rule in RULES}
