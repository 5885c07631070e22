"""Scrubbing of unanswered questions before staff may keep them."""

from __future__ import annotations

import re

MAX_LENGTH = 500
_PATTERNS = (
    ("[email]", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("[url]", re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)),
    ("[url]", re.compile(r"\b(?:[a-z0-9-]+\.)+[a-z]{2,}/\S*", re.IGNORECASE)),
    ("[url]", re.compile(r"\b(?:[a-z0-9-]+\.)+(?:de|com|org|net|info|eu|io)\b", re.IGNORECASE)),
    ("[mention]", re.compile(r"@\w+")),
    ("[phone]", re.compile(r"\+?\d[\d\s()/.-]{5,}\d")),
    ("[number]", re.compile(r"\d+(?:[.,:/-]\d+)*")),
)
_SPACES = re.compile(r"\s+")


def scrub(text: str) -> str:
    """Remove e-mail addresses, URLs, @mentions, phone numbers and all other numbers."""
    for placeholder, pattern in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return _SPACES.sub(" ", text).strip()[:MAX_LENGTH]
