"""Where the bars lie: "did you mean" for Latin letters, "I don't know" near a declined kind."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kiz_bot.knowledge.loader import require_catalogue
from kiz_bot.matching.index import MatchIndex
from kiz_bot.matching.result import Candidate, Confidence
from kiz_bot.settings import BUNDLED_FAQ_DIR


@pytest.fixture(scope="module")
def index() -> MatchIndex:
    return MatchIndex.build(require_catalogue(BUNDLED_FAQ_DIR))


@pytest.mark.parametrize(
    ("question", "entry", "language"),
    [
        # "my son needs help with homework"
        ("ebni bado mosa3ade bel wajibat", "tutoring-homework-help", "ar"),
        # Tunisian, "what does the recognition cost? does anyone help with the money?": met
        # best by a German term
        ("9adech ta3mel el Anerkennung? famma 7ad y3awen fel flous?", "recognition-costs", "de"),
    ],
)
def test_arabic_in_latin_letters_gets_choices_below_the_answer_bar(
    index: MatchIndex, question: str, entry: str, language: str
) -> None:
    result = index.match(question)
    assert result.confidence is Confidence.CHOICES
    best = result.candidates[0]
    assert (best.entry_id, best.language) == (entry, language)
    assert index.params.transliterated_choices <= _evidence(index, question) < (
        index.params.choices_threshold
    )
    lower_bar_off = replace(index.params, transliterated_choices=index.params.choices_threshold)
    strict = replace(index, params=lower_bar_off)
    assert strict.match(question).confidence is Confidence.NONE


def test_a_latin_question_without_telling_words_gets_no_lower_bar(index: MatchIndex) -> None:
    # German, "renting a flat near the primary school": out of scope, in the lower band.
    question = "Wohnung mieten in der Nähe von der Grundschule"
    result = index.match(question)
    assert result.confidence is Confidence.NONE
    assert result.declined is None
    assert index.params.transliterated_choices <= _evidence(index, question) < (
        index.params.choices_threshold
    )


def _evidence(index: MatchIndex, question: str) -> float:
    """Return the evidence of a question's best entry, as `MatchIndex.decide` weighs it."""
    scored = index.rank(question, len(index.entry_ids))
    best = next(c for c in scored if c.entry_id not in index.not_covered)
    kind = next((c.score for c in scored if c.entry_id in index.not_covered), 0.0)
    return index.evidence(best.score, kind)


@pytest.mark.parametrize(("below_margin", "declined"), [(-0.005, True), (0.005, False)])
def test_a_not_covered_kind_within_the_margin_of_the_best_entry_declines(
    index: MatchIndex, below_margin: float, declined: bool
) -> None:
    # "my son has a fever, where is a paediatrician who speaks Arabic?" with a clear best
    # entry: the health kind just inside the decline margin below it, or just outside it.
    kind_score = 0.9 - index.params.decline_margin - below_margin
    ranked = (
        Candidate("early-language-programmes", 0.9, "ar"),
        Candidate("health", kind_score, "ar"),
        Candidate("interpreter-help", 0.5, "ar"),
    )
    scripted = replace(index)
    scripted._scored = lambda *_args, **_kwargs: ranked  # type: ignore[method-assign]
    result = scripted.match("...")
    if declined:
        assert result.confidence is Confidence.NONE
        assert result.declined == ranked[1]
    else:
        assert result.confidence is Confidence.ANSWER
        assert result.declined is None
    assert [c.entry_id for c in result.candidates] == [
        "early-language-programmes",
        "interpreter-help",
    ]
