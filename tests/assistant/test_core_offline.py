"""The retrieval core offline: a tiny generated corpus, a real bm25s index, a real Chroma collection
with the vectors of a fake embedder (``tests/fakes/embedder.py``). No model, no PDFs."""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import replace
from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from assistant.abstain import FEATURES, AbstentionRule, Model
from assistant.compose import Composed, ExtractiveComposer, _sentences, is_noise, phrase
from assistant.index import Index
from assistant.params import ComposeParams, RetrievalParams, compose_params, retrieval_params
from assistant.query import Query, understand
from assistant.records import Evidence, Filters, Passage, Persona
from assistant.retrieve import (
    HybridRetriever,
    Retrieval,
    RetrievalMode,
    coverage,
    dense_confidence,
    keyword_confidence,
    rrf,
    theme_number,
)
from corpus.errors import ConfigError
from corpus.records import BestPractice, Catalogue, Chunk, ChunkKind, Document, Recommendation
from corpus.settings import Settings
from ingest import store
from ingest.keyword import build_keyword_index, load_keyword_index
from ingest.text import stopwords
from tests.fakes.embedder import FakeEmbedder

A = "scholing-2024"
B = "digitaal-2023"
TITLES = {
    A: "Leren en ontwikkelen: advies over scholing in het mkb",
    B: "Digitalisering in het mkb: advies over technologie en werk",
}
# what the fake dense model "knows" and the keyword index does not
CONCEPTS = {"telewerken": "thuiswerken"}
BOILERPLATE = "Dit advies is vastgesteld in de openbare raadsvergadering van de Sociaal-Economische Raad."

_SPECS: list[tuple[str, ChunkKind, int, str, str | None, str | None]] = [
    # (doc, kind, page, text, recommendation id, best practice)
    (
        A,
        ChunkKind.RECOMMENDATION,
        12,
        "Investeer in scholing van medewerkers\nWerkgevers investeren structureel in de scholing van hun "
        "medewerkers. Een vast scholingsbudget per medewerker maakt leren in het werk vanzelfsprekend.",
        f"{A}:1.1",
        None,
    ),
    (
        A,
        ChunkKind.RECOMMENDATION,
        13,
        "Sectorfondsen betalen mee aan cursussen voor medewerkers met weinig kansen op de arbeidsmarkt. "
        "Kleine bedrijven krijgen hulp bij het vinden van een passende cursus.",
        f"{A}:1.1",
        None,
    ),
    (
        A,
        ChunkKind.BEST_PRACTICE,
        13,
        "Best practice Leerwerkplaats Twente\nIn Twente leren medewerkers van verschillende bedrijven samen op "
        "de werkvloer. Zo wordt scholing praktisch en dichtbij georganiseerd.",
        f"{A}:1.1",
        "Leerwerkplaats Twente",
    ),
    (
        A,
        ChunkKind.RECOMMENDATION,
        14,
        "Maak afspraken over ontwikkeltijd\nSociale partners leggen in de cao vast hoeveel uur per jaar "
        "werknemers aan hun ontwikkeling besteden. Zo krijgt ontwikkeltijd een vaste plek in de planning.",
        f"{A}:1.2",
        None,
    ),
    (
        A,
        ChunkKind.RECOMMENDATION,
        20,
        "Geef werkenden zeggenschap over technologie\nDe ondernemingsraad praat vroeg mee over de keuze van "
        "nieuwe machines en software. Werkenden weten vaak het best welke technologie hun werk verbetert.",
        f"{A}:2.1",
        None,
    ),
    (
        A,
        ChunkKind.BACKGROUND,
        5,
        "Uit een enquête onder kantoorpersoneel blijkt dat thuiswerken in de dienstverlening, de "
        "overheid, het bankwezen en de verzekeringsbranche vaak voorkomt sinds de coronacrisis van twintig twintig.",
        None,
        None,
    ),
    (
        A,
        ChunkKind.FOOTNOTE,
        5,
        "1 Het Centraal Planbureau publiceerde in 2019 cijfers over de deelname van werkenden aan cursussen.",
        None,
        None,
    ),
    (A, ChunkKind.BACKGROUND, 6, BOILERPLATE, None, None),
    (
        B,
        ChunkKind.RECOMMENDATION,
        8,
        "Help het mkb met digitale technologie\nRegionale hubs geven ondernemers gratis advies over de inzet "
        "van digitale technologie. Een digitale scan laat zien waar een bedrijf staat.",
        f"{B}:1.1",
        None,
    ),
    (
        B,
        ChunkKind.RECOMMENDATION,
        9,
        "Technologie levert pas iets op als medewerkers ermee leren werken. Daarom hoort bij elke investering "
        "in software ook scholing van de medewerkers.",
        f"{B}:1.1",
        None,
    ),
    (
        B,
        ChunkKind.RECOMMENDATION,
        15,
        "Maak afspraken over hybride werken\nTelewerken vraagt duidelijke afspraken.",
        f"{B}:2.1",
        None,
    ),
    (
        B,
        ChunkKind.RECOMMENDATION,
        16,
        "Werkgever en werknemer leggen samen vast op welke dagen er op kantoor wordt gewerkt, wie de kosten "
        "van de werkplek draagt, hoe bereikbaarheid en rusttijden worden geregeld en wat thuiswerken "
        "betekent voor de reiskostenvergoeding, de verzekering en de arbo-regels van het bedrijf.",
        f"{B}:2.1",
        None,
    ),
    (
        B,
        ChunkKind.BACKGROUND,
        3,
        "Telewerken bespaart pendelaars reistijd en bedrijven kantoorruimte, en het vermindert files in de "
        "spits rond Amsterdam en Utrecht.",
        None,
        None,
    ),
    (B, ChunkKind.BACKGROUND, 4, BOILERPLATE, None, None),
]


