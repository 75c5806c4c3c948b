"""The chat page with a streaming language model (fake, on 127.0.0.1): it shows the verified
sentences one by one, never an unverified one, and the extractive answer after a failure."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.llm import notices
from assistant.page.render import plain_text
from corpus.settings import AppSettings, LLMSettings
from tests.fakes.openai_server import (
    fake_openai_server,
    good,
    hangs_mid_stream,
    inventor,
    negator,
    number_changer,
    wrong_passage,
)

gr = pytest.importorskip("gradio")
pytestmark = pytest.mark.slow

QUESTION = "Hoe kan het mkb de arbeidsproductiviteit verhogen met AI?"
TIMEOUT_S = 3.0


@pytest.fixture(scope="module")
def server() -> Any:
    with fake_openai_server(good, stall_s=TIMEOUT_S + 2) as httpd:
        httpd.token_s = 0.01
        yield httpd


@pytest.fixture(scope="module")
def page(real_settings, assistant, server, tmp_path_factory) -> Any:
    import app
    from assistant.assistant import Assistant

    llm = LLMSettings(enabled=True, base_url=server.base_url, model="fake", timeout_s=TIMEOUT_S)
    settings = real_settings.model_copy(
        update={
            "llm": llm,
            "app": AppSettings(stream_delay_s=0, feedback_file=tmp_path_factory.mktemp("page") / "f.jsonl"),
        }
    )
    return app.Page(settings, Assistant(settings, embedder=assistant.embedder))


def _shown(page: Any) -> list[tuple[str, Any]]:
    return [
        (history[-1]["content"], sources) for history, _, sources, _ in page.respond(QUESTION, [], "ondernemer", [], {})
    ]


def test_page_shows_only_verified_sentences_as_they_come(page: Any, server: Any) -> None:
    server.behaviour = lambda p: f"{good(p)}\n{inventor(p)}\n{wrong_passage(p)}"
    steps = _shown(page)
    texts = [text for text, _ in steps]
    assert all("2000 euro" not in t for t in texts)
    first, second = texts[0], texts[1]
    assert first.count("[[") == 1 and second.startswith(first) and second.count("[[") == 2
    assert texts[-1].startswith(second) and 'id="bron-1"' in steps[-1][1] and 'id="bron-2"' in steps[-1][1]


def test_page_never_shows_a_negated_or_renumbered_source_sentence(page: Any, server: Any) -> None:
    """A true sentence, then the same sources negated and with changed numbers: only the true one is shown."""
    server.behaviour = lambda p: f"{good(p)}\n{negator(p)}\n{number_changer(p)}"
    texts = [plain_text(text) for text, _ in _shown(page)]
    prompt = _prompt(server)
    altered = [line.rsplit(" [", 1)[0] for line in f"{negator(prompt)}\n{number_changer(prompt)}".splitlines()]
    assert texts and good(prompt).rsplit(" [", 1)[0] in texts[-1]
    assert not any(sentence in text for sentence in altered for text in texts)


def _prompt(server: Any) -> str:
    """The prompt of the latest request (the fake models read their sources from it)."""
    _, request = server.requests[-1]
    return request["messages"][-1]["content"] if "messages" in request else request["prompt"]


def test_page_replaces_the_sentences_when_the_model_hangs(page: Any, server: Any) -> None:
    server.behaviour = hangs_mid_stream
    texts = [plain_text(text) for text, _ in _shown(page)]
    notice = notices()["nl"]["notice_unavailable"]
    assert not texts[0].startswith(notice) and "2000 euro" not in "".join(texts)
    assert texts[-1].startswith(notice) and all(t.startswith(notice) for t in texts[1:])
