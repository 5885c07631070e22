"""Language names and directions: from CLDR once, then from the cache folder without CLDR."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel import Locale

from kiz_bot import i18n

LANGUAGES = ("de", "en", "tr", "ar", "uk", "ru", "fa", "pl")


def forget() -> None:
    i18n._NAMES.clear()
    i18n._RTL.clear()
    for cached in (i18n.language_name, i18n.language_name_in, i18n.is_rtl):
        cached.cache_clear()


@pytest.fixture(autouse=True)
def fresh_names() -> Iterator[None]:
    forget()
    yield
    forget()


def facts() -> tuple[list[str], list[str], list[bool]]:
    return (
        [i18n.language_name(language) for language in LANGUAGES],
        [i18n.language_name_in("de", language) for language in LANGUAGES],
        [i18n.is_rtl(language) for language in LANGUAGES],
    )


def count_cldr_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the locales parsed for their CLDR data from now on."""
    parsed: list[str] = []
    real = Locale.parse

    def counted(identifier: object, *args: object, **kwargs: object) -> Locale:
        parsed.append(str(identifier))
        return real(identifier, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Locale, "parse", counted)
    return parsed


def test_a_restart_takes_the_names_from_the_cache_folder_without_reading_cldr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    i18n.remember_languages(LANGUAGES, tmp_path)
    first = facts()
    assert len(list(tmp_path.glob("names-*.json"))) == 1
    forget()
    parsed = count_cldr_reads(monkeypatch)
    i18n.remember_languages(LANGUAGES, tmp_path)
    assert facts() == first
    assert parsed == []
    assert first[0][1:4] == ["English", "Türkçe", "العربية"]
    assert first[1][2] == "Almanca"
    assert first[2] == [False, False, False, True, False, False, True, False]


def test_without_a_cache_folder_the_names_come_from_cldr(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = count_cldr_reads(monkeypatch)
    i18n.remember_languages(("de", "ar"), None)
    assert i18n.language_name("ar") == "العربية"
    assert i18n.is_rtl("ar")
    assert parsed


def test_a_damaged_names_file_is_ignored_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    i18n.remember_languages(LANGUAGES, tmp_path)
    expected = facts()
    (stored,) = tmp_path.glob("names-*.json")
    stored.write_text('{"key": 1, "names": [', encoding="utf-8")
    forget()
    with caplog.at_level(logging.WARNING):
        i18n.remember_languages(LANGUAGES, tmp_path)
    assert "unusable" in caplog.text
    assert facts() == expected
