"""The Chat tab: one Conversation per browser session, [n] links to cards, each answer's sources."""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from assistant import Assistant, QuestionError
from assistant.config import MODES
from assistant.conversation import Conversation, Reply
from ui.rendering import (
    EMPTY_SOURCES,
    SOURCES_CSS,
    answer_html,
    chat_text,
    render_sources,
    sources_panel,
)

EXAMPLES = [
    "Why did Mayawati rule out an alliance with the NDA and INDIA?",
    "How many seats will the SP contest in Uttar Pradesh?",
    "मायावती ने पदाधिकारियों को किस चुनाव को लेकर निर्देश दिए?",
]
SEARCHING = "Searching the documents…"
# The browser sends at most this many characters of a question, so a huge paste gets the
# "too long" message instead of a request body the server refuses (HTTP 413).
PASTE_CHARS = 100_000
# Questions kept in the browser and asked again after a reload (each takes milliseconds).
RESTORED_QUESTIONS = 20
# Answering is CPU-bound: more answers at once than cores only slow each other down.
ANSWERING = threading.BoundedSemaphore(len(os.sched_getaffinity(0)))
# An extractive answer takes about 10 ms and is shown at once; one that is not ready after
# this many seconds (queued behind others, or an LLM still thinking) shows a placeholder first.
PLACEHOLDER_AFTER = 0.25
_WORKERS = ThreadPoolExecutor(max_workers=32, thread_name_prefix="answer")
# Passes at most PASTE_CHARS of the question on; the other inputs go through untouched.
CAP_QUESTION_JS = (
    f"(q, ...rest) => [q && q.length > {PASTE_CHARS} ? q.slice(0, {PASTE_CHARS}) : q, ...rest]"
)

Message = dict[str, Any]


@dataclass
class ChatState:
    """What one browser session has said: messages, each answer's cards, the questions asked."""

    messages: list[Message] = field(default_factory=list)
    turns: list[str] = field(default_factory=list)  # sources panel HTML per assistant message
    questions: list[str] = field(default_factory=list)  # answered questions, oldest first


@dataclass(frozen=True)
class ChatUpdate:
    """One update of the chat, its sources panel and the question box (None: leave it)."""

    state: ChatState
    sources: str | None
    box: str | None


def respond(
    assistant: Assistant, question: str, state: ChatState, top_k: float, mode: str
) -> Iterator[ChatUpdate]:
    """The cited answer, at once when it is quick.

    A slow one shows the question and a placeholder first, then any text as a generator
    writes it, then the verified answer in its place.
    """
    question = question or ""
    asked = [*state.messages, _message("user", question)] if question.strip() else state.messages
    conversation = Conversation(assistant, state.questions)
    try:
        if len(question) >= PASTE_CHARS:
            raise QuestionError(
                f"The question is over {PASTE_CHARS:,} characters long; keep it under "
                f"{assistant.config.max_question_chars} characters"
            )
        events = conversation.stream(question, int(top_k), mode)
        first = _WORKERS.submit(_first_event, events)
        try:
            opening = first.result(timeout=PLACEHOLDER_AFTER)
        except FutureTimeout:
            placeholder = ChatState([*asked, _message("assistant", SEARCHING)], *_rest(state))
            yield ChatUpdate(placeholder, None, "")
            opening = first.result()
    except QuestionError as error:
        # An error is its own message; the box keeps what was typed, so nothing is lost.
        failed_turns = [*state.turns, EMPTY_SOURCES]
        failed = ChatState(
            [*asked, _message("assistant", str(error))], failed_turns, state.questions
        )
        yield ChatUpdate(failed, None, None)
        return
    written = ""
    for event in itertools.chain([opening], events):
        if isinstance(event, str):  # an LLM's text while it writes; replaced by the verified answer
            written += event
            streaming = ChatState([*asked, _message("assistant", written)], *_rest(state))
            yield ChatUpdate(streaming, None, "")
        else:
            yield _answered(state, asked, event, conversation.questions)


def _first_event(events: Iterator[str | Reply]) -> str | Reply:
    with ANSWERING:
        return next(events)


def _answered(
    state: ChatState, asked: list[Message], reply: Reply, questions: list[str]
) -> ChatUpdate:
    turn = len(state.turns)
    cards = render_sources(reply.answer, reply.texts.__getitem__, turn)
    bubble = {"role": "assistant", "content": answer_html(reply.answer, turn)}
    turns = [*state.turns, cards]
    answered = ChatState([*asked, bubble], turns, list(questions))
    return ChatUpdate(answered, sources_panel(turns, turn), "")


def restore(assistant: Assistant, saved: Any) -> ChatState:
    """Ask again the questions a browser kept; anything but a list of strings is ignored."""
    state = ChatState()
    if not isinstance(saved, list):
        return state
    for question in [q for q in saved if isinstance(q, str)][-RESTORED_QUESTIONS:]:
        *_, update = respond(
            assistant, question[:PASTE_CHARS], state, assistant.config.top_k, assistant.config.mode
        )
        state = update.state
    return state


def build_chat_tab(app: gr.Blocks, assistant: Assistant) -> None:
    """The chat, examples, retrieval settings and the sources panel, inside the current tab."""
    state = gr.State(ChatState())
    saved = gr.BrowserState([], storage_key="doc-assistant-questions")
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

    def ask(question: str, top_k: float, mode: str, current: ChatState) -> Iterator[tuple]:
        for update in respond(assistant, question, current, top_k, mode):
            yield (
                update.state.messages,
                gr.skip() if update.sources is None else update.sources,
                gr.skip() if update.box is None else update.box,
                update.state,
                update.state.questions,
            )

    question.submit(
        ask,
        inputs=[question, top_k, mode, state],
        outputs=[chatbot, sources, question, state, saved],
        js=CAP_QUESTION_JS,
        api_name="ask",
    )

    def select(current: ChatState, event: gr.SelectData) -> str:
        # The n-th assistant message is the n-th turn; a user message shows the answer after it.
        index = event.index if isinstance(event.index, int) else event.index[0]
        turn = sum(m["role"] == "assistant" for m in current.messages[:index])
        if current.messages[index]["role"] == "user":
            turn = min(turn, len(current.turns) - 1)
        return sources_panel(current.turns, turn) if current.turns else EMPTY_SOURCES

    chatbot.select(select, inputs=state, outputs=sources, api_visibility="private")
    chatbot.clear(
        lambda: (ChatState(), [], EMPTY_SOURCES),
        outputs=[state, saved, sources],
        api_name="clear",
    )

    def reload(kept: Any) -> tuple:
        restored = restore(assistant, kept)
        if not restored.messages:  # nothing kept: leave alone a question asked meanwhile
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        last = len(restored.turns) - 1
        return restored.messages, sources_panel(restored.turns, last), restored, restored.questions

    # The browser's copy is only a list of questions: they are asked again, never trusted as text.
    app.load(
        reload, inputs=saved, outputs=[chatbot, sources, state, saved], api_visibility="private"
    )


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


def _message(role: str, text: str) -> Message:
    return {"role": role, "content": chat_text(text)}


def _rest(state: ChatState) -> tuple[list[str], list[str]]:
    return state.turns, state.questions
