"""Find the recommendations of a document, generically, from its own lists and headings.

Two patterns are recognised (their markers live in ``ingest.rules``):

* **Summary table + numbered themes** (SER Overijssel): a table headed "Onderwerp
  Aanbevelingen" lists the recommendations; the advice chapter has numbered theme headings
  ("4. Ondersteun het mkb …") with one heading per recommendation below them. The table
  items are aligned in order with the body headings; a table item without a matching heading
  between two matched neighbours is paired with the unmatched heading in the same place
  (e.g. "Zet in op een hogere arbeidskwaliteit" ↔ "Zet de mens centraal bij de invoering
  van AI"), so both wordings stay traceable.
* **Main recommendations with numbered sub-recommendations** (AI en werk): headings
  "Hoofdaanbeveling N: …", numbered items below them, and a numbered body section
  ("6.3.N …") per main recommendation.

Each finder returns ``Found`` items: a record plus the line ranges of the outline that belong
to it, so chunks can carry the recommendation id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ingest import rules
from ingest.clean import join_lines, strip_trailing_bullet
from ingest.outline import Outline, TextLine, is_title_like, numbered
from ingest.text import fold, stopwords

MATCH_THRESHOLD = 0.5


@dataclass
class Found:
    """A recommendation being assembled: its record fields and the outline lines it owns."""

    number: str
    title: str
    theme: str
    theme_number: str
    body_title: str = ""
    parent: str | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)  # [start, end) line indexes
    points: list[str] = field(default_factory=list)
    text: str = ""


# --- shared helpers -------------------------------------------------------------------------


def tokens(text: str) -> set[str]:
    """Comparable word stems: folded, split on hyphens, cut to 7 characters."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    stop = _stop()
    return {w[:7] for w in words if len(w) > 1 and w not in stop}


@lru_cache(maxsize=1)
def _stop() -> frozenset[str]:
    return frozenset(stopwords())


def similarity(a: str, b: str) -> float:
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def align(items: list[str], headings: list[str]) -> list[tuple[int, int]]:
    """Order-preserving alignment (Needleman–Wunsch, free gaps) maximising total similarity."""
    n, m = len(items), len(headings)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            sim = similarity(items[i - 1], headings[j - 1])
            diag = score[i - 1][j - 1] + sim if sim >= MATCH_THRESHOLD else -1.0
            score[i][j] = max(score[i - 1][j], score[i][j - 1], diag)
    pairs, i, j = [], n, m
    while i > 0 and j > 0:
        sim = similarity(items[i - 1], headings[j - 1])
        if sim >= MATCH_THRESHOLD and score[i][j] == score[i - 1][j - 1] + sim:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif score[i][j] == score[i - 1][j]:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


def _join_wrapped(lines: list[TextLine], index: int) -> tuple[str, int]:
    """A heading that wraps onto the next line ("… arbeidsproductiviteits-" / "verhogende …")."""
    text = lines[index].text
    nxt = lines[index + 1] if index + 1 < len(lines) else None
    if nxt and not nxt.gap_before and (text.endswith("-") or nxt.text[:1].islower()) and len(nxt.text) < 60:
        joined = text[:-1] + nxt.text if text.endswith("-") and nxt.text[:1].islower() else f"{text} {nxt.text}"
        return joined, index + 2
    return text, index + 1


# --- pattern 1: summary table + numbered themes -----------------------------------------------


def find_table_recommendations(outline: Outline) -> list[Found]:
    items = summary_table_items(outline)
    chapter = _advice_chapter(outline)
    if not items or chapter is None:
        return []
    themes = _themes(outline, *chapter)
    if not themes:
        return []
    candidates = _theme_headings(outline, themes, chapter[1])
    pairs = align(items, [outline.lines[c[0]].text for c in candidates])
    return _assemble_table(outline, items, candidates, pairs, themes, chapter[1])


