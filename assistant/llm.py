"""The language-model composer: the top passages as numbered sources, a prompt per persona and
language (``prompts/llm_<persona>_<lang>.txt``), one call to an OpenAI-compatible endpoint, and
the citation verifier (``assistant/verify.py``) over the reply.

Whatever goes wrong (timeout, HTTP error, empty or unsupported reply) the answer is the
extractive one with a short notice: the model never stands between a user and an answer.
"""

from __future__ import annotations

import logging
import threading
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from string import Formatter
from typing import Any

from assistant.compose import Composed, Composer, _short_title, _sources_block, phrase
from assistant.query import Query
from assistant.records import AnswerVerification, CheckedClaim, Citation, Passage, Persona
from assistant.retrieve import Retrieval
from assistant.verify import Verification, best_quote, verify
from corpus.errors import LLMError, PromptError
from corpus.records import Catalogue, Chunk
from corpus.settings import PROJECT_ROOT, LLMSettings
from ingest.embed import Embedder

PROMPTS_DIR = PROJECT_ROOT / "prompts"
NO_KEY = "no-key"  # local servers want some key; the real one comes only from ADVIESWIJZER_LLM__API_KEY
log = logging.getLogger(__name__)


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
            CheckedClaim(s.text, tuple(numbers[n] for n in s.citations if n in numbers), s.support, str(s.status))
            for s in self.verification.sentences
        )
        return AnswerVerification(sentences, self.verification.repaired, self.verification.dropped, self.notice)


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
    """The passages as sources ``[1]``…``[k]``: document, recommendation, printed page, then the text."""
    blocks = []
    for n, passage in enumerate(passages, start=1):
        chunk = passage.chunk
        rec = ""
        if chunk.recommendation_id:
            number = chunk.recommendation_id.rsplit(":", 1)[-1]
            rec = f", {phrase(lang, 'recommendation')} {number} '{chunk.recommendation}'"
        head = f"[{n}] {_short_title(chunk.doc_title)}{rec}, p. {chunk.page_label}"
        blocks.append(f"{head}\n{' '.join(chunk.text.split())}")
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
    """Answers with a language model; every citation is verified; falls back to ``fallback``."""

    def __init__(self, settings: LLMSettings, embedder: Embedder, fallback: Composer, llm: Any | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.fallback = fallback
        self.llm = llm or make_llm(settings)

    def compose(self, query: Query, persona: Persona, retrieval: Retrieval, catalogue: Catalogue) -> Composed:
        lang = query.language
        passages = retrieval.passages[: self.settings.sources]
        abstain = phrase(lang, "abstain")
        prompt = render_prompt(
            f"llm_{persona.value}_{lang}", question=query.text, sources=format_sources(passages, lang), abstain=abstain
        )
        try:
            output = self.complete(prompt)
        except LLMError as exc:
            log.warning("language model unavailable, extractive answer used: %s", exc)
            return self._fallback(query, persona, retrieval, catalogue, "notice_unavailable")
        verification = verify(output, [p.chunk for p in passages], self.embedder, abstain)
        if verification.supported:
            return _verified_answer(lang, verification, [p.chunk for p in passages])
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


def _verified_answer(lang: str, verification: Verification, sources: Sequence[Chunk]) -> LLMComposed:
    """The kept sentences with their citations renumbered 1..m in order of use, then the sources list."""
    order: dict[int, int] = {}  # source number given to the model -> number in the answer
    lines: dict[int, list[str]] = {}
    for sentence in verification.kept:
        if not sentence.citations:
            continue  # the abstention phrase next to supported claims adds nothing
        marks = " ".join(f"[{order.setdefault(n, len(order) + 1)}]" for n in sentence.citations)
        lines.setdefault(sentence.line, []).append(f"{sentence.text} {marks}")
    citations = tuple(_citation(order[n], sources[n - 1], _claims(verification, n)) for n in order)
    body = "\n".join(" ".join(parts) for _, parts in sorted(lines.items()))
    text = "\n\n".join(part for part in (body, _sources_block(lang, list(citations))) if part)
    return LLMComposed(text, citations, verification, numbers=order)


def _claims(verification: Verification, n: int) -> list[str]:
    return [s.text for s in verification.kept if n in s.citations]


def _citation(n: int, chunk: Chunk, claims: Sequence[str]) -> Citation:
    return Citation.of(n, chunk, best_quote(chunk, claims))
