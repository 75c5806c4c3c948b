"""DOCX export of a (possibly edited) draft: Word heading styles, superscript references and
numbered endnotes under "Bronnen"; the Markdown file is the text as it is."""

from __future__ import annotations

import docx

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


def test_headings_use_word_heading_styles():
    paragraphs = _styled(to_docx(EDITED))
    assert ("Heading 1", "Beleidsnotitie: scholing") in paragraphs
    assert ("Heading 2", "Aanleiding") in paragraphs and ("Heading 2", "Bronnen") in paragraphs
    assert ("Heading 3", "Een kop op niveau drie") in paragraphs


def test_references_are_superscript_numbers_and_bold_stays_bold():
    document = to_docx(EDITED)
    body = next(p for p in document.paragraphs if p.text.startswith("Een zin met een bron."))
    supers = [r.text for r in body.runs if r.font.superscript]
    assert supers == ["1", "1,2"]
    assert [r.text for r in body.runs if r.bold] == ["vette"]
    assert body.text.endswith("met een *ster*.")  # two lines joined; escapes undone


def test_endnotes_are_numbered_entries_under_bronnen():
    paragraphs = _styled(to_docx(EDITED))
    start = paragraphs.index(("Heading 2", "Bronnen"))
    notes = [text for _, text in paragraphs[start + 1 :]]
    assert notes[0].startswith("1. Advies A, aanbeveling doc-a:1.1 'Investeer', p. 8: ")
    assert notes[1].startswith("2. Advies B") and '"Organisaties gebruiken."' in notes[1]


def test_unknown_lines_are_kept_as_paragraphs():
    texts = [p.text for p in to_docx(EDITED).paragraphs]
    assert "Vrije tekst van de ambtenaar, zonder bron." in texts
    assert ("List Bullet", "Een opsomming.2") in _styled(to_docx(EDITED))


def test_export_writes_docx_and_markdown(tmp_path, tiny_catalogue, tiny_chunks):
    markdown = to_markdown(draft("scholing <en> data", ["doc-a:1.1"], tiny_catalogue, tiny_chunks))
    files = export(markdown, tmp_path / "uit", "Beleidsnotitie: scholing <en> data")
    assert files.docx.name == "beleidsnotitie-scholing-en-data.docx"
    assert files.markdown.read_text(encoding="utf-8") == markdown
    document = docx.Document(str(files.docx))
    assert document.core_properties.title == "Beleidsnotitie: scholing <en> data"
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:2] == ["Beleidsnotitie: scholing <en> data", "Aanleiding"]
    assert headings[-1] == "Bronnen"


def test_file_stem_is_safe():
    assert file_stem("../../etc/passwd") == "etc-passwd"
    assert file_stem("<>") == "beleidsnotitie"
    assert len(file_stem("x" * 500)) <= 60
