"""The scan eval (issue 15): filled-in scans with the recommendations a reader would expect.

``eval/scan_profiles.jsonl`` holds 24 profiles written from the catalogue and the PDFs by someone
who did not read the code (sector, size, region, eight scores, ticked problems, own words, and 3-6
expected recommendation ids). For each, the scan report is made on the eval index and scored:

* **hit**: at least two expected recommendations among the report's (a main recommendation and
  its sub-recommendations count for each other, as in the chat eval); target: >= 0.85 of profiles;
* **verbatim**: every line of the report is a heading, a fixed phrase of ``prompts/``, or a quote
  followed by ``[n]`` that stands word for word in the chunk citation n points at;
* **time**: seconds per report (target under 2 s).

``python -m eval scan`` prints the table and exits 1 when a target is missed.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.scan import ScanAnswers, ScanReport, load_form, scan_report
from eval.runner import related

PROFILES = Path(__file__).with_name("scan_profiles.jsonl")
TARGET_HIT = 0.85
TARGET_SECONDS = 2.0
_MARKER = re.compile(r"\s*\[(\d+)\]$")
_PRACTICE = re.compile(r"^(?:Voorbeeld uit de praktijk|Example from practice): .*?\. ")


@dataclass(frozen=True)
class Scored:
    profile_id: str
    found: tuple[str, ...]  # expected recommendations the report gives
    expected: tuple[str, ...]
    unsupported: tuple[str, ...]  # report lines that are neither fixed nor a verbatim quote
    seconds: float

    @property
    def hit(self) -> bool:
        return len(self.found) >= min(2, len(self.expected))


def load_profiles(path: Path = PROFILES) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score(assistant: Any, profile: Mapping[str, Any]) -> Scored:
    started = time.perf_counter()
    report = scan_report(assistant, ScanAnswers.from_mapping(profile))
    seconds = time.perf_counter() - started
    given = report.recommendation_ids
    expected = tuple(profile["expected"])
    found = tuple(e for e in expected if any(related(r, [e]) or related(e, [r]) for r in given))
    chunks = {c.chunk_id: c.text for c in assistant.index.chunks}
    return Scored(str(profile["id"]), found, expected, unsupported_lines(report, chunks), seconds)


def unsupported_lines(report: ScanReport, chunk_texts: Mapping[str, str]) -> tuple[str, ...]:
    """Lines of the report that are no heading, no fixed phrase and no verbatim quote of their source."""
    form = load_form()
    fixed = {template.split("{")[0] for texts in form.texts.values() for template in texts.values()}
    cited = {c.n: chunk_texts.get(c.chunk_id, "") for c in report.citations}
    body = report.text.split("\n\nBronnen\n")[0].split("\n\nSources\n")[0]
    bad = []
    for line in (ln.strip() for ln in body.splitlines()):
        if not line or line.startswith(("#", "**")) or any(f and line.startswith(f) for f in fixed):
            continue
        marker = _MARKER.search(line)
        quote = _PRACTICE.sub("", line[: marker.start()]) if marker else ""
        source = cited.get(int(marker.group(1)), "") if marker else ""
        if not quote or " ".join(quote.split()) not in " ".join(source.split()):
            bad.append(line)
    return tuple(bad)


def table(results: Sequence[Scored]) -> str:
    rows = ["| profile | expected found | verbatim | seconds |", "| --- | --- | --- | --- |"]
    for r in results:
        verbatim = "yes" if not r.unsupported else f"NO ({len(r.unsupported)})"
        rows.append(f"| {r.profile_id} | {len(r.found)} of {len(r.expected)} | {verbatim} | {r.seconds:.2f} |")
    hits = sum(r.hit for r in results) / len(results)
    slowest = max(r.seconds for r in results)
    rows += [
        "",
        f"profiles with at least two expected recommendations: {hits:.2f} (target >= {TARGET_HIT})",
        f"reports with a line that is no fixed phrase or verbatim quote: {sum(bool(r.unsupported) for r in results)}",
        f"slowest report: {slowest:.2f} s (target < {TARGET_SECONDS:g} s)",
    ]
    return "\n".join(rows)


def main() -> int:
    from assistant.assistant import Assistant

    assistant = Assistant()
    results = [score(assistant, p) for p in load_profiles()]
    print(table(results))
    for r in results:
        for line in r.unsupported[:2]:
            print(f"- {r.profile_id}: not verbatim: {line[:160]!r}")
    hits = sum(r.hit for r in results) / len(results)
    ok = hits >= TARGET_HIT and not any(r.unsupported for r in results)
    return 0 if ok and max(r.seconds for r in results) < TARGET_SECONDS else 1
