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


class StorageUnavailableError(RuntimeError):
    """The database did not answer; the message is one sentence for a person."""


class SqlPreferences:
    """A PreferenceStore over the language_preferences table, with a small read cache."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._cache: dict[str, str | None] = {}

    async def get_language(self, user_key: str) -> str | None:
        """Return the chosen language; None also when the database is unavailable."""
        if user_key in self._cache:
            return self._cache[user_key]
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
        if len(self._cache) >= CACHE_SIZE:
            self._cache.pop(next(iter(self._cache)))
        self._cache[user_key] = language
