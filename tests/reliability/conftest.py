"""Helpers for the reliability tests: a fake Bot API that can also be slow, and HTML checks."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Iterator, Sequence
from html.parser import HTMLParser
from typing import Any

import pytest
from aiohttp import web

from kiz_bot.bot.markup import MESSAGE_LIMIT, telegram_length
from tests.bot.conftest import harness
from tests.conftest_db import postgres_database, sqlite_database
from tests.fakebotapi import FakeBotAPI

__all__ = ["harness", "postgres_database", "sqlite_database"]

TELEGRAM_TAGS = {"b", "i", "u", "s", "code", "pre", "a"}
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|#[0-9]+|#x[0-9a-fA-F]+);")
Delay = Callable[[str, dict[str, Any]], float]


class SlowBotAPI(FakeBotAPI):
    """The fake Bot API with a delay hook next to the fault hook, and hand-out times."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.delay: Delay | None = None
        self.handed: dict[int, float] = {}

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        pause = self.delay(request.match_info["method"], {}) if self.delay else 0.0
        if pause:
            await asyncio.sleep(pause)
        return await super()._handle(request)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        updates = await super()._get_updates(params)
        for update in updates:
            self.handed.setdefault(update["update_id"], time.monotonic())
        return updates

    def reply_counts(self, chats: Sequence[int], since: int) -> dict[int, int]:
        """Return how many messages each chat received since the mark."""
        counts = dict.fromkeys(chats, 0)
        for call in self.calls_to("sendMessage", since):
            chat = call.params.get("chat_id")
            if chat in counts:
                counts[chat] += 1
        return counts

    def wait_counts(
        self, expected: dict[int, int], since: int, timeout: float = 60, settle: float = 1.5
    ) -> dict[int, int]:
        """Wait until every chat got its expected number of messages, then a little longer."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            counts = self.reply_counts(list(expected), since)
            if all(counts[c] >= n for c, n in expected.items()):
                break
            time.sleep(0.05)
        time.sleep(settle)  # duplicates would show up now
        return self.reply_counts(list(expected), since)


@pytest.fixture
def slow_api() -> Iterator[SlowBotAPI]:
    from tests.e2e.conftest import TOKEN

    server = SlowBotAPI(TOKEN).start()
    yield server
    server.stop()


class _TagCheck(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.bad.append(f"<{tag}>")
        if tag == "a" and [name for name, _ in attrs] != ["href"]:
            self.bad.append(f"<a {attrs}>")
        if tag != "a" and attrs:
            self.bad.append(f"<{tag} {attrs}>")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.bad.append(f"</{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.bad.append(f"<{tag}/>")

    def handle_comment(self, data: str) -> None:
        self.bad.append("<!--")

    def handle_decl(self, decl: str) -> None:
        self.bad.append("<!")

    def handle_pi(self, data: str) -> None:
        self.bad.append("<?")

    def unknown_decl(self, data: str) -> None:
        self.bad.append("<![")

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            self.bad.append(f"unescaped bracket in {data[:40]!r}")


def html_problems(text: str) -> list[str]:
    """Return what makes a text invalid Telegram HTML (empty when it is valid)."""
    check = _TagCheck()
    check.feed(text)
    check.close()
    problems = list(check.bad)
    if check.stack:
        problems.append(f"unclosed {check.stack}")
    for index in (m.start() for m in re.finditer("&", text)):
        if not _ENTITY.match(text, index):
            problems.append(f"bare & at {index}")
    if telegram_length(text) > MESSAGE_LIMIT:
        problems.append(f"{telegram_length(text)} UTF-16 units, over {MESSAGE_LIMIT}")
    if not text.strip():
        problems.append("empty message")
    return problems
