"""The coordinator report: counts by topic, entry, language, week, month and partner, suppressed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kiz_bot.stats._suppression import Hidden, SumGroup, suppress
from kiz_bot.stats.events import Outcome

NONE_LABEL = "(none)"
QUESTION_OUTCOMES = (Outcome.ANSWERED, Outcome.CHOICES, Outcome.UNANSWERED)
TREND_MAX_WEEKS = 13


class Format(StrEnum):
    """The formats a report can be rendered in."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"
    HTML = "html"
    PNG = "png"


@dataclass(frozen=True, slots=True)
class CountRow:
    """One stored count, as the store hands it to the report (monthly after roll-up)."""

    day: date
    language: str
    outcome: Outcome
    count: int
    topic: str | None = None
    entry_id: str | None = None
    partner_id: str | None = None
    monthly: bool = False


@dataclass(frozen=True, slots=True)
class UserCount:
    """Distinct users on one day (or the sum of daily counts of a rolled-up month)."""

    day: date
    count: int
    monthly: bool = False


@dataclass(frozen=True, slots=True)
class Count:
    """A published count; value is None when it is withheld."""

    value: int | None
    shown: str


@dataclass(frozen=True, slots=True)
class Rate:
    """A published share between 0 and 1; value is None when it would reveal a withheld count."""

    value: float | None

    @property
    def shown(self) -> str:
        """Return the rate as a percentage, or a dash."""
        return "–" if self.value is None else f"{self.value:.0%}"


Cell = Count | Rate


@dataclass(frozen=True, slots=True)
class Row:
    """One labelled line of a table."""

    label: str
    cells: tuple[Cell, ...]

    def cell(self, columns: tuple[str, ...], column: str) -> Cell:
        """Return the cell under a column name."""
        return self.cells[columns.index(column)]


@dataclass(frozen=True, slots=True)
class Table:
    """One section of the report."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    total: Row | None

    def column(self, column: str) -> tuple[Cell, ...]:
        """Return the cells of one column, in row order."""
        index = self.columns.index(column)
        return tuple(row.cells[index] for row in self.rows)


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """Questions in one week or month."""

    label: str
    questions: Count


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a coordinator sees; holds only numbers that may be published."""

    since: date | None
    until: date | None
    threshold: int
    summary: Table
    tables: tuple[Table, ...]
    trend: tuple[TrendPoint, ...]
    trend_change: Rate

    def table(self, key: str) -> Table:
        """Return a section by its key (topic, entry, language, week, month, partner)."""
        if key == self.summary.key:
            return self.summary
        return next(t for t in self.tables if t.key == key)


COLUMN_TITLES = {
    "questions": "Questions",
    "answered": "Answered",
    "choices": "Choices offered",
    "unanswered": "Unanswered",
    "answered_rate": "Answered %",
    "choices_rate": "Choices %",
    "unanswered_rate": "Unanswered %",
    "referred": "Referrals",
    "helpful": "Helpful",
    "not_helpful": "Not helpful",
    "helpful_rate": "Helpful %",
    "users": "Users (sum of daily)",
}
COUNT_COLUMNS = (
    "questions",
    "answered",
    "choices",
    "unanswered",
    "referred",
    "helpful",
    "not_helpful",
)
OUTCOME_COLUMNS = (
    "questions",
    "answered",
    "choices",
    "unanswered",
    "answered_rate",
    "choices_rate",
    "unanswered_rate",
    "referred",
    "helpful",
    "not_helpful",
    "helpful_rate",
)
RATES = {
    "answered_rate": ("answered", ("questions",)),
    "choices_rate": ("choices", ("questions",)),
    "unanswered_rate": ("unanswered", ("questions",)),
    "helpful_rate": ("helpful", ("helpful", "not_helpful")),
}
SECTIONS = (
    ("topic", "By topic", OUTCOME_COLUMNS),
    ("entry", "By entry", OUTCOME_COLUMNS),
    ("language", "By language", OUTCOME_COLUMNS),
    ("week", "By week", (*OUTCOME_COLUMNS, "users")),
    ("month", "By month", (*OUTCOME_COLUMNS, "users")),
    ("partner", "Referrals by partner", ("referred",)),
)
ALL = ("all", "all")


def build_report(
    rows: Iterable[CountRow],
    users: Iterable[UserCount] = (),
    *,
    since: date | None = None,
    until: date | None = None,
    threshold: int = 5,
) -> Report:
    """Aggregate stored counts into a report and withhold what could identify someone."""
    values: dict[Hashable, int] = defaultdict(int)
    labels: dict[str, set[Hashable]] = defaultdict(set)
    for row in rows:
        for dim, label in _labels(row):
            labels[dim].add(label)
            for metric in _metrics(row.outcome):
                values[(dim, label, metric)] += row.count
    for user in users:
        for dim, label in (("week", _week(user.day, user.monthly)), ("month", _month(user.day))):
            labels[dim].add(label)
            values[(dim, label, "users")] += user.count
        values[(*ALL, "users")] += user.count
    hidden = suppress(values, _groups(labels), threshold)

    def count(key: Hashable) -> Count:
        value = values.get(key, 0)
        why = hidden.get(key)
        if why is Hidden.SMALL:
            return Count(None, f"<{threshold}")
        if why is Hidden.COMPLEMENT:
            return Count(None, "x")
        return Count(value, str(value))

    def make_row(dim: str, label: Hashable, columns: tuple[str, ...]) -> Row:
        counts = {c: count((dim, label, c)) for c in columns if c not in RATES}
        counts.update({c: count((dim, label, c)) for c in ("questions", "not_helpful")})
        cells = tuple(counts[c] if c not in RATES else _rate(c, counts) for c in columns)
        return Row(_label_text(label), cells)

    tables = []
    for dim, title, columns in SECTIONS:
        ordered = _ordered(dim, labels[dim], values, hidden)
        total = make_row(*ALL, columns)
        tables.append(
            Table(dim, title, columns, tuple(make_row(dim, lb, columns) for lb in ordered), total)
        )
    summary_columns = (*OUTCOME_COLUMNS, "users")
    summary_row = make_row(*ALL, summary_columns)
    summary = Table("summary", "Overview", summary_columns, (Row("All", summary_row.cells),), None)
    trend, change = _trend(tables)
    return Report(since, until, threshold, summary, tuple(tables), trend, change)


