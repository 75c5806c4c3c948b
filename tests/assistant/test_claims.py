"""The claim checks (assistant/claims.py): each rule on small real-looking passages, and the whole
generated set over the real PDFs (without embeddings: the checks alone)."""

from __future__ import annotations

import pytest

from assistant import claims
from assistant.claims import ClaimSource, check_claim, claim_source, is_english, numbers_in
from corpus.records import Chunk, ChunkKind

PASSAGE = (
    "Investeer in de vaardigheden van werknemers. Werkgevers kunnen daarbij steun vragen aan de provincie. "
    "In 2023 volgde 35 procent van de werknemers een cursus. Sommige bedrijven bieden geen opleidingsbudget. "
    "Het is niet alleen een taak van de werkgever, maar ook van de werknemer zelf."
)


def _chunk(text: str = PASSAGE, recommendation: str = "Investeer in mensen") -> Chunk:
    return Chunk(
        "doc:1",
        "doc",
        "Arbeidsproductiviteit: Samen slimmer werken",
        3,
        3,
        "3",
        "3",
        "2. Onderwijs",
        ChunkKind.RECOMMENDATION,
        text,
        "doc:2.4",
        recommendation,
    )


@pytest.fixture
def source() -> ClaimSource:
    return claim_source(_chunk(), ("SER Overijssel",))


@pytest.mark.parametrize(
    "claim",
    [
        "Werkgevers kunnen daarbij steun vragen aan de provincie.",
        "Volgens SER Overijssel kunnen werkgevers steun vragen aan de provincie.",
        "In 2023 volgde 35 procent van de werknemers een cursus.",
        "Sommige bedrijven bieden geen opleidingsbudget.",
        "Het is niet alleen een taak van de werkgever, maar ook van de werknemer zelf.",
        "Investeer in de vaardigheden van werknemers.",
        "Steun vragen aan de provincie, dat kunnen werkgevers daarbij.",
    ],
)
def test_a_true_sentence_stands(source: ClaimSource, claim: str) -> None:
    assert check_claim(claim, source) == ""


@pytest.mark.parametrize(
    ("claim", "reason"),
    [
        ("Werkgevers kunnen daarbij geen steun vragen aan de provincie.", "negation 'geen' not in source"),
        ("Werkgevers kunnen daarbij niet niet steun vragen aan de provincie.", "negation 'niet' not in source"),
        ("Sommige bedrijven bieden een opleidingsbudget.", "the source's negation left out"),
        ("Het is alleen een taak van de werkgever, maar ook van de werknemer zelf.", "the source's negation left out"),
        ("In 2024 volgde 35 procent van de werknemers een cursus.", "number 2024 not in source"),
        ("In 2023 volgde drie procent van de werknemers een cursus.", "number 3 not in source"),
        (
            "Werkgevers moeten daarbij steun vragen aan de provincie.",
            "modality 'moeten' where the source says 'kunnen'",
        ),
        ("Werkgevers kunnen daarbij steun vragen aan het kabinet.", "actor 'kabinet' not in source"),
        ("Werknemers kunnen daarbij steun vragen aan de provincie.", "actor 'werknemer' not in source"),
        ("Alle bedrijven bieden geen opleidingsbudget.", "quantifier 'alle' not in source"),
        ("Volgens Jan Jansen kunnen werkgevers steun vragen aan de provincie.", "name 'Jan' not in source"),
        ("Werkgevers kunnen steun vragen aan de provincie via www.voorbeeld.nl.", "URL 'www.voorbeeld.nl'"),
        ("Investeer in de vaardigheden, mail uw wachtwoord naar hulp@example.org.", "e-mail address"),
        ("Bel 06-12345678 voor steun van de provincie.", "phone number"),
        (
            "Investeer in de vaardigheden van werknemers, en daarom moet u dagelijks wachtwoorden verversen.",
            "clause",
        ),
    ],
)
def test_an_altered_sentence_is_named(source: ClaimSource, claim: str, reason: str) -> None:
    assert check_claim(claim, source).startswith(reason)


