"""What the chat page shows, as text: escaped user text, the answer with linked ``[n]`` markers,
and the sources panel (HTML) with each cited passage and its quote highlighted.

Everything that reaches the page from a user or a document is escaped here; the page itself
only places the strings. Links to a PDF go through Gradio's file route, which serves only the
corpus PDFs the app allows (see ``pdf_url``).
"""

from __future__ import annotations

import html
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote as url_quote

from assistant.records import Answer, Citation
from corpus.errors import AdvieswijzerError, IndexUnusableError, StoreUnavailableError
from corpus.records import Catalogue, Chunk, Document
from corpus.settings import PROJECT_ROOT

TEXTS_FILE = PROJECT_ROOT / "prompts" / "app.toml"
FILE_ROUTE = "/gradio_api/file="  # Gradio 6's route for files in `allowed_paths`
CONTEXT_CHARS = 220  # passage text shown on each side of a highlighted quote
SHOWN_QUESTION_CHARS = 600  # a longer question is shortened in its chat bubble (it is refused anyway)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$:'\"])")
_SOURCES_TAIL = re.compile(r"\n+[^\n\[]+\n(?:\[\d+\][^\n]*(?:\n|$))+\s*$")
_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # Markdown: a backslash before ASCII punctuation
_ESCAPED_MARKER = re.compile(r"\\\[(\d+)\\\]")  # a [n] marker after escape_markdown


@dataclass(frozen=True)
class QuoteInContext:
    before: str
    quote: str
    after: str


@lru_cache(maxsize=1)
def _texts() -> dict[str, Any]:
    return tomllib.loads(TEXTS_FILE.read_text(encoding="utf-8"))


def text(key: str, **values: object) -> str:
    """An interface text of ``prompts/app.toml``, filled in."""
    return str(_texts()[key]).format(**values)


def examples() -> list[str]:
    return [str(q) for q in _texts()["examples"]]


def escape_markdown(text: str) -> str:
    """User text for a Markdown message: shown literally (no HTML, links, emphasis or LaTeX)."""
    escaped = html.escape(text, quote=False)  # &, <, > as entities: never a tag
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escaped)


def plain_text(markdown: str) -> str:
    """What a Markdown text made here reads as: backslash escapes and entities resolved (``escape_markdown`` undone)."""
    return html.unescape(_BACKSLASH_ESCAPE.sub(r"\1", markdown))


def question_markdown(question: str) -> str:
    """The user's chat bubble: escaped, and shortened when it is very long."""
    shown = question if len(question) <= SHOWN_QUESTION_CHARS else question[:SHOWN_QUESTION_CHARS] + " …"
    return escape_markdown(shown)


def answer_body(answer: Answer) -> str:
    """The answer without its trailing sources list (the sources panel shows those in full)."""
    if not answer.citations:
        return answer.answer.strip()
    return _SOURCES_TAIL.sub("", answer.answer).strip()


def answer_markdown(answer: Answer) -> str:
    """The answer as chat Markdown. Its text comes from documents and models: it is escaped like user
    text (no HTML, images, links, autolinks or emphasis of theirs), then the two marks the assistant
    itself makes come back: ``**headings**`` and ``[n]`` as a link to source n."""
    body = escape_markdown(answer_body(answer)).replace(r"\*\*", "**")
    cited = {c.n for c in answer.citations}

    def link(match: re.Match[str]) -> str:
        n = int(match.group(1))
        return f"[[{n}]](#bron-{n})" if n in cited else match.group(0)

    return _ESCAPED_MARKER.sub(link, body)


def scan_markdown(text: str) -> str:
    """A scan report for the page: escaped like an answer (its quotes come from documents), its own
    ``##``/``###`` headings and ``**titles**`` kept."""
    lines = []
    for line in text.splitlines():
        marks, _, rest = line.partition(" ") if line.startswith("#") else ("", "", line)
        escaped = escape_markdown(rest).replace(r"\*\*", "**")
        lines.append(f"{marks} {escaped}" if marks else escaped)
    return "\n\n".join(line for line in lines if line)  # one paragraph per line: Markdown joins single breaks


def pdf_url(path: str, page: int) -> str:
    """A link that opens a corpus PDF at a 1-based PDF page."""
    return f"{FILE_ROUTE}{url_quote(path, safe='/')}#page={max(1, page)}"


