"""The index in memory (documents, chunks, FAISS, sentence vectors, BM25) and its files on disk."""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from index.chunking import Chunk
from index.lexical import (
    BM25_B,
    BM25_K1,
    TokenTable,
    bm25_files,
    lexical_index,
    lexical_tables,
    npy_bytes,
    restored_tokens,
    saved_tokens,
    tokenizer_fingerprint,
)
from index.loading import SourceDocument
from index.storage import (
    GenerationWriter,
    IndexCorruptError,
    current_generation,
    json_bytes,
    read_checked,
    read_manifest,
    verify_files,
)

log = logging.getLogger(__name__)
__all__ = [
    "BM25_B",
    "BM25_K1",
    "SavedIndex",
    "StoredIndex",
    "dense_index",
    "lexical_index",
    "open_index",
    "save_index",
]


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


class SavedIndex:
    """The committed generation a sync builds on; each part is checksum-verified when first read.

    A sync reuses documents, chunks, vectors and token counts but writes new BM25 files, so it
    never reads those (a third of the bytes) nor imports bm25s and scipy for them.
    """

    def __init__(self, generation: Path, manifest: dict[str, Any], **parts: Any) -> None:
        self.generation = generation
        self.manifest = manifest
        # Parts already in memory (this process wrote them): cached_property finds them here.
        self.__dict__.update(parts)

    def read(self, *parts: str) -> None:
        """Read these parts now, so a damaged file shows before any work that would rely on it."""
        for part in parts:
            getattr(self, part)

    def _read(self, name: str) -> bytes:
        return read_checked(self.generation, self.manifest, name)

    @cached_property
    def verified(self) -> bool:
        """True once every stored file matches its checksum; IndexCorruptError if one does not."""
        verify_files(self.generation, self.manifest)
        return True

    @cached_property
    def documents(self) -> dict[str, SourceDocument]:
        """Stored documents by source."""
        return parse_documents(self._read("documents.json"))

    @cached_property
    def chunks(self) -> list[Chunk]:
        """Stored chunks, in row order."""
        return parse_chunks(self._read("chunks.json"))

    @cached_property
    def chunk_matrix(self) -> np.ndarray:
        """Row i is the unit vector of chunks[i]."""
        import faiss

        dense = faiss.deserialize_index(np.frombuffer(self._read("dense.faiss"), dtype=np.uint8))
        empty = np.zeros((0, dense.d), dtype=np.float32)
        return dense.reconstruct_n(0, dense.ntotal) if dense.ntotal else empty

    @cached_property
    def sentence_vectors(self) -> np.ndarray:
        """float16, one row per sentence, the chunks' sentences in order."""
        return np.asarray(np.load(io.BytesIO(self._read("sentences.npy")), allow_pickle=False))

    @cached_property
    def file_stats(self) -> dict[str, Any]:
        """What each indexed file looked like when read (syncing.py); empty if not usable."""
        # Only a speed-up too: without it every file is read, as by versions that did not save it.
        try:
            return dict(json.loads(self._read("file_stats.json")))
        except (ValueError, TypeError, IndexCorruptError) as problem:
            log.info("Reading every file: saved file keys unusable (%s)", problem)
            return {}

    @cached_property
    def tokens(self) -> TokenTable | None:
        """Each chunk's token counts, if saved by the same tokenizing code, else None."""
        # Only a speed-up: any problem means tokenizing again, never losing the stored vectors.
        try:
            saved = json.loads(self._read("tokens.json"))
            if saved["fingerprint"] != tokenizer_fingerprint():
                return None
            with np.load(io.BytesIO(self._read("tokens.npz")), allow_pickle=False) as arrays:
                table = restored_tokens(saved["vocabulary"], {k: arrays[k] for k in arrays.files})
        except Exception as problem:  # a damaged or foreign file: any error means the same
            log.info("Tokenizing again: saved token counts unusable (%s)", problem)
            return None
        return table if len(table.words.sizes) == len(self.chunks) else None


def save_index(
    writer: GenerationWriter,
    documents: list[SourceDocument],
    chunks: list[Chunk],
    vectors: tuple[np.ndarray, np.ndarray],
    tokens: TokenTable,
    file_stats: dict[str, Any],
) -> None:
    """Write every part of an index as JSON, .npy, .npz or FAISS's own format (no pickle)."""
    words, sounds, idf = lexical_tables(tokens)
    writer.write("documents.json", json_bytes([vars(d) for d in documents]))
    rows = [[c.source, c.start, c.end, c.sentences] for c in chunks]  # tuples encode as lists
    writer.write("chunks.json", json_bytes(rows))
    writer.write("idf.json", json_bytes(idf))
    writer.write("dense.faiss", faiss_bytes(dense_index(vectors[0])))
    writer.write("sentences.npy", npy_bytes(vectors[1]))
    for folder, scores in (("bm25", words), ("phonetic", sounds)):
        for name, data in bm25_files(scores).items():
            writer.write(f"{folder}/{name}", data)
    # Token counts, so the next sync in a new process need not tokenize unchanged chunks.
    arrays, vocabulary = saved_tokens(tokens)
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=False, **arrays)
    writer.write("tokens.npz", buffer.getvalue())
    saved = {"fingerprint": tokenizer_fingerprint(), "vocabulary": vocabulary}
    writer.write("tokens.json", json_bytes(saved))
    writer.write("file_stats.json", json_bytes(file_stats))


def faiss_bytes(index: Any) -> bytes:
    """A FAISS index in the format faiss.write_index writes."""
    import faiss

    return bytes(faiss.serialize_index(index).tobytes())


def parse_documents(data: bytes) -> dict[str, SourceDocument]:
    """documents.json's rows as documents by source."""
    return {row["source"]: SourceDocument(**row) for row in json.loads(data)}


def parse_chunks(data: bytes) -> list[Chunk]:
    """chunks.json's rows as chunks."""
    return [
        Chunk(source, start, end, tuple((a, b) for a, b in sentences))
        for source, start, end, sentences in json.loads(data)
    ]


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

    return StoredIndex(
        documents=parse_documents((generation / "documents.json").read_bytes()),
        chunks=parse_chunks((generation / "chunks.json").read_bytes()),
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
