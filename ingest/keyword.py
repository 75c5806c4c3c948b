"""The keyword index: bm25s over folded text (no diacritics) with the Dutch Snowball stemmer.

The same ``tokenize`` serves indexing and querying, so "efficiënter" (query) meets
"efficiénter" (OCR) and "productiviteit" meets "productiviteitsgroei"'s stem only by stemming.
The stemmer is passed explicitly every time: bm25s does not persist it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ingest.clean import fold

DUTCH_STOPWORDS = (
    "de het een en van in op te voor met aan bij om als dat die er is zijn wordt worden of ook "
    "naar door uit over tot zo je we ze hun hij zij wat wie hoe waar dit deze niet maar nog wel "
    "kan kunnen moet moeten zal zullen heeft hebben had was waren al dan dus"
).split()


def stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("dutch")


def tokenize(texts: Sequence[str]) -> Any:
    import bm25s

    return bm25s.tokenize(
        [fold(t) for t in texts], stopwords=DUTCH_STOPWORDS, stemmer=stemmer(), show_progress=False
    )


def build_keyword_index(texts: Sequence[str], folder: Path) -> None:
    import bm25s

    retriever = bm25s.BM25()
    retriever.index(tokenize(texts), show_progress=False)
    retriever.save(str(folder), show_progress=False)


def load_keyword_index(folder: Path) -> Any:
    import bm25s

    return bm25s.BM25.load(str(folder), show_progress=False)
