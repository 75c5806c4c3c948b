"""``Assistant.ask`` on hostile questions (real index of the shared PDFs): it raises nothing but
the project's ``QuestionError``s, every answer it gives is well-formed, and what the chat page
renders from the question and the answer cannot carry HTML, scripts or links."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from assistant.compose import phrase
from assistant.page import render
from assistant.records import Answer, Filters, Persona
from corpus.errors import EmptyQuestionError, QuestionError, QuestionTooLongError
from tests.hostile.strategies import INJECTIONS, QUESTIONS, blank_text, hostile_text, long_text

LIMIT = 2000  # settings.answer.max_question_chars by default; checked against the fixture below
ASK = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
_MARKER = re.compile(r"\[(\d+)\]")
_LINK = re.compile(r"(?<!\\)\]\s*\(")  # a Markdown link or image: "](" not escaped
_TARGET = re.compile(r"(?<!\\)\]\(([^)]*)\)")
_HANDLER = re.compile(r"<[a-z]+[^>]*\son[a-z]+\s*=", re.IGNORECASE)


class Known:
    """What a citation may point at: catalogue documents, recommendations and the chunks per page."""

    def __init__(self, assistant) -> None:
        catalogue = assistant.index.catalogue
        self.catalogue = catalogue
        self.documents = {d.doc_id: d for d in catalogue.documents}
        self.recommendations = {r.rec_id for r in catalogue.recommendations}
        self.by_page = render.chunks_by_page(assistant.index.chunks)

    def __repr__(self) -> str:  # Hypothesis prints the arguments of a failing example
        return f"Known({sorted(self.documents)})"


@pytest.fixture(scope="module")
def known(assistant) -> Known:
    assert assistant.settings.answer.max_question_chars == LIMIT
    return Known(assistant)


def ask(assistant, question: str, **kwargs) -> Answer | QuestionError:
    try:
        return assistant.ask(question, **kwargs)
    except QuestionError as exc:  # anything else (also another AdvieswijzerError) fails the test
        return exc


def assert_well_formed(answer: Answer, known: Known) -> None:
    assert answer.answer.strip(), "an answer has text"
    assert answer.language in ("nl", "en")
    assert isinstance(answer.persona, Persona)
    if answer.abstained:
        assert answer.citations == (), "an abstention cites nothing"
        assert answer.answer == phrase(answer.language, "abstain")
        return
    assert answer.citations, "an answer that does not abstain cites its sources"
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for c in answer.citations:
        document = known.documents.get(c.doc_id)
        assert document is not None, f"citation {c.n} names unknown document {c.doc_id!r}"
        assert 1 <= c.page <= document.pages, f"citation {c.n}: page {c.page} of {document.pages}"
        assert c.recommendation_id is None or c.recommendation_id in known.recommendations
        assert c.quote.strip() and any(c.quote in chunk.text for chunk in known.by_page[(c.doc_id, c.page)]), (
            f"citation {c.n}: the quote is not on page {c.page} of {c.doc_id!r}"
        )
    markers = {int(n) for n in _MARKER.findall(render.answer_body(answer))}
    assert markers <= {c.n for c in answer.citations}, f"markers {markers} without a citation"


def assert_rendered_safely(question: str, outcome: Answer | QuestionError, known: Known) -> None:
    """The chat page's strings: the question bubble, the answer or error message, the sources panel."""
    user_text = [render.question_markdown(question)]
    if isinstance(outcome, Answer):
        answer = render.answer_markdown(outcome)
        assert "<" not in answer, f"raw HTML in the answer: {answer[:200]!r}"
        targets = _TARGET.findall(answer)
        assert all(re.fullmatch(r"#bron-\d+", t) for t in targets), f"links other than [n] markers: {targets}"
        panel = render.sources_html(outcome, known.catalogue, known.by_page)
    else:
        user_text.append(render.escape_markdown(str(outcome)))
        panel = render.empty_sources_html(str(outcome))
    for markdown in user_text:
        assert "<" not in markdown, f"raw HTML in chat Markdown: {markdown[:200]!r}"
        assert not _LINK.search(markdown), f"a live Markdown link: {markdown[:200]!r}"
    assert "<script" not in panel.lower() and "javascript:" not in panel.lower()
    assert not _HANDLER.search(panel), "an event handler attribute in the sources panel"


@ASK
@given(question=hostile_text, persona=st.sampled_from([None, *Persona]))
@example(question="", persona=None)
@example(question="\x00", persona=None)
@example(question="\ud800\udfff", persona=None)
@example(question="\u202eHoe kan het mkb AI invoeren?\u202c", persona=None)
@example(question="\u200b" * 3000 + "Hoe kan het mkb AI invoeren?", persona=None)
@example(question=QUESTIONS[0] + INJECTIONS[0], persona=Persona.BELEIDSMEDEWERKER)
@example(question=QUESTIONS[1] + " [klik](javascript:alert(1)) <img src=x onerror=alert(1)>", persona=None)
def test_hostile_question_gives_a_question_error_or_a_well_formed_answer(assistant, known, question, persona):
    outcome = ask(assistant, question, persona=persona)
    event(type(outcome).__name__ if not isinstance(outcome, Answer) else f"abstained={outcome.abstained}")
    if isinstance(outcome, QuestionTooLongError):
        assert len(question) > LIMIT, "only a question over the limit is too long"
    elif isinstance(outcome, EmptyQuestionError):
        assert not any(ch.isalnum() for ch in question), f"a question with letters was called empty: {question!r}"
    else:
        assert isinstance(outcome, Answer), outcome
        assert_well_formed(outcome, known)
    assert_rendered_safely(question, outcome, known)


@settings(ASK, max_examples=15)
@given(question=blank_text)
@example(question="")
@example(question=" \t\r\n\x00\x0b\x0c\u00a0\u2028\u200b\u200e\u202e\ufeff\ud800")
def test_blank_question_is_refused_as_empty(assistant, question):
    with pytest.raises(EmptyQuestionError):
        assistant.ask(question)


@settings(ASK, max_examples=10)
@given(question=long_text(LIMIT))
@example(question="a" * (LIMIT + 1))
@example(question="😀" * (LIMIT + 1))
@example(question="<script>" * 1000)
@example(question="Hoe kan het mkb AI invoeren? " * 40_000)  # about 1 MB
def test_question_over_the_limit_is_refused_as_too_long(assistant, question):
    with pytest.raises(QuestionTooLongError, match=str(LIMIT)):
        assistant.ask(question)


@settings(ASK, max_examples=15)
@given(
    question=st.sampled_from(QUESTIONS),
    filters=st.builds(
        Filters,
        st.lists(hostile_text, max_size=2).map(tuple),
        st.lists(hostile_text, max_size=2).map(tuple),
        st.lists(hostile_text, max_size=2).map(tuple),
    ),
)
def test_hostile_filters_narrow_or_empty_the_evidence_but_never_fail(assistant, known, question, filters):
    answer = assistant.ask(question, filters=filters)
    assert_well_formed(answer, known)
    if filters.doc_ids and not set(filters.doc_ids) & set(known.documents):
        assert answer.abstained, "no allowed document: nothing to cite"