def _labels(row: CountRow) -> list[tuple[str, Hashable]]:
    topic = row.topic or NONE_LABEL
    pairs: list[tuple[str, Hashable]] = [
        (*ALL,),
        ("topic", topic),
        ("entry", (topic, row.entry_id or NONE_LABEL)),
        ("language", row.language),
        ("week", _week(row.day, row.monthly)),
        ("month", _month(row.day)),
    ]
    if row.outcome is Outcome.REFERRED:
        pairs.append(("partner", row.partner_id or NONE_LABEL))
    return pairs


def _metrics(outcome: Outcome) -> tuple[str, ...]:
    if outcome in QUESTION_OUTCOMES:
        return ("questions", outcome.value)
    return (outcome.value,)


def _week(day: date, monthly: bool) -> str:
    if monthly:  # rolled-up months cannot be split into weeks any more
        return f"{_month(day)} (month)"
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _month(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def _groups(labels: dict[str, set[Hashable]]) -> list[SumGroup]:
    """Every sum a reader can form from the published tables."""
    groups = []
    parts = tuple(o.value for o in QUESTION_OUTCOMES)
    for dim in ("all", "topic", "entry", "language", "week", "month"):
        for label in labels.get(dim, set()):
            groups.append(
                SumGroup((dim, label, "questions"), tuple((dim, label, p) for p in parts))
            )
    for dim in ("topic", "entry", "language", "week", "month"):
        ordered = sorted(labels.get(dim, set()), key=repr)
        for metric in COUNT_COLUMNS:
            groups.append(SumGroup((*ALL, metric), tuple((dim, lb, metric) for lb in ordered)))
    for dim in ("week", "month"):
        ordered = sorted(labels.get(dim, set()), key=repr)
        groups.append(SumGroup((*ALL, "users"), tuple((dim, lb, "users") for lb in ordered)))
    partners = sorted(labels.get("partner", set()), key=repr)
    groups.append(SumGroup((*ALL, "referred"), tuple(("partner", p, "referred") for p in partners)))
    by_topic: dict[Hashable, list[Hashable]] = defaultdict(list)
    for label in labels.get("entry", set()):
        if isinstance(label, tuple):  # entry labels are built as (topic, entry)
            by_topic[label[0]].append(label)
    for topic, entries in by_topic.items():
        for metric in COUNT_COLUMNS:
            parts_of_topic = tuple(("entry", e, metric) for e in sorted(entries, key=repr))
            groups.append(SumGroup(("topic", topic, metric), parts_of_topic))
    return groups


def _rate(column: str, counts: dict[str, Count]) -> Rate:
    numerator, denominator_parts = RATES[column]
    shown = [counts[numerator], *(counts[p] for p in denominator_parts)]
    values = [c.value for c in shown]
    if any(v is None for v in values):
        return Rate(None)
    top = counts[numerator].value or 0
    bottom = sum(counts[p].value or 0 for p in denominator_parts)
    return Rate(top / bottom if bottom else None)


def _ordered(
    dim: str, labels: set[Hashable], values: dict[Hashable, int], hidden: dict[Hashable, Hidden]
) -> list[Hashable]:
    if dim in {"week", "month"}:
        return sorted(labels, key=str)
    metric = "referred" if dim == "partner" else "questions"

    def published(label: Hashable) -> tuple[int, str]:
        key = (dim, label, metric)
        # Hidden counts sort as zero so the order cannot rank two withheld cells.
        return (-(0 if key in hidden else values.get(key, 0)), _label_text(label))

    return sorted(labels, key=published)


def _label_text(label: Hashable) -> str:
    if isinstance(label, tuple):
        return str(label[-1])
    return str(label)


def _trend(tables: list[Table]) -> tuple[tuple[TrendPoint, ...], Rate]:
    weeks = next(t for t in tables if t.key == "week")
    months = next(t for t in tables if t.key == "month")
    source = weeks if len(weeks.rows) <= TREND_MAX_WEEKS else months
    index = source.columns.index("questions")
    points = []
    for row in source.rows:
        cell = row.cells[index]
        if isinstance(cell, Count):
            points.append(TrendPoint(row.label, cell))
    change = Rate(None)
    if len(points) >= 2:
        before, last = points[-2].questions.value, points[-1].questions.value
        if before and last is not None:
            change = Rate((last - before) / before)
    return tuple(points), change


def render(report: Report, fmt: Format | str) -> bytes:
    """Render a report as table, csv, json, html or png bytes."""
    chosen = Format(fmt)
    if chosen is Format.PNG:
        from kiz_bot.stats._charts import render_png  # matplotlib loads slowly

        return render_png(report)
    if chosen is Format.HTML:
        from kiz_bot.stats._render_html import render_html

        return render_html(report).encode()
    from kiz_bot.stats import _render_text

    renderers = {
        Format.TABLE: _render_text.render_table,
        Format.CSV: _render_text.render_csv,
        Format.JSON: _render_text.render_json,
    }
    return renderers[chosen](report).encode()
