"""Retrieval quality on the labelled question sets: ours and two baselines, same data, same run.

Run with `make eval`. Prints top-1, top-3 and the out-of-scope false-answer rate, overall
and per language, for the development sets in tests/data (devset.yaml, devset2.yaml and
devset3-ar.yaml tuned on; devset4-ar.yaml to devset17.yaml not yet) and
tests/data/holdout.yaml (never tuned on).
"""

from __future__ import annotations

import random
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kiz_bot.advisor import Advisor, Knowledge
from kiz_bot.knowledge.loader import require_catalogue
from kiz_bot.knowledge.model import Catalogue
from kiz_bot.knowledge.yaml_source import read_yaml
from kiz_bot.matching.index import MatchIndex, MatchParams
from kiz_bot.matching.language import LanguageDetector, script_of
from kiz_bot.matching.normalize import normalize
from kiz_bot.matching.result import Confidence, MatchResult
from kiz_bot.settings import BUNDLED_FAQ_DIR

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
SEED = 20261206
# Development sets; benchmarks/tune.py tunes on the first three (devset4-ar to devset17
# were written after the last tuning, see tests/data/README.md); the holdout is never
# tuned on.
DEV_SETS = (
    "devset.yaml",
    "devset2.yaml",
    "devset3-ar.yaml",
    "devset4-ar.yaml",
    "devset5.yaml",
    "devset6.yaml",
    "devset7.yaml",
    "devset8.yaml",
    "devset9.yaml",
    "devset10.yaml",
    "devset11.yaml",
    "devset12.yaml",
    "devset13.yaml",
    "devset14-ar.yaml",
    "devset15-ar.yaml",
    "devset16.yaml",
    "devset17.yaml",
)
# Follow-up questions, each asked after the entry shown before it.
FOLLOW_UP_SETS = ("followups.yaml", "followups2.yaml")

# A ranker returns (entry shown or None, up to three entry ids in rank order).
Ranker = Callable[[str], tuple[str | None, list[str]]]


@dataclass(frozen=True, slots=True)
class Item:
    """One labelled question."""

    q: str
    lang: str
    entry: str | None


@dataclass(frozen=True, slots=True)
class Scores:
    """Evaluation figures for one ranker on one set."""

    top1: float
    top3: float
    false_answer: float
    in_scope: int
    out_of_scope: int
    per_language: dict[str, tuple[float, float, int]]


def load_items(name: str) -> list[Item]:
    """Load a labelled question set from tests/data."""
    raw = read_yaml((DATA / name).read_text(encoding="utf-8"))
    return [Item(str(r["q"]), str(r["lang"]), r.get("entry")) for r in raw]


def evaluate(ranker: Ranker, items: Sequence[Item]) -> Scores:
    """Score a ranker on labelled questions."""
    hits1: dict[str, list[bool]] = defaultdict(list)
    hits3: dict[str, list[bool]] = defaultdict(list)
    false_answers: list[bool] = []
    for item in items:
        shown, ranked = ranker(item.q)
        if item.entry is None:
            false_answers.append(shown is not None)
            continue
        listed = ([shown] if shown else []) + [r for r in ranked if r != shown]
        hits1[item.lang].append(shown == item.entry)
        hits3[item.lang].append(item.entry in listed[:3])
    all1 = [h for v in hits1.values() for h in v]
    all3 = [h for v in hits3.values() for h in v]
    per_language = {
        lang: (
            sum(hits1[lang]) / len(hits1[lang]),
            sum(hits3[lang]) / len(hits3[lang]),
            len(hits1[lang]),
        )
        for lang in sorted(hits1)
    }
    return Scores(
        top1=sum(all1) / max(len(all1), 1),
        top3=sum(all3) / max(len(all3), 1),
        false_answer=sum(false_answers) / max(len(false_answers), 1),
        in_scope=len(all1),
        out_of_scope=len(false_answers),
        per_language=per_language,
    )


def ours(catalogue: Catalogue, params: MatchParams | None = None) -> Ranker:
    """Return the product's matcher as a ranker (answer and choices show an entry)."""
    index = MatchIndex.build(catalogue, params)
    smalltalk = Knowledge.build(catalogue).smalltalk if params is None else {}

    def rank(text: str) -> tuple[str | None, list[str]]:
        if normalize(text) in smalltalk:
            return None, []
        return _shown(index.match(text))

    return rank


def _shown(result: MatchResult) -> tuple[str | None, list[str]]:
    """Return the entry shown (answer or first choice) and the first three ranked."""
    ids = [c.entry_id for c in result.candidates]
    shown = ids[0] if result.confidence is not Confidence.NONE and ids else None
    return shown, ids[:3]


