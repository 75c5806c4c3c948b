"""Understanding a question the way people ask it, without a language model.

``Reader.read(question, history)`` gives an ``Understood`` question:

* **intent**: advice (default), overview (a list of recommendations), definition, example, fact;
* **scope**: the documents named ("SER Overijssel", "het AI-advies", "AI en werk"), the themes named
  ("thema 4", "over sociale innovatie", "hoofdaanbeveling 2") and the actor addressed ("als gemeente",
  "de provincie", "het kabinet", "als werkgever");
* **terms**: each content word with its weight (how specific it is: rare in general Dutch or English
  by ``wordfreq`` and informative in the corpus by IDF, blended) and whether the sources know it (its
  form, its lemma by ``simplemma``, its stem, its compound parts, or a synonym). Words about the
  asker's own situation (sector, size, role, region: ``assistant/situation.toml``) weigh little and
  never make a question out of scope;
* **follow-up**: a short question that leans on the previous turn ("En in de zorg?", "Geef eens een
  voorbeeld") is read together with the weighty terms and scope of the earlier turns (history
  expansion as in HQE, Lin et al. 2020), and ``reading`` says how it was read.

Every rule is a small function with its unit tests (``tests/assistant/test_understand.py``, on a tiny
fixture index); the whole is measured through the eval cases.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property, lru_cache
from pathlib import Path

from assistant.index import Index
from assistant.query import Query, split_compound, synonym_groups, understand
from corpus.records import Catalogue, Document
from ingest.text import fold, stemmer, stopwords

__all__ = [
    "Intent",
    "Lexicon",
    "Reader",
    "Scope",
    "Term",
    "Understood",
    "detect_intent",
    "find_actor",
    "names_actor",
    "synonym_stems",
    "told_situation",
]

SITUATION_FILE = Path(__file__).with_name("situation.toml")
FOCUS_SHARE = 0.3  # a sentence of a longer question carries its topic with this share of the heaviest one's weight
_SENTENCES = re.compile(r"(?<=[.!?])\s+")
SITUATION_WEIGHT = 0.1  # share of its weight a word about the asker's situation keeps in the topic
FOLLOW_UP_MAX_TERMS = 2  # a question with at most this many weighty known terms of its own may lean on the last turn
CARRY_WEIGHT = 0.2  # a known word at least this weight goes along into a follow-up
CARRIED_TERMS = 4  # weighty terms carried from the earlier turns into a follow-up
WEIGHTY = 0.35  # a term at least this weight is part of the topic
UNKNOWN_SHARE = 0.4  # refused when unknown specific words carry this share of the topic weight
COMMON_ZIPF = 4.0  # a word this frequent in general language (wordfreq zipf) is no specific topic on its own
_WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")
_ORDINAL_WORDS = (
    ("eerste", "first"),
    ("tweede", "second"),
    ("derde", "third"),
    ("vierde", "fourth"),
    ("vijfde", "fifth"),
    ("zesde", "sixth"),
)
# "bij het thema sociale innovatie", "in het hoofdstuk over onderwijs", "under the theme education"
_CALLED = re.compile(
    r"\b(?:thema|theme|hoofdstuk|chapter|onderdeel|kopje)\s+(?:over\s+|about\s+|on\s+)?"
    r"((?:[a-z0-9'-]+\s*){1,4})"
)
# "het onderwijsthema" (read as "het onderwijs thema"), "bij het energietransitie thema"
_CALLED_BEFORE = re.compile(
    r"\b(?:het|de|the)\s+((?:[a-z0-9'-]+\s+){1,2})(?:thema|theme|hoofdstuk|chapter|onderdeel)\b"
)
_LEAD = re.compile(r"^(?:bij|onder|over|in|voor|for|under|on)\s+([^:?]{3,60}):", re.IGNORECASE)
_QUOTED = re.compile(r"['‘’\"“”]([^'‘’\"“”]{8,})['‘’\"“”]")
TITLE_SHARE = 0.75  # a question names a theme by its title when it holds this share of the title's content words
OVERVIEW_TITLE_SHARE = 0.5  # … and a question for a list, which names its theme in its own words, half of them


class Intent(StrEnum):
    ADVICE = "advice"
    OVERVIEW = "overview"
    DEFINITION = "definition"
    EXAMPLE = "example"
    FACT = "fact"
    TASK = "task"  # an instruction to the assistant itself or a request to write something: never answered


@dataclass(frozen=True)
class Scope:
    """What the question narrows itself to."""

    doc_ids: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()  # theme ids "<doc id>:<number>" (a main recommendation's id where it has subs)
    actor: str | None = None  # "gemeente", "provincie", "kabinet", "werkgever", "werknemer", "sociale partners", …


@dataclass(frozen=True)
class Term:
    word: str  # folded
    weight: float  # 0..1: how specific the word is
    known: bool  # the sources use it (form, lemma, stem, compound parts that occur together, or a synonym)
    situation: bool = False  # a word about the asker's own situation
    specific: bool = True  # rare in general language and no inflected verb: a topic of its own


@dataclass(frozen=True)
class Understood:
    question: str  # as asked
    query: Query  # what retrieval searches: the question, with the earlier turns' topic for a follow-up
    intent: Intent = Intent.ADVICE
    scope: Scope = field(default_factory=Scope)
    terms: tuple[Term, ...] = ()
    follow_up: bool = False
    reading: str = ""  # how a follow-up was read, shown to the user ("… over: personeel, tekort")
    topic_words: tuple[str, ...] = ()  # content words beyond naming a scope ("mkb" in "… SER Overijssel voor het mkb")

    @property
    def topic_beyond_scope(self) -> bool:
        return bool(self.topic_words)

    @property
    def language(self) -> str:
        return self.query.language

    @property
    def unknown(self) -> tuple[str, ...]:
        """Specific words the sources do not know and that are not about the asker's situation."""
        return tuple(t.word for t in self.terms if not t.known and not t.situation and t.specific)

    @property
    def unknown_share(self) -> float:
        """The share of the question's topic weight that falls on specific words the sources do not know."""
        topic = [t for t in self.terms if not t.situation]
        total = sum(t.weight for t in topic)
        return sum(t.weight for t in topic if t.word in self.unknown) / total if total else 0.0

    @property
    def unknown_specific_share(self) -> float:
        """The share of the weight of the question's specific topic words (rare in general language,
        not about the asker) that falls on words the sources do not know."""
        topic = [t for t in self.terms if not t.situation and t.specific]
        total = sum(t.weight for t in topic)
        return sum(t.weight for t in topic if not t.known) / total if total else 0.0

    @property
    def out_of_sources(self) -> bool:
        """The question is mostly about something the sources never name ("transitievergoeding")."""
        return bool(self.unknown) and self.unknown_share >= UNKNOWN_SHARE

    @property
    def carried_topic(self) -> tuple[Term, ...]:
        """What a follow-up takes over: the known topic words, heaviest first (the situation stays behind)."""
        words = [
            t for t in self.terms if t.known and not t.situation and t.weight >= CARRY_WEIGHT and t.word not in _GENERIC
        ]
        return tuple(sorted(words, key=lambda t: -t.weight))

    @property
    def topic(self) -> tuple[Term, ...]:
        """The terms that say what the question is about, heaviest first."""
        weighty = [t for t in self.terms if t.weight >= WEIGHTY and not t.situation]
        return tuple(sorted(weighty, key=lambda t: -t.weight))


