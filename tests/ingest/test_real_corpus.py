"""The catalogue, cleaning and chunk metadata, pinned on the real shared PDFs.

These read ``../shared/corpus`` (the project's only data); they parse, structure and chunk
without embedding, so they take a few seconds.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corpus.manifest import discover, load_manifest
from corpus.records import ChunkKind
from corpus.settings import Settings
from ingest.build import ingest_document
from ingest.text import fold

OV = "ser-overijssel-arbeidsproductiviteit"
AIW = "ser-ai-en-werk"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "corpus"

pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared corpus not found at {SHARED}")


@pytest.fixture(scope="module")
def docs():
    settings = Settings()
    files, _ = discover([SHARED], load_manifest(settings.corpus.manifest))
    return {f.doc_id: ingest_document(f, settings) for f in files if f.doc_id in (OV, AIW)}


def recs(docs, doc_id):
    return {r.number: r for r in docs[doc_id].catalogue.recommendations}


def test_overijssel_has_six_themes_with_the_summary_table_counts(docs):
    themes = dict(docs[OV].catalogue.themes[OV])
    assert len(themes) == 6
    assert themes["4"] == "Ondersteun het mkb bij de adaptatie en implementatie"
    counts = {t: sum(1 for r in docs[OV].catalogue.recommendations if r.theme_number == t) for t in themes}
    assert counts == {"1": 4, "2": 6, "3": 6, "4": 9, "5": 7, "6": 8}


def test_theme_four_runs_from_ecosystems_to_regulatory_burden(docs):
    r = recs(docs, OV)
    assert r["4.1"].title == "Investeer in mkb ecosystemen"
    assert r["4.9"].title == "Beperk de regeldruk"
    assert r["4.1"].rec_id == f"{OV}:4.1"


def test_summary_and_body_wording_both_traceable(docs):
    rec = recs(docs, OV)["5.6"]
    assert rec.title == "Zet in op een hogere arbeidskwaliteit"
    assert rec.body_title == "Zet de mens centraal bij de invoering van AI"
    assert "Neem menselijke waardigheid als uitgangspunt" in rec.points
    assert "Zorg voor verdeling en zekerheid" in rec.points
    assert "Neem mensen mee in de digitale transitie" in rec.points
    assert rec.page_labels[0] == "39"


@pytest.mark.parametrize(
    ("number", "title", "page"),
    [
        ("1.1", "Breng het probleem goed in beeld en zet het prominent op de agenda", "18"),
        ("2.6", "Stimuleer learning on the job", "22"),
        ("3.1", "Faciliteer broedplaatsen voor kennisontwikkeling", "24"),
        ("4.3", "Hanteer het 'no wrong door' principe", "30"),
        ("4.5", "Bied een scan aan om de arbeidsproductiviteit te beoordelen", "31"),
        ("5.1", "Neem kennis van de 'Schijf van vijf voor sociale innovatie' en wees voorbereid op de J-curve", "34"),
        ("6.8", "Behoud internationaal talent", "44"),
    ],
)
def test_named_recommendations_and_their_pages(docs, number, title, page):
    rec = recs(docs, OV)[number]
    assert rec.title == title
    assert rec.page_labels[0] == page
    assert rec.text  # the body text is kept


@pytest.mark.parametrize(
    ("needle", "page", "rec"),
    [
        ("Scania", "22", "2.6"),
        ("Perron 038", "24", "3.1"),
        ("Elektroned", "28", "4.1"),
        ("NPAL", "28", "4.1"),
        ("Ondernemershuis Regio Stedendriehoek", "29", "4.2"),
        ("Toyota Production System", "36", "5.3"),
        ("Witteveen+Bos", "40", "5.7"),
        ("Donkergroen", "40", "5.7"),
        ("Ga voor SLIM!", "42", "6.3"),
    ],
)
def test_best_practices_with_page_and_recommendation(docs, needle, page, rec):
    matches = [bp for bp in docs[OV].catalogue.best_practices if needle in bp.name]
    assert len(matches) == 1, [bp.name for bp in docs[OV].catalogue.best_practices]
    bp = matches[0]
    assert bp.page_label == page
    assert bp.recommendation_id == f"{OV}:{rec}"
    assert len(bp.text.split()) > 50


def test_no_wrong_door_links_the_ondernemershuis_it_names(docs):
    rec = recs(docs, OV)["4.3"]
    assert any("ondernemershuis" in bp for bp in rec.best_practices)


def test_expert_quotes_with_speaker(docs):
    quotes = {q.speaker.split(",")[0]: q for q in docs[OV].catalogue.quotes}
    assert quotes["Frank Snellens"].page_label == "22"
    assert "90% van wat we ervaren" in quotes["Frank Snellens"].text
    assert quotes["Kim Putters"].recommendation_id == f"{OV}:5.6"
    assert quotes["Pieter Hasekamp"].page_label == "18"


def test_ai_en_werk_four_main_recommendations_with_sub_recommendations(docs):
    r = recs(docs, AIW)
    mains = [x for x in docs[AIW].catalogue.recommendations if x.parent_id is None]
    assert [m.title for m in mains] == [
        "Investeer in AI-innovatie en -adoptie",
        "Zet waardig werk centraal bij de inzet van AI",
        "Blijf samen leren en ontwikkelen om AI te benutten",
        "Anticipeer op mogelijke verdelingseffecten van AI",
    ]
    subs = {m.number: [x.number for x in r.values() if x.parent_id == m.rec_id] for m in mains}
    assert subs == {"1": ["1.1", "1.2", "1.3", "1.4"], "2": ["2.1", "2.2", "2.3", "2.4"], "3": ["3.1", "3.2"], "4": []}
    assert r["2.1"].title == "Betrek als werkgever werknemers tijdig en effectief"
    assert r["1.3"].title.startswith("Zorg voor meer praktische ondersteuning voor het mkb")


def test_ai_en_werk_main_recommendation_spans_summary_and_chapter_six(docs):
    rec = recs(docs, AIW)["1"]
    assert "15" in rec.page_labels  # summary: printed page 15 is PDF page 16
    assert "92" in rec.page_labels  # 6.3.1 starts on printed page 92 (PDF page 93)
    assert rec.body_title == ""
    assert recs(docs, AIW)["4"].body_title == "Anticipeer op mogelijke verdelingseffecten van AI-inzet"


def test_printed_page_labels_differ_from_pdf_index(docs):
    chunk = next(c for c in docs[AIW].chunks if c.section.startswith("6 Conclusie") and "6.3.1" in c.section)
    assert int(chunk.page_label) == chunk.page - 1


def test_chunks_carry_no_running_footers_or_broken_words(docs):
    texts = [c.text for d in docs.values() for c in d.chunks]
    assert not any("SER Overijssel | Arbeidsproductiviteit" in t for t in texts)
    assert not any("CONCLUSIE EN AANBEVELINGEN" in t for t in texts)
    assert not any(re.search(r"\bgeïnstru-", t) for t in texts)
    assert any("geïnstrueerd" in t for t in texts)
    assert not any(t.startswith(("e ", "¢", "°", "■")) for t in texts)


def test_ai_is_findable_in_the_overijssel_ai_section(docs):
    chunks = [c for c in docs[OV].chunks if c.recommendation_id == f"{OV}:5.6"]
    text = " ".join(c.text for c in chunks)
    assert "invoering van AI" in text and "AI-technologieën" in text.replace("technologieén", "technologieën")
    assert not re.search(r"\bAl\b", text)


def test_diacritics_fold_so_efficienter_finds_the_ocr_spelling(docs):
    assert any("efficiénter" in c.text for c in docs[OV].chunks)
    assert any(fold("efficiënter") in fold(c.text) for c in docs[OV].chunks)


def test_chunk_metadata_and_sizes(docs):
    for doc in docs.values():
        recs_by_id = {r.rec_id: r for r in doc.catalogue.recommendations}
        for c in doc.chunks:
            assert c.doc_id and c.doc_title and c.page >= 1 and c.page_label and c.content_hash
            assert c.page <= c.page_end
            assert len(c.text.split()) <= 320
            if c.recommendation_id:
                rec = recs_by_id[c.recommendation_id]
                assert c.recommendation == rec.title
                assert c.page in rec.pages
    rec_chunk = next(c for c in docs[OV].chunks if c.recommendation_id == f"{OV}:4.3")
    assert rec_chunk.section.startswith("Hoofdstuk 5 | Advies SER Overijssel")
    assert rec_chunk.kind is ChunkKind.RECOMMENDATION
    assert rec_chunk.theme == "Ondersteun het mkb bij de adaptatie en implementatie"
    kinds = {c.kind for d in docs.values() for c in d.chunks}
    assert {
        ChunkKind.RECOMMENDATION,
        ChunkKind.BEST_PRACTICE,
        ChunkKind.QUOTE,
        ChunkKind.FOOTNOTE,
        ChunkKind.SUMMARY,
        ChunkKind.BACKGROUND,
    } <= kinds


def test_no_chunk_spans_two_recommendations(docs):
    for doc in docs.values():
        rec_pages = {r.rec_id: set(r.pages) for r in doc.catalogue.recommendations}
        for c in doc.chunks:
            if c.recommendation_id:
                assert {c.page, c.page_end} <= rec_pages[c.recommendation_id] | {c.page}