def _question_texts(
    catalogue: Catalogue, *, keywords: bool = False
) -> list[tuple[str, str | None]]:
    """Return (phrasing, entry id) pairs; with keywords, also keywords and not-covered examples."""
    pairs: list[tuple[str, str | None]] = []
    for entry in catalogue.entries:
        for text in entry.texts.values():
            words = text.keywords if keywords else ()
            pairs.extend((phrase, entry.id) for phrase in (*text.phrasings, *words))
    if keywords:
        for kind in catalogue.not_covered:
            for examples in kind.examples.values():
                pairs.extend((example, None) for example in examples)
    return pairs


def _dedupe(ids: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def wratio_baseline(catalogue: Catalogue, cutoff: float = 60.0) -> Ranker:
    """Plain rapidfuzz WRatio over all question phrasings; answers above a cutoff."""
    from rapidfuzz import fuzz, process

    pairs = _question_texts(catalogue)
    ids = [entry for _, entry in pairs]
    choices = [normalize(t) for t, _ in pairs]

    def rank(text: str) -> tuple[str | None, list[str]]:
        found = process.extract(normalize(text), choices, scorer=fuzz.WRatio, limit=30)
        ranked = _dedupe([ids[i] for _, _, i in found])[:3]
        best = found[0][1] if found else 0.0
        return (ranked[0] if ranked and best >= cutoff else None), ranked

    return rank


def bm25_baseline(catalogue: Catalogue, cutoff: float = 2.0) -> Ranker:
    """BM25 (bm25s) over the same phrasings, on the same normalised tokens."""
    import bm25s

    pairs = _question_texts(catalogue)
    ids = [entry for _, entry in pairs]
    retriever = bm25s.BM25()
    retriever.index([normalize(t).split() for t, _ in pairs], show_progress=False)

    def rank(text: str) -> tuple[str | None, list[str]]:
        query = [t for t in normalize(text).split() if t in retriever.vocab_dict]
        if not query:
            return None, []
        docs, scores = retriever.retrieve([query], k=30, show_progress=False)
        ranked = _dedupe([ids[int(d)] for d in docs[0]])[:3]
        best = float(scores[0][0])
        return (ranked[0] if best >= cutoff else None), ranked

    return rank


def unseen_wording(catalogue: Catalogue, items: Sequence[Item]) -> list[Item]:
    """Return the items whose wording is not a stored phrasing, keyword or example."""
    stored = {normalize(t) for t, _ in _question_texts(catalogue, keywords=True)}
    return [item for item in items if normalize(item.q) not in stored]


def report(name: str, scores: Scores) -> str:
    """Return one ranker's figures as text."""
    lines = [
        f"  {name:<8} top-1 {scores.top1:6.1%}  top-3 {scores.top3:6.1%}  "
        f"out-of-scope answered {scores.false_answer:6.1%}  "
        f"(n={scores.in_scope} in scope, {scores.out_of_scope} out of scope)"
    ]
    per = "  ".join(
        f"{lang} {t1:.0%}/{t3:.0%}" for lang, (t1, t3, _) in scores.per_language.items()
    )
    lines.append(f"           per language top-1/top-3: {per}")
    return "\n".join(lines)


def main(argv: Sequence[str] = ()) -> int:
    """Print the evaluation of every ranker on every set."""
    catalogue = require_catalogue(Path(argv[0]) if argv else BUNDLED_FAQ_DIR)
    rankers = {
        "ours": ours(catalogue),
        "wratio": wratio_baseline(catalogue),
        "bm25": bm25_baseline(catalogue),
    }
    for set_name in (*DEV_SETS, "holdout.yaml"):
        if not (DATA / set_name).is_file():
            continue
        items = load_items(set_name)
        print(f"{set_name} ({len(items)} questions)")
        for name, ranker in rankers.items():
            print(report(name, evaluate(ranker, items)))
        # Questions that repeat a stored phrasing word for word are the easy part.
        fresh = unseen_wording(catalogue, items)
        print(f"  without the {len(items) - len(fresh)} questions worded like a stored phrasing:")
        print(report("ours", evaluate(rankers["ours"], fresh)))
    print(follow_ups(catalogue))
    print(reply_languages(catalogue))
    return 0


def reply_languages(catalogue: Catalogue) -> str:
    """Return how often the advisor answers in the language a question is written in.

    Every question of every set, asked with no language chosen and no client language (as
    `kiz-bot ask` does), per language and per script it is typed in.
    """
    knowledge = Knowledge(catalogue, MatchIndex.build(catalogue), {})
    advisor = Advisor(lambda: knowledge, LanguageDetector(catalogue.languages))
    hits: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for set_name in (*DEV_SETS, "holdout.yaml"):
        if (DATA / set_name).is_file():
            for item in load_items(set_name):
                said = advisor.ask(item.q).language
                hits[(item.lang, script_of(item.q))].append(said == item.lang)
    everything = [hit for found in hits.values() for hit in found]
    lines = [f"reply language (no choice, no client language): {_share(everything)} right"]
    lines += [
        f"  {lang} in {script} letters: {_share(found)} of {len(found)}"
        for (lang, script), found in sorted(hits.items())
    ]
    return "\n".join(lines)


def _share(hits: Sequence[bool]) -> str:
    return f"{sum(hits) / max(len(hits), 1):.1%}"


def in_conversation(catalogue: Catalogue, index: MatchIndex) -> Callable[[str | None], Ranker]:
    """Return, for the entry shown last (or None), a ranker that matches in its light."""
    topic = {e.id: e.topic for e in catalogue.entries}

    def ranker(after: str | None) -> Ranker:
        def rank(text: str) -> tuple[str | None, list[str]]:
            if after is None:
                return _shown(index.match(text))
            related = tuple(e.id for e in catalogue.entries_in(topic[after]))
            return _shown(index.match(text, related=related, last=after))

        return rank

    return ranker


def load_follow_ups(name: str) -> list[tuple[str, Item]]:
    """Load a follow-up set: (the entry shown before, the labelled question)."""
    raw = read_yaml((DATA / name).read_text(encoding="utf-8"))
    return [(str(r["after"]), Item(str(r["q"]), str(r["lang"]), r.get("entry"))) for r in raw]


def follow_up_figures(
    ranker: Callable[[str | None], Ranker], pairs: Sequence[tuple[str, Item]], context: bool
) -> tuple[float, float]:
    """Return top-1 and the out-of-scope share answered of follow-ups, with or without context."""
    hits = [_judge(ranker(after if context else None), item) for after, item in pairs]
    top1, answered, _, _ = _rates(hits)
    return top1, answered


def follow_ups(catalogue: Catalogue) -> str:
    """Return the figures of the conversation context (see docs/matching.md).

    The follow-up sets, each question asked after its `after` entry, without and with the
    context; and every development question asked after an entry of another topic (a change
    of subject: what the context may cost).
    """
    ranker = in_conversation(catalogue, MatchIndex.build(catalogue))
    lines = []
    for name in FOLLOW_UP_SETS:
        pairs = load_follow_ups(name)
        lines.append(f"{name} ({len(pairs)} follow-up questions)")
        for label, with_context in (("alone", False), ("context", True)):
            hits = [_judge(ranker(a if with_context else None), item) for a, item in pairs]
            lines.append(_summary(label, hits))
    # A change of subject: every development question after an entry of another topic.
    topic = {e.id: e.topic for e in catalogue.entries}
    rng = random.Random(SEED)
    dev = [item for name in DEV_SETS for item in load_items(name)]
    topics = sorted(set(topic.values()))
    hits = []
    for item in dev:
        own = topic.get(item.entry or "", rng.choice(topics))
        after = rng.choice([e for e in topic if topic[e] != own])
        hits.append(_judge(ranker(after), item))
    lines.append("all development questions, alone and right after an entry of another topic:")
    lines.append(_summary("alone", [_judge(ranker(None), item) for item in dev]))
    lines.append(_summary("context", hits))
    return "\n".join(lines)


def _judge(ranker: Ranker, item: Item) -> tuple[bool, bool]:
    """Return (in scope, right): right is the labelled entry shown, or nothing shown."""
    shown, _ = ranker(item.q)
    return item.entry is not None, shown == item.entry


def _rates(hits: Sequence[tuple[bool, bool]]) -> tuple[float, float, int, int]:
    """Return top-1, the out-of-scope share answered, and the two counts of judged questions."""
    in_scope = [right for scoped, right in hits if scoped]
    out = [not right for scoped, right in hits if not scoped]
    top1, answered = sum(in_scope) / max(len(in_scope), 1), sum(out) / max(len(out), 1)
    return top1, answered, len(in_scope), len(out)


def _summary(label: str, hits: Sequence[tuple[bool, bool]]) -> str:
    top1, answered, n_in, n_out = _rates(hits)
    return (
        f"  {label:<8} top-1 {top1:6.1%}  out-of-scope answered {answered:6.1%}  "
        f"(n={n_in} in scope, {n_out} out of scope)"
    )


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
