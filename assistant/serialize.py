"""The JSON contract of ``python -m assistant ask --json`` (documented in docs/assistant-json.md)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from assistant.records import Answer, AnswerVerification

PASSAGE_TEXT_CHARS = 600  # passages are evidence, not the whole chunk


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    data: dict[str, Any] = {
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
    if answer.understood is not None:
        data["understood"] = asdict(answer.understood)
    if answer.verification is not None:  # only when a language model was asked: extractive keys stay as they were
        data["verification"] = _verification(answer.verification)
    return data


def _verification(v: AnswerVerification) -> dict[str, Any]:
    return {
        "sentences": [
            {
                "text": s.text,
                "citations": list(s.citations),
                "support": round(s.support, 4),
                "status": s.status,
                "reason": s.reason,
            }
            for s in v.sentences
        ],
        "repaired": v.repaired,
        "dropped": v.dropped,
        "notice": v.notice,
    }
