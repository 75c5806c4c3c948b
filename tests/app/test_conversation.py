"""The chat page keeps the conversation: ``Page.respond`` passes the earlier user questions of the chat
shown, as typed and bounded, to ``Assistant.ask_stream(history=…)``; "Nieuw gesprek" forgets them.

Most tests use a recording fake assistant (no index); the last one asks the real assistant."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest

from assistant.page import render
from assistant.records import Answer, Filters
from corpus.settings import AppSettings, Settings

gr = pytest.importorskip("gradio")

TYPED = "Wat doet de *SER* met <AI> & [data] (2025)?\\n"  # Markdown specials, HTML and a backslash
FOLLOW_UP = "En in de zorg?"
STAFF = "Wat kan ik als ondernemer doen tegen het personeelstekort?"


class RecordingAssistant:
    """Answers every question with the same cited answer and remembers what it was asked."""

    def __init__(self, catalogue: Any, chunks: Any, answer: Answer) -> None:
        self.index = SimpleNamespace(version="v1", chunks=chunks, catalogue=catalogue)
        self.answer = answer
        self.asked: list[tuple[str, tuple[str, ...]]] = []

    def ask_stream(
        self, question: str, persona: Any = None, filters: Filters | None = None, history: Sequence[str] = ()
    ) -> Iterator[Answer]:
        self.asked.append((question, tuple(history)))
        yield replace(self.answer, question=question.strip())


@pytest.fixture(scope="module")
def app_module():
    import app

    return app


@pytest.fixture
def fake(tiny_catalogue, tiny_chunks, tiny_answer) -> RecordingAssistant:
    return RecordingAssistant(tiny_catalogue, tiny_chunks, tiny_answer)


@pytest.fixture
def page(app_module, fake, tmp_path):
    settings = Settings(app=AppSettings(stream_delay_s=0, feedback_file=tmp_path / "f.jsonl"))
    return app_module.Page(settings, fake)


def _turn(page, question: str, history: list, answers: dict) -> tuple[list, dict]:
    """One question on the page; returns the chat and the kept answers as the page would hold them."""
    *_, (history, _, _, answers) = page.respond(question, history, "ondernemer", [], answers)
    return history, answers


def _as_gradio_gives_it(history: list) -> list:
    """The chat as Gradio hands it to the handler on the next turn: content as a list of text parts."""
    return [{**m, "content": [{"type": "text", "text": m["content"]}]} for m in history]


def test_earlier_questions_go_along_as_typed(page, fake):
    history, answers = _turn(page, TYPED, [], {})
    history, answers = _turn(page, FOLLOW_UP, _as_gradio_gives_it(history), answers)
    assert fake.asked == [(TYPED, ()), (FOLLOW_UP, (TYPED.strip(),))]
    assert history[0]["content"] != TYPED  # the bubble is escaped; what is passed on is the question as typed


def test_only_the_last_three_questions_go_along(page, fake, app_module):
    history, answers = [], {}
    for n in range(5):
        history, answers = _turn(page, f"Vraag {n}?", history, answers)
    assert fake.asked[-1] == ("Vraag 4?", ("Vraag 1?", "Vraag 2?", "Vraag 3?"))
    assert app_module.HISTORY_TURNS == 3


def test_an_api_callers_history_is_read_from_its_bubbles(page, fake):
    """Without the page's state: plain text, or the escaped bubbles the endpoint returned."""
    history = [
        {"role": "user", "content": "Hoe vind ik personeel?"},
        {"role": "assistant", "content": "…"},
        {"role": "user", "content": [{"type": "text", "text": render.question_markdown(TYPED)}]},
        {"role": "assistant", "content": [{"type": "text", "text": "…"}]},
    ]
    _turn(page, FOLLOW_UP, history, {})
    assert fake.asked == [(FOLLOW_UP, ("Hoe vind ik personeel?", TYPED))]


def test_kept_answers_of_another_chat_are_not_taken_for_its_questions(page, fake, tiny_answer):
    """A state that does not belong to the bubbles (another chat of the same length) is not used."""
    history = [{"role": "user", "content": "Hoe vind ik personeel?"}, {"role": "assistant", "content": "…"}]
    stale = {1: replace(tiny_answer, question="Iets heel anders")}
    _turn(page, FOLLOW_UP, history, stale)
    assert fake.asked == [(FOLLOW_UP, ("Hoe vind ik personeel?",))]


def test_malformed_history_entries_are_skipped(page, fake):
    history = ["geen bericht", {"role": "user"}, {"role": "user", "content": None}, {"content": "zonder rol"}]
    _turn(page, FOLLOW_UP, history, {})
    assert fake.asked == [(FOLLOW_UP, ())]


def test_a_new_conversation_has_no_history(page, fake):
    history, answers = _turn(page, STAFF, [], {})
    assert history and answers
    _turn(page, FOLLOW_UP, [], {})  # what "Nieuw gesprek" leaves: an empty chat and no kept answers
    assert fake.asked[-1] == (FOLLOW_UP, ())


def test_new_conversation_button_clears_the_chat_and_the_kept_answers(app_module, page):
    """ "Nieuw gesprek" empties the chat (its history) and the answers state, and resets the sources."""
    demo = app_module.build_page(page)
    by_id = {b.elem_id: b for b in demo.blocks.values() if getattr(b, "elem_id", None)}
    button, chatbot, sources = by_id["nieuw-gesprek"], by_id["chat"], by_id["bronnen"]
    cleared = set()
    for fn in demo.fns.values():
        if (button._id, "click") in [(t[0], t[1]) for t in fn.targets]:
            cleared |= {block._id for block in fn.outputs}
    states = {b._id for b in demo.blocks.values() if isinstance(b, gr.State)}
    assert {chatbot._id, sources._id} <= cleared and states & cleared


def test_the_real_assistant_reads_a_follow_up_with_the_chat(app_module, real_settings, assistant, tmp_path):
    settings = real_settings.model_copy(
        update={"app": AppSettings(stream_delay_s=0, feedback_file=tmp_path / "f.jsonl")}
    )
    page = app_module.Page(settings, assistant)
    history, answers = _turn(page, STAFF, [], {})
    history, answers = _turn(page, FOLLOW_UP, _as_gradio_gives_it(history), answers)
    understood = answers[3].understood
    assert understood is not None and understood.follow_up and "personeelstekort" in understood.reading
    _, answers = _turn(page, FOLLOW_UP, [], {})  # the same words in a new conversation
    assert answers[1].understood is not None and not answers[1].understood.follow_up
