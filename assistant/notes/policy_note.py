"""Draft a policy note from chosen recommendations; every statement carries a footnote.

The draft has five sections: Aanleiding, Wat adviseren de SER-adviezen, Voorbeelden uit de
praktijk, Overwegingen and Bronnen. A statement is either a sentence quoted verbatim from the
catalogue (recommendation or best-practice text) or a fixed phrase of ``prompts/policy_note.toml``
that names the topic, a document or a recommendation; nothing is invented. Each footnote names
the document, the recommendation (id and title), the printed page and the exact quote.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from assistant.claims import ACTORS
from corpus.records import BestPractice, Catalogue, Chunk, Document, Recommendation
from corpus.settings import PROJECT_ROOT

TEMPLATES_FILE = PROJECT_ROOT / "prompts" / "policy_note.toml"
MAX_SENTENCES = 2  # quoted sentences per recommendation
MAX_CANDIDATES = 10  # recommendations offered for a topic
MAX_ACTOR_QUOTES = 2  # sentences quoted per actor under "Overwegingen"
# the actors "Overwegingen" looks for (assistant/claims.py knows their word forms), as the note names them
ACTOR_LABELS = {
    "provincie": "de provincie",
    "kabinet": "het kabinet en de overheid",
    "gemeente": "gemeenten",
    "werkgever": "werkgevers",
    "werknemer": "werknemers",
    "vakbond": "vakbonden en sociale partners",
    "onderwijs": "het onderwijs",
    "ondernemer": "ondernemers",
}
SENTENCE_CHARS = (30, 400)  # a quotable sentence is neither a fragment nor a whole page
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_STARTS_WELL = re.compile(r"^[A-Z0-9À-Ý\"'‘“(]")
_NOTE_REF = "[^{n}]"


@dataclass(frozen=True)
class Footnote:
    n: int
    doc_id: str
    doc_title: str
    recommendation_id: str
    recommendation: str
    page: int  # 1-based PDF page
    page_label: str  # printed page number
    quote: str
    best_practice: str | None = None

    def text(self) -> str:
        key = "note_practice" if self.best_practice else "note"
        return phrase(
            key,
            doc=self.doc_title,
            rec_id=self.recommendation_id,
            rec_title=self.recommendation,
            name=self.best_practice or "",
            page=self.page_label,
            quote=self.quote,
        )


@dataclass(frozen=True)
class Statement:
    text: str
    notes: tuple[int, ...]


@dataclass(frozen=True)
class Block:
    heading: str  # a sub-heading, or "" for a plain paragraph
    statements: tuple[Statement, ...]
    bullet: bool = False  # one list item per statement


@dataclass(frozen=True)
class NoteSection:
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class PolicyNote:
    topic: str
    title: str
    sections: tuple[NoteSection, ...]
    footnotes: tuple[Footnote, ...]


@lru_cache(maxsize=1)
def templates() -> dict[str, Any]:
    return tomllib.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))


def phrase(key: str, **values: object) -> str:
    return str(templates()["phrases"][key]).format(**values)


def draft(topic: str, rec_ids: Sequence[str], catalogue: Catalogue, chunks: Iterable[Chunk]) -> PolicyNote:
    """A policy note on ``topic`` from the chosen recommendations, in the order given."""
    topic = " ".join(topic.split())
    recs = [catalogue.recommendation(r) for r in dict.fromkeys(rec_ids)]
    if not recs:
        raise ValueError("A policy note needs at least one recommendation.")
    notes = _Notes(catalogue, chunks)
    names = templates()["sections"]
    sections = (
        NoteSection(names["aanleiding"], _aanleiding(topic, recs, notes)),
        NoteSection(names["advies"], _advies(recs, notes)),
        NoteSection(names["praktijk"], _praktijk(recs, notes, catalogue)),
        NoteSection(names["overwegingen"], _overwegingen(recs, notes)),
    )
    kept = tuple(section for section in sections if section.blocks)  # no section without content
    return PolicyNote(topic, templates()["title"].format(topic=topic), kept, tuple(notes.footnotes))


def to_markdown(note: PolicyNote) -> str:
    """The draft as Markdown with ``[^n]`` footnotes; the DOCX export reads this text back."""
    lines = [f"# {note.title}", ""]
    for section in note.sections:
        lines += [f"## {section.title}", ""]
        for block in section.blocks:
            lines += _block_lines(block)
    lines += [f"## {templates()['sections']['bronnen']}", ""]
    lines += [f"[^{f.n}]: {f.text()}" for f in note.footnotes]
    return "\n".join(lines) + "\n"


def sentences(text: str) -> list[str]:
    """Well-formed sentences of a text: a capital at the start, an end mark, a sensible length."""
    low, high = SENTENCE_CHARS
    found = []
    for sentence in _SENTENCE_END.split(" ".join(text.split())):
        if _STARTS_WELL.match(sentence) and sentence[-1:] in ".!?" and low <= len(sentence) <= high:
            found.append(sentence)
    return found


class _Notes:
    """Numbers footnotes in order of first use; the same quote of the same source gets one number."""

    def __init__(self, catalogue: Catalogue, chunks: Iterable[Chunk]) -> None:
        self.catalogue = catalogue
        self.documents = {d.doc_id: d for d in catalogue.documents}
        self.by_rec: dict[str, list[Chunk]] = {}
        self.by_doc: dict[str, list[Chunk]] = {}
        for chunk in chunks:
            self.by_rec.setdefault(chunk.recommendation_id or "", []).append(chunk)
            self.by_doc.setdefault(chunk.doc_id, []).append(chunk)
        self.footnotes: list[Footnote] = []
        self._numbers: dict[tuple[str, str, str], int] = {}

    def title(self, rec: Recommendation) -> int:
        """A footnote quoting the recommendation's title on the page where the document prints it."""
        page, label = self._locate(rec, rec.title, anywhere=True)
        return self._add(rec, rec.title, page, label)

    def sentence(self, rec: Recommendation, sentence: str) -> int:
        page, label = self._locate(rec, sentence)
        return self._add(rec, sentence, page, label)

    def practice(self, rec: Recommendation, bp: BestPractice, sentence: str) -> int:
        return self._add(rec, sentence, bp.page, bp.page_label, bp.name)

    def document(self, rec: Recommendation) -> Document:
        return self.documents[rec.doc_id]

    def _add(self, rec: Recommendation, quote: str, page: int, label: str, practice: str | None = None) -> int:
        key = (rec.rec_id, practice or "", quote)
        if key not in self._numbers:
            n = len(self.footnotes) + 1
            doc = self.documents[rec.doc_id]
            self.footnotes.append(
                Footnote(n, doc.doc_id, doc.title, rec.rec_id, rec.title, page, label, quote, practice)
            )
            self._numbers[key] = n
        return self._numbers[key]

    def on_a_page(self, rec: Recommendation, text: str) -> bool:
        """Whether the first of the recommendation's own passages that holds ``text`` lies on one page
        (a sentence across two passages, or in a passage over a page turn, has no sure page to cite)."""
        wanted = " ".join(text.split())
        holding = [c for c in self.by_rec.get(rec.rec_id, []) if wanted in " ".join(c.text.split())]
        return bool(holding) and holding[0].page == holding[0].page_end

    def _locate(self, rec: Recommendation, text: str, anywhere: bool = False) -> tuple[int, str]:
        """The page of the first chunk that holds ``text``: the recommendation's own chunks, then the
        document's chunks on its pages (then, with ``anywhere``, the whole document, e.g. a summary
        table that lists the title); the recommendation's first page when none does."""
        wanted = " ".join(text.split())
        own_pages = [c for c in self.by_doc.get(rec.doc_id, []) if c.page in rec.pages]
        elsewhere = self.by_doc.get(rec.doc_id, []) if anywhere else []
        for chunk in [*self.by_rec.get(rec.rec_id, []), *own_pages, *elsewhere]:
            if wanted in " ".join(chunk.text.split()):
                return chunk.page, chunk.page_label
        return (rec.pages[0], rec.page_labels[0]) if rec.pages else (1, "?")


