"""The Gradio chat with the real assistant: streaming, sources, refusals, errors and escaping."""

from __future__ import annotations

import html
import socket
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import gradio as gr
import pytest
from conftest import make_index

from assistant import REFUSAL, Assistant, AssistantConfig
from assistant.config import MODES
from index import IndexConfig, IndexMissingError
from ui.app import SEARCHING, STREAM_DELAY, build_app, respond
from ui.cli import main as cli_main
from ui.rendering import NOTHING_CITED, context_after, context_before
from ui.server import CONCURRENCY, launch, serve

REPO = Path(__file__).resolve().parent.parent
QUESTION = "Why did Mayawati rule out an alliance with the NDA and INDIA?"
SEATS = "How many seats will the SP contest in Uttar Pradesh?"
OFF_TOPIC = "Who won the 2022 FIFA World Cup final?"

XSS_DOCUMENT = """Harbour <b>notes</b> <img src=x onerror=alert(1)>

The Zorblax harbour opened a new cargo pier <script>alert(1)</script> on Monday morning.

The Zorblax lighthouse keeper painted the lamp room red <img src=x onerror=alert(1)> last spring.

The Zorblax ferry timetable is pinned at the ticket office ![x](http://attacker.example/x.png) \
every week.
"""
# Each question makes the assistant cite the sentence holding one payload.
XSS_QUESTIONS = {
    "What did the Zorblax harbour open?": "<script>alert(1)</script>",
    "What colour did the Zorblax lighthouse keeper paint the lamp room?": (
        "<img src=x onerror=alert(1)>"
    ),
    "Where is the Zorblax ferry timetable pinned?": "![x](http://attacker.example/x.png)",
}


def ask(assistant: Assistant, question: str, history: list | None = None, top_k=5, mode="hybrid"):
    return list(respond(assistant, question, history or [], top_k, mode, stream_delay=0))


def test_app_builds_with_chat_settings_and_sources(assistant: Assistant) -> None:
    app = build_app(assistant)
    components = list(app.blocks.values())

    chatbot = next(c for c in components if isinstance(c, gr.Chatbot))
    slider = next(c for c in components if isinstance(c, gr.Slider))
    radio = next(c for c in components if isinstance(c, gr.Radio))
    accordion = next(c for c in components if isinstance(c, gr.Accordion))
    assert isinstance(app, gr.Blocks)
    assert accordion.label == "Retrieval settings"
    assert (slider.minimum, slider.maximum, slider.value) == (1, 20, assistant.config.top_k)
    assert [choice[1] for choice in radio.choices] == list(MODES)
    assert chatbot.render_markdown is False and chatbot.sanitize_html is True
    assert chatbot.latex_delimiters == [] and "share" not in chatbot.buttons
    assert any(isinstance(c, gr.HTML) and c.elem_id == "sources" for c in components)


def test_answer_streams_word_by_word_then_shows_cited_sources(assistant: Assistant) -> None:
    expected = assistant.ask(QUESTION)
    updates = ask(assistant, QUESTION)

    replies = [messages[-1]["content"] for messages, _, _ in updates]
    assert replies[0] == SEARCHING
    streamed = replies[1:]
    assert len(streamed) > 5
    assert all(b.startswith(a) for a, b in zip(streamed, streamed[1:], strict=False))
    messages, sources, box = updates[-1]
    assert messages == [
        {"role": "user", "content": html.escape(QUESTION)},
        {"role": "assistant", "content": html.escape(expected.answer, quote=False)},
    ]
    assert "[1]" in messages[-1]["content"] and box == ""
    citation = expected.citations[0]
    assert html.escape(citation.title) in sources
    assert citation.source in sources and citation.date in sources
    assert f"<mark>{html.escape(citation.quote)}</mark>" in sources


def test_every_citation_gets_a_numbered_card(assistant: Assistant) -> None:
    expected = assistant.ask(SEATS)
    _, sources, _ = ask(assistant, SEATS)[-1]

    assert len(expected.citations) >= 2
    for citation in expected.citations:
        assert f'<span class="source-number">[{citation.id}]</span>' in sources
        assert f"<mark>{html.escape(citation.quote)}</mark>" in sources


def test_settings_reach_the_assistant(assistant: Assistant) -> None:
    expected = assistant.ask(SEATS, top_k=1, mode="bm25")
    messages, _, _ = ask(assistant, SEATS, top_k=1.0, mode="bm25")[-1]

    assert messages[-1]["content"] == html.escape(expected.answer, quote=False)


