"""Export of a (possibly edited) draft: DOCX with Word heading styles and real footnotes on A4, a PDF
with the same text and notes, and the Markdown file as it is."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from xml.sax.saxutils import escape

import docx
import pytest

from assistant.notes.docx_export import export, file_stem, to_docx
from assistant.notes.policy_note import draft, to_markdown

EDITED = """# Beleidsnotitie: scholing

## Aanleiding

Een zin met een bron.[^1] En een **vette** zin met twee bronnen.[^1][^2]
Een tweede regel van dezelfde alinea met een \\*ster\\*.

### Een kop op niveau drie

- Een opsomming.[^2]
Vrije tekst van de ambtenaar, zonder bron.

## Bronnen

[^1]: Advies A, aanbeveling doc-a:1.1 'Investeer', p. 8: "Werkgevers investeren."
[^2]: Advies B, aanbeveling doc-b:2 'Gebruik', p. 4: "Organisaties gebruiken."
"""


def _styled(document):
    return [(p.style.name, p.text) for p in document.paragraphs]


def _xml(path, part: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(part).decode("utf-8") if part in archive.namelist() else ""


def test_headings_use_word_heading_styles():
    paragraphs = _styled(to_docx(EDITED))
    assert ("Heading 1", "Beleidsnotitie: scholing") in paragraphs
    assert ("Heading 2", "Aanleiding") in paragraphs
    assert ("Heading 2", "Bronnen") not in paragraphs  # its notes are footnotes now: no empty heading
    assert ("Heading 3", "Een kop op niveau drie") in paragraphs


def test_references_are_real_footnotes_and_bold_stays_bold(tmp_path):
    """Issue 16: a word/footnotes.xml part with one footnote per note (after Word's two separators),
    w:footnoteReference runs in the text, A4 pages."""
    path = tmp_path / "notitie.docx"
    to_docx(EDITED).save(str(path))
    body, notes = _xml(path, "word/document.xml"), _xml(path, "word/footnotes.xml")
    assert re.findall(r'<w:footnoteReference w:id="(\d+)"/>', body) == ["1", "1", "2", "2"]
    ids = re.findall(r'<w:footnote (?:w:type="\w+" )?w:id="(-?\d+)"', notes)
    assert ids == ["-1", "0", "1", "2"]
    assert "Advies A, aanbeveling doc-a:1.1 'Investeer', p. 8" in notes and "Organisaties gebruiken." in notes
    assert "footnotes+xml" in _xml(path, "[Content_Types].xml")
    document = docx.Document(str(path))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    paragraph = next(p for p in document.paragraphs if p.text.startswith("Een zin met een bron."))
    assert [r.text for r in paragraph.runs if r.bold] == ["vette"]
    assert paragraph.text.endswith("met een *ster*.")  # two lines joined; escapes undone
    assert not any(p.text.startswith("1. Advies A") for p in document.paragraphs)  # no typed list of notes


def test_unknown_lines_are_kept_as_paragraphs():
    texts = [p.text for p in to_docx(EDITED).paragraphs]
    assert "Vrije tekst van de ambtenaar, zonder bron." in texts
    assert ("List Bullet", "Een opsomming.") in _styled(to_docx(EDITED))


def test_a_note_defined_but_never_referenced_stays_as_text():
    document = to_docx(EDITED + "[^9]: Een losse noot van de ambtenaar.\n")
    assert any("Een losse noot van de ambtenaar." in p.text for p in document.paragraphs)


def test_export_writes_docx_pdf_and_markdown_that_say_the_same(tmp_path, tiny_catalogue, tiny_chunks):
    import pypdf

    markdown = to_markdown(draft("scholing <en> data", ["doc-a:1.1"], tiny_catalogue, tiny_chunks))
    files = export(markdown, tmp_path / "uit", "Beleidsnotitie: scholing <en> data")
    assert files.docx.name == "beleidsnotitie-scholing-en-data.docx" and files.pdf.suffix == ".pdf"
    assert files.markdown.read_text(encoding="utf-8") == markdown
    document = docx.Document(str(files.docx))
    assert document.core_properties.title == "Beleidsnotitie: scholing <en> data"
    assert document.core_properties.created is not None
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:2] == ["Beleidsnotitie: scholing <en> data", "Aanleiding"]
    notes = re.findall(r"^\[\^\d+\]: (.*)$", markdown, re.MULTILINE)
    footnotes = _xml(files.docx, "word/footnotes.xml")
    reader = pypdf.PdfReader(str(files.pdf))
    pdf_text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert all(round(float(p.mediabox.width)) == 595 and round(float(p.mediabox.height)) == 842 for p in reader.pages)
    for text in notes:
        quote = text.rsplit(': "', 1)[-1].rstrip('"')
        assert escape(quote) in footnotes and quote in pdf_text, quote


def test_file_stem_is_safe():
    assert file_stem("../../etc/passwd") == "etc-passwd"
    assert file_stem("<>") == "beleidsnotitie"
    assert len(file_stem("x" * 500)) <= 60


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui)"
)
def test_libreoffice_shows_each_note_at_the_foot_of_the_page_that_cites_it(tmp_path):
    """Issue 16: Word-compatible rendering of the DOCX (LibreOffice, headless): the note text stands on
    the PDF page where its reference is, for a draft long enough to run over several pages."""
    import pypdf

    body = "\n\n".join(
        f"Alinea {i} van de notitie met een bron.[^{i}] " + "Nog wat tekst zonder bron. " * 12 for i in range(1, 41)
    )
    notes = "\n".join(f"[^{i}]: Noot {i} bij alinea {i}, p. {i}." for i in range(1, 41))
    markdown = f"# Beleidsnotitie: lang\n\n## Aanleiding\n\n{body}\n\n## Bronnen\n\n{notes}\n"
    path = tmp_path / "lang.docx"
    to_docx(markdown).save(str(path))
    done = subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    pages = [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(str(tmp_path / "lang.pdf")).pages]
    assert len(pages) >= 3
    for i in range(1, 41):
        cited_on = [n for n, text in enumerate(pages) if f"Alinea {i} van de notitie" in text]
        assert cited_on and f"Noot {i} bij alinea {i}" in pages[cited_on[0]], (i, cited_on)
