"""The build summary table printed by ``python -m ingest build``."""

from __future__ import annotations

from pathlib import Path

from ingest.build import BuildReport


def render_report(report: BuildReport) -> str:
    rows = [("file", "pages", "chunks", "recs", "status")]
    for f in report.files:
        status = f.status if not f.message else f"{f.status}: {f.message}"
        rows.append((Path(f.path).name, str(f.pages or ""), str(f.chunks or ""), str(f.recommendations or ""), status))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4] for r in rows]
    read = [f for f in report.files if f.ocr_pages]
    ocr = [
        f"OCR: {f.ocr_pages} pages of {Path(f.path).name}"
        + (f", {f.ocr_seconds / f.ocr_pages:.1f} s per page" if f.ocr_seconds else " (from the cache)")
        for f in read
    ]
    if report.unchanged:
        summary = f"Index {report.version} is up to date: nothing changed, 0 embeddings computed."
    else:
        summary = (
            f"Index {report.version}: {report.embedded} embeddings computed, {report.reused} reused, "
            f"{report.seconds:.1f} s."
        )
    return "\n".join([*lines, "", *ocr, summary])
