"""Handlers for button presses: language, topics, entries, ratings, referral."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from kiz_bot.bot import keyboards
from kiz_bot.bot.callback_data import Action, ButtonData, resolve
from kiz_bot.bot.context import Context, account, deps_of, key_of, remember, send, ui_language
from kiz_bot.bot.markup import text
from kiz_bot.bot.ports import BotDeps
from kiz_bot.bot.replies import messages, render_reply, ui_text
from kiz_bot.i18n import gettext_for, is_rtl, language_name

log = logging.getLogger(__name__)


def _note(message: str, language: str) -> str:
    return ui_text(text(message, rtl=is_rtl(language)), language)


async def button(update: Update, context: Context) -> None:
    """Dispatch a button press; anything forged, stale or unknown gets a polite answer."""
    query = update.callback_query
    if query is None:
        return
    deps = deps_of(context)
    data = deps.codec.decode(query.data)
    handled = (
        data is not None
        and _languages_known(deps, data)
        and await _dispatch(deps, data, update, context, query)
    )
    if not handled:
        language = await ui_language(deps, update.effective_user)
        _ = gettext_for(language)
        await query.answer(_("This button has expired. Please ask your question again."))


def _languages_known(deps: BotDeps, data: ButtonData) -> bool:
    languages = deps.advisor.catalogue.languages
    position = 0 if data.action in {Action.LANGUAGE, Action.MENU, Action.CONTACT} else 1
    return data.args[position] in languages


async def _dispatch(
    deps: BotDeps, data: ButtonData, update: Update, context: Context, query: CallbackQuery
) -> bool:
    action, args = data.action, data.args
    if action is Action.LANGUAGE:
        return await _choose_language(deps, args[0], update, context, query)
    if action is Action.MENU:
        await query.answer()
        await _show_menu(deps, args[0], update, context)
        return True
    if action is Action.TOPIC:
        return await _show_topic(deps, args[0], args[1], query)
    if action is Action.ENTRY:
        return await _show_entry(deps, args[0], args[1], update, context, query)
    if action is Action.RATE:
        return await _rate(deps, args, update, context, query)
    await query.answer()
    reply = deps.advisor.contact(args[0])
    await send(update, context, render_reply(reply, deps.advisor.catalogue, deps.codec))
    return True


async def _choose_language(
    deps: BotDeps, language: str, update: Update, context: Context, query: CallbackQuery
) -> bool:
    user = update.effective_user
    if user is not None:
        try:
            await deps.require_storage().preferences.set_language(key_of(deps, user), language)
        except Exception:  # the choice then holds for this message only; the answer goes on
            log.warning("could not store a language preference")
    _ = gettext_for(language)
    await query.answer()
    confirmation = _("Okay, I will answer in {language}.").format(language=language_name(language))
    await _edit(query, _note(confirmation, language), None)
    await _show_menu(deps, language, update, context)
    return True


async def _show_menu(deps: BotDeps, language: str, update: Update, context: Context) -> None:
    _ = gettext_for(language)
    keyboard = keyboards.topic_keyboard(deps.codec, deps.advisor.catalogue, language)
    await send(update, context, messages(_note(_("Choose a topic:"), language), keyboard))


async def _show_topic(deps: BotDeps, topic_id: str, language: str, query: CallbackQuery) -> bool:
    catalogue = deps.advisor.catalogue
    topic = catalogue.topic(topic_id)
    if topic is None:
        return False
    await query.answer()
    source = catalogue.source_language
    keyboard = keyboards.entries_keyboard(
        deps.codec,
        catalogue.entries_in(topic.id),
        language,
        source,
        extra=[keyboards.back_to_topics(deps.codec, language)],
    )
    title = f"{topic.emoji} <b>{text(topic.name(language, source), rtl=is_rtl(language))}</b>"
    await _edit(query, ui_text(title, language), keyboard)
    return True


async def _show_entry(
    deps: BotDeps,
    token: str,
    language: str,
    update: Update,
    context: Context,
    query: CallbackQuery,
) -> bool:
    catalogue = deps.advisor.catalogue
    entry_id = resolve(token, (e.id for e in catalogue.entries))
    reply = deps.advisor.show(entry_id, language) if entry_id else None
    if reply is None:
        return False
    remember(context, reply)
    await query.answer()
    await account(deps, reply, update.effective_user)
    await send(update, context, render_reply(reply, catalogue, deps.codec))
    return True


async def _rate(
    deps: BotDeps, args: tuple[str, ...], update: Update, context: Context, query: CallbackQuery
) -> bool:
    token, language, verdict = args
    if verdict not in {"0", "1"}:
        return False
    catalogue = deps.advisor.catalogue
    entry_id = resolve(token, (e.id for e in catalogue.entries))
    reply = deps.advisor.rate(entry_id, language, helpful=verdict == "1") if entry_id else None
    if reply is None:
        return False
    _ = gettext_for(language)
    await query.answer(_("Thank you for your feedback!"))
    message = query.message
    if message is not None and not deps.ratings.first(message.chat.id, message.message_id, token):
        return True  # a replayed press: thanked again, counted and answered once only
    await account(deps, reply, update.effective_user)
    # One rating per answer: the buttons go, the way back to the topics stays.
    keep = InlineKeyboardMarkup([[keyboards.back_to_topics(deps.codec, language)]])
    try:
        await query.edit_message_reply_markup(keep)
    except BadRequest:
        log.debug("rating buttons were already gone")
    if verdict == "0":
        await send(update, context, render_reply(reply, catalogue, deps.codec))
    return True


async def _edit(
    query: CallbackQuery, html_text: str, keyboard: InlineKeyboardMarkup | None
) -> None:
    try:
        await query.edit_message_text(html_text, reply_markup=keyboard)
    except BadRequest as error:
        if "not modified" in str(error).lower():
            return
        # Too old to edit or gone: say it in a new message instead.
        if query.message is not None:
            await query.get_bot().send_message(
                query.message.chat.id, html_text, reply_markup=keyboard
            )
