"""Policy-note drafts: five sections, quotes verbatim from the catalogue, a footnote on every statement."""

from __future__ import annotations

import re

import pytest

from assistant.notes import policy_note
from assistant.notes.policy_note import draft, sentences, to_markdown

SECTIONS = ["Aanleiding", "Wat adviseren de SER-adviezen", "Voorbeelden uit de praktijk", "Overwegingen"]


def _statements(note):
    return [s for section in note.sections for block in section.blocks for s in block.statements]


def _template_pattern(key: str) -> re.Pattern[str]:
    """A template phrase with every {field} as a wildcard."""
    parts = re.split(r"\{\w+\}", policy_note.templates()["phrases"][key])
    return re.compile("^" + "(.+?)".join(re.escape(p) for p in parts) + "$", re.S)


def test_draft_has_the_sections_in_order(tiny_catalogue, tiny_chunks):
    note = draft("scholing  in de\nregio", ["doc-a:1.1", "doc-a:1.2"], tiny_catalogue, tiny_chunks)
    assert note.topic == "scholing in de regio"
    assert note.title == "Beleidsnotitie: scholing in de regio"
    assert [s.title for s in note.sections] == SECTIONS
    advice = note.sections[1]
    assert [b.heading for b in advice.blocks] == ["1.1 Investeer in scholing", "1.2 Deel kennis in de regio"]


def test_every_statement_has_a_footnote_that_exists(tiny_catalogue, tiny_chunks):
    note = draft("scholing", ["doc-a:1.1", "doc-b:2"], tiny_catalogue, tiny_chunks)
    numbers = {f.n for f in note.footnotes}
    assert numbers == set(range(1, len(note.footnotes) + 1))
    for statement in _statements(note):
        assert statement.notes, statement.text
        assert set(statement.notes) <= numbers


def test_statements_are_quotes_or_template_phrases(tiny_catalogue, tiny_chunks):
    note = draft("scholing", ["doc-a:1.1", "doc-a:1.2", "doc-b:2"], tiny_catalogue, tiny_chunks)
    texts = " ".join([r.text for r in tiny_catalogue.recommendations] + [b.text for b in tiny_catalogue.best_practices])
    templates = [_template_pattern(k) for k in policy_note.templates()["phrases"]]
    for statement in _statements(note):
        assert statement.text in texts or any(p.match(statement.text) for p in templates), statement.text


def test_quoted_sentences_skip_fragments_and_cite_their_page(tiny_catalogue, tiny_chunks):
    note = draft("scholing", ["doc-a:1.1"], tiny_catalogue, tiny_chunks)
    quoted = [s.text for s in note.sections[1].blocks[0].statements[1:]]
    assert quoted == [
        "Werkgevers investeren in scholing van medewerkers.",
        "Zo blijven zij inzetbaar op de arbeidsmarkt van morgen.",
    ]
    by_quote = {f.quote: f for f in note.footnotes}
    assert by_quote[quoted[0]].page_label == "8" and by_quote[quoted[1]].page_label == "9"
    assert by_quote[quoted[1]].page == 11


def test_best_practices_are_quoted_with_their_own_page(tiny_catalogue, tiny_chunks):
    note = draft("scholing", ["doc-a:1.1"], tiny_catalogue, tiny_chunks)
    practice = note.sections[2].blocks[0]
    assert practice.bullet
    assert practice.statements[0].text.startswith("De Leerwerkplaats (bij aanbeveling 1.1): De Leerwerkplaats leidt")
    footnote = note.footnotes[practice.statements[0].notes[0] - 1]
    assert (footnote.best_practice, footnote.page_label) == ("De Leerwerkplaats", "9")


def test_without_best_practices_the_section_says_so_with_footnotes(tiny_catalogue, tiny_chunks):
    note = draft("kennis", ["doc-a:1.2"], tiny_catalogue, tiny_chunks)
    only = note.sections[2].blocks[0].statements[0]
    assert "geen voorbeelden uit de praktijk" in only.text and only.notes