def summary_table_items(outline: Outline) -> list[str]:
    """Recommendation cells of the summary table, with wrapped lines joined.

    Theme cells of the left column are recognised by the bullet glyph OCR glued to their end
    (and the lowercase lines that continue them); all-caps lines are figure debris.
    """
    items: list[str] = []
    in_table, in_theme = False, False
    for line in outline.lines:
        if rules.SUMMARY_TABLE_HEADER.match(line.text):
            in_table, in_theme = True, False
            continue
        if in_table and (line.heading and rules.CHAPTER.match(line.text)):
            break
        if not in_table or line.text.isupper() or len(line.text) < 3:
            continue
        stripped = strip_trailing_bullet(line.text)
        if stripped != line.text or (in_theme and line.text[:1].islower()):
            in_theme = True
            continue
        in_theme = False
        if line.text[:1].islower() and items:
            items[-1] = f"{items[-1]} {line.text}"
        else:
            items.append(line.text)
    return items


def _advice_chapter(outline: Outline) -> tuple[int, int] | None:
    """Line range of the chapter whose heading names the advice ("Hoofdstuk 5 | Advies …")."""
    heads = [i for i in outline.heading_indexes() if rules.CHAPTER.match(outline.lines[i].text)]
    for k, i in enumerate(heads):
        if rules.ADVICE_CHAPTER.search(outline.lines[i].text):
            end = heads[k + 1] if k + 1 < len(heads) else len(outline.lines)
            return i, _chapter_end(outline, i, end)
    return None


def _chapter_end(outline: Outline, start: int, end: int) -> int:
    """Chapters without a "Hoofdstuk" heading (an annex report) also end the advice chapter."""
    for i in outline.heading_indexes():
        if start < i < end and rules.ANNEX.search(outline.lines[i].text):
            return i
    return end


def _themes(outline: Outline, start: int, end: int) -> list[tuple[int, str, str]]:
    """(line index, number, title) of the numbered theme headings 1, 2, 3 … in the chapter."""
    found, expected = [], 1
    for i in range(start + 1, end):
        line = outline.lines[i]
        parts = numbered(line.text)
        opens = line.heading or (line.gap_before and is_title_like(line.text))
        if opens and parts and parts[0] == str(expected) and "." not in parts[0]:
            title, _ = _join_wrapped(outline.lines, i)
            found.append((i, parts[0], numbered(title)[1]))  # type: ignore[index]
            expected += 1
    return found


def _theme_headings(outline: Outline, themes: list[tuple[int, str, str]], end: int) -> list[tuple[int, int]]:
    """(line index, theme position) of the title-like headings inside each theme section."""
    result = []
    bounds = [t[0] for t in themes] + [end]
    for k, (start, _, _) in enumerate(themes):
        for i in range(start + 1, bounds[k + 1]):
            line = outline.lines[i]
            if (
                line.heading
                and not line.text.isupper()
                and not rules.BEST_PRACTICE.match(line.text)
                and not line.speaker
            ):
                result.append((i, k))
    return result


def _assemble_table(outline, items, candidates, pairs, themes, end) -> list[Found]:
    matched_item = {i: j for i, j in pairs}
    matched_heading = {j for _, j in pairs}
    heading_of = dict(pairs)
    # a table item without a match takes the first unmatched heading after its predecessor's
    for i in range(len(items)):
        if i in matched_item:
            continue
        prev_j = max((heading_of[k] for k in heading_of if k < i), default=-1)
        next_j = min((heading_of[k] for k in heading_of if k > i), default=len(candidates))
        for j in range(prev_j + 1, next_j):
            if j not in matched_heading and is_title_like(outline.lines[candidates[j][0]].text):
                heading_of[i] = j
                matched_heading.add(j)
                break
    return _records_from_alignment(outline, items, candidates, heading_of, themes, end)


def _records_from_alignment(outline, items, candidates, heading_of, themes, end) -> list[Found]:
    starts = sorted((candidates[j][0], i) for i, j in heading_of.items())
    theme_starts = [t[0] for t in themes]
    found: list[Found] = []
    counters: dict[int, int] = {}
    for pos, (line_index, item) in enumerate(starts):
        theme_pos = candidates[heading_of[item]][1]
        counters[theme_pos] = counters.get(theme_pos, 0) + 1
        limit = min([s for s in theme_starts if s > line_index] + [end])
        stop = starts[pos + 1][0] if pos + 1 < len(starts) else end
        stop = min(stop, limit)
        heading = outline.lines[line_index].text
        _, number, theme = themes[theme_pos]
        rec = Found(f"{number}.{counters[theme_pos]}", items[item], theme, number)
        rec.body_title = heading if similarity(heading, items[item]) < 0.99 else ""
        rec.spans.append((line_index, stop))
        rec.points = _points(outline, candidates, line_index, stop)
        found.append(rec)
    return sorted(found, key=lambda f: (int(f.theme_number), int(f.number.split(".")[1])))


