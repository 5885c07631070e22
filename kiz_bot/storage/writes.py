"""Idempotent batch writes: counts added by upsert, each batch applied at most once."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from kiz_bot.storage.tables import DAY, AppliedBatch, TopicCount, UnansweredText, UserCountRow

COUNTS = cast(Table, TopicCount.__table__)
USERS = cast(Table, UserCountRow.__table__)
BATCHES = cast(Table, AppliedBatch.__table__)
TEXTS = cast(Table, UnansweredText.__table__)
COUNT_KEY = ("period", "day", "topic", "entry_id", "language", "outcome", "partner_id")

# (day, topic, entry_id, language, outcome, partner_id); absent values are ""
CountKey = tuple[date, str, str, str, str, str]


@dataclass(frozen=True, slots=True)
class Batch:
    """Counts, user counts and texts written together in one transaction."""

    day: date
    counts: Counter[CountKey] = field(default_factory=Counter)
    users: Counter[date] = field(default_factory=Counter)
    texts: tuple[tuple[date, str], ...] = ()
    batch_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def size(self) -> int:
        """Return how many events, users and texts the batch carries."""
        return self.counts.total() + self.users.total() + len(self.texts)


async def write_batch(engine: AsyncEngine, batch: Batch) -> bool:
    """Write a batch; return False when the same batch was already written before."""
    async with engine.begin() as conn:
        done = await conn.scalar(
            select(BATCHES.c.batch_id).where(BATCHES.c.batch_id == batch.batch_id)
        )
        if done is not None:
            return False
        await conn.execute(BATCHES.insert(), [{"batch_id": batch.batch_id, "day": batch.day}])
        rows = [
            dict(zip(COUNT_KEY, (DAY, *key), strict=True)) | {"count": n}
            for key, n in batch.counts.items()
        ]
        await add_counts(conn, COUNTS, ("period", "day", *COUNT_KEY[2:]), rows)
        users = [{"period": DAY, "day": day, "count": n} for day, n in batch.users.items()]
        await add_counts(conn, USERS, ("period", "day"), users)
        if batch.texts:
            texts = [{"id": uuid.uuid4().hex, "day": d, "text": t} for d, t in batch.texts]
            await conn.execute(TEXTS.insert(), texts)
    return True


async def add_counts(
    conn: AsyncConnection, table: Table, key: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    """Insert rows, adding their count to rows that already exist under the same key."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        pg = pg_insert(table)
        pg_stmt = pg.on_conflict_do_update(
            index_elements=list(key), set_={"count": table.c.count + pg.excluded["count"]}
        )
        await conn.execute(pg_stmt, rows)
        return
    lite = sqlite_insert(table)
    lite_stmt = lite.on_conflict_do_update(
        index_elements=list(key), set_={"count": table.c.count + lite.excluded["count"]}
    )
    await conn.execute(lite_stmt, rows)
