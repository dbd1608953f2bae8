"""Choose hybrid fusion weights on the first half of XQuAD's questions; report both halves.

    .venv/bin/python benchmarks/quality/fusion_weights.py [SET ...] [--cache DIR]

For each set, every weighting in its grid replaces that set's (question language, chunk
language) entry of assistant.retrieval.WEIGHTS (MULTILINGUAL_WEIGHTS for an index with e5), and
the questions run through retrieve() itself, documents ranked by their best chunk and scored
by ranx, as `assistant eval` does. The weighting with the best nDCG@10 on the first half is
chosen; the second half is held out, so its figure is not fitted to its own questions. The
corpus index is the one `make eval-xquad` caches in eval-out/xquad-SET (or --cache DIR/xquad-
SET; built there when missing).

A benchmark, not a test: it prints figures and never fails on them.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

from assistant import retrieval
from assistant.assistant import Assistant
from assistant.config import AssistantConfig
from assistant.evalsets import Question, read_evalset
from assistant.evaluation import DEPTH, index_corpus, retrieval_metrics
from index import IndexConfig

XQUAD = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "xquad"
Weights = tuple[float, ...]  # (dense, BM25, phonetic), or (MiniLM, e5, BM25, phonetic) with e5
# name: (question file, index folder and its multilingual mode, (question, chunk) languages, grid).
# Same-language pairs share the score between dense and BM25 and add a little phonetic;
# across scripts BM25 and phonetic tokens match only names and numbers, e5 reads the meaning.
# "en" is the English-only folder (no e5: today's weights); "en+e5" the same questions over the
# English paragraphs indexed with e5, as in a folder that also holds Hindi.
GRIDS: dict[str, tuple[str, str, str, tuple[str, str], list[Weights]]] = {
    "en": (
        "en",
        "en",
        "auto",
        ("en", "en"),
        [(d, round(1 - d, 2), p) for d in (0.45, 0.55, 0.65, 0.75, 0.85) for p in (0, 0.05, 0.1)],
    ),
    "en+e5": (
        "en",
        "hi-questions-en-corpus",
        "always",
        ("en", "en"),
        [(m, e, 0.35, 0.05) for m in (0.45, 0.65) for e in (0.0, 0.15, 0.3, 0.5, 0.8)],
    ),
    "hi": (
        "hi",
        "hi",
        "auto",
        ("hi", "hi"),
        [(0.0, e, 1.0, p) for e in (0.0, 0.25, 0.5, 1.0, 1.5) for p in (0.0, 0.2)],
    ),
    "en-questions-hi-corpus": (
        "en-questions-hi-corpus",
        "hi",
        "auto",
        ("en", "hi"),
        [(0.0, e, b, p) for e in (0.5, 1.0, 2.0) for b in (0.05, 0.15) for p in (0.1, 0.35)],
    ),
    "hi-questions-en-corpus": (
        "hi-questions-en-corpus",
        "hi-questions-en-corpus",
        "always",
        ("hi", "en"),
        [(0.0, e, b, p) for e in (0.5, 1.0, 2.0) for b in (0.05, 0.15) for p in (0.1, 0.45)],
    ),
}


def ndcg_by_half(
    assistant: Assistant,
    questions: list[Question],
    queries: list[retrieval.Query],
    mode: str = "hybrid",
) -> tuple[float, float, float]:
    """nDCG@10 over the first half, the second half and all the questions."""
    ranked = {}
    for question, query in zip(questions, queries, strict=True):
        hits = retrieval.retrieve(assistant.index, query, DEPTH, mode)
        sources = (assistant.index.chunks[hit.chunk_id].source for hit in hits)
        ranked[question.id] = list(dict.fromkeys(sources))
    middle = len(questions) // 2
    parts = (questions[:middle], questions[middle:], questions)
    first, second, whole = (
        retrieval_metrics({q.id: q.relevant for q in part}, ranked)["nDCG@10"] for part in parts
    )
    return first, second, whole


def tune(name: str, cache: Path) -> None:
    """Print every weighting of the set's grid and the one chosen on the first half."""
    questions_from, corpus_of, mode, pair, grid = GRIDS[name]
    evalset = read_evalset(XQUAD / questions_from)
    config = AssistantConfig(index=IndexConfig(multilingual=mode))
    corpus = read_evalset(XQUAD / corpus_of)
    # The corpus is indexed once per folder (cache/xquad-FOLDER), whatever questions ask it.
    opened = index_corpus(
        replace(corpus, questions=evalset.questions), config, cache / f"xquad-{corpus_of}"
    )
    assistant = Assistant.open(opened)
    questions = list(evalset.questions)
    model, multilingual = config.index.model_path, retrieval.uses_multilingual(assistant.index)
    queries = [retrieval.prepare_query(q.text, model, multilingual) for q in questions]
    table = retrieval.MULTILINGUAL_WEIGHTS if multilingual else retrieval.WEIGHTS
    default = table[pair]
    signals = "(MiniLM, e5, BM25, phonetic)" if multilingual else "(dense, BM25, phonetic)"
    print(f"\n{name}: {len(questions)} questions, weights {signals} for {pair}")
    results = {}
    started = time.perf_counter()
    try:
        for weights in dict.fromkeys([default, *grid]):
            table[pair] = weights  # type: ignore[assignment]
            results[weights] = ndcg_by_half(assistant, questions, queries)
            mark = "  (default)" if weights == default else ""
            print(f"  {weights}  nDCG@10 first %.4f  second %.4f  all %.4f{mark}"
                  % results[weights], flush=True)  # fmt: skip
    finally:
        table[pair] = default  # type: ignore[assignment]
    chosen = max(results, key=lambda weights: results[weights][0])
    print(f"  chosen on the first half: {chosen}  held-out second half %.4f" % results[chosen][1])
    for mode in ("bm25", "dense"):  # the single retrievers hybrid must not fall below
        figures = ndcg_by_half(assistant, questions, queries, mode)
        print(f"  {mode:6} nDCG@10 first %.4f  second %.4f  all %.4f" % figures, flush=True)
    print(f"  ({time.perf_counter() - started:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", metavar="SET", help=", ".join(GRIDS) + " (default all)")
    parser.add_argument("--cache", type=Path, default=Path("eval-out"), help="holds xquad-SET/")
    args = parser.parse_args()
    if set(args.sets) - GRIDS.keys():
        parser.error(f"sets are {', '.join(GRIDS)}")
    for name in args.sets or GRIDS:
        tune(name, args.cache)


if __name__ == "__main__":
    main()
