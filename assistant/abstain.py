"""When the best evidence is weak, the assistant says so instead of guessing.

The rule reads the retrieval's ``Evidence``: the question's content words must be found in the
best passages (coverage), or the dense similarity must be high. Its thresholds are calibrated
on the repo's question set (``eval/cases.jsonl``) by ``python -m assistant calibrate`` and kept
in ``assistant/thresholds.toml``; they are data, not guesses in code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from assistant.records import Evidence


@dataclass(frozen=True)
class Thresholds:
    coverage: float  # answer when at least this share of content words is found …
    dense: float  # … and the best dense similarity is at least this
    dense_alone: float  # or when the dense similarity alone is at least this

    @classmethod
    def load(cls, path: Path) -> Thresholds:
        data = tomllib.loads(path.read_text(encoding="utf-8"))["abstain"]
        return cls(float(data["coverage"]), float(data["dense"]), float(data["dense_alone"]))


def should_abstain(evidence: Evidence, thresholds: Thresholds) -> bool:
    if evidence.coverage >= thresholds.coverage and evidence.dense >= thresholds.dense:
        return False
    return evidence.dense < thresholds.dense_alone
