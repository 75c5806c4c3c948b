"""Composers turn ranked evidence into an answer. The default is extractive: every sentence
of the answer is either a sentence of the sources (with its ``[n]`` marker and the exact quote
in the sources list) or a fixed template phrase, so nothing is invented.

A language-model composer can implement the same ``Composer`` protocol later.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from assistant.params import ComposeParams
from assistant.query import Query, expansions
from assistant.records import Citation, Passage, Persona
from assistant.retrieve import Retrieval, stems
from corpus.records import Catalogue, Chunk, ChunkKind

TEMPLATES_FILE = Path(__file__).resolve().parent.parent / "prompts" / "extractive.toml"
_SENTENCE = re.compile(r"\n+|(?<=[.!?])\s+(?=[A-Z\"'(])")
_PERSONA_WORDS = {
    Persona.ONDERNEMER: {"ondernem", "bedrijv", "mkb", "terecht", "hulp", "advies", "kunn", "ondersteun", "praktijk"},
    Persona.BELEIDSMEDEWERKER: {"provinci", "overheid", "adviser", "advis", "moet", "beleid", "kabinet", "ser"},
}


@dataclass(frozen=True)
class Composed:
    text: str
    citations: tuple[Citation, ...]


class Composer(Protocol):
    def compose(self, query: Query, persona: Persona, retrieval: Retrieval, catalogue: Catalogue) -> Composed: ...


@lru_cache(maxsize=1)
def templates() -> dict[str, dict[str, str]]:
    return tomllib.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))


def phrase(language: str, key: str, **values: str) -> str:
    return templates()[language][key].format(**values)


@dataclass
class _Unit:
    key: str
    passages: list[Passage]


class ExtractiveComposer:
    """One lead sentence, then 1–4 recommendations with 1–3 source sentences each, their best
    practices, and a "Bronnen" list."""

    def __init__(self, chunks: list[Chunk], params: ComposeParams | None = None) -> None:
        self.params = params or ComposeParams()
        # the first chunk of every best practice, to cite it even when it was not retrieved
        self.practice_chunks: dict[str, Chunk] = {}
        for chunk in chunks:
            if chunk.best_practice:
                self.practice_chunks.setdefault(chunk.best_practice, chunk)
        # the passage that sets out each recommendation, quoted when none of its retrieved ones is its own text
        self.own_chunks = first_chunks(chunks)

    def compose(self, query: Query, persona: Persona, retrieval: Retrieval, catalogue: Catalogue) -> Composed:
        lang = query.language
        units = _units(list(retrieval.passages), retrieval.groups, self.params)
        citations: list[Citation] = []
        chosen = [(unit, _best_sentences(query, persona, self._readable(unit), self.params)) for unit in units]
        best = max((score for _, picked in chosen for score, _, _ in picked), default=0.0)
        used: set[str] = set()
        shown = [
            (unit, picked)
            for unit, picked in chosen
            if unit is chosen[0][0]
            or max((sc for sc, _, _ in picked), default=0.0) >= self.params.unit_min_share * best
        ]  # a weaker unit joins only when its sentences answer the question too
        advice = any(unit.passages[0].chunk.recommendation_id for unit, _ in shown)
        blocks = [phrase(lang, f"lead_{persona.value}" if advice else "lead_passages")]
        for unit, picked in shown:
            block = self._unit_block(query, unit, picked, catalogue, citations, used)
            heading, _, body = block.partition("\n")
            if blocks[-1].startswith(heading + "\n"):  # two passages of one section: one heading
                blocks[-1] += "\n" + body if body else ""
            else:
                blocks.append(block)
        blocks.append(sources_block(lang, citations))
        return Composed("\n\n".join(b for b in blocks if b), tuple(citations))

    def _readable(self, unit: _Unit) -> list[Passage]:
        """The passages whose sentences may be quoted for a unit: a recommendation retrieved only
        through its best practices (listed on their own line) also gets its own first passage, so
        it is never shown without a sentence of its own."""
        passages = unit.passages[: self.params.passages_read]
        own = self.own_chunks.get(unit.key)
        if own is None or any(p.chunk.kind is not ChunkKind.BEST_PRACTICE for p in passages):
            return passages
        return [*passages, Passage(0, own, passages[0].score if passages else 0.0)]

    def _unit_block(
        self,
        query: Query,
        unit: _Unit,
        picked: list[tuple[float, str, Chunk]],
        catalogue: Catalogue,
        citations: list[Citation],
        used: set[str],
    ) -> str:
        lang = query.language
        head = unit.passages[0].chunk
        lines = [heading(lang, head, catalogue)]
        for _, sentence, chunk in picked:
            if sentence not in used:
                used.add(sentence)
                lines.append(f"{sentence} [{cite(citations, chunk, sentence)}]")
        for name, chunk in _practices(head, catalogue, unit.passages, self.practice_chunks):
            quote = first_sentence(chunk)
            lines.append(f"{phrase(lang, 'practice', name=name)} {quote} [{cite(citations, chunk, quote)}]")
        return "\n".join(lines)


def _units(passages: list[Passage], groups: dict[str, tuple[Passage, ...]], params: ComposeParams) -> list[_Unit]:
    """The best recommendations (or sections) of the ranked evidence, each with all its passages."""
    best = passages[0].score if passages else 0.0
    units: list[_Unit] = []
    for p in passages:
        if p.score < params.unit_cutoff * best or len(units) == params.max_units:
            break
        key = p.chunk.recommendation_id or p.chunk.chunk_id
        units.append(_Unit(key, list(groups.get(key, (p,)))))
    return units


def heading(lang: str, chunk: Chunk, catalogue: Catalogue) -> str:
    doc = short_title(chunk.doc_title)
    if chunk.recommendation_id and chunk.recommendation:
        number = chunk.recommendation_id.rsplit(":", 1)[-1]
        pages = _rec_pages(chunk.recommendation_id, catalogue) or chunk.page_label
        return phrase(lang, "heading_recommendation", title=chunk.recommendation, doc=doc, number=number, pages=pages)
    section = chunk.section.split(" › ")[-1] if chunk.section else doc
    kind = phrase(lang, f"kind_{chunk.kind.value}")  # so a numbered section is not taken for a recommendation
    return phrase(lang, "heading_section", title=section, doc=doc, kind=kind, pages=chunk.page_label)


def _rec_pages(rec_id: str, catalogue: Catalogue) -> str:
    for rec in catalogue.recommendations:
        if rec.rec_id == rec_id:
            labels = list(dict.fromkeys(rec.page_labels))
            return labels[0] if len(labels) == 1 else f"{labels[0]}–{labels[-1]}" if len(labels) <= 3 else labels[0]
    return ""


def short_title(title: str) -> str:
    return title.split(":")[0].strip()


def _best_sentences(
    query: Query, persona: Persona, passages: list[Passage], params: ComposeParams
) -> list[tuple[float, str, Chunk]]:
    """Up to three sentences that share the most words with the question, in reading order."""
    wanted = stems(" ".join([*query.content_words, *expansions(query.text)]))
    scored = []
    for p_rank, passage in enumerate(passages[: params.passages_read + 1]):
        if passage.chunk.kind is ChunkKind.BEST_PRACTICE and passage.chunk.recommendation_id:
            continue  # best practices are listed on their own line
        for s_rank, sentence in enumerate(_sentences(_body(passage.chunk))):
            words = stems(sentence)
            score = len(words & wanted) + 0.5 * len(words & _PERSONA_WORDS[persona]) / 3 - 0.1 * p_rank - 0.02 * s_rank
            scored.append((score, p_rank, s_rank, sentence, passage.chunk))
    unique: dict[str, tuple[float, int, int, str, Chunk]] = {}
    for item in sorted(scored, key=lambda x: -x[0]):
        unique.setdefault(item[3], item)
    best = list(unique.values())[: params.max_sentences]
    keep = [b for b in best if b[0] > 0] or best[:1]
    return [(score, s, c) for score, _, _, s, c in sorted(keep, key=lambda x: (x[1], x[2]))]


def _sentences(text: str) -> list[str]:
    """The sentences worth quoting: 6–80 words, without the number of the list item that follows
    ("… benutten. 4."), no list stub, no caption or list of names."""
    found = (_NEXT_ITEM.sub(r"\1", s.strip()) for s in _SENTENCE.split(text))
    return [s for s in found if 6 <= len(s.split()) <= 80 and not is_noise(s)]


_NEXT_ITEM = re.compile(r"([.!?])\s+\d{1,2}[.)]$")
_STUB = re.compile(r"(?::|\b\d{1,2}[.)])\s*$")  # "… de volgende drie onderwerpen:", "… hoofdaanbevelingen: 1."
_CAPITALISED = re.compile(r"^[A-ZÀ-Ý][\w'’.-]*$")
CAPTION_SHARE = 0.6  # a "sentence" this much of whose words are capitalised is a caption or a list of names


def is_noise(sentence: str) -> bool:
    """A list stub that only announces what follows, a question the text asks, or a photo caption /
    list of names and roles ("Cyklop Zwolle André Aarnink, Technisch Manager"): never quoted as an answer."""
    text = sentence.strip()
    if _STUB.search(text) or text.endswith("?"):  # a question of the text asks, it does not answer
        return True
    words = [w.strip(",;()\"'") for w in text.split()]
    words = [w for w in words if w]
    return bool(words) and sum(bool(_CAPITALISED.match(w)) for w in words) / len(words) >= CAPTION_SHARE


def _body(chunk: Chunk) -> str:
    """The chunk's text without the heading it opens with (a quote is a sentence, not a title)."""
    text = chunk.text
    for heading in (chunk.section.rsplit(" › ", 1)[-1], chunk.recommendation or ""):
        if heading and text.startswith(heading):
            return text[len(heading) :].lstrip()
    return text


