"""Warm latency of `ask` in one process over the question sets: prints median, p95 and mean (ms).

    .venv/bin/python benchmarks/speed/latency.py [--storage DIR] [--rounds N]

A benchmark, not a test: it prints figures and never fails on them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from assistant import Assistant, AssistantConfig
from index import IndexConfig, build_index

REPO = Path(__file__).resolve().parents[2]
QUESTION_FILES = sorted((REPO / "benchmarks/questions").glob("documents-*.jsonl"))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(call, questions: list[str], rounds: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(rounds):
        for question in questions:
            started = time.perf_counter()
            call(question)
            times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storage", default="/tmp/doc-assistant-latency-storage")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    index_config = IndexConfig(documents_dir=REPO / "documents", storage_dir=Path(args.storage))
    build_index(index_config)
    assistant = Assistant.open(AssistantConfig(index=index_config))
    questions = [
        json.loads(line)["question"]
        for path in QUESTION_FILES
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    for question in questions[:5]:  # warm-up: model, FAISS and tokenizer caches
        assistant.ask(question)
    print(
        f"{len(questions)} questions x {args.rounds} rounds, documents/ "
        f"({len(assistant.index.chunks)} chunks), one process, warm"
    )
    for name, call in (("retrieval", assistant.search), ("ask (full answer)", assistant.ask)):
        times = timed(call, questions, args.rounds)
        print(
            f"{name:18} median {statistics.median(times):6.1f} ms   "
            f"p95 {percentile(times, 0.95):6.1f} ms   mean {statistics.mean(times):6.1f} ms"
        )


if __name__ == "__main__":
    main()
