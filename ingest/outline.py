"""Turn cleaned pages into a flat stream of lines with headings, footnotes and quotes marked.

Everything here is generic layout reading: a heading is a short, title-like line that opens a
paragraph; a footnote is a numbered line in the closing block of a page; a quote is a block
that opens and closes with quotation marks, followed by a short speaker line.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field, replace

from corpus.records import Line, Page
from ingest.clean import clean_page_lines, join_hyphenated, running_lines

MAX_TITLE_WORDS = 16
TITLE_WIDTH_SHARE = 0.92  # a title is narrower than this share of the page's long lines
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+(\S.*)$")
_FOOTNOTE = re.compile(r"^\d{1,3}\s*(?:https?|[A-Z(]|[a-z]{2,}\s)")
_SPEAKER_MAX = 140


@dataclass(frozen=True)
class TextLine:
    """A cleaned line in reading order, with the page it sits on and what it is."""

    page: int
    label: str
    text: str
    gap_before: bool
    font: str = ""
    heading: bool = False
    footnote: bool = False
    wrapped: bool = False  # a title joined from two printed lines
    quote: bool = False
    speaker: bool = False


@dataclass
class Outline:
    """The cleaned line stream of one document."""

    doc_id: str
    lines: list[TextLine] = field(default_factory=list)
    labels: dict[int, str] = field(default_factory=dict)

    def heading_indexes(self) -> list[int]:
        return [i for i, line in enumerate(self.lines) if line.heading]


def build_outline(doc_id: str, pages: list[Page]) -> Outline:
    running = running_lines(pages)
    outline = Outline(doc_id, labels={p.index: p.label for p in pages})
    for page in pages:
        lines = _merge_wrapped_titles(clean_page_lines(page, running))
        width = _long_line_width([line.text for line in lines])
        body_font = _body_font(lines)
        multi_font = len({ln.font for ln in lines if len(ln.text) > 20}) > 1
        marked = _mark_quotes(
            _mark_footnotes(
                [
                    TextLine(page.index, page.label, ln.text, ln.gap_before or i == 0, ln.font, wrapped=ln.x == -1.0)
                    for i, ln in enumerate(lines)
                ]
            )
        )
        for i, line in enumerate(marked):
            nxt = marked[i + 1] if i + 1 < len(marked) else None
            prev = marked[i - 1] if i else None
            if body_font and line.font == body_font and multi_font:
                continue
            if not (line.footnote or line.quote) and _is_heading(line, prev, nxt, width, body_font):
                marked[i] = replace(line, heading=True)
        outline.lines.extend(marked)
    return outline


def _merge_wrapped_titles(lines: list[Line]) -> list[Line]:
    """A title that wraps onto a short lowercase line, set off by gaps, becomes one line."""
    merged: list[Line] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        after = lines[i + 2] if i + 2 < len(lines) else None
        wraps = (
            nxt is not None
            and (line.gap_before or i == 0)
            and not nxt.gap_before
            and ((nxt.text[:1].islower() and len(nxt.text) < 50) or len(nxt.text) < 20)
            and (after is None or after.gap_before)
        )
        if wraps and nxt is not None and is_title_like(join_hyphenated(line.text, nxt.text)):
            merged.append(replace(line, text=join_hyphenated(line.text, nxt.text), gap_before=True, x=-1.0))
            i += 2
            continue
        merged.append(line)
        i += 1
    return merged


def is_title_like(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= MAX_TITLE_WORDS or len(text) < 4 or "www." in text or "http" in text:
        return False
    if text[0].islower() or (text.endswith((",", ";", "-", ":")) and not text.endswith("kort:")):
        return False
    if text.endswith(".") and not _NUMBERED.match(text):
        return False
    letters = sum(ch.isalpha() for ch in text)
    return letters >= 0.6 * len(text.replace(" ", ""))


def _is_heading(line: TextLine, prev: TextLine | None, nxt: TextLine | None, width: float, body_font: str) -> bool:
    merged = line.wrapped
    if not is_title_like(line.text) or (len(line.text) > width * TITLE_WIDTH_SHARE and not merged):
        return False
    opens = (
        line.gap_before
        or prev is None
        or prev.text.endswith((".", ":", "?", "!", '"'))
        or (bool(line.font) and line.font != prev.font and prev.font == body_font)
    )
    if not opens:
        return False
    if nxt is None:
        return True
    return nxt.gap_before or not nxt.text[:1].islower() or (bool(line.font) and nxt.font != line.font)


def _long_line_width(texts: list[str]) -> float:
    lengths = sorted(len(t) for t in texts)
    if len(lengths) < 5:
        return 120.0
    return max(60.0, float(lengths[int(len(lengths) * 0.9)]))


def _body_font(lines) -> str:
    fonts = [ln.font for ln in lines if len(ln.text) > 50]
    return statistics.mode(fonts) if fonts else ""


def _mark_footnotes(lines: list[TextLine]) -> list[TextLine]:
    """Lines of the closing paragraph blocks of a page that open with a footnote number."""
    first = len(lines)
    for start in reversed([i for i, line in enumerate(lines) if line.gap_before]):
        if not _FOOTNOTE.match(lines[start].text):
            break
        first = start
    return [replace(line, footnote=True) if i >= first else line for i, line in enumerate(lines)]


_QUOTE_END = re.compile(r'"[\s?!°*\d.,]{0,4}$')


def _mark_quotes(lines: list[TextLine]) -> list[TextLine]:
    """A block from an opening to a closing quotation mark, and the speaker line after it."""
    result = list(lines)
    i = 0
    while i < len(result):
        if not (result[i].gap_before and result[i].text.startswith('"')):
            i += 1
            continue
        end = next((k for k in range(i, min(i + 14, len(result))) if _QUOTE_END.search(result[k].text)), None)
        if end is None:
            i += 1
            continue
        for k in range(i, end + 1):
            result[k] = replace(result[k], quote=True)
        if end + 1 < len(result) and is_speaker_line(result[end + 1].text):
            result[end + 1] = replace(result[end + 1], speaker=True)
        i = end + 1
    return result


def numbered(text: str) -> tuple[str, str] | None:
    """("6.3.1", "Investeer in …") for a numbered heading, else None."""
    match = _NUMBERED.match(text)
    return (match.group(1), match.group(2)) if match else None


def is_speaker_line(text: str) -> bool:
    return 3 < len(text) < _SPEAKER_MAX and not text.endswith(".") and text[:1].isupper()
