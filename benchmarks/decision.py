"""Sweep the decision rule (kind penalty, evidence threshold, decline margin) on the dev sets.

Run with `python -m benchmarks.decision`. Each development question is ranked once; the
answer-or-decline decision of `MatchIndex.match` is then replayed for every setting, so a
grid of a few thousand settings takes seconds. Prints right / out-of-scope answered per
setting and a leave-one-set-out check: settings chosen on all sets but one, judged on that
one (see docs/matching.md, "The evidence bar rises with the closest out-of-scope kind").
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from benchmarks.evaluate import DEV_SETS, load_items
from kiz_bot.knowledge.loader import require_catalogue
from kiz_bot.matching.index import MatchIndex, MatchParams
from kiz_bot.settings import BUNDLED_FAQ_DIR

PENALTIES = (0.0, 0.3, 0.4, 0.5, 0.6)
THRESHOLDS = tuple(round(0.2 + 0.01 * i, 2) for i in range(46))
MARGINS = (0.03, 0.05, 0.07)
# The transliterations' lower bar sits this far below the threshold, as in MatchParams.
LOWER_BAR_GAP = MatchParams().choices_threshold - MatchParams().transliterated_choices
Setting = tuple[float, float, float]
Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Ranked:
    """Per question: its set, whether in scope, whether the best entry is right, the scores."""

    set_of: npt.NDArray[np.int64]
    in_scope: Mask
    right: Mask
    best: npt.NDArray[np.float64]
    kind: npt.NDArray[np.float64]
    transliterated: Mask


def rank_all(index: MatchIndex, sets: Sequence[str]) -> Ranked:
    """Rank every question of the sets once, keeping what the decision needs."""
    rows = []
    for number, name in enumerate(sets):
        for item in load_items(name):
            scored = index.rank(item.q, len(index.entry_ids))
            entries = [c for c in scored if c.entry_id not in index.not_covered]
            kind = next((c.score for c in scored if c.entry_id in index.not_covered), 0.0)
            best = entries[0] if entries else None
            rows.append(
                (
                    number,
                    item.entry is not None,
                    best is not None and best.entry_id == item.entry,
                    best.score if best else -1.0,
                    kind,
                    index.transliterated(item.q),
                )
            )
    columns = list(zip(*rows, strict=True))
    return Ranked(
        np.asarray(columns[0], dtype=np.int64),
        np.asarray(columns[1], dtype=bool),
        np.asarray(columns[2], dtype=bool),
        np.asarray(columns[3], dtype=np.float64),
        np.asarray(columns[4], dtype=np.float64),
        np.asarray(columns[5], dtype=bool),
    )


def shown(r: Ranked, setting: Setting) -> Mask:
    """Return which questions get an entry (answer or choices), as `MatchIndex.match` decides."""
    penalty, threshold, margin = setting
    declined = r.kind >= np.maximum(r.best, r.kind) - margin
    evidence = r.best - penalty * np.maximum(r.kind, 0.0)
    lower_bar = r.transliterated & (evidence >= threshold - LOWER_BAR_GAP)
    result: Mask = ~declined & ((evidence >= threshold) | lower_bar)
    return result


def figures(r: Ranked, mask: Mask, where: Mask | None = None) -> tuple[int, int]:
    """Return (right, out of scope answered) among the questions in `where`."""
    inside = np.ones_like(mask) if where is None else where
    return int((r.in_scope & r.right & mask & inside).sum()), int(
        (~r.in_scope & mask & inside).sum()
    )


def left_out(r: Ranked, grid: Sequence[Setting], cost: float) -> tuple[int, int]:
    """Choose a setting on all sets but one, judge it on that one; sum over the sets."""
    masks = {s: shown(r, s) for s in grid}
    right = answered = 0
    for held in np.unique(r.set_of):
        train, test = r.set_of != held, r.set_of == held

        def gain(s: Setting, train: Mask = train) -> float:
            ok, wrong = figures(r, masks[s], train)
            return ok - cost * wrong

        ok, wrong = figures(r, masks[max(grid, key=gain)], test)
        right, answered = right + ok, answered + wrong
    return right, answered


def main(argv: Sequence[str] = ()) -> int:
    """Print the sweep and the leave-one-set-out check."""
    index = MatchIndex.build(require_catalogue(BUNDLED_FAQ_DIR))
    ranked = rank_all(index, DEV_SETS)
    p = index.params
    current = (p.kind_penalty, p.choices_threshold, p.decline_margin)
    print(f"{ranked.in_scope.sum()} in scope, {(~ranked.in_scope).sum()} out of scope")
    now = figures(ranked, shown(ranked, current))
    print(f"current {current}: right / out of scope answered {now}")
    out_of_scope = int((~ranked.in_scope).sum())
    for penalty, margin in itertools.product(PENALTIES, MARGINS):
        cells = [
            f"{t:.2f} {ok}/{wrong}"
            for t in THRESHOLDS
            for ok, wrong in [figures(ranked, shown(ranked, (penalty, t, margin)))]
            if 0.03 * out_of_scope <= wrong <= 0.1 * out_of_scope  # the useful band
        ]
        print(f"penalty {penalty} margin {margin}: " + ", ".join(cells))
    grid = list(itertools.product(PENALTIES, THRESHOLDS, MARGINS))
    without = [s for s in grid if s[0] == 0.0]
    for cost in (1.0, 1.5, 2.0):
        alone, penalised = left_out(ranked, without, cost), left_out(ranked, grid, cost)
        print(f"left out, a false answer costing {cost}: alone {alone}, penalised {penalised}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
