"""Telling words of transliterated languages, taken from the knowledge base's own phrasings."""

from __future__ import annotations

from kiz_bot.matching.normalize import normalize
from kiz_bot.matching.transliteration import signature_words, transliterated_language

PHRASINGS = [
    ("kak zapisat rebenka v shkolu", "ru"),
    ("chto takoe Kita", "ru"),
    ("yak zapysaty dytynu do shkoly", "uk"),
    ("shcho take Kita", "uk"),
    ("kindergeld chetori begiram", "fa"),
    ("Wie melde ich mein Kind in der Kita an?", "de"),
    ("Kindergeld beantragen", "de"),
    ("Как записать ребёнка в школу?", "ru"),
    ("как получить Deutschlandstipendium", "uk"),  # Russian quoted in Ukrainian texts
]
SIGNATURES = signature_words((text, language, normalize(text)) for text, language in PHRASINGS)


def test_only_words_of_one_transliterated_language_tell() -> None:
    signatures = SIGNATURES
    assert signatures["zapisat"] == "ru"
    assert signatures["shcho"] == "uk"
    assert signatures["chetori"] == "fa"
    # German terms occur in many languages' phrasings; short words are too common.
    assert "kita" not in signatures
    assert "kindergeld" not in signatures
    assert "v" not in signatures
    # Phrasings in Cyrillic letters say nothing about typing in Latin ones.
    assert signatures["kak"] == "ru"


def test_the_language_with_most_telling_words_wins_and_a_tie_tells_nothing() -> None:
    signatures = SIGNATURES
    assert transliterated_language("kak zapisat dytynu", signatures) == ("ru", 2)
    assert transliterated_language("zapisat dytynu", signatures) == (None, 0)
    assert transliterated_language("Kita Anmeldung", signatures) == (None, 0)
