"""Deterministic metrics over ranked passages and answers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from corpus.records import Chunk
from eval.cases import Case
from ingest.text import fold


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


# --- citation quality of generated answers (ALCE, Gao et al. 2023) ---------------------------------

Supports = Callable[[int, Sequence[int]], bool]  # (statement, 0-based passages read together) -> supported?


@dataclass(frozen=True)
class Statement:
    """One sentence of an answer and the passages it cites (1-based numbers; unknown ones included)."""

    text: str
    cited: tuple[int, ...]


@dataclass(frozen=True)
class CitationQuality:
    recall: float | None  # share of statements whose cited passages together support them
    precision: float | None  # share of citations that support their statement or are needed for it
    statements: int
    citations: int


def citation_quality(statements: Sequence[Statement], passages: int, supports: Supports) -> CitationQuality:
    """ALCE's citation recall and precision of one answer over ``passages`` given passages.

    A statement is supported when all its citations name given passages and these, read together,
    support it (an uncited statement is not). A citation of a supported statement is precise unless
    it is *irrelevant*: it does not support the statement alone, and the other citations do without
    it. Citations of unsupported statements count as imprecise. ``None`` where nothing was counted.
    """
    supported = precise = cited = 0
    for i, statement in enumerate(statements):
        known = [n - 1 for n in statement.cited if 1 <= n <= passages]
        cited += len(statement.cited)
        if not statement.cited or len(known) < len(statement.cited) or not supports(i, known):
            continue
        supported += 1
        precise += sum(
            len(known) == 1 or supports(i, [n]) or not supports(i, [o for o in known if o != n]) for n in known
        )
    return CitationQuality(
        supported / len(statements) if statements else None,
        precise / cited if cited else None,
        len(statements),
        cited,
    )
