"""The statistics store: recorder, preferences, distinct users, unanswered texts, reports."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, true
from sqlalchemy.ext.asyncio import AsyncEngine

from kiz_bot.settings import Settings
from kiz_bot.stats.events import Outcome
from kiz_bot.stats.report import CountRow, Report, UserCount, build_report
from kiz_bot.stats.scrub import scrub
from kiz_bot.storage.preferences import SqlPreferences
from kiz_bot.storage.recorder import Recorder, RecorderOptions, describe
from kiz_bot.storage.retention import UNANSWERED_DAYS, RetentionResult, apply_retention
from kiz_bot.storage.tables import MONTH
from kiz_bot.storage.writes import COUNTS, TEXTS, USERS

log = logging.getLogger(__name__)
DAY_SECONDS = 24 * 60 * 60
REPORT_FLUSH_SECONDS = 2.0


def local_today() -> date:
    """Return today's date in the server's time zone."""
    return datetime.now(UTC).astimezone().date()


@dataclass(frozen=True, slots=True)
class KeptText:
    """A scrubbed unanswered question and the day it was asked."""

    day: date
    text: str


class Storage:
    """Everything the bot keeps, behind one object created by open_storage."""

    def __init__(
        self,
        engine: AsyncEngine,
        settings: Settings,
        options: RecorderOptions | None = None,
        today: Callable[[], date] = local_today,
    ) -> None:
        self.engine = engine
        self._settings = settings
        self._today = today
        self.recorder = Recorder(engine, today, options or RecorderOptions())
        self.preferences = SqlPreferences(engine)
        self._salt = secrets.token_bytes(32)
        self._salt_day = today()
        self._seen: set[bytes] = set()
        self._maintenance: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the background writer and the daily retention run."""
        self.recorder.start()
        if self._maintenance is None:
            self._maintenance = asyncio.get_running_loop().create_task(
                self._daily(), name="kiz-retention"
            )

    def seen_user(self, user_id: int) -> None:
        """Count a user once per day; only a keyed hash is held, in memory, until midnight."""
        day = self._today()
        if day != self._salt_day:
            # a fresh salt each day: yesterday's hashes cannot be matched to today's
            self._salt, self._salt_day = secrets.token_bytes(32), day
            self._seen.clear()
        digest = hmac.new(self._salt, str(user_id).encode(), hashlib.sha256).digest()
        if digest not in self._seen:
            self._seen.add(digest)
            self.recorder.add_user(day)

    def keep_unanswered(self, text: str) -> None:
        """Keep a scrubbed copy of an unanswered question, only if staff opted in."""
        if not self._settings.keep_unanswered:
            return
        cleaned = scrub(text)
        if cleaned:
            self.recorder.add_text(self._today(), cleaned)

    async def report(self, since: date | None = None, until: date | None = None) -> Report:
        """Build the suppressed report for a period (whole history when open)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(REPORT_FLUSH_SECONDS):
                await self.recorder.flush()
        count_filter = _period_filter(COUNTS.c.period, COUNTS.c.day, since, until)
        user_filter = _period_filter(USERS.c.period, USERS.c.day, since, until)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(COUNTS).where(count_filter))).mappings().all()
            users = (await conn.execute(select(USERS).where(user_filter))).mappings().all()
        counts = [
            CountRow(
                day=r["day"],
                language=r["language"],
                outcome=Outcome(r["outcome"]),
                count=r["count"],
                topic=r["topic"] or None,
                entry_id=r["entry_id"] or None,
                partner_id=r["partner_id"] or None,
                monthly=r["period"] == MONTH,
            )
            for r in rows
        ]
        user_counts = [UserCount(u["day"], u["count"], u["period"] == MONTH) for u in users]
        return build_report(
            counts,
            user_counts,
            since=since,
            until=until,
            threshold=self._settings.min_cell_count,
        )

    async def unanswered(self) -> list[KeptText]:
        """Return the kept unanswered questions of the last 30 days."""
        oldest = self._today() - timedelta(days=UNANSWERED_DAYS)
        async with self.engine.connect() as conn:
            result = await conn.execute(
                select(TEXTS.c.day, TEXTS.c.text).where(TEXTS.c.day >= oldest)
            )
            return [KeptText(day, text) for day, text in result.all()]

    async def apply_retention(self, today: date | None = None) -> RetentionResult:
        """Roll old days into months and purge texts older than 30 days."""
        return await apply_retention(
            self.engine, today or self._today(), self._settings.retention_days
        )

    async def close(self) -> None:
        """Flush queued statistics and release the database."""
        if self._maintenance is not None:
            self._maintenance.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._maintenance
        await self.recorder.close()
        await self.engine.dispose()

    async def _daily(self) -> None:
        while True:
            try:
                result = await self.apply_retention()
            except Exception as error:  # retried tomorrow; the bot keeps running
                log.warning("Retention run failed (%s); retrying tomorrow.", describe(error))
            else:
                if result.rolled_up or result.purged_texts:
                    log.info(
                        "Retention: %d daily rows rolled into months, %d old texts deleted.",
                        result.rolled_up,
                        result.purged_texts,
                    )
            await asyncio.sleep(DAY_SECONDS)


def _period_filter(
    period: ColumnElement[str], day: ColumnElement[date], since: date | None, until: date | None
) -> ColumnElement[bool]:
    """Daily rows inside the period, and monthly rows whose month overlaps it."""
    conditions: list[ColumnElement[bool]] = [true()]
    if since is not None:
        conditions.append(
            or_(
                and_(period != MONTH, day >= since),
                and_(period == MONTH, day >= since.replace(day=1)),
            )
        )
    if until is not None:
        conditions.append(day <= until)
    return and_(*conditions)
