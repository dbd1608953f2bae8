"""The index in memory for retrieval (documents, chunks, FAISS, sentence vectors, BM25)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.reading.documents import SourceDocument
from index.storage.checking import FileChecks
from index.storage.chunk_means import MEANS_FILE, chunk_means
from index.storage.files import parse_chunks, parse_documents
from index.storage.folder import (
    IndexCorruptError,
    current_generation,
)
from index.storage.manifest import MANIFEST, load_manifest
from index.text.chunking import Chunk


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
    # Each chunk's e5 vector (float32, unit length), the mean of its sentences'; None without e5.
    multilingual_chunks: np.ndarray | None = None

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
        if self.multilingual_chunks is None and self.multilingual_sentences is not None:
            # An index written before the means were stored (chunk_means.py): 1-1.5 s at 50,000
            # chunks, until the next `assistant index` stores them.
            self.multilingual_chunks = chunk_means(self.multilingual_sentences, counts)
        if self.multilingual_chunks is not None and len(self.multilingual_chunks) != len(counts):
            raise ValueError(f"{MEANS_FILE} does not hold one vector per chunk")

    def chunk_text(self, chunk_id: int) -> str:
        """The chunk's text, sliced from its document so offsets always agree."""
        chunk = self.chunks[chunk_id]
        return self.documents[chunk.source].text[chunk.start : chunk.end]


def open_index(storage_dir: Path) -> StoredIndex:
    """Load the current generation, each file once its SHA-256 matches the manifest's.

    The checks run on threads beside the loader (checking.py), and every file, the ones a load
    does not read too, has passed before the index is returned.
    """
    generation = current_generation(storage_dir)
    manifest = load_manifest(generation)
    try:
        with FileChecks(generation, manifest, skip=MANIFEST, first=READ_ORDER) as checks:
            index = _read_generation(checks, manifest)
            checks.all_checked()
            return index
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as problem:
        # Checksums passed, so the files are ours but from another layout: a rebuild fixes it.
        raise IndexCorruptError(
            f"The index in {storage_dir} cannot be read ({type(problem).__name__}: {problem}): "
            "rebuild it with `assistant index`"
        ) from None


# What bm25s.BM25.save writes (lexical/files.py), to hash in this order; others are checked too.
BM25_NAMES = (
    "params.index.json",
    "vocab.index.json",
    "indptr.csc.index.npy",
    "data.csc.index.npy",
    "indices.csc.index.npy",
)
# The files in the order a load reads them, so the checking threads hash each one ahead of it.
READ_ORDER = (
    "documents.json",
    "chunks.json",
    "dense.faiss",
    "sentences.npy",
    *(f"{folder}/{name}" for folder in ("bm25", "phonetic") for name in BM25_NAMES),
    "idf.json",
    "multilingual.npy",
    MEANS_FILE,
    "languages.json",
)


def _read_generation(checks: FileChecks, manifest: dict[str, Any]) -> StoredIndex:
    import bm25s
    import faiss

    def bm25_at(folder: str) -> Any:
        for name in checks.expected:
            if name.startswith(f"{folder}/"):
                checks.checked(name)
        path = str(checks.generation / folder)
        # Memory-mapped: the checks already brought the pages into the page cache, so mapping
        # them spares copying 125 MB at 50,000 chunks (the same for the arrays below).
        return bm25s.BM25.load(path, allow_pickle=False, show_progress=False, mmap=True)

    return StoredIndex(
        documents=parse_documents(checks.checked("documents.json").read_bytes()),
        chunks=parse_chunks(checks.checked("chunks.json").read_bytes()),
        chunk_vectors=faiss.read_index(str(checks.checked("dense.faiss"))),
        sentence_vectors=_mapped_array(checks.checked("sentences.npy")),
        bm25=bm25_at("bm25"),
        phonetic=bm25_at("phonetic"),
        idf=json.loads(checks.checked("idf.json").read_text(encoding="utf-8")),
        manifest=manifest,
        multilingual_sentences=_optional(checks, "multilingual.npy", _mapped_array),
        languages=_optional(checks, "languages.json", _json_file),
        multilingual_chunks=_optional(checks, MEANS_FILE, _mapped_array),
    )


def _mapped_array(path: Path) -> np.ndarray:
    """A stored .npy, read-only and memory-mapped: generations are never written in place."""
    return np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))


def _json_file(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _optional(checks: FileChecks, name: str, read: Callable[[Path], Any]) -> Any:
    """The part read from its file, or None where this generation has none (older, English)."""
    return read(checks.checked(name)) if name in checks.expected else None
