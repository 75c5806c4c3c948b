"""The answer-type check (``assistant/answer_type.py``): which fact a question asks for, and
whether a text holds one. The questions and texts are written for these tests."""

from __future__ import annotations

import pytest

from assistant.abstain import lacks_asked_fact
from assistant.answer_type import AnswerType, asked_type, types_in
from assistant.query import Query
from assistant.records import Evidence


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Hoe hoog is de boete voor een datalek?", AnswerType.AMOUNT),
        ("Hoeveel subsidie krijg ik voor een robot?", AnswerType.AMOUNT),
        ("How many firms joined the network?", AnswerType.AMOUNT),
        ("Wanneer gaat de regeling open?", AnswerType.YEAR),
        ("In welk jaar begon het programma?", AnswerType.YEAR),
        ("Wat is het telefoonnummer van het loket?", AnswerType.CONTACT),
        ("What are the opening hours of the desk?", AnswerType.CONTACT),
    ],
)
def test_a_question_for_a_fact_asks_its_type(question, kind):
    assert asked_type(question) is kind


@pytest.mark.parametrize(
    "question",
    [
        "Hoe betrek ik mijn mensen wanneer we een robot kopen?",  # "wanneer" joining clauses
        "Why involve staff when a new machine arrives?",
        # the situation tells a number; the question itself asks none
        "We willen weten hoeveel winkels al robots hebben. Wie zou dat moeten bijhouden?",
        "Hoe krijg ik mijn personeel mee?",
    ],
)
def test_an_advice_question_asks_no_fact(question):
    assert asked_type(question) is None


def test_a_text_holds_the_types_it_states():
    assert types_in(["Aan het netwerk doen 105 bedrijven mee."]) == {AnswerType.AMOUNT}
    assert types_in(["Een op de drie werkenden gebruikt het."]) == {AnswerType.AMOUNT}
    assert types_in(["Het programma loopt van 2025 tot 2029."]) == {AnswerType.YEAR}  # a year is no amount
    assert types_in(["Bel 038-1234567 of kijk op www.voorbeeld.nl."]) >= {AnswerType.CONTACT}
    assert types_in(["Het loket helpt ondernemers verder."]) == frozenset()


def _query(text: str) -> Query:
    return Query(text, "nl", text, ())


def test_a_fact_the_passages_lack_is_refused_and_one_they_hold_is_not():
    question = _query("Hoe hoog is de boete voor een datalek?")
    assert lacks_asked_fact(question, Evidence(0.9, 5.0, 1.0, answer_types=frozenset({"year"})))
    assert not lacks_asked_fact(question, Evidence(0.9, 5.0, 1.0, answer_types=frozenset({"amount"})))
    assert not lacks_asked_fact(_query("Hoe krijg ik mijn personeel mee?"), Evidence(0.9, 5.0, 1.0))


@pytest.mark.parametrize(
    "question",
    ["Wat is het wettelijk minimumloon per uur?", "Wat zijn de kosten van een scan?", "What is the minimum wage?"],
)
def test_what_a_sum_of_money_is_asks_an_amount(question):
    assert asked_type(question) is AnswerType.AMOUNT


def test_what_a_thing_is_asks_no_amount():
    assert asked_type("Wat is sociale innovatie?") is None


@pytest.mark.parametrize(
    "text",
    ["zie artikel 48 van de verordening", "zoals in paragraaf 6.3 beschreven", "vanaf 2 augustus 2026 van kracht"],
)
def test_a_reference_a_section_number_or_a_date_is_no_amount(text):
    assert AnswerType.AMOUNT not in types_in([text])


@pytest.mark.parametrize("text", ["de groei was 1,2 procent", "dat kost 1.000 euro", "ruim 75% van de bedrijven"])
def test_decimals_thousands_and_percentages_are_amounts(text):
    assert AnswerType.AMOUNT in types_in([text])


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Wat was de jaaromzet van die fabriek?", AnswerType.AMOUNT),
        ("Wat is de deadline voor een aanvraag?", AnswerType.YEAR),
        ("What is the due date for the application?", AnswerType.YEAR),
    ],
)
def test_what_a_sum_or_a_date_is_asks_its_type(question, kind):
    assert asked_type(question) is kind
