"""Build (or update) the index: discover → parse → structure → chunk → embed → store → switch.

Incremental and safe: a file whose bytes and the ingest code are unchanged reuses its chunks
and their vectors from the current version, a chunk whose text is unchanged reuses its
vector, and nothing at all is done when nothing changed. The new version is written aside
and published only when complete.
"""

from __future__ import annotations

import errno
import hashlib
import os
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from corpus.errors import BuildError, DiskFullError, IndexUnusableError, SourceError
from corpus.manifest import SourceFile, discover, load_manifest
from corpus.records import Catalogue, Chunk, Document
from corpus.settings import Settings
from ingest import store
from ingest.catalogue import Structure, analyse
from ingest.chunk import make_chunks
from ingest.clean import title_text
from ingest.embed import Embedder, make_embedder
from ingest.keyword import build_keyword_index
from ingest.lock import build_lock
from ingest.ocr import OcrReader
from ingest.outline import build_outline
from ingest.pdf import read_pdf
from ingest.progress import Progress

# The ingest key changes whenever the code that shapes chunks changes, so a build after an
# upgrade re-chunks every file (unchanged chunk texts still reuse their vectors).
OCR_WORKERS = max(1, min(2, os.cpu_count() or 1))  # tesseract processes at once, one core each
_SHAPING_MODULES = (
    "pdf",
    "ocr",
    "clean",
    "outline",
    "rules",
    "recommendations",
    "catalogue",
    "chunk",
    "keyword",
    "text",
    "build",
)


@dataclass
class FileReport:
    path: str
    doc_id: str
    pages: int = 0
    chunks: int = 0
    recommendations: int = 0
    status: str = "ok"
    message: str = ""
    ocr_pages: int = 0  # pages read with OCR (from the cache or not)
    ocr_seconds: float = 0.0  # OCR time in this build (0 when all came from the cache)


@dataclass
class BuildReport:
    version: str | None
    files: list[FileReport] = field(default_factory=list)
    embedded: int = 0
    reused: int = 0
    unchanged: bool = False
    seconds: float = 0.0

    @property
    def ingested(self) -> int:
        return sum(1 for f in self.files if f.status in ("ok", "reused", "unchanged"))


@dataclass
class _DocResult:
    document: Document
    chunks: list[Chunk]
    catalogue: Catalogue
    note: str = ""  # for the summary table (scanned pages that could not be read)


def build(settings: Settings, progress: Progress | None = None, rebuild: bool = False) -> BuildReport:
    """Build a new index version if anything changed; returns what happened per file. One build at a
    time per data folder: a second one ends at once with a ``BuildLockedError`` (``ingest/lock.py``)."""
    with build_lock(settings.index.data_dir):
        return _build(settings, progress, rebuild)


def _build(settings: Settings, progress: Progress | None, rebuild: bool) -> BuildReport:
    started = time.perf_counter()
    progress = progress or Progress.for_terminal()
    sources = load_manifest(settings.corpus.manifest)
    files, duplicates = discover(settings.corpus.folders, sources)
    key = _ingest_key(settings)
    previous = _previous(settings)
    report = BuildReport(version=None)
    report.files += [
        FileReport(str(d), "", status="duplicate", message=f"same bytes as {str(o)!r}") for d, o in duplicates
    ]
    if not rebuild and previous and _unchanged(previous[1], files, key, settings) and _stored(settings, previous):
        report.version, report.unchanged = previous[0], True
        report.files += [FileReport(str(f.path), f.doc_id, status="unchanged") for f in files]
        store.remove_incomplete(settings.index)
        report.seconds = time.perf_counter() - started
        return report
    client = store.chroma_client(settings.index, set_aside_damaged=rebuild)  # fail fast, before any parsing
    results = _ingest_files(files, key, previous, report, settings, progress)
    if not results:
        raise BuildError("Nothing could be ingested: " + "; ".join(f"{f.path}: {f.message}" for f in report.files))
    report.version = _write_version(settings, client, results, key, files, previous, report, progress)
    report.seconds = time.perf_counter() - started
    return report


