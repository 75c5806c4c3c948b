"""The keyword index: bm25s over folded text (no diacritics) with the Dutch Snowball stemmer.

The same ``tokenize`` serves indexing and querying, so "efficiënter" (query) meets
"efficiénter" (OCR) and "productiviteit" meets "productiviteitsgroei"'s stem only by stemming.
The stemmer is passed explicitly every time: bm25s does not persist it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ingest.text import tokenize

__all__ = ["build_keyword_index", "load_keyword_index"]


def build_keyword_index(texts: Sequence[str], folder: Path) -> None:
    import bm25s

    retriever = bm25s.BM25()
    retriever.index(tokenize(texts), show_progress=False)
    retriever.save(str(folder), show_progress=False)


def load_keyword_index(folder: Path) -> Any:
    import bm25s

    return bm25s.BM25.load(str(folder), show_progress=False)
