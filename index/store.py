"""The index in memory (documents, chunks, FAISS, sentence vectors, BM25) and its files on disk."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.chunking import Chunk
from index.lexical import (
    BM25_B,
    BM25_K1,
    lexical_index,
    restore_bags,
    saved_bags,
    tokenizer_fingerprint,
)
from index.loading import SourceDocument
from index.storage import IndexCorruptError, current_generation, read_manifest, write_json

log = logging.getLogger(__name__)
__all__ = ["BM25_B", "BM25_K1", "StoredIndex", "dense_index", "lexical_index", "open_index"]


@dataclass
class StoredIndex:
    """Everything retrieval needs; row i of `chunk_vectors` and of `bm25` is chunks[i]."""

    documents: dict[str, SourceDocument]
    chunks: list[Chunk]
    chunk_vectors: Any  # faiss.Index over unit vectors: inner product is cosine
    sentence_vectors: np.ndarray  # float16, one row per sentence, chunks' sentences in order
    bm25: Any  # bm25s.BM25 over tokenize()d chunk texts
    phonetic: Any  # bm25s.BM25 over phonetic_tokens() of chunk texts, for cross-script matches
    idf: dict[str, float]
    manifest: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        counts = [len(chunk.sentences) for chunk in self.chunks]
        self.first_sentence = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        # Derived per load, never stored: raw chunk vectors for re-scoring a few candidates, and
        # each chunk's language so fusion can weigh signals per chunk.
        self.chunk_matrix = (
            self.chunk_vectors.reconstruct_n(0, self.chunk_vectors.ntotal)
            if self.chunk_vectors.ntotal
            else np.zeros((0, self.chunk_vectors.d), dtype=np.float32)
        )
        self.chunk_languages = np.array(
            [self.documents[chunk.source].language for chunk in self.chunks], dtype=object
        )

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
        self.phonetic.save(str(directory / "phonetic"), show_progress=False)
        # Token counts, so the next sync in a new process need not tokenize unchanged chunks.
        arrays, vocabulary = saved_bags([self.chunk_text(i) for i in range(len(self.chunks))])
        np.savez(directory / "tokens.npz", allow_pickle=False, **arrays)
        write_json(
            directory / "tokens.json",
            {"fingerprint": tokenizer_fingerprint(), "vocabulary": vocabulary},
        )

    def recall_tokens(self, generation: Path) -> None:
        """Hand the token counts saved in this generation to the next lexical_index."""
        # Only a speed-up: any problem means tokenizing again, never losing the stored vectors.
        try:
            saved = json.loads((generation / "tokens.json").read_text(encoding="utf-8"))
            if saved["fingerprint"] == tokenizer_fingerprint():
                texts = [self.chunk_text(i) for i in range(len(self.chunks))]
                with np.load(generation / "tokens.npz", allow_pickle=False) as arrays:
                    restore_bags(texts, saved["vocabulary"], arrays)
        except (OSError, ValueError, KeyError, IndexError) as problem:
            log.info("Tokenizing again: saved token counts unusable (%s)", problem)


def open_index(storage_dir: Path) -> StoredIndex:
    """Load the current generation after its checksums pass (see storage.read_manifest)."""
    generation = current_generation(storage_dir)
    manifest = read_manifest(generation)
    try:
        return _read_generation(generation, manifest)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as problem:
        # Checksums passed, so the files are ours but from another layout: a rebuild fixes it.
        raise IndexCorruptError(
            f"The index in {storage_dir} cannot be read ({type(problem).__name__}: {problem}): "
            "rebuild it with `assistant index`"
        ) from None


def _read_generation(generation: Path, manifest: dict[str, Any]) -> StoredIndex:
    import bm25s
    import faiss

    def bm25_at(name: str) -> Any:
        return bm25s.BM25.load(str(generation / name), allow_pickle=False, show_progress=False)

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
        bm25=bm25_at("bm25"),
        phonetic=bm25_at("phonetic"),
        idf=json.loads((generation / "idf.json").read_text(encoding="utf-8")),
        manifest=manifest,
    )


def dense_index(vectors: np.ndarray) -> Any:
    """Exact inner-product search; vectors are unit length, so scores are cosines."""
    import faiss

    # Flat at every size we measured: 50,000 vectors scan in ~5 ms on one thread, while HNSW
    # (M=32, efSearch=256) saved 2-3 ms for a 39 s build and top-100 recall of 0.56 on random
    # unit vectors (README "Performance").
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    return index
