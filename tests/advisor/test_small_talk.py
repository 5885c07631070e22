"""Small talk is recognised whole or as the larger part of a short message."""

from __future__ import annotations

import pytest

from kiz_bot.advisor import Advisor, ReplyKind
from kiz_bot.knowledge.model import frozen_map
from kiz_bot.small_talk import SmallTalk, SmallTalkFound, find_small_talk, small_talk_table
from tests.advisor.test_advisor import advisor, tiny_catalogue  # noqa: F401 - a fixture

TABLE = {
    "hallo": SmallTalk("greeting", "de"),
    "thank you": SmallTalk("thanks", "en"),
    "merci": SmallTalk("thanks", None),
}


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("hallo", SmallTalkFound("greeting", "de", whole=True)),
        ("hallo zusammen", SmallTalkFound("greeting", "de", whole=False)),
        ("thank you so much", SmallTalkFound("thanks", "en", whole=False)),
        ("merci beaucoup", SmallTalkFound("thanks", None, whole=False)),
        ("hallo wie geht es", None),  # the phrase is less than half of the message
        ("thank you for the answer about the kita", None),  # too long to be small talk
        ("kita", None),
    ],
)
def test_small_talk_is_all_or_most_of_a_short_message(
    said: str, found: SmallTalkFound | None
) -> None:
    assert find_small_talk(said, TABLE) == found


def test_a_phrase_listed_in_two_languages_tells_no_language() -> None:
    catalogue = tiny_catalogue()
    both = frozen_map({"de": ("hallo", "servus"), "tr": ("merhaba", "servus")})
    table = small_talk_table(
        type(catalogue)(
            catalogue.languages,
            catalogue.topics,
            catalogue.entries,
            catalogue.partners,
            frozen_map({"greeting": both}),
        )
    )
    assert table["servus"] == SmallTalk("greeting", None)
    assert table["merhaba"] == SmallTalk("greeting", "tr")


def test_a_greeting_in_a_longer_message_yields_to_an_entry_that_fits(advisor: Advisor) -> None:  # noqa: F811
    assert advisor.ask("hallo zusammen").kind is ReplyKind.GREETING
    reply = advisor.ask("hallo Kita Anmeldung")
    assert reply.kind in (ReplyKind.ANSWER, ReplyKind.CHOICES)
    assert reply.ranked[0] == "kita-registration"


def test_the_phrase_language_comes_after_choice_and_client_language(advisor: Advisor) -> None:  # noqa: F811
    assert advisor.ask("merhaba").language == "tr"
    assert advisor.ask("merhaba arkadaşlar").language == "tr"
    assert advisor.ask("merhaba", client="en").language == "en"
    assert advisor.ask("merhaba", chosen="de").language == "de"