def _ingest_key(settings: Settings) -> dict[str, Any]:
    return {
        "code": _code_hash(),
        "manifest": hashlib.sha256(settings.corpus.manifest.read_bytes()).hexdigest()[:16],
        "chunk_words": settings.ingest.chunk_words,
        "overlap_words": settings.ingest.overlap_words,
    }


def _code_hash() -> str:
    folder = Path(__file__).parent
    digest = hashlib.sha256()
    for name in _SHAPING_MODULES:
        digest.update((folder / f"{name}.py").read_bytes())
    return digest.hexdigest()[:16]


def _previous(settings: Settings) -> tuple[str, dict[str, Any]] | None:
    version = store.current_version(settings.index)
    if version is None:
        return None
    return version, store.load_manifest(store.versions_dir(settings.index) / version)


def _unchanged(manifest: dict[str, Any], files: list[SourceFile], key: dict[str, Any], settings: Settings) -> bool:
    current = {str(f.path): f.sha256 for f in files}
    return (
        current == manifest.get("inputs")
        and manifest["key"] == key
        and manifest["embedder_setting"] == [settings.ingest.embedder, settings.ingest.model]
        and manifest.get("chroma") == _chroma_location(settings)
    )


def _stored(settings: Settings, previous: tuple[str, dict[str, Any]]) -> bool:
    """The previous version's vectors are in the store: "up to date" only then (its files alone are not)."""
    try:
        client = store.chroma_client(settings.index)
    except IndexUnusableError:  # damaged or read-only: a build says so when it opens the store itself
        return False
    return store.collection_holds(client, previous[1])


def _chroma_location(settings: Settings) -> str:
    index = settings.index
    return f"http://{index.chroma_host}:{index.chroma_port}" if index.chroma_host else "embedded"


def _ingest_files(files, key, previous, report, settings, progress) -> list[_DocResult]:
    old = _old_results(settings, previous, key)
    results = []
    for source_file in progress.iterate(files, "parse"):
        file_report = FileReport(str(source_file.path), source_file.doc_id)
        report.files.append(file_report)
        reused = _relocated(old.get((source_file.doc_id, source_file.sha256)), source_file)
        reader = ocr_reader(settings, progress)
        try:
            result = reused or ingest_document(source_file, settings, reader)
        except SourceError as exc:
            file_report.status, file_report.message = exc.status, exc.reason
            continue
        file_report.ocr_pages = len(result.document.ocr_pages)
        file_report.ocr_seconds = reader.stats.seconds
        file_report.message = result.note
        file_report.status = "reused" if reused else "ok"
        file_report.pages = result.document.pages
        file_report.chunks = len(result.chunks)
        file_report.recommendations = len(result.catalogue.recommendations)
        results.append(result)
    return results


def ocr_reader(settings: Settings, progress: Progress | None = None) -> OcrReader:
    """Reads scanned pages for a build: cached under the data folder, both cores, a bar per file."""
    wrap = (lambda items, label: progress.iterate(items, label)) if progress else None
    return OcrReader(settings.index.data_dir / "ocr", workers=OCR_WORKERS, progress=wrap)


def ingest_document(source_file: SourceFile, settings: Settings, ocr: OcrReader | None = None) -> _DocResult:
    """Parse (pages without a text layer read with ``ocr``), structure and chunk one PDF (no embedding)."""
    pages, meta = read_pdf(source_file.path, source_file.doc_id, ocr, source_file.sha256)
    document = replace(_document(source_file, meta, len(pages)), ocr_pages=tuple(p.index for p in pages if p.ocr))
    outline = build_outline(document.doc_id, pages)
    structure = analyse(outline, document)
    chunks = make_chunks(document, outline, structure, settings.ingest.chunk_words, settings.ingest.overlap_words)
    return _DocResult(document, chunks, _doc_catalogue(document, structure), meta.get("ocr_note", ""))


