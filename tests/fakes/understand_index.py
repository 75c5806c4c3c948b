"""A tiny in-memory index for the question-understanding tests (``tests/assistant/test_understand.py``).

Two documents, as the real corpus has both kinds:

* ``THEMED``: a regional advisory organised in numbered themes (recommendations ``1.1``, ``2.1`` …,
  no ``parent_id``), publisher "SER Gelderland";
* ``MAIN``: a national advisory with main recommendations (``1``, ``2``, ``3``) whose
  sub-recommendations point at them through ``parent_id``, publisher "Sociaal-Economische Raad".

``Reader`` reads only the catalogue, the chunks and what ``Index`` derives from their text
(vocabulary, document and prefix frequencies), so the keyword index and the Chroma collection
are left out: no model, no PDFs, no files. The chunk texts are written for the rules under test;
the comments say which sentence a test leans on.
"""

from __future__ import annotations

from pathlib import Path

from assistant.index import Index
from corpus.records import Catalogue, Chunk, ChunkKind, Document, Recommendation

THEMED = "gelderland-vakmanschap"
MAIN = "ser-robotisering"
TITLES = {
    THEMED: "Vakmanschap: techniek en talent in Gelderland",
    MAIN: "Robotisering en werk: samen naar goede banen met robots",
}
PUBLISHERS = {THEMED: "SER Gelderland", MAIN: "Sociaal-Economische Raad"}
THEMES = {
    THEMED: (("1", "Techniek in het onderwijs"), ("2", "Behoud van talent"), ("3", "Energietransitie in de regio")),
    MAIN: (
        ("1", "Investeer in vaardigheden"),
        ("2", "Betrek werkenden bij automatisering"),
        ("3", "Deel de opbrengst van robots"),
    ),
}

# (doc, recommendation number or None for background, text)
_TEXTS: list[tuple[str, str | None, str]] = [
    (
        THEMED,
        None,
        "De raad geeft in het advies Vakmanschap aanbevelingen in drie thema's. Eerdere adviezen gingen over "
        "de arbeidsmarkt.",
    ),
    (
        THEMED,
        "1.1",
        "Breng techniek naar de basisschool. Leerlingen bouwen in de klas een eenvoudige robot en ontdekken "
        "zo of techniek bij hen past.",
    ),
    (
        THEMED,
        "1.2",
        # "training" and "veiligheid" in one sentence: "veiligheidstraining" is known
        "Bied stages in de werkplaats. Een leerbedrijf geeft elke stagiair een vaste begeleider. "
        "Iedere stagiair volgt een training over veiligheid voor de eerste werkdag.",
    ),
    (
        THEMED,
        "2.1",
        "Houd oudere vakmensen aan boord. Oudere vakmensen dragen hun kennis over aan jonge collega's in "
        "een meester-gezelregeling.",
    ),
    (
        THEMED,
        "3.1",
        # "veiligheid" and "kosten" in one passage, never in one sentence: "veiligheidskosten" is not known
        "Leid installateurs op voor warmtepompen. De energietransitie vraagt duizenden extra installateurs. "
        "Werken op een dak vraagt aandacht voor veiligheid. De kosten van de opleiding zijn hoog.",
    ),
    (
        THEMED,
        "2.2",
        "Uit een peiling blijkt dat jonge vakmensen zeggenschap over hun rooster belangrijk vinden.",
    ),
    (
        MAIN,
        "1.1",
        "Leer werkenden omgaan met robots. Werkgevers en werknemers maken samen een plan voor bijscholing "
        "zodra een robot taken overneemt.",
    ),
    (
        MAIN,
        "1.2",
        "Geef iedere werkende een persoonlijk leerbudget voor nieuwe vaardigheden.",
    ),
    (
        MAIN,
        "2.1",
        "Betrek werkenden bij automatisering. De ondernemingsraad praat mee voordat een fabriek robots "
        "aanschaft. Werkenden kennen de knelpunten "
        "op de werkvloer het best.",
    ),
    (
        MAIN,
        "3.1",
        "Deel de opbrengst van robotisering. Hogere productiviteit komt ook terecht in het loon van werkenden.",
    ),
    (
        MAIN,
        None,
        "Dit advies bevat drie hoofdaanbevelingen. In Nederland werken ruim twintigduizend industriële robots, "
        "vooral in de metaal en de voedingsmiddelen.",
    ),
]

_THEMED_RECS = {
    "1.1": "Breng techniek naar de basisschool",
    "1.2": "Bied stages in de werkplaats",
    "2.1": "Houd oudere vakmensen aan boord",
    "2.2": "Geef jonge vakmensen zeggenschap over hun rooster",
    "3.1": "Leid installateurs op voor warmtepompen",
}
_MAIN_RECS = {
    "1": "Investeer in vaardigheden",
    "1.1": "Leer werkenden omgaan met robots",
    "1.2": "Geef iedere werkende een leerbudget",
    "2": "Betrek werkenden bij automatisering",
    "2.1": "Laat de ondernemingsraad meepraten",
    "3": "Deel de opbrengst van robots",
    "3.1": "Deel de opbrengst van robotisering",
}


def _recommendation(doc: str, number: str, title: str, parent: str | None) -> Recommendation:
    theme = number.split(".")[0]
    return Recommendation(
        doc_id=doc,
        rec_id=f"{doc}:{number}",
        number=number,
        title=title,
        theme=dict(THEMES[doc])[theme],
        theme_number=theme,
        pages=(10,),
        page_labels=("8",),
        text=title,
        parent_id=f"{doc}:{parent}" if parent else None,
    )


def make_catalogue() -> Catalogue:
    themed = [_recommendation(THEMED, n, t, None) for n, t in _THEMED_RECS.items()]
    main = [_recommendation(MAIN, n, t, n.split(".")[0] if "." in n else None) for n, t in _MAIN_RECS.items()]
    return Catalogue(
        documents=tuple(
            Document(doc_id=d, title=t, publisher=PUBLISHERS[d], path=f"{d}.pdf", sha256="0" * 64, pages=40)
            for d, t in TITLES.items()
        ),
        recommendations=(*themed, *main),
        themes=THEMES,
    )


def make_chunks() -> list[Chunk]:
    chunks = []
    for n, (doc, number, text) in enumerate(_TEXTS):
        rec_id = f"{doc}:{number}" if number else None
        chunks.append(
            Chunk(
                chunk_id=f"{doc}:{n:05d}",
                doc_id=doc,
                doc_title=TITLES[doc],
                page=10 + n,
                page_end=10 + n,
                page_label=str(8 + n),
                page_label_end=str(8 + n),
                section="Aanbevelingen" if number else "Inleiding",
                kind=ChunkKind.RECOMMENDATION if number else ChunkKind.BACKGROUND,
                text=text,
                recommendation_id=rec_id,
                theme=number.split(".")[0] if number else None,
            )
        )
    return chunks


def make_index() -> Index:
    """An index version in memory; ``keyword`` and ``collection`` stay empty (the reader never searches)."""
    return Index(
        version="understand-test",
        folder=Path("/nonexistent/understand-test"),
        manifest={"embedder": "none", "collection": "none"},
        catalogue=make_catalogue(),
        chunks=make_chunks(),
        keyword=None,
        collection=None,
    )
