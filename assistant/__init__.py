"""The answering pipeline: index reader, query understanding, hybrid retrieval, abstention,
composition (extractive or a verified language model), the CLI.

May import ``corpus`` and ``ingest``. Its subpackages ``assistant.page`` (the chat page's rendering)
and ``assistant.notes`` (policy-note drafting) are used only by ``app.py`` (docs/architecture.md)."""

__all__ = [
    "abstain",
    "assistant",
    "compose",
    "index",
    "llm",
    "params",
    "query",
    "records",
    "retrieve",
    "serialize",
    "verify",
]
