"""``eval/report.md`` (readable, also printed) and ``eval/report.json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

COLUMNS = [
    "hit@1",
    "hit@3",
    "hit@5",
    "mrr@10",
    "citation_precision",
    "citation_recall",
    "page_accuracy",
    "support",
    "abstention_accuracy",
    "false_abstention",
    "paraphrase_agreement",
    "right@1",
    "right@3",
    "overview_complete",
    "latency_p50_ms",
    "latency_p95_ms",
]
SHORT = {
    "citation_precision": "cit.prec",
    "citation_recall": "cit.rec",
    "page_accuracy": "pages",
    "abstention_accuracy": "abst.acc",
    "false_abstention": "false abst",
    "paraphrase_agreement": "paraphr",
    "overview_complete": "complete",
    "latency_p50_ms": "p50 ms",
    "latency_p95_ms": "p95 ms",
}
TARGETS = {"hit@5": 0.95, "citation_precision": 0.9, "abstention_accuracy": 1.0, "false_abstention": 0.05}


def render(report: dict[str, Any]) -> str:
    lines = [
        f"# Evaluation report\n\n{report['cases']} cases from `eval/cases.jsonl`; "
        f"index {report['index_version']}; embedder {report['embedder']}.\n"
    ]
    lines += ["## Overall\n", _table({"assistant": report["overall"], **report.get("baseline", {})})]
    if report.get("split"):
        lines += [
            "\n## Train and held-out splits\n",
            "Thresholds are fitted on `train` only (`python -m eval calibrate`); the gate reads `heldout`.\n",
            _table(report["split"]),
        ]
    lines += ["\n## Targets (issue: evaluation suite)\n", _targets(report["overall"])]
    lines += ["\n## Per category\n", _table(report["per_category"])]
    lines += ["\n## Per document\n", _table(report["per_document"])]
    if report.get("gate"):
        lines += ["\n## Gate\n"] + [f"- FAIL {f}" for f in report["gate"]]
    else:
        lines += [
            "\n## Gate\n",
            "All thresholds met on the held-out split, no drop beyond the margin from `eval/baseline.json`.",
        ]
    return "\n".join(lines) + "\n"


def _table(rows: dict[str, dict[str, float]]) -> str:
    header = ["", "cases", *[SHORT.get(c, c) for c in COLUMNS]]
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, metrics in rows.items():
        cells = [name, str(metrics.get("cases", ""))] + [_cell(metrics.get(c)) for c in COLUMNS]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def _cell(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if value > 1.5 else f"{value:.3f}"


def _targets(overall: dict[str, float]) -> str:
    rows = []
    for name, target in TARGETS.items():
        value = overall.get(name)
        met = value is not None and (value <= target if name == "false_abstention" else value >= target)
        sign = "≤" if name == "false_abstention" else "≥"
        rows.append(f"- {name}: {_cell(value)} (target {sign} {target}) — {'met' if met else 'NOT met yet'}")
    return "\n".join(rows)


def write(report: dict[str, Any], folder: Path) -> str:
    text = render(report)
    (folder / "report.md").write_text(text, encoding="utf-8")
    (folder / "report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    return text
