"""Language identification of short chat messages, restricted to the languages we serve."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from py3langid.langid import MODEL_FILE, LanguageIdentifier

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


def script_of(text: str) -> str:
    """Return the dominant script of a text: latin, cyrillic, arabic or other."""
    counts = {"latin": 0, "cyrillic": 0, "arabic": 0, "other": 0}
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        if name.startswith("LATIN"):
            counts["latin"] += 1
        elif name.startswith("CYRILLIC"):
            counts["cyrillic"] += 1
        elif name.startswith(("ARABIC", "PERSIAN")):
            counts["arabic"] += 1
        else:
            counts["other"] += 1
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else "other"


class LanguageDetector:
    """Detect the language of a message among the configured ones (py3langid model)."""

    def __init__(self, languages: Sequence[str], threshold: float = 0.8) -> None:
        self.languages = tuple(languages)
        self.threshold = threshold

    @cached_property
    def _identifier(self) -> LanguageIdentifier:
        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        known = set(identifier.labels) if hasattr(identifier, "labels") else set(self.languages)
        identifier.set_languages([lang for lang in self.languages if lang in known])
        return identifier

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