def make_chunks() -> list[Chunk]:
    recs = {r.rec_id: r for r in make_catalogue().recommendations}
    chunks, counter = [], {A: 0, B: 0}
    for doc, kind, page, text, rec_id, practice in _SPECS:
        rec = recs.get(rec_id or "")
        n = counter[doc]
        counter[doc] += 1
        chunks.append(
            Chunk(
                chunk_id=f"{doc}:{n:05d}",
                doc_id=doc,
                doc_title=TITLES[doc],
                page=page,
                page_end=page,
                page_label=str(page - 2),
                page_label_end=str(page - 2),
                section=f"{rec.theme} › {rec.title}" if rec else "Inleiding",
                kind=kind,
                text=text,
                recommendation_id=rec_id,
                recommendation=rec.title if rec else None,
                theme=rec.theme if rec else None,
                best_practice=practice,
            )
        )
    return chunks


def _rec(doc: str, number: str, title: str, theme: str, pages: tuple[int, ...], practices=()) -> Recommendation:
    return Recommendation(
        doc_id=doc,
        rec_id=f"{doc}:{number}",
        number=number,
        title=title,
        theme=theme,
        theme_number=number.split(".")[0],
        pages=pages,
        page_labels=tuple(str(p - 2) for p in pages),
        text=title,
        best_practices=tuple(practices),
    )


def make_catalogue() -> Catalogue:
    return Catalogue(
        documents=tuple(
            Document(doc_id=d, title=t, publisher="SER", path=f"{d}.pdf", sha256="0" * 64, pages=30)
            for d, t in TITLES.items()
        ),
        recommendations=(
            _rec(A, "1.1", "Investeer in scholing van medewerkers", "Scholing", (12, 13), [f"{A}:bp1"]),
            _rec(A, "1.2", "Maak afspraken over ontwikkeltijd", "Scholing", (14,)),
            _rec(A, "2.1", "Geef werkenden zeggenschap over technologie", "Zeggenschap", (20,)),
            _rec(B, "1.1", "Help het mkb met digitale technologie", "Digitale technologie", (8, 9)),
            _rec(B, "2.1", "Maak afspraken over hybride werken", "Hybride werken", (15, 16)),
        ),
        best_practices=(
            BestPractice(
                doc_id=A,
                bp_id=f"{A}:bp1",
                name="Leerwerkplaats Twente",
                recommendation_id=f"{A}:1.1",
                page=13,
                page_label="11",
                text="In Twente leren medewerkers van verschillende bedrijven samen op de werkvloer.",
            ),
        ),
        themes={
            A: (("1", "Scholing"), ("2", "Zeggenschap")),
            B: (("1", "Digitale technologie"), ("2", "Hybride werken")),
        },
    )


def build_index(folder: Path, chunks: list[Chunk], embedder: FakeEmbedder) -> Index:
    """An index version as ``ingest.build`` writes it, without the files Index does not read here."""
    build_keyword_index([c.text for c in chunks], folder / "bm25")
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    name = f"test-{uuid.uuid4().hex[:8]}"
    store.write_collection(client, name, chunks, embedder.passages([c.text for c in chunks]))
    return Index(
        version="test",
        folder=folder,
        manifest={"embedder": embedder.name, "collection": name},
        catalogue=make_catalogue(),
        chunks=chunks,
        keyword=load_keyword_index(folder / "bm25"),
        collection=client.get_collection(name, embedding_function=None),
    )


