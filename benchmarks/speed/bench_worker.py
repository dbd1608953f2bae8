"""One measured step (build, serve, pool-vectors) in a fresh process, printed as one JSON line.

    echo '{"storage": ..., ...}' | .venv/bin/python benchmarks/speed/bench_worker.py TASK

bench.py starts one per step, so peak RSS and import costs belong to that step alone.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import resource
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from model_meter import meter_models, rates


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def latency(call: Callable[[str], Any], questions: list[str]) -> dict[str, float]:
    """p50 and p95 in ms of `call` over the questions, one after another."""
    times = []
    for question in questions:
        started = time.perf_counter()
        call(question)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    return {"n": len(times), "p50_ms": round(statistics.median(times), 2), "p95_ms": round(p95, 2)}


def top_functions(profiler: cProfile.Profile, rows: int = 8) -> list[list[Any]]:
    """[function, own seconds, cumulative seconds] for the functions with the most own time."""
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    found = [
        [f"{Path(file).parent.name}/{Path(file).name}:{name}", own, cumulative]
        for (file, _, name), (_, _, own, cumulative, _) in stats.items()
    ]
    found.sort(key=lambda row: -row[1])
    return [[name, round(own, 3), round(cum, 3)] for name, own, cum in found[:rows]]


def stand_in_vectors(cache: Path, model: str = "minilm") -> Callable[[list[str]], Any]:
    """Vectors without the model: cached real vectors of the pool's sentences (bench.py).

    A sentence gets its cached vector; a longer text (a chunk) the normalized mean of its
    sentences' vectors. `model` is "minilm" or "e5" (multilingual-e5's passage vectors).
    """
    import numpy as np

    from index import split_sentences

    vectors = np.load(cache / ("vectors.npy" if model == "minilm" else "vectors-e5.npy"))
    known = dict(zip(json.loads((cache / "texts.json").read_text("utf-8")), vectors, strict=True))
    fallback = vectors.mean(axis=0)

    def vector(text: str) -> Any:
        if text in known:
            return known[text]
        mean = np.mean([known.get(text[a:b], fallback) for a, b in split_sentences(text)], axis=0)
        return mean / max(float(np.linalg.norm(mean)), 1e-9)

    return lambda texts: np.array([vector(t) for t in texts], np.float32).reshape(-1, 384)


def use_stand_in_vectors(cache: Path) -> None:
    """Every build step but the models runs for real (chunking, BM25, FAISS, files)."""
    import importlib

    import index.embedding.multilingual as e5

    e5.embed_passages = stand_in_vectors(cache, "e5")  # type: ignore[assignment]
    vectors = stand_in_vectors(cache)
    for name in ("index.sync.build", "index.sync.vectors"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, "embed"):
            module.embed = lambda _model, texts: vectors(texts)


def count_embedded(counts: dict[str, int]) -> None:
    """Count the texts and characters a build sends to the model (or to its stand-in)."""
    import index.sync.build as building

    inner = building.embed

    def counted(model: str, texts: list[str]) -> Any:
        counts["texts"] += len(texts)
        counts["chars"] += sum(map(len, texts))
        return inner(model, texts)

    building.embed = counted  # type: ignore[assignment]


def build(options: dict) -> dict:
    """One build_index of a folder into fresh storage, optionally profiled."""
    started = time.perf_counter()  # imports included, as for the baseline
    from index import IndexConfig, build_index

    if options.get("stand_in"):
        use_stand_in_vectors(Path(options["stand_in"]))
    embedded = {"texts": 0, "chars": 0}
    count_embedded(embedded)
    meters = meter_models()
    config = IndexConfig(Path(options["documents"]), Path(options["storage"]))
    profiler = cProfile.Profile()
    with profiler if options.get("profile") else nullcontext():
        report = build_index(config)
    result = {"seconds": round(time.perf_counter() - started, 2), "chunks": report.chunks}
    result |= {"documents": report.documents, "peak_rss_mb": peak_rss_mb()}
    result |= {"embedded_texts": embedded["texts"], "embedded_chars": embedded["chars"]}
    result |= {
        "languages": report.languages() and {k: len(v) for k, v in report.languages().items()}
    }
    if not options.get("stand_in"):
        result["models"] = rates(meters)
    if options.get("profile"):
        result["profile"] = top_functions(profiler)
    return result


def serve(options: dict) -> dict:
    """Open the index, warm up on 5 questions, then time search and ask over all of them."""
    from assistant import Assistant, AssistantConfig
    from index import IndexConfig

    assistant = Assistant.open(AssistantConfig(IndexConfig(storage_dir=Path(options["storage"]))))
    questions = options["questions"]
    for question in questions[:5]:  # the encoder session, FAISS and tokenizer caches
        assistant.ask(question)
    result = {"search": latency(assistant.search, questions)}
    result["ask"] = latency(assistant.ask, questions)
    if options.get("profile"):
        with cProfile.Profile() as profiler:
            for question in questions:
                assistant.ask(question)
        result["profile"] = top_functions(profiler)
    return result | {"chunks": len(assistant.index.chunks), "peak_rss_mb": peak_rss_mb()}


def pool_vectors(options: dict) -> dict:
    """Embed the synthetic corpora's sentence pool once with the real model, for stand-ins."""
    import numpy as np

    from index.config import bundled_model_path
    from index.embedding.minilm import embed
    from index.embedding.multilingual import embed_passages

    started = time.perf_counter()
    texts = sorted(set(options["texts"]))
    np.save(Path(options["cache"]) / "vectors.npy", embed(bundled_model_path(), texts))
    np.save(Path(options["cache"]) / "vectors-e5.npy", embed_passages(texts))
    (Path(options["cache"]) / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
    return {"texts": len(texts), "seconds": round(time.perf_counter() - started, 2)}


if __name__ == "__main__":
    task = {"build": build, "serve": serve, "pool-vectors": pool_vectors}[sys.argv[1]]
    print(json.dumps(task(json.loads(sys.stdin.read())), ensure_ascii=False))
