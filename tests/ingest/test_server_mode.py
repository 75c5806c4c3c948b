"""Server mode: the index lives in a real `chroma run` server on 127.0.0.1 instead of the embedded store."""

from __future__ import annotations

import subprocess
import sys
import time
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

pytestmark = pytest.mark.server

QUIET = Progress(quiet=True)
CHROMA = Path(sys.executable).with_name("chroma")
START_TIMEOUT_S = 20
CLI_TIMEOUT_S = 120


def _heartbeat(port: int) -> bool:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    try:
        client = chromadb.HttpClient(host="127.0.0.1", port=port, settings=ChromaSettings(anonymized_telemetry=False))
        client.heartbeat()
    except Exception:  # noqa: BLE001 - any failure means: not up yet
        return False
    return True


@pytest.fixture(scope="module")
def chroma_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A `chroma run` server for this module; its port."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    folder = tmp_path_factory.mktemp("chroma-server")
    log = (folder / "server.log").open("wb")
    command = [str(CHROMA), "run", "--path", str(folder / "db"), "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _heartbeat(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                log_text = (folder / "server.log").read_text(errors="replace")
                pytest.fail(f"chroma server did not start: {log_text[-2000:]}")
            time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


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
