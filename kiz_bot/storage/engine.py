"""The async engine for SQLite (default) or PostgreSQL, from the configured URL."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def create_engine(url: str, connect_args: Mapping[str, Any] | None = None) -> AsyncEngine:
    """Create an engine; SQLite gets WAL so reports can read while the bot writes."""
    args = dict(connect_args or {})
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args=args)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # pre-ping replaces connections the server dropped (restart, failover, outage)
    return create_async_engine(url, connect_args=args, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
