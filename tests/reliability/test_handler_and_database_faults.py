"""In-process faults: a crashing handler, and the statistics database going away in traffic."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import func, select

from kiz_bot.bot.app import build_application
from kiz_bot.storage import Storage
from kiz_bot.storage.writes import COUNTS, USERS
from tests.bot.conftest import (
    FakeKnowledge,
    FakeServices,
    Harness,
    RecordingRequest,
    make_advisor,
    make_settings,
)
from tests.conftest_db import POSTGRES_URL, Database
from tests.storage.tcp_proxy import TcpProxy


async def test_a_crashing_handler_apologises_kindly_and_the_bot_goes_on(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    crashed = await harness.send(harness.message("boom", user_id=51, language_code="en"))
    assert len(crashed) == 1
    assert "Sorry, something went wrong" in crashed[0]["text"]
    assert "error while handling an update" in caplog.text
    for user in (51, 52):
        sent = await harness.send(harness.message("kita", user_id=user, language_code="en"))
        assert "Kita" in sent[0]["text"]


async def _counted(storage: Storage) -> tuple[int, int]:
    async with storage.engine.connect() as conn:
        events = await conn.scalar(select(func.coalesce(func.sum(COUNTS.c.count), 0)))
        users = await conn.scalar(select(func.coalesce(func.sum(USERS.c.count), 0)))
    return int(events or 0), int(users or 0)


@asynccontextmanager
async def bot_on(storage: Storage) -> AsyncIterator[Harness]:
    settings = make_settings()
    request = RecordingRequest()
    services = FakeServices(make_advisor(), FakeKnowledge(), settings)
    app = build_application(
        services, settings, storage=storage, request=request, updates_request=RecordingRequest()
    )
    async with app:
        yield Harness(app, request, storage, services.knowledge)  # type: ignore[arg-type]


async def _traffic_through_an_outage(
    storage: Storage,
    cut: Callable[[], Awaitable[None]],
    restore: Callable[[], Awaitable[None]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with bot_on(storage) as bot:
        for user in range(10):
            await bot.send(bot.message("kita", user_id=1000 + user, language_code="en"))
        await storage.recorder.flush()
        await cut()
        with caplog.at_level(logging.WARNING):
            for user in range(30):
                started = asyncio.get_running_loop().time()
                sent = await bot.send(bot.message("kita", user_id=2000 + user, language_code="en"))
                assert "Kita" in sent[0]["text"]  # the reply does not wait for the database
                assert asyncio.get_running_loop().time() - started < 1.0
            await asyncio.sleep(0.3)
        assert "Statistics database unavailable" in caplog.text
        assert storage.recorder.pending >= 30
        await restore()
        async with asyncio.timeout(15):
            await storage.recorder.flush()
        assert await _counted(storage) == (40, 40)  # every event and user, each once


async def test_a_sqlite_outage_during_traffic_loses_no_reply_and_no_statistic(
    sqlite_database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    assert sqlite_database.path is not None
    folder = sqlite_database.path.parent
    away = folder.with_name("away")
    storage = await sqlite_database.open()

    async def cut() -> None:
        folder.rename(away)
        await storage.engine.dispose()

    async def restore() -> None:
        away.rename(folder)

    try:
        await _traffic_through_an_outage(storage, cut, restore, caplog)
    finally:
        await storage.close()


@pytest.mark.postgres
async def test_a_postgres_outage_during_traffic_loses_no_reply_and_no_statistic(
    postgres_database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    host_port = POSTGRES_URL.split("@", 1)[1].split("/", 1)[0]
    host, port = host_port.split(":")
    proxy = TcpProxy(host, int(port))
    await proxy.start()
    storage = await postgres_database.open(
        url=POSTGRES_URL.replace(host_port, f"127.0.0.1:{proxy.port}")
    )
    try:
        await _traffic_through_an_outage(storage, proxy.stop, proxy.start, caplog)
    finally:
        await storage.close()
        await proxy.stop()


async def test_preferences_are_read_from_memory_so_an_outage_does_not_forget_them(
    sqlite_database: Database,
) -> None:
    assert sqlite_database.path is not None
    first = await sqlite_database.open()
    await first.preferences.set_language("key-ar", "ar")
    await first.close()
    storage = await sqlite_database.open()  # a restart: the table is loaded at start
    folder = sqlite_database.path.parent
    away = folder.with_name("away")
    folder.rename(away)
    await storage.engine.dispose()
    try:
        assert await storage.preferences.get_language("key-ar") == "ar"
        assert await storage.preferences.get_language("key-unknown") is None
        await storage.preferences.set_language("key-uk", "uk")  # kept in memory meanwhile
        assert await storage.preferences.get_language("key-uk") == "uk"
    finally:
        away.rename(folder)
        await storage.close()
