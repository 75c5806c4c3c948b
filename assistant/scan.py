"""De productiviteitsscan (issue 15): a filled-in scan becomes advice on measure, every statement cited.

The questions are data (``prompts/scan.toml``): sector, size and region; a 1-5 self-assessment of
the five elements of the *Schijf van vijf voor sociale innovatie* and the three areas recommendation
4.5 names; the biggest problems, ticked; a sentence in the entrepreneur's own words. Each element and
problem carries a query text. The report takes the weakest elements (scored 1 or 2, else the lowest
one) and every ticked problem, reads each query as a question (``Reader``), retrieves with the same
retriever as the chat and keeps the one to three recommendations that rank as wholes above
``SHARE`` of the best; each is shown with its heading and its first sentence quoted, and its best
practices (those that name the sector first). "Waar kunt u terecht" comes from one more query.
Every sentence of the report is a quote with its ``[n]`` or a fixed phrase of ``prompts/``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant.compose import cite, first_chunks, first_sentence, heading, phrase, sources_block
from assistant.records import Citation
from corpus.errors import ScanError
from corpus.settings import PROJECT_ROOT
from ingest.text import fold

SCAN_FILE = PROJECT_ROOT / "prompts" / "scan.toml"
WEAK_SCORE = 2  # elements scored this or lower are weak; with none, the lowest scored one
MAX_WEAK = 3
MAX_PER_TOPIC = 3  # recommendations per element or problem
SHARE = 0.75  # a further recommendation joins a topic when its score is this share of the best one's
WHERE_QUERY = "waar kunnen ondernemers terecht loket ondernemershuis servicepunt advies op maat"
MAX_OWN_WORDS = 2000


@dataclass(frozen=True)
class Option:
    id: str
    nl: str
    en: str
    query: str = ""

    def label(self, language: str) -> str:
        return self.en if language == "en" else self.nl


@dataclass(frozen=True)
class ScanForm:
    sectors: tuple[Option, ...]
    sizes: tuple[Option, ...]
    regions: tuple[Option, ...]
    elements: tuple[Option, ...]
    problems: tuple[Option, ...]
    texts: Mapping[str, Mapping[str, str]]

    def text(self, language: str, key: str, **values: str) -> str:
        return self.texts[language][key].format(**values)


@lru_cache(maxsize=2)
def load_form(path: Path = SCAN_FILE) -> ScanForm:
    data = tomllib.loads(path.read_text(encoding="utf-8"))

    def options(kind: str) -> tuple[Option, ...]:
        return tuple(Option(str(o["id"]), str(o["nl"]), str(o["en"]), str(o.get("query", ""))) for o in data[kind])

    return ScanForm(
        options("sector"), options("size"), options("region"), options("element"), options("problem"), data["text"]
    )


@dataclass(frozen=True)
class ScanAnswers:
    """What the entrepreneur filled in (ids of ``prompts/scan.toml``); any part may be missing."""

    sector: str = ""
    size: str = ""
    region: str = ""
    scores: tuple[tuple[str, int], ...] = ()  # (element id, 1-5)
    problems: tuple[str, ...] = ()
    own_words: str = ""
    language: str = "nl"

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], form: ScanForm | None = None) -> ScanAnswers:
        """From a TOML/JSON object; an unknown id or a score outside 1-5 is a ``ScanError`` naming it."""
        form = form or load_form()
        known = {
            "sector": {o.id for o in form.sectors},
            "size": {o.id for o in form.sizes},
            "region": {o.id for o in form.regions},
        }
        plain = {}
        for key, ids in known.items():
            value = str(data.get(key) or "")
            if value and value not in ids:
                raise ScanError(f"onbekende waarde {value!r} voor {key!r}; kies uit: {', '.join(sorted(ids))}")
            plain[key] = value
        elements = {o.id for o in form.elements}
        scores = []
        for element, score in dict(data.get("scores") or {}).items():
            if element not in elements:
                raise ScanError(f"onbekend onderdeel {element!r}; kies uit: {', '.join(sorted(elements))}")
            if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
                raise ScanError(f"de score van {element!r} moet een geheel getal van 1 tot 5 zijn, niet {score!r}")
            scores.append((element, score))
        problems = [str(p) for p in data.get("problems") or ()]
        unknown = sorted(set(problems) - {o.id for o in form.problems})
        if unknown:
            raise ScanError(f"onbekend probleem {unknown[0]!r}; kies uit: {', '.join(o.id for o in form.problems)}")
        own = str(data.get("own_words") or "")[:MAX_OWN_WORDS]
        language = "en" if data.get("language") == "en" else "nl"
        return cls(scores=tuple(scores), problems=tuple(problems), own_words=own, language=language, **plain)


@dataclass(frozen=True)
class Topic:
    """One part of the advice: a weak element, a ticked problem, the own words, or where to go."""

    kind: str  # "weak", "problem", "own", "where"
    label: str
    recommendations: tuple[str, ...]


@dataclass(frozen=True)
class ScanReport:
    answers: ScanAnswers
    topics: tuple[Topic, ...]
    text: str  # Markdown: fixed phrases and quotes, each quote with its [n]; then the sources
    citations: tuple[Citation, ...]
    missing: tuple[str, ...] = ()  # questions not answered
    scores: tuple[tuple[str, int], ...] = field(default=())  # (element label, score), for the chart

    @property
    def recommendation_ids(self) -> list[str]:
        return list(dict.fromkeys(r for t in self.topics for r in t.recommendations))


def scan_report(assistant: Any, answers: ScanAnswers, form: ScanForm | None = None) -> ScanReport:
    """The advice on measure for ``answers``, from ``assistant``'s index (an ``assistant.Assistant``)."""
    form = form or load_form()
    lang = answers.language
    topics = [_topic(assistant, kind, label, query) for kind, label, query in _questions(assistant, answers, form)]
    if topics:
        topics.append(_topic(assistant, "where", form.text(lang, "where"), WHERE_QUERY))
    text, citations = _render(assistant, answers, form, topics)
    by_id = {o.id: o for o in form.elements}
    scores = tuple((by_id[e].label(lang), s) for e, s in answers.scores)
    return ScanReport(answers, tuple(topics), text, tuple(citations), _missing(answers, form), scores)