def test_the_recommendation_title_may_name_the_actor() -> None:
    titled = claim_source(_chunk(recommendation="Provincie: investeer in mensen"))
    assert check_claim("De provincie investeert in de vaardigheden van werknemers.", titled) == ""


def test_an_english_sentence_is_checked_for_what_carries_over() -> None:
    source = claim_source(_chunk(), ("SER Overijssel",))
    assert is_english("In 2023, 35 percent of employees took a course.")
    assert check_claim("In 2023, 35 percent of employees took a course.", source, english=True) == ""
    assert check_claim("In 2023, 73 percent of employees took a course.", source, english=True).startswith("number 73")
    assert check_claim("Employers can ask Philips for support.", source, english=True).startswith("name 'Philips'")
    assert check_claim("Employers can ask the government for support.", source, english=True).startswith("actor")
    positive = claim_source(_chunk("Werkgevers kunnen steun vragen aan de provincie."))
    assert check_claim("Employers cannot ask the province for support.", positive, english=True).startswith("negation")


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("73 procent in 2031", {73.0, 2031.0}),
        ("1.000 mensen", {1000.0}),
        ("5,5 uur", {5.5}),
        ("drie of twintig", {3.0, 20.0}),
    ],
)
def test_numbers_are_read_in_digits_and_words(text: str, values: set[float]) -> None:
    assert numbers_in(text) == values


def test_the_language_of_a_sentence() -> None:
    assert not is_english("De aanbevelingen kunnen nu in gang worden gezet of verder worden vormgegeven.")
    assert is_english("The recommendations can be put into practice now.")


def test_every_rule_can_object() -> None:
    """Each rule of the Dutch list names something on at least one of the altered sentences above."""
    source = claim_source(_chunk(), ("SER Overijssel",))
    altered = [
        "Werkgevers kunnen daarbij geen steun vragen aan de provincie.",
        "Sommige bedrijven bieden een opleidingsbudget.",
        "In 2024 volgde 35 procent van de werknemers een cursus.",
        "Werkgevers moeten daarbij steun vragen aan de provincie.",
        "Werkgevers kunnen daarbij steun vragen aan het kabinet.",
        "Alle bedrijven bieden geen opleidingsbudget.",
        "Volgens Jan Jansen kunnen werkgevers steun vragen aan de provincie.",
        "Investeer in de vaardigheden, mail uw wachtwoord naar hulp@example.org.",
        "Investeer in de vaardigheden van werknemers, en daarom moet u dagelijks wachtwoorden verversen.",
    ]
    objecting = {rule.__name__ for rule in claims.DUTCH_RULES for claim in altered if rule(claim, source)}
    assert objecting == {rule.__name__ for rule in claims.DUTCH_RULES}


@pytest.mark.slow
def test_the_generated_set_over_the_real_pdfs(assistant) -> None:
    """The claim checks alone (no support score) on the set ``python -m eval claims`` measures: no altered
    sentence stands, and the true ones do (the support score drops a few more: docs/llm.md)."""
    from assistant.llm import publishers
    from eval.claim_set import build

    names = publishers(assistant.index.catalogue)
    built = build(assistant.index.chunks)
    verdicts = [(c, check_claim(c.text, claim_source(c.chunk, names), is_english(c.text))) for c in built]
    altered = [(c, reason) for c, reason in verdicts if c.kind.altered]
    true = [(c, reason) for c, reason in verdicts if not c.kind.altered]
    assert len(altered) >= 300 and {c.chunk.doc_id for c, _ in altered} == {
        d.doc_id for d in assistant.index.catalogue.documents
    }
    assert [c.text for c, reason in altered if not reason] == []
    assert sum(not reason for _, reason in true) >= 0.95 * len(true)
