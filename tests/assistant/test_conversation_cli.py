"""Conversations on the command line, in process with a recording fake assistant (no index): request
lines with ``history`` (docs/assistant-json.md), their errors, and ``--conversation``."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import pytest

from assistant import __main__ as cli
from assistant.records import Answer, Persona
from corpus.errors import EmptyQuestionError, QuestionError

LIMIT = 2000
FIRST = "Wat kan ik als ondernemer doen tegen het personeelstekort?"
FOLLOW_UP = "En in de zorg?"


class RecordingAssistant:
    def __init__(self) -> None:
        self.settings = SimpleNamespace(answer=SimpleNamespace(max_question_chars=LIMIT))
        self.asked: list[tuple[str, tuple[str, ...]]] = []

    def ask(self, question: str, persona: Any = None, filters: Any = None, history: Sequence[str] = ()) -> Answer:
        self.asked.append((question, tuple(history)))
        if not question.strip():
            raise EmptyQuestionError()
        return Answer(question.strip(), "Daar zeggen de bronnen niets over.", True, Persona.ONDERNEMER, "nl")


def _batch(lines: list[str], capsys, conversation: bool = False) -> tuple[RecordingAssistant, list[dict]]:
    fake = RecordingAssistant()
    assert cli._batch(fake, lines, None, None, conversation) == 0
    return fake, [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_a_plain_line_is_a_question_and_an_object_line_a_request():
    assert cli.parse_request(FIRST, LIMIT) == cli.Request(FIRST)
    assert cli.parse_request("[1, 2] is geen object", LIMIT) == cli.Request("[1, 2] is geen object")
    line = json.dumps({"question": FOLLOW_UP, "history": [FIRST]})
    assert cli.parse_request(line, LIMIT) == cli.Request(FOLLOW_UP, (FIRST,))
    assert cli.parse_request('  {"question": "Wat?"}', LIMIT) == cli.Request("Wat?")
    assert cli.parse_request('{"question": "Wat?", "history": null}', LIMIT) == cli.Request("Wat?")
    assert cli.parse_request('{"question": "Wat?", "history": []}', LIMIT) == cli.Request("Wat?", ())


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('{"question": "Wat?"', "geen geldig JSON-object"),
        ("{vraag}", "geen geldig JSON-object"),
        pytest.param('{"history": ' + "[" * 100_000 + "]" * 100_000 + "}", "te diep genest", id="diep-genest"),
        ('{"history": ["eerder"]}', "mist de vraag als tekst in 'question'"),
        ('{"question": 42}', "mist de vraag als tekst in 'question'"),
        ('{"question": "Wat?", "persona": "x"}', "Onbekend veld 'persona'"),
        ('{"question": "Wat?", "history": "eerder"}', "'history' moet een lijst"),
        ('{"question": "Wat?", "history": [1, 2]}', "'history' moet een lijst"),
        ('{"question": "Wat?", "history": {"a": "b"}}', "'history' moet een lijst"),
        (json.dumps({"question": "Wat?", "history": ["v"] * 11}), "'history' heeft 11 vragen; de grens is 10"),
        (json.dumps({"question": "Wat?", "history": ["kort", "x" * 2001]}), "Vraag 1 van 'history' is te lang"),
    ],
)
def test_a_bad_request_line_names_what_is_wrong(line, says):
    with pytest.raises(QuestionError, match=re.escape(says)):
        cli.parse_request(line, LIMIT)


def test_the_batch_goes_on_after_a_bad_line_and_echoes_the_history(capsys):
    lines = [FIRST, json.dumps({"question": FOLLOW_UP, "history": [FIRST]}), "{kapot", '{"question": "   "}', "Wat?"]
    fake, records = _batch(lines, capsys)
    assert len(records) == len(lines)  # one object per line, in order
    assert fake.asked == [(FIRST, ()), (FOLLOW_UP, (FIRST,)), ("   ", ()), ("Wat?", ())]
    assert records[0]["history"] == [] and records[1]["history"] == [FIRST]
    assert records[2] == {"question": "{kapot", "error": records[2]["error"]} and "JSON" in records[2]["error"]
    assert records[3]["question"] == "   " and "leeg" in records[3]["error"]
    assert "error" not in records[4]


def test_conversation_gives_each_line_the_answered_questions_before_it(capsys):
    own = json.dumps({"question": "Eigen?", "history": ["Elders?"]})
    alone = json.dumps({"question": "Los?", "history": []})
    lines = ["Eerste?", "{kapot", "   ", "Tweede?", own, alone, '{"question": "Derde?", "history": null}']
    fake, records = _batch(lines, capsys, conversation=True)
    assert fake.asked == [
        ("Eerste?", ()),
        ("   ", ("Eerste?",)),
        ("Tweede?", ("Eerste?",)),
        ("Eigen?", ("Elders?",)),  # a line's own history wins
        ("Los?", ()),  # ... also an empty one
        ("Derde?", ("Eerste?", "Tweede?", "Eigen?", "Los?")),
    ]
    assert records[-1]["history"] == ["Eerste?", "Tweede?", "Eigen?", "Los?"]


def test_conversation_history_is_bounded(capsys):
    lines = [f"Vraag {n}?" for n in range(cli.HISTORY_LIMIT + 3)]
    fake, _ = _batch(lines, capsys, conversation=True)
    assert fake.asked[-1][1] == tuple(lines[-cli.HISTORY_LIMIT - 1 : -1])


def test_for_people_conversation_passes_the_earlier_questions(capsys):
    fake = RecordingAssistant()
    assert cli._for_people(fake, [FIRST, "  ", FOLLOW_UP], None, None, conversation=True) == 2  # the blank one
    assert fake.asked == [(FIRST, ()), ("  ", (FIRST,)), (FOLLOW_UP, (FIRST,))]
    fake = RecordingAssistant()
    cli._for_people(fake, [FIRST, FOLLOW_UP], None, None)
    assert fake.asked == [(FIRST, ()), (FOLLOW_UP, ())]  # without --conversation each question stands alone
    assert "leeg" in capsys.readouterr().err
