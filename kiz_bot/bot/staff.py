"""Coordinator commands: /reload the knowledge base and /stats; everyone else is refused."""

from __future__ import annotations

import asyncio

from telegram import Update

from kiz_bot.bot.context import Context, deps_of, send, ui_language
from kiz_bot.bot.markup import text
from kiz_bot.bot.ports import BotDeps
from kiz_bot.bot.replies import messages, ui_text
from kiz_bot.bot.stats_report import stats_report
from kiz_bot.i18n import gettext_for, is_rtl, ngettext_for

MAX_PROBLEMS_SHOWN = 15


def is_coordinator(deps: BotDeps, update: Update) -> bool:
    """Return whether the update comes from a configured coordinator."""
    user = update.effective_user
    return user is not None and user.id in deps.settings.coordinators


async def _refuse(update: Update, context: Context, language: str) -> None:
    _ = gettext_for(language)
    refusal = _("Sorry, this command is only for the coordinators of the integration centre.")
    await send(update, context, messages(ui_text(text(refusal, rtl=is_rtl(language)), language)))


async def reload_command(update: Update, context: Context) -> None:
    """Reload the knowledge base and report its problems with file and line."""
    deps = deps_of(context)
    language = await ui_language(deps, update.effective_user)
    if not is_coordinator(deps, update):
        await _refuse(update, context, language)
        return
    _ = gettext_for(language)
    ngettext = ngettext_for(language)
    # Loading and indexing take a moment: keep answering other people meanwhile.
    report = await asyncio.to_thread(deps.services.knowledge.reload)
    if report.ok:
        said = ngettext(
            "The knowledge base was reloaded: %(count)d entry.",
            "The knowledge base was reloaded: %(count)d entries.",
            report.entries,
        ) % {"count": report.entries}
    else:
        said = _("The knowledge base has errors, so the previous version stays in use.")
    lines = [text(said)]
    if report.problems:
        shown = [f"• <code>{text(str(p))}</code>" for p in report.problems[:MAX_PROBLEMS_SHOWN]]
        hidden = len(report.problems) - len(shown)
        if hidden > 0:
            shown.append(
                text(
                    ngettext("… and %(count)d more.", "… and %(count)d more.", hidden)
                    % {"count": hidden}
                )
            )
        lines.append("\n".join(shown))
    await send(update, context, messages("\n\n".join(lines)))


async def stats_command(update: Update, context: Context) -> None:
    """Send the anonymised report of the last 30 days: summary, chart and CSV."""
    deps = deps_of(context)
    language = await ui_language(deps, update.effective_user)
    if not is_coordinator(deps, update):
        await _refuse(update, context, language)
        return
    await stats_report(update, context, deps, language)
