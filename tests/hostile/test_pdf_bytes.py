"""The PDF parser on hostile bytes: arbitrary bytes, and a generated and a real PDF mutated by
truncation, byte flips, inserted garbage, zeroed and duplicated ranges. ``read_pdf`` (and the
structuring and chunking after it) gives pages or a per-file ``SourceError``, never another
exception, and never hangs; a build reports every broken file and ingests the good one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from corpus.errors import CorruptPdfError, EncryptedPdfError, NotAPdfError, NoTextLayerError, SourceError
from corpus.manifest import SourceFile
from corpus.records import Page
from corpus.settings import PROJECT_ROOT, Settings
from ingest.build import build, ingest_document
from ingest.pdf import read_pdf
from ingest.progress import Progress

REAL_PDF = PROJECT_ROOT.parent / "shared" / "corpus" / "ser-overijssel-arbeidsproductiviteit-2025.pdf"
REAL_PREFIX = 200_000  # bytes of the real PDF that are mutated (the whole file when it is smaller)
BUDGET_S = 15.0  # per example; a sound parse of these files takes well under a second
STATUSES = {e.status for e in (NotAPdfError, CorruptPdfError, EncryptedPdfError, NoTextLayerError)}
HEADS = [b"", b"%PDF-1.4\n", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", b"\xef\xbb\xbf%PDF-"]  # before arbitrary bytes
PDF_TOKENS = [b"(", b")", b"<<", b">>", b"[", b"]", b"\\", b" 0 0 R", b" Tj ", b" TJ ", b"BT ", b"ET ", b"stream\n"]
PARSE = settings(
    max_examples=100,
    deadline=None,  # the time budget below bounds each example instead
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_index = st.integers(0, 1 << 20)  # taken modulo the current length
mutation = st.one_of(
    st.tuples(st.just("truncate"), _index),
    st.tuples(st.just("flip"), _index, st.integers(0, 255)),
    st.tuples(st.just("insert"), _index, st.one_of(st.binary(min_size=1, max_size=64), st.sampled_from(PDF_TOKENS))),
    st.tuples(st.just("zero"), _index, st.integers(1, 2048)),
    st.tuples(st.just("duplicate"), _index, st.integers(1, 256)),
)


def mutate(data: bytes, ops: list[tuple]) -> bytes:
    out = bytearray(data)
    for op, at, *arg in ops:
        at %= len(out) + 1
        if op == "truncate":
            del out[at:]
        elif op == "flip" and at < len(out):
            out[at] = arg[0]
        elif op == "insert":
            out[at:at] = arg[0]
        elif op == "zero":
            out[at : at + arg[0]] = bytes(len(out[at : at + arg[0]]))
        elif op == "duplicate":
            out[at:at] = out[at : at + arg[0]]
    return bytes(out)


def self_referencing(two_page_pdf: bytes) -> bytes:
    """Two bytes changed in a generated 2-page PDF (found by this file's fuzzing): pypdf's recovery
    then meets an object that refers to itself and raised ``LimitReachedError``, not a read error."""
    at = two_page_pdf.index(b"5 0 obj\n<<") + len(b"5 0 obj\n<")
    data = two_page_pdf[:at] + b"7" + two_page_pdf[at + 1 :]
    at = data.index(b"/Root 6 0 R") + len(b"/Root 6 0 ")
    return data[:at] + b"\xd4" + data[at + 1 :]


class Parser:
    """Writes bytes to a file and parses them as the build does, within the time budget."""

    def __init__(self, folder: Path, samples: dict[str, bytes], budget) -> None:
        self.path = folder / "muteer.pdf"
        self.samples = samples
        self.budget = budget
        self.settings = Settings()

    def __repr__(self) -> str:  # Hypothesis prints the arguments of a failing example
        return f"Parser({sorted(self.samples)})"

    def outcome(self, data: bytes) -> str:
        """ "ok" or the SourceError's status; any other exception or a hang fails the test."""
        self.path.write_bytes(data)
        with self.budget(BUDGET_S, f"parsing {len(data)} bytes"):
            try:
                pages, meta = read_pdf(self.path, "muteer")
            except SourceError as exc:
                assert exc.status in STATUSES and exc.path == str(self.path) and exc.reason.strip(), exc
                return exc.status
            assert pages and all(isinstance(p, Page) for p in pages)
            assert [p.index for p in pages] == list(range(1, len(pages) + 1))
            assert all(isinstance(k, str) and isinstance(v, str) for k, v in meta.items())
            result = ingest_document(SourceFile(self.path, "0" * 64, None, "muteer"), self.settings)
            assert result.document.pages == len(pages)
        return "ok"


@pytest.fixture(scope="module")
def parser(pdfs, tmp_path_factory, time_budget) -> Parser:
    folder = tmp_path_factory.mktemp("hostile-pdf")
    samples = {"generated": pdfs.doc(folder / "bron.pdf", "hostile", n_pages=3, title="Bron").read_bytes()}
    if REAL_PDF.is_file():
        samples["real"] = REAL_PDF.read_bytes()[:REAL_PREFIX]
    return Parser(folder, samples, time_budget)


@PARSE
@given(source=st.sampled_from(["generated", "real"]), ops=st.lists(mutation, min_size=1, max_size=5))
@example(source="generated", ops=[("truncate", 0)])
@example(source="generated", ops=[("zero", 0, 16)])
@example(source="real", ops=[("truncate", 40_000)])
@example(source="real", ops=[("zero", 20_000, 2048), ("duplicate", 50_000, 256)])
def test_mutated_pdf_gives_pages_or_a_source_error(parser, source, ops):
    if source not in parser.samples:
        pytest.skip(f"{REAL_PDF} not found")
    event(parser.outcome(mutate(parser.samples[source], ops)))


@settings(PARSE, max_examples=100)
@given(head=st.sampled_from(HEADS), body=st.binary())
@example(head=b"%PDF-", body=b"")
@example(head=b"%PDF-1.4\n", body=b"trailer\n<< /Root 1 0 R >>\n%%EOF")
@example(head=b"", body=b"\x00" * 64)
@example(head=b"", body=b" \n\t\r" * 100)
def test_arbitrary_bytes_give_pages_or_a_source_error(parser, head, body):
    event(parser.outcome(head + body))


def test_a_self_referencing_object_is_a_corrupt_pdf(pdfs, tmp_path):
    path = tmp_path / "zelfverwijzing.pdf"
    path.write_bytes(self_referencing(pdfs.doc(tmp_path / "twee.pdf", "zelf", n_pages=2).read_bytes()))
    with pytest.raises(CorruptPdfError, match="damaged"):
        read_pdf(path, "zelfverwijzing")


def test_build_reports_each_mutated_file_and_ingests_the_good_one(pdfs, corpus_dir, settings: Settings):
    good = pdfs.doc(corpus_dir / "goed.pdf", "goed", n_pages=3, title="Een goed rapport").read_bytes()
    two_pages = pdfs.doc(corpus_dir.parent / "twee.pdf", "twee", n_pages=2).read_bytes()
    broken: dict[str, bytes] = {
        "kop-gewist.pdf": bytes(16) + good[16:],
        "zelfverwijzing.pdf": self_referencing(two_pages),
        "byte-geflipt.pdf": bytes(b ^ 0xFF if i % 97 == 96 else b for i, b in enumerate(good)),
        "nullen.pdf": good[: len(good) // 4] + bytes(len(good) // 2) + good[3 * len(good) // 4 :],
        "zonder-xref.pdf": good[: good.rindex(b"xref")],
    }
    if REAL_PDF.is_file():
        real = REAL_PDF.read_bytes()[:REAL_PREFIX]
        broken["echt-afgekapt.pdf"] = real[:40_000]
        broken["echt-nullen.pdf"] = real[:20_000] + bytes(60_000) + real[80_000:]
    for name, data in broken.items():
        (corpus_dir / name).write_bytes(data)
    (corpus_dir / "rommel.pdf").write_bytes(good[:600] + bytes(range(256)) * 2 + good[600:])  # may be recovered
    report = build(settings, Progress(quiet=True))
    files: dict[str, Any] = {Path(f.path).name: f for f in report.files}
    assert set(files) == {"goed.pdf", "rommel.pdf", *broken}
    assert (files["goed.pdf"].status, files["goed.pdf"].pages) == ("ok", 3) and files["goed.pdf"].chunks > 0
    assert files["kop-gewist.pdf"].status == "not a PDF"
    for name in broken:
        assert files[name].status in STATUSES - {"not a PDF"} or name == "kop-gewist.pdf", (name, files[name])
        assert files[name].message.strip() and files[name].chunks == 0, name
    junk = files["rommel.pdf"]  # its head is intact: recovered with all its pages, or a damaged PDF
    if junk.status == "ok":
        assert (junk.pages, junk.chunks > 0) == (3, True), junk
    else:
        assert junk.status in STATUSES - {"not a PDF"} and junk.message.strip() and junk.chunks == 0, junk
    assert report.ingested == 1 + (files["rommel.pdf"].status == "ok")