@pytest.fixture(scope="module")
def embedder() -> FakeEmbedder:
    return FakeEmbedder(concepts=CONCEPTS)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, embedder: FakeEmbedder) -> Index:
    return build_index(tmp_path_factory.mktemp("index"), make_chunks(), embedder)


def ask(index: Index, text: str):
    return understand(text, index.vocabulary, stopwords())


def retriever(index: Index, embedder: FakeEmbedder, mode=RetrievalMode.HYBRID, **params) -> HybridRetriever:
    return HybridRetriever(index, embedder, mode, RetrievalParams(**params))


def chunk_of(index: Index, chunk_id: str) -> Chunk:
    return index.chunks[index.position[chunk_id]]


def ids(passages) -> list[str]:
    return [p.chunk.chunk_id for p in passages]


SCHOLING = "Hoe investeer ik in scholing van medewerkers?"
THUISWERKEN = "Wat is er bekend over thuiswerken?"
R1, R2 = f"{B}:00002", f"{B}:00003"  # the passages of recommendation B:2.1 on working from home
STRAY, DENSE_ONLY = f"{A}:00005", f"{B}:00004"  # background: "thuiswerken" (both retrievers), "telewerken"


# --- fusion ------------------------------------------------------------------------------------


def test_rrf_sums_weighted_reciprocal_ranks():
    fused = rrf([[0, 1, 2], [2, 3]], (1.0, 0.5), k=60)
    assert fused == pytest.approx({0: 1 / 61, 1: 1 / 62, 2: 1 / 63 + 0.5 / 61, 3: 0.5 / 62})


def test_a_passage_both_retrievers_find_beats_one_found_by_one():
    fused = rrf([[0, 1], [1, 2]], (1.0, 1.0), k=60)
    assert max(fused, key=fused.__getitem__) == 1  # second in both beats first in one
    assert fused[0] > fused[2]  # and equal ranks weigh the same
    low_weight = rrf([[0], [1]], (0.2, 1.0), k=60)
    assert low_weight[1] == pytest.approx(5 * low_weight[0])


def test_in_retrieval_a_passage_both_find_beats_one_only_dense_finds(index, embedder):
    vectors = retriever(index, embedder, RetrievalMode.VECTORS, top_k=50).retrieve(ask(index, THUISWERKEN))
    text = retriever(index, embedder, RetrievalMode.TEXT).retrieve(ask(index, THUISWERKEN))
    assert ids(vectors.passages).index(DENSE_ONLY) < ids(vectors.passages).index(STRAY)  # dense prefers it …
    assert DENSE_ONLY not in ids(text.passages) and STRAY in ids(text.passages)  # … keyword never finds it
    hybrid = ids(retriever(index, embedder).retrieve(ask(index, THUISWERKEN)).passages)
    assert hybrid.index(STRAY) < hybrid.index(DENSE_ONLY)


def test_a_flat_dense_top_gets_the_minimum_weight_a_clear_one_full_weight():
    params = RetrievalParams()
    flat = {i: 0.85 - 0.0005 * i for i in range(10)}
    assert dense_confidence(flat, params) == params.min_weight
    assert dense_confidence({**flat, 10: 0.1}, params) == params.min_weight  # only the top 10 count
    assert dense_confidence({i: 0.85 - 0.002 * i for i in range(10)}, params) == pytest.approx(0.018 / 0.04)
    assert dense_confidence({i: 0.85 - 0.01 * i for i in range(10)}, params) == 1.0
    assert dense_confidence({0: 0.9}, params) == params.min_weight  # one hit says nothing


def test_a_decisive_keyword_gap_gets_full_weight_a_flat_one_the_minimum():
    params = RetrievalParams()
    assert keyword_confidence({0: 10.0, 1: 3.0}, params) == 1.0
    assert keyword_confidence({0: 5.0, 1: 4.9}, params) == params.min_weight
    assert keyword_confidence({0: 10.0, 1: 7.0}, params) == pytest.approx(0.3 / 0.6)
    assert keyword_confidence({}, params) == params.min_weight


# --- grouping ----------------------------------------------------------------------------------


def test_the_passages_of_one_recommendation_are_one_unit(index, embedder):
    result = retriever(index, embedder, unit_size_penalty=0.0).retrieve(ask(index, SCHOLING))
    units = [p.chunk.recommendation_id or p.chunk.chunk_id for p in result.passages]
    assert units[0] == f"{A}:1.1"
    assert len(units) == len(set(units))  # per_unit=1: one passage per recommendation
    assert [p.rank for p in result.passages] == list(range(1, len(result.passages) + 1))
    assert set(ids(result.groups[f"{A}:1.1"])) == {f"{A}:00000", f"{A}:00001", f"{A}:00002"}
    two = retriever(index, embedder, per_unit=2, unit_size_penalty=0.0).retrieve(ask(index, SCHOLING))
    assert [p.chunk.recommendation_id for p in two.passages[:3]] == [f"{A}:1.1", f"{A}:1.1", f"{B}:1.1"]


