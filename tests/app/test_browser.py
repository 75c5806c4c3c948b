"""The chat page in a real headless chromium (Debian package) driven by Playwright: a cited
answer, its source and PDF page, a rating, a policy note downloaded as DOCX; a follow-up read with
the conversation and "Nieuw gesprek"; and hostile input.

Screenshots of every step land in ``test-artifacts/`` (gitignored).
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest

from assistant.compose import phrase
from assistant.page import render
from assistant.page.feedback import read_feedback
from ingest.clean import normalize
from ingest.text import fold
from tests.browser import LAUNCH_ARGS, chromium_or_skip

pytestmark = pytest.mark.browser
playwright_api, CHROMIUM = chromium_or_skip()

QUESTION = "Waar kan ik terecht als ik niet weet bij welke instantie ik moet zijn?"
TOPIC = "ondersteuning van het mkb bij de inzet van AI"
HOSTILE = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2"> [klik](http://example.com) **vet**'
SECTIONS = ["Aanleiding", "Wat adviseren de SER-adviezen", "Voorbeelden uit de praktijk", "Overwegingen", "Bronnen"]
WAIT_MS = 30_000
FOLLOW_UP = "En in de zorg?"
STAFF_SHORTAGE = [  # an entrepreneur short of staff, in everyday words and with the word the advisories use
    pytest.param("Ik heb een klein bedrijf en kan geen personeel vinden. Wat kan ik doen?", id="gewone-woorden"),
    pytest.param("Wat kan ik als ondernemer doen tegen het personeelstekort?", id="personeelstekort"),
]
READING = phrase("nl", "reading", reading="").strip()  # "Ik lees uw vraag als:"
BOT = "#chat [data-testid='bot']"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        args = LAUNCH_ARGS
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, app_server) -> Iterator[object]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000}, locale="nl-NL")
    opened = context.new_page()
    opened.set_default_timeout(WAIT_MS)
    opened.goto(app_server.url)
    opened.wait_for_selector("#vraag textarea")
    yield opened
    context.close()


def _shot(page, artifacts: Path, name: str, full: bool = False) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=full)


def _ask(page, question: str) -> None:
    page.fill("#vraag textarea", question)
    page.click("#verstuur")


def _letters(text: str) -> str:
    """Letters only, folded, after the ingest's normalisation (OCR "Al" is "AI"; note numbers dropped)."""
    return re.sub(r"[^a-z]", "", fold(normalize(text)))


def test_cited_answer_source_rating_and_policy_note(page, app_server, artifacts, real_settings):
    _shot(page, artifacts, "01-start")
    _ask(page, QUESTION)
    page.wait_for_selector("#bronnen .bron")
    markers = page.locator("#chat a[href^='#bron-']")
    assert markers.count() >= 1
    _shot(page, artifacts, "02-antwoord")
    _scroll_chat_to_top(page)
    _shot(page, artifacts, "chat")  # the README's picture (docs/img/chat.png): question, cited answer, sources

    _check_first_source(page, app_server, markers)
    _shot(page, artifacts, "03-bron")

    page.locator("#chat button[aria-label='Vind ik leuk'], #chat button[aria-label='Like']").last.click()
    record = _wait_for_feedback(app_server.feedback)
    assert record["rating"] == "up" and record["question"] == QUESTION and record["citations"]

    draft_text = _draft_policy_note(page, artifacts)
    docx_path = _download(page, "#download-docx", artifacts / "beleidsnotitie.docx", must_contain="Eigen aantekening")
    _check_docx(docx_path, real_settings)
    md_path = _download(page, "#download-md", artifacts / "beleidsnotitie.md")
    assert md_path.read_text(encoding="utf-8").startswith(draft_text.splitlines()[0])
    pdf_path = _download(page, "#download-pdf", artifacts / "beleidsnotitie.pdf")
    _check_pdf(pdf_path, md_path.read_text(encoding="utf-8"))


