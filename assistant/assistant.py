"""The assistant: question → understood query → hybrid retrieval → abstain or compose → Answer."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from assistant.abstain import AbstentionRule
from assistant.compose import Composed, Composer, ExtractiveComposer, phrase
from assistant.index import Index, open_index
from assistant.llm import LLMComposed, LLMComposer, LLMDraft  # the OpenAI client is imported only in make_llm
from assistant.overview import compose_overview, overview_recommendations
from assistant.params import compose_params, retrieval_params
from assistant.query import understand
from assistant.records import Answer, Draft, Filters, Persona, Reading
from assistant.retrieve import HybridRetriever, Retrieval, RetrievalMode
from assistant.understand import Intent, Reader, Understood, referred_item
from corpus.errors import EmptyQuestionError, IndexMissingError, QuestionError, QuestionTooLongError
from corpus.records import Catalogue, Recommendation
from corpus.settings import Settings, apply_offline_env, get_settings
from ingest import store
from ingest.embed import Embedder, make_embedder
from ingest.text import stopwords

log = logging.getLogger(__name__)


class Assistant:
    """Warm: the index and the embedder are loaded once; ``ask`` is cheap.

    Every ``ask`` first looks at the data folder's ``current.json`` (one small file read): when
    another process (``python -m ingest build``) has published a new version, the assistant
    loads it and switches over between two questions, without a restart; until it is loaded,
    questions are answered from the version already in memory. When the current version has
    disappeared (the index folder was removed), ``ask`` raises ``IndexMissingError``.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
        composer: Composer | None = None,
        client: Any | None = None,
        abstention: AbstentionRule | None = None,
    ) -> None:
        """``abstention``: a rule to use instead of the fitted one in ``answer.thresholds`` (calibration)."""
        apply_offline_env()
        self.settings = settings or get_settings()
        self.embedder = embedder or make_embedder(self.settings.ingest)
        self.abstention = abstention or AbstentionRule.load(self.settings.answer.thresholds)
        self._client = client
        self._fixed_composer = composer
        self._swap = threading.Lock()  # held only to read or replace (index, retriever, composer) together
        self._loading = threading.Lock()  # one thread loads a new version; the others keep answering
        self._install(open_index(self.settings.index, self.embedder.name, client))

    def _install(self, index: Index) -> None:
        retriever = HybridRetriever(
            index, self.embedder, RetrievalMode(self.settings.retrieval.mode), retrieval_params(self.settings)
        )
        composer = self._fixed_composer or self._default_composer(index)
        reader = Reader(index)
        _warm_up(index, retriever, reader)
        with self._swap:
            self.index, self.retriever, self.composer, self.reader = index, retriever, composer, reader

    def _default_composer(self, index: Index) -> Composer:
        """Extractive; with ``llm.enabled`` a language model whose answers fall back to the extractive one."""
        extractive = ExtractiveComposer(index.chunks, compose_params(self.settings))
        if not self.settings.llm.enabled:
            return extractive
        return LLMComposer(self.settings.llm, self.embedder, extractive, vectors=index.vectors_of)

    def refresh(self) -> bool:
        """Switch to the version another process published, if any; True when switched."""
        version = store.current_version(self.settings.index)
        if version is None:
            raise IndexMissingError(str(self.settings.index.data_dir))
        if version == self.index.version or not self._loading.acquire(blocking=False):
            return False
        try:
            if version == self.index.version:  # another thread switched while we waited
                return False
            self._install(open_index(self.settings.index, self.embedder.name, self._client))
            log.info("switched to index version %s", version)
            return True
        except Exception as exc:  # noqa: BLE001 - a broken or foreign new version: keep answering from the old one
            log.warning("index version %s not loaded, staying on %s: %s", version, self.index.version, exc)
            return False
        finally:
            self._loading.release()

    def ask(
        self,
        question: str,
        persona: Persona | str | None = None,
        filters: Filters | None = None,
        history: Sequence[str] = (),
    ) -> Answer:
        """Answer one question: understand it (with the earlier questions of the conversation in
        ``history``, oldest first), retrieve, then abstain or compose (a language model's answer verified)."""
        *_, answer = self._answer(question, persona, filters, stream=False, history=history)
        assert isinstance(answer, Answer)
        return answer

    def validate(self, question: str) -> str:
        """A question as the assistant takes it (control characters removed, trimmed), or a ``QuestionError``."""
        return self._validate(question)

    def _validate(self, question: str) -> str:
        cleaned = "".join(ch for ch in question if ch.isprintable() or ch in "\n\t").strip()
        if not cleaned:
            raise EmptyQuestionError()
        limit = self.settings.answer.max_question_chars
        if len(cleaned) > limit:
            raise QuestionTooLongError(len(cleaned), limit)
        return cleaned

    def recommendations_for(self, topic: str, filters: Filters | None = None, limit: int = 10) -> list[Recommendation]:
        """The recommendations that answer a topic (the policy note's "Zoek aanbevelingen", the
        catalogue search by meaning), best first: the same understanding as a question, read as a
        civil servant's; none when the sources say nothing about it."""
        answer = self.ask(topic, Persona.BELEIDSMEDEWERKER, filters)
        if answer.abstained:
            return []
        known = {r.rec_id: r for r in self.index.catalogue.recommendations}
        ids = [c.recommendation_id for c in answer.citations if not c.best_practice]
        ids += [p.chunk.recommendation_id for p in answer.passages]
        return [known[i] for i in dict.fromkeys(i for i in ids if i) if i in known][:limit]

    def ask_stream(
        self,
        question: str,
        persona: Persona | str | None = None,
        filters: Filters | None = None,
        history: Sequence[str] = (),
    ) -> Iterator[Draft | Answer]:
        """``ask``, streamed. With a language model: a ``Draft`` each time a sentence of its answer has
        passed the verifier (never an unverified sentence), then the complete ``Answer``, which may
        replace the drafts (the extractive answer with a notice when the model fails or nothing it
        wrote is supported). Otherwise only the ``Answer``. Errors are raised as by ``ask``."""
        return self._answer(question, persona, filters, stream=True, history=history)

    def _answer(
        self,
        question: str,
        persona: Persona | str | None,
        filters: Filters | None,
        stream: bool,
        history: Sequence[str] = (),
    ) -> Iterator[Draft | Answer]:
        question = self._validate(question)
        persona = Persona(persona or self.settings.answer.persona)
        history = [h for h in (self._clean(h) for h in history) if h]
        self.refresh()
        with self._swap:
            index, retriever, composer, reader = self.index, self.retriever, self.composer, self.reader
        started = time.perf_counter()
        understood = reader.read(question, history)
        query = understood.query
        retrieval = retrieve_in_conversation(retriever, reader, index.catalogue, understood, history, filters)
        if retrieval.pointed:  # say which item of the list the follow-up was read as pointing at
            rec = index.catalogue.recommendation(retrieval.pointed)
            reading = f"{understood.question.strip()} — {rec.number} {rec.title}"
            understood = replace(understood, reading=reading)
        retrieved = time.perf_counter()
        composed = Composed(phrase(query.language, "abstain"), ())
        # a follow-up pointing at an item of the previous list is about that recommendation, whatever its words
        answerable = bool(retrieval.passages) and (
            bool(retrieval.pointed) or not self.abstention.should_abstain(understood, retrieval.evidence)
        )
        listed = overview_recommendations(understood, index.catalogue, retrieval) if answerable else []
        if understood.intent is Intent.OVERVIEW and listed:
            composed = compose_overview(understood, listed, index.catalogue, index.chunks)
        elif answerable and stream and isinstance(composer, LLMComposer):
            for step in composer.compose_stream(query, persona, retrieval, index.catalogue):
                if isinstance(step, LLMDraft):
                    shown = Answer(question, step.text, False, persona, query.language, step.citations)
                    yield Draft(shown)
                else:
                    composed = step
        elif answerable:
            composed = composer.compose(query, persona, retrieval, index.catalogue)
        done = time.perf_counter()
        verification = composed.report() if isinstance(composed, LLMComposed) else None
        timings = {
            "retrieve": round((retrieved - started) * 1000, 2),
            "compose": round((done - retrieved) * 1000, 2),
            "total": round((done - started) * 1000, 2),
        }
        abstained = composed.text == phrase(query.language, "abstain")
        text = composed.text
        if understood.follow_up and not abstained:
            text = f"{phrase(query.language, 'reading', reading=understood.reading)}\n\n{text}"
        yield Answer(
            question,
            text,
            abstained,
            persona,
            query.language,
            composed.citations,
            retrieval.passages,
            timings,
            verification,
            _reading(understood),
        )

    def _clean(self, turn: str) -> str:
        """An earlier question as ``_validate`` would take it, or "" (history never raises)."""
        try:
            return self._validate(str(turn))
        except QuestionError:
            return ""


