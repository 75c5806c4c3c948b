"""The assistant: question → understood query → hybrid retrieval → abstain or compose → Answer."""

from __future__ import annotations

import time
from typing import Any

from assistant.abstain import AbstentionRule
from assistant.compose import Composer, ExtractiveComposer, phrase
from assistant.index import Index, open_index
from assistant.llm import LLMComposed, LLMComposer  # the OpenAI client itself is imported only in make_llm
from assistant.query import understand
from assistant.records import Answer, Filters, Persona
from assistant.retrieve import HybridRetriever, RetrievalMode
from corpus.errors import EmptyQuestionError, QuestionTooLongError
from corpus.settings import Settings, apply_offline_env, get_settings
from ingest.embed import Embedder, make_embedder
from ingest.keyword import stopwords


class Assistant:
    """Warm: the index and the embedder are loaded once; ``ask`` is cheap."""

    def __init__(
        self,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
        composer: Composer | None = None,
        client: Any | None = None,
    ) -> None:
        apply_offline_env()
        self.settings = settings or get_settings()
        self.embedder = embedder or make_embedder(self.settings.ingest)
        self.index: Index = open_index(self.settings.index, self.embedder.name, client)
        self.retriever = HybridRetriever(self.index, self.embedder, RetrievalMode(self.settings.retrieval.mode))
        self.composer = composer or self._default_composer()
        self.abstention = AbstentionRule.load(self.settings.answer.thresholds)
        self._warm_up()

    def _default_composer(self) -> Composer:
        """Extractive; with ``llm.enabled`` a language model whose answers fall back to the extractive one."""
        extractive = ExtractiveComposer(self.index.chunks)
        if not self.settings.llm.enabled:
            return extractive
        return LLMComposer(self.settings.llm, self.embedder, extractive)

    def _warm_up(self) -> None:
        """Build the lazy lookups and touch every retriever once, so the first user waits no longer."""
        _ = self.index.vocabulary, self.index.prefix_frequency
        self.retriever.retrieve(understand("arbeidsproductiviteit mkb", self.index.vocabulary, stopwords()))

    def ask(self, question: str, persona: Persona | str | None = None, filters: Filters | None = None) -> Answer:
        question = self._validate(question)
        persona = Persona(persona or self.settings.answer.persona)
        started = time.perf_counter()
        query = understand(question, self.index.vocabulary, stopwords())
        retrieval = self.retriever.retrieve(query, filters or Filters(), self.settings.retrieval.top_k)
        retrieved = time.perf_counter()
        if not retrieval.passages or self.abstention.should_abstain(query, retrieval.evidence):
            text, citations, abstained = phrase(query.language, "abstain"), (), True
            verification = None
        else:
            composed = self.composer.compose(query, persona, retrieval, self.index.catalogue)
            text, citations = composed.text, composed.citations
            abstained = text == phrase(query.language, "abstain")  # a language model may abstain
            verification = composed.report() if isinstance(composed, LLMComposed) else None
        done = time.perf_counter()
        timings = {
            "retrieve": round((retrieved - started) * 1000, 2),
            "compose": round((done - retrieved) * 1000, 2),
            "total": round((done - started) * 1000, 2),
        }
        return Answer(
            question, text, abstained, persona, query.language, citations, retrieval.passages, timings, verification
        )

    def _validate(self, question: str) -> str:
        cleaned = "".join(ch for ch in question if ch.isprintable() or ch in "\n\t").strip()
        if not cleaned:
            raise EmptyQuestionError()
        limit = self.settings.answer.max_question_chars
        if len(cleaned) > limit:
            raise QuestionTooLongError(len(cleaned), limit)
        return cleaned
