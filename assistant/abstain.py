"""When the best evidence is weak, the assistant says so instead of guessing.

The rule reads the retrieval's ``Evidence`` and the question itself:

* a Dutch question about a named thing the sources never mention ("Japan", "Kurzarbeit")
  is out of scope;
* otherwise the question is answered when the best passages contain enough of its content
  words (IDF-weighted coverage) and are close enough in meaning (dense similarity), or when the
  dense similarity or the keyword score alone is decisive.

The thresholds are per language (English questions meet Dutch text, so their word coverage is
structurally lower), calibrated on the repo's question set (``eval/cases.jsonl``) by
``python -m eval calibrate`` and kept in ``assistant/thresholds.toml``: data, not guesses.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from assistant.query import Query
from assistant.records import Evidence


@dataclass(frozen=True)
class Thresholds:
    coverage: float  # answer when at least this share of content words is found …
    dense: float  # … and the best dense similarity is at least this;
    dense_alone: float  # or when the dense similarity alone is at least this;
    keyword_alone: float  # or when the best keyword score alone is at least this


@dataclass(frozen=True)
class AbstentionRule:
    by_language: dict[str, Thresholds]

    @classmethod
    def load(cls, path: Path) -> AbstentionRule:
        data = tomllib.loads(path.read_text(encoding="utf-8"))["abstain"]
        return cls({lang: Thresholds(**values) for lang, values in data.items()})

    def should_abstain(self, query: Query, evidence: Evidence) -> bool:
        if query.language == "nl" and query.unknown_names:
            return True
        return below(evidence, self.by_language[query.language])


def below(evidence: Evidence, t: Thresholds) -> bool:
    if evidence.coverage >= t.coverage and evidence.dense >= t.dense:
        return False
    return evidence.dense < t.dense_alone and evidence.keyword < t.keyword_alone
