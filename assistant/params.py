"""The tuning knobs of retrieval and composition, in one typed, frozen object each.

Defaults live here and only here; settings may override any field by name
(``ADVIESWIJZER_RETRIEVAL__PARAMS='{"rrf_k": 40}'``, ``ADVIESWIJZER_ANSWER__COMPOSE='{"max_units": 3}'``);
an unknown name or a value of the wrong type is a ``ConfigError`` that names it. What each value
was measured against: docs/retrieval.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Any, TypeVar

from corpus.errors import ConfigError
from corpus.settings import Settings

__all__ = ["ComposeParams", "RetrievalParams", "compose_params", "retrieval_params"]


@dataclass(frozen=True)
class RetrievalParams:
    top_k: int = 10  # passages returned as ranked evidence (settings: retrieval.top_k)
    rrf_k: int = 60  # reciprocal rank fusion constant (Cormack et al.)
    candidates: int = 60  # passages taken from each retriever
    min_weight: float = 0.2  # a retriever's weight in the fusion never drops below this
    dense_decisive_gap: float = 0.04  # cosine gap between the 1st and 10th hit that gives dense full weight
    keyword_decisive_gap: float = 0.6  # relative bm25 gap between the 1st and 10th hit for full weight
    confidence_depth: int = 10  # hits whose spread sets a retriever's weight
    per_unit: int = 1  # passages of one recommendation in the ranked evidence (diversity: hit@5 0.80 → 0.84)
    evidence_depth: int = 3  # passages whose words count for the evidence check
    unit_weight: float = 1.0  # weight of each whole-recommendation ranking (keyword, dense) in the unit fusion
    unit_depth: int = 10  # recommendations ranked this high as wholes join the candidates even without a passage
    passages_per_unit: int = 4  # passages (best dense first) such a recommendation brings
    # a unit's passage-rank contributions are divided by 1 + this * ln(its passages); on train right@3
    # 0: 0.72, 0.05: 0.75, 0.1: 0.74, 0.25: 0.67 (precision, recall and pages best at 0.05 too)
    unit_size_penalty: float = 0.05
    # a follow-up pointing at an item of the previous list ("die laatste") raises it by this many first places
    pointed_bonus: float = 10.0


@dataclass(frozen=True)
class ComposeParams:
    max_units: int = 2  # recommendations (or other sections) per answer (measured: docs/retrieval.md)
    max_sentences: int = 3  # source sentences per unit
    unit_cutoff: float = 0.45  # a unit joins the answer when its score is at least this share of the best …
    unit_min_share: float = 0.9  # … and its best sentence matches the question nearly as well
    passages_read: int = 4  # passages of a unit whose sentences are candidates


P = TypeVar("P", RetrievalParams, ComposeParams)


def retrieval_params(settings: Settings) -> RetrievalParams:
    return _override(RetrievalParams(top_k=settings.retrieval.top_k), settings.retrieval.params, "retrieval.params")


def compose_params(settings: Settings) -> ComposeParams:
    return _override(ComposeParams(), settings.answer.compose, "answer.compose")


def _override(defaults: P, overrides: dict[str, Any], where: str) -> P:
    known = {f.name: type(getattr(defaults, f.name)) for f in fields(defaults)}
    for name, value in overrides.items():
        kind = known.get(name)
        if kind is None:
            raise ConfigError(f"{where}: unknown parameter '{name}'; known: {', '.join(known)}")
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
            raise ConfigError(f"{where}: '{name}' must be a finite {kind.__name__}, not {value!r}")
        if kind is int and value != int(value):
            raise ConfigError(f"{where}: '{name}' must be a {kind.__name__}, not {value!r}")
    return replace(defaults, **{name: known[name](value) for name, value in overrides.items()})
