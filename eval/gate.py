"""The CI gate: every metric must reach its threshold and may not drop far below the baseline.

The gate reads the **held-out** split (``eval/cases.py`` ``split_of``): figures of cases that no
fit (abstention thresholds, tuning) has seen. ``eval/thresholds.toml`` holds a minimum (or, for
latency and false abstention, a maximum) per metric: they start where the system is and only
ever go up. ``eval/baseline.json`` holds the last accepted held-out figures; a metric may not
fall more than ``margin`` below it.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

HERE = Path(__file__).parent
THRESHOLDS_FILE = HERE / "thresholds.toml"
BASELINE_FILE = HERE / "baseline.json"
LOWER_IS_BETTER = {"false_abstention", "latency_p50_ms", "latency_p95_ms"}


def load_thresholds(path: Path = THRESHOLDS_FILE) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def load_baseline(path: Path = BASELINE_FILE) -> dict[str, float]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def check(metrics: dict[str, float], thresholds: dict, baseline: dict[str, float]) -> list[str]:
    """Human-readable failures; empty when the gate passes."""
    failures = []
    for name, limit in thresholds["minimum"].items():
        value = metrics.get(name)
        if value is None:
            failures.append(f"{name}: missing from the report")
        elif name in LOWER_IS_BETTER and value > limit:
            failures.append(f"{name} = {value} is above its maximum {limit}")
        elif name not in LOWER_IS_BETTER and value < limit:
            failures.append(f"{name} = {value} is below its threshold {limit}")
    margin = thresholds["margin"]
    for name, before in baseline.items():
        value = metrics.get(name)
        if value is None or name.startswith("latency"):
            continue  # latency is machine-dependent: gated by its maximum only
        drop = value - before if name in LOWER_IS_BETTER else before - value
        if drop > margin:
            failures.append(f"{name} = {value} dropped more than {margin} from the baseline {before}")
    return failures
