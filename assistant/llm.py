"""The language-model composer: the top passages as numbered sources, a prompt per persona and
language (``prompts/llm_<persona>_<lang>.txt``), one call to an OpenAI-compatible endpoint, and
the citation verifier (``assistant/verify.py``) over the reply.

``compose`` waits for the whole reply; ``compose_stream`` reads it as it streams and verifies
each sentence as soon as it is complete, so that only verified sentences are ever shown (an
``LLMDraft`` after each one). Whatever goes wrong (timeout, HTTP error, empty or unsupported
reply) the answer is the extractive one with a short notice, in both: the model never stands
between a user and an answer, and a stream that fails halfway ends like a call that failed.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import queue
import threading
import time
import tomllib
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from string import Formatter
from typing import Any

import numpy as np

from assistant.compose import Composed, Composer, phrase, short_title, sources_block
from assistant.query import Query
from assistant.records import AnswerVerification, CheckedClaim, Citation, Passage, Persona
from assistant.retrieve import Retrieval
from assistant.verify import CheckedSentence, Verification, best_quote, line_sentences, split_sentences, verify
from corpus.errors import LLMError, PromptError
from corpus.records import Catalogue, Chunk
from corpus.settings import PROJECT_ROOT, LLMSettings
from ingest.embed import Embedder

PROMPTS_DIR = PROJECT_ROOT / "prompts"
NO_KEY = "no-key"  # local servers want some key; the real one comes only from ADVIESWIJZER_LLM__API_KEY
_END = object()  # the stream's last item
log = logging.getLogger(__name__)
VectorLookup = Callable[[Sequence[Chunk]], "np.ndarray | None"]  # stored vectors of chunks (Index.vectors_of)


@dataclass(frozen=True)
class LLMComposed(Composed):
    """A composed answer with what the verifier found and the notice of a fallback, if any."""

    verification: Verification | None = None
    notice: str | None = None
    numbers: dict[int, int] | None = None  # source number given to the model -> citation number in the answer

    def report(self) -> AnswerVerification:
        """The verification as the answer carries it: citations in the answer's own numbering."""
        if self.verification is None:
            return AnswerVerification((), 0, 0, self.notice)
        numbers = self.numbers or {}
        sentences = tuple(
            CheckedClaim(
                s.text,
                tuple(numbers[n] for n in s.citations if n in numbers),
                s.support,
                str(s.status),
                s.cited,
                s.reason,
            )
            for s in self.verification.sentences
        )
        sources = tuple(given for given, _ in sorted(numbers.items(), key=lambda item: item[1]))
        v = self.verification
        return AnswerVerification(sentences, v.repaired, v.dropped, self.notice, sources)


@dataclass(frozen=True)
class LLMDraft:
    """The verified part of a streaming answer so far: its body and the citations it uses."""

    text: str
    citations: tuple[Citation, ...]


def render_prompt(name: str, **values: str) -> str:
    """Fill ``prompts/<name>.txt``; the values must match its placeholders exactly."""
    path = PROMPTS_DIR / f"{name}.txt"
    if not path.is_file():
        raise PromptError(f"Prompt file {str(path)!r} is missing. Add it next to the other prompts/llm_*.txt files.")
    template = path.read_text(encoding="utf-8")
    fields = {field for _, field, _, _ in Formatter().parse(template) if field is not None}
    missing, extra = sorted(fields - values.keys()), sorted(values.keys() - fields)
    if missing or extra:
        raise PromptError(f"Prompt {str(path)!r}: missing values {missing}, unexpected values {extra}.")
    return template.format(**values)


@lru_cache(maxsize=1)
def notices() -> dict[str, dict[str, str]]:
    return tomllib.loads((PROMPTS_DIR / "llm.toml").read_text(encoding="utf-8"))