def test_same_quote_gets_one_footnote_number(tiny_catalogue, tiny_chunks):
    note = draft("scholing", ["doc-a:1.1", "doc-a:1.1"], tiny_catalogue, tiny_chunks)
    quotes = [(f.recommendation_id, f.best_practice, f.quote) for f in note.footnotes]
    assert len(quotes) == len(set(quotes))


def test_markdown_has_footnote_definitions_for_every_reference(tiny_catalogue, tiny_chunks):
    text = to_markdown(draft("scholing", ["doc-a:1.1", "doc-b:2"], tiny_catalogue, tiny_chunks))
    assert text.startswith("# Beleidsnotitie: scholing\n")
    for title in [*SECTIONS, "Bronnen"]:
        assert f"\n## {title}\n" in text
    refs = set(re.findall(r"\[\^(\d+)\](?!:)", text))
    definitions = re.findall(r"^\[\^(\d+)\]: (.*)$", text, re.M)
    assert refs == {n for n, _ in definitions}
    first = dict(definitions)["1"]
    assert first.startswith("Advies A: Samen verder, aanbeveling doc-a:1.1 'Investeer in scholing', p. 8: ")


def test_footnote_text_names_document_recommendation_page_and_quote(tiny_catalogue, tiny_chunks):
    note = draft("data", ["doc-b:2"], tiny_catalogue, tiny_chunks)
    quote = next(f for f in note.footnotes if f.quote.startswith("Organisaties"))
    assert quote.text() == (
        "Advies B: Digitaal werk, aanbeveling doc-b:2 'Gebruik <AI> & *data*', p. 4: "
        '"Organisaties gebruiken <script>alert(1)</script> nooit zomaar in hun systemen."'
    )


def test_a_draft_needs_a_recommendation(tiny_catalogue, tiny_chunks):
    with pytest.raises(ValueError, match="at least one"):
        draft("leeg", [], tiny_catalogue, tiny_chunks)


def test_sentences_are_whole_and_sensible():
    text = "is een fragment. Dit is een hele zin van voldoende lengte. Kort. Nog een volledige zin met inhoud!"
    assert sentences(text) == ["Dit is een hele zin van voldoende lengte.", "Nog een volledige zin met inhoud!"]


# --- on the real corpus ---------------------------------------------------------------------


def _letters(text: str) -> str:
    """Letters only, folded, after the ingest's own normalisation: the OCR's "Al" is "AI", and the
    PDF's footnote numbers ("werknemers3") that the ingest drops do not count."""
    from ingest.clean import normalize
    from ingest.text import fold

    return re.sub(r"[^a-z]", "", fold(normalize(text)))


def test_real_footnotes_quote_the_cited_pdf_pages(assistant):
    """A draft of every recommendation of the real corpus: each footnote's quote stands on its page."""
    from pypdf import PdfReader

    catalogue = assistant.index.catalogue
    note = draft("alles", [r.rec_id for r in catalogue.recommendations], catalogue, assistant.index.chunks)
    readers = {d.doc_id: PdfReader(d.path) for d in catalogue.documents}
    pages: dict[tuple[str, int], str] = {}
    missing = []
    for footnote in note.footnotes:
        key = (footnote.doc_id, footnote.page)
        if key not in pages:
            pages[key] = _letters(readers[footnote.doc_id].pages[footnote.page - 1].extract_text() or "")
        if _letters(footnote.quote)[:40] not in pages[key]:  # 40 letters: long titles may wrap oddly
            missing.append((footnote.page_label, footnote.recommendation_id, footnote.quote))
    assert len(note.footnotes) > 100 and missing == []


def test_real_topic_offers_the_recommendations_the_answer_cites_first(assistant):
    """The note's "Zoek aanbevelingen" is ``Assistant.recommendations_for``: the same understanding as a question."""
    topic = "Waar kan ik terecht als ik niet weet bij welke instantie ik moet zijn?"
    answer = assistant.ask(topic, "beleidsmedewerker")
    found = assistant.recommendations_for(topic, limit=policy_note.MAX_CANDIDATES)
    assert found[0].rec_id == answer.citations[0].recommendation_id
    assert len({r.rec_id for r in found}) == len(found) <= policy_note.MAX_CANDIDATES
