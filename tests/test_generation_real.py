"""The real generator: Gemma 3 270M through llama-index, in process and behind llama.cpp's server.

The packaged model is the base one and writes poorly; what these tests hold to is the contract:
text streams from the real model, and whatever it writes, the answer keeps only verified
sentences with exact quotes, or falls back to the extractive answer with a notice.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from conftest import stop, wait_until_serving

from assistant import Assistant
from assistant.answers import Answer
from assistant.config import LLMConfig
from assistant.conversation import Conversation, Reply
from assistant.generation.backends import make_llm
from assistant.generation.checks import checker_for
from assistant.generation.evidence import EvidenceSentence
from assistant.generation.verifying import MARKER, split_reply

pytest.importorskip("llama_cpp", reason="the llm extra is not installed: pip install '.[llm]'")

QUESTION = "Why did Mayawati rule out an alliance?"
# Bounded for CI: a few dozen tokens, and a deadline far above what they take on two busy cores.
SHORT = {"max_tokens": 32, "timeout": 240.0, "context_window": 2048}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def assert_only_verified(assistant: Assistant, reply: Reply) -> None:
    """Every sentence of the answer passes the verifier against the quotes it cites."""
    answer: Answer = reply.answer
    for citation in answer.citations:
        assert reply.texts[citation.source][citation.start : citation.end] == citation.quote
    if answer.generator == "extractive":
        assert answer.notice, "a generated answer fell back without saying why"
        return
    checker = checker_for(assistant.index, assistant.config)
    quotes = {c.id: c for c in answer.citations}
    for sentence in split_reply(answer.answer):
        cited = [quotes[int(n)] for n in MARKER.findall(sentence)]
        evidence = [
            EvidenceSentence(
                c.id, c.source, c.title, c.date, c.date_source, c.start, c.end, c.quote,
                c.language, c.score,
            )
            for c in cited
        ]  # fmt: skip
        assert cited and checker.check(MARKER.sub(" ", sentence).strip(), evidence).supported


def ask_streaming(assistant: Assistant) -> tuple[list[str], Reply]:
    *deltas, reply = Conversation(assistant).stream(QUESTION)
    assert isinstance(reply, Reply)
    return [str(delta) for delta in deltas], reply


def test_gemma_in_process_through_llama_index(assistant: Assistant) -> None:
    from llama_index.llms.llama_cpp import LlamaCPP

    config = replace(assistant.config, llm=LLMConfig("gguf:gemma-3-270m", **SHORT))
    assert isinstance(make_llm(config.llm), LlamaCPP)
    generating = Assistant(assistant.index, config)
    deltas, reply = ask_streaming(generating)
    assert "".join(deltas).strip(), "the model streamed no text"
    assert reply.answer.generator in ("gguf:gemma-3-270m", "extractive")
    assert_only_verified(generating, reply)


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m llama_cpp.server` with the Gemma model on a free loopback port."""
    from assistant.generation.gemma import gemma_path

    port = free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(gemma_path())]
    # The GGUF carries no chat template: without --chat_format the server falls back to Llama 2's.
    command += ["--model_alias", "gemma", "--chat_format", "gemma"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    command += ["--n_ctx", "2048", "--n_threads", str(max(1, (os.cpu_count() or 2) // 2))]
    with log.open("w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_until_serving(f"{url}/models", process, log)
        yield url
    finally:
        stop(process, timeout=20)


def test_gemma_behind_llama_cpp_server_through_openai_like(
    assistant: Assistant, llama_server: str
) -> None:
    from llama_index.llms.openai_like import OpenAILike

    spec = f"openai:gemma@{llama_server}"
    config = replace(assistant.config, llm=LLMConfig(spec, **SHORT))
    assert isinstance(make_llm(config.llm), OpenAILike)
    generating = Assistant(assistant.index, config)
    deltas, reply = ask_streaming(generating)
    assert "".join(deltas).strip(), f"the server streamed no text: {deltas!r} {reply.answer}"
    assert reply.answer.generator in (spec, "extractive")
    assert not reply.answer.notice.startswith("the LLM failed"), reply.answer.notice
    assert_only_verified(generating, reply)


def test_a_server_that_never_answers_gives_the_notice_within_the_timeout(
    assistant: Assistant,
) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True).start()
    port = listener.getsockname()[1]
    config = replace(
        assistant.config, llm=LLMConfig(f"openai:m@http://127.0.0.1:{port}/v1", timeout=3)
    )
    try:
        started = time.monotonic()
        answer = Assistant(assistant.index, config).ask(QUESTION)
        elapsed = time.monotonic() - started
    finally:
        for connection in accepted:
            connection.close()
        listener.close()
    assert accepted, "the client never connected"
    assert elapsed < 3 + 5, elapsed
    assert answer.generator == "extractive" and answer.citations
    assert "extractive answer shown" in answer.notice and "\n" not in answer.notice
