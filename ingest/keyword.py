"""The keyword index: bm25s over folded text (no diacritics) with the Dutch Snowball stemmer.

The same ``tokenize`` serves indexing and querying, so "efficiënter" (query) meets
"efficiénter" (OCR) and "productiviteit" meets "productiviteitsgroei"'s stem only by stemming.
The stemmer is passed explicitly every time: bm25s does not persist it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from ingest.clean import fold

# Snowball's Dutch list, question words, and English function words (English questions are
# searched over Dutch text: only their content words, after synonym expansion, can match).
_QUESTION_WORDS = [
    "waar",
    "wanneer",
    "welke",
    "welk",
    "hoeveel",
    "waarom",
    "wij",
    "jullie",
    "onze",
    "ons",
    "mijn",
    "jouw",
    "kun",
    "kunt",
    "mag",
    "moeten",
    "zullen",
]
_ENGLISH = [
    "what",
    "which",
    "who",
    "whom",
    "whose",
    "when",
    "where",
    "why",
    "how",
    "does",
    "do",
    "did",
    "done",
    "doing",
    "can",
    "could",
    "would",
    "should",
    "might",
    "must",
    "may",
    "shall",
    "am",
    "been",
    "being",
    "have",
    "has",
    "had",
    "having",
    "i",
    "me",
    "my",
    "we",
    "our",
    "us",
    "you",
    "your",
    "he",
    "she",
    "him",
    "her",
    "its",
    "they",
    "them",
    "so",
    "than",
    "too",
    "very",
    "just",
    "also",
    "only",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "any",
    "because",
    "before",
    "below",
    "between",
    "both",
    "each",
    "few",
    "from",
    "further",
    "here",
    "more",
    "most",
    "other",
    "own",
    "same",
    "some",
    "through",
    "under",
    "until",
    "up",
    "down",
    "out",
    "off",
    "over",
    "once",
    "while",
    "many",
    "much",
    "get",
    "gets",
    "got",
    "make",
    "makes",
    "there's",
    "what's",
    "don",
    "t",
    "s",
]


@lru_cache(maxsize=1)
def stopwords() -> tuple[str, ...]:
    from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN

    return tuple(sorted(set(STOPWORDS_DUTCH) | set(STOPWORDS_EN) | set(_QUESTION_WORDS) | set(_ENGLISH)))


@lru_cache(maxsize=1)
def stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("dutch")


def tokenize(texts: Sequence[str]) -> Any:
    import bm25s

    return bm25s.tokenize([fold(t) for t in texts], stopwords=list(stopwords()), stemmer=stemmer(), show_progress=False)


def build_keyword_index(texts: Sequence[str], folder: Path) -> None:
    import bm25s

    retriever = bm25s.BM25()
    retriever.index(tokenize(texts), show_progress=False)
    retriever.save(str(folder), show_progress=False)


def load_keyword_index(folder: Path) -> Any:
    import bm25s

    return bm25s.BM25.load(str(folder), show_progress=False)
