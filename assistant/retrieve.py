"""Hybrid retrieval: keyword (bm25s) and dense (Chroma) fused by reciprocal rank, then
aggregated by recommendation so that a recommendation whose passages rank well together beats
a stray sentence elsewhere.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from assistant.answer_type import types_in
from assistant.index import Index
from assistant.params import RetrievalParams
from assistant.query import Query, synonym_matches
from assistant.records import Evidence, Filters, Passage
from assistant.understand import WEIGHTY  # a word this weighty names the topic
from assistant.units import RecommendationUnits, UnitScores
from corpus.errors import StoreUnavailableError
from corpus.records import Chunk, ChunkKind
from ingest.embed import Embedder
from ingest.text import fold, stemmer, tokenize

_WORD = re.compile(r"[a-z0-9]+")
AGREEMENT_DEPTH = 3  # the top of each whole-unit ranking compared for agreement


class RetrievalMode(StrEnum):
    TEXT = "text"
    VECTORS = "vectors"
    HYBRID = "hybrid"


@dataclass(frozen=True)
class Retrieval:
    passages: tuple[Passage, ...]  # ranked evidence: the best passage of each unit, best unit first
    evidence: Evidence
    groups: dict[str, tuple[Passage, ...]] = field(default_factory=dict)  # every candidate passage per unit
    pointed: str = ""  # the recommendation a follow-up points at in the previous answer's list ("die laatste")


class HybridRetriever:
    def __init__(
        self,
        index: Index,
        embedder: Embedder,
        mode: RetrievalMode = RetrievalMode.HYBRID,
        params: RetrievalParams | None = None,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.mode = mode
        self.params = params or RetrievalParams()
        self.units = RecommendationUnits(index)

    def retrieve(
        self,
        query: Query,
        filters: Filters | None = None,
        whole_units: bool = True,
        prefer: Sequence[str] = (),
        bonus: float = 0.0,
    ) -> Retrieval:
        """``whole_units``: recommendations scored as wholes join the ranking, and sections about how
        an advisory came about are left out (both off for a fact question, which background passages
        answer as often as recommendations). ``prefer``: recommendations (a conversation's previous
        answer) whose score is raised by ``bonus`` times a first place in one ranking."""
        filters = filters or Filters()
        allowed = _predicate(filters)
        vector = self.embedder.query(query.dense_text) if self.mode is not RetrievalMode.TEXT else None
        dense = self._dense(vector, allowed) if vector is not None else {}
        keyword = self._keyword(query, allowed) if self.mode is not RetrievalMode.VECTORS else {}
        weights = (dense_confidence(dense, self.params), keyword_confidence(keyword, self.params))
        fused = rrf([_ranked(dense), _ranked(keyword)], weights, self.params.rrf_k)
        units = self.units.score(query.keyword_text if keyword or not dense else "", vector, allowed, dense)
        fused_units = units if whole_units else UnitScores({}, {}, {})
        preferred = {rec_id: bonus / (self.params.rrf_k + 1) for rec_id in prefer if rec_id in units.passages}
        passages, groups = self._grouped(
            fused, dense, keyword, weights, fused_units, bool(_ASKS_META.search(fold(query.text))), preferred
        )
        return Retrieval(tuple(passages[: self.params.top_k]), self._evidence(query, dense, keyword, units), groups)

    def _dense(self, query_vector: Any, allowed: Any) -> dict[int, float]:
        n = len(self.index.chunks)
        vector = query_vector.tolist()
        try:
            result = self.index.collection.query(
                query_embeddings=[vector], n_results=min(n, self.params.candidates * 4), include=["distances"]
            )
        except Exception as exc:  # any failure of the store (server down, timeout) means the same to a user
            raise StoreUnavailableError(str(self.index.manifest.get("chroma", "embedded")), str(exc)) from exc
        scores: dict[int, float] = {}
        for chunk_id, distance in zip(result["ids"][0], result["distances"][0], strict=False):
            i = self.index.position.get(chunk_id)
            if i is not None and allowed(self.index.chunks[i]) and len(scores) < self.params.candidates:
                scores[i] = 1.0 - float(distance)
        return scores

    def _keyword(self, query: Query, allowed: Any) -> dict[int, float]:
        tokens = tokenize([query.keyword_text])
        if not tokens.vocab:
            return {}
        n = len(self.index.chunks)
        docs, scores = self.index.keyword.retrieve(tokens, k=n, show_progress=False)
        # bm25s sums a query's terms in an order that depends on the hash seed: scores are rounded
        # and ties broken by position, so the same question always gets the same ranking
        hits = sorted(((int(i), round(float(s), 6)) for i, s in zip(docs[0], scores[0], strict=False)), key=_best_first)
        result: dict[int, float] = {}
        for i, score in hits:
            if score > 0 and allowed(self.index.chunks[i]) and len(result) < self.params.candidates:
                result[i] = score
        return result

    def _grouped(
        self,
        fused: dict[int, float],
        dense: dict[int, float],
        keyword: dict[int, float],
        weights: tuple[float, float],
        units: UnitScores,
        asks_meta: bool = False,
        preferred: dict[str, float] | None = None,
    ) -> tuple[list[Passage], dict[str, tuple[Passage, ...]]]:
        """Rank recommendations (and stray passages) as units: each retriever ranks the units by
        their best passage and the unit ranks are fused, so a recommendation found by both
        retrievers (through different passages) beats a sentence only one of them likes. (Extra
        weight for a unit's further passages near the top lowered hit@1, 0.64 → 0.59: docs/retrieval.md.)"""
        groups: dict[str, list[int]] = defaultdict(list)
        for i in _ranked(fused):
            groups[self._unit(i)].append(i)
        meta = set() if asks_meta else {key for key, rows in groups.items() if _is_meta(self.index.chunks[rows[0]])}
        unit_score: dict[str, float] = defaultdict(float)
        # a unit with many passages has as many chances to hold the best one: the long chapters of
        # AI en werk's main recommendations (20-44 passages) won second places by volume
        sizes = self.units.sizes
        for scores, weight in zip((dense, keyword), weights, strict=True):
            for rank, key in enumerate(_unit_ranking(scores, self._unit), start=1):
                damping = 1 + self.params.unit_size_penalty * math.log(sizes.get(key, 1))
                unit_score[key] += weight / (self.params.rrf_k + rank) / damping
        # recommendations as wholes: their own rankings join the fusion, and a recommendation
        # that ranks high as a whole brings its best passages even when none was a candidate
        for rec_scores, weight in ((units.dense, self.params.unit_weight), (units.keyword, self.params.unit_weight)):
            for rank, (rec_id, _) in enumerate(sorted(rec_scores.items(), key=_best_unit_first), start=1):
                unit_score[rec_id] += weight / (self.params.rrf_k + rank)
                if rank <= self.params.unit_depth and rec_id not in groups:
                    groups[rec_id] = list(units.passages[rec_id][: self.params.passages_per_unit])
        for rec_id, extra in (preferred or {}).items():  # a conversation's previous answer
            unit_score[rec_id] += extra
            if rec_id not in groups and units.passages.get(rec_id):
                groups[rec_id] = list(units.passages[rec_id][: self.params.passages_per_unit])
        order = [key for key in sorted(groups, key=unit_score.__getitem__, reverse=True) if key not in meta]
        ranked, by_unit = [], {}
        for key in order:
            unit = [self._passage(i, unit_score[key], dense, keyword) for i in groups[key]]
            by_unit[key] = tuple(unit)
            ranked.extend(unit[: self.params.per_unit])
        return [replace(p, rank=n) for n, p in enumerate(ranked, start=1)], by_unit

    def _passage(self, i: int, score: float, dense: dict[int, float], keyword: dict[int, float]) -> Passage:
        return Passage(
            0, self.index.chunks[i], round(score, 6), round(dense.get(i, 0.0), 4), round(keyword.get(i, 0.0), 4)
        )

    def _evidence(
        self, query: Query, dense: dict[int, float], keyword: dict[int, float], units: UnitScores
    ) -> Evidence:
        """The strongest candidates of either retriever, whatever the fused order, and of the
        recommendations as wholes (their best scores and whether the two rankings agree)."""
        if not dense and not keyword:
            return Evidence(0.0, 0.0, 0.0)
        top_keyword = max(keyword.values(), default=0.0) or 1.0
        strength = {i: dense.get(i, 0.0) + keyword.get(i, 0.0) / top_keyword for i in set(dense) | set(keyword)}
        best = sorted(strength, key=strength.__getitem__, reverse=True)[: self.params.evidence_depth]
        # no recommendation to score (a report without any, or filtered out): its passages are its units
        whole: tuple[dict[Any, float], dict[Any, float]] = (
            (units.dense, units.keyword) if units.passages else (dense, keyword)
        )
        return Evidence(
            dense=max(dense.values(), default=0.0),
            keyword=max(keyword.values(), default=0.0),
            coverage=coverage(query, [self.index.chunks[i] for i in best], self.index),
            unit_dense=max(whole[0].values(), default=0.0),
            unit_keyword=max(whole[1].values(), default=0.0),
            agreement=_top_overlap(*whole),
            idf_scale=math.log(1 + len(self.index.chunks)),
            answer_types=frozenset(map(str, types_in(_naming_topic(query, [self.index.chunks[i].text for i in best])))),
        )

    def _unit(self, i: int) -> str:
        chunk = self.index.chunks[i]
        return chunk.recommendation_id or chunk.chunk_id


# How an advisory came about (the request for advice, the making of it): background about the
# advice itself, never an answer unless the question asks about it (or asks a fact, "wanneer was
# de expertmeeting?", which only those sections hold).
_META_SECTION = re.compile(r"\badviesaanvraag\b|\btotstandkoming\b|\bverantwoording\b")
_ASKS_META = re.compile(
    r"adviesaanvraag|aanvraag|totstandkoming|tot stand|waarom (?:dit|het) advies|wie heeft|request for advice"
)


def _is_meta(chunk: Chunk) -> bool:
    return chunk.kind is ChunkKind.BACKGROUND and bool(_META_SECTION.search(fold(chunk.section)))


def _naming_topic(query: Query, texts: list[str]) -> list[str]:
    """The texts that hold one of the question's two weightiest words (by stem); all without weights."""
    heavy = [w for w, weight in sorted(query.weights, key=lambda item: -item[1]) if weight >= WEIGHTY][:2]
    if not heavy:
        return texts
    wanted = set(stemmer().stemWords(heavy))
    return [t for t in texts if wanted & stems(t)]


def _top_overlap(first: dict[Any, float], second: dict[Any, float]) -> int:
    """How many units (or passages) the two rankings share in their top ``AGREEMENT_DEPTH``."""
    tops = [
        {key for key, _ in sorted(s.items(), key=lambda kv: (-kv[1], kv[0]))[:AGREEMENT_DEPTH]} for s in (first, second)
    ]
    return len(tops[0] & tops[1])


def _best_unit_first(item: tuple[str, float]) -> tuple[float, str]:
    return (-item[1], item[0])


def _unit_ranking(scores: dict[int, float], unit_of: Any) -> list[str]:
    order: list[str] = []
    for i in _ranked(scores):
        key = unit_of(i)
        if key not in order:
            order.append(key)
    return order


def _predicate(filters: Filters) -> Any:
    kinds = set(filters.kinds)

    def allowed(chunk: Chunk) -> bool:
        if filters.doc_ids and chunk.doc_id not in filters.doc_ids:
            return False
        if filters.themes and theme_number(chunk) not in filters.themes:
            return False
        if kinds:
            return str(chunk.kind) in kinds
        return chunk.kind is not ChunkKind.FOOTNOTE  # footnotes only when asked for

    return allowed


def theme_number(chunk: Chunk) -> str | None:
    if not chunk.recommendation_id:
        return None
    return chunk.recommendation_id.rsplit(":", 1)[-1].split(".")[0]


def _ranked(scores: dict[int, float]) -> list[int]:
    """Best first; equal scores in chunk order (deterministic whatever the dict's history)."""
    return [i for i, _ in sorted(scores.items(), key=_best_first)]


def _best_first(item: tuple[int, float]) -> tuple[float, int]:
    return (-item[1], item[0])


def rrf(rankings: list[list[int]], weights: tuple[float, ...], k: int) -> dict[int, float]:
    """Reciprocal rank fusion, each ranking weighted by how decisive its scores are."""
    fused: dict[int, float] = defaultdict(float)
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, i in enumerate(ranking, start=1):
            fused[i] += weight / (k + rank)
    return dict(fused)


def dense_confidence(scores: dict[int, float], params: RetrievalParams) -> float:
    """e5 similarities are compressed: a flat top (no clear winner) says little about the ranking."""
    top = sorted(scores.values(), reverse=True)[: params.confidence_depth]
    if len(top) < 2:
        return params.min_weight
    return min(1.0, max(params.min_weight, (top[0] - top[-1]) / params.dense_decisive_gap))


def keyword_confidence(scores: dict[int, float], params: RetrievalParams) -> float:
    top = sorted(scores.values(), reverse=True)[: params.confidence_depth]
    if len(top) < 2 or top[0] <= 0:
        return params.min_weight
    return min(1.0, max(params.min_weight, (top[0] - top[-1]) / top[0] / params.keyword_decisive_gap))


def stems(text: str) -> set[str]:
    return set(stemmer().stemWords(_WORD.findall(fold(text))))


def coverage(query: Query, chunks: list[Chunk], index: Index) -> float:
    """IDF-weighted share of the question's content words that the passages contain (by stem,
    word start, or a synonym of a term the word is part of). A word the corpus does not know
    weighs most: "vakantiedagen" left uncovered sinks the coverage, "bedrijven" hardly matters."""
    if not query.content_words:
        return 0.0
    text = " ".join(f"{c.recommendation or ''} {c.best_practice or ''} {c.text}" for c in chunks)
    found, folded = stems(text), f" {' '.join(_WORD.findall(fold(text)))} "
    by_synonym = _covered_by_synonyms(query.text, folded)
    total = covered = 0.0
    weights = dict(query.weights)
    for word in query.content_words:
        weight = weights[word] if word in weights else index.idf(word)
        total += weight
        if word in by_synonym or stemmer().stemWord(word) in found or (len(word) >= 5 and f" {word[:6]}" in folded):
            covered += weight
    return covered / total if total else 0.0


def _covered_by_synonyms(question: str, folded_passages: str) -> set[str]:
    """Words of the question's synonym terms ("small businesses") whose group the passages use ("mkb")."""
    words: set[str] = set()
    for term, others in synonym_matches(question):
        if any(f" {other} " in folded_passages for other in others):
            words.update(_WORD.findall(term))
    return words
