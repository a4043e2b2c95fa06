"""Nothing built that the application cannot reach: no public function used only by tests.

A function the tests exercise but no code of the application calls is a feature the user never gets
(the Pro Santé Connect sign-in was one): either wire it where the application needs it, or delete
it with its tests. The check is by name, on the source: a public function or method (no leading
underscore) of our packages counts as reached when its name is used anywhere in the code outside
``tests/`` (a call, an attribute, an import, a name in a string such as a child-process target),
other than its own definition and ``__all__`` lists. Being by name it can only miss an unused
function (a namesake elsewhere hides it), never accuse a used one.

Not checked: methods that a framework calls (classes deriving from a class that is not ours and not a
plain exception, enum, protocol or named tuple: a Qt model's ``data``, an HTTP handler's ``do_GET``),
dunder methods, and the entry points listed in :data:`ENTRY_POINTS` (commented, each with why).
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("workstation", "viewer", "reporting", "auth", "resources", "teleplatform", "hl7v2")
# code outside tests/ that may call the packages (tools the project ships or runs)
USERS = (*PACKAGES, "bench", "scripts", "packaging")

# Bases a class may have without its methods being called by a framework.
PLAIN_BASES = frozenset({
    "object", "Exception", "ValueError", "RuntimeError", "KeyError", "LookupError", "OSError",
    "TypeError", "Enum", "IntEnum", "StrEnum", "Flag", "Protocol", "NamedTuple", "Generic", "ABC",
})

# module:function -> why it is reached although no code of ours calls it
ENTRY_POINTS: dict[str, str] = {
    # [project.scripts] of pyproject.toml and `python -m` commands: run by the user or the installer
    "workstation.__main__:main": "the `teleradiologie` command",
    "teleplatform.__main__:main": "the `teleplatform` command",
}

# Reached only by tests, awaiting their owner's wiring or deletion (issue 18): empty now, and meant
# to stay so; an entry here needs a reason and an owner.
PENDING: dict[str, str] = {}


@dataclass(frozen=True, slots=True)
class Definition:
    module: str
    qualname: str
    path: Path
    line: int

    @property
    def name(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]


def _module(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources(root: Path, packages: tuple[str, ...]) -> list[Path]:
    return sorted(
        p for package in packages if (root / package).exists()
        for p in ((root / package).rglob("*.py") if (root / package).is_dir() else [root / package])
        if "__pycache__" not in p.parts
    )


@functools.cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _base_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):  # Generic[T], Protocol[T]
        return _base_name(node.value)
    return ""


def _runs_as_main(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.If) and "__main__" in ast.unparse(node.test) for node in tree.body
    )


def definitions(root: Path, packages: tuple[str, ...] = PACKAGES) -> list[Definition]:
    """The public functions and methods the check looks at."""
    ours = {
        node.name
        for path in _sources(root, packages)
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.ClassDef)
    }
    found: list[Definition] = []
    for path in _sources(root, packages):
        tree = _tree(path)
        module = _module(root, path)
        main_module = path.name == "__main__.py" or _runs_as_main(tree)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_"):
                if node.name == "main" and main_module:  # `python -m module`: the user runs it
                    continue
                found.append(Definition(module, node.name, path, node.lineno))
            elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                bases = {_base_name(b) for b in node.bases}
                if any(b not in ours and b not in PLAIN_BASES for b in bases):
                    continue  # a framework's subclass: the framework calls its methods
                methods = [i for i in node.body if isinstance(i, ast.FunctionDef | ast.AsyncFunctionDef)]
                for item in methods:
                    if not item.name.startswith("_"):
                        found.append(Definition(module, f"{node.name}.{item.name}", path, item.lineno))
    return found


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def used_names(root: Path, users: tuple[str, ...] = USERS) -> dict[str, int]:
    """How many times each name is used in the code outside tests/ (definitions and __all__ aside)."""
    counts: dict[str, int] = {}

    def count(name: str) -> None:
        counts[name] = counts.get(name, 0) + 1

    for path in _sources(root, users):
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Name):
                count(node.id)
            elif isinstance(node, ast.Attribute):
                count(node.attr)
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    count(alias.name)
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
            ):
                continue
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 200:
                for word in _WORD.findall(node.value):  # "module:function" targets, getattr names
                    count(word)
    # the strings of __all__ were counted above (ast.walk enters the list): take them back
    for path in _sources(root, users):
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
            ):
                for element in ast.walk(node.value):
                    if isinstance(element, ast.Constant) and isinstance(element.value, str):
                        counts[element.value] -= 1
    return counts


def reached_only_by_tests(root: Path) -> list[str]:
    used = used_names(root)
    return sorted(
        f"{d.path.relative_to(root)}:{d.line} {d.module}.{d.qualname}"
        for d in definitions(root)
        if f"{d.module}:{d.qualname}" not in ENTRY_POINTS | PENDING and used.get(d.name, 0) == 0
    )


def test_no_public_function_is_reached_only_by_tests() -> None:
    unreached = reached_only_by_tests(ROOT)
    assert not unreached, "wire these into the application or delete them:\n" + "\n".join(unreached)


def test_the_allow_lists_are_not_stale() -> None:
    """Each line names a real function (a renamed entry point must not leave a stale line), and a
    pending one leaves the list as soon as the application calls it or it is deleted."""
    defined = {f"{d.module}:{d.qualname}" for d in definitions(ROOT)} | {
        f"{_module(ROOT, p)}:main" for p in _sources(ROOT, PACKAGES) if p.name == "__main__.py"
    }
    assert set(ENTRY_POINTS) <= defined
    used = used_names(ROOT)
    settled = [
        name for name in PENDING if name not in defined or used.get(re.split("[:.]", name)[-1], 0)
    ]
    assert not settled, f"remove from PENDING: {settled}"


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    (tmp_path / "workstation").mkdir()
    (tmp_path / "workstation" / "__init__.py").write_text("")
    (tmp_path / "workstation" / "model.py").write_text(
        "from PySide6.QtCore import QAbstractTableModel\n"
        "__all__ = ['lonely']\n"
        "def used(): return 1\n"
        "def lonely(): return used()\n"
        "def _private(): pass\n"
        "def by_name(): pass\n"
        "class Session:\n"
        "    def hold(self): pass\n"
        "    def tick(self): return self\n"
        "class Model(QAbstractTableModel):\n"
        "    def data(self, index, role): pass\n"
    )
    (tmp_path / "workstation" / "app.py").write_text(
        "from workstation.model import Session, used\n"
        "Session().tick()\n"
        "TARGET = 'workstation.model:by_name'\n"
    )
    (tmp_path / "workstation" / "cli.py").write_text(
        "def main(): pass\nif __name__ == '__main__':\n    main()\n"
    )
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_model.py").write_text("from workstation.model import lonely\nlonely()\n")
    return tmp_path


def test_the_check_finds_what_only_tests_reach(planted: Path) -> None:
    """``lonely`` (tests only, __all__ does not count) and ``Session.hold`` are reported; a function
    called, a name in a string, a private one, a Qt override and a `python -m` main are not."""
    found = [line.split(" ", 1)[1] for line in reached_only_by_tests(planted)]
    assert found == ["workstation.model.lonely", "workstation.model.Session.hold"]
