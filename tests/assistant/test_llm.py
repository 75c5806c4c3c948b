"""The language-model composer against fake OpenAI-compatible servers on 127.0.0.1.

Each fake model reads the numbered sources out of the prompt it receives and answers from them
(correctly, with a wrong or unknown number, or not at all), so the verifier meets real passages.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from assistant.compose import phrase
from assistant.llm import LLMComposed, LLMComposer, notices, render_prompt
from assistant.query import understand
from assistant.records import Filters, Persona
from assistant.serialize import answer_to_dict
from assistant.verify import SUPPORT_THRESHOLD, Status, parse_markers, split_sentences
from corpus.errors import PromptError
from corpus.settings import LLMSettings, Settings
from ingest.keyword import stopwords

pytestmark = pytest.mark.slow

QUESTION = "Hoe kan het mkb de arbeidsproductiviteit verhogen met AI?"
TIMEOUT_S = 1.0
_SOURCE = re.compile(r"^\[(\d+)\] [^\n]*\n([^\n]+)$", re.MULTILINE)
_WORDS = re.compile(r"\w+")

Behaviour = Callable[[str], str | None]  # prompt -> reply text (None: an HTTP 500)


def sources_of(prompt: str) -> dict[int, str]:
    return {int(n): text for n, text in _SOURCE.findall(prompt)}


def sentences_of(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 8 and s.endswith(".")]


def _novelty(sentence: str, other: str) -> float:
    words, others = set(_WORDS.findall(sentence.lower())), set(_WORDS.findall(other.lower()))
    return len(words - others) / len(words)


class FakeModel(BaseHTTPRequestHandler):
    """``/v1/chat/completions`` and ``/v1/completions`` in OpenAI's JSON format."""

    server: Any

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append((self.path, body))
        chat = self.path.endswith("/chat/completions")
        prompt = "\n".join(m["content"] for m in body["messages"]) if chat else body["prompt"]
        reply = self.server.behaviour(prompt)
        if reply is None:
            return self._send(500, b'{"error": {"message": "boom", "type": "server_error"}}')
        if reply == "<garbage>":
            return self._send(200, b"this is not json")
        if reply.startswith("<trickle>"):
            return self._trickle(json.dumps(_payload(reply.removeprefix("<trickle>"), chat)).encode())
        return self._send(200, json.dumps(_payload(reply, chat)).encode())

    def _send(self, status: int, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _trickle(self, data: bytes) -> None:
        """A byte at a time, each well within the client's read timeout: only an overall deadline stops it."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        for i in range(len(data)):
            try:
                self.wfile.write(data[i : i + 1])
                self.wfile.flush()
            except OSError:
                return  # the client gave up
            time.sleep(TIMEOUT_S / 5)

    def log_message(self, *args: object) -> None:
        pass


def _payload(reply: str, chat: bool) -> dict[str, Any]:
    choice: dict[str, Any] = {"index": 0, "finish_reason": "stop"}
    if chat:
        choice["message"] = {"role": "assistant", "content": reply}
    else:
        choice.update(text=reply, logprobs=None)
    return {
        "id": "fake-1",
        "object": "chat.completion" if chat else "text_completion",
        "created": 0,
        "model": "fake",
        "choices": [choice],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


# --- the fake models ---------------------------------------------------------------------------


def good(prompt: str) -> str:
    return f"{sentences_of(sources_of(prompt)[1])[0]} [1]"


def unknown_number(prompt: str) -> str:
    return f"{sentences_of(sources_of(prompt)[1])[0]} [9]"


def wrong_passage(prompt: str) -> str:
    sources = sources_of(prompt)
    sentence = max(sentences_of(sources[2]), key=lambda s: _novelty(s, sources[1]))
    return f"{sentence} [1]"


def inventor(prompt: str) -> str:
    return "Het minimumloon is 2000 euro [1]."


def hangs(prompt: str) -> str:
    time.sleep(TIMEOUT_S + 2)
    return good(prompt)


def fails(prompt: str) -> None:
    return None


def trickles(prompt: str) -> str:
    return f"<trickle>{good(prompt)}"


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeModel)
    httpd.daemon_threads = True
    httpd.block_on_close = False
    httpd.requests = []
    httpd.behaviour = good
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


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
    retrieval = a.retriever.retrieve(query, Filters(), a.settings.retrieval.top_k)
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
    assert phrase("nl", "lead_ondernemer") in composed.text
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


@pytest.mark.parametrize("behaviour", [hangs, trickles, fails, lambda p: "<garbage>", lambda p: "   "])
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
    assert set(kept) == {"text", "citations", "support", "status"}
    # citations use the answer's numbering: the repaired sentence (source 2) came first
    assert repaired["status"] == "repaired" and repaired["citations"] == [1]
    assert kept["status"] == "kept" and kept["citations"] == [2]
    assert dropped["status"] == "dropped" and dropped["citations"] == [] and dropped["support"] < SUPPORT_THRESHOLD
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
