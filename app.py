"""The chat page of SER Advieswijzer: ``python app.py`` serves it on http://127.0.0.1:7860.

Three tabs: **Chat** (questions with cited answers and a sources panel), **Aanbevelingen** (the
catalogue, searchable) and **Beleidsnotitie** (a draft policy note with footnotes, as DOCX or
Markdown). This file only wires the page to the assistant's API; what the page shows is made in
``assistant.page.render``, ``assistant.page.browse``, ``assistant.notes.policy_note``, ``assistant.notes.docx_export``
and ``assistant.page.feedback``. Host, port, feedback file and the optional login come from the
settings (``ADVIESWIJZER_APP__*``). Without an index, the index is built first.
"""

from __future__ import annotations

import logging
import shutil
import signal
import time
import weakref

STARTED = time.perf_counter()  # before the heavy imports: the startup figure counts them

import sys  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Iterator, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from corpus.settings import PROJECT_ROOT, Settings, apply_offline_env, get_settings  # noqa: E402

apply_offline_env()  # before gradio is imported: no analytics, no model hub

import gradio as gr  # noqa: E402
from gradio.components.chatbot import ChatbotDataMessages  # noqa: E402
from gradio.data_classes import GradioRootModel  # noqa: E402
from gradio.route_utils import delete_files_created_by_app  # noqa: E402
from pydantic import ValidationError  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

from assistant import scan  # noqa: E402
from assistant.assistant import Assistant  # noqa: E402
from assistant.index import Index  # noqa: E402
from assistant.notes import docx_export, policy_note, scan_export  # noqa: E402
from assistant.page import browse, render  # noqa: E402
from assistant.page.feedback import append_feedback, feedback_for  # noqa: E402
from assistant.page.guard import LoginLimiter  # noqa: E402
from assistant.records import Answer, Draft, Filters, Persona  # noqa: E402
from corpus.errors import AdvieswijzerError, ArgumentTypeError, BuildError, QuestionError  # noqa: E402
from corpus.records import Catalogue  # noqa: E402

log = logging.getLogger("advieswijzer.app")

STATIC = PROJECT_ROOT / "assistant" / "page" / "static"
PERSONAS = [("Ondernemer", Persona.ONDERNEMER.value), ("Beleidsmedewerker", Persona.BELEIDSMEDEWERKER.value)]
PRESELECTED = 3  # recommendations ticked at first for a policy note
CATALOGUE_BY_MEANING = 8  # recommendations shown when no recommendation holds every word of a catalogue search
STREAM_STEPS = 4  # updates in which an extractive answer appears (each costs the server a page update)
HISTORY_TURNS = 3  # earlier questions passed on with a new one (the assistant reads the last three)
Messages = list[dict[str, Any]]


