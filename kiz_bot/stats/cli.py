"""The stats and db commands of kiz-bot; the lead's cli.py calls args.func(args, settings)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from pathlib import Path
from typing import Any

from kiz_bot.settings import Settings
from kiz_bot.stats.report import Format, render
from kiz_bot.stats.similar import DEFAULT_SIMILARITY, group_similar


def add_stats_parser(subparsers: Any) -> None:
    """Register `stats [unanswered]` and `db upgrade` on an argparse subparsers object."""
    stats = subparsers.add_parser("stats", help="the anonymised report")
    stats.add_argument(
        "view",
        nargs="?",
        choices=("report", "unanswered"),
        default="report",
        help="report (default) or unanswered: kept unanswered questions grouped by similarity",
    )
    stats.add_argument("--since", type=_day, help="first day, YYYY-MM-DD")
    stats.add_argument("--until", type=_day, help="last day, YYYY-MM-DD")
    stats.add_argument("--format", choices=[f.value for f in Format], default=Format.TABLE.value)
    stats.add_argument("--output", type=Path, help="write to this file instead of the terminal")
    stats.add_argument(
        "--similarity",
        type=float,
        default=DEFAULT_SIMILARITY,
        help="0-100: how alike unanswered questions must be to be grouped",
    )
    stats.set_defaults(func=run_stats)

    db = subparsers.add_parser("db", help="database maintenance")
    db.set_defaults(func=_db_help(db))
    actions = db.add_subparsers(dest="db_action")
    upgrade = actions.add_parser("upgrade", help="migrate the database to the newest schema")
    upgrade.set_defaults(func=run_db_upgrade)


def run_stats(args: argparse.Namespace, settings: Settings) -> int:
    """Print or write the report, or the grouped unanswered questions."""
    if args.since and args.until and args.since > args.until:
        print("--since must not be after --until.", file=sys.stderr)
        return 2
    from kiz_bot.storage import StorageError  # the database layer loads only for this command

    try:
        if args.view == "unanswered":
            return asyncio.run(_unanswered(args, settings))
        data = asyncio.run(_report(args, settings))
    except StorageError as error:
        print(error, file=sys.stderr)
        return 1
    if args.output:
        args.output.write_bytes(data)
        print(f"Report written to {args.output}.", file=sys.stderr)
        return 0
    if args.format == Format.PNG and sys.stdout.isatty():
        print("A PNG chart needs --output FILE (or a pipe).", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
    return 0


def run_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    """Migrate the database to the newest schema."""
    from kiz_bot.storage import StorageError, upgrade_database

    try:
        asyncio.run(upgrade_database(settings))
    except StorageError as error:
        print(error, file=sys.stderr)
        return 1
    print("Database is up to date.", file=sys.stderr)
    return 0


async def _report(args: argparse.Namespace, settings: Settings) -> bytes:
    from kiz_bot.storage import open_storage

    storage = await open_storage(settings)
    try:
        report = await storage.report(args.since, args.until)
    finally:
        await storage.close()
    return render(report, args.format)


async def _unanswered(args: argparse.Namespace, settings: Settings) -> int:
    from kiz_bot.storage import open_storage

    if not settings.keep_unanswered:
        print(
            "Unanswered questions are not kept (KIZ_KEEP_UNANSWERED is off); "
            "showing what is left from earlier.",
            file=sys.stderr,
        )
    storage = await open_storage(settings)
    try:
        kept = await storage.unanswered()
    finally:
        await storage.close()
    groups = group_similar((k.text for k in kept), args.similarity)
    lines = [f"{len(kept)} unanswered questions kept (last 30 days), {len(groups)} groups"]
    for group in groups:
        lines.append(f"\n{group.size} x {group.texts[0]}")
        lines += [f"    {text}" for text in group.texts[1:6]]
        if group.size > 6:
            lines.append(f"    ... and {group.size - 6} more")
    text = "\n".join(lines) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _db_help(parser: argparse.ArgumentParser) -> Any:
    def show(_args: argparse.Namespace, _settings: Settings) -> int:
        parser.print_help(sys.stderr)
        return 2

    return show


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        msg = f"{raw!r} is not a date; use YYYY-MM-DD."
        raise argparse.ArgumentTypeError(msg) from None
