from __future__ import annotations

from tests.conftest_db import Database

KEY = "a" * 64


async def test_a_language_is_set_read_and_kept_across_restarts(database: Database) -> None:
    storage = await database.open()
    assert await storage.preferences.get_language(KEY) is None
    await storage.preferences.set_language(KEY, "ar")
    await storage.preferences.set_language(KEY, "uk")
    await storage.close()
    reopened = await database.open()
    assert await reopened.preferences.get_language(KEY) == "uk"
    await reopened.close()


async def test_forget_removes_the_language_and_reports_whether_there_was_one(
    database: Database,
) -> None:
    storage = await database.open()
    await storage.preferences.set_language(KEY, "fa")
    assert await storage.preferences.forget(KEY) is True
    assert await storage.preferences.get_language(KEY) is None
    assert await storage.preferences.forget(KEY) is False
    await storage.close()
    reopened = await database.open()
    assert await reopened.preferences.get_language(KEY) is None
    await reopened.close()