def test_a_recommendation_both_retrievers_find_beats_a_stray_passage_one_likes(index, embedder):
    query = ask(index, THUISWERKEN)
    # passage by passage (recommendations as wholes left out, they are tested on their own below)
    plain = {"unit_size_penalty": 0.0}
    keyword_top = retriever(index, embedder, RetrievalMode.TEXT, **plain).retrieve(query, whole_units=False).passages[0]
    dense_top = (
        retriever(index, embedder, RetrievalMode.VECTORS, **plain).retrieve(query, whole_units=False).passages[0]
    )
    assert keyword_top.chunk.chunk_id == STRAY and dense_top.chunk.chunk_id == R1
    result = retriever(index, embedder, unit_size_penalty=0.0).retrieve(query, whole_units=False)
    # fused passage by passage, the stray sentence would win: the keyword likes it best and dense third
    found = [p for unit in result.groups.values() for p in unit]
    position = {p.chunk.chunk_id: index.position[p.chunk.chunk_id] for p in found}
    dense = {position[p.chunk.chunk_id]: p.dense for p in found}
    keyword = {position[p.chunk.chunk_id]: p.keyword for p in found if p.keyword > 0}
    order = [sorted(s, key=lambda i: (-s[i], i)) for s in (dense, keyword)]
    params = RetrievalParams()
    by_passage = rrf(order, (dense_confidence(dense, params), keyword_confidence(keyword, params)), params.rrf_k)
    assert max(by_passage, key=by_passage.__getitem__) == index.position[STRAY]
    # as units, the recommendation found by both retrievers (through R1 and R2) comes first
    assert result.passages[0].chunk.recommendation_id == f"{B}:2.1"
    assert ids(result.passages).index(STRAY) == 1
    # with recommendations scored as wholes too, background text comes after them
    whole = retriever(index, embedder).retrieve(query)
    assert whole.passages[0].chunk.recommendation_id
    assert ids(whole.passages).index(STRAY) > max(
        n for n, p in enumerate(whole.passages[:3]) if p.chunk.recommendation_id
    )
    assert set(ids(result.groups[f"{B}:2.1"])) == {R1, R2}


# --- filters -----------------------------------------------------------------------------------


def everything(result) -> list[Chunk]:
    """Every candidate chunk of a retrieval, whatever its rank."""
    return [p.chunk for unit in result.groups.values() for p in unit]


def found(result) -> set[str]:
    return {c.chunk_id for c in everything(result)}


def test_filter_by_document(index, embedder):
    result = retriever(index, embedder).retrieve(ask(index, SCHOLING), Filters(doc_ids=(B,)))
    assert result.passages[0].chunk.recommendation_id == f"{B}:1.1"
    assert {c.doc_id for c in everything(result)} == {B}


def test_filter_by_theme_number_across_documents(index, embedder):
    result = retriever(index, embedder).retrieve(ask(index, SCHOLING), Filters(themes=("2",)))
    assert {c.recommendation_id for c in everything(result)} == {f"{A}:2.1", f"{B}:2.1"}
    assert theme_number(chunk_of(index, R1)) == "2" and theme_number(chunk_of(index, STRAY)) is None


def test_filter_by_kind(index, embedder):
    result = retriever(index, embedder).retrieve(ask(index, SCHOLING), Filters(kinds=("best_practice",)))
    assert ids(result.passages) == [f"{A}:00002"]
    both = retriever(index, embedder).retrieve(ask(index, THUISWERKEN), Filters(kinds=("background", "summary")))
    assert {c.kind for c in everything(both)} == {ChunkKind.BACKGROUND}
    assert ids(both.passages)[0] == STRAY


def test_footnotes_only_when_asked_for(index, embedder):
    footnote = f"{A}:00006"
    question = ask(index, "Welke cijfers publiceerde het Centraal Planbureau in 2019?")
    assert footnote not in found(retriever(index, embedder).retrieve(question))
    assert footnote not in found(retriever(index, embedder).retrieve(question, Filters(kinds=("background",))))
    asked = retriever(index, embedder).retrieve(question, Filters(kinds=("footnote",)))
    assert ids(asked.passages) == [footnote] and asked.passages[0].keyword > 0


