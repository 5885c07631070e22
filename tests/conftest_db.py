"""Database fixtures: a real SQLite file, and the real PostgreSQL server in a fresh schema.

PostgreSQL tests are marked `postgres`. With CI=true they fail when the server cannot be
reached; elsewhere they are skipped in that case only.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from kiz_bot.settings import Settings
from kiz_bot.storage import RecorderOptions, Storage, open_storage

POSTGRES_URL = os.environ.get(
    "KIZ_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
FAST = RecorderOptions(flush_interval=0.02, retry_initial=0.05, retry_max=0.2, close_timeout=5.0)


@dataclass(frozen=True)
class Database:
    """Where a test's database lives and how to open it."""

    kind: str
    url: str
    connect_args: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def settings(self, **changes: Any) -> Settings:
        return replace(Settings(database_url=self.url), **changes)

    async def open(
        self,
        *,
        today: Callable[[], date] | None = None,
        options: RecorderOptions = FAST,
        url: str | None = None,
        **changes: Any,
    ) -> Storage:
        settings = self.settings(**changes)
        if url is not None:
            settings = replace(settings, database_url=url)
        extra: dict[str, Any] = {"today": today} if today else {}
        return await open_storage(
            settings, connect_args=self.connect_args, options=options, **extra
        )


def _plain_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _admin_connection() -> asyncpg.Connection:
    try:
        return await asyncpg.connect(_plain_dsn(POSTGRES_URL), timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        reason = f"PostgreSQL at {POSTGRES_URL} is unreachable: {error!r}"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture
def sqlite_database(tmp_path: Path) -> Database:
    path = tmp_path / "db" / "stats.sqlite3"
    path.parent.mkdir()
    return Database("sqlite", f"sqlite+aiosqlite:///{path}", path=path)


@pytest.fixture
async def postgres_database() -> AsyncIterator[Database]:
    schema = f"kiz_test_{secrets.token_hex(6)}"
    admin = await _admin_connection()
    try:
        await admin.execute(f'CREATE SCHEMA "{schema}"')
        yield Database(
            "postgres",
            POSTGRES_URL,
            connect_args={"server_settings": {"search_path": schema}},
        )
    finally:
        await admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await admin.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest) -> Database:
    """Each test that takes `database` runs on SQLite and on PostgreSQL."""
    db: Database = request.getfixturevalue(f"{request.param}_database")
    return db
