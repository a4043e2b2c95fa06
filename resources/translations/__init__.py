"""The interface's translations, one Qt Linguist file per package.

French is the language the code is written in (``sourcelanguage="fr_FR"``): the workstation is
French first, and a missing or damaged translation file can only ever leave it in French, never
half in another language. English is the second language: ``<package>_en.ts`` holds it,
``<package>_en.qm`` is what Qt loads. French has its own small ``<package>_fr.ts`` too, holding only
the plural forms (``tr("%n demande(s)", "", n)`` → « 1 demande », « 5 demandes »), as Qt does for a
source language (``lupdate -pluralonly``). ``scripts/translations.py`` regenerates them all.

Models are Qt-free, so they mark their user-visible strings with :func:`QT_TRANSLATE_NOOP`
defined here (Qt Linguist's extractor recognises the name wherever it comes from). It returns a
:class:`UserText`: a plain French ``str`` for every existing use (logs stay English, exceptions
keep their French ``user_message``), which also remembers its context, its French template and the
values given to ``format``, so the Qt edge can say the same sentence in the interface language.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

#: Interface languages, by code, with their name written in that language (as a menu shows them).
LANGUAGES: dict[str, str] = {"fr": "Français", "en": "English"}
SOURCE_LANGUAGE = "fr"
#: One translation file per package, so each package's strings travel with it.
PACKAGES = ("auth", "viewer", "reporting", "hl7v2", "workstation")


class UserText(str):
    """A French sentence for the user that knows how it was made: ``str(text)`` is the French,
    ``context``/``template``/``values`` let ``QCoreApplication.translate`` redo it in English."""

    context: str
    template: str
    args: tuple[Any, ...]
    values: dict[str, Any]

    def __new__(
        cls,
        context: str,
        template: str,
        args: tuple[Any, ...] = (),
        values: dict[str, Any] | None = None,
    ) -> UserText:
        values = values or {}
        made = super().__new__(cls, template.format(*args, **values) if args or values else template)
        made.context, made.template, made.args, made.values = context, template, args, values
        return made

    def format(self, *args: Any, **values: Any) -> UserText:
        return UserText(self.context, self.template, args, values)

    def __reduce__(self) -> tuple[Any, ...]:  # crosses process boundaries whole
        return (UserText, (self.context, self.template, self.args, self.values))


def composed(template: str, *parts: Any) -> UserText:
    """``parts`` put together by a template without words of its own ("{} ({})", a list).

    Such a template needs no translation, so it is not marked for extraction:
    ``QCoreApplication.translate`` gives an unknown template back unchanged, while the parts that
    are marked sentences are still said in the interface language. A plain ``", ".join`` would
    turn them into one French string the Qt edge can no longer translate.
    """
    return UserText("", template, parts)


def joined(parts: Sequence[str], separator: str = ", ") -> str:
    """``separator.join(parts)`` that keeps each marked part translatable (no braces in ``separator``)."""
    return composed(separator.join("{}" for _ in parts), *parts) if parts else ""


def QT_TRANSLATE_NOOP(context: str, text: str) -> UserText:
    """Marks ``text`` for extraction under ``context``; the value is still the French ``text``."""
    return UserText(context, text)


def directory() -> Path:
    return Path(str(resources.files(__name__)))


def ts_file(package: str, language: str) -> Path:
    return directory() / f"{package}_{language}.ts"


def qm_files(language: str) -> list[Path]:
    """The compiled files Qt loads for ``language`` (for French, its plural forms only)."""
    return [directory() / f"{package}_{language}.qm" for package in PACKAGES]
