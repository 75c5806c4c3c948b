"""Hot reload: a running ``Assistant`` follows the version another build publishes, and stays on
the one it has when the new one cannot be loaded."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from assistant.assistant import Assistant
from ingest import store
from ingest.build import build
from ingest.progress import Progress

QUIET = Progress(quiet=True)
QUESTION = "Wat doet de zeilmakerij in Kampen met robotlassen?"
NEW_PAGE = (
    "De zeilmakerij in Kampen zet robotlassen in om de arbeidsproductiviteit te verhogen. "
    "De medewerkers van de zeilmakerij leren het robotlassen op de werkvloer.\n\n"
    "Door het robotlassen maakt de zeilmakerij in Kampen meer zeilen per medewerker."
)


def test_a_new_build_is_answered_from_without_a_restart(pdfs: Any, corpus_dir: Path, settings: Any) -> None:
    pdfs.doc(corpus_dir / "a.pdf", "a")
    build(settings, QUIET)
    assistant = Assistant(settings)
    old = assistant.index.version
    assert "zeilmakerij" not in {c.doc_id for c in assistant.ask(QUESTION).citations}

    pdfs.make(corpus_dir / "zeilmakerij.pdf", [NEW_PAGE], title="Zeilmakerij")
    build(settings, QUIET)

    answer = assistant.ask(QUESTION)
    assert assistant.index.version == store.current_version(settings.index) != old
    assert "zeilmakerij" in {c.doc_id for c in answer.citations}, answer
    assert assistant.refresh() is False, "nothing new: no reload"


def test_a_broken_new_version_leaves_the_old_one_answering(pdfs: Any, corpus_dir: Path, settings: Any) -> None:
    pdfs.doc(corpus_dir / "a.pdf", "a")
    build(settings, QUIET)
    assistant = Assistant(settings)
    old = assistant.index.version
    pdfs.doc(corpus_dir / "b.pdf", "b")
    new = build(settings, QUIET).version
    shutil.rmtree(store.versions_dir(settings.index) / str(new) / "bm25")  # damaged after publishing

    answer = assistant.ask("Wat doet de werkgever met de arbeidsproductiviteit?")
    assert assistant.index.version == old and answer.citations
