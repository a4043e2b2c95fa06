"""The French spell check: hunspell's French dictionary (Debian hunspell-fr, through pyenchant), the
radiology lexicon shipped in resources/lexicon and the personal dictionary."""

from __future__ import annotations

from pathlib import Path

import pytest

from reporting import spelling
from reporting.spelling import SpellChecker
from reporting.templates import ReportTemplate, builtin_templates, parse_template


def template_texts(template: ReportTemplate) -> list[str]:
    """Every text of a template that can end up in a report or on screen."""
    texts = [template.title, template.description]
    for part in template.chapters:
        texts += [part.title, part.text, *(m.text for m in part.macros)]
        for field in part.fields:
            texts += [field.label, field.default, *field.choices]
    return texts + [m.text for m in template.macros]


@pytest.fixture(scope="module")
def checker() -> SpellChecker:
    made = SpellChecker()
    assert made.available, "the French dictionary is missing: apt-get install libenchant-2-2 hunspell-fr"
    return made


def test_no_word_of_the_shipped_templates_is_underlined(checker: SpellChecker) -> None:
    folder = Path(spelling.__file__).parent.parent / "resources" / "templates"
    files = sorted(folder.glob("*.html"))
    assert len(files) == len(builtin_templates()) >= 4
    words = 0
    for path in files:
        for text in template_texts(parse_template(path.read_bytes(), path.name)):
            words += len(spelling.WORD.findall(text))
            assert list(checker.misspelled(text)) == [], path.name
    assert words > 1000  # the texts were really read


def test_a_typo_is_found_with_the_right_word_first(checker: SpellChecker) -> None:
    text = "Pas d'epanchemnt pleural."
    [wrong] = list(checker.misspelled(text))
    assert (wrong.word, text[wrong.start : wrong.end]) == ("epanchemnt", "epanchemnt")
    assert checker.suggest("epanchemnt")[0] == "épanchement"
    assert checker.suggest("Pneumopéritone")[0] == "Pneumopéritoine"  # from the lexicon, capital kept
    assert checker.suggest("hypodensitée")[:1] == ["hypodensité"]


def test_what_is_not_checked_and_how_words_are_cut(checker: SpellChecker) -> None:
    for right in (
        "IRM",
        "FLAIR",
        "T2",
        "3D",
        "l'épanchement",
        "qu'il",
        "jusqu'au",
        "thoraco-abdomino-pelvienne",
        "intra-axiale",
        "Épanchement",
        "apixaban",
        "Fazekas",
        "mGy",
        "œdème",
        "aujourd’hui",
    ):
        assert checker.is_word(right), right
    for wrong in ("epanchement", "pneumothrax", "hématomme", "l'hématomme", "thoraco-abdomino-pelvianne"):
        assert not checker.is_word(wrong), wrong
    found = [m.word for m in checker.misspelled("Hématomme 🩻 sous-dural de 12 mm, pneumothrax.")]
    assert found == ["Hématomme", "pneumothrax"]


def test_the_personal_dictionary_is_kept_in_its_file(tmp_path: Path) -> None:
    path = tmp_path / "config" / "dictionnaire-personnel.txt"
    first = SpellChecker(path)
    assert not first.is_word("Kerkrade")
    first.add_personal("Kerkrade")
    first.add_personal("Kerkrade")  # once in the file
    assert first.is_word("Kerkrade")
    assert path.read_text("utf-8") == "Kerkrade\n"
    assert SpellChecker(path).is_word("Kerkrade")  # another session reads it back
    assert SpellChecker(tmp_path / "absent.txt").is_word("Kerkrade") is False
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"\xff\xfe\xfa")
    assert SpellChecker(broken).is_word("Kerkrade") is False  # unreadable: ignored, no crash


def test_the_application_checker_uses_the_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "perso.txt"
    path.write_text("Zorglub\n", "utf-8")
    try:
        spelling.use_personal_dictionary(path)
        assert spelling.default_checker().personal_path == path
        assert spelling.default_checker().is_word("Zorglub")
    finally:
        spelling.use_personal_dictionary(None)
    assert not spelling.default_checker().is_word("Zorglub")


def test_without_the_dictionary_only_the_lexicon_is_known(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spelling, "_dictionary", lambda: None)
    bare = SpellChecker()
    assert not bare.available
    assert bare.is_word("pneumopéritoine") and bare.is_word("IRM")
    assert not bare.is_word("maison")  # not a radiology word: unknown without the dictionary
    assert bare.suggest("pneumopéritone")[0] == "pneumopéritoine"
