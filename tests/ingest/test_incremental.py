"""Incremental builds: nothing changed → nothing done; a changed, removed or duplicate file is handled alone."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from corpus.records import Chunk
from corpus.settings import Settings
from ingest import build as build_module
from ingest import store
from ingest.build import BuildReport, build
from ingest.progress import Progress

QUIET = Progress(quiet=True)
UNCHANGED_BUILD_S = 3.0  # a no-change build hashes files and reads one manifest; no model, no Chroma


class EmbedSpy:
    """Wraps ``make_embedder`` to record every text that gets embedded."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.created = 0
        self.texts: list[str] = []
        real = build_module.make_embedder

        def make(settings: Any) -> Any:
            self.created += 1
            embedder = real(settings)
            original = embedder.passages

            def passages(texts: Sequence[str]) -> np.ndarray:
                self.texts.extend(texts)
                return original(texts)

            embedder.passages = passages
            return embedder

        monkeypatch.setattr(build_module, "make_embedder", make)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> EmbedSpy:
    return EmbedSpy(monkeypatch)


def _chunks_by_doc(settings: Any) -> dict[str, list[Chunk]]:
    result: dict[str, list[Chunk]] = {}
    for chunk in store.load_chunks(store.require_current(settings.index)):
        result.setdefault(chunk.doc_id, []).append(chunk)
    return result


def _vectors_by_id(settings: Any) -> dict[str, np.ndarray]:
    folder = store.require_current(settings.index)
    return dict(zip((c.chunk_id for c in store.load_chunks(folder)), store.load_embeddings(folder), strict=True))


def _collection_ids(settings: Any, version: str) -> set[str]:
    collection = store.open_version_collection(store.chroma_client(settings.index), settings.index, version)
    return set(collection.get(include=[])["ids"])


def _status(report: BuildReport) -> dict[str, str]:
    return {Path(f.path).name: f.status for f in report.files}


def test_second_build_without_changes_does_nothing(
    pdfs: Any,
    corpus_dir: Path,
    settings: Settings,
    spy: EmbedSpy,
) -> None:
    pdfs.doc(corpus_dir / "a.pdf", "a")
    pdfs.doc(corpus_dir / "b.pdf", "b")
    first = build(settings, QUIET)
    assert first.embedded > 0 and spy.created == 1
    versions = sorted(p.name for p in store.versions_dir(settings.index).iterdir())

    started = time.perf_counter()
    second = build(settings, QUIET)
    elapsed = time.perf_counter() - started

    assert second.unchanged
    assert (second.version, second.embedded, second.reused) == (first.version, 0, 0)
    assert _status(second) == {"a.pdf": "unchanged", "b.pdf": "unchanged"}
    assert spy.created == 1, "no embedder is even loaded when nothing changed"
    assert elapsed < UNCHANGED_BUILD_S
    assert sorted(p.name for p in store.versions_dir(settings.index).iterdir()) == versions


def test_rebuild_flag_builds_anew_but_reuses_every_vector(
    pdfs: Any,
    corpus_dir: Path,
    settings: Settings,
    spy: EmbedSpy,
) -> None:
    pdfs.doc(corpus_dir / "a.pdf", "a")
    first = build(settings, QUIET)
    again = build(settings, QUIET, rebuild=True)
    assert not again.unchanged and again.version != first.version
    assert (again.embedded, again.reused) == (0, first.embedded)
    assert spy.texts and len(spy.texts) == first.embedded


def test_changed_file_replaces_exactly_its_chunks(
    pdfs: Any,
    corpus_dir: Path,
    settings: Settings,
    spy: EmbedSpy,
) -> None:
    pdfs.doc(corpus_dir / "a.pdf", "a")
    pdfs.doc(corpus_dir / "b.pdf", "b")
    build(settings, QUIET)
    before, vectors_before = _chunks_by_doc(settings), _vectors_by_id(settings)
    spy.texts.clear()

    pdfs.doc(corpus_dir / "b.pdf", "b-herschreven", n_pages=4)  # same name, all new text
    report = build(settings, QUIET)
    after, vectors_after = _chunks_by_doc(settings), _vectors_by_id(settings)

    assert _status(report) == {"a.pdf": "reused", "b.pdf": "ok"}
    assert after["a"] == before["a"], "the unchanged document keeps its chunks, ids and hashes"
    for chunk in after["a"]:
        np.testing.assert_array_equal(vectors_after[chunk.chunk_id], vectors_before[chunk.chunk_id])
    new_b = after["b"]
    assert not {c.content_hash for c in new_b} & {c.content_hash for c in before["b"]}
    assert pdfs.text("b-herschreven-0")[:40] in new_b[0].text
    assert report.reused == len(after["a"]) > 0
    assert report.embedded == len(new_b) == len(spy.texts)
    assert sorted(spy.texts) == sorted(build_module._embed_text(c) for c in new_b)
    assert _collection_ids(settings, report.version) == {c.chunk_id for cs in after.values() for c in cs}


