"""A bare python-telegram-bot echo bot: the baseline that benchmarks.e2e compares us with.

It uses the same settings as `kiz-bot run` (KIZ_BOT_TOKEN, KIZ_BOT_API_URL, KIZ_RATE_LIMITER,
the same number of concurrent updates and the same connection pool) and does nothing but
send each text back, so the ratio of the two throughputs is the cost of our own work.
"""

from __future__ import annotations

import logging
import os

from telegram import Update
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, MessageHandler, filters
from telegram.request import HTTPXRequest

# The same as kiz_bot.bot.app (checked by benchmarks.e2e); not imported, so that the echo
# bot's startup time and memory are python-telegram-bot's alone.
CONCURRENT_UPDATES = 64
API_CONNECTIONS = 8
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text is not None:
        await context.bot.send_message(message.chat_id, message.text)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    builder = (
        ApplicationBuilder()
        .token(os.environ["KIZ_BOT_TOKEN"])
        .base_url(os.environ.get("KIZ_BOT_API_URL", "https://api.telegram.org/bot"))
        .concurrent_updates(CONCURRENT_UPDATES)
        .request(HTTPXRequest(connection_pool_size=API_CONNECTIONS))
        .get_updates_request(HTTPXRequest(connection_pool_size=2, read_timeout=40))
    )
    if os.environ.get("KIZ_RATE_LIMITER", "on").lower() in {"1", "on", "true", "yes"}:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    application.run_polling(allowed_updates=ALLOWED_UPDATES, bootstrap_retries=-1)


if __name__ == "__main__":
    main()