def _document(source_file: SourceFile, meta: dict[str, str], pages: int) -> Document:
    src = source_file.source
    return Document(
        doc_id=source_file.doc_id,
        title=src.title if src else _meta(meta, "title") or source_file.path.stem,
        publisher=src.publisher if src else _meta(meta, "author"),
        path=str(source_file.path),
        sha256=source_file.sha256,
        pages=pages,
        kind=src.kind if src else "document",
        date=src.date if src else "",
        url=src.url if src else "",
    )


_PLACEHOLDERS = {"", "untitled", "anonymous", "unknown", "microsoft word", "document"}


def _meta(meta: dict[str, str], key: str) -> str:
    """A PDF's own metadata value, unless it is a tool's placeholder."""
    value = title_text(meta.get(key, ""))
    return "" if value.lower() in _PLACEHOLDERS else value


def _doc_catalogue(document: Document, structure: Structure) -> Catalogue:
    return Catalogue(
        documents=(document,),
        sections=tuple(structure.sections),
        recommendations=tuple(structure.recommendations),
        best_practices=tuple(structure.best_practices),
        quotes=tuple(structure.quotes),
        themes={document.doc_id: tuple(structure.themes)},
    )


def _old_results(settings: Settings, previous, key) -> dict[tuple[str, str], _DocResult]:
    """Per (doc id, sha256): the previous version's chunks and catalogue, if built the same way."""
    if previous is None or previous[1]["key"] != key:
        return {}
    folder = store.versions_dir(settings.index) / previous[0]
    catalogue = store.load_catalogue(folder)
    chunks = store.load_chunks(folder)
    old = {}
    for doc in catalogue.documents:
        old[(doc.doc_id, doc.sha256)] = _DocResult(
            doc, [c for c in chunks if c.doc_id == doc.doc_id], _subset(catalogue, doc)
        )
    return old


def _relocated(result: _DocResult | None, source_file: SourceFile) -> _DocResult | None:
    """A reused result whose document points at where the same bytes lie now (a corpus folder can move)."""
    if result is None or result.document.path == str(source_file.path):
        return result
    document = replace(result.document, path=str(source_file.path))
    return _DocResult(document, result.chunks, replace(result.catalogue, documents=(document,)))


def _subset(catalogue: Catalogue, doc: Document) -> Catalogue:
    def own(items):
        return tuple(x for x in items if x.doc_id == doc.doc_id)

    return Catalogue(
        (doc,),
        own(catalogue.sections),
        own(catalogue.recommendations),
        own(catalogue.best_practices),
        own(catalogue.quotes),
        {doc.doc_id: catalogue.themes.get(doc.doc_id, ())},
    )


def _write_version(settings, client, results, key, files, previous, report, progress) -> str:
    """Write the new version aside and make it current. When the disk fills up on the way, the partial
    version and its collection are removed and a ``DiskFullError`` says how much room it needs."""
    version = time.strftime("%Y%m%d%H%M%S") + "-" + uuid.uuid4().hex[:6]
    try:
        return _write(settings, client, results, key, files, previous, report, progress, version)
    except Exception as exc:
        if not _disk_full(exc):
            raise
        store.discard(settings.index, client, version)
        chunks = sum(len(r.chunks) for r in results)
        raise DiskFullError(str(settings.index.data_dir), _needed_mb(chunks)) from exc


def _disk_full(exc: BaseException) -> bool:
    """No space left, as the OS, sqlite or Chroma's compaction says it (also as the cause of another error)."""
    while exc is not None:
        text = str(exc).lower()
        if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or any(m in text for m in _FULL):
            return True
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return False


_FULL = ("no space left", "disk is full", "database or disk is full", "error in compaction")


_BYTES_PER_CHUNK = 384 * 4 * 3 + 6_000  # an e5-small vector in the version, in Chroma and its index; texts


def _needed_mb(chunks: int) -> float:
    """Room a version of ``chunks`` chunks takes: vectors in the version and in Chroma, texts, keyword index."""
    return max(1.0, chunks * _BYTES_PER_CHUNK / 1e6)


