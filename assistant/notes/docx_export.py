"""Export a (possibly edited) policy-note draft from its Markdown to DOCX, PDF and Markdown files.

All three come from the same Markdown, so they say the same. In the **DOCX** the ``[^n]`` notes
are real Word footnotes: python-docx has no API for them, so the ``word/footnotes.xml`` part (with
Word's separator notes) is written here and related to the document, and each reference is a
``w:footnoteReference`` run; Word renumbers them when paragraphs move, and its notes pane shows
them. A4 with 2.5 cm margins; the note's title and the date in the document properties. Headings use
Word's own Heading styles (``#`` → Heading 1 …), so the outline works. The **PDF** (reportlab, A4)
has the notes as numbered endnotes under "Noten". The reader is tolerant: a line it does not
recognise stays a plain paragraph, so the civil servant's edits are never lost; a note defined but
never referenced stays a paragraph under its heading.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_NOTE_DEFINITION = re.compile(r"^\[\^([^\]]+)\]:\s*(.*)$")
_BULLET = re.compile(r"^[-*]\s+(.*)$")
_INLINE = re.compile(r"((?:\[\^[^\]\s]+\])+)|\*\*(.+?)\*\*")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~$:'\"<>])")
_NOTE_NUMBER = re.compile(r"\[\^([^\]\s]+)\]")
MAX_FILE_STEM = 60
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
A4_MM, MARGIN_MM = (210, 297), 25
NOTES_HEADING = "Noten"


@dataclass(frozen=True)
class Exported:
    docx: Path
    markdown: Path
    pdf: Path


@dataclass(frozen=True)
class _Draft:
    """The Markdown read once: its lines without the note definitions, and the notes by label."""

    lines: tuple[str, ...]
    notes: dict[str, str]
    title: str


def read_draft(markdown: str) -> _Draft:
    lines = markdown.splitlines()
    definitions = [(line, _NOTE_DEFINITION.match(line.strip())) for line in lines]
    notes = {m.group(1): m.group(2) for _, m in definitions if m}
    cited = {label for line, m in definitions if not m for label in _NOTE_NUMBER.findall(line)}
    kept = [line for line, m in definitions if not (m and m.group(1) in cited)]
    title = next((_plain(h.group(2)) for line in kept if (h := _HEADING.match(line.strip()))), "Beleidsnotitie")
    return _Draft(tuple(_without_empty_headings(kept)), {k: v for k, v in notes.items() if k in cited}, title)


def _without_empty_headings(lines: list[str]) -> list[str]:
    """A heading whose section held only the notes (now footnotes) is left out."""
    kept = []
    for i, line in enumerate(lines):
        heading = _HEADING.match(line.strip())
        if heading and _empty_after(lines[i + 1 :], len(heading.group(1))):
            continue
        kept.append(line)
    return kept


def _empty_after(rest: list[str], level: int) -> bool:
    """Whether nothing but blank lines comes before the next heading of this level or higher."""
    for line in rest:
        if line.strip():
            following = _HEADING.match(line.strip())
            return following is not None and len(following.group(1)) <= level
    return True


# --- DOCX ----------------------------------------------------------------------------------------


def to_docx(markdown: str) -> Any:
    """A python-docx ``Document`` of the Markdown draft, with real footnotes, on A4."""
    import docx
    from docx.shared import Mm

    draft = read_draft(markdown)
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(A4_MM[0]), Mm(A4_MM[1])
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    numbers: dict[str, int] = {}
    paragraph_lines: list[str] = []
    for line in [*draft.lines, ""]:
        if _block_line(document, line.rstrip(), numbers):
            _flush(document, paragraph_lines, numbers)
        else:
            paragraph_lines.append(line.strip())
    _footnotes_part(document, [(n, draft.notes.get(label, label)) for label, n in numbers.items()])
    document.core_properties.title = draft.title[:255]
    document.core_properties.created = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return document


def export(markdown: str, folder: Path, stem: str) -> Exported:
    """Write ``<stem>.docx``, ``<stem>.pdf`` and ``<stem>.md`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    name = file_stem(stem)
    docx_path, md_path, pdf_path = folder / f"{name}.docx", folder / f"{name}.md", folder / f"{name}.pdf"
    to_docx(markdown).save(str(docx_path))
    to_pdf(markdown, pdf_path)
    md_path.write_text(markdown, encoding="utf-8")
    return Exported(docx_path, md_path, pdf_path)


def file_stem(text: str) -> str:
    """A safe file name from a title: letters, digits and dashes only."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:MAX_FILE_STEM].strip("-")
    return slug or "beleidsnotitie"


def _block_line(document: Any, line: str, numbers: dict[str, int]) -> bool:
    """Write a heading, list item or note line; True when ``line`` ends the running paragraph."""
    if not line.strip():
        return True
    if heading := _HEADING.match(line):
        level = min(len(heading.group(1)), 4)
        document.add_heading(_plain(heading.group(2)), level=level)
        return True
    if note := _NOTE_DEFINITION.match(line):  # defined but never referenced: kept as text
        paragraph = document.add_paragraph(style="Normal")
        paragraph.add_run(f"{note.group(1)}. ")
        _add_inline(paragraph, note.group(2), numbers)
        return True
    if item := _BULLET.match(line):
        _add_inline(document.add_paragraph(style="List Bullet"), item.group(1), numbers)
        return True
    return False


def _flush(document: Any, lines: list[str], numbers: dict[str, int]) -> None:
    if lines:
        _add_inline(document.add_paragraph(), " ".join(lines), numbers)
        lines.clear()


def _add_inline(paragraph: Any, text: str, numbers: dict[str, int]) -> None:
    """Text with ``[^n]`` references as footnote references and ``**bold**`` as bold runs."""
    at = 0
    for match in _INLINE.finditer(text):
        if match.start() > at:
            paragraph.add_run(_plain(text[at : match.start()]))
        if match.group(1):
            for label in _NOTE_NUMBER.findall(match.group(1)):
                _reference(paragraph, numbers.setdefault(label, len(numbers) + 1))
        else:
            paragraph.add_run(_plain(match.group(2))).bold = True
        at = match.end()
    if at < len(text):
        paragraph.add_run(_plain(text[at:]))


def _reference(paragraph: Any, n: int) -> None:
    from docx.oxml import parse_xml

    run = parse_xml(
        f'<w:r xmlns:w="{W}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="{n}"/></w:r>'
    )
    paragraph._p.append(run)


def _footnotes_part(document: Any, notes: list[tuple[int, str]]) -> None:
    """Word's footnotes part: the two separator notes, then one note per number."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    body = [
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>',
        '<w:footnote w:type="continuationSeparator" w:id="0">'
        "<w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>",
    ]
    for n, text in sorted(notes):
        body.append(
            f'<w:footnote w:id="{n}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/><w:sz w:val="18"/></w:rPr>'
            f'<w:footnoteRef/></w:r><w:r><w:rPr><w:sz w:val="18"/></w:rPr>'
            f'<w:t xml:space="preserve"> {escape(_plain(text))}</w:t></w:r></w:p></w:footnote>'
        )
    declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    xml = f'{declaration}<w:footnotes xmlns:w="{W}">{"".join(body)}</w:footnotes>'
    part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_TYPE, xml.encode("utf-8"), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)


# --- PDF -----------------------------------------------------------------------------------------


def to_pdf(markdown: str, path: Path) -> Path:
    """The draft as an A4 PDF: headings, paragraphs and list items with superscript note numbers,
    then the notes, numbered, under "Noten" (reportlab, no network)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    draft = read_draft(markdown)
    styles = getSampleStyleSheet()
    numbers: dict[str, int] = {}
    story: list[Any] = []
    paragraph: list[str] = []

    def flush(style: Any = styles["BodyText"], prefix: str = "") -> None:
        if paragraph:
            story.append(Paragraph(prefix + _pdf_inline(" ".join(paragraph), numbers), style))
            paragraph.clear()

    for line in (ln.strip() for ln in [*draft.lines, ""]):
        heading, item = _HEADING.match(line), _BULLET.match(line)
        if not line or heading or item:
            flush()
        if heading:
            level = min(len(heading.group(1)), 3)
            story.append(Paragraph(escape(_plain(heading.group(2))), styles[f"Heading{level}"]))
        elif item:
            story.append(Paragraph("• " + _pdf_inline(item.group(1), numbers), styles["BodyText"]))
        elif line:
            paragraph.append(line)
    if numbers:
        story.append(Paragraph(NOTES_HEADING, styles["Heading2"]))
        for label, n in sorted(numbers.items(), key=lambda item: item[1]):
            story.append(Paragraph(f"{n}. {escape(_plain(draft.notes.get(label, label)))}", styles["BodyText"]))
    margin = MARGIN_MM * mm
    SimpleDocTemplate(
        str(path),
        pagesize=A4,
        title=draft.title,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
    ).build(story)
    return path


def _pdf_inline(text: str, numbers: dict[str, int]) -> str:
    out, at = [], 0
    for match in _INLINE.finditer(text):
        out.append(escape(_plain(text[at : match.start()])))
        if match.group(1):
            refs = [str(numbers.setdefault(label, len(numbers) + 1)) for label in _NOTE_NUMBER.findall(match.group(1))]
            out.append(f"<super>{','.join(refs)}</super>")
        else:
            out.append(f"<b>{escape(_plain(match.group(2)))}</b>")
        at = match.end()
    out.append(escape(_plain(text[at:])))
    return "".join(out)


def _plain(text: str) -> str:
    return _ESCAPE.sub(r"\1", text)
