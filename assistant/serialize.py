"""The JSON contract of ``python -m assistant ask --json`` (documented in docs/assistant-json.md)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from assistant.records import Answer

PASSAGE_TEXT_CHARS = 600  # passages are evidence, not the whole chunk


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "answer": answer.answer,
        "abstained": answer.abstained,
        "persona": str(answer.persona),
        "language": answer.language,
        "citations": [asdict(c) for c in answer.citations],
        "passages": [
            {
                "rank": p.rank,
                "doc_id": p.chunk.doc_id,
                "page": p.chunk.page,
                "page_label": p.chunk.page_label,
                "section": p.chunk.section,
                "recommendation_id": p.chunk.recommendation_id,
                "text": p.chunk.text[:PASSAGE_TEXT_CHARS],
                "score": p.score,
            }
            for p in answer.passages
        ],
        "timings_ms": answer.timings_ms,
    }
