"""Which language a message in Latin letters is transliterated from, by its telling words.

"kak zapisat rebenka" is Russian and "yak zapysaty dytynu" Ukrainian, though a language
identifier sees neither (both look Polish to it). The knowledge base's own phrasings in
Latin letters show how families write these languages: a word that the Latin-letter
phrasings of one of them use, and no other phrasing in Latin letters, tells that language
("kak", "chto", "skolko" for Russian; "shcho", "skilky" for Ukrainian; "chetori", "baraye"
for Persian). German terms ("kita", "ausbildung") occur in many languages and tell nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

# Languages written in other letters, whose speakers also type them in Latin ones.
TRANSLITERATED = frozenset({"ru", "uk", "ar", "fa"})
MIN_LETTERS = 3  # shorter words ("v", "na", "ya") are shared by too many languages

# A phrasing with any Cyrillic or Arabic letter is not one typed in Latin letters.
_OTHER_LETTERS = re.compile("[\u0400-\u052f\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")

Signatures = dict[str, str]


def signature_words(phrasings: Iterable[tuple[str, str, str]]) -> Signatures:
    """Return the words that, of all phrasings in Latin letters, one language's alone use.

    Each phrasing comes as (text, language, its matching form: `normalize(text)`). Phrasings
    in Cyrillic or Arabic letters are left out: Ukrainian texts quote Russian ("как
    записать"), which says nothing about how either language is typed in Latin letters.
    """
    owners: dict[str, set[str]] = {}
    for text, language, normalized in phrasings:
        if language in TRANSLITERATED and _OTHER_LETTERS.search(text):
            continue
        for word in normalized.split():
            owners.setdefault(word, set()).add(language)
    return {
        word: language
        for word, languages in owners.items()
        if len(languages) == 1
        and (language := next(iter(languages))) in TRANSLITERATED
        and len(word) >= MIN_LETTERS
    }


def transliterated_language(said: str, signatures: Signatures) -> tuple[str | None, int]:
    """Return the one language whose telling words a message uses most, and how many.

    `said` is the message in matching form (`normalize`), which the advisor has already.
    """
    counts = Counter(signatures[t] for t in said.split() if t in signatures)
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None, 0
    return ranked[0]
