from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from kiz_bot.storage import upgrade_database
from kiz_bot.storage.engine import create_engine
from kiz_bot.storage.migrate import HEAD, alembic_config, upgrade
from tests.conftest_db import Database

TABLES = {
    "alembic_version",
    "applied_batches",
    "language_preferences",
    "topic_counts",
    "unanswered_texts",
    "user_counts",
}


async def _tables(db: Database) -> set[str]:
    engine = create_engine(db.url, db.connect_args)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def test_migrations_create_every_table_from_an_empty_database(database: Database) -> None:
    assert await _tables(database) == set()
    storage = await database.open()
    await storage.close()
    assert await _tables(database) == TABLES


async def test_upgrade_is_idempotent_and_records_head_revision(database: Database) -> None:
    await upgrade_database(database.settings(), connect_args=database.connect_args)
    engine = create_engine(database.url, database.connect_args)
    try:
        await upgrade(engine)
        async with engine.connect() as conn:
            version = await conn.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        await engine.dispose()
    assert version == "0001"


def test_the_head_the_code_knows_is_the_newest_migration() -> None:
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD


async def test_a_database_at_the_newest_revision_is_opened_without_alembic(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alembic import command

    await upgrade_database(database.settings(), connect_args=database.connect_args)

    def refuse(*_: object) -> None:
        raise AssertionError("alembic ran on an up-to-date database")

    monkeypatch.setattr(command, "upgrade", refuse)
    storage = await database.open()
    await storage.close()
    assert await _tables(database) == TABLES
