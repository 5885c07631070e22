"""Read every value of every table, to prove what is and is not stored."""

from __future__ import annotations

from sqlalchemy import column, inspect, select, table
from sqlalchemy.ext.asyncio import AsyncEngine


async def every_value(engine: AsyncEngine) -> list[tuple[str, str, str]]:
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda c: inspect(c).get_table_names())
        found: list[tuple[str, str, str]] = []
        for name in names:
            columns = await conn.run_sync(
                lambda c, n=name: [col["name"] for col in inspect(c).get_columns(n)]
            )
            rows = await conn.execute(
                select(*(column(c) for c in columns)).select_from(table(name))
            )
            for row in rows:
                for col, value in zip(columns, row, strict=True):
                    found.append((name, col, str(value)))
        return found
