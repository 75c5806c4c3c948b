"""Which recommendations an overview lists (``assistant/overview.py``), rule by rule.

On the tiny in-memory index of ``tests/fakes/understand_index.py`` (a themed regional advisory and a
national one with main recommendations); retrieval is left empty, so every list below comes from the
catalogue and the understood question alone. The questions are written for these tests.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.overview import overview_recommendations
from assistant.records import Evidence
from assistant.retrieve import Retrieval
from assistant.understand import Intent, Reader
from tests.fakes.understand_index import MAIN, THEMED, make_index

NOTHING_RETRIEVED = Retrieval((), Evidence(0.0, 0.0, 0.0))


@pytest.fixture(scope="module")
def reader() -> Reader:
    index = make_index()
    catalogue = index.catalogue
    # two recommendations of the themed advisory have a best practice
    recs = tuple(
        replace(r, best_practices=("bp-1",)) if r.rec_id in (f"{THEMED}:1.2", f"{MAIN}:2.1") else r
        for r in catalogue.recommendations
    )
    # two recommendations whose own text addresses employers (one of them a main one with subs)
    addressed = {f"{MAIN}:1.1": "Werkgevers maken een plan voor bijscholing.", f"{MAIN}:2": "Werkgevers betrekken."}
    recs = tuple(replace(r, text=f"{r.title}. {addressed[r.rec_id]}") if r.rec_id in addressed else r for r in recs)
    return Reader(replace(index, catalogue=replace(catalogue, recommendations=recs)))


def listed(reader: Reader, question: str) -> list[str]:
    read = reader.read(question)
    assert read.intent is Intent.OVERVIEW
    return [r.rec_id for r in overview_recommendations(read, reader.index.catalogue, NOTHING_RETRIEVED)]


def test_a_main_recommendation_named_by_its_quoted_title_lists_its_sub_recommendations(reader):
    found = listed(reader, "Noem alle deelaanbevelingen onder 'Betrek werkenden bij automatisering'.")
    assert found == [f"{MAIN}:2", f"{MAIN}:2.1"]


def test_a_quoted_title_names_a_theme_in_an_advice_question_too(reader):
    read = reader.read("Wat zegt het advies onder 'Deel de opbrengst van robots' over lonen?")
    assert read.intent is Intent.ADVICE
    assert read.scope.themes == (f"{MAIN}:3",)


def test_a_title_word_outside_quotes_names_no_theme_in_an_advice_question(reader):
    assert reader.read("Hoe deel ik de opbrengst van robots met mijn mensen?").scope.themes == ()


def test_words_that_only_ask_for_the_whole_list_leave_the_document_whole(reader):
    found = listed(reader, "List every recommendation of Robotisering en werk, including each sub-recommendation.")
    assert found == [r.rec_id for r in reader.index.catalogue.recommendations_of(MAIN)]


def test_sub_recommendations_asked_for_in_dutch_make_an_overview(reader):
    assert reader.read("Welke deelaanbevelingen heeft het advies over robotisering?").intent is Intent.OVERVIEW


def test_a_list_of_recommendations_with_a_practical_example_lists_those_with_a_best_practice(reader):
    assert listed(reader, "Bij welke aanbevelingen staat een praktijkvoorbeeld?") == [f"{THEMED}:1.2", f"{MAIN}:2.1"]


def test_a_topic_overview_lists_the_recommendations_whose_title_names_the_topic(reader):
    assert listed(reader, "Welke aanbevelingen gaan over stages?") == [f"{THEMED}:1.2"]


def test_a_topic_overview_of_a_theme_adds_recommendations_elsewhere_whose_title_names_it(reader):
    found = listed(reader, "Welke aanbevelingen gaan over robots?")
    assert f"{THEMED}:1.1" not in found  # "robot" only in its text, not its title
    assert f"{MAIN}:1.1" in found and f"{MAIN}:3" in found  # "robots" in their titles


def test_an_overview_names_a_theme_by_half_of_its_title_in_its_own_words(reader):
    # "Betrek werkenden bij automatisering": two of its three title words, worded freely
    found = listed(reader, "Zet eens op een rij wat het advies zegt over werkenden en automatisering.")
    assert found == [f"{MAIN}:2", f"{MAIN}:2.1"]


def test_an_overview_for_an_actor_lists_the_recommendations_whose_text_addresses_it(reader):
    # the main recommendation 2 holds sub-recommendations: its own sub-recommendations are listed instead
    assert listed(reader, "Welke aanbevelingen gelden voor werkgevers? Zet ze op een rij.") == [f"{MAIN}:1.1"]


def test_an_overview_names_a_theme_in_a_compound(reader):
    assert listed(reader, "Geef alle adviezen die bij het energietransitiethema horen.") == [f"{THEMED}:3.1"]


def test_an_overview_names_a_theme_by_the_parts_of_a_compound(reader):
    # "robotopbrengst" holds two of the three words of "Deel de opbrengst van robots"
    found = listed(reader, "Zet op een rij wat ze adviseren over de robotopbrengst.")
    assert found == [f"{MAIN}:3", f"{MAIN}:3.1"]
