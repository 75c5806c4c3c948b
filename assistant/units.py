"""Recommendations scored as whole units, next to the passages.

A person's question seldom shares its words with one passage; it often matches what a
recommendation is about as a whole: its title, its text and sub-points, its theme, the names of
its best practices and the passages that set it out. Each recommendation is therefore one
document of its own keyword index (bm25s over that text, the title counted twice) and gets a
dense score (the best stored passage vector of the recommendation against the question's
vector). The retriever fuses these unit rankings with its passage rankings (``retrieve.py``).

Measured on the train split of ``eval/cases.jsonl`` (the right recommendation among the first
three units ranked): keyword over recommendations 0.77, dense 0.82, both fused 0.89; the
passage ranking alone gave 0.63 (docs/retrieval.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from assistant.index import Index
from corpus.records import Chunk, Recommendation
from ingest.text import tokenize

__all__ = ["RecommendationUnits", "UnitScores"]

TITLE_REPEAT = 2  # the title counts twice (once: 0.85, twice: 0.86, three times: 0.86 on train)


@dataclass(frozen=True)
class UnitScores:
    keyword: dict[str, float]  # rec id → bm25 score of the recommendation as a whole
    dense: dict[str, float]  # rec id → best cosine of its passages
    passages: dict[str, tuple[int, ...]]  # rec id → its allowed chunk positions, best dense first


class RecommendationUnits:
    """The recommendations of one index version as retrieval units."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.recommendations: tuple[Recommendation, ...] = index.catalogue.recommendations

    @cached_property
    def rows(self) -> dict[str, tuple[int, ...]]:
        """Chunk positions of each recommendation of the catalogue, in reading order."""
        known = {r.rec_id for r in self.recommendations}
        rows: dict[str, list[int]] = defaultdict(list)
        for i, chunk in enumerate(self.index.chunks):
            if chunk.recommendation_id in known:
                rows[chunk.recommendation_id].append(i)
        return {rec_id: tuple(found) for rec_id, found in rows.items()}

    @cached_property
    def sizes(self) -> dict[str, int]:
        """How many passages each recommendation has."""
        return {rec_id: len(rows) for rec_id, rows in self.rows.items()}

    @cached_property
    def keyword(self) -> Any:  # bm25s.BM25 over one text per recommendation; None without any
        import bm25s

        if not self.recommendations:
            return None
        retriever = bm25s.BM25()
        retriever.index(tokenize([self.text(r) for r in self.recommendations]), show_progress=False)
        return retriever

    def text(self, rec: Recommendation) -> str:
        """What a recommendation is about as a whole."""
        practices = {bp.bp_id: bp.name for bp in self.index.catalogue.best_practices}
        names = [practices[b] for b in rec.best_practices if b in practices]
        passages = [self.index.chunks[i].text for i in self.rows.get(rec.rec_id, ())]
        return " ".join(
            [*[rec.title] * TITLE_REPEAT, rec.body_title, rec.text, *rec.points, rec.theme, *names, *passages]
        )

    def score(
        self, keyword_text: str, vector: np.ndarray | None, allowed: Callable[[Chunk], bool], dense: dict[int, float]
    ) -> UnitScores:
        """Each allowed recommendation's keyword and dense score. Without stored vectors (an old
        index version), a recommendation's dense score is its best passage among ``dense``."""
        chunks = self.index.chunks
        passages = {rec_id: tuple(i for i in rows if allowed(chunks[i])) for rec_id, rows in self.rows.items()}
        passages = {rec_id: rows for rec_id, rows in passages.items() if rows}
        similarity = self._similarities(vector, dense)
        ordered = {
            rec_id: tuple(sorted(rows, key=lambda i: (-similarity.get(i, 0.0), i))) for rec_id, rows in passages.items()
        }
        dense_units = {
            rec_id: round(similarity[rows[0]], 6) for rec_id, rows in ordered.items() if rows[0] in similarity
        }
        return UnitScores(self._keyword(keyword_text, set(passages)), dense_units, ordered)

    def _similarities(self, vector: np.ndarray | None, dense: dict[int, float]) -> dict[int, float]:
        vectors = self.index.vectors
        if vector is None or vectors is None:
            return dense
        rows = [i for rec_rows in self.rows.values() for i in rec_rows]
        sims = vectors[rows] @ np.asarray(vector, dtype=vectors.dtype)
        return {i: float(s) for i, s in zip(rows, sims, strict=True)}

    def _keyword(self, keyword_text: str, wanted: set[str]) -> dict[str, float]:
        tokens = tokenize([keyword_text])
        if not tokens.vocab or self.keyword is None:
            return {}
        docs, scores = self.keyword.retrieve(tokens, k=len(self.recommendations), show_progress=False)
        result = {}
        for j, s in zip(docs[0], scores[0], strict=False):
            rec_id = self.recommendations[int(j)].rec_id
            if s > 0 and rec_id in wanted:
                result[rec_id] = round(float(s), 6)
        return result
