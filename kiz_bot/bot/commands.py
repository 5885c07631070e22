"""The command menu, published to Telegram in every language the bot speaks."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from kiz_bot.i18n import N_, gettext_for

log = logging.getLogger(__name__)

PUBLIC_COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Start and choose your language")),
    ("help", N_("How to use this bot")),
    ("topics", N_("Browse the topics")),
    ("language", N_("Choose your language")),
    ("contact", N_("Talk to a person at the integration centre")),
    ("privacy", N_("What is stored about you")),
    ("delete", N_("Forget my language choice")),
)
STAFF_COMMANDS: tuple[tuple[str, str], ...] = (
    ("stats", N_("Anonymous statistics (coordinators)")),
    ("reload", N_("Reload the knowledge base (coordinators)")),
)


def bot_commands(language: str, *, staff: bool = False) -> list[BotCommand]:
    """Return the command menu in a language."""
    _ = gettext_for(language)
    listed = PUBLIC_COMMANDS + (STAFF_COMMANDS if staff else ())
    return [BotCommand(name, _(description)) for name, description in listed]


async def publish_commands(
    bot: Bot, languages: Iterable[str], source_language: str, coordinators: Iterable[int]
) -> None:
    """Set the command menu per language; a failure here is logged and does not stop the bot."""
    languages = tuple(languages)
    try:
        await bot.set_my_commands(bot_commands(source_language))
        for language in languages:
            await bot.set_my_commands(bot_commands(language), language_code=language)
    except TelegramError as error:
        log.warning("could not publish the command menu: %s", type(error).__name__)
    for chat_id in coordinators:
        # Fails for a coordinator who has not started the bot yet; the others still get it.
        scope = BotCommandScopeChat(chat_id)
        try:
            await bot.set_my_commands(bot_commands(source_language, staff=True), scope=scope)
            for language in languages:
                commands = bot_commands(language, staff=True)
                await bot.set_my_commands(commands, scope=scope, language_code=language)
        except TelegramError as error:
            log.warning("could not publish a coordinator's command menu: %s", type(error).__name__)
