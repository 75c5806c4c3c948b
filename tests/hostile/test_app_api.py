"""The chat page's HTTP API (``/gradio_api/call/respond``, the Chat tab's "Vraag" handler) on a
real ``python app.py`` on 127.0.0.1: hostile questions never give a server error, an error event
or a traceback, and what comes back for the page (chat bubbles, sources panel) is escaped."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings

from tests.hostile.strategies import INJECTIONS, QUESTIONS, SPECIAL, hostile_text

LIMIT = 2000  # settings.answer.max_question_chars by default
ENDPOINT = "gradio_api/call/respond"  # api name of the Chat tab's handler (Page.respond in app.py)
TIMEOUT_S = 60
_LINK = re.compile(r"(?<!\\)\]\s*\(")  # a Markdown link or image: "](" not escaped
_TARGET = re.compile(r"(?<!\\)\]\(([^)]*)\)")
_HANDLER = re.compile(r"<[a-z]+[^>]*\son[a-z]+\s*=", re.IGNORECASE)


class Api:
    """Calls the chat handler over HTTP, as a browser or gradio_client would (two requests)."""

    def __init__(self, server) -> None:
        self.server = server

    def __repr__(self) -> str:  # Hypothesis prints the arguments of a failing example
        return f"Api({self.server.url})"

    def post(self, body: bytes) -> tuple[int, bytes]:
        request = urllib.request.Request(
            self.server.url + ENDPOINT, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # 127.0.0.1 only
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def respond(self, data: list[Any]) -> tuple[str, Any]:
        """The last event of the stream ("complete" or "error") and its data."""
        status, body = self.post(json.dumps({"data": data}).encode())
        assert status == 200, (status, body[:500])
        event_id = json.loads(body)["event_id"]
        with urllib.request.urlopen(f"{self.server.url}{ENDPOINT}/{event_id}", timeout=TIMEOUT_S) as response:
            assert response.status == 200
            stream = response.read().decode("utf-8")
        assert "Traceback" not in stream, stream[-2000:]
        events = re.findall(r"^event: (\S+)\ndata: (.*)$", stream, re.MULTILINE)
        assert events, stream[-2000:]
        name, payload = events[-1]
        return name, json.loads(payload)


@pytest.fixture(scope="module")
def api(hostile_app) -> Api:
    return Api(hostile_app)


def _texts(message: dict[str, Any]) -> str:
    content = message["content"]
    return content if isinstance(content, str) else "".join(part.get("text", "") for part in content)


def assert_shown_safely(question: str, outputs: list[Any]) -> None:
    history, _, panel = outputs[:3]  # the textbox (2nd) keeps the refused question as plain text
    *earlier, reply = history
    assert reply["role"] == "assistant" and _texts(reply).strip(), reply
    assert [m["role"] for m in earlier] == (["user"] if question.strip() else [])
    for message in history:
        text = _texts(message)
        assert "<" not in text, f"raw HTML in a chat bubble: {text[:200]!r}"
        links = _TARGET.findall(text) if message["role"] == "assistant" else _LINK.findall(text)
        assert all(re.fullmatch(r"#bron-\d+", t) for t in links), f"a live link in a chat bubble: {text[:200]!r}"
    assert "<script" not in panel.lower() and "javascript:" not in panel.lower(), panel[:500]
    assert not _HANDLER.search(panel), panel[:500]


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(question=hostile_text)
@example(question="")
@example(question="\x00\ud800\udfff")
@example(question="".join(SPECIAL))
@example(question=QUESTIONS[0] + " " + " ".join(INJECTIONS))
@example(question="x" * (LIMIT + 1))
@example(question="<script>" * (LIMIT // 8 + 1))
def test_hostile_question_gets_a_complete_escaped_reply(api, question):
    log_before = len(api.server.output())
    event, outputs = api.respond([question, [], "ondernemer", []])
    assert event == "complete", outputs
    assert_shown_safely(question, outputs)
    assert "Traceback" not in api.server.output()[log_before:], api.server.output()[log_before:][-3000:]


@pytest.mark.parametrize(
    "data",
    [
        ["vraag", [], "hacker", []],
        ["vraag", [], "ondernemer", ["../../etc/passwd"]],
        ["vraag", [{"role": "user", "content": "<script>alert(1)</script>"}], "ondernemer", []],
        ["vraag"],
        ["vraag", [], None, None],
        [123, [], "ondernemer", []],
        [["een", "lijst"], {}, {}, {}],
    ],
)
def test_malformed_calls_are_refused_without_a_server_error(api, data):
    """Wrong shapes and values get Gradio's error event (or are coerced), never a server error or a
    traceback in the response; the server keeps answering. (Gradio logs its own traceback for some.)"""
    api.respond(data)  # asserts: HTTP 200, no traceback in the stream
    event, _ = api.respond([QUESTIONS[0], [], "ondernemer", []])
    assert event == "complete" and api.server.process.poll() is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (["vraag", "geen lijst", "ondernemer", []], "history"),
        (["vraag", [], "ondernemer", "doc-a"], "doc_ids"),
        (["vraag", [], "hacker", []], "persona"),
        (["vraag", [1, 2], "ondernemer", [None]], "history"),
    ],
)
def test_wrong_types_get_a_plain_message_naming_the_field(api, data, field):
    """Issue 13, case 9: not Gradio's bare ``{"error": null}`` but a message that names the field: in the
    chat like other bad input, or (a history of the wrong shape, or a value outside a list's choices, which
    Gradio checks before the handler) as the error event's message."""
    event, outputs = api.respond(data)
    if event == "complete":
        [reply] = outputs[0]
        message = _texts(reply)
    else:
        message = outputs.get("error") or ""
    # Gradio's own check of a list's values ("not in the list of choices") is a plain message too
    assert (field in message and "moet" in message) or "not in the list of choices" in message, (event, outputs)
    event, _ = api.respond([QUESTIONS[0], [], "ondernemer", []])
    assert event == "complete"


@pytest.mark.parametrize("body", [b"", b"{", b"[]", b'{"data": "vraag"}', b'{"data": null}', b"\xff\xfe"])
def test_garbage_bodies_are_client_errors(api, body):
    status, response = api.post(body)
    assert status < 500, (status, response[:500])
    assert b"Traceback" not in response


def test_null_question_is_treated_as_empty(api):
    event, outputs = api.respond([None, [], "ondernemer", []])
    assert event == "complete", outputs
    assert_shown_safely("", outputs)
