"""The index's text functions, in one place: the search form (``fold``), the Dutch stemmer, the one
stopword list and the tokenizer that the keyword index uses for indexing and querying alike.

Everything that compares words (keyword index, catalogue title matching, query understanding,
coverage, the citation verifier) uses these, so "efficiënter" (a question) meets "efficiénter"
(the OCR) the same way everywhere.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

__all__ = ["fold", "stemmer", "stopwords", "tokenize"]


def fold(text: str) -> str:
    """The search form: lower case without diacritics."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


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
