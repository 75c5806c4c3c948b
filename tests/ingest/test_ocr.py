"""Issue 14: scanned PDFs read with Tesseract's Dutch model (real Tesseract, real PDFs).

The SER Overijssel advisory of ``../shared/corpus/`` is turned into an image-only PDF (every page
rendered to a 300 dpi image, no text layer) and ingested: its themes, its recommendations and their
printed pages must be those of the text PDF, and the question the issue names must find 4.3. A mixed
PDF (text pages and scanned pages) keeps every page; without Tesseract the build names the command.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from assistant.assistant import Assistant
from corpus.settings import PROJECT_ROOT
from ingest import ocr, store
from ingest.build import build
from ingest.progress import Progress

pytestmark = pytest.mark.slow
if shutil.which("tesseract") is None:
    pytest.skip(f"Tesseract is not installed: {ocr.INSTALL}", allow_module_level=True)

QUIET = Progress(quiet=True)
OVERIJSSEL = "ser-overijssel-arbeidsproductiviteit"
SOURCE = PROJECT_ROOT.parent / "shared" / "corpus" / f"{OVERIJSSEL}-2025.pdf"
QUESTION = "Waar kan ik terecht als ik niet weet bij welke instantie ik moet zijn?"
MANIFEST = PROJECT_ROOT / "corpus" / "sources.toml"


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: Any, make_settings: Any) -> Any:
    """An index of the image-only advisory, built once for this module (about a minute of OCR)."""
    if not SOURCE.exists():
        pytest.skip(f"{SOURCE} is not present")
    folder = tmp_path_factory.mktemp("scan")
    ocr.scan_of(SOURCE, folder / "corpus" / SOURCE.name)
    settings = make_settings(folder / "corpus", MANIFEST, folder / "data")
    report = build(settings, QUIET)
    return settings, report


def test_the_scanned_advisory_has_its_themes_recommendations_and_pages(scanned: Any, assistant: Any) -> None:
    settings, report = scanned
    [file] = report.files
    assert file.status == "ok" and file.ocr_pages == 51 and file.ocr_seconds > 0, file
    catalogue = store.load_catalogue(store.require_current(settings.index))
    text = assistant.index.catalogue  # the same advisory, from its text layer

    assert len(catalogue.themes[OVERIJSSEL]) == len(text.themes[OVERIJSSEL]) == 6
    scanned_recs = {r.number: r for r in catalogue.recommendations if r.doc_id == OVERIJSSEL}
    text_recs = {r.number: r for r in text.recommendations if r.doc_id == OVERIJSSEL}
    mains = [n for n in text_recs if n.count(".") == 1]
    assert len(mains) == 40 and set(mains) <= set(scanned_recs)
    assert [scanned_recs[n].page_labels for n in mains] == [text_recs[n].page_labels for n in mains]
    chunks = store.load_chunks(store.require_current(settings.index))
    assert chunks and all(c.ocr for c in chunks)


def test_the_scanned_advisory_answers_with_its_recommendation(scanned: Any) -> None:
    settings, _ = scanned
    answer = Assistant(settings).ask(QUESTION)
    cited = [c.recommendation_id for c in answer.citations]
    assert f"{OVERIJSSEL}:4.3" in cited[:3], cited
    assert all(c.ocr for c in answer.citations)


def test_a_rebuild_reads_nothing_again(scanned: Any) -> None:
    settings, _ = scanned
    again = build(settings, QUIET, rebuild=True)
    [file] = again.files
    assert file.ocr_pages == 51 and file.ocr_seconds == 0 and again.embedded == 0


def test_a_mixed_pdf_keeps_every_page(tmp_path: Path, make_settings: Any) -> None:
    import pypdf

    if not SOURCE.exists():
        pytest.skip(f"{SOURCE} is not present")
    scan = ocr.scan_of(SOURCE, tmp_path / "scan.pdf", pages=[27, 28])
    writer = pypdf.PdfWriter()
    for page in pypdf.PdfReader(str(SOURCE)).pages[24:27]:
        writer.add_page(page)
    for page in pypdf.PdfReader(str(scan)).pages:
        writer.add_page(page)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with (corpus / "gemengd.pdf").open("wb") as handle:
        writer.write(handle)
    settings = make_settings(corpus, MANIFEST, tmp_path / "data")
    report = build(settings, QUIET)
    [file] = report.files
    assert file.status == "ok" and file.pages == 5 and file.ocr_pages == 2
    [document] = store.load_catalogue(store.require_current(settings.index)).documents
    assert document.ocr_pages == (4, 5)
    chunks = store.load_chunks(store.require_current(settings.index))
    assert {c.page for c in chunks} >= {1, 2, 3, 4, 5}
    assert any("mkb-ecosystemen" in c.text for c in chunks if c.ocr)


def test_without_tesseract_the_build_names_the_command(
    tmp_path: Path, make_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not SOURCE.exists():
        pytest.skip(f"{SOURCE} is not present")
    corpus = tmp_path / "corpus"
    ocr.scan_of(SOURCE, corpus / "scan.pdf", pages=[27], dpi=100)
    shutil.copy(SOURCE, corpus / "tekst.pdf")
    monkeypatch.setattr(ocr.shutil, "which", lambda name: None)
    report = build(make_settings(corpus, MANIFEST, tmp_path / "data"), QUIET)
    status = {Path(f.path).name: f for f in report.files}
    assert status["scan.pdf"].status == "needs OCR" and ocr.INSTALL in status["scan.pdf"].message
    assert status["tekst.pdf"].status == "ok"
