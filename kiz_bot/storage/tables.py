"""The database tables; nothing in them can point to a person (see docs/statistics.md)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

DAY = "day"
MONTH = "month"
NO_VALUE = ""  # absent topic, entry or partner: NULL would defeat the upsert's unique key


class Base(DeclarativeBase):
    """Declarative base of the statistics tables."""


class TopicCount(Base):
    """How often an outcome happened per day (or per month after roll-up) and dimensions."""

    __tablename__ = "topic_counts"

    period: Mapped[str] = mapped_column(String(5), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    topic: Mapped[str] = mapped_column(String(100), primary_key=True)
    entry_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    language: Mapped[str] = mapped_column(String(16), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(16), primary_key=True)
    partner_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)


class UserCountRow(Base):
    """How many distinct users wrote on a day (a month holds the sum of its days)."""

    __tablename__ = "user_counts"

    period: Mapped[str] = mapped_column(String(5), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)


class LanguagePreference(Base):
    """A chosen language under the salted hash of a user id."""

    __tablename__ = "language_preferences"

    user_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str] = mapped_column(String(16))


class UnansweredText(Base):
    """A scrubbed question the bot could not answer (opt-in), with its day only."""

    __tablename__ = "unanswered_texts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, so no order
    day: Mapped[date] = mapped_column(Date, index=True)
    text: Mapped[str] = mapped_column(Text)


class AppliedBatch(Base):
    """A written batch of counts, so a batch retried after an outage is never counted twice."""

    __tablename__ = "applied_batches"

    batch_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
