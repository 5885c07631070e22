"""Security: coordinator commands, secrets in logs and errors, personal data in logs, floods."""

from __future__ import annotations

import logging

import pytest
from telegram import Bot
from telegram.error import NetworkError

from kiz_bot.bot.logs import RedactingFormatter
from kiz_bot.bot.retry import RetryingRequest, RetryPolicy
from kiz_bot.bot.throttle import FloodThrottle
from tests.bot.conftest import COORDINATOR, TOKEN, Harness

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.mark.parametrize("user_id", [1, 5, COORDINATOR + 1, -COORDINATOR, 10**12])
@pytest.mark.parametrize("command", ["/stats", "/reload", "/stats 2020-01-01", "/reload all"])
async def test_coordinator_commands_refuse_everyone_else(
    harness: Harness, user_id: int, command: str
) -> None:
    sent = await harness.send(harness.message(command, user_id=user_id, language_code="en"))
    assert len(sent) == 1
    assert "only for the coordinators" in sent[0]["text"]
    assert harness.knowledge.reloads == 0
    methods = {c.method for c in harness.request.calls}
    assert not methods & {"sendPhoto", "sendDocument"}


async def test_a_coordinator_in_a_group_is_still_a_coordinator_and_others_there_are_not(
    harness: Harness,
) -> None:
    refused = await harness.send(harness.message("/reload", user_id=99, chat_type="group"))
    assert "nur für die Koordination" in refused[0]["text"]
    await harness.send(harness.message("/reload", user_id=COORDINATOR, chat_type="group"))
    assert harness.knowledge.reloads == 1


async def test_the_token_never_appears_in_logs_or_errors_after_failures(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await harness.send(harness.message("boom please", user_id=31337, language_code="en"))
    request = RetryingRequest(policy=RetryPolicy(attempts=2, first_delay=0.001))
    bot = Bot(TOKEN, base_url="http://127.0.0.1:9/bot", request=request)
    with pytest.raises(NetworkError) as raised:
        await bot.get_me()
    await request.shutdown()
    formatter = RedactingFormatter("%(levelname)s %(name)s: %(message)s", [TOKEN])
    shown = "\n".join(formatter.format(record) for record in caplog.records)
    assert TOKEN not in str(raised.value)
    assert TOKEN not in repr(raised.value)
    assert TOKEN not in shown
    assert TOKEN.split(":")[1] not in shown
    assert "getMe" in caplog.text  # the method is named, so the log still helps


async def test_the_default_log_level_holds_no_user_id_chat_id_or_text(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    texts = ["boom my name is Ayşe", "kita for 918273", "nothing matches 5550001"]
    for number, said in enumerate(texts):
        await harness.send(harness.message(said, user_id=918273 + number, language_code="tr"))
    await harness.app.process_update(harness.press("forged|data", user_id=918273))
    for said in texts:
        assert said not in caplog.text
    for number in range(len(texts)):
        assert str(918273 + number) not in caplog.text


async def test_a_flood_from_one_user_is_throttled_without_slowing_others(
    harness: Harness,
) -> None:
    now = [0.0]
    harness.app.bot_data["kiz_bot"].throttle = FloodThrottle(clock=lambda: now[0])
    flooder, others = 666, [701, 702, 703]
    answered = {user: 0 for user in [flooder, *others]}
    for number in range(100):  # 100 messages in 10 seconds from one user
        now[0] = number * 0.1
        sent = await harness.send(harness.message("kita", user_id=flooder, language_code="en"))
        answered[flooder] += sum("Kita" in s["text"] for s in sent)
        if number % 10 == 0:
            for user in others:
                sent = await harness.send(harness.message("kita", user_id=user, language_code="en"))
                answered[user] += sum("Kita" in s["text"] for s in sent)
    throttle = harness.app.bot_data["kiz_bot"].throttle
    assert answered[flooder] <= throttle.burst + 11  # the burst, then one a second
    assert all(answered[user] == 10 for user in others)
    warnings = [p for p in harness.request.sent() if "very fast" in p["text"]]
    assert 1 <= len(warnings) <= 3