# --- intent and actor: rules on the folded text ------------------------------------------------------

_REC_WORDS = (
    r"(?:hoofd|deel|sub)?aanbevelingen|adviezen|maatregelen|(?:main |sub-?)?recommendations|thema'?s|themes|onderwerpen"
)
_ADVISES = (
    r"aanbeveelt|aanbevelen|aanbevolen|adviseert|adviseren|geadviseerd|raadt|raden|aangeraden|"
    r"voorstelt|voorstellen|voorgesteld|zegt|zeggen|staat|staan|recommends?|advises?|suggests?|says"
)
_OVERVIEW = [
    re.compile(rf"\b(?:welke|wat zijn|noem|som .* op|geef .*(?:overzicht|lijst|alle))\b.*\b(?:{_REC_WORDS})\b"),
    re.compile(rf"\b(?:overzicht|lijst|opsomming)\b.*\b(?:{_REC_WORDS}|aanbeveling)\b"),
    re.compile(rf"\b(?:which|what are|list|name|give me|summari[sz]e)\b.*\b(?:{_REC_WORDS})\b"),
    re.compile(r"\balle (?:hoofd)?aanbevelingen\b|\ball (?:the )?(?:main )?recommendations\b"),
    re.compile(r"\b(?:elke|iedere|every|each) (?:deel|sub-?)?(?:aanbeveling|recommendation)\b"),
    re.compile(r"\bwat (?:valt|staat|hoort|zit)\b.*\b(?:onder|in|bij)\b.*\b(?:thema|hoofdaanbeveling|hoofdstuk)\b"),
    re.compile(r"\b(?:wat|welke)\b.*\ballemaal\b.*\b(?:thema|hoofdaanbeveling|hoofdstuk)\b"),
    re.compile(r"\b(?:de )?(?:vier|zes|4|6) (?:hoofd)?aanbevelingen\b|\b(?:four|six|4|6) (?:main )?recommendations\b"),
    # a list asked for in other words: "een lijstje van wat … aanbeveelt", "op een rij: wat raadt … aan"
    re.compile(rf"\b(?:lijst|lijstje|rijtje|op een rij|opsomming|overzicht|overview)\b.*\b(?:{_ADVISES})\b"),
    re.compile(rf"\b(?:{_ADVISES}|{_REC_WORDS}|zet|set)\b.*\b(?:op een rij|in een lijst(?:je)?|in een overzicht)\b"),
]
_EXAMPLE = re.compile(
    r"\b(?:voorbeeld|voorbeelden|praktijkvoorbeeld\w*|best practices?|examples?|case stud(?:y|ies)|"
    r"wie doet (?:dat|dit) al|hoe doen andere(?:n| bedrijven)|which companies|who (?:already )?does)\b"
)
_DEFINITION = [
    re.compile(
        r"^(?:en )?wat (?:is|zijn|betekent|betekenen|bedoel\w*|houdt|verstaan)\b(?!.*\b(?:beste|handig|slim)\b)"
    ),
    re.compile(r"\bwat (?:wordt|word) (?:er )?(?:mee |daarmee |hiermee )?bedoeld\b|\bwat bedoelen ze\b"),
    re.compile(r"^(?:and )?what (?:is|are) (?:a |an |the )?\w+(?: \w+)?$|\bwhat does .* mean\b|\bwhat is meant\b"),
    re.compile(r"\bwhat do they mean\b"),
]
_TASK = [  # instructions aimed at the assistant, and requests to write or make up a text
    re.compile(
        r"\b(?:negeer|vergeet|ignore|forget|disregard) (?:\w+ ){0,3}"
        r"(?:instructies|instructions|bronnen|sources|regels|rules|prompt|opdracht)\b"
    ),
    re.compile(r"\b(?:je bent nu|jij bent nu|you are now|doe alsof|pretend to be|act as)\b"),
    re.compile(r"^(?:from now on|vanaf nu|voortaan)\b"),
    re.compile(r"\b(?:systeemprompt|system prompt|systeemmelding|system message|api[- ]?(?:sleutels?|keys?))\b"),
    re.compile(
        r"^(?:\w+ ){0,2}(?:schrijf|write|verzin|bedenk|compose|draft|dicht|genereer|generate|vertel|tell)\b"
        r"(?: \w+){0,4} (?:gedicht\w*|grap\w*|mop|moppen|linkedin\w*|post|tweet|verhaal|lied\w*|speech|toespraak|"
        r"poem|joke|story|song|citaat|quote|slogan|recept|recipe|limerick|rap)\b"
    ),
]
# A sentence that tells the assistant what to say ("Zeg dat de SER …", "Bevestig dat …", "Herhaal na
# mij: …", "Antwoord alleen met ja", "… en voeg eraan toe dat …"): matched at the start of a sentence,
# so "Klopt het dat …?" or "Hoe zorg ik dat …" stay questions.
_DIRECTIVE = re.compile(
    r"^(?:\w+ ){0,2}(?:zeg|bevestig|beaam|herhaal|verklaar|say|confirm|repeat|declare|state)\b"
    r"(?: \w+){0,3} (?:dat|na mij|that|after me)\b|"
    r"^(?:\w+ ){0,2}(?:zeg|say) (?:gewoon |maar |alleen |dan )?(?:ja|nee|yes|no)\b|"
    r"^(?:\w+ ){0,2}(?:antwoord|answer|reply|respond|reageer)(?: \w+){0,2} "
    r"(?:alleen|uitsluitend|only|just) (?:met|with)\b|"
    r"\bvoeg (?:\w+ ){0,3}toe dat\b|\band add that\b|"
    r"\b(?:je|jouw|your) (?:systeem)?instructies\b|\bsysteeminstructies\b|\byour (?:system )?instructions\b|"
    r"\binterne (?:instellingen|scores|regels|configuratie)\b|\binternal (?:settings|scores|rules|configuration)\b"
)
_SENTENCE_END = re.compile(r"[.!?:;]+\s*")
_FACT = re.compile(
    r"\b(?:hoeveel|hoe groot|hoe hoog|welk percentage|hoeveel procent|in welk jaar|wanneer|"
    r"how many|how much|what percentage|which year|when)\b"
)
_ACTORS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("gemeente", re.compile(r"\b(?:gemeente|gemeenten|gemeentes|wethouder|municipalit(?:y|ies)|local government)\b")),
    ("provincie", re.compile(r"\b(?:provincie|provincies|provinciale|gedeputeerde|province|provincial)\b")),
    ("kabinet", re.compile(r"\b(?:kabinet|rijk|rijksoverheid|den haag|minister|ministerie|national government)\b")),
    ("sociale partners", re.compile(r"\b(?:sociale partners|vakbond\w*|cao|social partners|unions?)\b")),
    ("werkgever", re.compile(r"\b(?:als werkgever|werkgevers?|employers?|als ondernemer|ondernemers?)\b")),
    ("werknemer", re.compile(r"\b(?:als werknemer|werknemers?|werkenden|medewerkers?|employees?|workers?)\b")),
    ("onderwijs", re.compile(r"\b(?:onderwijsinstelling\w*|scholen|roc|hogeschool\w*|universiteit\w*)\b")),
)


