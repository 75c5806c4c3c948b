"""Chunk a labelled document along its structure.

Consecutive lines with the same label (section, recommendation, best practice, kind) form a
segment; a chunk never crosses a segment, so no chunk spans two recommendations. Long
segments are split at sentence ends into passages of about ``chunk_words`` words with
``overlap_words`` of overlap. Footnotes are gathered per page into their own chunks.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from corpus.records import Chunk, ChunkKind, Document, Recommendation
from ingest.catalogue import Label, Structure
from ingest.clean import join_lines
from ingest.outline import Outline, TextLine

MIN_CHUNK_WORDS = 8  # shorter segments (a lone heading) are merged into the next passage
# the hard limit of a chunk, whatever a page holds (the real advisories' longest is about 1,300): e5 reads
# 512 tokens, and a page of 2 MB without a full stop once became one chunk that took 345 s to embed
MAX_CHUNK_CHARS = 2400
_SENTENCE_END = re.compile(r"(?<=[.!?:;\"])\s+(?=[A-Z\"'(•–0-9])")


@dataclass
class _Segment:
    label: Label
    lines: list[TextLine]


def make_chunks(
    doc: Document, outline: Outline, structure: Structure, chunk_words: int, overlap_words: int
) -> list[Chunk]:
    recs = {r.rec_id: r for r in structure.recommendations}
    chunks: list[Chunk] = []
    for segment in _segments(outline, structure.labels):
        for lines, text in _split(segment.lines, chunk_words, overlap_words):
            chunks.append(_chunk(doc, segment.label, lines, text, recs, len(chunks)))
    return chunks


def _segments(outline: Outline, labels: list[Label]) -> list[_Segment]:
    segments: list[_Segment] = []
    footnotes: dict[int, list[TextLine]] = {}
    for line, label in zip(outline.lines, labels, strict=False):
        if label.skip:
            continue
        if label.kind is ChunkKind.FOOTNOTE:
            footnotes.setdefault(line.page, []).append(line)
            continue
        if segments and _same(segments[-1].label, label):
            segments[-1].lines.append(line)
        else:
            segments.append(_Segment(label, [line]))
    merged = _merge_short(segments)
    for page_lines in footnotes.values():
        merged.append(_Segment(Label("", None, None, ChunkKind.FOOTNOTE), page_lines))
    return merged


def _same(a: Label, b: Label) -> bool:
    return (a.rec_id, a.best_practice, a.kind, a.section) == (b.rec_id, b.best_practice, b.kind, b.section)


def _merge_short(segments: list[_Segment]) -> list[_Segment]:
    """A heading alone is too short to be a passage: it opens the next segment of the same
    recommendation, or closes the previous one; it never crosses into another recommendation."""
    result: list[_Segment] = []
    carry: _Segment | None = None
    for segment in segments:
        if carry and carry.label.rec_id != segment.label.rec_id:
            _flush(result, carry)
            carry = None
        lines = (carry.lines if carry else []) + segment.lines
        if _words(lines) < MIN_CHUNK_WORDS and segment.label.kind is not ChunkKind.QUOTE:
            carry = _Segment(segment.label, lines)
            continue
        result.append(_Segment(segment.label, lines))
        carry = None
    if carry:
        _flush(result, carry)
    return result


def _flush(result: list[_Segment], carry: _Segment) -> None:
    if result and result[-1].label.rec_id == carry.label.rec_id:
        result[-1].lines.extend(carry.lines)
    else:
        result.append(carry)


def _words(lines: list[TextLine]) -> int:
    return sum(len(x.text.split()) for x in lines)


def _split(lines: list[TextLine], size: int, overlap: int) -> list[tuple[list[TextLine], str]]:
    """Passages of about ``size`` words, cut at sentence ends, each with the lines it came from."""
    sentences: list[tuple[str, TextLine]] = []
    for paragraph in _paragraphs(lines):
        text = join_lines(x.text for x in paragraph)
        for k, sentence in enumerate(_SENTENCE_END.split(text)):
            for j, piece in enumerate(_pieces(sentence, size)):
                sentences.append((("\n" if k == 0 and j == 0 else "") + piece, paragraph[0]))
    passages: list[list[tuple[str, TextLine]]] = []
    current: list[tuple[str, TextLine]] = []
    words = chars = 0
    for sentence, line in sentences:
        n = len(sentence.split())
        if current and (words + n > size or chars + len(sentence) > MAX_CHUNK_CHARS):
            passages.append(current)
            current = _tail(current, overlap)
            if sum(len(s) for s, _ in current) + len(sentence) > MAX_CHUNK_CHARS:
                current = []  # no overlap when it would not fit
            words, chars = sum(len(s.split()) for s, _ in current), sum(len(s) + 1 for s, _ in current)
        current.append((sentence, line))
        words, chars = words + n, chars + len(sentence) + 1
    if current:
        passages.append(current)
    return [([ln for _, ln in p] or lines[:1], _join_sentences([s for s, _ in p])) for p in passages]


def _pieces(sentence: str, size: int, max_chars: int = MAX_CHUNK_CHARS) -> list[str]:
    """A "sentence" longer than a passage (a page of text without a full stop, a string without spaces)
    in parts of at most ``size`` words and ``max_chars`` characters, so no chunk outgrows the limit."""
    if len(sentence) <= max_chars and len(sentence.split()) <= size:
        return [sentence]
    words = sentence.split()
    groups = [" ".join(words[i : i + size]) for i in range(0, len(words), size)]
    return [g[i : i + max_chars] for g in groups for i in range(0, len(g), max_chars)]


def _join_sentences(sentences: list[str]) -> str:
    """Sentences of one paragraph joined by a space; paragraphs (and headings) by a newline."""
    text = ""
    for sentence in sentences:
        if sentence.startswith("\n"):
            text = f"{text}\n{sentence[1:]}" if text else sentence[1:]
        else:
            text = f"{text} {sentence}" if text else sentence
    return text


def _paragraphs(lines: list[TextLine]) -> list[list[TextLine]]:
    paragraphs: list[list[TextLine]] = []
    for line in lines:
        continues = bool(paragraphs) and _continues(paragraphs[-1][-1].text, line.text)
        if not paragraphs or ((line.gap_before or line.heading) and not continues):
            paragraphs.append([line])
        else:
            paragraphs[-1].append(line)
    return paragraphs


def _continues(previous: str, text: str) -> bool:
    """A sentence broken by a page turn (or a box) goes on in lower case."""
    return text[:1].islower() and not previous.endswith((".", ":", "?", "!", '"'))


def _tail(passage: list[tuple[str, TextLine]], overlap: int) -> list[tuple[str, TextLine]]:
    tail: list[tuple[str, TextLine]] = []
    words = 0
    for sentence, line in reversed(passage):
        if words >= overlap:
            break
        tail.insert(0, (sentence, line))
        words += len(sentence.split())
    return tail if len(tail) < len(passage) else []


def _chunk(
    doc: Document, label: Label, lines: list[TextLine], text: str, recs: dict[str, Recommendation], n: int
) -> Chunk:
    rec = recs.get(label.rec_id) if label.rec_id else None
    first, last = lines[0], lines[-1]
    digest = hashlib.sha256(f"{doc.doc_id}|{label}|{text}".encode()).hexdigest()
    return Chunk(
        chunk_id=f"{doc.doc_id}:{n:05d}",
        doc_id=doc.doc_id,
        doc_title=doc.title,
        page=first.page,
        page_end=last.page,
        page_label=first.label,
        page_label_end=last.label,
        section=label.section,
        kind=label.kind,
        text=text,
        recommendation_id=label.rec_id,
        recommendation=rec.title if rec else None,
        theme=rec.theme if rec else None,
        best_practice=label.best_practice,
        content_hash=digest[:32],
        ocr=any(page in doc.ocr_pages for page in range(first.page, last.page + 1)),
    )
