"""Language identification of short chat messages, restricted to the languages we serve."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from py3langid.langid import LanguageIdentifier

from kiz_bot.matching.language_model import load_identifier
from kiz_bot.matching.normalize import clean, words

# Letters that only one of two languages sharing a script uses.
_UKRAINIAN_ONLY = set("іїєґ")
_RUSSIAN_ONLY = set("ыэъ")
_PERSIAN_ONLY = set("پچژگ")


@dataclass(frozen=True, slots=True)
class Detection:
    """The detected language of a text and whether it is sure enough to act on."""

    language: str | None
    probability: float
    confident: bool
    script: str


_SCRIPTS = {
    "latin": re.compile("[a-zA-Z\u00c0-\u024f\u1e00-\u1eff]"),
    "cyrillic": re.compile("[\u0400-\u052f]"),
    "arabic": re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]"),
}


def script_of(text: str) -> str:
    """Return the dominant script of a text: latin, cyrillic, arabic or other."""
    counts = {name: len(pattern.findall(text)) for name, pattern in _SCRIPTS.items()}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else "other"


class LanguageDetector:
    """Detect the language of a message among the configured ones (py3langid model)."""

    def __init__(
        self, languages: Sequence[str], threshold: float = 0.8, cache: Path | None = None
    ) -> None:
        self.languages = tuple(languages)
        self.threshold = threshold
        self.cache = cache

    @cached_property
    def _identifier(self) -> LanguageIdentifier:
        return load_identifier(self.languages, self.cache)

    def warm_up(self) -> None:
        """Load the model now rather than on the first message."""
        self._identifier.classify("hallo")

    def detect(self, text: str) -> Detection:
        """Return the language of a text and whether the detection is confident."""
        script = script_of(text)
        letters = set(clean(text))
        if script == "cyrillic" and {"uk", "ru"} <= set(self.languages):
            if letters & _UKRAINIAN_ONLY and not letters & _RUSSIAN_ONLY:
                return Detection("uk", 1.0, True, script)
            if letters & _RUSSIAN_ONLY and not letters & _UKRAINIAN_ONLY:
                return Detection("ru", 1.0, True, script)
        persian = script == "arabic" and letters & _PERSIAN_ONLY
        if persian and {"ar", "fa"} <= set(self.languages):
            return Detection("fa", 1.0, True, script)
        if script == "other" or not words(text):
            return Detection(None, 0.0, False, script)
        language, probability = self._identifier.classify(text)
        # One word in Latin letters says little about the language: "Kita", "Jobcenter".
        enough_text = len(words(text)) >= 2 or script != "latin"
        confident = enough_text and probability >= self.threshold
        return Detection(str(language), float(probability), confident, script)
