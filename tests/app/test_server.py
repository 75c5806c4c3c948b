"""``python app.py`` as a real server on 127.0.0.1: ready fast, serves only the corpus PDFs,
optional login, and builds the index first when there is none."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from corpus.settings import PROJECT_ROOT

READY_TARGET_S = 10.0  # the promise with an index in place


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # 127.0.0.1 only
            return response.status, response.headers.get("content-type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("content-type", ""), exc.read()


def _file(server, path: str) -> int:
    return _get(f"{server.url}gradio_api/file={path}")[0]


def test_ready_within_ten_seconds_on_localhost(app_server):
    assert app_server.ready_s < READY_TARGET_S, f"ready after {app_server.ready_s:.1f} s\n{app_server.output()}"
    assert "klaar op http://127.0.0.1:" in app_server.output()
    status, _, page = _get(app_server.url)
    assert status == 200 and b"SER Advieswijzer" in page


def test_corpus_pdfs_are_served(app_server, real_settings):
    pdfs = sorted(Path(real_settings.corpus.folders[0]).glob("*.pdf"))
    assert pdfs
    status, kind, body = _get(f"{app_server.url}gradio_api/file={pdfs[0]}")
    assert status == 200 and kind.startswith("application/pdf") and body.startswith(b"%PDF")


def test_other_files_are_refused(app_server, real_settings):
    corpus = Path(real_settings.corpus.folders[0])
    refused = [
        "/etc/passwd",
        str(PROJECT_ROOT / "app.py"),
        str(PROJECT_ROOT / "pyproject.toml"),
        str(app_server.feedback),
        str(app_server.log),
        str(real_settings.index.data_dir / "current.json"),
        *(str(p) for p in corpus.iterdir() if p.suffix != ".pdf"),
        f"{corpus}/../../etc/passwd",
        str(corpus),
    ]
    for path in refused:
        assert _file(app_server, path) in (403, 404), path


def test_a_configured_login_guards_page_and_pdfs(app_env, real_settings, start_app, tmp_path):
    env = {**app_env, "ADVIESWIJZER_APP__AUTH_USER": "ambtenaar", "ADVIESWIJZER_APP__AUTH_PASSWORD": "geheim"}
    server = start_app(env, tmp_path)
    pdf = next(Path(real_settings.corpus.folders[0]).glob("*.pdf"))
    assert _get(f"{server.url}gradio_api/file={pdf}")[0] == 401
    assert _get(f"{server.url}config")[0] == 401
    status, _, _ = _get(server.url)
    assert status == 200  # the login page
    assert "geheim" not in server.output()


@pytest.mark.slow
def test_without_an_index_the_app_builds_one_first(pdfs, corpus_dir, manifest_file, cli_env, start_app, tmp_path):
    pdfs.doc(corpus_dir / "klein-advies.pdf", "app-start", n_pages=2, title="Klein advies")
    env = cli_env(corpus_dir, manifest_file, tmp_path / "data")
    server = start_app(env, tmp_path)
    log = server.output()
    assert "Nog geen index gevonden" in log and "[ingest]" in log and "Index klaar" in log
    assert log.index("Index klaar") < log.index("klaar op http://127.0.0.1:")
    assert (tmp_path / "data" / "current.json").exists()
    assert _get(server.url)[0] == 200


def test_bad_settings_and_a_taken_port_give_clear_messages(app_env):
    def run(**extra: str) -> subprocess.CompletedProcess[str]:
        env = {**app_env, **extra}
        return subprocess.run(
            [sys.executable, "app.py"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
        )

    half_login = run(ADVIESWIJZER_APP__AUTH_USER="ambtenaar")
    assert half_login.returncode == 2 and "auth_password" in half_login.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = run(ADVIESWIJZER_APP__PORT=str(taken.getsockname()[1]))
    assert busy.returncode == 1 and "ADVIESWIJZER_APP__PORT" in busy.stderr
    assert "Traceback" not in half_login.stderr + busy.stderr
