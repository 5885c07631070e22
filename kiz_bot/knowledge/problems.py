"""Problems found in the knowledge base, each with file and line, for staff to fix."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    """Errors stop a knowledge base from loading; warnings are shown to staff."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding: where it is and what to do about it."""

    severity: Severity
    file: str
    line: int
    message: str
    code: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity}: {self.message} [{self.code}]"

    def as_dict(self) -> dict[str, object]:
        """Return the problem as plain data for --json output."""
        return asdict(self)


class KnowledgeError(Exception):
    """The knowledge base has errors and cannot be used."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity is Severity.ERROR]
        first = f": {errors[0]}" if errors else ""
        super().__init__(f"the knowledge base has {len(errors)} error(s){first}")


def errors_in(problems: tuple[Problem, ...]) -> tuple[Problem, ...]:
    """Return only the errors."""
    return tuple(p for p in problems if p.severity is Severity.ERROR)
