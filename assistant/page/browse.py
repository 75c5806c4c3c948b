"""The recommendations tab: the catalogue per document and theme, a search within it, and the
full text of one recommendation. Pure functions over the ``Catalogue``; the HTML is escaped."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from assistant.page.render import pdf_url
from corpus.records import BestPractice, Catalogue, Document, Recommendation
from ingest.clean import title_text
from ingest.text import fold

ASK_ABOUT = "Wat adviseert de SER over '{title}'?"  # the question behind "Vraag hierover"


def search(catalogue: Catalogue, query: str, doc_id: str | None = None) -> list[Recommendation]:
    """Recommendations whose number, title, theme, text or best practices hold every word of ``query``."""
    words = re.findall(r"\w+", fold(query))
    practices = {bp.bp_id: bp for bp in catalogue.best_practices}
    found = []
    for rec in catalogue.recommendations:
        if doc_id and rec.doc_id != doc_id:
            continue
        haystack = fold(" ".join([rec.number, rec.title, rec.theme, rec.text, *_practice_texts(rec, practices)]))
        if all(word in haystack for word in words):
            found.append(rec)
    return found


def choices(recommendations: Sequence[Recommendation], catalogue: Catalogue) -> list[tuple[str, str]]:
    """(label, rec_id) pairs for a selection list: short document name, number, title, printed pages."""
    names = {d.doc_id: short_title(d) for d in catalogue.documents}
    return [
        (f"{names.get(r.doc_id, r.doc_id)} · {r.number} {r.title} ({_pages(r)})", r.rec_id) for r in recommendations
    ]


def overview_html(catalogue: Catalogue, recommendations: Sequence[Recommendation], note: str = "") -> str:
    """The given recommendations grouped per document and theme, with their best practices (and a
    ``note`` above them, as text)."""
    if not recommendations:
        return '<div class="catalogus leeg">Geen aanbevelingen gevonden. Probeer een ander zoekwoord.</div>'
    shown = {r.rec_id for r in recommendations}
    practices = {bp.bp_id: bp for bp in catalogue.best_practices}
    parts = ['<div class="catalogus">', f'<p class="catalogus-noot">{html.escape(note)}</p>' if note else ""]
    for doc in catalogue.documents:
        recs = [r for r in catalogue.recommendations_of(doc.doc_id) if r.rec_id in shown]
        if recs:
            parts.append(f"<h3>{html.escape(doc.title)}</h3>")
            parts.extend(_themes_html(catalogue, doc, recs, practices))
    parts.append("</div>")
    return "".join(parts)


def detail_html(catalogue: Catalogue, rec_id: str | None) -> str:
    """One recommendation in full: title, document, theme, printed pages with PDF links, text, practices."""
    if not rec_id:
        return '<div class="aanbeveling leeg">Kies een aanbeveling om de volledige tekst te zien.</div>'
    e = html.escape
    rec = catalogue.recommendation(rec_id)
    doc = _document(catalogue, rec.doc_id)
    links = ", ".join(
        f'<a href="{e(pdf_url(doc.path, page))}" target="_blank" rel="noopener noreferrer">p. {e(label)}</a>'
        for page, label in zip(rec.pages, rec.page_labels, strict=False)
    )
    practices = [bp for bp in catalogue.best_practices if bp.bp_id in rec.best_practices]
    return (
        f'<div class="aanbeveling" data-rec="{e(rec.rec_id)}"><h3>{e(rec.number)} {e(rec.title)}</h3>'
        f'<div class="aanbeveling-meta">{e(doc.title)} · thema {e(rec.theme_number)} {e(rec.theme)} · '
        f"<code>{e(rec.rec_id)}</code> · {links}</div>"
        f"{_paragraphs(rec.text)}{''.join(_practice_html(doc, bp) for bp in practices)}</div>"
    )


def ask_about(catalogue: Catalogue, rec_id: str) -> str:
    return ASK_ABOUT.format(title=catalogue.recommendation(rec_id).title)


SHORT_TITLE_CHARS = 80


def short_title(document: Document) -> str:
    """The part of a title before its colon ("AI en werk"), as the answers cite documents; printable and
    at most ``SHORT_TITLE_CHARS`` long (an index built before titles were cleaned may hold anything)."""
    return title_text(document.title.split(":")[0], SHORT_TITLE_CHARS) or document.doc_id


def _themes_html(
    catalogue: Catalogue, doc: Document, recs: list[Recommendation], practices: dict[str, BestPractice]
) -> list[str]:
    e = html.escape
    titles = dict(catalogue.themes.get(doc.doc_id, ()))
    parts = []
    for theme in dict.fromkeys(r.theme_number for r in recs):
        parts.append(f"<h4>{e(theme)}. {e(titles.get(theme, ''))}</h4><ul>")
        for rec in (r for r in recs if r.theme_number == theme):
            items = "".join(
                f'<li class="praktijk">voorbeeld: {e(practices[b].name)} (p. {e(practices[b].page_label)})</li>'
                for b in rec.best_practices
                if b in practices
            )
            nested = f"<ul>{items}</ul>" if items else ""
            parts.append(
                f"<li><strong>{e(rec.number)}</strong> {e(rec.title)} <span>({e(_pages(rec))})</span>{nested}</li>"
            )
        parts.append("</ul>")
    return parts


def _practice_html(doc: Document, bp: BestPractice) -> str:
    e = html.escape
    link = (
        f'<a href="{e(pdf_url(doc.path, bp.page))}" target="_blank" rel="noopener noreferrer">p. {e(bp.page_label)}</a>'
    )
    return (
        f'<div class="praktijk"><h4>Voorbeeld uit de praktijk: {e(bp.name)} ({link})</h4>{_paragraphs(bp.text)}</div>'
    )


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(p.strip())}</p>" for p in re.split(r"\n\s*\n", text) if p.strip())


def _practice_texts(rec: Recommendation, practices: dict[str, BestPractice]) -> list[str]:
    return [f"{practices[b].name} {practices[b].text}" for b in rec.best_practices if b in practices]


def _pages(rec: Recommendation) -> str:
    labels = list(dict.fromkeys(rec.page_labels))
    shown = ", ".join(labels[:3]) + (" …" if len(labels) > 3 else "")
    return f"p. {shown}" if shown else "p. ?"


def _document(catalogue: Catalogue, doc_id: str) -> Document:
    return next(d for d in catalogue.documents if d.doc_id == doc_id)
