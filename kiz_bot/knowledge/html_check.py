"""Checks that staff-written answers are HTML that Telegram accepts."""

from __future__ import annotations

from html.parser import HTMLParser

# The subset of Telegram's HTML that answers may use.
ALLOWED_TAGS = frozenset({"b", "strong", "i", "em", "u", "s", "a", "code"})
TELEGRAM_LIMIT = 4096


class _TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open_tags: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"the tag <{tag}> is not allowed (use only <b>, <i>, <a>)")
            return
        if tag == "a" and not any(name == "href" and value for name, value in attrs):
            self.problems.append("a link <a> needs an href")
        self.open_tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in ALLOWED_TAGS:
            return
        if not self.open_tags or self.open_tags[-1] != tag:
            self.problems.append(f"</{tag}> closes a tag that is not open")
            return
        self.open_tags.pop()

    def handle_entityref(self, name: str) -> None:
        if name not in {"amp", "lt", "gt", "quot"}:
            self.problems.append(f"&{name}; is not an entity Telegram knows; write &amp;{name};")


def html_problems(text: str) -> list[str]:
    """Return what is wrong with the HTML of an answer; empty when it is fine."""
    checker = _TagChecker()
    checker.feed(text)
    checker.close()
    problems = list(checker.problems)
    problems += [f"<{tag}> is never closed" for tag in checker.open_tags]
    stray = text.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "").replace("&quot;", "")
    if "&" in stray and not any("entity" in p for p in problems):
        problems.append("a bare & must be written as &amp;")
    return problems
