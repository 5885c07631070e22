"""What the Telegram adapter needs from the rest of the program, as small protocols."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from kiz_bot.advisor import Advisor
from kiz_bot.bot.callback_data import CallbackCodec
from kiz_bot.bot.throttle import FloodThrottle, ReplayGuard
from kiz_bot.examiner import Examiner
from kiz_bot.preferences import PreferenceStore
from kiz_bot.settings import Settings
from kiz_bot.stats.events import EventSink
from kiz_bot.stats.report import Report


class ReloadResult(Protocol):
    """The outcome of a knowledge-base reload."""

    @property
    def ok(self) -> bool:
        """Whether the new knowledge base is in use."""

    @property
    def problems(self) -> Sequence[object]:
        """What is wrong, each naming file and line."""

    @property
    def entries(self) -> int:
        """How many entries are in use now."""


class ReloadableKnowledge(Protocol):
    """The knowledge base in use, which staff can reload."""

    def reload(self) -> ReloadResult:
        """Load the faq folder again; keep the last good one on errors."""

    def reload_if_changed(self) -> ReloadResult | None:
        """Reload only when a file changed since the last load."""


class Services(Protocol):
    """The wired core: advisor and knowledge (see kiz_bot.bootstrap)."""

    @property
    def advisor(self) -> Advisor:
        """The conversation core."""

    @property
    def knowledge(self) -> ReloadableKnowledge:
        """The reloadable knowledge base."""


class Storage(Protocol):
    """Preferences and statistics, shared with the stats store."""

    @property
    def recorder(self) -> EventSink:
        """Where statistic events go; never blocks."""

    @property
    def preferences(self) -> PreferenceStore:
        """Chosen languages, keyed by salted hashes."""

    def seen_user(self, user_id: int) -> object:
        """Count a user anonymously (the store hashes the id); may return an awaitable."""

    def keep_unanswered(self, text: str) -> None:
        """Keep a scrubbed copy of an unanswered question, if staff opted in."""

    async def report(self, since: date | None = None, until: date | None = None) -> Report:
        """Build the anonymised report of a period."""

    async def close(self) -> None:
        """Flush and close."""


async def seen_user(storage: Storage, user_id: int) -> None:
    """Tell the store a user was active, whether its method is sync or async."""
    result = storage.seen_user(user_id)
    if inspect.isawaitable(result):
        await result


@dataclass(slots=True)
class BotDeps:
    """Everything the handlers use, kept in application.bot_data."""

    services: Services
    settings: Settings
    codec: CallbackCodec
    throttle: FloodThrottle
    storage: Storage | None = None
    owns_storage: bool = True
    ratings: ReplayGuard = field(default_factory=ReplayGuard)
    examiner: Examiner | None = None  # the worker process that matches questions, if any

    @property
    def advisor(self) -> Advisor:
        """The conversation core."""
        return self.services.advisor

    def require_storage(self) -> Storage:
        """Return the storage; it is opened in post_init, before any update is handled."""
        if self.storage is None:
            msg = "storage is not open yet; post_init opens it"
            raise RuntimeError(msg)
        return self.storage