def test_a_unit_with_many_passages_pays_for_its_extra_chances(index, embedder):
    """Its best passage ranks as well as a smaller unit's; the size penalty damps its rank contributions."""
    query = ask(index, SCHOLING)
    plain = retriever(index, embedder, unit_size_penalty=0.0).retrieve(query, whole_units=False)
    damped = retriever(index, embedder, unit_size_penalty=1.0).retrieve(query, whole_units=False)
    big = f"{A}:1.1"  # three passages
    assert len(plain.groups[big]) == 3
    score = {p.chunk.recommendation_id: p.score for p in plain.passages}
    after = {p.chunk.recommendation_id: p.score for p in damped.passages}
    assert after[big] == pytest.approx(score[big] / (1 + math.log(3)), rel=1e-3)
    assert after[f"{B}:1.1"] / score[f"{B}:1.1"] > after[big] / score[big]


# --- determinism -------------------------------------------------------------------------------


class ReversedCollection:
    """The same collection, answering with its hits in the opposite order (equal distances included)."""

    def __init__(self, collection) -> None:
        self.collection = collection

    def query(self, **kwargs):
        result = self.collection.query(**kwargs)
        return {**result, "ids": [result["ids"][0][::-1]], "distances": [result["distances"][0][::-1]]}


def test_equal_scores_are_broken_by_chunk_order(index, embedder):
    query = ask(index, "Wanneer is het advies vastgesteld in de openbare raadsvergadering?")
    first = retriever(index, embedder).retrieve(query, whole_units=False)  # a fact: passages only
    twins = [p for p in first.passages if p.chunk.text == BOILERPLATE]
    assert [p.chunk.chunk_id for p in twins] == [f"{A}:00007", f"{B}:00005"]  # A's copy comes first in the index
    assert twins[0].dense == twins[1].dense and twins[0].keyword == twins[1].keyword > 0
    assert first.passages[:2] == tuple(twins)
    reversed_index = replace(index, collection=ReversedCollection(index.collection))
    again = retriever(reversed_index, embedder).retrieve(query, whole_units=False)
    assert [(p.chunk.chunk_id, p.score) for p in again.passages] == [
        (p.chunk.chunk_id, p.score) for p in first.passages
    ]
    with_units = retriever(index, embedder).retrieve(query)
    reversed_units = retriever(reversed_index, embedder).retrieve(query)
    assert [p.chunk.chunk_id for p in with_units.passages] == [p.chunk.chunk_id for p in reversed_units.passages]
    assert {k: ids(v) for k, v in again.groups.items()} == {k: ids(v) for k, v in first.groups.items()}


# --- abstention --------------------------------------------------------------------------------

# one standardised unit per feature; only coverage, dense and the keyword score count here
RULE = AbstentionRule(
    Model(
        center=(0.5, 0.85, 1.0, 0.85, 1.0, 1.0, 0.0, 0.0),
        scale=(0.25, 0.02, 0.5, 0.02, 0.5, 1.0, 0.1, 1.0),
        weights=(1.0, 1.0, 1.0, 0.0, 0.0, 0.0, -1.0, 0.0),
        bias=0.0,
        threshold=0.0,
    )
)


@pytest.mark.parametrize(
    ("evidence", "abstain"),
    [
        (Evidence(dense=0.85, keyword=math.e - 1, coverage=0.5), False),  # every signal at its center: at the threshold
        (Evidence(dense=0.849, keyword=math.e - 1, coverage=0.5), True),  # a hair less dense similarity
        (Evidence(dense=0.83, keyword=math.e**2 - 1, coverage=0.75), False),  # weaker dense, more words found
        (Evidence(dense=0.83, keyword=0.0, coverage=1.0), True),  # words alone do not make up for both
        (Evidence(dense=0.95, keyword=0.0, coverage=0.0), False),  # a much closer meaning does
    ],
)
def test_the_evidence_score_weighs_the_signals_against_the_threshold(evidence, abstain):
    assert RULE.should_abstain(words("scholing"), evidence) is abstain


def test_the_fitted_rule_is_read_from_its_file_and_a_broken_file_says_how_to_refit(tmp_path):
    path = tmp_path / "thresholds.toml"
    model = RULE.model
    path.write_text(
        "[abstain]\nfeatures = [" + ", ".join(f'"{f}"' for f in FEATURES) + "]\n"
        f"center = {list(model.center)}\nscale = {list(model.scale)}\nweights = {list(model.weights)}\n"
        "bias = 0.0\nthreshold = 0.0\n"
    )
    assert AbstentionRule.load(path) == RULE
    path.write_text("[abstain.nl]\ncoverage = 0.3\ndense = 0.855\n")  # the old per-language thresholds
    with pytest.raises(ConfigError, match="python -m eval calibrate"):
        AbstentionRule.load(path)
    path.write_text("[abstain\n")
    with pytest.raises(ConfigError, match=str(path.name)):
        AbstentionRule.load(path)


