"""A running assistant answers from the old index during a rebuild and switches when it commits."""

from __future__ import annotations

import html
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import holds_writer_lock
from test_ui import serving

from assistant import Answer, Assistant, AssistantConfig
from index import IndexConfig, build_index
from index.storage.folder import current_generation

HARBOUR = "Harbour news. The Zorblax harbour opened a new cargo pier on Monday morning.\n"
MARKET = "Market news. The Zorblax market sells saffron and dried figs every Sunday.\n"
BRIDGE = "Bridge news. The Quillfeather bridge was repainted teal by volunteers in 1987.\n"
BRIDGE_QUESTION = "What colour was the Quillfeather bridge repainted?"
PIER_QUESTION = "What did the Zorblax harbour open?"


@pytest.fixture()
def folders(tmp_path: Path) -> tuple[Path, Path]:
    documents, storage = tmp_path / "documents", tmp_path / "storage"
    documents.mkdir()
    (documents / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    (documents / "market.txt").write_text(MARKET, encoding="utf-8")
    build_index(IndexConfig(documents_dir=documents, storage_dir=storage))
    return documents, storage


def open_assistant(storage: Path) -> Assistant:
    return Assistant.open(AssistantConfig(index=IndexConfig(storage_dir=storage)))


def rebuild(documents: Path, storage: Path) -> None:
    build_index(IndexConfig(documents_dir=documents, storage_dir=storage))


def cited_sources(answer: Answer) -> set[str]:
    return {citation.source for citation in answer.citations}


def test_a_rebuild_is_answered_from_by_the_next_question(folders: tuple[Path, Path]) -> None:
    documents, storage = folders
    assistant = open_assistant(storage)
    before = assistant.ask(BRIDGE_QUESTION)

    (documents / "bridge.txt").write_text(BRIDGE, encoding="utf-8")
    rebuild(documents, storage)
    after, texts = assistant.ask_with_documents(BRIDGE_QUESTION)

    assert "bridge.txt" not in cited_sources(before)
    assert cited_sources(after) == {"bridge.txt"} and "teal" in after.answer
    # The texts come from the same generation as the answer, so the offsets hold in them.
    for citation in after.citations:
        assert texts[citation.source][citation.start : citation.end] == citation.quote
    assert "bridge.txt" in assistant.index.documents


def test_a_damaged_new_index_leaves_the_old_one_answering(
    folders: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    documents, storage = folders
    assistant = open_assistant(storage)
    (documents / "bridge.txt").write_text(BRIDGE, encoding="utf-8")
    rebuild(documents, storage)
    (current_generation(storage) / "manifest.json").write_text("{not json", encoding="utf-8")

    with caplog.at_level(logging.WARNING):
        pier = assistant.ask(PIER_QUESTION)
        bridge = assistant.ask(BRIDGE_QUESTION)

    assert cited_sources(pier) == {"harbour.txt"} and "cargo pier" in pier.answer
    assert "bridge.txt" not in cited_sources(bridge)
    assert "bridge.txt" not in assistant.index.documents
    assert caplog.text.count("Still answering from the previous index") == 1  # not retried
    assert "is damaged" in caplog.text

    # The next good build is picked up, though the damaged one before it was skipped.
    (documents / "market.txt").write_text(MARKET + "The market also sells mangoes.\n")
    rebuild(documents, storage)
    assert cited_sources(assistant.ask(BRIDGE_QUESTION)) == {"bridge.txt"}


def test_questions_during_a_rebuild_keep_getting_answers(folders: tuple[Path, Path]) -> None:
    documents, storage = folders
    assistant = open_assistant(storage)
    (documents / "bridge.txt").write_text(BRIDGE, encoding="utf-8")
    answers: list[Answer] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def keep_asking() -> None:
        while not done.is_set():
            try:
                answers.append(assistant.ask(PIER_QUESTION))
            except BaseException as error:  # any failure is what this test looks for
                errors.append(error)

    asker = threading.Thread(target=keep_asking)
    asker.start()
    try:
        rebuild(documents, storage)
    finally:
        done.set()
        asker.join(timeout=60)

    assert not asker.is_alive() and errors == []
    assert len(answers) >= 1
    assert all(cited_sources(answer) == {"harbour.txt"} for answer in answers)
    assert cited_sources(assistant.ask(BRIDGE_QUESTION)) == {"bridge.txt"}


def test_the_running_chat_cites_the_new_document_after_a_rebuild(
    folders: tuple[Path, Path],
) -> None:
    from ui.chat_turns import ChatState, answer_now

    documents, storage = folders
    assistant = open_assistant(storage)
    (documents / "bridge.txt").write_text(BRIDGE, encoding="utf-8")
    rebuild(documents, storage)

    *_, update = answer_now(assistant, BRIDGE_QUESTION, ChatState(), 5, "hybrid")
    messages, sources = update.state.messages, update.sources or ""

    assert "teal" in messages[-1]["content"]
    assert "<code>bridge.txt</code>" in sources and "<mark>" in sources


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux /proc/locks")
def test_the_served_chat_answers_from_the_old_index_while_another_process_rebuilds(
    folders: tuple[Path, Path],
) -> None:
    gradio_client = pytest.importorskip("gradio_client")
    documents, storage = folders
    assistant = open_assistant(storage)
    old_pier = html.escape(assistant.ask(PIER_QUESTION).answer, quote=False)
    (documents / "bridge.txt").write_text(BRIDGE, encoding="utf-8")
    assistant_cli = str(Path(sys.executable).parent / "assistant")
    with serving(assistant) as url:
        client = gradio_client.Client(url, verbose=False)

        def reply(question: str) -> tuple[str, str]:
            chat, sources, *_ = client.predict(question, 5, "hybrid", api_name="/ask")
            # [n] is a link to its card; the plain answer is compared.
            text = re.sub(
                r'<a class="cite" href="[^"]*">(\[\d+\])</a>', r"\1", chat[-1]["content"][0]["text"]
            )
            return text, str(sources)

        indexer = subprocess.Popen(
            [assistant_cli, "index", str(documents), "--storage", str(storage)],
            stdout=subprocess.DEVNULL,
            env={**os.environ, "HF_HUB_OFFLINE": "1", "TQDM_DISABLE": "1"},
        )
        try:
            deadline = time.monotonic() + 120
            while not holds_writer_lock(indexer.pid, storage):
                assert indexer.poll() is None and time.monotonic() < deadline, "no lock taken"
                time.sleep(0.005)
            indexer.send_signal(signal.SIGSTOP)  # the rebuild is under way and stays so
            old_generation = current_generation(storage).name
            during = [reply(PIER_QUESTION) for _ in range(3)] + [reply(BRIDGE_QUESTION)]
            assert current_generation(storage).name == old_generation  # not committed yet
            indexer.send_signal(signal.SIGCONT)
            assert indexer.wait(timeout=180) == 0
            after = reply(BRIDGE_QUESTION)
        finally:
            indexer.send_signal(signal.SIGCONT)
            indexer.kill()
            indexer.wait()
        client.close()

    assert [text for text, _ in during[:3]] == [old_pier] * 3
    assert all("bridge.txt" not in sources for _, sources in during)
    assert "teal" in after[0] and "<code>bridge.txt</code>" in after[1]
