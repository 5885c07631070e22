from __future__ import annotations

from datetime import date

from kiz_bot.privacy import user_key
from kiz_bot.settings import Secret
from kiz_bot.stats.events import Outcome, TopicEvent
from tests.conftest_db import Database
from tests.storage.scan import every_value

USER_ID = 987654321
MESSAGE = "Wo finde ich einen Kitaplatz für meine Tochter Zeynep in Ohligs?"
WORDS = ("Kitaplatz", "Tochter", "Zeynep", "Ohligs")
DAY = date(2025, 3, 4)


async def _conversation(database: Database, *, keep_unanswered: bool) -> list[str]:
    storage = await database.open(keep_unanswered=keep_unanswered, today=lambda: DAY)
    key = user_key(USER_ID, Secret("test-salt"))
    storage.seen_user(USER_ID)
    await storage.preferences.set_language(key, "tr")
    for outcome in (Outcome.ANSWERED, Outcome.HELPFUL, Outcome.UNANSWERED):
        storage.recorder.record(TopicEvent(DAY, "tr", outcome, "kita", "kita-platz"))
    storage.recorder.record(TopicEvent(DAY, "tr", Outcome.REFERRED, "kita", "kita-platz", "jmd"))
    storage.keep_unanswered(f"{MESSAGE} Mail zeynep.mutter@example.org, Tel 0171 2345678")
    storage.seen_user(USER_ID)
    await storage.recorder.flush()
    values = [value for _, _, value in await every_value(storage.engine)]
    await storage.close()
    return values


async def test_no_user_id_or_message_text_is_stored(database: Database) -> None:
    values = await _conversation(database, keep_unanswered=False)
    joined = "\n".join(values)
    assert str(USER_ID) not in joined
    for word in WORDS:
        assert word not in joined
    assert "kita-platz" in joined  # the statistics themselves are there


async def test_kept_unanswered_text_is_scrubbed_and_unlinked(database: Database) -> None:
    values = await _conversation(database, keep_unanswered=True)
    joined = "\n".join(values)
    assert str(USER_ID) not in joined
    assert "example.org" not in joined
    assert "2345678" not in joined
    assert "[email]" in joined
    assert "[phone]" in joined


async def test_a_user_is_counted_once_a_day(database: Database) -> None:
    days = iter([DAY, DAY, DAY, DAY, date(2025, 3, 5), date(2025, 3, 5)])
    current = {"day": DAY}

    def today() -> date:
        return current["day"]

    storage = await database.open(today=today)
    for day in days:
        current["day"] = day
        storage.seen_user(USER_ID)
    storage.seen_user(USER_ID + 1)
    await storage.recorder.flush()
    values = await every_value(storage.engine)
    await storage.close()
    counts = sorted(v for table, col, v in values if table == "user_counts" and col == "count")
    assert counts == ["1", "2"]
