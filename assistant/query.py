"""Query understanding without a language model: language, synonyms, compound splitting.

The synonym and abbreviation table is data (``assistant/synonyms.toml``): each group lists
words and phrases that mean the same thing, Dutch and English; a question that contains one of
them is expanded with the others for the keyword search. Dutch compounds that the corpus does
not contain ("arbeidsproductiviteitsscan") are split against the corpus vocabulary
("arbeidsproductiviteit" + "scan").
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.text import fold

SYNONYMS_FILE = Path(__file__).with_name("synonyms.toml")
MIN_PART = 4  # a compound part is at least this long
EXPAND_RATIO = 2.0
_WORD = re.compile(r"[a-zà-ÿ0-9]+(?:[-'][a-zà-ÿ0-9]+)*")
_EN_MARKERS = frozenset(
    [
        "the",
        "what",
        "which",
        "how",
        "can",
        "could",
        "should",
        "would",
        "is",
        "are",
        "do",
        "does",
        "my",
        "our",
        "their",
        "for",
        "with",
        "about",
        "who",
        "where",
        "when",
        "why",
        "of",
        "and",
        "to",
        "in",
        "on",
        "a",
        "an",
        "this",
        "that",
        "these",
        "there",
    ]
)
_NL_MARKERS = frozenset(
    [
        "de",
        "het",
        "een",
        "en",
        "van",
        "hoe",
        "wat",
        "welke",
        "waar",
        "kan",
        "kun",
        "ik",
        "mijn",
        "wij",
        "we",
        "is",
        "zijn",
        "voor",
        "met",
        "over",
        "wie",
        "wanneer",
        "waarom",
        "bij",
        "niet",
        "ook",
        "dat",
        "die",
        "deze",
        "er",
    ]
)


@dataclass(frozen=True)
class Query:
    text: str
    language: str  # "nl" or "en"
    keyword_text: str  # the text the keyword index searches: question + expansions + compound parts
    content_words: tuple[str, ...]  # folded content words of the question (for the evidence check)
    unknown_names: tuple[str, ...] = ()  # capitalised words inside the question that the corpus lacks
    weights: tuple[
        tuple[str, float], ...
    ] = ()  # topic weight per content word (assistant/understand.py); IDF when empty
    focus: str = ""  # what the dense retriever embeds when not the whole text: the sentences that carry the topic

    @property
    def dense_text(self) -> str:
        return self.focus or self.text


def detect_language(text: str) -> str:
    words = _WORD.findall(text.lower())
    english = sum(w in _EN_MARKERS for w in words)
    dutch = sum(w in _NL_MARKERS for w in words)
    return "en" if english > dutch else "nl"


@lru_cache(maxsize=1)
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    data = tomllib.loads(SYNONYMS_FILE.read_text(encoding="utf-8"))
    return tuple(tuple(fold(term) for term in group["terms"]) for group in data["group"])


def synonym_matches(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """(term found in the text, the other terms of its group) for every synonym group it uses."""
    folded = f" {' '.join(_WORD.findall(fold(text)))} "
    matches = []
    for group in synonym_groups():
        found = [term for term in group if f" {term} " in folded]
        if found:
            matches.append((max(found, key=len), tuple(t for t in group if t not in found)))
    return matches


def expansions(text: str, frequency: Mapping[str, int] | None = None) -> list[str]:
    """The synonyms of every term the folded question contains (whole words or phrases).

    With the corpus' ``frequency`` (chunks per folded word), only a term the corpus does not use is
    expanded, and only with the group's term the corpus uses most: "small businesses" becomes "mkb",
    and "AI" stays itself (its four spellings made any passage that spells out "kunstmatige
    intelligentie" win every AI question; on the train split the right recommendation ranked first
    for 79 of 139 questions with every synonym added, 87 with this rule, 84 when a term was also
    expanded towards a synonym the corpus uses more)."""
    matches = synonym_matches(text)
    if frequency is None:
        return [term for _, others in matches for term in others]
    rarest = 1 / EXPAND_RATIO
    return [
        term
        for asked, others in matches
        for term in others
        if _used(term, frequency) >= rarest * _used(asked, frequency)
    ]


def _used(term: str, frequency: Mapping[str, int]) -> int:
    """In how many chunks a term can occur at most (a phrase: its rarest word)."""
    return min((frequency.get(word, 0) for word in _WORD.findall(term)), default=0)


def split_compound(word: str, vocabulary: frozenset[str]) -> list[str]:
    """Split a word the corpus lacks into two corpus words (with an optional linking s/e)."""
    if word in vocabulary or len(word) < 2 * MIN_PART:
        return []
    for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        head, tail = word[:cut], word[cut:]
        if tail in vocabulary and len(tail) >= MIN_PART:
            for stem in (head, head[:-1] if head.endswith(("s", "e")) else None):
                if stem and len(stem) >= MIN_PART and stem in vocabulary:
                    return [stem, tail]
    return []


def understand(
    text: str, vocabulary: frozenset[str], stopwords: Iterable[str], frequency: Mapping[str, int] | None = None
) -> Query:
    words = re.findall(r"[a-z0-9]+", fold(text))
    stop = set(stopwords)
    content = tuple(dict.fromkeys(w for w in words if w not in stop and len(w) > 1))
    parts = [p for w in content for p in split_compound(w, vocabulary)]
    extra = expansions(text, frequency) + parts
    return Query(text, detect_language(text), " ".join([text, *extra]), content, unknown_names(text, vocabulary))


def unknown_names(text: str, vocabulary: frozenset[str]) -> tuple[str, ...]:
    """Names (capitalised, not opening a sentence) that occur nowhere in the corpus."""
    names = []
    for match in re.finditer(r"(?<![.!?:]\s)(?<!^)\b([A-Z][a-zà-ÿ]{2,})\b", text.strip()):
        word = fold(match.group(1))
        if word not in vocabulary and not expansions(match.group(1)):
            names.append(match.group(1))
    return tuple(names)