def _points(outline: Outline, candidates: list[tuple[int, int]], start: int, stop: int) -> list[str]:
    """Sub-headings inside a recommendation (e.g. the four points under "Zet de mens centraal")."""
    return [outline.lines[i].text for i, _ in candidates if start < i < stop and is_title_like(outline.lines[i].text)]


# --- pattern 2: main recommendations with numbered sub-recommendations ------------------------


def find_main_recommendations(outline: Outline) -> list[Found]:
    lines = outline.lines
    mains = [
        (i, m) for i, line in enumerate(lines) if line.heading and (m := rules.MAIN_RECOMMENDATION.match(line.text))
    ]
    if not mains:
        return []
    found: list[Found] = []
    for k, (i, match) in enumerate(mains):
        end = mains[k + 1][0] if k + 1 < len(mains) else _section_end(outline, i)
        number, title = match.group(1), match.group(2).strip()
        main = Found(number, title, title, number, spans=[(i, end)])
        found.append(main)
        found.extend(_sub_recommendations(outline, main, i + 1, end))
    _attach_body_sections(outline, [f for f in found if f.parent is None])
    return found


def _section_end(outline: Outline, start: int) -> int:
    for i in outline.heading_indexes():
        if i > start and (rules.CHAPTER.match(outline.lines[i].text) or numbered(outline.lines[i].text)):
            return i
    return len(outline.lines)


def _sub_recommendations(outline: Outline, main: Found, start: int, end: int) -> list[Found]:
    """Items "1. …", "2. …" in sequence that open a paragraph inside the main section."""
    starts, expected = [], 1
    for i in range(start, end):
        line = outline.lines[i]
        parts = numbered(line.text)
        if parts and parts[0] == str(expected) and not line.footnote and line.text[:1].isdigit():
            starts.append(i)
            expected += 1
    subs = []
    for k, i in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else _paragraph_end(outline, i, end)
        text = join_lines(outline.lines[x].text for x in range(i, stop) if not outline.lines[x].footnote)
        title = first_sentence(numbered(text)[1])  # type: ignore[index]
        sub = Found(f"{main.number}.{k + 1}", title, main.title, main.number, parent=main.number)
        sub.spans.append((i, stop))
        subs.append(sub)
    return subs


def _paragraph_end(outline: Outline, start: int, end: int) -> int:
    for i in range(start + 1, end):
        if outline.lines[i].heading:
            return i
    return end


def _closes_section(text: str) -> bool:
    parts = numbered(text)
    return bool(rules.CHAPTER.match(text) or (parts and "." in parts[0]))


def first_sentence(text: str) -> str:
    match = re.search(r"(?<=[A-Za-z)\d])[.;:](?=\s+[A-Z–-]|\s*$)", text)
    return text[: match.start()].strip() if match else text.strip()


def _attach_body_sections(outline: Outline, mains: list[Found]) -> None:
    """A numbered section elsewhere ("6.3.2 Zet waardig werk centraal …") sets out a main one."""
    heads = outline.heading_indexes()
    for main in mains:
        for k, i in enumerate(heads):
            parts = numbered(outline.lines[i].text)
            if not parts or "." not in parts[0] or not parts[0].endswith(f".{main.number}"):
                continue
            if similarity(parts[1], main.title) < MATCH_THRESHOLD or i in [s[0] for s in main.spans]:
                continue
            end = next((h for h in heads[k + 1 :] if _closes_section(outline.lines[h].text)), len(outline.lines))
            main.spans.append((i, end))
            main.body_title = parts[1] if similarity(parts[1], main.title) < 0.99 else ""
