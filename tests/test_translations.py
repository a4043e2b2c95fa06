"""The interface's languages: code, Qt Linguist files and compiled files kept in step.

French is written in the code; ``resources/translations/<package>_en.ts`` holds the English and
``<package>_fr.ts`` the French plural forms. These tests fail when a string was wrapped in the code
but not translated, when a translation lost a placeholder, or when the ``.qm`` Qt loads is older
than its ``.ts`` — the ways a user would otherwise see French in English, « 1 demande(s) », or a
broken sentence.
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from resources.translations import PACKAGES, QT_TRANSLATE_NOOP, UserText, qm_files, ts_file
from scripts.translations import TARGETS, problems, release, update

ROOT = Path(__file__).resolve().parents[1]


def _messages(ts: Path) -> set[tuple[str, str]]:
    root = ET.parse(ts).getroot()
    return {
        (context.findtext("name") or "", message.findtext("source") or "")
        for context in root.iter("context")
        for message in context.iter("message")
    }


FILES = [(package, language) for language in TARGETS for package in PACKAGES]


@pytest.mark.parametrize(("package", "language"), FILES)
def test_ts_file_has_every_string_of_the_code(package: str, language: str, tmp_path: Path) -> None:
    """Re-extracting the package's strings into a copy of its .ts adds and removes nothing."""
    committed = ts_file(package, language)
    copy = tmp_path / committed.name
    shutil.copy(committed, copy)
    update(copy, package, language)
    added = _messages(copy) - _messages(committed)
    removed = _messages(committed) - _messages(copy)
    assert not added, f"in the code, not in {committed.name} (scripts/translations.py update): {added}"
    assert not removed, f"strings in {committed.name} no longer in the code: {removed}"
    if language == "en":
        assert _messages(committed), f"{committed.name} is empty: the package's strings are not marked"


@pytest.mark.parametrize(("package", "language"), FILES)
def test_every_string_is_translated_with_its_placeholders(package: str, language: str) -> None:
    assert problems(ts_file(package, language)) == []


@pytest.mark.parametrize(("package", "language"), FILES)
def test_compiled_file_matches_its_source(package: str, language: str, tmp_path: Path) -> None:
    fresh = tmp_path / f"{package}_{language}.qm"
    release(ts_file(package, language), fresh)
    shipped = next(q for q in qm_files(language) if q.name == fresh.name)
    assert shipped.read_bytes() == fresh.read_bytes(), (
        f"{shipped.name} is older than {package}_{language}.ts: run scripts/translations.py release"
    )


def test_french_plurals_agree(qapp) -> None:  # type: ignore[no-untyped-def]
    """French is the source language, but « 1 demande(s) » is not French: its plural forms load too."""
    from PySide6.QtCore import QCoreApplication

    from resources.translations import qt as language

    assert language.install(qapp, "fr") == "fr"
    translate = QCoreApplication.translate
    assert translate("MainWindow", "%n demande(s)", "", 1) == "1 demande"
    assert translate("MainWindow", "%n demande(s)", "", 5) == "5 demandes"
    assert translate("ReportEditor", "Avant signature : %n élément(s) manquant(s)", "", 2) == (
        "Avant signature : 2 éléments manquants"
    )


def test_marked_text_stays_french_and_remembers_how_it_was_made() -> None:
    text = QT_TRANSLATE_NOOP("Ctx", "Série {number} : {count} images").format(number=3, count=120)
    assert text == "Série 3 : 120 images" and isinstance(text, UserText)
    assert (text.context, text.template) == ("Ctx", "Série {number} : {count} images")
    assert text.values == {"number": 3, "count": 120}


def test_a_joined_list_stays_french_and_is_translated_part_by_part(qapp) -> None:  # type: ignore[no-untyped-def]
    from resources.translations import joined
    from resources.translations import qt as language

    parts = [QT_TRANSLATE_NOOP("Orders", "Féminin"), "IRM 3T", QT_TRANSLATE_NOOP("Orders", "Enceinte")]
    listed = joined(parts, "; ")
    assert listed == "Féminin; IRM 3T; Enceinte" and joined([]) == ""
    try:
        assert language.install(qapp, "en") == "en"
        assert language.text(listed) == "Female; IRM 3T; Pregnant"
    finally:
        language.install(qapp, "fr")
