"""Typed, frozen records of the answering stage: passages, citations and answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from corpus.records import Chunk


class Persona(StrEnum):
    """Who asks: an entrepreneur wants what to do and who helps; a civil servant wants the advice."""

    ONDERNEMER = "ondernemer"
    BELEIDSMEDEWERKER = "beleidsmedewerker"


@dataclass(frozen=True)
class Filters:
    """Restrict retrieval to documents, themes (theme numbers) or chunk kinds."""

    doc_ids: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its fused score and the evidence behind it."""

    rank: int
    chunk: Chunk
    score: float
    dense: float = 0.0  # cosine similarity to the query
    keyword: float = 0.0  # bm25 score


@dataclass(frozen=True)
class Evidence:
    """How strong the best evidence is; the abstention rule reads these."""

    dense: float
    keyword: float
    coverage: float  # share of the question's content words found in the best passages


@dataclass(frozen=True)
class Citation:
    """One numbered source of an answer: where it is and the exact quote."""

    n: int
    doc_id: str
    doc_title: str
    page: int
    page_label: str
    section: str
    recommendation_id: str | None
    recommendation: str | None
    best_practice: str | None
    quote: str


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    abstained: bool
    persona: Persona
    language: str
    citations: tuple[Citation, ...] = ()
    passages: tuple[Passage, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
