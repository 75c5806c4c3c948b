"""Policy-note drafting (Markdown) and its DOCX export. Imported only by ``app.py``."""

__all__ = ["docx_export", "policy_note"]
