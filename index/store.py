"""The index in memory (documents, chunks, FAISS, sentence vectors, BM25) and its files on disk."""

from __future__ import annotations

import json
import logging
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.chunking import Chunk
from index.loading import SourceDocument
from index.storage import current_generation, read_manifest, write_json
from index.tokenizing import tokenize


@dataclass
class StoredIndex:
    """Everything retrieval needs; row i of `chunk_vectors` and of `bm25` is chunks[i]."""

    documents: dict[str, SourceDocument]
    chunks: list[Chunk]
    chunk_vectors: Any  # faiss.Index over unit vectors: inner product is cosine
    sentence_vectors: np.ndarray  # float16, one row per sentence, chunks' sentences in order
    bm25: Any  # bm25s.BM25 over tokenize()d chunk texts
    idf: dict[str, float]
    manifest: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        counts = [len(chunk.sentences) for chunk in self.chunks]
        self.first_sentence = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    def chunk_text(self, chunk_id: int) -> str:
        """The chunk's text, sliced from its document so offsets always agree."""
        chunk = self.chunks[chunk_id]
        return self.documents[chunk.source].text[chunk.start : chunk.end]

    def save(self, directory: Path) -> None:
        """Write every part as JSON, .npy or FAISS's own format (no pickle anywhere)."""
        import faiss

        write_json(directory / "documents.json", [vars(doc) for doc in self.documents.values()])
        write_json(
            directory / "chunks.json",
            [[c.source, c.start, c.end, [list(s) for s in c.sentences]] for c in self.chunks],
        )
        write_json(directory / "idf.json", self.idf)
        faiss.write_index(self.chunk_vectors, str(directory / "dense.faiss"))
        np.save(directory / "sentences.npy", self.sentence_vectors, allow_pickle=False)
        self.bm25.save(str(directory / "bm25"), show_progress=False)


def open_index(storage_dir: Path) -> StoredIndex:
    """Load the current generation after its checksums pass (see storage.read_manifest)."""
    import bm25s
    import faiss

    generation = current_generation(storage_dir)
    manifest = read_manifest(generation)
    documents = {
        row["source"]: SourceDocument(**row)
        for row in json.loads((generation / "documents.json").read_text(encoding="utf-8"))
    }
    chunks = [
        Chunk(source, start, end, tuple((a, b) for a, b in sentences))
        for source, start, end, sentences in json.loads(
            (generation / "chunks.json").read_text(encoding="utf-8")
        )
    ]
    return StoredIndex(
        documents=documents,
        chunks=chunks,
        chunk_vectors=faiss.read_index(str(generation / "dense.faiss")),
        sentence_vectors=np.load(generation / "sentences.npy", allow_pickle=False),
        bm25=bm25s.BM25.load(str(generation / "bm25"), allow_pickle=False, show_progress=False),
        idf=json.loads((generation / "idf.json").read_text(encoding="utf-8")),
        manifest=manifest,
    )


def lexical_index(texts: list[str]) -> tuple[Any, dict[str, float]]:
    """BM25 over our own tokens, and smoothed IDF per token for scoring single sentences."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every build at DEBUG
    token_lists = [tokenize(text) for text in texts]
    bm25 = bm25s.BM25()
    bm25.index(token_lists, show_progress=False)
    document_frequency = Counter(token for tokens in token_lists for token in set(tokens))
    total = len(token_lists)
    idf = {
        token: math.log(1 + (total - count + 0.5) / (count + 0.5))
        for token, count in document_frequency.items()
    }
    return bm25, idf


def dense_index(vectors: np.ndarray) -> Any:
    """Exact inner-product search; vectors are unit length, so scores are cosines."""
    import faiss

    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    return index
