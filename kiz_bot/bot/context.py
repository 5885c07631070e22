"""Per-update helpers shared by the handlers: dependencies, language, sending."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, cast

from telegram import Chat, ReplyParameters, Update, User
from telegram.ext import CallbackContext, ExtBot

from kiz_bot.advisor import Conversation, Reply, ReplyKind, client_language
from kiz_bot.bot.ports import BotDeps, seen_user
from kiz_bot.bot.replies import Outgoing
from kiz_bot.privacy import user_key

log = logging.getLogger(__name__)

DEPS_KEY = "kiz_bot"
CONVERSATION_KEY = "conversation"
Context = CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]


def deps_of(context: Context) -> BotDeps:
    """Return the adapter's dependencies from the application."""
    return cast("BotDeps", context.bot_data[DEPS_KEY])


def conversation_of(context: Context) -> Conversation:
    """Return what the advisor remembers of this chat: the last entry id, in memory only."""
    found = context.chat_data.get(CONVERSATION_KEY) if context.chat_data is not None else None
    return found if isinstance(found, Conversation) else Conversation()


def remember(context: Context, reply: Reply) -> None:
    """Keep the entry a reply showed as the chat's subject for a follow-up question."""
    if context.chat_data is not None:
        context.chat_data[CONVERSATION_KEY] = conversation_of(context).after(reply)


def forget_conversation(context: Context) -> None:
    """Drop what the advisor remembers of this chat."""
    if context.chat_data is not None:
        context.chat_data.pop(CONVERSATION_KEY, None)


def key_of(deps: BotDeps, user: User) -> str:
    """Return the salted hash that stands for a user in the store."""
    return user_key(user.id, deps.settings.user_salt)


async def chosen_language(deps: BotDeps, user: User) -> str | None:
    """Return the language the user chose, if any; a store outage means "none chosen"."""
    if deps.storage is None:
        return None
    try:
        chosen = await deps.storage.preferences.get_language(key_of(deps, user))
    except Exception:  # the store being down must not stop the answer
        log.warning("could not read a language preference; using the client language")
        return None
    return chosen if chosen in deps.advisor.catalogue.languages else None


def fallback_language(deps: BotDeps, user: User | None) -> str:
    """Return the interface language when nothing was chosen: client language, else source."""
    catalogue = deps.advisor.catalogue
    client = user.language_code if user else None
    return client_language(client, catalogue.languages) or catalogue.source_language


async def ui_language(deps: BotDeps, user: User | None) -> str:
    """Return the interface language: the user's choice, client language, else source."""
    if user is not None:
        chosen = await chosen_language(deps, user)
        if chosen:
            return chosen
    return fallback_language(deps, user)


async def account(
    deps: BotDeps, reply: Reply, user: User | None, unanswered: str | None = None
) -> None:
    """Hand the reply's events to the statistics (and the text, if staff keep unanswered)."""
    storage = deps.storage
    if storage is None:
        return
    try:
        for event in reply.events:
            storage.recorder.record(event)
        if user is not None:
            await seen_user(storage, user.id)
        if unanswered is not None and reply.kind is ReplyKind.NOT_FOUND:
            storage.keep_unanswered(unanswered)
    except Exception:  # statistics must never cost a reply
        log.warning("could not hand statistics to the store", exc_info=True)


async def send(update: Update, context: Context, outgoing: Sequence[Outgoing]) -> None:
    """Send messages to the update's chat; in groups the first one replies to the question."""
    chat = update.effective_chat
    if chat is None:
        return
    message = update.effective_message
    quote: ReplyParameters | None = None
    if chat.type != Chat.PRIVATE and message is not None and update.callback_query is None:
        quote = ReplyParameters(message.message_id, allow_sending_without_reply=True)
    for item in outgoing:
        await context.bot.send_message(
            chat.id, item.html, reply_markup=item.keyboard, reply_parameters=quote
        )
        quote = None
