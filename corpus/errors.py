"""The exception tree of SER Advieswijzer.

Every error the project raises on purpose derives from one base class, so the CLI and the
UI can turn it into friendly text in one place::

    AdvieswijzerError
    ├── ConfigError            settings or a manifest file are wrong
    │   └── PromptError            a prompt file is missing or its placeholders do not match
    ├── SourceError            a source document cannot be used (per file; the build goes on)
    │   ├── NotAPdfError           the file is not a PDF
    │   ├── CorruptPdfError        truncated or damaged PDF, or a PDF with 0 pages
    │   ├── EncryptedPdfError      the PDF is password protected
    │   └── NoTextLayerError       the PDF has no text layer (needs OCR)
    ├── FetchError             a manifest document could not be downloaded
    ├── OcrUnavailableError    Tesseract or its Dutch data is missing (scanned pages cannot be read)
    ├── IndexUnusableError     the index is missing, incomplete or was built differently
    │   ├── IndexMissingError      no index has been built yet
    │   ├── EmbedderMismatchError  the index was built with another embedder
    │   ├── DamagedStoreError      the embedded vector store's database cannot be opened
    │   └── ReadOnlyStoreError     the embedded vector store lies in a folder that cannot be written
    ├── BuildError             a build could not produce a new index (the old one stays)
    │   ├── BuildLockedError       another build runs on the same data folder
    │   └── DiskFullError          the disk filled up during the build
    ├── QuestionError          a question cannot be asked as it is
    │   ├── EmptyQuestionError     empty or blank
    │   ├── QuestionTooLongError   over the length limit
    │   ├── ArgumentTypeError      an API caller sent an argument of the wrong type
    │   └── ScanError              a filled-in scan holds an unknown option or a score outside 1-5
    ├── StoreUnavailableError  the vector store (Chroma server) cannot be reached
    ├── FeedbackError          a rating from the chat page could not be saved
    └── LLMError               the language model gave no usable answer (the extractive one is used)

Messages name the item with ``!r`` and say what to do next.
"""

from __future__ import annotations


class AdvieswijzerError(Exception):
    """Base class of every error this project raises on purpose."""


class ConfigError(AdvieswijzerError):
    """Settings or a manifest file are invalid."""


class SourceError(AdvieswijzerError):
    """A source document cannot be ingested; the build skips it and goes on."""

    status = "error"

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path!r}: {message}")
        self.path = path
        self.reason = message


class NotAPdfError(SourceError):
    status = "not a PDF"


class CorruptPdfError(SourceError):
    status = "corrupt PDF"


class EncryptedPdfError(SourceError):
    status = "encrypted"


class NoTextLayerError(SourceError):
    status = "needs OCR"


class OcrUnavailableError(AdvieswijzerError):
    """Scanned pages cannot be read: Tesseract or its Dutch data is missing, or it fails."""


class FetchError(AdvieswijzerError):
    """A manifest document could not be downloaded."""


class IndexUnusableError(AdvieswijzerError):
    """The index cannot be used as it is."""


class IndexMissingError(IndexUnusableError):
    def __init__(self, location: str) -> None:
        super().__init__(f"No index found at {location!r}. Build it first with: python -m ingest build")


class EmbedderMismatchError(IndexUnusableError):
    def __init__(self, built_with: str, requested: str) -> None:
        super().__init__(
            f"The index was built with embedder {built_with!r} but {requested!r} is configured. "
            "Use the same embedder, or rebuild with: python -m ingest build --rebuild"
        )


class DamagedStoreError(IndexUnusableError):
    """The embedded Chroma database is damaged (random bytes, a half-written file)."""

    def __init__(self, path: str, detail: str = "") -> None:
        super().__init__(
            f"The vector store {path!r} is damaged and cannot be opened ({detail[:200]}). "
            "Repair it with: python -m ingest build --rebuild "
            "(the stored vectors are reused; nothing is embedded again)."
        )


class ReadOnlyStoreError(IndexUnusableError):
    """The embedded Chroma database lies in a folder this process cannot write (Chroma writes when it opens)."""

    def __init__(self, path: str) -> None:
        super().__init__(
            f"The vector store {path!r} is read-only. Questions are answered from the stored vectors; "
            "to build, make the data folder writable (or set ADVIESWIJZER_INDEX__DATA_DIR to a writable one)."
        )


class BuildError(AdvieswijzerError):
    """A build could not produce a new index; the previous index stays in use."""


class BuildLockedError(BuildError):
    """Another build holds the data folder's lock."""

    def __init__(self, data_dir: str, pid: str) -> None:
        super().__init__(
            f"Another build (pid {pid}) is running on {data_dir!r}; nothing was changed. "
            "Wait until it has finished, then try again."
        )


class DiskFullError(BuildError):
    """No space left while a build wrote its version (the previous version stays current)."""

    def __init__(self, where: str, needed_mb: float) -> None:
        super().__init__(
            f"Schijf vol: ongeveer {needed_mb:.0f} MB nodig in {where!r}. The previous index stays in use; "
            "free some space (or set ADVIESWIJZER_INDEX__DATA_DIR elsewhere) and build again."
        )


class QuestionError(AdvieswijzerError):
    """A question cannot be asked as it is (the CLI exits with 2)."""


class EmptyQuestionError(QuestionError):
    def __init__(self) -> None:
        super().__init__("De vraag is leeg. Stel een vraag, bijvoorbeeld: 'Hoe kan het mkb AI invoeren?'")


class QuestionTooLongError(QuestionError):
    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"De vraag is te lang ({length} tekens; de grens is {limit}). Maak de vraag korter.")


class ArgumentTypeError(QuestionError):
    """An API caller sent a field of the wrong type (a string for the chat history, a number for the question)."""

    def __init__(self, name: str, expected: str, value: object) -> None:
        super().__init__(
            f"Het veld {name!r} moet {expected} zijn, niet {type(value).__name__}. "
            "Stuur het zoals de chatpagina het stuurt (zie de API-beschrijving onderaan de pagina)."
        )


class ScanError(QuestionError):
    """A filled-in productivity scan holds an unknown option id or a score outside 1-5."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"De scan kan zo niet worden gelezen: {detail}.")


class StoreUnavailableError(AdvieswijzerError):
    """The vector store cannot be reached."""

    def __init__(self, where: str, detail: str = "") -> None:
        extra = f" ({detail})" if detail else ""
        super().__init__(
            f"De zoekdienst is tijdelijk niet bereikbaar: Chroma at {where!r}{extra}. "
            "Check that the Chroma server runs, or unset CHROMA_HOST to use the embedded store."
        )


class FeedbackError(AdvieswijzerError):
    """A thumbs up/down could not be appended to the feedback file; the page goes on."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(
            f"De beoordeling kon niet worden opgeslagen in {path!r} ({detail}). "
            "Controleer of de map bestaat en schrijfbaar is (instelling ADVIESWIJZER_APP__FEEDBACK_FILE)."
        )


class PromptError(ConfigError):
    """A prompt file under ``prompts/`` is missing, or its placeholders differ from the values given."""


class LLMError(AdvieswijzerError):
    """The language model timed out, failed or answered with nothing usable; the caller falls back."""
