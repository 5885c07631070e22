from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kiz_bot.bot.markup import (
    LRI,
    MESSAGE_LIMIT,
    PDI,
    isolate_ltr,
    split_message,
    staff_html,
    telegram_length,
    text,
)
from tests.bot.test_conversation import valid_html


def test_user_text_is_escaped() -> None:
    assert text("<b>hi</b> & <script>") == "&lt;b&gt;hi&lt;/b&gt; &amp; &lt;script&gt;"


def test_staff_html_keeps_bold_and_italic_and_drops_the_rest() -> None:
    html = staff_html("<b>Kita</b> <i>jetzt</i> <script>x()</script> <img src=x> 1 &lt; 2 &amp; 3")
    assert html == "<b>Kita</b> <i>jetzt</i> x()  1 &lt; 2 &amp; 3"


def test_staff_html_closes_crossed_and_unclosed_tags() -> None:
    assert valid_html(staff_html("<b>bold <i>both</b> rest"))
    assert valid_html(staff_html("<b>never closed"))
    assert valid_html(staff_html("</i>stray close"))


def test_staff_links_keep_only_web_addresses() -> None:
    assert staff_html('<a href="https://x.de">x</a>') == '<a href="https://x.de">x</a>'
    assert staff_html('<a href="javascript:alert(1)">x</a>') == "x"


def test_tags_do_not_span_paragraphs_so_answers_can_be_split_there() -> None:
    html = staff_html("<b>one\n\ntwo</b>")
    assert html == "<b>one</b>\n\n<b>two</b>"


def test_ltr_runs_in_rtl_text_are_isolated() -> None:
    isolated = isolate_ltr("اتصل بالرقم 0212 290 2225 أو www.solingen.de اليوم")
    assert f"{LRI}0212 290 2225{PDI}" in isolated
    assert f"{LRI}www.solingen.de{PDI}" in isolated


def test_long_text_is_split_at_paragraphs_under_the_limit() -> None:
    paragraphs = [f"<b>Absatz {n}</b> " + "wort " * 300 for n in range(10)]
    chunks = split_message("\n\n".join(paragraphs))
    assert len(chunks) > 1
    assert all(telegram_length(c) <= MESSAGE_LIMIT for c in chunks)
    assert all(c.startswith("<b>Absatz") for c in chunks)


def test_one_huge_paragraph_is_split_with_tags_reopened() -> None:
    chunks = split_message("<b>" + "x " * 5000 + "</b>")
    assert len(chunks) >= 3
    assert all(valid_html(c) and telegram_length(c) <= MESSAGE_LIMIT for c in chunks)


def test_emoji_count_twice_against_the_limit() -> None:
    chunks = split_message("😀" * 3000)
    assert all(telegram_length(c) <= MESSAGE_LIMIT for c in chunks)
    assert "".join(chunks) == "😀" * 3000


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=6000), st.booleans())
def test_any_text_renders_to_valid_html_under_the_limit(value: str, rtl: bool) -> None:
    for rendered in (text(value, rtl=rtl), staff_html(value, rtl=rtl)):
        chunks = split_message(rendered)
        assert all(valid_html(c) for c in chunks)
        assert all(telegram_length(c) <= MESSAGE_LIMIT for c in chunks)
