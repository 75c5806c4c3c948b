"""``python -m ingest catalogue``: print the catalogue of the current index for a person."""

from __future__ import annotations

from corpus.records import Catalogue


def render_catalogue(catalogue: Catalogue) -> str:
    out: list[str] = []
    practices = {bp.bp_id: bp for bp in catalogue.best_practices}
    for doc in catalogue.documents:
        out += [f"{doc.title} ({doc.publisher}, {doc.pages} p.) [{doc.doc_id}]", ""]
        for number, theme in catalogue.themes.get(doc.doc_id, ()):
            out.append(f"  {number}. {theme}")
            for rec in catalogue.recommendations_of(doc.doc_id):
                if rec.theme_number != number or rec.number == number:
                    continue
                pages = ", ".join(dict.fromkeys(rec.page_labels[:3]))
                out.append(f"     {rec.number:<5} {rec.title}  (p. {pages})")
                if rec.body_title:
                    out.append(f"           in de tekst: {rec.body_title}")
                for bp_id in rec.best_practices:
                    bp = practices[bp_id]
                    out.append(f"           best practice: {bp.name} (p. {bp.page_label})")
        out.append("")
    return "\n".join(out)
