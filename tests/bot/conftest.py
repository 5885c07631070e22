"""Offline harness: a recording request object instead of the network, fake updates, a tiny FAQ."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator, Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

import pytest
from telegram import Update
from telegram.request import BaseRequest, RequestData

from kiz_bot.advisor import Advisor, Knowledge
from kiz_bot.bot.app import build_application
from kiz_bot.knowledge.model import Catalogue, Entry, EntryText, Partner, PartnerText, Topic
from kiz_bot.matching.language import LanguageDetector
from kiz_bot.matching.result import Candidate, Confidence, MatchResult
from kiz_bot.preferences import MemoryPreferences
from kiz_bot.settings import Secret, Settings
from kiz_bot.stats.events import MemorySink
from kiz_bot.stats.report import CountRow, Report, build_report

TOKEN = "123456:TESTtokenTESTtokenTESTtokenTESTtoken12"
BOT_ID = 123456
BOT_USERNAME = "kiz_test_bot"
COORDINATOR = 4242
LANGUAGES = ("de", "en", "tr", "ar", "uk", "ru", "fa", "pl")
LONG_PARAGRAPH = "Lorem ipsum dolor sit amet, <b>wichtig</b> & mehr. " * 30


def _text(question: str, answer: str, *, reviewed: bool = True) -> EntryText:
    return EntryText(question=question, answer=answer, reviewed=reviewed)


def tiny_catalogue() -> Catalogue:
    """Return a small catalogue that exercises every rendering path."""
    kita = Entry(
        id="kita-registration",
        topic="early-childhood",
        partners=("youth-welfare-office",),
        texts={
            "de": _text("Wie finde ich einen Kita-Platz?", "Im <b>Kita-Navigator</b> anmelden."),
            "en": _text("How do I find a Kita place?", "Register in the <b>Kita-Navigator</b>."),
            "ar": _text("كيف أجد مكانًا في الروضة؟", "سجّل في Kita-Navigator.", reviewed=False),
            "tr": _text(
                "Kita yeri nasıl bulurum?", "Kita-Navigator'a kaydolun <script>x</script>."
            ),
        },
    )
    school = Entry(
        id="school-enrolment",
        topic="school",
        partners=("integration-centre",),
        texts={
            "de": _text("Wie melde ich mein Kind an der Schule an?", "Beim Schulamt."),
            "en": _text("How do I enrol my child at school?", "At the school office."),
        },
    )
    transport = Entry(
        id="school-transport-ticket-for-pupils-who-live-far-away",
        topic="school",
        texts={
            "de": _text("Bekommt mein Kind ein Schülerticket?", "Fragen Sie die Schule."),
            "en": _text("Does my child get a school ticket?", "Ask the school."),
        },
    )
    long = Entry(
        id="long-answer",
        topic="school",
        texts={
            "de": _text("Lange Antwort", "\n\n".join([LONG_PARAGRAPH] * 8)),
            "en": _text("Long answer", "\n\n".join([LONG_PARAGRAPH] * 8)),
        },
    )
    centre = Partner(
        id="integration-centre",
        texts={
            "de": PartnerText("Kommunales Integrationszentrum", "Berät zu Bildung & Integration."),
            "en": PartnerText("Integration Centre", "Advice on education & integration."),
            "ar": PartnerText("مركز الاندماج البلدي", "استشارة حول التعليم والاندماج."),
        },
        phone="0212 290 2225",
        website="https://www.solingen.de",
        languages_spoken=("de", "tr"),
    )
    youth = Partner(
        id="youth-welfare-office",
        texts={"de": PartnerText("Jugendamt <Solingen>", "Kita-Plätze.")},
        email="jugendamt@example.org",
    )
    topics = (
        Topic("early-childhood", "👶", {"de": "Kita", "en": "Childcare", "ar": "الروضة"}),
        Topic("school", "🏫", {"de": "Schule", "en": "School"}),
    )
    return Catalogue(
        languages=LANGUAGES,
        topics=topics,
        entries=(kita, school, transport, long),
        partners=(centre, youth),
    )


class ScriptedIndex:
    """A stand-in for the matcher: keywords decide, so handler tests stay exact."""

    latin_signatures: ClassVar[dict[str, str]] = {}  # no transliteration's telling words

    def match(
        self,
        text: str,
        limit: int | None = None,
        related: Collection[str] = (),
        last: str | None = None,
    ) -> MatchResult:
        lowered = text.lower()
        if "and that?" in lowered:  # a follow-up: answered only with the conversation's subject
            if related:
                return MatchResult(Confidence.ANSWER, (Candidate(sorted(related)[0], 0.9, "en"),))
            return MatchResult(Confidence.NONE, ())
        if "boom" in lowered:
            raise RuntimeError("matcher exploded")  # no message text in the error
        if "kita" in lowered or "الروضة" in lowered or "дитсадок" in lowered:
            return MatchResult(Confidence.ANSWER, (Candidate("kita-registration", 0.9, "de"),))
        if "long" in lowered:
            return MatchResult(Confidence.ANSWER, (Candidate("long-answer", 0.9, "en"),))
        if "school" in lowered or "schule" in lowered:
            candidates = (
                Candidate("school-enrolment", 0.4, "en"),
                Candidate("school-transport-ticket-for-pupils-who-live-far-away", 0.38, "en"),
            )
            return MatchResult(Confidence.CHOICES, candidates)
        return MatchResult(Confidence.NONE, ())


@dataclass
class ReloadReport:
    ok: bool
    problems: tuple[str, ...]
    entries: int


@dataclass
class FakeKnowledge:
    report: ReloadReport = field(default_factory=lambda: ReloadReport(True, (), 4))
    reloads: int = 0

    def reload(self) -> ReloadReport:
        self.reloads += 1
        return self.report


@dataclass
class FakeServices:
    advisor: Advisor
    knowledge: FakeKnowledge
    settings: Settings


@dataclass
class MemoryStorage:
    recorder: MemorySink = field(default_factory=MemorySink)
    preferences: MemoryPreferences = field(default_factory=MemoryPreferences)
    users: list[int] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)
    closed: bool = False

    def seen_user(self, user_id: int) -> None:
        self.users.append(user_id)

    def keep_unanswered(self, text: str) -> None:
        self.unanswered.append(text)

    async def report(self, since: date | None = None, until: date | None = None) -> Report:
        rows = [
            CountRow(e.day, e.language, e.outcome, 1, e.topic, e.entry_id, e.partner_id)
            for e in self.recorder.events
        ]
        return build_report(rows, since=since, until=until, threshold=5)

    async def close(self) -> None:
        self.closed = True


@dataclass
class Call:
    method: str
    params: dict[str, Any]


class RecordingRequest(BaseRequest):
    """A request object that records every Bot API call and answers like Telegram would."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._ids = itertools.count(1000)

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        self.calls.append(Call(endpoint, params))
        return 200, json.dumps({"ok": True, "result": self._result(endpoint, params)}).encode()

    def _result(self, endpoint: str, params: dict[str, Any]) -> object:
        if endpoint == "getMe":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "KIZ",
                "username": BOT_USERNAME,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if endpoint in {"sendMessage", "editMessageText", "editMessageReplyMarkup"}:
            return {
                "message_id": next(self._ids),
                "date": 0,
                "chat": {"id": params.get("chat_id", 1), "type": "private"},
                "text": params.get("text", ""),
            }
        return True

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == method]

    def clear(self) -> None:
        self.calls.clear()