class Page:
    """The handlers of the page, around one warm ``Assistant``."""

    def __init__(self, settings: Settings, assistant: Assistant | None = None) -> None:
        self.settings = settings
        self.assistant = assistant or Assistant(settings)
        self.demo: gr.Blocks | None = None  # set by ``serve``, to widen the served PDFs after a new build
        self._version = ""
        self._by_page: dict[tuple[str, int], list[Any]] = {}
        self.exports = Path(tempfile.mkdtemp(prefix="advieswijzer-notities-"))
        weakref.finalize(self, shutil.rmtree, self.exports, True)  # the drafts go when the page does

    @property
    def catalogue(self) -> Catalogue:
        """The catalogue of the index version the assistant answers from (it follows new builds)."""
        return self._synced().catalogue

    @property
    def by_page(self) -> dict[tuple[str, int], list[Any]]:
        self._synced()
        return self._by_page

    def _synced(self) -> Index:
        """The assistant's index; after a switch to a new version, the page's lookups follow it."""
        index = self.assistant.index
        if index.version != self._version:
            self._by_page = render.chunks_by_page(index.chunks)
            self._version = index.version
            if self.demo is not None:
                self.demo.allowed_paths = self.pdf_paths(index)
        return index

    def pdf_paths(self, index: Index | None = None) -> list[str]:
        """The only files the page serves: the PDFs of the catalogue's documents."""
        documents = (index or self.assistant.index).catalogue.documents
        return [str(Path(d.path).resolve()) for d in documents if Path(d.path).is_file()]

    def document_choices(self) -> list[tuple[str, str]]:
        return [(browse.short_title(d), d.doc_id) for d in self.catalogue.documents]

    # --- Chat --------------------------------------------------------------------------------

    def respond(
        self, question: str, history: Messages, persona: str | None, doc_ids: list[str], answers: dict[int, Answer]
    ) -> Iterator[tuple[Any, ...]]:
        """Ask, then stream the answer: a language model's sentences one by one as each passes the
        verifier (never an unverified one), an extractive answer line by line; the sources panel
        fills in at the end. When the model fails halfway, the extractive answer replaces its sentences.

        The conversation is the chat shown: its last ``HISTORY_TURNS`` user questions go along as the
        history, so a follow-up ("En in de zorg?") is read with their topic; "Nieuw gesprek" empties it."""
        try:
            question, history, persona, doc_ids = _arguments(question, history, persona, doc_ids)
        except QuestionError as exc:  # an API caller's wrong types: a plain message, like other bad input
            message = str(exc)
            yield (
                [{"role": "assistant", "content": "⚠️ " + render.escape_markdown(message)}],
                "",
                render.empty_sources_html(message),
                {},
            )
            return
        answers = {i: a for i, a in (answers if isinstance(answers, dict) else {}).items() if i < len(history)}
        earlier = earlier_questions(history, answers)
        if question.strip():
            history.append({"role": "user", "content": render.question_markdown(question)})
        shown, answer = "", None
        filters = Filters(doc_ids=tuple(doc_ids or ()))
        try:
            for step in self.assistant.ask_stream(question, persona, filters, history=earlier):
                if isinstance(step, Draft):
                    shown = render.answer_markdown(step.answer)
                    yield [*history, {"role": "assistant", "content": shown}], "", gr.skip(), answers
                else:
                    answer = step
        except AdvieswijzerError as exc:
            message = _reported(exc)
            history.append({"role": "assistant", "content": "⚠️ " + render.escape_markdown(message)})
            yield history, question, render.empty_sources_html(message), answers
            return
        assert answer is not None  # ask_stream always ends with the Answer
        history.append({"role": "assistant", "content": ""})
        final = render.answer_markdown(answer)
        done = len(shown) if shown and final.startswith(shown) else 0  # a fallback replaces the drafts
        *pieces, last = [final[:done]] * bool(done) + _pieces(final[done:], STREAM_STEPS)
        for piece in pieces:
            history[-1] = {"role": "assistant", "content": history[-1]["content"] + piece}
            yield [*history], "", gr.skip(), answers
            time.sleep(self.settings.app.stream_delay_s)
        history[-1] = {"role": "assistant", "content": history[-1]["content"] + last}  # with the sources
        answers = {**answers, len(history) - 1: answer}
        yield history, "", render.sources_html(answer, self.catalogue, self.by_page), answers

    def rate(self, answers: dict[int, Answer], data: gr.LikeData) -> None:
        """Thumbs up/down: append the question, answer and citations to the feedback file."""
        index = data.index if isinstance(data.index, int) else data.index[0]
        answer = answers.get(index)
        if answer is None or data.liked not in (True, False):
            return
        try:
            append_feedback(self.settings.app.feedback_file, feedback_for(answer, bool(data.liked)))
        except AdvieswijzerError as exc:
            gr.Warning(str(exc))
            return
        gr.Info(render.text("feedback_thanks"))

    # --- Aanbevelingen -----------------------------------------------------------------------

    def filter_catalogue(self, query: str, doc_id: str) -> tuple[str, Any]:
        """Recommendations holding every word of ``query``; when none does, the ones that answer it
        best as a question would be understood ("personeel vinden" finds the staff-shortage ones)."""
        found = browse.search(self.catalogue, query or "", doc_id or None)
        note = ""
        if not found and (query or "").strip():
            try:
                found = self.assistant.recommendations_for(
                    query, Filters(doc_ids=(doc_id,) if doc_id else ()), limit=CATALOGUE_BY_MEANING
                )
            except AdvieswijzerError as exc:
                log.warning("catalogue search by meaning failed: %s", exc)  # the plain "nothing found" stays
            note = render.text("catalogue_by_meaning") if found else ""
        return browse.overview_html(self.catalogue, found, note), gr.update(
            choices=browse.choices(found, self.catalogue), value=None
        )

    def show_recommendation(self, rec_id: str | None) -> str:
        return browse.detail_html(self.catalogue, rec_id)

    def ask_about(self, rec_id: str | None) -> tuple[Any, Any]:
        if not rec_id:
            raise gr.Error("Kies eerst een aanbeveling.")  # stops the chain: nothing is asked
        return browse.ask_about(self.catalogue, rec_id), gr.Tabs(selected="chat")

    # --- Beleidsnotitie ----------------------------------------------------------------------

    def find_for_note(self, topic: str, doc_ids: list[str]) -> tuple[Any, str]:
        if not topic.strip():
            return gr.update(choices=[], value=[]), render.text("note_no_topic")
        try:  # the same understanding as a question (and as the eval's policy topics)
            found = self.assistant.recommendations_for(
                topic, Filters(doc_ids=tuple(doc_ids or ())), limit=policy_note.MAX_CANDIDATES
            )
        except AdvieswijzerError as exc:
            return gr.update(choices=[], value=[]), render.escape_markdown(_reported(exc))
        if not found:
            return gr.update(choices=[], value=[]), render.text("note_no_candidates")
        choices = browse.choices(found, self.catalogue)
        chosen = [rec_id for _, rec_id in choices[:PRESELECTED]]
        return gr.update(choices=choices, value=chosen), render.text("note_found", count=len(found))

    def draft_note(self, topic: str, rec_ids: list[str]) -> tuple[Any, str]:
        if not topic.strip():
            return gr.skip(), render.text("note_no_topic")
        if not rec_ids:
            return gr.skip(), render.text("note_none_chosen")
        note = policy_note.draft(topic, rec_ids, self.catalogue, self.assistant.index.chunks)
        return policy_note.to_markdown(note), ""

    def make_scan(self, *values: Any) -> tuple[Any, ...]:
        """The scan's chart, its advice (escaped like an answer), the DOCX and PDF downloads, and the
        question "Vraag verder" puts in the chat. A wrong value gets a message, never a traceback."""
        hidden = gr.DownloadButton(value=None, visible=False)
        form = scan.load_form()
        try:
            report = scan.scan_report(self.assistant, _scan_answers(values, form), form)
        except AdvieswijzerError as exc:
            return (
                gr.Image(visible=False),
                "⚠️ " + render.escape_markdown(_reported(exc)),
                hidden,
                hidden,
                gr.Button(visible=False),
                "",
            )
        png = scan_export.radar_png(report.scores, form.text("nl", "title"))
        _keep_newest(self.exports, self.settings.app.max_exports - 1)
        files = scan_export.export(report, Path(tempfile.mkdtemp(dir=self.exports)), png)
        topics = sorted((t for t in report.topics if t.kind in ("problem", "weak")), key=lambda t: t.kind != "problem")
        follow = render.text("scan_follow_up", topic=topics[0].label) if topics else ""  # a ticked problem first
        return (
            gr.Image(value=str(files.chart), visible=True) if files.chart else gr.Image(visible=False),
            render.scan_markdown(report.text),
            gr.DownloadButton(value=str(files.docx), visible=True),
            gr.DownloadButton(value=str(files.pdf), visible=True),
            gr.Button(visible=bool(follow)),
            follow,
        )

    def export_note(self, markdown: str) -> tuple[Any, Any, Any]:
        """Write the (edited) draft as DOCX, Markdown and PDF for the three download buttons. A draft over
        ``max_note_chars`` is not exported (a warning says so); only the newest ``max_exports`` are kept."""
        limits = self.settings.app
        hidden = (_hidden_download(), _hidden_download(), _hidden_download())
        if not isinstance(markdown, str) or not markdown.strip():
            return hidden
        if len(markdown) > limits.max_note_chars:
            gr.Warning(render.text("note_too_long", limit=limits.max_note_chars))
            return hidden
        title = next((ln.lstrip("# ") for ln in markdown.splitlines() if ln.startswith("# ")), "beleidsnotitie")
        _keep_newest(self.exports, limits.max_exports - 1)
        files = docx_export.export(markdown, Path(tempfile.mkdtemp(dir=self.exports)), title)
        return _download(files.docx), _download(files.markdown), _download(files.pdf)


