"""A deterministic fake embedder for offline tests: no model, no weights, the same vectors every run.

A text becomes a hashed bag of its stemmed content words (folded, stopwords dropped, the Dutch
Snowball stemmer), L2-normalised, so the cosine similarity of two texts is the overlap of their
words. ``concepts`` maps a folded word to another one before hashing: a stand-in for what a real
model knows and the keyword index does not ("telewerken" means "thuiswerken"). The hash is
``zlib.crc32`` (not Python's salted ``hash``), with a sign bit, so runs and processes agree.

It has the interface of ``ingest.embed.Embedder``: ``name``, ``dim``, ``passages(texts)`` and
``query(text)``.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping, Sequence

import numpy as np

from ingest.text import fold, stemmer, stopwords

_WORD = re.compile(r"[a-z0-9]+")


class FakeEmbedder:
    """Hashed bag of words; ``passages`` and ``query`` embed alike (no e5 prefixes to imitate)."""

    def __init__(self, dim: int = 512, concepts: Mapping[str, str] | None = None) -> None:
        self.dim = dim
        self.concepts = dict(concepts or {})
        self.name = f"fake:hashed-bag-of-words-{dim}"
        self._stop = frozenset(stopwords())

    def words(self, text: str) -> list[str]:
        """The stemmed content words a text is embedded as (after the concept mapping)."""
        folded = [self.concepts.get(w, w) for w in _WORD.findall(fold(text)) if w not in self._stop]
        return list(stemmer().stemWords(folded))

    def embed(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for word in self.words(text):
            h = zlib.crc32(word.encode("utf-8"))
            vector[h % self.dim] += 1.0 if (h >> 16) & 1 else -1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self.embed(t) for t in texts]).astype(np.float32).reshape(len(texts), self.dim)

    def query(self, text: str) -> np.ndarray:
        return self.embed(text)
