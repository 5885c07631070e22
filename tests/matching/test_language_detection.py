"""What a message's own letters say about its language, before and beside the model."""

from __future__ import annotations

import pytest

from kiz_bot.matching.language import LanguageDetector

LANGUAGES = ("de", "en", "tr", "ar", "uk", "ru", "fa", "pl")


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector(LANGUAGES)


@pytest.mark.parametrize(
    ("message", "language", "family"),
    [
        ("Praktikum для школьника", "ru", ("ru", "uk")),
        ("стипендія", "uk", ("ru", "uk")),
        ("шо таке Ausbildung und Berufsschule", "uk", ("ru", "uk")),
        ("شو هي Schulpflicht؟", "ar", ("ar", "fa")),
        ("Bildungspaket چیست", "fa", ("ar", "fa")),
    ],
)
def test_a_word_in_cyrillic_or_arabic_letters_decides_the_script_among_german_terms(
    detector: LanguageDetector, message: str, language: str, family: tuple[str, ...]
) -> None:
    found = detector.detect(message)
    assert found.candidates == family
    assert found.language == language


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("Kindergeld nasıl alınır", "tr"),
        ("Ausländerbehörde'ye randevu için ne yapmalıyım", "tr"),
        ("gdzie złożyć wniosek o Kindergeld", "pl"),
        ("3andi so2al 3an el kita", "ar"),
        ("wen la2e ausbildung platz", "ar"),
    ],
)
def test_letters_and_digits_only_one_served_language_writes_are_decisive(
    detector: LanguageDetector, message: str, language: str
) -> None:
    found = detector.detect(message)
    assert (found.language, found.confident, found.candidates) == (language, True, ())


@pytest.mark.parametrize(
    "message",
    ["ich habe B1 und brauche B2", "my son is in 3rd grade", "Kita for my 2yo", "mp3 player"],
)
def test_levels_ordinals_and_ages_are_not_taken_for_arabic_in_latin_letters(
    detector: LanguageDetector, message: str
) -> None:
    assert detector.detect(message).language != "ar"


def test_a_language_not_served_is_never_the_answer_of_its_script() -> None:
    found = LanguageDetector(("de", "en", "ru")).detect("Як записати дитину до школи?")
    assert (found.language, found.candidates) == ("ru", ("ru",))
