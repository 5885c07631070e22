"""Language identification of short chat messages, restricted to the languages we serve."""

from __future__ import annotations

import re
import unicodedata
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
# Latin letters that, of the languages we serve, only Turkish or only Polish writes. German
# letters say nothing: German terms ("Ausländerbehörde") turn up in every language's messages.
_OWN_LETTERS = {"tr": set("ğış"), "pl": set("ąęłńśźż")}
# Arabic in Latin letters writes some sounds as digits: "3andi", "wa7ed", "a7agez", "la2et".
# A digit inside a word, or 3 (ain) or 7 (ha) before one; "2yo", "3rd" and "B2" are not.
_ARABIZI = re.compile(r"\b(?:[a-z]+[235789][a-z]+|[37](?!rd\b)(?=[a-z]*[aeiou])[a-z]{2,})\b")
# The languages a script leaves, when a message has a word written in it.
_FAMILIES = {"cyrillic": ("ru", "uk"), "arabic": ("ar", "fa")}


@dataclass(frozen=True, slots=True)
class Detection:
    """The detected language of a text and whether it is sure enough to act on.

    `candidates` are the languages the message's letters allow (Cyrillic: Russian or
    Ukrainian), empty when they allow any; an unsure detection still picks among them.
    """

    language: str | None
    probability: float
    confident: bool
    script: str
    candidates: tuple[str, ...] = ()


_SCRIPTS = {
    "latin": re.compile("[a-zA-Z\u00c0-\u024f\u1e00-\u1eff]"),
    "cyrillic": re.compile("[\u0400-\u052f]"),
    "arabic": re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]"),
}


def script_of(text: str) -> str:
    """Return the dominant script of a text: latin, cyrillic, arabic or other."""
    if text.isascii():
        return "latin" if _SCRIPTS["latin"].search(text) else "other"
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
        found = words(text)
        if not found:
            return Detection(None, 0.0, False, script_of(text))
        family = self._family(found)
        if family:
            return self._within(text, family)
        script = script_of(text)
        if script == "other":
            return Detection(None, 0.0, False, script)
        hinted = self._latin_hint(text, len(found))
        if hinted:
            return Detection(hinted, 1.0, True, "latin")
        language, probability = self._identifier.classify(text)
        # One word in Latin letters says little about the language: "Kita", "Jobcenter".
        enough_text = len(found) >= 2 or script != "latin"
        confident = enough_text and probability >= self.threshold
        return Detection(str(language), float(probability), confident, script)

    def _family(self, found: Sequence[str]) -> tuple[str, ...]:
        """Return the served languages of the Cyrillic or Arabic words of a message, if any.

        A word in those letters decides the script, however many German terms in Latin
        letters surround it ("Praktikum для школьника", "شو هي Schulpflicht؟").
        """
        counts = dict.fromkeys(_FAMILIES, 0)
        for word in found:
            for script in counts:
                if _SCRIPTS[script].match(word):
                    counts[script] += 1
        script = max(counts, key=counts.__getitem__)
        served = tuple(lang for lang in _FAMILIES[script] if lang in self.languages)
        return served if counts[script] and served else ()

    def _within(self, text: str, family: tuple[str, ...]) -> Detection:
        """Return the language of a message among the few its letters allow."""
        script = "cyrillic" if family[0] in _FAMILIES["cyrillic"] else "arabic"
        letters = set(clean(text))
        own = {
            "uk": letters & _UKRAINIAN_ONLY and not letters & _RUSSIAN_ONLY,
            "ru": letters & _RUSSIAN_ONLY and not letters & _UKRAINIAN_ONLY,
            "fa": letters & _PERSIAN_ONLY,
        }
        for language in family:
            if own.get(language) and len(family) > 1:
                return Detection(language, 1.0, True, script, family)
        if len(family) == 1:
            return Detection(family[0], 1.0, True, script, family)
        ranked = [(lang, p) for lang, p in self._identifier.rank(text) if lang in family]
        total = sum(p for _, p in ranked) or 1.0
        language, probability = ranked[0] if ranked else (family[0], 0.0)
        share = float(probability) / total
        return Detection(str(language), share, share >= self.threshold, script, family)

    def _latin_hint(self, text: str, n_words: int) -> str | None:
        """Return the language that a Latin message's own letters or digits give away."""
        lowered = unicodedata.normalize("NFKC", text).lower()
        letters = set(lowered)
        for language, own in _OWN_LETTERS.items():
            if letters & own and language in self.languages:
                return language
        if n_words >= 2 and "ar" in self.languages and _ARABIZI.search(lowered):
            return "ar"
        return None
