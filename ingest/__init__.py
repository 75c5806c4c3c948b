"""PDF → pages → cleaned outline → catalogue → chunks → embeddings → index versions.

May import ``corpus`` only (docs/architecture.md). ``python -m ingest build`` writes an index version."""

__all__ = ["build", "embed", "keyword", "store", "text"]
