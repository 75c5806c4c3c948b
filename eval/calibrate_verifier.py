"""Calibrate the citation verifier (``assistant/verifier.toml``) on the eval cases.

For every in-scope case of ``eval/cases.jsonl`` the passages a language model would be given
(the top ``llm.sources`` of retrieval) are split into the *gold* passage (the best-ranked one of
an expected recommendation) and the *others*. Labelled (claim, passage) pairs follow:

* positives: sentences of the gold passage, verbatim and reworded the way a model rewords them
  (words dropped, halves swapped, Dutch synonyms from ``assistant/synonyms.toml``, a framing
  phrase, shortened, two sentences spliced), each against the gold passage;
* negatives: the same claims against the other given passages of other recommendations (hard
  negatives: same question, same retrieval) and against one passage of another document;
* altered claims, measured but not fitted: a negated claim and a claim with changed numbers against
  the gold passage. The support score reads overlap and meaning, not logic: these pass it; the claim
  checks that follow it (``assistant/claims.py``) must stop them.

Cases are split by recommendation (a third held out, by a stable hash), so no passage is in both
parts. On the training part every weight combination of the grid is scored; the choice has the
highest recall at a precision of at least ``TRAIN_PRECISION`` (a margin above the stated target
``PRECISION_TARGET``), and the report gives precision and recall on the held-out part.
The figures are given twice on the held-out part: for the support score alone (what is fitted) and
for the whole verifier, the claim checks included (what a user gets).
``python -m eval calibrate-verifier`` prints the figures and writes ``assistant/verifier.toml``.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np

from assistant.claims import check_claim, claim_source, content_stems, is_english
from assistant.verify import Weights, lexical_support, load_weights, source_sentences
from corpus.records import Chunk
from ingest.embed import Embedder
from ingest.text import fold

PRECISION_TARGET = 0.95  # what the verifier promises on held-out recommendations
TRAIN_PRECISION = 0.97  # what the choice demands on the training part, for a margin
HELD_OUT_SHARE = 3  # one recommendation in three is held out (crc32 of its id)
SENTENCES_PER_PASSAGE = 3
MIN_WORDS = 6
MIN_STEMS = 4  # a reworded claim with fewer content words is no claim a model would make
SHINGLE = 8  # another passage sharing this many consecutive words with a sentence repeats it
LEXICAL_GRID = [round(0.05 * i, 2) for i in range(21)]
FLOOR_GRID = [round(0.70 + 0.01 * i, 2) for i in range(21)]
THRESHOLD_GRID = [round(0.20 + 0.01 * i, 2) for i in range(76)]
FRAMES = ("Volgens het advies", "De SER stelt dat", "Het is belangrijk dat")
_NUMBER = re.compile(r"\d+")


class Kind(StrEnum):
    VERBATIM = "verbatim"
    DROPPED = "words dropped"
    SWAPPED = "halves swapped"
    SYNONYMS = "synonyms"
    FRAMED = "framing phrase"
    SHORTENED = "shortened"
    SPLICED = "two sentences spliced"
    HARD = "other given passage"
    UNRELATED = "passage of another document"
    NEGATED = "negated (altered)"
    NUMBERS = "numbers changed (altered)"


POSITIVE = {Kind.VERBATIM, Kind.DROPPED, Kind.SWAPPED, Kind.SYNONYMS, Kind.FRAMED, Kind.SHORTENED, Kind.SPLICED}
NEGATIVE = {Kind.HARD, Kind.UNRELATED}


@dataclass(frozen=True)
class CaseSources:
    """What a model would be given for one case: its gold passage and the others."""

    case_id: str
    group: str  # the expected recommendation: the unit of the train/held-out split
    gold: Chunk
    others: tuple[Chunk, ...]


@dataclass(frozen=True)
class Pair:
    case_id: str
    claim: str
    source: Chunk
    kind: Kind
    held_out: bool

    @property
    def label(self) -> bool:
        return self.kind in POSITIVE


@dataclass(frozen=True)
class Figures:
    precision: float
    recall: float
    positives: int
    negatives: int


@dataclass(frozen=True)
class Calibration:
    weights: Weights
    train: Figures
    held_out: Figures  # the support score alone
    checked: Figures  # the whole verifier: support, then the claim checks
    accepted: dict[str, float]  # held-out share of pairs the whole verifier accepts, per kind
    repair: dict[str, float]  # held-out claims: the best-supported given passage is the gold one / another / none
    cases: int
    claims: int


# --- labelled pairs ------------------------------------------------------------------------------


def variants(sentence: str, other: str | None, synonyms: Sequence[Sequence[str]]) -> list[tuple[Kind, str]]:
    """The sentence reworded the ways a model rewords (all still supported by its passage)."""
    words = sentence.rstrip(".").split()
    found = [(Kind.VERBATIM, sentence), (Kind.DROPPED, " ".join(w for i, w in enumerate(words) if i % 4 != 2) + ".")]
    head, comma, tail = sentence.rstrip(".").partition(", ")
    swapped = f"{tail[:1].upper()}{tail[1:]}, {head[:1].lower()}{head[1:]}" if comma else _rotate(words)
    found.append((Kind.SWAPPED, swapped + "."))
    replaced = _synonym_swap(sentence, synonyms)
    if replaced != sentence:
        found.append((Kind.SYNONYMS, replaced))
    frame = FRAMES[zlib.crc32(sentence.encode()) % len(FRAMES)]
    found.append((Kind.FRAMED, f"{frame} {sentence[:1].lower()}{sentence[1:]}"))
    found.append((Kind.SHORTENED, " ".join(words[: max(MIN_WORDS, round(len(words) * 0.6))]) + "."))
    if other:
        half, other_words = words[: len(words) // 2], other.rstrip(".").split()
        found.append((Kind.SPLICED, " ".join([*half, "en", *other_words[len(other_words) // 2 :]]) + "."))
    return found


def blind_spots(sentence: str) -> list[tuple[Kind, str]]:
    """Claims that contradict the passage while sharing its words."""
    words = sentence.split()
    found = [(Kind.NEGATED, " ".join([*words[:2], "niet", *words[2:]]))]
    if _NUMBER.search(sentence):
        found.append((Kind.NUMBERS, _NUMBER.sub(lambda m: str(int(m.group()) * 3 + 7), sentence)))
    return found


def _rotate(words: list[str]) -> str:
    cut = max(1, len(words) * 2 // 3)
    moved = [*words[cut:], *words[:cut]]
    return " ".join([moved[0][:1].upper() + moved[0][1:], *moved[1:]])


def _synonym_swap(sentence: str, synonyms: Sequence[Sequence[str]]) -> str:
    """Each Dutch term of a synonym group replaced by the group's first other Dutch term."""
    result = sentence
    for group in synonyms:
        for term in group:
            pattern = re.compile(rf"\b{re.escape(term)}\b", re.IGNORECASE)
            other = next((t for t in group if fold(t) != fold(term)), None)
            if other and pattern.search(result):
                result = pattern.sub(other, result, count=1)
                break
    return result


