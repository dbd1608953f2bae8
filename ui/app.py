"""The Gradio chat: streamed answers with [n] markers beside the passages they cite."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr

from assistant import Assistant, QuestionError
from assistant.config import MODES
from ui.rendering import EMPTY_SOURCES, SOURCES_CSS, chat_text, render_sources, valid_text

logger = logging.getLogger(__name__)

EXAMPLES = [
    "Why did Mayawati rule out an alliance with the NDA and INDIA?",
    "How many seats will the SP contest in Uttar Pradesh?",
    "मायावती ने पदाधिकारियों को किस चुनाव को लेकर निर्देश दिए?",
]
SEARCHING = "Searching the documents…"
STREAM_DELAY = 0.04  # seconds between streamed updates: fast, but visibly streaming
# Each update is a message to every watching browser, so a long answer grows by several words
# at a time rather than one: streaming then takes under a second and little server time.
STREAM_UPDATES = 20
# Answering is CPU-bound: more answers at once than cores only slow each other down, while
# streaming one costs next to nothing; so many chats stream at once and this gate lets one
# answer per core be computed.
ANSWERING = threading.BoundedSemaphore(len(os.sched_getaffinity(0)))

Message = dict[str, Any]
# What the chat handler yields: chat messages, the sources panel, the question box.
ChatUpdate = tuple[list[Message], Any, str]


def respond(
    assistant: Assistant,
    question: str,
    history: list[Message],
    top_k: float,
    mode: str,
    stream_delay: float = STREAM_DELAY,
) -> Iterator[ChatUpdate]:
    """Show the question, stream the answer a few words at a time, and show what it cites."""
    question = question or ""
    asked = [*history, _message("user", question)] if question.strip() else list(history)
    yield [*asked, _message("assistant", SEARCHING)], gr.skip(), ""
    try:
        with ANSWERING:
            answer, texts = assistant.ask_with_documents(question, top_k=int(top_k), mode=mode)
    except QuestionError as error:
        # The question goes back in the box, so fixing it loses nothing typed.
        yield [*asked, _message("assistant", str(error))], gr.skip(), valid_text(question)
        return
    sources = render_sources(answer, texts.__getitem__)
    for count, words in enumerate(_word_prefixes(answer.answer, STREAM_UPDATES)):
        if count:
            time.sleep(stream_delay)
        yield [*asked, _message("assistant", words)], sources, ""


def build_app(assistant: Assistant, stream_delay: float = STREAM_DELAY) -> gr.Blocks:
    """The chat, its example questions and retrieval settings, and the sources panel."""
    with gr.Blocks(title="Document assistant", analytics_enabled=False) as app:
        gr.Markdown("# Document assistant\nEvery sentence of an answer cites its passage.")
        # The history lives on the server: taking it back from the browser would let a client
        # inject file messages, the route of Gradio's file-reading advisories.
        history = gr.State([])
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = _chatbot()
                question = gr.Textbox(
                    label="Question", placeholder="Ask about your documents", submit_btn=True
                )
                gr.Examples(EXAMPLES, inputs=question, label="Example questions")
                with gr.Accordion("Retrieval settings", open=False):
                    top_k = gr.Slider(
                        1, 20, value=assistant.config.top_k, step=1, label="Passages (top-k)"
                    )
                    mode = gr.Radio(list(MODES), value=assistant.config.mode, label="Mode")
            with gr.Column(scale=2):
                gr.Markdown("### Sources")
                sources = gr.HTML(
                    EMPTY_SOURCES, css_template=SOURCES_CSS, js_on_load=None, elem_id="sources"
                )
        question.submit(
            _chat_handler(assistant, stream_delay),
            inputs=[question, history, top_k, mode],
            outputs=[chatbot, history, sources, question],
        )
        chatbot.clear(lambda: [], outputs=history, api_name="clear")
    return app


def _chatbot() -> gr.Chatbot:
    # With Markdown off Gradio inserts a message as (sanitized) HTML, so messages are escaped
    # (chat_text), and no LaTeX, tags or feedback widgets apply to text quoted from documents.
    return gr.Chatbot(
        label="Chat",
        elem_id="chat",
        height=480,
        render_markdown=False,
        sanitize_html=True,
        allow_tags=False,
        latex_delimiters=[],
        feedback_options=None,
        buttons=["copy", "copy_all"],  # not "share", which posts to Hugging Face
        placeholder="Ask a question about your documents.",
    )


def _chat_handler(assistant: Assistant, stream_delay: float) -> Callable[..., Iterator[tuple]]:
    # A generator function, not a partial, so Gradio sees it streams; messages go to the chat
    # and to the server-side history alike.
    def ask(question: str, history: list[Message], top_k: float, mode: str) -> Iterator[tuple]:
        for messages, sources, box in respond(
            assistant, question, history, top_k, mode, stream_delay
        ):
            yield messages, messages, sources, box

    return ask


def _message(role: str, text: str) -> Message:
    return {"role": role, "content": chat_text(text)}


def _word_prefixes(text: str, updates: int) -> Iterator[str]:
    """Longer and longer beginnings of `text`, cut between words, at most `updates` of them."""
    words = text.split(" ")
    step = -(-len(words) // updates)  # ceiling division
    for count in range(step, len(words) + step, step):
        yield " ".join(words[: min(count, len(words))])
