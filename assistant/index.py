"""The read side of an index version: catalogue, chunks, stored vectors, keyword index, Chroma collection.

Opened once per process and kept warm. Refuses an index built with another embedder than the
one configured: vectors of two models must never be compared.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from corpus.errors import EmbedderMismatchError, IndexUnusableError
from corpus.records import Catalogue, Chunk
from corpus.settings import IndexSettings
from ingest import store
from ingest.keyword import load_keyword_index
from ingest.text import fold

log = logging.getLogger(__name__)


@dataclass
class Index:
    version: str
    folder: Path
    manifest: dict[str, Any]
    catalogue: Catalogue
    chunks: list[Chunk]
    keyword: Any  # bm25s.BM25
    collection: Any  # chromadb Collection

    @cached_property
    def position(self) -> dict[str, int]:
        return {c.chunk_id: i for i, c in enumerate(self.chunks)}

    @cached_property
    def document_frequency(self) -> dict[str, int]:
        """In how many chunks each folded word occurs."""
        df: Counter[str] = Counter()
        for chunk in self.chunks:
            df.update(set(re.findall(r"[a-z0-9]+", fold(chunk.text))))
        return dict(df)

    @cached_property
    def prefix_frequency(self) -> dict[str, int]:
        """In how many chunks a word starting with each 6-letter prefix occurs (for inflections)."""
        df: Counter[str] = Counter()
        for chunk in self.chunks:
            df.update({w[:6] for w in re.findall(r"[a-z0-9]{5,}", fold(chunk.text))})
        return dict(df)

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every folded word of the corpus (for compound splitting)."""
        return frozenset(self.document_frequency)

    @cached_property
    def vectors(self) -> np.ndarray | None:
        """The stored passage vector of every chunk (row i is ``chunks[i]``); None when the version lacks them."""
        try:
            vectors = store.load_embeddings(self.folder)
        except (OSError, ValueError):
            return None
        return vectors if len(vectors) == len(self.chunks) else None

    def vectors_of(self, chunks: Sequence[Chunk]) -> np.ndarray | None:
        """The stored vectors of ``chunks`` (one row each), or None when any of them is not in this version."""
        if self.vectors is None:
            return None
        rows = [self.position.get(c.chunk_id) for c in chunks]
        if any(r is None or self.chunks[r].text != c.text for r, c in zip(rows, chunks, strict=True)):
            return None
        return self.vectors[[r for r in rows if r is not None]]

    def idf(self, word: str) -> float:
        """Inverse document frequency; a word the corpus lacks gets the highest weight."""
        df = self.document_frequency.get(word) or (self.prefix_frequency.get(word[:6], 0) if len(word) >= 5 else 0)
        return math.log((len(self.chunks) + 1) / (df + 0.5))


class StoredVectors:
    """The version's own vectors searched in memory (exact cosine), in the shape of Chroma's ``query``:
    what answers when the embedded store cannot be opened (read-only, damaged, its collection lost)."""

    def __init__(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        self.ids = [c.chunk_id for c in chunks]
        self.vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)

    def query(self, query_embeddings: list[list[float]], n_results: int, include: list[str]) -> dict[str, Any]:
        query = np.asarray(query_embeddings[0], dtype=np.float32)
        similarity = self.vectors @ (query / max(float(np.linalg.norm(query)), 1e-9))
        top = np.argsort(-similarity, kind="stable")[:n_results]
        return {"ids": [[self.ids[i] for i in top]], "distances": [[float(1.0 - similarity[i]) for i in top]]}


def open_index(settings: IndexSettings, embedder_name: str, client: Any | None = None) -> Index:
    folder = store.require_current(settings)
    manifest = store.load_manifest(folder)
    if manifest["embedder"] != embedder_name:
        raise EmbedderMismatchError(manifest["embedder"], embedder_name)
    index = Index(
        version=folder.name,
        folder=folder,
        manifest=manifest,
        catalogue=store.load_catalogue(folder),
        chunks=store.load_chunks(folder),
        keyword=load_keyword_index(folder / "bm25"),
        collection=None,
    )
    index.collection = _collection(index, settings, client)
    return index


def _collection(index: Index, settings: IndexSettings, client: Any | None) -> Any:
    """The version's Chroma collection; for an embedded store that cannot give it (read-only, damaged,
    the collection lost), the stored vectors, with a warning that says how to repair the store."""
    try:
        return store.open_collection(client or store.chroma_client(settings), index.manifest, str(index.folder))
    except IndexUnusableError as exc:
        if settings.chroma_host or index.vectors is None:
            raise
        log.warning("%s Answering from the stored vectors of %s.", exc, index.version)
        return StoredVectors(index.chunks, index.vectors)