def test_concurrent_questions_get_their_own_answers(assistant: Assistant) -> None:
    questions = [
        QUESTION,
        SEATS,
        OFF_TOPIC,
        "मायावती ने पदाधिकारियों को किस चुनाव को लेकर निर्देश दिए?",
    ] * 2
    expected = [html.escape(assistant.ask(q).answer, quote=False) for q in questions]

    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        finals = list(pool.map(lambda q: ask(assistant, q)[-1][0][-1]["content"], questions))

    assert finals == expected


def test_refusal_shows_refusal_and_empty_sources(assistant: Assistant) -> None:
    messages, sources, _ = ask(assistant, OFF_TOPIC)[-1]

    assert messages[-1]["content"] == REFUSAL
    assert sources == NOTHING_CITED and "Nothing was cited" in sources


def test_empty_question_explains_and_keeps_history(assistant: Assistant) -> None:
    history, _, _ = ask(assistant, QUESTION)[-1]

    messages, sources, box = ask(assistant, "   ", history)[-1]

    assert messages[:-1] == history
    assert messages[-1] == {
        "role": "assistant",
        "content": "The question is empty: type a question about your documents",
    }
    assert sources == gr.skip() and box == "   "


def test_too_long_question_is_kept_for_editing(assistant: Assistant) -> None:
    question = "word " * 1000
    messages, _, box = ask(assistant, question)[-1]

    assert "characters" in messages[-1]["content"] and messages[-1]["role"] == "assistant"
    assert box == question


@pytest.mark.parametrize(("question", "payload"), XSS_QUESTIONS.items())
def test_document_markup_is_shown_as_text(
    xss_assistant: Assistant, question: str, payload: str
) -> None:
    answer = xss_assistant.ask(question)
    messages, sources, _ = ask(xss_assistant, question)[-1]

    assert payload in answer.citations[0].quote
    assert html.escape(payload) in sources
    for shown in (sources, messages[-1]["content"]):
        assert "<script" not in shown and "<img" not in shown and "<b>" not in shown
        assert "<a " not in shown
    assert html.escape(payload, quote=False) in messages[-1]["content"]


def test_passage_is_cut_at_sentences_else_words() -> None:
    text = "First one. " + "Alpha beta. " * 40 + "The quote." + " Next words." * 40
    start = text.index("The quote.")
    end = start + len("The quote.")

    before, after = context_before(text, start), context_after(text, end)

    assert before.startswith("Alpha beta.") and text[:start].endswith(before)
    assert after.endswith("Next words.") and text[end:].startswith(after)
    assert 250 < len(before) <= 300 and 250 < len(after) <= 300
    words = "lorem " * 100
    assert context_before(words + "X", len(words)).startswith("…lorem")
    assert context_after("X" + words + "end", 1).endswith("lorem…")
    hindi = "यह पहला वाक्य है। " * 30
    assert context_before(hindi + "उद्धरण।", len(hindi)).startswith("यह पहला")


def test_serve_without_index_fails_with_one_line(tmp_path: Path, capsys) -> None:
    config = AssistantConfig(index=IndexConfig(storage_dir=tmp_path / "missing"))
    with pytest.raises(IndexMissingError) as error:
        serve(config, port=free_port())
    assert "\n" not in str(error.value)

    assert cli_main(["ui", "--storage", str(tmp_path / "missing"), "--port", "0"]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")


def test_ui_package_does_not_load_gradio() -> None:
    code = "import sys, ui; print('gradio' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert result.stdout.strip() == "False", result.stderr


@pytest.fixture(scope="module")
def xss_assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return index_xss_document(tmp_path_factory.mktemp("xss"))


def index_xss_document(root: Path) -> Assistant:
    """An index of one document whose sentences carry script, image and Markdown payloads."""
    (root / "documents").mkdir()
    (root / "documents" / "harbour.txt").write_text(XSS_DOCUMENT, encoding="utf-8")
    return make_index(root / "documents", root / "storage")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(
    assistant: Assistant, auth: tuple[str, str] | None = None, stream_delay: float = STREAM_DELAY
) -> Iterator[str]:
    """The real app launched as `serve` does, on a free loopback port; yields its URL."""
    app = build_app(assistant, stream_delay)
    port = free_port()
    launch(app, "127.0.0.1", port, auth, block=False)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        app.close()
