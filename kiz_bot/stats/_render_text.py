"""Plain renderers of a report: an aligned terminal table, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from kiz_bot.stats.report import COLUMN_TITLES, Cell, Count, Report, Row, Table

CSV_HEADER = ("section", "label", *COLUMN_TITLES)


def period_text(report: Report) -> str:
    """Describe the reported period in words."""
    since = report.since.isoformat() if report.since else "the beginning"
    until = report.until.isoformat() if report.until else "today"
    return f"{since} to {until}"


def render_table(report: Report) -> str:
    """Render the report as aligned text for a terminal."""
    lines = [
        f"KIZ bot statistics, {period_text(report)}",
        f"Counts below {report.threshold} are shown as <{report.threshold}; "
        "x marks a count withheld so that a small one cannot be worked out.",
        "",
    ]
    for table in (report.summary, *report.tables):
        lines += _text_table(table)
        lines.append("")
    if report.trend:
        trend = ", ".join(f"{p.label}: {p.questions.shown}" for p in report.trend)
        lines.append(f"Trend (questions): {trend}; last change {report.trend_change.shown}")
    return "\n".join(lines).rstrip() + "\n"


def _text_table(table: Table) -> list[str]:
    header = ["", *(COLUMN_TITLES[c] for c in table.columns)]
    body = [[row.label, *(c.shown for c in row.cells)] for row in table.rows]
    if table.total is not None and table.rows:
        body.append(["Total", *(c.shown for c in table.total.cells)])
    if not body:
        return [table.title, "  (no data)"]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    return [table.title, line(header), *(line(cells) for cells in body)]


def render_csv(report: Report) -> str:
    """Render the report as one CSV sheet: a line per table row, a column per measure."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for table in (report.summary, *report.tables):
        rows = list(table.rows)
        if table.total is not None:
            rows.append(Row("Total", table.total.cells))
        for row in rows:
            cells = dict(zip(table.columns, row.cells, strict=True))
            writer.writerow(
                [table.key, row.label, *(_csv_value(cells.get(c)) for c in COLUMN_TITLES)]
            )
    return out.getvalue()


def _csv_value(cell: Cell | None) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Count):
        return cell.shown
    return "" if cell.value is None else f"{cell.value:.4f}"


def render_json(report: Report) -> str:
    """Render the report as JSON; withheld counts are strings such as "<5" or "x"."""
    document = {
        "since": _iso(report.since),
        "until": _iso(report.until),
        "threshold": report.threshold,
        "summary": _json_table(report.summary),
        "tables": [_json_table(t) for t in report.tables],
        "trend": [{"label": p.label, "questions": _json_value(p.questions)} for p in report.trend],
        "trend_change": report.trend_change.value,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _json_table(table: Table) -> dict[str, object]:
    def row(item: Row) -> dict[str, object]:
        values = {c: _json_value(cell) for c, cell in zip(table.columns, item.cells, strict=True)}
        return {"label": item.label, "values": values}

    return {
        "key": table.key,
        "title": table.title,
        "columns": list(table.columns),
        "rows": [row(r) for r in table.rows],
        "total": row(table.total) if table.total is not None else None,
    }


def _json_value(cell: Cell) -> int | float | str | None:
    if isinstance(cell, Count):
        return cell.value if cell.value is not None else cell.shown
    return None if cell.value is None else round(cell.value, 4)
