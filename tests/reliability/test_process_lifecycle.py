"""The real process at start-up and shutdown: Telegram away at start, SIGTERM in traffic."""

from __future__ import annotations

import itertools
import json
import sqlite3
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from kiz_bot.storage.writes import COUNTS
from tests.e2e.conftest import TOKEN, WEBHOOK_SECRET, free_port, start_bot, wait_ready
from tests.reliability.conftest import SlowBotAPI

pytestmark = pytest.mark.e2e


def failing_first(counts: dict[str, tuple[int, str]]):  # type: ignore[no-untyped-def]
    """A fault hook that fails the first n calls of each named method."""
    seen = dict.fromkeys(counts, 0)

    def fault(method: str, _params: dict[str, object]) -> str | None:
        if method not in counts:
            return None
        seen[method] += 1
        limit, kind = counts[method]
        return kind if seen[method] <= limit else None

    return fault


def test_a_failing_get_me_at_start_up_is_retried_until_the_bot_runs(
    slow_api: SlowBotAPI, tmp_path: Path
) -> None:
    # more failures than one call's own retries: python-telegram-bot's bootstrap must retry
    slow_api.fault = failing_first({"getMe": (8, "502"), "deleteWebhook": (2, "drop")})
    bot = start_bot(slow_api, tmp_path)
    try:
        wait_ready(slow_api, bot, "getUpdates", timeout=120)
        mark = slow_api.mark()
        slow_api.send_message(7001, "Wie finde ich einen Kitaplatz?")
        assert slow_api.replies(7001, mark, timeout=30)
    finally:
        log = bot.stop()
    assert bot.process.returncode == 0, log[-2000:]
    assert len(slow_api.calls_to("getMe")) >= 1


def _health(port: int) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
            return int(response.status), json.loads(response.read())["status"]
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())["status"]


def test_webhook_mode_waits_out_a_failing_start_up_then_checks_the_secret(
    slow_api: SlowBotAPI, tmp_path: Path
) -> None:
    slow_api.fault = failing_first({"getMe": (10, "502"), "setWebhook": (2, "drop")})
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    bot = start_bot(
        slow_api, tmp_path, "--webhook", url, "--port", str(port),
        KIZ_WEBHOOK_SECRET=WEBHOOK_SECRET,
    )  # fmt: skip
    try:
        states = set()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                status = _health(port)
            except OSError:
                time.sleep(0.1)
                continue
            states.add(status)
            if status[0] == 200:
                break
            time.sleep(0.2)
        assert (503, "starting") in states
        assert (200, "ok") in states
        update = {
            "update_id": 1,
            "message": {
                "message_id": 1, "date": int(time.time()), "text": "Kita?",
                "chat": {"id": 7002, "type": "private"},
                "from": {"id": 7002, "is_bot": False, "first_name": "W", "language_code": "de"},
            },
        }  # fmt: skip
        mark = slow_api.mark()
        for wrong in ("", "wrong", WEBHOOK_SECRET.upper(), WEBHOOK_SECRET[:-1], WEBHOOK_SECRET * 2):
            assert slow_api.post_to_webhook_sync(update, secret=wrong) == 403
        time.sleep(0.5)
        assert not slow_api.calls_to("sendMessage", mark)
        assert slow_api.post_to_webhook_sync(update) == 200
        assert slow_api.replies(7002, mark, timeout=30)
    finally:
        log = bot.stop()
    assert bot.process.returncode == 0, log[-2000:]
    assert TOKEN not in log
    assert WEBHOOK_SECRET not in log


def test_sigterm_finishes_the_replies_in_flight_and_flushes_the_statistics(
    slow_api: SlowBotAPI, tmp_path: Path
) -> None:
    bot = start_bot(slow_api, tmp_path)
    wait_ready(slow_api, bot, "getUpdates")
    slow_api.delay = lambda method, _p: 0.4 if method == "sendMessage" else 0.0
    users = list(range(8001, 8031))
    questions = itertools.cycle(["Kita Anmeldung", "Deutschkurs", "Schule anmelden", "Wetter?"])
    mark = slow_api.mark()
    ids = [slow_api.send_message(user, next(questions)) for user in users]
    deadline = time.monotonic() + 30
    while not (set(ids) <= slow_api.handed.keys() and slow_api.calls_to("sendMessage", mark)):
        assert time.monotonic() < deadline, "the bot did not start answering"
        time.sleep(0.01)
    in_flight = 30 - len(slow_api.calls_to("sendMessage", mark))
    log = bot.stop()  # SIGTERM, as systemd sends it
    assert in_flight > 0  # the signal came while replies were still being sent
    assert bot.process.returncode == 0, log[-2000:]
    assert slow_api.reply_counts(users, mark) == dict.fromkeys(users, 1)
    with sqlite3.connect(tmp_path / "kiz.sqlite3") as db:
        counted = db.execute(f"SELECT SUM(count) FROM {COUNTS.name}").fetchone()[0]  # noqa: S608
    assert counted == len(users)  # every question's statistic was written before exit
