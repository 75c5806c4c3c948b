"""Fixtures of the chat page tests: synthetic records, and ``python app.py`` started as a real
subprocess on a free 127.0.0.1 port (on the cached real index), stopped in teardown."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.records import Answer, Citation, Passage, Persona
from corpus.records import BestPractice, Catalogue, Chunk, ChunkKind, Document, Recommendation
from corpus.settings import PROJECT_ROOT
from tests.chroma_server import ChromaServer
from tests.net import free_port

BUILD_TIMEOUT_S = 180.0
READY_TIMEOUT_S = 60.0  # generous bound for a slow CI machine; the 10 s target is asserted separately
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
READY_LINE = "klaar op http://127.0.0.1:"  # app.py's console line once it serves


@dataclass
class AppServer:
    url: str
    process: subprocess.Popen[str]
    log: Path
    feedback: Path
    ready_s: float

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def _wait_until_ready(server: AppServer, started: float) -> None:
    while time.perf_counter() - started < READY_TIMEOUT_S:
        if server.process.poll() is not None:
            raise AssertionError(f"app.py stopped with {server.process.returncode}:\n{server.output()}")
        try:
            with urllib.request.urlopen(server.url, timeout=2) as response:  # 127.0.0.1 only
                if response.status == 200:
                    server.ready_s = time.perf_counter() - started
                    _wait_for_line(server, READY_LINE)
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"app.py did not answer within {READY_TIMEOUT_S} s:\n{server.output()}")


def _wait_for_line(server: AppServer, line: str, timeout_s: float = 10.0) -> None:
    """The console line comes just after the server answers; wait for it (bounded)."""
    deadline = time.perf_counter() + timeout_s
    while line not in server.output() and time.perf_counter() < deadline:
        time.sleep(0.05)


def launch_app(env: dict[str, str], folder: Path) -> AppServer:
    port = free_port()
    feedback = folder / "feedback.jsonl"
    env = {
        **env,
        "ADVIESWIJZER_APP__PORT": str(port),
        "ADVIESWIJZER_APP__FEEDBACK_FILE": str(feedback),
        "ADVIESWIJZER_APP__HOST": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    log = folder / "app.log"
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as sink:
        process = subprocess.Popen(
            [sys.executable, "app.py"], cwd=PROJECT_ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT, text=True
        )
    server = AppServer(f"http://127.0.0.1:{port}/", process, log, feedback, 0.0)
    try:
        _wait_until_ready(server, started)
    except AssertionError:
        stop_app(server)
        raise
    return server


def stop_app(server: AppServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)


@pytest.fixture(scope="session")
def app_env(real_settings) -> dict[str, str]:
    """The environment of an app.py subprocess that reads the cached real index."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ADVIESWIJZER_", "CHROMA_"))}
    env["ADVIESWIJZER_INDEX__DATA_DIR"] = str(real_settings.index.data_dir)
    env["ADVIESWIJZER_CORPUS__FOLDERS"] = '["' + '","'.join(str(f) for f in real_settings.corpus.folders) + '"]'
    return env


@pytest.fixture(scope="session")
def app_server(app_env, tmp_path_factory) -> Iterator[AppServer]:
    """One ``python app.py`` for the page tests of a session (browser and HTTP checks)."""
    server = launch_app(app_env, tmp_path_factory.mktemp("app"))
    yield server
    stop_app(server)


