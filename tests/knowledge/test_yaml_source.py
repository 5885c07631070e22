"""The YAML reader keeps line numbers, reads YAML 1.2 scalars and refuses duplicate keys."""

from __future__ import annotations

from datetime import date

import pytest

from kiz_bot.knowledge.yaml_source import MarkedMap, MarkedSeq, YamlSyntaxError, line_of, read_yaml

TEXT = """\
# a comment
topic: school
entries:
  - id: first
    partners: [a, b]
    texts:
      de:
        question: Wie?
  - id: second
"""


def test_mappings_and_sequences_remember_their_lines() -> None:
    data = read_yaml(TEXT)
    assert isinstance(data, MarkedMap)
    assert line_of(data, "entries") == 3
    entries = data["entries"]
    assert isinstance(entries, MarkedSeq)
    assert [line_of(entries, i) for i in range(len(entries))] == [4, 9]
    first = entries[0]
    assert line_of(first) == 4
    assert line_of(first, "partners") == 5
    assert line_of(first["texts"]["de"], "question") == 8


def test_unknown_key_falls_back_to_the_line_of_the_mapping() -> None:
    first = read_yaml(TEXT)["entries"][0]
    assert line_of(first, "no-such-key") == 4
    assert line_of("plain text") == 1


@pytest.mark.parametrize("word", ["no", "No", "yes", "on", "off", "y", "n"])
def test_yaml_1_1_booleans_stay_text(word: str) -> None:
    assert read_yaml(f"- {word}") == [word]


def test_true_false_dates_and_numbers_resolve() -> None:
    data = read_yaml("a: true\nb: False\nc: 2026-11-25\nd: 12\ne: 1.5\n")
    assert data == {"a": True, "b": False, "c": date(2026, 11, 25), "d": 12, "e": 1.5}


@pytest.mark.parametrize("text", ["1:30", "0212", "0212 290 2225", "0x1F", "1_000"])
def test_sexagesimal_octal_and_phone_like_values_stay_text(text: str) -> None:
    assert read_yaml(f"value: {text}") == {"value": text}


def test_duplicate_key_is_an_error_at_its_line() -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        read_yaml("id: a\nquestion: x\nid: b\n")
    assert caught.value.line == 3
    assert "duplicate key 'id'" in caught.value.reason


def test_broken_indentation_names_the_line() -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        read_yaml("entries:\n  - id: a\n    partners: [x]\n   texts: {}\n")
    assert caught.value.line == 4


def test_a_mapping_as_key_is_refused() -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        read_yaml("? {a: 1}\n: value\n")
    assert "plain text" in caught.value.reason


def test_control_characters_are_refused_with_their_line() -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        read_yaml("a: ok\nb: bad\x07\n")
    assert caught.value.line == 2
