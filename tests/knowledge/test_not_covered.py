"""faq/not-covered.yaml: kinds of questions the centre does not answer, checked like entries."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kiz_bot.knowledge.loader import load_catalogue
from kiz_bot.knowledge.problems import Problem, Severity
from tests.knowledge.minifaq import write_faq

TODAY = date(2026, 11, 25)

NOT_COVERED = """\
# Questions outside the centre's work.
not_covered:
  - id: housing
    partners: [school-office]
    texts:
      de: [Wohnung mieten, Wohngeld beantragen]
      en:
        - renting a flat
        - housing benefit
"""


def load(tmp_path: Path, text: str) -> tuple[object, list[Problem]]:
    catalogue, problems = load_catalogue(
        write_faq(tmp_path, **{"not-covered.yaml": text}), today=TODAY
    )
    return catalogue, list(problems)


def test_not_covered_kinds_load_with_examples_and_partners(tmp_path: Path) -> None:
    catalogue, problems = load(tmp_path, NOT_COVERED)
    assert [p for p in problems if p.severity is Severity.ERROR] == []
    assert catalogue is not None
    kind = catalogue.not_covered_kind("housing")  # type: ignore[attr-defined]
    assert kind.examples["en"] == ("renting a flat", "housing benefit")
    assert kind.partners == ("school-office",)
    assert kind.source.file == "not-covered.yaml"
    assert kind.source.line == 3
    # Not an entry: no topic menu, no export, no statistics topic.
    assert catalogue.entry("housing") is None  # type: ignore[attr-defined]


def test_unknown_partner_and_key_name_file_and_line(tmp_path: Path) -> None:
    broken = NOT_COVERED.replace("[school-office]", "[housing-office]").replace(
        "    texts:", "    answer: no\n    texts:"
    )
    catalogue, problems = load(tmp_path, broken)
    assert catalogue is None
    found = {(p.code, p.file, p.line) for p in problems if p.severity is Severity.ERROR}
    assert found == {
        ("unknown-partner", "not-covered.yaml", 4),
        ("unknown-key", "not-covered.yaml", 5),
    }


def test_an_id_used_by_an_entry_is_a_duplicate(tmp_path: Path) -> None:
    catalogue, problems = load(tmp_path, NOT_COVERED.replace("id: housing", "id: school-enrolment"))
    assert catalogue is None
    assert [(p.code, p.file) for p in problems if p.severity is Severity.ERROR] == [
        ("duplicate-id", "not-covered.yaml")
    ]


def test_missing_language_is_a_warning_and_a_wrong_one_an_error(tmp_path: Path) -> None:
    _, problems = load(tmp_path, NOT_COVERED.replace("      en:", "      fr:"))
    codes = {(p.code, p.severity) for p in problems}
    assert ("language", Severity.ERROR) in codes
    assert ("missing-translation", Severity.WARNING) in codes


def test_a_file_without_the_list_is_an_error(tmp_path: Path) -> None:
    catalogue, problems = load(tmp_path, "not_covred: []\n")
    assert catalogue is None
    assert [p.code for p in problems if p.severity is Severity.ERROR] == ["missing-field"]