def chunks_by_page(chunks: Iterable[Chunk]) -> dict[tuple[str, int], list[Chunk]]:
    """Chunks per (document, PDF page), to find the passage around a quote."""
    table: dict[tuple[str, int], list[Chunk]] = defaultdict(list)
    for chunk in chunks:
        for page in range(chunk.page, max(chunk.page, chunk.page_end) + 1):
            table[(chunk.doc_id, page)].append(chunk)
    return dict(table)


def quote_in_context(quote: str, texts: Iterable[str], width: int = CONTEXT_CHARS) -> QuoteInContext:
    """The quote with up to ``width`` characters of the first passage that contains it (cut at words)."""
    wanted = _squash(quote)
    for text in texts:
        flat = _squash(text)
        at = flat.find(wanted)
        if at < 0:
            continue
        start, end = max(0, at - width), min(len(flat), at + len(wanted) + width)
        before, after = flat[start:at], flat[at + len(wanted) : end]
        if start > 0:
            before = "… " + before.split(" ", 1)[-1]
        if end < len(flat):
            after = after.rsplit(" ", 1)[0] + " …"
        return QuoteInContext(before, wanted, after)
    return QuoteInContext("", wanted, "")


def sources_html(answer: Answer, catalogue: Catalogue, by_page: dict[tuple[str, int], list[Chunk]]) -> str:
    """The sources panel: one card per citation, anchored as ``bron-n``."""
    if not answer.citations:
        return '<div class="bronnen leeg">Geen bronnen bij dit antwoord.</div>'
    documents = {d.doc_id: d for d in catalogue.documents}
    passages = [p.chunk for p in answer.passages]
    cards = [
        _card(c, documents.get(c.doc_id), [*passages, *by_page.get((c.doc_id, c.page), [])]) for c in answer.citations
    ]
    return '<div class="bronnen">' + "".join(cards) + "</div>"


def empty_sources_html(message: str) -> str:
    return f'<div class="bronnen leeg">{html.escape(message)}</div>'


def _card(citation: Citation, document: Document | None, chunks: Sequence[Chunk]) -> str:
    e = html.escape
    context = quote_in_context(citation.quote, (c.text for c in chunks if c.doc_id == citation.doc_id))
    link = ""
    if document is not None:
        url = pdf_url(document.path, citation.page)
        link = (
            f'<a class="bron-pdf" href="{e(url)}" target="_blank" rel="noopener noreferrer">'
            f"Open de PDF op p. {e(citation.page_label)}</a>"
        )
    return (
        f'<div class="bron" id="bron-{citation.n}" data-n="{citation.n}" data-page="{citation.page}" '
        f'data-page-label="{e(citation.page_label)}" data-doc="{e(citation.doc_id)}">'
        f'<div class="bron-kop"><span class="bron-n">[{citation.n}]</span> '
        f"<strong>{e(citation.doc_title)}</strong></div>"
        f'<div class="bron-meta">{_where(citation)}</div>'
        f'<blockquote class="bron-tekst">{e(context.before)}'
        f'<mark class="bron-citaat">{e(context.quote)}</mark>{e(context.after)}</blockquote>'
        f"{link}</div>"
    )


def _where(citation: Citation) -> str:
    e = html.escape
    parts = []
    if citation.recommendation_id:
        parts.append(f"Aanbeveling <code>{e(citation.recommendation_id)}</code>: {e(citation.recommendation or '')}")
    elif citation.section:
        parts.append(f"Paragraaf: {e(citation.section.split(' › ')[-1])}")
    if citation.best_practice:
        parts.append(f"Voorbeeld uit de praktijk: {e(citation.best_practice)}")
    parts.append(f'<span class="bron-pagina">p. {e(citation.page_label)}</span>')
    if citation.ocr:  # read from a scan: the words may differ from the page
        parts.append(f'<span class="bron-ocr">{e(text("source_ocr"))}</span>')
    return " · ".join(parts)


def _squash(text: str) -> str:
    return " ".join(text.split())


def user_message(exc: AdvieswijzerError) -> str:
    """What the page shows for an error: plain words for a failing dependency, else the error's own text."""
    if isinstance(exc, StoreUnavailableError):
        return text("error_store")
    if isinstance(exc, IndexUnusableError):
        return text("error_index")
    return str(exc)
