"""Overview answers from the catalogue: "Wat zijn de vier hoofdaanbevelingen van AI en werk?",
"Welke aanbevelingen doet de SER Overijssel voor het mkb?", "Welke aanbevelingen gaan over scholing?".

Which recommendations, the first rule that applies:

* a theme (or main recommendation) named → all of its recommendations in order, and those elsewhere
  whose title holds every topic word;
* "hoofdaanbevelingen" → the main recommendations of the documents in scope;
* "bij welke aanbevelingen staat een praktijkvoorbeeld" → those with a best practice (on the topic, if any);
* an actor ("voor werkgevers") → those whose title or first lines name it (on the topic, if any);
* a document named with no topic of its own → all of its recommendations;
* otherwise the recommendations retrieval ranks for the topic, across documents, down to a share of
  the best, then those whose title holds every topic word.

Each is listed with its number, title, printed pages and its first sentence, quoted and cited.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from assistant.compose import Composed, first_chunks, first_sentence, heading, phrase, sources_block
from assistant.records import Citation
from assistant.retrieve import Retrieval, stems
from assistant.understand import Understood, names_actor, synonym_stems
from corpus.records import Catalogue, Chunk, Recommendation

__all__ = ["TOPIC_SHARE", "compose_overview", "overview_recommendations"]

TOPIC_SHARE = 0.6  # a recommendation joins a topic overview when its score is this share of the best
TOPIC_MAX = 8  # recommendations in a topic overview
# an actor overview reads a recommendation's title and the start of its text (where it says who acts; a
# main recommendation set out over a whole chapter names every actor somewhere)
ACTOR_TEXT = 1200
_EXAMPLES = re.compile(r"praktijkvoorbeeld|voorbeeld(?:en)? uit de praktijk|best practices?|good practices?", re.I)
_MAIN = re.compile(r"\b(?:hoofdaanbeveling\w*|main recommendations?)\b", re.IGNORECASE)


def overview_recommendations(
    understood: Understood, catalogue: Catalogue, retrieval: Retrieval
) -> list[Recommendation]:
    scope = understood.scope
    recs = [r for r in catalogue.recommendations if not scope.doc_ids or r.doc_id in scope.doc_ids]
    if scope.themes:  # the theme's recommendations, and those elsewhere whose title names its topic
        titled = _titled(recs, understood)
        return [
            r
            for r in recs
            if any(r.rec_id == t or r.rec_id.startswith(t + ".") or _theme_id(r) == t for t in scope.themes)
            or r.rec_id in titled
        ]
    if _MAIN.search(understood.question):
        docs = {s.doc_id for s in recs if s.parent_id}  # documents organised in main recommendations
        mains = [r for r in recs if r.parent_id is None and r.doc_id in docs]
        return mains or recs
    if _EXAMPLES.search(understood.question):  # "bij welke aanbevelingen staat een praktijkvoorbeeld?"
        with_practice = [r for r in recs if r.best_practices]
        topical = {r.rec_id for r in _topic(recs, retrieval, understood)} if _topic_words(understood) else None
        chosen = [r for r in with_practice if topical is None or r.rec_id in topical]
        if chosen:
            return chosen
    if scope.actor:  # "alle aanbevelingen voor werkgevers": those whose own text addresses them
        addressed = _addressing(recs, scope.actor, understood, retrieval)
        if addressed:
            return addressed
    if scope.doc_ids and not understood.topic_beyond_scope:
        return recs
    return _topic(recs, retrieval, understood)


def _addressing(
    recs: Sequence[Recommendation], actor: str, understood: Understood, retrieval: Retrieval
) -> list[Recommendation]:
    """The recommendations (not a main one that holds sub-recommendations) whose title or text names
    the actor; with a topic of its own ("… voor werkgevers over scholing"), those the topic selects."""
    parents = {r.parent_id for r in recs if r.parent_id}
    addressed = [r for r in recs if r.rec_id not in parents and names_actor(actor, f"{r.title} {r.text[:ACTOR_TEXT]}")]
    specific = {t.word for t in understood.terms if t.specific}
    words = {w for w in _topic_words(understood) if w in specific and not names_actor(actor, w)}
    if not words:
        return addressed
    topical = {r.rec_id for r in _topic(recs, retrieval, replace(understood, topic_words=tuple(words)))}
    return [r for r in addressed if r.rec_id in topical]


def _theme_id(rec: Recommendation) -> str:
    return f"{rec.doc_id}:{rec.theme_number}"


def _topic(recs: Sequence[Recommendation], retrieval: Retrieval, understood: Understood) -> list[Recommendation]:
    """The recommendations retrieval ranks near the best, best first, then those whose title names
    the topic."""
    known = {r.rec_id: r for r in recs}
    ranked = [(p.chunk.recommendation_id, p.score) for p in retrieval.passages if p.chunk.recommendation_id in known]
    titled = _titled(recs, understood)
    best = ranked[0][1] if ranked else 0.0
    near_best = list(dict.fromkeys(rec_id for rec_id, score in ranked if score >= TOPIC_SHARE * best))[:TOPIC_MAX]
    return [known[rec_id] for rec_id in dict.fromkeys([*near_best, *sorted(titled)])]


def _titled(recs: Sequence[Recommendation], understood: Understood) -> set[str]:
    """Recommendations whose title holds every topic word of the question (itself or a one-word
    synonym: "SMEs" → "mkb")."""
    words = _topic_words(understood)
    if not words:
        return set()
    options = [synonym_stems(w) for w in words]
    return {r.rec_id for r in recs if all(o & stems(f"{r.title} {r.body_title}") for o in options)}


def _topic_words(understood: Understood) -> set[str]:
    """The weighty words the question asks about (not the words that ask for a list or an example)."""
    asking = stems(" ".join(m.group(0) for m in _EXAMPLES.finditer(understood.question)))
    words = [t.word for t in understood.topic if t.word in understood.topic_words]
    return {w for w in words if not stems(w) & asking}


def compose_overview(
    understood: Understood, recs: Sequence[Recommendation], catalogue: Catalogue, chunks: Sequence[Chunk]
) -> Composed:
    lang = understood.language
    first = first_chunks(chunks)
    citations: list[Citation] = []
    blocks = [phrase(lang, "lead_overview", count=str(len(recs)))]
    for rec in recs:
        chunk = first.get(rec.rec_id)
        if chunk is None:
            continue
        lines = [heading(lang, chunk, catalogue)]
        quote = first_sentence(chunk)
        if quote:
            citations.append(Citation.of(len(citations) + 1, chunk, quote))
            lines.append(f"{quote} [{len(citations)}]")
        blocks.append("\n".join(lines))
    blocks.append(sources_block(lang, citations))
    return Composed("\n\n".join(b for b in blocks if b), tuple(citations))
