"""The eval suite's language-model mode against fake OpenAI-compatible servers on 127.0.0.1, and
the ALCE citation metrics on their own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from corpus.settings import LLMSettings, Settings
from eval.cases import load_cases
from eval.llm_mode import REPORT_FILE, Outcome, evaluate_llm, pick, write
from eval.metrics import Statement, citation_quality
from tests.fakes.openai_server import fake_openai_server, good_two, swapped

CASE_IDS = ("ov-2.3-beleid", "ov-4.3-ondernemer", "aiw-2.2-ondernemer", "fact-npal-105", "oos-opzegtermijn")
RAW, VERIFIED = "LLM, raw model output", "LLM, verified sentences"


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    with fake_openai_server(good_two) as httpd:
        yield httpd


@pytest.fixture(scope="module")
def llm_assistant(real_settings: Settings, assistant: Any, server: Any) -> Any:
    from assistant.assistant import Assistant

    llm = LLMSettings(enabled=True, base_url=server.base_url, model="fake", timeout_s=5.0)
    return Assistant(real_settings.model_copy(update={"llm": llm}), embedder=assistant.embedder)


@pytest.fixture(scope="module")
def cases() -> list[Any]:
    by_id = {c.id: c for c in load_cases()}
    return [by_id[i] for i in CASE_IDS]


@pytest.mark.slow
def test_a_model_citing_correctly_scores_high(assistant: Any, llm_assistant: Any, server: Any, cases: Any) -> None:
    server.behaviour = good_two
    report = evaluate_llm(assistant, llm_assistant, cases)
    raw, verified = report["rows"][RAW], report["rows"][VERIFIED]
    assert raw["answers_scored"] == 4 and raw["statements"] == 8
    assert raw["alce_citation_recall"] >= 0.9 and raw["alce_citation_precision"] >= 0.9
    assert verified["alce_citation_recall"] == verified["alce_citation_precision"] == 1.0
    assert report["outcomes"][Outcome.SHOWN] == 4 and report["outcomes"][Outcome.NOT_ASKED] == 1
    assert report["fallback_share"] == 0.0
    assert report["rows"]["extractive"]["alce_citation_recall"] == 1.0


@pytest.mark.slow
def test_a_model_citing_wrongly_scores_low_raw_but_its_shown_answer_holds(
    assistant: Any, llm_assistant: Any, server: Any, cases: Any, tmp_path: Path
) -> None:
    server.behaviour = swapped
    report = evaluate_llm(assistant, llm_assistant, cases)
    raw, verified = report["rows"][RAW], report["rows"][VERIFIED]
    assert raw["alce_citation_recall"] <= 0.25 and raw["alce_citation_precision"] <= 0.25
    assert verified["answers_scored"] >= 3
    assert verified["alce_citation_recall"] >= 0.95 and verified["alce_citation_precision"] >= 0.95
    assert report["sentences"]["repaired"] >= 6
    text = write(report, tmp_path)
    assert (tmp_path / REPORT_FILE).read_text(encoding="utf-8") == text
    assert "| LLM, raw model output |" in text and "ALCE cit.rec" in text and "fell back" in text


def test_citation_quality_follows_alce() -> None:
    supported = {(0, (0,)), (1, (0, 1)), (1, (1,)), (2, (0, 1)), (2, (0,))}

    def supports(i: int, passages: Any) -> bool:
        return (i, tuple(passages)) in supported

    statements = [
        Statement("one source, supported", (1,)),
        Statement("two sources, [1] irrelevant", (1, 2)),  # [2] alone supports it: [1] is not needed
        Statement("two sources, both needed?", (1, 2)),  # [1] alone supports it: [2] is irrelevant
        Statement("unknown source", (9,)),
        Statement("uncited", ()),
    ]
    quality = citation_quality(statements, 2, supports)
    assert quality.recall == 3 / 5
    assert quality.precision == 3 / 6  # [1]; [2] of the 2nd; [1] of the 3rd; the unknown [9] counts as imprecise
    assert citation_quality([], 2, supports).recall is None


def test_pick_spreads_the_cases() -> None:
    cases = load_cases()
    picked = pick(cases, 20)
    assert len(picked) == 20 and len({c.category for c in picked}) >= 6
    assert pick(cases, None) == cases