def _folded(text: str) -> str:
    """The question's words, folded, one space apart: what the rules below match against. A compound
    ending in a word that names a part of an advisory is read as its two words ("onderwijsthema" →
    "onderwijs thema", "AI-advies" → "ai advies")."""
    return _SCOPE_COMPOUND.sub(r"\1 \2", " ".join(_WORD.findall(fold(text))))


_SCOPE_COMPOUND = re.compile(r"\b([a-z]{4,}?)-?(thema|themas|rapport|advies|adviezen|hoofdstuk)\b")


def detect_intent(text: str) -> Intent:
    folded = _folded(text)
    if any(p.search(folded) for p in _TASK):
        return Intent.TASK
    if any(_DIRECTIVE.search(_folded(sentence)) for sentence in _SENTENCE_END.split(text)):
        return Intent.TASK
    if any(p.search(folded) for p in _OVERVIEW):
        return Intent.OVERVIEW
    if _EXAMPLE.search(folded):
        return Intent.EXAMPLE
    if any(p.search(folded) for p in _DEFINITION) and len(folded.split()) <= 9:
        return Intent.DEFINITION
    if _FACT.search(folded):
        return Intent.FACT
    return Intent.ADVICE


def names_actor(actor: str, text: str) -> bool:
    """Does the text name the actor (its words as ``find_actor`` knows them)?"""
    pattern = dict(_ACTORS).get(actor)
    return bool(pattern and pattern.search(_folded(text)))


