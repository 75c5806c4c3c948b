"""The citation verifier: every sentence of a model's answer must be backed by the source it cites.

The model's output is split into sentences and their ``[n]`` markers are parsed. A marker that
names no given source is removed. Each cited source is scored for *support*: a mix of lexical
overlap (the share of the sentence's content-word stems found in the source) and embedding
cosine, rescaled so that ``dense_floor`` counts as 0. A citation is kept when its support clears
the threshold; otherwise the sentence is repaired to the best-supporting given source when that
one clears it, or dropped. Sentences without any citation are dropped (every claim must be
cited), except the abstention phrase. The sources' vectors are the ones stored in the index
(``Index.vectors_of``); only the sentences are embedded.

The weights and the threshold are data (``assistant/verifier.toml``), calibrated on the eval
cases by ``python -m eval calibrate-verifier`` (``eval/calibrate_verifier.py``; method
and figures in ``docs/llm.md``): the highest recall at a precision of at least 0.95 on held-out
recommendations. Measured there with the claim checks: precision 0.961, recall 0.945 (sentences of
the gold passage, verbatim and reworded, against it; the same sentences against the other passages
given to the model and against another document); a wrong citation is repaired to the right passage
in 97 %.

A citation that clears the support score must also pass the claim checks (``assistant/claims.py``):
a negation, number, name, actor, modal or quantifier its source lacks keeps nearly all of the
overlap, so the support score alone let such sentences through. What is still not guaranteed: a
change of meaning in words the checks do not list (docs/llm.md); an English sentence shares no
Dutch stems with its source and rests on the embedding alone, so it is nearly always dropped; a
very short sentence is supported by any passage that has its three or four words.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.claims import ClaimSource, check_claim, claim_source, content_stems, is_english
from corpus.errors import ConfigError
from corpus.records import Chunk
from ingest.embed import Embedder

VERIFIER_FILE = Path(__file__).with_name("verifier.toml")

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])|(?<=\])\s+(?=[A-Z\"'(])")
_MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_WORD = re.compile(r"[a-z0-9]+")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


@dataclass(frozen=True)
class Weights:
    """How support is computed, and how much of it a citation needs."""

    lexical: float  # share of the support that comes from word overlap; the rest from embedding cosine
    dense_floor: float  # the cosine that counts as no support at all (unrelated Dutch texts lie near it)
    threshold: float  # a citation stands when its source supports the sentence at least this much

    def support(self, lexical: np.ndarray, cosine: np.ndarray) -> np.ndarray:
        dense = np.clip((cosine - self.dense_floor) / (1.0 - self.dense_floor), 0.0, 1.0)
        return self.lexical * lexical + (1.0 - self.lexical) * dense


@lru_cache(maxsize=4)
def load_weights(path: Path = VERIFIER_FILE) -> Weights:
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))["support"]
        return Weights(float(table["lexical_weight"]), float(table["dense_floor"]), float(table["threshold"]))
    except (OSError, KeyError, ValueError) as exc:
        raise ConfigError(
            f"The verifier weights {str(path)!r} are missing or invalid ({exc}). "
            "Restore the file or run: python -m eval calibrate-verifier"
        ) from exc


WEIGHTS = load_weights()
SUPPORT_THRESHOLD = WEIGHTS.threshold


class Status(StrEnum):
    KEPT = "kept"
    REPAIRED = "repaired"
    DROPPED = "dropped"


@dataclass(frozen=True)
class CheckedSentence:
    """One sentence of the model's answer after verification."""

    text: str  # the sentence without its markers
    line: int  # the output line it came from (to keep paragraphs)
    cited: tuple[int, ...]  # source numbers as the model wrote them (given or not)
    citations: tuple[int, ...]  # source numbers after verification (empty when dropped)
    support: float  # support of its final citation, or of the best source when dropped
    status: Status
    reason: str = ""  # why a citation was removed or the sentence dropped ("number 73 not in source", …)


