"""The Gradio chat with the real assistant: streaming, sources, refusals, errors and escaping."""

from __future__ import annotations

import html
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import gradio as gr
import pytest
from conftest import make_index, ui_process

from assistant import REFUSAL, Assistant, AssistantConfig
from assistant.config import MODES
from assistant.conversation import Conversation
from index import IndexConfig, IndexMissingError
from ui.app import build_app
from ui.chat_turns import PASTE_CHARS, PLACEHOLDER_AFTER, SEARCHING, ChatState, answer_now
from ui.cli import main as cli_main
from ui.rendering import NOTHING_CITED, context_after, context_before, sources_panel
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


def ask(
    assistant: Assistant, question: str, state: ChatState | None = None, top_k=5, mode="hybrid"
):
    """(messages, sources panel or None, question box or None) of every update."""
    updates = answer_now(assistant, question, state or ChatState(), top_k, mode)
    return [(u.state.messages, u.sources, u.box) for u in updates]


def answered(assistant: Assistant, question: str, state: ChatState | None = None) -> ChatState:
    *_, last = answer_now(assistant, question, state or ChatState(), 5, "hybrid")
    return last.state


def bubble(answer_text: str, turn: int = 0) -> str:
    """The answer as its chat bubble shows it: escaped, each [n] a link to its card."""
    escaped = html.escape(answer_text, quote=False)
    return re.sub(r"\[(\d+)\]", rf'<a class="cite" href="#source-{turn}-\1">[\1]</a>', escaped)


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


def test_extractive_answer_is_shown_at_once_with_cited_sources(assistant: Assistant) -> None:
    expected = assistant.ask(QUESTION)
    updates = ask(assistant, QUESTION)

    replies = [messages[-1]["content"] for messages, _, _ in updates]
    # At once: no word-by-word replay. The placeholder shows only when answering takes over
    # PLACEHOLDER_AFTER, which a loaded machine can make a 10 ms answer do.
    assert replies[:-1] in ([], [SEARCHING])
    messages, sources, box = updates[-1]
    assert messages == [
        {"role": "user", "content": html.escape(QUESTION)},
        {"role": "assistant", "content": bubble(expected.answer)},
    ]
    assert '<a class="cite" href="#source-0-1">[1]</a>' in messages[-1]["content"] and box == ""
    citation = expected.citations[0]
    assert html.escape(citation.title) in sources
    assert citation.source in sources and citation.date in sources
    assert f"<mark>{html.escape(citation.quote)}</mark>" in sources


def test_a_slow_answer_shows_the_question_and_a_placeholder_first(assistant: Assistant) -> None:
    class SlowAssistant(Assistant):  # the real assistant, queued behind others for a while
        def stream_with_documents(self, *args, **kwargs):
            time.sleep(PLACEHOLDER_AFTER * 3)
            yield from super().stream_with_documents(*args, **kwargs)

    slow = SlowAssistant(assistant.index, assistant.config)
    updates = ask(slow, QUESTION)

    assert [messages[-1]["content"] for messages, _, _ in updates] == [
        SEARCHING,
        bubble(assistant.ask(QUESTION).answer),
    ]
    assert updates[0][0][0] == {"role": "user", "content": html.escape(QUESTION)}


def test_every_citation_gets_a_numbered_card(assistant: Assistant) -> None:
    expected = assistant.ask(SEATS)
    _, sources, _ = ask(assistant, SEATS)[-1]

    assert len(expected.citations) >= 2
    for citation in expected.citations:
        assert f'<span class="source-number">[{citation.id}]</span>' in sources
        assert f'id="source-0-{citation.id}"' in sources
        assert f"<mark>{html.escape(citation.quote)}</mark>" in sources


def test_settings_reach_the_assistant(assistant: Assistant) -> None:
    expected = assistant.ask(SEATS, top_k=1, mode="bm25")
    messages, _, _ = ask(assistant, SEATS, top_k=1.0, mode="bm25")[-1]

    assert messages[-1]["content"] == bubble(expected.answer)


def test_concurrent_questions_get_their_own_answers(assistant: Assistant) -> None:
    questions = [
        QUESTION,
        SEATS,
        OFF_TOPIC,
        "मायावती ने पदाधिकारियों को किस चुनाव को लेकर निर्देश दिए?",
    ] * 2
    expected = [bubble(assistant.ask(q).answer) for q in questions]

    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        finals = list(pool.map(lambda q: ask(assistant, q)[-1][0][-1]["content"], questions))

    assert finals == expected