def _questions(assistant: Any, answers: ScanAnswers, form: ScanForm) -> list[tuple[str, str, str]]:
    """(kind, label, query) of each topic the advice answers, weakest element first."""
    lang = answers.language
    elements = {o.id: o for o in form.elements}
    ranked = sorted(answers.scores, key=lambda item: (item[1], [o.id for o in form.elements].index(item[0])))
    weak = [e for e, s in ranked if s <= WEAK_SCORE][:MAX_WEAK] or [e for e, s in ranked[:1] if s < 5]
    asked = [("weak", elements[e].label(lang), elements[e].query) for e in weak]
    problems = {o.id: o for o in form.problems}
    asked += [("problem", problems[p].label(lang), problems[p].query) for p in answers.problems]
    if answers.own_words.strip():
        own = assistant.validate(answers.own_words)  # the chat's checks: length, control characters, empty
        asked.append(("own", own, own))
    return asked


def _topic(assistant: Any, kind: str, label: str, query: str) -> Topic:
    from assistant.assistant import retrieve_understood

    understood = assistant.reader.read(query)
    retrieval = retrieve_understood(assistant.retriever, understood)
    ranked = [(p.chunk.recommendation_id, p.score) for p in retrieval.passages if p.chunk.recommendation_id]
    best = ranked[0][1] if ranked else 0.0
    chosen = [rec for rec, score in ranked if score >= SHARE * best][:MAX_PER_TOPIC]
    return Topic(kind, label, tuple(dict.fromkeys(chosen)))


