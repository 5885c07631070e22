"""A small fake Telegram Bot API server on 127.0.0.1 for end-to-end tests and benchmarks.

It runs an aiohttp server in its own thread, so tests (sync or async) drive it with plain
calls: queue a user's message or button press, then wait for the bot's replies. It speaks
enough of the Bot API for python-telegram-bot: getMe, getUpdates (long polling), webhooks
(setWebhook with secret_token; updates are POSTed to the bot), send*/edit*/answer* methods.
A fault hook lets a test make calls fail with 429, 5xx or a dropped connection.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

JSON_FIELDS = {
    "reply_markup",
    "commands",
    "scope",
    "entities",
    "reply_parameters",
    "link_preview_options",
    "allowed_updates",
    "caption_entities",
}
INT_FIELDS = {"chat_id", "message_id", "offset", "timeout", "limit", "reply_to_message_id"}
Fault = Callable[[str, dict[str, Any]], str | None]  # -> None | "429" | "502" | "drop"


@dataclass
class Call:
    """One Bot API call the bot made."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class FakeBotAPI:
    """The fake server; start() it, point KIZ_BOT_API_URL at .api_url, stop() it."""

    def __init__(self, token: str, bot_id: int = 777000, username: str = "kiz_e2e_bot") -> None:
        self.token = token
        self.bot_id = bot_id
        self.username = username
        self.calls: list[Call] = []
        self.fault: Fault | None = None
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.port = 0
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(10_000)
        self._changed = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._new_update: asyncio.Condition | None = None
        self._session: ClientSession | None = None

    # lifecycle ---------------------------------------------------------------------------
    @property
    def api_url(self) -> str:
        """Return the value for KIZ_BOT_API_URL."""
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> FakeBotAPI:
        """Start serving in a background thread; returns once the port is bound."""
        ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(ready,), daemon=True)
        self._thread.start()
        if not ready.wait(10):
            msg = "fake Bot API did not start"
            raise RuntimeError(msg)
        return self

    def stop(self) -> None:
        """Stop the server and its thread."""
        if self._loop is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self._loop = None

    def _serve(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        loop.run_until_complete(self._startup())
        ready.set()
        loop.run_forever()
        loop.close()

    async def _startup(self) -> None:
        self._new_update = asyncio.Condition()
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]
        self._session = ClientSession(timeout=ClientTimeout(total=10))

    async def _shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # what a user does ----------------------------------------------------------------------
    def user(self, user_id: int, language_code: str | None = "de") -> dict[str, Any]:
        """Return a Telegram user object."""
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        if language_code:
            user["language_code"] = language_code
        return user

    def send_message(
        self,
        user_id: int,
        text: str | None,
        *,
        language_code: str | None = "de",
        chat: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> int:
        """Queue (or, in webhook mode, deliver) a message from a user; return its update id."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat or {"id": user_id, "type": "private"},
            "from": self.user(user_id, language_code),
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                length = len(text.split()[0])
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        message.update(extra or {})
        return self.push({"message": message})

    def press(
        self, user_id: int, data: str, *, language_code: str | None = "de", message_id: int = 1
    ) -> int:
        """Queue a button press on one of the bot's messages; return its update id."""
        query = {
            "id": str(next(self._message_ids)),
            "from": self.user(user_id, language_code),
            "chat_instance": f"ci{user_id}",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private"},
                "from": {"id": self.bot_id, "is_bot": True, "first_name": "KIZ"},
                "text": "…",
            },
        }
        return self.push({"callback_query": query})

    def push(self, update: dict[str, Any]) -> int:
        """Hand an update to the bot: queued for getUpdates, or POSTed to the webhook."""
        assert self._loop is not None
        update_id = next(self._update_ids)
        update = {"update_id": update_id, **update}
        asyncio.run_coroutine_threadsafe(self._push(update), self._loop).result(10)
        return update_id

    async def _push(self, update: dict[str, Any]) -> None:
        if self.webhook_url:
            asyncio.get_running_loop().create_task(self.post_to_webhook(update))
            return
        assert self._new_update is not None
        async with self._new_update:
            self._updates.append(update)
            self._new_update.notify_all()

    async def post_to_webhook(self, update: dict[str, Any], secret: str | None = None) -> int:
        """POST an update to the bot's webhook like Telegram does; return the HTTP status."""
        assert self._session is not None
        assert self.webhook_url is not None
        headers = {}
        token = self.webhook_secret if secret is None else secret
        if token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = token
        async with self._session.post(self.webhook_url, json=update, headers=headers) as response:
            return response.status

    def post_to_webhook_sync(self, update: dict[str, Any], secret: str | None = None) -> int:
        """Thread-safe variant of post_to_webhook for synchronous tests."""
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(self.post_to_webhook(update, secret), self._loop)
        return future.result(15)

    # what the bot did ----------------------------------------------------------------------
    def calls_to(self, method: str, since: int = 0) -> list[Call]:
        """Return the calls to one Bot API method, from index `since` of all calls."""
        with self._changed:
            return [c for c in self.calls[since:] if c.method == method]

    def mark(self) -> int:
        """Return the current position in the call log."""
        with self._changed:
            return len(self.calls)

    def wait_for(
        self, predicate: Callable[[list[Call]], bool], since: int = 0, timeout: float = 15
    ) -> list[Call]:
        """Wait until predicate(calls since `since`) is true; return those calls."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                calls = self.calls[since:]
                if predicate(calls):
                    return list(calls)
                left = deadline - time.monotonic()
                if left <= 0:
                    methods = [c.method for c in calls]
                    msg = f"timed out waiting; calls since mark: {methods}"
                    raise TimeoutError(msg)
                self._changed.wait(left)

    def replies(
        self, chat_id: int, since: int = 0, count: int = 1, timeout: float = 15
    ) -> list[Call]:
        """Wait for `count` messages (text, photo or document) sent to a chat."""
        kinds = {"sendMessage", "sendPhoto", "sendDocument"}

        def mine(calls: list[Call]) -> list[Call]:
            return [c for c in calls if c.method in kinds and c.params.get("chat_id") == chat_id]

        self.wait_for(lambda calls: len(mine(calls)) >= count, since, timeout)
        return mine(self.calls[since:])

    # the HTTP side -------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        fault = self.fault(method, params) if self.fault else None
        if fault == "drop":
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=500)
        if fault == "429":
            body = {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            }
            return web.json_response(body, status=429)
        if fault and fault.isdigit():
            return _error(int(fault), "Bad Gateway")
        if method == "getUpdates":
            result: object = await self._get_updates(params)
        else:
            self._record(method, params)
            result = self._result(method, params)
        return web.json_response({"ok": True, "result": result})

    def _record(self, method: str, params: dict[str, Any]) -> None:
        with self._changed:
            self.calls.append(Call(method, params))
            self._changed.notify_all()

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        assert self._new_update is not None
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 2.0)
        self._record("getUpdates", {"offset": offset})
        async with self._new_update:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if not self._updates and timeout > 0:
                try:
                    await asyncio.wait_for(self._new_update.wait(), timeout)
                except TimeoutError:
                    return []
            limit = int(params.get("limit") or 100)
            return self._updates[:limit]

    def _result(self, method: str, params: dict[str, Any]) -> object:
        if method == "getMe":
            return {
                "id": self.bot_id,
                "is_bot": True,
                "first_name": "KIZ",
                "username": self.username,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method == "setWebhook":
            self.webhook_url = params.get("url") or None
            self.webhook_secret = params.get("secret_token")
            return True
        if method == "deleteWebhook":
            self.webhook_url = None
            return True
        if method.startswith(("send", "edit")) and method != "sendChatAction":
            message: dict[str, Any] = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": params.get("chat_id", 0), "type": "private"},
                "from": {"id": self.bot_id, "is_bot": True, "first_name": "KIZ"},
            }
            if "text" in params:
                message["text"] = params["text"]
            return message
        return True


def _error(code: int, description: str) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": code, "description": description}, status=code
    )


async def _params(request: web.Request) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    if request.content_type == "application/json":
        # Like the real Bot API, a JSON body may carry numbers and objects as strings too.
        body = await request.read()
        raw = json.loads(body) if body else {}
    elif request.method == "POST":
        form = await request.post()
        for key, value in form.items():
            raw[key] = (
                value if isinstance(value, str) else f"<file {getattr(value, 'filename', '')}>"
            )
    raw.update(request.query)
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if key in JSON_FIELDS and isinstance(value, str):
            params[key] = json.loads(value)
        elif key in INT_FIELDS and isinstance(value, str) and value.lstrip("-").isdigit():
            params[key] = int(value)
        else:
            params[key] = value
    return params