def first_sentence(chunk: Chunk) -> str:
    sentences = _sentences(_body(chunk))
    return sentences[0] if sentences else _body(chunk)[:240].strip()


def _practices(
    head: Chunk, catalogue: Catalogue, passages: list[Passage], known: dict[str, Chunk]
) -> list[tuple[str, Chunk]]:
    """The best practices of a recommendation, each with the chunk that sets it out."""
    if not head.recommendation_id:
        return []
    names = {bp.bp_id: bp.name for bp in catalogue.best_practices}
    rec = next((r for r in catalogue.recommendations if r.rec_id == head.recommendation_id), None)
    result = []
    for bp_id in rec.best_practices if rec else ():
        name = names.get(bp_id)
        chunk = next((p.chunk for p in passages if p.chunk.best_practice == name), None)
        chunk = chunk or (known.get(name) if name else None)
        if name and chunk:
            result.append((name, chunk))
    return result[:2]


def cite(citations: list[Citation], chunk: Chunk, quote: str) -> int:
    """The number of ``quote`` among ``citations``, added as the next one when it is new."""
    for c in citations:
        if c.quote == quote and c.doc_id == chunk.doc_id and c.page == chunk.page:
            return c.n
    n = len(citations) + 1
    citations.append(Citation.of(n, chunk, quote))
    return n


