"""The terminal adapter: `kiz-bot ask` and `kiz-bot chat` over the same advisor as Telegram."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from html import unescape
from typing import TextIO

from kiz_bot.advisor import Advisor, Conversation, Reply, ReplyKind
from kiz_bot.bootstrap import build_services
from kiz_bot.i18n import language_name, translator
from kiz_bot.knowledge.model import Partner
from kiz_bot.settings import Settings

_TAG = re.compile(r"<[^>]+>")


def plain(html_text: str) -> str:
    """Return staff HTML (b, i, a) as plain terminal text."""
    return unescape(_TAG.sub("", html_text))


def partner_card(partner: Partner, language: str, source_language: str) -> str:
    """Return a partner's card as plain text: name, what they do, how to reach them."""
    _ = translator(language).gettext
    text = partner.text(language, source_language)
    spoken = ", ".join(language_name(code) for code in partner.languages_spoken)
    details = [
        (_("Phone"), partner.phone),
        (_("E-mail"), partner.email),
        (_("Address"), partner.address),
        (_("Website"), partner.website),
        (_("Languages"), spoken),
    ]
    lines = [f"{text.name}: {text.helps_with}"]
    lines += [f"  {label}: {value}" for label, value in details if value]
    if partner.needs_review and (partner.phone or partner.address):
        lines.append("  " + _("These contact details may have changed; please check the website."))
    return "\n".join(lines)


def render(reply: Reply, source_language: str) -> str:
    """Return a reply as plain text for the terminal."""
    _ = translator(reply.language).gettext
    parts: list[str] = []
    if reply.kind is ReplyKind.ANSWER and reply.entry is not None:
        if reply.fallback:
            parts.append(
                _(
                    "This answer is not yet available in your language. "
                    "Here it is in German and English."
                )
            )
        parts.extend(
            f"{shown.text.question}\n\n{plain(shown.text.answer)}" for shown in reply.shown
        )
        if reply.unreviewed:
            parts.append(
                _("Note: this text has not yet been checked by the integration centre's staff.")
            )
    elif reply.kind is ReplyKind.CHOICES:
        options = [_("Did you mean:")]
        for number, entry in enumerate(reply.alternatives, start=1):
            text = entry.texts.get(reply.language) or entry.texts[source_language]
            options.append(f"  {number}. {text.question}")
        parts.append("\n".join(options))
    elif reply.kind is ReplyKind.NOT_FOUND:
        parts.append(_("I don't know the answer to this yet. A person can help you:"))
    elif reply.kind is ReplyKind.REFERRAL:
        parts.append(_("These people can help you personally:"))
    elif reply.kind is ReplyKind.GREETING:
        parts.append(
            _(
                "Hello! Ask me about childcare, school, German courses, training, "
                "recognition of qualifications, university or funding."
            )
        )
    elif reply.kind is ReplyKind.THANKS:
        parts.append(_("You're welcome! Ask me anything else at any time."))
    elif reply.kind in (ReplyKind.HELP, ReplyKind.EMPTY):
        parts.append(
            _("Write your question in your own words, in your language, or choose a topic.")
        )
    cards = [partner_card(p, reply.language, source_language) for p in reply.partners]
    if cards:
        parts.append("\n".join(cards))
    return "\n\n".join(parts)


def reply_json(reply: Reply, source_language: str) -> dict[str, object]:
    """Return a reply in the `ask --json` shape of the interface contract."""
    entry = reply.entry.id if reply.entry else None
    if reply.kind is ReplyKind.CHOICES and reply.alternatives:
        entry = reply.alternatives[0].id
    alternatives = [i for i in reply.ranked if i != entry][:3]
    return {
        "entry": entry,
        "score": round(reply.score, 4),
        "language": reply.language,
        "alternatives": alternatives,
        "partners": [p.id for p in reply.partners],
        "answer": render(reply, source_language),
        "outcome": reply.kind.value,
    }


def _questions(lines: Iterable[str]) -> Iterable[str]:
    for line in lines:
        yield line.rstrip("\r\n")


def ask(settings: Settings, question: str, *, language: str | None, as_json: bool) -> int:
    """Answer one question, or one question per line from standard input with '-'."""
    services = build_services(settings)
    advisor = services.advisor
    source = advisor.catalogue.source_language
    questions: Iterable[str] = _questions(sys.stdin) if question == "-" else [question]
    out = sys.stdout
    for text in questions:
        reply = advisor.ask(text, chosen=language)
        if as_json:
            out.write(json.dumps(reply_json(reply, source), ensure_ascii=False) + "\n")
            out.flush() if question == "-" else None
        else:
            out.write(render(reply, source) + "\n")
    return 0


def chat(
    settings: Settings,
    *,
    language: str | None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Hold a conversation in the terminal: questions, numbered choices, referrals."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    services = build_services(settings)
    advisor: Advisor = services.advisor
    source = advisor.catalogue.source_language
    if language and language not in advisor.catalogue.languages:
        codes = ", ".join(advisor.catalogue.languages)
        print(f"kiz-bot: unknown language {language!r}; choose one of {codes}.", file=sys.stderr)
        return 2
    if not settings.token:
        stdout.write("(Terminal chat. To connect Telegram, set KIZ_BOT_TOKEN; see README.)\n")
    ui = language or source
    _ = translator(ui).gettext
    stdout.write(
        _(
            "Hello! Ask me about childcare, school, German courses, training, "
            "recognition of qualifications, university or funding."
        )
        + "\n"
    )
    stdout.write(_("Commands: /language xx, /topics, /contact, /quit") + "\n")
    choices: tuple[str, ...] = ()
    last_entry: str | None = None
    while True:
        stdout.write("> ")
        stdout.flush()
        line = stdin.readline()
        if not line:
            return 0
        text = line.strip()
        reply: Reply | None = None
        if text in {"/quit", "/exit"}:
            return 0
        if text.startswith("/language"):
            wanted = text.removeprefix("/language").strip()
            if wanted in advisor.catalogue.languages:
                language = ui = wanted
            else:
                names = ", ".join(f"{c} ({language_name(c)})" for c in advisor.catalogue.languages)
                stdout.write(names + "\n")
            continue
        if text == "/topics":
            for topic in advisor.catalogue.topics:
                stdout.write(f"{topic.emoji} {topic.name(ui, source)}\n")
                for entry in advisor.catalogue.entries_in(topic.id):
                    question = (entry.texts.get(ui) or entry.texts[source]).question
                    stdout.write(f"   [{entry.id}] {question}\n")
            continue
        if text == "/contact":
            reply = advisor.contact(ui)
        elif text in {"+", "-"} and last_entry:
            reply = advisor.rate(last_entry, ui, helpful=text == "+")
        elif text.isdigit() and choices and 1 <= int(text) <= len(choices):
            reply = advisor.show(choices[int(text) - 1], ui)
        elif text.startswith("[") and text.endswith("]"):
            reply = advisor.show(text.strip("[]"), ui)
        if reply is None:
            reply = advisor.ask(text, chosen=language, conversation=Conversation(last_entry))
            ui = reply.language
        choices = tuple(e.id for e in reply.alternatives) if reply.kind is ReplyKind.CHOICES else ()
        if reply.kind is ReplyKind.ANSWER and reply.entry:
            last_entry = reply.entry.id
        stdout.write(render(reply, source) + "\n")
        if reply.kind is ReplyKind.ANSWER:
            _ = translator(ui).gettext
            stdout.write(_("Was this helpful? Type + or -") + "\n")
