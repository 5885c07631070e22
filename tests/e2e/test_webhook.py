"""Webhook mode: the secret token is checked on every request; the right one is answered."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    TOKEN,
    WEBHOOK_SECRET,
    BotProcess,
    free_port,
    http_get,
    start_bot,
    wait_ready,
)
from tests.fakebotapi import FakeBotAPI

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def webhook_api() -> Iterator[FakeBotAPI]:
    server = FakeBotAPI(TOKEN).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def webhook_bot(
    webhook_api: FakeBotAPI, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[BotProcess, int]]:
    port = free_port()
    workdir: Path = tmp_path_factory.mktemp("webhook")
    url = f"http://127.0.0.1:{port}/telegram"
    bot = start_bot(
        webhook_api, workdir, "--webhook", url, "--port", str(port),
        KIZ_WEBHOOK_SECRET=WEBHOOK_SECRET,
    )  # fmt: skip
    wait_ready(webhook_api, bot, "setWebhook")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if http_get(f"http://127.0.0.1:{port}/health") == 200:
                break
        except OSError:
            time.sleep(0.1)
    yield bot, port
    bot.stop()


def update(user: int, text: str) -> dict[str, object]:
    message = {
        "message_id": 1,
        "date": int(time.time()),
        "chat": {"id": user, "type": "private"},
        "from": {"id": user, "is_bot": False, "first_name": "W", "language_code": "en"},
        "text": text,
    }
    return {"update_id": 1, "message": message}


def test_the_webhook_is_registered_with_the_secret(
    webhook_api: FakeBotAPI, webhook_bot: tuple[BotProcess, int]
) -> None:
    call = webhook_api.calls_to("setWebhook")[-1]
    assert call.params["secret_token"] == WEBHOOK_SECRET
    assert call.params["url"].endswith("/telegram")


def test_a_request_with_a_wrong_or_missing_secret_is_rejected(
    webhook_api: FakeBotAPI, webhook_bot: tuple[BotProcess, int]
) -> None:
    mark = webhook_api.mark()
    assert webhook_api.post_to_webhook_sync(update(11, "kita"), secret="wrong") == 403
    assert webhook_api.post_to_webhook_sync(update(11, "kita"), secret="") == 403
    time.sleep(0.5)
    assert not webhook_api.calls_to("sendMessage", mark)


def test_a_request_with_the_right_secret_is_answered(
    webhook_api: FakeBotAPI, webhook_bot: tuple[BotProcess, int]
) -> None:
    mark = webhook_api.mark()
    assert webhook_api.post_to_webhook_sync(update(12, "How do I find a Kita place?")) == 200
    replies = webhook_api.replies(12, mark)
    assert "Kita" in replies[-1].params["text"]


def test_the_health_endpoint_answers(webhook_bot: tuple[BotProcess, int]) -> None:
    assert http_get(f"http://127.0.0.1:{webhook_bot[1]}/health") == 200


def test_zz_the_webhook_bot_stops_cleanly_without_secrets_in_its_log(
    webhook_bot: tuple[BotProcess, int],
) -> None:
    bot, _ = webhook_bot
    log = bot.stop()
    assert bot.process.returncode == 0, log[-2000:]
    assert TOKEN not in log
    assert WEBHOOK_SECRET not in log
