"""Scan benchmark (issue 15): time to a finished productivity scan report on this machine.

For every profile of ``eval/scan_profiles.jsonl`` (24), on the eval index: the report itself
(retrieval and composition), and the report with its radar chart and its DOCX and PDF exports (what
the Scan tab does per click). Prints p50, p95 and the slowest of both; target: under 2 s.

    python bench/scan.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus.settings import apply_offline_env  # noqa: E402

TARGET_S = 2.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    apply_offline_env()
    from assistant.assistant import Assistant
    from assistant.notes.scan_export import export, radar_png
    from assistant.scan import ScanAnswers, load_form, scan_report
    from eval.scan_eval import load_profiles

    assistant, form = Assistant(), load_form()
    profiles = load_profiles()
    scan_report(assistant, ScanAnswers.from_mapping(profiles[0]))  # warm-up, not measured
    report_s, full_s = [], []
    with tempfile.TemporaryDirectory(prefix="advieswijzer-scan-") as tmp:
        for n, profile in enumerate(profiles):
            started = time.perf_counter()
            report = scan_report(assistant, ScanAnswers.from_mapping(profile), form)
            report_s.append(time.perf_counter() - started)
            export(report, Path(tmp) / str(n), radar_png(report.scores, form.text("nl", "title")))
            full_s.append(time.perf_counter() - started)
    print(f"machine: {os.cpu_count()} cores; {len(profiles)} profiles of eval/scan_profiles.jsonl")
    print("| step | p50 | p95 | slowest |")
    print("| --- | --- | --- | --- |")
    for name, values in (("report", report_s), ("report + chart + DOCX + PDF", full_s)):
        print(
            f"| {name} | {statistics.median(values):.2f} s | {percentile(values, 0.95):.2f} s | {max(values):.2f} s |"
        )
    print(f"\nunder {TARGET_S:g} s for every profile: {'yes' if max(full_s) < TARGET_S else 'NO'}")
    return 0 if max(full_s) < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