def test_refusal_shows_refusal_and_empty_sources(assistant: Assistant) -> None:
    messages, sources, _ = ask(assistant, OFF_TOPIC)[-1]

    assert messages[-1]["content"] == REFUSAL
    assert sources == sources_panel([NOTHING_CITED], 0) and "Nothing was cited" in sources


def test_empty_question_is_its_own_message_and_keeps_history(assistant: Assistant) -> None:
    before = answered(assistant, QUESTION)

    messages, sources, box = ask(assistant, "   ", before)[-1]

    assert messages[:-1] == before.messages
    assert messages[-1] == {
        "role": "assistant",
        "content": "The question is empty: type a question about your documents",
    }
    assert sources is None and box is None  # the sources and the typed text stay as they were


def test_too_long_question_is_kept_for_editing(assistant: Assistant) -> None:
    for question in ("word " * 1000, "शब्द " * (PASTE_CHARS // 5)):
        messages, _, box = ask(assistant, question)[-1]

        assert "characters" in messages[-1]["content"] and messages[-1]["role"] == "assistant"
        assert box is None


def test_follow_up_uses_the_earlier_question(assistant: Assistant) -> None:
    first = "What did Mayawati announce about the upcoming byelections in 2018?"
    follow_up = "What did she say about the Samajwadi Party?"
    expected = Conversation(assistant, [first]).ask(follow_up)
    alone = assistant.ask(follow_up)
    assert {c.source for c in expected.citations} != {c.source for c in alone.citations}

    after = answered(assistant, follow_up, answered(assistant, first))

    assert after.messages[-1]["content"] == bubble(expected.answer, turn=1)
    assert after.questions == [first, follow_up] and len(after.turns) == 2
    for citation in alone.citations:
        if citation.source not in {c.source for c in expected.citations}:
            assert f"<code>{citation.source}</code>" not in after.turns[1]


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
        # The only links are our own: [n] to its card, "view in document" to the Documents tab.
        assert re.findall(r'<a (?!class="(cite|view-link)")', shown) == []
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
def serving(assistant: Assistant, auth: tuple[str, str] | None = None) -> Iterator[str]:
    """The real app launched as `serve` does, on a free loopback port; yields its URL."""
    app = build_app(assistant)
    port = free_port()
    launch(app, "127.0.0.1", port, auth, block=False)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        app.close()


def test_generated_text_streams_then_the_verified_answer_replaces_it(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    import ui.chat_turns
    from assistant.answers import Unsupported
    from assistant.conversation import Reply

    class WritingConversation(Conversation):
        """Writes two pieces of text as an LLM would, then the real, checked reply with one
        sentence dropped and a notice: the path issue #12's generators take."""

        def stream(self, question, top_k=None, mode=None):
            yield "The pier "
            yield "was painted."
            *_, reply = super().stream(question, top_k, mode)
            dropped = (Unsupported("The SP won every seat.", "no passage says so"),)
            answer = dataclasses.replace(reply.answer, unsupported=dropped, notice="LLM slow")
            yield Reply(answer, reply.texts)

    monkeypatch.setattr(ui.chat_turns, "Conversation", WritingConversation)
    monkeypatch.setattr(ui.chat_turns, "PLACEHOLDER_AFTER", 5.0)
    replies = [messages[-1]["content"] for messages, _, _ in ask(assistant, SEATS)]

    assert replies[:2] == ["The pier ", "The pier was painted."]
    final = replies[-1]
    assert len(replies) == 3 and final.startswith(bubble(assistant.ask(SEATS).answer))
    assert "Not supported by the documents:" in final and "The SP won every seat." in final
    assert "LLM slow" in final


def test_a_stopped_server_leaves_no_temporary_folder(
    storage_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))  # where the server makes its evaluation folder
    with ui_process(storage_dir, free_port(), tmp_path / "server.log"):
        assert list(temporary.glob("assistant-ui-eval-*"))
    # conftest's stop() sends SIGTERM, as `kill` and service managers do.
    assert not list(temporary.glob("assistant-ui-eval-*"))
