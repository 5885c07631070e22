"""The knowledge base as plain data: the export and the coverage table."""

from __future__ import annotations

from kiz_bot.knowledge.model import Catalogue

MISSING = "-"
UNREVIEWED = "u"
REVIEWED = "ok"


def export(catalogue: Catalogue) -> list[dict[str, object]]:
    """Return every entry as plain data in a stable order (file order, languages as configured)."""
    result: list[dict[str, object]] = []
    for entry in catalogue.entries:
        texts = {
            language: {
                "question": text.question,
                "alternatives": list(text.alternatives),
                "keywords": list(text.keywords),
                "answer": text.answer,
                "links": list(text.links),
                "reviewed": text.reviewed,
            }
            for language in catalogue.languages
            if (text := entry.texts.get(language)) is not None
        }
        result.append(
            {
                "id": entry.id,
                "topic": entry.topic,
                "partners": list(entry.partners),
                "last_reviewed": entry.last_reviewed.isoformat() if entry.last_reviewed else None,
                "needs_review": entry.needs_review,
                "texts": texts,
            }
        )
    return result


def coverage(catalogue: Catalogue) -> list[list[str]]:
    """Return a table: a header row, then one row per entry with ok, u (unreviewed) or -."""
    rows = [["entry", *catalogue.languages]]
    for entry in catalogue.entries:
        cells = []
        for language in catalogue.languages:
            text = entry.texts.get(language)
            cells.append(MISSING if text is None else REVIEWED if text.reviewed else UNREVIEWED)
        rows.append([entry.id, *cells])
    return rows


def format_table(rows: list[list[str]]) -> str:
    """Return rows as an aligned plain-text table."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )
