"""Pages without a usable text layer, read with Tesseract's Dutch model.

A page whose text layer holds fewer than ``ingest.pdf.MIN_PAGE_LETTERS`` letters (a scan, a signed letter, an
annex photographed) is rendered with **pypdfium2** at ``DPI`` and read by the ``tesseract`` binary
(Debian ``tesseract-ocr`` + ``tesseract-ocr-nld``) as TSV: words with their boxes, grouped into
lines. Each line keeps what the structure rules read from a text layer: its text, its left edge,
its height as the font size, and whether a paragraph gap precedes it. So an OCR'd page goes
through the same cleaning and structure extraction as any other.

Why the binary and pypdfium2, not ``ocrmypdf``: the build needs the words and their lines, not a
new PDF; ocrmypdf would add Ghostscript and qpdf, write a second PDF and parse it again with the
same result. pypdfium2 renders from a wheel, with no system package.

Pages are read by ``workers`` worker processes at once, each rendering a page and running one
tesseract with one thread (``OMP_THREAD_LIMIT=1``, so two use the two cores instead of fighting over
them). A worker that crashes (pdfium on a truncated file) costs that file a ``CorruptPdfError``, not
the build. The lines are cached per file content, page and OCR settings under ``<data_dir>/ocr/``:
a rebuild reads nothing again.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import multiprocessing
import os
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.errors import CorruptPdfError, OcrUnavailableError
from corpus.records import Line

DPI = 300
LANG = "nld"
MIN_CONFIDENCE = 30  # words Tesseract is less sure of than this (0-100) are left out (specks, rules)
GAP_FACTOR = 1.45  # a line step this much above the page's usual one is a paragraph gap (as in ingest/pdf.py)
PAGE_TIMEOUT_S = 120  # one page never takes longer than this
INSTALL = "apt-get install -y tesseract-ocr tesseract-ocr-nld"
POINTS_PER_INCH = 72


@dataclass
class OcrStats:
    pages: int = 0  # pages read with OCR in this build (not from the cache)
    cached: int = 0  # pages whose OCR came from the cache
    seconds: float = 0.0  # wall time of the OCR

    @property
    def per_page_s(self) -> float:
        return self.seconds / self.pages if self.pages else 0.0


@dataclass
class OcrReader:
    """``reader(path, sha256, indexes)``: the OCR'd lines of those 0-based pages of the PDF."""

    cache: Path
    workers: int = 2
    progress: Callable[[list[Any], str], Iterable[Any]] | None = None  # wraps the pages in a progress bar
    stats: OcrStats = field(default_factory=OcrStats)

    def __call__(self, path: Path, sha256: str, indexes: Sequence[int]) -> dict[int, list[Line]]:
        if not indexes:
            return {}
        version = tesseract_version()
        key = hashlib.sha256(f"{sha256}|{DPI}|{LANG}|{MIN_CONFIDENCE}|{version}".encode()).hexdigest()[:24]
        found = {i: lines for i in indexes if (lines := self._cached(key, i)) is not None}
        self.stats.cached += len(found)
        todo = [i for i in indexes if i not in found]
        if todo:
            started = time.perf_counter()
            found |= self._read(path, todo, key)
            self.stats.pages += len(todo)
            self.stats.seconds += time.perf_counter() - started
        return found

    def _read(self, path: Path, todo: list[int], key: str) -> dict[int, list[Line]]:
        """Pages rendered and read in worker processes: a PDF that crashes the renderer (a truncated
        file can make pdfium segfault) costs that file, never the build."""
        found: dict[int, list[Line]] = {}
        context = multiprocessing.get_context("spawn")  # no fork of a process that holds threads
        with ProcessPoolExecutor(max_workers=max(1, self.workers), mp_context=context) as pool:
            pending = [(i, pool.submit(read_page, path, i)) for i in todo]
            for i, future in self.progress(pending, f"OCR {path.name}") if self.progress else pending:
                try:
                    found[i] = future.result(timeout=PAGE_TIMEOUT_S * len(todo))  # the bar moves page by page
                except (BrokenProcessPool, TimeoutError, OSError, ValueError) as exc:
                    raise CorruptPdfError(str(path), f"page {i + 1} could not be rendered for OCR ({exc!r}).") from exc
                self._store(key, i, found[i])
        return found

    def _path(self, key: str, index: int) -> Path:
        return self.cache / f"{key}-{index}.json"

    def _cached(self, key: str, index: int) -> list[Line] | None:
        try:
            rows = json.loads(self._path(key, index).read_text(encoding="utf-8"))
            return [Line(str(t), "ocr", float(s), bool(g), float(x)) for t, s, g, x in rows]
        except (OSError, ValueError, TypeError):
            return None

    def _store(self, key: str, index: int, lines: list[Line]) -> None:
        try:
            self.cache.mkdir(parents=True, exist_ok=True)
            rows = [[line.text, line.size, line.gap_before, line.x] for line in lines]
            self._path(key, index).write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        except OSError:  # a read-only or full data folder: the OCR just is not cached
            pass


