"""German terms written in Arabic letters, found by sound and read as the German term.

Families often write German terms in Arabic script, each in their own way: Kindergeld as
كيندرغيلد or الكيندرجيلد, Ausbildung as اوسبيلدونج, Jobcenter as جوب سنتر. Transliterated,
these differ from the German spelling in vowels, in g/gh/j/q, p/b and the article, so
neither the word nor its character n-grams match. The key keeps only the consonants, in
classes that the two spellings share: "kindergeld" and "kyndrjyld" both give "kndrkld".

The index collects the German terms (words in Latin letters) of the Arabic and Persian
phrasings by key; a question's words in Arabic letters whose key is one of them bring the
German term into the question, so it meets the keywords staff wrote in Latin letters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from kiz_bot.matching.normalize import fold_word, without_article, words

_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
# German spellings first (sch, tion, initial sp/st, c before e/i), then shared classes.
_GERMAN = (
    (re.compile("^s(?=[pt])"), "sh"),
    (re.compile("tion"), "sion"),
    (re.compile("c(?=[eiy])"), "s"),
    (re.compile("ck"), "k"),
    (re.compile("ph"), "f"),
)
_SOUNDS = (
    (re.compile("sch|sh"), "S"),
    (re.compile("ch|kh"), "X"),
    (re.compile("gh|[gjqc]"), "k"),
    (re.compile("tz|ts|z"), "s"),
    (re.compile("p"), "b"),
    (re.compile("v"), "f"),
    (re.compile("[aeiouywh0-9]"), ""),
)
_REPEATED = re.compile(r"(.)\1+")
# Phrasings in these languages keep the German terms their speakers use.
LOAN_LANGUAGES = frozenset({"ar", "fa"})
MIN_LETTERS = 5
MIN_KEY = 4


def sound_key(token: str) -> str:
    """Return the consonant-class key of an ASCII token ("" when too short to be telling)."""
    if len(token) < MIN_LETTERS:
        return ""
    for pattern, replacement in (*_GERMAN, *_SOUNDS):
        token = pattern.sub(replacement, token)
    key = _REPEATED.sub(r"\1", token)
    return key if len(key) >= MIN_KEY else ""


def is_arabic_script(word: str) -> bool:
    """Return whether a word is written in Arabic or Persian letters."""
    return bool(_ARABIC_LETTER.match(word))


@lru_cache(maxsize=4096)
def loan_keys(word: str) -> tuple[str, ...]:
    """Return the sound keys of a cleaned word; in Arabic letters also without the article."""
    if not is_arabic_script(word):
        key = sound_key(fold_word(word))
        return (key,) if key else ()
    forms = dict.fromkeys([word, without_article(word)])
    # A final h in Arabic letters is ta marbuta or ha (مدرسه), not part of a German word.
    keys = (sound_key(fold_word(form).removesuffix("h")) for form in forms)
    return tuple(dict.fromkeys(key for key in keys if key))


Lexicon = dict[str, tuple[str, ...]]


def loan_lexicon(phrasings: Iterable[tuple[str, str]]) -> Lexicon:
    """Return the German terms of Arabic and Persian phrasings by sound key.

    A German term is a word in Latin letters that the German phrasings use too; Arabic
    typed in Latin letters (madrasa) or French (inscription) is left out.
    """
    german: set[str] = set()
    borrowed: dict[str, None] = {}
    for text, language in phrasings:
        if language == "de":
            german.update(words(text))
        elif language in LOAN_LANGUAGES:
            borrowed.update((w, None) for w in words(text) if not is_arabic_script(w))
    found: dict[str, dict[str, None]] = {}
    for word in borrowed:
        if word in german:
            for key in loan_keys(word):
                found.setdefault(key, {})[word] = None
    return {key: tuple(terms) for key, terms in found.items()}


def german_terms(text: str, lexicon: Lexicon) -> dict[str, tuple[str, ...]]:
    """Return the Arabic-letter words of a text that sound like German terms, with the terms."""
    if not lexicon or not _ARABIC_LETTER.search(text):
        return {}  # most messages: no second normalisation on the way to the index
    found: dict[str, tuple[str, ...]] = {}
    for word in words(text):
        if is_arabic_script(word):
            terms = tuple(term for key in loan_keys(word) for term in lexicon.get(key, ()))
            if terms:
                found[word] = tuple(dict.fromkeys(terms))
    return found
