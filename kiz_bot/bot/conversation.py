"""Handlers for what families do: commands, questions, and messages that are not text."""

from __future__ import annotations

import re

from telegram import Chat, Message, Update
from telegram.constants import MessageLimit

from kiz_bot.bot import keyboards
from kiz_bot.bot.context import (
    Context,
    account,
    chosen_language,
    conversation_of,
    deps_of,
    fallback_language,
    forget_conversation,
    key_of,
    remember,
    send,
    ui_language,
)
from kiz_bot.bot.markup import text
from kiz_bot.bot.replies import greeting, help_text, messages, render_reply, ui_text
from kiz_bot.i18n import gettext_for, is_rtl


def _note(message: str, language: str) -> str:
    return ui_text(text(message, rtl=is_rtl(language)), language)


async def start(update: Update, context: Context) -> None:
    """Greet, offer the languages, then the topic menu."""
    deps = deps_of(context)
    user = update.effective_user
    language = await ui_language(deps, user)
    _ = gettext_for(language)
    catalogue = deps.advisor.catalogue
    greeting_html = greeting(language) + "\n\n" + _note(_("Choose your language:"), language)
    outgoing = messages(greeting_html, keyboards.language_keyboard(deps.codec, catalogue.languages))
    outgoing += messages(
        _note(_("Or choose a topic:"), language),
        keyboards.topic_keyboard(deps.codec, catalogue, language),
    )
    await send(update, context, outgoing)


async def help_command(update: Update, context: Context) -> None:
    """Explain how to use the bot."""
    deps = deps_of(context)
    language = await ui_language(deps, update.effective_user)
    keyboard = keyboards.topic_keyboard(deps.codec, deps.advisor.catalogue, language)
    await send(update, context, messages(help_text(language), keyboard))


async def language_command(update: Update, context: Context) -> None:
    """Offer the language keyboard."""
    deps = deps_of(context)
    language = await ui_language(deps, update.effective_user)
    _ = gettext_for(language)
    keyboard = keyboards.language_keyboard(deps.codec, deps.advisor.catalogue.languages)
    await send(update, context, messages(_note(_("Choose your language:"), language), keyboard))


async def topics_command(update: Update, context: Context) -> None:
    """Show the topic menu."""
    deps = deps_of(context)
    language = await ui_language(deps, update.effective_user)
    _ = gettext_for(language)
    keyboard = keyboards.topic_keyboard(deps.codec, deps.advisor.catalogue, language)
    await send(update, context, messages(_note(_("Choose a topic:"), language), keyboard))


async def contact_command(update: Update, context: Context) -> None:
    """Show the integration centre's card."""
    deps = deps_of(context)
    language = await ui_language(deps, update.effective_user)
    reply = deps.advisor.contact(language)
    await send(update, context, render_reply(reply, deps.advisor.catalogue, deps.codec))


async def privacy_command(update: Update, context: Context) -> None:
    """Say what is stored and what is not."""
    deps = deps_of(context)
    language = await ui_language(deps, update.effective_user)
    _ = gettext_for(language)
    parts = [
        _("What this bot stores:"),
        "• "
        + _(
            "the language you chose, under a coded key made from your Telegram ID and a "
            "secret: never the ID itself;"
        ),
        "• "
        + _(
            "anonymous counts for planning: day, topic, language and whether an answer "
            "helped, with no link to you."
        ),
        "",
        _(
            "What it does not store: your name, your username, your phone number or the text of "
            "your messages."
        ),
    ]
    if deps.settings.keep_unanswered:
        parts.append(
            _(
                "Questions the bot could not answer are kept for 30 days, with names and numbers "
                "removed and with no link to you, so that the staff can add answers."
            )
        )
    parts += ["", _("/delete removes your language choice at once.")]
    await send(update, context, messages(_note("\n".join(parts), language)))


async def delete_command(update: Update, context: Context) -> None:
    """Forget the user's language choice."""
    deps = deps_of(context)
    user = update.effective_user
    if user is None:
        return
    language = fallback_language(deps, user)
    _ = gettext_for(language)
    forget_conversation(context)
    storage = deps.require_storage()
    removed = await storage.preferences.forget(key_of(deps, user))
    if removed:
        said = _("Done: your language choice has been deleted.")
    else:
        said = _("Nothing was stored about you.")
    said += " " + _(
        "The anonymous counts cannot be linked to you, so there is nothing else to delete."
    )
    await send(update, context, messages(_note(said, language)))


def addressed_text(message: Message, bot_username: str, bot_id: int) -> str | None:
    """Return the question in a group message addressed to the bot, without the mention."""
    said = message.text or ""
    reply_to = message.reply_to_message
    if reply_to is not None and reply_to.from_user is not None and reply_to.from_user.id == bot_id:
        return said
    mention = re.compile(rf"@{re.escape(bot_username)}\b", re.IGNORECASE)
    if bot_username and mention.search(said):
        return mention.sub(" ", said).strip()
    return None


async def question(update: Update, context: Context) -> None:
    """Answer a free-text question through the advisor."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or message.text is None or chat is None:
        return
    said = message.text
    if chat.type != Chat.PRIVATE:
        addressed = addressed_text(message, context.bot.username or "", context.bot.id)
        if addressed is None:
            return
        said = addressed
    deps = deps_of(context)
    user = update.effective_user
    chosen = await chosen_language(deps, user) if user is not None else None
    client = user.language_code if user else None
    # Telegram never delivers more than 4096 characters; a longer text is not a question.
    said = said[: MessageLimit.MAX_TEXT_LENGTH]
    conversation = conversation_of(context)
    examined = await deps.examiner.examine(said, conversation) if deps.examiner else None
    reply = deps.advisor.ask(said, chosen, client, conversation, examined)
    remember(context, reply)
    await account(deps, reply, user, unanswered=said)
    await send(update, context, render_reply(reply, deps.advisor.catalogue, deps.codec))


async def not_text(update: Update, context: Context) -> None:
    """Ask kindly for text when someone sends a voice message, photo, sticker or location."""
    deps = deps_of(context)
    language = await ui_language(deps, update.effective_user)
    _ = gettext_for(language)
    hint = _("I can only read text. Please write your question in a few words, in your language.")
    keyboard = keyboards.topic_keyboard(deps.codec, deps.advisor.catalogue, language)
    await send(update, context, messages(_note(hint, language), keyboard))
