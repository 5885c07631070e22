from __future__ import annotations

import pytest

from kiz_bot.matching.normalize import clean, normalize, tokens, without_article


def test_nfkc_and_case_folding() -> None:
    assert normalize("ＫＩＴＡ Platz") == "kita platz"


def test_turkish_dotted_and_dotless_i_fold_together() -> None:
    assert normalize("KİTA") == normalize("kita") == normalize("KITA") == normalize("kıta")
    assert normalize("Ausbildung nasıl") == normalize("ausbildung nasil")


@pytest.mark.parametrize(
    ("typed", "proper"),
    [
        ("Schueler", "Schüler"),
        ("Kindergeld beantragen", "Kindergeld beantragen"),
        ("Grusse", "Grüße"),
        ("Muenchen", "München"),
        ("Strasse", "Straße"),
    ],
)
def test_umlauts_and_sharp_s_fold(typed: str, proper: str) -> None:
    assert normalize(typed) == normalize(proper)


def test_latin_diacritics_fold_for_polish_and_turkish() -> None:
    assert normalize("Zażółć gęślą") == "zazolc gesla"
    assert normalize("çocuğum okula gidiyor") == "cocugum okula gidiyor"


def test_arabic_diacritics_tatweel_and_letter_variants_fold() -> None:
    assert normalize("مَدْرَسَة") == normalize("مدرسه")
    assert normalize("أطفال") == normalize("اطفال") == normalize("إطفال")
    assert normalize("مــدرســة") == normalize("مدرسة")


def test_persian_and_arabic_yeh_and_kaf_fold() -> None:
    assert normalize("کودکی") == normalize("كودكي")


def test_cyrillic_yo_folds_to_ye() -> None:
    assert normalize("ребёнок") == normalize("ребенок")


def test_cyrillic_is_transliterated_so_latin_typing_matches() -> None:
    assert normalize("как записать ребенка в школу") == "kak zapisat rebenka v shkolu"


def test_invisible_and_bidi_controls_are_removed() -> None:
    assert normalize("Ki\u200bta\u202e Platz\u2066") == normalize("Ki ta Platz")
    assert clean("a\u200fb") == "a b"


def test_punctuation_and_emoji_are_not_tokens() -> None:
    assert tokens("Kita??? 👶 !!!") == ["kita"]
    assert tokens("🙂🙂") == []


@pytest.mark.parametrize(
    ("written", "bare"),
    [
        ("الكيتا", "كيتا"),  # the article
        ("بالكيتا", "كيتا"),  # bi- + the article: "in the Kita"
        ("والمدرسة", "مدرسة"),  # wa- + the article
        ("للروضة", "روضة"),  # li- + the article
        ("كيتا", "كيتا"),  # no article
        ("الم", "الم"),  # too short to hold an article and a word
        ("kita", "kita"),  # not Arabic letters
    ],
)
def test_the_arabic_article_and_a_preposition_before_it_come_off(written: str, bare: str) -> None:
    assert without_article(written) == bare
