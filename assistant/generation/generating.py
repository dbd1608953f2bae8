"""Streaming generation with a hard deadline, whatever the backend does."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import Any

log = logging.getLogger(__name__)

_DONE = object()


class GenerationFailed(RuntimeError):
    """The LLM gave no usable reply; the message is the one line a user sees."""


def stream_text(
    llm: Any, messages: list[Any], timeout: float, lock: AbstractContextManager[Any] | None = None
) -> Iterator[str]:
    """The reply's text deltas; GenerationFailed when the server fails or `timeout` passes.

    The LLM runs in a daemon thread and this side waits on a queue with the time left, so even
    a server that accepts the connection and never answers cannot hold a question longer than
    `timeout` (client timeouts alone do not bound a stream that trickles).
    """
    deltas: queue.Queue[object] = queue.Queue()
    stop = threading.Event()

    def produce() -> None:
        try:
            with lock or nullcontext():
                for chunk in llm.stream_chat(messages):
                    if stop.is_set():
                        return  # leaving the loop closes the stream (and stops a local model)
                    deltas.put(chunk.delta or "")
            deltas.put(_DONE)
        except Exception as error:  # any client error: reported as one line, never raised on
            deltas.put(error)

    threading.Thread(target=produce, name="llm-stream", daemon=True).start()
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                item = deltas.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise GenerationFailed(f"the LLM did not answer within {timeout:g} s") from None
            if item is _DONE:
                return
            if isinstance(item, Exception):
                log.warning("LLM failed: %r", item)
                raise GenerationFailed(f"the LLM failed: {_one_line(item)}")
            if item:
                yield str(item)
    finally:
        stop.set()


def complete_text(
    llm: Any, messages: list[Any], timeout: float, lock: AbstractContextManager[Any] | None = None
) -> str:
    """The whole reply, under the same deadline."""
    return "".join(stream_text(llm, messages, timeout, lock))


def _one_line(error: Exception) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 160 else text[:157] + "..."
