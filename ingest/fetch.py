"""Download the manifest's missing documents: ``python -m ingest fetch``.

Every source in ``corpus/sources.toml`` ends in one of four states:

* ``present``    a file with its name, or a PDF with its checksum, is already in a corpus folder;
* ``downloaded`` fetched from its official URL into the first corpus folder;
* ``failed``     could not be fetched (offline, refused, timed out, HTTP error, not a PDF,
  checksum mismatch); the message says why in one line;
* ``skipped``    the manifest has no direct PDF address (``direct = false``): download by hand.

A download goes to a hidden ``*.part`` file in the target folder, is checked (starts with
``%PDF-``, sha256 when the manifest gives one) and only then renamed into place, so a failure
never leaves a partial PDF behind. Each request uses the configured timeout and the whole run
has a time limit, so an offline machine gets a clear answer quickly instead of a hang.
Pure standard library: ``urllib.request`` only.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import socket
import ssl
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Literal

from corpus.errors import FetchError
from corpus.manifest import Source, discover, load_manifest

if TYPE_CHECKING:
    from corpus.settings import Settings

FetchStatus = Literal["present", "downloaded", "failed", "skipped"]
_STATUSES: tuple[FetchStatus, ...] = ("present", "downloaded", "failed", "skipped")

PDF_MAGIC = b"%PDF-"
CHUNK_BYTES = 64 * 1024
RUN_LIMIT_PER_TIMEOUT = 30
"""Default whole-run time limit, in multiples of the per-request timeout (10 s -> 300 s)."""
USER_AGENT = "ser-advieswijzer-fetch/1.0 (+python urllib)"


@dataclass(frozen=True)
class FetchResult:
    """What happened to one manifest source."""

    source_id: str
    file: str
    status: FetchStatus
    path: Path | None
    message: str


def fetch_missing(
    sources: Sequence[Source],
    folders: Sequence[Path],
    target: Path,
    timeout_s: float,
    opener: urllib.request.OpenerDirector | None = None,
    *,
    run_limit_s: float | None = None,
) -> list[FetchResult]:
    """Download every direct source not yet present in ``folders`` into ``target``.

    ``timeout_s`` bounds each connect and read; ``run_limit_s`` (default
    ``RUN_LIMIT_PER_TIMEOUT * timeout_s``) bounds the whole run, slow trickles included.
    Sources left when the limit is reached fail with "not tried".
    """
    limit_s = run_limit_s if run_limit_s is not None else RUN_LIMIT_PER_TIMEOUT * timeout_s
    downloader = _Downloader(
        opener=opener or urllib.request.build_opener(),
        target=target,
        timeout_s=timeout_s,
        limit_s=limit_s,
        deadline=time.monotonic() + limit_s,
    )
    known = _pdfs_by_sha(folders) if any(s.sha256 for s in sources) else {}
    return [_resolve(source, folders, known, downloader) for source in sources]


def _resolve(source: Source, folders: Sequence[Path], known: dict[str, Path], downloader: _Downloader) -> FetchResult:
    """The result for one source: present, skipped, or whatever the download gives."""
    present = _find_present(source, folders, known)
    if present is not None:
        how = "" if present.name == source.file else f" as {present.name!r} (same sha256)"
        return FetchResult(source.id, source.file, "present", present, f"present{how}")
    if not source.direct:
        message = (
            f"no direct PDF address: download it by hand from {source.url!r} "
            f"and save it as {str(downloader.target / source.file)!r}"
        )
        return FetchResult(source.id, source.file, "skipped", None, message)
    return downloader.fetch(source)


def _find_present(source: Source, folders: Iterable[Path], known: dict[str, Path]) -> Path | None:
    """The file that already holds this source: by its name first, then by its checksum."""
    for folder in folders:
        candidate = folder / source.file
        if candidate.is_file():
            return candidate
    return known.get(source.sha256) if source.sha256 else None


def _pdfs_by_sha(folders: Iterable[Path]) -> dict[str, Path]:
    """Every PDF in the folders, keyed by its sha256 (the first path wins)."""
    files, _duplicates = discover(folders, [])
    return {found.sha256: found.path for found in files}


@dataclass(frozen=True)
class _Downloader:
    """Downloads one source at a time within the run's deadline."""

    opener: urllib.request.OpenerDirector
    target: Path
    timeout_s: float
    limit_s: float
    deadline: float

    def fetch(self, source: Source) -> FetchResult:
        """Download, verify and place one source; any failure becomes a "failed" result."""
        try:
            self._check_deadline("not tried")
            path, sha = self._download(source)
        except FetchError as exc:
            return FetchResult(source.id, source.file, "failed", None, str(exc))
        except OSError as exc:  # local: the target folder cannot be written
            message = f"cannot write to {str(self.target)!r}: {exc.strerror or exc}"
            return FetchResult(source.id, source.file, "failed", None, message)
        return FetchResult(source.id, source.file, "downloaded", path, _downloaded(path, sha, source))

    def _download(self, source: Source) -> tuple[Path, str]:
        """Stream into a temporary file, verify it, then rename it into place atomically."""
        self.target.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(dir=self.target, prefix=f".{source.file}.", suffix=".part")
        temp = Path(temp_name)
        try:
            with os.fdopen(fd, "wb") as handle:
                sha = self._stream(source.url, handle)
            _check_pdf(temp)
            _check_sha(source, sha)
            final = self.target / source.file
            os.replace(temp, final)
            return final, sha
        finally:
            temp.unlink(missing_ok=True)

    def _stream(self, url: str, handle: BinaryIO) -> str:
        """Copy the body of ``url`` into ``handle``; returns its sha256."""
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        digest = hashlib.sha256()
        try:
            with self.opener.open(request, timeout=self._request_timeout()) as response:
                # read1: at most one socket read, so a trickling server still meets the deadline
                while chunk := response.read1(CHUNK_BYTES):
                    self._check_deadline("stopped")
                    handle.write(chunk)
                    digest.update(chunk)
        except (OSError, ValueError, http.client.HTTPException) as exc:
            raise FetchError(describe_error(exc, url, self.timeout_s)) from exc
        return digest.hexdigest()

    def _request_timeout(self) -> float:
        return max(0.01, min(self.timeout_s, self.deadline - time.monotonic()))

    def _check_deadline(self, what: str) -> None:
        if time.monotonic() >= self.deadline:
            raise FetchError(
                f"{what}: the run's time limit of {self.limit_s:g} s was reached; "
                "run fetch again on a faster connection"
            )


