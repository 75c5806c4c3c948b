"""Parse a PDF into pages of lines with pypdf, keeping the layout facts structure needs.

Each line keeps its font, size and whether a paragraph gap precedes it; each page keeps its
1-based PDF index and its printed page label (the number printed on the page where it can
be found, else pypdf's page label). Bad input raises a ``SourceError`` subclass naming the file.
"""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import CorruptPdfError, EncryptedPdfError, NotAPdfError, NoTextLayerError
from corpus.records import Line, Page

GAP_FACTOR = 1.45  # a line spacing this much above the page's usual spacing is a paragraph gap
MIN_TEXT_CHARS = 200  # a document with less extractable text than this needs OCR
_NUMBER_LINE = re.compile(r"^\s*(?:.*\|\s*)?(\d{1,4})\s*$")


@dataclass
class _Fragment:
    text: str
    y: float
    x: float
    font: str
    size: float


def read_pdf(path: Path, doc_id: str) -> tuple[list[Page], dict[str, str]]:
    """All pages of the PDF at ``path`` and its own metadata (title, author, subject)."""
    reader = _open(path)
    labels = _pypdf_labels(reader)
    pages = []
    for index, page in enumerate(reader.pages):
        lines = _page_lines(page, path)
        pages.append(Page(doc_id, index + 1, _printed_label(lines, labels[index]), tuple(lines)))
    if sum(len(p.text) for p in pages) < MIN_TEXT_CHARS:
        raise NoTextLayerError(str(path), "the PDF has no text layer; it needs OCR first.")
    return pages, _metadata(reader)


def _open(path: Path):
    import pypdf
    from pypdf.errors import PyPdfError

    head = path.read_bytes()[:1024]
    if not head.strip():
        raise CorruptPdfError(str(path), "the file is empty (0 bytes); copy the PDF again or remove it.")
    if b"%PDF-" not in head:
        raise NotAPdfError(
            str(path),
            "this is not a PDF file (no %PDF header); export the document as PDF or remove it from the corpus folder.",
        )
    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted and not _try_empty_password(reader):
            raise EncryptedPdfError(str(path), "the PDF is password protected; save an unprotected copy.")
        if len(reader.pages) == 0:
            raise CorruptPdfError(str(path), "the PDF has no pages; download or export it again.")
    # PyPdfError: every pypdf error, also LimitReachedError (an object that refers to itself)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError) as exc:
        raise CorruptPdfError(
            str(path), f"the PDF is damaged or truncated ({exc}); download it again or repair it (e.g. print to PDF)."
        ) from exc
    return reader


def _try_empty_password(reader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except Exception:  # noqa: BLE001 - any decrypt failure means: still encrypted
        return False


def _pypdf_labels(reader) -> list[str]:
    try:
        return list(reader.page_labels)
    except Exception:  # noqa: BLE001 - a broken label tree falls back to the PDF index
        return [str(i + 1) for i in range(len(reader.pages))]


def _metadata(reader) -> dict[str, str]:
    try:
        meta = reader.metadata or {}
        return {k.strip("/").lower(): str(v) for k, v in meta.items() if isinstance(v, str)}
    except Exception:  # noqa: BLE001 - metadata is optional
        return {}


def _page_lines(page, path: Path) -> list[Line]:
    fragments: list[_Fragment] = []

    def visit(text: str, cm, tm, font_dict, font_size) -> None:
        scale = abs(tm[3] * cm[3]) or 1.0
        font = (font_dict or {}).get("/BaseFont", "") if hasattr(font_dict, "get") else ""
        fragments.append(_Fragment(text, cm[5] + tm[5] * cm[3], tm[4], str(font), font_size * scale))

    try:
        page.extract_text(visitor_text=visit)
    except Exception as exc:
        raise CorruptPdfError(str(path), f"a page could not be read ({exc}).") from exc
    return _mark_gaps(_join_lines(fragments))


def _join_lines(fragments: list[_Fragment]) -> list[tuple[str, _Fragment]]:
    """Concatenate fragments as pypdf does and split at newlines; each line keeps its first fragment."""
    lines: list[tuple[str, _Fragment]] = []
    buffer, first = "", None
    for frag in fragments:
        parts = frag.text.split("\n")
        for i, part in enumerate(parts):
            if part.strip() and first is None:
                first = frag
            buffer += part
            if i < len(parts) - 1:
                if buffer.strip() and first is not None:
                    lines.append((buffer, first))
                buffer, first = "", None
    if buffer.strip() and first is not None:
        lines.append((buffer, first))
    return lines


def _mark_gaps(raw: list[tuple[str, _Fragment]]) -> list[Line]:
    steps = [a[1].y - b[1].y for a, b in itertools.pairwise(raw) if a[1].y - b[1].y > 0.5]
    usual = statistics.median(steps) if steps else 0.0
    lines = []
    for i, (text, frag) in enumerate(raw):
        step = raw[i - 1][1].y - frag.y if i else 0.0
        gap = i > 0 and (step > usual * GAP_FACTOR or step < -0.5)
        lines.append(Line(text.rstrip(), frag.font, round(frag.size, 1), gap, round(frag.x, 1)))
    return lines


def _printed_label(lines: list[Line], fallback: str) -> str:
    """The page number printed in the first or last lines (a bare number or "… | 12")."""
    edge = lines[:3] + lines[-3:]
    for line in edge:
        match = _NUMBER_LINE.match(line.text)
        if match and (line.text.strip().isdigit() or "|" in line.text):
            return match.group(1)
    return fallback