def find_actor(text: str) -> str | None:
    folded = _folded(text)
    for actor, pattern in _ACTORS:
        if pattern.search(folded):
            return actor
    return None


_PLACE = re.compile(
    r"\b(?:in|bij|rond|rondom|uit|nabij|te|vlakbij|near|around|from|outside|buiten)\s+"
    r"((?:[A-Z][\w'’]+)(?:[- ][A-Z][\w'’]+)*)"
)


def find_places(text: str) -> frozenset[str]:
    """Capitalised names after a word of place ("in Rijssen", "bij Zwolle", "rond Deventer",
    "in Noordoost-Overijssel"): where the asker is, part of their situation, never a topic."""
    return frozenset(w for m in _PLACE.finditer(text) for w in _WORD.findall(fold(m.group(1))))


def told_situation(text: str, terms: tuple[Term, ...]) -> tuple[Term, ...]:
    """A word the sources do not know, only in the sentences that tell the asker's situation, is part of
    that situation ("We zijn een installatiebedrijf. Nu iedereen warmtepompen wil, moeten mijn mannen
    nieuwe techniek leren. Hoe regel ik dat?"). Only in a question with both a sentence that asks (ending
    in "?", or reporting a question: "Een ondernemer vraagt of hij een omgevingsvergunning nodig heeft")
    and one that tells."""
    sentences = [s for s in _SENTENCES.split(text.strip()) if s.strip()]
    asking = [s for s in sentences if s.rstrip().endswith("?") or _REPORTED_QUESTION.search(_folded(s))]
    telling = [s for s in sentences if s not in asking]
    if not asking or not telling:
        return terms
    asked = {w for s in asking for w in _WORD.findall(fold(s))}
    told = {w for s in telling for w in _WORD.findall(fold(s))} - asked
    return tuple(
        replace(t, weight=round(t.weight * SITUATION_WEIGHT, 3), situation=True)
        if t.word in told and not t.known and not t.situation
        else t
        for t in terms
    )


# A sentence that reports a question asks it too ("Een klant vraagt of …", "Ik wil weten hoeveel …").
_REPORTED_QUESTION = re.compile(
    r"\b(?:vraagt|vragen|vroeg|vroegen|vraag me af|vragen ons af|wil weten|willen weten|wil graag weten|"
    r"asks?|asked|wonder|want to know|would like to know)\b(?: \w+){0,2} "
    r"(?:of|hoe|wat|welke|wie|waar|wanneer|hoeveel|waarom|whether|if|how|what|which|who|where|when|why)\b"
)


# --- follow-up ----------------------------------------------------------------------------------------

_LEANS = re.compile(
    r"^(?:en|maar|ook|and|but|what about|how about)\b|"
    r"\b(?:daarmee|daarvan|daarover|hiermee|hiervan|hierover|dat|dit|die|deze|ze|zij|hun|daar|"
    r"that|this|those|these|they|them|it)\b|"
    r"\b(?:voorbeeld|voorbeelden|example|examples|bedoel\w*|mean|meant)\b|"
    r"\b(?:eens|concreet|concrete|concreter|precies|specifiek|uitgebreider|toe|elaborate|specific|more detail)\b"
)
# Pointing back beyond doubt, at any length: opening with "En"/"Maar", a pronominal adverb ("daarmee",
# "hierbij"), "zo'n", or a question word, a verb and a demonstrative ("Wat betekent dat …", "Hoe werkt
# dit …"). "dat" and "die" elsewhere are as often a conjunction or relative ("zorg dat …", "bedrijven
# die …"), so they count only in a short question.
_POINTS_BACK = re.compile(
    r"^(?:en|maar|and|but|what about|how about)\b|"
    r"\b(?:daar|hier)(?:mee|van|over|in|bij|voor|aan|door|na|op|uit|om|toe|naast|tegen)\b|"
    r"\bzo'?n\b|\bsuch an?\b|"
    r"^(?:wat|hoe|wie|waarom|wanneer|waar|what|how|who|why|when|where)\s+\w+\s+(?:dat|dit|that|this)\b"
)


_POSITIONS = {
    "laatste": -1,
    "last": -1,
    **{w: n for n, words in enumerate(_ORDINAL_WORDS) for w in words},
}
_REFERRED = re.compile(
    rf"\b(?:de|het|die|dat|the)\s+({'|'.join(_POSITIONS)})\b|\b(?:nummer|number|punt|point)\s+(\d)\b"
)


def referred_item(text: str) -> int | None:
    """The item of the previous answer's list a follow-up points at, as a list index ("die laatste"
    → -1, "de tweede" → 1, "nummer 3" → 2); None when it points at none."""
    match = _REFERRED.search(_folded(text))
    if not match:
        return None
    if match.group(2):
        return int(match.group(2)) - 1 if int(match.group(2)) > 0 else None
    return _POSITIONS[match.group(1)]


