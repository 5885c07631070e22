"""Chosen languages in the database, keyed by the salted hash of a user id."""

from __future__ import annotations

import logging
from typing import cast

from sqlalchemy import Table, delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from kiz_bot.storage.recorder import describe
from kiz_bot.storage.tables import LanguagePreference

log = logging.getLogger(__name__)
PREFERENCES = cast(Table, LanguagePreference.__table__)
CACHE_SIZE = 10_000
PRELOAD_LIMIT = 50_000  # about 8 MB of keys; beyond that, misses are read from the database


class StorageUnavailableError(RuntimeError):
    """The database did not answer; the message is one sentence for a person."""


class SqlPreferences:
    """A PreferenceStore over the language_preferences table, with a small read cache.

    Only people who chose a language have a row, so the table is small: ``preload`` reads it
    whole at start-up, and from then on a question never waits for the database (a key not
    in memory has no row). This holds while this process is the only writer, as it is.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._cache: dict[str, str | None] = {}
        self._complete = False  # the cache holds every row of the table
        self._limit = CACHE_SIZE

    async def preload(self, limit: int = PRELOAD_LIMIT) -> bool:
        """Read every stored choice into memory if there are at most `limit`; return if so."""
        try:
            async with self._engine.connect() as conn:
                stmt = select(PREFERENCES.c.user_key, PREFERENCES.c.language).limit(limit + 1)
                rows = (await conn.execute(stmt)).all()
        except Exception as error:  # the bot still starts; preferences are read one by one
            log.warning("Could not read the language preferences (%s).", describe(error))
            return False
        if len(rows) > limit:
            return False
        self._cache = {key: language for key, language in rows}
        self._complete, self._limit = True, max(limit, CACHE_SIZE)
        return True

    async def get_language(self, user_key: str) -> str | None:
        """Return the chosen language; None also when the database is unavailable."""
        if user_key in self._cache:
            return self._cache[user_key]
        if self._complete:
            return None
        try:
            async with self._engine.connect() as conn:
                stmt = select(PREFERENCES.c.language).where(PREFERENCES.c.user_key == user_key)
                language = await conn.scalar(stmt)
        except Exception as error:  # a reply must not fail for a preference
            log.warning("Could not read a language preference (%s).", describe(error))
            return None
        self._remember(user_key, language)
        return language

    async def set_language(self, user_key: str, language: str) -> None:
        """Remember the chosen language (in memory as well if the database is down)."""
        self._remember(user_key, language)
        try:
            async with self._engine.begin() as conn:
                await conn.execute(delete(PREFERENCES).where(PREFERENCES.c.user_key == user_key))
                await conn.execute(
                    PREFERENCES.insert(), [{"user_key": user_key, "language": language}]
                )
        except Exception as error:  # the choice still applies for this process
            log.warning("Could not store a language preference (%s).", describe(error))

    async def forget(self, user_key: str) -> bool:
        """Remove the key's row; raise StorageUnavailableError if that cannot be done now."""
        cached = self._cache.pop(user_key, None)
        try:
            async with self._engine.begin() as conn:
                result = await conn.execute(
                    delete(PREFERENCES).where(PREFERENCES.c.user_key == user_key)
                )
        except Exception as error:
            log.warning("Could not delete a language preference (%s).", describe(error))
            msg = "The preference could not be deleted because the database is unavailable."
            raise StorageUnavailableError(msg) from error
        return bool(result.rowcount) or cached is not None

    def _remember(self, user_key: str, language: str | None) -> None:
        if user_key not in self._cache and len(self._cache) >= self._limit:
            self._cache.pop(next(iter(self._cache)))
            self._complete = False  # an evicted row must be read from the database again
        self._cache[user_key] = language
