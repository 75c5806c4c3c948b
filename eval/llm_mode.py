"""``python -m eval --llm``: the eval cases answered by the configured language model, beside the
extractive answers, with ALCE-style citation recall and precision (``eval.metrics.citation_quality``)
computed with the verifier's own support function (``assistant.verify``). Writes ``eval/report-llm.md``;
the gated extractive report (``eval/report.md``) is left alone, and this mode gates nothing.

Per answer three readings are scored:

* **raw**: the model's output as it wrote it, before the verifier repaired or dropped anything
  (every sentence but the abstention phrase is a statement; its ``[n]`` name the passages given);
* **verified**: the sentences the user was shown, with their repaired citations (only answers
  whose model answer was shown, not the extractive fallback);
* **extractive**: the default answer to the same question (each quoted line against the passage
  of its quote), as a reference.

Besides, how each answer ended (shown, model abstained, fallen back because nothing was supported
or because the model failed) and the sentence counts of the verifier.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from assistant.compose import phrase
from assistant.llm import notices
from assistant.records import Answer
from assistant.verify import WEIGHTS, score
from corpus.records import Chunk
from eval.cases import Case
from eval.metrics import CitationQuality, Statement, citation_quality
from eval.runner import run_case, summarize

REPORT_FILE = "report-llm.md"
_MARKED = re.compile(r"^(.*?)\s*\[(\d+)\]$")


class Outcome(StrEnum):
    SHOWN = "model answer shown (verified)"
    MODEL_ABSTAINED = "model abstained"
    UNSUPPORTED = "extractive fallback: nothing supported"
    UNAVAILABLE = "extractive fallback: model failed or timed out"
    NOT_ASKED = "abstained before the model was asked"


@dataclass(frozen=True)
class Judged:
    case: Case
    outcome: Outcome
    raw: CitationQuality
    verified: CitationQuality
    extractive: CitationQuality
    sentences: Counter[str]  # the verifier's statuses of the model's sentences


def outcome_of(answer: Answer) -> Outcome:
    v = answer.verification
    if v is None:
        return Outcome.NOT_ASKED
    if v.notice == notices()[answer.language]["notice_unavailable"]:
        return Outcome.UNAVAILABLE
    if v.notice is not None:
        return Outcome.UNSUPPORTED
    return Outcome.MODEL_ABSTAINED if answer.abstained else Outcome.SHOWN


def raw_statements(answer: Answer) -> list[Statement]:
    """What the model wrote: every sentence except the abstention phrase, with its citations as written."""
    if answer.verification is None:
        return []
    abstain = phrase(answer.language, "abstain")
    return [Statement(s.text, s.cited) for s in answer.verification.sentences if s.text != abstain]


def verified_statements(answer: Answer) -> list[Statement]:
    """What the user was shown of the model's answer, in the numbering of the passages given to it."""
    v = answer.verification
    if v is None or v.notice is not None:
        return []
    return [
        Statement(s.text, tuple(v.sources[n - 1] for n in s.citations))
        for s in v.sentences
        if s.status != "dropped" and s.citations
    ]


def extractive_statements(answer: Answer, chunks: Sequence[Chunk]) -> tuple[list[Statement], list[Chunk]]:
    """Each quoted line of an extractive answer, citing the passage its quote comes from."""
    passages, number, statements = [], {}, []
    for citation in answer.citations:
        found = next((c for c in chunks if c.doc_id == citation.doc_id and citation.quote in c.text), None)
        if found is not None:
            passages.append(found)
            number[citation.n] = len(passages)
    body = answer.answer.split(f"\n\n{phrase(answer.language, 'sources')}\n")[0]
    for line in body.splitlines():
        match = _MARKED.match(line.strip())
        if match and int(match.group(2)) in number:
            statements.append(Statement(match.group(1), (number[int(match.group(2))],)))
    return statements, passages


def quality(statements: Sequence[Statement], passages: Sequence[Chunk], assistant: Any) -> CitationQuality:
    """ALCE figures of one answer, with the verifier's support (its weights, the stored passage vectors)."""
    scores = score([s.text for s in statements], passages, assistant.embedder, assistant.index.vectors_of(passages))
    return citation_quality(
        statements, len(passages), lambda i, columns: scores.joint_support(i, columns) >= WEIGHTS.threshold
    )


def judge(case: Case, extractive: Answer, answer: Answer, assistant: Any) -> Judged:
    given = [p.chunk for p in answer.passages[: assistant.settings.llm.sources]]
    quoted, quoted_passages = extractive_statements(extractive, assistant.index.chunks)
    statuses = Counter(s.status for s in answer.verification.sentences) if answer.verification else Counter()
    return Judged(
        case,
        outcome_of(answer),
        quality(raw_statements(answer), given, assistant),
        quality(verified_statements(answer), given, assistant),
        quality(quoted, quoted_passages, assistant),
        statuses,
    )


