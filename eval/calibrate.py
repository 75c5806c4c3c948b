"""Fit the abstention rule on the training half of ``eval/cases.jsonl``.

For every case the question is understood and retrieved once. Cases the question alone refuses
(a task, an unknown specific topic, an unknown name: ``refused_by_question``) take no part in the
fit. On the rest of the **train** split a logistic regression (standardised features, L2 penalty)
learns how much each evidence signal says about "the sources answer this"; the threshold is then
the median, over bootstrap resamples of the train cases, of the cut with the lowest cost, where
answering an out-of-scope, injection or nonsense case costs ``ANSWER_COST`` times as much as refusing
an in-scope one. (Requiring no such
case to be answered let one near-domain question with strong evidence, a fine under the AI Act the
sources discuss, set the bar for all: 58% of in-scope train questions refused.) The same rule is
then scored on the **held-out** split, which the fit never saw: those are the figures to believe.
``python -m eval calibrate`` prints both and writes ``assistant/thresholds.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from assistant.abstain import FEATURES, AbstentionRule, Model, features, lacks_asked_fact, refused_by_question
from assistant.query import Query
from assistant.records import Evidence
from assistant.understand import Understood

__all__ = ["Result", "Sample", "cost_threshold", "fit", "main", "score", "write_thresholds"]

PENALTY = 0.1  # L2 weight on the standardised coefficients (0.03–0.3 give the same train figures)
MARGIN = 0.05  # a cut lies this far above the score of the out-of-scope case it refuses
ANSWER_COST = 4.0  # an out-of-scope question answered weighs as much as this many in-scope ones refused
STEPS = 4000
BOOTSTRAP = 200  # resamples of the train cases whose lowest-cost cuts are summarised by their median
BOOTSTRAP_SEED = 11
LEARNING_RATE = 0.5


@dataclass(frozen=True)
class Sample:
    query: Query | Understood
    evidence: Evidence
    should_abstain: bool


@dataclass(frozen=True)
class Result:
    false_answers: int  # out-of-scope cases answered
    false_abstentions: int  # in-scope cases abstained
    in_scope: int
    out_of_scope: int


def fit(samples: list[Sample]) -> Model:
    """The logistic model and its threshold, from the samples the hard rules (the question alone,
    or a fact of the asked type missing from the passages) do not refuse."""
    rest = [s for s in samples if not refused_by_question(s.query) and not lacks_asked_fact(s.query, s.evidence)]
    if not any(s.should_abstain for s in rest) or all(s.should_abstain for s in rest):
        raise ValueError("calibration needs both in-scope and out-of-scope cases")
    x = np.array([features(s.query, s.evidence) for s in rest])
    y = np.array([0.0 if s.should_abstain else 1.0 for s in rest])
    center, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - center) / scale
    weights, bias = np.zeros(len(FEATURES)), 0.0
    for _ in range(STEPS):  # plain gradient descent: a convex problem of eight variables
        p = 1.0 / (1.0 + np.exp(-(z @ weights + bias)))
        weights -= LEARNING_RATE * (z.T @ (p - y) / len(y) + PENALTY * weights)
        bias -= LEARNING_RATE * float(np.mean(p - y))
    model = Model(_rounded(center), _rounded(scale), _rounded(weights), round(bias, 4), 0.0)
    scored = [(model.score(features(s.query, s.evidence)), s.should_abstain) for s in rest]
    return replace(model, threshold=round(cost_threshold(scored), 4))


def cost_threshold(scored: list[tuple[float, bool]]) -> float:
    """The median over bootstrap resamples of the train cases of the lowest-cost cut. One out-of-scope
    case with strong evidence moves a single cut a long way, the median of many much less: with two
    such near-domain questions on train, the single cut refused 13 of 237 held-out in-scope questions,
    the median 9, answering the same 7 of 55 out-of-scope ones (docs/retrieval.md)."""
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    n = len(scored)
    cuts = [_lowest_cost_cut([scored[i] for i in rng.integers(0, n, n)]) for _ in range(BOOTSTRAP)]
    return float(np.median(cuts))


def _lowest_cost_cut(scored: list[tuple[float, bool]]) -> float:
    """The cut with the lowest cost, an answered out-of-scope case costing ``ANSWER_COST`` refused
    in-scope ones; among equal costs the highest cut (the safer side), just above a case's score."""
    cuts = sorted({score + MARGIN for score, out in scored if out} | {min(s for s, _ in scored)})
    best: tuple[float, float] | None = None
    for cut in cuts:
        cost = sum(ANSWER_COST if out else 0.0 for s, out in scored if s >= cut and out)
        cost += sum(1.0 for s, out in scored if s < cut and not out)
        if best is None or cost <= best[0]:
            best = (cost, cut)
    assert best is not None
    return best[1]


