"""Hostile input: 10,000 generated messages through the advisor and the Telegram renderer."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiz_bot.advisor import Advisor
from kiz_bot.bot.callback_data import Action, CallbackCodec
from kiz_bot.bot.markup import MESSAGE_LIMIT, staff_html, text
from kiz_bot.bot.replies import render_reply
from kiz_bot.knowledge.model import Catalogue
from tests.bot.conftest import COORDINATOR, Harness
from tests.reliability.conftest import html_problems

LANGUAGES = ["de", "en", "tr", "ar", "uk", "ru", "fa", "pl", None, "xx", "zh-hans"]
ZERO_WIDTH_AND_BIDI = (
    "\u200b\u200c\u200d\u2060\ufeff"  # zero width
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"  # bidi
)
INJECTIONS = [
    "<b>", "</b>", "<script>alert(1)</script>", '<a href="javascript:alert(1)">x</a>',
    "<i><b>crossed</i></b>", "&amp;", "&", "&#0;", "&lt;", "<", ">", "<!--", "]]>",
    "*bold*", "_it_", "`code`", "```pre```", "[link](tg://user?id=1)", "||spoiler||",
    "@kiz_e2e_bot", "/start", "\\", "\x00", "\r\n", "\n\n\n", "<tg-spoiler>", "<pre><code>",
]  # fmt: skip
EMOJI = st.sampled_from(list("😀👶🏫🇩🇪🇺🇦👨‍👩‍👧‍👦❤️✅🙏🏽🧕🏾"))

pieces = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=ZERO_WIDTH_AND_BIDI, max_size=10),
    st.sampled_from(INJECTIONS),
    st.sampled_from(["kita", "Kita-Platz", "Schule", "deutschkurs", "كيف", "школа", "مدرسه"]),
    EMOJI,
)
messages = st.one_of(
    st.just(""),
    st.text(alphabet=" \t\n" + ZERO_WIDTH_AND_BIDI, max_size=30),
    st.lists(EMOJI, min_size=1, max_size=30).map("".join),
    st.lists(pieces, max_size=30).map(" ".join),
    # long: 4,096 characters and more, built from pieces so that generating it stays cheap
    st.tuples(st.lists(pieces, min_size=1, max_size=6), st.integers(50, 400)).map(
        lambda parts: (" ".join(parts[0]) + " ") * parts[1]
    ),
)
FUZZ = settings(
    max_examples=10_000,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def bundled() -> tuple[Advisor, Catalogue]:
    from kiz_bot.bootstrap import build_services
    from kiz_bot.settings import Settings

    services = build_services(Settings())
    return services.advisor, services.advisor.catalogue


CODEC = CallbackCodec.from_secret("fuzz")


@FUZZ
@given(message=messages, language=st.sampled_from(LANGUAGES))
def test_any_message_gets_a_reply_in_valid_telegram_html_under_the_limit(
    bundled: tuple[Advisor, Catalogue], message: str, language: str | None
) -> None:
    advisor, catalogue = bundled
    reply = advisor.ask(message[:MESSAGE_LIMIT], None, language)
    outgoing = render_reply(reply, catalogue, CODEC)
    assert outgoing
    for item in outgoing:
        assert not html_problems(item.html), (message[:200], item.html[:500])


@settings(max_examples=2_000, deadline=None, derandomize=True, database=None)
@given(value=messages, rtl=st.booleans())
def test_user_and_staff_text_render_to_valid_html(value: str, rtl: bool) -> None:
    for html in (text(value, rtl=rtl), staff_html(value, rtl=rtl)):
        problems = [p for p in html_problems(html) if "UTF-16" not in p and "empty" not in p]
        assert not problems, (value[:200], html[:300])


# One application for all examples is the point: it must keep going after each of them.
ONE_APP = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


@settings(
    max_examples=300, deadline=None, derandomize=True, database=None, suppress_health_check=ONE_APP
)
@given(message=messages, language=st.sampled_from(LANGUAGES))
async def test_the_whole_handler_answers_any_message_without_an_apology(
    harness: Harness, message: str, language: str | None
) -> None:
    harness.app.bot_data["kiz_bot"].throttle.burst = 10**9  # hypothesis sends many at once
    sent = await harness.send(harness.message(message or None, language_code=language))
    if not message:
        return  # Telegram never sends an empty text; a message without text gets no reply here
    assert sent
    for params in sent:
        assert "something went wrong" not in params["text"]
        assert not html_problems(params["text"]), params["text"][:300]


@settings(
    max_examples=500, deadline=None, derandomize=True, database=None, suppress_health_check=ONE_APP
)
@given(data=st.one_of(st.text(max_size=80), st.binary(max_size=64).map(lambda b: b.hex())))
async def test_forged_callback_data_gets_a_polite_answer_and_nothing_else(
    harness: Harness, data: str
) -> None:
    harness.app.bot_data["kiz_bot"].throttle.burst = 10**9  # hypothesis presses many at once
    before = len(harness.request.calls)
    await harness.app.process_update(harness.press(data))
    calls = harness.request.calls[before:]
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert not harness.storage.recorder.events


def test_forging_needs_the_signing_key() -> None:
    genuine = CODEC.encode(Action.RATE, "kita-registration", "de", "1")
    other = CallbackCodec.from_secret("someone else")
    assert other.decode(genuine) is None
    body, _, signature = genuine.rpartition("|")
    assert CODEC.decode(body.replace("|1", "|0") + "|" + signature) is None


async def test_a_replayed_rating_is_counted_once(harness: Harness) -> None:
    codec = harness.app.bot_data["kiz_bot"].codec
    rating = codec.encode(Action.RATE, "kita-registration", "en", "1")
    for _ in range(3):
        await harness.app.process_update(harness.press(rating, language_code="en"))
    answers = harness.request.sent("answerCallbackQuery")
    assert len(answers) == 3
    assert len(harness.storage.recorder.events) == 1


async def test_a_replayed_old_button_still_works_or_expires_politely(harness: Harness) -> None:
    codec = harness.app.bot_data["kiz_bot"].codec
    for data in (
        codec.encode(Action.ENTRY, "kita-registration", "de"),
        codec.encode(Action.ENTRY, "removed-entry", "de"),
        codec.encode(Action.TOPIC, "removed-topic", "de"),
        codec.encode(Action.LANGUAGE, "xx"),
    ):
        before = len(harness.request.calls)
        await harness.app.process_update(harness.press(data))
        methods = [c.method for c in harness.request.calls[before:]]
        assert methods.count("answerCallbackQuery") == 1, (data, methods)


@pytest.mark.parametrize(
    "command",
    [
        "/start foo bar", "/start " + "x" * 4000, "/help <b>bold</b>", "/language xx",
        "/language ../../etc/passwd", "/topics 123", "/contact @someone", "/privacy all",
        "/delete everything now", "/start@kiz_test_bot extra", "/unknown", "/stats",
        "/reload now", "/stats 2020-01-01 2030-01-01",
    ],
)  # fmt: skip
async def test_commands_with_unexpected_arguments_answer_normally(
    harness: Harness, command: str
) -> None:
    sent = await harness.send(harness.message(command, user_id=77, language_code="en"))
    for params in sent:
        assert "something went wrong" not in params["text"]
        assert not html_problems(params["text"])
    if command.split()[0] not in {"/unknown"}:
        assert sent, command
    assert harness.knowledge.reloads == 0
    assert COORDINATOR != 77
