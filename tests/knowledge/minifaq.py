"""A small, valid knowledge base written into a folder, for tests that break one thing."""

from __future__ import annotations

from pathlib import Path

TOPICS = """\
languages: [de, en]
topics:
  - id: school
    emoji: "🏫"
    names:
      de: Schule
      en: School
"""

PARTNERS = """\
partners:
  - id: school-office
    website: https://www.solingen.de
    needs_review: false
    texts:
      de:
        name: Schulamt
        helps_with: Schulplätze
      en:
        name: School office
        helps_with: School places
"""

SCHOOL = """\
topic: school
entries:
  - id: school-enrolment
    partners: [school-office]
    last_reviewed: {today}
    texts:
      de:
        reviewed: true
        question: Wie melde ich mein Kind in der Schule an?
        alternatives:
          - Schulplatz finden
          - Schule anmelden
        keywords: [Schule, Anmeldung]
        answer: |
          Das <b>Schulamt</b> hilft.
        links: [https://www.solingen.de]
      en:
        reviewed: true
        question: How do I enrol my child in school?
        alternatives: [find a school place, register for school]
        keywords: [school, enrolment]
        answer: The <b>school office</b> helps.
"""


def write_faq(folder: Path, today: str = "2026-11-01", **files: str) -> Path:
    """Write the small knowledge base, with any file replaced by the given text."""
    folder.mkdir(parents=True, exist_ok=True)
    contents = {"topics.yaml": TOPICS, "partners.yaml": PARTNERS, "school.yaml": SCHOOL}
    contents.update(
        {
            name.replace("_", ".", 1) if "." not in name else name: text
            for name, text in files.items()
        }
    )
    for name, text in contents.items():
        (folder / name).write_text(text.replace("{today}", today), encoding="utf-8")
    return folder
