"""A policy PDF without recognisable recommendations still ingests, as plain sections."""

from __future__ import annotations

from corpus.manifest import discover
from corpus.records import ChunkKind
from corpus.settings import Settings
from ingest.build import ingest_document
from tests.conftest import dutch_text, make_pdf


def test_unstructured_pdf_becomes_plain_sections(tmp_path):
    make_pdf(tmp_path / "notitie.pdf", [dutch_text(i, paragraphs=4) for i in range(4)], title="Een beleidsnotitie")
    files, _ = discover([tmp_path], [])
    result = ingest_document(files[0], Settings())
    assert result.document.doc_id == "notitie"
    assert result.document.title == "Een beleidsnotitie"
    assert result.catalogue.recommendations == ()
    assert result.chunks
    assert {c.kind for c in result.chunks} == {ChunkKind.BACKGROUND}
    sections = {c.section for c in result.chunks}
    assert any("Scholing en ontwikkeling" in s for s in sections)
    assert not any("Testrapport" in c.text for c in result.chunks)  # running footer dropped
    assert [c.page for c in result.chunks] == sorted(c.page for c in result.chunks)
