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
from assistant.understand import Understood


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

    def should_abstain(self, question: Query | Understood, evidence: Evidence) -> bool:
        """``question`` understood (``Understood``): a specific term the sources do not know is out of
        scope whatever the evidence; the coverage then weighs the topic, not the asker's situation."""
        if isinstance(question, Understood):
            if question.out_of_sources:
                return True
            question = question.query
        if question.language == "nl" and question.unknown_names:
            return True
        return below(evidence, self.by_language[question.language])


def below(evidence: Evidence, t: Thresholds) -> bool:
    if evidence.coverage >= t.coverage and evidence.dense >= t.dense:
        return False
    return evidence.dense < t.dense_alone and evidence.keyword < t.keyword_alone
