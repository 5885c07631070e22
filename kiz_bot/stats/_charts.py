"""Charts of a report: inline SVG for the HTML page, a PNG via matplotlib's Agg backend."""

from __future__ import annotations

import io
from html import escape

from kiz_bot.stats.report import Count, Report, Table

BAR_COLOUR = "#2b6cb0"
MAX_BARS = 12


def bar_values(table: Table, column: str) -> list[tuple[str, Count]]:
    """Return (label, count) pairs of a table column, at most MAX_BARS."""
    index = table.columns.index(column)
    pairs = []
    for row in table.rows[:MAX_BARS]:
        cell = row.cells[index]
        if isinstance(cell, Count):
            pairs.append((row.label, cell))
    return pairs


def svg_bars(title: str, pairs: list[tuple[str, Count]]) -> str:
    """Draw horizontal bars as a self-contained SVG that scales to the screen width."""
    if not pairs:
        return ""
    row_height, label_width, width = 26, 170, 600
    height = row_height * len(pairs) + 34
    largest = max((c.value or 0 for _, c in pairs), default=0) or 1
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        'class="chart">',
        f'<text x="0" y="18" font-weight="bold">{escape(title)}</text>',
    ]
    bar_room = width - label_width - 60
    for i, (label, count) in enumerate(pairs):
        y = 30 + i * row_height
        length = int(bar_room * (count.value or 0) / largest)
        parts.append(f'<text x="0" y="{y + 16}">{escape(label[:24])}</text>')
        if count.value:
            parts.append(
                f'<rect x="{label_width}" y="{y + 3}" width="{max(length, 1)}" '
                f'height="{row_height - 8}" fill="{BAR_COLOUR}"/>'
            )
        parts.append(
            f'<text x="{label_width + length + 6}" y="{y + 16}">{escape(count.shown)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def svg_trend(report: Report) -> str:
    """Draw questions over time as columns in a self-contained SVG."""
    points = report.trend
    if not points:
        return ""
    width, height, bottom = 600, 220, 180
    step = (width - 20) / len(points)
    largest = max((p.questions.value or 0 for p in points), default=0) or 1
    parts = [
        f'<svg role="img" aria-label="Questions over time" viewBox="0 0 {width} {height}" '
        'class="chart">',
        '<text x="0" y="16" font-weight="bold">Questions over time</text>',
    ]
    for i, point in enumerate(points):
        x = 10 + i * step
        value = point.questions.value or 0
        bar = (bottom - 40) * value / largest
        if value:
            parts.append(
                f'<rect x="{x + step * 0.15:.1f}" y="{bottom - bar:.1f}" '
                f'width="{step * 0.7:.1f}" height="{bar:.1f}" fill="{BAR_COLOUR}"/>'
            )
        parts.append(
            f'<text x="{x + step / 2:.1f}" y="{bottom - bar - 4:.1f}" text-anchor="middle" '
            f'font-size="11">{escape(point.questions.shown)}</text>'
        )
        parts.append(
            f'<text x="{x + step / 2:.1f}" y="{bottom + 16}" text-anchor="middle" '
            f'font-size="10">{escape(point.label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def render_png(report: Report) -> bytes:
    """Draw questions by topic, by language and over time into one PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # slow import, only when needed
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9, 10), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(3, 1)
    panels = [
        ("Questions by topic", bar_values(report.table("topic"), "questions")),
        ("Questions by language", bar_values(report.table("language"), "questions")),
        ("Questions over time", [(p.label, p.questions) for p in report.trend]),
    ]
    for ax, (title, pairs) in zip(axes, panels, strict=True):
        ax.set_title(title, loc="left")
        if not pairs:
            ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            continue
        labels = [label for label, _ in pairs]
        values = [count.value or 0 for _, count in pairs]
        if title.endswith("time"):
            bars = ax.bar(labels, values, color=BAR_COLOUR)
            ax.tick_params(axis="x", labelrotation=45, labelsize=8)
        else:
            bars = ax.barh(labels[::-1], values[::-1], color=BAR_COLOUR)
            pairs = pairs[::-1]
        ax.bar_label(bars, labels=[count.shown for _, count in pairs], padding=3, fontsize=8)
        ax.margins(x=0.12, y=0.12)
    figure.suptitle(f"KIZ bot statistics (counts below {report.threshold} withheld)")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
