"""English questions over Hindi chunks: BM25, dense and phonetic BM25 rankings, alone and fused.

    .venv/bin/python benchmarks/crosslingual_experiment.py [--no-dense] [--controls]

XQuAD paragraphs are chunked as the index chunks documents (700 characters) and every ranking
orders documents by their best chunk, as `assistant eval` does. nDCG@10 (ranx) is printed for the
first half of the questions (weights are chosen there), the second half (held out) and all.
Fusion is weighted reciprocal rank (k=60) over the top 100 chunks of each ranking, as in
assistant/retrieval.py. The method reads only the Hindi paragraphs. --controls adds checks that
read the English paragraphs as test data only: same-language sets (is fusing the phonetic ranking
for every chunk harmless?), Hindi questions over English paragraphs, and a mixed corpus (odd
articles in Hindi, even ones in English, no paragraph in both) where the weights of the phonetic
ranking decide whether Hindi chunks surface at all or crowd out the English ones.

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
Weight = float | dict[str, float]  # one weight, or one per chunk language


def read_jsonl(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.open(encoding="utf-8")]


class Benchmark:
    """Chunked paragraphs with their languages, and questions split in halves by order."""

    def __init__(self, corpus: dict[str, Path], questions: Path) -> None:
        """`corpus` maps each language to a BEIR folder; questions come from `questions`."""
        self.chunk_docs: list[str] = []
        self.chunk_texts: list[str] = []
        self.languages: list[str] = []
        for language, folder in corpus.items():
            for row in read_jsonl(folder / "corpus.jsonl"):
                if len(corpus) > 1 and (int(row["_id"].split("-")[0]) % 2 == 1) != (
                    language == "hi"
                ):
                    continue  # mixed corpus: each article in one language only
                title = str(row.get("title") or "").strip()
                text = f"{title}\n\n{row['text']}" if title else row["text"]
                for chunk in chunk_document(row["_id"], text, CHUNK_CHARS):
                    self.chunk_docs.append(row["_id"])
                    self.chunk_texts.append(text[chunk.start : chunk.end])
                    self.languages.append(language)
        self.qrels: dict[str, dict[str, int]] = {}
        lines = (questions / "qrels" / "test.tsv").read_text(encoding="utf-8").splitlines()[1:]
        for line in lines:
            query_id, doc_id, score = line.split("\t")
            if int(score) > 0:
                self.qrels.setdefault(query_id, {})[doc_id] = int(score)
        rows = [q for q in read_jsonl(questions / "queries.jsonl") if q["_id"] in self.qrels]
        self.ids = [q["_id"] for q in rows]
        self.questions = [q["text"] for q in rows]

    def lexical(self, tokenizer: Callable[[str], list[str]]) -> Ranking:
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        model = bm25s.BM25()
        model.index([tokenizer(text) for text in self.chunk_texts], show_progress=False)
        ranking = []
        for question in self.questions:
            tokens = tokenizer(question)
            ranking.append(top(model.get_scores(tokens)) if tokens else [])
        return ranking

    def dense(self) -> Ranking:
        from index.config import bundled_model_path
        from index.embedding import embed

        model = bundled_model_path()
        return [top(row) for row in embed(model, self.questions) @ embed(model, self.chunk_texts).T]

    def fuse(self, rankings: list[Ranking], weights: list[Weight]) -> Ranking:
        fused = []
        for per_question in zip(*rankings, strict=True):
            scores: dict[int, float] = {}
            for ranking, weight in zip(per_question, weights, strict=True):
                for rank, chunk in enumerate(ranking):
                    share = weight if isinstance(weight, float) else weight[self.languages[chunk]]
                    scores[chunk] = scores.get(chunk, 0.0) + share / (RRF_K + rank)
            best = sorted((item for item in scores.items() if item[1] > 0), key=lambda i: -i[1])
            fused.append([chunk for chunk, _ in best[:CANDIDATES]])
        return fused

    def ndcg(self, ranking: Ranking, ids: list[str] | None = None) -> tuple[float, ...]:
        """nDCG@10 on the first half, the second half and all of `ids` (default: every question)."""
        runs = {}
        for query_id, chunks in zip(self.ids, ranking, strict=True):
            docs = list(dict.fromkeys(self.chunk_docs[c] for c in chunks))
            runs[query_id] = {d: float(len(docs) - i) for i, d in enumerate(docs)}
        ids = self.ids if ids is None else ids
        middle = len(ids) // 2
        return tuple(
            float(
                ranx.evaluate(
                    ranx.Qrels({q: self.qrels[q] for q in part}),
                    ranx.Run({q: runs[q] for q in part}),
                    "ndcg@10",
                    make_comparable=True,
                )
            )
            for part in (ids[:middle], ids[middle:], ids)
        )


def top(scores: np.ndarray) -> list[int]:
    order = np.argsort(-scores, kind="stable")[:CANDIDATES]
    return [int(i) for i in order if scores[i] > 0]


def show(name: str, figures: tuple[float, ...], width: int = 46) -> None:
    first, second, whole = figures
    print(f"{name:{width}} first {first:.3f}   second {second:.3f}   all {whole:.3f}")


def only(keep: Callable[[str], bool]) -> Callable[[str], list[str]]:
    return lambda text: [token for token in phonetic_tokens(text) if keep(token)]


def speed(texts: list[str]) -> None:
    timings = []
    for _ in range(2):  # first call in the process: cold word caches; then warm
        started = time.perf_counter()
        for text in texts:
            phonetic_tokens(text)
        timings.append((time.perf_counter() - started) * 1000 / len(texts))
    mean_chars = sum(map(len, texts)) / len(texts)
    print(
        f"phonetic_tokens: {timings[0]:.3f} ms per chunk cold, {timings[1]:.3f} ms warm "
        f"({len(texts)} chunks, mean {mean_chars:.0f} characters)"
    )


def cross_lingual(use_dense: bool) -> float:
    """The main table; returns the phonetic weight chosen on the first half."""
    bench = Benchmark({"hi": XQUAD / "hi"}, XQUAD / "en-questions-hi-corpus")
    print(
        f"English questions over Hindi XQuAD: {len(bench.chunk_texts)} chunks, "
        f"{len(bench.ids)} questions (first half {len(bench.ids) // 2})\n"
    )
    speed(bench.chunk_texts)
    print("\nSingle rankings")
    bm25 = bench.lexical(tokenize)
    phonetic = bench.lexical(phonetic_tokens)
    dense: Ranking = bench.dense() if use_dense else [[] for _ in bench.ids]
    show("BM25 (index tokens)", bench.ndcg(bm25))
    if use_dense:
        show("dense (MiniLM)", bench.ndcg(dense))
    show("phonetic BM25", bench.ndcg(phonetic))
    show(
        "  only whole skeletons and word joins (=)",
        bench.ndcg(bench.lexical(only(lambda t: t[0] == "="))),
    )
    show("  only skeleton 4-grams", bench.ndcg(bench.lexical(only(lambda t: t[0] not in "=#"))))
    show("  without numbers (#)", bench.ndcg(bench.lexical(only(lambda t: t[0] != "#"))))

    print("\nReciprocal-rank fusion, weights BM25 : phonetic : dense")
    show("1 : 0 : 0 (today's hybrid on Hindi chunks)", bench.ndcg(bench.fuse([bm25], [1.0])))
    if use_dense:
        show(
            "1 : 0 : 1 (dense trusted on Hindi chunks)",
            bench.ndcg(bench.fuse([bm25, dense], [1.0, 1.0])),
        )
    results = {}
    for weight in (0.5, 1.0, 2.0, 3.0, 4.0):
        for dense_weight in (0.0, 0.25, 0.5, 1.0) if use_dense else (0.0,):
            figures = bench.ndcg(bench.fuse([bm25, phonetic, dense], [1.0, weight, dense_weight]))
            results[weight, dense_weight] = figures
            show(f"1 : {weight:g} : {dense_weight:g}", figures)
    chosen = max(results, key=lambda key: results[key][0])
    show(f"chosen on the first half: 1 : {chosen[0]:g} : {chosen[1]:g}", results[chosen])
    return chosen[0]


def controls(weight: float, use_dense: bool) -> None:
    print("\nSame language: the phonetic ranking fused for every chunk (today's weights first)")
    for name in ("en", "hi"):
        bench = Benchmark({name: XQUAD / name}, XQUAD / name)
        bm25, phonetic = bench.lexical(tokenize), bench.lexical(phonetic_tokens)
        trust = 1.0 if name == "en" and use_dense else 0.0  # dense only reads English
        dense = bench.dense() if trust else [[] for _ in bench.ids]
        for extra in (0.0, 0.5, weight):
            show(
                f"{name}-{name} BM25 : phonetic : dense = 1 : {extra:g} : {trust:g}",
                bench.ndcg(bench.fuse([bm25, phonetic, dense], [1.0, extra, trust])),
            )

    print("\nHindi questions over English paragraphs (the other direction)")
    bench = Benchmark({"en": XQUAD / "en"}, XQUAD / "hi")
    bm25, phonetic = bench.lexical(tokenize), bench.lexical(phonetic_tokens)
    show("BM25", bench.ndcg(bm25))
    show("phonetic BM25", bench.ndcg(phonetic))
    for extra in (1.0, 2.0, 4.0):
        show(
            f"BM25 : phonetic = 1 : {extra:g}",
            bench.ndcg(bench.fuse([bm25, phonetic], [1.0, extra])),
        )

    print(
        "\nMixed corpus (odd articles in Hindi, even in English). Chunks in the question's"
        "\nlanguage keep today's weights (BM25 1, dense 1 if both English); chunks in the other"
        "\nlanguage get BM25 b, phonetic p, dense 0. The phonetic ranking covers all chunks."
    )
    grids = {
        "en": (
            (1.0, 0.0),
            (1.0, 1.0),
            (0.5, 1.5),
            (0.5, 1.75),
            (0.25, 2.0),
            (0.5, 2.0),
            (1.0, 2.0),
            (0.5, 2.25),
            (1.0, 3.0),
        ),
        "hi": ((1.0, 0.0), (1.0, 1.0), (0.5, 0.75), (0.5, 1.0), (0.25, 1.0), (0.5, 1.25)),
    }
    for asked, grid in grids.items():
        other = "hi" if asked == "en" else "en"
        bench = Benchmark({"en": XQUAD / "en", "hi": XQUAD / "hi"}, XQUAD / asked)
        bm25, phonetic = bench.lexical(tokenize), bench.lexical(phonetic_tokens)
        trust = 1.0 if asked == "en" and use_dense else 0.0
        dense = bench.dense() if trust else [[] for _ in bench.ids]
        hindi = {bench.chunk_docs[i] for i, lang in enumerate(bench.languages) if lang == "hi"}
        on_hindi = [q for q in bench.ids if set(bench.qrels[q]) <= hindi]
        parts = {"on Hindi": on_hindi, "on English": [q for q in bench.ids if q not in on_hindi]}
        print(
            f"\n{asked} questions: {len(bench.chunk_texts)} chunks, {len(hindi)} of 240 "
            f"paragraphs in Hindi; {len(on_hindi)} questions on Hindi paragraphs"
        )
        for b, p in grid:
            ranking = bench.fuse(
                [bm25, phonetic, dense],
                [{asked: 1.0, other: b}, {asked: 0.0, other: p}, {asked: trust, other: 0.0}],
            )
            print(f"  {other} chunks b {b:g} p {p:g}" + (" (today)" if p == 0 else ""))
            for name, ids in (*parts.items(), ("all", None)):
                show(f"    {name}", bench.ndcg(ranking, ids), width=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-dense", action="store_true", help="skip the MiniLM rankings")
    parser.add_argument("--controls", action="store_true", help="also the checks described above")
    args = parser.parse_args()
    weight = cross_lingual(not args.no_dense)
    if args.controls:
        controls(weight, not args.no_dense)


if __name__ == "__main__":
    main()