def retrieve_understood(
    retriever: HybridRetriever,
    understood: Understood,
    filters: Filters | None = None,
    prefer: Sequence[str] = (),
    bonus: float = 0.0,
) -> Retrieval:
    """Retrieval for an understood question: narrowed to the documents it names (unless ``filters``
    chose documents), recommendations scored as wholes unless it asks a fact, the recommendations in
    ``prefer`` raised by ``bonus``."""
    return retriever.retrieve(
        understood.query,
        _scoped(filters or Filters(), understood),
        whole_units=understood.intent is not Intent.FACT,
        prefer=prefer,
        bonus=bonus,
    )


def retrieve_in_conversation(
    retriever: HybridRetriever,
    reader: Reader,
    catalogue: Catalogue,
    understood: Understood,
    history: Sequence[str] = (),
    filters: Filters | None = None,
) -> Retrieval:
    """``retrieve_understood``; a follow-up that points at an item of the list the previous answer gave
    ("Wat bedoelen ze met die laatste?", "En de tweede?") gets that recommendation first. Calibration
    uses it too, so the fitted evidence is the answered one. (Raising the previous answer's first two
    recommendations for every follow-up was measured and left out: docs/retrieval.md.)"""
    position = referred_item(understood.question) if understood.follow_up and history else None
    if position is None:
        return retrieve_understood(retriever, understood, filters)
    listed = _earlier_list(retriever, reader, catalogue, history)
    if not -len(listed) <= position < len(listed):
        return retrieve_understood(retriever, understood, filters)
    pointed = listed[position]
    retrieval = retrieve_understood(retriever, understood, filters, (pointed,), retriever.params.pointed_bonus)
    return replace(retrieval, pointed=pointed)


