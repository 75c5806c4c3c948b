"""When the sources say nothing about a question, the assistant says so instead of guessing.

Two kinds of reasons, in this order:

* **the question itself**: an instruction to the assistant or a request to write something
  (``Intent.TASK``); a question mostly about specific terms the sources never name
  ("transitievergoeding", "Kurzarbeit": ``Understood.out_of_sources``; names count as terms, a
  place the asker names is their situation). A person's situation never counts: the words about it
  weigh little (``assistant/understand.py``). A bare ``Query`` (no understanding) refuses a Dutch
  question about a capitalised name the sources never mention.
  (Measured on the train split: letting strong evidence overrule an unknown topic answers three more
  in-scope questions but also more out-of-scope ones; docs/retrieval.md.)
* **the evidence**: a linear score of how well the sources match, over signals that mean
  something relative to the corpus rather than as absolute e5 cosines: the share of the topic's
  words the best passages contain (coverage), the best dense and keyword scores of passages and
  of recommendations as wholes, whether the keyword and the dense rankings of recommendations
  agree, and the share of the topic the sources do not know. The question is answered when the
  score reaches the threshold.

The weights and the threshold are data (``assistant/thresholds.toml``), fitted by
``python -m eval calibrate`` on the train split of ``eval/cases.jsonl`` only: a logistic
regression, then the threshold that answers no out-of-scope train case.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

from assistant.answer_type import asked_type
from assistant.query import Query
from assistant.records import Evidence
from assistant.understand import Intent, Understood
from corpus.errors import ConfigError

__all__ = ["FEATURES", "AbstentionRule", "Model", "features", "lacks_asked_fact", "refused_by_question"]

FEATURES = (
    "coverage",
    "dense",
    "keyword",
    "unit_dense",
    "unit_keyword",
    "agreement",
    "unknown_share",
    "english",
)


@dataclass(frozen=True)
class Model:
    """``score = bias + Σ weight · (feature − center) / scale``; answered when ``score ≥ threshold``."""

    center: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float

    def score(self, values: tuple[float, ...]) -> float:
        terms = zip(values, self.center, self.scale, self.weights, strict=True)
        return self.bias + sum(w * (v - c) / s for v, c, s, w in terms)


def features(question: Query | Understood, evidence: Evidence) -> tuple[float, ...]:
    """The signals of ``FEATURES``, in that order. bm25 scores are divided by the IDF of a word found
    in one passage (they grow with the size of the corpus: a rule fitted on the two advisories
    refused plain questions over one small PDF) and taken on a log scale. The unknown share
    counts for Dutch questions only: Dutch sources cannot know an English question's words (on the
    train split, counting it for English too refused 2 more in-scope questions and caught no
    out-of-scope one)."""
    query = question.query if isinstance(question, Understood) else question
    unknown = question.unknown_specific_share if isinstance(question, Understood) and query.language == "nl" else 0.0
    return (
        evidence.coverage,
        evidence.dense,
        math.log1p(max(evidence.keyword, 0.0) / evidence.idf_scale),
        evidence.unit_dense,
        math.log1p(max(evidence.unit_keyword, 0.0) / evidence.idf_scale),
        float(evidence.agreement),
        unknown,
        float(query.language == "en"),
    )


def refused_by_question(question: Query | Understood) -> bool:
    """Refused whatever the evidence: a task, a topic the sources do not know, or (a bare ``Query``,
    Dutch) an unknown name."""
    if isinstance(question, Understood):  # names are terms there: a place is the asker's situation
        return question.intent is Intent.TASK or question.out_of_sources
    return question.language == "nl" and bool(question.unknown_names)


def lacks_asked_fact(question: Query | Understood, evidence: Evidence) -> bool:
    """The question asks for an amount, a year or contact details ("hoe hoog is de boete …?") and
    no strong passage about its topic holds one: the sources discuss the topic, not that fact."""
    text = question.question if isinstance(question, Understood) else question.text
    kind = asked_type(text)
    return kind is not None and str(kind) not in evidence.answer_types


@dataclass(frozen=True)
class AbstentionRule:
    model: Model

    @classmethod
    def load(cls, path: Path) -> AbstentionRule:
        """The fitted rule; a missing, broken or outdated file is a ``ConfigError`` that says how to refit."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))["abstain"]
            if tuple(data["features"]) != FEATURES:
                raise ValueError(f"features {data['features']} are not {list(FEATURES)}")
            model = Model(
                tuple(map(float, data["center"])),
                tuple(map(float, data["scale"])),
                tuple(map(float, data["weights"])),
                float(data["bias"]),
                float(data["threshold"]),
            )
            if not len(model.center) == len(model.scale) == len(model.weights) == len(FEATURES):
                raise ValueError("center, scale and weights need one value per feature")
        except (OSError, KeyError, TypeError, ValueError) as exc:  # TOMLDecodeError is a ValueError
            raise ConfigError(f"abstention rule {path}: {exc}; run `python -m eval calibrate` to fit it") from exc
        return cls(model)

    def should_abstain(self, question: Query | Understood, evidence: Evidence) -> bool:
        if refused_by_question(question) or lacks_asked_fact(question, evidence):
            return True
        return self.model.score(features(question, evidence)) < self.model.threshold