def case_sources(assistant: Any, cases: Sequence[Any]) -> list[CaseSources]:
    """The given passages of every in-scope eval case whose gold passage is among them."""
    from assistant.query import understand
    from assistant.records import Filters
    from eval.metrics import belongs, relevant
    from ingest.text import stopwords

    found = []
    for case in cases:
        if case.should_abstain or not case.expected_recommendations:
            continue
        query = understand(case.question, assistant.index.vocabulary, stopwords())
        retrieval = assistant.retriever.retrieve(query, Filters())
        given = [p.chunk for p in retrieval.passages[: assistant.settings.llm.sources]]
        gold = next((c for c in given if belongs(c.recommendation_id, case.expected_recommendations)), None)
        if gold is None or not gold.recommendation_id:
            continue
        others = tuple(c for c in given if not relevant(c, case) and c.recommendation_id != gold.recommendation_id)
        found.append(CaseSources(case.id, gold.recommendation_id, gold, others))
    return found


def unrelated_picker(chunks: Sequence[Chunk]) -> Callable[[Chunk, str], Chunk]:
    """A fixed passage of another document for each claim (longer passages only)."""
    pool = [c for c in chunks if len(c.text.split()) >= 30]

    def pick(gold: Chunk, claim: str) -> Chunk:
        elsewhere = [c for c in pool if c.doc_id != gold.doc_id]
        return elsewhere[zlib.crc32(claim.encode()) % len(elsewhere)]

    return pick


def dutch_synonyms(vocabulary: frozenset[str]) -> list[tuple[str, ...]]:
    """The synonym groups with only their Dutch terms (every word in the corpus vocabulary)."""
    from assistant.query import synonym_groups

    groups = []
    for group in synonym_groups():
        dutch = tuple(t for t in group if all(w in vocabulary for w in re.findall(r"[a-z0-9]+", fold(t))))
        if len(dutch) > 1:
            groups.append(dutch)
    return groups


def is_held_out(group: str) -> bool:
    return zlib.crc32(group.encode()) % HELD_OUT_SHARE == 0


