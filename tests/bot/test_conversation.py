from __future__ import annotations

from html.parser import HTMLParser

from kiz_bot.bot.callback_data import Action
from kiz_bot.bot.context import DEPS_KEY
from kiz_bot.i18n import language_name
from kiz_bot.privacy import user_key
from kiz_bot.stats.events import Outcome
from tests.bot.conftest import LANGUAGES, Harness


def buttons(message: dict) -> list[dict]:
    markup = message.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def codec(h: Harness):
    return h.app.bot_data[DEPS_KEY].codec


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.ok = True

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.ok = False


def valid_html(text: str) -> bool:
    parser = _Balance()
    parser.feed(text)
    parser.close()
    return parser.ok and not parser.stack


async def test_start_greets_in_the_client_language_and_offers_languages_named_by_babel(
    harness: Harness,
) -> None:
    sent = await harness.send(harness.message("/start", language_code="tr"))
    assert len(sent) == 2
    assert "Merhaba" in sent[0]["text"]
    names = [b["text"] for b in buttons(sent[0])]
    assert names == [language_name(code) for code in LANGUAGES]
    assert "Türkçe" in names
    assert "العربية" in names
    assert "Українська" in names
    assert all(len(b["callback_data"].encode()) < 64 for b in buttons(sent[0]))
    assert len(buttons(sent[1])) == 2  # the topic menu


async def test_choosing_a_language_by_button_stores_it_under_a_salted_key_only(
    harness: Harness,
) -> None:
    data = codec(harness).encode(Action.LANGUAGE, "uk")
    await harness.send(harness.press(data, user_id=987654321))
    stored = harness.storage.preferences.languages
    assert list(stored.values()) == ["uk"]
    key = next(iter(stored))
    salt = harness.app.bot_data[DEPS_KEY].settings.user_salt
    assert "987654321" not in key
    assert key == user_key(987654321, salt)
    edits = harness.request.sent("editMessageText")
    assert "Українська" in edits[-1]["text"]


async def test_the_chosen_language_wins_over_the_client_language(harness: Harness) -> None:
    await harness.send(harness.press(codec(harness).encode(Action.LANGUAGE, "en"), user_id=7))
    sent = await harness.send(harness.message("/help", user_id=7, language_code="de"))
    assert "Write your question" in sent[0]["text"]


async def test_a_confident_question_gets_the_answer_partner_card_and_rating_buttons(
    harness: Harness,
) -> None:
    sent = await harness.send(harness.message("How do I get a Kita place?", language_code="en"))
    assert len(sent) == 1
    text = sent[0]["text"]
    assert "Kita-Navigator" in text
    assert "<b>Kita-Navigator</b>" in text
    assert "Jugendamt &lt;Solingen&gt;" in text  # staff data is escaped
    assert "jugendamt@example.org" in text
    assert sent[0]["parse_mode"] == "HTML"
    labels = [b["text"] for b in buttons(sent[0])]
    assert any("Helpful" in label for label in labels)
    assert any("Not helpful" in label for label in labels)
    outcomes = [e.outcome for e in harness.storage.recorder.events]
    assert outcomes == [Outcome.ANSWERED]
    assert harness.storage.users == [7]


async def test_html_in_a_question_never_reaches_telegram_unescaped(harness: Harness) -> None:
    sent = await harness.send(harness.message("<b>kita</b> <script>alert(1)</script> &amp;"))
    assert sent
    assert all(valid_html(m["text"]) for m in sent)
    assert all("<script>" not in m["text"] for m in sent)


async def test_staff_html_is_reduced_to_the_allowed_tags(harness: Harness) -> None:
    sent = await harness.send(harness.message("kita", language_code="tr"))
    text = sent[0]["text"]
    assert "<script>" not in text
    assert "Kita-Navigator" in text


