"""A chat session's turns, free of widgets: answer a question into the next state of the chat.

Each browser session's state holds its messages, each answer's source cards and the questions
asked, so `Conversation` can take up follow-ups and a reload can ask them again.
"""

from __future__ import annotations

import asyncio
import os
import weakref
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from assistant import Assistant, QuestionError
from assistant.conversation import Conversation, Reply
from ui.rendering import EMPTY_SOURCES, answer_html, chat_text, render_sources, sources_panel

SEARCHING = "Searching the documents…"
# The browser sends at most this many characters of a question, so a huge paste gets the
# "too long" message instead of a request body the server refuses (HTTP 413).
PASTE_CHARS = 100_000
# Characters of an over-long question echoed in the chat.
SHOWN_OF_LONG_QUESTION = 200
# Questions kept in the browser and asked again after a reload (each takes milliseconds).
RESTORED_QUESTIONS = 20
# Answering is CPU-bound: more answers at once than cores only slow each other down. The others
# wait as coroutines, not as threads: waking blocked threads cost more than their answers.
ANSWERING_AT_ONCE = len(os.sched_getaffinity(0))
_ANSWERING: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)
# An extractive answer takes about 10 ms and is shown at once; one that is not ready after
# this many seconds (queued behind others, or an LLM still thinking) shows a placeholder first.
PLACEHOLDER_AFTER = 0.25
_WORKERS = ThreadPoolExecutor(max_workers=32, thread_name_prefix="answer")

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


async def respond(
    assistant: Assistant, question: str, state: ChatState, top_k: float, mode: str
) -> AsyncIterator[ChatUpdate]:
    """The cited answer, at once when it is quick.

    A slow one shows the question and a placeholder first, then any text as a generator
    writes it, then the verified answer in its place. Answering runs in a worker thread, one
    hop per step: each thread hop cost the server more interpreter time than the answer's
    own search under load (README, "Concurrent users").
    """
    question = question or ""
    shown = question
    if len(question) > assistant.config.max_question_chars:  # a paste: its start is enough
        over = "over " if len(question) >= PASTE_CHARS else ""  # the browser sent only that many
        shown = question[:SHOWN_OF_LONG_QUESTION] + f"… ({over}{len(question):,} characters)"
    asked = [*state.messages, _message("user", shown)] if question.strip() else state.messages
    conversation = Conversation(assistant, state.questions)
    events = conversation.stream(question, int(top_k), mode)
    loop = asyncio.get_running_loop()
    try:
        if len(question) >= PASTE_CHARS:
            raise QuestionError(
                f"The question is over {PASTE_CHARS:,} characters long; keep it under "
                f"{assistant.config.max_question_chars} characters"
            )
        first = asyncio.ensure_future(_first_event(events))
        done, _ = await asyncio.wait({first}, timeout=PLACEHOLDER_AFTER)
        if not done:
            placeholder = ChatState([*asked, _message("assistant", SEARCHING)], *_rest(state))
            yield ChatUpdate(placeholder, None, "")
        event = await first
    except QuestionError as error:
        # An error is its own message; the box keeps what was typed, so nothing is lost.
        failed_turns = [*state.turns, EMPTY_SOURCES]
        failed = ChatState(
            [*asked, _message("assistant", str(error))], failed_turns, state.questions
        )
        yield ChatUpdate(failed, None, None)
        return
    written = ""
    while isinstance(event, str):  # an LLM's text while it writes; replaced by the verified answer
        written += event
        streaming = ChatState([*asked, _message("assistant", written)], *_rest(state))
        yield ChatUpdate(streaming, None, "")
        event = await loop.run_in_executor(_WORKERS, next, events)
    # The Reply is the stream's last event (Conversation.stream): no step to ask for its end.
    yield _answered(state, asked, event, conversation.questions)


def answer_now(
    assistant: Assistant, question: str, state: ChatState, top_k: float, mode: str
) -> list[ChatUpdate]:
    """Every update of `respond`, from code that has no event loop running (tests, scripts)."""

    async def collect() -> list[ChatUpdate]:
        return [update async for update in respond(assistant, question, state, top_k, mode)]

    return asyncio.run(collect())


async def _first_event(events: Iterator[str | Reply]) -> str | Reply:
    loop = asyncio.get_running_loop()
    # One semaphore per event loop: asyncio's are bound to the loop that first waits on them.
    async with _ANSWERING.setdefault(loop, asyncio.Semaphore(ANSWERING_AT_ONCE)):
        return await loop.run_in_executor(_WORKERS, next, events)


def _answered(
    state: ChatState, asked: list[Message], reply: Reply, questions: list[str]
) -> ChatUpdate:
    turn = len(state.turns)
    cards = render_sources(reply.answer, reply.texts.__getitem__, turn)
    bubble = {"role": "assistant", "content": answer_html(reply.answer, turn)}
    turns = [*state.turns, cards]
    answered = ChatState([*asked, bubble], turns, list(questions))
    return ChatUpdate(answered, sources_panel(turns, turn), "")


async def restore(assistant: Assistant, saved: Any) -> ChatState:
    """Ask again the questions a browser kept; anything but a list of strings is ignored."""
    state = ChatState()
    if not isinstance(saved, list):
        return state
    config = assistant.config
    for question in [q for q in saved if isinstance(q, str)][-RESTORED_QUESTIONS:]:
        async for update in respond(
            assistant, question[:PASTE_CHARS], state, config.top_k, config.mode
        ):
            state = update.state
    return state


def _message(role: str, text: str) -> Message:
    return {"role": role, "content": chat_text(text)}


def _rest(state: ChatState) -> tuple[list[str], list[str]]:
    return state.turns, state.questions
