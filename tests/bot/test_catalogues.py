"""Every interface string is translated in every catalogue, with the same placeholders."""

from __future__ import annotations

import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from kiz_bot.i18n import LOCALES_DIR, available_languages, gettext_for

ROOT = LOCALES_DIR.parent
LANGUAGES = ("de", "en", "tr", "ar", "uk", "ru", "fa", "pl")
PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)[sd]")


def template_ids() -> set[str]:
    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


def source_ids() -> set[str]:
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    found = extract_from_dir(
        str(ROOT),
        method_map=[("kiz_bot/**.py", "python")],
        keywords=keywords,
    )
    return {m[2] if isinstance(m[2], str) else m[2][0] for m in found}


def test_every_catalogue_language_is_served() -> None:
    assert set(LANGUAGES) <= set(available_languages())


def test_the_template_holds_every_message_in_the_source() -> None:
    missing = source_ids() - template_ids()
    assert not missing, f"run `make i18n`; not in messages.pot: {sorted(missing)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_with_the_same_placeholders(language: str) -> None:
    path = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    translated = {}
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(strings):
            translated[key] = (message.id, strings)
    missing = template_ids() - set(translated)
    assert not missing, f"{path.relative_to(ROOT)} lacks translations for {sorted(missing)}"
    for key, (msgid, strings) in translated.items():
        wanted = set(PLACEHOLDER.findall(key))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == wanted, (language, msgid, string)


def test_translations_are_loaded_from_the_po_files() -> None:
    assert gettext_for("uk")("Choose a topic:") == "Виберіть тему:"
    assert gettext_for("xx")("Choose a topic:") == "Choose a topic:"


def test_the_extraction_config_exists() -> None:
    assert (LOCALES_DIR / "babel.cfg").is_file()
