"""Calibrate the abstention thresholds on the training half of ``eval/cases.jsonl``.

For every case the query and its retrieval evidence are computed once; then, per language,
every threshold combination on a grid is scored on the **train** split only. The chosen one
answers no out-of-scope, injection or nonsense case when that is possible, and among those
abstains on the fewest in-scope cases, with the widest margin to the nearest out-of-scope case
as tie-break. The same thresholds are then scored on the **held-out** split, which the fit never
saw: those are the figures to believe. ``python -m eval calibrate`` prints both and writes
``assistant/thresholds.toml``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

from assistant.abstain import AbstentionRule, Thresholds, below
from assistant.query import Query
from assistant.records import Evidence, Filters
from assistant.understand import Understood

__all__ = ["Result", "Sample", "calibrate", "main", "score", "write_thresholds"]

COVERAGE_GRID = [round(0.05 * i, 2) for i in range(2, 17)]
DENSE_GRID = [round(0.80 + 0.005 * i, 3) for i in range(0, 17)]
DENSE_ALONE_GRID = [round(0.86 + 0.005 * i, 3) for i in range(0, 17)]
KEYWORD_ALONE_GRID = [8.0, 10.0, 12.0, 14.0, 99.0]


@dataclass(frozen=True)
class Sample:
    query: Query | Understood
    evidence: Evidence
    should_abstain: bool


@dataclass(frozen=True)
class Result:
    language: str
    thresholds: Thresholds
    false_answers: int  # out-of-scope cases answered
    false_abstentions: int  # in-scope cases abstained
    in_scope: int
    out_of_scope: int


def calibrate(samples: list[Sample]) -> list[Result]:
    return [_calibrate_language(lang, [s for s in samples if s.query.language == lang]) for lang in ("nl", "en")]


def _calibrate_language(language: str, samples: list[Sample]) -> Result:
    named_out = [s for s in samples if _refused_by_terms(s, language)]
    rest = [s for s in samples if s not in named_out]
    positives = [s.evidence for s in rest if not s.should_abstain]
    negatives = [s.evidence for s in rest if s.should_abstain]
    lost = sum(not s.should_abstain for s in named_out)  # in-scope cases the name rule refuses
    best: tuple[tuple[float, ...], Thresholds] | None = None
    for c, d, da, ka in itertools.product(COVERAGE_GRID, DENSE_GRID, DENSE_ALONE_GRID, KEYWORD_ALONE_GRID):
        t = Thresholds(c, d, da, ka)
        key = (sum(not below(e, t) for e in negatives), sum(below(e, t) for e in positives), -_margin(negatives, t))
        if best is None or key < best[0]:
            best = (key, t)
    assert best is not None
    (false_answers, false_abstentions, _), thresholds = best
    return Result(
        language,
        thresholds,
        int(false_answers),
        int(false_abstentions) + lost,
        sum(not s.should_abstain for s in samples),
        sum(s.should_abstain for s in samples),
    )


def _refused_by_terms(sample: Sample, language: str) -> bool:
    """Refused whatever the thresholds: an unknown specific term, or (Dutch) an unknown name."""
    question = sample.query
    if isinstance(question, Understood):
        if question.out_of_sources:
            return True
        question = question.query
    return language == "nl" and bool(question.unknown_names)


def _margin(negatives: list[Evidence], t: Thresholds) -> float:
    """How far the closest out-of-scope case stays from being answered (bigger is safer)."""
    gaps = [
        min(
            t.dense_alone - e.dense,
            (t.keyword_alone - e.keyword) / 100,
            max(t.coverage - e.coverage, t.dense - e.dense),
        )
        for e in negatives
    ]
    return min(gaps, default=0.0)


def score(language: str, thresholds: Thresholds, samples: list[Sample]) -> Result:
    """How given thresholds do on samples they were not fitted on (the name rule included)."""
    mine = [s for s in samples if s.query.language == language]
    rule = AbstentionRule({language: thresholds})
    refused = [rule.should_abstain(s.query, s.evidence) for s in mine]
    return Result(
        language,
        thresholds,
        sum(not r and s.should_abstain for s, r in zip(mine, refused, strict=True)),
        sum(r and not s.should_abstain for s, r in zip(mine, refused, strict=True)),
        sum(not s.should_abstain for s in mine),
        sum(s.should_abstain for s in mine),
    )


def write_thresholds(path: Path, results: list[Result], held_out: list[Result] | None = None) -> None:
    lines = [
        "# Abstention thresholds per question language, fitted on the train split of eval/cases.jsonl",
        "# by `python -m eval calibrate` (eval/calibrate.py); the held-out split was not seen by the fit.",
    ]
    scored: list[Result | None] = list(held_out) if held_out else [None] * len(results)
    for r, h in zip(results, scored, strict=True):
        t = r.thresholds
        lines += [
            f"# {r.language} train: {r.in_scope} in-scope cases, {r.false_abstentions} abstained; "
            f"{r.out_of_scope} out-of-scope/injection/nonsense cases, {r.false_answers} answered.",
            *(
                [
                    f"# {h.language} held out: {h.in_scope} in-scope cases, {h.false_abstentions} abstained; "
                    f"{h.out_of_scope} out-of-scope/injection/nonsense cases, {h.false_answers} answered."
                ]
                if h
                else []
            ),
            f"[abstain.{r.language}]",
            f"coverage = {t.coverage}",
            f"dense = {t.dense}",
            f"dense_alone = {t.dense_alone}",
            f"keyword_alone = {t.keyword_alone}",
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")
    AbstentionRule.load(path)  # what was written must load


def main() -> int:
    """``python -m eval calibrate``: fit on the train split, report both splits, write the thresholds."""
    from assistant.assistant import Assistant
    from eval.cases import load_cases, split_of

    assistant = Assistant()
    samples: dict[str, list[Sample]] = {"train": [], "heldout": []}
    for case in load_cases():
        understood = assistant.reader.read(case.question, case.history)
        evidence = assistant.retriever.retrieve(understood.query, _filters(understood)).evidence
        samples[split_of(case)].append(Sample(understood, evidence, case.should_abstain))
    results = calibrate(samples["train"])
    held_out = [score(r.language, r.thresholds, samples["heldout"]) for r in results]
    write_thresholds(assistant.settings.answer.thresholds, results, held_out)
    for split, figures in (("train", results), ("held out", held_out)):
        for r in figures:
            print(
                f"{split} {r.language}: {r.thresholds}; in-scope abstained {r.false_abstentions}/{r.in_scope}, "
                f"out-of-scope answered {r.false_answers}/{r.out_of_scope}"
            )
    return 0


def _filters(understood: Understood) -> Filters:
    return Filters(doc_ids=understood.scope.doc_ids)
