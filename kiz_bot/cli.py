"""The kiz-bot command: run, chat, ask, faq, stats, db."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kiz_bot import __version__
from kiz_bot.knowledge.problems import KnowledgeError, Severity
from kiz_bot.settings import Settings, SettingsError
from kiz_bot.stats.cli import add_stats_parser

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_CONFIG = 2


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.token:
        print(
            "kiz-bot run needs a Telegram bot token: set KIZ_BOT_TOKEN in the environment or in "
            "a .env file (see README, 'Connect Telegram'); 'kiz-bot chat' works without one.",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    from kiz_bot.bot.run import run_bot

    return run_bot(settings.with_salt(), webhook_url=args.webhook, port=args.port)


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from kiz_bot.terminal import chat

    return chat(settings, language=args.lang)


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from kiz_bot.terminal import ask

    return ask(settings, args.question, language=args.lang, as_json=args.json)


def _faq_validate(args: argparse.Namespace, settings: Settings) -> int:
    from kiz_bot.knowledge.loader import load_catalogue

    folder = Path(args.dir) if args.dir else settings.faq_dir
    catalogue, problems = load_catalogue(folder)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    warnings = [p for p in problems if p.severity is Severity.WARNING]
    failed = bool(errors) or (args.strict and bool(warnings))
    if args.json:
        print(
            json.dumps(
                {"ok": not failed, "problems": [p.as_dict() for p in problems]},
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_PROBLEMS if failed else EXIT_OK
    for problem in problems:
        print(problem)
    entries = len(catalogue.entries) if catalogue else 0
    print(f"{folder}: {entries} entries, {len(errors)} error(s), {len(warnings)} warning(s)")
    return EXIT_PROBLEMS if failed else EXIT_OK


def _faq_export(args: argparse.Namespace, settings: Settings) -> int:
    from kiz_bot.knowledge.export import export
    from kiz_bot.knowledge.loader import require_catalogue

    catalogue = require_catalogue(Path(args.dir) if args.dir else settings.faq_dir)
    print(json.dumps(export(catalogue), ensure_ascii=False, indent=2))
    return EXIT_OK


def _faq_coverage(args: argparse.Namespace, settings: Settings) -> int:
    from kiz_bot.knowledge.export import coverage, format_table
    from kiz_bot.knowledge.loader import require_catalogue

    catalogue = require_catalogue(Path(args.dir) if args.dir else settings.faq_dir)
    print(format_table(coverage(catalogue)))
    print("ok = reviewed, u = not yet reviewed, - = missing")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the kiz-bot command."""
    parser = argparse.ArgumentParser(prog="kiz-bot", description=__doc__)
    parser.add_argument("--version", action="version", version=f"kiz-bot {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run the Telegram bot (long polling or webhook)")
    run.add_argument("--webhook", metavar="URL", help="public HTTPS URL for webhook mode")
    run.add_argument("--port", type=int, default=8443, help="local port in webhook mode")
    run.set_defaults(func=_run)

    chat = commands.add_parser("chat", help="talk to the advisor in the terminal")
    chat.add_argument("--lang", help="answer in this language (de, en, tr, ar, uk, ru, fa, pl)")
    chat.set_defaults(func=_chat)

    ask = commands.add_parser("ask", help="ask one question ('-' reads one per line)")
    ask.add_argument("question", help="the question, or - for one question per line on stdin")
    ask.add_argument("--lang", help="answer in this language")
    ask.add_argument("--json", action="store_true", help="print JSON")
    ask.set_defaults(func=_ask)

    faq = commands.add_parser("faq", help="check and export the knowledge base")
    faq_commands = faq.add_subparsers(dest="faq_command", required=True, metavar="ACTION")
    validate = faq_commands.add_parser("validate", help="check the knowledge base")
    validate.add_argument("dir", nargs="?", help="folder (default: KIZ_FAQ_DIR or faq/)")
    validate.add_argument("--strict", action="store_true", help="treat warnings as errors")
    validate.add_argument("--json", action="store_true", help="print JSON")
    validate.set_defaults(func=_faq_validate)
    exporter = faq_commands.add_parser("export", help="print the knowledge base as JSON")
    exporter.add_argument("dir", nargs="?", help="folder (default: KIZ_FAQ_DIR or faq/)")
    exporter.set_defaults(func=_faq_export)
    cover = faq_commands.add_parser("coverage", help="entries x languages: missing, unreviewed")
    cover.add_argument("dir", nargs="?", help="folder (default: KIZ_FAQ_DIR or faq/)")
    cover.set_defaults(func=_faq_coverage)

    add_stats_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None, environ: dict[str, str] | None = None) -> int:
    """Run the kiz-bot command and return its exit code."""
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_environ(os.environ if environ is None else environ)
    except SettingsError as exc:
        print(f"kiz-bot: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    # The bot logs at the configured level; one-shot commands only say what went wrong.
    level = settings.log_level if args.command == "run" else "WARNING"
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args, settings))
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(
            f"kiz-bot: the knowledge base in {settings.faq_dir} has errors; run "
            "'kiz-bot faq validate' and fix them.",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    except SettingsError as exc:
        print(f"kiz-bot: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return EXIT_OK
    except BrokenPipeError:
        # The reader went away (e.g. `kiz-bot faq export | head`): stop quietly.
        sys.stderr.close()
        return EXIT_OK
