"""English questions over Hindi chunks: BM25, dense and phonetic BM25 rankings, alone and fused.

    .venv/bin/python benchmarks/crosslingual_experiment.py [--set DIR] [--no-dense] [--controls]

Paragraphs are chunked as the index chunks documents (700 characters) and each ranking orders
documents by their best chunk, as `assistant eval` does. nDCG@10 (ranx) is printed for the first
half of the questions (used for choosing weights), the second half (held out) and all. Fusion is
weighted reciprocal rank (k=60) over the top 100 chunks of each ranking, as assistant/retrieval.py
fuses. With --controls the chosen fusion is also run on English-English and Hindi-Hindi XQuAD, to
see whether the phonetic ranking may be fused for every chunk or only for Hindi chunks.

A benchmark, not a test: it prints figures and never fails on them.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path

import bm25s
import numpy as np
import ranx

from index.chunking import chunk_document
from index.tokenizing import tokenize
from index.transliteration import phonetic_tokens

XQUAD = Path("/work/shared/benchmarks/xquad")
RRF_K = 60
CANDIDATES = 100
CHUNK_CHARS = 700
Ranking = list[list[int]]  # per question, chunk ids best first


class Benchmark:
    """One BEIR folder, chunked, with its questions split in halves by order."""

    def __init__(self, folder: Path) -> None:
        rows = [json.loads(line) for line in (folder / "corpus.jsonl").open(encoding="utf-8")]
        self.chunk_docs: list[str] = []
        self.chunk_texts: list[str] = []
        for row in rows:
            title = str(row.get("title") or "").strip()
            text = f"{title}\n\n{row['text']}" if title else row["text"]
            for chunk in chunk_document(row["_id"], text, CHUNK_CHARS):
                self.chunk_docs.append(row["_id"])
                self.chunk_texts.append(text[chunk.start : chunk.end])
        self.qrels: dict[str, dict[str, int]] = {}
        lines = (folder / "qrels" / "test.tsv").read_text(encoding="utf-8").splitlines()[1:]
        for line in lines:
            query_id, doc_id, score = line.split("\t")
            if int(score) > 0:
                self.qrels.setdefault(query_id, {})[doc_id] = int(score)
        queries = [json.loads(line) for line in (folder / "queries.jsonl").open(encoding="utf-8")]
        self.ids = [q["_id"] for q in queries if q["_id"] in self.qrels]
        texts = {q["_id"]: q["text"] for q in queries}
        self.questions = [texts[query_id] for query_id in self.ids]

    def lexical(self, tokenizer: Callable[[str], list[str]]) -> Ranking:
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        model = bm25s.BM25()
        model.index([tokenizer(text) for text in self.chunk_texts], show_progress=False)
        ranking = []
        for question in self.questions:
            tokens = tokenizer(question)
            scores = model.get_scores(tokens) if tokens else None
            ranking.append(top(scores, len(self.chunk_texts)))
        return ranking

    def dense(self) -> Ranking:
        from index.config import bundled_model_path
        from index.embedding import embed

        model = bundled_model_path()
        scores = embed(model, self.questions) @ embed(model, self.chunk_texts).T
        return [top(row, len(self.chunk_texts)) for row in scores]

    def ndcg(self, ranking: Ranking) -> tuple[float, float, float]:
        middle = len(self.ids) // 2
        runs = {}
        for query_id, chunk_ids in zip(self.ids, ranking, strict=True):
            docs = list(dict.fromkeys(self.chunk_docs[c] for c in chunk_ids))
            runs[query_id] = {d: float(len(docs) - i) for i, d in enumerate(docs)}
        return tuple(  # type: ignore[return-value]
            float(ranx.evaluate(
                ranx.Qrels({q: self.qrels[q] for q in part}),
                ranx.Run({q: runs[q] for q in part}),
                "ndcg@10",
                make_comparable=True,
            ))
            for part in (self.ids[:middle], self.ids[middle:], self.ids)
        )


def top(scores: np.ndarray | None, size: int) -> list[int]:
    if scores is None:
        return []
    order = np.argsort(-scores, kind="stable")[: min(CANDIDATES, size)]
    return [int(i) for i in order if scores[i] > 0]


def fuse(rankings: list[Ranking], weights: list[float]) -> Ranking:
    fused = []
    for per_question in zip(*rankings, strict=True):
        scores: dict[int, float] = {}
        for ranking, weight in zip(per_question, weights, strict=True):
            for rank, chunk_id in enumerate(ranking):
                scores[chunk_id] = scores.get(chunk_id, 0.0) + weight / (RRF_K + rank)
        best = sorted((item for item in scores.items() if item[1] > 0), key=lambda i: -i[1])
        fused.append([chunk_id for chunk_id, _ in best[:CANDIDATES]])
    return fused


def show(name: str, figures: tuple[float, float, float]) -> None:
    first, second, whole = figures
    print(f"{name:46} first {first:.3f}   second {second:.3f}   all {whole:.3f}")


def only(prefixes: Callable[[str], bool]) -> Callable[[str], list[str]]:
    return lambda text: [token for token in phonetic_tokens(text) if prefixes(token)]


def speed(texts: list[str]) -> None:
    timings = []
    for _ in range(2):  # first call in the process: cold word caches; then warm
        started = time.perf_counter()
        for text in texts:
            phonetic_tokens(text)
        timings.append((time.perf_counter() - started) * 1000 / len(texts))
    mean_chars = sum(map(len, texts)) / len(texts)
    print(f"phonetic_tokens: {timings[0]:.3f} ms per chunk cold, {timings[1]:.3f} ms warm "
          f"({len(texts)} chunks, mean {mean_chars:.0f} characters)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=XQUAD / "en-questions-hi-corpus")
    parser.add_argument("--no-dense", action="store_true", help="skip the MiniLM ranking")
    parser.add_argument("--controls", action="store_true", help="also run en-en and hi-hi")
    args = parser.parse_args()
    bench = Benchmark(args.set)
    print(f"{args.set}: {len(bench.chunk_texts)} chunks, {len(bench.ids)} questions "
          f"(first half {len(bench.ids) // 2})\n")
    speed(bench.chunk_texts)

    print("\nSingle rankings")
    bm25 = bench.lexical(tokenize)
    phonetic = bench.lexical(phonetic_tokens)
    show("BM25 (index tokens)", bench.ndcg(bm25))
    dense: Ranking = [[] for _ in bench.ids] if args.no_dense else bench.dense()
    if not args.no_dense:
        show("dense (MiniLM)", bench.ndcg(dense))
    show("phonetic BM25", bench.ndcg(phonetic))
    show("  only whole skeletons and word joins (=)", bench.ndcg(bench.lexical(only(
        lambda t: t[0] == "="))))
    show("  only skeleton 4-grams", bench.ndcg(bench.lexical(only(
        lambda t: t[0] not in "=#"))))
    show("  without numbers (#)", bench.ndcg(bench.lexical(only(lambda t: t[0] != "#"))))

    print("\nReciprocal-rank fusion, weights BM25 : phonetic : dense")
    show("1 : 0 : 0 (today's hybrid on Hindi chunks)", bench.ndcg(fuse([bm25, dense], [1, 0])))
    if not args.no_dense:
        show("1 : 0 : 1 (dense trusted on Hindi chunks)", bench.ndcg(fuse([bm25, dense], [1, 1])))
    results = {}
    for weight in (0.5, 1.0, 2.0, 3.0, 4.0):
        for dense_weight in (0.0,) if args.no_dense else (0.0, 0.25, 0.5, 1.0):
            figures = bench.ndcg(fuse([bm25, phonetic, dense], [1, weight, dense_weight]))
            results[weight, dense_weight] = figures
            show(f"1 : {weight:g} : {dense_weight:g}", figures)
    chosen = max(results, key=lambda key: results[key][0])
    weight = chosen[0]
    show(f"chosen on the first half: 1 : {weight:g} : {chosen[1]:g}", results[chosen])

    if args.controls:
        print("\nControls: is it safe to fuse the phonetic ranking on same-language chunks?")
        for name in ("en", "hi"):
            other = Benchmark(XQUAD / name)
            other_bm25 = other.lexical(tokenize)
            other_phonetic = other.lexical(phonetic_tokens)
            # Today's hybrid trusts dense only when question and chunk are both English.
            trust = 0.0 if name == "hi" or args.no_dense else 1.0
            other_dense = [[] for _ in other.ids] if trust == 0 else other.dense()
            show(f"{name}-{name} BM25 : dense = 1 : {trust:g}",
                 other.ndcg(fuse([other_bm25, other_dense], [1, trust])))
            for extra in (0.5, weight):
                show(f"{name}-{name} BM25 : phonetic : dense = 1 : {extra:g} : {trust:g}",
                     other.ndcg(fuse([other_bm25, other_phonetic, other_dense], [1, extra, trust])))


if __name__ == "__main__":
    main()
