"""Sync the index with a documents folder: load -> chunk -> reuse or embed vectors -> store."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index import chunking
from index.chunking import Chunk, chunk_document
from index.config import IndexConfig
from index.embedding import dimension_of, embed
from index.lexical import remember_tokens
from index.loading import FileOutcome, SourceDocument, load_documents
from index.storage import (
    IndexCorruptError,
    commit,
    current_generation,
    fsync_tree,
    new_generation_dir,
    writer_lock,
)
from index.store import StoredIndex, dense_index, lexical_index, open_index
from index.syncing import SyncChanges, compare, keep_unreadable
from index.vectors import build_vectors

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
# The index this process wrote last, by storage folder, with its files' sizes and times: while
# CURRENT names it and no file was touched, the next sync (--watch) need not read it back.
_written: dict[Path, tuple[str, tuple[object, ...], StoredIndex]] = {}
# Chunk spans by file content and chunker settings, oldest first, bounded for a long --watch.
_chunked: dict[tuple[object, ...], list[tuple[int, int, tuple[tuple[int, int], ...]]]] = {}
_CHUNKED_MAX = 100_000


@dataclass(frozen=True)
class BuildReport:
    """What a sync did, for the CLI's summary and for tests."""

    documents: int
    chunks: int
    seconds: float
    outcomes: list[FileOutcome]
    changes: SyncChanges
    reused_chunks: int
    embedded_chunks: int  # chunks whose text was not in the stored index
    embedded_texts: int  # distinct chunk and sentence texts sent to the model
    reused_documents: int
    up_to_date: bool

    def count(self, status: str) -> int:
        """How many files ended with this status (indexed, skipped, duplicate, kept)."""
        return sum(outcome.status == status for outcome in self.outcomes)


def build_index(config: IndexConfig, progress: Progress | None = None) -> BuildReport:
    """Bring the stored index in line with config.documents_dir, embedding only new text."""
    started = time.perf_counter()
    with writer_lock(config.storage_dir):
        previous = _previous_index(config)
        held = {s: d.sha256 for s, d in previous.documents.items()} if previous else None
        loaded = load_documents(config, held)
        documents, outcomes = keep_unreadable(loaded, previous)
        changes = compare(previous, documents)
        if (
            previous is not None
            and previous.manifest.get("settings") == config.settings()
            and {d.source: d for d in documents} == previous.documents
        ):
            return BuildReport(
                documents=len(documents),
                chunks=len(previous.chunks),
                seconds=time.perf_counter() - started,
                outcomes=outcomes,
                changes=changes,
                reused_chunks=len(previous.chunks),
                embedded_chunks=0,
                embedded_texts=0,
                reused_documents=len(documents),
                up_to_date=True,
            )
        chunks = [chunk for document in documents for chunk in _chunks_of(document, config)]
        texts = {d.source: d.text for d in documents}
        vectors = build_vectors(
            texts, chunks, previous, lambda batch: _embed_batched(config, batch, progress)
        )
        stored = _assemble(documents, chunks, vectors.chunks, vectors.sentences)
        building = new_generation_dir(config.storage_dir)
        stored.save(building)
        fsync_tree(building)
        manifest = _manifest(config, documents, chunks, vectors.chunks.shape[1])
        generation = commit(config.storage_dir, building, manifest)
        stored.manifest = manifest
        signature = _stat_signature(generation)
        _written[config.storage_dir.resolve()] = (generation.name, signature, stored)
    seconds = time.perf_counter() - started
    log.info("Indexed %d documents, %d chunks in %.1f s", len(documents), len(chunks), seconds)
    embedded_sources = {c.source for c, new in zip(chunks, vectors.fresh_mask, strict=True) if new}
    return BuildReport(
        documents=len(documents),
        chunks=len(chunks),
        seconds=seconds,
        outcomes=outcomes,
        changes=changes,
        reused_chunks=vectors.reused_chunks,
        embedded_chunks=vectors.embedded_chunks,
        embedded_texts=vectors.embedded_texts,
        reused_documents=len(documents) - len(embedded_sources),
        up_to_date=False,
    )


def _chunks_of(document: SourceDocument, config: IndexConfig) -> list[Chunk]:
    """Chunk a document, or recall how the same bytes were chunked with the same settings."""
    # Splitting every document again would cost a tenth of a one-file sync at 10,000 chunks.
    key = (
        document.sha256,
        document.source.rpartition(".")[2],
        config.chunk_chars,
        chunking.MAX_SENTENCE_CHARS,
    )
    if key not in _chunked:
        spans = chunk_document("", document.text, config.chunk_chars)
        _chunked[key] = [(c.start, c.end, c.sentences) for c in spans]
        while len(_chunked) > _CHUNKED_MAX:
            _chunked.pop(next(iter(_chunked)))
    return [Chunk(document.source, *span) for span in _chunked[key]]


def _previous_index(config: IndexConfig) -> StoredIndex | None:
    """The current index when readable and embedded with the same model, else None."""
    key = config.storage_dir.resolve()
    try:
        generation = current_generation(config.storage_dir)
        signature = _stat_signature(generation)
        remembered = _written.get(key)
        if remembered and remembered[:2] == (generation.name, signature):
            previous = remembered[2]
        else:
            previous = open_index(config.storage_dir)
            previous.recall_tokens(generation)
            _written[key] = (generation.name, signature, previous)
    except IndexCorruptError as problem:
        log.warning("Not reusing the stored index (%s); indexing everything again", problem)
        return None
    except Exception as problem:  # missing or from another version: nothing can be reused
        log.info("Not reusing the stored index: %s", problem)
        return None
    same_model = previous.manifest.get("settings", {}).get("model") == config.model_label
    return previous if same_model else None


def prepare_next_sync(config: IndexConfig) -> None:
    """Load the model and tokenize stored chunks ahead, so the first edit --watch sees is fast."""
    dimension_of(config.model_path)
    remembered = _written.get(config.storage_dir.resolve())
    if remembered:
        stored = remembered[2]
        remember_tokens(stored.chunk_text(i) for i in range(len(stored.chunks)))


def _stat_signature(generation: Path) -> tuple[object, ...]:
    return tuple(
        (path.name, path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(generation.rglob("*"))
    )


def _embed_batched(config: IndexConfig, texts: list[str], progress: Progress | None) -> np.ndarray:
    """Embed in slices so progress shows."""
    slice_size = config.batch_size * 8
    parts = []
    for start in range(0, len(texts), slice_size):
        parts.append(embed(config.model_path, texts[start : start + slice_size]))
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
    config: IndexConfig, documents: list[SourceDocument], chunks: list[Chunk], dimension: int
) -> dict[str, object]:
    return {
        "settings": config.settings(),
        "dimension": dimension,
        "metric": "inner_product",
        "normalized": True,
        "counts": {"documents": len(documents), "chunks": len(chunks)},
        "documents": {d.source: d.sha256 for d in documents},
        "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
