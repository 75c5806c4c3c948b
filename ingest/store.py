"""Index versions on disk and in Chroma; a new version becomes current only when complete.

Layout under ``data_dir``::

    current.json                 {"version": "<id>"}: the version readers use (atomic replace)
    versions/<id>/manifest.json  embedder, settings, files and their chunk hashes
    versions/<id>/catalogue.json documents, recommendations, best practices, quotes, sections
    versions/<id>/chunks.jsonl   the chunks, in index order
    versions/<id>/embeddings.npy their vectors, and embed_keys.json the hash of each embedded text
    versions/<id>/bm25/          the keyword index (bm25s)
    chroma/                      the embedded Chroma (unless CHROMA_HOST is set)

Chroma holds one collection per version (``<prefix>-<id>``). A build writes a new version
aside and switches ``current.json`` last, so a failed or killed build leaves the previous
version fully usable.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import time
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from corpus.errors import (
    DamagedStoreError,
    IndexMissingError,
    IndexUnusableError,
    ReadOnlyStoreError,
    StoreUnavailableError,
)
from corpus.records import (
    BestPractice,
    Catalogue,
    Chunk,
    ChunkKind,
    Document,
    Quote,
    Recommendation,
    Section,
)
from corpus.settings import IndexSettings, apply_offline_env

CHROMA_BATCH = 256
_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,63}")  # a version id, never a path
log = logging.getLogger(__name__)


# --- versions ----------------------------------------------------------------------------------


def versions_dir(settings: IndexSettings) -> Path:
    return settings.data_dir / "versions"


def current_version(settings: IndexSettings) -> str | None:
    """The version readers use: the one ``current.json`` names when it is complete on disk. A
    ``current.json`` that is missing, empty, not UTF-8, not JSON or of another shape, or that names an
    incomplete version, falls back to the newest complete version folder (with a warning): a damaged
    pointer never costs the index, nor a build that embeds everything again."""
    named = _named_version(settings.data_dir / "current.json")
    if named is not None and is_complete(settings, named):
        return named
    fallback = newest_complete(settings)
    if fallback is not None:
        log.warning(
            "current.json in %r is missing or damaged (%s); using the newest complete version %s",
            str(settings.data_dir),
            f"names {named!r}" if named else "unreadable",
            fallback,
        )
    return fallback


def _named_version(path: Path) -> str | None:
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    version = data.get("version") if isinstance(data, dict) else None
    return version if isinstance(version, str) and _VERSION.fullmatch(version) else None


def is_complete(settings: IndexSettings, version: str) -> bool:
    """A version folder whose manifest reads as one and whose chunks are there."""
    folder = versions_dir(settings) / version
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(manifest, dict) and "collection" in manifest and (folder / "chunks.jsonl").is_file()


def newest_complete(settings: IndexSettings) -> str | None:
    names = sorted((p.name for p in versions_dir(settings).glob("*") if _VERSION.fullmatch(p.name)), reverse=True)
    return next((name for name in names if is_complete(settings, name)), None)


def require_current(settings: IndexSettings) -> Path:
    version = current_version(settings)
    if version is None:
        raise IndexMissingError(str(settings.data_dir))
    return versions_dir(settings) / version


def publish(settings: IndexSettings, version: str) -> None:
    """Make ``version`` the current one with an atomic file replace."""
    target = settings.data_dir / "current.json"
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"version": version}))
    os.replace(tmp, target)


def index_id(settings: IndexSettings) -> str:
    """A random id per data folder, so several indexes can share one Chroma server."""
    path = settings.data_dir / "index_id"
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(uuid.uuid4().hex[:8])
    return path.read_text().strip()


def collection_name(settings: IndexSettings, version: str) -> str:
    return f"{settings.collection_prefix}-{index_id(settings)}-{version}"


def remove_incomplete(settings: IndexSettings) -> None:
    """Version folders without a manifest are leftovers of a failed or killed build."""
    for path in versions_dir(settings).glob("*"):
        if not (path / "manifest.json").exists():
            shutil.rmtree(path, ignore_errors=True)


def discard(settings: IndexSettings, client: Any, version: str) -> None:
    """Remove what a failed build of ``version`` left: its folder and its collection (best effort)."""
    shutil.rmtree(versions_dir(settings) / version, ignore_errors=True)
    try:
        client.delete_collection(collection_name(settings, version))
    except Exception:  # noqa: BLE001  # never made, or the store is as full as the disk: prune retries later
        log.debug("no collection to remove for %s", version)


def prune(settings: IndexSettings, client: Any) -> None:
    """Keep the newest ``keep_versions`` complete versions; remove the rest and leftovers."""
    current = current_version(settings)
    folder = versions_dir(settings)
    complete = sorted((p for p in folder.glob("*") if (p / "manifest.json").exists()), key=lambda p: p.name)
    keep = {p.name for p in complete[-settings.keep_versions :]} | ({current} if current else set())
    for path in folder.glob("*"):
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
    prefix = f"{settings.collection_prefix}-{index_id(settings)}-"
    for name in _collection_names(client):
        if name.startswith(prefix) and name[len(prefix) :] not in keep:
            client.delete_collection(name)


def _collection_names(client: Any) -> list[str]:
    return [c if isinstance(c, str) else c.name for c in client.list_collections()]


# --- Chroma --------------------------------------------------------------------------------------


def chroma_client(settings: IndexSettings, set_aside_damaged: bool = False) -> Any:
    """Embedded PersistentClient by default, HttpClient when a Chroma host is configured. An embedded
    store that cannot be opened is a ``DamagedStoreError`` naming its file (``set_aside_damaged``: it is
    moved aside and a fresh one made, for ``build --rebuild``); a read-only one a ``ReadOnlyStoreError``."""
    apply_offline_env()
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        try:
            client = chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
            client.heartbeat()
            return client
        except Exception as exc:
            raise StoreUnavailableError(f"{settings.chroma_host}:{settings.chroma_port}", str(exc)) from exc
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / "chroma"
    try:
        return _embedded(chromadb, path, chroma_settings)
    except Exception as exc:  # sqlite and Chroma raise many kinds; told apart by their text
        _forget(path)  # Chroma keeps the failed client of this folder: the next attempt starts afresh
        if "readonly" in str(exc).lower() or "read-only" in str(exc).lower():
            raise ReadOnlyStoreError(str(path)) from exc
        if not set_aside_damaged:
            raise DamagedStoreError(str(path / "chroma.sqlite3"), str(exc)) from exc
    aside = path.with_name(f"chroma.damaged-{time.strftime('%Y%m%d%H%M%S')}")
    path.rename(aside)
    log.warning("the damaged vector store was moved to %r; a new one is made from the stored vectors", str(aside))
    return _embedded(chromadb, path, chroma_settings)


def _embedded(chromadb: Any, path: Path, chroma_settings: Any) -> Any:
    _forget_if_replaced(path)
    client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    client.list_collections()  # a damaged database fails here, not at the first question
    _EMBEDDED_DB[str(path)] = _inode(path / "chroma.sqlite3")
    return client


_EMBEDDED_DB: dict[str, int | None] = {}  # embedded store folder → its database file when its client was made


def _inode(path: Path) -> int | None:
    return path.stat().st_ino if path.exists() else None


def _forget_if_replaced(path: Path) -> None:
    """Chroma keeps one client per folder per process. When the folder was removed (and maybe
    rebuilt) since, that client still holds the deleted database: drop it so a fresh one opens."""
    known = _EMBEDDED_DB.get(str(path))
    if known is None or known == _inode(path / "chroma.sqlite3"):
        return
    _forget(path)


def _forget(path: Path) -> None:
    from chromadb.api.shared_system_client import SharedSystemClient  # no public API for this

    SharedSystemClient._identifier_to_system.pop(str(path), None)
    SharedSystemClient._identifier_to_refcount.pop(str(path), None)
    _EMBEDDED_DB.pop(str(path), None)


def collection_holds(client: Any, manifest: dict[str, Any]) -> bool:
    """Whether the version's collection is in the store with all its chunks (a deleted or replaced
    database keeps the version's files but not its vectors in Chroma)."""
    try:
        return int(client.get_collection(manifest["collection"], embedding_function=None).count()) == manifest["chunks"]
    except Exception:  # noqa: BLE001  # missing collection, missing key, a store that fails: not complete
        return False