def test_a_dutch_question_about_an_unknown_name_is_out_of_scope(index):
    strong = Evidence(dense=0.95, keyword=20.0, coverage=1.0)
    japan = ask(index, "Hoe investeert Japan in scholing van medewerkers?")
    assert japan.language == "nl" and japan.unknown_names == ("Japan",)
    assert RULE.should_abstain(japan, strong)
    twente = ask(index, "Hoe leren medewerkers in Twente samen?")  # a name the sources know
    assert twente.unknown_names == () and not RULE.should_abstain(twente, strong)
    english = ask(index, "How does Japan train its workers?")  # the name rule is for Dutch questions only
    assert english.language == "en" and english.unknown_names == ("Japan",)
    assert not RULE.should_abstain(english, strong)


# --- coverage ----------------------------------------------------------------------------------


def words(*content: str) -> Query:
    text = " ".join(content)
    return Query(text, "nl", text, content)


def test_a_word_the_passages_lack_lowers_coverage_by_its_idf(index):
    passage = [chunk_of(index, f"{A}:00000")]  # scholing, medewerkers; no technologie, no vakantiedagen
    assert coverage(words("scholing", "medewerkers"), passage, index) == 1.0
    known, unknown = index.idf("technologie"), index.idf("vakantiedagen")
    assert unknown > known > index.idf("medewerkers")  # a word the corpus lacks weighs most
    scholing = index.idf("scholing")
    assert coverage(words("scholing", "technologie"), passage, index) == pytest.approx(scholing / (scholing + known))
    assert coverage(words("scholing", "vakantiedagen"), passage, index) == pytest.approx(
        scholing / (scholing + unknown)
    )
    assert coverage(words(), passage, index) == 0.0


def test_coverage_counts_the_recommendation_title_and_synonyms(index):
    passage = [chunk_of(index, f"{A}:00001")]  # "kleine bedrijven", under "Investeer in scholing …"
    assert "scholing" not in passage[0].text
    assert coverage(words("mkb", "scholing"), passage, index) == 1.0
    assert coverage(words("mkb", "technologie"), passage, index) < 1.0


# --- composer ----------------------------------------------------------------------------------

MARKED = re.compile(r"^(?P<sentence>.+) \[(?P<n>\d+)\]$")


def passage(index: Index, chunk_id: str, score: float, rank: int = 1) -> Passage:
    return Passage(rank, chunk_of(index, chunk_id), score)


def hand_made(index: Index, *units: tuple[str, float]) -> Retrieval:
    """A retrieval of the given (chunk id, unit score) passages, each unit with just that passage."""
    passages = tuple(passage(index, cid, score, n) for n, (cid, score) in enumerate(units, start=1))
    groups = {p.chunk.recommendation_id or p.chunk.chunk_id: (p,) for p in passages}
    return Retrieval(passages, Evidence(0.9, 5.0, 1.0), groups)


def compose(index: Index, question: str, retrieval: Retrieval, **params) -> Composed:
    composer = ExtractiveComposer(index.chunks, ComposeParams(**params))
    return composer.compose(ask(index, question), Persona.ONDERNEMER, retrieval, index.catalogue)


def headings(composed: Composed) -> list[str]:
    return [line for line in composed.text.splitlines() if line.startswith("**")]


def test_the_answer_quotes_sentences_verbatim_with_their_source(index, embedder):
    retrieval = retriever(index, embedder).retrieve(ask(index, SCHOLING))
    composed = compose(index, SCHOLING, retrieval)
    body, _, sources = composed.text.partition("\n\nBronnen\n")
    assert body.startswith(phrase("nl", "lead_ondernemer"))
    assert (
        headings(composed)[0]
        == "**Investeer in scholing van medewerkers** (Leren en ontwikkelen, aanbeveling 1.1, p. 10–11)"
    )
    marked = [m for m in map(MARKED.match, body.splitlines()) if m]
    assert marked[0].group("sentence", "n") == (
        "Werkgevers investeren structureel in de scholing van hun medewerkers.",
        "1",
    )
    assert [c.n for c in composed.citations] == list(range(1, len(composed.citations) + 1))
    for m in marked:
        citation = composed.citations[int(m["n"]) - 1]
        chunk = chunk_of(index, citation.chunk_id)
        quoted = m["sentence"].removeprefix(f"Voorbeeld uit de praktijk: {chunk.best_practice}. ")
        assert quoted == citation.quote and citation.quote in chunk.text  # verbatim, from that chunk
        assert (citation.doc_id, citation.page, citation.page_label) == (chunk.doc_id, chunk.page, chunk.page_label)
        assert (citation.recommendation_id, citation.recommendation) == (chunk.recommendation_id, chunk.recommendation)
    assert sources.splitlines() == [
        f"[{c.n}] {c.doc_title.split(':')[0]}, p. {c.page_label}, aanbeveling {c.recommendation_id.rsplit(':', 1)[-1]} "
        f"'{c.recommendation}': \"{c.quote}\""
        for c in composed.citations
    ]


