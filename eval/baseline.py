"""The naive llama-index baseline: pypdf page text → default ``SentenceSplitter`` →
``VectorStoreIndex`` (top 10) with the project's embedder. No structure, no keyword search, no
abstention, no citations: what a first llama-index prototype would do."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from corpus.manifest import discover, load_manifest
from corpus.records import Catalogue
from corpus.settings import Settings
from eval.cases import Case
from ingest.embed import Embedder, make_embedder
from ingest.text import fold

TOP_K = 10


@dataclass(frozen=True)
class Hit:
    text: str
    doc_id: str
    page_label: str


class NaiveBaseline:
    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        import pypdf
        from llama_index.core import Document, VectorStoreIndex
        from llama_index.core import Settings as LlamaSettings
        from llama_index.core.node_parser import SentenceSplitter

        LlamaSettings.llm = None  # llama-index would otherwise reach for OpenAI
        LlamaSettings.embed_model = llama_embedding(embedder or make_embedder(settings.ingest))
        started = time.perf_counter()
        files, _ = discover(settings.corpus.folders, load_manifest(settings.corpus.manifest))
        documents = []
        for f in files:
            reader = pypdf.PdfReader(str(f.path))
            labels = reader.page_labels
            for i, page in enumerate(reader.pages):
                text = page.extract_text()
                if text.strip():
                    documents.append(Document(text=text, metadata={"doc_id": f.doc_id, "page_label": labels[i]}))
        index = VectorStoreIndex.from_documents(documents, transformations=[SentenceSplitter()])
        self.nodes = len(index.docstore.docs)
        self.build_s = time.perf_counter() - started
        self._retriever = index.as_retriever(similarity_top_k=TOP_K)

    def retrieve(self, question: str) -> tuple[list[Hit], float]:
        started = time.perf_counter()
        nodes = self._retriever.retrieve(question)
        hits = [Hit(n.node.get_content(), n.node.metadata["doc_id"], n.node.metadata["page_label"]) for n in nodes]
        return hits, (time.perf_counter() - started) * 1000


def first_relevant(hits: list[Hit], case: Case, catalogue: Catalogue) -> int | None:
    """Like the assistant's relevance: a hit counts when it holds an expected phrase or lies on a
    page of an expected recommendation (the baseline's nodes know no recommendations)."""
    pages = {
        (r.doc_id, label)
        for r in catalogue.recommendations
        if any(r.rec_id == e or r.rec_id.startswith(e + ".") for e in case.expected_recommendations)
        for label in r.page_labels
    }
    for rank, hit in enumerate(hits, start=1):
        if (hit.doc_id, hit.page_label) in pages or any(fold(p) in fold(hit.text) for p in case.must_contain):
            return rank
    return None


def llama_embedding(embedder: Embedder) -> Any:
    """The project's embedder as a llama-index embed model."""
    from llama_index.core.embeddings import BaseEmbedding

    class Adapter(BaseEmbedding):
        def _get_query_embedding(self, query: str) -> list[float]:
            return embedder.query(query).tolist()

        def _get_text_embedding(self, text: str) -> list[float]:
            return embedder.passages([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return embedder.passages(texts).tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

    return Adapter(model_name=embedder.name, embed_batch_size=16)
