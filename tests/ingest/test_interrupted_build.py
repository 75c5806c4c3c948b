"""A build killed mid-way (kill -9) leaves the previous version current and usable; the next build cleans up."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from corpus.settings import Settings
from ingest import store
from ingest.build import build
from ingest.progress import Progress
from tests.build_process import EMBED_LINE, start_build, wait_for

QUIET = Progress(quiet=True)
STAGE_TIMEOUT_S = 90
EXTRA_DOCS, EXTRA_PAGES = 5, 6  # ~35 chunks: several seconds of embedding, time enough to kill it


def _collections(settings: Any) -> set[str]:
    client = store.chroma_client(settings.index)
    return {c if isinstance(c, str) else c.name for c in client.list_collections()}


def _assert_version_usable(settings: Any, version: str) -> None:
    folder = store.versions_dir(settings.index) / version
    chunks = store.load_chunks(folder)
    catalogue = store.load_catalogue(folder)
    vectors = store.load_embeddings(folder)
    assert chunks and len(vectors) == len(chunks)
    assert {d.doc_id for d in catalogue.documents} == {c.doc_id for c in chunks}
    collection = store.open_version_collection(store.chroma_client(settings.index), settings.index, version)
    assert collection.count() == len(chunks)
    hits = collection.query(query_embeddings=[vectors[0].tolist()], n_results=3)
    assert hits["ids"][0][0] == chunks[0].chunk_id
    assert len(hits["ids"][0]) == min(3, len(chunks))


@pytest.mark.slow
def test_killed_rebuild_keeps_the_previous_version(
    pdfs: Any,
    corpus_dir: Path,
    manifest_file: Path,
    settings: Settings,
    cli_env: Callable[..., dict[str, str]],
) -> None:
    pdfs.doc(corpus_dir / "klein.pdf", "klein", n_pages=2)
    version_a = build(settings, QUIET).version
    assert version_a is not None
    for i in range(EXTRA_DOCS):
        pdfs.doc(corpus_dir / f"groot-{i}.pdf", f"groot-{i}", n_pages=EXTRA_PAGES)

    proc, lines = start_build(cli_env(corpus_dir, manifest_file, settings.index.data_dir), "--rebuild")
    try:
        wait_for(proc, lines, EMBED_LINE, STAGE_TIMEOUT_S)
        time.sleep(0.5)  # inside the first embedding batches
        assert proc.poll() is None, "the build finished before it could be killed; make the corpus larger"
    finally:
        proc.kill()  # SIGKILL: no cleanup handlers run
        proc.wait(timeout=10)
    assert proc.returncode == -9

    assert store.current_version(settings.index) == version_a
    assert store.require_current(settings.index).name == version_a
    leftovers = [p for p in store.versions_dir(settings.index).iterdir() if p.name != version_a]
    assert leftovers, "the killed build left a partial version behind"
    assert not any((p / "manifest.json").exists() for p in leftovers)
    _assert_version_usable(settings, version_a)

    # A kill during the Chroma write leaves a collection for the unfinished version: play that too.
    orphan = store.collection_name(settings.index, leftovers[0].name)
    store.chroma_client(settings.index).create_collection(orphan, embedding_function=None)

    report = build(settings, QUIET)
    assert not report.unchanged and report.version not in (None, version_a)
    assert report.ingested == 1 + EXTRA_DOCS
    kept = {p.name for p in store.versions_dir(settings.index).iterdir()}
    assert kept == {version_a, report.version}
    assert len(kept) <= settings.index.keep_versions
    assert _collections(settings) == {store.collection_name(settings.index, v) for v in kept}
    _assert_version_usable(settings, report.version)
