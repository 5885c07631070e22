"""Inline keyboards: languages, topics, entries, did-you-mean, rating and referral."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from kiz_bot.bot.callback_data import Action, CallbackCodec
from kiz_bot.bot.markup import isolate_ltr
from kiz_bot.i18n import gettext_for, is_rtl, language_name
from kiz_bot.knowledge.model import Catalogue, Entry

BUTTON_TEXT_LIMIT = 60  # longer labels are cut: Telegram shows about one line


def label(value: str, language: str) -> str:
    """Return a button label: shortened, with LTR words isolated in RTL languages."""
    value = " ".join(value.split())
    if len(value) > BUTTON_TEXT_LIMIT:
        value = value[: BUTTON_TEXT_LIMIT - 1].rstrip() + "…"
    return isolate_ltr(value) if is_rtl(language) else value


def _rows(
    buttons: Sequence[InlineKeyboardButton], per_row: int
) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def language_keyboard(codec: CallbackCodec, languages: Sequence[str]) -> InlineKeyboardMarkup:
    """Return one button per language, named in that language (CLDR)."""
    buttons = [
        InlineKeyboardButton(language_name(code), callback_data=codec.encode(Action.LANGUAGE, code))
        for code in languages
    ]
    return InlineKeyboardMarkup(_rows(buttons, 2))


def topic_keyboard(
    codec: CallbackCodec, catalogue: Catalogue, language: str
) -> InlineKeyboardMarkup:
    """Return the topic menu."""
    source = catalogue.source_language
    buttons = [
        InlineKeyboardButton(
            label(f"{topic.emoji} {topic.name(language, source)}", language),
            callback_data=codec.encode(Action.TOPIC, topic.id, language),
        )
        for topic in catalogue.topics
    ]
    return InlineKeyboardMarkup(_rows(buttons, 1))


def question_of(entry: Entry, language: str, source_language: str) -> str:
    """Return an entry's question in a language, or in the source language."""
    text = entry.texts.get(language) or entry.texts.get(source_language)
    if text is None:
        text = next(iter(entry.texts.values()))
    return text.question


def entries_keyboard(
    codec: CallbackCodec,
    entries: Sequence[Entry],
    language: str,
    source_language: str,
    *,
    extra: Sequence[InlineKeyboardButton] = (),
) -> InlineKeyboardMarkup:
    """Return one button per entry, labelled with its question, and extra buttons below."""
    rows = [
        [
            InlineKeyboardButton(
                label(question_of(entry, language, source_language), language),
                callback_data=codec.encode(Action.ENTRY, entry.id, language),
            )
        ]
        for entry in entries
    ]
    rows.extend([button] for button in extra)
    return InlineKeyboardMarkup(rows)


def back_to_topics(codec: CallbackCodec, language: str) -> InlineKeyboardButton:
    """Return the button that opens the topic menu."""
    _ = gettext_for(language)
    return InlineKeyboardButton(
        label("📚 " + _("All topics"), language),
        callback_data=codec.encode(Action.MENU, language),
    )


def nothing_fits(codec: CallbackCodec, language: str) -> InlineKeyboardButton:
    """Return the button for "none of these": it leads to a person."""
    _ = gettext_for(language)
    return InlineKeyboardButton(
        label("🙋 " + _("None of these: talk to a person"), language),
        callback_data=codec.encode(Action.CONTACT, language),
    )


def rating_keyboard(codec: CallbackCodec, entry_id: str, language: str) -> InlineKeyboardMarkup:
    """Return the helpful / not helpful buttons under an answer."""
    _ = gettext_for(language)
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    label("👍 " + _("Helpful"), language),
                    callback_data=codec.encode(Action.RATE, entry_id, language, "1"),
                ),
                InlineKeyboardButton(
                    label("👎 " + _("Not helpful"), language),
                    callback_data=codec.encode(Action.RATE, entry_id, language, "0"),
                ),
            ],
            [back_to_topics(codec, language)],
        ]
    )