def sources_block(lang: str, citations: list[Citation]) -> str:
    if not citations:
        return ""
    lines = [phrase(lang, "sources")]
    for c in citations:
        where = f"{short_title(c.doc_title)}, p. {c.page_label}"
        rec = (
            f", {phrase(lang, 'recommendation')} {c.recommendation_id.rsplit(':', 1)[-1]} '{c.recommendation}'"
            if c.recommendation_id
            else ""
        )
        lines.append(f'[{c.n}] {where}{rec}: "{c.quote}"')
    return "\n".join(lines)


def first_chunks(chunks: Sequence[Chunk]) -> dict[str, Chunk]:
    """The first passage that sets out each recommendation (its own text, not a best practice)."""
    first: dict[str, Chunk] = {}
    for chunk in sorted(chunks, key=lambda c: (c.doc_id, c.page)):
        rec_id = chunk.recommendation_id
        kinds = (ChunkKind.RECOMMENDATION, ChunkKind.SUMMARY)
        if rec_id and chunk.kind in kinds and rec_id not in first and first_sentence(chunk):
            first[rec_id] = chunk
    for chunk in chunks:  # a recommendation set out only in background text or a box
        rec_id = chunk.recommendation_id
        if rec_id and rec_id not in first and chunk.kind is not ChunkKind.FOOTNOTE and first_sentence(chunk):
            first[rec_id] = chunk
    return first
