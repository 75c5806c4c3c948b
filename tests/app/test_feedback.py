"""Thumbs up/down are appended to a JSONL file; a failed write is a named error, not a crash."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assistant.page.feedback import append_feedback, feedback_for, read_feedback
from corpus.errors import AdvieswijzerError, FeedbackError


def test_ratings_are_appended_one_line_each(tmp_path, tiny_answer):
    path = tmp_path / "sub" / "feedback.jsonl"
    append_feedback(path, feedback_for(tiny_answer, True, datetime(2025, 6, 1, 12, 0, tzinfo=UTC)))
    append_feedback(path, feedback_for(tiny_answer, False))
    first, second = read_feedback(path)
    assert first["rating"] == "up" and second["rating"] == "down"
    assert first["at"] == "2025-06-01T12:00:00+00:00"
    assert first["question"] == "Hoe scholen?" and first["answer"] == tiny_answer.answer
    assert first["persona"] == "ondernemer" and first["abstained"] is False
    assert [c["n"] for c in first["citations"]] == [1, 2]
    assert first["citations"][0]["quote"] == "Werkgevers investeren in scholing van medewerkers."
    assert len(path.read_text(encoding="utf-8").splitlines()) == 2


def test_unwritable_file_raises_a_named_error(tmp_path, tiny_answer):
    blocker = tmp_path / "een-bestand"
    blocker.write_text("geen map", encoding="utf-8")
    path = blocker / "feedback.jsonl"
    with pytest.raises(FeedbackError) as caught:
        append_feedback(path, feedback_for(tiny_answer, True))
    assert isinstance(caught.value, AdvieswijzerError)
    assert repr(str(path)) in str(caught.value) and "ADVIESWIJZER_APP__FEEDBACK_FILE" in str(caught.value)


def test_reading_a_missing_file_gives_nothing(tmp_path):
    assert read_feedback(tmp_path / "nog-niet.jsonl") == []