def _download(path: Path) -> Any:
    return gr.DownloadButton(value=str(path), visible=True)


def _hidden_download() -> Any:
    return gr.DownloadButton(value=None, visible=False)


def _scan_answers(values: Sequence[Any], form: scan.ScanForm) -> scan.ScanAnswers:
    """The scan tab's inputs (sector, size, region, one score per element, problems, own words)."""
    sector, size, region, *rest = values
    scores = rest[: len(form.elements)]
    problems, own = rest[len(form.elements)], rest[len(form.elements) + 1]
    data = {
        "sector": sector,
        "size": size,
        "region": region,
        "scores": {o.id: int(v) for o, v in zip(form.elements, scores, strict=True) if v},
        "problems": list(problems or []),
        "own_words": own or "",
    }
    return scan.ScanAnswers.from_mapping(data, form)


def _keep_newest(folder: Path, keep: int) -> None:
    """Remove all but the ``keep`` newest subfolders of ``folder`` (exported drafts)."""
    old = sorted((p for p in folder.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)[keep:]
    for path in old:
        shutil.rmtree(path, ignore_errors=True)


def build_page(page: Page) -> gr.Blocks:
    age = page.settings.app.temp_max_age_s
    with gr.Blocks(title=render.text("title"), delete_cache=(max(60, age // 10), age)) as demo:
        gr.Markdown(f"# {render.text('title')}\n{render.text('intro')}")
        with gr.Tabs() as tabs:
            ask = _chat_tab(page)
            _catalogue_tab(page, tabs, ask)
            _note_tab(page)
            _scan_tab(page, tabs, ask)
    return demo


def _chat_tab(page: Page) -> dict[str, Any]:
    """The chat tab; returns the wiring of "ask" (handler, inputs, outputs) for the other tabs."""
    limit = page.settings.answer.max_question_chars
    with gr.Tab("Chat", id="chat"):
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="Gesprek",
                    elem_id="chat",
                    height=600,
                    layout="panel",
                    placeholder=render.text("chat_placeholder"),
                    feedback_options=("Like", "Dislike"),
                    latex_delimiters=[],
                    buttons=["copy"],
                )
                checked_history(chatbot)
                question = gr.Textbox(
                    label=render.text("question_label"),
                    elem_id="vraag",
                    lines=2,
                    placeholder=render.text("question_placeholder"),
                    max_lines=8,
                    info=render.text("question_info", limit=limit),
                )
                with gr.Row():
                    send = gr.Button("Vraag", variant="primary", elem_id="verstuur")
                    clear = gr.ClearButton([chatbot, question], value="Nieuw gesprek", elem_id="nieuw-gesprek")
                gr.Examples(examples=[[q] for q in render.examples()], inputs=[question], label="Voorbeeldvragen")
            with gr.Column(scale=2):
                persona = gr.Radio(PERSONAS, value=page.settings.answer.persona, label="Ik ben", elem_id="persona")
                documents = gr.CheckboxGroup(
                    page.document_choices(), label="Alleen in deze adviezen (leeg: alle)", elem_id="documentfilter"
                )
                gr.Markdown("### Bronnen")
                sources = gr.HTML(render.empty_sources_html(render.text("sources_placeholder")), elem_id="bronnen")
        answers = gr.State({})
        ask: dict[str, Any] = {
            "fn": page.respond,
            "inputs": [question, chatbot, persona, documents, answers],
            "outputs": [chatbot, question, sources, answers],
            "show_progress": "minimal",
        }
        send.click(**ask)
        question.submit(**ask)
        chatbot.like(page.rate, inputs=[answers], outputs=None)
        for cleared in (clear.click, chatbot.clear):
            cleared(
                lambda: ({}, render.empty_sources_html(render.text("sources_placeholder"))), outputs=[answers, sources]
            )
    return ask


def _catalogue_tab(page: Page, tabs: gr.Tabs, ask: dict[str, Any]) -> None:
    everything = page.catalogue.recommendations
    with gr.Tab("Aanbevelingen", id="aanbevelingen"):
        gr.Markdown(render.text("catalogue_intro"))
        with gr.Row():
            search = gr.Textbox(label="Zoek in de aanbevelingen", elem_id="zoek-aanbeveling", scale=3)
            document = gr.Dropdown([("Alle adviezen", ""), *page.document_choices()], value="", label="Advies", scale=1)
        with gr.Row():
            with gr.Column(scale=1):
                listing = gr.HTML(browse.overview_html(page.catalogue, everything), elem_id="catalogus")
            with gr.Column(scale=1):
                chosen = gr.Dropdown(
                    browse.choices(everything, page.catalogue),
                    value=None,
                    label="Aanbeveling",
                    elem_id="kies-aanbeveling",
                )
                detail = gr.HTML(browse.detail_html(page.catalogue, None), elem_id="aanbeveling")
                ask_button = gr.Button("Vraag hierover", elem_id="vraag-hierover")
    for trigger in (search.change, document.change):
        trigger(page.filter_catalogue, inputs=[search, document], outputs=[listing, chosen])
    chosen.change(page.show_recommendation, inputs=[chosen], outputs=[detail])
    question = ask["inputs"][0]
    ask_button.click(page.ask_about, inputs=[chosen], outputs=[question, tabs]).success(**ask)


def _note_tab(page: Page) -> None:
    with gr.Tab("Beleidsnotitie", id="beleidsnotitie"):
        gr.Markdown(render.text("note_intro"))
        with gr.Row():
            topic = gr.Textbox(
                label="Onderwerp",
                elem_id="onderwerp",
                scale=3,
                placeholder="Bijvoorbeeld: ondersteuning van het mkb bij de inzet van AI",
            )
            documents = gr.CheckboxGroup(page.document_choices(), label="Alleen in deze adviezen (leeg: alle)", scale=2)
        find = gr.Button("Zoek aanbevelingen", elem_id="zoek-notitie")
        status = gr.Markdown(elem_id="notitie-melding", elem_classes=["melding"])
        picked = gr.CheckboxGroup([], label="Te gebruiken aanbevelingen", elem_id="notitie-aanbevelingen")
        make = gr.Button("Maak concept", variant="primary", elem_id="maak-concept")
        draft = gr.Textbox(
            label="Concept (bewerkbaar, Markdown)", lines=22, max_lines=60, elem_id="concept", buttons=["copy"]
        )
        with gr.Row():
            as_docx = gr.DownloadButton("Download DOCX", visible=False, elem_id="download-docx")
            as_markdown = gr.DownloadButton("Download Markdown", visible=False, elem_id="download-md")
            as_pdf = gr.DownloadButton("Download PDF", visible=False, elem_id="download-pdf")
    find.click(page.find_for_note, inputs=[topic, documents], outputs=[picked, status])
    topic.submit(page.find_for_note, inputs=[topic, documents], outputs=[picked, status])
    make.click(page.draft_note, inputs=[topic, picked], outputs=[draft, status])
    draft.change(page.export_note, inputs=[draft], outputs=[as_docx, as_markdown, as_pdf], trigger_mode="always_last")


def _scan_tab(page: Page, tabs: gr.Tabs, ask: dict[str, Any]) -> None:
    """De productiviteitsscan (issue 15): the questions of ``prompts/scan.toml``, the chart, the advice."""
    form = scan.load_form()
    with gr.Tab("Scan", id="scan"):
        gr.Markdown(f"### {form.text('nl', 'title')}\n{form.text('nl', 'intro')}")
        with gr.Row():
            sector = gr.Dropdown(
                [(o.nl, o.id) for o in form.sectors], value=None, label="Sector", elem_id="scan-sector"
            )
            size = gr.Dropdown([(o.nl, o.id) for o in form.sizes], value=None, label="Omvang", elem_id="scan-omvang")
            region = gr.Dropdown([(o.nl, o.id) for o in form.regions], value=None, label="Regio", elem_id="scan-regio")
        gr.Markdown(form.text("nl", "scale"))
        scores = [
            gr.Radio(["1", "2", "3", "4", "5"], value=None, label=o.nl, elem_id=f"scan-{o.id}") for o in form.elements
        ]
        problems = gr.CheckboxGroup(
            [(o.nl, o.id) for o in form.problems], label="Uw grootste problemen", elem_id="scan-problemen"
        )
        own = gr.Textbox(label="In uw eigen woorden (mag leeg)", lines=2, elem_id="scan-eigen-woorden")
        make = gr.Button("Maak mijn advies", variant="primary", elem_id="scan-maak")
        chart = gr.Image(label="Uw schijf", type="filepath", visible=False, elem_id="scan-schijf", interactive=False)
        advice = gr.Markdown(elem_id="scan-advies")
        with gr.Row():
            as_docx = gr.DownloadButton("Download DOCX", visible=False, elem_id="scan-docx")
            as_pdf = gr.DownloadButton("Download PDF", visible=False, elem_id="scan-pdf")
            further = gr.Button("Vraag verder over dit advies", visible=False, elem_id="scan-verder")
        follow = gr.State("")
    make.click(
        page.make_scan,
        inputs=[sector, size, region, *scores, problems, own],
        outputs=[chart, advice, as_docx, as_pdf, further, follow],
    )
    further.click(lambda text: (text, gr.Tabs(selected="chat")), inputs=[follow], outputs=[ask["inputs"][0], tabs])


def ensure_index(settings: Settings) -> None:
    """Build the index first when there is none yet (progress on the console)."""
    from ingest import store

    if store.current_version(settings.index) is not None:
        return
    from ingest.build import build
    from ingest.progress import Progress

    print("Nog geen index gevonden: de index wordt eerst opgebouwd (eenmalig, ruim een minuut).", flush=True)
    report = build(settings, Progress.for_terminal())
    if store.current_version(settings.index) is None:
        folders = [str(f) for f in settings.corpus.folders]
        raise BuildError(f"Er kon geen index worden gebouwd uit {folders!r}. Zet de PDF's in een van deze mappen.")
    print(f"Index klaar in {report.seconds:.0f} s.", flush=True)


def earlier_questions(history: Messages, answers: dict[int, Answer]) -> tuple[str, ...]:
    """The user questions of the chat as typed, oldest first, the last ``HISTORY_TURNS``."""
    typed: list[str] = []
    for i in reversed(range(len(history))):  # newest first: a long chat costs no more than a short one
        question = _typed(history[i], answers.get(i + 1))
        if question.strip():
            typed.append(question)
        if len(typed) == HISTORY_TURNS:
            break
    return tuple(reversed(typed))


def _typed(message: object, answer: Answer | None) -> str:
    """A user message's question as typed ("" for any other message). Its bubble holds it escaped (a very
    long one shortened), so it comes from the answer the page kept for the reply after it, when that
    answer is this bubble's; otherwise (an API caller's own chat) the bubble is read back from its Markdown."""
    if not isinstance(message, dict) or message.get("role") != "user":
        return ""
    bubble = _text_of(message.get("content"))
    if answer is not None and render.question_markdown(answer.question) == bubble:
        return answer.question
    return render.plain_text(bubble)


def _text_of(content: object) -> str:
    """A message's text: Gradio hands the handler a list of parts, the handler itself yields strings."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(p.get("text") or "") for p in content if isinstance(p, dict) and p.get("type") == "text")
    return ""


def _pieces(text: str, steps: int) -> list[str]:
    """``text`` in at most ``steps`` parts of whole lines, for a progressive display that costs
    the server a few updates per answer rather than one per line (docs/performance.md, Load)."""
    lines = text.splitlines(keepends=True)
    size = -(-len(lines) // steps) if lines else 1
    return ["".join(lines[i : i + size]) for i in range(0, len(lines), size)]


class _AnyHistory(GradioRootModel):
    root: Any


def checked_history(chatbot: gr.Chatbot) -> gr.Chatbot:
    """The chat, whose history an API caller sends back: Gradio checks its shape before any handler runs
    and answers a wrong one with a bare ``{"error": null}``. Here that check is the component's own first
    step, and a wrong shape is an error event whose message names the field (issue 13). Set on the
    instance: a subclass of a Gradio component makes Gradio write a ``.pyi`` file next to this one."""
    strict = chatbot.preprocess
    schema = ChatbotDataMessages.model_json_schema()
    schema["additional_description"] = schema.pop("description", None)

    def preprocess(payload: Any) -> Any:
        raw = payload.root if isinstance(payload, GradioRootModel) else payload
        try:
            messages = None if raw is None else ChatbotDataMessages.model_validate(raw)
        except ValidationError:
            raise gr.Error(str(ArgumentTypeError("history", "een lijst berichten {'role', 'content'}", raw))) from None
        return strict(messages)

    for name, value in (("data_model", _AnyHistory), ("preprocess", preprocess), ("api_info", lambda: schema)):
        setattr(chatbot, name, value)
    return chatbot


def _arguments(
    question: object, history: object, persona: object, doc_ids: object
) -> tuple[str, Messages, str | None, list[str]]:
    """The chat handler's arguments as the page sends them; an API caller may send nulls (read as empty)
    but a wrong type is an ``ArgumentTypeError`` that names the field."""
    question = "" if question is None else question
    history = [] if history is None else history
    persona = None if persona == "" else persona  # None: the configured default
    doc_ids = [] if doc_ids is None else doc_ids
    if not isinstance(question, str):
        raise ArgumentTypeError("question", "tekst", question)
    if not isinstance(history, list):  # entries that are no message are skipped (``earlier_questions``)
        raise ArgumentTypeError("history", "een lijst berichten ({'role': …, 'content': …})", history)
    if persona is not None and persona not in {p.value for p in Persona}:
        raise ArgumentTypeError("persona", "'ondernemer' of 'beleidsmedewerker'", persona)
    if not isinstance(doc_ids, list) or not all(isinstance(d, str) for d in doc_ids):
        raise ArgumentTypeError("doc_ids", "een lijst document-id's", doc_ids)
    return question, list(history), None if persona is None else str(persona), [str(d) for d in doc_ids]


def _reported(exc: AdvieswijzerError) -> str:
    """Log the technical cause for the operator; return what the user should read."""
    log.warning("%s: %s", type(exc).__name__, exc)
    return render.user_message(exc)


# Images, media, frames and plug-ins only from the page's own origin: a text that slipped through as
# Markdown or HTML still cannot make the browser fetch from elsewhere (issue 13).
CONTENT_POLICY = (
    '<meta http-equiv="Content-Security-Policy" content="img-src \'self\' data: blob:; '
    "media-src 'self' data: blob:; frame-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'\">"
)


def serve(page: Page) -> None:
    """Launch on the configured host and port; serve only the corpus PDFs; block until Ctrl-C."""
    app = page.settings.app
    theme = gr.themes.Default(font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])
    demo = build_page(page).queue(default_concurrency_limit=app.concurrency, max_size=app.queue_size)
    demo.launch(
        server_name=app.host,
        server_port=app.port,
        auth=app.auth,
        allowed_paths=page.pdf_paths(),
        state_session_capacity=app.sessions,
        app_kwargs={"middleware": [Middleware(LoginLimiter, attempts=app.login_attempts)]},
        prevent_thread_lock=True,
        quiet=True,
        footer_links=[],
        run_history=False,
        enable_monitoring=False,
        mcp_server=False,
        ssr_mode=False,
        theme=theme,
        css_paths=[STATIC / "app.css"],
        head=f"{CONTENT_POLICY}<script>{(STATIC / 'app.js').read_text(encoding='utf-8')}</script>",
    )
    url = f"http://{app.host}:{app.port}"
    print(f"SER Advieswijzer klaar op {url} (opgestart in {time.perf_counter() - STARTED:.1f} s)", flush=True)
    page.demo = demo
    try:
        demo.block_thread()
    finally:  # Gradio's own shutdown removes them too, unless an open connection outlasts its 5 s wait
        delete_files_created_by_app(demo, age=None)


def _interrupt(*_: object) -> None:
    """SIGTERM as Ctrl-C: Gradio then closes its server properly, and its shutdown removes the
    downloads it copied to its temp folder (``sys.exit`` would end the process around it)."""
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGTERM, _interrupt)  # a stop by the process manager cleans up like Ctrl-C
    try:
        settings = get_settings()
    except ValidationError as exc:
        print(f"Fout in de instellingen (ADVIESWIJZER_*):\n{exc}", file=sys.stderr)
        return 2
    try:
        ensure_index(settings)
        page = Page(settings)
        serve(page)
    except AdvieswijzerError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM before the page served (while the first index is built)
        return 0
    except OSError as exc:  # the port is taken, or the host cannot be bound
        where = f"{settings.app.host}:{settings.app.port}"
        print(
            f"Fout: kan niet starten op {where}; kies een andere poort met ADVIESWIJZER_APP__PORT.\n({exc})",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
