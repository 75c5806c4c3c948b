"""The source manifest (`corpus/sources.toml`) and the discovery of PDFs in the corpus folders."""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from corpus.errors import ConfigError


class Source(BaseModel):
    """One document of the mission as listed in the manifest (pydantic: it is a file edge)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    publisher: str
    date: str = ""
    kind: str = "advies"
    url: str
    file: str
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    licence: str = ""
    note: str = ""
    direct: bool = Field(default=True, description="url is the PDF itself, so fetch can get it")


class _Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: list[Source]


def load_manifest(path: Path) -> list[Source]:
    """Read and validate the manifest; a bad file raises ConfigError naming it."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return _Manifest.model_validate(data).source
    except FileNotFoundError as exc:
        raise ConfigError(f"Source manifest {str(path)!r} not found.") from exc
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ConfigError(f"Source manifest {str(path)!r} is invalid: {exc}") from exc


@dataclass(frozen=True)
class SourceFile:
    """A PDF found in a corpus folder, with its content hash and its manifest entry if any."""

    path: Path
    sha256: str
    source: Source | None
    doc_id: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "document"


def match_source(path: Path, sha: str, sources: Iterable[Source]) -> Source | None:
    """The manifest entry of a file: by checksum first, then by expected file name."""
    sources = list(sources)
    for source in sources:
        if source.sha256 and source.sha256 == sha:
            return source
    for source in sources:
        if source.file == path.name:
            return source
    return None


def discover(folders: Iterable[Path], sources: list[Source]) -> tuple[list[SourceFile], list[tuple[Path, Path]]]:
    """Every PDF in the folders, once per content.

    Returns the files to ingest and the (duplicate, original) pairs that were skipped because
    the same bytes were already found under another name.
    """
    found: dict[str, SourceFile] = {}
    duplicates: list[tuple[Path, Path]] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.iterdir() if p.suffix.lower() == ".pdf" and p.is_file()):
            sha = sha256_of(path)
            if sha in found:
                duplicates.append((path, found[sha].path))
                continue
            source = match_source(path, sha, sources)
            taken = {f.doc_id for f in found.values()}
            found[sha] = SourceFile(path, sha, source, _doc_id(path, sha, source, taken))
    return list(found.values()), duplicates


def _doc_id(path: Path, sha: str, source: Source | None, taken: set[str]) -> str:
    """The manifest id, else a slug of the file name; a clash gets the checksum's prefix."""
    doc_id = source.id if source else slugify(path.stem)
    return f"{doc_id}-{sha[:8]}" if doc_id in taken else doc_id