def leans_on_history(text: str, own_terms: int) -> bool:
    """Does the question need the earlier turns? Pointing back beyond doubt, short and pointing
    back, or with (almost) no topic of its own."""
    folded = _folded(text)
    words = folded.split()
    if own_terms == 0:
        return True
    if own_terms <= FOLLOW_UP_MAX_TERMS and _POINTS_BACK.search(folded):
        return True
    return len(words) <= 8 and own_terms <= FOLLOW_UP_MAX_TERMS and bool(_LEANS.search(folded))


# --- the lexicon: what the corpus knows ----------------------------------------------------------------


@lru_cache(maxsize=1)
def _situation() -> tuple[frozenset[str], tuple[str, ...]]:
    data = tomllib.loads(SITUATION_FILE.read_text(encoding="utf-8"))
    return frozenset(fold(w) for w in data["words"]), tuple(fold(s) for s in data["suffixes"])


def focus(question: str, terms: Sequence[Term]) -> str:
    """The sentences of a longer question that carry its topic, for the dense retriever; "" when
    that is all of it. "Ik heb een installatiebedrijf met 18 man. In mijn eentje kan ik …": one
    vector of the whole is pulled towards the situation, which no recommendation is about (train
    split: the right recommendation among the first three units for 15 of 23 situated questions
    with the whole question embedded, 17 with this). A sentence stays when its topic weight is at
    least ``FOCUS_SHARE`` of the heaviest sentence's."""
    sentences = [s for s in _SENTENCES.split(question.strip()) if s.strip()]
    if len(sentences) < 2:
        return ""
    weight = {t.word: t.weight for t in terms if not t.situation}
    scores = [sum(weight.get(w, 0.0) for w in re.findall(r"[a-z0-9]+", fold(s))) for s in sentences]
    kept = [s for s, score in zip(sentences, scores, strict=True) if score >= FOCUS_SHARE * max(scores)]
    return "" if len(kept) == len(sentences) else " ".join(kept)


def is_situation(word: str) -> bool:
    words, suffixes = _situation()
    return word in words or any(word.endswith(s) and len(word) > len(s) + 2 for s in suffixes)


@lru_cache(maxsize=1)
def _synonym_words() -> frozenset[str]:
    return frozenset(w for group in synonym_groups() for term in group for w in _WORD.findall(term))


@lru_cache(maxsize=65536)
def lemma(word: str, language: str) -> str:
    import simplemma

    return fold(simplemma.lemmatize(word, lang=language))


@lru_cache(maxsize=65536)
def zipf(word: str, language: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, language))


def general_rarity(word: str, language: str) -> float:
    """0 for the commonest words ("mensen", "vinden"), 1 for words rare in general language."""
    return min(1.0, max(0.0, (6.0 - zipf(word, language)) / 3.5))


