"""The evaluation gate: the committed thresholds hold for the real system, and a broken
retriever (random ranking) makes the gate fail."""

from __future__ import annotations

import random

import pytest

from assistant.compose import Composed
from assistant.records import Passage
from assistant.retrieve import Retrieval
from eval import gate
from eval.__main__ import evaluate
from eval.cases import load_cases, split_of
from eval.runner import summarize


class RandomRetriever:
    """Keeps the real evidence (so abstention is unchanged) but ranks passages at random."""

    def __init__(self, real, seed: int = 7) -> None:
        self.real = real
        self.params = real.params
        self.rng = random.Random(seed)

    def retrieve(self, query, filters=None, **options):
        truth = self.real.retrieve(query, filters, **options)
        chunks = self.rng.sample(self.real.index.chunks, len(truth.passages) or 10)
        passages = tuple(Passage(n, c, 0.0) for n, c in enumerate(chunks, start=1))
        groups = {c.recommendation_id or c.chunk_id: (p,) for c, p in zip(chunks, passages, strict=True)}
        return Retrieval(passages, truth.evidence, groups)


@pytest.fixture(scope="module")
def cases():
    return load_cases()


def test_cases_file_is_valid_and_large_enough(cases):
    assert len(cases) >= 100
    assert len({c.id for c in cases}) == len(cases)
    assert sum(c.should_abstain for c in cases) >= 20


class AlteringComposer:
    """The real composer, but every quoted line says "niet" where the source does not (its stored
    quote unchanged): what a composer that misquotes looks like to the ``support`` metric."""

    def __init__(self, real) -> None:
        self.real = real

    def compose(self, query, persona, retrieval, catalogue):
        composed = self.real.compose(query, persona, retrieval, catalogue)
        lines = [line.replace(" [", " niet [", 1) if line.endswith("]") else line for line in composed.text.split("\n")]
        return Composed("\n".join(lines), composed.citations)


def test_real_system_passes_the_committed_gate(assistant, cases):
    report = evaluate(with_baseline=False, assistant=assistant, cases=cases)
    failures = gate.check(report["split"]["heldout"], gate.load_thresholds(), gate.load_baseline())
    assert failures == []


def test_both_splits_are_reported_and_hold_cases_of_each_kind(assistant, cases):
    report = evaluate(with_baseline=False, assistant=assistant, cases=cases[::5])
    assert set(report["split"]) == {"train", "heldout"}
    assert sum(s["cases"] for s in report["split"].values()) == len(cases[::5])
    for split in ("train", "heldout"):
        mine = [c for c in cases if split_of(c) == split]
        assert sum(c.should_abstain for c in mine) >= 5 and sum(not c.should_abstain for c in mine) >= 40


def test_random_ranking_fails_the_gate(assistant, cases, monkeypatch):
    monkeypatch.setattr(assistant, "retriever", RandomRetriever(assistant.retriever))
    report = evaluate(with_baseline=False, assistant=assistant, cases=cases)
    failures = gate.check(report["split"]["heldout"], gate.load_thresholds(), gate.load_baseline())
    assert any(f.startswith("hit@5") for f in failures)
    assert any(f.startswith("citation_precision") for f in failures)


def test_a_misquoting_composer_fails_support(assistant, cases, monkeypatch):
    monkeypatch.setattr(assistant, "composer", AlteringComposer(assistant.composer))
    report = evaluate(with_baseline=False, assistant=assistant, cases=cases[::3])
    assert report["overall"]["support"] < 0.5  # overview answers are composed from the catalogue, not altered
    failures = gate.check(report["overall"], gate.load_thresholds(), {})
    assert any(f.startswith("support") for f in failures)


def test_gate_reads_maxima_and_margin():
    thresholds = {"margin": 0.02, "minimum": {"hit@5": 0.8, "false_abstention": 0.1}}
    assert gate.check({"hit@5": 0.85, "false_abstention": 0.05}, thresholds, {}) == []
    assert gate.check({"hit@5": 0.79, "false_abstention": 0.05}, thresholds, {})  # below minimum
    assert gate.check({"hit@5": 0.85, "false_abstention": 0.2}, thresholds, {})  # above maximum
    assert gate.check({"hit@5": 0.85, "false_abstention": 0.05}, thresholds, {"hit@5": 0.9})  # dropped


def test_summary_of_no_results_is_empty():
    assert summarize([]) == {}


def test_random_retriever_really_differs(assistant):
    from assistant.query import understand
    from ingest.text import stopwords

    query = understand("Wat is de J-curve?", assistant.index.vocabulary, stopwords())
    real = assistant.retriever.retrieve(query)
    fake = RandomRetriever(assistant.retriever).retrieve(query)
    assert [p.chunk.chunk_id for p in real.passages] != [p.chunk.chunk_id for p in fake.passages]
    assert "J-curve" in real.passages[0].chunk.text
    assert sum("J-curve" in p.chunk.text for p in fake.passages) < sum("J-curve" in p.chunk.text for p in real.passages)