def _scroll_chat_to_top(page) -> None:
    page.evaluate("""() => document.querySelectorAll('#chat *').forEach(el => {
        if (el.scrollHeight > el.clientHeight + 4) { el.scrollTop = 0; } })""")
    page.wait_for_timeout(300)


def _check_first_source(page, app_server, markers) -> None:
    """Click [1]: its card is marked; printed page, quote and the PDF link agree with the PDF itself."""
    from pypdf import PdfReader

    markers.first.click()
    card = page.locator("#bronnen .bron.actief")
    assert card.get_attribute("id") == "bron-1"
    pdf_page, label = int(card.get_attribute("data-page")), card.get_attribute("data-page-label")
    assert f"p. {label}" in card.locator(".bron-meta").inner_text()
    quote = card.locator("mark.bron-citaat").inner_text()
    href = card.locator("a.bron-pdf").get_attribute("href")
    assert href.endswith(f"#page={pdf_page}")
    response = page.request.get(urljoin(app_server.url, href.split("#")[0]))
    assert response.ok and response.headers["content-type"].startswith("application/pdf")
    text = PdfReader(io.BytesIO(response.body())).pages[pdf_page - 1].extract_text()
    assert _letters(quote)[:60] in _letters(text)


def _wait_for_feedback(path: Path) -> dict:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if records := read_feedback(path):
            return records[-1]
        time.sleep(0.2)
    raise AssertionError(f"no rating written to {path}")


def _draft_policy_note(page, artifacts: Path) -> str:
    page.get_by_role("tab", name="Beleidsnotitie").click()
    page.fill("#onderwerp textarea, #onderwerp input", TOPIC)
    page.click("#zoek-notitie")
    page.wait_for_selector("#notitie-aanbevelingen input[type=checkbox]:checked")
    _shot(page, artifacts, "04-aanbevelingen")
    page.click("#maak-concept")
    page.wait_for_selector("#download-docx", state="visible")
    draft = page.locator("#concept textarea")
    text = draft.input_value()
    assert all(f"## {s}" in text for s in SECTIONS) and "[^1]: " in text
    draft.fill(text + "\nEigen aantekening van de beleidsmedewerker.\n")  # the draft is editable
    _shot(page, artifacts, "05-concept", full=True)
    return text


def _download(page, selector: str, target: Path, must_contain: str = "") -> Path:
    """Download until the file holds ``must_contain`` (the export follows an edit within moments)."""
    for _ in range(20):
        with page.expect_download() as download:
            page.click(selector)
        download.value.save_as(str(target))
        if not must_contain or must_contain in _docx_text(target):
            return target
        time.sleep(0.5)
    raise AssertionError(f"{target.name} never held {must_contain!r}")


def _docx_text(path: Path) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def _check_docx(path: Path, real_settings) -> None:
    """Word heading styles and real footnotes (issue 16) with document, page and quote, on A4."""
    import zipfile

    import docx

    from ingest import store

    document = docx.Document(str(path))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Heading 1", f"Beleidsnotitie: {TOPIC}") in paragraphs
    headings = [t for s, t in paragraphs if s == "Heading 2"]
    assert headings[:3] == SECTIONS[:3]  # ("Bronnen" stays only when text of its own follows: the edit below)
    assert round(document.sections[0].page_height.mm) == 297
    with zipfile.ZipFile(path) as archive:
        body, footnotes = archive.read("word/document.xml").decode(), archive.read("word/footnotes.xml").decode()
    references = set(re.findall(r'<w:footnoteReference w:id="(\d+)"/>', body))
    notes = re.findall(r'<w:footnote w:id="(\d+)">(.*?)</w:footnote>', footnotes)
    assert references and references == {n for n, _ in notes}
    titles = [d.title for d in store.load_catalogue(store.require_current(real_settings.index)).documents]
    for _, note in notes:
        text = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", note))
        assert any(title in text for title in titles) and re.search(r", p\. \w+: ", text), text
    assert "Eigen aantekening van de beleidsmedewerker." in [t for _, t in paragraphs]


