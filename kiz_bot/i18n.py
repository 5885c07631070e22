"""User-interface text: gettext catalogues from locales/, compiled in memory with Babel."""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


@lru_cache(maxsize=64)
def translator(language: str, locales_dir: Path = LOCALES_DIR) -> gettext.NullTranslations:
    """Return the translations for a language; English msgids when there is no catalogue."""
    po_file = locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_file.is_file():
        return gettext.NullTranslations()
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def available_languages(locales_dir: Path = LOCALES_DIR) -> tuple[str, ...]:
    """Return the languages that have a catalogue."""
    found = (p.parent.parent.name for p in locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return tuple(sorted(found))


@lru_cache(maxsize=64)
def language_name(language: str) -> str:
    """Return a language's name in that language, from CLDR ("Türkçe", "العربية")."""
    try:
        name = Locale.parse(language).get_display_name(language)
    except (UnknownLocaleError, ValueError):
        return language
    return (name or language)[:1].upper() + (name or language)[1:]


@lru_cache(maxsize=64)
def is_rtl(language: str) -> bool:
    """Return whether a language is written right to left, from CLDR."""
    try:
        return Locale.parse(language).character_order == "right-to-left"
    except (UnknownLocaleError, ValueError):
        return False


def gettext_for(language: str) -> Callable[[str], str]:
    """Return the gettext function of a language (English msgids when it has no catalogue)."""
    return translator(language).gettext


def ngettext_for(language: str) -> Callable[[str, str, int], str]:
    """Return the plural-aware gettext function of a language."""
    return translator(language).ngettext


def N_(message: str) -> str:
    """Mark a message for extraction where it is defined; translate it where it is shown."""
    return message


@lru_cache(maxsize=512)
def language_name_in(language: str, display_language: str) -> str:
    """Return a language's name in another language, from CLDR ("Deutsch" in Turkish: "Almanca")."""
    try:
        name = Locale.parse(display_language).languages.get(language)
    except (UnknownLocaleError, ValueError):
        name = None
    return name or language_name(language)
