"""Typed, frozen domain records shared by every stage of the pipeline.

corpus → ingest → index → assistant → app/eval: each stage reads these records and
writes new ones; none of them is mutated after it is made.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class ChunkKind(StrEnum):
    """What a passage of text is, so retrieval can filter and the answer can cite it."""

    RECOMMENDATION = "recommendation"
    BEST_PRACTICE = "best_practice"
    QUOTE = "quote"
    BACKGROUND = "background"
    SUMMARY = "summary"
    FOOTNOTE = "footnote"


@dataclass(frozen=True)
class Line:
    """One printed line of a PDF page, with the layout facts structure detection needs."""

    text: str
    font: str = ""
    size: float = 0.0
    gap_before: bool = False  # a blank line / paragraph gap separates it from the line above
    x: float = 0.0


@dataclass(frozen=True)
class Page:
    """One PDF page: its 1-based PDF index, the printed page label and its lines."""

    doc_id: str
    index: int
    label: str
    lines: tuple[Line, ...]
    ocr: bool = False  # its lines were read with OCR

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True)
class Document:
    """A source document as the index knows it."""

    doc_id: str
    title: str
    publisher: str
    path: str
    sha256: str
    pages: int
    kind: str = "advies"
    date: str = ""
    url: str = ""
    ocr_pages: tuple[int, ...] = ()  # 1-based PDF pages whose text was read with OCR (no usable text layer)


@dataclass(frozen=True)
class Section:
    """A heading in a document's outline, with the pages it spans."""

    doc_id: str
    path: tuple[str, ...]
    page_start: int
    page_end: int


@dataclass(frozen=True)
class BestPractice:
    """A named example box ("Best practice ElektroNed") attached to a recommendation."""

    doc_id: str
    bp_id: str
    name: str
    recommendation_id: str | None
    page: int
    page_label: str
    text: str


@dataclass(frozen=True)
class Quote:
    """An expert quote with its speaker, as printed in the document."""

    doc_id: str
    text: str
    speaker: str
    page: int
    page_label: str
    recommendation_id: str | None = None


@dataclass(frozen=True)
class Recommendation:
    """A recommendation as a first-class record with a stable id.

    ``title`` is the wording of the document's own list (summary table or numbered list);
    ``body_title`` is the heading in the body where it is set out, when that differs.
    ``parent_id`` links a sub-recommendation to its main recommendation.
    """

    doc_id: str
    rec_id: str
    number: str
    title: str
    theme: str
    theme_number: str
    pages: tuple[int, ...]
    page_labels: tuple[str, ...]
    text: str
    body_title: str = ""
    parent_id: str | None = None
    best_practices: tuple[str, ...] = ()
    points: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chunk:
    """A passage to index: the text to search, the original for quotes, and where it sits."""

    chunk_id: str
    doc_id: str
    doc_title: str
    page: int
    page_end: int
    page_label: str
    page_label_end: str
    section: str
    kind: ChunkKind
    text: str
    recommendation_id: str | None = None
    recommendation: str | None = None
    theme: str | None = None
    best_practice: str | None = None
    speaker: str | None = None
    content_hash: str = ""
    ocr: bool = False  # its text comes (partly) from a page read with OCR

    def metadata(self) -> dict[str, Any]:
        """Flat metadata for a vector store (no None values: Chroma rejects them)."""
        data = {k: v for k, v in asdict(self).items() if k not in ("text", "chunk_id")}
        data["kind"] = str(self.kind)
        return {k: ("" if v is None else v) for k, v in data.items()}


@dataclass(frozen=True)
class Catalogue:
    """The structure of the corpus: documents, outline, recommendations, practices, quotes."""

    documents: tuple[Document, ...] = ()
    sections: tuple[Section, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()
    best_practices: tuple[BestPractice, ...] = ()
    quotes: tuple[Quote, ...] = ()
    themes: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    def recommendations_of(self, doc_id: str) -> list[Recommendation]:
        return [r for r in self.recommendations if r.doc_id == doc_id]

    def recommendation(self, rec_id: str) -> Recommendation:
        for rec in self.recommendations:
            if rec.rec_id == rec_id:
                return rec
        raise KeyError(rec_id)
