"""Issue 13, case 7: control characters from a PDF (NUL, BEL, ANSI colour escapes, a right-to-left
override) and a 10,000-character title never reach a terminal or the page: the index keeps a
printable, bounded title, and ``ingest catalogue`` and ``assistant ask`` print none of them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.page.browse import SHORT_TITLE_CHARS, short_title
from corpus.settings import PROJECT_ROOT
from ingest import store
from ingest.build import build
from ingest.clean import MAX_TITLE_CHARS, printable, title_text
from ingest.progress import Progress
from tests.conftest import make_pdf

HOSTILE = "Scholing\x00 \x07\x1b[31mrood\x1b[0m \u202egnilohcS\u202c \u2066x\u2069 "
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("a\x00b\x07c", "abc"),
        ("\x1b[31mrood\x1b[0m", "rood"),
        ("\x1b]0;titel\x07rest", "rest"),
        ("\u202egnilohcS\u202c", "gnilohcS"),
        ("regel\r\nvolgende\tkolom", "regel \nvolgende\tkolom"),
        ("gewone tekst: é, ü, 😀", "gewone tekst: é, ü, 😀"),
    ],
)
def test_printable(text: str, clean: str) -> None:
    assert printable(text) == clean


def test_title_text_is_one_printable_bounded_line() -> None:
    title = title_text(HOSTILE + "woord " * 3000)
    assert len(title) <= MAX_TITLE_CHARS and title.endswith("…") and not UNSAFE.search(title)
    assert title.startswith("Scholing rood gnilohcS x woord")


def test_hostile_metadata_is_clean_in_the_index_and_every_output(settings, corpus_dir: Path, cli_env, manifest_file):
    text = "Werkgevers investeren in scholing van werknemers. " * 20
    make_pdf(corpus_dir / "vies.pdf", [text, text], title=HOSTILE + "x" * 10_000, author="\x1b[2J\u202eAuteur")
    build(settings, Progress(quiet=True))
    [document] = store.load_catalogue(store.require_current(settings.index)).documents
    assert not UNSAFE.search(document.title + document.publisher) and len(document.title) <= MAX_TITLE_CHARS
    assert len(short_title(document)) <= SHORT_TITLE_CHARS
    env = cli_env(corpus_dir, manifest_file, settings.index.data_dir, PYTHONIOENCODING="utf-8")
    for command in (["ingest", "catalogue"], ["assistant", "ask", "Hoe investeren werkgevers in scholing?"]):
        done = subprocess.run(
            [sys.executable, "-m", *command], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        assert "Scholing" in done.stdout and not UNSAFE.search(done.stdout + done.stderr), done.stdout[:500]
