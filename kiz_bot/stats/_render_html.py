"""The report as one self-contained HTML page: inline CSS and SVG, no external resources."""

from __future__ import annotations

from html import escape

from kiz_bot.stats._charts import bar_values, svg_bars, svg_trend
from kiz_bot.stats._render_text import period_text
from kiz_bot.stats.report import COLUMN_TITLES, Report, Table

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;
max-width:960px;padding:12px;color:#1a202c;line-height:1.4}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.6rem}
.note{color:#4a5568;font-size:.9rem}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;font-size:.85rem;min-width:100%}
th,td{padding:4px 8px;border-bottom:1px solid #e2e8f0;white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tr.total td{font-weight:bold;border-top:2px solid #a0aec0}
.chart{width:100%;height:auto;max-width:640px;display:block;margin:8px 0;font-size:13px}
.cards{display:flex;flex-wrap:wrap;gap:8px}
.card{border:1px solid #e2e8f0;border-radius:8px;padding:8px 12px;min-width:120px}
.card b{display:block;font-size:1.3rem}
"""


def render_html(report: Report) -> str:
    """Render the report as a single page that works offline and on a phone."""
    sections = [_cards(report)]
    sections.append(svg_trend(report))
    sections.append(svg_bars("Questions by topic", bar_values(report.table("topic"), "questions")))
    sections.append(
        svg_bars("Questions by language", bar_values(report.table("language"), "questions"))
    )
    sections.append(
        svg_bars("Referrals by partner", bar_values(report.table("partner"), "referred"))
    )
    sections += [_table(t) for t in report.tables]
    title = f"KIZ bot statistics, {escape(period_text(report))}"
    threshold = report.threshold
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{STYLE}</style></head><body>"
        f"<h1>{title}</h1>"
        f'<p class="note">Anonymised counts. Counts below {threshold} are shown as '
        f"&lt;{threshold}; x marks a count withheld so that a small one cannot be worked out "
        "from the totals. Percentages are left out (–) where they would reveal a withheld "
        "count.</p>" + "".join(sections) + "</body></html>\n"
    )


def _cards(report: Report) -> str:
    row = report.summary.rows[0]
    shown = ("questions", "answered_rate", "unanswered_rate", "helpful_rate", "referred", "users")
    cards = "".join(
        f'<div class="card">{escape(COLUMN_TITLES[c])}'
        f"<b>{escape(row.cell(report.summary.columns, c).shown)}</b></div>"
        for c in shown
    )
    return f'<div class="cards">{cards}</div>'


def _table(table: Table) -> str:
    head = "".join(f'<th class="n">{escape(COLUMN_TITLES[c])}</th>' for c in table.columns)
    rows = [
        "<tr><td>"
        + escape(row.label)
        + "</td>"
        + "".join(f'<td class="n">{escape(c.shown)}</td>' for c in row.cells)
        + "</tr>"
        for row in table.rows
    ]
    if table.total is not None and table.rows:
        total_cells = "".join(f'<td class="n">{escape(c.shown)}</td>' for c in table.total.cells)
        rows.append(f'<tr class="total"><td>Total</td>{total_cells}</tr>')
    if not table.rows:
        rows.append(f'<tr><td colspan="{len(table.columns) + 1}">no data</td></tr>')
    return (
        f"<h2>{escape(table.title)}</h2>"
        f'<div class="scroll"><table><thead><tr><th></th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
