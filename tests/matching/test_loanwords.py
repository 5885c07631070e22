"""German terms written in Arabic letters are found by sound and read as the German term."""

from __future__ import annotations

import pytest

from kiz_bot.knowledge.loader import require_catalogue
from kiz_bot.matching.index import MatchIndex
from kiz_bot.matching.loanwords import (
    german_terms,
    loan_keys,
    loan_lexicon,
    sound_key,
)
from kiz_bot.matching.normalize import words
from kiz_bot.matching.result import Confidence
from kiz_bot.settings import BUNDLED_FAQ_DIR


def keys(text: str) -> set[str]:
    return {key for word in words(text) for key in loan_keys(word)}


@pytest.mark.parametrize(
    ("german", "arabic_letters"),
    [
        ("Kindergeld", "كيندرغيلد"),  # g as ghain
        ("Kindergeld", "الكيندرجيلد"),  # g as jim, with the article
        ("Ausbildung", "اوسبيلدونج"),
        ("Ausbildung", "بالأوسبيلدونغ"),  # bi- and the article
        ("Jobcenter", "الجوبسنتر"),  # c before e sounds s
        ("Anerkennung", "انيركنونغ"),  # double consonants count once
        ("Zeugnis", "تسويغنيس"),  # z as ts
        ("Sprachförderung", "شبراخفوردرونغ"),  # initial sp as shp, ch as kh
        ("Volkshochschule", "الفولكسهوخشوله"),  # final ta marbuta or ha dropped
        ("Integrationskurs", "انتغراتسيونسكورس"),  # tion as tsion
        ("Kinderzuschlag", "كيندرتسوشلاغ"),
    ],
)
def test_a_german_term_and_its_arabic_letter_spelling_share_a_sound_key(
    german: str, arabic_letters: str
) -> None:
    assert keys(german) & keys(arabic_letters)


@pytest.mark.parametrize("word", ["kita", "amt", "ابن", "كيف"])
def test_short_words_get_no_key_as_they_would_meet_too_many_others(word: str) -> None:
    assert keys(word) == set()
    assert sound_key("kita") == ""


def test_the_lexicon_holds_german_terms_of_arabic_and_persian_phrasings_only() -> None:
    lexicon = loan_lexicon(
        [
            ("Wie bekomme ich Kindergeld?", "de"),
            ("كيف احصل على Kindergeld", "ar"),
            ("kif a3mel tasjil bl madrasa", "ar"),  # Arabic in Latin letters: not German
            ("Kindergeld alma", "tr"),  # not a language that writes German in Arabic letters
            ("Ausbildung dar Almani", "fa"),  # not in the German phrasings
        ]
    )
    assert lexicon == {"kndrkld": ("kindergeld",)}


def test_a_question_finds_the_german_terms_its_arabic_letter_words_sound_like() -> None:
    lexicon = {"kndrkld": ("kindergeld",), "sbldnk": ("ausbildung",)}
    assert german_terms("ازاي اقدم على الكيندرجيلد؟", lexicon) == {"الکيندرجيلد": ("kindergeld",)}
    assert german_terms("مساعده للاوسبيلدونج", lexicon) == {"للاوسبيلدونج": ("ausbildung",)}
    # Latin letters already meet the German term; other words bring nothing.
    assert german_terms("kindergeld beantragen", lexicon) == {}
    assert german_terms("كيف حالك", lexicon) == {}


def test_a_one_word_german_term_spelt_as_no_phrasing_spells_it_is_answered(
    index: MatchIndex,
) -> None:
    # Kindergeld with jeem and without the article: the word stands for the German term in
    # the word coverage instead of counting as a second, uncovered word.
    result = index.match("كيندرجيلد")
    assert result.confidence is Confidence.ANSWER
    assert result.candidates[0].entry_id == "child-benefit"


@pytest.fixture(scope="module")
def index() -> MatchIndex:
    return MatchIndex.build(require_catalogue(BUNDLED_FAQ_DIR))


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("ازاي اقدم على الكيندرجيلد؟ ومحتاج ورق ايه؟", "child-benefit"),
        ("وين بلاقي مكان اوسبيلدونغ كهربائي؟", "apprenticeship-search"),
    ],
)
def test_the_bundled_index_answers_a_german_term_in_arabic_letters(
    index: MatchIndex, question: str, entry: str
) -> None:
    result = index.match(question)
    assert result.confidence is Confidence.ANSWER
    assert result.candidates[0].entry_id == entry
    plain = index.match(question.replace("الكيندرجيلد", "").replace("اوسبيلدونغ", ""))
    assert plain.confidence is not Confidence.ANSWER or plain.candidates[0].entry_id != entry
