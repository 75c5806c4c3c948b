"""Issue 13, case 6: a page holding megabytes of text without a full stop (or without a space) never
becomes one huge chunk: every chunk stays within ``MAX_CHUNK_CHARS`` and no text is lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import store
from ingest.build import build
from ingest.chunk import MAX_CHUNK_CHARS, _split
from ingest.outline import TextLine
from ingest.progress import Progress
from tests.conftest import make_pdf


@pytest.mark.parametrize(
    "text",
    [
        "woord " * 400_000,  # 2.4 MB of words, no full stop
        "x" * 2_000_000,  # 2 MB without a space
        ("kort zinnetje. " * 50) + "lang" * 5000,  # sentences, then one long word
    ],
    ids=["no-full-stop", "no-space", "mixed"],
)
def test_no_chunk_outgrows_the_limit(text: str) -> None:
    lines = [TextLine(1, "1", text, gap_before=True)]
    passages = _split(lines, 160, 30)
    assert passages and max(len(t) for _, t in passages) <= MAX_CHUNK_CHARS
    assert "".join(t.replace(" ", "") for _, t in passages).count("x") >= text.count("x")  # nothing lost


def test_a_page_without_full_stops_is_built_into_bounded_chunks(settings, corpus_dir: Path) -> None:
    page = " ".join(f"werkgevers investeren in scholing{n}" for n in range(4000))  # about 150 kB, one sentence
    make_pdf(corpus_dir / "lang.pdf", [page])
    report = build(settings, Progress(quiet=True))
    chunks = store.load_chunks(store.require_current(settings.index))
    assert len(chunks) > 20 and max(len(c.text) for c in chunks) <= MAX_CHUNK_CHARS, report
