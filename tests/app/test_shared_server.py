"""Server mode end to end: one real ``chroma run`` server, one shared data folder, two ``python app.py``
processes; a new ``python -m ingest build`` becomes visible to both without a restart."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.chroma_server import ChromaServer

pytestmark = [pytest.mark.server, pytest.mark.slow]

QUESTION = "Wat doet de zeilmakerij in Kampen met robotlassen?"
NEW_PAGE = (
    "De zeilmakerij in Kampen zet robotlassen in om de arbeidsproductiviteit te verhogen. "
    "De medewerkers van de zeilmakerij leren het robotlassen op de werkvloer.\n\n"
    "Door het robotlassen maakt de zeilmakerij in Kampen meer zeilen per medewerker."
)


def _folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # 127.0.0.1 only
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_two_app_processes_follow_a_new_build_on_a_shared_server(
    pdfs: Any,
    corpus_dir: Path,
    manifest_file: Path,
    tmp_path: Path,
    cli_env: Any,
    chroma: ChromaServer,
    start_app: Any,
    ask_app: Any,
    ingest_build: Any,
) -> None:
    pdfs.doc(corpus_dir / "basis.pdf", "basis")
    env = cli_env(corpus_dir, manifest_file, tmp_path / "data", **chroma.env)
    ingest_build(env)
    apps = [start_app(env, _folder(tmp_path / f"app{i}")) for i in range(2)]
    for app in apps:
        _, sources = ask_app(app.url, QUESTION)
        assert 'data-doc="zeilmakerij"' not in sources

    new_pdf = pdfs.make(corpus_dir / "zeilmakerij.pdf", [NEW_PAGE], title="Zeilmakerij Kampen")
    ingest_build(env)

    for app in apps:
        text, sources = ask_app(app.url, QUESTION)
        assert 'data-doc="zeilmakerij"' in sources, text
        assert "robotlassen" in text
        assert status(f"{app.url}gradio_api/file={new_pdf.resolve()}") == 200, "the new PDF is served too"
        assert app.process.poll() is None
