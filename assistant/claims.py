"""Claim checks: a cited sentence may not say what its source does not.

The support score (``assistant/verify.py``) measures how much of a sentence's words and meaning
its cited passage shares. A sentence that keeps the passage's words and reverses or alters its
meaning shares nearly all of them ("Het is **niet** essentieel om het personeel te betrekken …",
"… in **2031** door **73 procent** van de bedrijven …"). These checks run after the support score,
each a small deterministic rule that names what it found:

* **contact details**: an e-mail address, URL or phone number is never shown as a claim;
* **negation**: a sentence may not hold more negations (niet/geen/nooit/noch/zonder …; not/no/never …)
  than the source sentences it says again, nor fewer than the negated source clauses whose words it
  repeats;
* **numbers**: every number, amount, percentage, year or date (digits or words: "drie", "twintig")
  must be in the passage or where it sits (its section, its recommendation);
* **names**: a capitalised name (a person, organisation, place) must be in the passage, its
  document's title or a publisher's name;
* **modality** and **quantifiers**: "moet" more often than the matched source sentences where they
  say "kan" (or the other way round); "alle" more often than they do, or "sommige" where they say "alle";
* **actors**: the provincie, het kabinet, gemeenten, werkgevers, werknemers … may not be named more
  often than in the matched source sentences and the recommendation's title;
* **new content**: a clause of three or more content words most of which the passage lacks
  ("…, en daarom moet u uw wachtwoord mailen").

Counting, not presence, catches a second "niet" in a sentence that had one, and "werknemers" put
where "werkgevers" stood in a sentence that also names werknemers. A Dutch sentence is matched to
the source sentence that shares most of its content words, and each of its clauses to the one that
shares at least half of the clause's (``matched``). An
English sentence over a Dutch source shares none: for it only contact details, numbers, names,
actors (by the passage as a whole) and a negation the passage lacks altogether are checked
(docs/llm.md says what that leaves unseen).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from corpus.records import Chunk
from ingest.text import fold, stemmer, stopwords

__all__ = ["ClaimSource", "check_claim", "claim_source", "is_english"]

_WORD = re.compile(r"[a-z0-9]+")
_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n+")
_CLAUSES = re.compile(r"[,;:()–—]|\s(?:maar|want|omdat|terwijl|doch|dus|but|because|while|so)\s")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)[^\s,;]+[\w/]|\b[\w-]+\.(?:nl|com|org|net|eu|io)\b", re.IGNORECASE)
_PHONE = re.compile(r"(?:\+|\b0)\d[\d\s-]{7,}\d")


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Negation words; phrases that only look negative ("niet alleen … maar ook", "not only") are removed first.
NEGATIONS = _set(
    "niet geen nooit noch zonder niets nergens niemand geenszins allerminst not no never nor without none "
    "nothing nobody nowhere cannot"
)
_NOT_NEGATING = re.compile(
    r"\bniet alleen\b|\bnot only\b|\bniet in de laatste plaats\b|\bniet(?: te)? (?:vergeten|onderschatten)\b"
    r"|\bzonder meer\b|\bno longer\b|\bnonetheless\b|\bniettemin\b|\bnietemin\b"
)
_NT = re.compile(r"\b\w+n't\b")

STRONG_MODALS = _set("moet moeten moest moesten verplicht verplichte verplichten dient dienen must")
WEAK_MODALS = _set("kan kunnen kon konden mag mogen zou zouden eventueel wellicht may might could can")
UNIVERSAL = _set("alle allemaal ieder iedere elk elke iedereen altijd overal all every everyone always")
PARTIAL = _set("sommige sommigen enkele soms deel aantal meeste sommigen some several few most sometimes")

# Who a sentence has act; one group each, matched by word ("werkgevers", "employers").
ACTORS: dict[str, frozenset[str]] = {
    "provincie": _set("provincie provincies provinciale gedeputeerde province provincial"),
    "kabinet": _set(
        "kabinet rijk rijksoverheid overheid minister ministerie ministeries staat government cabinet ministry"
    ),
    "gemeente": _set("gemeente gemeenten gemeentes gemeentelijke municipality municipalities council"),
    "werkgever": _set("werkgever werkgevers employer employers"),
    "werknemer": _set("werknemer werknemers medewerker medewerkers personeel employee employees staff worker workers"),
    "vakbond": _set("vakbond vakbonden vakbeweging union unions"),
    "onderwijs": _set(
        "onderwijs onderwijsinstelling onderwijsinstellingen school scholen mbo hbo hogeschool hogescholen "
        "universiteit universiteiten education schools university universities"
    ),
    "ondernemer": _set("ondernemer ondernemers entrepreneur entrepreneurs"),
}

NUMBER_WORDS = {
    **dict.fromkeys(("twee", "two"), 2),
    **dict.fromkeys(("drie", "three"), 3),
    **dict.fromkeys(("vier", "four"), 4),
    **dict.fromkeys(("vijf", "five"), 5),
    **dict.fromkeys(("zes", "six"), 6),
    **dict.fromkeys(("zeven", "seven"), 7),
    **dict.fromkeys(("acht", "eight"), 8),
    **dict.fromkeys(("negen", "nine"), 9),
    **dict.fromkeys(("tien", "ten"), 10),
    **dict.fromkeys(("elf", "eleven"), 11),
    **dict.fromkeys(("twaalf", "twelve"), 12),
    **dict.fromkeys(("twintig", "twenty"), 20),
    **dict.fromkeys(("dertig", "thirty"), 30),
    **dict.fromkeys(("veertig", "forty"), 40),
    **dict.fromkeys(("vijftig", "fifty"), 50),
    **dict.fromkeys(("honderd", "hundred"), 100),
    **dict.fromkeys(("duizend", "thousand"), 1000),
    **dict.fromkeys(("miljoen", "million"), 1_000_000),
    **dict.fromkeys(("miljard", "billion"), 1_000_000_000),
}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_ALWAYS_KNOWN_NAMES = _set("ser nederland nederlandse netherlands dutch")
NEW_CLAUSE_MIN_WORDS = 3  # a clause this long …
NEW_CLAUSE_MAX_SHARE = 0.5  # … with more than this share of its content words absent from the passage is new content


@dataclass(frozen=True)
class ClaimSource:
    """A cited passage prepared for the checks: its sentences and what may be named from it."""

    sentences: tuple[str, ...]  # folded
    sentence_stems: tuple[frozenset[str], ...]
    stems: frozenset[str]  # content stems of the passage and where it sits
    numbers: frozenset[float]
    words: frozenset[str]  # folded words of the passage, its title, section, recommendation and the known names
    title_words: tuple[str, ...] = ()  # folded words of the recommendation's title


def claim_source(chunk: Chunk, known_names: Iterable[str] = ()) -> ClaimSource:
    """``chunk`` prepared once for every claim that cites it; ``known_names``: publishers and other names
    a sentence may use to frame a claim ("Volgens SER Overijssel …")."""
    where = " ".join(x or "" for x in (chunk.doc_title, chunk.section, chunk.recommendation, chunk.best_practice))
    return _prepared(chunk.text, where, " ".join([*known_names, chunk.speaker or ""]), chunk.recommendation or "")


@lru_cache(maxsize=512)
def _prepared(text: str, where: str, names: str, title: str) -> ClaimSource:
    sentences = tuple(fold(s) for s in _SENTENCES.split(text) if s.strip())
    context = f"{text} {where}"
    return ClaimSource(
        sentences,
        tuple(content_stems(s, numbers=False) for s in sentences),
        content_stems(context, numbers=False),
        frozenset(numbers_in(context)),
        frozenset(_WORD.findall(fold(f"{context} {names}"))) | _ALWAYS_KNOWN_NAMES,
        tuple(_WORD.findall(fold(title))),
    )


def check_claim(claim: str, source: ClaimSource, english: bool = False) -> str:
    """Why ``source`` does not support ``claim`` (the first rule that objects), or "" when none does."""
    rules = ENGLISH_RULES if english else DUTCH_RULES
    for rule in rules:
        reason = rule(claim, source)
        if reason:
            return reason
    return ""


# --- the rules ------------------------------------------------------------------------------------


def contact_details(claim: str, source: ClaimSource) -> str:
    for kind, pattern in (("e-mail address", _EMAIL), ("URL", _URL), ("phone number", _PHONE)):
        found = pattern.search(claim)
        if found:
            return f"{kind} {found.group().strip()!r}: never part of a cited claim"
    return ""


def numbers(claim: str, source: ClaimSource) -> str:
    for value in numbers_in(claim):
        if value not in source.numbers:
            return f"number {_shown(value)} not in source"
    return ""


def names(claim: str, source: ClaimSource) -> str:
    for name in names_in(claim):
        if not all(part in source.words for part in _WORD.findall(fold(name))):
            return f"name {name!r} not in source"
    return ""


def negation_added(claim: str, source: ClaimSource) -> str:
    words = _words_of(claim)
    if _count(words, NEGATIONS) > _count(_words_of(matched(claim, source)), NEGATIONS):
        return f"negation {next(w for w in words if w in NEGATIONS)!r} not in source"
    return ""


def negation_dropped(claim: str, source: ClaimSource) -> str:
    """A negated source clause whose words the sentence repeats (three in five) keeps its negation."""
    stems, said = content_stems(claim, numbers=False), _count(_words_of(claim), NEGATIONS)
    covered = 0
    for sentence in matched(claim, source).split("\n"):
        for clause in _CLAUSES.split(sentence):
            words = content_stems(clause, numbers=False)
            if len(words) >= 2 and len(words & stems) >= 0.6 * len(words):
                covered += _count(_words_of(clause), NEGATIONS)
    if said < covered:
        return "the source's negation left out"
    return ""


def modality(claim: str, source: ClaimSource) -> str:
    said, found = _words_of(claim), _words_of(matched(claim, source))
    for mine, other in ((STRONG_MODALS, WEAK_MODALS), (WEAK_MODALS, STRONG_MODALS)):
        if _count(said, mine) > _count(found, mine) and _count(found, other):
            word = next(w for w in said if w in mine)
            return f"modality {word!r} where the source says {next(w for w in found if w in other)!r}"
    return ""


def quantifiers(claim: str, source: ClaimSource) -> str:
    said, found = _words_of(claim), _words_of(matched(claim, source))
    if _count(said, UNIVERSAL) > _count(found, UNIVERSAL):
        return f"quantifier {next(w for w in said if w in UNIVERSAL)!r} not in source"
    if _count(said, PARTIAL) > _count(found, PARTIAL) and _count(found, UNIVERSAL):
        return f"quantifier {next(w for w in said if w in PARTIAL)!r} where the source says 'alle'"
    return ""


def actors(claim: str, source: ClaimSource) -> str:
    """Each actor named as often as in the matched source sentences (and the recommendation's title)."""
    said, found = _words_of(claim), [*_words_of(matched(claim, source)), *source.title_words]
    for group, forms in sorted(ACTORS.items()):
        if _count(said, forms) > _count(found, forms):
            return f"actor {group!r} not in source"
    return ""


def actors_anywhere(claim: str, source: ClaimSource) -> str:
    for group in sorted(actors_in(_words(claim))):
        if not ACTORS[group] & source.words:
            return f"actor {group!r} not in source"
    return ""


def negation_anywhere(claim: str, source: ClaimSource) -> str:
    found = negations_in(_neutral(fold(claim)))
    if found and not any(negations_in(_neutral(s)) for s in source.sentences):
        return f"negation {sorted(found)[0]!r} not in source"
    return ""


def new_content(claim: str, source: ClaimSource) -> str:
    for clause in clauses(claim):
        words = content_stems(clause, numbers=False)
        if len(words) >= NEW_CLAUSE_MIN_WORDS and len(words - source.stems) > NEW_CLAUSE_MAX_SHARE * len(words):
            return f"clause {clause.strip()!r} not in source"
    return ""


Rule = Callable[[str, ClaimSource], str]

# Words an answer uses to frame a claim ("De SER adviseert …", "Volgens het advies …"), not to state
# it: they are not counted as the claim's content (calibration: framed claims 0.69 -> see docs/llm.md).
FRAMING_WORDS = frozenset(
    {
        *("ser", "advies", "adviezen", "adviseert", "adviseren", "aanbeveling", "aanbevelingen", "beveelt", "stelt"),
        *("volgens", "bron", "bronnen", "recommends", "recommend", "recommendation", "recommendations", "advice"),
        *("advisory", "advisories", "according", "source", "sources"),
    }
)
DUTCH_RULES: tuple[Rule, ...] = (
    contact_details,
    numbers,
    names,
    negation_added,
    negation_dropped,
    modality,
    quantifiers,
    actors,
    new_content,
)
ENGLISH_RULES: tuple[Rule, ...] = (contact_details, numbers, names, negation_anywhere, actors_anywhere)


# --- reading a text ---------------------------------------------------------------------------------


def numbers_in(text: str) -> set[float]:
    """Numbers written in digits ("73", "1.000", "5,5", "2031") or words ("drie", "twintig")."""
    folded = fold(text)
    found = {_value(m.group()) for m in _NUMBER.finditer(folded)}
    found |= {float(NUMBER_WORDS[w]) for w in _WORD.findall(folded) if w in NUMBER_WORDS}
    return found


def _value(digits: str) -> float:
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", digits):  # Dutch thousands: 1.000
        return float(digits.replace(".", ""))
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", digits):  # English thousands: 1,000
        return float(digits.replace(",", ""))
    try:
        return float(digits.replace(",", "."))
    except ValueError:  # a section number such as 5.4.1
        return float(digits.replace(".", "").replace(",", ""))


def _shown(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def names_in(text: str) -> list[str]:
    """Capitalised words that are names: inside a sentence, or an acronym anywhere ("SER", "NPAL")."""
    found = []
    for sentence in re.split(r"(?<=[.!?:])\s+|\n+", text):
        tokens = re.findall(r"[\w'’-]+", sentence)
        for n, token in enumerate(tokens):
            acronym = len(token) >= 2 and token.isupper() and token.isalpha()
            if (n > 0 and token[:1].isupper() and not token.isupper()) or acronym:
                found.append(token)
    return found


def negations_in(text: str) -> set[str]:
    """The negation words of a folded text (its "niet alleen … maar ook" removed first)."""
    words = set(_WORD.findall(_neutral(text)))
    found = words & NEGATIONS
    if _NT.search(text):
        found.add("n't")
    return found


def _neutral(folded: str) -> str:
    return _NOT_NEGATING.sub(" ", folded)


def actors_in(words: set[str]) -> set[str]:
    return {group for group, forms in ACTORS.items() if forms & words}


def clauses(claim: str) -> list[str]:
    folded = _neutral(fold(claim))
    return [c for c in _CLAUSES.split(folded) if c.strip()] or [folded]


def matched(claim: str, source: ClaimSource) -> str:
    """The source sentences the claim says again, one per line: the one sharing most of its content
    words, and for each clause the one sharing at least half of the clause's (two or more)."""
    rows = {_best_row(content_stems(claim, numbers=False), source, 1)}
    for clause in clauses(claim):
        stems = content_stems(clause, numbers=False)
        rows.add(_best_row(stems, source, max(2, math.ceil(len(stems) / 2))))
    return "\n".join(source.sentences[r] for r in sorted(r for r in rows if r is not None))


def _best_row(stems: frozenset[str], source: ClaimSource, least: int) -> int | None:
    if not stems or not source.sentences:
        return None
    overlap = [len(stems & s) for s in source.sentence_stems]
    best = max(range(len(overlap)), key=lambda i: (overlap[i], -i))
    return best if overlap[best] >= least else None


def _words_of(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def _count(words: list[str], forms: frozenset[str]) -> int:
    return sum(w in forms for w in words)


def is_english(text: str) -> bool:
    """More words only English uses than words only Dutch uses ("in", "of" and "is" are both)."""
    english, dutch = _function_words()
    words = _words_of(text)
    return sum(w in english for w in words) > sum(w in dutch for w in words)


@lru_cache(maxsize=1)
def _function_words() -> tuple[frozenset[str], frozenset[str]]:
    from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN

    english, dutch = frozenset(STOPWORDS_EN), frozenset(STOPWORDS_DUTCH)
    return english - dutch, dutch - english


def _words(text: str) -> set[str]:
    return set(_WORD.findall(fold(text)))


def content_stems(text: str, numbers: bool = True) -> frozenset[str]:
    """Stems of a text's content words (stop words and framing words left out); ``numbers=False``
    leaves out numbers too (the claim checks judge those on their own). The support score uses this."""
    stop = _stop()
    words = [w for w in _WORD.findall(fold(text)) if w not in stop and len(w) > 1 and (numbers or not w.isdigit())]
    return frozenset(stemmer().stemWords(words))


@lru_cache(maxsize=1)
def _stop() -> frozenset[str]:
    return frozenset(stopwords()) | FRAMING_WORDS
