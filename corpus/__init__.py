"""The domain: source manifest, typed records, the one settings object, the error tree.

The lowest layer: imports nothing of the project (docs/architecture.md)."""

__all__ = ["errors", "manifest", "records", "settings"]