async def test_an_unsure_match_offers_did_you_mean_buttons_that_show_the_entry(
    harness: Harness,
) -> None:
    sent = await harness.send(harness.message("school something", language_code="en"))
    assert "Did you mean" in sent[0]["text"]
    options = buttons(sent[0])
    assert options[0]["text"] == "How do I enrol my child at school?"
    assert len(options[1]["callback_data"].encode()) < 64  # a long entry id is hashed
    shown = await harness.send(harness.press(options[1]["callback_data"], language_code="en"))
    assert "Does my child get a school ticket?" in shown[0]["text"]


async def test_nothing_found_says_so_and_refers_to_a_person(harness: Harness) -> None:
    sent = await harness.send(harness.message("What is the weather like?", language_code="en"))
    text = sent[0]["text"]
    assert "don't know" in text
    assert "0212 290 2225" in text
    assert "https://www.solingen.de" in text
    assert harness.storage.recorder.events[-1].outcome is Outcome.UNANSWERED


async def test_not_helpful_leads_to_a_referral_and_removes_the_rating_buttons(
    harness: Harness,
) -> None:
    data = codec(harness).encode(Action.RATE, "kita-registration", "en", "0")
    sent = await harness.send(harness.press(data, language_code="en"))
    assert "advise you personally" in sent[0]["text"]
    assert "Jugendamt" in sent[0]["text"]
    assert harness.request.sent("editMessageReplyMarkup")
    outcomes = [e.outcome for e in harness.storage.recorder.events]
    assert Outcome.NOT_HELPFUL in outcomes
    assert Outcome.REFERRED in outcomes


async def test_helpful_is_thanked_with_a_toast(harness: Harness) -> None:
    data = codec(harness).encode(Action.RATE, "kita-registration", "de", "1")
    sent = await harness.send(harness.press(data))
    assert sent == []
    answered = harness.request.sent("answerCallbackQuery")
    assert "Danke" in answered[-1]["text"]
    assert harness.storage.recorder.events[-1].outcome is Outcome.HELPFUL


async def test_forged_or_stale_buttons_get_a_polite_expired_answer(harness: Harness) -> None:
    good = codec(harness).encode(Action.ENTRY, "kita-registration", "en")
    forged = good[:-1] + ("A" if good[-1] != "A" else "B")
    stale = codec(harness).encode(Action.ENTRY, "removed-entry", "en")
    for data in (forged, stale, "garbage", "", "1|e|x|y|z|w", "9" + good[1:]):
        sent = await harness.send(harness.press(data, language_code="en"))
        assert sent == []
        assert "expired" in harness.request.sent("answerCallbackQuery")[-1]["text"]


async def test_fallback_answers_say_so_in_the_users_language(harness: Harness) -> None:
    await harness.send(harness.press(codec(harness).encode(Action.LANGUAGE, "pl")))
    sent = await harness.send(harness.message("Schule"))
    data = buttons(sent[0])[0]["callback_data"]
    shown = await harness.send(harness.press(data))
    text = shown[0]["text"]
    assert "po niemiecku i angielsku" in text  # the note, in Polish
    assert "Beim Schulamt." in text
    assert "At the school office." in text


async def test_unreviewed_translations_carry_the_mark_and_rtl_text_is_isolated(
    harness: Harness,
) -> None:
    sent = await harness.send(harness.message("الروضة", language_code="ar"))
    text = sent[0]["text"]
    assert "\u2066Kita-Navigator\u2069" in text
    assert "\u200f" in text
    assert "\u20660212 290 2225\u2069" not in text  # the kita entry refers to the youth office
    assert text.count("\n") > 2
    assert sent[0]["text"].count("\u2066") >= 1


async def test_long_answers_are_split_at_paragraphs_under_the_limit(harness: Harness) -> None:
    sent = await harness.send(harness.message("long", language_code="en"))
    assert len(sent) >= 2
    assert all(len(m["text"]) <= 4096 for m in sent)
    assert all(valid_html(m["text"]) for m in sent)
    assert "reply_markup" in sent[-1]
    assert "reply_markup" not in sent[0]


