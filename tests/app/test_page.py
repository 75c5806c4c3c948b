"""The page's handlers without a browser: streaming, errors as messages, ratings, exports."""

from __future__ import annotations

import itertools

import pytest

from assistant.page.feedback import read_feedback
from corpus.settings import AppSettings

gr = pytest.importorskip("gradio")


@pytest.fixture(scope="module")
def app_module():
    import app

    return app


@pytest.fixture
def page(app_module, real_settings, assistant, tmp_path):
    settings = real_settings.model_copy(
        update={"app": AppSettings(stream_delay_s=0, feedback_file=tmp_path / "f.jsonl")}
    )
    return app_module.Page(settings, assistant)


def _run(page, question, answers=None, persona="ondernemer", docs=()):
    return list(page.respond(question, [], persona, list(docs), answers or {}))


def test_answer_streams_line_by_line_then_fills_the_sources(page):
    steps = _run(page, "Waar kan ik terecht als ik niet weet bij welke instantie ik moet zijn?")
    assert len(steps) > 3
    texts = [history[-1]["content"] for history, *_ in steps]
    assert all(b.startswith(a) for a, b in itertools.pairwise(texts))
    assert len(texts[0]) < len(texts[-1])
    history, question, sources, answers = steps[-1]
    assert question == "" and history[0]["role"] == "user"
    assert "[[1]](#bron-1)" in history[-1]["content"] and 'id="bron-1"' in sources
    assert list(answers) == [1] and answers[1].citations


def test_bad_questions_become_messages_in_the_chat(page):
    ((history, _, sources, answers),) = _run(page, "   ")
    assert history == [{"role": "assistant", "content": history[0]["content"]}]
    assert "De vraag is leeg" in history[0]["content"] and answers == {}
    assert "De vraag is leeg" in sources
    ((history, question, _, _),) = _run(page, "y" * 5000)
    assert "te lang" in history[-1]["content"] and question == "y" * 5000  # kept, to shorten it
    assert len(history[0]["content"]) < 700


def test_document_filter_and_persona_reach_the_assistant(page):
    *_, (_, _, _, answers) = _run(
        page, "Hoe betrek ik medewerkers bij AI?", persona="beleidsmedewerker", docs=["ser-ai-en-werk"]
    )
    answer = answers[1]
    assert str(answer.persona) == "beleidsmedewerker"
    assert {c.doc_id for c in answer.citations} <= {"ser-ai-en-werk"}


def test_rating_appends_feedback_and_ignores_non_answers(page):
    *_, (history, _, _, answers) = _run(page, "Bestaat er een arbeidsproductiviteitsscan?")
    page.rate(answers, gr.LikeData(None, {"index": 1, "value": history[1]["content"], "liked": False}))
    page.rate(answers, gr.LikeData(None, {"index": 0, "value": "vraag", "liked": True}))  # not an answer
    (record,) = read_feedback(page.settings.app.feedback_file)
    assert record["rating"] == "down" and record["question"] == "Bestaat er een arbeidsproductiviteitsscan?"


def test_note_handlers_find_draft_and_export(page):
    picked, message = page.find_for_note("ondersteuning van het mkb bij AI", [])
    assert picked["value"] and "gevonden" in message
    draft, message = page.draft_note("ondersteuning van het mkb bij AI", picked["value"])
    assert draft.startswith("# Beleidsnotitie: ondersteuning van het mkb bij AI") and message == ""
    as_docx, as_markdown, as_pdf = page.export_note(draft)
    assert as_docx.value["path"].endswith(".docx") and as_markdown.value["path"].endswith(".md")
    assert as_pdf.value["path"].endswith(".pdf")
    assert page.export_note("  ")[0].visible is False
    assert page.draft_note("", ["x"])[1] == "Vul eerst een onderwerp in."
    assert page.draft_note("iets", [])[1].startswith("Kies minstens één")
    assert page.find_for_note("  ", [])[1] == "Vul eerst een onderwerp in."


def test_only_catalogue_pdfs_are_allowed(page, real_settings):
    paths = page.pdf_paths()
    assert paths and all(p.endswith(".pdf") for p in paths)
    assert {p.rsplit("/", 1)[-1] for p in paths} == {p.name for p in real_settings.corpus.folders[0].glob("*.pdf")}


def test_the_page_builds(app_module, page):
    demo = app_module.build_page(page)
    assert isinstance(demo, gr.Blocks)


def test_an_english_question_is_answered_in_english(page):
    *_, (history, _, _, answers) = _run(page, "How can SMEs adopt AI?")
    assert answers[1].language == "en"
    reply = history[-1]["content"]
    assert (
        reply.startswith("This is what the SER advisories recommend") or reply == "The sources say nothing about this."
    )


def test_catalogue_search_falls_back_to_meaning_when_no_recommendation_holds_every_word(page):
    literal, _ = page.filter_catalogue("regeldruk", "")
    assert "Beperk de regeldruk" in literal and "catalogus-noot" not in literal  # a word match: as before
    meant, choices = page.filter_catalogue("we zijn veel te veel tijd kwijt aan formulieren van de overheid", "")
    assert "catalogus-noot" in meant and "passen" in meant  # said why these are shown
    assert choices["choices"]  # recommendations to pick, ranked as the assistant would answer
    nothing, _ = page.filter_catalogue("", "")
    assert "catalogus-noot" not in nothing
