from __future__ import annotations

import logging

import pytest

from kiz_bot.bot.context import DEPS_KEY
from tests.bot.conftest import COORDINATOR, TOKEN, Harness, ReloadReport


async def test_reload_is_refused_to_everyone_but_coordinators(harness: Harness) -> None:
    sent = await harness.send(harness.message("/reload", user_id=5, language_code="en"))
    assert "only for the coordinators" in sent[0]["text"]
    assert harness.knowledge.reloads == 0


async def test_reload_reports_the_entry_count(harness: Harness) -> None:
    sent = await harness.send(harness.message("/reload", user_id=COORDINATOR, language_code="en"))
    assert harness.knowledge.reloads == 1
    assert "reloaded: 4 entries" in sent[0]["text"]


async def test_a_failed_reload_keeps_the_old_knowledge_and_lists_problems_escaped(
    harness: Harness,
) -> None:
    problems = tuple(f"faq/school.yaml:{n}: error: bad <tag> [html]" for n in range(20))
    harness.knowledge.report = ReloadReport(False, problems, 4)
    sent = await harness.send(harness.message("/reload", user_id=COORDINATOR, language_code="de"))
    text = sent[0]["text"]
    assert "vorherige Version" in text
    assert "faq/school.yaml:3" in text
    assert "&lt;tag&gt;" in text
    assert "weitere" in text


async def test_stats_is_refused_to_everyone_but_coordinators(harness: Harness) -> None:
    sent = await harness.send(harness.message("/stats", user_id=5, language_code="tr"))
    assert "koordinatörleri" in sent[0]["text"]


async def test_stats_sends_summary_chart_and_csv_to_coordinators(harness: Harness) -> None:
    for _ in range(6):
        await harness.send(harness.message("kita", language_code="en"))
    before = len(harness.request.calls)
    await harness.send(harness.message("/stats", user_id=COORDINATOR, language_code="en"))
    calls = harness.request.calls[before:]
    methods = [c.method for c in calls]
    assert "sendPhoto" in methods
    assert "sendDocument" in methods
    summary = next(c.params["text"] for c in calls if c.method == "sendMessage")
    assert "Questions: 6" in summary
    assert "Childcare: 6" in summary


async def test_a_crashing_handler_gets_a_kind_message_and_a_log_without_text_or_token(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    sent = await harness.send(
        harness.message("boom secret question", user_id=31337, language_code="en")
    )
    assert "something went wrong" in sent[-1]["text"]
    logged = caplog.text
    assert "error while handling an update" in logged
    assert "RuntimeError" in logged  # the traceback is there
    assert "secret question" not in logged
    assert "31337" not in logged
    assert TOKEN not in logged


async def test_a_flooding_user_is_throttled_without_slowing_others(harness: Harness) -> None:
    answered = 0
    for _ in range(40):
        sent = await harness.send(harness.message("kita", user_id=66, language_code="en"))
        answered += sum("Kita-Navigator" in m["text"] for m in sent)
    assert answered < 20
    hints = [m for m in harness.request.sent() if "very fast" in m["text"]]
    assert len(hints) == 1
    sent = await harness.send(harness.message("kita", user_id=67, language_code="en"))
    assert "Kita-Navigator" in sent[0]["text"]


async def test_post_init_sets_the_command_menu_in_every_language(harness: Harness) -> None:
    await harness.app.post_init(harness.app)
    calls = [c.params for c in harness.request.calls if c.method == "setMyCommands"]
    codes = {c.get("language_code") for c in calls}
    assert {"de", "en", "tr", "ar", "uk", "ru", "fa", "pl", None} <= codes
    turkish = next(c for c in calls if c.get("language_code") == "tr" and "scope" not in c)
    assert {"command": "language", "description": "Dilinizi seçin"} in turkish["commands"]
    staff = [c for c in calls if "scope" in c]
    assert staff
    assert all(c["scope"]["chat_id"] == COORDINATOR for c in staff)


async def test_post_shutdown_leaves_a_storage_it_did_not_open(harness: Harness) -> None:
    await harness.app.post_shutdown(harness.app)
    assert not harness.storage.closed
    assert harness.app.bot_data[DEPS_KEY].storage is harness.storage
