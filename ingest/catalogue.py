"""Label every line of a document with where it belongs, and build the catalogue records.

A line's label says which section path, recommendation, best practice and kind of passage it
belongs to; chunking then never lets a chunk cross a label boundary, so no chunk spans two
recommendations. The catalogue records (recommendations, best practices, quotes, sections)
are built from the same labels, so the catalogue and the chunks always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.records import BestPractice, ChunkKind, Document, Quote, Recommendation, Section
from ingest import rules
from ingest.clean import join_lines
from ingest.outline import Outline, numbered
from ingest.recommendations import Found, find_main_recommendations, find_table_recommendations

TOC_SHARE = 0.4  # a page whose lines mostly end in page numbers is a table of contents


@dataclass(frozen=True)
class Label:
    section: str
    rec_id: str | None
    best_practice: str | None
    kind: ChunkKind
    skip: bool = False


@dataclass
class Structure:
    """Everything structure detection found in one document."""

    labels: list[Label]
    recommendations: list[Recommendation]
    best_practices: list[BestPractice]
    quotes: list[Quote]
    sections: list[Section]
    themes: list[tuple[str, str]]


def analyse(outline: Outline, meta: Document) -> Structure:
    found = find_table_recommendations(outline) or find_main_recommendations(outline)
    rec_of = _recommendation_of_lines(outline, found, meta.doc_id)
    bp_of, bp_start = _best_practice_of_lines(outline, rec_of)
    sections = _section_paths(outline, found)
    skip = _skipped_lines(outline)
    labels = [
        Label(sections[i], rec_of[i], bp_of[i], _kind(outline, i, rec_of[i], bp_of[i], sections[i]), skip[i])
        for i in range(len(outline.lines))
    ]
    practices = _best_practices(outline, meta, labels, bp_start)
    recs = _recommendations(outline, meta, found, labels, practices)
    return Structure(
        labels, recs, practices, _quotes(outline, meta, labels), _sections(outline, meta, sections), _themes_of(found)
    )


def rec_id(doc_id: str, number: str) -> str:
    return f"{doc_id}:{number}"


def _recommendation_of_lines(outline: Outline, found: list[Found], doc_id: str) -> list[str | None]:
    rec_of: list[str | None] = [None] * len(outline.lines)
    for item in sorted(found, key=lambda f: f.parent is not None):  # sub-recommendations win
        for start, end in item.spans:
            for i in range(start, end):
                rec_of[i] = rec_id(doc_id, item.number)
    return rec_of


def _best_practice_of_lines(outline: Outline, rec_of: list[str | None]) -> tuple[list[str | None], dict[str, int]]:
    """A best-practice box runs from its heading to the next recommendation, theme or box."""
    bp_of: list[str | None] = [None] * len(outline.lines)
    starts: dict[str, int] = {}
    current, owner, box_font = None, None, ""
    for i, line in enumerate(outline.lines):
        name = _practice_name(outline, i) if line.heading else None
        if name:
            known = next((n for n in starts if _same_practice(n, name)), None)
            current, owner = known or name, rec_of[i]
            box_font = outline.lines[i + 1].font if i + 1 < len(outline.lines) else ""
            starts.setdefault(current, i)
        elif current and (
            rec_of[i] != owner
            or (line.heading and _ends_box(outline, i))
            or (line.gap_before and not line.footnote and line.font != box_font and not line.heading)
        ):
            current = None
        if not line.footnote:
            bp_of[i] = current
    return bp_of, starts


def _practice_name(outline: Outline, i: int) -> str | None:
    text = outline.lines[i].text
    match = rules.BEST_PRACTICE.match(text)
    if match:
        return match.group(1).strip() or None
    following = " ".join(x.text for x in outline.lines[i + 1 : i + 4])
    if rules.EXAMPLE_HINT.search(following):
        lead = re.match(r"^((?:[A-Z0-9][\w+!&'-]*\s?)+)", text)
        if lead and lead.group(1).split()[0] in following:
            return lead.group(1).strip()
    return None


def _same_practice(a: str, b: str) -> bool:
    return a.lower().split()[-1] == b.lower().split()[-1]


def _ends_box(outline: Outline, i: int) -> bool:
    text = outline.lines[i].text
    parts = numbered(text)
    return bool(rules.CHAPTER.match(text) or (parts and parts[1][:1].isupper()))


def _section_paths(outline: Outline, found: list[Found]) -> list[str]:
    starts = {span[0]: f for f in found for span in f.spans}
    chapter, middle, leaf = "", "", ""
    paths = []
    for i, line in enumerate(outline.lines):
        if line.heading and not line.speaker:
            if rules.CHAPTER.match(line.text):
                chapter, middle, leaf = line.text, "", ""
            elif numbered(line.text) and i not in starts:
                middle, leaf = line.text, ""
            elif i in starts:
                leaf = starts[i].title
                if starts[i].parent is None and (rules.MAIN_RECOMMENDATION.match(line.text) or numbered(line.text)):
                    middle, leaf = line.text, ""
            else:
                leaf = line.text
        paths.append(" › ".join(p for p in (chapter, middle, leaf) if p))
    return paths


def _skipped_lines(outline: Outline) -> list[bool]:
    """Tables of contents and bibliographies are not indexed."""
    toc_pages = _toc_pages(outline)
    skip, in_back_matter = [], False
    for line in outline.lines:
        if line.heading and rules.CHAPTER.match(line.text):
            in_back_matter = False
        if line.heading and rules.SKIP_SECTIONS.match(line.text):
            in_back_matter = True
        skip.append(in_back_matter or line.page in toc_pages)
    return skip


def _toc_pages(outline: Outline) -> set[int]:
    per_page: dict[int, list[str]] = {}
    for line in outline.lines:
        per_page.setdefault(line.page, []).append(line.text)
    return {
        page
        for page, texts in per_page.items()
        if len(texts) >= 5 and sum(bool(re.search(r"\s\d{1,3}$", t)) for t in texts) >= TOC_SHARE * len(texts)
    }


def _kind(outline: Outline, i: int, rec: str | None, bp: str | None, section: str) -> ChunkKind:
    line = outline.lines[i]
    if line.footnote:
        return ChunkKind.FOOTNOTE
    if line.quote or line.speaker:
        return ChunkKind.QUOTE
    if bp:
        return ChunkKind.BEST_PRACTICE
    if rec:
        return ChunkKind.RECOMMENDATION
    if section.startswith("Samenvatting") or (line.page <= 2 and "Samenvatting" in outline.lines[0].text):
        return ChunkKind.SUMMARY
    return ChunkKind.BACKGROUND


def _best_practices(
    outline: Outline, meta: Document, labels: list[Label], starts: dict[str, int]
) -> list[BestPractice]:
    result = []
    for name, start in starts.items():
        lines = [outline.lines[i] for i, lab in enumerate(labels) if lab.best_practice == name and i > start]
        first = outline.lines[start]
        result.append(
            BestPractice(
                meta.doc_id,
                f"{meta.doc_id}:bp:{_slug(name)}",
                name,
                labels[start].rec_id,
                first.page,
                first.label,
                join_lines(x.text for x in lines if not x.heading or x.text != name),
            )
        )
    return result


def _recommendations(
    outline: Outline, meta: Document, found: list[Found], labels: list[Label], practices: list[BestPractice]
) -> list[Recommendation]:
    result = []
    for item in found:
        rid = rec_id(meta.doc_id, item.number)
        own = [
            i
            for i, lab in enumerate(labels)
            if lab.rec_id == rid or (item.parent is None and lab.rec_id and lab.rec_id.startswith(rid + "."))
        ]
        pages = sorted({outline.lines[i].page for i in own})
        body = [
            outline.lines[i].text
            for i in own
            if labels[i].kind in (ChunkKind.RECOMMENDATION,) and labels[i].rec_id == rid
        ]
        result.append(
            Recommendation(
                meta.doc_id,
                rid,
                item.number,
                item.title,
                item.theme,
                item.theme_number,
                tuple(pages),
                tuple(outline.labels[p] for p in pages),
                join_lines(body[1:] if body else []),
                item.body_title,
                rec_id(meta.doc_id, item.parent) if item.parent else None,
                _practices_of(rid, join_lines(body), practices),
                tuple(item.points),
            )
        )
    return result


def _practices_of(rid: str, text: str, practices: list[BestPractice]) -> tuple[str, ...]:
    """Boxes placed under the recommendation, and boxes its text mentions by name."""
    owned = [bp.bp_id for bp in practices if bp.recommendation_id == rid]
    mentioned = [bp.bp_id for bp in practices if bp.bp_id not in owned and _distinctive(bp.name) in text]
    return tuple(owned + mentioned)


def _distinctive(name: str) -> str:
    words = [w.strip(":!()") for w in name.split() if w[:1].isupper() and len(w) >= 5]
    return max(words, key=len) if words else name


def _quotes(outline: Outline, meta: Document, labels: list[Label]) -> list[Quote]:
    quotes, buffer = [], []
    for i, line in enumerate(outline.lines):
        if line.quote:
            buffer.append(i)
        elif buffer:
            speaker = line.text.rstrip("?!*°. ") if line.speaker else ""
            first = outline.lines[buffer[0]]
            text = join_lines(outline.lines[k].text for k in buffer)
            quotes.append(Quote(meta.doc_id, text, speaker, first.page, first.label, labels[buffer[0]].rec_id))
            buffer = []
    return quotes


def _sections(outline: Outline, meta: Document, paths: list[str]) -> list[Section]:
    result: dict[str, list[int]] = {}
    for line, path in zip(outline.lines, paths, strict=False):
        if path:
            result.setdefault(path, []).append(line.page)
    return [Section(meta.doc_id, tuple(p.split(" › ")), min(v), max(v)) for p, v in result.items()]


def _themes_of(found: list[Found]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for item in found:
        if item.parent is None or item.theme_number not in seen:
            seen.setdefault(item.theme_number, item.theme)
    return sorted(seen.items(), key=lambda kv: int(kv[0]) if kv[0].isdigit() else 0)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
