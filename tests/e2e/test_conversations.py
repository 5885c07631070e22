"""Whole conversations over real HTTP: the real `kiz-bot run` against the fake Bot API."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from html.parser import HTMLParser
from typing import Any

import pytest

from kiz_bot.knowledge.loader import require_catalogue
from kiz_bot.settings import BUNDLED_FAQ_DIR
from kiz_bot.stats.events import Outcome
from tests.e2e.conftest import TOKEN, BotProcess
from tests.fakebotapi import Call, FakeBotAPI

pytestmark = pytest.mark.e2e

TELEGRAM_TAGS = {"b", "i", "u", "s", "code", "a", "pre"}
ASKED: list[str] = []  # message texts that must never show up in the log
USERS: list[int] = []


class _TagCheck(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.bad.append(tag)
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.bad.append("/" + tag)


def assert_telegram_html(text: str) -> None:
    check = _TagCheck()
    check.feed(text)
    check.close()
    assert not check.bad, text
    assert not check.stack, text
    assert len(text) <= 4096


def buttons(call: Call) -> list[dict[str, Any]]:
    markup = call.params.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def ask(api: FakeBotAPI, user: int, text: str | None, lang: str = "de", **kw: Any) -> list[Call]:
    if text:
        ASKED.append(text)
    USERS.append(user)
    mark = api.mark()
    api.send_message(user, text, language_code=lang, **kw)
    replies = api.replies(user, mark)
    for reply in replies:
        if "text" in reply.params:
            assert_telegram_html(reply.params["text"])
    return replies


def press(api: FakeBotAPI, user: int, data: str, lang: str = "de") -> int:
    USERS.append(user)
    mark = api.mark()
    api.press(user, data, language_code=lang)
    api.wait_for(lambda calls: any(c.method == "answerCallbackQuery" for c in calls), mark)
    return mark


def test_start_greets_and_a_language_button_switches_the_conversation(
    api: FakeBotAPI, polling_bot: BotProcess
) -> None:
    mark = api.mark()
    api.send_message(1001, "/start", language_code="de")
    greeting, menu = api.replies(1001, mark, count=2)
    assert "Hallo" in greeting.params["text"]
    names = [b["text"] for b in buttons(greeting)]
    assert {"Deutsch", "English", "Türkçe", "العربية", "Українська", "Русский", "فارسی"} <= set(
        names
    )
    assert len(buttons(menu)) == 8
    turkish = next(b for b in buttons(greeting) if b["text"] == "Türkçe")
    mark = press(api, 1001, turkish["callback_data"])
    api.wait_for(lambda calls: any(c.method == "editMessageText" for c in calls), mark)
    topic_menu = api.replies(1001, mark)[0]
    assert "konu" in topic_menu.params["text"]
    # The choice is kept: a German client now gets Turkish.
    helped = ask(api, 1001, "/help", "de")
    assert "Sorunuzu" in helped[0].params["text"]


@pytest.mark.parametrize(
    ("language", "question", "expected"),
    [
        ("de", "Wie finde ich einen Kita-Platz für meinen Sohn?", "Kita"),
        ("en", "How can I get my university degree recognised in Germany?", "recogni"),
        ("tr", "Kita yeri nasıl bulurum, oğlum 3 yaşında", "Kita"),
        ("uk", "Як записати дитину до школи в Німеччині?", "школ"),
        ("ar", "كيف أسجل طفلي في الروضة؟", "Kita"),
    ],
)
def test_questions_in_many_languages_are_answered_in_that_language(
    api: FakeBotAPI, polling_bot: BotProcess, language: str, question: str, expected: str
) -> None:
    replies = ask(api, 2000 + len(ASKED), question, "en")
    answer = replies[-1]
    labels = [b["text"] for b in buttons(answer)]
    assert len(labels) >= 2, answer.params["text"][:300]
    assert expected.lower() in " ".join(r.params["text"].lower() for r in replies)
    if language == "ar":
        assert "\u200f" in answer.params["text"]  # right-to-left lines are marked


def test_an_unsure_question_offers_choices_and_a_choice_shows_the_answer(
    api: FakeBotAPI, polling_bot: BotProcess
) -> None:
    replies = ask(api, 3001, "Kita", "de")
    choices = buttons(replies[0])
    assert "Meinten Sie" in replies[0].params["text"]
    assert len(choices) >= 3
    mark = press(api, 3001, choices[0]["callback_data"])
    answer = api.replies(3001, mark)[-1]
    assert "hilfreich" in answer.params["text"]
    rating = [b for b in buttons(answer) if "hilfreich" in b["text"].lower()]
    assert len(rating) == 2


def test_a_short_follow_up_is_read_in_the_light_of_the_last_answer(
    api: FakeBotAPI, polling_bot: BotProcess
) -> None:
    catalogue = require_catalogue(BUNDLED_FAQ_DIR)
    costs, kita = catalogue.entry("recognition-costs"), catalogue.entry("kita-fees")
    assert costs is not None
    assert kita is not None
    alone = ask(api, 3101, "скільки коштує?", "uk")[-1].params["text"]
    assert kita.texts["uk"].question in alone
    ask(api, 3102, "визнання професійної кваліфікації", "uk")
    follow_up = ask(api, 3102, "скільки коштує?", "uk")[-1].params["text"]
    assert costs.texts["uk"].question in follow_up


def test_rating_not_helpful_refers_to_a_person_and_helpful_thanks(
    api: FakeBotAPI, polling_bot: BotProcess
) -> None:
    answer = ask(api, 4001, "How do I find a Kita place?", "en")[-1]
    helpful, not_helpful = buttons(answer)[:2]
    mark = press(api, 4001, not_helpful["callback_data"], "en")
    referral = api.replies(4001, mark)[-1]
    assert "advise you personally" in referral.params["text"]
    assert "0212 290 2225" in referral.params["text"] or "solingen.de" in referral.params["text"]
    mark = press(api, 4001, helpful["callback_data"], "en")
    thanks = api.calls_to("answerCallbackQuery", mark)[-1]
    assert "Thank you" in thanks.params["text"]


def test_privacy_and_delete(api: FakeBotAPI, polling_bot: BotProcess) -> None:
    privacy = ask(api, 5001, "/privacy", "uk")[0]
    assert "не зберігає" in privacy.params["text"]
    start = ask(api, 5001, "/language", "uk")[0]
    polish = next(b for b in buttons(start) if b["text"] == "Polski")
    mark = press(api, 5001, polish["callback_data"], "uk")
    api.replies(5001, mark)
    deleted = ask(api, 5001, "/delete", "uk")[0]
    assert "видалено" in deleted.params["text"]
    again = ask(api, 5001, "/delete", "uk")[0]
    assert "нічого не зберігалося" in again.params["text"]


def test_non_text_messages_get_a_hint(api: FakeBotAPI, polling_bot: BotProcess) -> None:
    voice = {"voice": {"file_id": "v1", "file_unique_id": "u1", "duration": 4}}
    hint = ask(api, 6001, None, "ru", extra=voice)[0]
    assert "только текст" in hint.params["text"]
    location = {"location": {"latitude": 51.17, "longitude": 7.08}}
    assert ask(api, 6001, None, "en", extra=location)


def test_a_five_thousand_character_message_is_answered(
    api: FakeBotAPI, polling_bot: BotProcess
) -> None:
    text = ("Meine Tochter braucht einen Kita-Platz und wir wissen nicht weiter. " * 80)[:5000]
    replies = ask(api, 7001, text, "de")
    assert all(len(r.params["text"]) <= 4096 for r in replies)


def test_html_in_a_message_is_never_echoed_as_markup(
    api: FakeBotAPI, polling_bot: BotProcess
) -> None:
    replies = ask(api, 7002, "<b>Kita</b> <script>alert(1)</script> <a href='x'>&amp;", "de")
    assert all("<script>" not in r.params["text"] for r in replies)


def test_a_forged_button_gets_a_polite_expired_answer(
    api: FakeBotAPI, polling_bot: BotProcess
) -> None:
    mark = press(api, 8001, "1|e|kita-registration|de|AAAAAAAA")
    answered = api.calls_to("answerCallbackQuery", mark)[-1]
    assert "abgelaufen" in answered.params["text"]
    assert not [c for c in api.calls_to("sendMessage", mark) if c.params["chat_id"] == 8001]


def test_commands_are_published_in_every_language(api: FakeBotAPI, polling_bot: BotProcess) -> None:
    codes = {c.params.get("language_code") for c in api.calls_to("setMyCommands")}
    assert {"de", "en", "tr", "ar", "uk", "ru", "fa", "pl"} <= codes


def test_stats_for_a_coordinator_and_a_refusal_for_others(
    api: FakeBotAPI, polling_bot: BotProcess
) -> None:
    refused = ask(api, 9001, "/stats", "en")[0]
    assert "only for the coordinators" in refused.params["text"]
    mark = api.mark()
    api.send_message(4242, "/stats", language_code="en")
    calls = api.replies(4242, mark, count=3, timeout=60)
    assert [c.method for c in calls] == ["sendMessage", "sendPhoto", "sendDocument"]
    assert "Questions:" in calls[0].params["text"]


def test_zz_the_bot_stops_cleanly_and_its_log_holds_no_secrets_ids_or_texts(
    polling_bot: BotProcess,
) -> None:
    log = polling_bot.stop()
    assert polling_bot.process.returncode == 0, log[-2000:]
    assert TOKEN not in log
    for text in ASKED:
        assert text not in log
    for user in set(USERS):
        assert not re.search(rf"\b{user}\b", log), user


def test_zz_the_database_holds_no_user_id_and_no_message_text(polling_bot: BotProcess) -> None:
    polling_bot.stop()
    database = polling_bot.log_path.parent / "kiz.sqlite3"
    values: list[str] = []
    with closing(sqlite3.connect(database)) as connection:
        tables = [
            r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        assert "preferences" in tables or len(tables) > 2
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}"'):  # noqa: S608 - table names from sqlite_master
                values += [str(v) for v in row if v is not None]
    assert values, "the conversation left no statistics at all"
    # Salted hashes and batch ids are hexadecimal; they are checked for ids below, not words.
    stored = "\n".join(values)
    readable = "\n".join(v for v in values if not re.fullmatch(r"[0-9a-f-]{16,}", v))
    for user in set(USERS):
        assert not re.search(rf"(?<!\d){user}(?!\d)", stored), f"user id {user} is stored"
    # Ids of entries, topics and partners contain English words; no other word may be stored.
    catalogue = require_catalogue(BUNDLED_FAQ_DIR)
    ids = [e.id for e in catalogue.entries] + [t.id for t in catalogue.topics]
    ids += [p.id for p in catalogue.partners] + [o.value for o in Outcome]
    allowed = set(re.findall(r"[a-z]+", " ".join(ids)))
    stored_words = set(re.findall(r"[^\W\d_]{6,}", readable.lower()))
    assert stored_words <= allowed, stored_words - allowed
    for text in ASKED:
        assert text not in stored
