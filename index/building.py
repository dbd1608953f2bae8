"""Build or refresh the index of a documents folder: load -> chunk -> embed -> store."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from index.chunking import Chunk, chunk_document
from index.config import IndexConfig
from index.embedding import dimension_of, embed
from index.loading import FileOutcome, SourceDocument, load_documents
from index.storage import commit, fsync_tree, new_generation_dir, writer_lock
from index.store import StoredIndex, dense_index, lexical_index, open_index

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
# Settings that change vectors; the others (tokenizer) need only BM25 rebuilt: vectors are reused.
EMBEDDING_SETTINGS = ("model", "chunk_chars")


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the CLI's closing line and for tests."""

    documents: int
    chunks: int
    seconds: float
    outcomes: list[FileOutcome]
    reused_documents: int
    up_to_date: bool


def build_index(config: IndexConfig, progress: Progress | None = None) -> BuildReport:
    """Index config.documents_dir into config.storage_dir, re-embedding only changed documents."""
    started = time.perf_counter()
    with writer_lock(config.storage_dir):
        loaded = load_documents(config)
        previous = _previous_index(config)
        unchanged_settings = (
            previous is not None and previous.manifest.get("settings") == config.settings()
        )
        if (
            previous is not None
            and unchanged_settings
            and _same_content(previous, loaded.documents, config)
        ):
            return BuildReport(
                len(loaded.documents),
                len(previous.chunks),
                time.perf_counter() - started,
                loaded.outcomes,
                len(loaded.documents),
                up_to_date=True,
            )
        chunks = [
            chunk
            for document in loaded.documents
            for chunk in chunk_document(document.source, document.text, config.chunk_chars)
        ]
        chunk_vectors, sentence_vectors, reused = _embed(
            config, loaded.documents, chunks, previous, progress
        )
        stored = _assemble(loaded.documents, chunks, chunk_vectors, sentence_vectors)
        building = new_generation_dir(config.storage_dir)
        stored.save(building)
        fsync_tree(building)
        commit(config.storage_dir, building, _manifest(config, loaded.documents, chunks))
    seconds = time.perf_counter() - started
    log.info(
        "Indexed %d documents, %d chunks in %.1f s", len(loaded.documents), len(chunks), seconds
    )
    return BuildReport(len(loaded.documents), len(chunks), seconds, loaded.outcomes, reused, False)


def _previous_index(config: IndexConfig) -> StoredIndex | None:
    """The current index when readable and embedded the same way (model, chunking), else None."""
    try:
        previous = open_index(config.storage_dir)
    except Exception as problem:  # any damage just means nothing can be reused
        log.info("Not reusing the stored index: %s", problem)
        return None
    built = previous.manifest.get("settings", {})
    same_vectors = all(built.get(key) == config.settings()[key] for key in EMBEDDING_SETTINGS)
    return previous if same_vectors else None


def _same_content(
    previous: StoredIndex, documents: list[SourceDocument], config: IndexConfig
) -> bool:
    return {d.source: d for d in documents} == previous.documents


def _embed(
    config: IndexConfig,
    documents: list[SourceDocument],
    chunks: list[Chunk],
    previous: StoredIndex | None,
    progress: Progress | None,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Vectors for chunks and sentences; an unchanged document's vectors come from `previous`."""
    texts = {d.source: d.text for d in documents}
    reusable = _reusable_vectors(previous, documents, chunks)
    fresh = [c for c in chunks if c.source not in reusable]
    chunk_texts = [texts[c.source][c.start : c.end] for c in fresh]
    sentence_texts = [texts[c.source][a:b] for c in fresh for a, b in c.sentences]
    new_chunk_vectors = _embed_batched(config, chunk_texts + sentence_texts, progress)
    fresh_chunks = iter(new_chunk_vectors[: len(chunk_texts)])
    fresh_sentences = iter(new_chunk_vectors[len(chunk_texts) :])
    chunk_rows: list[np.ndarray] = []
    sentence_rows: list[np.ndarray] = []
    for chunk in chunks:
        if chunk.source in reusable:
            chunk_vector, sentence_vectors = reusable[chunk.source].pop(0)
        else:
            chunk_vector = next(fresh_chunks)
            sentence_vectors = np.array([next(fresh_sentences) for _ in chunk.sentences])
        chunk_rows.append(chunk_vector)
        sentence_rows.extend(sentence_vectors)
    dimension = dimension_of(config.model_path)
    return (
        np.array(chunk_rows, dtype=np.float32).reshape(-1, dimension),
        np.array(sentence_rows, dtype=np.float16).reshape(-1, dimension),
        len({c.source for c in chunks} & reusable.keys()),
    )


def _reusable_vectors(
    previous: StoredIndex | None, documents: list[SourceDocument], chunks: list[Chunk]
) -> dict[str, list[tuple[np.ndarray, np.ndarray]]]:
    """Per document whose text and chunks are unchanged, its chunks' vectors in order."""
    if previous is None:
        return {}
    # Not whole-document equality: a new file date alone changes no vector, and a changed chunker
    # can split the same text into other sentences, whose vectors would then be misaligned.
    old_chunks, new_chunks = _by_source(previous.chunks), _by_source(chunks)
    unchanged = {
        d.source
        for d in documents
        if d.source in previous.documents
        and previous.documents[d.source].text == d.text
        and old_chunks.get(d.source) == new_chunks.get(d.source)
    }
    reusable: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {s: [] for s in unchanged}
    for chunk_id, chunk in enumerate(previous.chunks):
        if chunk.source in unchanged:
            first, last = previous.first_sentence[chunk_id], previous.first_sentence[chunk_id + 1]
            reusable[chunk.source].append(
                (
                    previous.chunk_vectors.reconstruct(chunk_id),
                    previous.sentence_vectors[first:last],
                )
            )
    return reusable


def _by_source(chunks: list[Chunk]) -> dict[str, list[Chunk]]:
    grouped: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        grouped.setdefault(chunk.source, []).append(chunk)
    return grouped


def _embed_batched(config: IndexConfig, texts: list[str], progress: Progress | None) -> np.ndarray:
    """Embed in slices so progress shows; sentence-transformers sorts each slice by length."""
    slice_size = config.batch_size * 8
    parts = []
    for start in range(0, len(texts), slice_size):
        parts.append(embed(config.model_path, texts[start : start + slice_size], config.batch_size))
        if progress:
            progress(min(start + slice_size, len(texts)), len(texts))
    dimension = dimension_of(config.model_path)
    return np.concatenate(parts) if parts else np.zeros((0, dimension), dtype=np.float32)


def _assemble(
    documents: list[SourceDocument],
    chunks: list[Chunk],
    chunk_vectors: np.ndarray,
    sentence_vectors: np.ndarray,
) -> StoredIndex:
    texts = {d.source: d.text for d in documents}
    bm25, phonetic, idf = lexical_index([texts[c.source][c.start : c.end] for c in chunks])
    return StoredIndex(
        documents={d.source: d for d in documents},
        chunks=chunks,
        chunk_vectors=dense_index(chunk_vectors),
        sentence_vectors=sentence_vectors,
        bm25=bm25,
        phonetic=phonetic,
        idf=idf,
    )


def _manifest(
    config: IndexConfig, documents: list[SourceDocument], chunks: list[Chunk]
) -> dict[str, object]:
    return {
        "settings": config.settings(),
        "dimension": dimension_of(config.model_path),
        "metric": "inner_product",
        "normalized": True,
        "counts": {"documents": len(documents), "chunks": len(chunks)},
        "documents": {d.source: d.sha256 for d in documents},
        "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
