"""Export a (possibly edited) policy-note draft from its Markdown to DOCX and Markdown files.

python-docx has no footnote API, so the footnotes become numbered endnotes: a superscript
number in the text and a numbered entry under "Bronnen". Headings use Word's own Heading styles
(``#`` → Heading 1, ``##`` → Heading 2, ``###`` → Heading 3), so the document outline and a
table of contents work in Word. The reader is tolerant: any line it does not recognise stays a
plain paragraph, so the civil servant's edits are never lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_NOTE_DEFINITION = re.compile(r"^\[\^([^\]]+)\]:\s*(.*)$")
_BULLET = re.compile(r"^[-*]\s+(.*)$")
_INLINE = re.compile(r"((?:\[\^[^\]\s]+\])+)|\*\*(.+?)\*\*")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~$:'\"<>])")
_NOTE_NUMBER = re.compile(r"\[\^([^\]\s]+)\]")
MAX_FILE_STEM = 60


@dataclass(frozen=True)
class Exported:
    docx: Path
    markdown: Path


def to_docx(markdown: str) -> Any:
    """A python-docx ``Document`` of the Markdown draft."""
    import docx

    document = docx.Document()
    paragraph_lines: list[str] = []
    for line in [*markdown.splitlines(), ""]:
        if _block_line(document, line.rstrip()):
            _flush(document, paragraph_lines)
        else:
            paragraph_lines.append(line.strip())
    _set_title(document, markdown)
    return document


def export(markdown: str, folder: Path, stem: str) -> Exported:
    """Write ``<stem>.docx`` and ``<stem>.md`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    name = file_stem(stem)
    docx_path, md_path = folder / f"{name}.docx", folder / f"{name}.md"
    to_docx(markdown).save(str(docx_path))
    md_path.write_text(markdown, encoding="utf-8")
    return Exported(docx_path, md_path)


def file_stem(text: str) -> str:
    """A safe file name from a title: letters, digits and dashes only."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:MAX_FILE_STEM].strip("-")
    return slug or "beleidsnotitie"


def _block_line(document: Any, line: str) -> bool:
    """Write a heading, list item or endnote line; True when ``line`` ends the running paragraph."""
    if not line.strip():
        return True
    if heading := _HEADING.match(line):
        level = min(len(heading.group(1)), 4)
        document.add_heading(_plain(heading.group(2)), level=level)
        return True
    if note := _NOTE_DEFINITION.match(line):
        paragraph = document.add_paragraph(style="Normal")
        paragraph.add_run(f"{note.group(1)}. ")
        _add_inline(paragraph, note.group(2))
        return True
    if item := _BULLET.match(line):
        _add_inline(document.add_paragraph(style="List Bullet"), item.group(1))
        return True
    return False


def _flush(document: Any, lines: list[str]) -> None:
    if lines:
        _add_inline(document.add_paragraph(), " ".join(lines))
        lines.clear()


def _add_inline(paragraph: Any, text: str) -> None:
    """Text with ``[^n]`` references as superscript numbers and ``**bold**`` as bold runs."""
    at = 0
    for match in _INLINE.finditer(text):
        if match.start() > at:
            paragraph.add_run(_plain(text[at : match.start()]))
        if match.group(1):
            numbers = _NOTE_NUMBER.findall(match.group(1))
            paragraph.add_run(",".join(numbers)).font.superscript = True
        else:
            paragraph.add_run(_plain(match.group(2))).bold = True
        at = match.end()
    if at < len(text):
        paragraph.add_run(_plain(text[at:]))


def _plain(text: str) -> str:
    return _ESCAPE.sub(r"\1", text)


def _set_title(document: Any, markdown: str) -> None:
    for line in markdown.splitlines():
        if heading := _HEADING.match(line.strip()):
            document.core_properties.title = _plain(heading.group(2))[:255]
            return