def describe_error(exc: BaseException, url: str, timeout_s: float) -> str:
    """One plain line for a network failure, naming the host."""
    host = urllib.parse.urlsplit(url).netloc or url
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason} from {host!r}"
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, socket.gaierror):
        return f"DNS lookup of {host!r} failed ({reason.strerror}); is this machine online?"
    if isinstance(reason, ConnectionRefusedError):
        return f"connection to {host!r} refused"
    if isinstance(reason, TimeoutError):
        return f"no answer from {host!r} within {timeout_s:g} s (timed out)"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error with {host!r}: {reason}"
    if isinstance(reason, http.client.HTTPException):
        return f"bad or incomplete response from {host!r}: {type(reason).__name__}"
    return f"cannot download {url!r}: {reason}"


def _check_pdf(path: Path) -> None:
    with path.open("rb") as handle:
        head = handle.read(len(PDF_MAGIC))
    if head != PDF_MAGIC:
        raise FetchError(f"not a PDF: the response starts with {head!r}, not {PDF_MAGIC!r}")


def _check_sha(source: Source, sha: str) -> None:
    if source.sha256 and sha != source.sha256:
        raise FetchError(
            f"checksum mismatch: expected sha256 {source.sha256[:12]}…, got {sha[:12]}…; the file was not saved"
        )


def _downloaded(path: Path, sha: str, source: Source) -> str:
    size_kb = max(1, round(path.stat().st_size / 1024))
    if source.sha256:
        return f"downloaded {size_kb} KB, sha256 verified"
    return f"downloaded {size_kb} KB, sha256 {sha} (not in the manifest)"


def render_results(results: Sequence[FetchResult]) -> str:
    """A plain-text table: file, status, message; one row per source."""
    rows = [("FILE", "STATUS", "MESSAGE")]
    rows += [(r.file, r.status, r.message) for r in results]
    file_w = max(len(row[0]) for row in rows)
    status_w = max(len(row[1]) for row in rows)
    return "\n".join(f"{f:<{file_w}}  {s:<{status_w}}  {m}".rstrip() for f, s, m in rows)


def render_summary(results: Sequence[FetchResult], sources: Sequence[Source], target: Path) -> str:
    """Counts per status, then what to do for every source that is still missing."""
    counts = {status: sum(r.status == status for r in results) for status in _STATUSES}
    lines = [", ".join(f"{n} {status}" for status, n in counts.items()) + "."]
    by_id = {source.id: source for source in sources}
    missing = [r for r in results if r.status in ("failed", "skipped")]
    if missing:
        lines.append(f"Missing {len(missing)} document(s); download each by hand into {str(target)!r}:")
        lines += [f"  - {r.source_id!r}: {by_id[r.source_id].url} -> {r.file}" for r in missing]
    return "\n".join(lines)


def run_fetch(settings: Settings) -> int:
    """``python -m ingest fetch``: print the table and summary; 1 when any download failed.

    A bad manifest raises ConfigError for the CLI edge to report.
    """
    corpus = settings.corpus
    sources = load_manifest(corpus.manifest)
    target = corpus.folders[0]
    results = fetch_missing(sources, corpus.folders, target, corpus.fetch_timeout_s)
    print(render_results(results))
    print()
    print(render_summary(results, sources, target))
    return 1 if any(r.status == "failed" for r in results) else 0