def _earlier_list(
    retriever: HybridRetriever, reader: Reader, catalogue: Catalogue, history: Sequence[str]
) -> tuple[str, ...]:
    """The recommendations the previous turn listed, in order, when it was an overview."""
    earlier = reader.read(history[-1], history[:-1])
    if earlier.intent is not Intent.OVERVIEW:
        return ()
    listed = overview_recommendations(earlier, catalogue, retrieve_understood(retriever, earlier))
    return tuple(r.rec_id for r in listed)


def _scoped(filters: Filters, understood: Understood) -> Filters:
    """Documents the question names narrow retrieval, and so does a theme it names in one document
    ("Bij het thema sociale innovatie: …"; an overview lists its theme from the catalogue instead),
    unless the caller chose documents already."""
    if filters.doc_ids:
        return filters
    themes = understood.scope.themes
    docs = {t.rsplit(":", 1)[0] for t in themes}
    if themes and len(docs) == 1 and not filters.themes and understood.intent is not Intent.OVERVIEW:
        return Filters(tuple(docs), tuple(t.rsplit(":", 1)[1] for t in themes), filters.kinds)
    if not understood.scope.doc_ids:
        return filters
    return Filters(understood.scope.doc_ids, filters.themes, filters.kinds)


def _reading(understood: Understood) -> Reading:
    scope = understood.scope
    return Reading(
        str(understood.intent),
        scope.doc_ids,
        scope.themes,
        scope.actor,
        understood.follow_up,
        understood.reading,
        understood.query.text,
    )


def _warm_up(index: Index, retriever: HybridRetriever, reader: Reader) -> None:
    """Build the lazy lookups and touch every retriever once, so the first user waits no longer."""
    _ = index.vocabulary, index.prefix_frequency, reader.lexicon.stems, reader.lexicon.lemmas
    _ = reader.lexicon.sentences_with, retriever.units.rows, retriever.units.keyword
    retriever.retrieve(understand("arbeidsproductiviteit mkb", index.vocabulary, stopwords()))
    reader.read("Welke aanbevelingen doet de SER over personeelstekort?")
