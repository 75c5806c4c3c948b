"""Thumbs up/down from the chat page, appended to a local JSONL file for later review.

One line per rating: when, up or down, the question, the answer text and its citations, so a
reviewer sees exactly what the user saw. A failed write raises ``FeedbackError``; the page turns
it into a message and goes on.
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from assistant.records import Answer
from corpus.errors import FeedbackError

Rating = Literal["up", "down"]
_WRITE_LOCK = threading.Lock()  # one process appends; keep lines whole when two users rate at once


@dataclass(frozen=True)
class Feedback:
    at: str
    rating: Rating
    question: str
    answer: str
    persona: str
    language: str
    abstained: bool
    citations: tuple[dict[str, Any], ...]


def feedback_for(answer: Answer, liked: bool, now: datetime | None = None) -> Feedback:
    """The record of one rating of ``answer``."""
    moment = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    return Feedback(
        at=moment,
        rating="up" if liked else "down",
        question=answer.question,
        answer=answer.answer,
        persona=str(answer.persona),
        language=answer.language,
        abstained=answer.abstained,
        citations=tuple(asdict(c) for c in answer.citations),
    )


def append_feedback(path: Path, feedback: Feedback) -> None:
    """Append one JSON line; raises ``FeedbackError`` naming the file when it cannot be written."""
    line = json.dumps(asdict(feedback), ensure_ascii=False) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _WRITE_LOCK, path.open("a", encoding="utf-8") as handle:
            handle.write(line)
    except OSError as exc:
        raise FeedbackError(str(path), exc.strerror or type(exc).__name__) from exc


def read_feedback(path: Path) -> list[dict[str, Any]]:
    """Every rating in the file, oldest first (for review scripts and tests)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
