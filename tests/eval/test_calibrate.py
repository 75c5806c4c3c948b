"""The abstention fit (eval/calibrate.py) on synthetic evidence: no index, no model."""

from __future__ import annotations

import random

import pytest

from assistant.abstain import FEATURES, AbstentionRule
from assistant.query import Query
from assistant.records import Evidence
from eval.calibrate import Sample, cost_threshold, fit, score, write_thresholds


def _sample(rng: random.Random, answerable: bool, language: str = "nl") -> Sample:
    base = 0.88 if answerable else 0.83
    evidence = Evidence(
        dense=base + rng.uniform(-0.02, 0.02),
        keyword=(8.0 if answerable else 2.0) + rng.uniform(-2, 2),
        coverage=(0.7 if answerable else 0.3) + rng.uniform(-0.2, 0.2),
        unit_dense=base + rng.uniform(-0.02, 0.02),
        unit_keyword=(9.0 if answerable else 2.0) + rng.uniform(-2, 2),
        agreement=rng.choice([1, 2, 3] if answerable else [0, 0, 1]),
    )
    return Sample(Query("vraag", language, "vraag", ("vraag",)), evidence, not answerable)


def _samples(seed: int, n: int = 60) -> list[Sample]:
    rng = random.Random(seed)
    return [_sample(rng, i % 3 != 0, "en" if i % 7 == 0 else "nl") for i in range(n)]


def test_the_fit_answers_no_out_of_scope_training_case_and_most_in_scope_ones():
    train = _samples(1)
    model = fit(train)
    result = score(model, train)
    assert result.false_answers == 0
    assert result.false_abstentions <= 2
    weights = dict(zip(FEATURES, model.weights, strict=True))
    assert weights["dense"] > 0 and weights["unit_keyword"] > 0 and weights["coverage"] > 0


def test_the_fitted_rule_holds_on_samples_it_did_not_see():
    model = fit(_samples(1))
    unseen = score(model, _samples(2))
    assert unseen.false_answers <= 1 and unseen.false_abstentions <= 3


def test_the_fit_needs_both_kinds_of_cases():
    rng = random.Random(3)
    with pytest.raises(ValueError, match="both"):
        fit([_sample(rng, True) for _ in range(10)])


def test_what_is_written_loads_as_the_same_rule(tmp_path):
    train = _samples(4)
    model = fit(train)
    path = tmp_path / "thresholds.toml"
    write_thresholds(path, model, score(model, train))
    assert AbstentionRule.load(path).model == model
    assert "held out" not in path.read_text(encoding="utf-8")


def test_a_clear_separation_gives_a_cut_between_the_two_kinds():
    scored = [(1 + i / 10, False) for i in range(100)] + [(-1 - i / 10, True) for i in range(20)]
    assert -1 < cost_threshold(scored) <= 1


def test_the_threshold_is_deterministic():
    rng = random.Random(3)
    scored = [(rng.random(), i % 4 == 0) for i in range(60)]
    assert cost_threshold(scored) == cost_threshold(scored)