def test_at_most_max_units_units(index):
    retrieval = hand_made(index, (f"{A}:00000", 1.0), (f"{B}:00001", 0.9), (f"{A}:00003", 0.8))
    question = "Hoe investeren werkgevers in scholing en ontwikkeling van medewerkers en werknemers?"
    three = compose(index, question, retrieval, max_units=3, unit_min_share=0.0)
    assert len(headings(three)) == 3
    two = compose(index, question, retrieval, max_units=2, unit_min_share=0.0)
    assert len(headings(two)) == 2
    assert f"{A}:00003" not in {c.chunk_id for c in two.citations}
    assert "Maak afspraken over ontwikkeltijd" not in two.text


def test_a_unit_below_the_cutoff_of_the_best_is_left_out(index):
    retrieval = hand_made(index, (f"{A}:00000", 1.0), (f"{B}:00001", 0.46), (f"{A}:00003", 0.44))
    question = "Hoe investeren werkgevers in scholing en ontwikkeling van medewerkers en werknemers?"
    composed = compose(index, question, retrieval, max_units=4, unit_cutoff=0.45, unit_min_share=0.0)
    assert [h.split("**")[1] for h in headings(composed)] == [
        "Investeer in scholing van medewerkers",
        "Help het mkb met digitale technologie",
    ]
    assert {c.recommendation_id for c in composed.citations} == {f"{A}:1.1", f"{B}:1.1"}


def test_a_best_practice_of_the_recommendation_is_listed_on_its_own_line(index):
    # the unit's passages lack the best practice's chunk: the composer finds it by name
    retrieval = hand_made(index, (f"{A}:00000", 1.0))
    composed = compose(index, SCHOLING, retrieval)
    line = (
        "Voorbeeld uit de praktijk: Leerwerkplaats Twente. "
        "In Twente leren medewerkers van verschillende bedrijven samen op de werkvloer."
    )
    practice = [ln for ln in composed.text.splitlines() if ln.startswith(line)]
    assert len(practice) == 1
    citation = composed.citations[int(MARKED.match(practice[0])["n"]) - 1]
    assert (citation.chunk_id, citation.page, citation.best_practice) == (f"{A}:00002", 13, "Leerwerkplaats Twente")
    # retrieved with its recommendation, the practice is still one line, not quoted as advice
    with_practice = Retrieval(
        (passage(index, f"{A}:00002", 1.0),),
        Evidence(0.9, 5.0, 1.0),
        {f"{A}:1.1": (passage(index, f"{A}:00002", 1.0), passage(index, f"{A}:00000", 1.0))},
    )
    text = compose(index, SCHOLING, with_practice).text
    assert text.count("In Twente leren medewerkers") == 2  # its line and its source
    assert "Zo wordt scholing praktisch" not in text
    # a unit that is no recommendation has no practices
    assert "Voorbeeld uit de praktijk" not in compose(index, THUISWERKEN, hand_made(index, (STRAY, 1.0))).text


def test_the_composer_never_abstains(index, embedder):
    for question in ("Wat is er bekend over thuiswerken?", "Hoeveel vakantiedagen krijgt een astronaut?"):
        retrieval = retriever(index, embedder).retrieve(ask(index, question))
        composed = compose(index, question, retrieval)
        assert composed.citations  # it quotes whatever it was given; abstaining is the rule's call
        assert phrase("nl", "abstain") not in composed.text and phrase("en", "abstain") not in composed.text
    background = compose(index, THUISWERKEN, hand_made(index, (STRAY, 1.0)))
    assert background.text.startswith(phrase("nl", "lead_passages"))


# --- params ------------------------------------------------------------------------------------


def test_retrieval_params_from_settings():
    assert retrieval_params(Settings()) == RetrievalParams()
    settings = Settings(retrieval={"top_k": 5, "params": {"rrf_k": 40, "min_weight": 1, "per_unit": 2.0}})
    params = retrieval_params(settings)
    assert (params.top_k, params.rrf_k, params.min_weight, params.per_unit) == (5, 40, 1.0, 2)
    assert isinstance(params.min_weight, float) and isinstance(params.per_unit, int)
    assert params.candidates == RetrievalParams().candidates


def test_compose_params_from_settings():
    assert compose_params(Settings()) == ComposeParams()
    base = Settings()
    settings = base.model_copy(update={"answer": base.answer.model_copy(update={"compose": {"max_units": 3}})})
    assert compose_params(settings) == ComposeParams(max_units=3)


