from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kiz_bot.knowledge.loader import load_catalogue, require_catalogue
from kiz_bot.knowledge.problems import KnowledgeError, Problem, Severity
from tests.knowledge.minifaq import SCHOOL, write_faq

TODAY = date(2026, 11, 25)


def problems_of(folder: Path, code: str) -> list[Problem]:
    _, problems = load_catalogue(folder, today=TODAY)
    return [p for p in problems if p.code == code]


def errors_of(folder: Path) -> list[Problem]:
    _, problems = load_catalogue(folder, today=TODAY)
    return [p for p in problems if p.severity is Severity.ERROR]


def test_valid_knowledge_base_loads_without_errors(tmp_path: Path) -> None:
    catalogue, problems = load_catalogue(write_faq(tmp_path), today=TODAY)
    assert catalogue is not None
    assert [p for p in problems if p.severity is Severity.ERROR] == []
    entry = catalogue.entry("school-enrolment")
    assert entry is not None
    assert entry.texts["de"].alternatives == ("Schulplatz finden", "Schule anmelden")
    assert entry.partners == ("school-office",)
    assert catalogue.languages == ("de", "en")
    assert catalogue.partner("school-office") is not None


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    broken = SCHOOL.replace("    partners: [school-office]", "   partners: [school-office]")
    found = errors_of(write_faq(tmp_path, **{"school.yaml": broken}))
    assert [(p.file, p.code) for p in found] == [("school.yaml", "yaml")]
    assert found[0].line in {4, 5}


def test_unknown_key_is_an_error_on_its_line(tmp_path: Path) -> None:
    typo = SCHOOL.replace("        answer: |", "        anwser: |", 1)
    found = problems_of(write_faq(tmp_path, **{"school.yaml": typo}), "unknown-key")
    assert len(found) == 1
    assert found[0].line == 14
    assert "anwser" in found[0].message


def test_duplicate_entry_id_across_files_is_an_error(tmp_path: Path) -> None:
    copy = SCHOOL.replace("{today}", "2026-11-01")
    found = problems_of(write_faq(tmp_path, **{"more.yaml": copy}), "duplicate-id")
    assert len(found) == 1
    assert found[0].file == "school.yaml"
    assert "more.yaml:3" in found[0].message


def test_unknown_partner_reference_is_an_error(tmp_path: Path) -> None:
    wrong = SCHOOL.replace("[school-office]", "[school-offce]")
    found = problems_of(write_faq(tmp_path, **{"school.yaml": wrong}), "unknown-partner")
    assert [(p.file, p.line) for p in found] == [("school.yaml", 4)]


def test_unknown_topic_is_an_error(tmp_path: Path) -> None:
    wrong = SCHOOL.replace("topic: school", "topic: schools")
    assert problems_of(write_faq(tmp_path, **{"school.yaml": wrong}), "unknown-topic")


def test_missing_question_is_an_error(tmp_path: Path) -> None:
    wrong = SCHOOL.replace("        question: How do I enrol my child in school?\n", "")
    found = problems_of(write_faq(tmp_path, **{"school.yaml": wrong}), "missing-field")
    assert len(found) == 1
    assert "question" in found[0].message


def test_empty_answer_is_an_error(tmp_path: Path) -> None:
    wrong = SCHOOL.replace("answer: The <b>school office</b> helps.", 'answer: ""')
    assert problems_of(write_faq(tmp_path, **{"school.yaml": wrong}), "empty")


def test_answer_too_long_for_telegram_is_an_error(tmp_path: Path) -> None:
    long_answer = "answer: " + "Sehr lang. " * 400
    wrong = SCHOOL.replace("answer: The <b>school office</b> helps.", long_answer)
    assert problems_of(write_faq(tmp_path, **{"school.yaml": wrong}), "too-long")