def test_removed_file_loses_its_chunks_and_catalogue_entries(
    pdfs: Any,
    corpus_dir: Path,
    settings: Settings,
    spy: EmbedSpy,
) -> None:
    pdfs.doc(corpus_dir / "a.pdf", "a")
    pdfs.doc(corpus_dir / "b.pdf", "b")
    build(settings, QUIET)
    before = _chunks_by_doc(settings)
    (corpus_dir / "b.pdf").unlink()

    report = build(settings, QUIET)
    folder = store.require_current(settings.index)
    catalogue = store.load_catalogue(folder)

    assert _status(report) == {"a.pdf": "reused"}
    assert (report.embedded, report.reused) == (0, len(before["a"]))
    assert _chunks_by_doc(settings) == {"a": before["a"]}
    assert [d.doc_id for d in catalogue.documents] == ["a"]
    assert {s.doc_id for s in catalogue.sections} == {"a"}
    assert set(catalogue.themes) == {"a"}
    assert set(store.load_manifest(folder)["files"]) == {"a"}
    assert _collection_ids(settings, report.version) == {c.chunk_id for c in before["a"]}


def test_duplicate_under_another_name_is_ingested_once(pdfs: Any, corpus_dir: Path, settings: Settings) -> None:
    original = pdfs.doc(corpus_dir / "a.pdf", "a")
    shutil.copyfile(original, corpus_dir / "z-kopie van a.pdf")
    report = build(settings, QUIET)

    duplicate = next(f for f in report.files if Path(f.path).name == "z-kopie van a.pdf")
    assert duplicate.status == "duplicate"
    assert str(original) in duplicate.message
    assert report.ingested == 1
    chunks = store.load_chunks(store.require_current(settings.index))
    assert {c.doc_id for c in chunks} == {"a"}
    assert len({c.content_hash for c in chunks}) == len(chunks)
    assert [d.doc_id for d in store.load_catalogue(store.require_current(settings.index)).documents] == ["a"]


def test_pdf_outside_the_manifest_is_named_by_file_and_own_title(
    pdfs: Any,
    corpus_dir: Path,
    settings: Settings,
) -> None:
    pdfs.doc(corpus_dir / "Mijn Rapport 2024.pdf", "eigen", title="Werk in de regio: een verkenning")
    build(settings, QUIET)
    folder = store.require_current(settings.index)
    (document,) = store.load_catalogue(folder).documents
    assert document.doc_id == "mijn-rapport-2024"
    assert document.title == "Werk in de regio: een verkenning"
    assert document.kind == "document"
    assert {(c.doc_id, c.doc_title) for c in store.load_chunks(folder)} == {(document.doc_id, document.title)}


def test_pdf_in_the_manifest_takes_its_id_and_title(
    pdfs: Any,
    corpus_dir: Path,
    tmp_path: Path,
    make_settings: Callable[..., Settings],
) -> None:
    manifest = tmp_path / "bekend.toml"
    manifest.write_text(_source_toml("Bekend advies"), encoding="utf-8")
    pdfs.doc(corpus_dir / "bekend.pdf", "bekend", title="Eigen titel in de PDF")
    settings = make_settings(corpus_dir, manifest, tmp_path / "data")
    build(settings, QUIET)
    (document,) = store.load_catalogue(store.require_current(settings.index)).documents
    assert (document.doc_id, document.title, document.publisher) == ("bekend-advies", "Bekend advies", "SER Test")


def test_manifest_title_change_reaches_the_index(
    pdfs: Any,
    corpus_dir: Path,
    tmp_path: Path,
    make_settings: Callable[..., Settings],
) -> None:
    manifest = tmp_path / "bekend.toml"
    manifest.write_text(_source_toml("Oude titel"), encoding="utf-8")
    pdfs.doc(corpus_dir / "bekend.pdf", "bekend")
    settings = make_settings(corpus_dir, manifest, tmp_path / "data")
    build(settings, QUIET)
    manifest.write_text(_source_toml("Nieuwe titel"), encoding="utf-8")
    build(settings, QUIET, rebuild=True)
    folder = store.require_current(settings.index)
    assert [d.title for d in store.load_catalogue(folder).documents] == ["Nieuwe titel"]
    assert {c.doc_title for c in store.load_chunks(folder)} == {"Nieuwe titel"}


def _source_toml(title: str) -> str:
    return (
        f'[[source]]\nid = "bekend-advies"\ntitle = "{title}"\npublisher = "SER Test"\n'
        'url = "https://example.invalid/bekend.pdf"\nfile = "bekend.pdf"\n'
    )


def test_moved_corpus_folder_points_the_catalogue_at_the_new_place(
    pdfs: Any,
    corpus_dir: Path,
    settings: Settings,
    spy: EmbedSpy,
    tmp_path: Path,
) -> None:
    """CI caches the index outside the clone while the clone (and the corpus beside it) moves."""
    pdfs.doc(corpus_dir / "a.pdf", "a")
    first = build(settings, QUIET)
    moved = tmp_path / "elsewhere" / "corpus"
    shutil.copytree(corpus_dir, moved)
    shutil.rmtree(corpus_dir)
    settings = settings.model_copy(update={"corpus": settings.corpus.model_copy(update={"folders": (moved,)})})

    again = build(settings, QUIET)

    assert not again.unchanged and again.version != first.version
    assert (again.embedded, again.reused) == (0, first.embedded) and _status(again) == {"a.pdf": "reused"}
    (document,) = store.load_catalogue(store.require_current(settings.index)).documents
    assert document.path == str(moved / "a.pdf")