def _check_pdf(path: Path, markdown: str) -> None:
    """A4 pages with every quote and every note of the draft (as endnotes)."""
    import pypdf

    reader = pypdf.PdfReader(str(path))
    text = " ".join(" ".join(p.extract_text() or "" for p in reader.pages).split())
    assert all(round(float(p.mediabox.height)) == 842 for p in reader.pages)
    for note in re.findall(r"^\[\^\d+\]: .*: \"(.*)\"$", markdown, re.MULTILINE):
        assert " ".join(note.split())[:60] in text, note


@pytest.mark.parametrize("first", STAFF_SHORTAGE)
def test_follow_up_is_read_with_the_conversation_and_cites_a_recommendation(page, artifacts, first, request):
    """A follow-up ("En in de zorg?") after a question about staff shortage: the answer says how it read
    the question and cites a recommendation (a [n] in the answer, a card with a recommendation id)."""
    _ask(page, first)
    page.wait_for_selector("#bronnen .bron")
    _ask_and_wait(page, FOLLOW_UP)
    _shot(page, artifacts, f"gesprek-{request.node.callspec.id}")
    reply = page.locator(BOT).last
    text = reply.inner_text()
    assert text.startswith(READING), text[:300]
    assert reply.locator("a[href^='#bron-']").count() >= 1, text[:300]
    assert page.locator("#bronnen .bron .bron-meta code").count() >= 1, page.inner_text("#bronnen")[:300]


def test_new_conversation_forgets_the_earlier_questions(page, artifacts):
    expect = playwright_api.expect
    _ask(page, STAFF_SHORTAGE[1].values[0])
    page.wait_for_selector("#bronnen .bron")
    page.click("#nieuw-gesprek")
    expect(page.locator("#chat [data-testid='user']")).to_have_count(0)
    expect(page.locator("#bronnen")).to_contain_text(render.text("sources_placeholder"))
    _ask_and_wait(page, FOLLOW_UP)
    _shot(page, artifacts, "gesprek-nieuw")
    expect(page.locator("#chat [data-testid='user']")).to_have_count(1)
    assert not page.locator(BOT).last.inner_text().startswith(READING)


def _ask_and_wait(page, question: str) -> None:
    """Ask, then wait for the answer's last update: the one that replaces the sources panel."""
    before = page.inner_html("#bronnen .bronnen")
    _ask(page, question)
    page.wait_for_function(
        "(before) => { const panel = document.querySelector('#bronnen .bronnen');"
        " return panel !== null && panel.innerHTML !== before; }",
        arg=before,
    )


def test_hostile_input_gives_clear_messages_and_no_broken_page(page, app_server, artifacts):
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    expect = playwright_api.expect
    chat = page.locator("#chat")

    page.click("#verstuur")  # empty
    expect(chat).to_contain_text("De vraag is leeg")
    _shot(page, artifacts, "hostile-01-leeg")

    _ask(page, HOSTILE)
    expect(chat).to_contain_text("<script>window.__xss=1</script>")
    expect(chat).to_contain_text("[klik](http://example.com) **vet**")
    expect(page.locator("#vraag textarea")).to_have_value("")  # answered: the box is cleared
    assert page.evaluate("window.__xss") is None
    assert chat.locator("a[href*='example.com'], img[src='x'], script").count() == 0
    _shot(page, artifacts, "hostile-02-script")

    _ask(page, "x" * 5000)
    expect(chat).to_contain_text("De vraag is te lang (5000 tekens; de grens is 2000)")
    _shot(page, artifacts, "hostile-03-lang")

    _ask(page, QUESTION)  # the page still works
    page.wait_for_selector("#bronnen .bron")
    assert page.locator("#chat a[href^='#bron-']").count() >= 1

    page.get_by_role("tab", name="Aanbevelingen").click()
    page.fill("#zoek-aanbeveling textarea, #zoek-aanbeveling input", "<script>alert(1)</script>")
    expect(page.locator("#catalogus")).to_contain_text("Geen aanbevelingen gevonden")
    page.get_by_role("tab", name="Beleidsnotitie").click()
    page.click("#maak-concept")
    expect(page.locator("#notitie-melding")).to_contain_text("Vul eerst een onderwerp in")
    _shot(page, artifacts, "hostile-04-tabs")
    assert errors == [] and dialogs == []


