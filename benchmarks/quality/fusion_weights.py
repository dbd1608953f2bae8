"""Choose hybrid fusion weights on the first half of XQuAD's questions; report both halves.

    .venv/bin/python benchmarks/quality/fusion_weights.py [SET ...] [--cache DIR]

For each set, every weighting in its grid replaces that set's (question language, chunk
language) entry of assistant.retrieval.WEIGHTS, and the questions run through retrieve() itself,
documents ranked by their best chunk and scored by ranx, as `assistant eval` does. The weighting
with the best nDCG@10 on the first half is chosen; the second half is held out, so its figure is
not fitted to its own questions. The corpus index is the one `make eval-xquad` caches in
eval-out/xquad-SET (or --cache DIR/xquad-SET; built there when missing).

A benchmark, not a test: it prints figures and never fails on them.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from assistant import retrieval
from assistant.assistant import Assistant
from assistant.config import AssistantConfig
from assistant.evalsets import Question, read_evalset
from assistant.evaluation import DEPTH, index_corpus, retrieval_metrics

XQUAD = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "xquad"
Weights = tuple[float, float, float]  # dense, BM25, phonetic
# Same-language pairs share the score between dense and BM25 and add a little phonetic;
# across scripts only BM25 (numbers, names written in Latin) and phonetic tokens can match.
GRIDS: dict[str, tuple[tuple[str, str], list[Weights]]] = {
    "en": (
        ("en", "en"),
        [(d, round(1 - d, 2), p) for d in (0.45, 0.55, 0.65, 0.75, 0.85) for p in (0, 0.05, 0.1)],
    ),
    "hi": (("hi", "hi"), [(0.0, 1.0, p) for p in (0, 0.05, 0.1, 0.2, 0.3, 0.4)]),
    "en-questions-hi-corpus": (
        ("en", "hi"),
        [(0.0, b, p) for b in (0.05, 0.15, 0.3) for p in (0.35, 0.55, 0.75)],
    ),
}


def ndcg_by_half(
    assistant: Assistant, questions: list[Question], queries: list[retrieval.Query]
) -> tuple[float, float, float]:
    """nDCG@10 over the first half, the second half and all the questions."""
    ranked = {}
    for question, query in zip(questions, queries, strict=True):
        hits = retrieval.retrieve(assistant.index, query, DEPTH, "hybrid")
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
    evalset = read_evalset(XQUAD / name)
    config = AssistantConfig()
    assistant = Assistant.open(index_corpus(evalset, config, cache / f"xquad-{name}"))
    questions = list(evalset.questions)
    model = config.index.model_path
    queries = [retrieval.prepare_query(q.text, model) for q in questions]
    pair, grid = GRIDS[name]
    default = retrieval.WEIGHTS[pair]
    print(f"\n{name}: {len(questions)} questions, weights (dense, BM25, phonetic) for {pair}")
    results = {}
    started = time.perf_counter()
    try:
        for weights in dict.fromkeys([default, *grid]):
            retrieval.WEIGHTS[pair] = weights
            results[weights] = ndcg_by_half(assistant, questions, queries)
            mark = "  (default)" if weights == default else ""
            print(f"  {weights}  nDCG@10 first %.4f  second %.4f  all %.4f{mark}"
                  % results[weights], flush=True)  # fmt: skip
    finally:
        retrieval.WEIGHTS[pair] = default
    chosen = max(results, key=lambda weights: results[weights][0])
    print(f"  chosen on the first half: {chosen}  held-out second half %.4f" % results[chosen][1])
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
