"""The evaluation cases (``eval/cases.jsonl``): typed loading at the file edge."""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

CASES_FILE = Path(__file__).with_name("cases.jsonl")
Split = Literal["train", "heldout"]
SPLITS: tuple[Split, ...] = ("train", "heldout")

Category = Literal[
    "recommendation",
    "best_practice",
    "fact",
    "quote",
    "english",
    "cross_document",
    "paraphrase",
    "out_of_scope",
    "injection",
    "nonsense",
    # written as people ask (issue 11), by a helper who had not read the code
    "situated",
    "colloquial",
    "scoped",
    "overview",
    "followup",
    "near_domain",
    "policy_topic",
]
USER_CATEGORIES = ("situated", "colloquial", "scoped", "overview", "followup", "english", "near_domain", "policy_topic")


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    question: str
    language: Literal["nl", "en"]
    persona: Literal["ondernemer", "beleidsmedewerker"]
    category: Category
    doc: str | None = None
    expected_recommendations: tuple[str, ...] = ()
    expected_best_practices: tuple[str, ...] = ()
    expected_pages: tuple[str, ...] = ()
    must_contain: tuple[str, ...] = ()
    should_abstain: bool = False
    paraphrase_group: str | None = None
    history: tuple[str, ...] = ()  # earlier user questions of the conversation (follow-ups), oldest first
    expected_complete: bool = False  # an overview: every expected recommendation must be listed
    notes: str = Field(default="")


def load_cases(path: Path = CASES_FILE) -> list[Case]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                cases.append(Case.model_validate(json.loads(line)))
            except ValueError as exc:
                raise ValueError(f"{path}:{number}: invalid case: {exc}") from exc
    return cases


def split_of(case: Case) -> Split:
    """Half of the cases are held out from every fit (abstention thresholds, tuning): a fixed
    hash of the case id, or of its paraphrase group so that a group never straddles the split.
    The gate reads the held-out figures."""
    key = case.paraphrase_group or case.id
    return "heldout" if zlib.crc32(key.encode("utf-8")) % 2 else "train"