def evaluate_llm(extractive: Any, llm: Any, cases: Sequence[Case]) -> dict[str, Any]:
    """Every case through both assistants (same index); the figures side by side."""
    catalogue = llm.index.catalogue
    chunks = {c.chunk_id: c for c in llm.index.chunks}
    judged, extractive_results, llm_results = [], [], []
    for case in cases:
        plain = extractive.ask(case.question, case.persona)
        answer = llm.ask(case.question, case.persona)
        extractive_results.append(run_case(case, plain, catalogue, chunks))
        llm_results.append(run_case(case, answer, catalogue, chunks))
        judged.append(judge(case, plain, answer, llm))
    outcomes = Counter(j.outcome for j in judged)
    asked = sum(n for o, n in outcomes.items() if o is not Outcome.NOT_ASKED)
    return {
        "cases": len(cases),
        "index_version": llm.index.version,
        "model": llm.settings.llm.model,
        "endpoint": llm.settings.llm.base_url,
        "threshold": WEIGHTS.threshold,
        "rows": {
            "extractive": summarize(extractive_results) | _alce([j.extractive for j in judged]),
            "LLM, raw model output": _alce([j.raw for j in judged]),
            "LLM, as shown (verified or fallback)": summarize(llm_results),
            "LLM, verified sentences": _alce([j.verified for j in judged]),
        },
        "outcomes": {str(o): outcomes.get(o, 0) for o in Outcome},
        "fallback_share": round((outcomes[Outcome.UNSUPPORTED] + outcomes[Outcome.UNAVAILABLE]) / asked, 4)
        if asked
        else None,
        "sentences": dict(sum((j.sentences for j in judged), Counter())),
        "per_case": [
            {"id": j.case.id, "outcome": str(j.outcome), "raw": _pair(j.raw), "verified": _pair(j.verified)}
            for j in judged
        ],
    }


def _alce(qualities: Sequence[CitationQuality]) -> dict[str, float | int]:
    """Means over the answers where each figure applies."""
    recall = [q.recall for q in qualities if q.recall is not None]
    precision = [q.precision for q in qualities if q.precision is not None]
    figures: dict[str, float | int] = {
        "answers_scored": len(recall),
        "statements": sum(q.statements for q in qualities),
    }
    if recall:
        figures["alce_citation_recall"] = round(statistics.mean(recall), 4)
    if precision:
        figures["alce_citation_precision"] = round(statistics.mean(precision), 4)
    return figures


def _pair(q: CitationQuality) -> list[float | None]:
    return [None if q.recall is None else round(q.recall, 3), None if q.precision is None else round(q.precision, 3)]


def pick(cases: Sequence[Case], limit: int | None) -> list[Case]:
    """``limit`` cases spread evenly over the file (all categories), or all of them."""
    if not limit or limit >= len(cases):
        return list(cases)
    step = len(cases) / limit
    return [cases[int(i * step)] for i in range(limit)]


# --- the report ------------------------------------------------------------------------------------

COLUMNS = [
    ("answers_scored", "answers scored"),
    ("statements", "statements"),
    ("alce_citation_recall", "ALCE cit.rec"),
    ("alce_citation_precision", "ALCE cit.prec"),
    ("citation_precision", "rec. cit.prec"),
    ("citation_recall", "rec. cit.rec"),
    ("page_accuracy", "pages"),
    ("abstention_accuracy", "abst.acc"),
    ("false_abstention", "false abst"),
    ("latency_p50_ms", "p50 ms"),
    ("latency_p95_ms", "p95 ms"),
]


def render(report: dict[str, Any]) -> str:
    lines = [
        "# Evaluation report: language-model answers\n",
        f"{report['cases']} cases from `eval/cases.jsonl`; index {report['index_version']}; model "
        f"`{report['model']}` at {report['endpoint']}; verifier threshold {report['threshold']}. "
        "ALCE figures use the verifier's support function; rec. = the extractive report's "
        "recommendation-level figures (`eval/README.md`).\n",
        "## Side by side\n",
        _table(report["rows"]),
        "\n## How the answers ended\n",
        *[f"- {name}: {count}" for name, count in report["outcomes"].items()],
        f"\nShare of the answers the model was asked for that fell back to the extractive answer: "
        f"{_cell(report['fallback_share'])}.",
        "\nThe model's sentences, as the verifier judged them: "
        + (", ".join(f"{k} {v}" for k, v in sorted(report["sentences"].items())) or "none")
        + ".",
        "\n## Per case (ALCE recall, precision: raw → verified)\n",
        *[
            f"- `{c['id']}`: {c['outcome']}; raw {_pair_text(c['raw'])} → verified {_pair_text(c['verified'])}"
            for c in report["per_case"]
        ],
    ]
    return "\n".join(lines) + "\n"


def _table(rows: dict[str, dict[str, Any]]) -> str:
    out = ["| | " + " | ".join(title for _, title in COLUMNS) + " |", "|" + "---|" * (len(COLUMNS) + 1)]
    for name, metrics in rows.items():
        out.append(f"| {name} | " + " | ".join(_cell(metrics.get(key)) for key, _ in COLUMNS) + " |")
    return "\n".join(out)


def _cell(value: float | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return str(value)
    return f"{value:.1f}" if value > 1.5 else f"{value:.3f}"


def _pair_text(pair: list[float | None]) -> str:
    return "/".join("–" if v is None else f"{v:.2f}" for v in pair)


def write(report: dict[str, Any], folder: Path) -> str:
    text = render(report)
    (folder / REPORT_FILE).write_text(text, encoding="utf-8")
    return text
