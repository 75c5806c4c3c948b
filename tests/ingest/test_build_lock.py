"""Issue 13, cases 4 and 5: one build at a time (real processes), and a full disk (a patched write
that raises ENOSPC, and Chroma's compaction error) keeps the previous version and leaves nothing."""

from __future__ import annotations

import errno
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from corpus.errors import BuildLockedError, DiskFullError
from corpus.settings import Settings
from ingest import store
from ingest.build import build
from ingest.lock import LOCK_FILE, build_lock
from ingest.progress import Progress
from tests.build_process import EMBED_LINE, start_build, wait_for

QUIET = Progress(quiet=True)
STAGE_TIMEOUT_S = 90


def test_a_second_build_says_who_holds_the_lock_and_touches_nothing(
    pdfs: Any, corpus_dir: Path, manifest_file: Path, settings: Settings, cli_env: Callable[..., dict[str, str]]
) -> None:
    pdfs.doc(corpus_dir / "klein.pdf", "klein", n_pages=2)
    first = build(settings, QUIET).version
    for i in range(4):
        pdfs.doc(corpus_dir / f"groot-{i}.pdf", f"groot-{i}", n_pages=6)
    env = cli_env(corpus_dir, manifest_file, settings.index.data_dir)
    running, lines = start_build(env, "--rebuild")
    try:
        wait_for(running, lines, EMBED_LINE, STAGE_TIMEOUT_S)
        before = sorted(p.name for p in store.versions_dir(settings.index).iterdir())
        second, second_lines = start_build(env)
        second.wait(timeout=60)
        time.sleep(0.3)  # the reader thread drains the ended process's output
        said = "".join(second_lines.queue)
        assert second.returncode != 0 and f"pid {running.pid}" in said and "Traceback" not in said, said
        assert sorted(p.name for p in store.versions_dir(settings.index).iterdir()) == before
        assert store.current_version(settings.index) == first
        assert running.wait(timeout=300) == 0
    finally:
        if running.poll() is None:
            running.kill()
    assert store.current_version(settings.index) not in (None, first)


def test_a_lock_left_by_a_killed_build_is_taken_over(
    pdfs: Any, corpus_dir: Path, manifest_file: Path, settings: Settings, cli_env: Callable[..., dict[str, str]]
) -> None:
    for i in range(3):
        pdfs.doc(corpus_dir / f"doc-{i}.pdf", f"doc-{i}", n_pages=6)
    killed, lines = start_build(cli_env(corpus_dir, manifest_file, settings.index.data_dir))
    wait_for(killed, lines, EMBED_LINE, STAGE_TIMEOUT_S)
    killed.kill()
    killed.wait(timeout=10)
    assert (settings.index.data_dir / LOCK_FILE).read_text() == str(killed.pid)  # left behind
    assert build(settings, QUIET).version is not None


def test_the_lock_is_exclusive_within_one_machine(tmp_path: Path) -> None:
    with build_lock(tmp_path), pytest.raises(BuildLockedError, match=r"pid \d+"), build_lock(tmp_path):
        pass
    with build_lock(tmp_path):  # released
        pass


@pytest.mark.parametrize(
    "failure",
    [OSError(errno.ENOSPC, "No space left on device"), RuntimeError("Error in compaction: Failed to apply logs")],
    ids=["enospc", "chroma-compaction"],
)
def test_a_full_disk_keeps_the_previous_version_and_leaves_nothing(
    pdfs: Any, corpus_dir: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch, failure: Exception
) -> None:
    pdfs.doc(corpus_dir / "a.pdf", "a")
    first = build(settings, QUIET).version
    pdfs.doc(corpus_dir / "b.pdf", "b")
    real_write = store.write_collection

    def fills_up(client: Any, name: str, chunks: Any, vectors: Any) -> None:
        real_write(client, name, chunks[:3], vectors[:3])  # part of it written, then the disk is full
        raise failure

    monkeypatch.setattr(store, "write_collection", fills_up)
    started = time.perf_counter()
    with pytest.raises(DiskFullError, match=r"Schijf vol: ongeveer \d+ MB nodig"):
        build(settings, QUIET)
    assert time.perf_counter() - started < 120
    assert store.current_version(settings.index) == first
    assert [p.name for p in store.versions_dir(settings.index).iterdir()] == [first]
    names = {c if isinstance(c, str) else c.name for c in store.chroma_client(settings.index).list_collections()}
    assert names == {store.load_manifest(store.require_current(settings.index))["collection"]}
