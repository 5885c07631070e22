"""The /stats report for coordinators: a short summary, a PNG chart and the CSV."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta

from telegram import InputFile, Update

from kiz_bot.bot.context import Context, send
from kiz_bot.bot.markup import text
from kiz_bot.bot.ports import BotDeps
from kiz_bot.bot.replies import messages, ui_text
from kiz_bot.i18n import gettext_for, is_rtl
from kiz_bot.stats.report import Format, Report, render

log = logging.getLogger(__name__)

PERIOD_DAYS = 30
TOP_TOPICS = 5


def summary_text(report: Report, deps: BotDeps, language: str) -> str:
    """Return the report's headline numbers in the coordinator's language."""
    _ = gettext_for(language)
    row = report.summary.rows[0]

    def shown(column: str) -> str:
        return row.cell(report.summary.columns, column).shown

    period = f"{report.since} – {report.until}"
    lines = [
        _("Statistics for {period}").format(period=period),
        "",
        _("Questions: {count}").format(count=shown("questions")),
        _("Answered: {count} ({rate})").format(
            count=shown("answered"), rate=shown("answered_rate")
        ),
        _("Did-you-mean choices offered: {count}").format(count=shown("choices")),
        _("Unanswered: {count}").format(count=shown("unanswered")),
        _("Referrals to partners: {count}").format(count=shown("referred")),
        _("Rated helpful: {helpful}, not helpful: {not_helpful}").format(
            helpful=shown("helpful"), not_helpful=shown("not_helpful")
        ),
        _("Users (sum of daily counts): {count}").format(count=shown("users")),
    ]
    topics = report.table("topic")
    if topics.rows:
        catalogue = deps.advisor.catalogue
        lines += ["", _("Most asked topics:")]
        for topic_row in topics.rows[:TOP_TOPICS]:
            topic = catalogue.topic(topic_row.label)
            name = topic.name(language, catalogue.source_language) if topic else topic_row.label
            count = topic_row.cell(topics.columns, "questions").shown
            lines.append(f"• {name}: {count}")
    lines += [
        "",
        _("Counts below {threshold} are shown as <{threshold} to protect privacy.").format(
            threshold=report.threshold
        ),
    ]
    return ui_text(text("\n".join(lines), rtl=is_rtl(language)), language)


async def stats_report(update: Update, context: Context, deps: BotDeps, language: str) -> None:
    """Send the report of the last 30 days: summary, chart, CSV."""
    _ = gettext_for(language)
    chat = update.effective_chat
    if chat is None:
        return
    until = date.today()  # noqa: DTZ011 - the statistics count local days
    since = until - timedelta(days=PERIOD_DAYS - 1)
    try:
        report = await deps.require_storage().report(since, until)
        chart = await asyncio.to_thread(render, report, Format.PNG)  # matplotlib takes a moment
        table = render(report, Format.CSV)
    except Exception:  # the database may be away for a while; the bot keeps answering
        log.warning("could not build the statistics report", exc_info=True)
        sorry = _("The statistics could not be read right now. Please try again later.")
        await send(update, context, messages(text(sorry)))
        return
    await send(update, context, messages(summary_text(report, deps, language)))
    await context.bot.send_photo(chat.id, chart, caption=text(_("Questions by topic and week")))
    await context.bot.send_document(
        chat.id,
        InputFile(table, filename=f"kiz-bot-stats-{since}-{until}.csv"),
        caption=text(_("All counts as CSV, for a spreadsheet")),
    )
