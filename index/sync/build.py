"""Sync the index with a documents folder: load -> chunk -> reuse or embed vectors -> store."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from index.config import IndexConfig
from index.embedding.minilm import dimension_of, embed
from index.embedding.multilingual import LABEL as MULTILINGUAL_LABEL
from index.lexical.token_counts import count_tokens
from index.reading.documents import FileOutcome, SourceDocument
from index.reading.file_keys import file_stats, unchanged_files
from index.reading.loading import load_documents
from index.storage.folder import IndexCorruptError, writer_lock
from index.storage.parts import SavedIndex
from index.sync.changes import SyncChanges, carry_chunks, compare, keep_unreadable
from index.sync.commit import commit_file_stats, commit_index
from index.sync.multilingual import (
    MultilingualParts,
    chunk_languages,
    multilingual_vectors,
    needs_multilingual,
)

# For benchmarks/reindex.py, which times a sync's phases by function name (so these keep their
# underscores) and imports prepare_next_sync from this module.
from index.sync.previous import _previous_index, _with_vectors
from index.sync.previous import prepare_next_sync as prepare_next_sync
from index.sync.vectors import BuildVectors, build_vectors

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


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
    read_files: int  # files read; the others kept the size and times they were indexed with
    multilingual_texts: int = 0  # distinct sentence texts sent to the multilingual model
    # An index stored without multilingual vectors that this sync gave them, keeping MiniLM's.
    upgraded: bool = False
    indexed: tuple[SourceDocument, ...] = ()  # the documents the index now holds

    def languages(self) -> dict[str, list[str]]:
        """The indexed documents by language, most documents first."""
        found: dict[str, list[str]] = {}
        for document in self.indexed:
            found.setdefault(document.language, []).append(document.source)
        return dict(sorted(found.items(), key=lambda item: -len(item[1])))

    def count(self, status: str) -> int:
        """How many files ended with this status (indexed, skipped, duplicate, kept)."""
        return sum(outcome.status == status for outcome in self.outcomes)


def build_index(config: IndexConfig, progress: Progress | None = None) -> BuildReport:
    """Bring the stored index in line with config.documents_dir, embedding only new text."""
    started = time.perf_counter()
    with writer_lock(config.storage_dir):
        scanned_ns = time.time_ns()  # before any file is looked at (file_keys.unchanged_files)
        previous = _previous_index(config)
        held = {s: d.sha256 for s, d in previous.documents.items()} if previous else None
        loaded = load_documents(config, held, unchanged_files(*_stats_and_documents(previous)))
        documents, outcomes = keep_unreadable(loaded, previous)
        stats = file_stats(scanned_ns, documents, loaded.keys)
        if previous is not None and _up_to_date(previous, documents, config):
            commit_file_stats(config, previous, stats, outcomes)
            count = int(previous.manifest["counts"]["chunks"])  # verified, so not parsed again
            return BuildReport(
                documents=len(documents),
                chunks=count,
                seconds=time.perf_counter() - started,
                outcomes=outcomes,
                changes=compare(previous, documents),
                reused_chunks=count,
                embedded_chunks=0,
                embedded_texts=0,
                reused_documents=len(documents),
                up_to_date=True,
                read_files=len(loaded.read),
                indexed=tuple(documents),
            )
        previous = _with_vectors(previous)
        changes = compare(previous, documents)
        chunks, carried = carry_chunks(documents, previous, config)
        texts = {d.source: d.text for d in documents}
        vectors = build_vectors(
            texts, chunks, carried, previous, lambda batch: _embed_batched(config, batch, progress)
        )
        saved_tokens = previous.tokens if previous is not None else None
        chunk_texts = [texts[c.source][c.start : c.end] for c in chunks]
        tokens = count_tokens(
            chunk_texts, saved_tokens, vectors.chunk_rows if saved_tokens else None
        )
        by_source = {d.source: d for d in documents}
        multilingual = _multilingual_parts(config, by_source, chunks, vectors, previous, progress)
        commit_index(config, documents, chunks, vectors, tokens, stats, multilingual, outcomes)
    seconds = time.perf_counter() - started
    log.info("Indexed %d documents, %d chunks in %.1f s", len(documents), len(chunks), seconds)
    fresh = vectors.chunk_rows < 0
    embedded_sources = {c.source for c, new in zip(chunks, fresh.tolist(), strict=True) if new}
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
        read_files=len(loaded.read),
        multilingual_texts=multilingual.embedded_texts,
        indexed=tuple(documents),
        upgraded=bool(
            previous is not None
            and previous.multilingual_sentences is None
            and multilingual.vectors is not None
            and len(previous.chunks)
        ),
    )


def _multilingual_parts(
    config: IndexConfig,
    documents: dict[str, SourceDocument],
    chunks: list,
    vectors: BuildVectors,
    previous: SavedIndex | None,
    progress: Progress | None,
) -> MultilingualParts:
    """Chunk languages, and e5 vectors of every sentence when the folder needs them."""
    languages = chunk_languages(documents, chunks, vectors.chunk_rows, previous)
    if not needs_multilingual(config.multilingual, languages):
        return MultilingualParts(languages, None, 0)
    sentences = [documents[c.source].text[a:b] for c in chunks for a, b in c.sentences]
    found, embedded = multilingual_vectors(
        sentences, vectors.sentence_rows, previous, lambda batch: _embed_e5(batch, progress)
    )
    return MultilingualParts(languages, found, embedded)


def _embed_e5(texts: list[str], progress: Progress | None) -> np.ndarray:
    """Embed with multilingual-e5 in slices so progress shows."""
    from index.embedding.multilingual import embed_passages

    slice_size = 256
    parts = []
    for start in range(0, len(texts), slice_size):
        parts.append(embed_passages(texts[start : start + slice_size]))
        if progress:
            progress(min(start + slice_size, len(texts)), len(texts))
    return np.concatenate(parts)


def _up_to_date(previous: SavedIndex, documents: list[SourceDocument], config: IndexConfig) -> bool:
    """Same settings and documents, e5 vectors (if any) from this path, and every file intact."""
    same = (
        previous.manifest.get("settings") == config.settings()
        and {d.source: d for d in documents} == previous.documents
        and previous.manifest.get("multilingual") in (None, MULTILINGUAL_LABEL)
    )
    try:
        return same and previous.verified
    except IndexCorruptError as problem:
        log.warning("Not reusing the stored index (%s); indexing everything again", problem)
        return False


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


def _stats_and_documents(previous: SavedIndex | None) -> tuple[dict, dict[str, SourceDocument]]:
    """What the last sync recorded of each file, and the documents it read from them."""
    return (previous.file_stats, previous.documents) if previous is not None else ({}, {})
