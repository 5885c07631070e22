from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest

from kiz_bot.stats.events import Outcome
from kiz_bot.stats.report import CountRow, Report, UserCount, build_report, render


@pytest.fixture
def report() -> Report:
    rows = []
    for i, (topic, entry) in enumerate([("kita", "kita-platz"), ("school", "enrol")]):
        for week in range(6):
            day = date(2025, 2, 3) + timedelta(weeks=week)
            rows.append(CountRow(day, "de", Outcome.ANSWERED, 20 + i, topic, entry))
            rows.append(CountRow(day, "ar", Outcome.CHOICES, 6, topic, entry))
            rows.append(CountRow(day, "uk", Outcome.HELPFUL, 3, topic, entry))
    rows.append(CountRow(date(2025, 2, 3), "tr", Outcome.UNANSWERED, 2))
    rows.append(CountRow(date(2025, 2, 3), "de", Outcome.REFERRED, 8, "kita", "kita-platz", "jmd"))
    users = [UserCount(date(2025, 2, 3), 30)]
    return build_report(rows, users, since=date(2025, 2, 1), until=date(2025, 3, 31))


def test_table_is_text_with_sections_and_suppression(report: Report) -> None:
    text = render(report, "table").decode()
    assert "By topic" in text
    assert "<5" in text


def test_csv_parses_with_one_line_per_row(report: Report) -> None:
    rows = list(csv.DictReader(io.StringIO(render(report, "csv").decode())))
    sections = {r["section"] for r in rows}
    assert {"summary", "topic", "entry", "language", "week", "month", "partner"} <= sections
    tr = next(r for r in rows if r["section"] == "language" and r["label"] == "tr")
    assert tr["unanswered"] == "<5"


def test_json_parses_and_withheld_counts_are_strings(report: Report) -> None:
    document = json.loads(render(report, "json"))
    language = next(t for t in document["tables"] if t["key"] == "language")
    tr = next(r for r in language["rows"] if r["label"] == "tr")
    assert tr["values"]["unanswered"] == "<5"
    assert document["since"] == "2025-02-01"
    assert isinstance(document["summary"]["rows"][0]["values"]["referred"], int)


def test_html_is_one_self_contained_page_for_phones(report: Report) -> None:
    page = render(report, "html").decode()
    assert page.startswith("<!DOCTYPE html>")
    assert 'name="viewport"' in page
    assert "<svg" in page
    assert not re.search(r"(src|href|url)\s*[=(]\s*['\"]?\s*(https?:)?//", page, re.IGNORECASE)
    assert "http://" not in page
    assert "https://" not in page
    assert "<script" not in page
    assert "<link" not in page


def test_html_escapes_labels() -> None:
    rows = [CountRow(date(2025, 2, 3), "de", Outcome.ANSWERED, 9, "<b>x</b>", "e")]
    page = render(build_report(rows), "html").decode()
    assert "<b>x</b>" not in page


def test_png_is_a_png_image(report: Report) -> None:
    assert render(report, "png").startswith(b"\x89PNG\r\n\x1a\n")


def test_empty_report_renders_in_every_format() -> None:
    empty = build_report([])
    for fmt in ("table", "csv", "json", "html", "png"):
        assert render(empty, fmt)


def test_trend_follows_weeks_for_short_periods(report: Report) -> None:
    labels = [p.label for p in report.trend]
    assert labels[0] == "2025-W06"
    assert len(labels) == 6
