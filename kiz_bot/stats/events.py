"""The anonymised statistic event: what may be counted, and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol


class Outcome(StrEnum):
    """What happened to a question or an answer."""

    ANSWERED = "answered"
    CHOICES = "choices"
    UNANSWERED = "unanswered"
    REFERRED = "referred"
    HELPFUL = "helpful"
    NOT_HELPFUL = "not_helpful"


@dataclass(frozen=True, slots=True)
class TopicEvent:
    """One countable event; holds no user id, no text and no time of day."""

    day: date
    language: str
    outcome: Outcome
    topic: str | None = None
    entry_id: str | None = None
    partner_id: str | None = None


class EventSink(Protocol):
    """Something that accepts events without blocking the reply path."""

    def record(self, event: TopicEvent) -> None:
        """Accept one event; must return at once."""


class MemorySink:
    """An event sink that keeps events in a list (terminal chat, tests)."""

    def __init__(self) -> None:
        self.events: list[TopicEvent] = []

    def record(self, event: TopicEvent) -> None:
        """Keep the event."""
        self.events.append(event)