def write_collection(client: Any, name: str, chunks: list[Chunk], vectors: np.ndarray) -> None:
    if name in _collection_names(client):
        client.delete_collection(name)
    collection = client.create_collection(name, embedding_function=None, metadata={"hnsw:space": "cosine"})
    for start in range(0, len(chunks), CHROMA_BATCH):
        part = chunks[start : start + CHROMA_BATCH]
        collection.add(
            ids=[c.chunk_id for c in part],
            embeddings=vectors[start : start + len(part)].tolist(),
            documents=[c.text for c in part],
            metadatas=[c.metadata() for c in part],
        )


def open_collection(client: Any, manifest: dict[str, Any], where: str) -> Any:
    """The version's collection; ``embedding_function=None`` so Chroma attaches no default model."""
    name = manifest.get("collection", "")
    try:
        return client.get_collection(name, embedding_function=None)
    except Exception as exc:
        raise IndexUnusableError(
            f"The index at {where!r} has no vector collection {name!r} in Chroma. "
            "Rebuild it with: python -m ingest build --rebuild"
        ) from exc


# --- files of a version --------------------------------------------------------------------------


def save_chunks(folder: Path, chunks: list[Chunk], vectors: np.ndarray, embed_keys: list[str]) -> None:
    with (folder / "chunks.jsonl").open("w", encoding="utf-8") as handle:
        for chunk in chunks:
            handle.write(json.dumps(asdict(chunk), ensure_ascii=False) + "\n")
    np.save(folder / "embeddings.npy", vectors.astype(np.float32))
    (folder / "embed_keys.json").write_text(json.dumps(embed_keys))


