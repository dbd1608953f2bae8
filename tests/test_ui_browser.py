"""The launched chat in a real Chromium: answers appear cited, and document markup stays text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from test_ui import QUESTION, SEATS, XSS_QUESTIONS, index_xss_document, serving

from assistant import Assistant

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ANSWER_TIMEOUT_MS = 60_000
HINDI_EXAMPLE = "मायावती ने पदाधिकारियों को किस चुनाव को लेकर निर्देश दिए?"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect


@dataclass
class Visit:
    """A page of the app, with every dialog it opened and every URL it requested."""

    page: sync_api.Page
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def ask(self, question: str, expected_answer: str) -> sync_api.Locator:
        """Type and submit a question; wait until the whole expected answer is shown."""
        box = self.page.get_by_placeholder("Ask about your documents")
        box.fill(question)
        return self.submit(expected_answer)

    def submit(self, expected_answer: str) -> sync_api.Locator:
        replies = self.page.locator('#chat [data-testid="bot"]')
        count = replies.count()
        self.page.get_by_placeholder("Ask about your documents").press("Enter")
        expect(replies).to_have_count(count + 1, timeout=ANSWER_TIMEOUT_MS)
        reply = replies.last
        expect(reply).to_have_text(expected_answer, timeout=ANSWER_TIMEOUT_MS)
        return reply


def test_typed_question_gets_cited_answer_and_highlighted_quote(
    assistant: Assistant, browser: sync_api.Browser, tmp_path: Path
) -> None:
    expected = assistant.ask(QUESTION)
    citation = expected.citations[0]
    with serving(assistant) as url:
        visit = open_page(browser, url)
        reply = visit.ask(QUESTION, expected.answer)
        card = visit.page.locator("#sources .source").first

        expect(reply).to_contain_text("[1]")
        expect(card.locator("mark")).to_have_text(citation.quote)
        expect(card.locator(".source-heading")).to_contain_text(citation.title)
        expect(card.locator(".source-meta")).to_contain_text(citation.source)
        expect(card.locator(".source-meta")).to_contain_text(citation.date)
        assert len(card.locator(".source-passage").inner_text()) > len(citation.quote)
        visit.page.screenshot(path=tmp_path / "answer.png", full_page=True)
    assert visit.dialogs == [] and offsite(visit.requests, url) == []


def test_cleared_chat_stays_cleared(assistant: Assistant, browser: sync_api.Browser) -> None:
    with serving(assistant) as url:
        visit = open_page(browser, url)
        visit.ask(QUESTION, assistant.ask(QUESTION).answer)
        visit.page.locator("#chat button[aria-label='Clear']").click()
        expect(visit.page.locator('#chat [data-testid="bot"]')).to_have_count(0)

        visit.ask(SEATS, assistant.ask(SEATS).answer)

        expect(visit.page.locator('#chat [data-testid="user"]')).to_have_text([SEATS])


def test_hindi_example_fills_the_box_and_is_answered(
    assistant: Assistant, browser: sync_api.Browser
) -> None:
    expected = assistant.ask(HINDI_EXAMPLE)
    with serving(assistant) as url:
        visit = open_page(browser, url)
        visit.page.get_by_text(HINDI_EXAMPLE).click()
        expect(visit.page.get_by_placeholder("Ask about your documents")).to_have_value(
            HINDI_EXAMPLE
        )
        visit.submit(expected.answer)

        expect(visit.page.locator("#sources mark").first).to_have_text(expected.citations[0].quote)


def test_document_markup_never_renders(
    xss_assistant: Assistant, browser: sync_api.Browser, tmp_path: Path
) -> None:
    with serving(xss_assistant) as url:
        visit = open_page(browser, url)
        for question, payload in XSS_QUESTIONS.items():
            reply = visit.ask(question, xss_assistant.ask(question).answer)
            expect(reply).to_contain_text(payload)
            expect(visit.page.locator("#sources mark").first).to_contain_text(payload)
        shown = visit.page.locator("#chat, #sources")

        assert shown.locator("img, script, a[href*='attacker'], b").count() == 0
        # Nowhere on the page, either: no element built from the document's markup.
        page_wide = "img[src='x'], img[src*='attacker'], img[onerror], [href*='attacker']"
        assert visit.page.locator(page_wide).count() == 0
        expect(visit.page.locator("#sources .source-heading")).to_contain_text(
            "Harbour <b>notes</b> <img src=x onerror=alert(1)>"
        )
        visit.page.screenshot(path=tmp_path / "markup.png", full_page=True)
    assert visit.dialogs == []
    assert not any(re.search(r"/x(\.png)?$", address) for address in visit.requests)
    assert not any("attacker" in address for address in visit.requests)
    assert offsite(visit.requests, url) == []


@pytest.fixture(scope="module")
def xss_assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return index_xss_document(tmp_path_factory.mktemp("xss"))


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_page(browser: sync_api.Browser, url: str) -> Visit:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    visit = Visit(page)
    page.on("dialog", lambda dialog: (visit.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: visit.requests.append(request.url))
    page.goto(url)
    return visit


def offsite(addresses: list[str], url: str) -> list[str]:
    """Requested URLs on any other host than the app's: the page must work offline."""
    host = urlsplit(url).netloc
    return [a for a in addresses if urlsplit(a).netloc != host and not a.startswith("data:")]
