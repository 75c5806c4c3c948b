"""Pure text cleaning for display and quotes.

``normalize`` keeps the wording (quotes show what the document says, with OCR glitches such
as "Al" for "AI" repaired); the search form (``fold``) lives with the other text functions of
the index in ``ingest/text.py``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

from corpus.records import Line, Page

REPEAT_SHARE = 0.3  # a line on this share of pages (digits ignored) is a running header/footer
EDGE_LINES = 3  # running headers/footers sit in the first/last lines of a page

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "´": "'", "`": "'"})
_BULLET_ONLY = re.compile(r"^\s*(?:[eoc¢°•■▪●\-–*.,;:|u s]|\W)\s*$")
_LEADING_BULLET = re.compile(r"^\s*(?:[¢°•■▪●*]|[eo.](?=\s{1,3}[A-Z(]))\s+")
_TRAILING_BULLET = re.compile(r"(?<=\w)\s+[oe.¢°]\s*$")
# "Al" is the OCR's reading of "AI"; Dutch adverb "al" in capitals only opens a sentence, and
# then it is followed by words like these.
_AL_ADVERB_NEXT = {"enkele", "jaren", "jarenlang", "sinds", "lang", "eerder", "decennia", "vanaf", "zo", "meer"}
_AL = re.compile(r"(?<![\w.])Al(?=\b)(?!\.\w)")
_COORDINATION = {"en", "of", "tot", "als", "t/m"}
_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200b]+")
# What a terminal or a page must never get from a document or a model: ANSI escape sequences, other
# control characters (newlines and tabs aside) and the marks that reorder text (bidi overrides/isolates).
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_BREAKS = str.maketrans({"\r": " ", "\x0b": " ", "\x0c": " "})  # breaks that are not newlines: spaces
MAX_TITLE_CHARS = 200  # a document title from PDF metadata is cut here


def printable(text: str) -> str:
    """``text`` without ANSI escapes, control characters (newlines and tabs kept) and bidi overrides."""
    return _UNPRINTABLE.sub("", _ANSI.sub("", text).translate(_BREAKS))


def title_text(text: str, limit: int = MAX_TITLE_CHARS) -> str:
    """A title from a document's metadata: printable, on one line, at most ``limit`` characters."""
    flat = " ".join(printable(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def normalize(text: str) -> str:
    """Printable, NFKC, straight quotes, single spaces, "Al" → "AI" where it means AI."""
    text = unicodedata.normalize("NFKC", printable(text)).translate(_QUOTES)
    text = _SPACE.sub(" ", text)
    return fix_ai(text).strip()


def fix_ai(text: str) -> str:
    """Read the OCR's "Al" as "AI" ("invoering van Al", "Al-technologieën", "Al en werk")."""

    def replace(match: re.Match[str]) -> str:
        following = text[match.end() :].lstrip(" ").split(" ", 1)[0].lower()
        return "Al" if following in _AL_ADVERB_NEXT else "AI"

    text = text.replace("A.l.", "AI")
    return _AL.sub(replace, text)


def is_debris(text: str) -> bool:
    """A line that is only a bullet glyph or stray punctuation."""
    return bool(_BULLET_ONLY.match(text)) or not any(ch.isalnum() for ch in text)


def strip_bullet(text: str) -> tuple[str, bool]:
    """Remove a leading bullet glyph ("e  De zorg", "■ meer …"); report whether there was one."""
    stripped = _LEADING_BULLET.sub("", text)
    return stripped, stripped != text


def strip_trailing_bullet(text: str) -> str:
    """Remove a bullet that OCR glued to the end of a short table line ("… prominent o")."""
    return _TRAILING_BULLET.sub("", text)


def join_hyphenated(first: str, second: str) -> str:
    """Join two lines; a word broken at the line end ("geïnstru-" + "eerd") is made whole.

    Kept hyphens: "midden- en kleinbedrijf" (coordination), "AI-" + "toepassingen"
    (a capital or digit before the hyphen), and a next line that starts with a capital.
    """
    first, second = first.rstrip(), second.lstrip()
    if not first:
        return second
    if first.endswith("-") and len(first) > 1 and first[-2].isalpha():
        next_word = second.split(" ", 1)[0]
        if next_word in _COORDINATION or not second[:1].islower():
            return f"{first} {second}" if next_word in _COORDINATION else first + second
        if first[-2].isupper() or first[-2].isdigit():
            return first + second
        return first[:-1] + second
    return f"{first} {second}"


def running_lines(pages: Sequence[Page]) -> set[str]:
    """Keys of lines that repeat at the top or bottom of many pages (headers and footers)."""
    counts: Counter[str] = Counter()
    for page in pages:
        edge = page.lines[:EDGE_LINES] + page.lines[-EDGE_LINES:]
        counts.update({_running_key(line.text) for line in edge})
    threshold = max(3, int(len(pages) * REPEAT_SHARE))
    return {key for key, n in counts.items() if key and (n >= threshold or (n >= 3 and _looks_running(key)))}


def _looks_running(key: str) -> bool:
    """Chapter names printed in capitals at the top of a chapter's pages, or "… | page"."""
    original = key.replace("#", "")
    return "|" in key or (original.upper() == original and any(ch.isalpha() for ch in original))


def _running_key(text: str) -> str:
    return re.sub(r"\d+", "#", normalize(text)).strip()


def is_page_number(text: str) -> bool:
    return text.strip().isdigit() and len(text.strip()) <= 4


def clean_page_lines(page: Page, running: set[str]) -> list[Line]:
    """The page's lines without running headers/footers, page numbers or bullet debris."""
    kept = []
    count = len(page.lines)
    for i, line in enumerate(page.lines):
        at_edge = i < EDGE_LINES or i >= count - EDGE_LINES
        if _running_key(line.text) in running or (at_edge and is_page_number(line.text)):
            continue
        if is_debris(line.text):
            continue
        text, bullet = strip_bullet(line.text)
        kept.append(Line(normalize(text), line.font, line.size, line.gap_before or bullet, line.x))
    return kept


_NOTE_MARKER = re.compile(
    r"(?<=[a-z]{3})\d{1,2}(?=[\s,.;:)])"  # "werknemers3 tijdig"
    r"|(?<=[a-z][,.;:)])\d{1,2}(?=\s)"  # "AI-verordening,2 inclusief" (not "1,5 miljard")
    r"|(?<=[a-z][.,;:\"])(?:\d{0,2}[?*°]{1,2}|\d{1,2}[?*°]?)(?=\s|$)"  # OCR'd: "ingrijpend.3°", "Deventer.3?"
)


def strip_note_markers(text: str) -> str:
    """Drop footnote reference numbers glued to words ("werknemers3 tijdig", "AI-verordening,2")."""
    return _NOTE_MARKER.sub("", text)


def join_lines(lines: Iterable[str]) -> str:
    """Join printed lines into running text, mending words broken at line ends."""
    text = ""
    for line in lines:
        text = join_hyphenated(text, line) if text else line.strip()
    return strip_note_markers(text)