def _write(settings, client, results, key, files, previous, report, progress, version: str) -> str:
    folder = store.versions_dir(settings.index) / version
    folder.mkdir(parents=True)
    chunks = [c for r in results for c in r.chunks]
    embedder = make_embedder(settings.ingest)
    vectors = _vectors(chunks, embedder, settings, previous, report, progress)
    catalogue = _merge([r.catalogue for r in results])
    store.save_chunks(folder, chunks, vectors, [embed_key(c) for c in chunks])
    store.save_catalogue(folder, catalogue)
    build_keyword_index([_search_text(c) for c in chunks], folder / "bm25")
    progress.stage(f"store {len(chunks)} chunks in Chroma ({_chroma_location(settings)})")
    collection = store.collection_name(settings.index, version)
    store.write_collection(client, collection, chunks, vectors)
    store.save_manifest(
        folder, {**_manifest(settings, results, key, embedder, len(chunks), files), "collection": collection}
    )
    store.publish(settings.index, version)
    store.prune(settings.index, client)
    return version


def _search_text(chunk: Chunk) -> str:
    """What the keyword index sees: the passage under its most specific heading."""
    return f"{_leaf(chunk)} {chunk.text}"


def _leaf(chunk: Chunk) -> str:
    """The most specific heading above a chunk (a main recommendation's long chapter section would
    otherwise lend its title to every passage and pull them all into unrelated questions)."""
    leaf = chunk.section.rsplit(" › ", 1)[-1] if chunk.section else ""
    return "" if not leaf or chunk.text.startswith(leaf) else leaf


def _vectors(chunks, embedder: Embedder, settings, previous, report, progress) -> np.ndarray:
    known = _known_vectors(settings, previous, embedder)
    vectors = np.zeros((len(chunks), embedder.dim), dtype=np.float32)
    todo = []
    for i, chunk in enumerate(chunks):
        if embed_key(chunk) in known:
            vectors[i] = known[embed_key(chunk)]
        else:
            todo.append(i)
    report.reused, report.embedded = len(chunks) - len(todo), len(todo)
    batch = settings.ingest.batch_size
    for start in progress.iterate(range(0, len(todo), batch), "embed", total_items=len(todo), step=batch):
        part = todo[start : start + batch]
        vectors[part] = embedder.passages([_embed_text(chunks[i]) for i in part])
    return vectors


def _embed_text(chunk: Chunk) -> str:
    leaf = _leaf(chunk)
    return f"{leaf}. {chunk.text}" if leaf else chunk.text


def embed_key(chunk: Chunk) -> str:
    """Vectors are reused by the exact text that was embedded."""
    return hashlib.sha256(_embed_text(chunk).encode()).hexdigest()[:32]


def _known_vectors(settings: Settings, previous, embedder: Embedder) -> dict[str, np.ndarray]:
    if previous is None or previous[1]["embedder"] != embedder.name:
        return {}
    folder = store.versions_dir(settings.index) / previous[0]
    keys = store.load_embed_keys(folder)
    old_vectors = store.load_embeddings(folder)
    return dict(zip(keys, old_vectors, strict=True)) if len(keys) == len(old_vectors) else {}


def _merge(parts: list[Catalogue]) -> Catalogue:
    return Catalogue(
        documents=tuple(d for p in parts for d in p.documents),
        sections=tuple(s for p in parts for s in p.sections),
        recommendations=tuple(r for p in parts for r in p.recommendations),
        best_practices=tuple(b for p in parts for b in p.best_practices),
        quotes=tuple(q for p in parts for q in p.quotes),
        themes={k: v for p in parts for k, v in p.themes.items()},
    )


def _manifest(
    settings: Settings, results: list[_DocResult], key, embedder: Embedder, n: int, files: list[SourceFile]
) -> dict[str, Any]:
    return {
        "inputs": {str(f.path): f.sha256 for f in files},  # every PDF seen, ingested or rejected
        "key": key,
        "embedder": embedder.name,
        "embedder_setting": [settings.ingest.embedder, settings.ingest.model],
        "dim": embedder.dim,
        "chroma": _chroma_location(settings),
        "chunks": n,
        "built": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "files": {
            r.document.doc_id: {"path": r.document.path, "sha256": r.document.sha256, "chunks": len(r.chunks)}
            for r in results
        },
    }
