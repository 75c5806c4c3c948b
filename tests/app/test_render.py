"""What the chat page shows: escaped user text, linked [n] markers and the sources panel."""

from __future__ import annotations

import re

from assistant.page import render
from assistant.records import Answer, Citation, Persona


def test_escape_markdown_neutralises_html_links_emphasis_and_latex():
    hostile = "<script>alert(1)</script> [klik](http://example.com) **vet** _schuin_ $$x$$ `code` # kop"
    escaped = render.escape_markdown(hostile)
    assert "<" not in escaped and ">" not in escaped
    assert "&lt;script&gt;" in escaped
    for raw in ("[klik]", "](", "**", "$$", "`code`", "_schuin_"):
        assert raw not in escaped
    assert re.sub(r"\\(.)", r"\1", escaped).replace("&lt;", "<").replace("&gt;", ">") == hostile


def test_question_bubble_is_shortened_when_very_long():
    shown = render.question_markdown("x" * 5000)
    assert len(shown) < 700 and shown.endswith("…")


def test_answer_body_drops_the_sources_list(tiny_answer):
    body = render.answer_body(tiny_answer)
    assert body.endswith("Zie ook [7].")
    assert "Bronnen" not in body


def test_answer_markdown_links_cited_markers_and_escapes_document_html(tiny_answer):
    text = render.answer_markdown(tiny_answer)
    assert "[[1]](#bron-1)" in text and "[[2]](#bron-2)" in text
    assert r"\[7\]" in text and "#bron-7" not in text  # not a citation: shown as the text [7]
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_answer_markdown_shows_document_and_model_markdown_as_text():
    """Issue 13: an image, a link, an autolink or a URL in a passage or a model's sentence is shown
    as text; only the assistant's own **headings** and [n] links stay Markdown."""
    text = (
        "**Titel** (AI en werk, p. 3)\nZie ![x](http://127.0.0.1:9999/t.png) en [het loket](http://x/phish), "
        "<http://a.example>, www.b.example en http://c.example/d. [1]"
    )
    answer = Answer("q", text, False, Persona.ONDERNEMER, "nl", (_citation(1),))
    shown = render.answer_markdown(answer)
    assert shown.startswith("**Titel**") and shown.endswith("[[1]](#bron-1)")
    for live in ("![", "](http", "<http", "www.b", "http://"):
        assert live not in shown
    assert re.findall(r"\]\((.*?)\)", shown) == ["#bron-1"]


def _citation(n: int) -> Citation:
    return Citation(n, "doc", "Doc", 1, "1", "Sectie", None, None, None, "Zie.")


def test_abstained_answer_is_shown_whole():
    answer = Answer("Hoeveel vakantiedagen?", "Daar zeggen de bronnen niets over.", True, Persona.ONDERNEMER, "nl")
    assert render.answer_markdown(answer) == r"Daar zeggen de bronnen niets over\."


def test_pdf_url_uses_gradio_file_route_and_pdf_page():
    url = render.pdf_url("/corpus/met spatie.pdf", 17)
    assert url == "/gradio_api/file=/corpus/met%20spatie.pdf#page=17"
    assert render.pdf_url("/c/x.pdf", 0).endswith("#page=1")


def test_quote_in_context_finds_the_quote_across_line_breaks():
    text = "Eerste zin.\nWerkgevers investeren\nin scholing van medewerkers. Laatste zin."
    found = render.quote_in_context("Werkgevers investeren in scholing van medewerkers.", [text])
    assert found.before == "Eerste zin. " and found.after == " Laatste zin."
    missing = render.quote_in_context("Staat er niet in.", [text])
    assert (missing.before, missing.quote, missing.after) == ("", "Staat er niet in.", "")


def test_quote_in_context_cuts_long_passages_at_words():
    text = ("woord " * 100) + "Het citaat staat hier." + (" woord" * 100)
    found = render.quote_in_context("Het citaat staat hier.", [text], width=50)
    assert found.before.startswith("… ") and found.after.endswith(" …")
    assert len(found.before) <= 55 and len(found.after) <= 55


def test_sources_panel_has_one_escaped_card_per_citation(tiny_answer, tiny_catalogue, tiny_chunks):
    panel = render.sources_html(tiny_answer, tiny_catalogue, render.chunks_by_page(tiny_chunks))
    assert panel.count('class="bron"') == 2
    assert 'id="bron-1"' in panel and 'id="bron-2"' in panel
    assert "<script>" not in panel and "&lt;script&gt;alert(1)&lt;/script&gt;" in panel
    assert "Gebruik &lt;AI&gt; &amp; *data*" in panel
    assert 'data-page="10"' in panel and "p. 8" in panel
    assert 'href="/gradio_api/file=/corpus/doc-a.pdf#page=10"' in panel
    assert '<mark class="bron-citaat">Werkgevers investeren in scholing van medewerkers.</mark>' in panel
    assert "Aanbeveling <code>doc-a:1.1</code>: Investeer in scholing" in panel


def test_sources_panel_without_citations_says_so(tiny_catalogue):
    answer = Answer("?", "Daar zeggen de bronnen niets over.", True, Persona.ONDERNEMER, "nl")
    assert "Geen bronnen" in render.sources_html(answer, tiny_catalogue, {})
    assert render.empty_sources_html("<b>fout</b>") == '<div class="bronnen leeg">&lt;b&gt;fout&lt;/b&gt;</div>'


def test_interface_texts_and_examples_load():
    assert "2000" in render.text("question_info", limit=2000)
    assert len(render.examples()) >= 3


def test_a_quote_from_an_ocr_page_says_so_in_the_sources_panel(tiny_answer, tiny_catalogue, tiny_chunks):
    """Issue 14: a reader of a quote read with OCR knows to check it against the PDF."""
    from dataclasses import replace

    by_page = render.chunks_by_page(tiny_chunks)
    plain = render.sources_html(tiny_answer, tiny_catalogue, by_page)
    scanned = replace(tiny_answer, citations=(replace(tiny_answer.citations[0], ocr=True), *tiny_answer.citations[1:]))
    panel = render.sources_html(scanned, tiny_catalogue, by_page)
    assert "tekst via OCR" not in plain and panel.count("tekst via OCR") == 1
