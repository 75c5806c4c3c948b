"""What the chat page shows, made from answers and the catalogue: escaped rendering, the catalogue
browser, feedback records, the static CSS/JS. Imported only by ``app.py``."""

__all__ = ["browse", "feedback", "render"]
