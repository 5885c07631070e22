"""Immutable catalogue types: topics, entries, partners."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def frozen_map(items: Mapping[K, V] | None = None) -> Mapping[K, V]:
    """Return a read-only copy of a mapping."""
    return MappingProxyType(dict(items or {}))


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where something was defined: file and 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class Topic:
    """A menu topic such as early childhood or school."""

    id: str
    emoji: str
    names: Mapping[str, str]

    def name(self, language: str, fallback: str = "de") -> str:
        """Return the topic name in a language, falling back to the source language."""
        return self.names.get(language) or self.names.get(fallback) or self.id


@dataclass(frozen=True, slots=True)
class PartnerText:
    """A partner's name and what it helps with, in one language."""

    name: str
    helps_with: str


@dataclass(frozen=True, slots=True)
class Partner:
    """A partner organisation that people are referred to."""

    id: str
    texts: Mapping[str, PartnerText]
    website: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    languages_spoken: tuple[str, ...] = ()
    needs_review: str | None = None
    source: SourceRef | None = None

    def text(self, language: str, fallback: str = "de") -> PartnerText:
        """Return the partner text in a language, falling back to the source language."""
        found = self.texts.get(language) or self.texts.get(fallback)
        if found is None:
            found = next(iter(self.texts.values()))
        return found


@dataclass(frozen=True, slots=True)
class EntryText:
    """One language version of an entry."""

    question: str
    answer: str
    alternatives: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    reviewed: bool = False

    @property
    def phrasings(self) -> tuple[str, ...]:
        """Return the question and its alternative phrasings."""
        return (self.question, *self.alternatives)


@dataclass(frozen=True, slots=True)
class Entry:
    """A knowledge-base entry: one question, answered in several languages."""

    id: str
    topic: str
    texts: Mapping[str, EntryText]
    partners: tuple[str, ...] = ()
    last_reviewed: date | None = None
    needs_review: str | None = None
    source: SourceRef | None = None


@dataclass(frozen=True, slots=True)
class NotCovered:
    """A kind of question outside the centre's work: recognised, declined and referred on."""

    id: str
    examples: Mapping[str, tuple[str, ...]]
    partners: tuple[str, ...] = ()
    source: SourceRef | None = None


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The whole validated knowledge base."""

    languages: tuple[str, ...]
    topics: tuple[Topic, ...]
    entries: tuple[Entry, ...]
    partners: tuple[Partner, ...]
    smalltalk: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=frozen_map)
    not_covered: tuple[NotCovered, ...] = ()
    _entries_by_id: Mapping[str, Entry] = field(init=False, repr=False, compare=False)
    _partners_by_id: Mapping[str, Partner] = field(init=False, repr=False, compare=False)
    _topics_by_id: Mapping[str, Topic] = field(init=False, repr=False, compare=False)
    _not_covered_by_id: Mapping[str, NotCovered] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_entries_by_id", frozen_map({e.id: e for e in self.entries}))
        object.__setattr__(self, "_partners_by_id", frozen_map({p.id: p for p in self.partners}))
        object.__setattr__(self, "_topics_by_id", frozen_map({t.id: t for t in self.topics}))
        declined = frozen_map({n.id: n for n in self.not_covered})
        object.__setattr__(self, "_not_covered_by_id", declined)

    @property
    def source_language(self) -> str:
        """Return the source language (the first configured one)."""
        return self.languages[0]

    def entry(self, entry_id: str) -> Entry | None:
        """Return the entry with this id, if any."""
        return self._entries_by_id.get(entry_id)

    def partner(self, partner_id: str) -> Partner | None:
        """Return the partner with this id, if any."""
        return self._partners_by_id.get(partner_id)

    def not_covered_kind(self, kind_id: str) -> NotCovered | None:
        """Return the kind of out-of-scope question with this id, if any."""
        return self._not_covered_by_id.get(kind_id)

    def topic(self, topic_id: str) -> Topic | None:
        """Return the topic with this id, if any."""
        return self._topics_by_id.get(topic_id)

    def entries_in(self, topic_id: str) -> tuple[Entry, ...]:
        """Return the entries of a topic in file order."""
        return tuple(e for e in self.entries if e.topic == topic_id)
