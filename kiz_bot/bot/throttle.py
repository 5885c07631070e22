"""A per-user flood throttle: one person sending a hundred messages does not slow the others."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float
    warned: bool = False


class FloodThrottle:
    """A token bucket per user id, kept in memory only and never logged."""

    def __init__(
        self,
        burst: int = 12,
        per_second: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        max_users: int = 50_000,
    ) -> None:
        self.burst = burst
        self.per_second = per_second
        self._clock = clock
        self._max_users = max_users
        self._buckets: dict[int, _Bucket] = {}

    def allow(self, user_id: int) -> bool:
        """Take one token for this user; False when the user is over the limit."""
        now = self._clock()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) >= self._max_users:
                self._forget_idle(now)
            bucket = self._buckets[user_id] = _Bucket(float(self.burst), now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.per_second)
        bucket.updated = now
        if bucket.tokens >= 1:
            if bucket.tokens >= self.burst:
                bucket.warned = False  # calm again: a new flood gets a new hint
            bucket.tokens -= 1
            return True
        return False

    def should_warn(self, user_id: int) -> bool:
        """Return True once per throttled stretch, so the user hears why it went quiet."""
        bucket = self._buckets.get(user_id)
        if bucket is None or bucket.warned:
            return False
        bucket.warned = True
        return True

    def _forget_idle(self, now: float) -> None:
        full_after = self.burst / self.per_second
        idle = [uid for uid, b in self._buckets.items() if now - b.updated >= full_after]
        for uid in idle:
            del self._buckets[uid]
        if len(self._buckets) >= self._max_users:
            self._buckets.clear()


class ReplayGuard:
    """Remembers which messages were already rated, so a replayed press is not counted again.

    Telegram can deliver a button press twice (a double tap before the buttons are gone, a
    retried update); the statistics must count each rating once. Memory only, bounded.
    """

    def __init__(self, max_keys: int = 20_000) -> None:
        self._max_keys = max_keys
        self._seen: dict[tuple[int, int, str], None] = {}

    def first(self, chat_id: int, message_id: int, what: str) -> bool:
        """Return True the first time this (chat, message, what) is seen, False afterwards."""
        key = (chat_id, message_id, what)
        if key in self._seen:
            return False
        if len(self._seen) >= self._max_keys:
            self._seen.pop(next(iter(self._seen)))
        self._seen[key] = None
        return True
