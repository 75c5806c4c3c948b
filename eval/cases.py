"""The evaluation cases (``eval/cases.jsonl``): typed loading at the file edge."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

CASES_FILE = Path(__file__).with_name("cases.jsonl")

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
]


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