def format_sources(passages: Sequence[Passage], lang: str) -> str:
    """The passages as sources ``[1]``…``[k]``: the number and the text on one line, then where it
    is from (document, recommendation, printed page). A model that copies a source line copies its
    number with it (small models do: see docs/llm.md)."""
    blocks = []
    for n, passage in enumerate(passages, start=1):
        chunk = passage.chunk
        rec = ""
        if chunk.recommendation_id:
            number = chunk.recommendation_id.rsplit(":", 1)[-1]
            rec = f", {phrase(lang, 'recommendation')} {number} '{chunk.recommendation}'"
        where = f"({short_title(chunk.doc_title)}{rec}, p. {chunk.page_label})"
        blocks.append(f"[{n}] {' '.join(chunk.text.split())}\n{where}")
    return "\n\n".join(blocks)


def make_llm(settings: LLMSettings) -> Any:
    """llama-index's OpenAI-like client: one try, bounded by the timeout."""
    import openai.resources.chat
    import openai.resources.completions  # noqa: F401  # imported lazily by the first call, inside its deadline
    from llama_index.llms.openai_like import OpenAILike

    key = settings.api_key.get_secret_value() if settings.api_key else NO_KEY
    return OpenAILike(
        model=settings.model,
        api_base=settings.base_url,
        api_key=key,
        timeout=settings.timeout_s,
        max_tokens=settings.max_tokens,
        temperature=settings.temperature,
        is_chat_model=settings.chat,
        max_retries=0,
    )


