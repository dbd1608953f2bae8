"""The index in memory for retrieval (documents, chunks, FAISS, sentence vectors, BM25)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.text.chunking import Chunk
from index.storage.files import parse_chunks, parse_documents
from index.reading.documents import SourceDocument
from index.storage.manifest import read_manifest
from index.storage.folder import IndexCorruptError, current_generation


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
    # Multilingual-e5 vectors of every sentence (float16), None where the folder is English only.
    multilingual_sentences: np.ndarray | None = None
    # Each chunk's own language (a mixed-script document's chunks differ); None: its document's.
    languages: list[str] | None = None

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
        languages = self.languages or [self.documents[c.source].language for c in self.chunks]
        self.chunk_languages = np.array(languages, dtype=object)
        self.multilingual_chunks = _chunk_means(self.multilingual_sentences, counts)

    def chunk_text(self, chunk_id: int) -> str:
        """The chunk's text, sliced from its document so offsets always agree."""
        chunk = self.chunks[chunk_id]
        return self.documents[chunk.source].text[chunk.start : chunk.end]


def _chunk_means(sentences: np.ndarray | None, counts: list[int]) -> np.ndarray | None:
    """A chunk's multilingual vector: the normalized mean of its sentences' vectors.

    Embedding sentences alone halves what the slow model reads (a chunk is its sentences); the
    mean of their e5 vectors is what e5 itself pools over tokens (README "Retrieval quality").
    """
    if sentences is None:
        return None
    if not len(sentences):
        return np.zeros((len(counts), sentences.shape[1]), dtype=np.float32)
    sizes = np.asarray(counts, dtype=np.int64)
    starts = np.cumsum(sizes) - sizes
    # Summed by position in the chunk (every chunk's first sentence, then second...): a few
    # vectorized passes, 3x faster than np.add.reduceat over float16 rows (2.4 s of a cold ask
    # at 50,000 chunks), and no float32 copy of all sentences.
    sums = np.zeros((len(sizes), sentences.shape[1]), dtype=np.float32)
    for position in range(int(sizes.max(initial=0))):
        longer = np.flatnonzero(sizes > position)
        sums[longer] += sentences[starts[longer] + position]
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return np.asarray(sums / np.maximum(norms, 1e-9), dtype=np.float32)


def open_index(storage_dir: Path) -> StoredIndex:
    """Load the current generation after its checksums pass (see manifest.read_manifest)."""
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

    return StoredIndex(
        documents=parse_documents((generation / "documents.json").read_bytes()),
        chunks=parse_chunks((generation / "chunks.json").read_bytes()),
        chunk_vectors=faiss.read_index(str(generation / "dense.faiss")),
        sentence_vectors=np.load(generation / "sentences.npy", allow_pickle=False),
        bm25=bm25_at("bm25"),
        phonetic=bm25_at("phonetic"),
        idf=json.loads((generation / "idf.json").read_text(encoding="utf-8")),
        manifest=manifest,
        multilingual_sentences=_optional_array(generation / "multilingual.npy"),
        languages=_optional_json(generation / "languages.json"),
    )


def _optional_array(path: Path) -> np.ndarray | None:
    return np.load(path, allow_pickle=False) if path.is_file() else None


def _optional_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
