from __future__ import annotations

from kiz_bot.stats.scrub import scrub
from kiz_bot.stats.similar import group_similar


def test_scrub_removes_contacts_and_numbers() -> None:
    text = (
        "Hallo @ahmed_k, schreib an ahmed.k@gmail.com oder ruf +49 (212) 290-1234 an, "
        "siehe https://example.org/x?y=1 und www.solingen.de, Aktenzeichen 4711, ٣٤٥"
    )
    cleaned = scrub(text)
    for secret in ("ahmed_k", "gmail", "290", "1234", "example.org", "solingen.de", "4711", "٣٤٥"):
        assert secret not in cleaned
    for placeholder in ("[mention]", "[email]", "[phone]", "[url]", "[number]"):
        assert placeholder in cleaned


def test_scrub_keeps_the_question_words() -> None:
    assert scrub("Wie  finde ich\neinen Sprachkurs?") == "Wie finde ich einen Sprachkurs?"


def test_similar_questions_are_grouped_largest_first() -> None:
    groups = group_similar(
        [
            "Gibt es Schwimmkurse für Erwachsene?",
            "gibt es schwimmkurse fuer erwachsene",
            "Schwimmkurse für Erwachsene gibt es?",
            "Wie bekomme ich einen Angelschein?",
        ]
    )
    assert [g.size for g in groups] == [3, 1]
