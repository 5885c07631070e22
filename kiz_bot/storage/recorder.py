"""The event recorder: counts in memory at once, writes them in batches in the background."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from kiz_bot.stats.events import TopicEvent
from kiz_bot.storage.tables import NO_VALUE
from kiz_bot.storage.writes import Batch, CountKey, write_batch

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RecorderOptions:
    """Timing and bounds of the recorder."""

    flush_interval: float = 1.0
    batch_size: int = 1000
    max_keys: int = 50_000
    max_texts: int = 5_000
    retry_initial: float = 0.5
    retry_max: float = 30.0
    close_timeout: float = 10.0


class Recorder:
    """An EventSink that never blocks: events are counted in memory and written in batches.

    Counting per (day, topic, entry, language, outcome, partner) in memory bounds the memory
    by the number of distinct keys, not by the number of events, so an outage of hours keeps
    every event. A batch that failed is retried unchanged under the same id, so it is counted
    exactly once even if the database committed it but the answer was lost.
    """

    def __init__(
        self, engine: AsyncEngine, today: Callable[[], date], options: RecorderOptions
    ) -> None:
        self._engine = engine
        self._today = today
        self._options = options
        self._counts: Counter[CountKey] = Counter()
        self._users: Counter[date] = Counter()
        self._texts: list[tuple[date, str]] = []
        self._batch: Batch | None = None
        self._wake = asyncio.Event()
        self._drained = asyncio.Event()
        self._drained.set()
        self._closing = False
        self._down = False
        self._full = False
        self._dropped = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the background writer on the running loop."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="kiz-stats")

    @property
    def pending(self) -> int:
        """Return how many events, users and texts wait to be written."""
        waiting = self._counts.total() + self._users.total() + len(self._texts)
        return waiting + (self._batch.size if self._batch else 0)

    def record(self, event: TopicEvent) -> None:
        """Count one event; returns at once."""
        key: CountKey = (
            event.day,
            event.topic or NO_VALUE,
            event.entry_id or NO_VALUE,
            event.language,
            event.outcome.value,
            event.partner_id or NO_VALUE,
        )
        if key not in self._counts and len(self._counts) >= self._options.max_keys:
            self._drop("events")
            return
        self._counts[key] += 1
        self._queued(self._counts.total())

    def add_user(self, day: date) -> None:
        """Count one more distinct user on a day."""
        self._users[day] += 1
        self._queued(0)

    def add_text(self, day: date, text: str) -> None:
        """Queue a scrubbed unanswered question."""
        if len(self._texts) >= self._options.max_texts:
            self._drop("unanswered texts")
            return
        self._texts.append((day, text))
        self._queued(len(self._texts))

    async def flush(self) -> None:
        """Wait until everything queued is written (wrap in asyncio.timeout to bound it)."""
        self._wake.set()
        await self._drained.wait()

    async def close(self) -> None:
        """Write what is queued (waiting up to close_timeout) and stop the writer."""
        self._closing = True
        self._wake.set()
        if self._task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._task), self._options.close_timeout)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            log.error(
                "Stopped with %d statistics events not written: the database did not answer.",
                self.pending,
            )

    def _queued(self, size: int) -> None:
        self._drained.clear()
        if size >= self._options.batch_size:
            self._wake.set()

    def _drop(self, what: str) -> None:
        self._dropped += 1
        if not self._full:
            self._full = True
            log.warning(
                "Statistics queue is full (%d distinct counts, %d texts waiting for the "
                "database); new %s are dropped until it is written.",
                len(self._counts),
                len(self._texts),
                what,
            )

    def _take(self) -> Batch | None:
        if not (self._counts or self._users or self._texts):
            return None
        batch = Batch(self._today(), self._counts, self._users, tuple(self._texts))
        self._counts, self._users, self._texts = Counter(), Counter(), []
        if self._full:
            log.warning("Statistics queue has room again; %d items were dropped.", self._dropped)
            self._full, self._dropped = False, 0
        return batch

    async def _run(self) -> None:
        delay = self._options.retry_initial
        while True:
            if self._batch is None:
                await self._sleep(self._options.flush_interval)
                self._batch = self._take()
                if self._batch is None:
                    self._drained.set()
                    if self._closing:
                        return
                    continue
            try:
                await write_batch(self._engine, self._batch)
            except Exception as error:  # any failure means: keep the batch and retry
                if not self._down:
                    log.warning(
                        "Statistics database unavailable (%s); %d items kept in memory, retrying.",
                        describe(error),
                        self.pending,
                    )
                self._down = True
                await self._sleep(delay)
                delay = min(delay * 2, self._options.retry_max)
                continue
            if self._down:
                log.warning("Statistics database is back; queued items written.")
            self._down, delay, self._batch = False, self._options.retry_initial, None
            if not (self._counts or self._users or self._texts):
                self._drained.set()
                if self._closing:
                    return

    async def _sleep(self, seconds: float) -> None:
        if self._closing and not self._down:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)
        self._wake.clear()


def describe(error: BaseException) -> str:
    """Describe a database error in one line, without the SQL parameters."""
    cause: BaseException = error.orig if isinstance(error, DBAPIError) and error.orig else error
    first_line = (str(cause).splitlines() or [""])[0][:200]
    return f"{type(cause).__name__}: {first_line}" if first_line else type(cause).__name__
