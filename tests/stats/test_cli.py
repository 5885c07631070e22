from __future__ import annotations

import argparse
import asyncio
import json
from datetime import date
from pathlib import Path

import pytest

from kiz_bot.stats.cli import add_stats_parser
from kiz_bot.stats.events import Outcome, TopicEvent
from tests.conftest_db import Database


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="kiz-bot")
    add_stats_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


async def _seed(database: Database) -> None:
    storage = await database.open(keep_unanswered=True)
    for _ in range(12):
        storage.recorder.record(TopicEvent(date(2025, 3, 4), "de", Outcome.ANSWERED, "kita", "k"))
    storage.keep_unanswered("Gibt es Schwimmkurse für Erwachsene?")
    storage.keep_unanswered("gibt es schwimmkurse fuer erwachsene")
    await storage.close()


def test_parser_reads_period_format_and_output() -> None:
    args = _parse("stats", "--since", "2025-01-01", "--format", "csv", "--output", "r.csv")
    assert args.since == date(2025, 1, 1)
    assert args.format == "csv"
    assert args.view == "report"
    assert _parse("stats", "unanswered").view == "unanswered"
    assert callable(_parse("db", "upgrade").func)


def test_parser_rejects_a_malformed_date(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        _parse("stats", "--since", "yesterday")
    assert "YYYY-MM-DD" in capsys.readouterr().err


async def test_stats_writes_a_json_report(sqlite_database: Database, tmp_path: Path) -> None:
    await _seed(sqlite_database)
    out = tmp_path / "r.json"
    args = _parse("stats", "--format", "json", "--output", str(out))
    settings = sqlite_database.settings()

    code = await asyncio.to_thread(args.func, args, settings)
    assert code == 0
    assert json.loads(out.read_text())["summary"]["rows"][0]["values"]["questions"] == 12


async def test_stats_unanswered_lists_groups(
    sqlite_database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    await _seed(sqlite_database)
    args = _parse("stats", "unanswered")

    code = await asyncio.to_thread(args.func, args, sqlite_database.settings(keep_unanswered=True))
    assert code == 0
    assert "2 x " in capsys.readouterr().out


def test_db_upgrade_creates_the_schema(sqlite_database: Database) -> None:
    args = _parse("db", "upgrade")
    assert args.func(args, sqlite_database.settings()) == 0
    assert sqlite_database.path is not None
    assert sqlite_database.path.exists()