def build_pairs(
    cases: Sequence[CaseSources], unrelated: Callable[[Chunk, str], Chunk], synonyms: Sequence[Sequence[str]]
) -> list[Pair]:
    """Every labelled pair of every case (``unrelated(gold, claim)`` picks a passage of another document)."""
    pairs: list[Pair] = []
    for case in cases:
        held = is_held_out(case.group)
        sentences = [s for s in source_sentences(case.gold.text) if len(s.split()) >= MIN_WORDS]
        chosen = sentences[:SENTENCES_PER_PASSAGE]
        for i, sentence in enumerate(chosen):
            following = chosen[(i + 1) % len(chosen)] if len(chosen) > 1 else None
            for kind, claim in variants(sentence, following, synonyms):
                if len(content_stems(claim)) < MIN_STEMS:
                    continue
                pairs.append(Pair(case.case_id, claim, case.gold, kind, held))
                pairs += [Pair(case.case_id, claim, o, Kind.HARD, held) for o in case.others if _unlike(o, sentence)]
                pairs.append(Pair(case.case_id, claim, unrelated(case.gold, claim), Kind.UNRELATED, held))
            pairs += [Pair(case.case_id, claim, case.gold, kind, held) for kind, claim in blind_spots(sentence)]
    return _unique(pairs)


def _unique(pairs: list[Pair]) -> list[Pair]:
    """Paraphrased cases share their gold passage: each (claim, passage, kind) counts once."""
    seen: set[tuple[str, str, Kind]] = set()
    unique = []
    for pair in pairs:
        key = (pair.claim, pair.source.chunk_id, pair.kind)
        if key not in seen:
            seen.add(key)
            unique.append(pair)
    return unique


def _unlike(other: Chunk, sentence: str) -> bool:
    """A passage that does not repeat the sentence (the same text can sit in two places, e.g. a summary)."""
    return not _shingles(sentence) & _shingles(other.text)


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", fold(text))
    return {tuple(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}


# --- features and the choice -----------------------------------------------------------------------


def features(
    pairs: Sequence[Pair], embedder: Embedder, vector_of: Callable[[Chunk], np.ndarray | None]
) -> tuple[np.ndarray, np.ndarray]:
    """Word overlap and cosine of every pair, as the verifier computes them (stored passage vectors)."""
    claims = sorted({p.claim for p in pairs})
    row = {c: i for i, c in enumerate(claims)}
    claim_vectors = _unit(embedder.passages(claims))
    stems: dict[str, frozenset[str]] = {}
    lexical, cosine = np.zeros(len(pairs)), np.zeros(len(pairs))
    for i, pair in enumerate(pairs):
        source = stems.setdefault(pair.source.chunk_id, content_stems(pair.source.text))
        lexical[i] = lexical_support(stems.setdefault(pair.claim, content_stems(pair.claim)), source)
        vector = vector_of(pair.source)
        if vector is None:
            vector = embedder.passages([pair.source.text])[0]
        cosine[i] = float(claim_vectors[row[pair.claim]] @ _unit(vector[None, :])[0])
    return lexical, cosine


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float64)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def figures(accepted: np.ndarray, labels: np.ndarray) -> Figures:
    true_pos = int(np.sum(accepted & labels))
    precision = true_pos / max(1, int(np.sum(accepted)))
    return Figures(
        round(precision, 4), round(true_pos / max(1, int(labels.sum())), 4), int(labels.sum()), int((~labels).sum())
    )


def choose(lexical: np.ndarray, cosine: np.ndarray, labels: np.ndarray) -> Weights:
    """The grid point with the highest recall at ``TRAIN_PRECISION``; ties go to the higher precision."""
    best: tuple[tuple[float, float, float], Weights] | None = None
    for weight in LEXICAL_GRID:
        for floor in FLOOR_GRID:
            support = Weights(weight, floor, 0.0).support(lexical, cosine)
            for threshold in THRESHOLD_GRID:
                fig = figures(support >= threshold, labels)
                key = (fig.recall, fig.precision, threshold)
                if fig.precision >= TRAIN_PRECISION and (best is None or key > best[0]):
                    best = (key, Weights(weight, floor, threshold))
    if best is None:
        raise ValueError(f"no weights reach a precision of {TRAIN_PRECISION} on the training cases")
    return best[1]


def held_out_figures(weights: Weights, pairs: Sequence[Pair], lexical: np.ndarray, cosine: np.ndarray) -> Figures:
    """Precision and recall of any weights on the held-out pairs (to compare with the calibrated ones)."""
    mask = np.array([p.held_out and p.kind in POSITIVE | NEGATIVE for p in pairs])
    accepted = weights.support(lexical, cosine) >= weights.threshold
    return figures(accepted[mask], np.array([p.label for p in pairs])[mask])


