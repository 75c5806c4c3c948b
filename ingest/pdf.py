"""Parse a PDF into pages of lines with pypdf, keeping the layout facts structure needs.

Each line keeps its font, size and whether a paragraph gap precedes it; each page keeps its
1-based PDF index and its printed page label (the number printed on the page where it can
be found, else pypdf's page label). Bad input raises a ``SourceError`` subclass naming the file.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import CorruptPdfError, EncryptedPdfError, NotAPdfError, NoTextLayerError, OcrUnavailableError
from corpus.records import Line, Page

GAP_FACTOR = 1.45  # a line spacing this much above the page's usual spacing is a paragraph gap
MIN_TEXT_CHARS = 200  # a document with less extractable text than this needs OCR
MIN_PAGE_LETTERS = 40  # a page with fewer letters in its text layer is read with OCR (when available)
OCR_GAIN = 10  # OCR replaces such a page's text layer only when it reads more letters than this beyond it
_NUMBER_LINE = re.compile(r"^\s*(?:.*\|\s*)?(\d{1,4})\s*$")


@dataclass
class _Fragment:
    text: str
    y: float
    x: float
    font: str
    size: float


# ``ocr(path, sha256, indexes)``: the lines of those 0-based pages read with OCR (``ingest/ocr.py``)
PageReader = Callable[[Path, str, Sequence[int]], dict[int, list[Line]]]


def read_pdf(
    path: Path, doc_id: str, ocr: PageReader | None = None, sha256: str = ""
) -> tuple[list[Page], dict[str, str]]:
    """All pages of the PDF at ``path`` and its own metadata (title, author, subject). With ``ocr``,
    pages whose text layer holds fewer than ``MIN_PAGE_LETTERS`` letters are read with it; when OCR
    is not available, a PDF with too little text is a ``NoTextLayerError`` that says what to install,
    and a PDF with some such pages keeps the rest (``meta["ocr_note"]`` says which were not read)."""
    reader = _open(path)
    labels = _pypdf_labels(reader)
    layer = [_page_lines(page, path) for page in reader.pages]
    scanned = [i for i, lines in enumerate(layer) if _letters(lines) < MIN_PAGE_LETTERS]
    meta = _metadata(reader)
    got: dict[int, list[Line]] = {}
    missing = ""
    if scanned and ocr is not None:
        try:
            got = ocr(path, sha256, scanned)
        except OcrUnavailableError as exc:
            missing = str(exc)
    # a page OCR reads no more from than its text layer holds (a divider with one heading, a blank
    # page with its number) keeps its text layer and is not marked as OCR'd
    read = {i: lines for i, lines in got.items() if _letters(lines) > _letters(layer[i]) + OCR_GAIN}
    pages = []
    for i, lines in enumerate(layer):
        chosen = read.get(i, lines)
        pages.append(Page(doc_id, i + 1, _printed_label(chosen, labels[i]), tuple(chosen), ocr=i in read))
    if sum(len(p.text) for p in pages) < MIN_TEXT_CHARS:
        hint = missing or "read it with OCR first (the build does when Tesseract is installed)"
        raise NoTextLayerError(str(path), f"the PDF has no text layer; {hint}")
    unread = [i + 1 for i in scanned if i not in got]
    if unread and ocr is not None:
        meta["ocr_note"] = f"{len(unread)} page(s) without text not read ({missing or 'OCR failed'})"
    return pages, meta


def _letters(lines: Sequence[Line]) -> int:
    return sum(ch.isalpha() for line in lines for ch in line.text)


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
