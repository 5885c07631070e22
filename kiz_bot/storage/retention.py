"""Retention: old daily counts become monthly counts; old texts and batch marks are deleted."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from kiz_bot.storage.tables import DAY, MONTH
from kiz_bot.storage.writes import BATCHES, COUNT_KEY, COUNTS, TEXTS, USERS, add_counts

UNANSWERED_DAYS = 30
BATCH_MARK_DAYS = 7


@dataclass(frozen=True, slots=True)
class RetentionResult:
    """What one retention run changed."""

    rolled_up: int
    purged_texts: int
    purged_batches: int


async def apply_retention(engine: AsyncEngine, today: date, retention_days: int) -> RetentionResult:
    """Roll daily rows older than retention_days into months; purge texts after 30 days."""
    cutoff = today - timedelta(days=retention_days)
    async with engine.begin() as conn:
        old = and_(COUNTS.c.period == DAY, COUNTS.c.day < cutoff)
        months: Counter[tuple[object, ...]] = Counter()
        rows = (await conn.execute(select(COUNTS).where(old))).mappings().all()
        for row in rows:
            key = tuple(row[c] for c in COUNT_KEY)
            months[(MONTH, row["day"].replace(day=1), *key[2:])] += row["count"]
        await add_counts(
            conn,
            COUNTS,
            COUNT_KEY,
            [dict(zip(COUNT_KEY, key, strict=True)) | {"count": n} for key, n in months.items()],
        )
        await conn.execute(delete(COUNTS).where(old))

        old_users = and_(USERS.c.period == DAY, USERS.c.day < cutoff)
        user_months: Counter[date] = Counter()
        for user_row in (await conn.execute(select(USERS).where(old_users))).mappings().all():
            user_months[user_row["day"].replace(day=1)] += user_row["count"]
        await add_counts(
            conn,
            USERS,
            ("period", "day"),
            [{"period": MONTH, "day": d, "count": n} for d, n in user_months.items()],
        )
        await conn.execute(delete(USERS).where(old_users))

        texts = await conn.execute(
            delete(TEXTS).where(TEXTS.c.day < today - timedelta(days=UNANSWERED_DAYS))
        )
        batches = await conn.execute(
            delete(BATCHES).where(BATCHES.c.day < today - timedelta(days=BATCH_MARK_DAYS))
        )
    return RetentionResult(len(rows), texts.rowcount, batches.rowcount)