def claims_hold(pairs: Sequence[Pair], names: Sequence[str] = ()) -> np.ndarray:
    """Whether the claim checks let each pair's claim stand on its passage (the publishers ``names`` known)."""
    return np.array(
        [not check_claim(p.claim, claim_source(p.source, names), is_english(p.claim)) for p in pairs], dtype=bool
    )


def calibrate(
    pairs: Sequence[Pair], lexical: np.ndarray, cosine: np.ndarray, holds: np.ndarray | None = None
) -> Calibration:
    """``holds``: the claim checks' verdict per pair (all true when not given)."""
    kinds = np.array([p.kind for p in pairs])
    held = np.array([p.held_out for p in pairs])
    fitted = np.isin(kinds, [*POSITIVE, *NEGATIVE])
    labels = np.array([p.label for p in pairs])
    train, test = fitted & ~held, fitted & held
    weights = choose(lexical[train], cosine[train], labels[train])
    accepted = weights.support(lexical, cosine) >= weights.threshold
    verified = accepted & (np.ones(len(pairs), dtype=bool) if holds is None else holds)
    return Calibration(
        weights,
        figures(accepted[train], labels[train]),
        figures(accepted[test], labels[test]),
        figures(verified[test], labels[test]),
        {str(k): round(float(np.mean(verified[held & (kinds == k)])), 4) for k in Kind if np.any(held & (kinds == k))},
        _repair(pairs, weights.support(lexical, cosine), weights.threshold),
        len({p.case_id for p in pairs}),
        len({p.claim for p in pairs}),
    )


def _repair(pairs: Sequence[Pair], support: np.ndarray, threshold: float) -> dict[str, float]:
    """For held-out claims cited to a wrong given passage: where would the verifier's repair go?"""
    given: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for pair, value in zip(pairs, support, strict=True):
        if pair.held_out and (pair.kind in POSITIVE or pair.kind is Kind.HARD):
            given[pair.claim].append((float(value), pair.label))
    outcomes = []
    for options in given.values():
        value, is_gold = max(options)
        outcomes.append("none" if value < threshold else ("gold" if is_gold else "other"))
    total = max(1, len(outcomes))
    return {k: round(outcomes.count(k) / total, 4) for k in ("gold", "other", "none")}


def write_weights(path: Path, result: Calibration) -> None:
    w, test, train = result.weights, result.held_out, result.train
    lines = [
        "# Weights of the citation verifier (assistant/verify.py), calibrated on eval/cases.jsonl",
        "# by `python -m eval calibrate-verifier` (method and figures: docs/llm.md).",
        f"# {result.cases} cases, {result.claims} claims; target precision >= {PRECISION_TARGET} held out.",
        f"# train:    precision {train.precision:.3f}, recall {train.recall:.3f} "
        f"({train.positives} supported, {train.negatives} unsupported pairs)",
        f"# held out: precision {test.precision:.3f}, recall {test.recall:.3f} "
        f"({test.positives} supported, {test.negatives} unsupported pairs)",
        f"# held out, with the claim checks (assistant/claims.py): precision {result.checked.precision:.3f}, "
        f"recall {result.checked.recall:.3f}",
        "# held out, share accepted by the whole verifier per kind of pair:",
        *[f"#   {kind}: {share:.3f}" for kind, share in result.accepted.items()],
        "[support]",
        f"lexical_weight = {w.lexical}",
        f"dense_floor = {w.dense_floor}",
        f"threshold = {w.threshold}",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    load_weights.cache_clear()
    load_weights(path)  # what was written must load


def main() -> int:
    """``python -m eval calibrate-verifier``: fit the verifier's weights, print the held-out figures."""
    from assistant.assistant import Assistant
    from assistant.llm import publishers
    from assistant.verify import VERIFIER_FILE, load_weights
    from eval.cases import load_cases

    assistant = Assistant()
    index = assistant.index
    cases = case_sources(assistant, load_cases())
    pairs = build_pairs(cases, unrelated_picker(index.chunks), dutch_synonyms(index.vocabulary))
    print(f"{len(cases)} cases, {len(pairs)} pairs, {len({p.claim for p in pairs})} claims to embed …", flush=True)

    def vector_of(chunk: Any) -> Any:
        found = index.vectors_of([chunk])
        return None if found is None else found[0]

    lexical, cosine = features(pairs, assistant.embedder, vector_of)
    before = load_weights()
    result = calibrate(pairs, lexical, cosine, claims_hold(pairs, publishers(index.catalogue)))
    write_weights(VERIFIER_FILE, result)
    print(VERIFIER_FILE.read_text(encoding="utf-8"))
    print(f"the weights before, held out: {before} -> {held_out_figures(before, pairs, lexical, cosine)}")
    print(f"repair of a wrong citation (held out): {result.repair}")
    return 0
