"""What the matcher says about a question."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Confidence(StrEnum):
    """How sure the matcher is: answer, offer choices, or admit it does not know."""

    ANSWER = "answer"
    CHOICES = "choices"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Candidate:
    """One entry that may answer the question, with the phrasing language that matched best."""

    entry_id: str
    score: float
    language: str


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The ranked candidates and the calibrated decision.

    `declined` is the kind of out-of-scope question (faq/not-covered.yaml) that matched
    better than every entry; the candidates are entries only.
    """

    confidence: Confidence
    candidates: tuple[Candidate, ...]
    declined: Candidate | None = None

    @property
    def best(self) -> Candidate | None:
        """Return the best candidate, if any."""
        return self.candidates[0] if self.candidates else None
