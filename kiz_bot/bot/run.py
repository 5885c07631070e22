"""Run the Telegram bot: long polling by default, webhook mode with --webhook URL."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import secrets
import sys

from telegram.error import InvalidToken, NetworkError, TimedOut

from kiz_bot.bot.app import ALLOWED_UPDATES, build_application
from kiz_bot.bot.logs import configure_logging
from kiz_bot.bot.webhook import serve_webhook
from kiz_bot.examiner import Examiner
from kiz_bot.settings import Settings

log = logging.getLogger(__name__)
BOOTSTRAP_RETRIES = 5


class _NoNetworkTracebacks(logging.Filter):
    """Drop the traceback of expected network failures: the message says enough."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], NetworkError | TimedOut):
            record.exc_info = None
            record.exc_text = None
        return True


def run_bot(settings: Settings, *, webhook_url: str | None, port: int) -> int:
    """Serve Telegram until stopped; return the process exit code."""
    configure_logging(
        settings.log_level,
        [settings.token.reveal(), settings.webhook_secret.reveal(), settings.user_salt.reveal()],
        settings.log_format,
    )
    if not settings.token:
        print(
            "kiz-bot: set KIZ_BOT_TOKEN (the token from BotFather) to run the bot.",
            file=sys.stderr,
        )
        return 2
    logging.getLogger("telegram.ext").addFilter(_NoNetworkTracebacks())
    settings = settings.with_salt()
    from kiz_bot.bootstrap import build_services  # after logging is set up

    services = build_services(settings)
    # Forked now, while this is the only thread: matching then runs beside the bot.
    examiner = Examiner.start(services.advisor) if settings.match_worker else None
    application = build_application(services, settings, examiner=examiner)
    # What start-up built lives as long as the bot: left out of garbage collection, it no
    # longer makes each full collection walk 100,000 objects (about 65 ms, a reply's delay).
    gc.collect()
    gc.freeze()
    try:
        if webhook_url:
            # Without a configured secret a random one per run works: Telegram gets it on
            # setWebhook.
            secret = settings.webhook_secret.reveal() or secrets.token_urlsafe(32)
            asyncio.run(serve_webhook(application, webhook_url, port, secret))
        else:
            log.info("polling mode: asking the Bot API for updates")
            application.run_polling(
                allowed_updates=ALLOWED_UPDATES, bootstrap_retries=BOOTSTRAP_RETRIES
            )
    except InvalidToken:
        print("kiz-bot: the Bot API refused the token; check KIZ_BOT_TOKEN.", file=sys.stderr)
        return 1
    except (NetworkError, TimedOut) as exc:
        # A passing failure at start-up is retried (BOOTSTRAP_RETRIES, each with backoff);
        # a machine without a route to the Bot API gets one clear sentence, not a traceback.
        where = settings.api_url.split("://")[-1].split("/")[0]
        print(
            f"kiz-bot: cannot reach the Telegram Bot API at {where} ({type(exc).__name__}); "
            "check the network or KIZ_BOT_API_URL.",
            file=sys.stderr,
        )
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the bot from ``python -m kiz_bot.bot.run`` (``kiz-bot run`` does the same)."""
    parser = argparse.ArgumentParser(prog="python -m kiz_bot.bot.run")
    parser.add_argument("--webhook", metavar="URL")
    parser.add_argument("--port", type=int, default=8443)
    args = parser.parse_args(argv)
    return run_bot(Settings.from_environ(os.environ), webhook_url=args.webhook, port=args.port)


if __name__ == "__main__":
    raise SystemExit(main())
