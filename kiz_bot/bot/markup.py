"""Telegram HTML: escaping, the tag subset staff may use, bidi isolation and splitting."""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit

MESSAGE_LIMIT = 4096

# Staff answers may use these; <strong>/<em> are written as Telegram's <b>/<i>.
_ALLOWED = {"b": "b", "strong": "b", "i": "i", "em": "i", "u": "u", "s": "s", "code": "code"}
_LINK_SCHEMES = {"http", "https", "tel", "mailto"}

RLM = "\u200f"  # right-to-left mark: makes a line start right to left
LRM = "\u200e"  # left-to-right mark
LRI = "\u2066"  # left-to-right isolate ...
PDI = "\u2069"  # ... pop directional isolate
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# A run of left-to-right material inside right-to-left text: Latin words, numbers, phone
# numbers, e-mail addresses, URLs. It starts and ends with a letter or digit so that
# surrounding punctuation and spaces keep the direction of the sentence.
_LTR_RUN = re.compile(
    r"(?:[+(/@]?)[0-9A-Za-z\u00c0-\u024f]"
    r"(?:[0-9A-Za-z\u00c0-\u024f@._:/?#=&%~+\-() ]*[0-9A-Za-z\u00c0-\u024f/)])?"
)


def text(value: str, *, rtl: bool = False) -> str:
    """Return user- or staff-provided plain text escaped for HTML, isolated in RTL context."""
    if rtl:
        value = isolate_ltr(value)
    return escape(value, quote=False)


def isolate_ltr(value: str) -> str:
    """Wrap left-to-right runs in Unicode isolates so RTL sentences keep their order."""
    value = _BIDI_CONTROLS.sub("", value)
    return _LTR_RUN.sub(lambda m: f"{LRI}{m.group(0)}{PDI}", value)


def direction(html_text: str, *, rtl: bool) -> str:
    """Start every line with a direction mark so Telegram lays each one out as it should."""
    mark = RLM if rtl else LRM
    return "\n".join(mark + line if line else line for line in html_text.split("\n"))


def link(url: str, label: str | None = None, *, rtl: bool = False) -> str:
    """Return a link to a web address, or just its escaped text if the address is odd."""
    shown = text(label or url, rtl=rtl)
    if urlsplit(url).scheme not in {"http", "https"}:
        return shown
    return f'<a href="{escape(url, quote=True)}">{shown}</a>'


