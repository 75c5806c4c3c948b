"""Answer benchmark: latency per stage and retrieval quality, against a naive baseline.

Runs every in-scope question of ``eval/cases.jsonl`` through the warm ``Assistant`` and prints
p50/p95 latency of retrieval, composition and the total (target: p95 of retrieval plus
composition under 60 ms on this 2-core machine), with hit@5 and MRR@10. The naive baseline is
built in the same run: llama-index defaults (``SentenceSplitter``, vector retrieval, top 10) over
pypdf page text, with the same embedder.

Relevance: the assistant's passages count when they belong to an expected recommendation or
contain an expected phrase. The baseline's nodes know no recommendations, so both systems are
also scored like for like: on the expected printed pages (each hit maps to a page), and on the
expected phrases (which favours the baseline: its nodes are whole pages, ours a third of one).

    python bench/answer.py [--skip-baseline]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus.settings import apply_offline_env, get_settings  # noqa: E402
from eval.cases import Case, load_cases  # noqa: E402
from eval.metrics import first_relevant_rank, hit_at, reciprocal_rank  # noqa: E402
from ingest.text import fold  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def phrase_rank(texts: list[str], case: Case) -> int | None:
    for rank, text in enumerate(texts, start=1):
        if any(fold(p) in fold(text) for p in case.must_contain):
            return rank
    return None


def page_rank(pages: list[set[str]], case: Case) -> int | None:
    for rank, labels in enumerate(pages, start=1):
        if labels & set(case.expected_pages):
            return rank
    return None


def score(ranks: list[int | None]) -> tuple[float, float]:
    return statistics.mean(hit_at(r, 5) for r in ranks), statistics.mean(reciprocal_rank(r) for r in ranks)


def run_assistant(cases: list[Case]) -> dict[str, Any]:
    from assistant.assistant import Assistant

    started = time.perf_counter()
    assistant = Assistant()
    load_s = time.perf_counter() - started
    for case in cases[:5]:  # warm caches
        assistant.ask(case.question)
    timings: dict[str, list[float]] = {"retrieve": [], "compose": [], "total": []}
    full, phrases, pages = [], [], []
    for case in cases:
        answer = assistant.ask(case.question, case.persona)
        for stage in timings:
            timings[stage].append(answer.timings_ms[stage])
        chunks = [p.chunk for p in answer.passages]
        full.append(first_relevant_rank(chunks, case))
        phrases.append(phrase_rank([c.text for c in chunks], case))
        pages.append(page_rank([{c.page_label, c.page_label_end} for c in chunks], case))
    return {"load_s": load_s, "timings": timings, "full": score(full), "phrases": score(phrases), "pages": score(pages)}


def run_baseline(cases: list[Case]) -> dict[str, Any]:
    from eval.baseline import NaiveBaseline

    baseline = NaiveBaseline(get_settings())
    latencies, phrases, pages = [], [], []
    for case in cases:
        hits, ms = baseline.retrieve(case.question)
        latencies.append(ms)
        phrases.append(phrase_rank([h.text for h in hits], case))
        pages.append(page_rank([{h.page_label} for h in hits], case))
    return {
        "build_s": baseline.build_s,
        "latencies": latencies,
        "phrases": score(phrases),
        "pages": score(pages),
        "nodes": baseline.nodes,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    apply_offline_env()
    cases = [c for c in load_cases() if not c.should_abstain]
    ours = run_assistant(cases)
    t = ours["timings"]
    both = [r + c for r, c in zip(t["retrieve"], t["compose"], strict=True)]
    print(f"{len(cases)} in-scope questions from eval/cases.jsonl; assistant ready in {ours['load_s']:.1f} s")
    print(f"\n{'stage':<22}{'p50 ms':>10}{'p95 ms':>10}")
    for stage in ("retrieve", "compose", "total"):
        print(f"{stage:<22}{percentile(t[stage], 0.5):>10.1f}{percentile(t[stage], 0.95):>10.1f}")
    print(
        f"{'retrieve + compose':<22}{percentile(both, 0.5):>10.1f}{percentile(both, 0.95):>10.1f}   (target p95 < 60)"
    )
    print(
        f"\n{'system':<40}{'hit@5':>8}{'MRR@10':>8}{'hit@5 pages':>13}{'MRR pages':>11}"
        f"{'hit@5 phrases':>15}{'MRR phrases':>13}"
    )
    print(
        f"{'assistant (hybrid, by recommendation)':<40}{ours['full'][0]:>8.3f}{ours['full'][1]:>8.3f}"
        f"{ours['pages'][0]:>13.3f}{ours['pages'][1]:>11.3f}{ours['phrases'][0]:>15.3f}{ours['phrases'][1]:>13.3f}"
    )
    if not args.skip_baseline:
        base = run_baseline(cases)
        print(
            f"{'naive llama-index baseline':<40}{'–':>8}{'–':>8}{base['pages'][0]:>13.3f}{base['pages'][1]:>11.3f}"
            f"{base['phrases'][0]:>15.3f}{base['phrases'][1]:>13.3f}"
        )
        print(
            f"\nbaseline: {base['nodes']} nodes built in {base['build_s']:.0f} s; retrieval p50 "
            f"{percentile(base['latencies'], 0.5):.1f} ms, p95 {percentile(base['latencies'], 0.95):.1f} ms"
        )
        print(
            f"ratio hit@5 assistant / baseline: pages {ours['pages'][0] / max(base['pages'][0], 1e-9):.2f}, "
            f"phrases {ours['phrases'][0] / max(base['phrases'][0], 1e-9):.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