def _aanleiding(topic: str, recs: list[Recommendation], notes: _Notes) -> tuple[Block, ...]:
    groups = _grouped(recs, lambda r: r.doc_id)
    statements = [Statement(phrase("aanleiding_topic", topic=topic), tuple(notes.title(g[0]) for g in groups))]
    for group in groups:
        doc = notes.document(group[0])
        text = phrase(
            "aanleiding_document", doc=doc.title, publisher=doc.publisher, date=doc.date or "z.d.", which=_which(group)
        )
        statements.append(Statement(text, tuple(notes.title(r) for r in group)))
    return (Block("", tuple(statements)),)


def _advies(recs: list[Recommendation], notes: _Notes) -> tuple[Block, ...]:
    blocks = []
    for rec in recs:
        doc = notes.document(rec)
        lead = Statement(phrase("advies_title", doc=doc.title, title=rec.title.rstrip(".")), (notes.title(rec),))
        quoted = [s for s in sentences(rec.text) if s.rstrip(".") != rec.title.rstrip(".")][:MAX_SENTENCES]
        body = [Statement(s, (notes.sentence(rec, s),)) for s in quoted]
        blocks.append(Block(phrase("advies_heading", number=rec.number, title=rec.title), (lead, *body)))
    return tuple(blocks)


