from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kiz_bot.stats.events import Outcome, TopicEvent
from kiz_bot.storage import RecorderOptions, Storage
from kiz_bot.storage.writes import COUNTS, Batch, write_batch
from tests.conftest_db import FAST, POSTGRES_URL, Database
from tests.storage.tcp_proxy import TcpProxy

DAY = date(2025, 3, 4)


def _event(outcome: Outcome = Outcome.ANSWERED, language: str = "de") -> TopicEvent:
    return TopicEvent(DAY, language, outcome, topic="kita", entry_id="kita-platz")


async def _total(storage: Storage) -> int:
    async with storage.engine.connect() as conn:
        return int(await conn.scalar(select(func.coalesce(func.sum(COUNTS.c.count), 0))) or 0)


async def test_events_are_counted_per_key_not_stored_one_row_each(database: Database) -> None:
    storage = await database.open()
    for _ in range(40):
        storage.recorder.record(_event())
    for _ in range(7):
        storage.recorder.record(_event(Outcome.HELPFUL, "ar"))
    await storage.recorder.flush()
    async with storage.engine.connect() as conn:
        rows = (await conn.execute(select(COUNTS.c.language, COUNTS.c.count))).all()
    await storage.close()
    assert sorted(rows) == [("ar", 7), ("de", 40)]


async def test_record_returns_at_once_and_close_flushes(database: Database) -> None:
    slow = RecorderOptions(flush_interval=60.0, close_timeout=5.0)
    storage = await database.open(options=slow)
    for _ in range(25):
        storage.recorder.record(_event())
    assert storage.recorder.pending == 25
    await storage.close()
    reopened = await database.open()
    assert await _total(reopened) == 25
    await reopened.close()


async def test_a_batch_retried_after_an_ambiguous_commit_counts_once(database: Database) -> None:
    storage = await database.open()
    batch = Batch(DAY, Counter({(DAY, "kita", "kita-platz", "de", "answered", ""): 9}))
    assert await write_batch(storage.engine, batch) is True
    assert await write_batch(storage.engine, batch) is False
    assert await _total(storage) == 9
    await storage.close()


async def test_events_wait_for_a_sqlite_outage_and_are_written_once(
    sqlite_database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    assert sqlite_database.path is not None
    folder = sqlite_database.path.parent
    storage = await sqlite_database.open()
    for _ in range(10):
        storage.recorder.record(_event())
    await storage.recorder.flush()

    away = folder.with_name("away")
    folder.rename(away)
    await storage.engine.dispose()  # pooled connections still hold the old file open
    with caplog.at_level(logging.WARNING):
        for _ in range(15):
            storage.recorder.record(_event())
        await asyncio.sleep(0.3)
    assert storage.recorder.pending == 15
    assert "Statistics database unavailable" in caplog.text

    away.rename(folder)
    async with asyncio.timeout(10):
        await storage.recorder.flush()
    assert await _total(storage) == 25
    await storage.close()


@pytest.mark.postgres
async def test_events_wait_for_a_postgres_outage_and_are_written_once(
    postgres_database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    host_port = POSTGRES_URL.split("@", 1)[1].split("/", 1)[0]
    host, port = host_port.split(":")
    proxy = TcpProxy(host, int(port))
    await proxy.start()
    url = POSTGRES_URL.replace(host_port, f"127.0.0.1:{proxy.port}")
    storage = await postgres_database.open(url=url)
    try:
        for _ in range(10):
            storage.recorder.record(_event())
        await storage.recorder.flush()

        await proxy.stop()
        with caplog.at_level(logging.WARNING):
            for _ in range(15):
                storage.recorder.record(_event())
            await asyncio.sleep(0.5)
        assert storage.recorder.pending == 15
        assert "Statistics database unavailable" in caplog.text

        await proxy.start()
        async with asyncio.timeout(10):
            await storage.recorder.flush()
        assert await _total(storage) == 25
    finally:
        await storage.close()
        await proxy.stop()


async def test_a_full_queue_drops_new_keys_with_a_clear_log_line(
    sqlite_database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    tight = RecorderOptions(flush_interval=60.0, max_keys=2, close_timeout=5.0)
    storage = await sqlite_database.open(options=tight)
    with caplog.at_level(logging.WARNING):
        for language in ("de", "en", "tr", "ar"):
            storage.recorder.record(_event(language=language))
        storage.recorder.record(_event(language="de"))  # known key: still counted
    assert "Statistics queue is full" in caplog.text
    assert storage.recorder.pending == 3
    await storage.close()


async def test_close_gives_up_after_its_timeout_when_the_database_stays_down(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db_dir = tmp_path / "db"
    db_dir.mkdir()
    database = Database("sqlite", f"sqlite+aiosqlite:///{db_dir / 'x.sqlite3'}")
    options = RecorderOptions(
        flush_interval=FAST.flush_interval, retry_initial=0.05, retry_max=0.1, close_timeout=0.3
    )
    storage = await database.open(options=options)
    db_dir.rename(tmp_path / "gone")
    await storage.engine.dispose()
    storage.recorder.record(_event())
    with caplog.at_level(logging.ERROR):
        await storage.close()
    assert "not written" in caplog.text
