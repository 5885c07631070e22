"""Group kept unanswered questions by similarity, so staff see which entries are missing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, utils

DEFAULT_SIMILARITY = 70.0


@dataclass(frozen=True, slots=True)
class SimilarGroup:
    """Questions that say roughly the same; the first is the most typical."""

    texts: tuple[str, ...]

    @property
    def size(self) -> int:
        """Return how many questions the group holds."""
        return len(self.texts)


def group_similar(
    texts: Iterable[str], min_similarity: float = DEFAULT_SIMILARITY
) -> list[SimilarGroup]:
    """Cluster texts greedily by token-set similarity; largest groups first."""
    groups: list[list[str]] = []
    heads: list[str] = []
    for text in sorted(texts, key=len):
        best, best_score = -1, min_similarity
        for index, head in enumerate(heads):
            score = fuzz.token_set_ratio(text, head, processor=utils.default_process)
            if score >= best_score:
                best, best_score = index, score
        if best < 0:
            heads.append(text)
            groups.append([text])
        else:
            groups[best].append(text)
    result = [SimilarGroup(tuple(g)) for g in groups]
    return sorted(result, key=lambda g: (-g.size, g.texts[0]))
