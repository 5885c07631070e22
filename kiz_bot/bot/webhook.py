"""Webhook mode: a small Tornado server that checks the secret on every request, plus /health."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from http import HTTPStatus
from types import TracebackType
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import TelegramError
from tornado.httpserver import HTTPServer
from tornado.web import Application as TornadoApplication
from tornado.web import RequestHandler

from kiz_bot.bot.app import ALLOWED_UPDATES, KizApplication
from kiz_bot.bot.retry import RetryPolicy

log = logging.getLogger(__name__)
BOOTSTRAP = RetryPolicy(first_delay=1.0, max_delay=30.0)  # start-up: retried until it works

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
LISTEN_ADDRESS = "127.0.0.1"  # behind a reverse proxy that terminates TLS (docs/telegram.md)
MAX_BODY_BYTES = 1024 * 1024


class _UpdateHandler(RequestHandler):
    """Accepts an update from Telegram when it carries the secret, and queues it."""

    def initialize(self, bot_app: KizApplication, secret: str) -> None:
        self.bot_app = bot_app
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("webhook request without the right secret token rejected")
            self.set_status(HTTPStatus.FORBIDDEN)
            return
        try:
            data = json.loads(self.request.body)
            update = Update.de_json(data, self.bot_app.bot)
        except (ValueError, TypeError, KeyError):
            log.warning("webhook request with a body that is not an update rejected")
            self.set_status(HTTPStatus.BAD_REQUEST)
            return
        await self.bot_app.update_queue.put(update)
        self.set_status(HTTPStatus.OK)

    def log_exception(
        self,
        typ: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Log without the request, whose body holds personal data."""
        log.error("webhook handler failed", exc_info=value)


class _HealthHandler(RequestHandler):
    """Says the process is up and the bot is running."""

    def initialize(self, bot_app: KizApplication) -> None:
        self.bot_app = bot_app

    def get(self) -> None:
        running = self.bot_app.running
        self.set_status(HTTPStatus.OK if running else HTTPStatus.SERVICE_UNAVAILABLE)
        self.set_header("Content-Type", "application/json")
        self.write(json.dumps({"status": "ok" if running else "starting"}))


def webhook_path(url: str) -> str:
    """Return the local path Telegram posts to: the path of the public webhook URL."""
    return urlsplit(url).path or "/"


async def serve_webhook(application: KizApplication, url: str, port: int, secret: str) -> None:
    """Run the bot in webhook mode until SIGINT or SIGTERM."""
    path = webhook_path(url)
    web = TornadoApplication(
        [
            (path, _UpdateHandler, {"bot_app": application, "secret": secret}),
            ("/health", _HealthHandler, {"bot_app": application}),
        ]
    )
    server = HTTPServer(web, max_body_size=MAX_BODY_BYTES, xheaders=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    server.listen(port, address=LISTEN_ADDRESS)  # /health answers "starting" meanwhile
    try:
        if not await _bootstrap(application, url, secret, stop):
            return
        await application.start()
        log.info("webhook mode: listening on %s:%d%s", LISTEN_ADDRESS, port, path)
        await stop.wait()
    finally:
        server.stop()
        if application.running:
            await application.stop()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
        await application.shutdown()


async def _bootstrap(
    application: KizApplication, url: str, secret: str, stop: asyncio.Event
) -> bool:
    """Initialise (getMe), open the storage and set the webhook, retrying until it works.

    Telegram or the network being away at start-up must not leave the bot dead: polling mode
    has ``bootstrap_retries=-1`` for the same. Returns False when stopped before it worked.
    """
    attempt, prepared = 0, False
    while not stop.is_set():
        attempt += 1
        try:
            await application.initialize()  # does nothing once it has worked
            if not prepared and application.post_init is not None:
                await application.post_init(application)
            prepared = True
            await application.bot.set_webhook(
                url, secret_token=secret, allowed_updates=ALLOWED_UPDATES
            )
        except TelegramError as error:
            wait = BOOTSTRAP.delay(min(attempt, 8))
            log.warning("start-up failed (%s); trying again in %.1f s", type(error).__name__, wait)
            try:
                await asyncio.wait_for(stop.wait(), wait)
            except TimeoutError:
                continue
            return False
        else:
            return True
    return False
