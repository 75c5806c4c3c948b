"""``python -m eval``: run every case, print and write the report, gate on thresholds and baseline.

Exit code 0 when the gate passes, 1 when a metric is below its threshold or dropped beyond the
margin, 2 on a usage error. ``--update-baseline`` accepts the current figures as the new baseline.
``python -m eval calibrate`` fits the abstention thresholds on the train split and reports the
held-out split (``eval/calibrate.py``); ``python -m eval calibrate-verifier`` fits the citation
verifier's weights (``eval/calibrate_verifier.py``); ``python -m eval claims [N]`` measures the
claim checks on a generated set of altered and true sentences (``eval/claim_set.py``; N failures shown);
``python -m eval scan`` scores the productivity scan on ``eval/scan_profiles.jsonl`` (``eval/scan_eval.py``).
``--llm`` runs the language-model mode instead (``eval/llm_mode.py``: the configured model,
``ADVIESWIJZER_LLM__*``; ``--limit`` cases spread over the file; writes ``report-llm.md``, no gate).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "build" / "eval"  # the committed eval/report.md only on purpose


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] in (["calibrate"], ["calibrate-verifier"]):
        return _calibrate(argv[0])
    if argv[:1] == ["claims"]:
        return _claims(int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 0)
    if argv[:1] == ["scan"]:
        from corpus.settings import apply_offline_env

        apply_offline_env()
        from eval.scan_eval import main as scan_eval

        return scan_eval()
    parser = argparse.ArgumentParser(prog="python -m eval", description="Evaluate the assistant on eval/cases.jsonl.")
    parser.add_argument("--no-baseline", action="store_true", help="skip the naive llama-index baseline")
    parser.add_argument("--update-baseline", action="store_true", help="write the figures to eval/baseline.json")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="folder for report.md/json (default build/eval; eval/ to refresh)"
    )
    parser.add_argument("--llm", action="store_true", help="the language-model mode: writes report-llm.md")
    parser.add_argument("--limit", type=int, default=None, help="with --llm: only this many cases, spread evenly")
    args = parser.parse_args(argv)
    from corpus.errors import AdvieswijzerError
    from corpus.settings import apply_offline_env

    apply_offline_env()
    if args.llm:
        return _llm_mode(args.limit, args.out)
    try:
        report = evaluate(with_baseline=not args.no_baseline)
    except AdvieswijzerError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2
    from eval import gate
    from eval import report as reporting

    report["gate"] = gate.check(report["split"]["heldout"], gate.load_thresholds(), gate.load_baseline())
    args.out.mkdir(parents=True, exist_ok=True)
    print(reporting.write(report, args.out))
    if args.update_baseline:
        gate.BASELINE_FILE.write_text(json.dumps(report["split"]["heldout"], indent=1) + "\n", encoding="utf-8")
        print(f"Baseline updated: {gate.BASELINE_FILE}")
    return 1 if report["gate"] else 0


def _calibrate(command: str) -> int:
    from corpus.errors import AdvieswijzerError
    from corpus.settings import apply_offline_env

    apply_offline_env()
    try:
        if command == "calibrate":
            from eval.calibrate import main as calibrate_abstention

            return calibrate_abstention()
        from eval.calibrate_verifier import main as calibrate_verifier

        return calibrate_verifier()
    except AdvieswijzerError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2


def _claims(show: int) -> int:
    from corpus.errors import AdvieswijzerError
    from corpus.settings import apply_offline_env

    apply_offline_env()
    try:
        from eval.claim_set import main as claims

        return claims(show)
    except AdvieswijzerError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2


def evaluate(with_baseline: bool = True, assistant=None, cases=None) -> dict:
    from assistant.assistant import Assistant
    from eval.cases import load_cases, split_of
    from eval.runner import breakdown, document_of, summarize

    assistant = assistant or Assistant()
    cases = cases or load_cases()
    catalogue = assistant.index.catalogue
    chunks = {c.chunk_id: c for c in assistant.index.chunks}
    results = [_run(assistant, case, catalogue, chunks) for case in cases]
    report = {
        "cases": len(cases),
        "index_version": assistant.index.version,
        "embedder": assistant.embedder.name,
        "overall": summarize(results) | {"cases": len(cases)},
        "split": {name: summary for name, summary in breakdown(results, split_of).items()},
        "per_category": breakdown(results, lambda c: c.category),
        "per_document": breakdown(results, document_of),
        "failures": [
            {"id": r.case.id, "rank": r.rank, "abstained": r.abstained, "cited": r.cited[:3]}
            for r in results
            if (r.rank is None or r.rank > 5) != r.case.should_abstain or r.abstained != r.case.should_abstain
        ],
    }
    if with_baseline:
        report["baseline"] = {"naive llama-index baseline": _baseline(assistant, cases)}
    return report


def _run(assistant, case, catalogue, chunks):
    from eval.runner import run_case, topic_result

    if case.category == "policy_topic":  # what the policy note's "Zoek aanbevelingen" proposes for the topic
        return topic_result(case, [r.rec_id for r in assistant.recommendations_for(case.question)])
    return run_case(case, assistant.ask(case.question, case.persona, history=case.history), catalogue, chunks)


def _baseline(assistant, cases) -> dict:
    from eval.baseline import NaiveBaseline, first_relevant
    from eval.runner import CaseResult, summarize

    baseline = NaiveBaseline(assistant.settings, assistant.embedder)
    results = []
    for case in cases:
        hits, ms = baseline.retrieve(case.question)
        results.append(CaseResult(case, first_relevant(hits, case, assistant.index.catalogue), False, latency_ms=ms))
    metrics = summarize(results)
    return {k: v for k, v in metrics.items() if k.startswith(("hit", "mrr", "abstention", "false", "latency"))} | {
        "cases": len(cases)
    }


def _llm_mode(limit: int | None, out: Path) -> int:
    from assistant.assistant import Assistant
    from corpus.errors import AdvieswijzerError
    from corpus.settings import get_settings
    from eval.cases import load_cases
    from eval.llm_mode import evaluate_llm, pick, write

    settings = get_settings()
    try:
        extractive = Assistant(settings.model_copy(update={"llm": settings.llm.model_copy(update={"enabled": False})}))
        llm = Assistant(
            settings.model_copy(update={"llm": settings.llm.model_copy(update={"enabled": True})}),
            embedder=extractive.embedder,
        )
        report = evaluate_llm(extractive, llm, pick(load_cases(), limit))
    except AdvieswijzerError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2
    print(write(report, out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
