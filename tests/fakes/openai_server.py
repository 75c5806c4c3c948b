"""A fake OpenAI-compatible server on 127.0.0.1 for the language-model tests, and its fake models.

Each fake model is a function from the prompt it receives to its reply: it reads the numbered
sources out of the prompt and answers from them (correctly, with a wrong or unknown number, or
not at all), so the verifier meets real passages. The server speaks ``/v1/chat/completions`` and
``/v1/completions``, in one JSON reply or, with ``"stream": true``, as server-sent events a word
at a time. Special replies:

* ``None``: an HTTP 500;
* ``GARBAGE``: a body that is not JSON;
* a reply starting with ``TRICKLE``: the JSON one byte at a time, each well within the client's
  read timeout (only an overall deadline stops it);
* ``STALL`` inside a reply: the server pauses ``server.stall_s`` there (mid-stream when streaming;
  before the whole reply otherwise), then goes on.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

GARBAGE = "<garbage>"
TRICKLE = "<trickle>"
STALL = "<stall>"
_SOURCE = re.compile(r"^\[(\d+)\] ([^\n]+)\n\([^\n]*\)$", re.MULTILINE)
_WORDS = re.compile(r"\w+")
_TOKENS = re.compile(r"\s*\S+")

Behaviour = Callable[[str], str | None]  # prompt -> reply text (None: an HTTP 500)


def sources_of(prompt: str) -> dict[int, str]:
    """The numbered sources ``[n]`` of a prompt (``assistant.llm.format_sources``'s layout)."""
    return {int(n): text for n, text in _SOURCE.findall(prompt)}


def sentences_of(text: str) -> list[str]:
    """Whole sentences of a source (8 words or more, else 4 or more, else the whole text)."""
    parts = [s for s in re.split(r"(?<=[.!?])\s+", text) if s.endswith(".")]
    return [s for s in parts if len(s.split()) >= 8] or [s for s in parts if len(s.split()) >= 4] or [text]


def _novelty(sentence: str, other: str) -> float:
    words, others = set(_WORDS.findall(sentence.lower())), set(_WORDS.findall(other.lower()))
    return len(words - others) / max(1, len(words))


def _most_novel(prompt: str, source: int, against: int) -> str:
    sources = sources_of(prompt)
    return max(sentences_of(sources[source]), key=lambda s: _novelty(s, sources[against]))


# --- the fake models ---------------------------------------------------------------------------


def good(prompt: str) -> str:
    """One sentence of source 1, cited [1]."""
    return f"{sentences_of(sources_of(prompt)[1])[0]} [1]"


def good_two(prompt: str) -> str:
    """A sentence of source 1 cited [1], then one of source 2 cited [2], on two lines."""
    return f"{_most_novel(prompt, 1, 2)} [1]\n{_most_novel(prompt, 2, 1)} [2]"


def swapped(prompt: str) -> str:
    """The two sentences of ``good_two`` with their citations swapped."""
    return f"{_most_novel(prompt, 1, 2)} [2]\n{_most_novel(prompt, 2, 1)} [1]"


def unknown_number(prompt: str) -> str:
    return f"{sentences_of(sources_of(prompt)[1])[0]} [9]"


def wrong_passage(prompt: str) -> str:
    """A sentence of source 2, cited [1]."""
    return f"{_most_novel(prompt, 2, 1)} [1]"


def inventor(prompt: str) -> str:
    return "Het minimumloon is 2000 euro [1]."


_VERB = re.compile(r"\b(is|zijn|wordt|worden|moet|moeten|kan|kunnen|heeft|hebben|zal|zullen|gaat|gaan)\b")
_DIGITS = re.compile(r"\d+")


def negator(prompt: str) -> str:
    """Each sentence of sources 1 and 2 kept word for word but negated ("… is niet …"), cited to its source."""
    sources = sources_of(prompt)
    lines = []
    for n in (1, 2):
        sentence = sentences_of(sources[n])[0]
        verb = _VERB.search(sentence)
        negated = f"{sentence[: verb.end()]} niet{sentence[verb.end() :]}" if verb else f"Het is niet zo dat {sentence}"
        lines.append(f"{negated} [{n}]")
    return "\n".join(lines)


def number_changer(prompt: str) -> str:
    """The first sentence of the sources that holds a number, with its numbers changed, cited to its source
    (without any: a sentence of source 1 with "in 2031 door 73 procent" added)."""
    for n, text in sorted(sources_of(prompt).items()):
        for sentence in sentences_of(text):
            if _DIGITS.search(sentence):
                return f"{_DIGITS.sub(lambda m: str(int(m.group()) * 3 + 7), sentence)} [{n}]"
    sentence = sentences_of(sources_of(prompt)[1])[0]
    return f"{sentence.rstrip('.')}, in 2031 door 73 procent van de bedrijven. [1]"


def flood(prompt: str, size: int = 2_000_000) -> str:
    """A reply of about ``size`` characters: one supported sentence of source 1, repeated on ever new lines."""
    line = good(prompt)
    return "\n".join([line] * (size // (len(line) + 1) + 1))


def hangs(prompt: str) -> str:
    return STALL + good(prompt)


def hangs_mid_stream(prompt: str) -> str:
    """A verified sentence, the first word of the next (so the first is complete), silence past the
    deadline, then the rest of an invented sentence."""
    return f"{good(prompt)} Het {STALL}minimumloon is 2000 euro [1]."


def fails(prompt: str) -> None:
    return None


def trickles(prompt: str) -> str:
    return f"{TRICKLE}{good(prompt)}"


# --- the server --------------------------------------------------------------------------------


class FakeModel(BaseHTTPRequestHandler):
    """``/v1/chat/completions`` and ``/v1/completions`` in OpenAI's JSON and streaming formats."""

    server: Any

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append((self.path, body))
        chat = self.path.endswith("/chat/completions")
        prompt = "\n".join(m["content"] for m in body["messages"]) if chat else body["prompt"]
        reply = self.server.behaviour(prompt)
        if reply is None:
            return self._send(500, b'{"error": {"message": "boom", "type": "server_error"}}')
        if reply == GARBAGE:
            return self._send(200, b"this is not json")
        if body.get("stream"):
            return self._stream(reply, chat)
        if STALL in reply:
            time.sleep(self.server.stall_s)
            reply = reply.replace(STALL, "")
        if reply.startswith(TRICKLE):
            return self._trickle(json.dumps(_payload(reply.removeprefix(TRICKLE), chat)).encode())
        return self._send(200, json.dumps(_payload(reply, chat)).encode())

    def _send(self, status: int, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _trickle(self, data: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        for i in range(len(data)):
            if not self._write(data[i : i + 1]):
                return
            time.sleep(self.server.trickle_s)

    def _stream(self, reply: str, chat: bool) -> None:
        """Server-sent events, a word at a time; ``STALL`` pauses the stream there."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        self.close_connection = True
        for piece in _TOKENS.findall(reply.removeprefix(TRICKLE)):
            if STALL in piece:
                time.sleep(self.server.stall_s)
                piece = piece.replace(STALL, "")
            if piece and not self._write(_event(_chunk(piece, chat, None))):
                return
            time.sleep(self.server.token_s)
        self._write(_event(_chunk("", chat, "stop")) + b"data: [DONE]\n\n")

    def _write(self, data: bytes) -> bool:
        try:
            self.wfile.write(data)
            self.wfile.flush()
            return True
        except OSError:
            return False  # the client gave up

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


def _chunk(piece: str, chat: bool, finish: str | None) -> dict[str, Any]:
    choice: dict[str, Any] = {"index": 0, "finish_reason": finish}
    if chat:
        choice["delta"] = {"role": "assistant", "content": piece} if piece else {}
    else:
        choice.update(text=piece, logprobs=None)
    kind = "chat.completion.chunk" if chat else "text_completion"
    return {"id": "fake-1", "object": kind, "created": 0, "model": "fake", "choices": [choice]}


def _event(data: dict[str, Any]) -> bytes:
    return f"data: {json.dumps(data)}\n\n".encode()


@contextmanager
def fake_openai_server(behaviour: Behaviour = good, stall_s: float = 3.0) -> Iterator[Any]:
    """A running fake server; set ``.behaviour`` to change the model, read ``.requests``, use ``.base_url``."""
    httpd: Any = ThreadingHTTPServer(("127.0.0.1", 0), FakeModel)
    httpd.daemon_threads = True
    httpd.block_on_close = False
    httpd.requests = []
    httpd.behaviour = behaviour
    httpd.stall_s = stall_s  # a stall outlasts the client's deadline
    httpd.trickle_s = 0.2  # per byte when trickling
    httpd.token_s = 0.0  # per streamed word
    httpd.base_url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