@dataclass(frozen=True)
class Verification:
    sentences: tuple[CheckedSentence, ...]
    repaired: int
    dropped: int

    @property
    def kept(self) -> tuple[CheckedSentence, ...]:
        return tuple(s for s in self.sentences if s.status is not Status.DROPPED)

    @property
    def supported(self) -> bool:
        """At least one cited sentence survived."""
        return any(s.citations for s in self.kept)

    @classmethod
    def of(cls, checked: Sequence[CheckedSentence]) -> Verification:
        return cls(
            tuple(checked),
            repaired=sum(s.status is Status.REPAIRED for s in checked),
            dropped=sum(s.status is Status.DROPPED for s in checked),
        )


@dataclass(frozen=True)
class Scores:
    """Word overlap and embedding cosine of every claim (rows) against every source (columns)."""

    lexical: np.ndarray
    cosine: np.ndarray
    claim_stems: tuple[frozenset[str], ...]
    source_stems: tuple[frozenset[str], ...]

    def support(self, weights: Weights = WEIGHTS) -> np.ndarray:
        """Support of every claim by every source, in [0, 1]."""
        return weights.support(self.lexical, self.cosine)

    def joint_support(self, row: int, columns: Sequence[int], weights: Weights = WEIGHTS) -> float:
        """Support of claim ``row`` by the sources ``columns`` read together (for ALCE's citation recall):
        their words pooled, their best cosine."""
        if not columns:
            return 0.0
        pooled = frozenset().union(*(self.source_stems[c] for c in columns))
        lexical = lexical_support(self.claim_stems[row], pooled)
        cosine = max(float(self.cosine[row, c]) for c in columns)
        return float(weights.support(np.array(lexical), np.array(cosine)))


def line_sentences(line: str) -> list[str]:
    """The sentences of one output line (a leading bullet stripped). A marker that opens the line
    (``[2] Zin.``, the layout of the sources) belongs to the sentence after it."""
    parts = [part.strip() for part in _SENTENCE.split(_BULLET.sub("", line)) if part.strip()]
    if len(parts) > 1 and not _MARKER.sub("", parts[0]).strip():
        parts[:2] = [f"{parts[0]} {parts[1]}"]
    return parts


def split_sentences(output: str) -> list[tuple[int, str]]:
    """The sentences of the model's output with their line numbers (bullets stripped)."""
    return [(line_no, s) for line_no, line in enumerate(output.splitlines()) for s in line_sentences(line)]


def parse_markers(sentence: str) -> tuple[str, tuple[int, ...]]:
    """The sentence without its ``[n]`` markers, and the numbers in order of appearance."""
    numbers = [int(n) for group in _MARKER.findall(sentence) for n in re.split(r"\s*[,;]\s*", group)]
    text = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(_MARKER.sub("", sentence).split()))
    return text, tuple(dict.fromkeys(numbers))


def lexical_support(claim: frozenset[str] | set[str], source: frozenset[str] | set[str]) -> float:
    """The share of the claim's content stems that the source contains."""
    return len(claim & source) / len(claim) if claim else 0.0


