"""The language-model composer against fake OpenAI-compatible servers on 127.0.0.1.

The fake models (``tests/fakes/openai_server.py``) read the numbered sources out of the prompt
they receive and answer from them (correctly, with a wrong or unknown number, or not at all), so
the verifier meets real passages.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from assistant.compose import phrase
from assistant.llm import LLMComposed, LLMComposer, SentenceBuffer, bounded, notices, render_prompt
from assistant.query import understand
from assistant.records import Answer, Draft, Filters, Persona
from assistant.serialize import answer_to_dict
from assistant.verify import SUPPORT_THRESHOLD, Status, parse_markers, split_sentences
from corpus.errors import PromptError
from corpus.settings import LLMSettings, Settings
from ingest.text import stopwords
from tests.fakes.openai_server import (
    GARBAGE,
    Behaviour,
    fails,
    fake_openai_server,
    flood,
    good,
    hangs,
    hangs_mid_stream,
    inventor,
    negator,
    number_changer,
    sources_of,
    trickles,
    unknown_number,
    wrong_passage,
)

pytestmark = pytest.mark.slow

QUESTION = "Hoe kan het mkb de arbeidsproductiviteit verhogen met AI?"
TIMEOUT_S = 1.0


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    with fake_openai_server(good, stall_s=TIMEOUT_S + 2) as httpd:
        yield httpd


def llm_settings(port: int, **extra: Any) -> LLMSettings:
    return LLMSettings(enabled=True, base_url=f"http://127.0.0.1:{port}/v1", model="fake", timeout_s=TIMEOUT_S, **extra)


@pytest.fixture(scope="module")
def llm_assistant(real_settings: Settings, assistant: Any, server: Any) -> Any:
    from assistant.assistant import Assistant

    settings = real_settings.model_copy(update={"llm": llm_settings(server.server_address[1])})
    return Assistant(settings, embedder=assistant.embedder)


@pytest.fixture
def model(server: Any) -> Callable[[Behaviour], Any]:
    def use(behaviour: Behaviour) -> Any:
        server.behaviour = behaviour
        server.requests.clear()
        return server

    return use


def compose(llm_assistant: Any, composer: Any = None, question: str = QUESTION) -> LLMComposed:
    """What the composer makes of the question; records the seconds the composer took in ``.seconds``."""
    a = llm_assistant
    query = understand(question, a.index.vocabulary, stopwords())
    retrieval = a.retriever.retrieve(query, Filters())
    started = time.monotonic()
    result = (composer or a.composer).compose(query, Persona.ONDERNEMER, retrieval, a.index.catalogue)
    compose.seconds = time.monotonic() - started  # type: ignore[attr-defined]
    assert isinstance(result, LLMComposed)
    return result


def assert_quotes_are_real(llm_assistant: Any, composed: LLMComposed) -> None:
    assert composed.citations
    for citation in composed.citations:
        assert any(
            citation.quote in c.text
            for c in llm_assistant.index.chunks
            if (c.doc_id, c.page) == (citation.doc_id, citation.page)
        ), citation


def assert_extractive_with(llm_assistant: Any, composed: LLMComposed, key: str) -> None:
    notice = notices()["nl"][key]
    assert composed.notice == notice
    assert composed.text.startswith(notice)
    assert any(phrase("nl", lead) in composed.text for lead in ("lead_ondernemer", "lead_passages"))
    assert composed.citations


# --- the cases of issue 6 ----------------------------------------------------------------------


def test_good_model_is_kept(llm_assistant: Any, model: Any) -> None:
    server = model(good)
    answer = llm_assistant.ask(QUESTION)
    path, request = server.requests[0]
    assert path == "/v1/chat/completions" and request["model"] == "fake" and request["max_tokens"] == 400
    prompt = request["messages"][-1]["content"]
    assert phrase("nl", "abstain") in prompt and len(sources_of(prompt)) == 6
    assert not answer.abstained and answer.answer.splitlines()[0].endswith("[1]")
    assert "Bronnen" in answer.answer and len(answer.citations) == 1
    composed = compose(llm_assistant)
    [sentence] = composed.verification.sentences
    assert sentence.status is Status.KEPT and sentence.citations == (1,) and sentence.support >= SUPPORT_THRESHOLD
    assert composed.verification.repaired == composed.verification.dropped == 0
    assert_quotes_are_real(llm_assistant, composed)


def test_unknown_source_number_is_repaired(llm_assistant: Any, model: Any) -> None:
    model(unknown_number)
    composed = compose(llm_assistant)
    [sentence] = composed.verification.sentences
    assert sentence.cited == (9,) and 9 not in sentence.citations
    assert sentence.status is Status.REPAIRED and sentence.citations == (1,)
    assert "[9]" not in composed.text and composed.notice is None
    assert_quotes_are_real(llm_assistant, composed)


def test_wrong_passage_is_repaired_to_the_right_one(llm_assistant: Any, model: Any) -> None:
    model(wrong_passage)
    composed = compose(llm_assistant)
    [sentence] = composed.verification.sentences
    assert sentence.cited == (1,) and sentence.status is Status.REPAIRED and sentence.citations == (2,)
    assert composed.verification.repaired == 1
    # the answer renumbers: source 2 of the prompt is the answer's first citation
    assert composed.text.splitlines()[0].endswith("[1]") and len(composed.citations) == 1
    assert_quotes_are_real(llm_assistant, composed)


def test_invented_answer_falls_back_to_the_extractive_one(llm_assistant: Any, model: Any) -> None:
    model(inventor)
    composed = compose(llm_assistant)
    [sentence] = composed.verification.sentences
    assert sentence.status is Status.DROPPED and sentence.support < SUPPORT_THRESHOLD
    assert "2000 euro" not in composed.text
    assert_extractive_with(llm_assistant, composed, "notice_unsupported")


@pytest.mark.parametrize(("behaviour", "reason"), [(negator, "negation 'niet'"), (number_changer, "number ")])
def test_an_altered_source_sentence_is_never_shown(
    llm_assistant: Any, model: Any, behaviour: Behaviour, reason: str
) -> None:
    """Issue 12: a model that keeps a source sentence and negates it or changes its numbers passes the
    support score; the claim checks drop it and say why, and the extractive answer is shown."""
    model(behaviour)
    composed = compose(llm_assistant)
    sentences = composed.verification.sentences
    assert sentences and all(s.status is Status.DROPPED for s in sentences)
    assert all(s.support >= SUPPORT_THRESHOLD for s in sentences)  # the support score alone would keep them
    assert all(reason in s.reason for s in sentences)
    assert not any(s.text in composed.text for s in sentences)
    assert_extractive_with(llm_assistant, composed, "notice_unsupported")
    data = answer_to_dict(llm_assistant.ask(QUESTION))["verification"]
    assert all(reason in s["reason"] for s in data["sentences"])


def test_a_huge_reply_is_cut_before_it_is_verified(llm_assistant: Any, model: Any) -> None:
    """Issue 13: a 2 MB reply (the HTTP call within its timeout) is cut to ``max_reply_chars`` and
    ``max_sentences`` before the verifier embeds anything."""
    model(flood)
    limits = llm_assistant.settings.llm
    composed = compose(llm_assistant)
    assert 0 < len(composed.verification.sentences) <= limits.max_sentences
    assert sum(len(s.text) for s in composed.verification.sentences) <= limits.max_reply_chars
    assert not composed.notice and composed.citations


def test_bounded_keeps_lines_and_whole_words() -> None:
    reply = "Een zin hier. Nog een zin. [1]\nDerde zin op regel twee. Vierde zin.\nVijfde zin die te lang is"
    assert bounded(reply, 10_000, 3) == "Een zin hier. Nog een zin. [1]\nDerde zin op regel twee."
    assert bounded(reply, 20, 30) == "Een zin hier. Nog"


@pytest.mark.parametrize("behaviour", [hangs, trickles, fails, lambda p: GARBAGE, lambda p: "   "])
def test_failing_model_gives_the_extractive_answer(llm_assistant: Any, model: Any, behaviour: Behaviour) -> None:
    model(behaviour)
    composed = compose(llm_assistant)
    assert compose.seconds < TIMEOUT_S + 1.5  # type: ignore[attr-defined]  # no retries, no hang
    assert composed.verification is None
    assert_extractive_with(llm_assistant, composed, "notice_unavailable")
    answer = llm_assistant.ask(QUESTION)
    assert answer.answer.startswith(notices()["nl"]["notice_unavailable"]) and not answer.abstained


def test_model_that_abstains(llm_assistant: Any, model: Any) -> None:
    model(lambda prompt: phrase("nl", "abstain"))
    answer = llm_assistant.ask(QUESTION)
    assert answer.abstained and answer.answer == phrase("nl", "abstain") and not answer.citations


def test_completions_endpoint(llm_assistant: Any, server: Any, model: Any) -> None:
    model(good)
    settings = llm_settings(server.server_address[1], chat=False)
    composer = LLMComposer(settings, llm_assistant.embedder, llm_assistant.composer.fallback)
    composed = compose(llm_assistant, composer)
    assert server.requests[0][0] == "/v1/completions"
    assert composed.verification.sentences[0].status is Status.KEPT


def test_default_assistant_stays_extractive(assistant: Any) -> None:
    assert type(assistant.composer).__name__ == "ExtractiveComposer"
    answer = assistant.ask(QUESTION)
    assert answer.verification is None and "verification" not in answer_to_dict(answer)


# --- the verification in the JSON contract ------------------------------------------------------


def test_json_carries_the_verification(llm_assistant: Any, model: Any) -> None:
    model(lambda prompt: f"{wrong_passage(prompt)}\n{good(prompt)}\nHet minimumloon is 2000 euro [1].")
    data = json.loads(json.dumps(answer_to_dict(llm_assistant.ask(QUESTION))))
    v = data["verification"]
    assert (v["repaired"], v["dropped"], v["notice"]) == (1, 1, None)
    repaired, kept, dropped = v["sentences"]
    assert set(kept) == {"text", "citations", "support", "status", "reason"} and kept["reason"] == ""
    # citations use the answer's numbering: the repaired sentence (source 2) came first
    assert repaired["status"] == "repaired" and repaired["citations"] == [1]
    assert kept["status"] == "kept" and kept["citations"] == [2]
    assert dropped["status"] == "dropped" and dropped["citations"] == [] and dropped["support"] < SUPPORT_THRESHOLD
    assert dropped["reason"].startswith("[1] support") and repaired["reason"].startswith("[1] support")
    assert all(s["support"] >= SUPPORT_THRESHOLD for s in (repaired, kept))
    assert [c["n"] for c in data["citations"]] == [1, 2]


@pytest.mark.parametrize(("behaviour", "key"), [(fails, "notice_unavailable"), (inventor, "notice_unsupported")])
def test_json_carries_the_fallback_notice(llm_assistant: Any, model: Any, behaviour: Behaviour, key: str) -> None:
    model(behaviour)
    v = answer_to_dict(llm_assistant.ask(QUESTION))["verification"]
    assert v["notice"] == notices()["nl"][key]
    assert v["dropped"] == len(v["sentences"]) == (1 if behaviour is inventor else 0)


# --- small parts -------------------------------------------------------------------------------


def test_markers_and_sentences() -> None:
    assert parse_markers("Het mkb investeert in scholing [1][3].") == ("Het mkb investeert in scholing.", (1, 3))
    assert parse_markers("Zie ook [2, 4] en [2].") == ("Zie ook en.", (2, 4))
    assert split_sentences("- Eerste zin. [1] Tweede zin [2].\nDerde zin.") == [
        (0, "Eerste zin. [1]"),
        (0, "Tweede zin [2]."),
        (1, "Derde zin."),
    ]
    # a marker that opens a line (the layout of the sources, which small models copy) opens its sentence
    assert split_sentences("[2] Eerste zin. Tweede zin [1].") == [(0, "[2] Eerste zin."), (0, "Tweede zin [1].")]


def test_prompt_loader_checks_placeholders() -> None:
    text = render_prompt("llm_beleidsmedewerker_en", question="Q?", sources="[1] X", abstain="A.")
    assert "Q?" in text and "[1] X" in text
    with pytest.raises(PromptError, match="missing values \\['abstain'\\]"):
        render_prompt("llm_ondernemer_nl", question="Q?", sources="")
    with pytest.raises(PromptError, match="unexpected values \\['extra'\\]"):
        render_prompt("llm_ondernemer_nl", question="Q?", sources="", abstain="A.", extra="x")
    with pytest.raises(PromptError, match="missing"):
        render_prompt("llm_nobody_xx")


def test_api_key_from_environment_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVIESWIJZER_LLM__API_KEY", "geheim")
    settings = Settings()
    assert settings.llm.api_key is not None and settings.llm.api_key.get_secret_value() == "geheim"
    assert "geheim" not in repr(settings.llm) and not settings.llm.enabled


# --- streaming ---------------------------------------------------------------------------------

STREAM_TIMEOUT_S = 3.0


@pytest.fixture(scope="module")
def stream_assistant(real_settings: Settings, assistant: Any, server: Any) -> Any:
    """An assistant whose model streams a word every few ms, with a deadline that allows for it."""
    from assistant.assistant import Assistant

    settings = llm_settings(server.server_address[1]).model_copy(update={"timeout_s": STREAM_TIMEOUT_S})
    return Assistant(real_settings.model_copy(update={"llm": settings}), embedder=assistant.embedder)


@pytest.fixture
def streaming(server: Any) -> Iterator[Callable[[Behaviour], Any]]:
    def use(behaviour: Behaviour) -> Any:
        server.behaviour = behaviour
        server.requests.clear()
        server.token_s = 0.03  # slow enough that "shown while the model was still writing" holds on a busy machine
        server.stall_s = STREAM_TIMEOUT_S + 2
        return server

    yield use
    server.token_s, server.stall_s = 0.0, TIMEOUT_S + 2


def timed_steps(assistant: Any, question: str = QUESTION) -> list[tuple[float, Any]]:
    started = time.monotonic()
    return [(time.monotonic() - started, step) for step in assistant.ask_stream(question)]


def mixed(prompt: str) -> str:
    """A supported sentence, an invented one, and one citing the wrong passage (repairable)."""
    return f"{good(prompt)}\n{inventor(prompt)}\n{wrong_passage(prompt)}"


def test_stream_shows_verified_sentences_one_by_one(stream_assistant: Any, streaming: Any) -> None:
    server = streaming(mixed)
    steps = timed_steps(stream_assistant)
    assert server.requests[0][1]["stream"] is True
    *drafts, (finished_at, answer) = steps
    assert isinstance(answer, Answer) and all(isinstance(d, Draft) for _, d in drafts)
    assert len(drafts) == 2  # the supported and the repaired sentence; never the invented one
    texts = [d.answer.answer for _, d in drafts]
    assert all("2000 euro" not in t for t in texts) and texts[1].startswith(texts[0])
    assert drafts[0][0] < finished_at - 0.2  # shown while the model was still writing
    v = answer.verification
    assert v is not None and v.notice is None and (v.repaired, v.dropped) == (1, 1)
    shown = {s.text for s in v.sentences if s.status != "dropped"}
    for _, draft in drafts:
        for line in draft.answer.answer.splitlines():
            text, numbers = parse_markers(line)
            assert text in shown and numbers and set(numbers) <= {c.n for c in draft.answer.citations}
    assert answer.answer.startswith(texts[-1] + "\n\nBronnen")


def test_stream_and_ask_agree(stream_assistant: Any, streaming: Any) -> None:
    streaming(mixed)
    *_, (_, streamed) = timed_steps(stream_assistant)
    asked = stream_assistant.ask(QUESTION)
    assert streamed.answer == asked.answer and streamed.citations == asked.citations


def test_stream_that_hangs_midway_ends_in_the_extractive_answer(stream_assistant: Any, streaming: Any) -> None:
    streaming(hangs_mid_stream)
    steps = timed_steps(stream_assistant)
    (_, draft), (finished_at, answer) = steps
    assert isinstance(draft, Draft) and "2000 euro" not in draft.answer.answer
    assert finished_at < STREAM_TIMEOUT_S + 1.5  # the deadline holds mid-stream
    notice = notices()["nl"]["notice_unavailable"]
    assert answer.answer.startswith(notice) and answer.verification.notice == notice and answer.citations


def test_a_flooding_stream_is_read_only_up_to_the_limits(
    real_settings: Settings, assistant: Any, server: Any, streaming: Any
) -> None:
    from assistant.assistant import Assistant

    streaming(lambda p: flood(p, 200_000)).token_s = 0.0
    llm = llm_settings(server.server_address[1]).model_copy(
        update={"timeout_s": STREAM_TIMEOUT_S, "max_reply_chars": 2000, "max_sentences": 5}
    )
    capped = Assistant(real_settings.model_copy(update={"llm": llm}), embedder=assistant.embedder)
    *_, final = capped.ask_stream(QUESTION)
    assert final.verification is not None and 0 < len(final.verification.sentences) <= 5
    assert final.verification.notice is None


def test_stream_of_a_failing_model(stream_assistant: Any, streaming: Any) -> None:
    streaming(fails)
    [(_, answer)] = timed_steps(stream_assistant)
    assert answer.answer.startswith(notices()["nl"]["notice_unavailable"])


def test_extractive_assistant_streams_the_whole_answer(assistant: Any) -> None:
    [answer] = list(assistant.ask_stream(QUESTION))
    assert isinstance(answer, Answer) and answer.answer == assistant.ask(QUESTION).answer


def test_sentence_buffer_hands_out_complete_sentences() -> None:
    text = "- Eerste zin. [1] Tweede zin [2].\nDerde zin [1]. Vierde"
    buffer, handed = SentenceBuffer(), []
    for i, char in enumerate(text):
        new = buffer.feed(char)
        handed += new
        if new:  # a sentence is handed out only once the next one has begun (or its line ended)
            assert text[: i + 1].endswith(("T", "D", "V", "\n"))
    handed += buffer.close()
    assert handed == split_sentences(text)
