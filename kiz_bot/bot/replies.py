"""Advisor replies as Telegram messages: HTML text, partner cards and their keyboards."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from kiz_bot.advisor import Reply, ReplyKind, ShownText
from kiz_bot.bot import keyboards
from kiz_bot.bot.callback_data import CallbackCodec
from kiz_bot.bot.commands import PUBLIC_COMMANDS
from kiz_bot.bot.markup import direction, link, split_message, staff_html, text
from kiz_bot.i18n import gettext_for, is_rtl, language_name, language_name_in
from kiz_bot.knowledge.model import Catalogue, Partner


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to send: Telegram HTML and an optional keyboard."""

    html: str
    keyboard: InlineKeyboardMarkup | None = None


def messages(html_text: str, keyboard: InlineKeyboardMarkup | None = None) -> list[Outgoing]:
    """Split HTML into messages under Telegram's limit; the keyboard goes under the last."""
    chunks = split_message(html_text)
    if not chunks:
        return []
    *head, last = chunks
    return [Outgoing(chunk) for chunk in head] + [Outgoing(last, keyboard)]


def ui_text(html_text: str, language: str) -> str:
    """Return interface HTML with direction marks for right-to-left languages."""
    return direction(html_text, rtl=True) if is_rtl(language) else html_text


def partner_card(partner: Partner, language: str, source_language: str) -> str:
    """Return a partner's card: name, what they do, how to reach them (from faq/ data only)."""
    _ = gettext_for(language)
    rtl = is_rtl(language)
    own = partner.text(language, source_language)
    lines = [f"<b>{text(own.name, rtl=rtl)}</b>", text(own.helps_with, rtl=rtl)]
    fields = (
        ("☎️", _("Phone"), partner.phone),
        ("✉️", _("E-mail"), partner.email),
        ("📍", _("Address"), partner.address),
    )
    lines.extend(
        f"{icon} {text(name, rtl=rtl)}: {text(value, rtl=rtl)}"
        for icon, name, value in fields
        if value
    )
    if partner.website:
        website = _("Website")
        lines.append(f"🌐 {text(website, rtl=rtl)}: {link(partner.website, rtl=rtl)}")
    if partner.languages_spoken:
        spoken = _("Languages")
        names = ", ".join(language_name_in(code, language) for code in partner.languages_spoken)
        lines.append(f"🗣 {text(spoken, rtl=rtl)}: {text(names, rtl=rtl)}")
    if partner.needs_review and (partner.phone or partner.address):
        caveat = _("These contact details may have changed; please check the website.")
        lines.append(f"<i>{text(caveat, rtl=rtl)}</i>")
    return direction("\n".join(lines), rtl=rtl) if rtl else "\n".join(lines)


def _shown_text(shown: ShownText, with_language: bool, ui_language: str) -> str:
    rtl = is_rtl(shown.language)
    parts = []
    if with_language:
        parts.append(f"<i>{text(language_name(shown.language), rtl=rtl)}</i>")
    parts.append(f"<b>{text(shown.text.question, rtl=rtl)}</b>")
    parts.append(staff_html(shown.text.answer.strip(), rtl=rtl))
    if shown.text.links:
        parts.append("\n".join("🔗 " + link(url, rtl=rtl) for url in shown.text.links))
    body = "\n\n".join(parts)
    if rtl or is_rtl(ui_language):
        body = direction(body, rtl=rtl)
    return body


def _cards(reply: Reply, source_language: str) -> list[str]:
    return [partner_card(p, reply.language, source_language) for p in reply.partners]


def render_reply(reply: Reply, catalogue: Catalogue, codec: CallbackCodec) -> list[Outgoing]:
    """Return the messages for an advisor reply, keyboards included."""
    _ = gettext_for(reply.language)
    language = reply.language
    source = catalogue.source_language
    menu = keyboards.back_to_topics(codec, language)
    rtl = is_rtl(language)

    def note(message: str) -> str:
        return ui_text(text(message, rtl=rtl), language)

    if reply.kind is ReplyKind.ANSWER and reply.entry is not None:
        parts = []
        if reply.fallback:
            parts.append(
                note(
                    _(
                        "This answer is not yet available in your language. "
                        "Here it is in German and English."
                    )
                )
            )
        with_language = reply.fallback
        parts.extend(_shown_text(shown, with_language, language) for shown in reply.shown)
        if reply.unreviewed:
            parts.append(
                "<i>"
                + note(
                    _("Note: this text has not yet been checked by the integration centre's staff.")
                )
                + "</i>"
            )
        cards = _cards(reply, source)
        if cards:
            parts.append(note(_("Who can help you further:")) + "\n\n" + "\n\n".join(cards))
        parts.append(note(_("Was this answer helpful?")))
        keyboard = keyboards.rating_keyboard(codec, reply.entry.id, language)
        return messages("\n\n".join(parts), keyboard)
    if reply.kind is ReplyKind.CHOICES:
        keyboard = keyboards.entries_keyboard(
            codec,
            reply.alternatives,
            language,
            source,
            extra=[keyboards.nothing_fits(codec, language), menu],
        )
        return messages(note(_("I am not quite sure what you mean. Did you mean:")), keyboard)
    if reply.kind is ReplyKind.NOT_FOUND:
        head = note(_("I don't know the answer to this yet. A person can help you:"))
        return messages("\n\n".join([head, *_cards(reply, source)]), _menu(menu))
    if reply.kind is ReplyKind.REFERRAL:
        if reply.entry is not None:
            head = note(_("I am sorry this did not help. These people can advise you personally:"))
        else:
            head = note(_("You can reach a person here:"))
        return messages("\n\n".join([head, *_cards(reply, source)]), _menu(menu))
    if reply.kind is ReplyKind.GREETING:
        return messages(greeting(language), keyboards.topic_keyboard(codec, catalogue, language))
    if reply.kind is ReplyKind.THANKS:
        return messages(note(_("You're welcome! Ask me anything else at any time.")), _menu(menu))
    if reply.kind is ReplyKind.HELP:
        return messages(help_text(language), keyboards.topic_keyboard(codec, catalogue, language))
    return messages(
        note(_("Please write your question in a few words, or choose a topic.")), _menu(menu)
    )


def _menu(button: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button]])


def greeting(language: str) -> str:
    """Return the greeting shown by /start and in reply to "hello"."""
    _ = gettext_for(language)
    return ui_text(
        text(
            _(
                "Hello! Ask me about childcare, school, German courses, training, "
                "recognition of qualifications, university or funding."
            )
            + "\n\n"
            + _("Write your question in your own words, in your language, or choose a topic."),
            rtl=is_rtl(language),
        ),
        language,
    )


def help_text(language: str) -> str:
    """Return the /help text: what the bot does and its commands."""
    _ = gettext_for(language)
    lines = [
        _("Write your question in your own words, in your language, or choose a topic."),
        "",
        *(f"/{name} – {_(description)}" for name, description in PUBLIC_COMMANDS),
        "",
        _(
            "I answer general questions. For your personal case, "
            "a counselling service will help you."
        ),
    ]
    return ui_text(text("\n".join(lines), rtl=is_rtl(language)), language)