def load_embed_keys(folder: Path) -> list[str]:
    """The hash of the text each vector was computed from (empty for older versions)."""
    try:
        return json.loads((folder / "embed_keys.json").read_text())
    except FileNotFoundError:
        return []


def load_chunks(folder: Path) -> list[Chunk]:
    chunks = []
    with (folder / "chunks.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            data = json.loads(line)
            data["kind"] = ChunkKind(data["kind"])
            chunks.append(Chunk(**data))
    return chunks


def load_embeddings(folder: Path) -> np.ndarray:
    return np.load(folder / "embeddings.npy")


def save_catalogue(folder: Path, catalogue: Catalogue) -> None:
    (folder / "catalogue.json").write_text(json.dumps(asdict(catalogue), ensure_ascii=False, indent=1))


def load_catalogue(folder: Path) -> Catalogue:
    data = json.loads((folder / "catalogue.json").read_text(encoding="utf-8"))
    return Catalogue(
        documents=tuple(Document(**{**d, "ocr_pages": tuple(d.get("ocr_pages", ()))}) for d in data["documents"]),
        sections=tuple(Section(**{**d, "path": tuple(d["path"])}) for d in data["sections"]),
        recommendations=tuple(_recommendation(d) for d in data["recommendations"]),
        best_practices=tuple(BestPractice(**d) for d in data["best_practices"]),
        quotes=tuple(Quote(**d) for d in data["quotes"]),
        themes={k: tuple(tuple(t) for t in v) for k, v in data["themes"].items()},
    )


def _recommendation(data: dict[str, Any]) -> Recommendation:
    for key in ("pages", "page_labels", "best_practices", "points"):
        data[key] = tuple(data[key])
    return Recommendation(**data)


def save_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """Written last: a version folder with a manifest is complete."""
    tmp = folder / "manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=1))
    os.replace(tmp, folder / "manifest.json")


def load_manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "manifest.json").read_text())


def open_version_collection(client: Any, settings: IndexSettings, version: str) -> Any:
    folder = versions_dir(settings) / version
    return open_collection(client, load_manifest(folder), str(folder))
