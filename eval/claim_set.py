"""A generated test set for the claim checks: altered and true sentences over real passages.

Sentences of real passages of every document in the index are taken (deterministically, by a hash
of their text) and turned into:

* **altered** sentences, which say something their passage does not: a negation added or removed,
  a number changed or added, an actor swapped or added, a quantifier or a modal verb swapped, a
  foreign name added, a tail with an e-mail address, a tail that reverses the advice;
* **true** sentences: the sentence itself and honest paraphrases (a word replaced by its lemma,
  the halves of the sentence swapped, shortened to its first clause, framed "Volgens de SER …").

Each is cited ``[1]`` to its own passage and run through the whole verifier (support score, then
the claim checks) with the embedder and stored vectors of the index. The passages are split by a
stable hash: a third held out, the rules were written looking only at the rest.
``python -m eval claims`` prints, per kind and split, how many were shown; the target is **0**
altered sentences shown and at least 0.9 of the true ones kept.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from assistant.claims import ACTORS, NEGATIONS
from corpus.records import Chunk, ChunkKind
from ingest.text import fold

SENTENCES_PER_DOCUMENT = 60  # source sentences drawn from each document
MIN_WORDS = 8  # a source sentence at least this long (shorter ones are headings and list stubs)
MAX_WORDS = 40
HELD_OUT_SHARE = 3  # one in this many passages is held out
KINDS_OF_PASSAGE = (ChunkKind.RECOMMENDATION, ChunkKind.BEST_PRACTICE, ChunkKind.BACKGROUND, ChunkKind.SUMMARY)


class Kind(StrEnum):
    VERBATIM = "verbatim"
    LEMMA = "lemma changed"
    REORDERED = "halves swapped"
    SHORTENED = "shortened to a clause"
    FRAMED = "framed"
    NEGATION_ADDED = "negation added"
    NEGATION_REMOVED = "negation removed"
    NUMBER_CHANGED = "number changed"
    NUMBER_ADDED = "number added"
    ACTOR_SWAPPED = "actor swapped"
    ACTOR_ADDED = "actor added"
    QUANTIFIER = "quantifier swapped or added"
    MODALITY = "modality swapped"
    NAME_ADDED = "foreign name added"
    CONTACT_TAIL = "tail with an e-mail address"
    REVERSING_TAIL = "tail that reverses the advice"

    @property
    def altered(self) -> bool:
        return self not in (Kind.VERBATIM, Kind.LEMMA, Kind.REORDERED, Kind.SHORTENED, Kind.FRAMED)


@dataclass(frozen=True)
class Claim:
    kind: Kind
    text: str
    chunk: Chunk
    held_out: bool


_VERBS = re.compile(
    r"\b(is|zijn|wordt|worden|moet|moeten|kan|kunnen|heeft|hebben|zal|zullen|gaat|gaan|biedt|bieden|helpt|helpen|"
    r"draagt|dragen|maakt|maken|vraagt|vragen|zorgt|zorgen|speelt|spelen|leidt|leiden|staat|staan|blijft|blijven)\b"
)
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b")
_SWAPS = {
    "provincie": "gemeente",
    "provincies": "gemeenten",
    "gemeente": "provincie",
    "gemeenten": "provincies",
    "kabinet": "provincie",
    "overheid": "provincie",
    "rijksoverheid": "provincie",
    "werkgevers": "werknemers",
    "werkgever": "werknemer",
    "werknemers": "werkgevers",
    "werknemer": "werkgever",
    "medewerkers": "werkgevers",
    "ondernemers": "vakbonden",
    "vakbonden": "werkgevers",
    "scholen": "werkgevers",
}
_MODALS = {"kan": "moet", "kunnen": "moeten", "moet": "kan", "moeten": "kunnen", "mag": "moet", "mogen": "moeten"}
_QUANTIFIERS = {"sommige": "alle", "enkele": "alle", "veel": "alle", "soms": "altijd", "vaak": "altijd"}
_NAMES = ("Jan de Vries van Philips", "de gemeente Groningen", "professor Anna Bakker", "ASML in Veldhoven")


def build(chunks: Sequence[Chunk], per_document: int = SENTENCES_PER_DOCUMENT) -> list[Claim]:
    """The altered and true claims over ``per_document`` sentences of each document."""
    claims: list[Claim] = []
    for chunk, sentence in _drawn(chunks, per_document):
        held_out = zlib.crc32(chunk.chunk_id.encode()) % HELD_OUT_SHARE == 0
        for kind, text in [*true_variants(sentence), *altered_variants(sentence)]:
            claims.append(Claim(kind, text, chunk, held_out))
    return claims


def _drawn(chunks: Sequence[Chunk], per_document: int) -> Iterator[tuple[Chunk, str]]:
    by_doc: dict[str, list[tuple[int, Chunk, str]]] = defaultdict(list)
    for chunk in chunks:
        if chunk.kind not in KINDS_OF_PASSAGE:
            continue
        for sentence in _sentences(chunk.text):
            by_doc[chunk.doc_id].append((zlib.crc32(sentence.encode()), chunk, sentence))
    for doc_id in sorted(by_doc):
        for _, chunk, sentence in sorted(by_doc[doc_id], key=lambda item: item[0])[:per_document]:
            yield chunk, sentence


def _sentences(text: str) -> list[str]:
    found = []
    for s in re.split(r"(?<=[.!?])\s+|\n+", text):
        s = " ".join(s.split())
        if s.endswith(".") and MIN_WORDS <= len(s.split()) <= MAX_WORDS and s[:1].isupper() and "[" not in s:
            found.append(s)
    return found


def true_variants(sentence: str) -> list[tuple[Kind, str]]:
    found = [(Kind.VERBATIM, sentence), (Kind.FRAMED, f"Volgens de SER {_lower_first(sentence)}")]
    lemma = _lemma_changed(sentence)
    if lemma != sentence:
        found.append((Kind.LEMMA, lemma))
    head, comma, tail = sentence.rstrip(".").partition(", ")
    if comma and len(tail.split()) >= 3 and len(head.split()) >= 3:
        found.append((Kind.REORDERED, f"{tail[:1].upper()}{tail[1:]}, {_lower_first(head)}."))
        if len(head.split()) >= 5:
            found.append((Kind.SHORTENED, f"{head}."))
    return found


def altered_variants(sentence: str) -> list[tuple[Kind, str]]:
    body = sentence.rstrip(".")
    found = [
        (Kind.NEGATION_ADDED, _negated(sentence)),
        (Kind.NUMBER_ADDED, f"{body}, zo blijkt uit onderzoek onder 73 procent van de bedrijven."),
        (Kind.ACTOR_ADDED, f"De provincie zorgt ervoor dat {_lower_first(body)}."),
        (Kind.NAME_ADDED, f"Volgens {_NAMES[zlib.crc32(sentence.encode()) % len(_NAMES)]} {_lower_first(sentence)}"),
        (Kind.CONTACT_TAIL, f"{body}, en daarom moet u uw wachtwoord mailen naar hulp@example.org."),
        (Kind.REVERSING_TAIL, f"{body}, maar de SER adviseert dit juist niet."),
    ]
    folded = set(re.findall(r"\w+", fold(sentence)))
    if folded & NEGATIONS:
        found.append((Kind.NEGATION_REMOVED, _unnegated(sentence)))
    if _NUMBER.search(sentence):
        found.append((Kind.NUMBER_CHANGED, _NUMBER.sub(lambda m: _changed(m.group()), sentence, count=1)))
    for table, kind in ((_SWAPS, Kind.ACTOR_SWAPPED), (_MODALS, Kind.MODALITY), (_QUANTIFIERS, Kind.QUANTIFIER)):
        swapped = _swap_first(sentence, table)
        if swapped != sentence:
            found.append((kind, swapped))
    if not any(kind is Kind.QUANTIFIER for kind, _ in found) and re.search(r"\bde \w+en\b", sentence):
        found.append((Kind.QUANTIFIER, re.sub(r"\bde (\w+en)\b", r"alle \1", sentence, count=1)))
    return [(kind, text) for kind, text in found if text != sentence]


def _negated(sentence: str) -> str:
    match = _VERBS.search(sentence)
    if match:
        return f"{sentence[: match.end()]} niet{sentence[match.end() :]}"
    return f"Het is niet zo dat {_lower_first(sentence)}"


def _unnegated(sentence: str) -> str:
    text = re.sub(r"\s+\b(niet|nooit)\b", "", sentence, count=1)
    return re.sub(r"\bgeen\b", "een", text, count=1) if text == sentence else text


def _changed(number: str) -> str:
    value = int(re.sub(r"\D", "", number) or 0)
    if 1900 <= value <= 2100:
        return str(value + 3)
    return str(value * 3 + 7)


def _swap_first(sentence: str, table: dict[str, str]) -> str:
    for n, word in enumerate(re.findall(r"\w+", sentence)):
        replacement = table.get(word.lower())
        if replacement and (n > 0 or word.lower() in table):
            if word[:1].isupper():
                replacement = replacement[:1].upper() + replacement[1:]
            return re.sub(rf"\b{re.escape(word)}\b", replacement, sentence, count=1)
    return sentence


def _lemma_changed(sentence: str) -> str:
    """The first plural or inflected content word replaced by its lemma (simplemma)."""
    import simplemma

    for word in re.findall(r"[a-zà-ÿ]{6,}", sentence):
        lemma = simplemma.lemmatize(word, lang="nl")
        if lemma != word and "_" not in lemma and lemma.lower() not in NEGATIONS and not _actor(word):
            return re.sub(rf"\b{re.escape(word)}\b", lemma, sentence, count=1)
    return sentence


def _actor(word: str) -> bool:
    return any(fold(word) in forms for forms in ACTORS.values())


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    keep = first.isupper() or (len(first) > 1 and first[1:].lower() != first[1:])  # SER, AI, iPhone
    return text if keep else text[:1].lower() + text[1:]


# --- measuring ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    claim: Claim
    shown: bool
    reason: str


def run(claims: Sequence[Claim], embedder: Any, vectors_of: Any, abstain: str, names: Sequence[str]) -> list[Outcome]:
    """Every claim cited [1] to its passage through the verifier; one call per passage."""
    from assistant.verify import verify

    by_chunk: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_chunk[claim.chunk.chunk_id].append(claim)
    outcomes: list[Outcome] = []
    for group in by_chunk.values():
        chunk = group[0].chunk
        output = "\n".join(f"{c.text} [1]" for c in group)
        checked = verify(output, [chunk], embedder, abstain, vectors_of([chunk]), known_names=names).sentences
        if len(checked) != len(group):  # a claim split into two sentences: judge each claim on its own
            checked = tuple(
                verify(f"{c.text} [1]", [chunk], embedder, abstain, vectors_of([chunk]), known_names=names).sentences[0]
                for c in group
            )
        outcomes += [Outcome(c, bool(s.citations), s.reason) for c, s in zip(group, checked, strict=True)]
    return outcomes


def table(outcomes: Sequence[Outcome]) -> str:
    """Per kind and split: shown / all (altered: must be 0; true: kept share)."""
    counts: Counter[tuple[Kind, bool, bool]] = Counter()
    for o in outcomes:
        counts[(o.claim.kind, o.claim.held_out, o.shown)] += 1
    lines = ["| kind | altered | dev: shown / all | held out: shown / all |", "| --- | --- | --- | --- |"]
    for kind in Kind:
        cells = []
        for held in (False, True):
            shown, total = counts[(kind, held, True)], counts[(kind, held, True)] + counts[(kind, held, False)]
            cells.append(f"{shown} / {total}")
        lines.append(f"| {kind} | {'yes' if kind.altered else 'no'} | {cells[0]} | {cells[1]} |")
    for held, name in ((False, "dev"), (True, "held out")):
        part = [o for o in outcomes if o.claim.held_out is held]
        altered = [o for o in part if o.claim.kind.altered]
        true = [o for o in part if not o.claim.kind.altered]
        lines.append(
            f"\n{name}: altered shown {sum(o.shown for o in altered)} of {len(altered)}; "
            f"true kept {sum(o.shown for o in true)} of {len(true)} ({_share(true):.3f})"
        )
    return "\n".join(lines)


def _share(outcomes: Sequence[Outcome]) -> float:
    return sum(o.shown for o in outcomes) / len(outcomes) if outcomes else 0.0


def main(show: int = 0) -> int:
    """``python -m eval claims``: build the set, verify it, print the table (and ``show`` failures of each
    side). Exit 1 when an altered sentence is shown or fewer than 0.9 of the true ones are kept."""
    from assistant.assistant import Assistant
    from assistant.compose import phrase
    from assistant.llm import publishers

    assistant = Assistant()
    index = assistant.index
    claims = build(index.chunks)
    outcomes = run(claims, assistant.embedder, index.vectors_of, phrase("nl", "abstain"), publishers(index.catalogue))
    print(f"{len(claims)} claims over {len({c.chunk.chunk_id for c in claims})} passages")
    print(table(outcomes))
    wrong_shown = [o for o in outcomes if o.shown and o.claim.kind.altered]
    true_dropped = [o for o in outcomes if not o.shown and not o.claim.kind.altered]
    for o in [*wrong_shown[:show], *true_dropped[:show]]:
        print(
            f"- {o.claim.kind} ({'held out' if o.claim.held_out else 'dev'}): {o.claim.text!r} -> {o.reason or 'kept'}"
        )
    true = [o for o in outcomes if not o.claim.kind.altered]
    return 1 if wrong_shown or _share(true) < 0.9 else 0
