"""Small talk: greetings, thanks and calls for help, recognised in every language.

Staff list the phrases in `faq/smalltalk.yaml`. A message is small talk when it is one of
them, or when one of them makes up at least half of a message of a few words ("thank you
so much", "hallo zusammen", "çok teşekkür ederim"); the advisor takes the second kind only
when no entry fits the message, so "hallo, Kita?" is still a question about the Kita.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kiz_bot.knowledge.model import Catalogue
from kiz_bot.matching.normalize import normalize

MOST_WORDS = 4  # a longer message is a question, even when it opens with "hello"


@dataclass(frozen=True, slots=True)
class SmallTalk:
    """What a phrase is (greeting, thanks, help) and its language, when only one lists it."""

    kind: str
    language: str | None


@dataclass(frozen=True, slots=True)
class SmallTalkFound:
    """Small talk in a message: the phrase's kind and language, and whether it is all of it."""

    kind: str
    language: str | None
    whole: bool


def small_talk_table(catalogue: Catalogue) -> dict[str, SmallTalk]:
    """Return every small-talk phrase in matching form, with its kind and language."""
    kinds: dict[str, str] = {}
    languages: dict[str, set[str]] = {}
    for kind, by_language in catalogue.smalltalk.items():
        for language, phrases in by_language.items():
            for phrase in phrases:
                said = normalize(phrase)
                if said:
                    kinds.setdefault(said, kind)
                    languages.setdefault(said, set()).add(language)
    return {
        said: SmallTalk(kind, next(iter(languages[said])) if len(languages[said]) == 1 else None)
        for said, kind in kinds.items()
    }


def find_small_talk(said: str, table: Mapping[str, SmallTalk]) -> SmallTalkFound | None:
    """Return the small talk in a message in matching form: all of it, or its larger part."""
    whole = table.get(said)
    if whole is not None:
        return SmallTalkFound(whole.kind, whole.language, whole=True)
    words = said.split()
    if len(words) > MOST_WORDS:
        return None
    # The longest phrase first; it must cover at least half of the message's words.
    for size in range(len(words) - 1, 0, -1):
        if 2 * size < len(words):
            break
        for start in range(len(words) - size + 1):
            part = table.get(" ".join(words[start : start + size]))
            if part is not None:
                return SmallTalkFound(part.kind, part.language, whole=False)
    return None
