"""The cut-down language model kept on disk: read back identical, ignored when damaged."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from py3langid.langid import LanguageIdentifier

from kiz_bot.matching.language import LanguageDetector

LANGUAGES = ("de", "en", "tr", "ar", "uk", "ru", "fa", "pl")
MESSAGES = (
    "Wie melde ich mein Kind in der Kita an?",
    "how do I get my diploma recognised",
    "çocuğum için okul kaydı nasıl yapılır",
    "كيف أسجل طفلي في المدرسة",
    "Як записати дитину до школи?",
    "как записать ребенка в школу",
    "چطور بچه ام را در مدرسه ثبت نام کنم",
    "Jak zapisać dziecko do przedszkola?",
)


def detections(detector: LanguageDetector) -> list[tuple[str | None, float]]:
    return [(d.language, d.probability) for d in map(detector.detect, MESSAGES)]


def count_unpackings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the loads of py3langid's packaged model from now on."""
    unpackings: list[int] = []
    real = LanguageIdentifier.from_model_file.__func__

    def counted(cls: type[LanguageIdentifier], /, *args: object, **kwargs: object) -> object:
        unpackings.append(1)
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(LanguageIdentifier, "from_model_file", classmethod(counted))
    return unpackings


def test_a_second_start_reads_the_model_from_disk_and_detects_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    unpackings = count_unpackings(monkeypatch)
    first = detections(LanguageDetector(LANGUAGES, cache=tmp_path))
    second = detections(LanguageDetector(LANGUAGES, cache=tmp_path))
    assert unpackings == [1]
    assert len(list(tmp_path.glob("language-*.npz"))) == 1
    assert second == first
    assert [language for language, _ in first] == list(LANGUAGES)


def test_other_languages_get_their_own_model_which_replaces_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    unpackings = count_unpackings(monkeypatch)
    LanguageDetector(LANGUAGES, cache=tmp_path).warm_up()
    before = set(tmp_path.glob("language-*.npz"))
    fewer = LanguageDetector(("de", "en"), cache=tmp_path)
    assert fewer.detect("how do I get my diploma recognised").language == "en"
    assert unpackings == [1, 1]
    after = set(tmp_path.glob("language-*.npz"))
    assert len(after) == 1
    assert after != before


def test_a_damaged_model_file_is_ignored_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    expected = detections(LanguageDetector(LANGUAGES, cache=tmp_path))
    (stored,) = tmp_path.glob("language-*.npz")
    stored.write_bytes(stored.read_bytes()[:5000])
    unpackings = count_unpackings(monkeypatch)
    with caplog.at_level(logging.WARNING):
        again = detections(LanguageDetector(LANGUAGES, cache=tmp_path))
    assert unpackings == [1]
    assert "unusable" in caplog.text
    assert again == expected


def test_a_cache_folder_that_cannot_be_written_costs_nothing_but_time(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        found = detections(LanguageDetector(LANGUAGES, cache=blocked))
    assert "could not write the language model" in caplog.text
    assert found == detections(LanguageDetector(LANGUAGES))
    assert not list(tmp_path.glob("**/*.tmp"))
