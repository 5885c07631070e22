from __future__ import annotations

import itertools
import random
from datetime import date

from kiz_bot.stats._suppression import Hidden, SumGroup, suppress
from kiz_bot.stats.events import Outcome
from kiz_bot.stats.report import CountRow, build_report

DAY = date(2025, 3, 4)


def test_counts_below_the_threshold_are_shown_as_less_than() -> None:
    rows = [
        CountRow(DAY, "de", Outcome.ANSWERED, 40, "kita", "kita-platz"),
        CountRow(DAY, "ar", Outcome.ANSWERED, 3, "kita", "kita-platz"),
        CountRow(DAY, "tr", Outcome.ANSWERED, 12, "kita", "kita-platz"),
    ]
    report = build_report(rows, threshold=5)
    shown = {r.label: r.cells[0].shown for r in report.table("language").rows}
    assert shown["ar"] == "<5"
    assert "3" not in shown.values()


def test_zero_and_large_counts_are_shown() -> None:
    report = build_report([CountRow(DAY, "de", Outcome.ANSWERED, 40, "kita", "k")])
    row = report.summary.rows[0]
    assert [c.shown for c in row.cells[:4]] == ["40", "40", "0", "0"]


def test_a_single_small_cell_gets_a_complement_so_the_total_does_not_reveal_it() -> None:
    values = {"a": 2, "b": 9, "c": 30, "T": 41}
    hidden = suppress(values, [SumGroup("T", ("a", "b", "c"))], 5)
    assert hidden == {"a": Hidden.SMALL, "b": Hidden.COMPLEMENT}


def test_two_small_cells_that_add_up_to_their_minimum_are_protected_further() -> None:
    values = {"a": 1, "b": 1, "c": 30, "T": 32}
    hidden = suppress(values, [SumGroup("T", ("a", "b", "c"))], 5)
    assert len(hidden) == 3  # 1 + 1 = 2 would pin both; the total or c is withheld too


def test_a_hidden_total_with_all_parts_shown_is_protected() -> None:
    values = {"a": 3, "b": 0, "T": 3}
    hidden = suppress(values, [SumGroup("T", ("a", "b"))], 5)
    assert set(hidden) == {"a", "T"}


def _recoverable(values: dict[str, int], cells: list[str], hidden: set[str]) -> bool:
    """Brute force over the inner cells: is a hidden one the same in every consistent table?"""
    ranges = [
        [values[c]] if c not in hidden else range(1, 5) if values[c] < 5 else range(5, 21)
        for c in cells
    ]
    margins = {k: v for k, v in values.items() if k not in cells and k not in hidden}
    possible: dict[str, set[int]] = {c: set() for c in cells if c in hidden}
    for combo in itertools.product(*ranges):
        guess = dict(zip(cells, combo, strict=True))
        sums = {
            "r0": guess["r0c0"] + guess["r0c1"],
            "r1": guess["r1c0"] + guess["r1c1"],
            "c0": guess["r0c0"] + guess["r1c0"],
            "c1": guess["r0c1"] + guess["r1c1"],
        }
        sums["T"] = sums["r0"] + sums["r1"]
        if all(sums[k] == v for k, v in margins.items()):
            for key in possible:
                possible[key].add(guess[key])
    return any(len(v) == 1 for v in possible.values())


def test_no_hidden_cell_of_a_small_table_can_be_worked_out() -> None:
    rng = random.Random(7)
    cells = [f"r{r}c{c}" for r in range(2) for c in range(2)]
    for _ in range(30):
        values = {cell: rng.choice([0, 1, 2, 3, 6, 9]) for cell in cells}
        groups = []
        for r in range(2):
            values[f"r{r}"] = sum(values[f"r{r}c{c}"] for c in range(2))
            groups.append(SumGroup(f"r{r}", tuple(f"r{r}c{c}" for c in range(2))))
        for c in range(2):
            values[f"c{c}"] = sum(values[f"r{r}c{c}"] for r in range(2))
            groups.append(SumGroup(f"c{c}", tuple(f"r{r}c{c}" for r in range(2))))
        values["T"] = sum(values[cell] for cell in cells)
        groups += [SumGroup("T", ("r0", "r1")), SumGroup("T", ("c0", "c1"))]
        hidden = set(suppress(values, groups, 5))
        if hidden & set(cells):
            assert not _recoverable(values, cells, hidden), (values, hidden)


def test_a_withheld_partner_count_cannot_be_recomputed_from_the_total() -> None:
    rows = [
        CountRow(DAY, "de", Outcome.REFERRED, 9, "school", "enrol", "ymd"),
        CountRow(DAY, "de", Outcome.REFERRED, 2, "school", "enrol", "jc"),
    ]
    table = build_report(rows).table("partner")
    shown = [r.cells[0].shown for r in table.rows]
    assert "<5" in shown
    assert "9" not in shown or table.total is None or table.total.cells[0].shown != "11"


def test_rates_are_withheld_when_they_would_reveal_a_small_count() -> None:
    rows = [
        CountRow(DAY, "de", Outcome.ANSWERED, 40, "kita", "k"),
        CountRow(DAY, "de", Outcome.UNANSWERED, 2),
    ]
    report = build_report(rows)
    columns = report.summary.columns
    row = report.summary.rows[0]
    assert row.cell(columns, "unanswered_rate").shown == "–"
    assert row.cell(columns, "unanswered").shown == "<5"
