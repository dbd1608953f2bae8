"""The launched app in a real Chromium: cited answers, follow-ups, documents, evaluation, fonts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from test_ui import QUESTION, SEATS, XSS_QUESTIONS, index_xss_document, serving

from assistant import Assistant
from ui.rendering import display_title

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
SHOWN_SOURCES = "#sources .turn-sources:not([hidden])"  # the selected answer's cards
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

        expect(reply.locator("a.cite").first).to_have_text("[1]")
        expect(card.locator("mark")).to_have_text(citation.quote)
        heading = card.locator(".source-heading")
        expect(heading).to_contain_text(display_title(citation.title))  # cut for display only
        expect(heading).to_have_attribute("title", citation.title)
        expect(card.locator(".source-meta")).to_contain_text(citation.source)
        expect(card.locator(".source-meta")).to_contain_text(citation.date)
        expect(card.locator(".source-meta")).to_contain_text("(from the text)")
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
            expect(visit.page.locator(SHOWN_SOURCES + " mark").first).to_contain_text(payload)
        shown = visit.page.locator("#chat, #sources")

        assert shown.locator("img, script, a[href*='attacker'], b").count() == 0
        assert shown.locator("a[href]:not(.cite)").count() == 0
        # Nowhere on the page, either: no element built from the document's markup.
        page_wide = "img[src='x'], img[src*='attacker'], img[onerror], [href*='attacker']"
        assert visit.page.locator(page_wide).count() == 0
        expect(visit.page.locator("#sources .source-heading").first).to_contain_text(
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


PIER_QUESTION = "What colour was the Zorblax pier painted?"
PIER = "Harbour log\n\nThe Zorblax pier was painted teal in 2021 by the harbour crew.\n"
MAYAWATI_2018 = "What did Mayawati announce about the upcoming byelections in 2018?"
FOLLOW_UP = "What did she say about the Samajwadi Party?"


def test_upload_is_cited_then_delete_is_not(
    own_folder: Assistant, browser: sync_api.Browser, tmp_path: Path
) -> None:
    dropped = tmp_path / "zorblax-pier.txt"
    dropped.write_text(PIER, encoding="utf-8")
    with serving(own_folder) as url:
        visit = open_page(browser, url)
        page = visit.page
        assert own_folder.ask(PIER_QUESTION).refused
        page.get_by_role("tab", name="Documents").click()
        page.locator("#upload input[type=file]").set_input_files(dropped)
        status = page.locator("#documents-status textarea")
        expect(status).to_have_value(
            re.compile("Added and indexed: zorblax-pier.txt"), timeout=ANSWER_TIMEOUT_MS
        )
        row = page.locator("#documents-table tr", has_text="zorblax-pier.txt")
        expect(row).to_contain_text("indexed")
        expect(row).to_contain_text("(file modified)")
        page.screenshot(path=tmp_path / "uploaded.png", full_page=True)

        page.get_by_role("tab", name="Chat").click()
        visit.ask(PIER_QUESTION, own_folder.ask(PIER_QUESTION).answer)
        expect(page.locator(SHOWN_SOURCES + " .source-meta").first).to_contain_text(
            "zorblax-pier.txt"
        )
        expect(page.locator(SHOWN_SOURCES + " mark").first).to_contain_text("painted teal")
        page.screenshot(path=tmp_path / "cited.png", full_page=True)

        page.get_by_role("tab", name="Documents").click()
        page.locator("#document-choice input").click()
        page.get_by_role("option", name="zorblax-pier.txt").click()
        page.locator("#delete-document").click()
        expect(page.locator("#confirm-delete")).to_be_visible()
        page.locator("#confirm-delete").click()
        expect(status).to_have_value(
            re.compile("Deleted zorblax-pier.txt"), timeout=ANSWER_TIMEOUT_MS
        )
        expect(page.locator("#documents-table")).not_to_contain_text("zorblax-pier.txt")

        page.get_by_role("tab", name="Chat").click()
        reply = visit.ask(PIER_QUESTION, own_folder.ask(PIER_QUESTION).answer)
        expect(page.locator(SHOWN_SOURCES)).not_to_contain_text("zorblax-pier.txt")
        page.screenshot(path=tmp_path / "deleted.png", full_page=True)
    assert "teal" not in reply.inner_text()
    assert visit.dialogs == [] and offsite(visit.requests, url) == []


def test_follow_up_citations_and_earlier_sources(
    assistant: Assistant, browser: sync_api.Browser, tmp_path: Path
) -> None:
    from assistant.conversation import Conversation

    first = assistant.ask(MAYAWATI_2018)
    follow_up = Conversation(assistant, [MAYAWATI_2018]).ask(FOLLOW_UP)
    alone = assistant.ask(FOLLOW_UP)
    assert follow_up.answer != alone.answer and len(follow_up.citations) >= 2
    with serving(assistant) as url:
        visit = open_page(browser, url)
        page = visit.page
        visit.ask(MAYAWATI_2018, first.answer)
        reply = visit.ask(FOLLOW_UP, follow_up.answer)  # needs the earlier question

        reply.locator("a.cite", has_text="[2]").click()
        card = page.locator("#source-1-2")
        expect(card).to_have_class(re.compile("highlighted"))
        expect(card).to_be_in_viewport()
        expect(card.locator("mark")).to_have_text(follow_up.citations[1].quote)
        page.screenshot(path=tmp_path / "highlighted.png")

        # A corner of the bubble: a click on a [n] link shows that card instead.
        page.locator('#chat [data-testid="bot"]').first.click(position={"x": 4, "y": 4})
        earlier = page.locator(SHOWN_SOURCES)
        expect(earlier.locator("mark").first).to_have_text(first.citations[0].quote)
        expect(page.locator("#source-0-1")).to_be_visible()
        expect(page.locator("#source-1-1")).to_be_hidden()
        page.screenshot(path=tmp_path / "earlier.png")

        page.locator("#source-0-1 .view-link").click()
        view = page.locator("#document-view")
        expect(view.locator("mark.passage")).to_have_text(first.citations[0].quote)
        expect(page.get_by_role("tab", name="Documents")).to_have_attribute("aria-selected", "true")
        page.screenshot(path=tmp_path / "view.png")
    assert visit.dialogs == [] and offsite(visit.requests, url) == []


def test_reload_keeps_the_conversation(
    assistant: Assistant, browser: sync_api.Browser, tmp_path: Path
) -> None:
    answers = [assistant.ask(MAYAWATI_2018).answer, assistant.ask(SEATS).answer]
    with serving(assistant) as url:
        visit = open_page(browser, url)
        visit.ask(MAYAWATI_2018, answers[0])
        visit.ask(SEATS, answers[1])
        visit.page.reload()
        replies = visit.page.locator('#chat [data-testid="bot"]')
        expect(replies).to_have_text(answers, timeout=ANSWER_TIMEOUT_MS)
        expect(visit.page.locator('#chat [data-testid="user"]')).to_have_text(
            [MAYAWATI_2018, SEATS]
        )
        expect(visit.page.locator("#source-1-1")).to_be_visible()
        visit.page.screenshot(path=tmp_path / "reloaded.png")

        visit.page.locator("#chat button[aria-label='Clear']").click()
        expect(visit.page.locator("#sources .source")).to_have_count(0)
        visit.page.reload()
        visit.page.wait_for_timeout(2000)
        expect(replies).to_have_count(0)


def test_hindi_renders_with_the_served_font(
    assistant: Assistant, browser: sync_api.Browser, tmp_path: Path
) -> None:
    from ui.page import FONT_FAMILY, FONT_ROUTE

    with serving(assistant) as url:
        visit = open_page(browser, url)
        example = visit.page.get_by_text(HINDI_EXAMPLE)
        expect(example).to_be_visible()
        visit.page.evaluate("document.fonts.ready")
        loaded = visit.page.evaluate(
            "family => [...document.fonts].filter(f => f.family.replaceAll('\"', '') === family"
            " && f.status === 'loaded').length",
            FONT_FAMILY,
        )
        used = example.evaluate("e => getComputedStyle(e).fontFamily")
        renders = visit.page.evaluate(
            '([family, text]) => document.fonts.check(`16px "${family}"`, text)',
            [FONT_FAMILY, HINDI_EXAMPLE],
        )
        example.screenshot(path=tmp_path / "hindi.png")
    assert loaded == 1 and renders
    assert used.replace('"', "").startswith(FONT_FAMILY)
    assert f"{url.rstrip('/')}{FONT_ROUTE}" in visit.requests


def test_gold_set_runs_in_the_evaluation_tab(
    assistant: Assistant, browser: sync_api.Browser, tmp_path: Path
) -> None:
    with serving(assistant) as url:
        visit = open_page(browser, url)
        page = visit.page
        page.get_by_role("tab", name="Evaluation").click()
        page.locator("#run-eval").click()
        table = page.locator("#eval-report #retrievers")
        expect(table).to_be_visible(timeout=300_000)
        expect(table.locator("tr")).to_have_count(4)  # header, hybrid, dense, bm25
        expect(table).to_contain_text("nDCG@10")
        expect(page.locator("#eval-report #recall-plot")).to_be_visible()
        expect(page.locator("#eval-report #answer-figures")).to_contain_text("gold fact")
        expect(page.locator("#eval-report a[download='report.json']")).to_have_count(1)
        page.screenshot(path=tmp_path / "evaluation.png", full_page=True)
    assert offsite(visit.requests, url) == []


@pytest.fixture()
def own_folder(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """Two of the project's documents in a folder of their own, which the test may change."""
    from assistant import AssistantConfig
    from index import IndexConfig, build_index

    root = tmp_path_factory.mktemp("library")
    (root / "documents").mkdir()
    repository = Path(__file__).resolve().parent.parent / "documents"
    for source in sorted(repository.iterdir())[:2]:
        (root / "documents" / source.name).write_bytes(source.read_bytes())
    config = IndexConfig(documents_dir=root / "documents", storage_dir=root / "storage")
    build_index(config)
    return Assistant.open(AssistantConfig(index=config))


def test_a_huge_devanagari_paste_gets_the_too_long_message(
    assistant: Assistant, browser: sync_api.Browser, tmp_path: Path
) -> None:
    paste = "मायावती " * 25_000  # 200,000 characters: once an HTTP 413
    with serving(assistant) as url:
        visit = open_page(browser, url)
        # Typing 200,000 characters into the page takes seconds, more on a loaded machine.
        visit.page.set_default_timeout(120_000)
        statuses: list[int] = []
        visit.page.on("response", lambda response: statuses.append(response.status))
        box = visit.page.get_by_placeholder("Ask about your documents")
        box.fill(paste)
        reply = visit.submit(
            "The question is over 100,000 characters long; keep it under 2000 characters"
        )
        expect(box).to_have_value(paste, timeout=60_000)  # nothing typed is lost
        expect(visit.page.locator("footer, [aria-label*='footer']").first).not_to_contain_text(
            "Runs"
        )
        visit.page.screenshot(path=tmp_path / "too-long.png")
    assert 413 not in statuses and reply.count() == 1
    shown = visit.page.locator('#chat [data-testid="user"]').last.inner_text()
    assert len(shown) < 300 and shown.endswith("(over 100,000 characters)")
