"""The database behind the bot: anonymised counts, language preferences, unanswered texts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from kiz_bot.settings import Settings
from kiz_bot.storage.engine import create_engine
from kiz_bot.storage.migrate import upgrade
from kiz_bot.storage.preferences import SqlPreferences, StorageUnavailableError
from kiz_bot.storage.recorder import Recorder, RecorderOptions, describe
from kiz_bot.storage.storage import KeptText, Storage, local_today

__all__ = [
    "KeptText",
    "Recorder",
    "RecorderOptions",
    "SqlPreferences",
    "Storage",
    "StorageError",
    "StorageUnavailableError",
    "open_storage",
    "upgrade_database",
]


class StorageError(RuntimeError):
    """The database cannot be opened or migrated; the message is one sentence for a person."""


async def open_storage(
    settings: Settings,
    *,
    connect_args: Mapping[str, Any] | None = None,
    options: RecorderOptions | None = None,
    today: Callable[[], date] = local_today,
) -> Storage:
    """Open the database, migrate it to the newest schema and start the background writer."""
    engine = create_engine(settings.database_url, connect_args)
    try:
        await upgrade(engine)
    except Exception as error:
        await engine.dispose()
        msg = f"Cannot open the statistics database ({describe(error)})."
        raise StorageError(msg) from error
    storage = Storage(engine, settings, options, today)
    await storage.preferences.preload()
    storage.start()
    return storage


async def upgrade_database(
    settings: Settings, *, connect_args: Mapping[str, Any] | None = None
) -> None:
    """Migrate the database to the newest schema (kiz-bot db upgrade)."""
    engine = create_engine(settings.database_url, connect_args)
    try:
        await upgrade(engine)
    except Exception as error:
        msg = f"Cannot migrate the statistics database ({describe(error)})."
        raise StorageError(msg) from error
    finally:
        await engine.dispose()