def _normalised(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def score(
    claims: Sequence[str], sources: Sequence[Chunk], embedder: Embedder, source_vectors: np.ndarray | None = None
) -> Scores:
    """Overlap and cosine of every claim with every source; ``source_vectors`` (one row per source,
    as the index stores them) spare embedding the sources again."""
    claim_stems = tuple(content_stems(t) for t in claims)
    source_stems = tuple(content_stems(c.text) for c in sources)
    if not claims or not sources:
        empty = np.zeros((len(claims), len(sources)))
        return Scores(empty, empty, claim_stems, source_stems)
    if source_vectors is None or len(source_vectors) != len(sources):
        source_vectors = embedder.passages([c.text for c in sources])
    cosine = _normalised(embedder.passages(list(claims))) @ _normalised(source_vectors).T
    lexical = np.array([[lexical_support(c, s) for s in source_stems] for c in claim_stems])
    return Scores(lexical, cosine.astype(np.float64), claim_stems, source_stems)


def support_matrix(
    claims: Sequence[str], sources: Sequence[Chunk], embedder: Embedder, source_vectors: np.ndarray | None = None
) -> np.ndarray:
    """Support of every claim (rows) by every source (columns), in [0, 1]."""
    return score(claims, sources, embedder, source_vectors).support()


def verify(
    output: str,
    sources: Sequence[Chunk],
    embedder: Embedder,
    abstain: str,
    source_vectors: np.ndarray | None = None,
    first_line: int = 0,
    known_names: Sequence[str] = (),
) -> Verification:
    """Check every sentence of ``output`` against the numbered ``sources`` (``[1]`` is ``sources[0]``):
    its support, then the claim checks (``assistant/claims.py``); ``known_names``: names any sentence
    may use to frame a claim (the publishers)."""
    parsed = [(first_line + line, *parse_markers(s)) for line, s in split_sentences(output)]
    parsed = [(line, text, cited) for line, text, cited in parsed if text]
    support = support_matrix([text for _, text, _ in parsed], sources, embedder, source_vectors)
    prepared = [claim_source(chunk, known_names) for chunk in sources]
    return Verification.of(
        [_check(text, line, cited, support[i], abstain, prepared) for i, (line, text, cited) in enumerate(parsed)]
    )


def _check(
    text: str, line: int, cited: tuple[int, ...], row: np.ndarray, abstain: str, sources: Sequence[ClaimSource] = ()
) -> CheckedSentence:
    if text.strip() == abstain.strip() and not cited:
        return CheckedSentence(text, line, cited, (), 0.0, Status.KEPT)
    if not cited:  # an uncited claim is dropped, however true it may be
        return CheckedSentence(text, line, cited, (), float(row.max(initial=0.0)), Status.DROPPED, "no citation")
    english = is_english(text)
    reasons: dict[int, str] = {}

    def stands(n: int) -> bool:  # support first; the claim checks only for a source that supports it
        if row[n - 1] < SUPPORT_THRESHOLD:
            reasons[n] = f"support {row[n - 1]:.2f} below {SUPPORT_THRESHOLD}"
            return False
        reasons[n] = check_claim(text, sources[n - 1], english) if sources else ""
        return not reasons[n]

    standing = [n for n in cited if 1 <= n <= len(row) and stands(n)]
    removed = "; ".join(f"[{n}] {reasons.get(n) or 'not a given source'}" for n in cited if n not in standing)
    if standing:
        status = Status.KEPT if len(standing) == len(cited) else Status.REPAIRED
        support = float(max(row[n - 1] for n in standing))
        return CheckedSentence(text, line, cited, tuple(standing), support, status, removed)
    for best in (int(n) + 1 for n in np.argsort(-row, kind="stable")):  # repaired to the best source that holds it
        if best not in cited and row[best - 1] >= SUPPORT_THRESHOLD and stands(best):
            return CheckedSentence(text, line, cited, (best,), float(row[best - 1]), Status.REPAIRED, removed)
    return CheckedSentence(text, line, cited, (), float(row.max(initial=0.0)), Status.DROPPED, removed)


def source_sentences(text: str) -> list[str]:
    """The sentences of a chunk, each an exact substring of ``text``."""
    return [s.strip() for s in re.split(r"\n+|" + _SENTENCE.pattern, text) if len(s.split()) >= 3]


def best_quote(chunk: Chunk, claims: Sequence[str]) -> str:
    """The sentence of ``chunk`` that shares the most content words with the claims citing it."""
    wanted = content_stems(" ".join(claims))
    candidates = source_sentences(chunk.text) or [chunk.text.strip()]
    return max(candidates, key=lambda s: (len(content_stems(s) & wanted), -candidates.index(s)))
