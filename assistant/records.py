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
    unit_dense: float = 0.0  # best cosine of a recommendation as a whole (its best passage vector)
    unit_keyword: float = 0.0  # best bm25 score of a recommendation as a whole
    agreement: int = 0  # recommendations in both the keyword and the dense top 3 of the whole units
    idf_scale: float = 1.0  # the IDF of a word in one passage of this corpus: bm25 scores grow with it
    # answer types (assistant/answer_type.py) that the strongest passages naming the topic hold
    answer_types: frozenset[str] = frozenset()


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
    chunk_id: str = ""  # the chunk the quote was taken from (its text is what an honest check compares with)
    ocr: bool = False  # the quote comes from a page read with OCR: check it against the PDF

    @classmethod
    def of(cls, n: int, chunk: Chunk, quote: str) -> Citation:
        """Citation ``n`` of ``quote``, an exact substring of ``chunk``'s text."""
        return cls(
            n=n,
            doc_id=chunk.doc_id,
            doc_title=chunk.doc_title,
            page=chunk.page,
            page_label=chunk.page_label,
            section=chunk.section,
            recommendation_id=chunk.recommendation_id,
            recommendation=chunk.recommendation,
            ocr=chunk.ocr,
            best_practice=chunk.best_practice,
            quote=quote,
            chunk_id=chunk.chunk_id,
        )


@dataclass(frozen=True)
class CheckedClaim:
    """One sentence of a language model's answer as the citation verifier judged it."""

    text: str  # the sentence without its markers
    citations: tuple[int, ...]  # the answer's citation numbers (``Citation.n``) backing it; empty when dropped
    support: float  # support of its best remaining citation, or of the best source when dropped (0..1)
    status: str  # "kept", "repaired" (a citation removed or replaced) or "dropped" (not in the answer)
    cited: tuple[int, ...] = ()  # the source numbers as the model wrote them ([m]: the m-th passage it was given)
    reason: str = ""  # why a citation was removed or the sentence dropped ("negation 'niet' not in source", …)


@dataclass(frozen=True)
class AnswerVerification:
    """What the verifier did to a language model's answer; ``notice`` is set when the extractive one was used."""

    sentences: tuple[CheckedClaim, ...]
    repaired: int
    dropped: int
    notice: str | None = None
    sources: tuple[int, ...] = ()  # answer citation n is the passage the model was given as [sources[n - 1]]


@dataclass(frozen=True)
class Reading:
    """How the assistant read a question: shown in the JSON, and for a follow-up in the answer."""

    intent: str  # advice, overview, definition, example, fact, task
    doc_ids: tuple[str, ...] = ()  # documents named
    themes: tuple[str, ...] = ()  # themes or main recommendations named
    actor: str | None = None  # who is addressed ("gemeente", "werkgever", …)
    follow_up: bool = False
    reading: str = ""  # a follow-up as it was read, with the earlier turn's topic
    searched: str = ""  # the text retrieval searched


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
    verification: AnswerVerification | None = None  # only when a language model was asked
    understood: Reading | None = None  # how the question was read (intent, scope, follow-up)


@dataclass(frozen=True)
class Draft:
    """A language model's answer while it streams (``Assistant.ask_stream``): only the sentences the
    verifier let through so far, with their ``[n]`` in the final answer's numbering. The complete
    ``Answer`` follows the last draft and may replace it (the extractive answer after a failure)."""

    answer: Answer
