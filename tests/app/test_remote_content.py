"""Issue 13: no remote content. A PDF whose text and title hold Markdown images and links, and a
fake model whose answer holds them too (the verifier drops it, so the extractive answer quotes the
PDF's Markdown), asked in a real headless chromium: no request leaves for
another origin (a listener on another 127.0.0.1 port counts them, and so does the browser) and no
such link is clickable."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from typing import Any, ClassVar

import pytest

from corpus.settings import PROJECT_ROOT
from tests.browser import LAUNCH_ARGS, chromium_or_skip
from tests.conftest import make_pdf
from tests.fakes.openai_server import fake_openai_server

pytestmark = pytest.mark.browser
playwright_api, CHROMIUM = chromium_or_skip()

QUESTION = "Hoe helpt het loket ondernemers met scholing van werknemers?"
WAIT_MS = 30_000


class _Tracker(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def tracker() -> Iterator[tuple[str, list[str]]]:
    """Another origin on 127.0.0.1 that records every request it gets."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Tracker)
    _Tracker.hits = []
    Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _Tracker.hits
    httpd.shutdown()
    httpd.server_close()


def _hostile_pdf(folder: Path, origin: str) -> Path:
    page = (
        f"Het loket helpt ondernemers met scholing van werknemers ![logo]({origin}/track.png) via "
        f"[het loket]({origin}/phish), <{origin}/auto> en www.voorbeeld.nl. "
        "Werkgevers investeren in scholing van werknemers zodat zij wendbaar blijven."
    )
    title = f"![titel]({origin}/title.png) [Advies]({origin}/titel) over scholing"
    return make_pdf(folder / "hostile.pdf", [page, page], title=title)


@pytest.fixture
def hostile_app(tmp_path: Path, tracker, cli_env, start_app, manifest_file: Path) -> Iterator[Any]:
    origin, _ = tracker
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    _hostile_pdf(corpus, origin)
    env = cli_env(corpus, manifest_file, data)
    built = subprocess.run(
        [sys.executable, "-m", "ingest", "build"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr

    def answer(prompt: str) -> str:  # dropped by the verifier (a URL): the extractive answer quotes the PDF
        return f"![x]({origin}/model.png) Het loket helpt, zie [het loket]({origin}/model-phish). [1]"

    with fake_openai_server(answer) as model:
        llm = {
            "ADVIESWIJZER_LLM__ENABLED": "true",
            "ADVIESWIJZER_LLM__BASE_URL": f"http://127.0.0.1:{model.server_address[1]}/v1",
            "ADVIESWIJZER_LLM__TIMEOUT_S": "10",
        }
        yield start_app({**env, **llm}, tmp_path)


def test_no_request_leaves_for_another_origin_and_no_link_is_clickable(hostile_app, tracker, artifacts) -> None:
    origin, hits = tracker
    with playwright_api.sync_playwright() as playwright:
        args = LAUNCH_ARGS
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(WAIT_MS)
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(hostile_app.url)
        page.wait_for_selector("#vraag textarea")
        page.fill("#vraag textarea", QUESTION)
        page.click("#verstuur")
        page.wait_for_selector(".bronnen .bron", timeout=WAIT_MS)
        page.wait_for_timeout(1500)  # let any late image load try
        page.screenshot(path=str(artifacts / "remote-content.png"), full_page=True)
        shown = page.inner_text("#chat")
        links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        images = page.eval_on_selector_all("img[src]", "els => els.map(e => e.src)")
        browser.close()
    assert "![logo]" in shown and "[het loket]" in shown  # the document's Markdown is there, as text
    assert [u for u in requested if u.startswith(origin)] == [] and hits == []
    assert [u for u in links if origin in u or "voorbeeld.nl" in u] == []
    assert [u for u in images if origin in u] == []
