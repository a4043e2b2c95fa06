"""French spell checking of the report's free text (Qt-free): hunspell's French dictionary, the
radiology lexicon shipped in ``resources/lexicon/radiologie.txt`` and the radiologist's personal
dictionary.

The dictionary is Debian's ``hunspell-fr`` (Dicollecte's « classique » French, the one LibreOffice
uses) reached through pyenchant (``libenchant-2-2``): hunspell's own affix rules and suggestion
engine, at a few microseconds a word, where a pure-Python reader of the .aff/.dic took seconds for a
suggestion. The lexicon adds what a general dictionary lacks (anatomy, findings, drugs, radiology
abbreviations); every word of the shipped templates is in one or the other (a test holds that), so
a template's own text is never underlined.

Without the dictionary (package missing), checking falls back to the lexicon and the personal
words only and ``available`` is False: the editor says so instead of underlining every word.

Words are checked as written, then in lower case (a sentence starts with a capital); all-capital
words (IRM, TDM, FLAIR) and words with digits (T2, 3D) are not checked; an elided article
(« d' », « l' », « qu' ») is taken off; a hyphenated word is right when the whole or every part is.
"""

from __future__ import annotations

import difflib
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

LANGUAGE = "fr_FR"
# A word: letters, inner apostrophes and hyphens (« l'épanchement », « thoraco-abdominal »).
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_HAS_DIGIT = re.compile(r"\d")
_ELISIONS = ("l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu")


@dataclass(frozen=True, slots=True)
class Misspelling:
    start: int  # Python positions in the text checked
    end: int
    word: str


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def lexicon_words() -> frozenset[str]:
    """The radiology lexicon: one word a line, ``#`` starts a comment."""
    text = resources.files("resources.lexicon").joinpath("radiologie.txt").read_text("utf-8")
    words = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return frozenset(w for w in words if w)


def _load_dictionary() -> Any:  # an enchant.Dict (pyenchant is untyped), or None
    try:
        import enchant  # pyenchant; needs libenchant-2-2 and hunspell-fr
    except ImportError as error:  # the C library is missing
        log.warning("spell check: pyenchant unusable (%s); lexicon only", error)
        return None
    try:
        return enchant.Dict(LANGUAGE)
    except enchant.errors.Error as error:
        log.warning("spell check: no %s dictionary (%s); lexicon only", LANGUAGE, error)
        return None


@cache
def _dictionary() -> Any:
    return _load_dictionary()


class SpellChecker:
    """Spell checking with the French dictionary, the lexicon and a personal word list.

    ``personal`` is a UTF-8 text file, one word a line (the user's settings name it); words added
    with :meth:`add_personal` are appended to it at once, so they survive a crash.
    """

    def __init__(self, personal: Path | None = None) -> None:
        self._dictionary = _dictionary()
        self._lexicon = lexicon_words()
        self._lexicon_lower = frozenset(w.lower() for w in self._lexicon)
        self.personal_path = personal
        self._personal: set[str] = set()
        if personal is not None:
            try:
                lines = personal.read_text("utf-8").splitlines()
            except FileNotFoundError:
                lines = []
            except (OSError, UnicodeDecodeError) as error:
                log.warning("spell check: personal dictionary unreadable (%s)", type(error).__name__)
                lines = []
            self._personal = {line.strip() for line in lines if line.strip()}

    @property
    def available(self) -> bool:
        """Whether the French dictionary is there (otherwise only the lexicon is known)."""
        return self._dictionary is not None

    def _known(self, word: str) -> bool:
        if word in self._lexicon or word in self._personal:
            return True
        lower = word.lower()
        if lower in self._lexicon_lower or lower in self._personal:
            return True
        if self._dictionary is None:
            return False
        return bool(self._dictionary.check(word) or (word != lower and self._dictionary.check(lower)))

    def is_word(self, word: str) -> bool:
        """Whether ``word`` is right (or not to be checked: capitals, digits)."""
        word = word.replace("’", "'")
        if len(word) < 2 or _HAS_DIGIT.search(word) or (word.isupper() and len(word) >= 2):
            return True
        if self._known(word):
            return True
        if "'" in word:
            head, _, tail = word.partition("'")
            if head.lower() in _ELISIONS:
                return self.is_word(tail)
            return False
        if "-" in word:
            return all(self.is_word(part) or part.lower() in ("t",) for part in word.split("-") if part)
        return False

    def misspelled(self, text: str) -> Iterator[Misspelling]:
        for match in WORD.finditer(text):
            word, start = match.group(0), match.start()
            head, apostrophe, tail = word.replace("’", "'").partition("'")
            if apostrophe and head.lower() in _ELISIONS:  # « d'epanchemnt »: the word is after « d' »
                word, start = tail, start + len(head) + 1
            if not self.is_word(word):
                yield Misspelling(start, match.end(), word)

    def suggest(self, word: str, limit: int = 6) -> list[str]:
        """Corrections, closest first: hunspell's and the lexicon's, ranked by likeness without accents
        (hunspell's order breaks ties), so « epanchemnt » gives « épanchement » first."""
        candidates: list[str] = []
        if self._dictionary is not None:
            try:
                candidates.extend(self._dictionary.suggest(word))
            except Exception as error:  # a C error in one suggestion must not break the menu
                log.warning("spell check: suggestion failed (%s)", type(error).__name__)
        pool = list(self._lexicon | self._personal)
        candidates.extend(difflib.get_close_matches(word, pool, n=limit, cutoff=0.75))
        folded = _fold(word)
        unique = list(dict.fromkeys(c for c in candidates if c != word))
        order = {c: i for i, c in enumerate(unique)}
        unique.sort(key=lambda c: (-difflib.SequenceMatcher(None, folded, _fold(c)).ratio(), order[c]))
        if word[:1].isupper():
            unique = [c[:1].upper() + c[1:] for c in unique]
            unique = list(dict.fromkeys(unique))
        return unique[:limit]

    def add_personal(self, word: str) -> None:
        """Know ``word`` from now on, and keep it in the personal dictionary file."""
        word = word.strip()
        if not word or word in self._personal:
            return
        self._personal.add(word)
        if self.personal_path is None:
            return
        try:
            self.personal_path.parent.mkdir(parents=True, exist_ok=True)
            with self.personal_path.open("a", encoding="utf-8") as out:
                out.write(word + "\n")
        except OSError as error:
            log.warning("spell check: personal dictionary not written (%s)", type(error).__name__)
            raise


_personal_path: Path | None = None
_default: SpellChecker | None = None


def use_personal_dictionary(path: Path | None) -> None:
    """Name the personal dictionary file (from the user's settings) for :func:`default_checker`."""
    global _personal_path, _default
    _personal_path = path
    _default = None


def default_checker() -> SpellChecker:
    """The application's checker (one dictionary loaded once), with the personal words set above."""
    global _default
    if _default is None:
        _default = SpellChecker(_personal_path)
    return _default
