"""Deterministic metrics over ranked passages and answers."""

from __future__ import annotations

from collections.abc import Sequence

from corpus.records import Chunk
from eval.cases import Case
from ingest.clean import fold


def belongs(rec_id: str | None, expected: Sequence[str]) -> bool:
    """A passage of recommendation "doc:1.3" belongs to expected "doc:1.3" and to its main "doc:1"."""
    if not rec_id:
        return False
    return any(rec_id == e or rec_id.startswith(e + ".") for e in expected)


def relevant(chunk: Chunk, case: Case) -> bool:
    """A passage counts when it belongs to an expected recommendation or contains an expected phrase."""
    if belongs(chunk.recommendation_id, case.expected_recommendations):
        return True
    if (
        case.expected_best_practices
        and chunk.best_practice
        and any(
            fold(bp) in fold(chunk.best_practice) or fold(chunk.best_practice) in fold(bp)
            for bp in case.expected_best_practices
        )
    ):
        return True
    text = fold(chunk.text)
    return any(fold(phrase) in text for phrase in case.must_contain)


def first_relevant_rank(chunks: Sequence[Chunk], case: Case) -> int | None:
    for rank, chunk in enumerate(chunks, start=1):
        if relevant(chunk, case):
            return rank
    return None


def hit_at(rank: int | None, k: int) -> float:
    return 1.0 if rank is not None and rank <= k else 0.0


def reciprocal_rank(rank: int | None, cutoff: int = 10) -> float:
    return 1.0 / rank if rank is not None and rank <= cutoff else 0.0