@pytest.fixture
def start_app() -> Iterator[Callable[[dict[str, str], Path], AppServer]]:
    """``start_app(env, folder)``: another app.py (own settings), stopped after the test."""
    started: list[AppServer] = []

    def start(env: dict[str, str], folder: Path) -> AppServer:
        started.append(launch_app(env, folder))
        return started[-1]

    yield start
    for server in started:
        stop_app(server)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where browser tests leave screenshots and downloads (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# --- small synthetic records -------------------------------------------------------------------


def _document(doc_id: str = "doc-a", title: str = "Advies A: Samen verder") -> Document:
    return Document(doc_id, title, "SER Test", f"/corpus/{doc_id}.pdf", "0" * 64, 40, date="2025-01")


@pytest.fixture
def tiny_catalogue() -> Catalogue:
    """Two documents, three recommendations (one with a best practice), one with tricky characters."""
    rec_a1 = Recommendation(
        "doc-a",
        "doc-a:1.1",
        "1.1",
        "Investeer in scholing",
        "Scholing",
        "1",
        (10, 11),
        ("8", "9"),
        "is daarbij een fragment. Werkgevers investeren in scholing van medewerkers. "
        "Zo blijven zij inzetbaar op de arbeidsmarkt van morgen. Een derde zin volgt hier ook nog.",
        best_practices=("doc-a:bp:leerwerkplaats",),
    )
    rec_a2 = Recommendation(
        "doc-a",
        "doc-a:1.2",
        "1.2",
        "Deel kennis in de regio",
        "Scholing",
        "1",
        (12,),
        ("10",),
        "Bedrijven delen kennis in regionale netwerken met het onderwijs.",
    )
    rec_b = Recommendation(
        "doc-b",
        "doc-b:2",
        "2",
        "Gebruik <AI> & *data*",
        "Digitalisering",
        "2",
        (5,),
        ("4",),
        "Organisaties gebruiken <script>alert(1)</script> nooit zomaar in hun systemen.",
    )
    practice = BestPractice(
        "doc-a",
        "doc-a:bp:leerwerkplaats",
        "De Leerwerkplaats",
        "doc-a:1.1",
        11,
        "9",
        "De Leerwerkplaats leidt jaarlijks honderd mensen op in de techniek. Meer tekst volgt.",
    )
    return Catalogue(
        documents=(_document(), _document("doc-b", "Advies B: Digitaal werk")),
        recommendations=(rec_a1, rec_a2, rec_b),
        best_practices=(practice,),
        themes={"doc-a": (("1", "Scholing"),), "doc-b": (("2", "Digitalisering"),)},
    )


def _chunk(chunk_id: str, rec_id: str | None, page: int, label: str, text: str, doc_id: str = "doc-a") -> Chunk:
    return Chunk(
        chunk_id,
        doc_id,
        "Advies A: Samen verder",
        page,
        page,
        label,
        label,
        "Scholing",
        ChunkKind.RECOMMENDATION,
        text,
        recommendation_id=rec_id,
    )


@pytest.fixture
def tiny_chunks() -> list[Chunk]:
    return [
        _chunk(
            "a1",
            "doc-a:1.1",
            10,
            "8",
            "Investeer in scholing\nis daarbij een fragment. Werkgevers investeren in scholing van medewerkers.",
        ),
        _chunk(
            "a2",
            "doc-a:1.1",
            11,
            "9",
            "Zo blijven zij inzetbaar op de arbeidsmarkt van morgen. Een derde zin volgt hier ook nog.",
        ),
        _chunk(
            "b1",
            "doc-b:2",
            5,
            "4",
            "Organisaties gebruiken <script>alert(1)</script> nooit zomaar in hun systemen.",
            doc_id="doc-b",
        ),
    ]


@pytest.fixture
def tiny_answer(tiny_chunks) -> Answer:
    """An answer in the assistant's format: body with [n] markers, then a sources list."""
    c1 = Citation(
        1,
        "doc-a",
        "Advies A: Samen verder",
        10,
        "8",
        "Scholing",
        "doc-a:1.1",
        "Investeer in scholing",
        None,
        "Werkgevers investeren in scholing van medewerkers.",
    )
    c2 = Citation(
        2,
        "doc-b",
        "Advies B: Digitaal werk",
        5,
        "4",
        "Digitalisering",
        "doc-b:2",
        "Gebruik <AI> & *data*",
        None,
        "Organisaties gebruiken <script>alert(1)</script> nooit zomaar in hun systemen.",
    )
    text = (
        "Dit adviseren de SER-adviezen over uw vraag:\n\n**Investeer in scholing** (Advies A, aanbeveling 1.1, p. 8)\n"
        "Werkgevers investeren in scholing van medewerkers. [1]\n"
        "Organisaties gebruiken <script>alert(1)</script> nooit zomaar in hun systemen. [2] Zie ook [7].\n\n"
        'Bronnen\n[1] Advies A, p. 8: "Werkgevers investeren in scholing van medewerkers."\n'
        '[2] Advies B, p. 4: "Organisaties gebruiken ..."'
    )
    passages = tuple(Passage(i + 1, c, 1.0) for i, c in enumerate(tiny_chunks))
    return Answer("Hoe scholen?", text, False, Persona.ONDERNEMER, "nl", (c1, c2), passages, {"total": 1.0})


def _content_text(content: object) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def _ask_over_http(url: str, question: str) -> tuple[str, str]:
    from gradio_client import Client

    client = Client(url, verbose=False, analytics_enabled=False)  # no telemetry call, even without HF_HUB_OFFLINE
    history, _, sources = client.predict(question, api_name="/respond")
    return _content_text(history[-1]["content"]), sources


@pytest.fixture(scope="session")
def ask_app() -> Callable[[str, str], tuple[str, str]]:
    """``ask_app(url, question)``: the answer text and the sources panel's HTML, through the
    running page's HTTP API (the ``/respond`` endpoint, as the browser calls it)."""
    return _ask_over_http


@pytest.fixture
def chroma(tmp_path: Path) -> Iterator[ChromaServer]:
    """A real ``chroma run`` server on 127.0.0.1 for one test (``.stop()``/``.start()`` to cut it off)."""
    server = ChromaServer(tmp_path / "chroma").start()
    yield server
    server.stop()


def _ingest_build(env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ingest", "build", "--quiet"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="session")
def ingest_build() -> Callable[[dict[str, str]], None]:
    """``ingest_build(env)``: run ``python -m ingest build`` to the end in a subprocess."""
    return _ingest_build