class LLMComposer:
    """Answers with a language model; every citation is verified; falls back to ``fallback``.

    ``vectors`` gives the index's stored vectors of the sources (``Index.vectors_of``), so that
    the verifier embeds only the model's sentences; without it the sources are embedded too.
    """

    def __init__(
        self,
        settings: LLMSettings,
        embedder: Embedder,
        fallback: Composer,
        llm: Any | None = None,
        vectors: VectorLookup | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.fallback = fallback
        self.llm = llm or make_llm(settings)
        self.vectors = vectors

    def compose(self, query: Query, persona: Persona, retrieval: Retrieval, catalogue: Catalogue) -> Composed:
        sources, prompt, abstain = self._prepare(query, persona, retrieval)
        try:
            output = bounded(self.complete(prompt), self.settings.max_reply_chars, self.settings.max_sentences)
        except LLMError as exc:
            log.warning("language model unavailable, extractive answer used: %s", exc)
            return self._fallback(query, persona, retrieval, catalogue, "notice_unavailable")
        names = publishers(catalogue)
        verification = verify(output, sources, self.embedder, abstain, self._vectors(sources), known_names=names)
        return self._finish(query, persona, retrieval, catalogue, verification)

    def compose_stream(
        self, query: Query, persona: Persona, retrieval: Retrieval, catalogue: Catalogue
    ) -> Iterator[LLMDraft | LLMComposed]:
        """An ``LLMDraft`` each time a streamed sentence passes the verifier, then the ``LLMComposed``.
        The stream is read up to ``max_reply_chars`` and ``max_sentences`` (then the model is left)."""
        sources, prompt, abstain = self._prepare(query, persona, retrieval)
        vectors, names = self._vectors(sources), publishers(catalogue)
        buffer, checked = SentenceBuffer(), list[CheckedSentence]()
        limit = self.settings.max_sentences
        try:
            with contextlib.closing(self.stream(prompt)) as stream:
                pieces = itertools.chain(_capped(stream, self.settings.max_reply_chars), [None])
                for piece in pieces:  # None: the end, flush the last sentence
                    ready = buffer.feed(piece) if piece is not None else buffer.close()
                    for line, sentence in ready[: max(0, limit - len(checked))]:
                        found = verify(
                            sentence, sources, self.embedder, abstain, vectors, first_line=line, known_names=names
                        ).sentences
                        checked += found
                        if any(s.citations for s in found):
                            yield _draft(Verification.of(checked), sources)
                    if len(checked) >= limit:
                        log.warning("the model's reply was cut after %d sentences", limit)
                        break
        except LLMError as exc:
            log.warning("language model unavailable, extractive answer used: %s", exc)
            yield self._fallback(query, persona, retrieval, catalogue, "notice_unavailable")
            return
        yield self._finish(query, persona, retrieval, catalogue, Verification.of(checked))

    def _prepare(self, query: Query, persona: Persona, retrieval: Retrieval) -> tuple[list[Chunk], str, str]:
        """The sources given to the model, the prompt, and the abstention phrase."""
        lang = query.language
        passages = retrieval.passages[: self.settings.sources]
        abstain = phrase(lang, "abstain")
        prompt = render_prompt(
            f"llm_{persona.value}_{lang}", question=query.text, sources=format_sources(passages, lang), abstain=abstain
        )
        return [p.chunk for p in passages], prompt, abstain

    def _vectors(self, sources: Sequence[Chunk]) -> np.ndarray | None:
        return self.vectors(sources) if self.vectors is not None else None

    def _finish(
        self, query: Query, persona: Persona, retrieval: Retrieval, catalogue: Catalogue, verification: Verification
    ) -> LLMComposed:
        sources = [p.chunk for p in retrieval.passages[: self.settings.sources]]
        if verification.supported:
            return _verified_answer(query.language, verification, sources)
        abstain = phrase(query.language, "abstain")
        if any(s.text == abstain for s in verification.kept):
            return LLMComposed(abstain, (), verification)
        return self._fallback(query, persona, retrieval, catalogue, "notice_unsupported", verification)

    def complete(self, prompt: str) -> str:
        """The model's reply to ``prompt`` within ``timeout_s`` overall; every failure becomes an ``LLMError``.

        The client's timeout bounds each read, not the whole call (a server that trickles bytes
        would keep it waiting), so the call runs in a daemon thread that is given up on at the
        deadline; it ends on its own when the client's read timeout or the reply comes.
        """
        outcome: list[Any] = []

        def call() -> None:
            try:
                outcome.append(self.llm.complete(prompt).text)
            except Exception as exc:  # noqa: BLE001  # timeout, HTTP status, bad JSON: re-raised below as LLMError
                outcome.append(exc)

        worker = threading.Thread(target=call, name="llm-call", daemon=True)
        worker.start()
        worker.join(self.settings.timeout_s)
        if not outcome:
            raise LLMError(f"no complete answer within {self.settings.timeout_s:g} s")
        reply = outcome[0]
        if isinstance(reply, Exception):
            raise LLMError(f"{type(reply).__name__}: {str(reply)[:200]}") from reply
        if not isinstance(reply, str) or not reply.strip():
            raise LLMError("the model returned an empty answer")
        return reply.strip()

    def stream(self, prompt: str) -> Generator[str, None, None]:
        """The model's reply to ``prompt`` piece by piece, all of it within ``timeout_s``; every failure
        (also a stream that stalls or ends empty) raises an ``LLMError``.

        As in ``complete``, the client runs in a daemon thread; its pieces come through a queue
        that is read only until the deadline. Once the reader is gone the thread stops at its next piece.
        """
        deadline = time.monotonic() + self.settings.timeout_s
        pieces: queue.Queue[Any] = queue.Queue()
        stop = threading.Event()

        def call() -> None:
            try:
                for response in self.llm.stream_complete(prompt):
                    if stop.is_set():
                        return
                    pieces.put(response.delta or "")
                pieces.put(_END)
            except Exception as exc:  # noqa: BLE001  # re-raised below as LLMError
                pieces.put(exc)

        threading.Thread(target=call, name="llm-stream", daemon=True).start()
        received = False
        try:
            while (item := _next(pieces, deadline, self.settings.timeout_s)) is not _END:
                received = received or bool(item.strip())
                yield item
        finally:
            stop.set()
        if not received:
            raise LLMError("the model returned an empty answer")

    def _fallback(
        self,
        query: Query,
        persona: Persona,
        retrieval: Retrieval,
        catalogue: Catalogue,
        key: str,
        verification: Verification | None = None,
    ) -> LLMComposed:
        notice = notices()[query.language][key]
        composed = self.fallback.compose(query, persona, retrieval, catalogue)
        return LLMComposed(f"{notice}\n\n{composed.text}", composed.citations, verification, notice)


def bounded(reply: str, max_chars: int, max_sentences: int) -> str:
    """The reply cut to ``max_chars`` (at a word) and its first ``max_sentences`` sentences, lines kept:
    what the verifier reads, so its work is bounded whatever the model sends."""
    if len(reply) > max_chars:
        log.warning("the model's reply of %d characters was cut to %d", len(reply), max_chars)
        reply = reply[:max_chars].rsplit(None, 1)[0]
    lines: dict[int, list[str]] = {}
    for line, sentence in split_sentences(reply)[:max_sentences]:
        lines.setdefault(line, []).append(sentence)
    return "\n".join(" ".join(sentences) for sentences in lines.values())


def _capped(pieces: Iterator[str], max_chars: int) -> Iterator[str]:
    """The stream's pieces up to ``max_chars`` characters in all."""
    left = max_chars
    for piece in pieces:
        yield piece[:left]
        left -= len(piece)
        if left <= 0:
            log.warning("the model's streamed reply was cut at %d characters", max_chars)
            return


def _next(pieces: queue.Queue[Any], deadline: float, timeout_s: float) -> Any:
    """The stream's next piece (or ``_END``); an ``LLMError`` past the deadline or for the client's error."""
    try:
        item = pieces.get(timeout=max(0.0, deadline - time.monotonic()))
    except queue.Empty:
        raise LLMError(f"no complete answer within {timeout_s:g} s") from None
    if isinstance(item, Exception):
        raise LLMError(f"{type(item).__name__}: {str(item)[:200]}") from item
    return item


class SentenceBuffer:
    """Collects streamed text and hands out each sentence, with its line number, once it is complete:
    when the next sentence has begun or the line has ended (``close`` hands out the rest)."""

    def __init__(self) -> None:
        self._line = ""
        self._line_no = 0
        self._handed = 0  # sentences of the current line already handed out

    def feed(self, piece: str) -> list[tuple[int, str]]:
        complete: list[tuple[int, str]] = []
        self._line += piece
        while "\n" in self._line:
            line, self._line = self._line.split("\n", 1)
            complete += self._take(line_sentences(line))
            self._line_no, self._handed = self._line_no + 1, 0
        return complete + self._take(line_sentences(self._line)[:-1])

    def close(self) -> list[tuple[int, str]]:
        rest = self._take(line_sentences(self._line))
        self._line = ""
        return rest

    def _take(self, sentences: list[str]) -> list[tuple[int, str]]:
        new = sentences[self._handed :]
        self._handed = max(self._handed, len(sentences))
        return [(self._line_no, s) for s in new]


def publishers(catalogue: Catalogue) -> tuple[str, ...]:
    """Names a sentence may frame a claim with ("Volgens SER Overijssel …"), whatever passage it cites."""
    return tuple(d.publisher for d in catalogue.documents)


def _verified_answer(lang: str, verification: Verification, sources: Sequence[Chunk]) -> LLMComposed:
    """The kept sentences with their citations renumbered 1..m in order of use, then the sources list."""
    body, citations, order = _assemble(verification.kept, sources)
    text = "\n\n".join(part for part in (body, sources_block(lang, list(citations))) if part)
    return LLMComposed(text, citations, verification, numbers=order)


def _draft(verification: Verification, sources: Sequence[Chunk]) -> LLMDraft:
    body, citations, _ = _assemble(verification.kept, sources)
    return LLMDraft(body, citations)


def _assemble(
    kept: Sequence[CheckedSentence], sources: Sequence[Chunk]
) -> tuple[str, tuple[Citation, ...], dict[int, int]]:
    """The body of the kept sentences (paragraphs as the model wrote them), their citations and the
    renumbering (source number given to the model -> number in the answer)."""
    order: dict[int, int] = {}
    lines: dict[int, list[str]] = {}
    for sentence in kept:
        if not sentence.citations:
            continue  # the abstention phrase next to supported claims adds nothing
        marks = " ".join(f"[{order.setdefault(n, len(order) + 1)}]" for n in sentence.citations)
        lines.setdefault(sentence.line, []).append(f"{sentence.text} {marks}")
    citations = tuple(_citation(order[n], sources[n - 1], [s.text for s in kept if n in s.citations]) for n in order)
    body = "\n".join(" ".join(parts) for _, parts in sorted(lines.items()))
    return body, citations, order


def _citation(n: int, chunk: Chunk, claims: Sequence[str]) -> Citation:
    return Citation.of(n, chunk, best_quote(chunk, claims))
