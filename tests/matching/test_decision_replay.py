"""The decision sweep (benchmarks/decision.py) replays exactly what the matcher decides."""

from __future__ import annotations

from benchmarks.decision import rank_all, shown
from benchmarks.evaluate import load_items
from kiz_bot.knowledge.loader import require_catalogue
from kiz_bot.matching.index import MatchIndex
from kiz_bot.matching.result import Confidence
from kiz_bot.settings import BUNDLED_FAQ_DIR


def test_the_replayed_decision_agrees_with_the_matcher_on_every_question() -> None:
    index = MatchIndex.build(require_catalogue(BUNDLED_FAQ_DIR))
    sets = ("devset13.yaml", "devset15-ar.yaml")
    p = index.params
    replayed = shown(rank_all(index, sets), (p.kind_penalty, p.choices_threshold, p.decline_margin))
    questions = [item.q for name in sets for item in load_items(name)]
    matched = [index.match(q).confidence is not Confidence.NONE for q in questions]
    assert replayed.tolist() == matched
    assert 0 < sum(matched) < len(matched)  # both outcomes occur: the check means something
