"""Dependencies failing under a running assistant: the Chroma server stops and comes back, the index
folder disappears, the language model fails, an ingest is killed while questions keep coming."""

from __future__ import annotations

import shutil
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from assistant.assistant import Assistant
from assistant.page.render import plain_text
from corpus.errors import IndexMissingError
from corpus.settings import AppSettings, LLMSettings
from ingest import store
from ingest.build import build
from ingest.progress import Progress
from tests.build_process import EMBED_LINE, start_build, wait_for

gr = pytest.importorskip("gradio")

QUIET = Progress(quiet=True)
STORE_DOWN = "De zoekdienst is tijdelijk niet bereikbaar"
QUESTION = "Wat doet de werkgever met de arbeidsproductiviteit?"
STAGE_TIMEOUT_S = 120.0


@pytest.fixture(scope="module")
def app_module() -> Any:
    import app

    return app


def _page(app_module: Any, settings: Any, tmp_path: Path) -> Any:
    settings = settings.model_copy(update={"app": AppSettings(stream_delay_s=0, feedback_file=tmp_path / "f.jsonl")})
    return app_module.Page(settings)


def _chat(page: Any, question: str) -> tuple[str, str]:
    *_, (history, _, sources, _) = page.respond(question, [], "ondernemer", [], {})
    return history[-1]["content"], sources


@pytest.mark.server
@pytest.mark.slow
def test_chroma_server_stopped_mid_session_then_back(
    pdfs: Any,
    corpus_dir: Path,
    manifest_file: Path,
    tmp_path: Path,
    cli_env: Any,
    chroma: Any,
    start_app: Any,
    ask_app: Any,
    ingest_build: Any,
) -> None:
    pdfs.doc(corpus_dir / "a.pdf", "a")
    env = cli_env(corpus_dir, manifest_file, tmp_path / "data", **chroma.env)
    ingest_build(env)
    (tmp_path / "app").mkdir()
    app = start_app(env, tmp_path / "app")
    text, sources = ask_app(app.url, QUESTION)
    assert STORE_DOWN not in text and 'data-doc="a"' in sources

    chroma.stop()
    started = time.perf_counter()
    text, sources = ask_app(app.url, QUESTION)
    waited = time.perf_counter() - started
    assert STORE_DOWN in text and STORE_DOWN in sources
    assert "127.0.0.1" not in text, "the technical cause goes to the log, not to the user"
    assert "StoreUnavailableError" in app.output()
    assert waited < 10, f"the user waited {waited:.1f} s for the message"
    assert app.process.poll() is None

    chroma.start()  # same port, same folder
    text, sources = ask_app(app.url, QUESTION)
    assert STORE_DOWN not in text and 'data-doc="a"' in sources


def test_index_folder_removed_while_running(
    app_module: Any, pdfs: Any, corpus_dir: Path, settings: Any, tmp_path: Path
) -> None:
    pdfs.doc(corpus_dir / "a.pdf", "a")
    build(settings, QUIET)
    page = _page(app_module, settings, tmp_path)
    text, sources = _chat(page, QUESTION)
    assert 'data-doc="a"' in sources

    shutil.rmtree(settings.index.data_dir)

    text, sources = _chat(page, QUESTION)
    assert "De zoekindex is op dit moment niet beschikbaar" in text and "python -m ingest build" in sources
    with pytest.raises(IndexMissingError, match="python -m ingest build"):
        page.assistant.ask(QUESTION)
    build(settings, QUIET)  # rebuilt: answers resume without a restart
    _, sources = _chat(page, QUESTION)
    assert 'data-doc="a"' in sources


def test_failing_language_model_gives_the_extractive_answer_with_a_notice(
    app_module: Any, pdfs: Any, corpus_dir: Path, settings: Any, tmp_path: Path, free_port: int
) -> None:
    pdfs.doc(corpus_dir / "a.pdf", "a")
    build(settings, QUIET)
    nobody = LLMSettings(enabled=True, base_url=f"http://127.0.0.1:{free_port}/v1", model="none", timeout_s=3)
    page = _page(app_module, settings.model_copy(update={"llm": nobody}), tmp_path)
    started = time.perf_counter()
    text, sources = _chat(page, QUESTION)
    assert time.perf_counter() - started < 10
    assert "Let op: het taalmodel gaf geen bruikbaar antwoord" in plain_text(text)
    assert 'data-doc="a"' in sources


class Askers:
    """Threads that keep asking while something else happens; they record versions and failures."""

    def __init__(self, assistant: Assistant, threads: int = 2) -> None:
        self.assistant = assistant
        self.stop = threading.Event()
        self.versions: list[str] = []
        self.failures: list[BaseException] = []
        self.cited: list[set[str]] = []
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def __enter__(self) -> Askers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                answer = self.assistant.ask(QUESTION)
                self.versions.append(self.assistant.index.version)
                self.cited.append({c.doc_id for c in answer.citations})
            except Exception as exc:  # noqa: BLE001 - any failure is what this test looks for
                self.failures.append(exc)
            time.sleep(0.01)


@pytest.mark.slow
def test_ingest_killed_mid_way_while_questions_keep_coming(
    pdfs: Any, corpus_dir: Path, manifest_file: Path, settings: Any, tmp_path: Path, cli_env: Any
) -> None:
    pdfs.doc(corpus_dir / "a.pdf", "a")
    build(settings, QUIET)
    old = store.current_version(settings.index)
    assistant = Assistant(settings)
    for n in range(4):  # enough new text for seconds of embedding: time to kill the build there
        pdfs.doc(corpus_dir / f"extra{n}.pdf", f"extra{n}", n_pages=5)
    env = cli_env(corpus_dir, manifest_file, settings.index.data_dir)

    with Askers(assistant) as askers:
        proc, lines = start_build(env)
        wait_for(proc, lines, EMBED_LINE, STAGE_TIMEOUT_S)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        time.sleep(1.0)
        answered_during_kill = len(askers.versions)
    assert not askers.failures, askers.failures[:3]
    assert answered_during_kill > 5 and set(askers.versions) == {old}
    assert store.current_version(settings.index) == old

    with Askers(assistant) as askers:  # the next build completes; the running assistant switches to it
        build(settings, QUIET)
        time.sleep(1.0)
    new = store.current_version(settings.index)
    assert not askers.failures, askers.failures[:3]
    assert new != old and askers.versions[-1] == new
