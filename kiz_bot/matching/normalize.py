"""Text normalisation shared by the index and the queries, for every script we serve."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

# Zero-width and bidi control characters carry no meaning for matching.
_INVISIBLE = dict.fromkeys(
    [
        0x200B,
        0x200C,
        0x200D,
        0x200E,
        0x200F,
        0x2060,
        0xFEFF,
        0x00AD,
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ],
    " ",
)
# Arabic-script variants that people type interchangeably (keyboard and regional habits).
_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ئ": "ي",
        "ك": "ک",
        "ة": "ه",
        "ۀ": "ه",
        "ؤ": "و",
        "ـ": "",
    }
)
_ARABIC_LETTERS = re.compile("[\u0600-\u06ff]")  # after NFKC, presentation forms are here too
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
# German umlauts typed without the keyboard: "ae/oe/ue" for "ä/ö/ü". Both sides are folded
# the same way, so words like "neue" becoming "neu" do no harm.
_UMLAUT_DIGRAPHS = re.compile(r"(?<=[a-z])([aou])e|\b([aou])e")
_WORD = re.compile(r"[^\W_]+")
# The Arabic article, alone or after a one-letter preposition or conjunction (bi-, wa-, fa-,
# ka-, li-), is written as one word with its noun: "بالكيتا" is "in the Kita".
_ARABIC_ARTICLE = re.compile("^(?:ال|بال|وال|فال|كال|کال|لل)")


def clean(text: str) -> str:
    """Return text in NFKC without invisible control characters, case folded."""
    if text.isascii():  # most phrasings and messages: every step below is lower() for them
        return text.lower()
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    # Turkish dotted/dotless i: fold İ, I, ı and i together before case folding.
    text = text.replace("İ", "i").replace("I", "i").casefold().replace("ı", "i")
    text = text.replace("i̇", "i")  # a casefolded İ leaves a combining dot behind
    if _ARABIC_LETTERS.search(text):
        text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_FOLD)
    return text.replace("ё", "е").replace("ґ", "г")


@lru_cache(maxsize=16384)
def fold_word(word: str) -> str:
    """Return the ASCII matching form of one cleaned word, in any script."""
    ascii_form = anyascii(word).lower()
    ascii_form = re.sub(r"[^a-z0-9]", "", ascii_form)
    return _UMLAUT_DIGRAPHS.sub(lambda m: m.group(1) or m.group(2), ascii_form)


def without_article(word: str, min_rest: int = 2) -> str:
    """Return a cleaned Arabic-letter word without its article (the word when it has none)."""
    found = _ARABIC_ARTICLE.match(word)
    if found is None or len(word) - found.end() < min_rest:
        return word
    return word[found.end() :]


def words(text: str) -> list[str]:
    """Return the cleaned words of a text, before transliteration."""
    return _WORD.findall(clean(text))


def tokens(text: str) -> list[str]:
    """Return the matching tokens of a text: cleaned, transliterated, folded words."""
    folded = (fold_word(w) for w in words(text))
    return [t for t in folded if t]


def normalize(text: str) -> str:
    """Return the matching form of a text as one space-separated string."""
    return " ".join(tokens(text))
