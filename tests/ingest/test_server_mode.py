"""Server mode: the index lives in a real `chroma run` server on 127.0.0.1 instead of the embedded store."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from corpus.errors import StoreUnavailableError
from corpus.settings import PROJECT_ROOT, Settings
from ingest import build as build_module
from ingest import store
from ingest.build import build
from ingest.progress import Progress
from tests.chroma_server import ChromaServer

pytestmark = pytest.mark.server

QUIET = Progress(quiet=True)
CLI_TIMEOUT_S = 120


@pytest.fixture(scope="module")
def chroma_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A `chroma run` server for this module; its port."""
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server")).start()
    yield server.port
    server.stop()


def _server_settings(
    make_settings: Callable[..., Settings],
    corpus: Path,
    manifest: Path,
    data: Path,
    port: int,
    prefix: str,
) -> Any:
    return make_settings(corpus, manifest, data, chroma_host="127.0.0.1", chroma_port=port, collection_prefix=prefix)


def _no_embedder(settings: Any) -> Any:
    pytest.fail("nothing changed, yet an embedder was made")


def _server_names(settings: Any) -> set[str]:
    """This index's collections on the server (other tests share the server under other prefixes)."""
    names = {c if isinstance(c, str) else c.name for c in store.chroma_client(settings.index).list_collections()}
    return {n for n in names if n.startswith(f"{settings.index.collection_prefix}-")}


def test_build_writes_to_the_server_and_second_build_does_nothing(
    pdfs: Any,
    corpus_dir: Path,
    manifest_file: Path,
    tmp_path: Path,
    make_settings: Callable[..., Settings],
    chroma_port: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pdfs.doc(corpus_dir / "a.pdf", "a")
    pdfs.doc(corpus_dir / "b.pdf", "b")
    settings = _server_settings(make_settings, corpus_dir, manifest_file, tmp_path / "data", chroma_port, "server-a")

    report = build(settings, QUIET)
    folder = store.require_current(settings.index)
    chunks = store.load_chunks(folder)
    vectors = store.load_embeddings(folder)
    assert report.embedded == len(chunks) > 0
    assert store.load_manifest(folder)["chroma"] == f"http://127.0.0.1:{chroma_port}"
    assert not (settings.index.data_dir / "chroma").exists(), "the embedded store is not used in server mode"

    collection = store.open_version_collection(store.chroma_client(settings.index), settings.index, report.version)
    assert collection.count() == len(chunks)
    stored = collection.get(ids=[chunks[-1].chunk_id], include=["documents", "metadatas"])
    assert stored["documents"] == [chunks[-1].text]
    assert stored["metadatas"][0]["doc_id"] == chunks[-1].doc_id
    hits = collection.query(query_embeddings=[vectors[1].tolist()], n_results=3)
    assert hits["ids"][0][0] == chunks[1].chunk_id
    assert set(hits["ids"][0]) <= {c.chunk_id for c in chunks}

    monkeypatch.setattr(build_module, "make_embedder", _no_embedder)
    again = build(settings, QUIET)
    assert again.unchanged and (again.version, again.embedded) == (report.version, 0)
    assert _server_names(settings) == {store.collection_name(settings.index, report.version)}


def test_unreachable_server_fails_with_host_and_port(
    pdfs: Any,
    corpus_dir: Path,
    manifest_file: Path,
    tmp_path: Path,
    make_settings: Callable[..., Settings],
    free_port: int,
) -> None:
    pdfs.doc(corpus_dir / "a.pdf", "a")
    settings = _server_settings(make_settings, corpus_dir, manifest_file, tmp_path / "data", free_port, "down")
    with pytest.raises(StoreUnavailableError) as info:
        build(settings, QUIET)
    assert f"127.0.0.1:{free_port}" in str(info.value)
    assert store.current_version(settings.index) is None


def test_cli_with_unreachable_server_exits_nonzero_naming_it(
    pdfs: Any,
    corpus_dir: Path,
    manifest_file: Path,
    tmp_path: Path,
    cli_env: Callable[..., dict[str, str]],
    free_port: int,
) -> None:
    pdfs.doc(corpus_dir / "a.pdf", "a")
    env = cli_env(corpus_dir, manifest_file, tmp_path / "data", CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(free_port))
    result = subprocess.run(
        [sys.executable, "-m", "ingest", "build", "--quiet"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_S,
        check=False,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert f"127.0.0.1:{free_port}" in result.stderr
    assert "CHROMA_HOST" in result.stderr, "the message says how to fall back to the embedded store"


def test_unreachable_server_is_reported_before_embedding(
    pdfs: Any,
    corpus_dir: Path,
    manifest_file: Path,
    tmp_path: Path,
    make_settings: Callable[..., Settings],
    free_port: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pdfs.doc(corpus_dir / "a.pdf", "a")
    settings = _server_settings(make_settings, corpus_dir, manifest_file, tmp_path / "data", free_port, "down")
    embedded: list[int] = []
    real = build_module.make_embedder

    def make(ingest_settings: Any) -> Any:
        embedded.append(1)
        return real(ingest_settings)

    monkeypatch.setattr(build_module, "make_embedder", make)
    with pytest.raises(StoreUnavailableError):
        build(settings, QUIET)
    assert not embedded
    versions = store.versions_dir(settings.index)
    assert not versions.exists() or not any(versions.iterdir())


def test_two_indexes_on_one_server_do_not_delete_each_other(
    pdfs: Any,
    corpus_dir: Path,
    manifest_file: Path,
    tmp_path: Path,
    make_settings: Callable[..., Settings],
    chroma_port: int,
) -> None:
    pdfs.doc(corpus_dir / "a.pdf", "a")
    first = _server_settings(make_settings, corpus_dir, manifest_file, tmp_path / "data-1", chroma_port, "shared")
    second = _server_settings(make_settings, corpus_dir, manifest_file, tmp_path / "data-2", chroma_port, "shared")
    version_1 = build(first, QUIET).version
    build(second, QUIET)
    collection = store.open_version_collection(store.chroma_client(first.index), first.index, version_1)
    assert collection.count() > 0