def _render(
    assistant: Any, answers: ScanAnswers, form: ScanForm, topics: Sequence[Topic]
) -> tuple[str, list[Citation]]:
    lang = answers.language
    index = assistant.index
    catalogue = index.catalogue
    first, practices = _lookups(index)
    sector = next((o for o in form.sectors if o.id == answers.sector), None)
    citations: list[Citation] = []
    blocks = [f"## {form.text(lang, 'title')}"]
    missing = _missing(answers, form)
    if not topics:
        return "\n\n".join([*blocks, form.text(lang, "nothing")]), citations
    if missing:
        blocks.append(form.text(lang, "missing", fields=", ".join(missing)))
    shown: set[str] = set()
    for topic in topics:
        heading_key = {"weak": "weak", "where": "where"}.get(topic.kind, "problem")
        title = topic.label if topic.kind == "where" else f"{form.text(lang, heading_key)}: {topic.label}"
        lines = [f"### {title}"]
        fresh = [r for r in topic.recommendations if r not in shown] or list(topic.recommendations[:1])
        for rec_id in fresh:
            chunk = first.get(rec_id)
            quote = first_sentence(chunk) if chunk else ""
            if chunk is None or not quote:
                continue
            lines += [heading(lang, chunk, catalogue), f"{quote} [{cite(citations, chunk, quote)}]"]
            if rec_id not in shown:
                lines += _practice_lines(lang, rec_id, catalogue, practices, sector, citations)
            shown.add(rec_id)
        if len(lines) > 1:
            blocks.append("\n".join(lines))
    blocks.append(sources_block(lang, citations))
    return "\n\n".join(b for b in blocks if b), citations


_LOOKUPS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}  # index folder -> (first chunks, practices)


def _lookups(index: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Per index version (its folder): the passage that sets out each recommendation, and the first
    passage of each best practice; made once, since a scan asks for them on every click."""
    key = str(index.folder)
    if key not in _LOOKUPS:
        practices: dict[str, Any] = {}
        for chunk in index.chunks:
            if chunk.best_practice:
                practices.setdefault(chunk.best_practice, chunk)
        _LOOKUPS.clear()  # only the version in use is kept
        _LOOKUPS[key] = (first_chunks(index.chunks), practices)
    return _LOOKUPS[key]


def _practice_lines(
    lang: str,
    rec_id: str,
    catalogue: Any,
    practices: Mapping[str, Any],
    sector: Option | None,
    citations: list[Citation],
) -> list[str]:
    """The recommendation's best practices, those whose text names the sector first (at most two)."""
    rec = next((r for r in catalogue.recommendations if r.rec_id == rec_id), None)
    names = {bp.bp_id: bp.name for bp in catalogue.best_practices}
    found = [(names[b], practices[names[b]]) for b in (rec.best_practices if rec else ()) if names.get(b) in practices]
    words = set(fold(sector.query).split()) if sector else set()
    found.sort(key=lambda item: not (words & set(fold(item[1].text).split())))
    lines = []
    for name, chunk in found[:2]:
        quote = first_sentence(chunk)
        if quote:
            lines.append(f"{phrase(lang, 'practice', name=name)} {quote} [{cite(citations, chunk, quote)}]")
    return lines


def _missing(answers: ScanAnswers, form: ScanForm) -> tuple[str, ...]:
    lang = answers.language
    labels = _LABELS[lang]
    given = (answers.sector, answers.size, answers.region, answers.scores, answers.problems)
    absent = [label for label, value in zip(labels, given, strict=True) if not value]
    if answers.scores and len(answers.scores) < len(form.elements):
        absent.append(f"{len(form.elements) - len(answers.scores)} scores")
    return tuple(absent)


_LABELS = {
    "nl": ("sector", "omvang", "regio", "scores", "problemen"),
    "en": ("sector", "size", "region", "scores", "problems"),
}