class _Sanitizer(HTMLParser):
    """Keeps the allowed tags, escapes every text, drops everything else."""

    def __init__(self, *, rtl: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.rtl = rtl
        self.out: list[str] = []
        self.open: list[tuple[str, str]] = []  # (name, opening tag as written out)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.out.append("\n")
            return
        opening: str | None = None
        if tag == "a":
            href = next((v for k, v in attrs if k == "href" and v), None)
            if href and urlsplit(href.strip()).scheme in _LINK_SCHEMES:
                opening = f'<a href="{escape(href.strip(), quote=True)}">'
        elif tag in _ALLOWED:
            opening = f"<{_ALLOWED[tag]}>"
        name = _ALLOWED.get(tag, "a")
        if opening is not None and all(n != name for n, _ in self.open):
            self.out.append(opening)
            self.open.append((name, opening))

    def handle_endtag(self, tag: str) -> None:
        name = "a" if tag == "a" else _ALLOWED.get(tag)
        if name is None or all(n != name for n, _ in self.open):
            return
        # Close everything opened after it too: Telegram rejects crossed tags.
        while self.open:
            inner, _ = self.open.pop()
            self.out.append(f"</{inner}>")
            if inner == name:
                break

    def handle_data(self, data: str) -> None:
        for number, paragraph in enumerate(data.split("\n\n")):
            if number:
                # Tags never span a paragraph break, so a long text can be split there.
                self.out.extend(f"</{n}>" for n, _ in reversed(self.open))
                self.out.append("\n\n")
                self.out.extend(opening for _, opening in self.open)
            self.out.append(text(paragraph, rtl=self.rtl))

    def result(self) -> str:
        """Return the sanitised HTML with every tag closed."""
        self.close()
        self.out.extend(f"</{n}>" for n, _ in reversed(self.open))
        self.open.clear()
        return "".join(self.out)


# Answers are few and repeat: each is parsed once per knowledge base, not once per reply.
@lru_cache(maxsize=1024)
def staff_html(value: str, *, rtl: bool = False) -> str:
    """Return staff-written HTML reduced to the tags Telegram accepts, with all text escaped."""
    sanitizer = _Sanitizer(rtl=rtl)
    sanitizer.feed(value.replace("\r\n", "\n"))
    return sanitizer.result()


def telegram_length(html_text: str) -> int:
    """Return a conservative message length: UTF-16 code units of the HTML source."""
    return len(html_text.encode("utf-16-le")) // 2


_TOKEN = re.compile(r"<(/?)([a-z]+)(?: [^>]*)?>|&[#\w]+;|[\s\S]", re.IGNORECASE)


def split_message(html_text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split HTML into messages under the limit, at paragraph breaks where possible."""
    html_text = html_text.strip("\n")
    if telegram_length(html_text) <= limit:
        return [html_text] if html_text else []
    chunks: list[str] = []
    current = ""
    for paragraph in html_text.split("\n\n"):
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if telegram_length(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        if telegram_length(paragraph) <= limit:
            current = paragraph
        else:
            *full, current = _split_paragraph(paragraph, limit)
            chunks.extend(full)
    if current:
        chunks.append(current)
    return chunks


def _split_paragraph(paragraph: str, limit: int) -> list[str]:
    """Split one long paragraph at line breaks or spaces, closing and reopening tags."""
    tokens = [m.group(0) for m in _TOKEN.finditer(paragraph)]
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    open_tags: list[str] = []  # the opening tags themselves, with attributes
    for token in tokens:
        closing = "".join(f"</{_name(t)}>" for t in reversed(open_tags))
        if current and size + _len(token) + telegram_length(closing) > limit:
            cut = _break_point(current)
            head, tail = current[:cut], current[cut:]
            tags_at_cut = _open_after(head)
            closing_at_cut = "".join(f"</{_name(t)}>" for t in reversed(tags_at_cut))
            chunks.append("".join(head).rstrip() + closing_at_cut)
            current = tags_at_cut + _lstrip(tail)
            size = sum(_len(t) for t in current)
        current.append(token)
        size += _len(token)
        _track(open_tags, token)
    if current:
        chunks.append("".join(current))
    return [c for c in chunks if c.strip()]


def _name(tag: str) -> str:
    return tag[1:-1].split(" ", 1)[0].lower()


def _len(token: str) -> int:
    return telegram_length(token)


def _break_point(tokens: list[str]) -> int:
    """Return where to cut: after the last newline, else the last space, else at the end."""
    for wanted in ("\n", " "):
        for index in range(len(tokens) - 1, len(tokens) // 2, -1):
            if tokens[index] == wanted:
                return index + 1
    return len(tokens)


def _open_after(tokens: list[str]) -> list[str]:
    open_tags: list[str] = []
    for token in tokens:
        _track(open_tags, token)
    return open_tags


def _track(open_tags: list[str], token: str) -> None:
    """Update the stack of open tags with one token: push an opening tag, pop a closing one."""
    if token.startswith("</"):
        name = token[2:-1].strip().lower()
        for index in range(len(open_tags) - 1, -1, -1):
            if _name(open_tags[index]) == name:
                del open_tags[index]
                break
    elif token.startswith("<") and len(token) > 1:
        open_tags.append(token)


def _lstrip(tokens: list[str]) -> list[str]:
    index = 0
    while index < len(tokens) and tokens[index].isspace():
        index += 1
    return tokens[index:]
