"""The productivity scan's picture and its downloads: a radar chart of the self-assessment
(matplotlib, as PNG), and the report as DOCX (python-docx) and PDF (reportlab), each with the chart
and numbered notes (document, page, recommendation, quote). Used only by ``app.py``.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.records import Citation
from assistant.scan import ScanReport

CHART_DPI = 150
_MARKER = re.compile(r"\s*\[(\d+)\]")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


@dataclass(frozen=True)
class ScanFiles:
    chart: Path | None
    docx: Path
    pdf: Path


def radar_png(scores: Sequence[tuple[str, int]], title: str = "") -> bytes:
    """The self-assessment as a radar chart (1-5 on every axis); b"" with fewer than three scores."""
    if len(scores) < 3:
        return b""
    import matplotlib

    matplotlib.use("Agg")  # no display: a file, in any thread
    from matplotlib.figure import Figure

    labels = [_wrapped(label) for label, _ in scores]
    values = [float(v) for _, v in scores]
    angles = [2 * math.pi * i / len(values) for i in range(len(values))]
    figure = Figure(figsize=(6.4, 6.0), dpi=CHART_DPI)
    axes = figure.add_subplot(projection="polar")
    axes.plot([*angles, angles[0]], [*values, values[0]], color="#1f5f8b", linewidth=2)
    axes.fill([*angles, angles[0]], [*values, values[0]], color="#1f5f8b", alpha=0.25)
    axes.set_xticks(angles, labels, fontsize=8)
    axes.set_ylim(0, 5)
    axes.set_yticks([1, 2, 3, 4, 5], ["1", "2", "3", "4", "5"], fontsize=7)
    if title:
        axes.set_title(title, fontsize=11, pad=18)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _wrapped(label: str, width: int = 22) -> str:
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])


def report_lines(report: ScanReport) -> list[tuple[str, str]]:
    """(kind, text) of each line of the report before its sources: "h2", "h3", "bold" or "text"."""
    body = re.split(r"\n\n(?:Bronnen|Sources)\n", report.text)[0]
    lines = []
    for line in (ln.strip() for ln in body.splitlines()):
        if line.startswith("### "):
            lines.append(("h3", line[4:]))
        elif line.startswith("## "):
            lines.append(("h2", line[3:]))
        elif line:
            lines.append(("text", line))
    return lines


def note(citation: Citation) -> str:
    rec = (
        f", aanbeveling {citation.recommendation_id.rsplit(':', 1)[-1]} '{citation.recommendation}'"
        if citation.recommendation_id
        else ""
    )
    return f"{citation.doc_title}, p. {citation.page_label}{rec}: \u201c{citation.quote}\u201d"


def export(report: ScanReport, folder: Path, chart: bytes) -> ScanFiles:
    """The report as ``advies.docx`` and ``advies.pdf`` (and ``schijf.png``) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    png = folder / "schijf.png" if chart else None
    if png is not None:
        png.write_bytes(chart)
    return ScanFiles(png, _docx(report, folder / "advies.docx", png), _pdf(report, folder / "advies.pdf", png))


def _docx(report: ScanReport, path: Path, chart: Path | None) -> Path:
    import docx
    from docx.shared import Cm

    document = docx.Document()
    if chart is not None:
        document.add_picture(str(chart), width=Cm(12))
    for kind, text in report_lines(report):
        if kind in ("h2", "h3"):
            document.add_heading(text, level=1 if kind == "h2" else 2)
            continue
        paragraph = document.add_paragraph()
        _runs(paragraph, text)
    document.add_heading("Bronnen", level=1)
    for citation in report.citations:
        document.add_paragraph(f"[{citation.n}] {note(citation)}")
    document.save(str(path))
    return path


def _runs(paragraph: Any, text: str) -> None:
    """Bold for the assistant's own **headings**, superscript note numbers for [n]."""
    pos = 0
    for match in re.finditer(r"\*\*(.+?)\*\*|\s*\[(\d+)\]", text):
        if match.start() > pos:
            paragraph.add_run(text[pos : match.start()])
        if match.group(1):
            paragraph.add_run(match.group(1)).bold = True
        else:
            paragraph.add_run(match.group(2)).font.superscript = True
        pos = match.end()
    if pos < len(text):
        paragraph.add_run(text[pos:])


def _pdf(report: ScanReport, path: Path, chart: Path | None) -> Path:
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    story: list[Any] = []
    if chart is not None:
        story += [Image(str(chart), width=12 * cm, height=11.25 * cm), Spacer(1, 0.4 * cm)]
    for kind, text in report_lines(report):
        style = {"h2": styles["Heading1"], "h3": styles["Heading2"]}.get(kind, styles["BodyText"])
        markup = _BOLD.sub(r"<b>\1</b>", escape(text))
        story.append(Paragraph(_MARKER.sub(r"<super>\1</super>", markup), style))
    story.append(Paragraph("Bronnen", styles["Heading1"]))
    for citation in report.citations:
        story.append(Paragraph(escape(f"[{citation.n}] {note(citation)}"), styles["BodyText"]))
    SimpleDocTemplate(str(path), pagesize=A4, title="Productiviteitsscan").build(story)
    return path
