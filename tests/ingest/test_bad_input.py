"""Bad input files: each gets a clear per-file status and message, and never stops the rest."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from corpus.errors import (
    BuildError,
    CorruptPdfError,
    EncryptedPdfError,
    NotAPdfError,
    NoTextLayerError,
    SourceError,
)
from corpus.settings import PROJECT_ROOT, IndexSettings, Settings
from ingest import store
from ingest.build import build
from ingest.pdf import read_pdf
from ingest.progress import Progress

CLI_TIMEOUT_S = 120
QUIET = Progress(quiet=True)

# kind -> (how to write it, expected exception, expected FileReport status, words the message must contain)
KINDS = {
    "not a pdf": (lambda k, p, g: k.not_a_pdf(p), NotAPdfError, "not a PDF", r"not a PDF"),
    "empty": (lambda k, p, g: k.empty(p), CorruptPdfError, "corrupt PDF", r"empty"),
    "truncated": (lambda k, p, g: k.truncated(p, g), CorruptPdfError, "corrupt PDF", r"damaged|truncated"),
    "corrupt bytes": (lambda k, p, g: k.corrupt(p), CorruptPdfError, "corrupt PDF", r"damaged|truncated"),
    "zero pages": (lambda k, p, g: k.zero_pages(p), CorruptPdfError, "corrupt PDF", r"no pages"),
    "encrypted": (lambda k, p, g: k.encrypted(p), EncryptedPdfError, "encrypted", r"password"),
    "no text layer": (lambda k, p, g: k.no_text_layer(p), NoTextLayerError, "needs OCR", r"text layer"),
}
# A message "says what to do next" (corpus/errors.py) when it names an action for the user.
ACTION = re.compile(r"\b(save|replace|download|fetch|export|remove|delete|OCR|again|run)\b", re.IGNORECASE)


def _write(pdfs: Any, kind: str, folder: Path) -> Path:
    good = pdfs.doc(folder / "origineel" / "volledig.pdf", "truncated-source", n_pages=4)
    path = folder / f"{kind.replace(' ', '-')}.pdf"
    KINDS[kind][0](pdfs, path, good)
    return path


def _run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ingest", "build", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_S,
        check=False,
    )


# --- read_pdf, one error class per kind of bad file -----------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_read_pdf_raises_the_matching_source_error(kind: str, pdfs: Any, tmp_path: Path) -> None:
    path = _write(pdfs, kind, tmp_path)
    _, error, status, words = KINDS[kind]
    with pytest.raises(error) as info:
        read_pdf(path, "doc")
    exc = info.value
    assert isinstance(exc, SourceError)
    assert exc.status == status
    assert exc.path == str(path)
    assert str(path) in str(exc), "the error names the file"
    assert re.search(words, exc.reason, re.IGNORECASE), exc.reason


@pytest.mark.parametrize(
    "kind",
    list(KINDS),
)
def test_read_pdf_message_says_what_to_do(kind: str, pdfs: Any, tmp_path: Path) -> None:
    path = _write(pdfs, kind, tmp_path)
    with pytest.raises(SourceError) as info:
        read_pdf(path, "doc")
    assert ACTION.search(info.value.reason), info.value.reason


def test_read_pdf_good_document_keeps_pages_and_metadata(pdfs: Any, tmp_path: Path) -> None:
    path = pdfs.doc(tmp_path / "goed.pdf", "goed", n_pages=3, title="Een goed rapport")
    pages, meta = read_pdf(path, "goed")
    assert [p.index for p in pages] == [1, 2, 3]
    assert [p.label for p in pages] == ["1", "2", "3"], "printed label read from the 'Testrapport | N' footer"
    assert meta["title"] == "Een goed rapport"


def test_read_pdf_owner_password_only_is_readable(pdfs: Any, tmp_path: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    path = pdfs.doc(tmp_path / "alleen-eigenaar.pdf", "owner", encrypt=StandardEncryption("", ownerPassword="eigenaar"))
    pages, _ = read_pdf(path, "owner")
    assert len(pages) == 3


# --- a whole build ------------------------------------------------------------------------------


def _good_and_bad(pdfs: Any, corpus: Path) -> dict[str, str]:
    expected = pdfs.bad_files(corpus)
    pdfs.doc(corpus / "goed.pdf", "goed", n_pages=3, title="Een goed rapport")
    return expected


def test_build_reports_each_bad_file_and_ingests_the_good_one(pdfs: Any, corpus_dir: Path, settings: Settings) -> None:
    expected = _good_and_bad(pdfs, corpus_dir)
    report = build(settings, QUIET)
    by_name = {Path(f.path).name: f for f in report.files}
    assert set(by_name) == {*expected, "goed.pdf"}
    good = by_name["goed.pdf"]
    assert (good.status, good.pages, good.message) == ("ok", 3, "")
    assert good.chunks > 0
    for name, status in expected.items():
        assert by_name[name].status == status, name
        assert by_name[name].message.strip(), f"{name} has no message"
        assert by_name[name].chunks == 0
    assert report.ingested == 1
    folder = store.require_current(settings.index)
    assert folder.name == report.version
    chunks = store.load_chunks(folder)
    assert {c.doc_id for c in chunks} == {"goed"}
    assert len(chunks) == good.chunks
    assert not any(pdfs.FOOTER in c.text for c in chunks), "the running footer is removed"
    assert [d.doc_id for d in store.load_catalogue(folder).documents] == ["goed"]


def test_bad_files_do_not_defeat_the_nothing_changed_check(pdfs: Any, corpus_dir: Path, settings: Settings) -> None:
    pdfs.not_a_pdf(corpus_dir / "tekst.pdf")
    pdfs.doc(corpus_dir / "goed.pdf", "goed")
    first = build(settings, QUIET)
    second = build(settings, QUIET)
    assert second.unchanged
    assert second.version == first.version


def test_cli_build_with_bad_files_exits_zero_and_lists_them(
    pdfs: Any,
    corpus_dir: Path,
    manifest_file: Path,
    tmp_path: Path,
    cli_env: Callable[..., dict[str, str]],
) -> None:
    expected = _good_and_bad(pdfs, corpus_dir)
    data = tmp_path / "data"
    result = _run_cli(cli_env(corpus_dir, manifest_file, data), "--quiet")
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert "ok" in rows["goed.pdf"]
    for name, status in expected.items():
        assert f"{status}: " in rows[name], rows[name]
    assert "embeddings computed" in result.stdout
    assert store.current_version(_index(data)) is not None


def test_cli_build_with_only_bad_files_fails_and_leaves_no_index(
    pdfs: Any,
    corpus_dir: Path,
    manifest_file: Path,
    tmp_path: Path,
    cli_env: Callable[..., dict[str, str]],
) -> None:
    expected = pdfs.bad_files(corpus_dir)
    data = tmp_path / "data"
    result = _run_cli(cli_env(corpus_dir, manifest_file, data), "--quiet")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "Nothing could be ingested" in result.stderr
    for name in expected:
        assert name in result.stderr, f"{name} is not named in the error"
    assert store.current_version(_index(data)) is None
    versions = store.versions_dir(_index(data))
    assert not versions.exists() or not any(versions.iterdir()), "no half-built version is left"


def test_build_with_only_bad_files_keeps_the_previous_index(pdfs: Any, corpus_dir: Path, settings: Settings) -> None:
    good = pdfs.doc(corpus_dir / "goed.pdf", "goed")
    first = build(settings, QUIET)
    good.unlink()
    pdfs.bad_files(corpus_dir)
    with pytest.raises(BuildError, match="Nothing could be ingested"):
        build(settings, QUIET)
    assert store.current_version(settings.index) == first.version
    assert {c.doc_id for c in store.load_chunks(store.require_current(settings.index))} == {"goed"}


def _index(data: Path) -> IndexSettings:
    return IndexSettings(data_dir=data)