def test_catalogue_search_detail_and_ask_about(page, artifacts):
    expect = playwright_api.expect
    page.get_by_role("tab", name="Aanbevelingen").click()
    page.fill("#zoek-aanbeveling textarea, #zoek-aanbeveling input", "no wrong door")
    expect(page.locator("#catalogus li").first).to_contain_text("4.3 Hanteer het 'no wrong door' principe")
    page.click("#kies-aanbeveling input")
    page.locator("ul[role=listbox] li").first.click()
    detail = page.locator("#aanbeveling")
    expect(detail).to_contain_text("Probeer versnippering van arbeidsproductiviteitsverhogende regelingen")
    assert detail.locator("a[href$='#page=30']").count() >= 1
    _shot(page, artifacts, "06-aanbeveling")
    page.click("#vraag-hierover")
    expect(page.get_by_role("tab", name="Chat")).to_have_attribute("aria-selected", "true")
    page.wait_for_selector("#bronnen .bron")
    expect(page.locator("#chat")).to_contain_text("Wat adviseert de SER over 'Hanteer het 'no wrong door' principe'?")
    _shot(page, artifacts, "07-vraag-hierover")


def test_scan_as_a_builder_short_of_staff_gives_chart_advice_and_downloads(page, artifacts):
    """Issue 15: a construction company with 12 employees that cannot find staff and scores low on
    smarter work gets the chart and advice citing SER Overijssel on staff shortage and smarter work,
    with a best practice; the DOCX and PDF open and hold the chart and the notes."""
    page.get_by_role("tab", name="Scan").click()
    for field, option in (("#scan-sector", "Bouw"), ("#scan-omvang", "10 tot 50 medewerkers")):
        page.click(f"{field} input")
        page.get_by_role("option", name=option, exact=True).click()
    from assistant.scan import load_form

    low = {"slimmer-werken": "1", "werkprocessen": "2"}
    for element in load_form().elements:
        page.locator(f"#scan-{element.id}").get_by_label(low.get(element.id, "3"), exact=True).check()
    page.locator("#scan-problemen").get_by_label("Personeel vinden", exact=True).check()
    page.click("#scan-maak")
    page.wait_for_selector("#scan-schijf img", timeout=WAIT_MS)
    page.wait_for_selector("#scan-docx", state="visible")
    _shot(page, artifacts, "scan-01-advice", full=True)
    advice = page.inner_text("#scan-advies")
    assert "aanbeveling 1.2" in advice and ("aanbeveling 5.3" in advice or "aanbeveling 2.6" in advice), advice[:800]
    assert "Voorbeeld uit de praktijk" in advice and "Bronnen" in advice
    docx_path = _download(page, "#scan-docx", artifacts / "scan.docx")
    import docx

    document = docx.Document(str(docx_path))
    assert document.inline_shapes and "Zie de huidige krapte als een kans" in _docx_text(docx_path)
    pdf_path = _download(page, "#scan-pdf", artifacts / "scan.pdf")
    import pypdf

    reader = pypdf.PdfReader(str(pdf_path))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert reader.pages[0].images and "Bronnen" in text and "krapte" in text
    page.click("#scan-verder")
    page.wait_for_selector("#vraag textarea")
    assert "Personeel vinden" in page.input_value("#vraag textarea")