def _rounded(values: np.ndarray) -> tuple[float, ...]:
    return tuple(round(float(v), 4) for v in values)


def score(model: Model, samples: list[Sample]) -> Result:
    """How the rule does on samples (the question rules included)."""
    rule = AbstentionRule(model)
    refused = [rule.should_abstain(s.query, s.evidence) for s in samples]
    return Result(
        sum(not r and s.should_abstain for s, r in zip(samples, refused, strict=True)),
        sum(r and not s.should_abstain for s, r in zip(samples, refused, strict=True)),
        sum(not s.should_abstain for s in samples),
        sum(s.should_abstain for s in samples),
    )


def write_thresholds(path: Path, model: Model, train: Result, held_out: Result | None = None) -> None:
    def numbers(values: tuple[float, ...]) -> str:
        return "[" + ", ".join(str(v) for v in values) + "]"

    lines = [
        "# The abstention rule, fitted on the train split of eval/cases.jsonl by `python -m eval calibrate`",
        "# (eval/calibrate.py); the held-out split was not seen by the fit. Answered when",
        "# bias + sum(weight * (feature - center) / scale) >= threshold (assistant/abstain.py).",
        f"# train: {train.in_scope} in-scope cases, {train.false_abstentions} abstained; "
        f"{train.out_of_scope} out-of-scope/injection/nonsense cases, {train.false_answers} answered.",
    ]
    if held_out:
        lines.append(
            f"# held out: {held_out.in_scope} in-scope cases, {held_out.false_abstentions} abstained; "
            f"{held_out.out_of_scope} out-of-scope/injection/nonsense cases, {held_out.false_answers} answered."
        )
    lines += [
        "[abstain]",
        "features = [" + ", ".join(f'"{f}"' for f in FEATURES) + "]",
        f"center = {numbers(model.center)}",
        f"scale = {numbers(model.scale)}",
        f"weights = {numbers(model.weights)}",
        f"bias = {model.bias}",
        f"threshold = {model.threshold}",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    AbstentionRule.load(path)  # what was written must load


def main() -> int:
    """``python -m eval calibrate``: fit on the train split, report both splits, write the rule."""
    from assistant.assistant import Assistant, retrieve_in_conversation
    from eval.cases import load_cases, split_of

    unfitted = AbstentionRule(Model((0.0,) * len(FEATURES), (1.0,) * len(FEATURES), (0.0,) * len(FEATURES), 0.0, 0.0))
    assistant = Assistant(abstention=unfitted)  # the file may be outdated: it is what this run writes
    samples: dict[str, list[Sample]] = {"train": [], "heldout": []}
    for case in load_cases():
        understood = assistant.reader.read(case.question, case.history)
        retrieval = retrieve_in_conversation(
            assistant.retriever, assistant.reader, assistant.index.catalogue, understood, case.history
        )
        samples[split_of(case)].append(Sample(understood, retrieval.evidence, case.should_abstain))
    model = fit(samples["train"])
    train, held_out = score(model, samples["train"]), score(model, samples["heldout"])
    write_thresholds(assistant.settings.answer.thresholds, model, train, held_out)
    print(f"weights: {dict(zip(FEATURES, model.weights, strict=True))}, threshold {model.threshold}")
    for split, r in (("train", train), ("held out", held_out)):
        print(
            f"{split}: in-scope abstained {r.false_abstentions}/{r.in_scope}, "
            f"out-of-scope answered {r.false_answers}/{r.out_of_scope}"
        )
    return 0