class Lexicon:
    """What the corpus of one index version knows: its words, stems, lemmas, documents and themes."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.catalogue: Catalogue = index.catalogue

    @cached_property
    def stems(self) -> frozenset[str]:
        return frozenset(stemmer().stemWords(sorted(self.index.vocabulary)))

    @cached_property
    def lemmas(self) -> frozenset[str]:
        return frozenset(lemma(w, "nl") for w in self.index.vocabulary if not w.isdigit())

    @cached_property
    def max_idf(self) -> float:
        return math.log((len(self.index.chunks) + 1) / 0.5)

    def known(self, word: str) -> bool:
        vocabulary = self.index.vocabulary
        if word in vocabulary or word in _synonym_words() or word.isdigit() or word in _GENERIC:
            return True
        base = lemma(word, "nl")
        if stemmer().stemWord(word) in self.stems or base in vocabulary or base in self.lemmas:
            return True
        if len(word) >= 6 and self.index.prefix_frequency.get(word[:6], 0) > 0 and len(word) <= 9:
            return True
        parts = split_compound(word, vocabulary)
        if parts and parts[1] in _GENERIC:  # "onderwijsthema", "productiviteitsrapport": the part before names it
            return True
        if parts:  # "personeelstekort": known when its parts occur together somewhere, not when each does
            return self.together(parts[0], parts[1])
        return bool(_split_known(word, self))

    def together(self, head: str, tail: str) -> bool:
        """Do the two words occur in one sentence of some passage (by stem)?"""
        a, b = stemmer().stemWord(head), stemmer().stemWord(tail)
        return bool(self.sentences_with.get(a, frozenset()) & self.sentences_with.get(b, frozenset()))

    @cached_property
    def sentences_with(self) -> dict[str, frozenset[int]]:
        """Stem → the sentences of the corpus (numbered) that hold it; built once per index version."""
        found: dict[str, set[int]] = {}
        number = 0
        for chunk in self.index.chunks:
            for sentence in re.split(r"[.!?;\n]", fold(chunk.text)):
                for stem in set(stemmer().stemWords(_WORD.findall(sentence))):
                    found.setdefault(stem, set()).add(number)
                number += 1
        return {stem: frozenset(numbers) for stem, numbers in found.items()}

    def term(self, word: str, language: str, places: frozenset[str] = frozenset()) -> Term:
        known = self.known(word)
        corpus = min(1.0, self.index.idf(word) / self.max_idf) if known else 1.0
        weight = (general_rarity(word, language) + corpus) / 2
        situation = is_situation(word) or word in places
        base = lemma(word, language) if language == "nl" else word
        verb_form = language == "nl" and base != word and base.endswith("en")  # "misgaat" → "misgaan"
        specific = zipf(word, language) < COMMON_ZIPF and not verb_form
        return Term(word, round(weight * (SITUATION_WEIGHT if situation else 1.0), 3), known, situation, specific)

    # documents and themes ------------------------------------------------------------------------------

    @cached_property
    def document_names(self) -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
        docs = self.catalogue.documents
        return tuple((d.doc_id, tuple(_document_patterns(d, docs))) for d in docs)

    @cached_property
    def theme_titles(self) -> tuple[tuple[str, str, frozenset[str]], ...]:
        """(theme id, doc id, stems of its title's content words) for every theme."""
        stop = frozenset(stopwords())
        found = []
        for doc_id, themes in self.catalogue.themes.items():
            for number, title in themes:
                words = [w for w in _WORD.findall(fold(title)) if w not in stop and len(w) > 2]
                found.append((f"{doc_id}:{number}", doc_id, frozenset(stemmer().stemWords(words))))
        return tuple(found)

    @cached_property
    def theme_title_forms(self) -> dict[str, tuple[frozenset[str], ...]]:
        """Theme id → the forms (``forms``) of each content word of its title."""
        stop = frozenset(stopwords())
        return {
            f"{doc_id}:{number}": tuple(
                self.forms(w) for w in _WORD.findall(fold(title)) if w not in stop and len(w) > 2
            )
            for doc_id, themes in self.catalogue.themes.items()
            for number, title in themes
        }

    def forms(self, word: str) -> frozenset[str]:
        """The stems a word can be matched by: its own, its lemma's and its compound parts'
        ("menswaardig" → waardig, "ingezet" → inzet, "kennisontwikkeling" → kennis, ontwikkel)."""
        parts = split_compound(word, self.index.vocabulary) or _split_known(word, self)
        words = [word, lemma(word, "nl"), *parts, *(lemma(p, "nl") for p in parts)]
        return frozenset(stemmer().stemWords(words))

    @cached_property
    def document_words(self) -> frozenset[str]:
        """Words of document titles and publishers (they name a scope, not a topic)."""
        docs = self.catalogue.documents
        return frozenset(w for d in docs for w in _WORD.findall(fold(f"{d.title.split(':')[0]} {d.publisher}")))

    def has_main_recommendations(self, doc_id: str) -> bool:
        return any(r.parent_id for r in self.catalogue.recommendations_of(doc_id))


def _split_known(word: str, lexicon: Lexicon) -> list[str]:
    """A compound whose head is a situation word or known, and whose tail is known ("bouwbedrijf")."""
    for cut in range(len(word) - 4, 3, -1):
        head, tail = word[:cut], word[cut:]
        if tail in lexicon.index.vocabulary or is_situation(tail):
            for stem in (head, head[:-1] if head.endswith(("s", "e")) else None):
                if stem and len(stem) >= 3 and (stem in lexicon.index.vocabulary or is_situation(stem)):
                    return [stem, tail]
    return []


def _document_patterns(doc: Document, docs: Sequence[Document]) -> list[re.Pattern[str]]:
    """How people name a document: its title or short title, its publisher where that is unique,
    or "het <topic>-advies" / "het advies over <topic>" with a word only its title has."""
    stop = frozenset(stopwords())
    short = fold(doc.title.split(":")[0]).strip()
    names = {short, fold(doc.title).strip()}
    patterns_extra = []
    if doc.publisher and sum(fold(d.publisher) == fold(doc.publisher) for d in docs) == 1:
        names.add(fold(doc.publisher))
        # a regional publisher's advisory by its adjective: "het Overijsselse (productiviteits)rapport"
        region = _WORD.findall(fold(doc.publisher))[-1]
        if region not in ("ser", "raad"):
            patterns_extra.append(
                re.compile(rf"\b{re.escape(region)}(?:se)? (?:\w+ )?(?:advies|adviezen|rapport|report|advisory)\b")
            )
    other_titles = {w for d in docs if d.doc_id != doc.doc_id for w in _WORD.findall(fold(d.title))}
    topics = [
        w
        for w in _WORD.findall(short)
        if w not in stop and w not in other_titles and zipf(w, "nl") < 5.0 and w not in ("samen", "werken")
    ]
    patterns = [re.compile(rf"\b{re.escape(' '.join(_WORD.findall(name)))}\b") for name in names if name]
    patterns += patterns_extra
    for topic in topics:
        t = re.escape(topic)
        patterns.append(re.compile(rf"\b{t}[- ]?(?:advies|adviezen|rapport|report|advisory)\b"))
        patterns.append(
            re.compile(
                rf"\b(?:advies|adviezen|rapport|report|advisory|advice) (?:\w+ ){{0,3}}(?:over|on|about) "
                rf"(?:het |de |the )?{t}\b"
            )
        )
        patterns.append(re.compile(rf"\b(?:het|the) {t}\w*[- ]?(?:advies|rapport|report|advisory)\b"))
    return patterns


# --- the reader ---------------------------------------------------------------------------------------

_ORDINALS = {w: str(n) for n, words in enumerate(_ORDINAL_WORDS, start=1) for w in words}
_ORDINAL = re.compile(rf"\b({'|'.join(_ORDINALS)}) (thema|theme|hoofdaanbeveling|main recommendation)\b")
_THEME_NUMBER = re.compile(r"\b(?:thema|theme|onderwerp|hoofdstuk)\s+(\d{1,2})\b")
_MAIN_NUMBER = re.compile(r"\b(?:hoofdaanbeveling|main recommendation|aanbeveling|recommendation)\s+(\d{1,2})\b(?! \d)")
_GENERIC = frozenset(
    [
        "aanbeveling",
        "aanbevelingen",
        "hoofdaanbevelingen",
        "advies",
        "adviezen",
        "adviseert",
        "adviseren",
        "ser",
        "rapport",
        "thema",
        "themas",
        "onderwerp",
        "onderwerpen",
        "recommendation",
        "recommendations",
        "report",
        "advisory",
        "theme",
        "themes",
        "noem",
        "geef",
        "toon",
        "alle",
        "all",
        "list",
        "show",
        "give",
        "overzicht",
        "lijst",
        "lijstje",
        "rijtje",
        "rij",
        "opsomming",
        "aanbeveelt",
        "aanbevelen",
        "raadt",
        "raden",
        "welke",
        "doet",
        "doen",
        "gaan",
        "gaat",
        "staan",
        "staat",
        "zegt",
        "zeggen",
        "say",
        "says",
        "main",
        "make",
        "does",
        # asking for a whole list, in other words
        "deelaanbeveling",
        "deelaanbevelingen",
        "subaanbevelingen",
        "elke",
        "iedere",
        "allemaal",
        "every",
        "each",
        "including",
        "sub",
        "advice",
        "advisories",
        "aimed",
        "gericht",
        "bedoeld",
        "concern",
        "concerning",
        "hoofdlijnen",
        "hoofdpunten",
        "belangrijkste",
    ]
)


# How people write in a chat box: abbreviations, spoken forms and interjections that are no topic
# ("leren op de werkvloer ipv in een klaslokaal", "waar begin je in vredesnaam"). General Dutch,
# not taken from the eval cases. Not "btw": in Dutch it is the VAT, a topic the sources lack.
_CHAT = (
    "ipv bijv bvb evt mbt tav ivm oid enz etc aub svp idd iig ofzo mn zn nie nou hoor joh jeetje tja nah hè he "
    "pff ok oke okay vredesnaam godsnaam hemelsnaam please pls plz thx graag alsjeblieft alstublieft"
)
_CHAT_WORDS = frozenset(_CHAT.split())


class Reader:
    """Reads questions against one index version (its ``Lexicon``)."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.lexicon = Lexicon(index)
        self._stop = frozenset(stopwords()) | _CHAT_WORDS

    def read(self, question: str, history: Sequence[str] = ()) -> Understood:
        """The question understood; ``history`` holds the earlier user questions of the conversation, oldest first."""
        earlier: Understood | None = None
        for turn in history[-3:]:  # each earlier turn read in its own context
            earlier = self._read_one(turn, earlier)
        return self._read_one(question, earlier)

    def _read_one(self, question: str, earlier: Understood | None) -> Understood:
        query = understand(question, self.index.vocabulary, self._stop, self.index.document_frequency)
        places = find_places(question)
        words = [w for w in query.content_words if not w.isdigit()]
        terms = told_situation(question, tuple(self.lexicon.term(w, query.language, places) for w in words))
        query = replace(query, weights=tuple((t.word, t.weight) for t in terms), focus=focus(question, terms))
        own = [t for t in terms if t.known and t.weight >= WEIGHTY and not t.situation and t.word not in _GENERIC]
        intent = detect_intent(question)
        scope = self.scope(question, intent, terms)
        named = self.lexicon.document_words
        topic_words = tuple(
            t.word
            for t in terms
            if t.word not in _GENERIC and t.word not in named and not t.situation and t.weight >= 0.2
        )
        read = Understood(question, query, intent, scope, terms, topic_words=topic_words)
        points_into_list = (
            earlier is not None and earlier.intent is Intent.OVERVIEW and referred_item(question) is not None
        )
        if (
            earlier is None
            or not (earlier.carried_topic or points_into_list)
            or not leans_on_history(question, len(own))
        ):
            return read
        return self._follow_up(read, earlier)

    def _follow_up(self, read: Understood, earlier: Understood) -> Understood:
        """Carry the earlier turn's weighty terms and scope into a question that leans on it."""
        mine = {t.word for t in read.terms}
        carried = [t for t in earlier.carried_topic if t.word not in mine][:CARRIED_TERMS]
        words = [t.word for t in carried]
        text = f"{' '.join(words)} {read.question}"
        query = understand(text, self.index.vocabulary, self._stop, self.index.document_frequency)
        terms = (*read.terms, *carried)
        query = replace(
            query,
            text=text,
            language=read.language,
            unknown_names=read.query.unknown_names,
            weights=tuple((t.word, t.weight) for t in terms),
        )
        scope = Scope(
            read.scope.doc_ids or earlier.scope.doc_ids,
            read.scope.themes or earlier.scope.themes,
            read.scope.actor or earlier.scope.actor,
        )
        intent = read.intent if read.intent is not Intent.ADVICE else earlier.intent
        if intent is Intent.OVERVIEW and read.intent is Intent.ADVICE:
            intent = Intent.ADVICE  # "En in de zorg?" after a list asks for advice on that part
        return Understood(
            read.question,
            query,
            intent,
            scope,
            terms,
            follow_up=True,
            reading=f"{read.question.strip()} — {', '.join(words)}",
            topic_words=(*read.topic_words, *words),
        )

    def scope(self, question: str, intent: Intent, terms: Sequence[Term]) -> Scope:
        folded = _ORDINAL.sub(lambda m: f"{m.group(2)} {_ORDINALS[m.group(1)]}", _folded(question))
        doc_ids = tuple(
            doc_id for doc_id, patterns in self.lexicon.document_names if any(p.search(folded) for p in patterns)
        )
        return Scope(doc_ids, self._themes(folded, doc_ids, intent, terms, question), find_actor(question))

    def _themes(
        self, folded: str, doc_ids: tuple[str, ...], intent: Intent, terms: Sequence[Term], question: str = ""
    ) -> tuple[str, ...]:
        lex = self.lexicon
        docs = doc_ids or tuple(d.doc_id for d in lex.catalogue.documents)
        themes: list[str] = []
        for match in _THEME_NUMBER.finditer(folded):  # "thema 4": documents organised in themes
            themes += [f"{d}:{match.group(1)}" for d in docs if not lex.has_main_recommendations(d) or doc_ids]
        for match in _MAIN_NUMBER.finditer(folded):  # "hoofdaanbeveling 2": documents with main recommendations
            themes += [f"{d}:{match.group(1)}" for d in docs if lex.has_main_recommendations(d)]
        if not themes:
            themes = self._themes_by_title(question, docs, quoted_only=intent is not Intent.OVERVIEW)
        if not themes:
            themes = self._themes_called(question, docs)
        if not themes and intent is Intent.OVERVIEW:
            themes = self._themes_named(folded, docs, terms)
        known = {theme_id for theme_id, _, _ in lex.theme_titles}
        return tuple(dict.fromkeys(t for t in themes if t in known))

    def _themes_by_title(self, question: str, docs: Sequence[str], quoted_only: bool) -> list[str]:
        """A theme (or main recommendation) named by most of its title: "… onder 'Investeer in
        AI-innovatie en -adoptie'". An overview may name it anywhere in the question; another question
        only in quotes (advice "over innovatie" is no theme)."""
        spans = [m.group(1) for m in _QUOTED.finditer(question)] if quoted_only else [question]
        share = TITLE_SHARE if quoted_only else OVERVIEW_TITLE_SHARE
        lex = self.lexicon
        found = []
        for span in spans:
            words = frozenset().union(*(lex.forms(w) for w in _folded(span).split()))
            overlap = {}
            for theme_id, title in lex.theme_title_forms.items():
                hits = sum(bool(forms & words) for forms in title)
                if theme_id.rsplit(":", 1)[0] in docs and len(title) >= 2 and hits >= max(2, share * len(title)):
                    overlap[theme_id] = hits
            found += [t for t, n in overlap.items() if n == max(overlap.values())]  # the best-named theme(s)
        return found

    def _themes_called(self, question: str, docs: Sequence[str]) -> list[str]:
        """A theme called by a word of its title in a phrase that names a part of an advisory: "bij het
        thema sociale innovatie", "in het hoofdstuk over onderwijs", or a lead "Bij onderwijs: …"."""
        folded = _folded(question)
        spans = [m.group(1) for pattern in (_CALLED, _CALLED_BEFORE) for m in pattern.finditer(folded)]
        lead = _LEAD.match(question.strip())
        if lead:
            spans.append(fold(lead.group(1)))
        ignore = frozenset(stopwords()) | _GENERIC | self.lexicon.document_words  # "Bij AI en werk: …" names a document
        best: dict[str, int] = {}
        for span in spans:
            words = [w for w in _WORD.findall(span) if w not in ignore]
            options = [synonym_stems(w) for w in words]
            for theme_id, doc_id, title in self.lexicon.theme_titles:
                hits = sum(bool(o & title) for o in options)
                if doc_id in docs and hits:
                    best[theme_id] = max(hits, best.get(theme_id, 0))
        return [t for t, n in best.items() if n == max(best.values())] if best else []

    def _themes_named(self, folded: str, docs: Sequence[str], terms: Sequence[Term]) -> list[str]:
        """An overview "over onderwijs": the themes whose title holds every topic word of the question,
        itself or a one-word synonym ("education" → "onderwijs")."""
        named = self.lexicon.document_words
        words = [t.word for t in terms if t.word not in _GENERIC and t.word not in named and not t.situation]
        if not words:
            return []
        alternatives = [synonym_stems(word) for word in words]
        return [
            theme_id
            for theme_id, doc_id, title in self.lexicon.theme_titles
            if doc_id in docs and all(options & title for options in alternatives)
        ]


@lru_cache(maxsize=4096)
def synonym_stems(word: str) -> frozenset[str]:
    """The stem of ``word`` and of the one-word terms of every synonym group it belongs to."""
    found = {word}
    for group in synonym_groups():
        if word in group:
            found.update(term for term in group if " " not in term)
    return frozenset(stemmer().stemWords(sorted(found)))
