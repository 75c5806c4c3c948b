"""Query understanding: language, synonyms, compounds."""

from __future__ import annotations

from assistant.query import detect_language, expansions, split_compound, understand
from ingest.text import stopwords


def test_language():
    assert detect_language("How can small businesses adopt AI?") == "en"
    assert detect_language("Hoe kan het mkb AI invoeren?") == "nl"
    assert detect_language("Wat is de J-curve?") == "nl"


def test_synonyms_from_the_table():
    assert "kunstmatige intelligentie" in expansions("Wat doet AI met werk?")
    assert "mkb" in expansions("What about small businesses?")
    assert "medewerkers" in expansions("Hoe betrek ik mijn personeel?")
    assert "ai" in expansions("Wat betekent artificiële intelligentie voor banen?")
    assert expansions("Een vraag zonder bekende termen") == []


def test_a_common_word_is_not_expanded_with_rarer_synonyms():
    # as in the two advisories: "AI" in 415 of 703 chunks, "kunstmatige intelligentie" in at most 5
    frequency = {"ai": 415, "kunstmatige": 5, "intelligentie": 10, "artificiele": 9, "mkb": 54}
    assert expansions("Wat doet AI met werk?", frequency) == []
    # a word the corpus lacks (an English question) still finds the Dutch terms
    assert "mkb" in expansions("What about small businesses?", frequency)
    # a synonym used about as often (at least half as often) as the asked word joins
    frequency |= {"personeel": 20, "medewerkers": 55, "werknemers": 91, "werkenden": 100}
    found = expansions("Hoe betrek ik mijn personeel?", frequency)
    assert {"medewerkers", "werknemers", "werkenden"} <= set(found) and "employees" not in found


def test_compound_split_against_vocabulary():
    vocabulary = frozenset({"arbeidsproductiviteit", "scan", "kennis", "deling"})
    assert split_compound("arbeidsproductiviteitsscan", vocabulary) == ["arbeidsproductiviteit", "scan"]
    assert split_compound("scan", vocabulary) == []
    assert split_compound("onbekendwoord", vocabulary) == []


def test_understand_expands_keyword_text_and_keeps_content_words():
    vocabulary = frozenset({"arbeidsproductiviteit", "scan"})
    query = understand("Bestaat er een arbeidsproductiviteitsscan?", vocabulary, stopwords())
    assert "arbeidsproductiviteit scan" in query.keyword_text
    assert query.content_words == ("bestaat", "arbeidsproductiviteitsscan")
    assert understand("Wat is de J-curve?", vocabulary, stopwords()).content_words == ("curve",)
