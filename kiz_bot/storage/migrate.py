"""Alembic migrations shipped inside the package, run programmatically on an async engine."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest revision in migrations/versions (a test keeps the two equal): a database that
# is already there needs no Alembic, whose import and run take a quarter of a second.
HEAD = "0001"
LOCK_ID = 0x4B495A  # "KIZ": serialises concurrent upgrades on PostgreSQL
# Alembic announces each of its plugins at INFO on every start; that is noise in the bot log.
logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def alembic_config(connection: Connection | None = None) -> Config:
    """Return an Alembic configuration pointing at the bundled migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema up to the given revision (head by default)."""
    async with engine.begin() as connection:
        if revision == "head" and await connection.run_sync(at_head):
            return
        await connection.run_sync(_upgrade, revision)


def at_head(connection: Connection) -> bool:
    """Return whether the database records the newest revision and nothing else."""
    if not inspect(connection).has_table("alembic_version"):
        return False
    found = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return list(found) == [HEAD]


def _upgrade(connection: Connection, revision: str) -> None:
    from alembic import command

    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": LOCK_ID})
    command.upgrade(alembic_config(connection), revision)