@pytest.mark.parametrize(
    ("make", "settings", "message"),
    [
        (retrieval_params, Settings(retrieval={"params": {"rrf": 40}}), "retrieval.params: unknown parameter 'rrf'"),
        (compose_params, Settings(answer={"compose": {"max_unit": 3}}), "answer.compose: unknown parameter 'max_unit'"),
        (retrieval_params, Settings(retrieval={"params": {"rrf_k": 40.5}}), "'rrf_k' must be a int"),
    ],
)
def test_an_unknown_or_mistyped_parameter_is_a_config_error(make, settings, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        make(settings)


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_a_value_that_is_not_finite_is_a_config_error(value):
    settings = Settings().model_copy(
        update={"retrieval": Settings().retrieval.model_copy(update={"params": {"min_weight": value}})}
    )
    with pytest.raises(ConfigError, match="min_weight"):
        retrieval_params(settings)


# --- noise -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "noise"),
    [
        ("De raad doet op dit terrein de volgende drie aanbevelingen:", True),  # announces a list
        ("De raad doet de volgende vier hoofdaanbevelingen: 1.", True),
        ("Fieldlab Industrial Robotics Rik Grasmeijer, Projectleider", True),  # a caption
        ("Jeroen de Vries, Directeur Bouwbedrijf De Vries Hengelo", True),
        ("Wat zijn de banen van de toekomst voor onze regio en haar bedrijven?", True),  # the text asks
        ("Bedrijven die investeren in scholing van medewerkers zijn productiever.", False),
        ("SER Overijssel adviseert de provincie om het mkb te ondersteunen bij AI.", False),
    ],
)
def test_list_stubs_and_captions_are_noise(sentence, noise):
    assert is_noise(sentence) is noise


def test_the_number_of_the_next_list_item_is_not_part_of_the_quote():
    text = "Eerst een zin die lang genoeg is om te citeren. 2. Daarna een tweede zin die ook lang genoeg is."
    assert _sentences(text) == [
        "Eerst een zin die lang genoeg is om te citeren.",
        "Daarna een tweede zin die ook lang genoeg is.",
    ]


def test_without_recommendations_to_score_the_passages_are_the_units_of_the_evidence(index, embedder):
    """A report without recommendations (or a filter that leaves none) must not look like no evidence."""
    query = ask(index, THUISWERKEN)
    plain = retriever(index, embedder).retrieve(query, Filters(kinds=("background",))).evidence
    assert plain.dense > 0 and plain.unit_dense == plain.dense and plain.unit_keyword == plain.keyword
    full = retriever(index, embedder).retrieve(query).evidence
    assert full.unit_dense > 0 and full.unit_keyword > 0


def test_a_corpus_without_recommendations_is_retrieved_and_judged_by_its_passages(index, embedder):
    """A report with no recommendations at all (a CPB or TNO study): the units have nothing to score."""
    bare = replace(index, catalogue=replace(index.catalogue, recommendations=()))
    found = retriever(bare, embedder).retrieve(ask(bare, THUISWERKEN))
    assert found.passages and found.evidence.unit_dense == found.evidence.dense > 0
    assert found.evidence.unit_keyword == found.evidence.keyword


def test_a_theme_the_question_calls_narrows_retrieval_to_that_theme_of_its_document(index, embedder):
    from assistant.assistant import retrieve_understood
    from assistant.understand import Reader

    read = Reader(index).read("Bij het thema zeggenschap: hoe pak ik scholing van medewerkers aan?")
    result = retrieve_understood(retriever(index, embedder), read)
    assert {c.recommendation_id for c in everything(result)} == {f"{A}:2.1"}
    unscoped = retrieve_understood(retriever(index, embedder), Reader(index).read("Hoe pak ik scholing aan?"))
    assert len({c.recommendation_id for c in everything(unscoped)}) > 1


def test_a_follow_up_pointing_at_an_item_of_the_listed_answer_gets_that_recommendation_first(index, embedder):
    from assistant.assistant import retrieve_in_conversation
    from assistant.understand import Reader

    reader, history = Reader(index), ["Welke aanbevelingen staan er in thema 2? Zet ze op een rij."]
    listed = [f"{A}:2.1", f"{B}:2.1"]
    for question, expected in (("En wat bedoelen ze met de eerste?", listed[0]), ("En de laatste?", listed[-1])):
        read = reader.read(question, history)
        assert read.follow_up
        result = retrieve_in_conversation(retriever(index, embedder), reader, index.catalogue, read, history)
        assert result.passages[0].chunk.recommendation_id == expected
