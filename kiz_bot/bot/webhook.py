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
from tornado.httpserver import HTTPServer
from tornado.web import Application as TornadoApplication
from tornado.web import RequestHandler

from kiz_bot.bot.app import ALLOWED_UPDATES, KizApplication

log = logging.getLogger(__name__)

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
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        server.listen(port, address=LISTEN_ADDRESS)
        await application.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
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
