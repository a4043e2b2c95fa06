"""Keeps the Qt Linguist files in step with the code.

    .venv/bin/python scripts/translations.py update    # extract: new strings appear as unfinished
    .venv/bin/python scripts/translations.py release   # compile the .ts files into the .qm Qt loads
    .venv/bin/python scripts/translations.py check     # unfinished or placeholder-mismatched entries

After ``update``, translate the unfinished entries (Qt Linguist, ``pyside6-linguist``, or any
editor), then ``release``. tests/test_translations.py fails while code, .ts and .qm disagree.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from resources.translations import PACKAGES, SOURCE_LANGUAGE, directory, ts_file  # noqa: E402

# English in full; French, the source language, only for its plural forms
TARGETS = ("en", "fr")
_QT_LOCALES = {"en": "en_GB", "fr": "fr_FR"}
# {name}, {0}, %1, %n: what str.format and Qt substitute; a translation must keep every one
_PLACEHOLDER = re.compile(r"\{[A-Za-z_0-9]*(?:[:!][^{}]*)?\}|%n|%L?\d")


def _tool(name: str) -> str:
    """The Qt tool shipped with PySide6 next to this interpreter (the .venv), else on PATH."""
    local = Path(sys.executable).with_name(f"pyside6-{name}")
    return str(local) if local.exists() else f"pyside6-{name}"


def package_sources(package: str, root: Path = ROOT) -> list[Path]:
    return sorted(p for p in (root / package).rglob("*.py") if "__pycache__" not in p.parts)


def update(ts: Path, package: str, language: str, root: Path = ROOT) -> None:
    """Extracts ``package``'s strings into ``ts`` (created if absent), keeping existing translations."""
    command = [
        _tool("lupdate"),
        "-silent",
        *(["-pluralonly"] if language == SOURCE_LANGUAGE else []),
        "-no-obsolete",
        "-locations", "none",
        "-source-language", _QT_LOCALES["fr"],
        "-target-language", _QT_LOCALES[language],
        *map(str, package_sources(package, root)),
        "-ts", str(ts),
    ]
    subprocess.run(command, check=True, capture_output=True, text=True)


def release(ts: Path, qm: Path) -> None:
    subprocess.run(
        [_tool("lrelease"), "-silent", "-nounfinished", str(ts), "-qm", str(qm)],
        check=True, capture_output=True, text=True,
    )


def problems(ts: Path) -> list[str]:
    """Unfinished entries and translations that lost or invented a placeholder."""
    found = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
            where = f"{ts.name} [{name}] {source!r}"
            if translation.get("type") in ("unfinished", "vanished", "obsolete") or not all(forms):
                found.append(f"{where}: not translated")
                continue
            expected = sorted(set(_PLACEHOLDER.findall(source)))
            for form in forms:
                got = sorted(set(_PLACEHOLDER.findall(form)))
                # a plural form may spell the count out ("one study") instead of using %n
                if got != expected and not (message.get("numerus") and set(got) <= set(expected)):
                    found.append(f"{where}: placeholders {expected} became {got} in {form!r}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("action", choices=("update", "release", "check"))
    parser.add_argument("--package", choices=PACKAGES, help="only this package's files (default: all)")
    args = parser.parse_args(argv)
    status = 0
    for language in TARGETS:
        for package in [args.package] if args.package else PACKAGES:
            ts = ts_file(package, language)
            if args.action == "update":
                update(ts, package, language)
            elif args.action == "release":
                release(ts, directory() / f"{package}_{language}.qm")
            else:
                for line in problems(ts):
                    print(line)
                    status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
