"""Pure cleaning functions, one behaviour each."""

from __future__ import annotations

import pytest

from corpus.records import Line, Page
from ingest.clean import (
    clean_page_lines,
    fix_ai,
    is_debris,
    join_hyphenated,
    join_lines,
    normalize,
    running_lines,
    strip_bullet,
    strip_trailing_bullet,
)
from ingest.text import fold


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("de invoering van Al", "de invoering van AI"),
        ("Nieuwe Al-technologieën", "Nieuwe AI-technologieën"),
        ("het advies 'Al en werk'", "het advies 'AI en werk'"),
        ("Al kan ontwrichtend zijn", "AI kan ontwrichtend zijn"),
        ("Al enkele decennia", "Al enkele decennia"),
        ("verslaglegging met A.l., inwerken", "verslaglegging met AI, inwerken"),
        ("Alle bedrijven", "Alle bedrijven"),
    ],
)
def test_fix_ai(text, expected):
    assert fix_ai(text) == expected


def test_normalize_quotes_space_and_nfkc():
    assert normalize("‘no  wrong door’ “principe”\u00a0ﬁ") == "'no wrong door' \"principe\" fi"


@pytest.mark.parametrize(
    ("first", "second", "joined"),
    [
        ("continu geïnstru-", "eerd worden", "continu geïnstrueerd worden"),
        ("het midden-", "en kleinbedrijf", "het midden- en kleinbedrijf"),
        ("de AI-", "verordening", "de AI-verordening"),
        ("gebruik van AI-toepas-", "singen", "gebruik van AI-toepassingen"),
        ("zowel micro-", "als macroniveau", "zowel micro- als macroniveau"),
        ("de SLIM-", "Regeling", "de SLIM-Regeling"),
        ("gewone regel", "en de volgende", "gewone regel en de volgende"),
    ],
)
def test_join_hyphenated(first, second, joined):
    assert join_hyphenated(first, second) == joined


def test_join_lines_drops_footnote_markers():
    text = join_lines(["Betrek als werkgever werknemers3 tijdig. De AI-verordening,2 inclusief", "3 procent"])
    assert text == "Betrek als werkgever werknemers tijdig. De AI-verordening, inclusief 3 procent"


def test_fold_removes_diacritics_and_case():
    assert fold("Efficiënter") == fold("efficiénter") == "efficienter"


@pytest.mark.parametrize("text", ["e", "¢", "°", "■", ". ", "—"])
def test_bullet_debris(text):
    assert is_debris(text)


def test_bullets_stripped_but_words_kept():
    assert strip_bullet("e  De zorg (bijvoorbeeld)") == ("De zorg (bijvoorbeeld)", True)
    assert strip_bullet("■ meer investeren") == ("meer investeren", True)
    assert strip_bullet("een gewone zin") == ("een gewone zin", False)
    assert strip_trailing_bullet("Zet arbeidsproductiviteit prominent o") == "Zet arbeidsproductiviteit prominent"
    assert strip_trailing_bullet("Stimuleer learning on the job") == "Stimuleer learning on the job"


def _page(index: int, body: str) -> Page:
    lines = (Line(f"Testrapport | Hoofdstuk {index}"), Line(body), Line(str(index)))
    return Page("doc", index, str(index), lines)


def test_running_headers_and_page_numbers_removed():
    bodies = ["Eerste zin.", "Tweede verhaal.", "Derde alinea hier.", "Vierde stuk.", "Vijf.", "Zes keer.", "Zeven."]
    pages = [_page(i, body) for i, body in enumerate(bodies, start=1)]
    running = running_lines(pages)
    cleaned = clean_page_lines(pages[2], running)
    assert [line.text for line in cleaned] == ["Derde alinea hier."]
