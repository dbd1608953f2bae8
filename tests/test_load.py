"""Load: 16 gradio_client sessions chat with the real `assistant ui` server for 60 s on loopback."""

from __future__ import annotations

import html
import json
import os
import statistics
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import ui_process
from test_ui import free_port

from assistant import Assistant

gradio_client = pytest.importorskip("gradio_client")

REPO = Path(__file__).resolve().parent.parent
SESSIONS = 16
SECONDS = float(os.environ.get("LOAD_TEST_SECONDS", "60"))
ANSWER_TIMEOUT = 120.0  # one answer; the whole test is bounded by SECONDS + this
QUESTIONS_PER_CHAT = 5  # then the session clears its chat, as a person starting over would
QUESTIONS = [
    "Why did Mayawati rule out an alliance with the NDA and INDIA?",
    "How many seats will the SP contest in Uttar Pradesh?",
    "Which senior leader did the BSP expel?",
    "मायावती ने पदाधिकारियों को किस चुनाव को लेकर निर्देश दिए?",
    "Who won the 2022 FIFA World Cup final?",
]


@dataclass
class Tally:
    """What every session did, shared between their threads."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.mark.slow
def test_sixteen_sessions_for_a_minute(
    assistant: Assistant, server: str, tmp_path_factory: pytest.TempPathFactory, capsys
) -> None:
    expected = {q: html.escape(assistant.ask(q, top_k=5).answer, quote=False) for q in QUESTIONS}
    tally = Tally()
    deadline = time.monotonic() + SECONDS
    sessions = [
        threading.Thread(target=chat, args=(server, number, expected, deadline, tally))
        for number in range(SESSIONS)
    ]
    started = time.monotonic()
    for session in sessions:
        session.start()
    for session in sessions:
        session.join(timeout=max(0.0, deadline - time.monotonic()) + ANSWER_TIMEOUT + 30)
    elapsed = time.monotonic() - started

    report = summarize(tally.latencies, elapsed, len(tally.errors))
    path = tmp_path_factory.mktemp("load") / "load-report.json"
    path.write_text(json.dumps(report, indent=1))
    with capsys.disabled():
        print(f"\nload test: {json.dumps(report)} (written to {path})")
    assert not any(session.is_alive() for session in sessions), "a session hung"
    assert tally.errors == [], tally.errors[:5]
    assert report["answers"] >= SESSIONS  # every session got at least one answer


def chat(url: str, number: int, expected: dict[str, str], deadline: float, tally: Tally) -> None:
    """One person: ask the questions in turn (from its own starting point) until the deadline."""
    try:
        client = gradio_client.Client(url, verbose=False)
    except Exception as error:  # a session that cannot connect is a failure to report
        with tally.lock:
            tally.errors.append(f"session {number} could not connect: {error!r}")
        return
    asked = 0
    while time.monotonic() < deadline:
        question = QUESTIONS[(number + asked) % len(QUESTIONS)]
        started = time.monotonic()
        try:
            chat_messages, _sources, box = client.submit(
                question, 5, "hybrid", api_name="/ask"
            ).result(timeout=ANSWER_TIMEOUT)
            latency = time.monotonic() - started
            reply = chat_messages[-1]["content"][0]["text"]
            problem = None if reply == expected[question] and box == "" else f"wrong: {reply!r}"
        except Exception as error:  # timeouts, queue full, server errors: all count
            latency, problem = time.monotonic() - started, f"{type(error).__name__}: {error}"
        with tally.lock:
            tally.latencies.append(latency)
            if problem:
                tally.errors.append(f"session {number}, {question!r}: {problem}")
        asked += 1
        if asked % QUESTIONS_PER_CHAT == 0:
            client.predict(api_name="/clear")
    client.close()


def summarize(latencies: list[float], elapsed: float, errors: int) -> dict[str, float | int]:
    ordered = sorted(latencies)

    def percentile(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 3)

    return {
        "sessions": SESSIONS,
        "seconds": round(elapsed, 1),
        "answers": len(ordered),
        "errors": errors,
        "answers_per_second": round(len(ordered) / elapsed, 2),
        "p50_seconds": percentile(0.50) if ordered else 0.0,
        "p95_seconds": percentile(0.95) if ordered else 0.0,
        "max_seconds": round(ordered[-1], 3) if ordered else 0.0,
        "mean_seconds": round(statistics.fmean(ordered), 3) if ordered else 0.0,
    }


@pytest.fixture()
def server(storage_dir: Path, tmp_path: Path) -> Iterator[str]:
    """`assistant ui` in its own process on a free loopback port; stopped after the test."""
    with ui_process(storage_dir, free_port(), tmp_path / "server.log") as url:
        yield url
