"""Short follow-up questions lean on the conversation's subject; nothing else changes."""

from __future__ import annotations

import pytest

from kiz_bot.advisor import Advisor, Conversation, Knowledge, Reply, ReplyKind
from kiz_bot.knowledge.loader import require_catalogue
from kiz_bot.matching.index import MatchIndex
from kiz_bot.matching.language import LanguageDetector
from kiz_bot.matching.result import Confidence
from kiz_bot.settings import BUNDLED_FAQ_DIR


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return Knowledge.build(require_catalogue(BUNDLED_FAQ_DIR))


def topic_of(knowledge: Knowledge, entry_id: str) -> tuple[str, ...]:
    entry = knowledge.catalogue.entry(entry_id)
    assert entry is not None
    return tuple(e.id for e in knowledge.catalogue.entries if e.topic == entry.topic)


def best(index: MatchIndex, text: str, related: tuple[str, ...] = ()) -> str | None:
    result = index.match(text, related=related)
    if result.confidence is Confidence.NONE or not result.candidates:
        return None
    return result.candidates[0].entry_id


@pytest.mark.parametrize(
    ("after", "question", "alone", "followed"),
    [
        ("qualification-recognition", "скільки коштує?", "kita-fees", "recognition-costs"),
        ("qualification-recognition", "ile to kosztuje", "kita-fees", "recognition-costs"),
        ("kita-registration", "وكم بتكلف؟", None, "kita-fees"),
    ],
)
def test_a_short_follow_up_takes_the_entry_of_the_conversation_topic(
    knowledge: Knowledge, after: str, question: str, alone: str | None, followed: str
) -> None:
    assert best(knowledge.index, question) == alone
    assert best(knowledge.index, question, topic_of(knowledge, after)) == followed


def test_a_follow_up_about_the_entry_just_shown_leans_on_it_most(knowledge: Knowledge) -> None:
    # "where do I apply?" after the recognition of school certificates: the topic alone
    # (school) is not enough.
    question, after = "where do I apply?", "school-certificate-recognition"
    related = topic_of(knowledge, after)
    assert best(knowledge.index, question, related) == "tutoring-homework-help"
    result = knowledge.index.match(question, related=related, last=after)
    assert result.confidence is Confidence.ANSWER
    assert result.candidates[0].entry_id == after


def test_a_longer_message_is_not_pulled_towards_the_conversation(knowledge: Knowledge) -> None:
    text = "скільки коштує дитячий садок для нашої дитини на місяць?"
    related = topic_of(knowledge, "qualification-recognition")
    assert knowledge.index.match(text, related=related) == knowledge.index.match(text)


def test_an_out_of_scope_follow_up_stays_declined(knowledge: Knowledge) -> None:
    result = knowledge.index.match("яка погода завтра?", related=topic_of(knowledge, "kita-fees"))
    assert result.confidence is Confidence.NONE
    assert result.declined is not None


def test_the_advisor_passes_the_conversation_and_remembers_only_entries_shown(
    knowledge: Knowledge,
) -> None:
    advisor = Advisor(lambda: knowledge, LanguageDetector(knowledge.catalogue.languages))
    first = advisor.ask("визнання професійної кваліфікації")
    assert first.kind is ReplyKind.ANSWER
    conversation = Conversation().after(first)
    assert conversation == Conversation("qualification-recognition")
    follow_up = advisor.ask("скільки коштує?", conversation=conversation)
    assert follow_up.entry is not None
    assert follow_up.entry.id == "recognition-costs"
    assert conversation.after(Reply(ReplyKind.NOT_FOUND, "uk")) == conversation
    unknown = advisor.ask("скільки коштує?", conversation=Conversation("no-such-entry"))
    assert unknown.entry == advisor.ask("скільки коштує?").entry
