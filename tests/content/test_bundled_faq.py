"""The bundled Solingen knowledge base: complete, consistent, and free of invented facts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiz_bot.knowledge.export import export
from kiz_bot.knowledge.loader import load_catalogue
from kiz_bot.knowledge.model import Catalogue
from kiz_bot.knowledge.problems import Severity
from kiz_bot.matching.index import MatchIndex
from kiz_bot.matching.result import Confidence
from kiz_bot.settings import BUNDLED_FAQ_DIR

LANGUAGES = ("de", "en", "tr", "ar", "uk", "ru", "fa", "pl")
# The entry ids of KNOWLEDGE-BASE.md, by topic.
REQUIRED = {
    "early-childhood": ["kita-registration", "kita-right", "kita-fees", "childminder",
                        "early-language-programmes"],
    "school": ["school-enrolment-newcomers", "compulsory-schooling", "school-system",
               "primary-school-registration", "language-support-school",
               "heritage-language-classes", "all-day-care", "parents-and-school",
               "school-certificate-recognition", "tutoring-homework-help", "disability-inclusion"],
    "language": ["integration-course", "integration-course-costs", "job-language-course",
                 "parent-language-courses", "language-certificates"],
    "training": ["apprenticeship-basics", "apprenticeship-search", "vocational-school-pathways",
                 "internship", "training-funding", "training-residence"],
    "recognition-work": ["qualification-recognition", "recognition-costs", "job-search-help",
                         "work-permission"],
    "higher-education": ["university-admission", "study-funding", "degree-recognition-academic"],
    "funding": ["education-package", "child-benefit", "school-transport"],
    "counselling": ["migration-counselling-adults", "youth-migration-service", "interpreter-help",
                    "integration-centre-contact", "anti-discrimination", "clubs-and-volunteering"],
}  # fmt: skip
REQUIRED_PARTNERS = {
    "integration-centre", "migration-counselling-adults", "youth-migration-service",
    "employment-agency", "job-centre", "adult-education-centre", "bamf",
    "recognition-counselling", "district-government", "youth-welfare-office", "school-office",
    "immigration-office", "family-benefits-office", "university-international-office",
    "chamber-of-commerce", "chamber-of-crafts", "anti-discrimination-service",
}  # fmt: skip
# The only phone numbers KNOWLEDGE-BASE.md gives; the second one was reported later.
KNOWN_PHONES = {"02122902225", "02122902601"}
PHONE = re.compile(r"(?<!\d)(?:\+49|0)[\d /()-]{6,}\d")
EURO = re.compile(r"\d[\d.,]*\s*(?:€|euro|eur\b)", re.IGNORECASE)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    found, _ = load_catalogue(BUNDLED_FAQ_DIR)
    assert found is not None
    return found


def test_bundled_faq_validates_without_errors() -> None:
    _, problems = load_catalogue(BUNDLED_FAQ_DIR)
    assert [str(p) for p in problems if p.severity is Severity.ERROR] == []


def test_export_lists_every_required_entry_in_all_languages(catalogue: Catalogue) -> None:
    exported = {item["id"]: item for item in export(catalogue)}
    for topic, ids in REQUIRED.items():
        for entry_id in ids:
            item = exported[entry_id]
            assert item["topic"] == topic
            texts = item["texts"]
            assert isinstance(texts, dict)
            assert tuple(texts) == LANGUAGES
            for language, text in texts.items():
                assert len(text["alternatives"]) >= 5, (entry_id, language)
                assert text["answer"].strip(), (entry_id, language)
            assert 1 <= len(item["partners"]) <= 3, entry_id  # type: ignore[arg-type]


def test_every_partner_reference_exists_and_required_partners_are_there(
    catalogue: Catalogue,
) -> None:
    ids = {p.id for p in catalogue.partners}
    assert ids >= REQUIRED_PARTNERS
    for entry in catalogue.entries:
        assert set(entry.partners) <= ids


def test_topics_have_names_and_emoji_in_every_language(catalogue: Catalogue) -> None:
    assert [t.id for t in catalogue.topics] == list(REQUIRED)
    for topic in catalogue.topics:
        assert topic.emoji
        assert set(topic.names) == set(LANGUAGES)


def _texts(catalogue: Catalogue) -> list[tuple[str, str]]:
    found = []
    for entry in catalogue.entries:
        for language, text in entry.texts.items():
            found.append((f"{entry.id} ({language})", text.answer))
    for partner in catalogue.partners:
        found += [(partner.id, f"{t.name} {t.helps_with}") for t in partner.texts.values()]
        found.append((partner.id, partner.phone or ""))
    return found


def test_no_invented_phone_numbers(catalogue: Catalogue) -> None:
    for where, text in _texts(catalogue):
        for number in PHONE.findall(text):
            digits = re.sub(r"\D", "", number)
            if len(digits) >= 7:
                assert digits in KNOWN_PHONES, f"{where}: phone number {number!r} is not known"


def test_reported_phone_number_is_marked_for_review(catalogue: Catalogue) -> None:
    for entry in catalogue.entries:
        answers = " ".join(t.answer for t in entry.texts.values())
        if "290 2601" in answers:
            assert entry.needs_review, entry.id
    for partner in catalogue.partners:
        if partner.phone and "2601" in partner.phone:
            assert partner.needs_review, partner.id


def test_no_euro_amounts(catalogue: Catalogue) -> None:
    for where, text in _texts(catalogue):
        assert not EURO.search(text), f"{where}: {EURO.search(text)}"


def test_team_written_translations_are_marked_unreviewed(catalogue: Catalogue) -> None:
    for entry in catalogue.entries:
        for language, text in entry.texts.items():
            if language != catalogue.source_language:
                assert not text.reviewed, (entry.id, language)


def test_every_phrasing_is_matched_to_its_own_entry(catalogue: Catalogue) -> None:
    """A phrasing must find its entry first, or at least tie closely enough to be offered."""
    index = MatchIndex.build(catalogue)
    margin = index.params.answer_margin
    collisions = []
    for entry in catalogue.entries:
        for language, text in entry.texts.items():
            for phrasing in text.phrasings:
                ranked = index.rank(phrasing, 3)
                own = [c.score for c in ranked if c.entry_id == entry.id]
                if not own or own[0] < ranked[0].score - margin:
                    winner = ranked[0].entry_id if ranked else None
                    collisions.append(f"{entry.id} ({language}): {phrasing!r} -> {winner}")
    assert collisions == []


def test_not_covered_examples_are_never_answered_with_an_entry(catalogue: Catalogue) -> None:
    """A question the centre does not cover is declined or offered as choices, never answered."""
    index = MatchIndex.build(catalogue)
    assert len(catalogue.not_covered) >= 5
    answered = []
    for kind in catalogue.not_covered:
        assert set(kind.examples) == set(catalogue.languages), kind.id
        for language, examples in kind.examples.items():
            for example in examples:
                result = index.match(example)
                if result.confidence is Confidence.ANSWER:
                    answered.append(f"{kind.id} ({language}): {example!r} -> {result.best}")
    assert answered == []


def test_bundled_folder_is_the_package_default() -> None:
    assert Path(BUNDLED_FAQ_DIR, "topics.yaml").is_file()
