"""Run every case through the assistant (and the naive baseline) and compute the metrics.

Metrics (per case, then averaged overall, per category and per document):

* ``hit@1/3/5``, ``mrr@10`` – rank of the first relevant passage of the ranked evidence (a passage
  counts when it belongs to an expected recommendation or contains an expected phrase);
* ``citation_precision`` – share of cited recommendations that are expected (a main
  recommendation and its sub-recommendations count for each other);
* ``citation_recall`` – share of cases whose answer cites an expected recommendation;
* ``page_accuracy`` – share of citations on an expected page or a page of an expected recommendation;
* ``support`` – share of answer sentences (after a template phrase) found verbatim in the text of
  the chunk their ``[n]`` cites, looked up in the index (not in the composer's own record);
* ``right@1`` / ``right@3`` – share of in-scope cases with expected recommendations whose first
  (first three) cited recommendation(s) include an expected one; an abstention is not right. Unlike
  ``citation_precision``, it does not improve by citing fewer recommendations or none;
* ``abstention_accuracy`` – share of out-of-scope/injection/nonsense cases that abstained;
* ``false_abstention`` – share of in-scope cases that abstained;
* ``paraphrase_agreement`` – share of paraphrase pairs whose first cited recommendation agrees;
* ``latency_p50/p95_ms`` – total time of ``ask``.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from assistant.compose import phrase, templates
from assistant.records import Answer
from corpus.records import Catalogue, Chunk
from eval.cases import Case
from eval.metrics import belongs, first_relevant_rank, hit_at, reciprocal_rank

_MARKED = re.compile(r"^(.*?)\s*\[(\d+)\]$")


@dataclass
class CaseResult:
    case: Case
    rank: int | None  # first relevant passage, 1-based
    abstained: bool
    cited: list[str] = field(default_factory=list)  # recommendation ids, in citation order
    precise: list[bool] = field(default_factory=list)  # per cited recommendation: expected?
    pages_ok: list[bool] = field(default_factory=list)  # per citation: on an expected page?
    supported: list[bool] = field(default_factory=list)  # per answer sentence: in the text of the chunk it cites?
    latency_ms: float = 0.0


def run_case(case: Case, answer: Answer, catalogue: Catalogue, chunks: Mapping[str, Chunk] | None = None) -> CaseResult:
    """Score one answer; ``chunks`` (the index's chunks by id) is needed for ``support``."""
    result = CaseResult(
        case,
        first_relevant_rank([p.chunk for p in answer.passages], case),
        answer.abstained,
        latency_ms=answer.timings_ms.get("total", 0.0),
    )
    expected_pages = set(case.expected_pages) | _pages_of(case.expected_recommendations, catalogue)
    for citation in answer.citations:
        # a best practice is cited for its example, not as a recommendation of its own
        if citation.recommendation_id and not citation.best_practice and citation.recommendation_id not in result.cited:
            result.cited.append(citation.recommendation_id)
            result.precise.append(related(citation.recommendation_id, case.expected_recommendations))
        result.pages_ok.append(citation.page_label in expected_pages)
    result.supported = sentence_support(answer, chunks) if chunks is not None else []
    return result


def _complete(result: CaseResult) -> bool:
    """Every expected recommendation is cited (itself, or for a main recommendation one of its subs)."""
    return all(any(c == e or c.startswith(e + ".") for c in result.cited) for e in result.case.expected_recommendations)


def topic_result(case: Case, rec_ids: Sequence[str]) -> CaseResult:
    """A policy-note topic: the recommendations proposed for it, scored like cited ones."""
    cited = list(dict.fromkeys(rec_ids))
    precise = [related(r, case.expected_recommendations) for r in cited]
    return CaseResult(case, None, not cited, cited, precise)


def related(rec_id: str, expected: Sequence[str]) -> bool:
    """The recommendation is one of ``expected``, a sub-recommendation of one, or the main one of one."""
    return belongs(rec_id, expected) or any(e.startswith(rec_id + ".") for e in expected)


def _pages_of(rec_ids: Sequence[str], catalogue: Catalogue) -> set[str]:
    return {label for r in catalogue.recommendations if r.rec_id in rec_ids for label in r.page_labels}


def sentence_support(answer: Answer, chunks: Mapping[str, Chunk]) -> list[bool]:
    """Per answer line with a ``[n]`` marker: is what it says, after a fixed template phrase, found
    verbatim in the text of the chunk that citation n points at? The chunk comes from the index,
    so a composer that stores a quote it did not take from the source is caught."""
    cited = {c.n: chunks.get(c.chunk_id) for c in answer.citations}
    prefixes = _template_prefixes(answer.language)
    supported = []
    for line in answer.answer.split(f"\n\n{phrase(answer.language, 'sources')}\n")[0].splitlines():
        match = _MARKED.match(line)
        if match:
            chunk = cited.get(int(match.group(2)))
            said = prefixes.sub("", match.group(1), count=1).strip()
            supported.append(chunk is not None and bool(said) and said in chunk.text)
    return supported


def _template_prefixes(language: str) -> re.Pattern[str]:
    """The template phrases that may open a quoted line ("Voorbeeld uit de praktijk: {name}.")."""
    patterns = [
        re.escape(text).replace(r"\{name\}", ".+?") for key, text in templates()[language].items() if key == "practice"
    ]
    return re.compile(rf"^(?:{'|'.join(patterns)})\s+")


def summarize(results: list[CaseResult]) -> dict[str, float]:
    """Averages over the cases where each metric applies (empty groups are left out)."""
    in_scope = [r for r in results if not r.case.should_abstain]
    out_scope = [r for r in results if r.case.should_abstain]
    answered = [r for r in in_scope if not r.abstained and r.case.expected_recommendations]
    metrics: dict[str, float] = {}
    if in_scope:
        metrics |= {
            "hit@1": _mean(hit_at(r.rank, 1) for r in in_scope),
            "hit@3": _mean(hit_at(r.rank, 3) for r in in_scope),
            "hit@5": _mean(hit_at(r.rank, 5) for r in in_scope),
            "mrr@10": _mean(reciprocal_rank(r.rank) for r in in_scope),
            "false_abstention": _mean(float(r.abstained) for r in in_scope),
        }
    if answered:
        metrics["citation_precision"] = (
            _mean(p for r in answered for p in r.precise) if any(r.precise for r in answered) else 0.0
        )
        metrics["citation_recall"] = _mean(float(any(r.precise)) for r in answered)
    pages = [ok for r in in_scope if not r.abstained for ok in r.pages_ok]
    support = [ok for r in in_scope for ok in r.supported]
    if pages:
        metrics["page_accuracy"] = _mean(pages)
    if support:
        metrics["support"] = _mean(support)
    if out_scope:
        metrics["abstention_accuracy"] = _mean(float(r.abstained) for r in out_scope)
    expecting = [r for r in in_scope if r.case.expected_recommendations]
    if expecting:  # a right recommendation first / among the first three cited (abstained: not right)
        metrics["right@1"] = _mean(float(not r.abstained and any(r.precise[:1])) for r in expecting)
        metrics["right@3"] = _mean(float(not r.abstained and any(r.precise[:3])) for r in expecting)
    complete = [r for r in in_scope if r.case.expected_complete]
    if complete:
        metrics["overview_complete"] = _mean(float(not r.abstained and _complete(r)) for r in complete)
    agreement = paraphrase_agreement(results)
    if agreement is not None:
        metrics["paraphrase_agreement"] = agreement
    latencies = [r.latency_ms for r in results]
    if latencies:
        metrics["latency_p50_ms"] = _percentile(latencies, 0.5)
        metrics["latency_p95_ms"] = _percentile(latencies, 0.95)
    return {k: round(v, 4) for k, v in metrics.items()}


def paraphrase_agreement(results: list[CaseResult]) -> float | None:
    groups: dict[str, list[str | None]] = defaultdict(list)
    for r in results:
        if r.case.paraphrase_group:
            groups[r.case.paraphrase_group].append(r.cited[0] if r.cited and not r.abstained else None)
    pairs = [(a, b) for members in groups.values() for a, b in itertools.combinations(members, 2)]
    if not pairs:
        return None
    return _mean(float(a is not None and a == b) for a, b in pairs)


def breakdown(results: list[CaseResult], key: Callable[[Case], str]) -> dict[str, dict[str, float]]:
    groups: dict[str, list[CaseResult]] = defaultdict(list)
    for r in results:
        groups[key(r.case)].append(r)
    return {name: summarize(members) | {"cases": len(members)} for name, members in sorted(groups.items())}


def document_of(case: Case) -> str:
    if case.category == "cross_document":
        return "both"
    return case.doc or "none"


def _mean(values) -> float:
    values = list(values)
    return statistics.mean(values) if values else 0.0


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --- the naive baseline ------------------------------------------------------------------------


def baseline_result(case: Case, chunks: list[Chunk], latency_ms: float) -> CaseResult:
    """The baseline retrieves (page-level nodes, presented as chunks) and never abstains or cites."""
    return CaseResult(case, first_relevant_rank(chunks, case), abstained=False, latency_ms=latency_ms)