@pytest.mark.parametrize(
    "answer",
    ["The <b>office helps.", "The <script>x</script> office", "Fish & chips", "<a>link</a>"],
)
def test_invalid_html_in_answer_is_an_error(tmp_path: Path, answer: str) -> None:
    wrong = SCHOOL.replace("answer: The <b>school office</b> helps.", f'answer: "{answer}"')
    assert problems_of(write_faq(tmp_path, **{"school.yaml": wrong}), "html")


def test_allowed_html_and_escaped_ampersand_pass(tmp_path: Path) -> None:
    good = SCHOOL.replace(
        "answer: The <b>school office</b> helps.",
        'answer: "<i>School</i> &amp; <a href=\\"https://www.solingen.de\\">office</a>"',
    )
    assert problems_of(write_faq(tmp_path, **{"school.yaml": good}), "html") == []


def test_language_outside_configured_set_is_an_error(tmp_path: Path) -> None:
    extra = SCHOOL + "      xx:\n        question: q\n        answer: a\n"
    found = problems_of(write_faq(tmp_path, **{"school.yaml": extra}), "language")
    assert [p.line for p in found] == [23]


def test_missing_translation_is_a_warning_only(tmp_path: Path) -> None:
    topics = (
        "languages: [de, en, tr]\ntopics:\n  - id: school\n    names: {de: Schule, en: School}\n"
    )
    folder = write_faq(tmp_path, **{"topics.yaml": topics})
    found = problems_of(folder, "missing-translation")
    assert found
    assert all(p.severity is Severity.WARNING for p in found)
    assert errors_of(folder) == []


def test_unreviewed_text_is_a_warning(tmp_path: Path) -> None:
    wrong = SCHOOL.replace("reviewed: true", "reviewed: false", 1)
    found = problems_of(write_faq(tmp_path, **{"school.yaml": wrong}), "unreviewed")
    assert [p.severity for p in found] == [Severity.WARNING]
    assert "de" in found[0].message
    assert problems_of(write_faq(tmp_path / "ok"), "unreviewed") == []


def test_needs_review_is_a_warning(tmp_path: Path) -> None:
    flagged = SCHOOL.replace(
        "    partners:", "    needs_review: address not confirmed\n    partners:"
    )
    found = problems_of(write_faq(tmp_path, **{"school.yaml": flagged}), "needs-review")
    assert [p.severity for p in found] == [Severity.WARNING]


def test_last_reviewed_older_than_a_year_is_a_warning(tmp_path: Path) -> None:
    assert problems_of(write_faq(tmp_path / "old", today="2025-01-01"), "stale")
    assert problems_of(write_faq(tmp_path / "new", today="2026-06-01"), "stale") == []


def test_all_four_classic_mistakes_are_reported_at_once(tmp_path: Path) -> None:
    broken = SCHOOL.replace("[school-office]", "[nobody]").replace("anwser", "answer")
    broken = broken.replace("        answer: |", "        anwser: |", 1)
    bad_yaml = "topic: school\nentries:\n  - id: x\n   partners: []\n"
    folder = write_faq(
        tmp_path,
        **{
            "school.yaml": broken,
            "dup.yaml": SCHOOL.replace("{today}", "2026-11-01"),
            "bad.yaml": bad_yaml,
        },
    )
    codes = {p.code for p in errors_of(folder)}
    assert {"yaml", "duplicate-id", "unknown-key", "unknown-partner"} <= codes


def test_require_catalogue_raises_with_every_problem(tmp_path: Path) -> None:
    wrong = SCHOOL.replace("[school-office]", "[nobody]")
    with pytest.raises(KnowledgeError) as caught:
        require_catalogue(write_faq(tmp_path, **{"school.yaml": wrong}), today=TODAY)
    assert any(p.code == "unknown-partner" for p in caught.value.problems)


def test_missing_folder_is_reported_not_raised(tmp_path: Path) -> None:
    catalogue, problems = load_catalogue(tmp_path / "nowhere")
    assert catalogue is None
    assert problems[0].code == "missing-file"
