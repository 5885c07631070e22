"""The real `kiz-bot run` process while the Bot API fails, is slow, or the FAQ breaks."""

from __future__ import annotations

import itertools
import random
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiz_bot.settings import BUNDLED_FAQ_DIR
from tests.e2e.conftest import COORDINATOR, TOKEN, BotProcess, start_bot, wait_ready
from tests.reliability.conftest import SlowBotAPI

pytestmark = pytest.mark.e2e

QUESTIONS = [
    ("Wie finde ich einen Kitaplatz?", "de"),
    ("How can I learn German in Solingen?", "en"),
    ("Çocuğumu okula nasıl kaydederim?", "tr"),
    ("كيف أسجل طفلي في المدرسة؟", "ar"),
    ("Як записатися на інтеграційний курс?", "uk"),
    ("Как признать мой диплом?", "ru"),
    ("چطور برای فرزندم مهدکودک پیدا کنم؟", "fa"),
    ("Jak znaleźć miejsce w przedszkolu?", "pl"),
]
ASKED: list[str] = [q for q, _ in QUESTIONS]
USERS: list[int] = []
_next_user = itertools.count(610_001)


@pytest.fixture(scope="module")
def api() -> Iterator[SlowBotAPI]:
    server = SlowBotAPI(TOKEN).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def faq_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("faq") / "faq"
    shutil.copytree(BUNDLED_FAQ_DIR, folder)
    return folder


@pytest.fixture(scope="module")
def bot(
    api: SlowBotAPI, faq_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BotProcess]:
    process = start_bot(api, tmp_path_factory.mktemp("faults"), KIZ_FAQ_DIR=str(faq_dir))
    wait_ready(api, process, "getUpdates")
    yield process
    process.stop()


@pytest.fixture(scope="module")
def replies_per_question(api: SlowBotAPI, bot: BotProcess) -> dict[tuple[str, str], int]:
    """How many messages each question gets when nothing fails (an answer may be split)."""
    mark = api.mark()
    users = {}
    for question in QUESTIONS:
        user = next(_next_user)
        users[question] = user
        api.send_message(user, question[0], language_code=question[1])
    time.sleep(3)
    counts = api.reply_counts(list(users.values()), mark)
    assert all(counts.values()), counts
    return {question: counts[user] for question, user in users.items()}


def ask_everyone(
    api: SlowBotAPI, expected_per_question: dict[tuple[str, str], int], people: int = 40
) -> tuple[dict[int, int], dict[int, int]]:
    """One question from each of `people` users; return expected and received reply counts."""
    mark = api.mark()
    expected = {}
    for number in range(people):
        user = next(_next_user)
        USERS.append(user)
        question = QUESTIONS[number % len(QUESTIONS)]
        expected[user] = expected_per_question[question]
        api.send_message(user, question[0], language_code=question[1])
    return expected, api.wait_counts(expected, mark, timeout=90)


@pytest.mark.parametrize("fault", ["429", "502", "drop"])
def test_every_question_gets_exactly_one_reply_when_a_fifth_of_calls_fail(
    api: SlowBotAPI, replies_per_question: dict[tuple[str, str], int], fault: str
) -> None:
    rng = random.Random(fault)
    failed = []

    def twenty_percent(method: str, _params: dict[str, object]) -> str | None:
        polls_failed = failed.count("getUpdates")
        if rng.random() < 0.2 or (method == "getUpdates" and polls_failed < 2):
            failed.append(method)
            return fault
        return None

    api.fault = twenty_percent
    try:
        expected, received = ask_everyone(api, replies_per_question)
    finally:
        api.fault = None
    assert received == expected
    assert {"getUpdates", "sendMessage"} <= set(failed)


def test_a_slow_get_updates_delays_but_loses_nothing(
    api: SlowBotAPI, replies_per_question: dict[tuple[str, str], int]
) -> None:
    api.delay = lambda method, _params: 1.5 if method == "getUpdates" else 0.0
    try:
        expected, received = ask_everyone(api, replies_per_question, people=16)
    finally:
        api.delay = None
    assert received == expected


def test_a_send_that_times_out_is_retried_and_may_arrive_twice_but_never_not_at_all(
    api: SlowBotAPI, replies_per_question: dict[tuple[str, str], int]
) -> None:
    slow_once = itertools.count()
    # longer than python-telegram-bot's 5 s read timeout: the bot gives up, but it arrived
    api.delay = lambda method, _p: 6.5 if method == "sendMessage" and next(slow_once) == 0 else 0.0
    try:
        expected, received = ask_everyone(api, replies_per_question, people=8)
    finally:
        api.delay = None
    extra = {user: received[user] - n for user, n in expected.items()}
    assert all(0 <= more <= 1 for more in extra.values()), extra
    assert sum(extra.values()) <= 1  # the one documented duplicate, nothing else


def test_a_broken_faq_file_on_reload_keeps_the_last_good_one_and_names_file_and_line(
    api: SlowBotAPI,
    bot: BotProcess,
    faq_dir: Path,
    replies_per_question: dict[tuple[str, str], int],
) -> None:
    school = faq_dir / "school.yaml"
    good = school.read_text(encoding="utf-8")
    school.write_text(good + "\n  - id: [unclosed\n    broken: {\n", encoding="utf-8")
    try:
        mark = api.mark()
        api.send_message(COORDINATOR, "/reload", language_code="en")
        said = api.replies(COORDINATOR, mark, timeout=60)[-1].params["text"]
        assert "previous version stays in use" in said
        assert re.search(r"school\.yaml:\d+", said), said
        expected, received = ask_everyone(api, replies_per_question, people=8)
        assert received == expected  # still answering from the last good knowledge base
    finally:
        school.write_text(good, encoding="utf-8")
    mark = api.mark()
    api.send_message(COORDINATOR, "/reload", language_code="en")
    assert "reloaded" in api.replies(COORDINATOR, mark, timeout=60)[-1].params["text"]


def test_zz_after_all_faults_the_log_holds_no_token_ids_or_texts(bot: BotProcess) -> None:
    log = bot.stop()
    assert bot.process.returncode == 0, log[-2000:]
    assert "Bot API sendMessage" in log  # retries are logged, by method name only
    assert TOKEN not in log
    assert TOKEN.split(":")[1] not in log
    for text in ASKED:
        assert text not in log
    for user in USERS:
        assert not re.search(rf"\b{user}\b", log), user