async def test_a_five_thousand_character_message_is_answered(harness: Harness) -> None:
    sent = await harness.send(harness.message("kita " * 1000, language_code="en"))
    assert sent
    assert "Kita-Navigator" in sent[0]["text"]


async def test_non_text_messages_get_a_kind_hint(harness: Harness) -> None:
    voice = {"voice": {"file_id": "f", "file_unique_id": "u", "duration": 3}}
    sent = await harness.send(harness.message(None, language_code="ru", extra=voice))
    assert "текст" in sent[0]["text"]
    sticker = {
        "sticker": {
            "file_id": "f",
            "file_unique_id": "u",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
    }
    assert await harness.send(harness.message(None, language_code="en", extra=sticker))


async def test_in_groups_only_messages_addressed_to_the_bot_are_answered(
    harness: Harness,
) -> None:
    assert await harness.send(harness.message("kita", chat_type="group")) == []
    sent = await harness.send(harness.message("@kiz_test_bot kita?", chat_type="group"))
    assert sent
    assert "Kita-Navigator" in sent[0]["text"]
    assert sent[0]["reply_parameters"]["message_id"]
    reply = {
        "reply_to_message": {
            "message_id": 5,
            "date": 0,
            "chat": {"id": -100, "type": "group"},
            "from": {"id": 123456, "is_bot": True, "first_name": "KIZ"},
        }
    }
    assert await harness.send(harness.message("kita", chat_type="group", extra=reply))


async def test_privacy_says_what_is_stored_and_delete_forgets_it(harness: Harness) -> None:
    sent = await harness.send(harness.message("/privacy", language_code="en"))
    assert "does not store" in sent[0]["text"]
    await harness.send(harness.press(codec(harness).encode(Action.LANGUAGE, "fa")))
    assert harness.storage.preferences.languages
    sent = await harness.send(harness.message("/delete", language_code="en"))
    assert "deleted" in sent[0]["text"]
    assert harness.storage.preferences.languages == {}
    sent = await harness.send(harness.message("/delete", language_code="en"))
    assert "Nothing was stored" in sent[0]["text"]


async def test_topic_menu_lists_entries_of_a_topic(harness: Harness) -> None:
    sent = await harness.send(harness.message("/topics", language_code="en"))
    topic_button = buttons(sent[0])[1]
    assert "School" in topic_button["text"]
    await harness.send(harness.press(topic_button["callback_data"], language_code="en"))
    edit = harness.request.sent("editMessageText")[-1]
    labels = [b["text"] for row in edit["reply_markup"]["inline_keyboard"] for b in row]
    assert "How do I enrol my child at school?" in labels
    assert any("All topics" in label for label in labels)


async def test_contact_shows_the_integration_centre_card(harness: Harness) -> None:
    sent = await harness.send(harness.message("/contact", language_code="en"))
    assert "Integration Centre" in sent[0]["text"]
    assert "0212 290 2225" in sent[0]["text"]


async def test_smalltalk_and_empty_messages_get_friendly_lines(harness: Harness) -> None:
    sent = await harness.send(harness.message("???", language_code="en"))
    assert "few words" in sent[0]["text"]


async def test_a_short_follow_up_leans_on_the_last_answer_in_that_chat_only(
    harness: Harness,
) -> None:
    alone = await harness.send(harness.message("and that?", language_code="en"))
    assert "Kita-Navigator" not in alone[0]["text"]
    await harness.send(harness.message("How do I get a Kita place?", language_code="en"))
    follow_up = await harness.send(harness.message("and that?", language_code="en"))
    assert "Kita-Navigator" in follow_up[0]["text"]
    other_chat = await harness.send(harness.message("and that?", user_id=8, language_code="en"))
    assert "Kita-Navigator" not in other_chat[0]["text"]
    await harness.send(harness.message("/delete", language_code="en"))
    forgotten = await harness.send(harness.message("and that?", language_code="en"))
    assert "Kita-Navigator" not in forgotten[0]["text"]