@dataclass
class Harness:
    """An application wired to fakes, and helpers to feed it updates."""

    app: Any
    request: RecordingRequest
    storage: MemoryStorage
    knowledge: FakeKnowledge
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def user(self, user_id: int = 7, language_code: str | None = "de") -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Test"}
        if language_code:
            user["language_code"] = language_code
        return user

    def message(
        self,
        text: str | None = None,
        *,
        user_id: int = 7,
        language_code: str | None = "de",
        chat_type: str = "private",
        extra: dict[str, Any] | None = None,
    ) -> Update:
        chat_id = user_id if chat_type == "private" else -100
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": 0,
            "chat": {"id": chat_id, "type": chat_type},
            "from": self.user(user_id, language_code),
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        message.update(extra or {})
        return Update.de_json({"update_id": next(self._ids), "message": message}, self.app.bot)

    def press(self, data: str, *, user_id: int = 7, language_code: str | None = "de") -> Update:
        query = {
            "id": str(next(self._ids)),
            "from": self.user(user_id, language_code),
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": 99,
                "date": 0,
                "chat": {"id": user_id, "type": "private"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "KIZ"},
                "text": "old",
            },
        }
        return Update.de_json({"update_id": next(self._ids), "callback_query": query}, self.app.bot)

    async def send(self, update: Update) -> list[dict[str, Any]]:
        """Process an update and return the messages the bot sent for it."""
        before = len(self.request.calls)
        await self.app.process_update(update)
        return [c.params for c in self.request.calls[before:] if c.method == "sendMessage"]

    def calls_since(self, index: int) -> list[Call]:
        return self.request.calls[index:]


def make_settings(**changes: Any) -> Settings:
    values: dict[str, Any] = {
        "token": Secret(TOKEN),
        "api_url": "http://127.0.0.1:1/bot",
        "coordinators": frozenset({COORDINATOR}),
        "rate_limiter": False,
        "user_salt": Secret("test-salt"),
    }
    values.update(changes)
    return Settings(**values)


def make_advisor(catalogue: Catalogue | None = None) -> Advisor:
    knowledge = Knowledge(catalogue or tiny_catalogue(), ScriptedIndex())  # type: ignore[arg-type]
    return Advisor(lambda: knowledge, LanguageDetector(LANGUAGES), today=lambda: date(2026, 1, 5))


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    settings = make_settings()
    storage = MemoryStorage()
    knowledge = FakeKnowledge()
    services = FakeServices(make_advisor(), knowledge, settings)
    request = RecordingRequest()
    app = build_application(
        services, settings, storage=storage, request=request, updates_request=RecordingRequest()
    )
    async with app:
        yield Harness(app, request, storage, knowledge)