def tesseract_version() -> str:
    """The installed Tesseract's version with Dutch data; an ``OcrUnavailableError`` with the install hint otherwise."""
    binary = shutil.which("tesseract")
    if binary is None:
        raise OcrUnavailableError(f"Tesseract is not installed; install it with: {INSTALL}")
    try:
        langs = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30).stdout.split()
        version = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise OcrUnavailableError(f"Tesseract does not run ({exc}); reinstall it with: {INSTALL}") from exc
    if LANG not in langs:
        raise OcrUnavailableError(f"Tesseract has no Dutch data ({LANG!r}); install it with: {INSTALL}")
    return version.splitlines()[0] if version else "tesseract"


def read_page(path: Path, index: int) -> list[Line]:
    """One page rendered at ``DPI`` and read by Tesseract: its lines, in reading order."""
    return lines_from_tsv(tesseract_tsv(render_png(path, index)))


def render_png(path: Path, index: int) -> bytes:
    import io

    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        bitmap = document[index].render(scale=DPI / POINTS_PER_INCH, grayscale=True)
        image = bitmap.to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()
    finally:
        document.close()


def tesseract_tsv(png: bytes) -> str:
    binary = shutil.which("tesseract") or "tesseract"
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one core per page; the pool runs pages side by side
    done = subprocess.run(
        [binary, "stdin", "stdout", "-l", LANG, "--dpi", str(DPI), "tsv"],
        input=png,
        capture_output=True,
        timeout=PAGE_TIMEOUT_S,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise OcrUnavailableError(f"Tesseract failed on a page: {done.stderr.decode(errors='replace')[:300]}")
    return done.stdout.decode("utf-8", errors="replace")


def lines_from_tsv(tsv: str) -> list[Line]:
    """Tesseract's TSV (level 5 rows are words) as lines: the words of one (block, paragraph, line)
    joined, top to bottom; the line height as font size in points; a paragraph gap where the step
    from the line above is well over the page's usual one (the rule of ``ingest/pdf.py``)."""
    words: dict[tuple[int, int, int], list[tuple[int, int, int, int, str]]] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        try:
            confidence = float(cols[10])
            left, top, width, height = (int(c) for c in cols[6:10])
        except ValueError:
            continue
        if confidence >= MIN_CONFIDENCE:
            words.setdefault((int(cols[2]), int(cols[3]), int(cols[4])), []).append(
                (left, top, width, height, cols[11])
            )
    rows = []
    for boxes in words.values():
        boxes.sort()
        tall = float(statistics.median(b[3] for b in boxes))
        bottom = max(b[1] + b[3] for b in boxes)  # the baseline, near enough: steps compare like baselines
        rows.append((bottom, boxes[0][0], tall, " ".join(b[4] for b in boxes)))
    rows.sort()
    steps = [b[0] - a[0] for a, b in itertools.pairwise(rows) if b[0] - a[0] > 0]
    usual = statistics.median(steps) if steps else 0.0
    scale = POINTS_PER_INCH / DPI
    lines = []
    for i, (bottom, x, tall, text) in enumerate(rows):
        step = bottom - rows[i - 1][0] if i else 0.0
        gap = i > 0 and step > usual * GAP_FACTOR
        lines.append(Line(text, "ocr", round(tall * scale, 1), gap, round(x * scale, 1)))
    return lines


def scan_of(source: Path, target: Path, pages: Sequence[int] | None = None, dpi: int = DPI) -> Path:
    """An image-only copy of ``source`` (0-based ``pages``, default all): what a scanner makes, without a
    text layer. For the tests and ``bench/ocr.py``."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(source))
    try:
        chosen = list(pages) if pages is not None else list(range(len(document)))
        images = [document[i].render(scale=dpi / POINTS_PER_INCH, grayscale=True).to_pil() for i in chosen]
    finally:
        document.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(target, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return target
