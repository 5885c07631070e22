"""A quick run of the end-to-end benchmark (the full load is `make bench-e2e`): none lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import echo_bot
from benchmarks.e2e import Plan, load_questions, measure, single_message_questions
from kiz_bot.bot import app

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def questions() -> list[tuple[str, str]]:
    return single_message_questions(load_questions())


def test_the_echo_bot_has_our_settings() -> None:
    assert echo_bot.CONCURRENT_UPDATES == app.CONCURRENT_UPDATES
    assert echo_bot.API_CONNECTIONS == app.API_CONNECTIONS
    assert echo_bot.ALLOWED_UPDATES == app.ALLOWED_UPDATES


@pytest.mark.parametrize("kind", ["kiz", "echo"])
def test_a_small_burst_and_a_paced_run_lose_and_duplicate_nothing(
    kind: str, tmp_path: Path, questions: list[tuple[str, str]]
) -> None:
    plan = Plan(messages=100, users=20, paced_rate=50, paced_seconds=1, warmup=10)
    run = measure(kind, questions, plan, 0, tmp_path)
    for phase in (run.burst, run.paced):
        assert phase.answered == phase.sent
        assert phase.unanswered == 0
        assert phase.duplicated == 0
    assert run.exit_code == 0
    assert run.peak_rss_mb > 0


def test_with_a_worker_process_nothing_is_lost_either(
    tmp_path: Path, questions: list[tuple[str, str]]
) -> None:
    plan = Plan(messages=100, users=20, paced_rate=50, paced_seconds=1, warmup=10)
    run = measure("kiz", questions, plan, 0, tmp_path, env={"KIZ_MATCH_WORKER": "on"})
    for phase in (run.burst, run.paced):
        assert (phase.answered, phase.unanswered, phase.duplicated) == (phase.sent, 0, 0)
    assert run.exit_code == 0
    assert run.worker_mb > 0  # the worker process was there
