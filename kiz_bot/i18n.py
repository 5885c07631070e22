"""User-interface text: gettext catalogues from locales/, compiled in memory with Babel."""

from __future__ import annotations

import gettext
import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError, localedata
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from kiz_bot.cache_files import release_of, write_file

log = logging.getLogger(__name__)

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
NAMES_FORMAT = "kiz-names-1"
# Names and writing directions read from the cache folder (see remember_languages).
_NAMES: dict[str, str] = {}  # "tr" -> "Türkçe"; "de tr" -> "Almanca" (de in Turkish)
_RTL: dict[str, bool] = {}


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
    if language in _NAMES:
        return _NAMES[language]
    try:
        name = Locale.parse(language).get_display_name(language)
    except (UnknownLocaleError, ValueError):
        return language
    return (name or language)[:1].upper() + (name or language)[1:]


@lru_cache(maxsize=64)
def is_rtl(language: str) -> bool:
    """Return whether a language is written right to left, from CLDR."""
    if language in _RTL:
        return _RTL[language]
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
    if f"{language} {display_language}" in _NAMES:
        return _NAMES[f"{language} {display_language}"]
    try:
        name = Locale.parse(display_language).languages.get(language)
    except (UnknownLocaleError, ValueError):
        name = None
    return name or language_name(language)


def remember_languages(languages: Sequence[str], cache: Path | None) -> None:
    """Keep the names and writing directions of the languages, from the cache folder if there.

    Babel reads a locale's whole CLDR data (about 1.6 MB in memory) to answer one name, and
    keeps it: 13 MB for eight languages, for a few dozen short strings. They are read once
    and kept in the cache folder as a small JSON file, keyed by Babel's release and the
    languages, so that later starts never load CLDR data for them.
    """
    key = _names_key(languages)
    path = names_file(languages, cache) if cache is not None else None
    stored = _read_names(path, key) if path is not None and path.is_file() else None
    if stored is None:
        stored = _names_from_cldr(languages)
        cldr = getattr(localedata, "_cache", None)  # Babel has no public way to empty it
        if isinstance(cldr, dict):
            cldr.clear()
        if path is not None:
            record = {"key": key, "names": stored[0], "rtl": stored[1]}
            content = json.dumps(record, ensure_ascii=False).encode()
            write_file(path, lambda file: file.write(content), "the language names")
    _NAMES.update(stored[0])
    _RTL.update(stored[1])


Names = tuple[dict[str, str], dict[str, bool]]


def names_file(languages: Sequence[str], cache: Path) -> Path:
    """Return where the names of these languages are kept in the cache folder."""
    return cache / f"names-{_names_key(languages)[:32]}.json"


def _names_from_cldr(languages: Sequence[str]) -> Names:
    """Return each language's own name, its name in the others, and its direction, from CLDR."""
    names = {language: language_name(language) for language in languages}
    for language in languages:
        for shown_in in languages:
            names[f"{language} {shown_in}"] = language_name_in(language, shown_in)
    return names, {language: is_rtl(language) for language in languages}


def _names_key(languages: Sequence[str]) -> str:
    """Return a digest of the languages and of the Babel release the names come from."""
    release = release_of("babel")
    return hashlib.sha256(f"{NAMES_FORMAT} {release} {sorted(languages)}".encode()).hexdigest()


def _read_names(path: Path, key: str) -> Names | None:
    """Return the stored names and directions, or None when the file is not usable."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored["key"] != key:
            return None
        names = {str(k): str(v) for k, v in stored["names"].items()}
        rtl = {str(k): bool(v) for k, v in stored["rtl"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        log.warning("language names cache %s is unusable (%s); reading CLDR", path.name, error)
        return None
    return names, rtl
