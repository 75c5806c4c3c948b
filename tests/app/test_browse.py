"""The recommendations tab: search, grouped overview with best practices, full text; escaped."""

from __future__ import annotations

from assistant.page import browse


def test_search_needs_every_word_and_reads_practices(tiny_catalogue):
    assert [r.rec_id for r in browse.search(tiny_catalogue, "")] == ["doc-a:1.1", "doc-a:1.2", "doc-b:2"]
    assert [r.rec_id for r in browse.search(tiny_catalogue, "scholing medewerkers")] == ["doc-a:1.1"]
    assert [r.rec_id for r in browse.search(tiny_catalogue, "leerwerkplaats")] == ["doc-a:1.1"]
    assert browse.search(tiny_catalogue, "scholing", doc_id="doc-b") == []
    assert browse.search(tiny_catalogue, "<script>") == browse.search(tiny_catalogue, "script")


def test_choices_name_document_number_title_and_pages(tiny_catalogue):
    labels = dict((value, label) for label, value in browse.choices(tiny_catalogue.recommendations, tiny_catalogue))
    assert labels["doc-a:1.1"] == "Advies A · 1.1 Investeer in scholing (p. 8, 9)"


def test_overview_groups_per_document_and_theme_escaped(tiny_catalogue):
    page = browse.overview_html(tiny_catalogue, tiny_catalogue.recommendations)
    assert page.index("Advies A: Samen verder") < page.index("1. Scholing") < page.index("Advies B: Digitaal werk")
    assert "voorbeeld: De Leerwerkplaats (p. 9)" in page
    assert "<AI>" not in page and "Gebruik &lt;AI&gt; &amp; *data*" in page
    assert "Geen aanbevelingen gevonden" in browse.overview_html(tiny_catalogue, [])


def test_detail_shows_full_text_pages_and_practices(tiny_catalogue):
    page = browse.detail_html(tiny_catalogue, "doc-a:1.1")
    assert "Zo blijven zij inzetbaar op de arbeidsmarkt van morgen." in page
    assert 'href="/gradio_api/file=/corpus/doc-a.pdf#page=10"' in page and ">p. 8<" in page
    assert "Voorbeeld uit de praktijk: De Leerwerkplaats" in page
    assert "&lt;script&gt;" in browse.detail_html(tiny_catalogue, "doc-b:2")
    assert "Kies een aanbeveling" in browse.detail_html(tiny_catalogue, None)


def test_ask_about_names_the_recommendation(tiny_catalogue):
    assert browse.ask_about(tiny_catalogue, "doc-a:1.2") == "Wat adviseert de SER over 'Deel kennis in de regio'?"


def test_real_catalogue_finds_no_wrong_door(assistant):
    found = browse.search(assistant.index.catalogue, "no wrong door")
    assert [r.rec_id for r in found] == ["ser-overijssel-arbeidsproductiviteit:4.3"]
