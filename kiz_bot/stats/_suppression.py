"""Small-cell suppression: primary (counts below the threshold) and complementary.

Every published number has a key. A `SumGroup` says that one key (the total) is the sum of
others (the parts); such groups link the tables of a report (a topic's row total, the column
totals shared by every table, the grand total). A hidden number is safe when no group, even
combined with what the other groups reveal, pins it to a single value. The check propagates
the bounds a reader knows about every hidden number (primary: 1 to threshold-1, because 0 is
shown; complementary: threshold or more, because anything smaller would be primary) through
all groups until nothing changes; while some hidden number is pinned, one more number in its
group is withheld. This is the usual heuristic of statistical offices, not a full linear
programme, and it errs on the side of hiding.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

Key = Hashable
MAX_PASSES = 1000  # bounds only narrow, so this is a guard, not a limit reached in practice


class Hidden(StrEnum):
    """Why a number is not shown."""

    SMALL = "small"
    COMPLEMENT = "complement"


@dataclass(frozen=True, slots=True)
class SumGroup:
    """The total is the sum of the parts, and a reader can know it."""

    total: Key
    parts: tuple[Key, ...]


def suppress(
    values: Mapping[Key, int], groups: Sequence[SumGroup], threshold: int
) -> dict[Key, Hidden]:
    """Return which keys to hide, and why."""
    hidden: dict[Key, Hidden] = {
        key: Hidden.SMALL for key, value in values.items() if 0 < value < threshold
    }
    if not hidden:
        return hidden
    by_key: dict[Key, list[SumGroup]] = {}
    for group in groups:
        for key in (group.total, *group.parts):
            by_key.setdefault(key, []).append(group)
    for _ in range(len(values) + 1):
        pinned = _pinned(values, groups, hidden, threshold)
        if not pinned:
            break
        linked = [group for key in pinned for group in by_key.get(key, [])]
        extra = _complement(values, linked, hidden)
        if extra is None:
            before = len(hidden)
            _hide_everything_linked(values, by_key, pinned[0], hidden)
            if len(hidden) == before:
                break
        else:
            hidden[extra] = Hidden.COMPLEMENT
    return hidden


def _pinned(
    values: Mapping[Key, int],
    groups: Sequence[SumGroup],
    hidden: Mapping[Key, Hidden],
    threshold: int,
) -> list[Key]:
    """Return the hidden keys whose value a reader could work out."""
    bounds: dict[Key, tuple[float, float]] = {
        key: (1.0, float(threshold - 1)) if why is Hidden.SMALL else (float(threshold), math.inf)
        for key, why in hidden.items()
    }

    def span(key: Key) -> tuple[float, float]:
        if key in bounds:
            return bounds[key]
        value = float(values.get(key, 0))
        return value, value

    changed = True
    passes = 0
    while changed and passes < MAX_PASSES:
        changed, passes = False, passes + 1
        for group in groups:
            members = (group.total, *group.parts)
            if not any(key in bounds for key in members):
                continue
            part_spans = [span(key) for key in group.parts]
            low_sum = sum(low for low, _ in part_spans)
            endless = sum(1 for _, high in part_spans if math.isinf(high))
            finite_high = sum(high for _, high in part_spans if not math.isinf(high))
            high_sum = math.inf if endless else finite_high
            total_low, total_high = span(group.total)
            updates = {group.total: (max(total_low, low_sum), min(total_high, high_sum))}
            for key, (low, high) in zip(group.parts, part_spans, strict=True):
                others_low = low_sum - low
                if math.isinf(high):
                    others_high = math.inf if endless > 1 else finite_high
                else:
                    others_high = math.inf if endless else finite_high - high
                updates[key] = (
                    max(low, total_low - others_high),
                    min(high, total_high - others_low),
                )
            for key, new in updates.items():
                if key in bounds and new != bounds[key]:
                    bounds[key] = new
                    changed = True
    return [key for key, (low, high) in bounds.items() if low >= high]


def _complement(
    values: Mapping[Key, int], groups: Iterable[SumGroup], hidden: Mapping[Key, Hidden]
) -> Key | None:
    """Pick the smallest non-zero shown number that shares a group with the pinned one."""
    candidates: list[tuple[int, int, str, Key]] = []
    for group in groups:
        for rank, key in enumerate((*group.parts, group.total)):
            value = values.get(key, 0)
            if key not in hidden and value > 0:
                is_total = 1 if rank == len(group.parts) else 0
                candidates.append((is_total, value, repr(key), key))
    if not candidates:
        return None
    return min(candidates, key=lambda c: c[:3])[3]


def _hide_everything_linked(
    values: Mapping[Key, int],
    by_key: Mapping[Key, list[SumGroup]],
    pinned: Key,
    hidden: dict[Key, Hidden],
) -> None:
    """Last resort: withhold every number connected to the pinned one."""
    stack, seen = [pinned], {pinned}
    while stack:
        for group in by_key.get(stack.pop(), []):
            for key in (group.total, *group.parts):
                if key not in seen:
                    seen.add(key)
                    stack.append(key)
                    if key not in hidden and values.get(key, 0) > 0:
                        hidden[key] = Hidden.COMPLEMENT