def _praktijk(recs: list[Recommendation], notes: _Notes, catalogue: Catalogue) -> tuple[Block, ...]:
    practices = {bp.bp_id: bp for bp in catalogue.best_practices}
    items, seen = [], set()
    for rec in recs:
        for bp_id in rec.best_practices:
            bp = practices.get(bp_id)
            first = sentences(bp.text)[:1] if bp and bp_id not in seen else []
            if bp and first:
                seen.add(bp_id)
                text = phrase("praktijk_item", name=bp.name, number=rec.number, sentence=first[0])
                items.append(Statement(text, (notes.practice(rec, bp, first[0]),)))
    if not items:
        none = Statement(phrase("praktijk_none"), tuple(notes.title(r) for r in recs))
        return (Block("", (none,)),)
    return (Block("", tuple(items), bullet=True),)


def _overwegingen(recs: list[Recommendation], notes: _Notes) -> tuple[Block, ...]:
    """Who acts, in the recommendations' own words: per actor the advisories name (provincie, kabinet,
    gemeenten, werkgevers, werknemers, vakbonden, onderwijs, ondernemers), the selected
    recommendations' sentences that name it, quoted with their notes; nothing when none does."""
    blocks = []
    for group, label in ACTOR_LABELS.items():
        quoted = [
            (rec, sentence)
            for rec in recs
            for sentence in sentences(rec.text)
            if ACTORS[group] & set(re.findall(r"\w+", sentence.lower())) and notes.on_a_page(rec, sentence)
        ][:MAX_ACTOR_QUOTES]
        if quoted:
            statements = tuple(Statement(s, (notes.sentence(rec, s),)) for rec, s in quoted)
            blocks.append(Block(phrase("overweging_actor", actor=label), statements, bullet=True))
    return tuple(blocks)


def _grouped(recs: list[Recommendation], key: Callable[[Recommendation], object]) -> list[list[Recommendation]]:
    groups: dict[object, list[Recommendation]] = {}
    for rec in recs:
        groups.setdefault(key(rec), []).append(rec)
    return list(groups.values())


def _which(group: list[Recommendation]) -> str:
    numbers = [r.number for r in group]
    joined = numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " en " + numbers[-1]
    return phrase("one_recommendation" if len(group) == 1 else "more_recommendations", numbers=joined)


def _block_lines(block: Block) -> list[str]:
    lines = [f"### {block.heading}", ""] if block.heading else []
    refs = ["".join(_NOTE_REF.format(n=n) for n in s.notes) for s in block.statements]
    texts = [f"{s.text}{r}" for s, r in zip(block.statements, refs, strict=True)]
    if block.bullet:
        return [*lines, *(f"- {t}" for t in texts), ""]
    return [*lines, " ".join(texts), ""]
