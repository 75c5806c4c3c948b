"""`ingest fetch` against a real HTTP server on 127.0.0.1 (no internet, no mocks of urllib)."""

from __future__ import annotations

import hashlib
import socket
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from corpus.manifest import Source, load_manifest
from corpus.settings import PROJECT_ROOT, CorpusSettings, Settings
from ingest.fetch import (
    FetchResult,
    describe_error,
    fetch_missing,
    render_results,
    render_summary,
    run_fetch,
)

GOOD_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
OTHER_PDF = b"%PDF-1.4\n% a different document\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body>Not found, but 200</body></html>"
GOOD_SHA = hashlib.sha256(GOOD_PDF).hexdigest()
TIMEOUT_S = 0.5
SLOW_S = 3.0


@dataclass
class PdfServer:
    """A local server whose paths play the good, bad and slow parts of the web."""

    base: str
    hits: Counter[str] = field(default_factory=Counter)
    stop: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


def _handler(server: PdfServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server.hits[self.path] += 1
            routes = {
                "/good.pdf": lambda: self._send(200, GOOD_PDF, "application/pdf"),
                "/other.pdf": lambda: self._send(200, OTHER_PDF, "application/pdf"),
                "/page.html": lambda: self._send(200, HTML, "text/html"),
                "/slow.pdf": self._slow,
                "/trickle.pdf": self._trickle,
            }
            routes.get(self.path, lambda: self._send(404, b"missing", "text/plain"))()

        def _send(self, code: int, body: bytes, kind: str) -> None:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _slow(self) -> None:
            server.stop.wait(SLOW_S)
            self._send(200, GOOD_PDF, "application/pdf")

        def _trickle(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"%PDF-")
            while not server.stop.wait(0.05):
                self.wfile.write(b" ")
                self.wfile.flush()

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def server() -> Iterator[PdfServer]:
    state = PdfServer(base="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    state.stop.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def opener() -> urllib.request.OpenerDirector:
    """No proxy from the environment may get between the tests and 127.0.0.1."""
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """`run_fetch` uses the default opener: keep environment proxies away from 127.0.0.1."""
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.setenv(name, "*")


def make_source(name: str, url: str, sha256: str | None = None, direct: bool = True) -> Source:
    return Source(
        id=name,
        title=name,
        publisher="Test",
        url=url,
        file=f"{name}.pdf",
        sha256=sha256,
        direct=direct,
    )


def fetch(
    sources: list[Source],
    folders: list[Path],
    opener: urllib.request.OpenerDirector,
    run_limit_s: float | None = None,
) -> list[FetchResult]:
    """fetch_missing into the first folder with the tests' short timeout."""
    return fetch_missing(sources, folders, folders[0], TIMEOUT_S, opener, run_limit_s=run_limit_s)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_downloads_a_missing_pdf_and_verifies_its_checksum(server, opener, tmp_path):
    [result] = fetch([make_source("good", server.url("/good.pdf"), GOOD_SHA)], [tmp_path], opener)

    assert result.status == "downloaded"
    assert result.path == tmp_path / "good.pdf"
    assert result.path.read_bytes() == GOOD_PDF
    assert "sha256 verified" in result.message
    assert leftovers(tmp_path) == ["good.pdf"]


def test_download_without_known_checksum_reports_the_checksum(server, opener, tmp_path):
    [result] = fetch([make_source("good", server.url("/good.pdf"))], [tmp_path], opener)

    assert result.status == "downloaded"
    assert GOOD_SHA in result.message


def test_creates_the_target_folder(server, opener, tmp_path):
    target = tmp_path / "corpus" / "files"
    sources = [make_source("good", server.url("/good.pdf"))]

    [result] = fetch_missing(sources, [target], target, TIMEOUT_S, opener)

    assert result.status == "downloaded"
    assert (target / "good.pdf").read_bytes() == GOOD_PDF


@pytest.mark.parametrize(
    ("path", "sha256", "expected"),
    [
        ("/other.pdf", GOOD_SHA, "checksum mismatch"),
        ("/missing.pdf", None, "HTTP 404"),
        ("/page.html", None, "not a PDF"),
    ],
    ids=["checksum-mismatch", "http-404", "html-page"],
)
def test_failed_download_leaves_nothing_behind(server, opener, tmp_path, path, sha256, expected):
    [result] = fetch([make_source("doc", server.url(path), sha256)], [tmp_path], opener)

    assert result.status == "failed"
    assert result.path is None
    assert expected in result.message
    assert leftovers(tmp_path) == []


def test_slow_server_times_out_quickly(server, opener, tmp_path):
    started = time.monotonic()
    [result] = fetch([make_source("slow", server.url("/slow.pdf"))], [tmp_path], opener)

    assert time.monotonic() - started < 2.0
    assert result.status == "failed"
    assert "timed out" in result.message and "127.0.0.1" in result.message
    assert leftovers(tmp_path) == []


def test_trickling_server_is_cut_off_by_the_run_limit(server, opener, tmp_path):
    sources = [
        make_source("trickle", server.url("/trickle.pdf")),
        make_source("good", server.url("/good.pdf")),
    ]
    started = time.monotonic()
    trickle, good = fetch(sources, [tmp_path], opener, run_limit_s=1.0)

    assert time.monotonic() - started < 3.0
    assert trickle.status == good.status == "failed"
    assert "time limit of 1 s" in trickle.message
    assert good.message.startswith("not tried")
    assert server.hits["/good.pdf"] == 0
    assert leftovers(tmp_path) == []


def test_unreachable_address_fails_fast_and_clearly(opener, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()

    [result] = fetch([make_source("gone", f"http://127.0.0.1:{port}/x.pdf")], [tmp_path], opener)

    assert time.monotonic() - started < 2.0
    assert result.status == "failed"
    assert result.message == f"connection to '127.0.0.1:{port}' refused"
    assert leftovers(tmp_path) == []


def test_file_present_by_name_is_not_downloaded_again(server, opener, tmp_path):
    first, second = tmp_path / "files", tmp_path / "shared"
    second.mkdir()
    (second / "good.pdf").write_bytes(b"%PDF-1.4 an older copy")

    [result] = fetch([make_source("good", server.url("/good.pdf"), GOOD_SHA)], [first, second], opener)

    assert result.status == "present"
    assert result.path == second / "good.pdf"
    assert server.hits["/good.pdf"] == 0


def test_file_present_by_checksum_under_another_name_is_not_downloaded(server, opener, tmp_path):
    (tmp_path / "renamed-by-hand.pdf").write_bytes(GOOD_PDF)

    [result] = fetch([make_source("good", server.url("/good.pdf"), GOOD_SHA)], [tmp_path], opener)

    assert result.status == "present"
    assert result.path == tmp_path / "renamed-by-hand.pdf"
    assert "'renamed-by-hand.pdf'" in result.message
    assert server.hits["/good.pdf"] == 0


def test_source_without_direct_address_is_skipped_with_instructions(server, opener, tmp_path):
    url = server.url("/good.pdf")

    [result] = fetch([make_source("by-hand", url, direct=False)], [tmp_path], opener)

    assert result.status == "skipped"
    assert repr(url) in result.message
    assert repr(str(tmp_path / "by-hand.pdf")) in result.message
    assert server.hits["/good.pdf"] == 0


def test_describe_error_explains_a_dns_failure():
    exc = urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))

    message = describe_error(exc, "https://www.ser.nl/x.pdf", 10.0)

    assert message == "DNS lookup of 'www.ser.nl' failed (Name or service not known); is this machine online?"


def test_render_results_is_a_table_of_file_status_and_message():
    results = [
        FetchResult("a", "a.pdf", "present", Path("a.pdf"), "present"),
        FetchResult("long-name", "long-name.pdf", "failed", None, "HTTP 404 Not Found from 'x'"),
    ]

    lines = render_results(results).splitlines()

    assert lines[0].split() == ["FILE", "STATUS", "MESSAGE"]
    assert lines[1].split() == ["a.pdf", "present", "present"]
    assert lines[2].startswith("long-name.pdf  failed   HTTP 404")
    assert len({line.index(line.split()[1]) for line in lines}) == 1  # aligned status column


def test_render_summary_says_what_to_get_by_hand(tmp_path):
    sources = [make_source("lost", "https://example.org/lost.pdf")]
    results = [FetchResult("lost", "lost.pdf", "failed", None, "connection refused")]

    summary = render_summary(results, sources, tmp_path)

    assert "0 present, 0 downloaded, 1 failed, 0 skipped." in summary
    assert "'lost': https://example.org/lost.pdf -> lost.pdf" in summary
    assert repr(str(tmp_path)) in summary


def _settings(tmp_path: Path, base: str) -> Settings:
    manifest = tmp_path / "sources.toml"
    manifest.write_text(
        "[[source]]\n"
        f'id = "good"\ntitle = "Good"\npublisher = "T"\nurl = "{base}/good.pdf"\n'
        f'file = "good.pdf"\nsha256 = "{GOOD_SHA}"\n\n'
        "[[source]]\n"
        f'id = "hand"\ntitle = "Hand"\npublisher = "T"\nurl = "{base}/"\n'
        'file = "hand.pdf"\ndirect = false\n',
        encoding="utf-8",
    )
    corpus = CorpusSettings(folders=(tmp_path / "files",), manifest=manifest, fetch_timeout_s=TIMEOUT_S)
    return Settings(corpus=corpus)


@pytest.mark.usefixtures("no_proxy")
def test_run_fetch_returns_0_when_every_direct_source_is_there(server, tmp_path, capsys):
    assert run_fetch(_settings(tmp_path, server.base)) == 0

    out = capsys.readouterr().out
    assert "good.pdf" in out and "downloaded" in out and "skipped" in out
    assert (tmp_path / "files" / "good.pdf").read_bytes() == GOOD_PDF


@pytest.mark.usefixtures("no_proxy")
def test_run_fetch_returns_1_and_names_what_failed(tmp_path, capsys):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        base = f"http://127.0.0.1:{probe.getsockname()[1]}"

    assert run_fetch(_settings(tmp_path, base)) == 1

    out = capsys.readouterr().out
    assert "1 failed" in out
    assert f"'good': {base}/good.pdf -> good.pdf" in out


def test_real_manifest_lists_the_mission_documents():
    sources = load_manifest(PROJECT_ROOT / "corpus" / "sources.toml")

    ids = {source.id for source in sources}
    assert len(sources) >= 6
    assert {"ser-ai-en-werk", "tno-arbeidsproductiviteit-vitaal"} <= ids
    assert all(source.url.startswith("https://") for source in sources)
